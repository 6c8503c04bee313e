// Package view arranges a results file into what every report shows: the
// format variants in order, per-dataset tables of steps, the headline
// metrics, file sizes, memory, staircases, size sweeps, problems and
// warnings. It only picks, orders and compares figures the results file
// already holds (medians, intervals, sizes); it computes no statistics.
//
// # Headline metrics
//
// "Results at a glance" maps scenario and step names to seven metrics.
// Names are split into lower-case words at every non-alphanumeric
// character; for each metric the first step (scenarios in file order,
// steps in scenario order) matching the highest-priority rule wins:
//
//   - file size: the dataset's files.
//   - open: an "open" step in a scenario named open, load, initial or
//     startup; else in a scenario made only of open steps; else the first
//     open step.
//   - cold get: a "get" step whose step or scenario name says cold; else
//     the first get of a scenario whose name does not say multi; else any
//     first get of a scenario.
//   - warm get: a get step whose name or scenario says warm or hot; else a
//     later get of a scenario whose name does not say multi.
//   - random traversal: a "traverse" step whose name or scenario says
//     random or shuffle.
//   - multi-property traversal: a traverse step not random whose name or
//     scenario says multi, multiple, many or all; else one reading at least
//     two values per prim (values >= 2 x prims).
//   - single-property traversal: a traverse step neither random nor multi
//     whose name or scenario says single or one; else one reading exactly
//     one value per prim (values = prims); else the first remaining traverse.
//
// A metric with no matching step is left out of the table.
package view

import (
	"fmt"
	"sort"
	"strings"

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
	Index      int
}

// Report is a results file arranged for rendering.
type Report struct {
	File     *results.File
	Baseline string // the baseline variant label ("" when there is none)
	Variants []*Variant
	Datasets []*Dataset
	// Scenarios are the scenario names in order of first appearance.
	Scenarios []string
	Sweeps    []*Sweep
	Problems  []Problem
	Warnings  []Warning
	// WarningGroups gathers warnings of identical text, in order of first
	// appearance, so a warning raised for every step is listed once.
	WarningGroups []WarningGroup
	Statuses      []StatusCount
}

// WarningGroup is one warning text and everywhere it was raised.
type WarningGroup struct {
	Text  string
	Where []string
}

// StatusCount is how many cells ended with one status.
type StatusCount struct {
	Status string
	Cells  int
}

// Dataset holds everything reported about one dataset.
type Dataset struct {
	Name       string
	Info       *results.Dataset // nil when the file does not describe it
	Sizes      []SizeRow
	SizeWinner string
	Scenarios  []*Scenario
	Glance     []*Metric
	SeqRandom  *SeqRandom
	Memory     *Memory
	Staircases []*Staircase
}

// Prims is the dataset's prim count (0 when unknown).
func (d *Dataset) Prims() int {
	if d.Info == nil {
		return 0
	}
	return d.Info.Prims
}

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
	Winner   string
	BaseNS   float64 // the baseline row's median (0 when it has no usable row)
	// Ops, Values and Probes come from the first row that has the step.
	Ops    int64
	Values int64
	Probes bool
}

// StepRow is one variant's figures for a step.
type StepRow struct {
	Variant *Variant
	Cell    *results.Cell
	Step    *results.Step // nil when the cell has no such step
	Ratio   string        // against the baseline's median ("baseline" for itself)
	Winner  bool
	Digest  string // digest differing from most variants' ("" when it agrees)
}

// Usable reports whether the row has measured samples to show.
func (r StepRow) Usable() bool {
	return r.Step != nil && len(r.Step.SamplesNS) > 0 &&
		(r.Cell.Status == results.StatusOK || r.Cell.Status == results.StatusMismatch)
}

// Value is the row's median as a Value.
func (r StepRow) Value() Value {
	v := Value{Variant: r.Variant, Present: true, Status: r.Cell.Status, Ratio: r.Ratio, Winner: r.Winner}
	if r.Usable() {
		v.V = r.Step.Stats.MedianNS
		v.Low, v.High = r.Step.Stats.CI95LowNS, r.Step.Stats.CI95HighNS
		v.Has = true
	}
	return v
}

// Value is one variant's figure in a table cell.
type Value struct {
	Variant   *Variant
	Present   bool    // a cell exists for this variant
	Has       bool    // V holds a measured figure
	Status    string  // the cell's status
	V         float64 // median ns or bytes
	Low, High float64 // 95% interval of a median (0 when absent)
	Ratio     string
	Winner    bool
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

// Format renders a figure of kind k.
func Format(k Kind, v float64) string {
	if k == Size {
		return Bytes(v)
	}
	return Duration(v)
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

// Metric is one row of "Results at a glance".
type Metric struct {
	Key    string // stable id: file-size, open, cold-get, ...
	Name   string // "cold get"
	Kind   Kind
	Source string // where the figures come from, in words
	// Scenario and Step locate the figures ("" for file size).
	Scenario string
	Step     string
	Values   []Value // by Variant.Index
	Winner   string
}

// SizeRow is one variant's file.
type SizeRow struct {
	Variant     *Variant
	Bytes       int64
	Ratio       string // against the baseline's file
	Compression string // uncompressed size / this size, "–" when unknown
	Winner      bool
}

// SeqRandom compares layer-order and random-order traversals.
type SeqRandom struct {
	Sequential, Random *Metric
	Rows               []SeqRandomRow
}

// SeqRandomRow is one variant's pair of traversal times.
type SeqRandomRow struct {
	Variant            *Variant
	Sequential, Random Value
	Ratio              string // random against sequential
}

// Memory is resident memory at three points of a scenario.
type Memory struct {
	// Open, Get and Traverse say which steps the columns come from.
	Open, Get, Traverse Source
	Rows                []MemoryRow
}

// Source names a step; the zero Source names none.
type Source struct{ Scenario, Step string }

// MemoryRow is one variant's memory figures (medians over runs, bytes).
type MemoryRow struct {
	Variant                      *Variant
	AfterOpen, AfterGet          Value
	AfterTraverse, PeakTraversal Value
}

// Staircase is the probes of one traversal step over every variant.
type Staircase struct {
	Scenario, Step string
	Prims          []int // every probe point, ascending
	Series         []StairSeries
}

// StairSeries is one variant's probes.
type StairSeries struct {
	Variant *Variant
	Probes  []results.Probe
}

// RSSAt returns the RSS probed after prims prims.
func (s StairSeries) RSSAt(prims int) (float64, bool) {
	for _, p := range s.Probes {
		if p.Prims == prims {
			return p.RSSBytes, true
		}
	}
	return 0, false
}

// Sweep is a set of datasets alike but for their prim counts.
type Sweep struct {
	Hierarchy string
	Schema    string
	Datasets  []*Dataset // ascending prim counts
	Steps     []*SweepStep
}

// SweepStep is one scenario step across a sweep's datasets.
type SweepStep struct {
	Scenario, Step, Op string
	// Values[i][j] is dataset i, variant j.
	Values [][]Value
}

// Problem is a cell that did not end ok.
type Problem struct {
	Cell    *results.Cell
	Details []string
}

// Warning is a measurement warning and where it was raised.
type Warning struct {
	Where string // "run", a cell id, or "cell id, step name"
	Text  string
}

// New arranges f for rendering.
func New(f *results.File) (*Report, error) {
	if f == nil {
		return nil, fmt.Errorf("no results to report")
	}
	r := &Report{File: f}
	r.variants()
	r.datasets()
	for _, d := range r.Datasets {
		r.scenarios(d)
		for _, s := range d.Scenarios {
			for _, st := range s.Steps {
				r.compareRows(d, st)
			}
		}
		r.sizes(d)
		r.glance(d)
		r.seqRandom(d)
		r.memory(d)
		r.staircases(d)
	}
	r.sweeps()
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
	}
	for _, d := range r.File.Datasets {
		for _, fl := range d.Files {
			add(fl.Format, "", nil)
		}
	}
	base := r.File.Report.Baseline
	if _, ok := seen[base]; !ok {
		base = ""
		if len(r.Variants) > 0 {
			base = r.Variants[0].Label
		}
	}
	r.Baseline = base
	if v, ok := seen[base]; ok {
		v.Baseline = true
	}
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
				t.Rows = append(t.Rows, row)
			}
			s.Steps = append(s.Steps, t)
		}
		d.Scenarios = append(d.Scenarios, s)
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

func findStep(c *results.Cell, name string) *results.Step {
	for i := range c.Steps {
		if c.Steps[i].Name == name {
			return &c.Steps[i]
		}
	}
	return nil
}

// compareRows fills ratios, the winner and digest disagreements of a step.
func (r *Report) compareRows(d *Dataset, t *StepTable) {
	base := -1
	for i, row := range t.Rows {
		if row.Variant.Baseline && row.Usable() {
			base = i
		}
	}
	if base >= 0 {
		t.BaseNS = t.Rows[base].Step.Stats.MedianNS
	}
	best, candidates := -1, 0
	for i, row := range t.Rows {
		if !row.Usable() {
			continue
		}
		if base >= 0 {
			if i == base {
				t.Rows[i].Ratio = "baseline"
			} else {
				t.Rows[i].Ratio = TimeRatio(row.Step.Stats.MedianNS, t.Rows[base].Step.Stats.MedianNS)
			}
		}
		if row.Cell.Status != results.StatusOK {
			continue
		}
		candidates++
		if best < 0 || row.Step.Stats.MedianNS < t.Rows[best].Step.Stats.MedianNS {
			best = i
		}
	}
	if candidates >= 2 {
		t.Rows[best].Winner = true
		t.Winner = t.Rows[best].Variant.Label
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

func (r *Report) sizes(d *Dataset) {
	if d.Info == nil {
		return
	}
	files := map[string]int64{}
	for _, fl := range d.Info.Files {
		if _, ok := files[fl.Format]; !ok {
			files[fl.Format] = fl.Bytes
		}
	}
	baseBytes, hasBase := files[r.Baseline]
	best := -1
	for _, v := range r.Variants {
		b, ok := files[v.Label]
		if !ok {
			continue
		}
		row := SizeRow{Variant: v, Bytes: b, Compression: "–"}
		if hasBase {
			if v.Baseline {
				row.Ratio = "baseline"
			} else {
				row.Ratio = SizeRatio(float64(b), float64(baseBytes))
			}
		}
		if u := r.uncompressed(v); u != nil {
			if ub, ok := files[u.Label]; ok && b > 0 {
				row.Compression = Factor(float64(ub) / float64(b))
			}
		}
		d.Sizes = append(d.Sizes, row)
		if best < 0 || b < d.Sizes[best].Bytes {
			best = len(d.Sizes) - 1
		}
	}
	if len(d.Sizes) >= 2 {
		d.Sizes[best].Winner = true
		d.SizeWinner = d.Sizes[best].Variant.Label
	}
}

// uncompressed finds the variant of v's format that differs from v only in
// having compression "none".
func (r *Report) uncompressed(v *Variant) *Variant {
	if _, ok := v.Axes["compression"]; !ok {
		return nil
	}
	for _, u := range r.Variants {
		if u.FormatName != v.FormatName || len(u.Axes) != len(v.Axes) {
			continue
		}
		switch strings.ToLower(u.Axes["compression"]) {
		case "none", "uncompressed", "off":
		default:
			continue
		}
		same := true
		for k, val := range v.Axes {
			if k != "compression" && u.Axes[k] != val {
				same = false
			}
		}
		if same {
			return u
		}
	}
	return nil
}

// words splits a name into lower-case alphanumeric words.
func words(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}) {
		out[w] = true
	}
	return out
}

func hasAny(w map[string]bool, keys ...string) bool {
	for _, k := range keys {
		if w[k] {
			return true
		}
	}
	return false
}

// candidate is one step of one scenario seen by the headline rules.
type candidate struct {
	scenario *Scenario
	step     *StepTable
	words    map[string]bool // step and scenario words
	scWords  map[string]bool
	firstGet bool // the first get of its scenario
	onlyOpen bool // its scenario holds only open steps
}

func (c candidate) random() bool { return hasAny(c.words, "random", "shuffle", "shuffled") }
func (c candidate) multi() bool  { return hasAny(c.words, "multi", "multiple", "many", "all") }

func (r *Report) candidates(d *Dataset) []candidate {
	var out []candidate
	for _, s := range d.Scenarios {
		onlyOpen := true
		for _, t := range s.Steps {
			if t.Op != "open" {
				onlyOpen = false
			}
		}
		sw := words(s.Name)
		seenGet := false
		for _, t := range s.Steps {
			w := words(t.Name)
			for k := range sw {
				w[k] = true
			}
			c := candidate{scenario: s, step: t, words: w, scWords: sw, onlyOpen: onlyOpen}
			if t.Op == "get" && !seenGet {
				c.firstGet, seenGet = true, true
			}
			out = append(out, c)
		}
	}
	return out
}

type rule func(candidate) bool

// pick returns the first candidate of the highest-priority rule that
// matches any, skipping steps already used.
func pick(cands []candidate, used map[*StepTable]bool, rules ...rule) *candidate {
	for _, rl := range rules {
		for i := range cands {
			if !used[cands[i].step] && rl(cands[i]) {
				return &cands[i]
			}
		}
	}
	return nil
}

func (r *Report) glance(d *Dataset) {
	if len(d.Sizes) > 0 {
		m := &Metric{Key: "file-size", Name: "file size", Kind: Size, Source: "dataset files",
			Values: make([]Value, len(r.Variants))}
		for _, v := range r.Variants {
			m.Values[v.Index] = Value{Variant: v}
		}
		for _, s := range d.Sizes {
			m.Values[s.Variant.Index] = Value{Variant: s.Variant, Present: true, Has: true,
				Status: results.StatusOK, V: float64(s.Bytes), Ratio: s.Ratio, Winner: s.Winner}
		}
		m.Winner = d.SizeWinner
		d.Glance = append(d.Glance, m)
	}
	cands := r.candidates(d)
	used := map[*StepTable]bool{}
	prims := int64(d.Prims())
	op := func(o string) rule { return func(c candidate) bool { return c.step.Op == o } }
	and := func(rs ...rule) rule {
		return func(c candidate) bool {
			for _, x := range rs {
				if !x(c) {
					return false
				}
			}
			return true
		}
	}
	not := func(x rule) rule { return func(c candidate) bool { return !x(c) } }
	says := func(keys ...string) rule { return func(c candidate) bool { return hasAny(c.words, keys...) } }
	scenarioSays := func(keys ...string) rule { return func(c candidate) bool { return hasAny(c.scWords, keys...) } }
	isRandom := func(c candidate) bool { return c.random() }
	isMulti := func(c candidate) bool { return c.multi() }
	firstGet := func(c candidate) bool { return c.firstGet }
	onlyOpen := func(c candidate) bool { return c.onlyOpen }
	valuesPerPrim := func(min, max int64) rule {
		return func(c candidate) bool {
			v := c.step.Values
			if prims <= 0 || v <= 0 {
				return false
			}
			return v >= min*prims && (max == 0 || v <= max*prims) && v%prims == 0
		}
	}

	type spec struct {
		key, name string
		rules     []rule
	}
	traverse := op("traverse")
	specs := []spec{
		{"open", "open", []rule{
			and(op("open"), scenarioSays("open", "load", "initial", "startup")),
			and(op("open"), onlyOpen),
			op("open")}},
		{"cold-get", "cold get", []rule{
			and(op("get"), says("cold"), not(says("warm", "hot"))),
			and(op("get"), firstGet, not(scenarioSays("multi", "multiple"))),
			and(op("get"), firstGet)}},
		{"warm-get", "warm get", []rule{
			and(op("get"), says("warm", "hot")),
			and(op("get"), not(firstGet), not(scenarioSays("multi", "multiple")))}},
		{"single-traversal", "single-property traversal", []rule{
			and(traverse, not(isRandom), not(isMulti), says("single", "one")),
			and(traverse, not(isRandom), not(isMulti), valuesPerPrim(1, 1)),
			and(traverse, not(isRandom), not(isMulti), not(valuesPerPrim(2, 0)))}},
		{"multi-traversal", "multi-property traversal", []rule{
			and(traverse, not(isRandom), isMulti),
			and(traverse, not(isRandom), valuesPerPrim(2, 0))}},
		{"random-traversal", "random traversal", []rule{
			and(traverse, isRandom)}},
	}
	for _, sp := range specs {
		c := pick(cands, used, sp.rules...)
		if c == nil {
			continue
		}
		used[c.step] = true
		d.Glance = append(d.Glance, r.stepMetric(sp.key, sp.name, c.scenario, c.step))
	}
	// Keep the documented row order whatever order the picks ran in.
	order := map[string]int{"file-size": 0, "open": 1, "cold-get": 2, "warm-get": 3,
		"single-traversal": 4, "multi-traversal": 5, "random-traversal": 6}
	sort.SliceStable(d.Glance, func(i, j int) bool { return order[d.Glance[i].Key] < order[d.Glance[j].Key] })
}

// stepMetric turns a step table into a headline row.
func (r *Report) stepMetric(key, name string, s *Scenario, t *StepTable) *Metric {
	m := &Metric{Key: key, Name: name, Kind: Time, Scenario: s.Name, Step: t.Name,
		Source: fmt.Sprintf("scenario %s, step %s", s.Name, t.Name),
		Values: make([]Value, len(r.Variants)),
		Winner: t.Winner}
	for _, v := range r.Variants {
		m.Values[v.Index] = Value{Variant: v}
	}
	for _, row := range t.Rows {
		m.Values[row.Variant.Index] = row.Value()
	}
	return m
}

func (d *Dataset) metric(key string) *Metric {
	for _, m := range d.Glance {
		if m.Key == key {
			return m
		}
	}
	return nil
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

func (r *Report) seqRandom(d *Dataset) {
	rnd := d.metric("random-traversal")
	if rnd == nil {
		return
	}
	rt := d.stepTable(rnd.Scenario, rnd.Step)
	var seq *Metric
	// A layer-order traversal of the same size, else the headline ones.
	for _, s := range d.Scenarios {
		for _, t := range s.Steps {
			if seq == nil && t.Op == "traverse" && t != rt && t.Values == rt.Values && t.Values > 0 &&
				!hasAny(words(s.Name+" "+t.Name), "random", "shuffle", "shuffled") {
				seq = r.stepMetric("sequential-traversal", "sequential traversal", s, t)
			}
		}
	}
	if seq == nil {
		seq = d.metric("single-traversal")
	}
	if seq == nil {
		seq = d.metric("multi-traversal")
	}
	if seq == nil {
		return
	}
	sr := &SeqRandom{Sequential: seq, Random: rnd}
	for _, v := range r.Variants {
		a, b := seq.Values[v.Index], rnd.Values[v.Index]
		if !a.Present && !b.Present {
			continue
		}
		row := SeqRandomRow{Variant: v, Sequential: a, Random: b}
		if a.Has && b.Has {
			row.Ratio = TimeRatio(b.V, a.V)
		}
		sr.Rows = append(sr.Rows, row)
	}
	d.SeqRandom = sr
}

func (r *Report) memory(d *Dataset) {
	var openT, getT, travT *StepTable
	var openSc, getSc, travSc string
	for _, s := range d.Scenarios {
		if !hasAny(words(s.Name), "memory", "mem", "rss") {
			continue
		}
		for _, t := range s.Steps {
			switch {
			case t.Op == "open" && openT == nil:
				openT, openSc = t, s.Name
			case t.Op == "get" && getT == nil:
				getT, getSc = t, s.Name
			case t.Op == "traverse" && travT == nil:
				travT, travSc = t, s.Name
			}
		}
		break
	}
	fromMetric := func(keys ...string) (*StepTable, string) {
		for _, k := range keys {
			if m := d.metric(k); m != nil {
				return d.stepTable(m.Scenario, m.Step), m.Scenario
			}
		}
		return nil, ""
	}
	if openT == nil {
		openT, openSc = fromMetric("open")
	}
	if getT == nil {
		getT, getSc = fromMetric("cold-get", "warm-get")
	}
	if travT == nil {
		travT, travSc = fromMetric("single-traversal", "multi-traversal", "random-traversal")
	}
	if openT == nil && getT == nil && travT == nil {
		return
	}
	src := func(t *StepTable, sc string) Source {
		if t == nil {
			return Source{}
		}
		return Source{sc, t.Name}
	}
	m := &Memory{Open: src(openT, openSc), Get: src(getT, getSc), Traverse: src(travT, travSc)}
	figure := func(t *StepTable, v *Variant, peak bool) Value {
		out := Value{Variant: v}
		if t == nil {
			return out
		}
		for _, row := range t.Rows {
			if row.Variant != v {
				continue
			}
			out = Value{Variant: v, Present: true, Status: row.Cell.Status}
			if row.Usable() {
				out.Has = true
				out.V = row.Step.Memory.RSSAfterBytes.Median
				if peak {
					out.V = row.Step.Memory.PeakRSSBytes.Median
				}
			}
		}
		return out
	}
	for _, v := range r.Variants {
		row := MemoryRow{Variant: v, AfterOpen: figure(openT, v, false), AfterGet: figure(getT, v, false),
			AfterTraverse: figure(travT, v, false), PeakTraversal: figure(travT, v, true)}
		if row.AfterOpen.Present || row.AfterGet.Present || row.AfterTraverse.Present {
			m.Rows = append(m.Rows, row)
		}
	}
	d.Memory = m
}

func (r *Report) staircases(d *Dataset) {
	for _, s := range d.Scenarios {
		for _, t := range s.Steps {
			if !t.Probes {
				continue
			}
			sc := &Staircase{Scenario: s.Name, Step: t.Name}
			seen := map[int]bool{}
			for _, row := range t.Rows {
				if row.Step == nil || len(row.Step.Probes) == 0 {
					continue
				}
				sc.Series = append(sc.Series, StairSeries{Variant: row.Variant, Probes: row.Step.Probes})
				for _, p := range row.Step.Probes {
					if !seen[p.Prims] {
						seen[p.Prims] = true
						sc.Prims = append(sc.Prims, p.Prims)
					}
				}
			}
			sort.Ints(sc.Prims)
			d.Staircases = append(d.Staircases, sc)
		}
	}
}

func (r *Report) sweeps() {
	type key struct {
		hierarchy, schema string
		payload           bool
	}
	groups := map[key][]*Dataset{}
	var order []key
	for _, d := range r.Datasets {
		if d.Info == nil || d.Info.Prims <= 0 {
			continue
		}
		k := key{d.Info.Hierarchy, d.Info.Schema, d.Info.Payload}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], d)
	}
	for _, k := range order {
		ds := groups[k]
		sort.SliceStable(ds, func(i, j int) bool { return ds[i].Info.Prims < ds[j].Info.Prims })
		distinct := map[int]bool{}
		for _, d := range ds {
			distinct[d.Info.Prims] = true
		}
		if len(distinct) < 2 {
			continue
		}
		sw := &Sweep{Hierarchy: k.hierarchy, Schema: k.schema, Datasets: ds}
		type stepKey struct{ scenario, step string }
		seen := map[stepKey]*SweepStep{}
		for _, scName := range r.Scenarios {
			for i, d := range ds {
				for _, s := range d.Scenarios {
					if s.Name != scName {
						continue
					}
					for _, t := range s.Steps {
						sk := stepKey{s.Name, t.Name}
						ss, ok := seen[sk]
						if !ok {
							ss = &SweepStep{Scenario: s.Name, Step: t.Name, Op: t.Op, Values: make([][]Value, len(ds))}
							for j := range ss.Values {
								ss.Values[j] = make([]Value, len(r.Variants))
								for _, v := range r.Variants {
									ss.Values[j][v.Index] = Value{Variant: v}
								}
							}
							seen[sk] = ss
							sw.Steps = append(sw.Steps, ss)
						}
						for _, row := range t.Rows {
							ss.Values[i][row.Variant.Index] = row.Value()
						}
					}
				}
			}
		}
		r.Sweeps = append(r.Sweeps, sw)
	}
}

func (r *Report) problems() {
	counts := map[string]int{}
	for i := range r.File.Cells {
		c := &r.File.Cells[i]
		counts[c.Status]++
		if c.Status == results.StatusOK {
			continue
		}
		p := Problem{Cell: c}
		if c.Status == results.StatusMismatch {
			p.Details = r.digestDetails(c)
		}
		r.Problems = append(r.Problems, p)
	}
	known := []string{results.StatusOK, results.StatusMismatch, results.StatusFailed, results.StatusTimeout, results.StatusSkipped}
	for _, s := range known {
		if counts[s] > 0 {
			r.Statuses = append(r.Statuses, StatusCount{s, counts[s]})
		}
		delete(counts, s)
	}
	var other []string
	for s := range counts {
		other = append(other, s)
	}
	sort.Strings(other)
	for _, s := range other {
		r.Statuses = append(r.Statuses, StatusCount{s, counts[s]})
	}
}

// digestDetails explains which steps of a mismatched cell disagree.
func (r *Report) digestDetails(c *results.Cell) []string {
	var out []string
	for _, d := range r.Datasets {
		if d.Name != c.Dataset {
			continue
		}
		for _, s := range d.Scenarios {
			if s.Name != c.Scenario {
				continue
			}
			for _, t := range s.Steps {
				var self string
				var agree []string
				agreed := ""
				for _, row := range t.Rows {
					if row.Step == nil || row.Step.Digest == "" {
						continue
					}
					if row.Cell == c {
						self = row.Digest
						continue
					}
					if row.Digest == "" {
						agree = append(agree, row.Variant.Label)
						agreed = row.Step.Digest
					}
				}
				if self == "" {
					continue
				}
				line := fmt.Sprintf("step %s read digest %s", t.Name, self)
				if agreed != "" {
					line += fmt.Sprintf(", but %s read %s", strings.Join(agree, ", "), agreed)
				}
				out = append(out, line)
			}
		}
	}
	if len(out) == 0 {
		out = append(out, "its digests disagree with another variant's")
	}
	return out
}

func (r *Report) warnings() {
	for _, w := range r.File.Warnings {
		r.Warnings = append(r.Warnings, Warning{Where: "run", Text: w})
	}
	for i := range r.File.Cells {
		c := &r.File.Cells[i]
		mentionsCold := false
		for _, w := range c.Warnings {
			r.Warnings = append(r.Warnings, Warning{Where: c.ID, Text: w})
			if strings.Contains(strings.ToLower(w), "cold") {
				mentionsCold = true
			}
		}
		for _, st := range c.Steps {
			for _, w := range st.Warnings {
				r.Warnings = append(r.Warnings, Warning{Where: c.ID + ", step " + st.Name, Text: w})
				if strings.Contains(strings.ToLower(w), "cold") {
					mentionsCold = true
				}
			}
		}
		if c.ColdCache != nil && !*c.ColdCache && !mentionsCold {
			r.Warnings = append(r.Warnings, Warning{Where: c.ID, Text: "cold cache not achieved: the dataset's pages could not be dropped"})
		}
	}
}

func (r *Report) groupWarnings() {
	index := map[string]int{}
	for _, w := range r.Warnings {
		i, ok := index[w.Text]
		if !ok {
			i = len(r.WarningGroups)
			index[w.Text] = i
			r.WarningGroups = append(r.WarningGroups, WarningGroup{Text: w.Text})
		}
		r.WarningGroups[i].Where = append(r.WarningGroups[i].Where, w.Where)
	}
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
