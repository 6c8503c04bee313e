package view

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/scenebench/runner/internal/units"
)

// SeqRandom compares layer-order and random-order traversals.
type SeqRandom struct {
	Sequential, Random *Metric
	// Same describes the work both steps did when they did the same
	// ("cost, weight of every prim, 1 thread"); Differences lists how
	// they differ when no step like the random one was found and another
	// traversal stands in. Exactly one of them is set.
	Same        string
	Differences []string
	Rows        []SeqRandomRow
}

// SeqRandomRow is one variant's pair of traversal times.
type SeqRandomRow struct {
	Variant            *Variant
	Sequential, Random Value
	// Cmp is the random traversal against the sequential one (of the same
	// variant), decided at the larger of the two steps' A/A floors; Ratio
	// is its text.
	Cmp   *Comparison
	Ratio string
}

// seqRandom pairs the random traversal headline with a traversal in
// another order that did the same work: with params, one reading the same
// properties with the same limit and threads in an order other than
// random; without, one reading as many values whose names do not say
// random. Failing that, the single- or multi-property traversal headline
// stands in and the table says how the two differ.
func (r *Report) seqRandom(d *Dataset) {
	rnd := d.headline("random-traversal")
	if rnd == nil {
		return
	}
	rt := d.stepTable(rnd.Scenario, rnd.Step)
	var seq *Metric
	var st *StepTable
	for _, s := range d.Scenarios {
		for _, t := range s.Steps {
			if seq == nil && t.Op == "traverse" && t != rt && sameTraversal(t, rt) {
				seq, st = r.stepMetric("sequential-traversal", "sequential traversal", t), t
			}
		}
	}
	sr := &SeqRandom{}
	if seq != nil {
		sr.Same = work(st)
	} else {
		for _, key := range []string{"single-traversal", "multi-traversal"} {
			if m := d.headline(key); m != nil {
				seq, st = m, d.stepTable(m.Scenario, m.Step)
				break
			}
		}
		if seq == nil {
			return
		}
		sr.Differences = traversalDifferences(st, rt)
	}
	sr.Sequential, sr.Random = seq, rnd
	floor := math.Max(st.Floor, rt.Floor)
	for _, v := range r.Variants {
		a, b := seq.Values[v.Index], rnd.Values[v.Index]
		if !a.Present && !b.Present {
			continue
		}
		row := SeqRandomRow{Variant: v, Sequential: a, Random: b}
		sa, sb := samplesOf(st, v), samplesOf(rt, v)
		if a.Has && b.Has && len(sa) > 0 && len(sb) > 0 {
			row.Cmp = compareSamples(sa, sb, floor)
			row.Ratio = row.Cmp.Text()
		}
		sr.Rows = append(sr.Rows, row)
	}
	d.SeqRandom = sr
}

// samplesOf is the samples of variant v's usable row of t, or nil.
func samplesOf(t *StepTable, v *Variant) []float64 {
	for _, row := range t.Rows {
		if row.Variant == v && row.Usable() {
			return row.Step.SamplesNS
		}
	}
	return nil
}

// sameTraversal reports whether t did the work of the random traversal rt
// in an order that is not random.
func sameTraversal(t, rt *StepTable) bool {
	if len(t.Traits) > 0 && len(rt.Traits) > 0 {
		return t.Order() != "random" && slices.Equal(t.Properties(), rt.Properties()) &&
			t.IntParam("limit") == rt.IntParam("limit") && threads(t) == threads(rt)
	}
	return t.Values == rt.Values && t.Values > 0 && !saysRandom(words(t.Scenario+" "+t.Name))
}

// threads is a traversal's thread count (1 when its params name none).
func threads(t *StepTable) int64 { return max(1, t.IntParam("threads")) }

// work describes what a traversal read: "cost, weight of every prim, 1
// thread", or "1,000 values" when it has no params.
func work(t *StepTable) string {
	if len(t.Traits) == 0 {
		return units.Count(t.Values) + " " + Plural(t.Values, "value", "values")
	}
	props := "every property"
	if ps := t.Properties(); len(ps) > 0 {
		props = strings.Join(ps, ", ")
	}
	prims := "every prim"
	if l := t.IntParam("limit"); l > 0 {
		prims = fmt.Sprintf("the first %s prims", units.Count(l))
	}
	n := threads(t)
	return fmt.Sprintf("%s of %s, %d %s", props, prims, n, Plural(n, "thread", "threads"))
}

// traversalDifferences says how the stand-in sequential traversal seq
// differs from the random one rt.
func traversalDifferences(seq, rt *StepTable) []string {
	if len(seq.Traits) == 0 || len(rt.Traits) == 0 {
		if seq.Values != rt.Values {
			return []string{fmt.Sprintf("values read: %s sequential, %s random", units.Count(seq.Values), units.Count(rt.Values))}
		}
		return []string{"the results do not record what either step read"}
	}
	var out []string
	list := func(t *StepTable) string {
		if ps := t.Properties(); len(ps) > 0 {
			return strings.Join(ps, ", ")
		}
		return "every property"
	}
	if a, b := list(seq), list(rt); a != b {
		out = append(out, fmt.Sprintf("properties: %s sequential, %s random", a, b))
	}
	if a, b := seq.IntParam("limit"), rt.IntParam("limit"); a != b {
		lim := func(n int64) string {
			if n == 0 {
				return "every prim"
			}
			return units.Count(n) + " prims"
		}
		out = append(out, fmt.Sprintf("prims: %s sequential, %s random", lim(a), lim(b)))
	}
	if a, b := threads(seq), threads(rt); a != b {
		out = append(out, fmt.Sprintf("threads: %d sequential, %d random", a, b))
	}
	return out
}
