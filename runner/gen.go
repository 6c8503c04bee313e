package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/runner/dataset"
	"github.com/scenebench/runner/runner/plan"
)

var genCmd = &command{
	Name:     "gen",
	Synopsis: "generate (or verify) the data files a spec needs, without running it",
	Usage: `runner gen [-force] [-filter EXPR] [-var NAME=VALUE]... [-var-file FILE]... SPEC...

Builds every dataset in every format variant the (filtered) plan needs under
settings.data_dir, reusing files whose manifest verifies, and prints what it
reused and what it generated, with sizes. Variants that differ only in read
options share one file.`,
	Run: runGen,
}

func runGen(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var sf specFlags
	var force bool
	fs := flagSet("gen", stderr)
	fs.BoolVar(&force, "force", false, "rebuild files even when cached ones verify")
	sf.addFilter(fs)
	sf.addVars(fs)
	args, err := parseFlags(fs, args)
	if err != nil {
		return flagExit(err)
	}
	p, code := loadPlan("gen", args, &sf, stderr)
	if p == nil {
		return code
	}
	type job struct {
		need plan.DataNeed
		f    formats.Format
		file dataset.File
		err  error
	}
	var jobs []*job
	done := map[string]bool{}
	failed := 0
	for _, need := range p.DataNeeds() {
		f, ok := formats.Lookup(need.Format.Format)
		if !ok { // the loader only admits registered formats
			fmt.Fprintf(stderr, "runner gen: %s: unknown format %q\n", need.Format.Label, need.Format.Format)
			failed++
			continue
		}
		key := need.Dataset.Name + "\x00" + formats.FileKey(f, need.Format.Options)
		if !done[key] {
			done[key] = true
			jobs = append(jobs, &job{need: need, f: f})
		}
	}
	// Writers are single-threaded: build files in different formats side
	// by side, one per core.
	next := make(chan *job)
	var wg sync.WaitGroup
	for w := 0; w < min(runtime.NumCPU(), 4); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				j.file, j.err = dataset.Ensure(ctx, p.Settings.DataDir, j.need.Dataset, j.f, j.need.Format.Options,
					dataset.EnsureOptions{Force: force, Progress: stderr})
			}
		}()
	}
	for _, j := range jobs {
		if ctx.Err() != nil {
			break
		}
		next <- j
	}
	close(next)
	wg.Wait()
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, "runner gen: interrupted\n")
		return exitFailure
	}
	var reused, generated int
	var bytes int64
	for _, j := range jobs {
		need := j.need
		if j.err != nil {
			fmt.Fprintf(stderr, "runner gen: dataset %s, format %s: %v\n", need.Dataset.Name, need.Format.Label, j.err)
			failed++
			continue
		}
		verb := "generated"
		if j.file.Reused {
			verb = "reused"
			reused++
		} else {
			generated++
		}
		bytes += j.file.Bytes
		fmt.Fprintf(stdout, "%-9s  %-24s %-24s %10s  %s\n", verb, need.Dataset.Name, need.Format.Label, humanBytes(j.file.Bytes), j.file.Path)
	}
	fmt.Fprintf(stdout, "%d generated, %d reused, %d failed; %s in %s\n", generated, reused, failed, humanBytes(bytes), p.Settings.DataDir)
	if failed > 0 {
		return exitFailure
	}
	return exitOK
}

// humanBytes renders a size in decimal units ("1.47 MB").
func humanBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.2f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}
