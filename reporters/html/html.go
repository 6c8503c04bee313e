// Package html renders report.html: one self-contained file that works
// offline (no network, no external files). Tabs hold an overview, file
// sizes, one tab per scenario, memory, and every result in a sortable
// table; charts are SVG drawn in Go with gonum.org/v1/plot and inlined,
// every mark with a tooltip (an SVG <title>), legends in HTML under the
// charts, and a short embedded script switches tabs and sorts tables.
// Without script every tab simply shows one after another. Verdicts come
// from the view, as in every other report.
package html

import (
	"bufio"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/scenebench/runner/internal/units"
	"github.com/scenebench/runner/reporters/internal/view"
	"github.com/scenebench/runner/runner/results"
)

//go:embed report.tmpl
var pageTemplate string

//go:embed report.css
var pageCSS string

//go:embed report.js
var pageJS string

var tmpl = template.Must(template.New("report").Parse(pageTemplate))

type page struct {
	Title       string
	Description string
	Meta        []kv
	Tabs        []*tab
	CSS         template.CSS
	JS          template.JS
}

type kv struct{ Key, Value string }

type tab struct {
	ID, Label string
	Sections  []*section
}

type section struct {
	Heading string
	Level   int // 2 or 3
	Text    string
	Charts  []chart
	Tables  []*table
	List    []string
	Pre     []string
}

// addChart adds svg (nothing when empty) to s.
func (s *section) addChart(svg template.HTML) {
	if svg != "" {
		s.Charts = append(s.Charts, chart{SVG: svg})
	}
}

// addFigure adds c, a chart with its note (nothing when it is empty), to
// s.
func (s *section) addFigure(c chart) {
	if c.SVG != "" {
		s.Charts = append(s.Charts, c)
	}
}

type table struct {
	Sortable bool
	Header   []string
	Rows     [][]cell
}

type cell struct {
	Text   string
	Sort   string // numeric sort key; "" sorts by text
	Class  string // num, bad, warn, win
	Swatch string // a variant's colour
}

// Render writes the HTML report for f to w.
func Render(w io.Writer, f *results.File) error {
	r, err := view.New(f)
	if err != nil {
		return err
	}
	b := &builder{r: r}
	p := &page{
		Title:       f.Title,
		Description: strings.TrimSpace(f.Description),
		CSS:         template.CSS(pageCSS),
		JS:          template.JS(pageJS),
	}
	if p.Title == "" {
		p.Title = "Benchmark results"
	}
	p.Meta = b.meta()
	for _, build := range []func() (*tab, error){b.overview, b.sizes} {
		t, err := build()
		if err != nil {
			return err
		}
		p.Tabs = append(p.Tabs, t)
	}
	for i, name := range r.Scenarios {
		t, err := b.scenario(i, name)
		if err != nil {
			return err
		}
		p.Tabs = append(p.Tabs, t)
	}
	wish, err := b.wishlist()
	if err != nil {
		return err
	}
	p.Tabs = append(p.Tabs, wish...)
	for _, build := range []func() (*tab, error){b.reference, b.memory, b.all} {
		t, err := build()
		if err != nil {
			return err
		}
		if t != nil {
			p.Tabs = append(p.Tabs, t)
		}
	}
	bw := bufio.NewWriter(w)
	if err := tmpl.Execute(bw, p); err != nil {
		return fmt.Errorf("html: %w", err)
	}
	return bw.Flush()
}

type builder struct {
	r *view.Report
}

func (b *builder) meta() []kv {
	f := b.r.File
	e := f.Environment
	var out []kv
	if len(f.Spec.Paths) > 0 {
		out = append(out, kv{"spec", strings.Join(f.Spec.Paths, ", ")})
	}
	if f.Spec.SHA256 != "" {
		out = append(out, kv{"spec sha256", f.Spec.SHA256})
	}
	if !e.Start.IsZero() {
		d := e.Start.UTC().Format(time.RFC3339)
		if e.End.After(e.Start) {
			d += " (" + e.End.Sub(e.Start).Round(time.Second).String() + ")"
		}
		out = append(out, kv{"date", d})
	}
	if m := b.r.MergeSummary(); m != "" {
		out = append(out, kv{"sharded", m + " (see Machines in the Overview)"})
	} else if e.CPUModel != "" || e.Cores > 0 {
		out = append(out, kv{"machine", fmt.Sprintf("%s, %d cores, %s, %s/%s %s", e.CPUModel, e.Cores,
			units.Bytes(float64(e.MemoryBytes)), e.OS, e.Arch, e.Kernel)})
	}
	if e.GoVersion != "" || e.RunnerVersion != "" {
		v := strings.TrimSpace(e.RunnerVersion + " " + e.RunnerCommit)
		out = append(out, kv{"build", fmt.Sprintf("runner %s, %s, clock %s", v, e.GoVersion, e.ClockSource)})
	}
	s := f.Settings
	out = append(out, kv{"settings", fmt.Sprintf("warmup %d, repeat %d, isolate %s, cache %s, timeout %s",
		s.Warmup, s.Repeat, s.Isolate, s.Cache, time.Duration(s.TimeoutNS))})
	total, counts := b.r.CellCounts()
	out = append(out, kv{"cells", fmt.Sprintf("%d (%s)", total, counts)})
	if in := f.Interrupted; in != nil {
		out = append(out, kv{"interrupted", fmt.Sprintf("%d of %d cells run (%s); the rest are listed as skipped", in.Ran, in.Of, in.Reason)})
	}
	if b.r.Baseline != "" {
		out = append(out, kv{"baseline", b.r.Baseline})
	}
	if aa := b.r.AASummary(); aa != "" {
		out = append(out, kv{"A/A control", aa})
	}
	if m := b.r.MachineSummary(); m != "" {
		out = append(out, kv{"machine state", m})
	}
	for _, d := range f.Datasets {
		if src := d.Source; src != nil {
			v := fmt.Sprintf("imported from %s (%s, %s, SHA-256 %s): %d prims, %d values of %d properties",
				src.Path, src.Format, units.Bytes(float64(src.Bytes)), src.SHA256[:min(16, len(src.SHA256))],
				src.Prims, src.Values, len(src.Properties))
			var left []string
			for _, n := range src.LeftOut {
				left = append(left, fmt.Sprintf("%s (%d)", n.What, n.Count))
			}
			if len(left) > 0 {
				v += "; left out: " + strings.Join(left, "; ")
			}
			out = append(out, kv{"dataset " + d.Name, v})
		}
	}
	return out
}

func (b *builder) variantCell(v *view.Variant) cell {
	t := v.Label
	switch {
	case v.Baseline:
		t += " (baseline)"
	case v.Control:
		t += " (A/A)"
	}
	return cell{Text: t, Swatch: cssColor(v.Index)}
}

// plain leaves a name as it is (HTML escaping is the template's job).
func plain(s string) string { return s }

func valueCell(v view.Value, k view.Kind) cell {
	c := cell{Text: v.TextWithRatio(k), Class: "num"}
	if v.Variant == nil || v.Variant.Baseline || v.Ratio == "" {
		c.Text = v.TextWithNoise(k)
	}
	if v.Has {
		c.Sort = num(v.V)
	}
	switch {
	case v.Status == results.StatusMismatch:
		c.Class += " warn"
	case v.Present && !v.Has && v.Status != results.StatusSkipped:
		c.Class += " bad"
	case v.Winner:
		c.Class += " win"
	}
	return c
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }

func (b *builder) overview() (*tab, error) {
	t := &tab{ID: "overview", Label: "Overview"}
	if len(b.r.WarningGroups) > 0 {
		s := &section{Heading: "Noise and warnings", Level: 2, Text: "Each kind of warning once; every place it was raised is listed under Warnings below."}
		for _, g := range b.r.WarningGroups {
			s.List = append(s.List, g.Summary)
		}
		t.Sections = append(t.Sections, s)
	}
	for _, d := range b.r.Datasets {
		if len(d.Glance) == 0 {
			continue
		}
		s := &section{Heading: d.Title(plain), Level: 2,
			Text: "Headline medians (lower is better), each with its coefficient of variation, and its comparison with the baseline. " + view.VerdictRule}
		tbl := &table{Header: []string{"metric"}}
		for _, v := range b.r.Variants {
			tbl.Header = append(tbl.Header, b.variantCell(v).Text)
		}
		tbl.Header = append(tbl.Header, "winner", "source")
		var rows []ratioPoint
		var floors []float64
		for _, m := range d.Glance {
			row := []cell{{Text: m.Name}}
			for _, v := range m.Values {
				row = append(row, valueCell(v, m.Kind))
			}
			row = append(row, cell{Text: m.Winner.Text()}, cell{Text: m.Source})
			tbl.Rows = append(tbl.Rows, row)
			for _, v := range m.Values {
				if !v.Has || v.Variant.Baseline || v.Ratio == "" {
					continue
				}
				rp := ratioPoint{label: m.Name + ": " + v.Variant.Label, color: v.Variant.Index, cmp: v.Cmp}
				if v.Cmp == nil {
					base := m.Values[b.baselineIndex()]
					if !base.Has || !(base.V > 0) || v.Variant.Control {
						continue
					}
					rp.exact = v.V / base.V
				}
				rp.tip = fmt.Sprintf("%s, %s: %s (%s)", m.Name, v.Variant.Label, v.Ratio, v.TextWithNoise(m.Kind))
				if m.Floor > 1 {
					rp.tip += "; A/A noise floor " + view.FactorNumber(m.Floor) + "x"
				}
				rows = append(rows, rp)
				floors = append(floors, m.Floor)
			}
		}
		s.Tables = append(s.Tables, tbl)
		var groups []view.GroupRef
		for _, m := range d.Glance {
			if m.Scenario != "" {
				groups = append(groups, view.GroupRef{Dataset: d.Name, Scenario: m.Scenario})
			}
		}
		s.Text = withCrossMachine(s.Text, b.r.CrossMachine(groups))
		if b.r.Baseline != "" && len(rows) > 0 {
			c, err := forestChart("Against "+b.r.Baseline+", "+d.Name, rows, floors)
			if err != nil {
				return nil, err
			}
			s.addFigure(c)
		}
		t.Sections = append(t.Sections, s)
	}
	if b.r.Merged() {
		t.Sections = append(t.Sections, b.machines())
	}
	if s := b.datasets(); s != nil {
		t.Sections = append(t.Sections, s)
	}
	if len(b.r.Readers) > 0 {
		s := &section{Heading: "Readers", Level: 2,
			Text: "Who read each variant's files. A driver's start-up (process start and library loading, until its hello) is kept out of every step; shown is the middle of its cells' medians and their range."}
		tbl := &table{Header: []string{"variant", "reader", "version", "start-up", "over cells"}}
		for _, row := range b.r.Readers {
			span := "–"
			if row.Startup.Has {
				span = units.Interval(row.Startup.Low, row.Startup.High)
			}
			tbl.Rows = append(tbl.Rows, []cell{b.variantCell(row.Variant), {Text: row.Reader}, {Text: view.Dash(row.Version)},
				valueCell(row.Startup, view.Time), {Text: span}})
		}
		s.Tables = append(s.Tables, tbl)
		t.Sections = append(t.Sections, s)
	}
	if len(b.r.Problems) > 0 {
		s := &section{Heading: "Problems", Level: 2, Text: "Cells that did not end ok; their figures never win."}
		for _, p := range b.r.Problems {
			line := strings.ToUpper(p.Cell.Status) + " " + p.Cell.ID
			if p.Cell.Error != "" {
				line += ": " + p.Cell.Error
			}
			for _, d := range p.Details {
				line += " — " + d
			}
			s.List = append(s.List, line)
			if p.Cell.Stderr != "" {
				s.Pre = append(s.Pre, p.Cell.ID+":\n"+p.Cell.Stderr)
			}
		}
		t.Sections = append(t.Sections, s)
	}
	if len(b.r.WarningGroups) > 0 {
		s := &section{Heading: "Warnings", Level: 2}
		for _, g := range b.r.WarningGroups {
			if g.RunWide() {
				s.List = append(s.List, g.Summary+" (the whole run)")
				continue
			}
			var where []string
			for _, it := range g.Items {
				w := it.Where
				if w == "run" {
					w = "the run"
				}
				if it.Detail != "" {
					w += " " + it.Detail
				}
				where = append(where, w)
			}
			s.List = append(s.List, g.Summary+": "+strings.Join(where, "; "))
		}
		t.Sections = append(t.Sections, s)
	}
	return t, nil
}

// machines lists the shards of merged results and the machine each ran on.
func (b *builder) machines() *section {
	s := &section{Heading: "Machines", Level: 2,
		Text: "Merged from shards: each comparison group (a dataset and scenario, every variant) ran whole on one machine, so its ratios hold; tables that set figures of different groups side by side say when those come from different machines."}
	tbl := &table{Header: []string{"shard", "machine", "host", "CPU", "memory", "OS", "clock", "start", "took", "groups", "cells"}}
	for _, row := range b.r.Shards {
		sh := row.Shard
		if row.Missing {
			tbl.Rows = append(tbl.Rows, []cell{{Text: fmt.Sprint(sh.Index), Class: "num"}, {Text: "missing", Class: "bad"}})
			continue
		}
		e := sh.Environment
		start, took := "–", "–"
		if !e.Start.IsZero() {
			start = e.Start.UTC().Format(time.RFC3339)
			if e.End.After(e.Start) {
				took = e.End.Sub(e.Start).Round(time.Second).String()
			}
		}
		tbl.Rows = append(tbl.Rows, []cell{{Text: fmt.Sprint(sh.Index), Class: "num"}, {Text: sh.Machine}, {Text: view.Dash(e.Hostname)},
			{Text: fmt.Sprintf("%s, %d cores", view.Dash(e.CPUModel), e.Cores)}, {Text: units.Bytes(float64(e.MemoryBytes)), Class: "num"},
			{Text: strings.TrimSpace(e.OS + "/" + e.Arch + " " + e.Kernel)}, {Text: view.Dash(e.ClockSource)},
			{Text: start}, {Text: took, Class: "num"}, {Text: fmt.Sprint(len(sh.Groups)), Class: "num"}, {Text: fmt.Sprint(sh.Cells), Class: "num"}})
	}
	s.Tables = append(s.Tables, tbl)
	return s
}

// datasets describes the datasets and their files.
func (b *builder) datasets() *section {
	s := &section{Heading: "Datasets", Level: 2}
	tbl := &table{Header: []string{"dataset", "prims", "hierarchy", "schema", "payload", "seed", "format", "file", "bytes"}}
	for _, d := range b.r.Datasets {
		i := d.Info
		if i == nil {
			continue
		}
		payload := "no"
		if i.Payload {
			payload = "yes"
		}
		files := i.Files
		if i.Base != nil {
			files = append([]results.DataFile{{Format: "base layer", Path: i.Base.Path, Bytes: i.Base.Bytes}}, files...)
		}
		if len(files) == 0 {
			files = []results.DataFile{{}}
		}
		for _, fl := range files {
			tbl.Rows = append(tbl.Rows, []cell{{Text: i.Name}, {Text: units.Count(int64(i.Prims)), Class: "num"},
				{Text: view.Dash(i.Hierarchy)}, {Text: view.Dash(i.Schema)}, {Text: payload},
				{Text: strconv.FormatUint(i.Seed, 10), Class: "num"}, {Text: view.Dash(fl.Format)}, {Text: view.Dash(fl.Path)},
				{Text: units.Bytes(float64(fl.Bytes)), Class: "num", Sort: num(float64(fl.Bytes))}})
		}
	}
	if len(tbl.Rows) == 0 {
		return nil
	}
	s.Tables = append(s.Tables, tbl)
	return s
}

// withCrossMachine adds a note on machines to a section's text.
func withCrossMachine(text, note string) string {
	if note == "" {
		return text
	}
	return strings.TrimSpace(text + " Across machines: " + note + ".")
}

func (b *builder) baselineIndex() int {
	for _, v := range b.r.Variants {
		if v.Baseline {
			return v.Index
		}
	}
	return 0
}

func (b *builder) sizes() (*tab, error) {
	t := &tab{ID: "sizes", Label: "File size"}
	for _, d := range b.r.Datasets {
		if len(d.Sizes) == 0 {
			continue
		}
		s := &section{Heading: d.Title(plain), Level: 2}
		tbl := &table{Header: []string{"format", "bytes", "MiB", "vs baseline", "compression", "winner"}}
		var bars []bar
		maxB := 0.0
		for _, z := range d.Sizes {
			maxB = math.Max(maxB, float64(z.Bytes))
		}
		unit, scale := units.BytesUnit(maxB)
		for _, z := range d.Sizes {
			c := cell{Text: units.Count(z.Bytes), Sort: num(float64(z.Bytes)), Class: "num"}
			if z.Winner {
				c.Class += " win"
			}
			tbl.Rows = append(tbl.Rows, []cell{b.variantCell(z.Variant), c,
				{Text: units.MiB(float64(z.Bytes)), Class: "num"}, {Text: view.Dash(z.Ratio), Class: "num"},
				{Text: z.Compression, Class: "num"}, {Text: view.Mark(z.Winner)}})
			tip := fmt.Sprintf("%s: %s (%s bytes)", z.Variant.Label, units.Bytes(float64(z.Bytes)), units.Count(z.Bytes))
			if z.Ratio != "" && z.Ratio != "baseline" {
				tip += ", " + z.Ratio + " than the baseline"
			}
			bars = append(bars, bar{label: z.Variant.Label, color: z.Variant.Index, value: float64(z.Bytes),
				text: units.Bytes(float64(z.Bytes)), tip: tip})
		}
		svg, err := barChart("File size, "+d.Name+" (lower is better)", unit, bars, scale)
		if err != nil {
			return nil, err
		}
		s.addChart(svg)
		s.Tables = append(s.Tables, tbl)
		t.Sections = append(t.Sections, s)
	}
	return t, nil
}

func (b *builder) scenario(i int, name string) (*tab, error) {
	t := &tab{ID: fmt.Sprintf("scenario-%d", i+1), Label: name}
	if desc := b.r.ScenarioDescription(name); desc != "" {
		t.Sections = append(t.Sections, &section{Heading: "Scenario " + name, Level: 2, Text: desc})
	}
	for _, sw := range b.r.Sweeps {
		s := &section{Heading: "Time against prim count", Level: 2,
			Text: "Median per step over the datasets of a size sweep, log axes."}
		var groups []view.GroupRef
		for _, d := range sw.Datasets {
			groups = append(groups, view.GroupRef{Dataset: d.Name, Scenario: name})
		}
		s.Text = withCrossMachine(s.Text, b.r.CrossMachine(groups))
		for _, st := range sw.Steps {
			if st.Scenario != name {
				continue
			}
			var lines []line
			maxV := 0.0
			for _, v := range b.r.Variants {
				l := line{label: v.Label, color: v.Index}
				for di, d := range sw.Datasets {
					val := st.Values[di][v.Index]
					if val.Has {
						l.xs = append(l.xs, float64(d.Prims()))
						l.ys = append(l.ys, val.V)
						l.tips = append(l.tips, fmt.Sprintf("%s at %s prims: %s", v.Label, units.Count(int64(d.Prims())), val.TextWithNoise(view.Time)))
						maxV = math.Max(maxV, val.V)
					}
				}
				lines = append(lines, l)
			}
			unit, scale := units.DurationUnit(maxV)
			c, err := lineChart(fmt.Sprintf("%s / %s against prims (%s)", name, st.Step, sw.Hierarchy),
				"prims (log)", unit+" (log)", lines, 1, scale, true, true)
			if err != nil {
				return nil, err
			}
			s.addFigure(c)
		}
		if len(s.Charts) > 0 {
			t.Sections = append(t.Sections, s)
		}
	}
	for _, d := range b.r.Datasets {
		for _, sc := range d.Scenarios {
			if sc.Name != name {
				continue
			}
			for _, st := range sc.Steps {
				s, err := b.step(d, st)
				if err != nil {
					return nil, err
				}
				t.Sections = append(t.Sections, s)
			}
			stairs, err := b.staircases(d, name)
			if err != nil {
				return nil, err
			}
			t.Sections = append(t.Sections, stairs...)
		}
	}
	return t, nil
}

func (b *builder) step(d *view.Dataset, st *view.StepTable) (*section, error) {
	s := &section{Heading: fmt.Sprintf("%s — step %s (op %s)", d.Name, st.Name, st.Op), Level: 3}
	var about []string
	if m := b.r.MachineOf(d.Name, st.Scenario); m != "" {
		about = append(about, "measured on machine "+m)
	}
	if st.Ops > 1 {
		about = append(about, fmt.Sprintf("%s ops per run, times per op", units.Count(st.Ops)))
	}
	if st.Values > 0 {
		about = append(about, st.ValuesRead())
	}
	switch w := st.Winner.Text(); w {
	case "~":
		about = append(about, "no clear winner (~)")
	case "–":
	default:
		about = append(about, "winner "+w)
	}
	if ft := st.FloorText(); ft != "" {
		about = append(about, ft)
	}
	about = append(about, "lower is better; dots: each run; black bar: the median; box: its 95% interval")
	s.Text = strings.Join(about, "; ") + "."
	tbl := &table{Header: []string{"format", "median", "cv", "95% interval", "mean ± stddev", "min", "max", "p95", "runs",
		"peak RSS", "RSS delta", "bytes read", "vs baseline", "winner"}}
	var strips []strip
	for _, row := range st.Rows {
		v := row.Value()
		if !row.Usable() {
			tbl.Rows = append(tbl.Rows, []cell{b.variantCell(row.Variant), valueCell(v, view.Time)})
			strips = append(strips, strip{label: row.Variant.Label, color: row.Variant.Index,
				note: strings.ToLower(view.StatusText(row.Cell.Status))})
			continue
		}
		x := row.Step.Stats
		m := row.Step.Memory
		median := valueCell(view.Value{Present: true, Has: true, V: x.MedianNS, Status: row.Cell.Status, Winner: row.Winner}, view.Time)
		tbl.Rows = append(tbl.Rows, []cell{b.variantCell(row.Variant), median,
			{Text: view.Dash(strings.TrimPrefix(view.Noise(v.CV, v.Runs), "cv ")), Class: "num", Sort: num(x.CV)},
			{Text: units.Interval(x.CI95LowNS, x.CI95HighNS), Class: "num"},
			{Text: view.MeanSpread(x.MeanNS, x.StddevNS, v.Runs), Class: "num", Sort: num(x.MeanNS)},
			{Text: units.Duration(x.MinNS), Class: "num", Sort: num(x.MinNS)},
			{Text: units.Duration(x.MaxNS), Class: "num", Sort: num(x.MaxNS)},
			{Text: units.Duration(x.P95NS), Class: "num", Sort: num(x.P95NS)},
			{Text: strconv.Itoa(len(row.Step.SamplesNS)), Class: "num"},
			{Text: view.StepBytes(row.Step, m.PeakRSSBytes), Class: "num"},
			{Text: view.StepBytes(row.Step, m.RSSDeltaBytes), Class: "num"},
			{Text: view.StepBytes(row.Step, m.ReadBytes), Class: "num"},
			{Text: view.Dash(row.Ratio), Class: "num"},
			{Text: view.Mark(row.Winner)}})
		summary := fmt.Sprintf("%s: median %s", row.Variant.Label, v.TextWithNoise(view.Time))
		if iv := units.Interval(x.CI95LowNS, x.CI95HighNS); iv != "–" {
			summary += ", 95% interval " + iv
		}
		if row.Ratio != "" && row.Ratio != "baseline" {
			summary += "; " + row.Ratio
		}
		strips = append(strips, strip{label: row.Variant.Label, color: row.Variant.Index, samples: row.Step.SamplesNS,
			median: x.MedianNS, low: x.CI95LowNS, high: x.CI95HighNS, summary: summary})
	}
	svg, err := stripChart(fmt.Sprintf("%s: %s / %s, time of every run", d.Name, st.Scenario, st.Name), strips)
	if err != nil {
		return nil, err
	}
	s.addChart(svg)
	s.Tables = append(s.Tables, tbl)
	return s, nil
}

// staircases are the sections of d's staircases, of one scenario or
// ("" scenario) of all.
func (b *builder) staircases(d *view.Dataset, scenario string) ([]*section, error) {
	var out []*section
	for _, stair := range d.Staircases {
		if scenario != "" && stair.Scenario != scenario {
			continue
		}
		s, err := b.staircase(d, stair)
		if err != nil {
			return nil, err
		}
		if s != nil {
			out = append(out, s)
		}
	}
	return out, nil
}

func (b *builder) staircase(d *view.Dataset, st *view.Staircase) (*section, error) {
	maxRSS := 0.0
	var lines []line
	for _, se := range st.Series {
		l := line{label: se.Variant.Label, color: se.Variant.Index}
		for _, p := range se.Probes {
			l.xs = append(l.xs, float64(p.Prims))
			l.ys = append(l.ys, p.RSSBytes)
			l.tips = append(l.tips, fmt.Sprintf("%s after %s prims: RSS %s", se.Variant.Label, units.Count(int64(p.Prims)), units.Bytes(p.RSSBytes)))
			maxRSS = math.Max(maxRSS, p.RSSBytes)
		}
		lines = append(lines, l)
	}
	unit, scale := units.BytesUnit(maxRSS)
	c, err := lineChart(fmt.Sprintf("Memory staircase: %s, %s / %s", d.Name, st.Scenario, st.Step),
		"prims read", "RSS, "+unit, lines, 1, scale, false, false)
	if err != nil || c.SVG == "" {
		return nil, err
	}
	s := &section{Heading: fmt.Sprintf("%s — traversal staircase (%s / %s)", d.Name, st.Scenario, st.Step), Level: 3,
		Text: "Resident set size probed along the traversal of the median run."}
	s.Charts = append(s.Charts, c)
	tbl := &table{Header: []string{"prims read"}}
	for _, se := range st.Series {
		tbl.Header = append(tbl.Header, b.variantCell(se.Variant).Text)
	}
	for _, p := range st.Prims {
		row := []cell{{Text: units.Count(int64(p)), Class: "num"}}
		for _, se := range st.Series {
			row = append(row, cell{Text: se.RSSText(p), Class: "num"})
		}
		tbl.Rows = append(tbl.Rows, row)
	}
	s.Tables = append(s.Tables, tbl)
	return s, nil
}

func (b *builder) memory() (*tab, error) {
	t := &tab{ID: "memory", Label: "Memory"}
	for _, d := range b.r.Datasets {
		m := d.Memory
		if m == nil || len(m.Rows) == 0 {
			continue
		}
		var groups []view.GroupRef
		for _, src := range []view.Source{m.Open, m.Get, m.Traverse} {
			if src.Step != "" {
				groups = append(groups, view.GroupRef{Dataset: d.Name, Scenario: src.Scenario})
			}
		}
		s := &section{Heading: d.Title(plain), Level: 2,
			Text: withCrossMachine("Resident set size of the whole process, medians over runs. "+sources(m), b.r.CrossMachine(groups))}
		tbl := &table{Header: []string{"format", "after open", "after one get", "after traversal", "peak during traversal"}}
		cats := []string{"after open", "after one get", "after traversal"}
		var series []group
		maxV := 0.0
		for _, row := range m.Rows {
			tbl.Rows = append(tbl.Rows, []cell{b.variantCell(row.Variant), valueCell(row.AfterOpen, view.Size),
				valueCell(row.AfterGet, view.Size), valueCell(row.AfterTraverse, view.Size), valueCell(row.PeakTraversal, view.Size)})
			g := group{label: row.Variant.Label, color: row.Variant.Index}
			for _, v := range []view.Value{row.AfterOpen, row.AfterGet, row.AfterTraverse} {
				if v.Has {
					g.values = append(g.values, v.V)
					maxV = math.Max(maxV, v.V)
				} else {
					g.values = append(g.values, math.NaN())
				}
				g.texts = append(g.texts, v.Text(view.Size))
			}
			series = append(series, g)
		}
		unit, scale := units.BytesUnit(maxV)
		c, err := groupedBarChart("Memory, "+d.Name+" (lower is better)", "RSS, "+unit, cats, series, scale)
		if err != nil {
			return nil, err
		}
		s.Charts = append(s.Charts, c)
		s.Tables = append(s.Tables, tbl)
		t.Sections = append(t.Sections, s)
		stairs, err := b.staircases(d, "")
		if err != nil {
			return nil, err
		}
		t.Sections = append(t.Sections, stairs...)
	}
	return t, nil
}

func sources(m *view.Memory) string {
	var parts []string
	for _, s := range []struct {
		what string
		src  view.Source
	}{{"after open", m.Open}, {"after one get", m.Get}, {"after traversal", m.Traverse}} {
		if s.src.Step != "" {
			parts = append(parts, fmt.Sprintf("%s: %s / %s", s.what, s.src.Scenario, s.src.Step))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "Columns come from " + strings.Join(parts, "; ") + "."
}

func (b *builder) all() (*tab, error) {
	t := &tab{ID: "all", Label: "All results"}
	s := &section{Heading: "Every step of every cell", Level: 2,
		Text: "Click a column heading to sort. The chart shows every step against the baseline, faster up and slower down on a log axis centred on 1; a hollow dot is ~ (no clear difference)."}
	tbl := &table{Sortable: true, Header: []string{"dataset", "format", "scenario", "step", "status", "median", "95% interval",
		"mean", "stddev", "min", "max", "p95", "CV", "outliers", "runs", "peak RSS", "bytes read", "vs baseline"}}
	ratios := make([][]ratioPoint, len(b.r.Variants))
	for _, d := range b.r.Datasets {
		for _, sc := range d.Scenarios {
			for _, st := range sc.Steps {
				base := st.BaseNS
				for _, row := range st.Rows {
					status := cell{Text: row.Cell.Status}
					switch row.Cell.Status {
					case results.StatusOK:
					case results.StatusMismatch:
						status.Class = "warn"
					case results.StatusSkipped:
					default:
						status.Class = "bad"
					}
					r := []cell{{Text: d.Name}, b.variantCell(row.Variant), {Text: sc.Name}, {Text: st.Name}, status}
					if !row.Usable() {
						for len(r) < len(tbl.Header) {
							r = append(r, cell{Text: "–", Class: "num", Sort: "-1"})
						}
						tbl.Rows = append(tbl.Rows, r)
						continue
					}
					x := row.Step.Stats
					dur := func(v float64) cell { return cell{Text: units.Duration(v), Sort: num(v), Class: "num"} }
					ratio := cell{Text: view.Dash(row.Ratio), Class: "num", Sort: "-1"}
					if base > 0 {
						ratio.Sort = num(x.MedianNS / base)
					}
					if row.Cmp != nil {
						ratios[row.Variant.Index] = append(ratios[row.Variant.Index], ratioPoint{color: row.Variant.Index, cmp: row.Cmp,
							tip: fmt.Sprintf("%s / %s / %s, %s: %s", d.Name, sc.Name, st.Name, row.Variant.Label, row.Ratio)})
					}
					r = append(r, dur(x.MedianNS), cell{Text: units.Interval(x.CI95LowNS, x.CI95HighNS), Class: "num", Sort: num(x.CI95LowNS)},
						dur(x.MeanNS), dur(x.StddevNS), dur(x.MinNS), dur(x.MaxNS), dur(x.P95NS),
						cell{Text: fmt.Sprintf("%.1f%%", 100*x.CV), Class: "num", Sort: num(x.CV)},
						cell{Text: strconv.Itoa(x.Outliers), Class: "num", Sort: strconv.Itoa(x.Outliers)},
						cell{Text: strconv.Itoa(len(row.Step.SamplesNS)), Class: "num", Sort: strconv.Itoa(len(row.Step.SamplesNS))},
						cell{Text: view.StepBytes(row.Step, row.Step.Memory.PeakRSSBytes), Class: "num", Sort: num(row.Step.Memory.PeakRSSBytes.Median)},
						cell{Text: view.StepBytes(row.Step, row.Step.Memory.ReadBytes), Class: "num", Sort: num(row.Step.Memory.ReadBytes.Median)},
						ratio)
					tbl.Rows = append(tbl.Rows, r)
				}
			}
		}
	}
	var cats []string
	var colors []int
	var points [][]ratioPoint
	for _, v := range b.r.Variants {
		if v.Baseline {
			continue
		}
		cats = append(cats, b.variantCell(v).Text)
		colors = append(colors, v.Index)
		points = append(points, ratios[v.Index])
	}
	if b.r.Baseline != "" && len(cats) > 0 {
		svg, err := stepRatioChart("Every step against "+b.r.Baseline, cats, colors, points)
		if err != nil {
			return nil, err
		}
		s.addChart(svg)
	}
	s.Tables = append(s.Tables, tbl)
	t.Sections = append(t.Sections, s)
	return t, nil
}
