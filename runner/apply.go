package main

import (
	"context"
	"fmt"
	"io"

	"github.com/scenebench/runner/runner/exec"
	"github.com/scenebench/runner/runner/results"
)

var applyCmd = &command{
	Name:     "apply",
	Synopsis: "generate the data, run every cell and write the results",
	Usage: `runner apply [-out DIR] [-filter EXPR] [-force] [-resume] [-var NAME=VALUE]... [-var-file FILE]... SPEC...

Runs the plan: generates (or reuses) each dataset in each format variant,
runs every cell with its warmups and repeats, and writes results.json and
the reports to the output directory (settings.out unless -out is given).
Exit status 1 when any cell failed, timed out or disagreed with the others.`,
	Run: runApply,
}

func runApply(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var sf specFlags
	var out string
	var force, resume bool
	fs := flagSet("apply", stderr)
	fs.StringVar(&out, "out", "", "write results to `DIR` instead of settings.out")
	fs.BoolVar(&force, "force", false, "regenerate data files even when cached ones verify")
	fs.BoolVar(&resume, "resume", false, "skip cells already recorded in DIR/journal.jsonl")
	sf.addFilter(fs)
	sf.addVars(fs)
	args, err := parseFlags(fs, args)
	if err != nil {
		return flagExit(err)
	}
	p, code := loadPlan(ctx, "apply", args, &sf, stderr)
	if p == nil {
		return code
	}
	if out != "" {
		p.Settings.Out = out
	}
	res, err := exec.Run(ctx, p, exec.Options{
		Out:      p.Settings.Out,
		Force:    force,
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
	if res == nil {
		return exitFailure
	}
	if rerr := writeReports(p, res, stdout, stderr); rerr != nil {
		fmt.Fprintf(stderr, "runner apply: %v\n", rerr)
		return exitFailure
	}
	bad, skipped := 0, 0
	for _, c := range res.Cells {
		switch c.Status {
		case results.StatusOK:
		case results.StatusSkipped:
			skipped++
		default:
			bad++
		}
	}
	fmt.Fprintf(stdout, "%d of %d cells ok", len(res.Cells)-bad-skipped, len(res.Cells))
	if skipped > 0 {
		fmt.Fprintf(stdout, ", %d skipped", skipped)
	}
	fmt.Fprintf(stdout, "; results in %s\n", p.Settings.Out)
	if bad > 0 || err != nil {
		return exitFailure
	}
	return exitOK
}
