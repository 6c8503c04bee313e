package spec

import (
	"fmt"
	"regexp"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// MaxRangeValues bounds the values all calls of range in one load may
// produce together, so that for expressions calling range cannot multiply
// into more values than memory holds.
const MaxRangeValues = 100000

// functions are the go-cty standard library functions a spec may call, under
// the names Terraform users know. Functions that can build unbounded values
// from a short expression (setproduct, indent, formats with huge widths,
// range called over and over) are left out or guarded, so that no spec can
// exhaust memory while loading. rangeBudget is shared by every call.
func functions(rangeBudget *int) map[string]function.Function {
	return map[string]function.Function{
		// numbers
		"abs":      stdlib.AbsoluteFunc,
		"ceil":     stdlib.CeilFunc,
		"floor":    stdlib.FloorFunc,
		"log":      stdlib.LogFunc,
		"max":      stdlib.MaxFunc,
		"min":      stdlib.MinFunc,
		"parseint": stdlib.ParseIntFunc,
		"pow":      stdlib.PowFunc,
		"signum":   stdlib.SignumFunc,
		"int":      stdlib.IntFunc,
		// strings
		"chomp":      stdlib.ChompFunc,
		"format":     guardFormat(stdlib.FormatFunc),
		"formatlist": guardFormat(stdlib.FormatListFunc),
		"join":       stdlib.JoinFunc,
		"lower":      stdlib.LowerFunc,
		"replace":    stdlib.ReplaceFunc,
		"split":      stdlib.SplitFunc,
		"strlen":     stdlib.StrlenFunc,
		"substr":     stdlib.SubstrFunc,
		"title":      stdlib.TitleFunc,
		"trim":       stdlib.TrimFunc,
		"trimprefix": stdlib.TrimPrefixFunc,
		"trimspace":  stdlib.TrimSpaceFunc,
		"trimsuffix": stdlib.TrimSuffixFunc,
		"upper":      stdlib.UpperFunc,
		// collections
		"chunklist": stdlib.ChunklistFunc,
		"coalesce":  stdlib.CoalesceFunc,
		"compact":   stdlib.CompactFunc,
		"concat":    stdlib.ConcatFunc,
		"contains":  stdlib.ContainsFunc,
		"distinct":  stdlib.DistinctFunc,
		"element":   stdlib.ElementFunc,
		"flatten":   stdlib.FlattenFunc,
		"index":     stdlib.IndexFunc,
		"keys":      stdlib.KeysFunc,
		"length":    stdlib.LengthFunc,
		"lookup":    stdlib.LookupFunc,
		"merge":     stdlib.MergeFunc,
		"range":     guardRange(stdlib.RangeFunc, rangeBudget), // at most 1024 elements a call
		"reverse":   stdlib.ReverseListFunc,
		"slice":     stdlib.SliceFunc,
		"sort":      stdlib.SortFunc,
		"values":    stdlib.ValuesFunc,
		"zipmap":    stdlib.ZipmapFunc,
		// conversions
		"tobool":   stdlib.MakeToFunc(cty.Bool),
		"tolist":   stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
		"tonumber": stdlib.MakeToFunc(cty.Number),
		"tostring": stdlib.MakeToFunc(cty.String),
	}
}

// wideVerb matches a format verb with a width or precision of four or more
// digits, which would pad a value to megabytes.
var wideVerb = regexp.MustCompile(`%[^%a-zA-Z]*[0-9]{4,}`)

// guardFormat wraps format and formatlist, rejecting widths and precisions
// above 999.
func guardFormat(f function.Function) function.Function {
	spec := &function.Spec{
		Description: f.Description(),
		Params:      f.Params(),
		VarParam:    f.VarParam(),
		Type: func(args []cty.Value) (cty.Type, error) {
			return f.ReturnTypeForValues(args)
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if len(args) > 0 && args[0].IsKnown() && !args[0].IsNull() && args[0].Type() == cty.String {
				if m := wideVerb.FindString(args[0].AsString()); m != "" {
					return cty.NilVal, function.NewArgErrorf(0, "format verb %q has a width or precision above 999", m)
				}
			}
			return f.Call(args)
		},
	}
	return function.New(spec)
}

// guardRange wraps range, charging every result against budget.
func guardRange(f function.Function, budget *int) function.Function {
	return function.New(&function.Spec{
		Description: f.Description(),
		Params:      f.Params(),
		VarParam:    f.VarParam(),
		Type: func(args []cty.Value) (cty.Type, error) {
			return f.ReturnTypeForValues(args)
		},
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
