package spec

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// MaxRangeValues bounds the values all calls of range in one load may
// produce together, so that for expressions calling range cannot multiply
// into more values than memory holds.
const MaxRangeValues = 100000

// functions are the go-cty standard library functions a spec may call,
// under the names Terraform users know, each wrapped by guard. Functions
// that can build unbounded values from a short expression (setproduct,
// indent) are left out; the others are guarded so that no spec can exhaust
// memory or time while loading. b and rangeBudget are shared by every call.
func functions(b *budget, rangeBudget *int) map[string]function.Function {
	fs := map[string]struct {
		f function.Function
		// result says how large the result will be at most, from the
		// converted, known arguments, before the call; nil for functions
		// whose result is no larger than their arguments.
		result sizer
	}{
		// numbers
		"abs":      {f: stdlib.AbsoluteFunc},
		"ceil":     {f: stdlib.CeilFunc},
		"floor":    {f: stdlib.FloorFunc},
		"log":      {f: stdlib.LogFunc, result: floatResult("log", func(x, base float64) float64 { return math.Log(x) / math.Log(base) })},
		"max":      {f: stdlib.MaxFunc},
		"min":      {f: stdlib.MinFunc},
		"parseint": {f: stdlib.ParseIntFunc, result: parseIntResult},
		"pow":      {f: stdlib.PowFunc, result: floatResult("pow", math.Pow)},
		"signum":   {f: stdlib.SignumFunc},
		"int":      {f: stdlib.IntFunc},
		// strings
		"chomp":      {f: stdlib.ChompFunc, result: textOf(0, 1)},
		"format":     {f: stdlib.FormatFunc, result: formatResult},
		"formatlist": {f: stdlib.FormatListFunc, result: formatListResult},
		"join":       {f: stdlib.JoinFunc, result: joinResult},
		"lower":      {f: stdlib.LowerFunc, result: textOf(0, 2)},
		"replace":    {f: stdlib.ReplaceFunc, result: replaceResult},
		"split":      {f: stdlib.SplitFunc, result: splitResult},
		"strlen":     {f: stdlib.StrlenFunc},
		"substr":     {f: stdlib.SubstrFunc, result: textOf(0, 1)},
		"title":      {f: stdlib.TitleFunc, result: textOf(0, 2)},
		"trim":       {f: stdlib.TrimFunc, result: textOf(0, 1)},
		"trimprefix": {f: stdlib.TrimPrefixFunc, result: textOf(0, 1)},
		"trimspace":  {f: stdlib.TrimSpaceFunc, result: textOf(0, 1)},
		"trimsuffix": {f: stdlib.TrimSuffixFunc, result: textOf(0, 1)},
		"upper":      {f: stdlib.UpperFunc, result: textOf(0, 2)},
		// collections
		"chunklist": {f: stdlib.ChunklistFunc, result: chunklistResult},
		"coalesce":  {f: stdlib.CoalesceFunc},
		"compact":   {f: stdlib.CompactFunc, result: elementsOf(0)},
		"concat":    {f: stdlib.ConcatFunc, result: elementsOf(-1)},
		"contains":  {f: stdlib.ContainsFunc},
		"distinct":  {f: stdlib.DistinctFunc, result: elementsOf(0)},
		"element":   {f: stdlib.ElementFunc},
		"flatten":   {f: stdlib.FlattenFunc, result: flattenResult},
		"index":     {f: stdlib.IndexFunc},
		"keys":      {f: stdlib.KeysFunc, result: elementsOf(0)},
		"length":    {f: stdlib.LengthFunc},
		"lookup":    {f: stdlib.LookupFunc},
		"merge":     {f: stdlib.MergeFunc, result: elementsOf(-1)},
		"range":     {f: stdlib.RangeFunc, result: rangeResult}, // at most 1024 elements a call
		"reverse":   {f: stdlib.ReverseListFunc, result: elementsOf(0)},
		"slice":     {f: stdlib.SliceFunc, result: elementsOf(0)},
		"sort":      {f: stdlib.SortFunc, result: elementsOf(0)},
		"values":    {f: stdlib.ValuesFunc, result: elementsOf(0)},
		"zipmap":    {f: stdlib.ZipmapFunc, result: elementsOf(0)},
		// conversions
		"tobool":   {f: stdlib.MakeToFunc(cty.Bool)},
		"tolist":   {f: stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)), result: elementsOf(0)},
		"tonumber": {f: stdlib.MakeToFunc(cty.Number)},
		"tostring": {f: stdlib.MakeToFunc(cty.String)},
	}
	out := make(map[string]function.Function, len(fs))
	for name, x := range fs {
		out[name] = guard(name, x.f, x.result, b)
	}
	// The range budget is counted after the call, as before: range never
	// makes more than 1024 values a call.
	out["range"] = countRange(out["range"], rangeBudget)
	return out
}

// size is how large a value is or will be at most.
type size struct {
	elements int
	bytes    int64
}

// sizer works out, before a call, how large its result will be at most,
// or refuses the call.
type sizer func(args []cty.Value) (size, error)

// numericArgs are the functions that may convert any of their arguments
// to a number, whatever their parameters say.
var numericArgs = map[string]bool{"format": true, "formatlist": true, "tonumber": true}

// guard wraps f: the wrapper takes its arguments unconverted, refuses a
// string too long to read as a number where f wants one, converts them to
// f's parameter types (reporting a mismatch as hcl would), charges the
// arguments and the result's size (from result, before the call) against
// b, calls f, turns a panic inside it into a plain error and checks the
// value it returns.
func guard(name string, f function.Function, result sizer, b *budget) function.Function {
	dyn := func(p function.Parameter) function.Parameter {
		p.Type = cty.DynamicPseudoType
		p.AllowNull, p.AllowUnknown, p.AllowDynamicType, p.AllowMarked = true, true, true, true
		return p
	}
	inner := f.Params()
	params := make([]function.Parameter, len(inner))
	for i, p := range inner {
		params[i] = dyn(p)
	}
	var varParam *function.Parameter
	if vp := f.VarParam(); vp != nil {
		p := dyn(*vp)
		varParam = &p
	}
	convertArgs := func(args []cty.Value) ([]cty.Value, error) {
		out := make([]cty.Value, len(args))
		for i, a := range args {
			p := f.VarParam()
			if i < len(inner) {
				p = &inner[i]
			}
			if p == nil {
				return nil, fmt.Errorf("too many arguments")
			}
			if numericArgs[name] || typeHasNumber(p.Type) {
				if err := checkNumberText(a); err != nil {
					return nil, function.NewArgError(i, err)
				}
			}
			c, err := convert.Convert(a, p.Type)
			if err != nil {
				return nil, function.NewArgError(i, err)
			}
			out[i] = c
		}
		return out, nil
	}
	return function.New(&function.Spec{
		Description: f.Description(),
		Params:      params,
		VarParam:    varParam,
		Type: func(args []cty.Value) (cty.Type, error) {
			conv, err := convertArgs(args)
			if err != nil {
				return cty.NilType, err
			}
			return f.ReturnTypeForValues(conv)
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			for _, a := range args {
				if err := b.chargeValue(a, 1); err != nil {
					return cty.NilVal, err
				}
			}
			conv, err := convertArgs(args)
			if err != nil {
				return cty.NilVal, err
			}
			known := true
			for _, a := range conv {
				if !a.IsWhollyKnown() || a.ContainsMarked() {
					known = false
				}
			}
			if result != nil && known {
				est, err := result(conv)
				if err != nil {
					return cty.NilVal, err
				}
				if err := tooLarge(name, est); err != nil {
					return cty.NilVal, err
				}
				if err := b.charge(est.elements, est.bytes); err != nil {
					return cty.NilVal, err
				}
			}
			v, err := f.Call(conv)
			if err != nil {
				return cty.NilVal, cleanError(err)
			}
			if le := checkValue(v); le != nil {
				return cty.NilVal, &limitError{le.summary, fmt.Sprintf("%s returned a value that is too large or out of range: %s", name, le.detail)}
			}
			return v, nil
		},
	})
}

// tooLarge refuses a result larger than one value may be.
func tooLarge(name string, est size) error {
	switch {
	case est.elements > MaxElements:
		return &limitError{summaryTooLarge, fmt.Sprintf("%s would return %d elements, more than the %d a value may hold", name, est.elements, MaxElements)}
	case est.bytes > MaxValueBytes:
		return &limitError{summaryTooLarge, fmt.Sprintf("%s would return %s of text, more than the %s a value may hold", name, humanSize(est.bytes), humanSize(MaxValueBytes))}
	}
	return nil
}

// countRange charges the values range returns against budget, the
// spec's calls of range together.
func countRange(f function.Function, budget *int) function.Function {
	return function.New(&function.Spec{
		Description: f.Description(),
		Params:      f.Params(),
		VarParam:    f.VarParam(),
		Type:        f.ReturnTypeForValues,
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if *budget < 0 {
				return cty.NilVal, fmt.Errorf("the spec's calls of range produce more than %d values in total", MaxRangeValues)
			}
			v, err := f.Call(args)
			if err != nil {
				return v, err
			}
			if v.IsKnown() && !v.IsNull() && v.CanIterateElements() {
				*budget -= v.LengthInt()
				if *budget < 0 {
					return cty.NilVal, fmt.Errorf("the spec's calls of range produce more than %d values in total", MaxRangeValues)
				}
			}
			return v, nil
		},
	})
}

func rangeResult([]cty.Value) (size, error) { return size{elements: 1024}, nil }

// textOf: the result is at most factor times the text of argument i.
func textOf(i int, factor int64) sizer {
	return func(args []cty.Value) (size, error) {
		if i >= len(args) || args[i].IsNull() {
			return size{}, nil
		}
		return size{bytes: factor * int64(len(args[i].AsString()))}, nil
	}
}

// elementsOf: the result has at most as many elements as argument i, or
// as all arguments together (i < 0).
func elementsOf(i int) sizer {
	return func(args []cty.Value) (size, error) {
		var s size
		for j, a := range args {
			if (i < 0 || j == i) && !a.IsNull() && a.CanIterateElements() {
				s.elements += a.LengthInt()
			}
		}
		return s, nil
	}
}

func joinResult(args []cty.Value) (size, error) {
	if args[0].IsNull() {
		return size{}, nil
	}
	sep := int64(len(args[0].AsString()))
	var s size
	n := 0
	for _, list := range args[1:] {
		if list.IsNull() {
			continue
		}
		for it := list.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if !e.IsNull() {
				s.bytes += int64(len(e.AsString()))
			}
			n++
		}
	}
	if n > 1 {
		s.bytes += sep * int64(n-1)
	}
	return s, nil
}

func replaceResult(args []cty.Value) (size, error) {
	for _, a := range args {
		if a.IsNull() {
			return size{}, nil
		}
	}
	str, old, repl := args[0].AsString(), args[1].AsString(), args[2].AsString()
	var n int
	if old == "" {
		n = utf8.RuneCountInString(str) + 1
	} else {
		n = strings.Count(str, old)
	}
	return size{bytes: int64(len(str)) + int64(n)*int64(max(len(repl)-len(old), 0))}, nil
}

func splitResult(args []cty.Value) (size, error) {
	if args[0].IsNull() || args[1].IsNull() {
		return size{}, nil
	}
	sep, str := args[0].AsString(), args[1].AsString()
	n := utf8.RuneCountInString(str)
	if sep != "" {
		n = strings.Count(str, sep) + 1
	}
	return size{elements: n, bytes: int64(len(str))}, nil
}

func chunklistResult(args []cty.Value) (size, error) {
	if args[0].IsNull() || args[1].IsNull() {
		return size{}, nil
	}
	n := args[0].LengthInt()
	chunks := 1
	if bf := args[1].AsBigFloat(); bf.IsInt() && bf.Sign() > 0 {
		if k, _ := bf.Int64(); k > 0 {
			chunks = n/int(min(k, int64(n)+1)) + 1
		}
	}
	return size{elements: n + chunks}, nil
}

func flattenResult(args []cty.Value) (size, error) {
	w := sizeWalker{maxElements: MaxElements, maxBytes: math.MaxInt64}
	w.walk(args[0], 0)
	return size{elements: w.elements}, nil
}

func parseIntResult(args []cty.Value) (size, error) {
	if !args[0].IsNull() && args[0].Type() == cty.String && len(args[0].AsString()) > MaxNumberText {
		return size{}, function.NewArgErrorf(0, "a number is written with at most %d characters", MaxNumberText)
	}
	return size{}, nil
}

// floatResult refuses a call of a function go-cty computes in float64
// when the answer is not a number or infinite: go-cty would panic on NaN
// and carry an infinity on.
func floatResult(name string, f func(x, y float64) float64) sizer {
	return func(args []cty.Value) (size, error) {
		if len(args) != 2 || args[0].IsNull() || args[1].IsNull() {
			return size{}, nil
		}
		x, _ := args[0].AsBigFloat().Float64()
		y, _ := args[1].AsBigFloat().Float64()
		r := f(x, y)
		call := fmt.Sprintf("%s(%s, %s)", name, formatFloat(x), formatFloat(y))
		switch {
		case math.IsNaN(r):
			return size{}, fmt.Errorf("%s is not a number", call)
		case math.IsInf(r, 0) && (x == 0 || name == "log"):
			return size{}, fmt.Errorf("%s is infinite", call)
		case math.IsInf(r, 0):
			return size{}, fmt.Errorf("%s is larger than %.2g, the largest number a spec may use", call, math.MaxFloat64)
		}
		return size{}, nil
	}
}

func formatFloat(x float64) string { return fmt.Sprintf("%g", x) }

// wideVerb matches a format verb with a width or precision of four or more
// digits, which would pad a value to megabytes.
var wideVerb = regexp.MustCompile(`%[^%a-zA-Z]*[0-9]{4,}`)

// formatResult bounds format's result: each verb writes at most the
// largest argument (as JSON, for %v of a collection, escapes and all)
// padded to a width below 1000.
func formatResult(args []cty.Value) (size, error) {
	if args[0].IsNull() {
		return size{}, nil
	}
	spec := args[0].AsString()
	if m := wideVerb.FindString(spec); m != "" {
		return size{}, function.NewArgErrorf(0, "format verb %q has a width or precision above 999", m)
	}
	largest := int64(0)
	for _, a := range args[1:] {
		largest = max(largest, renderedSize(a))
	}
	verbs := int64(strings.Count(spec, "%"))
	return size{bytes: int64(len(spec)) + verbs*(largest+1000)}, nil
}

func formatListResult(args []cty.Value) (size, error) {
	if args[0].IsNull() {
		return size{}, nil
	}
	spec := args[0].AsString()
	if m := wideVerb.FindString(spec); m != "" {
		return size{}, function.NewArgErrorf(0, "format verb %q has a width or precision above 999", m)
	}
	n, largest := 1, int64(0)
	for _, a := range args[1:] {
		if !a.IsNull() && (a.Type().IsListType() || a.Type().IsTupleType()) {
			n = max(n, a.LengthInt())
			for it := a.ElementIterator(); it.Next(); {
				_, e := it.Element()
				largest = max(largest, renderedSize(e))
			}
			continue
		}
		largest = max(largest, renderedSize(a))
	}
	verbs := int64(strings.Count(spec, "%"))
	per := int64(len(spec)) + verbs*(largest+1000)
	return size{elements: n, bytes: int64(n) * per}, nil
}

// renderedSize bounds the text format writes for v: JSON may escape a
// byte as six, and a number in range takes at most a few hundred. A value
// past the limits of one value counts as too large to format.
func renderedSize(v cty.Value) int64 {
	w := sizeWalker{maxElements: MaxElements, maxBytes: MaxValueBytes}
	w.walk(v, 0)
	if w.over() {
		return MaxValueBytes + 1
	}
	return 6*w.bytes + 16*int64(w.elements) + 1100
}
