package view

import (
	"slices"

	"github.com/scenebench/runner/runner/results"
	"github.com/scenebench/runner/runner/stats"
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
	// Winner is the variant that beat every other (see compareRows).
	Winner Contest
	BaseNS float64 // the baseline row's median (0 when it has no usable row)
	// Floor is the step's A/A noise floor (stats.NoiseFloor of the
	// control against the baseline), 1 without a usable control; AA is
	// that comparison, nil without one.
	Floor float64
	AA    *Comparison
	// Ops, Values and Probes come from the first row that has the step.
	Ops    int64
	Values int64
	Probes bool
	// Traits and Params come from the first row whose step carries traits
	// (results written before traits existed have none).
	Traits []string
	Params map[string]any
	// HasVsRef says that some row has an ours / reference ratio.
	HasVsRef bool
}

// StepRow is one variant's figures for a step.
type StepRow struct {
	Variant *Variant
	Cell    *results.Cell
	Step    *results.Step // nil when the cell has no such step
	// Cmp is the row against the baseline (nil for the baseline itself and
	// rows without samples); Ratio is its text, "baseline" for the
	// baseline.
	Cmp    *Comparison
	Ratio  string
	Winner bool
	Digest string // digest differing from most variants' ("" when it agrees)
	// VsRef is a Go-read row against the format's reference
	// implementation reading the same variant (nil without one).
	VsRef *VsReference
}

// Usable reports whether the row has measured samples to show.
func (r StepRow) Usable() bool {
	return r.Step != nil && len(r.Step.SamplesNS) > 0 &&
		(r.Cell.Status == results.StatusOK || r.Cell.Status == results.StatusMismatch)
}

// Value is the row's median as a Value.
func (r StepRow) Value() Value {
	v := Value{Variant: r.Variant, Present: true, Status: r.Cell.Status, Ratio: r.Ratio, Winner: r.Winner, Cmp: r.Cmp}
	if r.Usable() {
		v.V = r.Step.Stats.MedianNS
		v.Low, v.High = r.Step.Stats.CI95LowNS, r.Step.Stats.CI95HighNS
		v.CV, v.Runs = r.Step.Stats.CV, len(r.Step.SamplesNS)
		v.Has = true
	}
	return v
}

// FloorText describes the step's A/A noise floor, "A/A noise floor
// 1.07x", or says why there is none; "" without a control.
func (t *StepTable) FloorText() string {
	switch {
	case t.AA == nil:
		return ""
	case !t.AA.Ratio.HasInterval():
		return "A/A control: too few runs for a noise floor"
	}
	return "A/A noise floor " + FactorNumber(t.Floor) + "x"
}

// contender reports whether the row may win: samples from a cell that
// ended ok, and not the A/A control.
func (r StepRow) contender() bool {
	return r.Usable() && r.Cell.Status == results.StatusOK && !r.Variant.Control
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

// baseAndControl are the indexes of the usable baseline row and the usable
// A/A control row of the step, -1 for each that is missing.
func (t *StepTable) baseAndControl() (base, control int) {
	base, control = -1, -1
	for i, row := range t.Rows {
		switch {
		case row.Variant.Baseline && row.Usable():
			base = i
		case row.Variant.Control && row.Usable():
			control = i
		}
	}
	return base, control
}

// compareRows fills the comparisons, the winner and digest disagreements
// of a step. Every verdict of every report comes from here:
//
//   - Each usable row against the baseline: the ratio of its samples to
//     the baseline's (stats.RatioOf) and stats.Decide at the step's floor.
//   - The floor is stats.NoiseFloor of the A/A control against the
//     baseline (its 95% interval), 1 without a usable control. The
//     control row itself is decided at 1 (plain significance) at the
//     run's family-wise confidence (Report.AAConfidence): a difference
//     there says the run was too noisy or biased to trust, and it never
//     wins.
//   - The winner is the contender (a cell that ended ok, not the control)
//     with the lowest median, and only when it is clearly faster than
//     every other contender by the same rule; otherwise there is none
//     ("~").
func (r *Report) compareRows(d *Dataset, t *StepTable) {
	base, control := t.baseAndControl()
	t.Floor = 1
	if base >= 0 {
		t.BaseNS = t.Rows[base].Step.Stats.MedianNS
		if control >= 0 {
			b, c := t.Rows[base].Step.SamplesNS, t.Rows[control].Step.SamplesNS
			t.Floor = stats.NoiseFloor(stats.RatioOf(b, c, stats.DefaultConfidence))
			t.AA = compareControl(b, c, r.AAConfidence)
		}
	}
	for i, row := range t.Rows {
		if !row.Usable() || base < 0 {
			continue
		}
		if i == base {
			t.Rows[i].Ratio = "baseline"
			continue
		}
		c := t.AA
		if i != control {
			c = compareSamples(t.Rows[base].Step.SamplesNS, row.Step.SamplesNS, t.Floor)
		}
		t.Rows[i].Cmp, t.Rows[i].Ratio = c, c.Text()
	}
	var contenders []int
	for i, row := range t.Rows {
		if row.contender() {
			contenders = append(contenders, i)
		}
	}
	t.Winner.Candidates = len(contenders)
	if len(contenders) >= 2 {
		best := slices.MinFunc(contenders, func(a, b int) int {
			return cmpFloat(t.Rows[a].Step.Stats.MedianNS, t.Rows[b].Step.Stats.MedianNS)
		})
		beatsAll := true
		for _, i := range contenders {
			if i == best {
				continue
			}
			c := compareSamples(t.Rows[i].Step.SamplesNS, t.Rows[best].Step.SamplesNS, t.Floor)
			if c.Verdict != stats.Lower {
				beatsAll = false
				break
			}
		}
		if beatsAll {
			t.Rows[best].Winner = true
			t.Winner.Winner = t.Rows[best].Variant.Label
		}
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

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
