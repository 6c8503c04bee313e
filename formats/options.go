package formats

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// OptionKind is the value kind of a format option.
type OptionKind int

// Option kinds. Normalised values are string, int64 and bool.
const (
	OptString OptionKind = iota // string, optionally restricted to Allowed
	OptInt                      // int64, at least Min
	OptBool                     // bool
)

// Option declares one option a spec may set in a format block.
type Option struct {
	Name string
	Kind OptionKind
	// Default is the value used when the spec does not set the option
	// (string, int64 or bool).
	Default any
	// Allowed restricts string values; empty means any string.
	Allowed []string
	// Min is the smallest accepted integer value.
	Min int64
	// Doc is one line for `runner help` and the README.
	Doc string
	// LabelPrefix precedes the value in variant labels: "rg" makes
	// row_group_size = 1000 read "rg1000". Strings use the bare value.
	LabelPrefix string
	// ReadOnly marks options that only change how a file is read
	// (index, cache_budget): they do not affect the file's bytes and so
	// are not part of the data cache key.
	ReadOnly bool
}

// Options holds normalised option values by name.
type Options map[string]any

// String returns the named string option (the default if unset).
func (o Options) String(name string) string { s, _ := o[name].(string); return s }

// Int returns the named integer option.
func (o Options) Int(name string) int64 { i, _ := o[name].(int64); return i }

// Bool returns the named boolean option.
func (o Options) Bool(name string) bool { b, _ := o[name].(bool); return b }

// CheckValue validates a single option value against its declaration and
// returns it normalised (int, int32 and whole float64 become int64).
func (opt Option) CheckValue(v any) (any, error) {
	switch opt.Kind {
	case OptString:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("option %q must be a string", opt.Name)
		}
		if len(opt.Allowed) > 0 {
			for _, a := range opt.Allowed {
				if a == s {
					return s, nil
				}
			}
			return nil, fmt.Errorf("option %q does not support %q; choose one of %s",
				opt.Name, s, strings.Join(quoteAll(opt.Allowed), ", "))
		}
		return s, nil
	case OptInt:
		var i int64
		switch x := v.(type) {
		case int:
			i = int64(x)
		case int32:
			i = int64(x)
		case int64:
			i = x
		case float64:
			if x != float64(int64(x)) {
				return nil, fmt.Errorf("option %q must be a whole number, not %v", opt.Name, x)
			}
			i = int64(x)
		default:
			return nil, fmt.Errorf("option %q must be a number", opt.Name)
		}
		if i < opt.Min {
			return nil, fmt.Errorf("option %q must be at least %d, not %d", opt.Name, opt.Min, i)
		}
		return i, nil
	case OptBool:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("option %q must be true or false", opt.Name)
		}
		return b, nil
	}
	return nil, fmt.Errorf("option %q has an unknown kind", opt.Name)
}

// Normalize checks opts against a format's declarations and returns a
// complete set: every declared option present, defaults filled in.
func Normalize(f Format, opts map[string]any) (Options, error) {
	decl := f.Options()
	known := make(map[string]Option, len(decl))
	for _, o := range decl {
		known[o.Name] = o
	}
	for name := range opts {
		if _, ok := known[name]; !ok {
			return nil, fmt.Errorf("format %q has no option %q; it has %s",
				f.Name(), name, strings.Join(OptionNames(f), ", "))
		}
	}
	out := make(Options, len(decl))
	for _, o := range decl {
		v, set := opts[o.Name]
		if !set {
			out[o.Name] = o.Default
			continue
		}
		nv, err := o.CheckValue(v)
		if err != nil {
			return nil, err
		}
		out[o.Name] = nv
	}
	return out, nil
}

// OptionNames lists a format's option names, sorted.
func OptionNames(f Format) []string {
	var names []string
	for _, o := range f.Options() {
		names = append(names, o.Name)
	}
	sort.Strings(names)
	return names
}

// LabelFragment is the piece a varying option contributes to a variant label.
func (opt Option) LabelFragment(v any) string {
	switch x := v.(type) {
	case string:
		return opt.LabelPrefix + x
	case int64:
		return opt.LabelPrefix + strconv.FormatInt(x, 10)
	case bool:
		if x {
			return opt.LabelPrefix + opt.Name
		}
		return opt.LabelPrefix + "no-" + opt.Name
	}
	return opt.LabelPrefix + fmt.Sprint(v)
}

// FileKey renders the options that affect a file's bytes as a stable string,
// for cache keys.
func FileKey(f Format, opts Options) string {
	var parts []string
	for _, o := range f.Options() {
		if o.ReadOnly {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s=%v", o.Name, opts[o.Name]))
	}
	sort.Strings(parts)
	return f.Name() + "{" + strings.Join(parts, ",") + "}"
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
}
