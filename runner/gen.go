package main

import (
	"context"
	"fmt"
	"io"

	"github.com/scenebench/runner/internal/units"

	"github.com/scenebench/runner/runner/exec"
)

var genCmd = &command{
	Name:     "gen",
	Synopsis: "generate (or verify) the data files a spec needs, without running it",
	Usage: `runner gen [-force] [-verify] [-data-dir DIR] [-filter EXPR] [-var NAME=VALUE]... [-var-file FILE]... SPEC...

Builds every dataset in every format variant the (filtered) plan needs under
settings.data_dir (or -data-dir), reusing files whose manifest verifies, and prints what it
reused and what it generated, with sizes. Variants that differ only in read
options share one file.`,
	Run: runGen,
}

func runGen(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var sf specFlags
	var force, verify bool
	fs := flagSet("gen", stderr)
	fs.BoolVar(&force, "force", false, "rebuild files even when cached ones verify")
	fs.BoolVar(&verify, "verify", false, "hash every cached file in full against its manifest (not only its size and time)")
	sf.addDataDir(fs)
	sf.addFilter(fs)
	sf.addVars(fs)
	args, err := parseFlags(fs, args)
	if err != nil {
		return flagExit(err)
	}
	p, code := loadPlan(ctx, "gen", args, &sf, stderr)
	if p == nil {
		return code
	}
	if err := exec.CheckRoom(ctx, p.DataNeeds(), p.Settings.DataDir); err != nil {
		fmt.Fprintf(stderr, "runner gen: %v\n", err)
		return exitUsage
	}
	built := exec.BuildData(ctx, p.DataNeeds(), p.Settings.DataDir,
		exec.Options{Force: force, Verify: verify, Progress: stderr}, nil)
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, "runner gen: interrupted\n")
		return exitFailure
	}
	var reused, generated, failed int
	var bytes int64
	for _, df := range built {
		need := df.Needs[0]
		if df.Err != nil {
			fmt.Fprintf(stderr, "runner gen: dataset %s, format %s: %v\n", need.Dataset.Name, need.Label(), df.Err)
			failed++
			continue
		}
		verb := "generated"
		if df.File.Reused {
			verb = "reused"
			reused++
		} else {
			generated++
		}
		bytes += df.File.Bytes
		fmt.Fprintf(stdout, "%-9s  %-24s %-24s %10s  %s\n", verb, need.Dataset.Name, need.Label(), units.Bytes(float64(df.File.Bytes)), df.File.Path)
	}
	fmt.Fprintf(stdout, "%d generated, %d reused, %d failed; %s in %s\n", generated, reused, failed, units.Bytes(float64(bytes)), p.Settings.DataDir)
	if failed > 0 {
		return exitFailure
	}
	return exitOK
}

// humanBytes renders a size in decimal units ("1.47 MB").
