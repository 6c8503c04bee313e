package exec

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scenebench/runner/runner/measure"
	"github.com/scenebench/runner/runner/ops"
	"github.com/scenebench/runner/runner/plan"
)

var ballast []byte

// processRun runs steps once in a worker process (this test binary, see
// TestMain) on a fake file of one prim.
func processRun(t testing.TB, exe string, steps ...ops.StepSpec) (runResult, error) {
	p := testPlan(1, plan.Settings{Isolate: "process", Repeat: 1, Timeout: time.Minute}, []string{"ok"},
		plan.Scenario{Name: "s", Steps: ops.MustSteps(steps...)})
	path := filepath.Join(t.TempDir(), "scene.fake")
	os.WriteFile(path, []byte("/World/Prim_0\n"), 0o644)
	cr, err := newCellRun(&p.Cells[0], path, "", &reader{name: plan.GoReader, caps: goCapabilities()})
	if err != nil {
		t.Fatal(err)
	}
	e := &executor{p: p, set: p.Settings, exe: exe}
	return e.runOnce(context.Background(), cr)
}

// The worker's peak must be its own. The parent grows its peak to well
// above a worker's, then starts one: the worker's VmHWM, probed from
// outside, stays small.
func TestPeakRSSDoesNotLeakFromParent(t *testing.T) {
	if testing.Short() {
		t.Skip("touches 128 MiB")
	}
	const big = 128 << 20
	ballast = make([]byte, big)
	for i := 0; i < len(ballast); i += 4096 {
		ballast[i] = 1
	}
	defer func() { ballast = nil }()
	p, _ := measure.NewProber(os.Getpid())
	parentPeak := p.PeakRSS()
	if parentPeak < big {
		t.Fatalf("parent peak %d after touching %d", parentPeak, big)
	}
	exe, _ := os.Executable()
	rr, err := processRun(t, exe, ops.StepSpec{Op: "open", Name: "open"})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("parent peak %d MiB; worker VmHWM %d MiB; start-up %v", parentPeak>>20, rr.PeakRSS>>20, time.Duration(rr.Startup))
	if rr.PeakRSS == 0 || rr.PeakRSS > parentPeak/2 {
		t.Errorf("worker VmHWM %d MiB is not its own (parent %d MiB)", rr.PeakRSS>>20, parentPeak>>20)
	}
	if rr.Steps[0].PeakRSS > parentPeak/2 {
		t.Errorf("worker step peak %d MiB", rr.Steps[0].PeakRSS>>20)
	}
}

func TestWorkerMissingExecutable(t *testing.T) {
	_, err := processRun(t, filepath.Join(t.TempDir(), "no-runner"), ops.StepSpec{Op: "open", Name: "open"})
	if err == nil || !strings.Contains(err.Error(), "no-runner") {
		t.Errorf("missing executable: %v", err)
	}
}

// BenchmarkProcessRun is the overhead of one process-isolated run: start a
// worker, handshake, run a scenario that only opens a tiny file, close,
// reap the worker. The worker is this test binary.
func BenchmarkProcessRun(b *testing.B) {
	exe, _ := os.Executable()
	var inWorker time.Duration
	for b.Loop() {
		rr, err := processRun(b, exe, ops.StepSpec{Op: "open", Name: "open"})
		if err != nil {
			b.Fatal(err)
		}
		inWorker += time.Duration(rr.Steps[0].NS)
	}
	b.ReportMetric(float64(b.Elapsed()-inWorker)/float64(b.N)/1e6, "ms-overhead/run")
}
