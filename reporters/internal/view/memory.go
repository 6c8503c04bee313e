package view

import "github.com/scenebench/runner/runner/results"

// Memory is resident memory at three points of a scenario.
type Memory struct {
	// Open, Get and Traverse say which steps the columns come from.
	Open, Get, Traverse Source
	Rows                []MemoryRow
}

// Source names a step; the zero Source names none.
type Source struct{ Scenario, Step string }

// MemoryRow is one variant's memory figures (medians over runs, bytes).
type MemoryRow struct {
	Variant                      *Variant
	AfterOpen, AfterGet          Value
	AfterTraverse, PeakTraversal Value
}

// memory fills d.Memory from the first scenario whose name says memory,
// mem or rss (its first open, get and traverse steps), and takes what that
// lacks from the headline rows: open, then cold or warm get, then a
// traversal.
func (r *Report) memory(d *Dataset) {
	var openT, getT, travT *StepTable
	for _, s := range d.Scenarios {
		if !hasAny(words(s.Name), "memory", "mem", "rss") {
			continue
		}
		for _, t := range s.Steps {
			switch {
			case t.Op == "open" && openT == nil:
				openT = t
			case t.Op == "get" && getT == nil:
				getT = t
			case t.Op == "traverse" && travT == nil:
				travT = t
			}
		}
		break
	}
	fromHeadline := func(keys ...string) *StepTable {
		for _, k := range keys {
			if m := d.headline(k); m != nil {
				return d.stepTable(m.Scenario, m.Step)
			}
		}
		return nil
	}
	if openT == nil {
		openT = fromHeadline("open")
	}
	if getT == nil {
		getT = fromHeadline("cold-get", "warm-get")
	}
	if travT == nil {
		travT = fromHeadline("single-traversal", "multi-traversal", "random-traversal")
	}
	if openT == nil && getT == nil && travT == nil {
		return
	}
	src := func(t *StepTable) Source {
		if t == nil {
			return Source{}
		}
		return Source{t.Scenario, t.Name}
	}
	m := &Memory{Open: src(openT), Get: src(getT), Traverse: src(travT)}
	value := func(t *StepTable, v *Variant, metric string) Value {
		out := Value{Variant: v}
		if t == nil {
			return out
		}
		for _, row := range t.Rows {
			if row.Variant != v {
				continue
			}
			out = Value{Variant: v, Present: true, Status: row.Cell.Status}
			if row.Usable() {
				out = memoryValue(v, row.Cell.Status, figureSummary(row.Step, metric))
			}
		}
		return out
	}
	after, peak := results.MetricRSSAfter, results.MetricPeakRSS
	for _, v := range r.Variants {
		row := MemoryRow{Variant: v, AfterOpen: value(openT, v, after), AfterGet: value(getT, v, after),
			AfterTraverse: value(travT, v, after), PeakTraversal: value(travT, v, peak)}
		if row.AfterOpen.Present || row.AfterGet.Present || row.AfterTraverse.Present {
			m.Rows = append(m.Rows, row)
		}
	}
	d.Memory = m
}
