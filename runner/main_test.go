package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenebench/runner/runner/exec"
)

// TestMain lets the test binary serve as runner's worker, as the runner
// binary does, for the applies that start worker processes.
//
// With RUNNER_TEST_AS_RUNNER=1 in its environment it is the runner command
// itself, for tests that need runner in processes of its own (the shards
// of a sharded run).
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "worker" {
		os.Exit(exec.WorkerMain(os.Stdin, os.Stdout))
	}
	if os.Getenv(asRunnerEnv) == "1" {
		os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	code := m.Run()
	removeBuilt()
	os.Exit(code)
}

// asRunnerEnv makes the test binary act as runner (TestMain).
const asRunnerEnv = "RUNNER_TEST_AS_RUNNER"

// runCmd runs the runner in-process and returns its exit status and output.
func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func writeFile(t *testing.T, dir, name, src string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const sweepSpec = `dataset "scene" {
  hierarchy = ["flat", "deep"]
  prims     = [1000, 10000]
}

format "parquet" {
  compression    = ["none", "snappy", "zstd"]
  row_group_size = [100, 1000]
}

format "usdc" {}

scenario "open" {
  step "open" {}
}
`

func TestExitStatuses(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.hcl", sweepSpec)
	bad := writeFile(t, dir, "bad.hcl", "dataset \"flat\" {\n  prims = 0\n}\n")
	tests := []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{args: nil, code: 2, stderr: "Commands:"},
		{args: []string{"frobnicate"}, code: 2, stderr: `unknown command "frobnicate"`},
		{args: []string{"validate", good}, code: 0, stdout: "valid; 32 cells: 4 datasets x (7 format variants + the A/A control) x 1 scenario"},
		{args: []string{"validate", bad}, code: 2, stderr: "prims must be a positive whole number"},
		{args: []string{"validate"}, code: 2, stderr: "no spec files given"},
		{args: []string{"validate", "-nope", good}, code: 2, stderr: "flag provided but not defined"},
		{args: []string{"validate", filepath.Join(dir, "missing.hcl")}, code: 2, stderr: "Cannot read spec file"},
		{args: []string{"plan", good, "-filter", "format=parquet-zstd-*"}, code: 0, stdout: "8 cells: 4 datasets x 2 format variants x 1 scenario"},
		{args: []string{"plan", "-filter", "colour=red", good}, code: 2, stderr: `unknown key "colour"`},
		{args: []string{"plan", "-filter", "format=hdf5", good}, code: 2, stderr: "selects none of the 32 cells"},
		{args: []string{"plan", "-var", "x=1", good}, code: 2, stderr: "Value for undeclared variable"},
		{args: []string{"version"}, code: 0, stdout: "runner "},
		{args: []string{"version", "extra"}, code: 2, stderr: "usage: runner version"},
		{args: []string{"help"}, code: 0, stdout: "validate"},
		{args: []string{"help", "plan"}, code: 0, stdout: "-filter"},
		{args: []string{"help", "nope"}, code: 2, stderr: "unknown command"},
		{args: []string{"plan", "-h"}, code: 0, stderr: "usage: runner plan"},
		{args: []string{"worker", "-h"}, code: 0, stderr: "usage: runner worker"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCmd(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			if !strings.Contains(stdout, tt.stdout) {
				t.Errorf("stdout does not contain %q:\n%s", tt.stdout, stdout)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr does not contain %q:\n%s", tt.stderr, stderr)
			}
			if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
				t.Errorf("stack trace on stderr:\n%s", stderr)
			}
		})
	}
}

func TestHelpHidesWorker(t *testing.T) {
	_, stdout, _ := runCmd(t, "help")
	if strings.Contains(stdout, "worker") {
		t.Errorf("help lists the hidden worker:\n%s", stdout)
	}
	for _, name := range []string{"validate", "plan", "apply", "gen", "fmt", "version", "help", "merge", "export"} {
		if !strings.Contains(stdout, "\t"+name) {
			t.Errorf("help does not list %s:\n%s", name, stdout)
		}
	}
}

// plan -json prints the product of the swept axes, each cell with the
// contract's fields.
func TestPlanJSON(t *testing.T) {
	spec := writeFile(t, t.TempDir(), "s.hcl", sweepSpec)
	code, stdout, stderr := runCmd(t, "plan", "-json", spec)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var cells []struct {
		ID         string            `json:"id"`
		Dataset    string            `json:"dataset"`
		Format     string            `json:"format"`
		FormatName string            `json:"format_name"`
		Variant    map[string]string `json:"variant"`
		Scenario   string            `json:"scenario"`
	}
	if err := json.Unmarshal([]byte(stdout), &cells); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if len(cells) != 4*(3*2+1+1) {
		t.Fatalf("%d cells, want %d", len(cells), 4*8) // 7 variants and the A/A control
	}
	ids := map[string]bool{}
	for _, c := range cells {
		ids[c.ID] = true
		if c.ID != c.Dataset+"/"+c.Format+"/"+c.Scenario {
			t.Errorf("id %q does not match its parts", c.ID)
		}
	}
	if len(ids) != len(cells) {
		t.Error("duplicate cell ids")
	}
	c := cells[6] // after the baseline and its A/A control
	if c.ID != "scene-flat-prims1000/parquet-zstd-rg1000/open" || c.FormatName != "parquet" ||
		c.Variant["compression"] != "zstd" || c.Variant["row_group_size"] != "rg1000" {
		t.Errorf("cell 5 = %+v", c)
	}
	if last := cells[len(cells)-1]; last.Format != "usdc" || len(last.Variant) != 0 {
		t.Errorf("last cell = %+v", last)
	}
}

func TestFmt(t *testing.T) {
	dir := t.TempDir()
	messy := "dataset \"flat\" {\nprims=1000\n  seed =  3\n}\n"
	tidy := "dataset \"flat\" {\n  prims = 1000\n  seed  = 3\n}\n"
	sub := filepath.Join(dir, "sub")
	hidden := filepath.Join(dir, ".hidden")
	for _, d := range []string{sub, hidden} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	a := writeFile(t, dir, "a.hcl", messy)
	b := writeFile(t, sub, "b.hcl", tidy)
	c := writeFile(t, hidden, "c.hcl", messy)
	writeFile(t, dir, "notes.txt", messy)

	code, stdout, _ := runCmd(t, "fmt", "-check", dir)
	if code != 1 || strings.TrimSpace(stdout) != a {
		t.Errorf("fmt -check: exit %d, listed %q; want 1 and %s", code, stdout, a)
	}
	if got, _ := os.ReadFile(a); string(got) != messy {
		t.Error("fmt -check changed a file")
	}
	if code, _, stderr := runCmd(t, "fmt", dir); code != 0 {
		t.Errorf("fmt: exit %d: %s", code, stderr)
	}
	for path, want := range map[string]string{a: tidy, b: tidy, c: messy} {
		if got, _ := os.ReadFile(path); string(got) != want {
			t.Errorf("%s after fmt:\n%s", path, got)
		}
	}
	if code, stdout, _ := runCmd(t, "fmt", "-check", dir); code != 0 || stdout != "" {
		t.Errorf("second fmt -check: exit %d, listed %q", code, stdout)
	}

	broken := writeFile(t, dir, "broken.hcl", "dataset \"x\" {\n  prims = \n")
	code, _, stderr := runCmd(t, "fmt", broken)
	if code != 2 || !strings.Contains(stderr, "broken.hcl line") {
		t.Errorf("syntax error: exit %d, stderr %s", code, stderr)
	}
	if got, _ := os.ReadFile(broken); string(got) != "dataset \"x\" {\n  prims = \n" {
		t.Error("fmt rewrote a file with syntax errors")
	}
}

// Every shipped suite and example is valid and formatted, as `make
// fmt-check` and the README promise.
func TestShippedSpecsCLI(t *testing.T) {
	for _, dir := range []string{"../specs", "../examples"} {
		paths, _ := filepath.Glob(filepath.Join(dir, "*.hcl"))
		for _, p := range paths {
			if code, _, stderr := runCmd(t, "validate", p); code != 0 {
				t.Errorf("validate %s: exit %d\n%s", p, code, stderr)
			}
		}
		if code, stdout, stderr := runCmd(t, "fmt", "-check", dir); code != 0 {
			t.Errorf("fmt -check %s: exit %d\n%s%s", dir, code, stdout, stderr)
		}
	}
}

func TestApplyReportsPlainly(t *testing.T) {
	spec := writeFile(t, t.TempDir(), "s.hcl", `dataset "flat" {
  prims = 10
}

format "parquet" {}

scenario "open" {
  step "open" {}
}
`)
	code, _, stderr := runCmd(t, "apply", "-filter", "scenario=nope", spec)
	if code != 2 || !strings.Contains(stderr, "selects none") {
		t.Errorf("apply with an empty filter: exit %d, %s", code, stderr)
	}
}

// Every invalid spec ends in exit status 2 with diagnostics naming the file,
// never a stack trace.
func TestInvalidSpecsCLI(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/specs/invalid/*.hcl")
	if len(paths) < 25 {
		t.Fatalf("found %d invalid specs", len(paths))
	}
	for _, p := range paths {
		code, _, stderr := runCmd(t, "validate", p)
		if code != 2 || !strings.Contains(stderr, "Error: ") || !strings.Contains(stderr, filepath.Base(p)) {
			t.Errorf("validate %s: exit %d\n%s", p, code, stderr)
		}
		if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "internal error") {
			t.Errorf("validate %s crashed:\n%s", p, stderr)
		}
	}
}
