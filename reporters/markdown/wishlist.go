package markdown

import (
	"fmt"

	"github.com/scenebench/runner/internal/units"
	"github.com/scenebench/runner/reporters/internal/mdtable"
	"github.com/scenebench/runner/reporters/internal/view"
)

// wishlist renders the sections of the wish list's workloads, each only
// when the results hold it: threads, mixed workloads, memory limits.
func (d *doc) wishlist() {
	d.threads()
	d.mixes()
	d.memoryCurves()
}

// curveHeading names a curve's dataset (when the run has several),
// scenario and step.
func (d *doc) curveHeading(dataset, scenario, step string) {
	if d.multi {
		d.printf("### Dataset %s: scenario %s, step %s\n\n", code(dataset), code(scenario), code(step))
		return
	}
	d.printf("### Scenario %s, step %s\n\n", code(scenario), code(step))
}

func (d *doc) threads() {
	curves := d.r.ThreadCurves()
	if len(curves) == 0 {
		return
	}
	d.printf("## Threads\n\n")
	d.printf("Throughput (values read per second, from the median time) at each thread count, and in brackets the speed-up over one thread of the same variant. The machine has %d cores: past that, threads share them.\n\n", d.r.File.Environment.Cores)
	for _, cv := range curves {
		d.curveHeading(cv.Dataset, cv.Scenario, cv.Step)
		header := []string{"format"}
		for _, t := range cv.Threads {
			header = append(header, fmt.Sprintf("%d %s>", t, view.Plural(t, "thread", "threads")))
		}
		tbl := mdtable.New(header...)
		for _, s := range cv.Series {
			row := []string{s.Variant}
			for _, t := range cv.Threads {
				p, ok := s.At(t)
				if !ok {
					row = append(row, "–")
					continue
				}
				row = append(row, fmt.Sprintf("%s (%s)", view.RateText(p.Throughput), units.Factor(p.SpeedUp)))
			}
			tbl.Row(row...)
		}
		d.table(tbl)
	}
}

func (d *doc) mixes() {
	mixes := d.r.Mixes()
	if len(mixes) == 0 {
		return
	}
	d.printf("## Mixed workloads\n\n")
	d.printf("Steps that interleave kinds of work, timed as a whole (median over runs) and per kind: the time of one operation of the kind (one traversal, one point read), how many the step made, and their share of the whole.\n\n")
	for _, m := range mixes {
		d.curveHeading(m.Dataset, m.Scenario, m.Step)
		header := []string{"format", "whole>"}
		for _, p := range m.Parts {
			header = append(header, p+" per op>", p+" ops>", p+" share>")
		}
		header = append(header, "values>")
		tbl := mdtable.New(header...)
		for _, row := range m.Rows {
			if row.Whole == 0 {
				tbl.Row(row.Variant, view.StatusText(row.Status))
				continue
			}
			cells := []string{row.Variant, units.Duration(row.Whole)}
			for _, p := range row.Parts {
				if !p.Has {
					cells = append(cells, "–", "–", "–")
					continue
				}
				cells = append(cells, units.Duration(p.MedianNS), units.Count(p.Ops), view.PercentText(p.Share))
			}
			cells = append(cells, units.Count(row.Values))
			tbl.Row(cells...)
		}
		d.table(tbl)
	}
}

func (d *doc) memoryCurves() {
	curves := d.r.MemoryCurves()
	if len(curves) == 0 {
		return
	}
	d.printf("## Memory limits\n\n")
	d.printf("Each step as memory shrinks: under a kernel memory limit on the reader process (`memory_limit`), or as Parquet's decoded-block cache shrinks (`cache_budget`, 0 = unlimited). Medians over runs. Peak RSS is the step's own and counts every resident page, also file pages the kernel charged to another group (a file first read by someone else, a mapped binary), so it can exceed the limit; the group's peak is what the limit holds: the whole run's peak of the reader's memory, page cache it faulted in and kernel memory. \"Limit reached\" counts the runs in which the group hit its limit and the kernel had to reclaim; a cell the OOM killer ended is `OOM`.\n\n")
	for _, cv := range curves {
		what := "memory limit"
		if cv.Axis == view.AxisCacheBudget {
			what = "cache budget"
		}
		if d.multi {
			d.printf("### Dataset %s: scenario %s, step %s, by %s\n\n", code(cv.Dataset), code(cv.Scenario), code(cv.Step), what)
		} else {
			d.printf("### Scenario %s, step %s, by %s\n\n", code(cv.Scenario), code(cv.Step), what)
		}
		tbl := mdtable.New("format", what+">", "status", "median>", "peak RSS>", "limit reached>", "group peak>")
		for _, s := range cv.Series {
			for _, p := range s.Points {
				status := view.Dash(p.Status)
				reached, group := "–", "–"
				if p.Applied {
					reached = fmt.Sprintf("%d of %d runs", p.Reached, p.Runs)
					if p.Runs == 0 {
						reached = "–"
					}
				} else if p.X > 0 && cv.Axis == view.AxisMemoryLimit {
					reached = "not applied"
				}
				if p.GroupPeak > 0 {
					group = units.Bytes(p.GroupPeak)
				}
				median, peak := "–", "–"
				if p.Has {
					median, peak = units.Duration(p.MedianNS), units.Bytes(p.PeakRSS)
				} else {
					status = view.StatusText(p.Status)
				}
				tbl.Row(s.Family, p.LimitText(units.Bytes), status, median, peak, reached, group)
			}
		}
		d.table(tbl)
	}
}
