package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/scenebench/runner/runner/exec"
	"github.com/scenebench/runner/runner/results"
)

var applyCmd = &command{
	Name:     "apply",
	Synopsis: "generate the data, run every cell and write the results",
	Usage: `runner apply [-out DIR] [-filter EXPR] [-force] [-verify] [-resume] [-var NAME=VALUE]... [-var-file FILE]... SPEC...

Runs the plan: generates (or reuses) each dataset in each format variant,
runs every cell with its warmups and repeats, and writes results.json and
the reports to the output directory (settings.out unless -out is given).
Exit status 1 when any cell failed, timed out or disagreed with the others
(a cell whose reader the OOM killer ended under its memory_limit is "oom":
a measured outcome, not a failure).`,
	Run: runApply,
}

func runApply(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var sf specFlags
	var out string
	var force, verify, resume bool
	fs := flagSet("apply", stderr)
	fs.StringVar(&out, "out", "", "write results to `DIR` instead of settings.out")
	fs.BoolVar(&force, "force", false, "regenerate data files even when cached ones verify")
	fs.BoolVar(&verify, "verify", false, "hash every cached data file in full against its manifest before using it")
	fs.BoolVar(&resume, "resume", false, "skip cells already recorded in DIR/journal.jsonl")
	sf.addFilter(fs)
	sf.addVars(fs)
	args, err := parseFlags(fs, args)
	if err != nil {
		return flagExit(err)
	}
	p, code := loadPlan("apply", args, &sf, stderr)
	if p == nil {
		return code
	}
	if out != "" {
		p.Settings.Out = out
	}
	res, err := exec.Run(ctx, p, exec.Options{
		Out:      p.Settings.Out,
		Force:    force,
		Verify:   verify,
		Resume:   resume,
		Progress: stderr,
	})
	if err != nil {
		fmt.Fprintf(stderr, "runner apply: %v\n", err)
		if res == nil {
			// Nothing ran: the plan could not be started at all.
			return exitUsage
		}
	}
	if in := res.Interrupted; in != nil {
		fmt.Fprintf(stderr, "runner apply: interrupted: %d of %d cells run; their results are in %s (runner apply -resume goes on from there)",
			in.Ran, in.Of, exec.ResultsDir(p.Settings.Out, res))
		if _, err := os.Stat(filepath.Join(p.Settings.Out, exec.ResultsName)); err == nil {
			fmt.Fprintf(stderr, "; the complete results of the previous run in %s are untouched", p.Settings.Out)
		}
		fmt.Fprintln(stderr)
	}
	if res == nil {
		return exitFailure
	}
	if rerr := writeReports(p, res, stdout, stderr); rerr != nil {
		fmt.Fprintf(stderr, "runner apply: %v\n", rerr)
		return exitFailure
	}
	bad, skipped, oom := 0, 0, 0
	for _, c := range res.Cells {
		switch c.Status {
		case results.StatusOK:
		case results.StatusSkipped:
			skipped++
		case results.StatusOOM:
			oom++
		default:
			bad++
		}
	}
	fmt.Fprintf(stdout, "%d of %d cells ok", len(res.Cells)-bad-skipped-oom, len(res.Cells))
	if skipped > 0 {
		fmt.Fprintf(stdout, ", %d skipped", skipped)
	}
	if oom > 0 {
		fmt.Fprintf(stdout, ", %d oom (killed under their memory limit)", oom)
	}
	fmt.Fprintf(stdout, "; results in %s\n", exec.ResultsDir(p.Settings.Out, res))
	if bad > 0 || err != nil {
		return exitFailure
	}
	return exitOK
}
