package spec

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/scenebench/runner/internal/param"
	"github.com/scenebench/runner/runner/dataset"
	"github.com/scenebench/runner/runner/ops"
	"github.com/scenebench/runner/runner/plan"
	"github.com/scenebench/runner/runner/results"
)

func (l *loader) loadScenarios() []plan.Scenario {
	var out []plan.Scenario
	declared := map[string]hcl.Range{}
	names := map[string]hcl.Range{}
	for _, b := range l.bodies {
		for _, sb := range b.Scenarios {
			if !l.declare(declared, "scenario", sb.Name, sb.DefRange) {
				continue
			}
			s, ok := l.scenario(sb)
			if !ok {
				continue
			}
			ss, ok := l.expandScenario(sb, s)
			if !ok {
				continue
			}
			expanded := make([]string, len(ss))
			for i := range ss {
				expanded[i] = ss[i].Name
			}
			if !l.unique(names, expanded, sb.DefRange, "Duplicate scenario", "This block makes a scenario named %q, a name the block at %s already makes.") {
				continue
			}
			out = append(out, ss...)
		}
	}
	return out
}

func (l *loader) scenario(sb *scenarioBlock) (plan.Scenario, bool) {
	before := len(l.diags.Diagnostics)
	s := plan.Scenario{Name: sb.Name}
	if sb.Description != nil {
		if v, ok := l.str(sb.Description); ok {
			s.Description = v
		}
	}
	if len(sb.Steps) == 0 {
		l.add(errorAt(sb.DefRange, "Scenario without steps",
			fmt.Sprintf("Scenario %q has no step blocks; add at least one, e.g. step \"open\" {}.", sb.Name)))
	}
	if len(sb.Steps) > 0 && !opens(sb.Steps[0].Op) {
		l.add(errorAt(sb.Steps[0].DefRange, "Scenario must start with open",
			fmt.Sprintf("Steps read from an opened file, so the first step of scenario %q must be step \"open\" {}. A later open reopens the file (a cold start).", sb.Name)))
	}
	names := map[string]hcl.Range{}
	occurrences := map[string]int{}
	l.stepSweeps = nil
	for _, st := range sb.Steps {
		occurrences[st.Op]++
		step, name, ok := l.step(st, occurrences[st.Op])
		if !ok {
			continue
		}
		if prev, dup := names[step.Name]; dup {
			rng := st.DefRange
			if name != nil {
				rng = name.Expr.Range()
			}
			l.add(errorAt(rng, "Duplicate step name",
				fmt.Sprintf("Scenario %q already has a step named %q at %s; give this one a different name.", sb.Name, step.Name, prev)))
			continue
		}
		names[step.Name] = st.DefRange
		s.Steps = append(s.Steps, step)
		for i := range l.stepSweeps {
			if l.stepSweeps[i].block == st {
				l.stepSweeps[i].index = len(s.Steps) - 1
			}
		}
	}
	ops.Place(s.Steps)
	return s, !hcl.Diagnostics(l.diags.Diagnostics[before:]).HasErrors()
}

// opens reports whether op opens the file (an op whose traits include
// results.TraitOpen); unknown ops are reported elsewhere.
func opens(op string) bool {
	o, ok := ops.Lookup(op)
	return !ok || slices.Contains(o.Traits(), results.TraitOpen)
}

// step decodes one step block against its op's attribute declarations;
// nth counts the op's occurrences so far.
func (l *loader) step(st *stepBlock, nth int) (plan.Step, *hcl.Attribute, bool) {
	step := plan.Step{Op: st.Op, Name: st.Op}
	if nth > 1 {
		step.Name = fmt.Sprintf("%s#%d", st.Op, nth)
	}
	op, known := ops.Lookup(st.Op)
	if !known {
		l.add(errorAt(st.DefRange, "Unknown step operation",
			fmt.Sprintf("%q is not a step; the steps are %s.%s", st.Op, quoteAll(ops.Names()), suggest(st.Op, ops.Names()))))
		return step, nil, false
	}
	before := len(l.diags.Diagnostics)
	decls := op.Attrs()
	schema := &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "name"}}}
	for _, a := range decls {
		schema.Attributes = append(schema.Attributes, hcl.AttributeSchema{Name: a.Name})
	}
	content, ds := st.Body.Content(schema)
	l.addDiags(ds)
	args := param.Values{}
	var refs []propRef
	for _, a := range decls {
		attr, set := content.Attributes[a.Name]
		if !set {
			if a.Default != nil {
				args[a.Name] = a.Default
			}
			continue
		}
		var v any
		var ranges []hcl.Range
		ok := true
		if a.Sweep {
			v, ok = l.sweptStepAttr(st, a, attr)
		} else {
			v, ranges, ok = l.stepAttr(a, attr)
		}
		if !ok {
			args[a.Name] = nil // given but unusable: present for op.Check, already reported
			continue
		}
		args[a.Name] = v
		if a.Properties {
			names, _ := v.([]string)
			if s, one := v.(string); one {
				names = []string{s}
			}
			for i, n := range names {
				refs = append(refs, propRef{name: n, rng: ranges[i]})
			}
		}
	}
	name := content.Attributes["name"]
	if name != nil {
		if v, ok := l.str(name); ok {
			if err := plan.CheckName(v); err != nil {
				l.valueError(name.Expr.Range(), name, "%s.", err)
			} else {
				step.Name = v
			}
		}
	}
	checked, err := op.Check(args)
	if err != nil {
		rng := st.DefRange
		var ae *ops.ArgError
		if errors.As(err, &ae) {
			if attr := content.Attributes[ae.Attr]; attr != nil {
				rng = attr.Expr.Range()
				if ae.AtName {
					rng = attr.NameRange
				}
			}
			l.add(errorAt(rng, ae.Summary, ae.Detail))
		} else {
			l.add(errorAt(rng, "Invalid step", capitalize(err.Error())+"."))
		}
		return step, name, false
	}
	if hcl.Diagnostics(l.diags.Diagnostics[before:]).HasErrors() {
		return step, name, false
	}
	step.Args = checked
	l.propRefs = append(l.propRefs, refs...)
	return step, name, true
}

// stepAttr evaluates one step attribute by its declared kind, with the
// range of each value (one for scalars, one per element for lists).
func (l *loader) stepAttr(a ops.Attr, attr *hcl.Attribute) (any, []hcl.Range, bool) {
	one := []hcl.Range{attr.Expr.Range()}
	check := func(s string, rng hcl.Range) bool {
		if a.Check == nil {
			return true
		}
		if err := a.Check(s); err != nil {
			l.valueError(rng, attr, "%s.", err)
			return false
		}
		return true
	}
	switch a.Kind {
	case param.String:
		var v string
		var ok bool
		if len(a.Allowed) > 0 {
			v, ok = l.oneOf(attr, a.Allowed...)
		} else {
			v, ok = l.str(attr)
		}
		return v, one, ok && check(v, one[0])
	case param.Int:
		hi := a.Max
		if hi == 0 {
			hi = math.MaxInt64
		}
		v, ok := l.integer(attr, a.Min, hi)
		return v, one, ok
	case param.Uint:
		v, ok := l.seed(attr)
		return v, one, ok
	case param.Bool:
		v, ok := l.boolean(attr)
		return v, one, ok
	case param.Float:
		v, ok := l.eval(attr)
		if !ok {
			return nil, nil, false
		}
		f, ok := l.floatOrWord(a, attr, v, one[0])
		return f, one, ok
	case param.Strings:
		vs, ranges, ok := l.stringList(attr)
		if !ok {
			return nil, nil, false
		}
		for i, v := range vs {
			if !check(v, ranges[i]) {
				return nil, nil, false
			}
		}
		return vs, ranges, true
	}
	l.add(errorAt(attr.NameRange, "Unsupported argument", fmt.Sprintf("%s has a kind the spec loader cannot read.", attr.Name)))
	return nil, nil, false
}

// propRef is a property a step reads, for checkPropertyRefs.
type propRef struct {
	name string
	rng  hcl.Range
}

// checkPropertyRefs reports properties that steps read but a dataset does
// not carry: every cell of that dataset would fail.
func (l *loader) checkPropertyRefs(datasets []dataset.Config) {
	// Datasets mostly share their properties (a schema and its payload),
	// so each set of properties is checked once, for all its datasets.
	type known struct {
		names []string
		props map[string]bool
		list  []string
	}
	var sets []*known
	bySet := map[string]*known{}
	total := 0
	for _, d := range datasets {
		info, err := dataset.Info(d)
		if err != nil {
			return // already reported by the dataset's own checks
		}
		list := make([]string, len(info.Properties))
		for i, p := range info.Properties {
			list[i] = p.Name
		}
		key := strings.Join(list, "\x00")
		k, ok := bySet[key]
		if !ok {
			k = &known{props: map[string]bool{}, list: list}
			for _, n := range list {
				k.props[n] = true
			}
			bySet[key] = k
			sets = append(sets, k)
		}
		k.names = append(k.names, d.Name)
		total++
	}
	if len(sets) == 0 {
		return
	}
	for _, ref := range l.propRefs {
		var missing []string
		var hint string
		for _, k := range sets {
			if !k.props[ref.name] {
				missing = append(missing, k.names...)
				if hint == "" {
					hint = suggest(ref.name, k.list)
				}
			}
		}
		switch {
		case len(missing) == 0:
		case len(missing) == total:
			l.add(errorAt(ref.rng, "Unknown property",
				fmt.Sprintf("No dataset has a property named %q.%s", ref.name, hint)))
		default:
			l.add(errorAt(ref.rng, "Unknown property",
				fmt.Sprintf("Dataset %s has no property named %q, so its cells would fail.%s", strings.Join(quoteEach(missing), ", "), ref.name, hint)))
		}
	}
}

func quoteEach(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
