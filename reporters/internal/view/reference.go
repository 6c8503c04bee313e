package view

import (
	"maps"
	"slices"
	"strings"

	"github.com/scenebench/runner/drivers"
	"github.com/scenebench/runner/runner/results"
	"github.com/scenebench/runner/runner/stats"
)

// VsReference is runner's Go reader of a variant against the same variant
// read by the format's reference implementation (drivers.ReferenceFor:
// OpenUSD's C++ libraries for usdc and usda, Arrow C++ for parquet) in the
// same step: "ours / reference".
type VsReference struct {
	Reference *Variant // the reference driver's variant
	// Ratio is the Go reader's median over the reference's: below 1 ours
	// is faster.
	Ratio float64
	// Cmp compares the two rows' samples (the Go reader's against the
	// reference's) at the step's noise floor.
	Cmp *Comparison
}

// Text is the ratio of the medians, "0.42x", marked "~ 1.05x" when the
// samples show no clear difference at the step's noise floor.
func (v *VsReference) Text() string {
	if v == nil {
		return ""
	}
	s := FactorNumber(v.Ratio) + "x"
	if v.Cmp != nil && v.Cmp.Verdict == stats.Same {
		s = "~ " + s
	}
	return s
}

// ReferenceTable gathers a dataset's ours / reference ratios: one row per
// step, one column per Go-read variant that has a reference beside it.
type ReferenceTable struct {
	Variants []*Variant
	Rows     []ReferenceRow
}

// ReferenceRow is one step's ratios, by ReferenceTable.Variants (nil where
// a variant has none for the step).
type ReferenceRow struct {
	Scenario, Step string
	Ratios         []*VsReference
}

// readerOf is who read a row's cell: "go" or a driver's name.
func readerOf(c *results.Cell) string {
	if c.Reader == "" {
		return "go"
	}
	return c.Reader
}

// pairKey identifies a variant apart from its reader: the format and
// every other axis.
func pairKey(v *Variant) string {
	var b strings.Builder
	b.WriteString(v.FormatName)
	for _, k := range slices.Sorted(maps.Keys(v.Axes)) {
		if k != "reader" {
			b.WriteString("\x00" + k + "=" + v.Axes[k])
		}
	}
	return b.String()
}

// referenceRatios sets VsRef on every usable row read by the Go reader
// whose variant the format's reference driver also read in the step.
func referenceRatios(t *StepTable) {
	refs := map[string]int{}
	for i, row := range t.Rows {
		if !row.Usable() || row.Variant.Control {
			continue
		}
		if ref, ok := drivers.ReferenceFor(row.Variant.FormatName); ok && readerOf(row.Cell) == ref {
			refs[pairKey(row.Variant)] = i
		}
	}
	for i, row := range t.Rows {
		if !row.Usable() || row.Variant.Control || readerOf(row.Cell) != "go" {
			continue
		}
		j, ok := refs[pairKey(row.Variant)]
		if !ok {
			continue
		}
		ref := t.Rows[j]
		t.Rows[i].VsRef = &VsReference{
			Reference: ref.Variant,
			Ratio:     row.Step.Stats.MedianNS / ref.Step.Stats.MedianNS,
			Cmp:       compareSamples(ref.Step.SamplesNS, row.Step.SamplesNS, t.Floor),
		}
		t.HasVsRef = true
	}
}

// referenceTable builds d.Reference from its step tables; nil when no
// step has a reference pair.
func (d *Dataset) referenceTable() {
	var tab ReferenceTable
	col := map[*Variant]int{}
	for _, s := range d.Scenarios {
		for _, t := range s.Steps {
			for _, row := range t.Rows {
				if _, seen := col[row.Variant]; row.VsRef != nil && !seen {
					col[row.Variant] = len(tab.Variants)
					tab.Variants = append(tab.Variants, row.Variant)
				}
			}
		}
	}
	if len(tab.Variants) == 0 {
		return
	}
	slices.SortStableFunc(tab.Variants, func(a, b *Variant) int { return a.Index - b.Index })
	for i, v := range tab.Variants {
		col[v] = i
	}
	for _, s := range d.Scenarios {
		for _, t := range s.Steps {
			if !t.HasVsRef {
				continue
			}
			row := ReferenceRow{Scenario: s.Name, Step: t.Name, Ratios: make([]*VsReference, len(tab.Variants))}
			for _, r := range t.Rows {
				if r.VsRef != nil {
					row.Ratios[col[r.Variant]] = r.VsRef
				}
			}
			tab.Rows = append(tab.Rows, row)
		}
	}
	d.Reference = &tab
}
