package view

import (
	"github.com/scenebench/runner/internal/units"
	"github.com/scenebench/runner/runner/results"
)

// Scenario is one scenario of one dataset.
type Scenario struct {
	Name  string
	Cells []*results.Cell // by Variant.Index; nil when there is no such cell
	Steps []*StepTable
}

// StepTable is one step of one scenario over every variant.
type StepTable struct {
	Scenario string
	Name     string
	Op       string
	Rows     []StepRow
	Winner   string
	BaseNS   float64 // the baseline row's median (0 when it has no usable row)
	// Ops, Values and Probes come from the first row that has the step.
	Ops    int64
	Values int64
	Probes bool
	// Traits and Params come from the first row whose step carries traits
	// (results written before traits existed have none).
	Traits []string
	Params map[string]any
}

// StepRow is one variant's figures for a step.
type StepRow struct {
	Variant *Variant
	Cell    *results.Cell
	Step    *results.Step // nil when the cell has no such step
	Ratio   string        // against the baseline's median ("baseline" for itself)
	Winner  bool
	Digest  string // digest differing from most variants' ("" when it agrees)
}

// Usable reports whether the row has measured samples to show.
func (r StepRow) Usable() bool {
	return r.Step != nil && len(r.Step.SamplesNS) > 0 &&
		(r.Cell.Status == results.StatusOK || r.Cell.Status == results.StatusMismatch)
}

// Value is the row's median as a Value.
func (r StepRow) Value() Value {
	v := Value{Variant: r.Variant, Present: true, Status: r.Cell.Status, Ratio: r.Ratio, Winner: r.Winner}
	if r.Usable() {
		v.V = r.Step.Stats.MedianNS
		v.Low, v.High = r.Step.Stats.CI95LowNS, r.Step.Stats.CI95HighNS
		v.Has = true
	}
	return v
}

func (r *Report) scenarios(d *Dataset) {
	byName := map[string]*Scenario{}
	for i := range r.File.Cells {
		c := &r.File.Cells[i]
		if c.Dataset != d.Name {
			continue
		}
		s, ok := byName[c.Scenario]
		if !ok {
			s = &Scenario{Name: c.Scenario, Cells: make([]*results.Cell, len(r.Variants))}
			byName[c.Scenario] = s
		}
		v := r.variant(CellLabel(c))
		if s.Cells[v.Index] == nil {
			s.Cells[v.Index] = c
		}
	}
	for _, name := range r.Scenarios {
		s, ok := byName[name]
		if !ok {
			continue
		}
		var stepNames []string
		ops := map[string]string{}
		for _, c := range s.Cells {
			if c == nil {
				continue
			}
			for _, st := range c.Steps {
				if _, ok := ops[st.Name]; !ok {
					ops[st.Name] = st.Op
					stepNames = append(stepNames, st.Name)
				}
			}
		}
		for _, sn := range stepNames {
			t := &StepTable{Scenario: name, Name: sn, Op: ops[sn]}
			for i, c := range s.Cells {
				if c == nil {
					continue
				}
				// s.Cells is indexed by variant.
				row := StepRow{Variant: r.Variants[i], Cell: c, Step: findStep(c, sn)}
				if row.Step != nil && t.Ops == 0 {
					t.Ops, t.Values = row.Step.Ops, row.Step.Values
				}
				if row.Step != nil && len(row.Step.Probes) > 0 {
					t.Probes = true
				}
				if row.Step != nil && t.Traits == nil && len(row.Step.Traits) > 0 {
					t.Traits, t.Params = row.Step.Traits, row.Step.Params
				}
				t.Rows = append(t.Rows, row)
			}
			s.Steps = append(s.Steps, t)
		}
		d.Scenarios = append(d.Scenarios, s)
	}
}

func findStep(c *results.Cell, name string) *results.Step {
	for i := range c.Steps {
		if c.Steps[i].Name == name {
			return &c.Steps[i]
		}
	}
	return nil
}

// compareRows fills ratios, the winner and digest disagreements of a step.
func (r *Report) compareRows(d *Dataset, t *StepTable) {
	base := -1
	for i, row := range t.Rows {
		if row.Variant.Baseline && row.Usable() {
			base = i
		}
	}
	if base >= 0 {
		t.BaseNS = t.Rows[base].Step.Stats.MedianNS
	}
	best, candidates := -1, 0
	for i, row := range t.Rows {
		if !row.Usable() {
			continue
		}
		if base >= 0 {
			if i == base {
				t.Rows[i].Ratio = "baseline"
			} else {
				t.Rows[i].Ratio = units.TimeRatio(row.Step.Stats.MedianNS, t.Rows[base].Step.Stats.MedianNS)
			}
		}
		if row.Cell.Status != results.StatusOK {
			continue
		}
		candidates++
		if best < 0 || row.Step.Stats.MedianNS < t.Rows[best].Step.Stats.MedianNS {
			best = i
		}
	}
	if candidates >= 2 {
		t.Rows[best].Winner = true
		t.Winner = t.Rows[best].Variant.Label
	}
	// Digests: the most common one (ties go to the earlier variant) is
	// taken as agreed; rows that differ are marked.
	counts := map[string]int{}
	var order []string
	for _, row := range t.Rows {
		if row.Step == nil || row.Step.Digest == "" {
			continue
		}
		if counts[row.Step.Digest] == 0 {
			order = append(order, row.Step.Digest)
		}
		counts[row.Step.Digest]++
	}
	if len(order) < 2 {
		return
	}
	agreed := order[0]
	for _, dg := range order {
		if counts[dg] > counts[agreed] {
			agreed = dg
		}
	}
	for i, row := range t.Rows {
		if row.Step != nil && row.Step.Digest != "" && row.Step.Digest != agreed {
			t.Rows[i].Digest = row.Step.Digest
		}
	}
}

func (d *Dataset) stepTable(scenario, step string) *StepTable {
	for _, s := range d.Scenarios {
		if s.Name != scenario {
			continue
		}
		for _, t := range s.Steps {
			if t.Name == step {
				return t
			}
		}
	}
	return nil
}
