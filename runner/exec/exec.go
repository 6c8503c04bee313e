// Package exec runs the cells of a plan: warmups and repeats, each run in a
// fresh worker process or in-process, with every step timed, probed and
// digested, and the results journaled as cells finish.
package exec

import (
	"context"
	"errors"
	"io"

	"github.com/scenebench/runner/runner/plan"
	"github.com/scenebench/runner/runner/results"
)

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
}

// Run executes every cell of p and returns the results; cells that failed,
// timed out or mismatched are in the results with their status.
func Run(ctx context.Context, p *plan.Plan, opts Options) (*results.File, error) {
	return nil, errors.New("execution is not implemented yet")
}

// WorkerMain is the hidden `runner worker` subcommand: it reads requests as
// JSON lines from in and answers on out. It returns the process exit status.
func WorkerMain(in io.Reader, out io.Writer) int { return 2 }
