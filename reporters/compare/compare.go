// Package compare sets two results files side by side, benchstat-style:
// for every cell and step found in both, the old and new medians with their
// 95% intervals, the change, and a Mann-Whitney U test of the two sets of
// samples (runner/stats). A change that is not significant shows as "~".
// Cells and steps found in only one file are listed, never dropped.
package compare

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/scenebench/runner/internal/units"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/scenebench/runner/reporters/internal/mdtable"
	"github.com/scenebench/runner/reporters/internal/view"
	"github.com/scenebench/runner/reporters/output"
	"github.com/scenebench/runner/runner/results"
	"github.com/scenebench/runner/runner/stats"
)

// Options control a comparison.
type Options struct {
	// Threshold is the slowdown (a fraction: 0.05 = 5%) a significant
	// change must exceed to count as a regression.
	Threshold float64
	// Alpha is the significance level (default stats.DefaultAlpha).
	Alpha float64
}

// Row is one step of one cell found in both files.
type Row struct {
	Cell, Step string
	Old, New   results.Stats
	OldStatus  string
	NewStatus  string
	// Compared is false when either side has no samples (a failed cell);
	// then only the statuses are meaningful.
	Compared bool
	Test     stats.SampleComparison
	// Change is new median / old median - 1.
	Change    float64
	Regressed bool
}

// Delta renders the change benchstat's way: "~" when not significant,
// else a signed percentage.
func (r Row) Delta() string {
	if !r.Compared {
		return "–"
	}
	if !r.Test.Significant {
		return "~"
	}
	if math.IsInf(r.Change, 0) || math.IsNaN(r.Change) {
		return "?"
	}
	return fmt.Sprintf("%+.2f%%", 100*r.Change)
}

// Result is a whole comparison.
type Result struct {
	Options Options
	// Old and New describe the two runs in one line each.
	Old, New string
	// SpecsDiffer is set when the runs came from specs with other hashes.
	SpecsDiffer bool
	Rows        []Row
	// OnlyOld and OnlyNew list "cell" or "cell, step" found on one side.
	OnlyOld, OnlyNew []string
	Regressed        bool
	Regressions      int
}

type key struct{ cell, step string }

// Compute compares old with new.
func Compute(old, new *results.File, o Options) *Result {
	if o.Alpha <= 0 {
		o.Alpha = stats.DefaultAlpha
	}
	res := &Result{Options: o, Old: describe(old), New: describe(new),
		SpecsDiffer: old.Spec.SHA256 != "" && new.Spec.SHA256 != "" && old.Spec.SHA256 != new.Spec.SHA256}
	newCells := map[string]*results.Cell{}
	for i := range new.Cells {
		c := &new.Cells[i]
		if _, dup := newCells[c.ID]; !dup {
			newCells[c.ID] = c
		}
	}
	oldCells := map[string]bool{}
	for i := range old.Cells {
		oc := &old.Cells[i]
		if oldCells[oc.ID] {
			continue
		}
		oldCells[oc.ID] = true
		nc, ok := newCells[oc.ID]
		if !ok {
			res.OnlyOld = append(res.OnlyOld, oc.ID)
			continue
		}
		newSteps := map[string]*results.Step{}
		for j := range nc.Steps {
			newSteps[nc.Steps[j].Name] = &nc.Steps[j]
		}
		seen := map[string]bool{}
		for j := range oc.Steps {
			os := &oc.Steps[j]
			seen[os.Name] = true
			ns, ok := newSteps[os.Name]
			if !ok {
				if nc.Status == results.StatusOK || nc.Status == results.StatusMismatch {
					res.OnlyOld = append(res.OnlyOld, oc.ID+", step "+os.Name)
				} else {
					res.Rows = append(res.Rows, Row{Cell: oc.ID, Step: os.Name, Old: os.Stats,
						OldStatus: oc.Status, NewStatus: nc.Status})
				}
				continue
			}
			res.Rows = append(res.Rows, row(oc, nc, os, ns, o))
		}
		for j := range nc.Steps {
			if !seen[nc.Steps[j].Name] {
				if oc.Status == results.StatusOK || oc.Status == results.StatusMismatch {
					res.OnlyNew = append(res.OnlyNew, nc.ID+", step "+nc.Steps[j].Name)
				} else {
					res.Rows = append(res.Rows, Row{Cell: nc.ID, Step: nc.Steps[j].Name, New: nc.Steps[j].Stats,
						OldStatus: oc.Status, NewStatus: nc.Status})
				}
			}
		}
		if len(oc.Steps) == 0 && len(nc.Steps) == 0 {
			res.Rows = append(res.Rows, Row{Cell: oc.ID, Step: "–", OldStatus: oc.Status, NewStatus: nc.Status})
		}
	}
	for i := range new.Cells {
		if c := &new.Cells[i]; !oldCells[c.ID] {
			oldCells[c.ID] = true
			res.OnlyNew = append(res.OnlyNew, c.ID)
		}
	}
	for _, r := range res.Rows {
		if r.Regressed {
			res.Regressions++
		}
	}
	res.Regressed = res.Regressions > 0
	return res
}

// describe names a run: its title, start, runner build and host.
func describe(f *results.File) string {
	var parts []string
	if f.Title != "" {
		parts = append(parts, strings.Join(strings.Fields(f.Title), " "))
	}
	e := f.Environment
	if !e.Start.IsZero() {
		parts = append(parts, e.Start.UTC().Format(time.RFC3339))
	}
	if e.RunnerVersion != "" {
		v := "runner " + e.RunnerVersion
		if e.RunnerCommit != "" {
			v += " (" + e.RunnerCommit + ")"
		}
		parts = append(parts, v)
	}
	if e.Hostname != "" {
		parts = append(parts, "on "+e.Hostname)
	}
	if len(parts) == 0 {
		return "(undescribed run)"
	}
	return strings.Join(parts, ", ")
}

func row(oc, nc *results.Cell, os, ns *results.Step, o Options) Row {
	r := Row{Cell: oc.ID, Step: os.Name, Old: os.Stats, New: ns.Stats, OldStatus: oc.Status, NewStatus: nc.Status}
	usable := func(c *results.Cell, s *results.Step) bool {
		return len(s.SamplesNS) > 0 && (c.Status == results.StatusOK || c.Status == results.StatusMismatch)
	}
	if !usable(oc, os) || !usable(nc, ns) {
		return r
	}
	r.Compared = true
	r.Test = stats.CompareSamples(os.SamplesNS, ns.SamplesNS, o.Alpha)
	if os.Stats.MedianNS > 0 {
		r.Change = ns.Stats.MedianNS/os.Stats.MedianNS - 1
	} else {
		r.Change = math.Inf(1)
	}
	r.Regressed = r.Test.Significant && r.Change > o.Threshold
	return r
}

// Render writes res as "text" (default) or "md".
func Render(w io.Writer, res *Result, format string) error {
	switch {
	case format == "" || strings.EqualFold(format, "text"):
		return renderText(w, res)
	case output.Is(format, output.Markdown):
		return renderMarkdown(w, res)
	}
	return fmt.Errorf("compare: unknown format %q (want text or md)", format)
}

var header = []string{"cell", "step", "old median", "old 95% interval", "new median", "new 95% interval", "change", "p", ""}

// cells renders one row's columns.
func cells(r Row) []string {
	side := func(status string, s results.Stats) (string, string) {
		if status != results.StatusOK && status != results.StatusMismatch {
			return view.StatusText(status), ""
		}
		if s.MedianNS == 0 && s.MinNS == 0 {
			return "–", ""
		}
		m := units.Duration(s.MedianNS)
		if status == results.StatusMismatch {
			m += " (MISMATCH)"
		}
		return m, spread(s)
	}
	om, oi := side(r.OldStatus, r.Old)
	nm, ni := side(r.NewStatus, r.New)
	p, note := "", ""
	if r.Compared {
		p = fmt.Sprintf("p=%.3f n=%d+%d", r.Test.P, r.Test.N1, r.Test.N2)
		if r.Regressed {
			note = "REGRESSION"
		}
	}
	return []string{r.Cell, r.Step, om, oi, nm, ni, r.Delta(), p, note}
}

// spread shows a 95% interval as the larger distance from the median in %.
func spread(s results.Stats) string {
	if s.CI95LowNS == 0 && s.CI95HighNS == 0 || s.MedianNS <= 0 {
		return "–"
	}
	d := math.Max(s.MedianNS-s.CI95LowNS, s.CI95HighNS-s.MedianNS) / s.MedianNS
	return fmt.Sprintf("±%.0f%%", 100*d)
}

func footer(res *Result) []string {
	var out []string
	thr := fmt.Sprintf("%g%%", 100*res.Options.Threshold)
	if res.Regressed {
		out = append(out, fmt.Sprintf("%d regression(s): significantly slower (p <= %g) by more than %s.",
			res.Regressions, res.Options.Alpha, thr))
	} else {
		out = append(out, fmt.Sprintf("No regression: no step is significantly slower (p <= %g) by more than %s.",
			res.Options.Alpha, thr))
	}
	warned := map[string]bool{}
	for _, r := range res.Rows {
		for _, w := range r.Test.Warnings {
			if !warned[w] {
				warned[w] = true
				out = append(out, "Note: "+w+".")
			}
		}
	}
	return out
}

func renderText(w io.Writer, res *Result) error {
	fmt.Fprintf(w, "old: %s\nnew: %s\n", res.Old, res.New)
	if res.SpecsDiffer {
		fmt.Fprintln(w, "note: the two runs come from different specs (their sha256 differ)")
	}
	fmt.Fprintln(w)
	tbl := tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders:  tw.BorderNone,
			Symbols:  tw.NewSymbols(tw.StyleASCII),
			Settings: tw.Settings{Separators: tw.Separators{BetweenColumns: tw.Off}, Lines: tw.Lines{ShowHeaderLine: tw.On}},
		})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
	)
	tbl.Header(header)
	for _, r := range res.Rows {
		if err := tbl.Append(cells(r)); err != nil {
			return fmt.Errorf("compare: %w", err)
		}
	}
	if len(res.Rows) > 0 {
		if err := tbl.Render(); err != nil {
			return fmt.Errorf("compare: %w", err)
		}
		fmt.Fprintln(w)
	}
	for _, s := range res.OnlyOld {
		fmt.Fprintf(w, "only in old: %s\n", s)
	}
	for _, s := range res.OnlyNew {
		fmt.Fprintf(w, "only in new: %s\n", s)
	}
	if len(res.OnlyOld)+len(res.OnlyNew) > 0 {
		fmt.Fprintln(w)
	}
	for _, s := range footer(res) {
		if _, err := fmt.Fprintln(w, s); err != nil {
			return err
		}
	}
	return nil
}

func renderMarkdown(w io.Writer, res *Result) error {
	fmt.Fprintf(w, "## Comparison\n\n- old: %s\n- new: %s\n", mdtable.Escape(res.Old), mdtable.Escape(res.New))
	if res.SpecsDiffer {
		fmt.Fprintf(w, "- note: the two runs come from different specs (their sha256 differ)\n")
	}
	fmt.Fprintln(w)
	if len(res.Rows) > 0 {
		t := mdtable.New("cell", "step", "old median>", "old 95% interval>", "new median>", "new 95% interval>", "change>", "p>", "")
		for _, r := range res.Rows {
			c := cells(r)
			if c[8] != "" {
				c[8] = "**" + c[8] + "**"
			}
			t.Row(c...)
		}
		if err := t.Write(w); err != nil {
			return err
		}
	}
	if len(res.OnlyOld)+len(res.OnlyNew) > 0 {
		for _, s := range res.OnlyOld {
			fmt.Fprintf(w, "- only in old: `%s`\n", s)
		}
		for _, s := range res.OnlyNew {
			fmt.Fprintf(w, "- only in new: `%s`\n", s)
		}
		fmt.Fprintln(w)
	}
	for _, s := range footer(res) {
		if _, err := fmt.Fprintf(w, "%s\n\n", s); err != nil {
			return err
		}
	}
	return nil
}
