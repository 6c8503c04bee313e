package spec

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"

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
		step.Properties = l.stepProperties(st, b.Property, b.Properties, true)
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
		step.Properties = l.stepProperties(st, b.Property, b.Properties, false)
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
			fmt.Sprintf("%q is not a step; the steps are %s.", st.Op, quoteAll(Ops))))
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
	return step, name, !hcl.Diagnostics(l.diags.Diagnostics[before:]).HasErrors()
}

// stepProperties reads `property` or `properties` (not both); get needs
// one of them, traverse reads every property without them.
func (l *loader) stepProperties(st *stepBlock, one, many *hcl.Attribute, required bool) []string {
	switch {
	case one != nil && many != nil:
		l.add(errorAt(many.NameRange, "Conflicting arguments",
			"Give either property (one name) or properties (a list), not both."))
		return nil
	case one != nil:
		v, ok := l.str(one)
		if !ok {
			return nil
		}
		if err := checkProperty(v); err != nil {
			l.valueError(one.Expr.Range(), one, "%s.", err)
			return nil
		}
		return []string{v}
	case many != nil:
		vs, ok := l.stringList(many)
		if !ok {
			return nil
		}
		for _, v := range vs {
			if err := checkProperty(v); err != nil {
				l.valueError(many.Expr.Range(), many, "%s.", err)
				return nil
			}
		}
		return vs
	case required:
		l.add(errorAt(st.DefRange, "Missing required argument",
			fmt.Sprintf("A %s step needs property = \"NAME\" or properties = [\"A\", \"B\"].", st.Op)))
	}
	return nil
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
