package exec

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/scenebench/runner/runner/driver"
	"github.com/scenebench/runner/runner/ops"
	"github.com/scenebench/runner/runner/plan"
	"github.com/scenebench/runner/runner/protocol"
	"github.com/scenebench/runner/runner/results"
)

// fakeDriverEnv makes the test binary act as a driver that breaks the
// protocol in one way (see fakeDriver): the Go reader with its answers
// rewritten on their way out.
const fakeDriverEnv = "SCENEBENCH_FAKE_DRIVER"

// fakeDriver serves the protocol like the Go reader, then spoils it by
// mode. It returns the process exit status.
func fakeDriver(mode string) int {
	switch mode {
	case "exit-at-start":
		fmt.Fprintln(os.Stderr, "fake driver: cannot find its library")
		return 3
	case "hang-at-start":
		time.Sleep(time.Hour)
	case "garbage":
		fmt.Println("Welcome to the fake driver!")
	case "fork-and-hang":
		// Start a child that would outlive its parent, note both pids,
		// then answer hello and hang in the first step.
		child := osexec.Command("sleep", "3600")
		child.Start()
		os.WriteFile(filepath.Join(os.Getenv("SCENEBENCH_PID_DIR"), "pids"),
			fmt.Appendf(nil, "%d %d\n", os.Getpid(), child.Process.Pid), 0o644)
		mode = "hang-in-step"
	}
	pr, pw := io.Pipe()
	go func() {
		err := driver.Serve(context.Background(), os.Stdin, pw)
		pw.CloseWithError(err)
	}()
	sc := bufio.NewScanner(pr)
	sc.Buffer(nil, 1<<20)
	enc := json.NewEncoder(os.Stdout)
	for sc.Scan() {
		var r protocol.Response
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return 4
		}
		spoil(mode, &r)
		enc.Encode(&r)
		switch {
		case mode == "extra-result" && r.Type == protocol.TypeResult:
			enc.Encode(&r)
		case mode == "crash-in-step" && r.Type == protocol.TypeReady && r.Step == "traverse":
			panic("fake driver crashed in step " + r.Step)
		case mode == "hang-in-step" && (r.Type == protocol.TypeMeasured || r.Type == protocol.TypeReady):
			time.Sleep(time.Hour)
		case strings.HasPrefix(mode, "slow-exit-") && r.Type == protocol.TypeClosed:
			d, _ := time.ParseDuration(strings.TrimPrefix(mode, "slow-exit-"))
			time.Sleep(d)
			return 0
		case mode == "huge-line" && r.Type == protocol.TypeReady:
			fmt.Println(`{"type":"probe","step":"` + strings.Repeat("x", 2<<20) + `"}`)
		}
	}
	return 0
}

func spoil(mode string, r *protocol.Response) {
	switch {
	case r.Type == protocol.TypeHello && mode == "protocol-2":
		r.Protocol = 2
	case r.Type != protocol.TypeResult:
	case mode == "wrong-digest" && r.Digest != "":
		r.Digest = "0123456789abcdef"
	case mode == "malformed-digest" && r.Digest != "":
		r.Digest = "xyz"
	case mode == "zero-ops":
		r.Ops = 0
	case mode == "negative-ns":
		r.NS = -5
	case mode == "absurd-ns":
		r.NS = 1e300
	case mode == "wrong-name":
		r.Step = "elsewhere"
	case mode == "too-many-values" && r.Digest != "":
		r.Values = 1 << 40
	}
}

// A driver that breaks the protocol costs only its own cell, which fails
// (or mismatches) with a message naming the driver and the fault.
func TestFakeDrivers(t *testing.T) {
	exe, _ := os.Executable()
	cases := []struct {
		mode, status, want string
	}{
		{"ok", results.StatusOK, ""},
		{"wrong-digest", results.StatusMismatch, "0123456789abcdef"},
		{"malformed-digest", results.StatusFailed, `driver fake-malformed-digest: step traverse: digest "xyz" is not 16 lowercase hex digits`},
		{"zero-ops", results.StatusFailed, "driver fake-zero-ops: step open: ops 0 (at least 1)"},
		{"negative-ns", results.StatusFailed, "driver fake-negative-ns: step open: ns -5 is not a duration"},
		{"absurd-ns", results.StatusFailed, "ns 1e+300 is not a duration"},
		{"wrong-name", results.StatusFailed, `driver fake-wrong-name: answered "result" for step "elsewhere" while runner ran step "open"`},
		{"too-many-values", results.StatusFailed, "values read, expected at most 40"},
		{"extra-result", results.StatusFailed, `driver fake-extra-result: answered "result" for step "open" while runner ran step "traverse"`},
		{"protocol-2", results.StatusFailed, "driver fake-protocol-2: speaks protocol 2; this runner speaks protocol 1"},
		{"exit-at-start", results.StatusFailed, "driver fake-exit-at-start: exited while runner waited for hello (exited with status 3)"},
		{"garbage", results.StatusFailed, `driver fake-garbage: not a protocol message: "Welcome to the fake driver!"`},
		{"crash-in-step", results.StatusFailed, "exited with status 2"},
		{"huge-line", results.StatusFailed, "printed a line longer than 1048576 bytes"},
		{"hang-in-step", results.StatusTimeout, "timed out after 2s"},
	}
	settings := plan.Settings{Warmup: 0, Repeat: 1, Isolate: "process", Cache: "warm", Timeout: 2 * time.Second}
	p := testPlan(20, settings, []string{"ok"}, traverseScenario)
	base := p.Formats[0]
	p.Formats = nil
	for _, c := range cases {
		name := "fake-" + c.mode
		p.Drivers = append(p.Drivers, plan.Driver{Name: name, Command: []string{exe},
			Env: map[string]string{fakeDriverEnv: c.mode, workerEnv: ""}})
		v := base
		v.Label, v.Reader = name, name
		p.Formats = append(p.Formats, v)
	}
	p.Drivers = append(p.Drivers, plan.Driver{Name: "missing", Command: []string{"/nonexistent/driver"}})
	missing := base
	missing.Label, missing.Reader = "missing", "missing"
	p.Formats = append(p.Formats, missing)
	p.Report.Baseline = "fake-ok"
	p.Expand()
	t0 := time.Now()
	f := mustRun(t, p, Options{})
	if took := time.Since(t0); took > 30*time.Second {
		t.Errorf("took %v", took)
	}
	for _, c := range cases {
		cell := cellByID(t, f, "tiny/fake-"+c.mode+"/scan")
		if cell.Status != c.status || !strings.Contains(cell.Error, c.want) {
			t.Errorf("%s: %s %q, want %s with %q (stderr %q)", c.mode, cell.Status, cell.Error, c.status, c.want, cell.Stderr)
		}
		if c.status == results.StatusOK && (cell.Reader != "fake-ok" || cell.Startup == nil) {
			t.Errorf("ok driver: reader %q, startup %+v", cell.Reader, cell.Startup)
		}
	}
	if c := cellByID(t, f, "tiny/missing/scan"); c.Status != results.StatusFailed || !strings.Contains(c.Error, "/nonexistent/driver") {
		t.Errorf("missing driver: %s %q", c.Status, c.Error)
	}
	if c := cellByID(t, f, "tiny/fake-exit-at-start/scan"); !strings.Contains(c.Stderr, "cannot find its library") {
		t.Errorf("exit at start: stderr %q", c.Stderr)
	}
}

// A reader that takes a while to exit after answering closed (freeing a
// large scene) keeps its figures; one that outlasts driver.ExitGrace
// fails its cell, saying so.
func TestSlowExit(t *testing.T) {
	old := driver.ExitGrace
	driver.ExitGrace = 2 * time.Second
	t.Cleanup(func() { driver.ExitGrace = old })
	exe, _ := os.Executable()
	settings := plan.Settings{Warmup: 0, Repeat: 1, Isolate: "process", Cache: "warm", Timeout: time.Minute}
	p := testPlan(20, settings, []string{"ok"}, traverseScenario)
	base := p.Formats[0]
	p.Formats = nil
	for _, mode := range []string{"slow-exit-500ms", "slow-exit-1h"} {
		name := "fake-" + mode
		p.Drivers = append(p.Drivers, plan.Driver{Name: name, Command: []string{exe},
			Env: map[string]string{fakeDriverEnv: mode, workerEnv: ""}})
		v := base
		v.Label, v.Reader = name, name
		p.Formats = append(p.Formats, v)
	}
	p.Report.Baseline = "fake-slow-exit-500ms"
	p.Expand()
	f := mustRun(t, p, Options{})
	if c := cellByID(t, f, "tiny/fake-slow-exit-500ms/scan"); c.Status != results.StatusOK {
		t.Errorf("a reader exiting 0.5 s after closing: %s %q", c.Status, c.Error)
	}
	if c := cellByID(t, f, "tiny/fake-slow-exit-1h/scan"); c.Status != results.StatusFailed || !strings.Contains(c.Error, "did not exit within 2s of closing") {
		t.Errorf("a reader that does not exit after closing: %s %q", c.Status, c.Error)
	}
}

// A reader that cannot do what a cell asks (compose, parallel reads)
// skips the cell with the reason; the others run.
func TestSkippedForCapabilities(t *testing.T) {
	composed := plan.Scenario{Name: "composed", Steps: ops.MustSteps(
		ops.StepSpec{Op: "open", Name: "open", Args: map[string]any{"compose": "sublayer"}},
		ops.StepSpec{Op: "traverse", Name: "traverse", Args: map[string]any{"property": "cost"}},
	)}
	p := testPlan(20, inProcess(1), []string{"ok"}, composed, traverseScenario)
	p.Settings.DataDir = t.TempDir()
	f := mustRun(t, p, Options{Out: t.TempDir()})
	c := cellByID(t, f, "tiny/fake-ok/composed")
	if c.Status != results.StatusSkipped || c.Error != `the go reader does not compose (step open: compose = "sublayer")` {
		t.Errorf("composed cell on the go reader: %s %q", c.Status, c.Error)
	}
	if c := cellByID(t, f, "tiny/fake-ok/scan"); c.Status != results.StatusOK {
		t.Errorf("plain cell: %s %q", c.Status, c.Error)
	}
	if f.Datasets[0].Base == nil || f.Datasets[0].Base.Bytes == 0 {
		t.Errorf("no base layer recorded: %+v", f.Datasets[0])
	}
	r := &reader{name: "one", caps: &protocol.Capabilities{Formats: []string{"fake"}, Ops: []string{"open", "traverse"}}}
	threaded := plan.Cell{Format: p.Formats[0], Scenario: plan.Scenario{Steps: ops.MustSteps(
		ops.StepSpec{Op: "open", Name: "open"},
		ops.StepSpec{Op: "traverse", Name: "t4", Args: map[string]any{"threads": 4}})}}
	if got := skipReason(r, &threaded); got != "driver one reads on one thread (step t4: threads = 4)" {
		t.Errorf("threads: %q", got)
	}
	if got := skipReason(r, &plan.Cell{Format: plan.Variant{Format: "usdc"}}); got != "driver one does not read format usdc" {
		t.Errorf("format: %q", got)
	}
	if got := skipReason(r, &p.Cells[0]); got != "driver one does not compose (step open: compose = \"sublayer\")" {
		t.Errorf("compose: %q", got)
	}
}

// orphanEnv makes the test binary start a hanging driver, print its pid
// and wait: the parent of TestNoOrphans.
const orphanEnv = "SCENEBENCH_ORPHAN_PARENT"

func orphanParent() int {
	exe, _ := os.Executable()
	cmd := driver.Command{Name: "hang", Argv: []string{exe}, Env: []string{fakeDriverEnv + "=fork-and-hang", workerEnv + "=", orphanEnv + "="}}
	s, err := driver.Start(context.Background(), cmd)
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	_ = s
	time.Sleep(time.Hour)
	return 0
}

// pidAlive reports whether a process exists (and is not a zombie).
func pidAlive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	return err == nil && !strings.Contains(string(b), ") Z ")
}

// A driver dies with runner, however runner dies (kill -9 included): the
// kernel's parent-death signal. (Processes the driver started itself are
// its to end: after a kill -9 nothing of runner's is left to kill its
// process group, as it does at a timeout or Ctrl-C.)
func TestNoOrphans(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the parent-death signal is Linux's")
	}
	dir := t.TempDir()
	exe, _ := os.Executable()
	parent := osexec.Command(exe)
	parent.Env = append(os.Environ(), orphanEnv+"=1", "SCENEBENCH_PID_DIR="+dir, workerEnv+"=")
	var pout strings.Builder
	parent.Stdout, parent.Stderr = &pout, &pout
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	// The fake driver writes its pid and its child's pid when it starts.
	var pids []int
	deadline := time.Now().Add(20 * time.Second)
	for len(pids) < 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		b, _ := os.ReadFile(filepath.Join(dir, "pids"))
		pids = nil
		for _, f := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(f); err == nil {
				pids = append(pids, n)
			}
		}
	}
	if len(pids) < 2 {
		parent.Process.Kill()
		t.Fatalf("the driver did not start its child: %v\n%s", pids, pout.String())
	}
	parent.Process.Signal(syscall.SIGKILL)
	parent.Wait()
	defer syscall.Kill(pids[1], syscall.SIGKILL)
	deadline = time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && pidAlive(pids[0]) {
		time.Sleep(50 * time.Millisecond)
	}
	if pidAlive(pids[0]) {
		t.Errorf("the driver %d outlived runner", pids[0])
		syscall.Kill(pids[0], syscall.SIGKILL)
	}
}

// A driver's children die with it at the cell's timeout.
func TestTimeoutKillsTheDriversChildren(t *testing.T) {
	dir := t.TempDir()
	exe, _ := os.Executable()
	settings := plan.Settings{Warmup: 0, Repeat: 1, Isolate: "process", Cache: "warm", Timeout: 2 * time.Second}
	p := testPlan(5, settings, []string{"ok"}, openOnly)
	p.Drivers = []plan.Driver{{Name: "forker", Command: []string{exe},
		Env: map[string]string{fakeDriverEnv: "fork-and-hang", workerEnv: "", "SCENEBENCH_PID_DIR": dir}}}
	p.Formats[0].Reader = "forker"
	p.Expand()
	f := mustRun(t, p, Options{})
	if f.Cells[0].Status != results.StatusTimeout {
		t.Fatalf("cell %s %q", f.Cells[0].Status, f.Cells[0].Error)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "pids"))
	for _, s := range strings.Fields(string(b)) {
		pid, _ := strconv.Atoi(s)
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) && pidAlive(pid) {
			time.Sleep(50 * time.Millisecond)
		}
		if pidAlive(pid) {
			t.Errorf("process %d survived the timeout kill", pid)
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}
