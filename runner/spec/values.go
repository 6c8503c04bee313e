package spec

import (
	"fmt"
	"math"
	"math/big"
	"sort"

	"github.com/agext/levenshtein"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// eval evaluates an attribute in the spec's context. It reports false when
// the value is unusable; the reason is already a diagnostic (an unknown
// value only ever follows an earlier error, so it adds none of its own).
func (l *loader) eval(attr *hcl.Attribute) (cty.Value, bool) {
	if !l.checkRefs(attr.Expr, nil) {
		return cty.NilVal, false
	}
	v, ds := l.evalExpr(attr.Expr, l.ctx)
	l.addDiags(ds)
	if ds.HasErrors() {
		return cty.NilVal, false
	}
	if !v.IsWhollyKnown() {
		l.unknowns++
		return cty.NilVal, false
	}
	return v, true
}

// evalExpr evaluates expr in ctx, or as a constant (with no variables and
// no functions) when ctx is nil, and checks the value against the limits
// of one value. Once evaluation has stopped (the budget spent, the load
// interrupted) it evaluates nothing and returns an unknown value. A panic
// inside the expression language becomes a diagnostic at expr.
func (l *loader) evalExpr(expr hcl.Expression, ctx *hcl.EvalContext) (v cty.Value, diags hcl.Diagnostics) {
	if l.budget.check() != nil {
		return cty.DynamicVal, nil
	}
	if !l.instrumented[expr] {
		l.instrumented[expr] = true
		if ds := l.instr.instrument(expr); ds.HasErrors() {
			return cty.DynamicVal, ds
		}
	}
	constOnly := ctx == nil
	if constOnly {
		ctx = l.constCtx
	}
	defer func() {
		if r := recover(); r != nil {
			v = cty.DynamicVal
			diags = append(diags, errorAt(expr.Range(), summaryInternal,
				fmt.Sprintf("Evaluating this expression failed: %v. This is a bug in runner; please report it with the spec that caused it.", r)))
		}
	}()
	v, diags = expr.Value(ctx)
	diags = l.evalDiags(diags, constOnly)
	if !diags.HasErrors() {
		if le := checkValue(v); le != nil {
			return cty.DynamicVal, append(diags, limitDiag(le, expr.Range()))
		}
	}
	return v, diags
}

// evalDiags rewrites the diagnostics of guarded calls (rewriteDiags) and,
// once evaluation has stopped, keeps only the first diagnostic saying why:
// every call failing after it is its echo.
func (l *loader) evalDiags(ds hcl.Diagnostics, constOnly bool) hcl.Diagnostics {
	rewriteDiags(ds, constOnly)
	if l.budget.stopped == nil {
		return ds
	}
	kept := ds[:0]
	for _, d := range ds {
		if d.Summary == "Call to unknown function" {
			if x, ok := d.Extra.(hclsyntax.FunctionCallUnknownDiagExtra); ok && l.known[x.CalledFunctionName()] {
				continue
			}
		}
		if d.Summary == l.budget.stopped.summary {
			if l.stopReported {
				continue
			}
			l.stopReported = true
		}
		kept = append(kept, d)
	}
	return kept
}

// checkRefs reports references to variables and local values that are not
// declared, in words clearer than hcl's "object has no attribute". locals,
// when not nil, are the declared local names (while locals are evaluated).
func (l *loader) checkRefs(expr hcl.Expression, locals map[string]*hcl.Attribute) bool {
	ok := true
	for _, t := range expr.Variables() {
		if len(t) < 2 {
			continue
		}
		step, isAttr := t[1].(hcl.TraverseAttr)
		if !isAttr {
			continue
		}
		switch t.RootName() {
		case "var":
			if _, declared := l.vars[step.Name]; !declared {
				l.add(errorAt(t.SourceRange(), "Reference to undeclared variable",
					fmt.Sprintf("There is no variable named %q; declare it with a variable %q block.", step.Name, step.Name)))
				ok = false
			}
		case "local":
			declared := false
			if locals != nil {
				_, declared = locals[step.Name]
			} else {
				_, declared = l.locals[step.Name]
			}
			if !declared {
				l.add(errorAt(t.SourceRange(), "Reference to undeclared local value",
					fmt.Sprintf("There is no local value named %q; define it in a locals block.", step.Name)))
				ok = false
			}
		}
	}
	return ok
}

func (l *loader) typeError(attr *hcl.Attribute, rng hcl.Range, want string) {
	l.add(errorAt(rng, "Incorrect attribute value type",
		fmt.Sprintf("Inappropriate value for attribute %q: %s is required.", attr.Name, want)))
}

func (l *loader) valueError(rng hcl.Range, attr *hcl.Attribute, format string, args ...any) {
	l.add(errorAt(rng, "Invalid value for "+attr.Name, fmt.Sprintf(format, args...)))
}

// str evaluates a string attribute.
func (l *loader) str(attr *hcl.Attribute) (string, bool) {
	v, ok := l.eval(attr)
	if !ok {
		return "", false
	}
	return l.strValue(attr, v, attr.Expr.Range())
}

func (l *loader) strValue(attr *hcl.Attribute, v cty.Value, rng hcl.Range) (string, bool) {
	if v.IsNull() {
		l.typeError(attr, rng, "a string")
		return "", false
	}
	s, err := convert.Convert(v, cty.String)
	if err != nil {
		l.typeError(attr, rng, "a string")
		return "", false
	}
	return s.AsString(), true
}

// oneOf evaluates a string attribute restricted to choices.
func (l *loader) oneOf(attr *hcl.Attribute, choices ...string) (string, bool) {
	s, ok := l.str(attr)
	if !ok {
		return "", false
	}
	return l.checkOneOf(attr, attr.Expr.Range(), s, choices)
}

func (l *loader) checkOneOf(attr *hcl.Attribute, rng hcl.Range, s string, choices []string) (string, bool) {
	for _, c := range choices {
		if s == c {
			return s, true
		}
	}
	l.valueError(rng, attr, "%q is not one of %s.%s", s, quoteList(choices), suggest(s, choices))
	return "", false
}

// integer evaluates a whole-number attribute within [min, max].
func (l *loader) integer(attr *hcl.Attribute, min, max int64) (int64, bool) {
	v, ok := l.eval(attr)
	if !ok {
		return 0, false
	}
	return l.intValue(attr, v, attr.Expr.Range(), min, max)
}

func (l *loader) intValue(attr *hcl.Attribute, v cty.Value, rng hcl.Range, min, max int64) (int64, bool) {
	bf, ok := l.number(attr, v, rng)
	if !ok {
		return 0, false
	}
	i, acc := bf.Int64()
	if acc != big.Exact || i < min || i > max {
		if bf.Cmp(new(big.Float).SetInt64(min)) < 0 {
			if min == 1 {
				l.valueError(rng, attr, "%s must be a positive whole number, not %s.", attr.Name, numberText(bf))
			} else {
				l.valueError(rng, attr, "%s must be at least %d, not %s.", attr.Name, min, numberText(bf))
			}
		} else {
			l.valueError(rng, attr, "%s must be at most %d, not %s.", attr.Name, max, numberText(bf))
		}
		return 0, false
	}
	return i, true
}

// uintValue accepts any whole number in [0, 2^64).
func (l *loader) uintValue(attr *hcl.Attribute, v cty.Value, rng hcl.Range) (uint64, bool) {
	bf, ok := l.number(attr, v, rng)
	if !ok {
		return 0, false
	}
	u, acc := bf.Uint64()
	if acc != big.Exact {
		l.valueError(rng, attr, "%s must be a whole number from 0 to %d, not %s.", attr.Name, uint64(math.MaxUint64), numberText(bf))
		return 0, false
	}
	return u, true
}

func (l *loader) seed(attr *hcl.Attribute) (uint64, bool) {
	v, ok := l.eval(attr)
	if !ok {
		return 0, false
	}
	return l.uintValue(attr, v, attr.Expr.Range())
}

func (l *loader) number(attr *hcl.Attribute, v cty.Value, rng hcl.Range) (*big.Float, bool) {
	if v.IsNull() {
		l.typeError(attr, rng, "a number")
		return nil, false
	}
	if err := checkNumberText(v); err != nil {
		l.valueError(rng, attr, "%s.", capitalize(err.Error()))
		return nil, false
	}
	n, err := convert.Convert(v, cty.Number)
	if err != nil {
		l.typeError(attr, rng, "a number")
		return nil, false
	}
	bf := n.AsBigFloat()
	if bf.IsInf() {
		l.valueError(rng, attr, "%s must be a finite number.", attr.Name)
		return nil, false
	}
	if !bf.IsInt() {
		l.valueError(rng, attr, "%s must be a whole number, not %s.", attr.Name, numberText(bf))
		return nil, false
	}
	return bf, true
}

func (l *loader) boolean(attr *hcl.Attribute) (bool, bool) {
	v, ok := l.eval(attr)
	if !ok {
		return false, false
	}
	return l.boolValue(attr, v, attr.Expr.Range())
}

func (l *loader) boolValue(attr *hcl.Attribute, v cty.Value, rng hcl.Range) (bool, bool) {
	if v.IsNull() {
		l.typeError(attr, rng, "a bool")
		return false, false
	}
	b, err := convert.Convert(v, cty.Bool)
	if err != nil {
		l.typeError(attr, rng, "a bool")
		return false, false
	}
	return b.True(), true
}

// elements evaluates an attribute that may be a single value or a list of
// values, returning each value with the range of its own expression when
// the list is written out literally.
func (l *loader) elements(attr *hcl.Attribute) ([]cty.Value, []hcl.Range, bool) {
	v, ok := l.eval(attr)
	if !ok {
		return nil, nil, false
	}
	rng := attr.Expr.Range()
	if v.IsNull() || !(v.Type().IsListType() || v.Type().IsTupleType() || v.Type().IsSetType()) {
		return []cty.Value{v}, []hcl.Range{rng}, true
	}
	if v.LengthInt() == 0 {
		l.valueError(rng, attr, "The list of values for %s is empty; give at least one value.", attr.Name)
		return nil, nil, false
	}
	vals := v.AsValueSlice()
	ranges := make([]hcl.Range, len(vals))
	tup, literal := attr.Expr.(*hclsyntax.TupleConsExpr)
	for i := range vals {
		ranges[i] = rng
		if literal && len(tup.Exprs) == len(vals) {
			ranges[i] = tup.Exprs[i].Range()
		}
	}
	return vals, ranges, true
}

// stringList evaluates a list of strings (a single string is a list of
// one), returning each with its range.
func (l *loader) stringList(attr *hcl.Attribute) ([]string, []hcl.Range, bool) {
	vals, ranges, ok := l.elements(attr)
	if !ok {
		return nil, nil, false
	}
	out := make([]string, 0, len(vals))
	outRanges := make([]hcl.Range, 0, len(vals))
	seen := map[string]bool{}
	good := true
	for i, v := range vals {
		s, ok := l.strValue(attr, v, ranges[i])
		if !ok {
			good = false
			continue
		}
		if seen[s] {
			l.valueError(ranges[i], attr, "%q is listed twice.", s)
			good = false
			continue
		}
		seen[s] = true
		out = append(out, s)
		outRanges = append(outRanges, ranges[i])
	}
	return out, outRanges, good
}

// maxSuggestLen is the longest name suggest offers alternatives for.
const maxSuggestLen = 256

// suggest returns " Did you mean "x"?" for the option closest to name, or
// "" when none is close.
func suggest(name string, options []string) string {
	best, bestD := "", 3
	for _, o := range options {
		// The distance is at least the difference in length, and costs
		// the product of the lengths to work out: long names (a hostile
		// spec's) are never near enough to suggest.
		if n := len(name) - len(o); n >= bestD || -n >= bestD || len(name) > maxSuggestLen {
			continue
		}
		if d := levenshtein.Distance(name, o, nil); d < bestD && d < len(name) {
			best, bestD = o, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" Did you mean %q?", best)
}

// quoteList quotes ss for "one of a, b or c".
func quoteList(ss []string) string { return joinQuoted(ss, "or") }

// quoteAll quotes ss for "the variants are a, b and c".
func quoteAll(ss []string) string { return joinQuoted(ss, "and") }

func joinQuoted(ss []string, conj string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	switch len(q) {
	case 0:
		return "nothing"
	case 1:
		return q[0]
	}
	out := ""
	for i, s := range q {
		switch {
		case i == 0:
			out = s
		case i == len(q)-1:
			out += " " + conj + " " + s
		default:
			out += ", " + s
		}
	}
	return out
}

func sortByPos[T any](xs []T, pos func(T) hcl.Pos) {
	sort.SliceStable(xs, func(i, j int) bool { return pos(xs[i]).Byte < pos(xs[j]).Byte })
}

// numberText prints a number as a spec would write it: a whole number of
// up to 30 digits in full (2147483648, not 2.147483648e+09), anything else
// in the shortest form that reads back exactly.
func numberText(bf *big.Float) string {
	if bf.IsInt() && bf.MantExp(nil) <= 100 {
		i, _ := bf.Int(nil)
		return i.String()
	}
	return bf.Text('g', -1)
}
