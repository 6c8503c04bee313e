package view

import (
	"strings"

	"github.com/scenebench/runner/internal/units"
	"github.com/scenebench/runner/runner/results"
)

// Kind says what a figure measures.
type Kind int

// Kinds of figures.
const (
	Time Kind = iota // nanoseconds
	Size             // bytes
)

// Variant is one format variant (a column in most tables).
type Variant struct {
	Label      string
	FormatName string
	Axes       map[string]string
	Baseline   bool
	// Control marks the baseline's A/A control copy: shown as the A/A
	// column, never a winner.
	Control bool
	Index   int
}

// Dataset holds everything reported about one dataset.
type Dataset struct {
	Name       string
	Info       *results.Dataset // nil when the file does not describe it
	Sizes      []SizeRow
	SizeWinner Contest
	Scenarios  []*Scenario
	Glance     []*Metric
	SeqRandom  *SeqRandom
	Memory     *Memory
	Staircases []*Staircase
	// Reference holds the ours / reference ratios of every step; nil
	// when no Go-read variant has its reference implementation beside it.
	Reference *ReferenceTable
	// headlines are the rows chosen for the headline metrics, whether or
	// not Glance shows them (the spec may name its own rows).
	headlines []*Metric
}

// Prims is the dataset's prim count (0 when unknown).
func (d *Dataset) Prims() int {
	if d.Info == nil {
		return 0
	}
	return d.Info.Prims
}

// Value is one variant's figure in a table cell.
type Value struct {
	Variant   *Variant
	Present   bool    // a cell exists for this variant
	Has       bool    // V holds a measured figure
	Status    string  // the cell's status
	V         float64 // median ns or bytes
	Low, High float64 // 95% interval of a median (0 when absent)
	// CV and Runs say how much the figure varied over how many runs
	// (Runs 0 for figures without runs, such as file sizes).
	CV   float64
	Runs int
	// Spread is, for a figure kept as a median, min and max over runs
	// (memory), (max - min) / median; HasSpread says it is known.
	Spread    float64
	HasSpread bool
	// Cmp is the figure against the baseline's (nil for the baseline
	// itself, or without one); Ratio is its text, "baseline" for the
	// baseline.
	Cmp    *Comparison
	Ratio  string
	Winner bool
}

// Text renders v with its status: "12.3 ms", "FAILED", "4.1 ms (MISMATCH)".
func (v Value) Text(k Kind) string {
	if !v.Present {
		return "–"
	}
	if !v.Has {
		if v.Status != results.StatusOK && v.Status != "" {
			return StatusText(v.Status)
		}
		return "–"
	}
	s := Format(k, v.V)
	if v.Status == results.StatusMismatch {
		s += " (MISMATCH)"
	}
	return s
}

// TextWithNoise is Text with the figure's noise beside it: "4.62 ms (cv
// 47%)", or for memory "58.0 MiB (spread 3.1%)".
func (v Value) TextWithNoise(k Kind) string {
	s := v.Text(k)
	if !v.Has {
		return s
	}
	if v.HasSpread {
		return s + " (" + SpreadText(v.Spread) + ")"
	}
	if n := Noise(v.CV, v.Runs); n != "" {
		s += " (" + n + ")"
	}
	return s
}

// memoryValue is a step's memory figure as a Value with its spread.
func memoryValue(v *Variant, status string, s results.Summary) Value {
	out := Value{Variant: v, Present: true, Status: status, Has: true, V: s.Median}
	if s.Median > 0 {
		out.Spread, out.HasSpread = (s.Max-s.Min)/s.Median, true
	}
	return out
}

// Format renders a figure of kind k.
func Format(k Kind, v float64) string {
	if k == Size {
		return units.Bytes(v)
	}
	return units.Duration(v)
}

// StatusText is how tables show a cell status that has no figure.
func StatusText(status string) string {
	switch status {
	case results.StatusSkipped:
		return "skipped"
	case "":
		return "–"
	}
	return strings.ToUpper(status)
}
