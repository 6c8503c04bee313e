package spec

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"

	"github.com/scenebench/runner/runner/dataset"
	"github.com/scenebench/runner/runner/plan"
)

// Ops are the step operations a scenario may use; PrimKeywords the prim
// selectors a get step accepts besides a path; Orders the traversal orders.
var (
	Ops          = []string{"open", "get", "traverse"}
	PrimKeywords = []string{"first", "middle", "last", "random"}
	Orders       = []string{"layer", "random", "reverse"}
)

// Step defaults, as documented in the spec-language reference.
const (
	DefaultPrim    = "first"
	DefaultTimes   = 1
	DefaultOrder   = "layer"
	DefaultThreads = 1
)

const (
	maxTimes   = 1 << 30
	maxProbes  = 1 << 20
	maxThreads = 1024
)

func (l *loader) loadScenarios() []plan.Scenario {
	var out []plan.Scenario
	declared := map[string]hcl.Range{}
	for _, b := range l.bodies {
		for _, sb := range b.Scenarios {
			if err := plan.CheckName(sb.Name); err != nil {
				l.add(errorAt(sb.DefRange, "Invalid scenario name", err.Error()+"."))
				continue
			}
			if prev, dup := declared[sb.Name]; dup {
				l.add(errorAt(sb.DefRange, "Duplicate scenario",
					fmt.Sprintf("A scenario named %q was already declared at %s.", sb.Name, prev)))
				continue
			}
			declared[sb.Name] = sb.DefRange
			if s, ok := l.scenario(sb); ok {
				out = append(out, s)
			}
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
	if len(sb.Steps) > 0 && sb.Steps[0].Op != "open" {
		l.add(errorAt(sb.Steps[0].DefRange, "Scenario must start with open",
			fmt.Sprintf("Steps read from an opened file, so the first step of scenario %q must be step \"open\" {}. A later open reopens the file (a cold start).", sb.Name)))
	}
	names := map[string]hcl.Range{}
	occurrences := map[string]int{}
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
	}
	return s, !hcl.Diagnostics(l.diags.Diagnostics[before:]).HasErrors()
}

// step decodes one step block; nth counts the op's occurrences so far.
func (l *loader) step(st *stepBlock, nth int) (plan.Step, *hcl.Attribute, bool) {
	step := plan.Step{Op: st.Op, Name: st.Op}
	if nth > 1 {
		step.Name = fmt.Sprintf("%s#%d", st.Op, nth)
	}
	before := len(l.diags.Diagnostics)
	var name *hcl.Attribute
	var propRanges []hcl.Range
	switch st.Op {
	case "open":
		var b openStep
		l.addDiags(gohcl.DecodeBody(st.Body, nil, &b))
		name = b.Name
	case "get":
		var b getStep
		l.addDiags(gohcl.DecodeBody(st.Body, nil, &b))
		name = b.Name
		step.Prim = DefaultPrim
		if b.Prim != nil {
			if v, ok := l.str(b.Prim); ok {
				if err := checkPrim(v); err != nil {
					l.valueError(b.Prim.Expr.Range(), b.Prim, "%s.", err)
				} else {
					step.Prim = v
				}
			}
		}
		step.Properties, propRanges = l.stepProperties(st, b.Property, b.Properties, true)
		step.Times = DefaultTimes
		if b.Times != nil {
			if v, ok := l.integer(b.Times, 1, maxTimes); ok {
				step.Times = int(v)
			}
		}
		if b.Seed != nil {
			if v, ok := l.seed(b.Seed); ok {
				step.Seed = v
			}
		}
	case "traverse":
		var b traverseStep
		l.addDiags(gohcl.DecodeBody(st.Body, nil, &b))
		name = b.Name
		step.Properties, propRanges = l.stepProperties(st, b.Property, b.Properties, false)
		step.Order = DefaultOrder
		if b.Order != nil {
			if v, ok := l.oneOf(b.Order, Orders...); ok {
				step.Order = v
			}
		}
		if b.Seed != nil {
			if v, ok := l.seed(b.Seed); ok {
				step.Seed = v
			}
		}
		if b.Limit != nil {
			if v, ok := l.integer(b.Limit, 0, maxPrims); ok {
				step.Limit = int(v)
			}
		}
		if b.Probes != nil {
			if v, ok := l.integer(b.Probes, 0, maxProbes); ok {
				step.Probes = int(v)
			}
		}
		step.Threads = DefaultThreads
		if b.Threads != nil {
			if v, ok := l.integer(b.Threads, 1, maxThreads); ok {
				step.Threads = int(v)
			}
		}
	default:
		l.add(errorAt(st.DefRange, "Unknown step operation",
			fmt.Sprintf("%q is not a step; the steps are %s.%s", st.Op, quoteAll(Ops), suggest(st.Op, Ops))))
		return step, nil, false
	}
	if name != nil {
		if v, ok := l.str(name); ok {
			if err := plan.CheckName(v); err != nil {
				l.valueError(name.Expr.Range(), name, "%s.", err)
			} else {
				step.Name = v
			}
		}
	}
	ok := !hcl.Diagnostics(l.diags.Diagnostics[before:]).HasErrors()
	if ok {
		for i, p := range step.Properties {
			l.propRefs = append(l.propRefs, propRef{name: p, rng: propRanges[i]})
		}
	}
	return step, name, ok
}

// stepProperties reads `property` or `properties` (not both); get needs
// one of them, traverse reads every property without them. It returns the
// names with the range of each.
func (l *loader) stepProperties(st *stepBlock, one, many *hcl.Attribute, required bool) ([]string, []hcl.Range) {
	switch {
	case one != nil && many != nil:
		l.add(errorAt(many.NameRange, "Conflicting arguments",
			"Give either property (one name) or properties (a list), not both."))
	case one != nil:
		v, ok := l.str(one)
		if !ok {
			return nil, nil
		}
		if err := checkProperty(v); err != nil {
			l.valueError(one.Expr.Range(), one, "%s.", err)
			return nil, nil
		}
		return []string{v}, []hcl.Range{one.Expr.Range()}
	case many != nil:
		vs, ranges, ok := l.stringList(many)
		if !ok {
			return nil, nil
		}
		for i, v := range vs {
			if err := checkProperty(v); err != nil {
				l.valueError(ranges[i], many, "%s.", err)
				return nil, nil
			}
		}
		return vs, ranges
	case required:
		l.add(errorAt(st.DefRange, "Missing required argument",
			fmt.Sprintf("A %s step needs property = \"NAME\" or properties = [\"A\", \"B\"].", st.Op)))
	}
	return nil, nil
}

// propRef is a property a step reads, for checkPropertyRefs.
type propRef struct {
	name string
	rng  hcl.Range
}

// checkPropertyRefs reports properties that steps read but a dataset does
// not carry: every cell of that dataset would fail.
func (l *loader) checkPropertyRefs(datasets []dataset.Config) {
	type known struct {
		name  string
		props map[string]bool
		list  []string
	}
	var sets []known
	for _, d := range datasets {
		info, err := dataset.Info(d)
		if err != nil {
			return // already reported by the dataset's own checks
		}
		k := known{name: d.Name, props: map[string]bool{}}
		for _, p := range info.Properties {
			k.props[p.Name] = true
			k.list = append(k.list, p.Name)
		}
		sets = append(sets, k)
	}
	if len(sets) == 0 {
		return
	}
	for _, ref := range l.propRefs {
		var missing []string
		var hint string
		for _, k := range sets {
			if !k.props[ref.name] {
				missing = append(missing, k.name)
				if hint == "" {
					hint = suggest(ref.name, k.list)
				}
			}
		}
		switch {
		case len(missing) == 0:
		case len(missing) == len(sets):
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

func checkProperty(s string) error {
	if !propertyNameRE.MatchString(s) {
		return fmt.Errorf("%q is not a property name", s)
	}
	return nil
}

// checkPrim accepts an absolute prim path or a selector keyword.
func checkPrim(s string) error {
	for _, k := range PrimKeywords {
		if s == k {
			return nil
		}
	}
	if !strings.HasPrefix(s, "/") || s == "/" {
		return fmt.Errorf("prim must be an absolute prim path such as \"/World/Prim_0\" or one of %s, not %q", quoteList(PrimKeywords), s)
	}
	for _, part := range strings.Split(s[1:], "/") {
		if !primNameRE.MatchString(part) {
			return fmt.Errorf("%q is not a valid prim path: %q is not a prim name", s, part)
		}
	}
	return nil
}
