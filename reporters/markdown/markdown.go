// Package markdown renders a results file as results.md, the document a
// team commits and discusses: the run's context (how busy the machine was,
// a summary of the warnings), the datasets, the headline figures against
// the baseline, file sizes, one table per scenario step, memory,
// staircases, size sweeps, the warnings in detail and every cell that did
// not end ok. Verdicts come from the view, as in every other report.
package markdown

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/scenebench/runner/internal/units"
	"github.com/scenebench/runner/reporters/internal/mdtable"
	"github.com/scenebench/runner/reporters/internal/view"
	"github.com/scenebench/runner/runner/results"
)

// Render writes the markdown document for f to w.
func Render(w io.Writer, f *results.File) error {
	r, err := view.New(f)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	d := &doc{w: bw, r: r, multi: len(r.Datasets) > 1}
	d.all()
	if d.err != nil {
		return d.err
	}
	return bw.Flush()
}

type doc struct {
	w     io.Writer
	r     *view.Report
	multi bool
	err   error
}

func (d *doc) printf(format string, args ...any) {
	if d.err == nil {
		_, d.err = fmt.Fprintf(d.w, format, args...)
	}
}

func (d *doc) table(t *mdtable.Table) {
	if d.err == nil {
		d.err = t.Write(d.w)
	}
}

// code quotes a name as inline code.
func code(s string) string {
	return "`" + strings.ReplaceAll(s, "`", "'") + "`"
}

// text makes free text safe on one markdown line.
func text(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func (d *doc) all() {
	f := d.r.File
	title := f.Title
	if title == "" {
		title = "Benchmark results"
	}
	d.printf("# %s\n\n", text(title))
	if f.Description != "" {
		d.printf("%s\n\n", strings.TrimSpace(f.Description))
	}
	d.summary()
	d.environment()
	d.datasets()
	d.readers()
	d.glance()
	d.reference()
	d.sizes()
	d.scenarios()
	d.seqRandom()
	d.memory()
	d.staircases()
	d.sweeps()
	d.wishlist()
	d.warnings()
	d.problems()
}

func (d *doc) summary() {
	f := d.r.File
	var specs []string
	for _, p := range f.Spec.Paths {
		specs = append(specs, code(p))
	}
	if len(specs) == 0 {
		specs = append(specs, "(none recorded)")
	}
	d.printf("- Spec: %s\n", strings.Join(specs, ", "))
	if f.Spec.SHA256 != "" {
		d.printf("- Spec SHA-256: %s\n", code(f.Spec.SHA256))
	}
	total, counts := d.r.CellCounts()
	d.printf("- Cells: %d", total)
	if counts != "" {
		d.printf(" (%s)", counts)
	}
	d.printf("\n")
	if in := d.r.File.Interrupted; in != nil {
		d.printf("- **Interrupted: %d of %d cells run** (%s); the rest are listed as skipped\n", in.Ran, in.Of, text(in.Reason))
	}
	if m := d.r.MergeSummary(); m != "" {
		d.printf("- Sharded: %s (see [Environment](#environment))\n", text(m))
	}
	if d.r.Baseline != "" {
		d.printf("- Baseline: %s; ratios compare each variant with it\n", code(d.r.Baseline))
	}
	if aa := d.r.AASummary(); aa != "" {
		d.printf("- %s\n", aa)
	}
	if m := d.r.MachineSummary(); m != "" {
		d.printf("- Machine: %s\n", m)
	}
	for _, ds := range f.Datasets {
		if src := ds.Source; src != nil {
			d.printf("- Dataset %s imported from %s (%s, %s, SHA-256 %s): %d prims, %d values of %d properties",
				code(ds.Name), code(src.Path), src.Format, units.Bytes(float64(src.Bytes)), code(src.SHA256[:min(16, len(src.SHA256))]),
				src.Prims, src.Values, len(src.Properties))
			if len(src.LeftOut) == 0 {
				d.printf("; nothing left out\n")
				continue
			}
			var out []string
			for _, n := range src.LeftOut {
				out = append(out, fmt.Sprintf("%s (%d)", text(n.What), n.Count))
			}
			d.printf("; left out: %s\n", strings.Join(out, "; "))
		}
	}
	if n := len(d.r.Problems); n > 0 {
		d.printf("- **%d cell(s) did not end ok**: see [Problems](#problems)\n", n)
	}
	if len(d.r.WarningGroups) > 0 {
		d.printf("- Warnings (details in [Warnings](#warnings)):\n")
		for _, g := range d.r.WarningGroups {
			d.printf("  - %s\n", text(g.Summary))
		}
	}
	d.printf("\n")
}

// datasets describes each dataset and its files.
func (d *doc) datasets() {
	var infos []*view.Dataset
	for _, ds := range d.r.Datasets {
		if ds.Info != nil {
			infos = append(infos, ds)
		}
	}
	if len(infos) == 0 {
		return
	}
	d.printf("## Datasets\n\n")
	t := mdtable.New("dataset", "prims>", "hierarchy", "schema", "payload", "seed>")
	for _, ds := range infos {
		i := ds.Info
		payload := "no"
		if i.Payload {
			payload = "yes"
		}
		t.Row(code(i.Name), units.Count(int64(i.Prims)), view.Dash(i.Hierarchy), view.Dash(i.Schema), payload, fmt.Sprint(i.Seed))
	}
	d.table(t)
	files := mdtable.New("dataset", "format", "file", "bytes>", "size>")
	for _, ds := range infos {
		if b := ds.Info.Base; b != nil {
			files.Row(code(ds.Name), "base layer", code(b.Path), units.Count(b.Bytes), units.Bytes(float64(b.Bytes)))
		}
		for _, fl := range ds.Info.Files {
			files.Row(code(ds.Name), code(fl.Format), code(fl.Path), units.Count(fl.Bytes), units.Bytes(float64(fl.Bytes)))
		}
	}
	d.table(files)
}

func (d *doc) environment() {
	f := d.r.File
	e := f.Environment
	d.printf("## Environment\n\n")
	if d.r.Merged() {
		d.shards()
	}
	t := mdtable.New("", "")
	when := "–"
	if !e.Start.IsZero() {
		when = e.Start.UTC().Format(time.RFC3339)
		if !e.End.IsZero() && e.End.After(e.Start) {
			when += " (" + e.End.Sub(e.Start).Round(time.Second).String() + ")"
		}
	}
	t.Row("date", when)
	if !d.r.Merged() {
		t.Row("OS", strings.TrimSpace(e.OS+"/"+e.Arch+" "+e.Kernel))
		t.Row("CPU", fmt.Sprintf("%s, %d cores", view.Dash(e.CPUModel), e.Cores))
		t.Row("memory", units.Bytes(float64(e.MemoryBytes)))
		t.Row("clock source", view.Dash(e.ClockSource))
	}
	t.Row("Go", view.Dash(e.GoVersion))
	runner := view.Dash(e.RunnerVersion)
	if e.RunnerCommit != "" {
		runner += " (" + e.RunnerCommit + ")"
	}
	t.Row("runner", runner)
	if !d.r.Merged() {
		t.Row("host", view.Dash(e.Hostname))
	}
	s := f.Settings
	t.Row("settings", fmt.Sprintf("warmup %d, repeat %d, isolate %s, cache %s, timeout %s",
		s.Warmup, s.Repeat, view.Dash(s.Isolate), view.Dash(s.Cache), time.Duration(s.TimeoutNS)))
	d.table(t)
}

// shards lists the machines of merged results, one row per shard.
func (d *doc) shards() {
	d.printf("Merged from shards: each comparison group (a dataset and scenario, every variant) ran whole on one machine, so its ratios hold; tables that set figures of different groups side by side say when those come from different machines.\n\n")
	t := mdtable.New("shard>", "machine", "host", "CPU", "memory>", "OS", "clock", "start", "took>", "groups>", "cells>")
	for _, row := range d.r.Shards {
		s := row.Shard
		if row.Missing {
			t.Row(fmt.Sprint(s.Index), "**missing**", "–", "–", "–", "–", "–", "–", "–", "–", "–")
			continue
		}
		e := s.Environment
		start, took := "–", "–"
		if !e.Start.IsZero() {
			start = e.Start.UTC().Format(time.RFC3339)
			if e.End.After(e.Start) {
				took = e.End.Sub(e.Start).Round(time.Second).String()
			}
		}
		t.Row(fmt.Sprint(s.Index), s.Machine, view.Dash(e.Hostname), fmt.Sprintf("%s, %d cores", view.Dash(e.CPUModel), e.Cores),
			units.Bytes(float64(e.MemoryBytes)), strings.TrimSpace(e.OS+"/"+e.Arch+" "+e.Kernel), view.Dash(e.ClockSource),
			start, took, fmt.Sprint(len(s.Groups)), fmt.Sprint(s.Cells))
	}
	d.table(t)
}

// crossMachine notes under a table when its rows came from different
// machines.
func (d *doc) crossMachine(groups []view.GroupRef) {
	if note := d.r.CrossMachine(groups); note != "" {
		d.printf("> **Across machines:** %s.\n\n", text(note))
	}
}

// readers lists who read each variant, when drivers took part.
func (d *doc) readers() {
	if len(d.r.Readers) == 0 {
		return
	}
	d.printf("## Readers\n\n")
	d.printf("Each variant's files were read by runner's Go reader or by a driver process. A driver's start-up (process start and library loading, until its hello) is kept out of every step; its median over the runs of each cell is summarised here.\n\n")
	t := mdtable.New("variant", "reader", "version", "start-up", "over cells")
	for _, row := range d.r.Readers {
		span := "–"
		if row.Startup.Has {
			span = units.Interval(row.Startup.Low, row.Startup.High)
		}
		t.Row(code(row.Variant.Label), row.Reader, view.Dash(row.Version), row.Startup.Text(view.Time), span)
	}
	d.table(t)
}

// datasetHeading prints a dataset sub-heading when the run has several.
func (d *doc) datasetHeading(level string, ds *view.Dataset) {
	if !d.multi {
		return
	}
	d.printf("%s %s\n\n", level, ds.Title(code))
}

func (d *doc) variantHeader(v *view.Variant) string {
	switch {
	case v.Baseline:
		return v.Label + " (baseline)"
	case v.Control:
		return v.Label + " (A/A)"
	}
	return v.Label
}

func (d *doc) glance() {
	if !slices.ContainsFunc(d.r.Datasets, func(ds *view.Dataset) bool { return len(ds.Glance) > 0 }) {
		return
	}
	d.printf("## Results at a glance\n\n")
	d.printf("Medians over runs, each with its coefficient of variation (cv); lower is better. %s\n\n", view.VerdictRule)
	for _, ds := range d.r.Datasets {
		if len(ds.Glance) == 0 {
			continue
		}
		d.datasetHeading("###", ds)
		header := []string{"metric"}
		for _, v := range d.r.Variants {
			header = append(header, d.variantHeader(v)+">")
		}
		header = append(header, "winner")
		t := mdtable.New(header...)
		for _, m := range ds.Glance {
			row := []string{m.Name}
			for _, v := range m.Values {
				row = append(row, v.TextWithRatio(m.Kind))
			}
			row = append(row, m.Winner.Text())
			t.Row(row...)
		}
		d.table(t)
		var groups []view.GroupRef
		for _, m := range ds.Glance {
			if m.Scenario != "" {
				groups = append(groups, view.GroupRef{Dataset: ds.Name, Scenario: m.Scenario})
			}
		}
		d.crossMachine(groups)
		d.printf("Where the rows come from:\n\n")
		for _, m := range ds.Glance {
			if m.Scenario == "" {
				continue
			}
			floor := ""
			if m.Floor > 1 {
				floor = "; A/A noise floor " + view.FactorNumber(m.Floor) + "x"
			}
			if m.Figure != "" {
				d.printf("- %s: %s of scenario %s, step %s%s\n", text(m.Name), m.Figure, code(m.Scenario), code(m.Step), floor)
				continue
			}
			d.printf("- %s: scenario %s, step %s%s\n", text(m.Name), code(m.Scenario), code(m.Step), floor)
		}
		d.printf("\n")
	}
}

// reference shows, per step, each Go-read variant's median over the
// median of the same variant read by the format's reference
// implementation.
func (d *doc) reference() {
	if !slices.ContainsFunc(d.r.Datasets, func(ds *view.Dataset) bool { return ds.Reference != nil }) {
		return
	}
	d.printf("## Ours / reference\n\n")
	d.printf("Runner's Go reader against the reference implementation of each format reading the same variant " +
		"(OpenUSD C++ through openusd-cpp for usdc and usda, Arrow C++ through arrow-cpp for parquet): " +
		"the Go reader's median over the reference's, per step; below 1 ours is faster. " +
		"~ marks a ratio whose runs show no clear difference at the step's noise floor.\n\n")
	for _, ds := range d.r.Datasets {
		tab := ds.Reference
		if tab == nil {
			continue
		}
		d.datasetHeading("###", ds)
		header := []string{"scenario", "step"}
		for _, v := range tab.Variants {
			header = append(header, d.variantHeader(v)+">")
		}
		t := mdtable.New(header...)
		for _, row := range tab.Rows {
			cells := []string{code(row.Scenario), code(row.Step)}
			for _, r := range row.Ratios {
				cells = append(cells, view.Dash(r.Text()))
			}
			t.Row(cells...)
		}
		d.table(t)
	}
}

func (d *doc) sizes() {
	if !slices.ContainsFunc(d.r.Datasets, func(ds *view.Dataset) bool { return len(ds.Sizes) > 0 }) {
		return
	}
	d.printf("## File sizes\n\n")
	d.printf("Compression is the size of the same format's uncompressed variant divided by this file's size.\n\n")
	for _, ds := range d.r.Datasets {
		if len(ds.Sizes) == 0 {
			continue
		}
		d.datasetHeading("###", ds)
		t := mdtable.New("format", "bytes>", "MiB>", "vs baseline>", "compression>", "winner")
		for _, s := range ds.Sizes {
			t.Row(d.variantHeader(s.Variant), units.Count(s.Bytes), units.MiB(float64(s.Bytes)), view.Dash(s.Ratio),
				s.Compression, view.Mark(s.Winner))
		}
		d.table(t)
	}
}

func (d *doc) scenarios() {
	for _, name := range d.r.Scenarios {
		d.printf("## Scenario %s\n\n", code(name))
		if desc := d.r.ScenarioDescription(name); desc != "" {
			d.printf("%s\n\n", desc)
		}
		for _, ds := range d.r.Datasets {
			for _, s := range ds.Scenarios {
				if s.Name != name {
					continue
				}
				d.datasetHeading("###", ds)
				d.measuredOn(ds.Name, name)
				for _, st := range s.Steps {
					d.step(st)
				}
			}
		}
	}
}

// measuredOn says which shard's machine ran a group of merged results.
func (d *doc) measuredOn(dataset, scenario string) {
	m := d.r.MachineOf(dataset, scenario)
	if m == "" {
		return
	}
	for _, row := range d.r.Shards {
		if row.Shard.Machine == m && slices.Contains(row.Shard.Groups, dataset+"/"+scenario) {
			d.printf("Measured on machine %s (shard %d, host %s).\n\n", m, row.Shard.Index, code(view.Dash(row.Shard.Environment.Hostname)))
			return
		}
	}
}

func (d *doc) step(st *view.StepTable) {
	level := "###"
	if d.multi {
		level = "####"
	}
	d.printf("%s Step %s\n\n", level, code(st.Name))
	var about []string
	about = append(about, "op "+code(st.Op))
	if st.Ops > 1 {
		about = append(about, fmt.Sprintf("%s ops per run, times are per op", units.Count(st.Ops)))
	}
	if st.Values > 0 {
		about = append(about, st.ValuesRead())
	}
	switch w := st.Winner.Text(); w {
	case "~":
		about = append(about, "no clear winner (~)")
	case "–":
	default:
		about = append(about, "winner "+code(w))
	}
	if ft := st.FloorText(); ft != "" {
		about = append(about, ft)
	}
	d.printf("%s.\n\n", strings.Join(about, "; "))
	header := []string{"format", "median>", "cv>", "mean ± stddev>", "min>", "max>", "p95>", "95% interval>", "runs>",
		"peak RSS>", "RSS delta>", "bytes read>", "vs baseline>", "winner"}
	if st.HasVsRef {
		header = append(header, "ours / reference>")
	}
	t := mdtable.New(header...)
	for _, row := range st.Rows {
		label := d.variantHeader(row.Variant)
		if !row.Usable() {
			status := view.StatusText(row.Cell.Status)
			if row.Cell.Status == results.StatusOK || row.Cell.Status == results.StatusMismatch {
				status = "no data"
			}
			t.Row(label, status)
			continue
		}
		s := row.Step.Stats
		m := row.Step.Memory
		v := row.Value()
		median := units.Duration(s.MedianNS)
		if row.Cell.Status == results.StatusMismatch {
			median += " (MISMATCH)"
		}
		cells := []string{label, median, view.Dash(strings.TrimPrefix(view.Noise(v.CV, v.Runs), "cv ")),
			view.MeanSpread(s.MeanNS, s.StddevNS, v.Runs),
			units.Duration(s.MinNS), units.Duration(s.MaxNS), units.Duration(s.P95NS),
			units.Interval(s.CI95LowNS, s.CI95HighNS),
			fmt.Sprint(len(row.Step.SamplesNS)),
			view.StepBytes(row.Step, m.PeakRSSBytes), view.StepBytes(row.Step, m.RSSDeltaBytes), view.StepBytes(row.Step, m.ReadBytes),
			view.Dash(row.Ratio), view.Mark(row.Winner)}
		if st.HasVsRef {
			cells = append(cells, view.Dash(row.VsRef.Text()))
		}
		t.Row(cells...)
	}
	d.table(t)
}

func (d *doc) seqRandom() {
	if !slices.ContainsFunc(d.r.Datasets, func(ds *view.Dataset) bool { return ds.SeqRandom != nil }) {
		return
	}
	d.printf("## Sequential versus random traversal\n\n")
	for _, ds := range d.r.Datasets {
		sr := ds.SeqRandom
		if sr == nil {
			continue
		}
		d.datasetHeading("###", ds)
		d.printf("Sequential: scenario %s, step %s. Random: scenario %s, step %s.", code(sr.Sequential.Scenario),
			code(sr.Sequential.Step), code(sr.Random.Scenario), code(sr.Random.Step))
		if sr.Same != "" {
			d.printf(" Both read %s; only the order differs.\n\n", text(sr.Same))
		} else {
			d.printf(" **Not like with like**: no traversal did the random one's work in order, so this one stands in; they differ in %s.\n\n",
				text(strings.Join(sr.Differences, "; ")))
		}
		t := mdtable.New("format", "sequential>", "random>", "random vs sequential>")
		for _, row := range sr.Rows {
			t.Row(d.variantHeader(row.Variant), row.Sequential.TextWithNoise(view.Time), row.Random.TextWithNoise(view.Time), view.Dash(row.Ratio))
		}
		d.table(t)
		if a, b := d.r.MachineOf(ds.Name, sr.Sequential.Scenario), d.r.MachineOf(ds.Name, sr.Random.Scenario); a != "" && b != "" && a != b {
			d.printf("> **Across machines:** the sequential traversal ran on machine %s and the random one on %s, so their ratio compares machines as well as orders.\n\n", a, b)
		}
	}
}

func (d *doc) memory() {
	if !slices.ContainsFunc(d.r.Datasets, func(ds *view.Dataset) bool { return ds.Memory != nil && len(ds.Memory.Rows) > 0 }) {
		return
	}
	d.printf("## Memory\n\n")
	d.printf("Resident set size of the whole process: medians over runs, each with its spread ((max - min) / median).\n\n")
	for _, ds := range d.r.Datasets {
		m := ds.Memory
		if m == nil || len(m.Rows) == 0 {
			continue
		}
		d.datasetHeading("###", ds)
		for _, src := range []struct {
			what string
			from view.Source
		}{{"after open", m.Open}, {"after one get", m.Get}, {"after a traversal", m.Traverse}} {
			if src.from.Step != "" {
				d.printf("- %s: scenario %s, step %s\n", src.what, code(src.from.Scenario), code(src.from.Step))
			}
		}
		d.printf("\n")
		t := mdtable.New("format", "after open>", "after one get>", "after traversal>", "peak during traversal>")
		for _, row := range m.Rows {
			t.Row(d.variantHeader(row.Variant), row.AfterOpen.TextWithNoise(view.Size), row.AfterGet.TextWithNoise(view.Size),
				row.AfterTraverse.TextWithNoise(view.Size), row.PeakTraversal.TextWithNoise(view.Size))
		}
		d.table(t)
		var groups []view.GroupRef
		for _, src := range []view.Source{m.Open, m.Get, m.Traverse} {
			if src.Step != "" {
				groups = append(groups, view.GroupRef{Dataset: ds.Name, Scenario: src.Scenario})
			}
		}
		d.crossMachine(groups)
	}
}

func (d *doc) staircases() {
	if !slices.ContainsFunc(d.r.Datasets, func(ds *view.Dataset) bool { return len(ds.Staircases) > 0 }) {
		return
	}
	d.printf("## Traversal staircase\n\n")
	d.printf("Resident set size probed along a traversal (the median run), by prims read so far.\n\n")
	for _, ds := range d.r.Datasets {
		for _, sc := range ds.Staircases {
			if d.multi {
				d.printf("### %s: scenario %s, step %s\n\n", ds.Title(code), code(sc.Scenario), code(sc.Step))
			} else {
				d.printf("### Scenario %s, step %s\n\n", code(sc.Scenario), code(sc.Step))
			}
			header := []string{"prims read>"}
			for _, s := range sc.Series {
				header = append(header, d.variantHeader(s.Variant)+">")
			}
			t := mdtable.New(header...)
			for _, p := range sc.Prims {
				row := []string{units.Count(int64(p))}
				for _, s := range sc.Series {
					row = append(row, s.RSSText(p))
				}
				t.Row(row...)
			}
			d.table(t)
		}
	}
}

func (d *doc) sweeps() {
	if len(d.r.Sweeps) == 0 {
		return
	}
	d.printf("## Scaling with prim count\n\n")
	for _, sw := range d.r.Sweeps {
		var names []string
		for _, ds := range sw.Datasets {
			names = append(names, code(ds.Name))
		}
		d.printf("Datasets %s (%s hierarchy): median per step.\n\n", strings.Join(names, ", "), view.Dash(sw.Hierarchy))
		header := []string{"scenario", "step", "prims>"}
		for _, v := range d.r.Variants {
			header = append(header, d.variantHeader(v)+">")
		}
		t := mdtable.New(header...)
		var groups []view.GroupRef
		for _, st := range sw.Steps {
			for i, ds := range sw.Datasets {
				row := []string{st.Scenario, st.Step, units.Count(int64(ds.Prims()))}
				for _, v := range st.Values[i] {
					row = append(row, v.TextWithNoise(view.Time))
				}
				t.Row(row...)
				groups = append(groups, view.GroupRef{Dataset: ds.Name, Scenario: st.Scenario})
			}
		}
		d.table(t)
		d.crossMachine(groups)
	}
}

func (d *doc) warnings() {
	if len(d.r.WarningGroups) == 0 {
		return
	}
	d.printf("## Warnings\n\n")
	d.printf("Each kind of warning once, with every place it was raised.\n\n")
	for _, g := range d.r.WarningGroups {
		if g.RunWide() {
			d.printf("- **%s** (the whole run)\n", text(g.Summary))
			continue
		}
		var where []string
		for _, it := range g.Items {
			w := code(it.Where)
			if it.Where == "run" {
				w = "the run"
			}
			if it.Detail != "" {
				w += " " + text(it.Detail)
			}
			where = append(where, w)
		}
		d.printf("- **%s**: %s\n", text(g.Summary), strings.Join(where, ", "))
	}
	d.printf("\n")
}

func (d *doc) problems() {
	if len(d.r.Problems) == 0 {
		return
	}
	d.printf("## Problems\n\n")
	d.printf("Cells that did not end ok. Their figures never win a table.\n\n")
	for _, p := range d.r.Problems {
		c := p.Cell
		d.printf("- **%s** %s", strings.ToUpper(view.Dash(c.Status)), code(c.ID))
		if c.Error != "" {
			d.printf(": %s", text(c.Error))
		}
		d.printf("\n")
		for _, det := range p.Details {
			d.printf("  - %s\n", text(det))
		}
		if c.Stderr != "" {
			d.printf("\n  ```text\n")
			for _, line := range strings.Split(strings.TrimRight(c.Stderr, "\n"), "\n") {
				d.printf("  %s\n", strings.ReplaceAll(line, "```", "'''"))
			}
			d.printf("  ```\n\n")
		}
	}
	d.printf("\n")
}
