package view

import (
	"sort"
)

// Sweep is a set of datasets alike but for their prim counts.
type Sweep struct {
	Hierarchy string
	Schema    string
	Datasets  []*Dataset // ascending prim counts
	Steps     []*SweepStep
}

// SweepStep is one scenario step across a sweep's datasets.
type SweepStep struct {
	Scenario, Step, Op string
	// Values[i][j] is dataset i, variant j.
	Values [][]Value
}

func (r *Report) sweeps() {
	type key struct {
		hierarchy, schema string
		payload           bool
	}
	groups := map[key][]*Dataset{}
	var order []key
	for _, d := range r.Datasets {
		if d.Info == nil || d.Info.Prims <= 0 {
			continue
		}
		k := key{d.Info.Hierarchy, d.Info.Schema, d.Info.Payload}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], d)
	}
	for _, k := range order {
		ds := groups[k]
		sort.SliceStable(ds, func(i, j int) bool { return ds[i].Info.Prims < ds[j].Info.Prims })
		distinct := map[int]bool{}
		for _, d := range ds {
			distinct[d.Info.Prims] = true
		}
		if len(distinct) < 2 {
			continue
		}
		sw := &Sweep{Hierarchy: k.hierarchy, Schema: k.schema, Datasets: ds}
		type stepKey struct{ scenario, step string }
		seen := map[stepKey]*SweepStep{}
		for _, scName := range r.Scenarios {
			for i, d := range ds {
				for _, s := range d.Scenarios {
					if s.Name != scName {
						continue
					}
					for _, t := range s.Steps {
						sk := stepKey{s.Name, t.Name}
						ss, ok := seen[sk]
						if !ok {
							ss = &SweepStep{Scenario: s.Name, Step: t.Name, Op: t.Op, Values: make([][]Value, len(ds))}
							for j := range ss.Values {
								ss.Values[j] = r.absentValues()
							}
							seen[sk] = ss
							sw.Steps = append(sw.Steps, ss)
						}
						for _, row := range t.Rows {
							ss.Values[i][row.Variant.Index] = row.Value()
						}
					}
				}
			}
		}
		r.Sweeps = append(r.Sweeps, sw)
	}
}
