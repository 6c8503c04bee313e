package view

import (
	"slices"

	"github.com/scenebench/runner/internal/units"
)

// SeqRandom compares layer-order and random-order traversals.
type SeqRandom struct {
	Sequential, Random *Metric
	Rows               []SeqRandomRow
}

// SeqRandomRow is one variant's pair of traversal times.
type SeqRandomRow struct {
	Variant            *Variant
	Sequential, Random Value
	Ratio              string // random against sequential
}

// seqRandom pairs the random traversal headline with a traversal in
// another order that did the same work: with params, one of the same
// properties and limit in an order other than random; without, one reading
// as many values whose names do not say random. Failing that, the single-
// or multi-property traversal headline stands in.
func (r *Report) seqRandom(d *Dataset) {
	rnd := d.headline("random-traversal")
	if rnd == nil {
		return
	}
	rt := d.stepTable(rnd.Scenario, rnd.Step)
	var seq *Metric
	for _, s := range d.Scenarios {
		for _, t := range s.Steps {
			if seq == nil && t.Op == "traverse" && t != rt && sameTraversal(t, rt) {
				seq = r.stepMetric("sequential-traversal", "sequential traversal", t)
			}
		}
	}
	if seq == nil {
		seq = d.headline("single-traversal")
	}
	if seq == nil {
		seq = d.headline("multi-traversal")
	}
	if seq == nil {
		return
	}
	sr := &SeqRandom{Sequential: seq, Random: rnd}
	for _, v := range r.Variants {
		a, b := seq.Values[v.Index], rnd.Values[v.Index]
		if !a.Present && !b.Present {
			continue
		}
		row := SeqRandomRow{Variant: v, Sequential: a, Random: b}
		if a.Has && b.Has {
			row.Ratio = units.TimeRatio(b.V, a.V)
		}
		sr.Rows = append(sr.Rows, row)
	}
	d.SeqRandom = sr
}

// sameTraversal reports whether t did the work of the random traversal rt
// in an order that is not random.
func sameTraversal(t, rt *StepTable) bool {
	if len(t.Traits) > 0 && len(rt.Traits) > 0 {
		return t.Order() != "random" && slices.Equal(t.Properties(), rt.Properties()) &&
			t.IntParam("limit") == rt.IntParam("limit")
	}
	return t.Values == rt.Values && t.Values > 0 && !saysRandom(words(t.Scenario+" "+t.Name))
}
