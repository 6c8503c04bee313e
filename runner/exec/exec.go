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
// cells of one dataset and scenario must agree (CrossCheck); runs of one
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
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/internal/atomicfile"
	"github.com/scenebench/runner/runner/dataset"
	"github.com/scenebench/runner/runner/measure"
	"github.com/scenebench/runner/runner/memlimit"
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
	// Force regenerates data; Verify hashes every cached data file in full
	// before using it; Resume skips cells already in the journal.
	Force, Verify, Resume bool
	// Progress receives progress output; a terminal gets a live line.
	Progress io.Writer
	// Executable is the runner binary re-executed as a worker ("" = os.Executable()).
	Executable string
	// Ensure provides data files (nil = dataset.Ensure).
	Ensure EnsureFunc
	// Shard, when the plan is one shard of a larger one (apply -shard),
	// is recorded in the results as it is.
	Shard *results.Shard
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
			Cache: e.set.Cache, Order: e.set.Order, TimeoutNS: int64(e.set.Timeout), MemoryLimitBytes: e.set.MemoryLimit},
		Report:      results.Report{Baseline: p.Report.Baseline, Outputs: p.Report.Outputs, Glance: p.Report.Glance},
		Environment: env,
		Warnings:    warns,
		Cells:       []results.Cell{},
		Shard:       opts.Shard,
	}
	for _, sc := range p.Scenarios {
		f.Scenarios = append(f.Scenarios, results.Scenario{Name: sc.Name, Description: sc.Description, Base: sc.Base, Axes: sc.Axes})
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
		release, err := LockOut(out)
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
	CrossCheck(f.Cells, p.Report.Baseline)
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
		cells, spent, err := e.runGroup(ctx, groups[k], rng)
		if err != nil {
			return err
		}
		took := groupShares(time.Since(t0), spent)
		for j, rc := range cells {
			if err := record(groups[k][j], rc, took[j]); err != nil {
				return err
			}
		}
	}
	return nil
}

// groupShares splits a group's wall time among its cells in proportion
// to the time each cell's runs took (evenly when none took any), so that
// each cell's progress line shows its own share and the shares add up to
// the group's time, which the ETA counts.
func groupShares(total time.Duration, spent []time.Duration) []time.Duration {
	var sum time.Duration
	for _, d := range spent {
		sum += d
	}
	out := make([]time.Duration, len(spent))
	for i, d := range spent {
		if sum > 0 {
			out[i] = time.Duration(float64(total) * float64(d) / float64(sum))
		} else {
			out[i] = total / time.Duration(len(spent))
		}
	}
	return out
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
	// limits sets memory limits, detected when a cell first needs one.
	limits *memlimit.Controller
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
