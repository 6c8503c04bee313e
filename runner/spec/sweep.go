package spec

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/scenebench/runner/runner/plan"
)

// sweep evaluates an attribute that may be a single value or a list of
// values to sweep, converting each with conv. It returns nil when any value
// is invalid (each is reported) or repeated; a repeat is reported under
// summary ("" = "Invalid value for NAME").
func (l *loader) sweep(attr *hcl.Attribute, summary string, conv func(cty.Value, hcl.Range) (any, bool)) []any {
	vals, ranges, ok := l.elements(attr)
	if !ok {
		return nil
	}
	if len(vals) > MaxSweep {
		// A block sweeps into at most MaxSweep combinations, so neither
		// can one attribute (and checking repeats is quadratic).
		l.valueError(attr.Expr.Range(), attr, "The list of values for %s has %d values; a block may sweep into at most %d combinations.", attr.Name, len(vals), MaxSweep)
		return nil
	}
	out := make([]any, 0, len(vals))
	good := true
	for i, v := range vals {
		x, ok := conv(v, ranges[i])
		if !ok {
			good = false
			continue
		}
		for _, prev := range out {
			if prev == x {
				msg := fmt.Sprintf("%v appears twice in the list of values for %s.", x, attr.Name)
				if summary == "" {
					l.valueError(ranges[i], attr, "%s", msg)
				} else {
					l.add(errorAt(ranges[i], summary, msg))
				}
				good = false
			}
		}
		out = append(out, x)
	}
	if !good {
		return nil
	}
	return out
}

// sweepAxis is one swept attribute of a block: its values in the order
// given, and how a value reads in a label.
type sweepAxis struct {
	name     string
	values   []any
	fragment func(any) string
}

// expand calls build for every combination of the axes' values, the first
// axis varying slowest, with the label fragments of the axes that take more
// than one value and those fragments by axis name. It reports a sweep of
// more than MaxSweep combinations at rng with tooLarge, and returns false
// then or when build does.
func (l *loader) expand(rng hcl.Range, tooLarge string, axes []sweepAxis, build func(vals []any, frags []string, varying map[string]string) bool) bool {
	lengths := make([]int, len(axes))
	for i, a := range axes {
		lengths[i] = len(a.values)
	}
	if n := plan.ProductSize(lengths, MaxSweep); n > MaxSweep {
		l.add(errorAt(rng, "Sweep too large", tooLarge))
		return false
	}
	ok := true
	vals := make([]any, len(axes))
	plan.Product(lengths, func(idx []int) {
		if !ok {
			return
		}
		var frags []string
		var varying map[string]string
		for i, a := range axes {
			vals[i] = a.values[idx[i]]
			if len(a.values) > 1 {
				frag := a.fragment(vals[i])
				if varying == nil {
					varying = map[string]string{}
				}
				varying[a.name] = frag
				if frag == "" {
					// A value that names the default adds nothing to the
					// label ("go" among readers); the axis still records it.
					varying[a.name] = fmt.Sprint(vals[i])
					continue
				}
				frags = append(frags, frag)
			}
		}
		ok = build(vals, frags, varying)
	})
	return ok
}

// unique records the names a block makes in seen, at the block's range rng.
// A name some block already made is reported with summary and detail (a
// format taking the name and the earlier block's range), and then the
// block's names are not recorded and unique returns false.
func (l *loader) unique(seen map[string]hcl.Range, names []string, rng hcl.Range, summary, detail string) bool {
	for _, n := range names {
		if prev, dup := seen[n]; dup {
			l.add(errorAt(rng, summary, fmt.Sprintf(detail, n, prev)))
			return false
		}
	}
	for _, n := range names {
		seen[n] = rng
	}
	return true
}

// declare checks a block's name and records it in declared; a bad or
// repeated name is reported and makes it return false. kind names the
// block ("dataset"); a format is "labelled", the others "named".
func (l *loader) declare(declared map[string]hcl.Range, kind, name string, rng hcl.Range) bool {
	noun, verb := "name", "named"
	if kind == "format" {
		noun, verb = "label", "labelled"
	}
	if err := plan.CheckName(name); err != nil {
		l.add(errorAt(rng, "Invalid "+kind+" "+noun, err.Error()+"."))
		return false
	}
	if prev, dup := declared[name]; dup {
		l.add(errorAt(rng, "Duplicate "+kind,
			fmt.Sprintf("A %s %s %q was already declared at %s.", kind, verb, name, prev)))
		return false
	}
	declared[name] = rng
	return true
}
