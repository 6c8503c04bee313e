// Package exec runs the cells of a plan: warmups and repeats, each run on a
// fresh reader — a worker process speaking the driver protocol, or the Go
// reader in-process — with every step timed by the reader, probed by
// runner from outside, checked and digested, and the results journaled as
// cells finish.
//
// What a sample means: SamplesNS holds, per recorded run, the time of one
// operation of the step with the clock's own cost taken off (see package
// ops for each op's operation: a whole open or traversal, one read of a
// get's properties, batched when shorter than a microsecond).
//
// Digests: every read step returns a digest of the values it read, and the
// cells of one dataset and scenario must agree (crossCheck); runs of one
// cell must agree with each other too.
//
// Peak RSS: each step's peak is the kernel's VmHWM of the reader after the
// step, reset before it through /proc/PID/clear_refs (so it is the step's
// own peak; where the reset is refused the peak is since the process
// started, and a warning says so). After exec a reader has a fresh address
// space, so its VmHWM never includes runner's; the child's rusage maxrss,
// by contrast, can carry the parent's peak across fork and exec on Linux
// (see TestPeakRSSDoesNotLeakFromParent), so results do not use it.
package exec

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/internal/atomicfile"
	"github.com/scenebench/runner/runner/dataset"
	"github.com/scenebench/runner/runner/measure"
	"github.com/scenebench/runner/runner/plan"
	"github.com/scenebench/runner/runner/results"
	"github.com/scenebench/runner/runner/stats"
)

// EnsureFunc provides the data file of a dataset in one format variant;
// dataset.Ensure is the real one.
type EnsureFunc func(ctx context.Context, dataDir string, cfg dataset.Config, f formats.Format, opts formats.Options, eo dataset.EnsureOptions) (dataset.File, error)

// Options control Run.
type Options struct {
	// Out is the directory for journal.jsonl and results.json.
	Out string
	// Force regenerates data; Verify hashes every cached data file in full
	// before using it; Resume skips cells already in the journal.
	Force, Verify, Resume bool
	// Progress receives progress output; a terminal gets a live line.
	Progress io.Writer
	// Executable is the runner binary re-executed as a worker ("" = os.Executable()).
	Executable string
	// Ensure provides data files (nil = dataset.Ensure).
	Ensure EnsureFunc
}

// ResultsName is the file Run writes in the output directory.
const ResultsName = "results.json"

// Run executes every cell of p and returns the results; cells that failed,
// timed out or mismatched are in the results with their status.
//
// With an output directory (opts.Out, else p.Settings.Out) every finished
// cell is appended to journal.jsonl and results.json is written at the
// end. When ctx is cancelled, Run stops after the cell under way (whose
// worker is killed), writes what finished and returns the results with an
// error wrapping ctx.Err().
func Run(ctx context.Context, p *plan.Plan, opts Options) (*results.File, error) {
	e := &executor{p: p, opts: opts, set: p.Settings}
	if e.opts.Ensure == nil {
		e.opts.Ensure = dataset.Ensure
	}
	if e.set.Repeat < 1 {
		e.set.Repeat = 1
	}
	e.set.Warmup = max(e.set.Warmup, 0)
	if e.set.Isolate == "" {
		e.set.Isolate = "process"
	}
	if e.set.Cache == "" {
		e.set.Cache = "warm"
	}
	switch e.set.Isolate {
	case "process", "none":
	default:
		return nil, fmt.Errorf("unknown isolate setting %q (process or none)", e.set.Isolate)
	}
	if e.set.Order == "" {
		e.set.Order = plan.OrderInterleaved
	}
	switch e.set.Order {
	case plan.OrderInterleaved, plan.OrderSequential:
	default:
		return nil, fmt.Errorf("unknown order setting %q (interleaved or sequential)", e.set.Order)
	}
	switch e.set.Cache {
	case "warm", "cold":
	default:
		return nil, fmt.Errorf("unknown cache setting %q (warm or cold)", e.set.Cache)
	}
	out := opts.Out
	if out == "" {
		out = p.Settings.Out
	}
	if e.set.Isolate == "process" {
		e.exe = opts.Executable
		if e.exe == "" {
			exe, err := os.Executable()
			if err != nil {
				return nil, fmt.Errorf("find the runner binary to start workers: %w", err)
			}
			e.exe = exe
		}
	}
	e.prog = newProgress(opts.Progress, len(p.Cells))
	defer e.prog.finish()

	env, warns := measure.Environment()
	f := &results.File{
		SchemaVersion: results.SchemaVersion,
		Title:         p.Title,
		Description:   p.Description,
		Spec:          results.Spec{Paths: p.SpecFiles, SHA256: p.SpecSHA256},
		Settings: results.Settings{Warmup: e.set.Warmup, Repeat: e.set.Repeat, Isolate: e.set.Isolate,
			Cache: e.set.Cache, Order: e.set.Order, TimeoutNS: int64(e.set.Timeout)},
		Report:      results.Report{Baseline: p.Report.Baseline, Outputs: p.Report.Outputs, Glance: p.Report.Glance},
		Environment: env,
		Warnings:    warns,
		Cells:       []results.Cell{},
	}
	for _, sc := range p.Scenarios {
		f.Scenarios = append(f.Scenarios, results.Scenario{Name: sc.Name, Description: sc.Description})
	}
	for i := range p.Cells {
		if p.Cells[i].Format.Control {
			f.Report.Control = p.Cells[i].Format.Label
		}
	}

	if err := checkDataDir(e.set.DataDir); err != nil {
		return nil, err
	}
	if err := CheckRoom(ctx, p.DataNeeds(), e.set.DataDir); err != nil {
		return nil, err
	}
	configs := make([]string, len(p.Cells))
	for i := range p.Cells {
		configs[i] = configHash(p, e.set, &p.Cells[i])
	}
	done := map[string]results.Cell{}
	var jr *journal
	if out != "" {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return nil, fmt.Errorf("create output directory: %w", err)
		}
		// The lock comes before anything in out is read or truncated.
		release, err := lockOut(out)
		if err != nil {
			return nil, err
		}
		defer release()
		jpath := filepath.Join(out, JournalName)
		if opts.Resume {
			journaled, _, err := readJournal(jpath)
			if err != nil {
				return nil, err
			}
			done = e.reusable(journaled, configs)
		}
		if jr, err = openJournal(jpath, opts.Resume, p.SpecSHA256); err != nil {
			return nil, err
		}
		defer jr.close()
	}

	var stopped error
	f.Datasets, stopped = e.ensureData(ctx)
	if stopped == nil {
		e.rdrs = e.readers(ctx)
		stopped = ctx.Err()
	}
	if stopped == nil {
		stopped = e.runCells(ctx, f, done, configs, jr)
	}
	if stopped != nil {
		markInterrupted(f, p, stopped)
	}
	crossCheck(f.Cells, p.Report.Baseline)
	f.Environment.End = time.Now().UTC()
	if out != "" {
		dir := ResultsDir(out, f)
		if f.Interrupted == nil {
			// A complete run supersedes the partial results of an
			// interrupted one.
			os.RemoveAll(filepath.Join(out, InterruptedDir))
		} else if err := os.MkdirAll(dir, 0o755); err != nil {
			return f, fmt.Errorf("create %s: %w", dir, err)
		}
		if err := writeResults(filepath.Join(dir, ResultsName), f); err != nil {
			return f, err
		}
	}
	if stopped != nil {
		return f, fmt.Errorf("interrupted after %d of %d cells: %w", f.Interrupted.Ran, len(p.Cells), stopped)
	}
	return f, nil
}

// runCells runs every cell not taken from the journal (done), in plan
// order or interleaved by comparison group, appending finished cells to f
// and the journal. It returns why it stopped early, if it did.
func (e *executor) runCells(ctx context.Context, f *results.File, done map[string]results.Cell, configs []string, jr *journal) error {
	p := e.p
	byIdx := make([]*results.Cell, len(p.Cells))
	record := func(i int, rc results.Cell, took time.Duration) error {
		rc.Config = configs[i]
		byIdx[i] = &rc
		e.prog.cellDone(i, &rc, took, true)
		if jr != nil {
			return jr.add(&rc)
		}
		return nil
	}
	defer func() {
		for _, rc := range byIdx {
			if rc != nil {
				f.Cells = append(f.Cells, *rc)
			}
		}
		f.Machine = e.machineSummary(e.machineRuns)
	}()
	var pending []int
	for i := range p.Cells {
		if rc, ok := done[p.Cells[i].ID]; ok {
			byIdx[i] = &rc
			e.prog.cellDone(i, &rc, 0, false)
			continue
		}
		pending = append(pending, i)
	}
	if e.set.Order == plan.OrderSequential {
		for _, i := range pending {
			if err := ctx.Err(); err != nil {
				return err
			}
			t0 := time.Now()
			rc, err := e.runCell(ctx, i, &p.Cells[i])
			if err != nil {
				return err
			}
			if err := record(i, rc, time.Since(t0)); err != nil {
				return err
			}
		}
		return nil
	}
	// Interleaved: the pending cells of each comparison group together,
	// groups in order of their first cell.
	var keys []string
	groups := map[string][]int{}
	for _, i := range pending {
		k := p.Cells[i].GroupKey()
		if groups[k] == nil {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], i)
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0))
	for _, k := range keys {
		if err := ctx.Err(); err != nil {
			return err
		}
		t0 := time.Now()
		cells, err := e.runGroup(ctx, groups[k], rng)
		if err != nil {
			return err
		}
		took := time.Since(t0) / time.Duration(len(cells))
		for j, rc := range cells {
			if err := record(groups[k][j], rc, took); err != nil {
				return err
			}
		}
	}
	return nil
}

// InterruptedDir is where, inside the output directory, an interrupted run
// writes its results, so that the complete results of an earlier run stay
// as they were.
const InterruptedDir = "interrupted"

// ResultsDir is where the results of f belong under out: out itself for a
// run that ran every cell, out/interrupted for one that did not.
func ResultsDir(out string, f *results.File) string {
	if f.Interrupted != nil {
		return filepath.Join(out, InterruptedDir)
	}
	return out
}

// markInterrupted lists every cell of p that f does not hold as skipped,
// reason "interrupted", in plan order, and records how far the run got.
func markInterrupted(f *results.File, p *plan.Plan, why error) {
	ran := map[string]results.Cell{}
	for _, c := range f.Cells {
		ran[c.ID] = c
	}
	cells := make([]results.Cell, 0, len(p.Cells))
	for i := range p.Cells {
		c := &p.Cells[i]
		if rc, ok := ran[c.ID]; ok {
			cells = append(cells, rc)
			continue
		}
		rc := results.Cell{ID: c.ID, Dataset: c.Dataset.Name, Format: c.Format.Label, FormatName: c.Format.Format,
			Variant: c.Format.Axes, Scenario: c.Scenario.Name, Reader: c.Format.ReaderName(),
			Status: results.StatusSkipped, Error: results.ReasonInterrupted, Steps: []results.Step{}}
		if rc.Variant == nil {
			rc.Variant = map[string]string{}
		}
		cells = append(cells, rc)
	}
	reason := why.Error()
	if errors.Is(why, context.Canceled) {
		reason = "interrupt"
	}
	f.Interrupted = &results.Interruption{Ran: len(f.Cells), Of: len(p.Cells), Reason: reason}
	f.Cells = cells
}

// reusable picks the journaled cells a resumed run keeps: those whose
// configuration is unchanged. It says which it reuses and which run again.
func (e *executor) reusable(journaled map[string]results.Cell, configs []string) map[string]results.Cell {
	done := map[string]results.Cell{}
	var changed []string
	for i := range e.p.Cells {
		id := e.p.Cells[i].ID
		rc, ok := journaled[id]
		switch {
		case !ok:
		case rc.Config != configs[i]:
			changed = append(changed, id)
		default:
			done[id] = rc
		}
	}
	e.prog.line("resume: reusing %d of %d cells from the journal; %d run again because their configuration changed (dataset, format, reader, steps, settings or runner build)%s",
		len(done), len(e.p.Cells), len(changed), examples(changed))
	return done
}

// examples lists up to three ids: ": a, b, c and 5 more".
func examples(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	s := ": " + strings.Join(ids[:min(3, len(ids))], ", ")
	if len(ids) > 3 {
		s += fmt.Sprintf(" and %d more", len(ids)-3)
	}
	return s
}

// checkDataDir refuses a data directory that exists but is not a
// directory, before anything is generated.
func checkDataDir(dir string) error {
	if dir == "" {
		return nil
	}
	st, err := os.Stat(dir)
	if err == nil && !st.IsDir() {
		return fmt.Errorf("data_dir %s is not a directory", dir)
	}
	return nil
}

// AllOK reports whether every cell of f finished ok (apply exits 1
// otherwise).
func AllOK(f *results.File) bool {
	for _, c := range f.Cells {
		if c.Status != results.StatusOK {
			return false
		}
	}
	return true
}

// writeResults replaces path with f; its errors name the path.
func writeResults(path string, f *results.File) error {
	return atomicfile.Write(path, func(w io.Writer) error { return results.Write(w, f) })
}

// executor holds what every cell of one Run shares.
type executor struct {
	p    *plan.Plan
	opts Options
	set  plan.Settings
	exe  string
	prog *progress
	// files by dataset name and variant label (plan.BaseLabel for base
	// layers)
	files map[fileKey]fileResult
	// rdrs by reader name
	rdrs map[string]*reader
	// machineRuns is the machine's state around every recorded run made.
	machineRuns []machineRun
}

type fileKey struct{ dataset, label string }

type fileResult struct {
	file dataset.File
	err  error
}

// ensureData provides the file of every dataset x variant the cells use,
// once per distinct file (variants that differ only in read options share
// one), and describes the datasets for the results.
func (e *executor) ensureData(ctx context.Context) ([]results.Dataset, error) {
	built := BuildData(ctx, e.p.DataNeeds(), e.set.DataDir, e.opts, func(line string) { e.prog.line("%s", line) })
	e.files = map[fileKey]fileResult{}
	for _, df := range built {
		fr := fileResult{file: df.File, err: df.Err}
		for _, need := range df.Needs {
			k := fileKey{need.Dataset.Name, need.Label()}
			if fr.err != nil {
				e.files[k] = fileResult{err: fmt.Errorf("data for %s in %s: %w", need.Dataset.Name, need.Label(), df.Err)}
				continue
			}
			e.files[k] = fr
		}
	}
	var out []results.Dataset
	dsIndex := map[string]int{}
	for _, need := range e.p.DataNeeds() {
		cfg := need.Dataset
		di, ok := dsIndex[cfg.Name]
		if !ok {
			di = len(out)
			dsIndex[cfg.Name] = di
			out = append(out, results.Dataset{Name: cfg.Name, Prims: cfg.Prims, Hierarchy: cfg.Hierarchy,
				Seed: cfg.Seed, Schema: cfg.Schema, Payload: cfg.Payload, Files: []results.DataFile{},
				Source: sourceImport(cfg)})
		}
		if fr := e.files[fileKey{cfg.Name, need.Label()}]; fr.err == nil {
			df := results.DataFile{Format: need.Label(), Path: fr.file.Path, Bytes: fr.file.Bytes}
			if need.Base {
				out[di].Base = &df
				continue
			}
			out[di].Files = append(out[di].Files, df)
		}
	}
	return out, ctx.Err()
}

// sourceImport describes an imported dataset's import for the results, nil
// for a generated dataset.
func sourceImport(cfg dataset.Config) *results.SourceImport {
	if cfg.Source == "" {
		return nil
	}
	im, err := dataset.Import(cfg)
	if err != nil {
		return nil // the data build reports it
	}
	si := &results.SourceImport{Path: im.Path, Format: im.Format, Bytes: im.Bytes, SHA256: im.SHA256,
		Prims: im.Prims, Values: im.Values, Properties: []results.SourceProperty{}, LeftOut: []results.SourceNote{}}
	for _, p := range im.Properties {
		si.Properties = append(si.Properties, results.SourceProperty{Name: p.Name, Type: p.Type, Prims: p.Prims})
	}
	for _, n := range im.LeftOut {
		si.LeftOut = append(si.LeftOut, results.SourceNote{Count: n.Count, What: n.What})
	}
	return si
}

// cellState is one cell through its runs: either finished before it ran
// (a missing file, a reader that cannot do it) or ready, with its reader's
// requests, collecting runs until it is done.
type cellState struct {
	idx int
	c   *plan.Cell
	rc  results.Cell
	cr  *cellRun
	rd  *reader
	// done is set once no more runs are to be made (all made, or one
	// failed); failed runs mark rc.
	done       bool
	runs       []runResult
	coldMisses []string
	// spent is the time of the cell's runs so far, which its timeout
	// bounds.
	spent   time.Duration
	machine []machineRun
}

// machineRun is the machine's state around one recorded run: the load
// average at its start, and the CPU time stolen and idle during it (ok
// when the counters moved).
type machineRun struct {
	load, steal, idle float64
	ok                bool
}

// prepare readies cell idx for its runs, or finishes it at once.
func (e *executor) prepare(idx int, c *plan.Cell) *cellState {
	s := &cellState{idx: idx, c: c}
	s.rc = results.Cell{
		ID: c.ID, Dataset: c.Dataset.Name, Format: c.Format.Label, FormatName: c.Format.Format,
		Variant: c.Format.Axes, Scenario: c.Scenario.Name, Status: results.StatusOK, Control: c.Format.Control,
		Warmup: e.set.Warmup, Repeat: e.set.Repeat, Steps: []results.Step{},
	}
	if s.rc.Variant == nil {
		s.rc.Variant = map[string]string{}
	}
	finish := func(status, msg string) *cellState {
		s.rc.Status, s.rc.Error, s.done = status, msg, true
		return s
	}
	fr := e.files[fileKey{c.Dataset.Name, c.Format.Label}]
	if fr.err != nil {
		return finish(results.StatusFailed, fr.err.Error())
	}
	s.rd = e.rdrs[c.Format.ReaderName()]
	s.rc.Reader, s.rc.ReaderVersion = s.rd.name, s.rd.version
	if s.rd.err != nil {
		s.rc.Stderr = s.rd.stderr
		return finish(results.StatusFailed, s.rd.err.Error())
	}
	if why := skipReason(s.rd, c); why != "" {
		return finish(results.StatusSkipped, why)
	}
	base := ""
	if c.Composes() {
		bf := e.files[fileKey{c.Dataset.Name, plan.BaseLabel}]
		if bf.err != nil {
			return finish(results.StatusFailed, bf.err.Error())
		}
		base = bf.file.Path
	}
	cr, err := newCellRun(c, fr.file.Path, base, s.rd)
	if err != nil {
		return finish(results.StatusFailed, err.Error())
	}
	s.cr = cr
	return s
}

// runNth makes run n (warmups first) of a ready cell. A failed or timed-out
// run finishes the cell; an error means the whole run was interrupted.
func (e *executor) runNth(ctx context.Context, s *cellState, n int, where string) error {
	if s.done {
		return nil
	}
	recorded := n >= e.set.Warmup
	phase := fmt.Sprintf("warmup %d/%d", n+1, e.set.Warmup)
	if recorded {
		phase = fmt.Sprintf("run %d/%d", n-e.set.Warmup+1, e.set.Repeat)
	}
	e.prog.status(s.idx, s.c.ID, phase+where, len(e.p.Cells)-s.idx)
	if e.set.Cache == "cold" {
		resident, pages, err := dropFromPageCache(s.cr.target.Path)
		switch {
		case err != nil:
			s.coldMisses = append(s.coldMisses, fmt.Sprintf("%s: %v", phase, err))
		case resident > 0:
			s.coldMisses = append(s.coldMisses, fmt.Sprintf("%s: %d of %d pages stayed cached", phase, resident, pages))
		}
	}
	rctx, cancel := ctx, context.CancelFunc(func() {})
	if e.set.Timeout > 0 {
		rctx, cancel = context.WithTimeout(ctx, max(e.set.Timeout-s.spent, time.Millisecond))
	}
	defer cancel()
	before := measure.SampleMachine()
	t0 := time.Now()
	rr, err := e.runOnce(rctx, s.cr)
	s.spent += time.Since(t0)
	after := measure.SampleMachine()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var re *runError
		if errors.As(err, &re) {
			s.rc.Stderr = re.stderr
		}
		if errors.Is(rctx.Err(), context.DeadlineExceeded) {
			s.rc.Status = results.StatusTimeout
			s.rc.Error = fmt.Sprintf("timed out after %v in %s", e.set.Timeout, phase)
		} else {
			s.rc.Status = results.StatusFailed
			s.rc.Error = fmt.Sprintf("%s: %v", phase, err)
		}
		s.done = true
		return nil
	}
	for _, st := range rr.Steps {
		if st.Batched {
			s.cr.batch[st.Name] = st.Ops
		}
	}
	if recorded {
		s.runs = append(s.runs, rr)
		steal, idle, ok := after.Since(before)
		s.machine = append(s.machine, machineRun{load: before.Load1, steal: steal, idle: idle, ok: ok})
	}
	if n == e.set.Warmup+e.set.Repeat-1 {
		s.done = true
	}
	return nil
}

// finish turns a cell's runs into its results.
func (e *executor) finish(s *cellState) results.Cell {
	if s.cr == nil || s.rc.Status != results.StatusOK {
		return s.rc
	}
	total := e.set.Warmup + e.set.Repeat
	if e.set.Cache == "cold" {
		ok := len(s.coldMisses) == 0
		s.rc.ColdCache = &ok
		if !ok {
			s.rc.Warnings = append(s.rc.Warnings, fmt.Sprintf("cold cache not achieved in %d of %d runs (%s): times include cached reads",
				len(s.coldMisses), total, s.coldMisses[0]))
		}
	}
	aggregate(&s.rc, s.c.Scenario.Steps, s.runs, e.set.Isolate == "process" || s.rd.name != plan.GoReader)
	s.rc.Machine = e.machineSummary(s.machine)
	e.machineRuns = append(e.machineRuns, s.machine...)
	if m := s.rc.Machine; m != nil && m.BusyRuns > 0 {
		s.rc.Warnings = append(s.rc.Warnings, fmt.Sprintf("busy machine: %d of %d runs started with a load average above the %d cores (up to %.1f)",
			m.BusyRuns, m.Runs, m.Cores, m.Load.Max))
	}
	return s.rc
}

// machineSummary summarises the machine's state over runs.
func (e *executor) machineSummary(runs []machineRun) *results.Machine {
	var load, steal, idle []float64
	for _, r := range runs {
		load = append(load, r.load)
		// A run shorter than a clock tick moves no CPU counter.
		if r.ok {
			steal, idle = append(steal, r.steal), append(idle, r.idle)
		}
	}
	if len(load) == 0 {
		return nil
	}
	m := &results.Machine{Cores: runtime.NumCPU(), Load: stats.Summary(load), Runs: len(load)}
	if len(steal) > 0 {
		m.StealPct, m.IdlePct = stats.Summary(steal), stats.Summary(idle)
	}
	for _, l := range load {
		if l > float64(m.Cores) {
			m.BusyRuns++
		}
	}
	return m
}

// runCell runs one cell's warmups and repeats back to back. An error means
// the whole run was interrupted and the cell did not finish.
func (e *executor) runCell(ctx context.Context, idx int, c *plan.Cell) (results.Cell, error) {
	s := e.prepare(idx, c)
	for n := 0; !s.done; n++ {
		if err := e.runNth(ctx, s, n, ""); err != nil {
			return s.rc, err
		}
	}
	return e.finish(s), nil
}

// runGroup runs the cells of one comparison group interleaved: round r
// makes every unfinished cell's r-th run, in an order shuffled afresh
// each round, so that drift of the machine lands on every cell alike.
func (e *executor) runGroup(ctx context.Context, idxs []int, rng *rand.Rand) ([]results.Cell, error) {
	states := make([]*cellState, len(idxs))
	for i, idx := range idxs {
		states[i] = e.prepare(idx, &e.p.Cells[idx])
	}
	rounds := e.set.Warmup + e.set.Repeat
	for r := range rounds {
		order := slices.Clone(states)
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		where := fmt.Sprintf(" (round %d/%d)", r+1, rounds)
		for _, s := range order {
			if err := e.runNth(ctx, s, r, where); err != nil {
				return nil, err
			}
		}
	}
	out := make([]results.Cell, len(states))
	for i, s := range states {
		out[i] = e.finish(s)
	}
	return out, nil
}
