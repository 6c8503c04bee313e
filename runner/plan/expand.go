package plan

import "github.com/scenebench/runner/runner/dataset"

// Expand fills p.Cells with the matrix datasets x format variants x
// scenarios, in that nesting order (so the cells of one data file are
// adjacent), replacing any cells already there.
func (p *Plan) Expand() {
	p.Cells = make([]Cell, 0, len(p.Datasets)*len(p.Formats)*len(p.Scenarios))
	for _, d := range p.Datasets {
		for _, v := range p.Formats {
			for _, s := range p.Scenarios {
				p.Cells = append(p.Cells, Cell{
					ID:       CellID(d.Name, v.Label, s.Name),
					Dataset:  d,
					Format:   v,
					Scenario: s,
				})
			}
		}
	}
}

// CellID is "dataset/format-label/scenario".
func CellID(dataset, label, scenario string) string {
	return dataset + "/" + label + "/" + scenario
}

// DataNeed is one dataset in one format variant: a data file the cells
// need.
type DataNeed struct {
	Dataset dataset.Config
	Format  Variant
}

// DataNeeds lists the (dataset, variant) pairs the plan's cells use, in
// cell order, each once.
func (p *Plan) DataNeeds() []DataNeed {
	seen := map[[2]string]bool{}
	var out []DataNeed
	for _, c := range p.Cells {
		k := [2]string{c.Dataset.Name, c.Format.Label}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, DataNeed{Dataset: c.Dataset, Format: c.Format})
	}
	return out
}
