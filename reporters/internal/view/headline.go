package view

import (
	"strings"

	"github.com/scenebench/runner/runner/results"
)

// The headlines, in the order "Results at a glance" shows them. The file
// size row is not a step's and is added by glance.
var headlineRows = []struct{ key, name string }{
	{"first-value", "time to first value"},
	{"open", "open"},
	{"cold-get", "cold get"},
	{"warm-get", "warm get"},
	{"single-traversal", "single-property traversal"},
	{"multi-traversal", "multi-property traversal"},
	{"random-traversal", "random traversal"},
}

// headlines chooses the step behind each headline row of a dataset. For
// each headline the first step (scenarios in file order, steps in scenario
// order) matching its highest-priority rule wins, and a step serves one
// headline at most; a headline no step matches is left out.
//
// When the results say what each step is (traits and params, written by
// every run since they were added), the rules read those:
//
//   - time to first value: the derived first-value step (open plus the
//     first read, per run) whose read is of one property; else any.
//   - open: an open step (results.TraitOpen) in a scenario made only of
//     open steps; else the first open step.
//   - cold get: a point read that is the first read after an open
//     (TraitRead and TraitFirstRead) of one property; else of any number.
//   - warm get: a point read that is not the first read, of one property;
//     else of any number.
//   - single-property traversal: a traversal (TraitTraversal) of one
//     property in layer order over every prim; else in layer order; else in
//     any order but random.
//   - multi-property traversal: the same for two properties or more.
//   - random traversal: a traversal in random order.
//
// The number of properties is the length of the "properties" param; a
// traversal that names none reads every property, counted as its values
// per prim.
//
// Results written before traits existed are read by the fallback: names.
// Scenario and step names are split into lower-case words at every
// non-alphanumeric character, and
//
//   - time to first value: a step of op first-value.
//   - open: an "open" step in a scenario named open, load, initial or
//     startup; else in a scenario made only of open steps; else the first
//     open step.
//   - cold get: a "get" step whose step or scenario name says cold; else
//     the first get of a scenario whose name does not say multi; else any
//     first get of a scenario.
//   - warm get: a get step whose name or scenario says warm or hot; else a
//     later get of a scenario whose name does not say multi.
//   - single-property traversal: a "traverse" step neither random nor
//     multi whose name or scenario says single or one; else one reading
//     exactly one value per prim (values = prims); else the first remaining
//     traverse that does not read two or more values per prim.
//   - multi-property traversal: a traverse step not random whose name or
//     scenario says multi, multiple, many or all; else one reading at least
//     two values per prim (values >= 2 x prims).
//   - random traversal: a traverse step whose name or scenario says random
//     or shuffle.
func (r *Report) headlines(d *Dataset) []*Metric {
	rules := nameRules(int64(d.Prims()))
	if d.hasTraits() {
		rules = traitRules(int64(d.Prims()))
	}
	cands := candidates(d)
	used := map[*StepTable]bool{}
	var out []*Metric
	for _, h := range headlineRows {
		c := pick(cands, used, rules[h.key]...)
		if c == nil {
			continue
		}
		used[c.step] = true
		out = append(out, r.stepMetric(h.key, h.name, c.step))
	}
	return out
}

// candidate is one step of one scenario seen by the headline rules.
type candidate struct {
	scenario *Scenario
	step     *StepTable
	words    map[string]bool // step and scenario words
	scWords  map[string]bool
	firstGet bool // the first get of its scenario
	onlyOpen bool // its scenario holds only open steps
	// firstValueReads is, for a first-value step, how many properties its
	// read step reads (0 when unknown).
	firstValueReads int64
}

func candidates(d *Dataset) []candidate {
	var out []candidate
	for _, s := range d.Scenarios {
		onlyOpen := true
		for _, t := range s.Steps {
			if t.Op != "open" && t.Op != results.OpFirstValue {
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
			if read, _ := t.Params["read"].(string); read != "" {
				for _, rt := range s.Steps {
					if rt.Name == read {
						c.firstValueReads = rt.PropertyCount(int64(d.Prims()))
					}
				}
			}
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

func and(rs ...rule) rule {
	return func(c candidate) bool {
		for _, x := range rs {
			if !x(c) {
				return false
			}
		}
		return true
	}
}

func not(x rule) rule { return func(c candidate) bool { return !x(c) } }

func onlyOpen(c candidate) bool { return c.onlyOpen }

// traitRules are the rules for results whose steps carry traits.
func traitRules(prims int64) map[string][]rule {
	is := func(trait string) rule { return func(c candidate) bool { return c.step.Is(trait) } }
	order := func(o string) rule { return func(c candidate) bool { return c.step.Order() == o } }
	props := func(min, max int64) rule {
		return func(c candidate) bool {
			n := c.step.PropertyCount(prims)
			return n >= min && (max == 0 || n <= max)
		}
	}
	allPrims := func(c candidate) bool { return c.step.IntParam("limit") == 0 && !c.step.Sparse() }
	open, read, first, traversal := is(results.TraitOpen), is(results.TraitRead), is(results.TraitFirstRead), is(results.TraitTraversal)
	layer := func(c candidate) bool { o := c.step.Order(); return o == "layer" || o == "" }
	ordered := func(props rule) []rule {
		return []rule{
			and(traversal, props, layer, allPrims),
			and(traversal, props, layer),
			and(traversal, props, not(order("random"))),
		}
	}
	firstValue := is(results.TraitFirstValue)
	readsOne := func(c candidate) bool { return c.firstValueReads == 1 }
	return map[string][]rule{
		"first-value":      {and(firstValue, readsOne), firstValue},
		"open":             {and(open, onlyOpen), open},
		"cold-get":         {and(read, first, props(1, 1)), and(read, first)},
		"warm-get":         {and(read, not(first), props(1, 1)), and(read, not(first))},
		"single-traversal": ordered(props(1, 1)),
		"multi-traversal":  ordered(props(2, 0)),
		"random-traversal": {and(traversal, order("random"))},
	}
}

// nameRules are the fallback for results without traits.
func nameRules(prims int64) map[string][]rule {
	op := func(o string) rule { return func(c candidate) bool { return c.step.Op == o } }
	says := func(keys ...string) rule { return func(c candidate) bool { return hasAny(c.words, keys...) } }
	scenarioSays := func(keys ...string) rule { return func(c candidate) bool { return hasAny(c.scWords, keys...) } }
	isRandom := func(c candidate) bool { return saysRandom(c.words) }
	isMulti := says("multi", "multiple", "many", "all")
	firstGet := func(c candidate) bool { return c.firstGet }
	valuesPerPrim := func(min, max int64) rule {
		return func(c candidate) bool {
			v := c.step.Values
			if prims <= 0 || v <= 0 {
				return false
			}
			return v >= min*prims && (max == 0 || v <= max*prims) && v%prims == 0
		}
	}
	traverse := op("traverse")
	return map[string][]rule{
		"first-value": {op(results.OpFirstValue)},
		"open": {
			and(op("open"), scenarioSays("open", "load", "initial", "startup")),
			and(op("open"), onlyOpen),
			op("open")},
		"cold-get": {
			and(op("get"), says("cold"), not(says("warm", "hot"))),
			and(op("get"), firstGet, not(scenarioSays("multi", "multiple"))),
			and(op("get"), firstGet)},
		"warm-get": {
			and(op("get"), says("warm", "hot")),
			and(op("get"), not(firstGet), not(scenarioSays("multi", "multiple")))},
		"single-traversal": {
			and(traverse, not(isRandom), not(isMulti), says("single", "one")),
			and(traverse, not(isRandom), not(isMulti), valuesPerPrim(1, 1)),
			and(traverse, not(isRandom), not(isMulti), not(valuesPerPrim(2, 0)))},
		"multi-traversal": {
			and(traverse, not(isRandom), isMulti),
			and(traverse, not(isRandom), valuesPerPrim(2, 0))},
		"random-traversal": {
			and(traverse, isRandom)},
	}
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

// saysRandom reports whether words name a random order.
func saysRandom(w map[string]bool) bool { return hasAny(w, "random", "shuffle", "shuffled") }
