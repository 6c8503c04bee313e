package spec

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/scenebench/runner/internal/units"
)

// MemoryLimitAttr is the attribute of settings, format and scenario blocks
// that runs reader processes under a kernel memory limit. A format or
// scenario may give a list, a sweep.
const MemoryLimitAttr = "memory_limit"

// NoMemoryLimit is the value that sets no limit, for sweeps that include
// the unlimited run.
const NoMemoryLimit = "none"

// memoryLimit converts one value of a memory_limit attribute: a size with
// a unit ("256MiB"), a number of bytes, or "none" (0). Limits below
// MinMemoryLimit are refused: no reader process starts in less.
func (l *loader) memoryLimit(attr *hcl.Attribute, v cty.Value, rng hcl.Range) (int64, bool) {
	if v.IsNull() {
		l.typeError(attr, rng, `a size such as "256MiB"`)
		return 0, false
	}
	if v.Type() == cty.Number {
		n, ok := l.intValue(attr, v, rng, MinMemoryLimit, 1<<62)
		return n, ok
	}
	sv, err := convert.Convert(v, cty.String)
	if err != nil {
		l.typeError(attr, rng, `a size such as "256MiB"`)
		return 0, false
	}
	s := sv.AsString()
	if s == NoMemoryLimit {
		return 0, true
	}
	n, err := units.ParseBytes(s)
	if err != nil {
		l.valueError(rng, attr, "%s: %s, or %q for no limit.", attr.Name, capitalize(err.Error()), NoMemoryLimit)
		return 0, false
	}
	if n < MinMemoryLimit {
		l.valueError(rng, attr, "%s %q is below the smallest limit runner sets, %s: no reader process starts in less.",
			attr.Name, s, units.ExactBytes(MinMemoryLimit))
		return 0, false
	}
	return n, true
}

// MinMemoryLimit is the smallest memory limit a spec may set.
const MinMemoryLimit = 4 << 20

// memoryLimitAxis reads a memory_limit attribute that may sweep.
func (l *loader) memoryLimitAxis(attr *hcl.Attribute) (sweepAxis, bool) {
	vals := l.sweep(attr, "", func(v cty.Value, rng hcl.Range) (any, bool) {
		n, ok := l.memoryLimit(attr, v, rng)
		return n, ok
	})
	if vals == nil {
		return sweepAxis{}, false
	}
	return sweepAxis{name: MemoryLimitAttr, values: vals, fragment: MemoryLimitFragment}, true
}

// MemoryLimitFragment is how a memory limit reads in a variant or
// scenario name: "mem256MiB", or "unlimited".
func MemoryLimitFragment(v any) string {
	n, _ := v.(int64)
	if n <= 0 {
		return "unlimited"
	}
	return "mem" + units.ExactBytes(n)
}

// settingsMemoryLimit reads settings { memory_limit }: one size.
func (l *loader) settingsMemoryLimit(attr *hcl.Attribute) int64 {
	v, ok := l.eval(attr)
	if !ok {
		return 0
	}
	if v.Type().IsListType() || v.Type().IsTupleType() {
		l.valueError(attr.Expr.Range(), attr, "settings take one %s; sweep it in a format or scenario block instead.", attr.Name)
		return 0
	}
	n, _ := l.memoryLimit(attr, v, attr.Expr.Range())
	return n
}
