package view

import (
	"fmt"
	"sort"
	"strings"

	"github.com/scenebench/runner/runner/results"
)

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

// glance fills d.Glance, the rows of "Results at a glance". It maps
// scenario and step names to seven metrics.
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
func (r *Report) glance(d *Dataset) {
	if len(d.Sizes) > 0 {
		m := &Metric{Key: "file-size", Name: "file size", Kind: Size, Source: "dataset files",
			Values: r.absentValues()}
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
		Values: r.absentValues(),
		Winner: t.Winner}
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
