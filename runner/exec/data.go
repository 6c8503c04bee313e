package exec

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/internal/atomicfile"
	"github.com/scenebench/runner/runner/dataset"
	"github.com/scenebench/runner/runner/plan"
)

// DataFile is one data file a plan needs, with every (dataset, variant)
// stored in it: variants that differ only in read options share a file.
type DataFile struct {
	Needs []plan.DataNeed
	File  dataset.File
	// Err is why the file could not be provided (an unknown format, a
	// failed write, an interrupted run).
	Err error
}

// dataBuilders is how many data files are built at once: writers are
// single-threaded, so files in different formats build side by side.
var dataBuilders = min(runtime.NumCPU(), 4)

// CheckRoom refuses, before anything is generated, needs whose files the
// machine cannot hold: it estimates the disk and memory of every file the
// cache under dataDir lacks (dataset.CheckRoom), built dataBuilders at a
// time. The error wraps dataset.ErrNoRoom.
func CheckRoom(ctx context.Context, needs []plan.DataNeed, dataDir string) error {
	// Temporary files of writers that were killed go first: they hold
	// space a run needs.
	atomicfile.RemoveAbandoned(dataDir)
	var planned []dataset.Planned
	for _, need := range needs {
		name := need.Format.Format
		if need.Base {
			name = dataset.BaseFormat
		}
		f, ok := formats.Lookup(name)
		if !ok {
			continue
		}
		planned = append(planned, dataset.Planned{Dataset: need.Dataset, Format: f, Options: need.Format.Options, Base: need.Base})
	}
	return dataset.CheckRoom(ctx, dataDir, planned, dataBuilders)
}

// BuildData provides the data file of every need, generating what the cache
// under dataDir lacks, dataBuilders files at a time, with opts.Ensure (nil =
// dataset.Ensure), opts.Force and opts.Progress. It returns one DataFile per
// distinct file in the order of first need; log, when set, receives a line
// as each file starts and as each fails.
func BuildData(ctx context.Context, needs []plan.DataNeed, dataDir string, opts Options, log func(string)) []*DataFile {
	ensure := opts.Ensure
	if ensure == nil {
		ensure = dataset.Ensure
	}
	if log == nil {
		log = func(string) {}
	}
	type job struct {
		df *DataFile
		f  formats.Format
	}
	var out []*DataFile
	var jobs []job
	byKey := map[string]*DataFile{}
	for _, need := range needs {
		name := need.Format.Format
		if need.Base {
			name = dataset.BaseFormat
		}
		f, ok := formats.Lookup(name)
		if !ok {
			out = append(out, &DataFile{Needs: []plan.DataNeed{need},
				Err: fmt.Errorf("format %q is not available in this build", name)})
			continue
		}
		key := need.Dataset.Name + "\x00" + formats.FileKey(f, need.Format.Options)
		if need.Base {
			key = need.Dataset.Name + "\x00" + plan.BaseLabel
		}
		if df, ok := byKey[key]; ok {
			df.Needs = append(df.Needs, need)
			continue
		}
		df := &DataFile{Needs: []plan.DataNeed{need}}
		byKey[key] = df
		out = append(out, df)
		jobs = append(jobs, job{df, f})
	}

	next := make(chan job)
	var wg sync.WaitGroup
	for w := 0; w < max(1, dataBuilders); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				need := j.df.Needs[0]
				log(fmt.Sprintf("data  %s  %s ...", need.Dataset.Name, need.Label()))
				eo := dataset.EnsureOptions{Force: opts.Force, Verify: opts.Verify, Progress: opts.Progress}
				if need.Base {
					j.df.File, j.df.Err = dataset.EnsureBase(ctx, dataDir, need.Dataset, j.f, eo)
				} else {
					j.df.File, j.df.Err = ensure(ctx, dataDir, need.Dataset, j.f, need.Format.Options, eo)
				}
				if j.df.Err != nil && ctx.Err() == nil {
					log(fmt.Sprintf("data  %s  %s  failed: %v", need.Dataset.Name, need.Label(), j.df.Err))
				}
			}
		}()
	}
	for _, j := range jobs {
		if ctx.Err() != nil {
			j.df.Err = ctx.Err()
			continue
		}
		next <- j
	}
	close(next)
	wg.Wait()
	return out
}
