package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/scenebench/runner/runner/exec"
	"github.com/scenebench/runner/runner/plan"
	"github.com/scenebench/runner/runner/results"
	"github.com/scenebench/runner/runner/shard"
)

var applyCmd = &command{
	Name:     "apply",
	Synopsis: "generate the data, run every cell and write the results",
	Usage: `runner apply [-out DIR] [-data-dir DIR] [-shard I/N|auto [-shards N] [-estimate RESULTS.json]] [-filter EXPR] [-force] [-verify] [-resume] [-var NAME=VALUE]... [-var-file FILE]... SPEC...

Runs the plan: generates (or reuses) each dataset in each format variant,
runs every cell with its warmups and repeats, and writes results.json and
the reports to the output directory (settings.out unless -out is given).
Exit status 1 when any cell failed, timed out or disagreed with the others
(a cell whose reader the OOM killer ended under its memory_limit is "oom":
a measured outcome, not a failure).

-shard I/N runs shard I (from 0) of N: the comparison groups runner plan
-shards N gives it, building only the data they need, into
DIR/shard-I-of-N. -shard auto takes I and N from the scheduler: a
Kubernetes Indexed Job's JOB_COMPLETION_INDEX (N from -shards or
settings.shards) or a Slurm array's SLURM_ARRAY_TASK_ID and
SLURM_ARRAY_TASK_COUNT. runner merge joins the shards' results.`,
	Run: runApply,
}

func runApply(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var sf specFlags
	var sh shardFlags
	var out string
	var force, verify, resume bool
	fs := flagSet("apply", stderr)
	fs.StringVar(&out, "out", "", "write results to `DIR` instead of settings.out")
	fs.BoolVar(&force, "force", false, "regenerate data files even when cached ones verify")
	fs.BoolVar(&verify, "verify", false, "hash every cached data file in full against its manifest before using it")
	fs.BoolVar(&resume, "resume", false, "skip cells already recorded in DIR/journal.jsonl")
	fs.StringVar(&sh.shard, "shard", "", "run one shard of the plan: `I/N` (shard I of N, from 0) or auto (from the scheduler's environment)")
	sh.addCount(fs)
	sf.addDataDir(fs)
	sf.addFilter(fs)
	sf.addVars(fs)
	args, err := parseFlags(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if !sh.checkCount("apply", stderr) {
		return exitUsage
	}
	if sh.shard == "" && (sh.shards > 0 || sh.estimate != "") {
		fmt.Fprintln(stderr, "runner apply: -shards and -estimate split the plan for -shard: give -shard I/N or -shard auto too")
		return exitUsage
	}
	p, code := loadPlan(ctx, "apply", args, &sf, stderr)
	if p == nil {
		return code
	}
	if out != "" {
		p.Settings.Out = out
	}
	opts := exec.Options{Force: force, Verify: verify, Resume: resume, Progress: stderr}
	if sh.shard != "" {
		if p, opts.Shard = selectShard(p, &sh, stderr); p == nil {
			return exitUsage
		}
	}
	opts.Out = p.Settings.Out
	res, err := exec.Run(ctx, p, opts)
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

// selectShard narrows p to the shard -shard names and points its output at
// the shard's own directory under settings.out; it prints what it chose.
// It returns nil after printing why when the shard cannot be resolved.
func selectShard(p *plan.Plan, sh *shardFlags, stderr io.Writer) (*plan.Plan, *results.Shard) {
	n, from := sh.count(p)
	which, err := shard.Resolve(sh.shard, n, from, os.Getenv)
	if err != nil {
		fmt.Fprintf(stderr, "runner apply: %v\n", err)
		return nil, nil
	}
	a := sh.assign("apply", p, which.Count, stderr)
	if a == nil {
		return nil, nil
	}
	record := a.Record(p, which.Index)
	q := a.Select(p, which.Index)
	q.Settings.Out = filepath.Join(p.Settings.Out, shard.Dir(which.Index, which.Count))
	if len(q.Cells) == 0 {
		fmt.Fprintf(stderr, "shard %d of %d (%s): no comparison group falls to it (the plan has %d); its empty results go to %s, so that merge sees it\n",
			which.Index, which.Count, which.From, len(a.Groups), q.Settings.Out)
		return q, record
	}
	fmt.Fprintf(stderr, "shard %d of %d (%s): %s of %d, %s of %d; results in %s\n",
		which.Index, which.Count, which.From, plural(len(record.Groups), "comparison group", "comparison groups"), len(a.Groups),
		plural(len(q.Cells), "cell", "cells"), len(p.Cells), q.Settings.Out)
	return q, record
}
