package view

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

func (r *Report) seqRandom(d *Dataset) {
	rnd := d.metric("random-traversal")
	if rnd == nil {
		return
	}
	rt := d.stepTable(rnd.Scenario, rnd.Step)
	var seq *Metric
	// A layer-order traversal of the same size, else the headline ones.
	for _, s := range d.Scenarios {
		for _, t := range s.Steps {
			if seq == nil && t.Op == "traverse" && t != rt && t.Values == rt.Values && t.Values > 0 &&
				!hasAny(words(s.Name+" "+t.Name), "random", "shuffle", "shuffled") {
				seq = r.stepMetric("sequential-traversal", "sequential traversal", s, t)
			}
		}
	}
	if seq == nil {
		seq = d.metric("single-traversal")
	}
	if seq == nil {
		seq = d.metric("multi-traversal")
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
			row.Ratio = TimeRatio(b.V, a.V)
		}
		sr.Rows = append(sr.Rows, row)
	}
	d.SeqRandom = sr
}
