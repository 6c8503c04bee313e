//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	builtPath string
	buildErr  error
)

// TestMain removes the command builtRunner built.
// removeBuilt removes the command builtRunner built, at the end of the
// tests (TestMain in main_test.go).
func removeBuilt() {
	if builtPath != "" {
		os.RemoveAll(filepath.Dir(builtPath))
	}
}

// builtRunner builds the runner command once for the tests that need a
// process of their own: to be sent signals, or to be given inputs that
// would block it.
func builtRunner(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "runner-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtPath = filepath.Join(dir, "runner")
		out, err := exec.Command("go", "build", "-o", builtPath, ".").CombinedOutput()
		if err != nil {
			buildErr = errors.New(string(out))
		}
	})
	if buildErr != nil {
		t.Skipf("cannot build runner: %v", buildErr)
	}
	return builtPath
}

// exitCode runs the command and returns its exit status and output, failing
// the test if it does not end within limit.
func exitCode(t *testing.T, cmd *exec.Cmd, limit time.Duration) (int, string) {
	t.Helper()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode(), out.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0, out.String()
	case <-time.After(limit):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("%v did not end within %v:\n%s", cmd.Args, limit, out.String())
		return 0, ""
	}
}

const validSpec = `dataset "flat" {
  prims = 10
}

format "parquet" {}

scenario "open" {
  step "open" {}
}
`

// Inputs that blocked, crashed or ran away with the command end in exit
// status 2 and one clear diagnostic, at once. A FIFO with no writer used to
// block the load forever, Ctrl-C included.
func TestHostileInputsCLI(t *testing.T) {
	bin := builtRunner(t)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "spec.hcl")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	good := writeFile(t, dir, "good.hcl", validSpec)
	withVar := writeFile(t, dir, "var.hcl", "variable \"n\" {\n  default = 10\n}\n"+strings.Replace(validSpec, "prims = 10", "prims = var.n", 1))
	binary := make([]byte, 200<<10)
	for i := range binary {
		binary[i] = byte(i*7919 + i>>8)
	}
	binPath := filepath.Join(dir, "binary.hcl")
	if err := os.WriteFile(binPath, binary, 0o644); err != nil {
		t.Fatal(err)
	}
	deep := writeFile(t, dir, "deep.hcl", "dataset \"flat\" {\n  prims = "+strings.Repeat("(", 70000)+"100"+strings.Repeat(")", 70000)+"\n}\n")
	pow := writeFile(t, dir, "pow.hcl", strings.Replace(validSpec, "prims = 10", "prims = pow(-1, 0.5)", 1))
	big := writeFile(t, dir, "big.hcl", "locals {\n  l = ["+strings.Repeat("1,", 5000000)+"]\n}\n")

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"a FIFO as the spec", []string{"validate", fifo}, "it is a named pipe (FIFO), not a regular file"},
		{"a FIFO as a -var-file", []string{"validate", "-var-file", fifo, withVar}, "Reading -var-file " + fifo + " failed: it is a named pipe"},
		{"a device", []string{"plan", "/dev/urandom"}, "it is a character device, not a regular file"},
		{"a directory", []string{"validate", dir}, "it is a directory, not a regular file"},
		{"200 KB of binary", []string{"validate", binPath}, "Not a text file"},
		{"70,000 nested parentheses", []string{"validate", deep}, "nest more than 256 levels deep"},
		{"pow(-1, 0.5)", []string{"validate", pow}, "pow(-1, 0.5) is not a number"},
		{"a 5M-element literal", []string{"validate", big}, "at most 512 KiB"},
		{"fmt of a FIFO", []string{"fmt", "-check", fifo}, "named pipe"},
		{"fmt of 70,000 nested parentheses", []string{"fmt", "-check", deep}, "nest more than 256 levels deep"},
		{"a -var of 70,000 nested parentheses", []string{"validate", "-var", "n=" + strings.Repeat("(", 70000), withVar}, "nest more than 256 levels deep"},
		{"a good spec still loads", []string{"validate", good}, "valid; 1 cell"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			code, out := exitCode(t, exec.Command(bin, tt.args...), 10*time.Second)
			want := 2
			if strings.HasPrefix(tt.want, "valid") {
				want = 0
			}
			if code != want || !strings.Contains(out, tt.want) {
				t.Errorf("exit %d, want %d with %q:\n%s", code, want, tt.want, clipOut(out))
			}
			if strings.Contains(out, "goroutine ") || strings.Contains(out, "panic") {
				t.Errorf("stack trace:\n%s", clipOut(out))
			}
			if n := strings.Count(out, "Error: "); n > 1 {
				t.Errorf("%d errors, want one:\n%s", n, clipOut(out))
			}
			t.Logf("exit %d in %v", code, time.Since(start).Round(time.Millisecond))
		})
	}
}

func clipOut(s string) string {
	if len(s) > 3000 {
		return s[:3000] + "..."
	}
	return s
}

// slowSpec spends a second or two evaluating before it runs out of budget:
// a load long enough to be interrupted.
const slowSpec = `locals {
  big = [for i in flatten([for i in range(50) : range(1000)]) : { a = i }]
  r   = [for x in local.big : local.big[*].a]
}

dataset "flat" {
  prims = length(local.r)
}

format "parquet" {}

scenario "s" {
  step "open" {}
}
`

// SIGINT and SIGTERM during a load stop the command at once, with the
// shell's status for the signal (Ctrl-C used to be ignored until the load
// ended, if it ever did).
func TestSignalDuringLoad(t *testing.T) {
	bin := builtRunner(t)
	spec := writeFile(t, t.TempDir(), "slow.hcl", slowSpec)
	for _, tt := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		t.Run(tt.sig.String(), func(t *testing.T) {
			cmd := exec.Command(bin, "validate", spec)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			start := time.Now()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
				t.Skipf("the load ended in %v, before it could be interrupted", time.Since(start))
			case <-time.After(300 * time.Millisecond):
			}
			sent := time.Now()
			if err := cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-done:
				var ee *exec.ExitError
				code := 0
				if errors.As(err, &ee) {
					code = ee.ExitCode()
				}
				if code == 2 && !strings.Contains(out.String(), "interrupted") {
					t.Skipf("the load ended before the signal arrived:\n%s", out.String())
				}
				if code != tt.code || !strings.Contains(out.String(), "interrupted while loading the spec") {
					t.Errorf("exit %d, want %d:\n%s", code, tt.code, out.String())
				}
				if late := time.Since(sent); late > time.Second {
					t.Errorf("ended %v after the signal", late)
				}
				t.Logf("ended %v after the signal", time.Since(sent).Round(time.Millisecond))
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatalf("still running 10 s after %v:\n%s", tt.sig, out.String())
			}
		})
	}
}

// runner fmt - reading a terminal or a pipe that never ends stops on SIGINT.
func TestSignalDuringFmtStdin(t *testing.T) {
	bin := builtRunner(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	cmd := exec.Command(bin, "fmt", "-")
	cmd.Stdin = r
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	time.Sleep(200 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 130 {
			t.Errorf("fmt - after SIGINT: %v\n%s", err, out.String())
		}
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("fmt - still reading 5 s after SIGINT")
	}
}
