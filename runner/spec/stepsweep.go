package spec

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/scenebench/runner/internal/param"
	"github.com/scenebench/runner/runner/ops"
	"github.com/scenebench/runner/runner/plan"
)

// stepSweep is one step attribute given as a list of values: the scenario
// expands into one scenario per value.
type stepSweep struct {
	attr   ops.Attr
	values []any
	step   string // the step block's op, for messages
	rng    hcl.Range
	block  *stepBlock
	// index is the step's place in the scenario (-1 while unknown, or
	// when the step had errors).
	index int
}

// sweptStepAttr reads an attribute an op lets sweep: one value, or a list
// of them recorded in l.stepSweeps. It returns the first value, for the
// op's own checks.
func (l *loader) sweptStepAttr(st *stepBlock, a ops.Attr, attr *hcl.Attribute) (any, bool) {
	vals := l.sweep(attr, "", func(v cty.Value, rng hcl.Range) (any, bool) {
		switch a.Kind {
		case param.Int:
			hi := a.Max
			if hi == 0 {
				hi = 1 << 62
			}
			return l.intValue(attr, v, rng, a.Min, hi)
		case param.Float:
			return l.floatOrWord(a, attr, v, rng)
		}
		l.add(errorAt(attr.NameRange, "Unsupported argument", fmt.Sprintf("%s is declared to sweep, which only numbers can.", attr.Name)))
		return nil, false
	})
	if vals == nil {
		return nil, false
	}
	if len(vals) > 1 {
		l.stepSweeps = append(l.stepSweeps, stepSweep{attr: a, values: vals, step: st.Op, rng: attr.Expr.Range(), block: st, index: -1})
	}
	return vals[0], true
}

// floatOrWord converts a number, or one of the attribute's Words (time =
// "all"), to a Float attribute's value.
func (l *loader) floatOrWord(a ops.Attr, attr *hcl.Attribute, v cty.Value, rng hcl.Range) (any, bool) {
	if len(a.Words) > 0 && !v.IsNull() && v.Type() == cty.String {
		x, err := a.Decl.Check(v.AsString())
		if err != nil {
			l.valueError(rng, attr, "%s.", capitalize(err.Error()))
			return nil, false
		}
		return x, true
	}
	if len(a.Words) > 0 && (v.IsNull() || v.Type() != cty.Number) {
		l.typeError(attr, rng, "a number or "+quoteList(a.Words))
		return nil, false
	}
	return l.floatValue(a, attr, v, rng)
}

// floatValue converts a number to a Float attribute's value within its
// bounds.
func (l *loader) floatValue(a ops.Attr, attr *hcl.Attribute, v cty.Value, rng hcl.Range) (float64, bool) {
	if v.IsNull() || v.Type() != cty.Number {
		l.typeError(attr, rng, "a number")
		return 0, false
	}
	bf := v.AsBigFloat()
	if bf.IsInf() {
		l.valueError(rng, attr, "%s must be a finite number.", attr.Name)
		return 0, false
	}
	f, _ := bf.Float64()
	x, err := a.Decl.Check(f)
	if err != nil {
		l.valueError(rng, attr, "%s.", capitalize(err.Error()))
		return 0, false
	}
	return x.(float64), true
}

// expandScenario turns a scenario whose steps sweep attributes, or whose
// block sweeps memory_limit, into one scenario per combination, named
// after the block with the fragments of the values that vary
// ("scan-t4-mem256MiB"), steps sweeping the same attribute taking the same
// value. A scenario that sweeps nothing is returned as it is.
func (l *loader) expandScenario(sb *scenarioBlock, s plan.Scenario) ([]plan.Scenario, bool) {
	var axes []sweepAxis
	byName := map[string]*stepSweep{}
	for i := range l.stepSweeps {
		sw := &l.stepSweeps[i]
		if first, ok := byName[sw.attr.Name]; ok {
			if !slices.Equal(first.values, sw.values) {
				l.add(errorAt(sw.rng, "Conflicting sweeps",
					fmt.Sprintf("Steps of scenario %q that sweep %s must give the same values, which the scenario takes together; step %q at %s gives %s, this one %s.",
						sb.Name, sw.attr.Name, first.step, first.rng, listText(first.values), listText(sw.values))))
				return nil, false
			}
			continue
		}
		byName[sw.attr.Name] = sw
		decl := sw.attr.Decl
		axes = append(axes, sweepAxis{name: sw.attr.Name, values: sw.values, fragment: decl.LabelFragment})
	}
	if sb.MemoryLimit != nil {
		ax, ok := l.memoryLimitAxis(sb.MemoryLimit)
		if !ok {
			return nil, false
		}
		axes = append(axes, ax)
	}
	if len(axes) == 0 {
		return []plan.Scenario{s}, true
	}
	var out []plan.Scenario
	tooLarge := fmt.Sprintf("Scenario %q sweeps into more than %d scenarios.", sb.Name, MaxSweep)
	ok := l.expand(sb.DefRange, tooLarge, axes, func(vals []any, frags []string, varying map[string]string) bool {
		sc := plan.Scenario{Name: plan.Label(sb.Name, frags...), Description: s.Description}
		if len(varying) > 0 {
			sc.Base, sc.Axes = sb.Name, varying
		}
		for i := range s.Steps {
			st := s.Steps[i]
			st.Args = param.Values{}
			for k, v := range s.Steps[i].Args {
				st.Args[k] = v
			}
			sc.Steps = append(sc.Steps, st)
		}
		for i, a := range axes {
			if a.name == MemoryLimitAttr {
				sc.MemoryLimit = vals[i].(int64)
				continue
			}
			for _, sw := range l.stepSweeps {
				if sw.attr.Name == a.name && sw.index >= 0 {
					sc.Steps[sw.index].Args[a.name] = vals[i]
				}
			}
		}
		if err := plan.CheckName(sc.Name); err != nil {
			l.add(errorAt(sb.DefRange, "Invalid scenario name",
				fmt.Sprintf("The swept values make a scenario name that cannot name a scenario: %s.", err)))
			return false
		}
		for j := range sc.Steps {
			op, _ := ops.Lookup(sc.Steps[j].Op)
			checked, err := op.Check(sc.Steps[j].Args)
			if err != nil {
				l.add(errorAt(sb.DefRange, "Invalid step", fmt.Sprintf("Step %q of scenario %q: %s", sc.Steps[j].Name, sc.Name, err)))
				return false
			}
			sc.Steps[j].Args = checked
		}
		ops.Place(sc.Steps)
		out = append(out, sc)
		return true
	})
	return out, ok
}

func listText(vals []any) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = fmt.Sprint(v)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
