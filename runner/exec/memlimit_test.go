package exec

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scenebench/runner/internal/testenv"
	"github.com/scenebench/runner/runner/memlimit"
	"github.com/scenebench/runner/runner/plan"
	"github.com/scenebench/runner/runner/results"
)

// requireMemoryLimits skips a test that needs control groups where there
// are none, or fails it under CI=true (the CI machine has them).
func requireMemoryLimits(t *testing.T) *memlimit.Controller {
	t.Helper()
	c := memlimit.Detect()
	if !c.Available() {
		if testenv.InCI() {
			t.Fatalf("memory limits unavailable under CI=true: %s", c.Reason)
		}
		t.Skipf("memory limits unavailable: %s", c.Reason)
	}
	return c
}

// A worker process under a small memory limit: one that stays within it
// ends ok with the limit recorded as applied, one that touches far more
// is ended by the OOM killer and its cell is oom; no group is left behind.
func TestMemoryLimitOOM(t *testing.T) {
	c := requireMemoryLimits(t)
	exe, _ := os.Executable()
	p := testPlan(50, plan.Settings{Warmup: 1, Repeat: 2, Isolate: "process", Timeout: time.Minute}, []string{"ok", "hog"}, traverseScenario)
	p.Settings.MemoryLimit = 64 << 20
	f := mustRun(t, p, Options{Executable: exe})
	ok, hog := cellByID(t, f, "tiny/fake-ok/scan"), cellByID(t, f, "tiny/fake-hog/scan")
	if ok.Status != results.StatusOK {
		t.Fatalf("fake-ok under 64 MiB: %s %s\n%s", ok.Status, ok.Error, ok.Stderr)
	}
	ml := ok.MemoryLimit
	if ml == nil || !ml.Applied || ml.Bytes != 64<<20 || ml.Mechanism != c.Mechanism || ml.Runs != 2 {
		t.Errorf("fake-ok memory limit %+v", ml)
	}
	if ml != nil && (ml.PeakBytes == nil || ml.PeakBytes.Median <= 0 || ml.PeakBytes.Max > 64<<20) {
		t.Errorf("group peak %+v", ml.PeakBytes)
	}
	if hog.Status != results.StatusOOM || !strings.Contains(hog.Error, "OOM killer") || len(hog.Steps) != 0 {
		t.Errorf("fake-hog under 64 MiB: %s %q", hog.Status, hog.Error)
	}
	if f.Settings.MemoryLimitBytes != 64<<20 {
		t.Errorf("settings %+v", f.Settings)
	}
	left, _ := filepath.Glob(filepath.Join(c.Dir, "runner-*"))
	for _, g := range left {
		if strings.HasPrefix(filepath.Base(g), "runner-"+strconv.Itoa(os.Getpid())+"-") {
			t.Errorf("group %s left behind", g)
		}
	}
}

// The Go reader in runner's own process cannot be limited: the cell runs,
// and says so.
func TestMemoryLimitInProcessNotApplied(t *testing.T) {
	p := testPlan(10, inProcess(1), []string{"ok"}, traverseScenario)
	p.Formats[0].MemoryLimit = 64 << 20
	p.Cells[0].Format.MemoryLimit = 64 << 20
	f := mustRun(t, p, Options{})
	c := &f.Cells[0]
	if c.Status != results.StatusOK || c.MemoryLimit == nil || c.MemoryLimit.Applied || c.MemoryLimit.Reason == "" {
		t.Fatalf("cell %s %+v", c.Status, c.MemoryLimit)
	}
	if len(c.Warnings) == 0 || !strings.Contains(strings.Join(c.Warnings, "\n"), "not applied") {
		t.Errorf("warnings %v", c.Warnings)
	}
}
