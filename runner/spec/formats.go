package spec

import (
	"fmt"
	"math/big"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/runner/plan"
)

func (l *loader) loadFormats() []plan.Variant {
	var out []plan.Variant
	declared := map[string]hcl.Range{}
	labels := map[string]hcl.Range{}
	for _, b := range l.bodies {
		for _, fb := range b.Formats {
			if len(out) > MaxVariants {
				l.add(errorAt(fb.DefRange, "Too many format variants",
					fmt.Sprintf("The format blocks before this one already make %d variants, more than the %d a spec may have; the blocks from here on are not checked.", len(out), MaxVariants)))
				l.formatErrors = true
				return out
			}
			before := len(l.diags.Diagnostics)
			vs := l.formatBlock(fb, declared)
			names := make([]string, len(vs))
			for i, v := range vs {
				names[i] = v.Label
			}
			l.unique(labels, names, fb.DefRange, "Duplicate format variant", "This block makes a variant labelled %q, a label the block at %s already makes.")
			if hcl.Diagnostics(l.diags.Diagnostics[before:]).HasErrors() {
				l.formatErrors = true
				continue
			}
			out = append(out, vs...)
		}
	}
	return out
}

func (l *loader) formatBlock(fb *formatBlock, declared map[string]hcl.Range) []plan.Variant {
	if !l.declare(declared, "format", fb.Label, fb.DefRange) {
		return nil
	}

	typeName, typeRange := fb.Label, fb.DefRange
	if fb.Type != nil {
		s, ok := l.str(fb.Type)
		if !ok {
			return nil
		}
		typeName, typeRange = s, fb.Type.Expr.Range()
	}
	f, ok := formats.Lookup(typeName)
	if !ok {
		detail := fmt.Sprintf("There is no format of type %q; the formats are %s.%s", typeName, quoteAll(formats.Names()), suggest(typeName, formats.Names()))
		if fb.Type == nil {
			detail += fmt.Sprintf(" The type defaults to the block's label; set type = \"...\" to label a format %q.", fb.Label)
		}
		l.add(errorAt(typeRange, "Unknown format type", detail))
		return nil
	}

	attrs, ds := fb.Options.JustAttributes()
	l.addDiags(ds)
	readerAttr, memAttr := attrs[ReaderAttr], attrs[MemoryLimitAttr]
	delete(attrs, ReaderAttr)
	delete(attrs, MemoryLimitAttr)
	decls := map[string]formats.Option{}
	for _, o := range f.Options() {
		decls[o.Name] = o
	}
	set := map[string]*hcl.Attribute{}
	for _, name := range sortedAttrNames(attrs) {
		attr := attrs[name]
		if _, known := decls[name]; !known {
			_, err := formats.Normalize(f, map[string]any{name: nil})
			l.add(errorAt(attr.NameRange, "Unsupported format option",
				capitalize(err.Error())+"."+suggest(name, formats.OptionNames(f))))
			continue
		}
		set[name] = attr
	}

	// Axes in the order the format declares its options, so labels do not
	// depend on the order of attributes in the spec.
	var axes []sweepAxis
	good := !ds.HasErrors()
	for _, opt := range f.Options() {
		attr, ok := set[opt.Name]
		if !ok {
			continue
		}
		v, ok := l.eval(attr)
		if !ok {
			good = false
			continue
		}
		if v.IsNull() {
			continue // null means the default
		}
		vals := l.sweep(attr, "Invalid format option value", func(ev cty.Value, rng hcl.Range) (any, bool) {
			x, err := formats.CheckOption(opt, goValue(ev))
			if err != nil {
				l.add(errorAt(rng, "Invalid format option value", capitalize(err.Error())+"."))
				return nil, false
			}
			return x, true
		})
		if vals == nil {
			good = false
			continue
		}
		axes = append(axes, sweepAxis{name: opt.Name, values: vals, fragment: opt.LabelFragment})
	}
	if readerAttr != nil {
		ax, ok := l.readerAxis(readerAttr)
		good = good && ok
		axes = append(axes, ax)
	}
	if memAttr != nil {
		ax, ok := l.memoryLimitAxis(memAttr)
		good = good && ok
		axes = append(axes, ax)
	}
	if !good {
		return nil
	}

	var out []plan.Variant
	tooLarge := fmt.Sprintf("Format %q sweeps into more than %d variants.", fb.Label, MaxSweep)
	if !l.expand(fb.DefRange, tooLarge, axes, func(vals []any, frags []string, varying map[string]string) bool {
		opts := map[string]any{}
		reader := ""
		var memLimit int64
		for i, a := range axes {
			switch a.name {
			case ReaderAttr:
				reader = vals[i].(string)
				continue
			case MemoryLimitAttr:
				memLimit = vals[i].(int64)
				continue
			}
			opts[a.name] = vals[i]
		}
		norm, err := formats.Normalize(f, opts)
		if err != nil {
			// Every value passed alone; a format whose options conflict
			// in combination says so here.
			l.add(errorAt(fb.DefRange, "Invalid format options", capitalize(err.Error())+"."))
			return false
		}
		out = append(out, plan.Variant{
			Label:       plan.Label(fb.Label, frags...),
			Format:      f.Name(),
			Options:     norm,
			Axes:        varying,
			Reader:      reader,
			MemoryLimit: memLimit,
		})
		return true
	}) {
		return nil
	}
	for _, v := range out {
		if err := plan.CheckName(v.Label); err != nil {
			l.add(errorAt(fb.DefRange, "Invalid format variant label",
				fmt.Sprintf("The swept values make a label that cannot name a variant: %s.", err)))
			return nil
		}
	}
	return out
}

// goValue turns a primitive cty value into the Go value option checks
// expect (string, int64 or float64, bool); other values become a
// placeholder that every check rejects as the wrong type.
func goValue(v cty.Value) any {
	if v.IsNull() {
		return nil
	}
	switch v.Type() {
	case cty.String:
		return v.AsString()
	case cty.Bool:
		return v.True()
	case cty.Number:
		bf := v.AsBigFloat()
		if bf.IsInt() {
			if i, acc := bf.Int64(); acc == big.Exact {
				return i
			}
		}
		f, _ := bf.Float64()
		return f
	}
	return struct{ notPrimitive string }{v.Type().FriendlyName()}
}
