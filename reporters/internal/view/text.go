package view

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/scenebench/runner/internal/units"
	"github.com/scenebench/runner/runner/results"
)

// Dash is s, or "–" when s is empty: how every report shows a missing word.
func Dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// StepBytes is a memory or I/O figure of step st (the median of s), or
// "–" when st is a derived step without one (the time to first value,
// which no process ran as a step of its own): "0 B" there would read as
// measured.
func StepBytes(st *results.Step, s results.Summary) string {
	if st != nil && st.Op == results.OpFirstValue && s.Median == 0 && s.Max == 0 {
		return "–"
	}
	return units.Bytes(s.Median)
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

// TextWithRatio is TextWithNoise followed by the comparison with the
// baseline: "4.62 ms (cv 47%) · 15.7x faster (12.0–19.1)" (nothing for the
// baseline itself or a value without a figure).
func (v Value) TextWithRatio(k Kind) string {
	s := v.TextWithNoise(k)
	if v.Has && v.Ratio != "" && v.Ratio != "baseline" {
		s += " · " + v.Ratio
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

// MachineSummary describes how busy the machine was over the run, or ""
// when the results do not say: "load 4.57 (3.76–4.80) on 2 cores; CPU
// stolen 0% (up to 7.7%), idle 0% (up to 0%); 300 of 300 runs started
// busy (load above the core count)".
func (r *Report) MachineSummary() string {
	m := r.File.Machine
	if m == nil {
		return ""
	}
	parts := []string{fmt.Sprintf("load average %.2f (%.2f–%.2f) on %d %s", m.Load.Median, m.Load.Min, m.Load.Max,
		m.Cores, Plural(int64(m.Cores), "core", "cores"))}
	if m.StealPct.Max > 0 || m.IdlePct.Max > 0 || m.StealPct.Median > 0 || m.IdlePct.Median > 0 {
		parts = append(parts, fmt.Sprintf("CPU stolen %s (up to %s), idle %s (up to %s) during runs",
			pct(m.StealPct.Median), pct(m.StealPct.Max), pct(m.IdlePct.Median), pct(m.IdlePct.Max)))
	}
	parts = append(parts, fmt.Sprintf("%d of %d runs started busy (load above the core count)", m.BusyRuns, m.Runs))
	if p := r.pinSummary(); p != "" {
		parts = append(parts, p)
	}
	return strings.Join(parts, "; ")
}

// pinSummary says which cells ran pinned to a CPU (settings.pin): ""
// when none did.
func (r *Report) pinSummary() string {
	cpus := map[int]bool{}
	pinned, run := 0, 0
	for i := range r.File.Cells {
		c := &r.File.Cells[i]
		if c.Status == results.StatusSkipped {
			continue
		}
		run++
		if c.CPU != nil {
			pinned++
			cpus[*c.CPU] = true
		}
	}
	if pinned == 0 {
		return ""
	}
	list := make([]string, 0, len(cpus))
	for _, c := range slices.Sorted(maps.Keys(cpus)) {
		list = append(list, strconv.Itoa(c))
	}
	msg := fmt.Sprintf("readers pinned to CPU %s in %d of %d cells", strings.Join(list, ", "), pinned, run)
	if pinned < run {
		msg += " (the others read on several threads)"
	}
	return msg
}

func pct(v float64) string {
	if v < 9.95 {
		return fmt.Sprintf("%.1f%%", v)
	}
	return fmt.Sprintf("%.0f%%", v)
}

// MeanSpread is "mean ± stddev" for a step's stats over runs runs, without
// a spread that means nothing: one run shows its figure alone, and runs
// that all took the same time say so rather than "± 0.00 ns".
func MeanSpread(mean, sd float64, runs int) string {
	switch {
	case runs <= 1:
		return units.Duration(mean)
	case sd == 0:
		return units.Duration(mean) + " (all equal)"
	}
	return units.Duration(mean) + " ± " + units.Duration(sd)
}

// VerdictRule explains how the reports decide, in one sentence for every
// report to print beside its tables.
const VerdictRule = "A ratio is how many times faster (or smaller) than the baseline, with its 95% interval (Hodges-Lehmann estimate and Moses interval, distribution-free); " +
	"a difference is named only when the interval excludes 1 and clears the step's A/A noise floor (how far the A/A control's own interval reaches from 1); otherwise the cell says ~. " +
	"A winner must be clearly faster than every other variant by that rule; the A/A control never wins."
