package view

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

func (r *Report) memory(d *Dataset) {
	var openT, getT, travT *StepTable
	var openSc, getSc, travSc string
	for _, s := range d.Scenarios {
		if !hasAny(words(s.Name), "memory", "mem", "rss") {
			continue
		}
		for _, t := range s.Steps {
			switch {
			case t.Op == "open" && openT == nil:
				openT, openSc = t, s.Name
			case t.Op == "get" && getT == nil:
				getT, getSc = t, s.Name
			case t.Op == "traverse" && travT == nil:
				travT, travSc = t, s.Name
			}
		}
		break
	}
	fromMetric := func(keys ...string) (*StepTable, string) {
		for _, k := range keys {
			if m := d.metric(k); m != nil {
				return d.stepTable(m.Scenario, m.Step), m.Scenario
			}
		}
		return nil, ""
	}
	if openT == nil {
		openT, openSc = fromMetric("open")
	}
	if getT == nil {
		getT, getSc = fromMetric("cold-get", "warm-get")
	}
	if travT == nil {
		travT, travSc = fromMetric("single-traversal", "multi-traversal", "random-traversal")
	}
	if openT == nil && getT == nil && travT == nil {
		return
	}
	src := func(t *StepTable, sc string) Source {
		if t == nil {
			return Source{}
		}
		return Source{sc, t.Name}
	}
	m := &Memory{Open: src(openT, openSc), Get: src(getT, getSc), Traverse: src(travT, travSc)}
	figure := func(t *StepTable, v *Variant, peak bool) Value {
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
				out.Has = true
				out.V = row.Step.Memory.RSSAfterBytes.Median
				if peak {
					out.V = row.Step.Memory.PeakRSSBytes.Median
				}
			}
		}
		return out
	}
	for _, v := range r.Variants {
		row := MemoryRow{Variant: v, AfterOpen: figure(openT, v, false), AfterGet: figure(getT, v, false),
			AfterTraverse: figure(travT, v, false), PeakTraversal: figure(travT, v, true)}
		if row.AfterOpen.Present || row.AfterGet.Present || row.AfterTraverse.Present {
			m.Rows = append(m.Rows, row)
		}
	}
	d.Memory = m
}
