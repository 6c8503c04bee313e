// Package view arranges a results file into what every report shows: the
// format variants in order, per-dataset tables of steps, the headline
// metrics, file sizes, memory, staircases, size sweeps, problems and
// warnings. It only picks, orders and compares figures the results file
// already holds (medians, intervals, sizes); it computes no statistics.
//
// The headline rows ("Results at a glance") are the ones the spec names
// when it names any; otherwise they are chosen from what each step is (its
// traits and params), and for results written before steps carried traits,
// from scenario and step names.
package view

import (
	"fmt"

	"github.com/scenebench/runner/runner/results"
	"github.com/scenebench/runner/runner/stats"
)

// Report is a results file arranged for rendering.
type Report struct {
	File     *results.File
	Baseline string // the baseline variant label ("" when there is none)
	Variants []*Variant
	Datasets []*Dataset
	// Scenarios are the scenario names in order of first appearance.
	Scenarios []string
	Sweeps    []*Sweep
	// Readers says who read each variant's files, when a driver read any.
	Readers  []ReaderRow
	Problems []Problem
	Warnings []Warning
	// WarningGroups gathers warnings of identical text, in order of first
	// appearance, so a warning raised for every step is listed once.
	WarningGroups []WarningGroup
	Statuses      []StatusCount
	// Shards lists the shards of results merged from several machines
	// (runner merge), by index, missing ones included; empty otherwise.
	Shards []ShardRow
	// AASteps counts the steps with an A/A control against a usable
	// baseline, and AAConfidence is the level each of them is decided at:
	// stats.FamilyConfidence of 95% over AASteps, so the run as a whole
	// shows a difference between identical copies by chance at most 5% of
	// the time (not in about 1 - 0.95^AASteps of runs).
	AASteps      int
	AAConfidence float64
	machineOf    map[GroupRef]string
}

// New arranges f for rendering.
func New(f *results.File) (*Report, error) {
	if f == nil {
		return nil, fmt.Errorf("no results to report")
	}
	r := &Report{File: f}
	r.machines()
	r.variants()
	r.datasets()
	for _, d := range r.Datasets {
		r.scenarios(d)
	}
	r.AASteps = r.controlSteps()
	r.AAConfidence = stats.FamilyConfidence(stats.DefaultConfidence, r.AASteps)
	for _, d := range r.Datasets {
		for _, s := range d.Scenarios {
			for _, st := range s.Steps {
				r.compareRows(d, st)
				referenceRatios(st)
			}
		}
		d.referenceTable()
		r.sizes(d)
		r.glance(d)
		r.seqRandom(d)
		r.memory(d)
		r.staircases(d)
	}
	r.sweeps()
	r.readers()
	r.problems()
	r.warnings()
	r.groupWarnings()
	return r, nil
}

func (r *Report) variants() {
	seen := map[string]*Variant{}
	add := func(label, formatName string, axes map[string]string) {
		if label == "" {
			return
		}
		if v, ok := seen[label]; ok {
			if v.FormatName == "" {
				v.FormatName = formatName
			}
			if v.Axes == nil {
				v.Axes = axes
			}
			return
		}
		v := &Variant{Label: label, FormatName: formatName, Axes: axes, Index: len(r.Variants)}
		seen[label] = v
		r.Variants = append(r.Variants, v)
	}
	for i := range r.File.Cells {
		c := &r.File.Cells[i]
		add(CellLabel(c), c.FormatName, c.Variant)
		if c.Control {
			seen[CellLabel(c)].Control = true
		}
	}
	if v, ok := seen[r.File.Report.Control]; ok {
		v.Control = true
	}
	for _, d := range r.File.Datasets {
		for _, fl := range d.Files {
			add(fl.Format, "", nil)
		}
	}
	base := r.File.Report.Baseline
	if v, ok := seen[base]; !ok || v.Control {
		base = ""
		for _, v := range r.Variants {
			if !v.Control {
				base = v.Label
				break
			}
		}
	}
	r.Baseline = base
	if v, ok := seen[base]; ok {
		v.Baseline = true
	}
}

// absentValues is one Value per variant, by Variant.Index, none of them
// present: a row to fill in.
func (r *Report) absentValues() []Value {
	vs := make([]Value, len(r.Variants))
	for _, v := range r.Variants {
		vs[v.Index] = Value{Variant: v}
	}
	return vs
}

func (r *Report) variant(label string) *Variant {
	for _, v := range r.Variants {
		if v.Label == label {
			return v
		}
	}
	return nil
}

func (r *Report) datasets() {
	byName := map[string]*Dataset{}
	for i := range r.File.Datasets {
		d := &r.File.Datasets[i]
		if _, dup := byName[d.Name]; dup {
			continue
		}
		ds := &Dataset{Name: d.Name, Info: d}
		byName[d.Name] = ds
		r.Datasets = append(r.Datasets, ds)
	}
	seenScenario := map[string]bool{}
	for i := range r.File.Cells {
		c := &r.File.Cells[i]
		if _, ok := byName[c.Dataset]; !ok {
			ds := &Dataset{Name: c.Dataset}
			byName[c.Dataset] = ds
			r.Datasets = append(r.Datasets, ds)
		}
		if !seenScenario[c.Scenario] {
			seenScenario[c.Scenario] = true
			r.Scenarios = append(r.Scenarios, c.Scenario)
		}
	}
}

// CellLabel is the variant label a cell is reported under.
func CellLabel(c *results.Cell) string {
	if c.Format != "" {
		return c.Format
	}
	if c.FormatName != "" {
		return c.FormatName
	}
	return "(unlabelled)"
}

// ScenarioDescription is the spec's description of a scenario, or "".
func (r *Report) ScenarioDescription(name string) string {
	for _, s := range r.File.Scenarios {
		if s.Name == name {
			return s.Description
		}
	}
	return ""
}

// controlSteps counts the step tables of every dataset that hold both a
// usable baseline and a usable A/A control: the family of A/A comparisons.
func (r *Report) controlSteps() int {
	n := 0
	for _, d := range r.Datasets {
		for _, s := range d.Scenarios {
			for _, t := range s.Steps {
				if base, control := t.baseAndControl(); base >= 0 && control >= 0 {
					n++
				}
			}
		}
	}
	return n
}
