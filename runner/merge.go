package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/scenebench/runner/internal/atomicfile"
	"github.com/scenebench/runner/reporters"
	"github.com/scenebench/runner/runner/exec"
	"github.com/scenebench/runner/runner/results"
	"github.com/scenebench/runner/runner/shard"
)

func init() { register(mergeCmd) }

var mergeCmd = &command{
	Name:     "merge",
	Synopsis: "join the results of the shards of one run into one results.json and every report",
	Usage: `runner merge -out DIR RESULTS...

Joins the results that runner apply -shard wrote on each machine (each a
results.json, or the shard directory holding it) into one results.json and
every report in DIR, as one unsharded run would have written them, with
every machine's environment listed and the comparisons that mix machines
marked. Digests are checked across the merged cells again.

It refuses, with exit status 2 and the files named, results that are not
the shards of one run: another spec, -var or -filter (their plan hashes
differ), another runner build, another split (-estimate), or a shard or
group given twice. Shards not given are reported and their cells listed as
skipped ("shard I of N missing"); the exit status is then 1, as it is when
any cell did not end ok (a missing shard that had no group to run is only
reported).`,
	Run: runMerge,
}

func runMerge(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flagSet("merge", stderr)
	out := fs.String("out", "", "write the merged results and reports to `DIR` (required)")
	args, err := parseFlags(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if *out == "" || len(args) == 0 {
		fmt.Fprintf(stderr, "runner merge: give -out DIR and the shards' results\nusage: %s\n", usageLine("merge"))
		return exitUsage
	}
	var inputs []shard.Input
	for _, a := range args {
		path, err := shardResults(a)
		if err == nil {
			var f *results.File
			if f, err = reporters.ReadFile(path); err == nil {
				inputs = append(inputs, shard.Input{Path: path, File: f})
				continue
			}
		}
		fmt.Fprintf(stderr, "runner merge: %v\n", err)
		return exitUsage
	}
	for _, in := range inputs {
		if sameDir(filepath.Dir(in.Path), *out) {
			fmt.Fprintf(stderr, "runner merge: -out %s holds %s, which the merge would overwrite; give another directory\n", *out, in.Path)
			return exitUsage
		}
	}
	merged, err := shard.Merge(inputs)
	if err != nil {
		if errors.Is(err, shard.ErrMismatch) {
			fmt.Fprintf(stderr, "runner merge: nothing merged:%s\n", strings.TrimPrefix(err.Error(), shard.ErrMismatch.Error()+":"))
		} else {
			fmt.Fprintf(stderr, "runner merge: %v\n", err)
		}
		return exitUsage
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintf(stderr, "runner merge: %v\n", err)
		return exitUsage
	}
	release, err := exec.LockOut(*out)
	if err != nil {
		fmt.Fprintf(stderr, "runner merge: %v\n", err)
		return exitUsage
	}
	defer release()
	// A merge is complete results: an older run's partial ones go.
	os.RemoveAll(filepath.Join(*out, exec.InterruptedDir))
	if err := atomicfile.Write(filepath.Join(*out, exec.ResultsName), func(w io.Writer) error { return results.Write(w, merged) }); err != nil {
		fmt.Fprintf(stderr, "runner merge: %v\n", err)
		return exitFailure
	}
	if err := writeReportsTo(*out, merged.Report.Outputs, merged, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "runner merge: %v\n", err)
		return exitFailure
	}

	m := merged.Merge
	lost := false
	for _, i := range m.Missing {
		var groups []string
		for _, g := range inputs[0].File.Shard.Plan {
			if g.Shard == i {
				groups = append(groups, g.Key())
			}
		}
		if len(groups) == 0 {
			fmt.Fprintf(stderr, "runner merge: shard %d of %d is missing; it had no group to run, so no cell is lost\n", i, m.Count)
			continue
		}
		lost = true
		fmt.Fprintf(stderr, "runner merge: shard %d of %d is missing (%s); its cells are listed as skipped\n",
			i, m.Count, plural(len(groups), "group", "groups")+describeList(groups))
	}
	bad, skipped := 0, 0
	for _, c := range merged.Cells {
		switch c.Status {
		case results.StatusOK:
		case results.StatusSkipped:
			skipped++
		default:
			bad++
		}
	}
	fmt.Fprintf(stdout, "merged %d of %d shards from %s: %d of %d cells ok", len(m.Shards), m.Count,
		plural(m.Machines, "machine", "machines"), len(merged.Cells)-bad-skipped, len(merged.Cells))
	if skipped > 0 {
		fmt.Fprintf(stdout, ", %d skipped", skipped)
	}
	fmt.Fprintf(stdout, "; results in %s\n", *out)
	if bad > 0 || lost {
		return exitFailure
	}
	return exitOK
}

// shardResults is the results file arg names: the file itself, or
// results.json in the directory it names.
func shardResults(arg string) (string, error) {
	st, err := os.Stat(arg)
	if err != nil {
		return "", err
	}
	if !st.IsDir() {
		return arg, nil
	}
	path := filepath.Join(arg, exec.ResultsName)
	if _, err := os.Stat(path); err != nil {
		if part := filepath.Join(arg, exec.InterruptedDir, exec.ResultsName); fileExists(part) {
			return "", fmt.Errorf("%s has no complete results, only those of an interrupted run in %s: finish the shard with runner apply -resume, or give that file to merge its cells as they are", arg, part)
		}
		return "", fmt.Errorf("%s holds no %s", arg, exec.ResultsName)
	}
	return path, nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// sameDir reports whether a and b name the same directory.
func sameDir(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	if err1 == nil && err2 == nil {
		return os.SameFile(sa, sb)
	}
	return filepath.Clean(a) == filepath.Clean(b)
}

// describeList is ": a, b, c" or "" for none.
func describeList(items []string) string {
	if len(items) == 0 {
		return ""
	}
	return ": " + strings.Join(items, ", ")
}
