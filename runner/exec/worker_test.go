package exec

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scenebench/runner/runner/measure"
	"github.com/scenebench/runner/runner/plan"
)

var ballast []byte

// The worker's peak must be its own. The parent grows its peak to well
// above a worker's, then starts one: the worker's VmHWM (what results use)
// stays small, while the child's rusage maxrss may carry the parent's peak
// across fork and exec (logged, as it depends on the kernel).
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
	p, _ := measure.NewProber()
	parentPeak := p.PeakRSS()
	if parentPeak < big {
		t.Fatalf("parent peak %d after touching %d", parentPeak, big)
	}
	exe, _ := os.Executable()
	path := filepath.Join(t.TempDir(), "scene.fake")
	os.WriteFile(path, []byte("/World/Prim_0\n"), 0o644)
	wr, err := runInWorker(context.Background(), exe, &runRequest{Path: path, Format: "fake",
		Steps: []plan.Step{{Op: "open", Name: "open"}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("parent peak %d MiB; worker VmHWM %d MiB; worker rusage maxrss %d MiB; worker wall %v",
		parentPeak>>20, wr.result.PeakRSS>>20, wr.childMaxRSS>>20, wr.wall)
	if wr.result.PeakRSS == 0 || wr.result.PeakRSS > parentPeak/2 {
		t.Errorf("worker VmHWM %d MiB is not its own (parent %d MiB)", wr.result.PeakRSS>>20, parentPeak>>20)
	}
	if wr.result.Steps[0].PeakRSS > parentPeak/2 {
		t.Errorf("worker step peak %d MiB", wr.result.Steps[0].PeakRSS>>20)
	}
}

func TestWorkerProtocolErrors(t *testing.T) {
	var out strings.Builder
	in := strings.NewReader("not json\n\n{\"path\":\"/nonexistent\",\"format\":\"fake\",\"steps\":[{\"op\":\"open\",\"name\":\"open\"}]}\n")
	if code := WorkerMain(in, &out); code != 0 {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "bad request") || !strings.Contains(lines[1], "open /nonexistent") {
		t.Errorf("responses %q", lines)
	}
}

func TestWorkerMissingExecutable(t *testing.T) {
	_, err := runInWorker(context.Background(), filepath.Join(t.TempDir(), "no-runner"), &runRequest{})
	if err == nil || !strings.Contains(err.Error(), "no-runner") {
		t.Errorf("missing executable: %v", err)
	}
}

func TestTailWriter(t *testing.T) {
	w := &tailWriter{max: 8}
	w.Write([]byte("0123456789"))
	w.Write([]byte("ab"))
	if w.String() != "456789ab" {
		t.Errorf("tail %q", w.String())
	}
}

// BenchmarkProcessRun is the overhead of one process-isolated run: start a
// worker, send a request, run a scenario that only opens a tiny file, read
// the answer, reap the worker. The worker is this test binary, or the
// runner binary named by RUNNER_BENCH_BIN (then with a scenario of no
// steps, since the fake format lives only here).
func BenchmarkProcessRun(b *testing.B) {
	exe, _ := os.Executable()
	path := filepath.Join(b.TempDir(), "scene.fake")
	os.WriteFile(path, []byte("/World/Prim_0\n"), 0o644)
	req := &runRequest{Path: path, Format: "fake", Steps: []plan.Step{{Op: "open", Name: "open"}}}
	if bin := os.Getenv("RUNNER_BENCH_BIN"); bin != "" {
		exe, req = bin, &runRequest{Path: path, Format: "usda"}
	}
	var inWorker time.Duration
	for b.Loop() {
		wr, err := runInWorker(context.Background(), exe, req)
		if err != nil {
			b.Fatal(err)
		}
		if len(wr.result.Steps) > 0 {
			inWorker += time.Duration(wr.result.Steps[0].NS)
		}
	}
	b.ReportMetric(float64(b.Elapsed()-inWorker)/float64(b.N)/1e6, "ms-overhead/run")
}
