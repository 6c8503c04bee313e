package exec

import (
	"fmt"
	"math"
	"slices"

	"github.com/scenebench/runner/runner/plan"
	"github.com/scenebench/runner/runner/results"
	"github.com/scenebench/runner/runner/stats"
)

// aggregate turns the recorded runs of a cell into its steps: samples,
// statistics and warnings, memory summaries, and the probes of the median
// run. Runs that disagree on a step's digest make the cell a mismatch.
func aggregate(rc *results.Cell, steps []plan.Step, runs []runResult, isolated bool) {
	if len(runs) == 0 {
		return
	}
	n := len(runs[0].Steps)
	for _, r := range runs[1:] {
		if len(r.Steps) != n {
			rc.Status = results.StatusFailed
			rc.Error = "runs of the cell measured different numbers of steps"
			return
		}
	}
	for i := range n {
		first := &runs[0].Steps[i]
		step := results.Step{Name: first.Name, Op: first.Op, Digest: first.Digest, Values: first.Values}
		if i < len(steps) && steps[i].Name == first.Name {
			step.Traits, step.Params = steps[i].Traits, map[string]any(steps[i].Args)
		}
		var (
			samples                                    = make([]float64, len(runs))
			rssAfter, rssDelta, peak, rchar, readBytes []float64
			majFaults, minFaults, goHeap               []float64
		)
		for r := range runs {
			s := &runs[r].Steps[i]
			samples[r] = s.NS
			rssAfter = append(rssAfter, float64(s.RSSAfter))
			rssDelta = append(rssDelta, float64(s.RSSAfter)-float64(s.RSSBefore))
			peak = append(peak, float64(s.PeakRSS))
			rchar = append(rchar, float64(s.RChar))
			readBytes = append(readBytes, float64(s.ReadBytes))
			majFaults = append(majFaults, float64(s.MajorFaults))
			minFaults = append(minFaults, float64(s.MinorFaults))
			goHeap = append(goHeap, float64(s.GoHeap))
			if s.Digest != step.Digest && rc.Status == results.StatusOK {
				rc.Status = results.StatusMismatch
				rc.Error = joinErr(rc.Error, fmt.Sprintf("step %s: digest %s in run 1 but %s in run %d: the reader is not deterministic",
					step.Name, step.Digest, s.Digest, r+1))
			}
		}
		step.SamplesNS = samples
		step.Stats, step.Warnings = stats.Summarize(samples)
		med := medianRun(samples)
		step.Ops = runs[med].Steps[i].Ops
		step.Probes = runs[med].Steps[i].Probes
		step.Memory = results.Memory{
			RSSAfterBytes: perRun(rssAfter),
			RSSDeltaBytes: perRun(rssDelta),
			PeakRSSBytes:  perRun(peak),
			ReadBytes:     perRun(rchar),
			DiskReadBytes: perRun(readBytes),
			MajorFaults:   perRun(majFaults),
			MinorFaults:   perRun(minFaults),
			GoHeapBytes:   perRun(goHeap),
		}
		step.Parts = aggregateParts(runs, i)
		rc.Steps = append(rc.Steps, step)
	}
	if fv, ok := firstValue(steps, runs); ok {
		rc.Steps = append(rc.Steps, fv)
	}
	if isolated {
		st := &results.Startup{}
		for _, r := range runs {
			st.SamplesNS = append(st.SamplesNS, r.Startup)
		}
		st.Stats, _ = stats.Summarize(st.SamplesNS)
		rc.Startup = st
	}
	seen := map[string]bool{}
	for _, r := range runs {
		for _, u := range r.Unavailable {
			if !seen[u] {
				seen[u] = true
				rc.Warnings = append(rc.Warnings, u)
			}
		}
	}
}

// aggregateParts summarises the parts of step i over the runs, in the
// order the first run gave them; a part some run lacks is left out.
func aggregateParts(runs []runResult, i int) []results.Part {
	var out []results.Part
	for _, p := range runs[0].Steps[i].Parts {
		part := results.Part{Name: p.Name, Ops: p.Ops}
		for r := range runs {
			found := false
			for _, q := range runs[r].Steps[i].Parts {
				if q.Name == p.Name {
					part.SamplesNS = append(part.SamplesNS, q.NS)
					found = true
				}
			}
			if !found {
				part.SamplesNS = nil
				break
			}
		}
		if part.SamplesNS == nil {
			continue
		}
		part.Stats, _ = stats.Summarize(part.SamplesNS)
		out = append(out, part)
	}
	return out
}

// medianRun is the index of the run whose sample is nearest the median
// (the earliest on ties).
func medianRun(samples []float64) int {
	sorted := slices.Clone(samples)
	slices.Sort(sorted)
	med := stats.Quantile(sorted, 0.5)
	best, bestDist := 0, math.Inf(1)
	for i, s := range samples {
		if d := math.Abs(s - med); d < bestDist {
			best, bestDist = i, d
		}
	}
	return best
}

// FirstValueStep names the derived time-to-first-value step.
const FirstValueStep = "first-value"

// firstValue derives the time to the first value: in each run, the first
// open's time plus the time of one read of the first point read after it
// (a cold read), summed within the run — not a sum of medians, which would
// pair an open from one run with a read from another.
func firstValue(steps []plan.Step, runs []runResult) (results.Step, bool) {
	open, read := -1, -1
	for i := range steps {
		switch {
		case open < 0 && steps[i].Has(results.TraitOpen):
			open = i
		case open >= 0 && steps[i].Has(results.TraitFirstRead):
			read = i
		}
		if read >= 0 {
			break
		}
	}
	if read < 0 {
		return results.Step{}, false
	}
	samples := make([]float64, 0, len(runs))
	for _, r := range runs {
		if read >= len(r.Steps) {
			return results.Step{}, false
		}
		samples = append(samples, r.Steps[open].NS*float64(r.Steps[open].Ops)+r.Steps[read].NS)
	}
	st := results.Step{Name: FirstValueStep, Op: results.OpFirstValue, Traits: []string{results.TraitFirstValue},
		Params: map[string]any{"open": steps[open].Name, "read": steps[read].Name}, SamplesNS: samples, Ops: 1}
	st.Stats, st.Warnings = stats.Summarize(samples)
	return st, true
}

// perRun summarises a step's memory or I/O figure and keeps each run's.
func perRun(xs []float64) results.Summary {
	s := stats.Summary(xs)
	s.Runs = xs
	return s
}
