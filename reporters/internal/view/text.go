package view

import (
	"fmt"
	"strings"

	"github.com/scenebench/runner/internal/units"
)

// Dash is s, or "–" when s is empty: how every report shows a missing word.
func Dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// Mark is the winner's tick: "✓" when b is set, else "".
func Mark(b bool) string {
	if b {
		return "✓"
	}
	return ""
}

// Plural picks one or many for a count of n.
func Plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Title names the dataset for a heading: "Dataset flat (1,000 prims,
// flat)", its name passed through quote (code spans in markdown).
func (d *Dataset) Title(quote func(string) string) string {
	if d.Info == nil {
		return "Dataset " + quote(d.Name)
	}
	return fmt.Sprintf("Dataset %s (%s prims, %s)", quote(d.Name), units.Count(int64(d.Info.Prims)), Dash(d.Info.Hierarchy))
}

// CellCounts is the number of cells and how many ended with each status,
// as "3 ok, 1 failed".
func (r *Report) CellCounts() (total int, byStatus string) {
	var parts []string
	for _, s := range r.Statuses {
		parts = append(parts, fmt.Sprintf("%d %s", s.Cells, s.Status))
		total += s.Cells
	}
	return total, strings.Join(parts, ", ")
}

// ValuesRead says how many values the step read: "1,000 values read".
func (t *StepTable) ValuesRead() string {
	return fmt.Sprintf("%s %s read", units.Count(t.Values), Plural(t.Values, "value", "values"))
}

// TextWithRatio is Text followed by the ratio to the baseline in brackets
// (none for the baseline itself or a value without a figure).
func (v Value) TextWithRatio(k Kind) string {
	s := v.Text(k)
	if v.Has && v.Ratio != "" && v.Ratio != "baseline" {
		s += " (" + v.Ratio + ")"
	}
	return s
}

// RSSText is RSSAt as text, "–" when there was no probe at prims.
func (s StairSeries) RSSText(prims int) string {
	if v, ok := s.RSSAt(prims); ok {
		return units.Bytes(v)
	}
	return "–"
}
