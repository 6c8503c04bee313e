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
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/internal/atomicfile"
	"github.com/scenebench/runner/runner/dataset"
	"github.com/scenebench/runner/runner/measure"
	"github.com/scenebench/runner/runner/plan"
	"github.com/scenebench/runner/runner/results"
)

// EnsureFunc provides the data file of a dataset in one format variant;
// dataset.Ensure is the real one.
type EnsureFunc func(ctx context.Context, dataDir string, cfg dataset.Config, f formats.Format, opts formats.Options, eo dataset.EnsureOptions) (dataset.File, error)

// Options control Run.
type Options struct {
	// Out is the directory for journal.jsonl and results.json.
	Out string
	// Force regenerates data; Resume skips cells already in the journal.
	Force, Resume bool
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
			Cache: e.set.Cache, TimeoutNS: int64(e.set.Timeout)},
		Report:      results.Report{Baseline: p.Report.Baseline, Outputs: p.Report.Outputs, Glance: p.Report.Glance},
		Environment: env,
		Warnings:    warns,
		Cells:       []results.Cell{},
	}
	for _, sc := range p.Scenarios {
		f.Scenarios = append(f.Scenarios, results.Scenario{Name: sc.Name, Description: sc.Description})
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
		for i := range p.Cells {
			c := &p.Cells[i]
			if rc, ok := done[c.ID]; ok {
				f.Cells = append(f.Cells, rc)
				e.prog.cellDone(i, &rc, 0, false)
				continue
			}
			if err := ctx.Err(); err != nil {
				stopped = err
				break
			}
			t0 := time.Now()
			rc, err := e.runCell(ctx, i, c)
			if err != nil {
				stopped = err
				break
			}
			rc.Config = configs[i]
			f.Cells = append(f.Cells, rc)
			e.prog.cellDone(i, &rc, time.Since(t0), true)
			if jr != nil {
				if err := jr.add(&rc); err != nil {
					stopped = err
					break
				}
			}
		}
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
				Seed: cfg.Seed, Schema: cfg.Schema, Payload: cfg.Payload, Files: []results.DataFile{}})
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

// runCell runs one cell's warmups and repeats. Failures of the cell are in
// the returned cell; an error means the whole run was interrupted and the
// cell did not finish.
func (e *executor) runCell(ctx context.Context, idx int, c *plan.Cell) (results.Cell, error) {
	rc := results.Cell{
		ID: c.ID, Dataset: c.Dataset.Name, Format: c.Format.Label, FormatName: c.Format.Format,
		Variant: c.Format.Axes, Scenario: c.Scenario.Name, Status: results.StatusOK,
		Warmup: e.set.Warmup, Repeat: e.set.Repeat, Steps: []results.Step{},
	}
	if rc.Variant == nil {
		rc.Variant = map[string]string{}
	}
	fr := e.files[fileKey{c.Dataset.Name, c.Format.Label}]
	if fr.err != nil {
		rc.Status, rc.Error = results.StatusFailed, fr.err.Error()
		return rc, nil
	}
	cctx, cancel := ctx, context.CancelFunc(func() {})
	if e.set.Timeout > 0 {
		cctx, cancel = context.WithTimeout(ctx, e.set.Timeout)
	}
	defer cancel()

	rd := e.rdrs[c.Format.ReaderName()]
	rc.Reader, rc.ReaderVersion = rd.name, rd.version
	if rd.err != nil {
		rc.Status, rc.Error, rc.Stderr = results.StatusFailed, rd.err.Error(), rd.stderr
		return rc, nil
	}
	if why := skipReason(rd, c); why != "" {
		rc.Status, rc.Error = results.StatusSkipped, why
		return rc, nil
	}
	base := ""
	if c.Composes() {
		bf := e.files[fileKey{c.Dataset.Name, plan.BaseLabel}]
		if bf.err != nil {
			rc.Status, rc.Error = results.StatusFailed, bf.err.Error()
			return rc, nil
		}
		base = bf.file.Path
	}
	cr, err := newCellRun(c, fr.file.Path, base, rd)
	if err != nil {
		rc.Status, rc.Error = results.StatusFailed, err.Error()
		return rc, nil
	}
	cold := e.set.Cache == "cold"
	var coldMisses []string
	runs := make([]runResult, 0, e.set.Repeat)
	total := e.set.Warmup + e.set.Repeat
	for i := range total {
		recorded := i >= e.set.Warmup
		phase := fmt.Sprintf("warmup %d/%d", i+1, e.set.Warmup)
		if recorded {
			phase = fmt.Sprintf("run %d/%d", i-e.set.Warmup+1, e.set.Repeat)
		}
		e.prog.status(idx, c.ID, phase, len(e.p.Cells)-idx)
		if cold {
			resident, pages, err := dropFromPageCache(cr.target.Path)
			switch {
			case err != nil:
				coldMisses = append(coldMisses, fmt.Sprintf("%s: %v", phase, err))
			case resident > 0:
				coldMisses = append(coldMisses, fmt.Sprintf("%s: %d of %d pages stayed cached", phase, resident, pages))
			}
		}
		rr, err := e.runOnce(cctx, cr)
		if err != nil {
			if ctx.Err() != nil {
				return rc, ctx.Err()
			}
			var re *runError
			if errors.As(err, &re) {
				rc.Stderr = re.stderr
			}
			if errors.Is(cctx.Err(), context.DeadlineExceeded) {
				rc.Status = results.StatusTimeout
				rc.Error = fmt.Sprintf("timed out after %v in %s", e.set.Timeout, phase)
			} else {
				rc.Status = results.StatusFailed
				rc.Error = fmt.Sprintf("%s: %v", phase, err)
			}
			return rc, nil
		}
		for _, s := range rr.Steps {
			if s.Batched {
				cr.batch[s.Name] = s.Ops
			}
		}
		if recorded {
			runs = append(runs, rr)
		}
	}
	if cold {
		ok := len(coldMisses) == 0
		rc.ColdCache = &ok
		if !ok {
			rc.Warnings = append(rc.Warnings, fmt.Sprintf("cold cache not achieved in %d of %d runs (%s): times include cached reads",
				len(coldMisses), total, coldMisses[0]))
		}
	}
	aggregate(&rc, c.Scenario.Steps, runs, e.set.Isolate == "process" || rd.name != plan.GoReader)
	return rc, nil
}
