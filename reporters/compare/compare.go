// Package compare sets two results files side by side. For every cell and
// step found in both it gives the old and new medians with their noise,
// and the new against the old as a ratio with its 95% interval, decided by
// the rule every report uses (runner/stats, through the view): a change is
// named only when its interval excludes 1 and clears the A/A noise floor
// of that step in either run, and it is a regression only when the whole
// interval also lies beyond the threshold. Peak memory and file sizes are
// compared too, and each kind gets a geometric mean. Cells and steps found
// in only one file are listed, never dropped.
//
// Agree (the -verdicts mode) asks another question of two runs: do they
// reach the same verdicts against their own baselines?
package compare

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/scenebench/runner/internal/units"
	"github.com/scenebench/runner/reporters/internal/mdtable"
	"github.com/scenebench/runner/reporters/internal/view"
	"github.com/scenebench/runner/reporters/output"
	"github.com/scenebench/runner/runner/results"
	"github.com/scenebench/runner/runner/stats"
)

// DefaultThreshold is the change a regression must exceed unless told
// otherwise: 5%.
const DefaultThreshold = 0.05

// Options control a comparison.
type Options struct {
	// Threshold is the slowdown (a fraction: 0.05 = 5%) that the whole
	// interval of a change must exceed for a regression. 0 means any
	// clear slowdown.
	Threshold float64
	// Alpha is one minus the confidence of the intervals (default 0.05).
	Alpha float64
}

// Row is one step of one cell found in both files: its time, or its peak
// memory.
type Row struct {
	Cell, Step string
	// Old and New are the step's figures on each side: times (Stats) or
	// peak RSS (Summary, with Runs).
	Old, New             results.Stats
	OldMem, NewMem       results.Summary
	OldRuns, NewRuns     int
	OldStatus, NewStatus string
	// Compared is false when either side has no samples (a failed cell);
	// then only the statuses are meaningful.
	Compared bool
	// Cmp is new against old: ratio, interval, floor and verdict.
	Cmp       *view.Comparison
	Regressed bool
	Improved  bool
}

// Delta renders the change: the comparison's text, "–" when there was
// nothing to compare.
func (r Row) Delta() string {
	if !r.Compared || r.Cmp == nil {
		return "–"
	}
	return r.Cmp.Text()
}

// SizeRow is one dataset file found in both runs.
type SizeRow struct {
	Dataset, Format string
	Old, New        int64
	Ratio           string // new against old, exact
	Regressed       bool
}

// Result is a whole comparison.
type Result struct {
	Options Options
	// Old and New describe the two runs in one line each.
	Old, New string
	// SpecsDiffer is set when the runs came from specs with other hashes.
	SpecsDiffer bool
	Rows        []Row // times
	Memory      []Row // peak RSS
	Sizes       []SizeRow
	// Geomean is the geometric mean of new over old for each kind
	// ("time", "peak RSS", "file size"), 0 when nothing was compared.
	Geomean map[string]float64
	// OnlyOld and OnlyNew list "cell" or "cell, step" found on one side.
	OnlyOld, OnlyNew []string
	Regressed        bool
	Regressions      int
	Improvements     int
	// Floors says whether either run had an A/A control to set floors.
	Floors bool
}

// Kinds of figures compared, as Geomean names them.
const (
	KindTime = "time"
	KindPeak = "peak RSS"
	KindSize = "file size"
)

// Compute compares old with new.
func Compute(old, new *results.File, o Options) *Result {
	if o.Alpha <= 0 || o.Alpha >= 1 {
		o.Alpha = stats.DefaultAlpha
	}
	res := &Result{Options: o, Old: describe(old), New: describe(new), Geomean: map[string]float64{},
		SpecsDiffer: old.Spec.SHA256 != "" && new.Spec.SHA256 != "" && old.Spec.SHA256 != new.Spec.SHA256}
	floorsOld, floorsNew := floors(old, o), floors(new, o)
	res.Floors = len(floorsOld) > 0 || len(floorsNew) > 0
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
				if usableCell(nc) {
					res.OnlyOld = append(res.OnlyOld, oc.ID+", step "+os.Name)
				} else {
					res.Rows = append(res.Rows, Row{Cell: oc.ID, Step: os.Name, Old: os.Stats, OldRuns: len(os.SamplesNS),
						OldStatus: oc.Status, NewStatus: nc.Status})
				}
				continue
			}
			k := floorKey{oc.Dataset, oc.Scenario, os.Name}
			fo, fn := floorsOld[k], floorsNew[k]
			t, m := rows(oc, nc, os, ns, fo, fn, o)
			res.Rows = append(res.Rows, t)
			if m.Compared {
				res.Memory = append(res.Memory, m)
			}
		}
		for j := range nc.Steps {
			if !seen[nc.Steps[j].Name] {
				if usableCell(oc) {
					res.OnlyNew = append(res.OnlyNew, nc.ID+", step "+nc.Steps[j].Name)
				} else {
					res.Rows = append(res.Rows, Row{Cell: nc.ID, Step: nc.Steps[j].Name, New: nc.Steps[j].Stats,
						NewRuns: len(nc.Steps[j].SamplesNS), OldStatus: oc.Status, NewStatus: nc.Status})
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
	res.Sizes = sizes(old, new, o)
	for _, set := range [][]Row{res.Rows, res.Memory} {
		for _, r := range set {
			if r.Regressed {
				res.Regressions++
			}
			if r.Improved {
				res.Improvements++
			}
		}
	}
	for _, s := range res.Sizes {
		if s.Regressed {
			res.Regressions++
		}
	}
	res.Regressed = res.Regressions > 0
	res.Geomean[KindTime] = geomean(res.Rows)
	res.Geomean[KindPeak] = geomean(res.Memory)
	var sizeRatios []float64
	for _, s := range res.Sizes {
		if s.Old > 0 && s.New > 0 {
			sizeRatios = append(sizeRatios, float64(s.New)/float64(s.Old))
		}
	}
	res.Geomean[KindSize] = geomeanOf(sizeRatios)
	return res
}

func usableCell(c *results.Cell) bool {
	return c.Status == results.StatusOK || c.Status == results.StatusMismatch
}

// floorKey names a step of a scenario of a dataset: where an A/A control
// sets a floor.
type floorKey struct{ dataset, scenario, step string }

// stepFloors are the A/A noise floors of one step in one run: of its time
// and of its peak memory.
type stepFloors struct{ time, peak float64 }

// floors finds, in f, the A/A floor of every step that has both a usable
// baseline cell and a usable control cell.
func floors(f *results.File, o Options) map[floorKey]stepFloors {
	base, control := map[[2]string]*results.Cell{}, map[[2]string]*results.Cell{}
	for i := range f.Cells {
		c := &f.Cells[i]
		if !usableCell(c) {
			continue
		}
		k := [2]string{c.Dataset, c.Scenario}
		switch {
		case c.Control || (f.Report.Control != "" && view.CellLabel(c) == f.Report.Control):
			control[k] = c
		case f.Report.Baseline != "" && view.CellLabel(c) == f.Report.Baseline:
			base[k] = c
		}
	}
	out := map[floorKey]stepFloors{}
	for k, b := range base {
		ctl, ok := control[k]
		if !ok {
			continue
		}
		for j := range b.Steps {
			bs := &b.Steps[j]
			for l := range ctl.Steps {
				cs := &ctl.Steps[l]
				if cs.Name != bs.Name {
					continue
				}
				fl := stepFloors{
					time: stats.NoiseFloor(stats.RatioOf(bs.SamplesNS, cs.SamplesNS, 1-o.Alpha)),
					peak: stats.NoiseFloor(stats.RangeRatio(bs.Memory.PeakRSSBytes, cs.Memory.PeakRSSBytes,
						len(bs.SamplesNS), len(cs.SamplesNS), 1-o.Alpha)),
				}
				out[floorKey{k[0], k[1], bs.Name}] = fl
			}
		}
	}
	return out
}

// rows compares one step's time and peak memory.
func rows(oc, nc *results.Cell, os, ns *results.Step, fo, fn stepFloors, o Options) (Row, Row) {
	t := Row{Cell: oc.ID, Step: os.Name, Old: os.Stats, New: ns.Stats, OldStatus: oc.Status, NewStatus: nc.Status,
		OldRuns: len(os.SamplesNS), NewRuns: len(ns.SamplesNS)}
	m := t
	m.OldMem, m.NewMem = os.Memory.PeakRSSBytes, ns.Memory.PeakRSSBytes
	if !usableCell(oc) || !usableCell(nc) || len(os.SamplesNS) == 0 || len(ns.SamplesNS) == 0 {
		return t, Row{}
	}
	limit := 1 + o.Threshold
	decide := func(r *Row, ratio stats.Ratio, floor float64, kind view.Kind) {
		r.Compared = true
		r.Cmp = &view.Comparison{Ratio: ratio, Floor: floor, Verdict: stats.Decide(ratio, floor), Kind: kind}
		r.Regressed = r.Cmp.Verdict == stats.Higher && ratio.Low > limit
		r.Improved = r.Cmp.Verdict == stats.Lower && ratio.High < 1/limit
	}
	decide(&t, stats.RatioOf(os.SamplesNS, ns.SamplesNS, 1-o.Alpha), max(1, fo.time, fn.time), view.Time)
	if os.Memory.PeakRSSBytes.Median > 0 || ns.Memory.PeakRSSBytes.Median > 0 {
		decide(&m, stats.RangeRatio(os.Memory.PeakRSSBytes, ns.Memory.PeakRSSBytes, len(os.SamplesNS), len(ns.SamplesNS), 1-o.Alpha),
			max(1, fo.peak, fn.peak), view.Size)
	}
	return t, m
}

// sizes compares the files of the datasets found in both runs: sizes are
// exact, so any growth beyond the threshold is a regression.
func sizes(old, new *results.File, o Options) []SizeRow {
	type key struct{ dataset, format string }
	newBytes := map[key]int64{}
	for _, d := range new.Datasets {
		for _, f := range d.Files {
			newBytes[key{d.Name, f.Format}] = f.Bytes
		}
	}
	var out []SizeRow
	seen := map[key]bool{}
	for _, d := range old.Datasets {
		for _, f := range d.Files {
			k := key{d.Name, f.Format}
			nb, ok := newBytes[k]
			if !ok || seen[k] || (old.Report.Control != "" && f.Format == old.Report.Control) {
				continue
			}
			seen[k] = true
			row := SizeRow{Dataset: d.Name, Format: f.Format, Old: f.Bytes, New: nb}
			row.Ratio = view.SizeRatio(float64(nb), float64(f.Bytes))
			row.Regressed = f.Bytes > 0 && float64(nb) > float64(f.Bytes)*(1+o.Threshold)
			out = append(out, row)
		}
	}
	return out
}

func geomean(rows []Row) float64 {
	var rs []float64
	for _, r := range rows {
		if r.Compared && r.Cmp != nil && r.Cmp.Ratio.Estimate > 0 {
			rs = append(rs, r.Cmp.Ratio.Estimate)
		}
	}
	return geomeanOf(rs)
}

func geomeanOf(rs []float64) float64 {
	if len(rs) == 0 {
		return 0
	}
	s := 0.0
	for _, r := range rs {
		s += math.Log(r)
	}
	return math.Exp(s / float64(len(rs)))
}

// GeomeanText says a geometric mean of new over old in the words of the
// comparisons: "1.03x slower", "same".
func GeomeanText(g float64, kind view.Kind) string {
	if !(g > 0) {
		return "–"
	}
	better, worse := "faster", "slower"
	if kind == view.Size {
		better, worse = "smaller", "larger"
	}
	word := worse
	if g < 1 {
		g, word = 1/g, better
	}
	n := view.FactorNumber(g)
	if n == "1.00" {
		return "same"
	}
	return n + "x " + word
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

// Render writes res as "text" (default) or "md".
func Render(w io.Writer, res *Result, format string) error {
	switch {
	case format == "" || strings.EqualFold(format, "text"):
		return render(w, res, false)
	case output.Is(format, output.Markdown):
		return render(w, res, true)
	}
	return fmt.Errorf("compare: unknown format %q (want text or md)", format)
}

// side renders one side of a row: "11.2 ms (cv 3.4%)", a status, or "–".
func side(status string, s results.Stats, runs int, mem *results.Summary) string {
	if status != results.StatusOK && status != results.StatusMismatch {
		return view.StatusText(status)
	}
	var txt string
	switch {
	case mem != nil:
		txt = units.Bytes(mem.Median)
	case runs == 0:
		return "–"
	default:
		txt = units.Duration(s.MedianNS)
		if n := view.Noise(s.CV, runs); n != "" {
			txt += " (" + n + ")"
		}
	}
	if status == results.StatusMismatch {
		txt += " (MISMATCH)"
	}
	return txt
}

func note(r Row) string {
	switch {
	case r.Regressed:
		return "REGRESSION"
	case r.Improved:
		return "improvement"
	}
	return ""
}

// table is a text or markdown table with the same columns.
type table struct {
	md     bool
	header []string
	rows   [][]string
}

func (t *table) write(w io.Writer) error {
	if t.md {
		h := make([]string, len(t.header))
		for i, c := range t.header {
			h[i] = c
			if i >= 2 && i < len(t.header)-1 {
				h[i] += ">"
			}
		}
		mt := mdtable.New(h...)
		for _, r := range t.rows {
			r = append([]string(nil), r...)
			if last := len(r) - 1; r[last] == "REGRESSION" {
				r[last] = "**REGRESSION**"
			}
			mt.Row(r...)
		}
		return mt.Write(w)
	}
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
	tbl.Header(t.header)
	for _, r := range t.rows {
		if err := tbl.Append(r); err != nil {
			return fmt.Errorf("compare: %w", err)
		}
	}
	if err := tbl.Render(); err != nil {
		return fmt.Errorf("compare: %w", err)
	}
	_, err := fmt.Fprintln(w)
	return err
}

func render(w io.Writer, res *Result, md bool) error {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	heading := func(s string) {
		if md {
			p("### %s\n\n", s)
		} else {
			p("%s\n\n", s)
		}
	}
	if md {
		p("## Comparison\n\n- old: %s\n- new: %s\n", mdtable.Escape(res.Old), mdtable.Escape(res.New))
		if res.SpecsDiffer {
			p("- note: the two runs come from different specs (their sha256 differ)\n")
		}
		p("\n")
	} else {
		p("old: %s\nnew: %s\n", res.Old, res.New)
		if res.SpecsDiffer {
			p("note: the two runs come from different specs (their sha256 differ)\n")
		}
		p("\n")
	}
	p("%s\n\n", rule(res))
	if len(res.Rows) > 0 {
		heading("Time: median over runs (cv); change: new against old with its 95% interval")
		t := &table{md: md, header: []string{"cell", "step", "old", "new", "change", ""}}
		for _, r := range res.Rows {
			t.rows = append(t.rows, []string{r.Cell, r.Step, side(r.OldStatus, r.Old, r.OldRuns, nil),
				side(r.NewStatus, r.New, r.NewRuns, nil), r.Delta(), note(r)})
		}
		t.rows = append(t.rows, []string{"geomean", "", "", "", GeomeanText(res.Geomean[KindTime], view.Time), ""})
		if err := t.write(w); err != nil {
			return err
		}
	}
	if len(res.Memory) > 0 {
		heading("Peak RSS: median over runs; a change needs the runs of old and new not to overlap")
		t := &table{md: md, header: []string{"cell", "step", "old", "new", "change", ""}}
		for _, r := range res.Memory {
			t.rows = append(t.rows, []string{r.Cell, r.Step, side(r.OldStatus, r.Old, r.OldRuns, &r.OldMem),
				side(r.NewStatus, r.New, r.NewRuns, &r.NewMem), r.Delta(), note(r)})
		}
		t.rows = append(t.rows, []string{"geomean", "", "", "", GeomeanText(res.Geomean[KindPeak], view.Size), ""})
		if err := t.write(w); err != nil {
			return err
		}
	}
	if len(res.Sizes) > 0 {
		heading("File size: exact")
		t := &table{md: md, header: []string{"dataset", "format", "old", "new", "change", ""}}
		for _, s := range res.Sizes {
			n := ""
			if s.Regressed {
				n = "REGRESSION"
			}
			t.rows = append(t.rows, []string{s.Dataset, s.Format, units.Bytes(float64(s.Old)), units.Bytes(float64(s.New)),
				view.Dash(s.Ratio), n})
		}
		t.rows = append(t.rows, []string{"geomean", "", "", "", GeomeanText(res.Geomean[KindSize], view.Size), ""})
		if err := t.write(w); err != nil {
			return err
		}
	}
	quote := func(s string) string { return s }
	if md {
		quote = func(s string) string { return "`" + s + "`" }
	}
	bullet := ""
	if md {
		bullet = "- "
	}
	for _, s := range res.OnlyOld {
		p("%sonly in old: %s\n", bullet, quote(s))
	}
	for _, s := range res.OnlyNew {
		p("%sonly in new: %s\n", bullet, quote(s))
	}
	if len(res.OnlyOld)+len(res.OnlyNew) > 0 {
		p("\n")
	}
	_, err := fmt.Fprintf(w, "%s\n", footer(res))
	return err
}

// rule says how changes are decided, once above the tables.
func rule(res *Result) string {
	floor := "No A/A control in either run: a change needs only its interval to exclude 1."
	if res.Floors {
		floor = "A change is named only when its interval excludes 1 and clears the step's A/A noise floor (the larger of the two runs'); otherwise ~."
	}
	return fmt.Sprintf("Intervals at %.0f%% (Hodges-Lehmann ratio, Moses interval). %s A regression is a change whose whole interval is also more than %s slower (or larger).",
		100*(1-res.Options.Alpha), floor, thresholdText(res.Options.Threshold))
}

func thresholdText(t float64) string { return fmt.Sprintf("%g%%", math.Round(1e6*100*t)/1e6) }

func footer(res *Result) string {
	thr := thresholdText(res.Options.Threshold)
	if res.Regressed {
		return fmt.Sprintf("%d regression(s): slower (or larger) beyond the A/A noise floor and the %s threshold, with %d improvement(s).",
			res.Regressions, thr, res.Improvements)
	}
	return fmt.Sprintf("No regression: nothing is slower (or larger) beyond both the A/A noise floor and the %s threshold; %d improvement(s).",
		thr, res.Improvements)
}
