package exec

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"time"

	"github.com/scenebench/runner/internal/units"
	"github.com/scenebench/runner/runner/driver"
	"github.com/scenebench/runner/runner/measure"
	"github.com/scenebench/runner/runner/memlimit"
	"github.com/scenebench/runner/runner/ops"
	"github.com/scenebench/runner/runner/plan"
	"github.com/scenebench/runner/runner/results"
	"github.com/scenebench/runner/runner/stats"
)

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
	limit := e.memoryLimit(s)
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
	cr.memoryLimit = limit
	if e.set.Pin && !readsOnThreads(c) {
		cpu, err := driver.PinCPU()
		if err != nil {
			return finish(results.StatusFailed, fmt.Sprintf("settings.pin: %v", err))
		}
		cr.cpus = []int{cpu}
		s.rc.CPU = &cpu
	}
	s.cr = cr
	return s
}

// readsOnThreads says a step of c reads on several threads: such a cell
// runs unpinned, since one CPU would only serialise its threads.
func readsOnThreads(c *plan.Cell) bool {
	for i := range c.Scenario.Steps {
		if ops.StepNeeds(&c.Scenario.Steps[i]).Threads {
			return true
		}
	}
	return false
}

// memoryLimit records the cell's memory limit in its results and returns
// the limit its runs apply: 0 without one, or when it cannot be applied
// (then a warning says why and the cell runs unlimited).
func (e *executor) memoryLimit(s *cellState) int64 {
	limit := e.p.MemoryLimit(s.c)
	if limit <= 0 {
		return 0
	}
	ml := &results.MemoryLimit{Bytes: limit}
	s.rc.MemoryLimit = ml
	if s.rd.name == plan.GoReader && e.set.Isolate == "none" {
		ml.Reason = `isolate = "none" runs the Go reader inside runner, whose own memory a limit cannot hold apart`
	} else {
		if e.limits == nil {
			e.limits = memlimit.Detect()
		}
		if e.limits.Available() {
			ml.Applied, ml.Mechanism = true, e.limits.Mechanism
			return limit
		}
		ml.Reason = e.limits.Reason
	}
	s.rc.Warnings = append(s.rc.Warnings, fmt.Sprintf("memory_limit %s not applied, the cell ran without it: %s", units.Bytes(float64(limit)), ml.Reason))
	return 0
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
		if re != nil && re.oom {
			ml := s.rc.MemoryLimit
			s.rc.Status = results.StatusOOM
			s.rc.Error = fmt.Sprintf("%s: killed by the kernel's OOM killer under the memory limit of %s (%s): %v",
				phase, units.Bytes(float64(ml.Bytes)), ml.Mechanism, err)
		} else if errors.Is(rctx.Err(), context.DeadlineExceeded) {
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
	aggregateMemoryLimit(s.rc.MemoryLimit, s.runs)
	s.rc.Machine = e.machineSummary(s.machine)
	e.machineRuns = append(e.machineRuns, s.machine...)
	if m := s.rc.Machine; m != nil && m.BusyRuns > 0 {
		s.rc.Warnings = append(s.rc.Warnings, fmt.Sprintf("busy machine: %d of %d runs started with a load average above the %d cores (up to %.1f)",
			m.BusyRuns, m.Runs, m.Cores, m.Load.Max))
	}
	return s.rc
}

// aggregateMemoryLimit adds what the memory groups of the recorded runs
// said to ml.
func aggregateMemoryLimit(ml *results.MemoryLimit, runs []runResult) {
	if ml == nil || !ml.Applied {
		return
	}
	var peaks []float64
	for _, r := range runs {
		if r.Memory == nil {
			continue
		}
		ml.Runs++
		if r.Memory.Reached {
			ml.LimitReachedRuns++
		}
		if r.Memory.PeakBytes > 0 {
			peaks = append(peaks, float64(r.Memory.PeakBytes))
		}
	}
	if len(peaks) > 0 {
		sum := stats.Summary(peaks)
		ml.PeakBytes = &sum
	}
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
// each round, so that drift of the machine lands on every cell alike. It
// returns the cells and the time each one's runs took.
func (e *executor) runGroup(ctx context.Context, idxs []int, rng *rand.Rand) ([]results.Cell, []time.Duration, error) {
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
				return nil, nil, err
			}
		}
	}
	out := make([]results.Cell, len(states))
	spent := make([]time.Duration, len(states))
	for i, s := range states {
		out[i], spent[i] = e.finish(s), s.spent
	}
	return out, spent, nil
}
