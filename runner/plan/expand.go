package plan

import (
	"github.com/scenebench/runner/runner/dataset"
	"github.com/scenebench/runner/runner/ops"
)

// Expand fills p.Cells with the matrix datasets x format variants x
// scenarios, in that nesting order (so the cells of one data file are
// adjacent), replacing any cells already there. With Report.Control and
// more than one variant, the baseline's A/A control copy follows the
// baseline's cells.
func (p *Plan) Expand() {
	variants := p.Formats
	if c, ok := p.controlVariant(); ok {
		variants = nil
		for _, v := range p.Formats {
			variants = append(variants, v)
			if v.Label == p.Report.Baseline {
				variants = append(variants, c)
			}
		}
	}
	p.Cells = make([]Cell, 0, len(p.Datasets)*len(variants)*len(p.Scenarios))
	for _, d := range p.Datasets {
		for _, v := range variants {
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

// controlVariant is the baseline's A/A copy, when the plan asks for one
// and has something to compare.
func (p *Plan) controlVariant() (Variant, bool) {
	if !p.Report.Control || len(p.Formats) < 2 {
		return Variant{}, false
	}
	for _, v := range p.Formats {
		if v.Label == p.Report.Baseline {
			c := v
			c.Label, c.Control = ControlLabel(v.Label), true
			return c, true
		}
	}
	return Variant{}, false
}

// GroupKey names a cell's comparison group: its dataset and scenario, or
// for a swept scenario its scenario block, so that the points of a sweep
// (threads = [1, 2, 4], memory limits) are compared under the same
// conditions too. The cells of a group are compared with each other, so
// they are measured together (OrderInterleaved) and never split between
// machines.
func (c *Cell) GroupKey() string {
	sc := c.Scenario.Name
	if c.Scenario.Base != "" {
		sc = c.Scenario.Base
	}
	return c.Dataset.Name + "/" + sc
}

// CellID is "dataset/format-label/scenario".
func CellID(dataset, label, scenario string) string {
	return dataset + "/" + label + "/" + scenario
}

// DataNeed is one dataset in one format variant: a data file the cells
// need. A base need is the dataset's base layer (dataset.EnsureBase), which
// composed opens put the data files under; its Format is empty.
type DataNeed struct {
	Dataset dataset.Config
	Format  Variant
	Base    bool
}

// BaseLabel is how results name a dataset's base layer among its files.
const BaseLabel = "base"

// Label names the file the need is for: the variant label, or BaseLabel.
func (n *DataNeed) Label() string {
	if n.Base {
		return BaseLabel
	}
	return n.Format.Label
}

// DataNeeds lists the (dataset, variant) pairs the plan's cells use, in
// cell order, each once, and the base layer of every dataset a cell opens
// composed.
func (p *Plan) DataNeeds() []DataNeed {
	seen := map[[2]string]bool{}
	var out []DataNeed
	add := func(n DataNeed) {
		k := [2]string{n.Dataset.Name, n.Label()}
		if !seen[k] {
			seen[k] = true
			out = append(out, n)
		}
	}
	for _, c := range p.Cells {
		add(DataNeed{Dataset: c.Dataset, Format: c.Format})
		if c.Composes() {
			add(DataNeed{Dataset: c.Dataset, Base: true})
		}
	}
	return out
}

// Composes reports whether a step of the cell's scenario opens composed,
// so the cell needs its dataset's base layer.
func (c *Cell) Composes() bool {
	for i := range c.Scenario.Steps {
		if ops.StepNeeds(&c.Scenario.Steps[i]).Compose != "" {
			return true
		}
	}
	return false
}
