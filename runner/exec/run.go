package exec

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/scenebench/runner/runner/dataset"
	"github.com/scenebench/runner/runner/driver"
	"github.com/scenebench/runner/runner/memlimit"
	"github.com/scenebench/runner/runner/ops"
	"github.com/scenebench/runner/runner/plan"
	"github.com/scenebench/runner/runner/protocol"
)

// cellRun is what every run of one cell sends its reader: the requests of
// its steps, resolved once against the data (prim selectors, random
// orders), with what a correct answer to each looks like.
type cellRun struct {
	reqs   []*protocol.Step
	target *ops.Target
	format string
	ops    []string
	// batch is the calibrated batch size of each batched step from an
	// earlier run of the cell, so all runs time the same number of ops.
	batch map[string]int64
	// reader reads the cell's files.
	reader *reader
	// memoryLimit is the kernel memory limit each run's reader process
	// gets, in bytes (0 = none).
	memoryLimit int64
	// cpus pins each run's reader process to these CPUs (settings.pin;
	// nil: unpinned).
	cpus []int
}

func newCellRun(c *plan.Cell, path, base string, rd *reader) (*cellRun, error) {
	layout, err := dataset.NewLayout(c.Dataset)
	if err != nil {
		return nil, err
	}
	t := &ops.Target{Path: path, Format: c.Format.Format, Options: c.Format.Options, Scene: layout,
		Base: base, DriverOptions: rd.options}
	cr := &cellRun{target: t, format: c.Format.Format, batch: map[string]int64{}, reader: rd}
	seen := map[string]bool{}
	for i := range c.Scenario.Steps {
		s := &c.Scenario.Steps[i]
		req, err := ops.Request(s, t)
		if err != nil {
			return nil, err
		}
		cr.reqs = append(cr.reqs, req)
		if !seen[s.Op] {
			seen[s.Op] = true
			cr.ops = append(cr.ops, s.Op)
		}
	}
	return cr, nil
}

// runResult is one run's measurements of every step.
type runResult struct {
	Steps []driver.StepResult
	// PeakRSS is the reader's VmHWM at the end of the run: for a reader
	// process, the peak of the run and its start-up.
	PeakRSS uint64
	// Startup is the time from starting the reader to its hello (ns).
	Startup float64
	// Unavailable lists the probes this system does not offer.
	Unavailable []string
	// Memory is what the reader's memory-limited group said (nil without
	// a limit).
	Memory *memlimit.Events
}

// runError is a run that did not produce results, with the reader's
// stderr tail.
type runError struct {
	err    error
	stderr string
	// oom says the kernel's OOM killer ended the reader under its
	// memory limit.
	oom bool
}

func (e *runError) Error() string { return e.err.Error() }
func (e *runError) Unwrap() error { return e.err }

// runOnce runs the cell's steps once on a fresh reader: a worker process
// or, with isolate = "none", the Go reader on goroutines of this process.
// ctx's deadline or cancellation kills the reader.
func (e *executor) runOnce(ctx context.Context, cr *cellRun) (rr runResult, err error) {
	var s *driver.Session
	switch {
	case cr.reader.name != plan.GoReader:
		cmd := cr.reader.command
		cmd.MemoryLimit, cmd.CPUs = cr.memoryLimit, cr.cpus
		s, err = driver.Start(ctx, cmd)
	case e.set.Isolate == "process":
		s, err = driver.Start(ctx, driver.Command{Name: driver.GoName, Argv: []string{e.exe, "worker"}, MemoryLimit: cr.memoryLimit, CPUs: cr.cpus})
	default:
		// driver.Serve collects the heap before each step, outside its
		// timing, in process as in a worker.
		s, err = driver.StartInProcess(ctx, driver.Serve)
	}
	if err != nil {
		re := &runError{err: err}
		if s != nil {
			re.stderr, re.oom = s.Stderr(), s.OOMKilled()
		}
		return rr, re
	}
	defer s.Kill()
	fail := func(err error) (runResult, error) {
		// Killed and reaped first, so that its memory group's counters
		// are final.
		s.Kill()
		return rr, &runError{err: err, stderr: s.Stderr(), oom: s.OOMKilled()}
	}
	if err := protocol.CheckHello(s.Hello(), cr.format, cr.ops); err != nil {
		return fail(fmt.Errorf("driver %s: %w", s.Hello().Driver, err))
	}
	rr.Startup = float64(s.Startup())
	for _, req := range cr.reqs {
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		if b := cr.batch[req.Name]; b > 0 {
			req.Params["batch"] = b
		}
		op, _ := ops.Lookup(req.Op)
		sr, err := s.Step(ctx, req, op.Expect(req, cr.target))
		if err != nil {
			return fail(fmt.Errorf("step %s: %w", req.Name, err))
		}
		rr.Steps = append(rr.Steps, sr)
	}
	rr.PeakRSS = s.PeakRSS()
	rr.Unavailable = s.Unavailable()
	if err := s.Close(ctx); err != nil {
		return fail(err)
	}
	if ev, ok := s.MemoryEvents(); ok {
		rr.Memory = &ev
	}
	return rr, nil
}

// WorkerMain is the hidden `runner worker` subcommand: the Go reader,
// answering the driver protocol on in and out. It returns the process exit
// status.
func WorkerMain(in io.Reader, out io.Writer) int {
	if err := driver.Serve(context.Background(), in, out); err != nil {
		fmt.Fprintln(os.Stderr, "runner worker:", err)
		return 1
	}
	return 0
}
