package exec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/runner/dataset"
	"github.com/scenebench/runner/runner/ops"
	"github.com/scenebench/runner/runner/plan"
	"github.com/scenebench/runner/runner/results"
)

func inProcess(repeat int) plan.Settings {
	return plan.Settings{Warmup: 1, Repeat: repeat, Isolate: "none", Cache: "warm", Timeout: time.Minute}
}

func mustRun(t *testing.T, p *plan.Plan, opts Options) *results.File {
	t.Helper()
	if opts.Ensure == nil {
		opts.Ensure = fakeEnsure(t.TempDir(), nil)
	}
	f, err := Run(context.Background(), p, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return f
}

func cellByID(t *testing.T, f *results.File, id string) *results.Cell {
	t.Helper()
	for i := range f.Cells {
		if f.Cells[i].ID == id {
			return &f.Cells[i]
		}
	}
	t.Fatalf("no cell %s in %d cells", id, len(f.Cells))
	return nil
}

func TestRunInProcess(t *testing.T) {
	out := t.TempDir()
	var ensures atomic.Int64
	p := testPlan(200, inProcess(3), []string{"ok", "slow"}, fullScenario)
	p.SpecSHA256 = "abc123"
	f := mustRun(t, p, Options{Out: out, Ensure: fakeEnsure(t.TempDir(), &ensures)})

	if got := ensures.Load(); got != 1 {
		t.Errorf("Ensure called %d times; variants differing in read options share one file", got)
	}
	if len(f.Datasets) != 1 || len(f.Datasets[0].Files) != 2 || f.Datasets[0].Files[0].Bytes == 0 {
		t.Errorf("datasets %+v", f.Datasets)
	}
	if !AllOK(f) {
		for _, c := range f.Cells {
			t.Errorf("cell %s: %s %s", c.ID, c.Status, c.Error)
		}
		t.FailNow()
	}
	a, b := &f.Cells[0], &f.Cells[1]
	if len(a.Steps) != len(fullScenario.Steps)+1 {
		t.Fatalf("%d steps, want %d and the time to first value", len(a.Steps), len(fullScenario.Steps))
	}
	// The time to first value: per run, the open plus the first get.
	fv := a.Steps[len(a.Steps)-1]
	if fv.Name != FirstValueStep || fv.Op != results.OpFirstValue || len(fv.SamplesNS) != 3 {
		t.Fatalf("first-value step %+v", fv)
	}
	for r := range 3 {
		if want := a.Steps[0].SamplesNS[r] + a.Steps[1].SamplesNS[r]; fv.SamplesNS[r] != want {
			t.Errorf("run %d: first value %v, open + cold get %v", r, fv.SamplesNS[r], want)
		}
	}
	for i, s := range a.Steps[:len(fullScenario.Steps)] {
		if len(s.SamplesNS) != 3 || s.Stats.MedianNS <= 0 || s.Memory.RSSAfterBytes.Median <= 0 {
			t.Errorf("step %s: samples %v, stats %+v, memory %+v", s.Name, s.SamplesNS, s.Stats, s.Memory.RSSAfterBytes)
		}
		if s.Digest != b.Steps[i].Digest {
			t.Errorf("step %s: digests %s and %s differ between equal readers", s.Name, s.Digest, b.Steps[i].Digest)
		}
		if (s.Op == "open") != (s.Digest == "") {
			t.Errorf("step %s (%s) digest %q", s.Name, s.Op, s.Digest)
		}
	}
	byName := map[string]results.Step{}
	for _, s := range a.Steps {
		byName[s.Name] = s
	}
	want := map[string]struct {
		ops, values int64
		probes      int
	}{
		"get":        {1, 1, 0},
		"traverse":   {1, 600, 4},
		"traverse#2": {1, 200, 2},
		"traverse#3": {1, 10, 0},
	}
	for name, w := range want {
		s := byName[name]
		if s.Ops != w.ops || s.Values != w.values || len(s.Probes) != w.probes {
			t.Errorf("step %s: ops %d values %d probes %d, want %+v", name, s.Ops, s.Values, len(s.Probes), w)
		}
	}
	// A warm get of a map lookup is far under a microsecond: batched.
	if g := byName["get#3"]; g.Ops < 100 || g.Values != 2 {
		t.Errorf("batched warm get: ops %d, values %d", g.Ops, g.Values)
	}
	// 50 warm reads of a map lookup take well under a microsecond each
	// but over one in all: not batched, 50 ops.
	if g := byName["get#2"]; g.Ops < 50 || g.Stats.MedianNS > 5000 {
		t.Errorf("warm get: ops %d, median %v ns", g.Ops, g.Stats.MedianNS)
	}
	pr := byName["traverse"].Probes
	if pr[0].Prims != 50 || pr[3].Prims != 200 || pr[3].ElapsedNS < pr[0].ElapsedNS || pr[0].RSSBytes <= 0 {
		t.Errorf("probes %+v", pr)
	}
	// results.json and the journal are on disk.
	rf, err := results.ReadFile(filepath.Join(out, ResultsName))
	if err != nil || len(rf.Cells) != 2 {
		t.Fatalf("results.json: %v, %+v", err, rf)
	}
	if rf.Environment.Start.IsZero() || rf.Environment.End.Before(rf.Environment.Start) {
		t.Errorf("environment times %v .. %v", rf.Environment.Start, rf.Environment.End)
	}
	j, sha, _ := readJournal(filepath.Join(out, JournalName))
	if len(j) != 2 || sha != "abc123" {
		t.Errorf("journal has %d cells for spec %q, want 2 for abc123", len(j), sha)
	}
}

func TestDigestMismatchAcrossVariants(t *testing.T) {
	p := testPlan(20, inProcess(1), []string{"ok", "slow", "wrong"}, traverseScenario, openOnly)
	f := mustRun(t, p, Options{})
	for _, c := range f.Cells {
		want := results.StatusOK
		if c.ID == "tiny/fake-wrong/scan" {
			want = results.StatusMismatch
		}
		if c.Status != want {
			t.Errorf("cell %s: %s (%s), want %s", c.ID, c.Status, c.Error, want)
		}
	}
	bad := cellByID(t, f, "tiny/fake-wrong/scan")
	if !strings.Contains(bad.Error, "step traverse") || !strings.Contains(bad.Error, "fake-ok, fake-slow") {
		t.Errorf("mismatch error %q", bad.Error)
	}
	if AllOK(f) {
		t.Error("AllOK with a mismatched cell")
	}
}

func TestDigestDiffersBetweenRuns(t *testing.T) {
	p := testPlan(20, inProcess(2), []string{"flaky"}, traverseScenario)
	f := mustRun(t, p, Options{})
	if c := f.Cells[0]; c.Status != results.StatusMismatch || !strings.Contains(c.Error, "not deterministic") {
		t.Errorf("flaky reader: %s %q", c.Status, c.Error)
	}
}

func TestCrossCheckRules(t *testing.T) {
	cell := func(label, digest string) results.Cell {
		return results.Cell{ID: label, Dataset: "d", Scenario: "s", Format: label, Status: results.StatusOK,
			Steps: []results.Step{{Name: "open"}, {Name: "traverse", Digest: digest}}}
	}
	tests := []struct {
		name     string
		cells    []results.Cell
		baseline string
		bad      []string
	}{
		{"all agree", []results.Cell{cell("a", "1"), cell("b", "1")}, "a", nil},
		{"majority wins over baseline", []results.Cell{cell("a", "2"), cell("b", "1"), cell("c", "1")}, "a", []string{"a"}},
		{"tie goes to baseline", []results.Cell{cell("a", "1"), cell("b", "2")}, "a", []string{"b"}},
		{"tie goes to baseline, other side", []results.Cell{cell("a", "1"), cell("b", "2")}, "b", []string{"a"}},
		{"tie without baseline marks all", []results.Cell{cell("a", "1"), cell("b", "2")}, "z", []string{"a", "b"}},
		{"failed cells take no part", func() []results.Cell {
			c := cell("b", "2")
			c.Status = results.StatusFailed
			return []results.Cell{cell("a", "1"), c}
		}(), "z", nil},
		{"other scenarios are separate", func() []results.Cell {
			c := cell("b", "2")
			c.Scenario = "other"
			return []results.Cell{cell("a", "1"), c}
		}(), "z", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			CrossCheck(tt.cells, tt.baseline)
			var bad []string
			for _, c := range tt.cells {
				if c.Status == results.StatusMismatch {
					bad = append(bad, c.Format)
					if !strings.Contains(c.Error, "step traverse") {
						t.Errorf("error %q does not name the step", c.Error)
					}
				}
			}
			if strings.Join(bad, ",") != strings.Join(tt.bad, ",") {
				t.Errorf("mismatched %v, want %v", bad, tt.bad)
			}
		})
	}
}

func TestWorkerCrash(t *testing.T) {
	settings := plan.Settings{Warmup: 0, Repeat: 2, Isolate: "process", Cache: "warm", Timeout: time.Minute}
	p := testPlan(20, settings, []string{"ok", "crash"}, traverseScenario)
	f := mustRun(t, p, Options{})
	ok := cellByID(t, f, "tiny/fake-ok/scan")
	if ok.Status != results.StatusOK {
		t.Errorf("ok cell: %s %s %s", ok.Status, ok.Error, ok.Stderr)
	}
	crash := cellByID(t, f, "tiny/fake-crash/scan")
	if crash.Status != results.StatusFailed || !strings.Contains(crash.Stderr, "fake reader crashed on /World/Prim_0") ||
		!strings.Contains(crash.Error, "run 1/2") || !strings.Contains(crash.Error, "exited with status 2") {
		t.Errorf("crash cell: %s %q, stderr %q", crash.Status, crash.Error, crash.Stderr)
	}
}

func TestWorkerHang(t *testing.T) {
	settings := plan.Settings{Warmup: 1, Repeat: 2, Isolate: "process", Cache: "warm", Timeout: time.Second}
	p := testPlan(20, settings, []string{"hang"}, traverseScenario)
	t0 := time.Now()
	f := mustRun(t, p, Options{})
	if took := time.Since(t0); took > 10*time.Second {
		t.Errorf("run took %v; the hanging worker was not stopped at its timeout", took)
	}
	hang := f.Cells[0]
	if hang.Status != results.StatusTimeout || !strings.Contains(hang.Error, "timed out after 1s in warmup 1/1") {
		t.Errorf("hang cell: %s %q", hang.Status, hang.Error)
	}
}

func TestInProcessTimeout(t *testing.T) {
	settings := inProcess(1)
	settings.Timeout = 300 * time.Millisecond
	p := testPlan(5, settings, []string{"hang"}, openOnly)
	f := mustRun(t, p, Options{})
	if c := f.Cells[0]; c.Status != results.StatusTimeout {
		t.Errorf("in-process hang: %s %q", c.Status, c.Error)
	}
}

func TestResume(t *testing.T) {
	out := t.TempDir()
	p := testPlan(20, inProcess(1), []string{"ok", "slow"}, traverseScenario, openOnly)
	first := mustRun(t, p, Options{Out: out})
	if len(first.Cells) != 4 {
		t.Fatalf("%d cells", len(first.Cells))
	}
	// Keep two cells in the journal and tear a third mid-line, as a crash would.
	jpath := filepath.Join(out, JournalName)
	data, _ := os.ReadFile(jpath)
	lines := strings.SplitAfter(string(data), "\n")
	torn := lines[0] + lines[1] + lines[2] + lines[3][:len(lines[3])/2] // header, two cells, a torn third
	if err := os.WriteFile(jpath, []byte(torn), 0o644); err != nil {
		t.Fatal(err)
	}
	before := opens.Load()
	second := mustRun(t, p, Options{Out: out, Resume: true})
	// Cells 3 (torn) and 4 ran again: warmup + 1 run each.
	if got := opens.Load() - before; got != 4 {
		t.Errorf("resume opened %d times, want 4 (two cells of two runs)", got)
	}
	if len(second.Cells) != 4 || !AllOK(second) {
		t.Errorf("resumed results: %d cells", len(second.Cells))
	}
	for i := range 2 {
		if second.Cells[i].Steps[0].SamplesNS[0] != first.Cells[i].Steps[0].SamplesNS[0] {
			t.Errorf("cell %s was run again instead of taken from the journal", first.Cells[i].ID)
		}
	}
	if len(second.Warnings) != 0 {
		t.Errorf("resume of the same spec warns %q", second.Warnings)
	}
	j, _, err := readJournal(jpath)
	if err != nil || len(j) != 4 {
		t.Errorf("journal after resume: %d cells, %v", len(j), err)
	}
	// A cell whose configuration changed (here its steps) runs again; the
	// others are reused.
	p.Cells[0].Scenario = plan.Scenario{Name: "scan", Steps: ops.MustSteps(
		ops.StepSpec{Op: "open", Name: "open"},
		ops.StepSpec{Op: "traverse", Name: "traverse", Args: map[string]any{"property": "cost"}})}
	before = opens.Load()
	var progress bytes.Buffer
	third := mustRun(t, p, Options{Out: out, Resume: true, Progress: &progress})
	if got := opens.Load() - before; got != 2 {
		t.Errorf("resume after a change opened %d times, want 2 (the changed cell's two runs)", got)
	}
	if third.Cells[0].Steps[0].SamplesNS[0] == second.Cells[0].Steps[0].SamplesNS[0] ||
		third.Cells[1].Steps[0].SamplesNS[0] != second.Cells[1].Steps[0].SamplesNS[0] {
		t.Error("the changed cell was reused or an unchanged one ran again")
	}
	if !strings.Contains(progress.String(), "reusing 3 of 4 cells") || !strings.Contains(progress.String(), "1 run again because their configuration changed") {
		t.Errorf("resume does not say what it reuses: %q", progress.String())
	}
	// So does every cell when a setting that shapes samples changes.
	p.Settings.Repeat = 2
	before = opens.Load()
	mustRun(t, p, Options{Out: out, Resume: true})
	if got := opens.Load() - before; got != 12 {
		t.Errorf("resume after repeat changed opened %d times, want 12 (every cell, warmup + 2 runs)", got)
	}
	// Without -resume the journal starts over.
	mustRun(t, p, Options{Out: out})
	data, _ = os.ReadFile(jpath)
	if n := strings.Count(string(data), "\n"); n != 5 {
		t.Errorf("fresh run left %d journal lines, want a header and 4 cells", n)
	}
}

func TestInterruptSavesFinishedCells(t *testing.T) {
	out := t.TempDir()
	settings := inProcess(1)
	settings.Order = plan.OrderSequential
	p := testPlan(20, settings, []string{"ok", "slow", "ok"}, openOnly)
	p.Cells[2].ID = "tiny/fake-ok2/load"
	complete := mustRun(t, p, Options{Out: out})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	prog := &cancelOnWrite{match: "[1/3]", cancel: cancel}
	f, err := Run(ctx, p, Options{Out: out, Progress: prog, Ensure: fakeEnsure(t.TempDir(), nil)})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run after cancel: %v", err)
	}
	// Every cell is listed: the one that ran, the others skipped as
	// interrupted; the run says how far it got.
	if f == nil || len(f.Cells) != 3 || f.Interrupted == nil || f.Interrupted.Ran != 1 || f.Interrupted.Of != 3 ||
		f.Cells[0].Status != results.StatusOK || f.Cells[1].Status != results.StatusSkipped || f.Cells[1].Error != results.ReasonInterrupted {
		t.Fatalf("results after cancel: %+v", f)
	}
	// They are written beside the previous complete results, which stay.
	rf, rerr := results.ReadFile(filepath.Join(out, InterruptedDir, ResultsName))
	if rerr != nil || len(rf.Cells) != 3 || rf.Interrupted == nil {
		t.Errorf("interrupted/results.json: %v", rerr)
	}
	prev, perr := results.ReadFile(filepath.Join(out, ResultsName))
	if perr != nil || prev.Interrupted != nil || !AllOK(prev) || prev.Environment.Start != complete.Environment.Start {
		t.Errorf("the complete results were not kept: %v", perr)
	}
	// Resuming finishes the run, which then replaces them and removes the
	// interrupted ones.
	mustRun(t, p, Options{Out: out, Resume: true})
	if _, err := os.Stat(filepath.Join(out, InterruptedDir)); !os.IsNotExist(err) {
		t.Errorf("interrupted results left after a complete run: %v", err)
	}
}

// A second run on an output directory in use is refused at once; it
// touches nothing there.
func TestOutputDirectoryLock(t *testing.T) {
	out := t.TempDir()
	release, err := LockOut(out)
	if err != nil {
		t.Fatal(err)
	}
	p := testPlan(5, inProcess(1), []string{"ok"}, openOnly)
	os.WriteFile(filepath.Join(out, JournalName), []byte("keep\n"), 0o644)
	_, err = Run(context.Background(), p, Options{Out: out, Ensure: fakeEnsure(t.TempDir(), nil)})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), fmt.Sprintf("process %d", os.Getpid())) {
		t.Errorf("second run: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(out, JournalName)); string(b) != "keep\n" {
		t.Errorf("the refused run touched the journal: %q", b)
	}
	release()
	mustRun(t, p, Options{Out: out})
}

func TestDataDirMustBeADirectory(t *testing.T) {
	file := filepath.Join(t.TempDir(), "data")
	os.WriteFile(file, nil, 0o644)
	p := testPlan(5, inProcess(1), []string{"ok"}, openOnly)
	p.Settings.DataDir = file
	if _, err := Run(context.Background(), p, Options{Out: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "is not a directory") {
		t.Errorf("data_dir naming a file: %v", err)
	}
}

type cancelOnWrite struct {
	match  string
	cancel func()
	buf    bytes.Buffer
}

func (c *cancelOnWrite) Write(p []byte) (int, error) {
	c.buf.Write(p)
	if strings.Contains(c.buf.String(), c.match) {
		c.cancel()
	}
	return len(p), nil
}

func isTmpfs(path string) bool {
	var st unix.Statfs_t
	return unix.Statfs(path, &st) == nil && st.Type == unix.TMPFS_MAGIC
}

func TestColdCache(t *testing.T) {
	dir := t.TempDir()
	settings := inProcess(2)
	settings.Cache = "cold"
	p := testPlan(20, settings, []string{"ok"}, traverseScenario)

	t.Run("fadvise ignored", func(t *testing.T) {
		old := fadvise
		fadvise = func(fd int, off, n int64, advice int) error { return nil }
		defer func() { fadvise = old }()
		f := mustRun(t, p, Options{Ensure: fakeEnsure(dir, nil)})
		c := f.Cells[0]
		if c.Status != results.StatusOK || c.ColdCache == nil || *c.ColdCache {
			t.Fatalf("cold cache with fadvise ignored: status %s, cold %v", c.Status, c.ColdCache)
		}
		if len(c.Warnings) == 0 || !strings.Contains(c.Warnings[0], "cold cache not achieved in 3 of 3 runs") ||
			!strings.Contains(c.Warnings[0], "pages stayed cached") {
			t.Errorf("warnings %q", c.Warnings)
		}
	})
	t.Run("fadvise honoured", func(t *testing.T) {
		if isTmpfs(dir) {
			t.Skip("tmpfs keeps its pages: nothing to drop them to")
		}
		f := mustRun(t, p, Options{Ensure: fakeEnsure(dir, nil)})
		c := f.Cells[0]
		if c.ColdCache == nil || !*c.ColdCache {
			t.Errorf("cold cache on a disk file system not achieved: %q", c.Warnings)
		}
	})
}

func TestDataFailureFailsItsCells(t *testing.T) {
	p := testPlan(5, inProcess(1), []string{"ok"}, openOnly)
	f := mustRun(t, p, Options{Ensure: func(context.Context, string, dataset.Config, formats.Format, formats.Options, dataset.EnsureOptions) (dataset.File, error) {
		return dataset.File{}, errors.New("disk full")
	}})
	if c := f.Cells[0]; c.Status != results.StatusFailed || !strings.Contains(c.Error, "disk full") {
		t.Errorf("cell %s %q", c.Status, c.Error)
	}
}

func TestBadSettings(t *testing.T) {
	p := testPlan(5, plan.Settings{Isolate: "vm"}, []string{"ok"}, openOnly)
	if _, err := Run(context.Background(), p, Options{}); err == nil || !strings.Contains(err.Error(), "vm") {
		t.Errorf("isolate vm: %v", err)
	}
}

// Interleaved, the runs of a comparison group's cells alternate round by
// round (warmups first); sequential, each cell's runs come back to back.
func TestRunOrder(t *testing.T) {
	for _, order := range []string{plan.OrderInterleaved, plan.OrderSequential} {
		settings := inProcess(4)
		settings.Order = order
		p := testPlan(5, settings, []string{"ok", "slow"}, openOnly)
		logMu.Lock()
		openLog = nil
		logMu.Unlock()
		f := mustRun(t, p, Options{})
		if !AllOK(f) {
			t.Fatalf("%s: cells not ok", order)
		}
		logMu.Lock()
		got := strings.Join(openLog, " ")
		logMu.Unlock()
		var want []string
		if order == plan.OrderSequential {
			want = []string{"ok ok ok ok ok slow slow slow slow slow"}
		} else {
			// Five rounds of both cells, each in either order.
			for r := 0; r < 5; r++ {
				want = append(want, "ok slow|slow ok")
			}
		}
		if order == plan.OrderSequential {
			if got != want[0] {
				t.Errorf("sequential opens %q", got)
			}
			continue
		}
		fields := strings.Fields(got)
		if len(fields) != 10 {
			t.Fatalf("interleaved opens %q", got)
		}
		for r := 0; r < 5; r++ {
			pair := fields[2*r] + " " + fields[2*r+1]
			if pair != "ok slow" && pair != "slow ok" {
				t.Errorf("round %d ran %q; interleaved opens %q", r+1, pair, got)
			}
		}
	}
}

// The machine's state is recorded around every run and summarised.
func TestMachineState(t *testing.T) {
	f := mustRun(t, testPlan(5, inProcess(3), []string{"ok"}, openOnly), Options{})
	c := f.Cells[0]
	if c.Machine == nil || c.Machine.Runs != 3 || c.Machine.Cores < 1 || f.Machine == nil || f.Machine.Runs != 3 {
		t.Fatalf("machine state: cell %+v, file %+v", c.Machine, f.Machine)
	}
	if c.Machine.IdlePct.Max > 100 || c.Machine.StealPct.Min < 0 {
		t.Errorf("percentages out of range: %+v", c.Machine)
	}
}

// A journal that cannot be written (a full disk: /dev/full answers every
// write with ENOSPC) stops the run before it measures anything it could
// not keep, and says why.
func TestFullDiskStopsAndSaysWhy(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	out := t.TempDir()
	if err := os.Symlink("/dev/full", filepath.Join(out, JournalName)); err != nil {
		t.Fatal(err)
	}
	p := testPlan(5, inProcess(1), []string{"ok"}, openOnly, traverseScenario)
	_, err := Run(context.Background(), p, Options{Out: out, Ensure: fakeEnsure(t.TempDir(), nil)})
	if err == nil || !strings.Contains(err.Error(), "journal") || !strings.Contains(err.Error(), "no space left on device") {
		t.Fatalf("Run on a full disk: %v", err)
	}
}
