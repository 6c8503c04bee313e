// Package param declares named, typed parameters — a format's options, a
// step op's attributes — and holds their values normalised once: strings,
// int64, uint64, bool and []string, and float64 only for parameters
// declared as fractions, never the float64 that JSON or HCL whole numbers
// would otherwise become. A set of values survives a JSON round trip
// unchanged, so what the spec loader normalised is what a worker or driver
// process receives.
package param

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Kind is the value kind of a parameter.
type Kind int

// Kinds. The normalised Go type of each is given in brackets.
const (
	String  Kind = iota // [string], optionally restricted to Allowed
	Int                 // [int64] within [Min, Max]
	Bool                // [bool]
	Uint                // [uint64], any whole number in [0, 2^64)
	Strings             // [[]string], a list without duplicates (a single string is a list of one)
	Float               // [float64], a finite number within [FMin, FMax], or one of Words [string]
)

var kindNames = [...]string{String: "a string", Int: "a whole number", Bool: "true or false", Uint: "a whole number", Strings: "a list of strings", Float: "a number"}

// String is how messages name the kind ("a whole number").
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Decl declares one parameter.
type Decl struct {
	Name string
	Kind Kind
	// Default is the normalised value used when none is given; nil means
	// the parameter is absent unless set.
	Default any
	// Allowed restricts String values; empty means any string.
	Allowed []string
	// Min and Max bound Int values; Max 0 means no upper bound.
	Min, Max int64
	// FMin and FMax bound Float values; both 0 means any finite number.
	// FMinOpen leaves FMin itself out (a share that must be above 0).
	FMin, FMax float64
	FMinOpen   bool
	// Words are strings a Float parameter takes besides numbers
	// (time = "all"); they normalise to themselves.
	Words []string
	// Doc is one line for help texts and the README.
	Doc string
	// LabelPrefix precedes the value in variant labels: "rg" makes
	// row_group_size = 1000 read "rg1000". Strings use the bare value.
	LabelPrefix string
	// ReadOnly marks format options that only change how a file is read
	// (index, cache_budget): they do not affect the file's bytes and so
	// are not part of the data cache key.
	ReadOnly bool
}

// Values holds normalised parameter values by name.
type Values map[string]any

// String returns the named string value ("" if absent).
func (v Values) String(name string) string { s, _ := v[name].(string); return s }

// Int returns the named integer value (0 if absent).
func (v Values) Int(name string) int64 {
	switch x := v[name].(type) {
	case int64:
		return x
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x)
		}
	}
	return 0
}

// Uint returns the named unsigned value (0 if absent).
func (v Values) Uint(name string) uint64 {
	switch x := v[name].(type) {
	case uint64:
		return x
	case int64:
		if x >= 0 {
			return uint64(x)
		}
	}
	return 0
}

// Float returns the named number (0 if absent); whole numbers, which JSON
// turns into int64, count too.
func (v Values) Float(name string) float64 {
	switch x := v[name].(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	}
	return 0
}

// Bool returns the named boolean value.
func (v Values) Bool(name string) bool { b, _ := v[name].(bool); return b }

// Ints returns the named list of whole numbers (nil if absent).
func (v Values) Ints(name string) []int64 { s, _ := v[name].([]int64); return s }

// Strings returns the named list (nil if absent).
func (v Values) Strings(name string) []string { s, _ := v[name].([]string); return s }

// Has reports whether the named value is set.
func (v Values) Has(name string) bool { _, ok := v[name]; return ok }

// UnmarshalJSON decodes values exactly: whole numbers become int64 (or
// uint64 above the int64 range), lists of strings []string, lists of whole
// numbers []int64, objects nested Values, other numbers float64. Lists of
// anything but strings or whole numbers are refused: no declared kind holds
// them.
func (v *Values) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil {
		return err
	}
	if raw == nil {
		*v = nil
		return nil
	}
	out := make(Values, len(raw))
	for name, x := range raw {
		nv, err := fromJSON(x)
		if err != nil {
			return fmt.Errorf("parameter %q: %w", name, err)
		}
		out[name] = nv
	}
	*v = out
	return nil
}

func intList(t []any) ([]int64, error) {
	out := make([]int64, len(t))
	for i, e := range t {
		n, ok := e.(json.Number)
		if !ok {
			return nil, fmt.Errorf("a list holds strings or whole numbers, not both")
		}
		v, err := strconv.ParseInt(string(n), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s is not a whole number in range", n)
		}
		out[i] = v
	}
	return out, nil
}

func fromJSON(x any) (any, error) {
	switch t := x.(type) {
	case string, bool:
		return t, nil
	case json.Number:
		if i, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			return i, nil
		}
		if u, err := strconv.ParseUint(string(t), 10, 64); err == nil {
			return u, nil
		}
		if f, err := strconv.ParseFloat(string(t), 64); err == nil && !math.IsInf(f, 0) && f != math.Trunc(f) {
			return f, nil
		}
		return nil, fmt.Errorf("%s is not a whole number in range", t)
	case map[string]any:
		out := make(Values, len(t))
		for name, x := range t {
			nv, err := fromJSON(x)
			if err != nil {
				return nil, fmt.Errorf("%q: %w", name, err)
			}
			out[name] = nv
		}
		return out, nil
	case []any:
		if len(t) > 0 {
			if _, ok := t[0].(json.Number); ok {
				return intList(t)
			}
		}
		out := make([]string, len(t))
		for i, e := range t {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("a list holds strings or whole numbers, not both")
			}
			out[i] = s
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported value %v", x)
}

// Check validates one value against its declaration and returns it
// normalised: int, int32 and whole float64 become int64 (or uint64 for
// Uint), a single string becomes a list of one for Strings.
func (d Decl) Check(v any) (any, error) {
	switch d.Kind {
	case String:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%q must be a string", d.Name)
		}
		if len(d.Allowed) > 0 && !slices.Contains(d.Allowed, s) {
			return nil, fmt.Errorf("%q does not support %q; choose one of %s",
				d.Name, s, strings.Join(quoteAll(d.Allowed), ", "))
		}
		return s, nil
	case Int:
		i, err := wholeNumber(d.Name, v)
		if err != nil {
			return nil, err
		}
		if i < d.Min {
			return nil, fmt.Errorf("%q must be at least %d, not %d", d.Name, d.Min, i)
		}
		if d.Max != 0 && i > d.Max {
			return nil, fmt.Errorf("%q must be at most %d, not %d", d.Name, d.Max, i)
		}
		return i, nil
	case Uint:
		switch x := v.(type) {
		case uint64:
			return x, nil
		case int64:
			if x >= 0 {
				return uint64(x), nil
			}
		case int:
			if x >= 0 {
				return uint64(x), nil
			}
		}
		return nil, fmt.Errorf("%q must be a whole number from 0 to %d", d.Name, uint64(math.MaxUint64))
	case Bool:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("%q must be true or false", d.Name)
		}
		return b, nil
	case Float:
		var f float64
		switch x := v.(type) {
		case string:
			if slices.Contains(d.Words, x) {
				return x, nil
			}
			if len(d.Words) > 0 {
				return nil, fmt.Errorf("%q must be a number or %s, not %q", d.Name, strings.Join(quoteAll(d.Words), " or "), x)
			}
			return nil, fmt.Errorf("%q must be a number", d.Name)
		case float64:
			f = x
		case int:
			f = float64(x)
		case int64:
			f = float64(x)
		case uint64:
			f = float64(x)
		default:
			return nil, fmt.Errorf("%q must be a number", d.Name)
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("%q must be a finite number, not %v", d.Name, f)
		}
		if d.FMin != 0 || d.FMax != 0 || d.FMinOpen {
			if d.FMinOpen && (f <= d.FMin || f > d.FMax) {
				return nil, fmt.Errorf("%q must be more than %v and at most %v, not %v", d.Name, d.FMin, d.FMax, f)
			}
			if f < d.FMin || f > d.FMax {
				return nil, fmt.Errorf("%q must be from %v to %v, not %v", d.Name, d.FMin, d.FMax, f)
			}
		}
		return f, nil
	case Strings:
		var list []string
		switch x := v.(type) {
		case string:
			list = []string{x}
		case []string:
			list = slices.Clone(x)
		default:
			return nil, fmt.Errorf("%q must be a list of strings", d.Name)
		}
		seen := make(map[string]bool, len(list))
		for _, s := range list {
			if seen[s] {
				return nil, fmt.Errorf("%q lists %q twice", d.Name, s)
			}
			seen[s] = true
			if len(d.Allowed) > 0 && !slices.Contains(d.Allowed, s) {
				return nil, fmt.Errorf("%q does not support %q; choose from %s",
					d.Name, s, strings.Join(quoteAll(d.Allowed), ", "))
			}
		}
		return list, nil
	}
	return nil, fmt.Errorf("%q has an unknown kind", d.Name)
}

func wholeNumber(name string, v any) (int64, error) {
	switch x := v.(type) {
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case int64:
		return x, nil
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x), nil
		}
		return 0, fmt.Errorf("%q is too large: %d", name, x)
	case float64:
		if x != math.Trunc(x) || math.IsInf(x, 0) || math.Abs(x) >= 1<<63 {
			return 0, fmt.Errorf("%q must be a whole number, not %v", name, x)
		}
		return int64(x), nil
	}
	return 0, fmt.Errorf("%q must be a number", name)
}

// Normalize checks values against decls and returns a complete set: every
// declared parameter with a value or a default present, values normalised.
// what names the owner in errors ("format \"parquet\"").
func Normalize(what string, decls []Decl, values map[string]any) (Values, error) {
	known := make(map[string]Decl, len(decls))
	for _, d := range decls {
		known[d.Name] = d
	}
	for name := range values {
		if _, ok := known[name]; !ok {
			return nil, fmt.Errorf("%s has no option %q; it has %s", what, name, strings.Join(Names(decls), ", "))
		}
	}
	out := make(Values, len(decls))
	for _, d := range decls {
		v, set := values[d.Name]
		if !set || v == nil {
			if d.Default != nil {
				out[d.Name] = d.Default
			}
			continue
		}
		nv, err := d.Check(v)
		if err != nil {
			return nil, err
		}
		out[d.Name] = nv
	}
	return out, nil
}

// Verify checks that values are a complete, normalised set for decls, as
// Normalize returns: what a process that receives values from another
// (over JSON) checks instead of normalising again.
func Verify(what string, decls []Decl, values Values) error {
	got, err := Normalize(what, decls, values)
	if err != nil {
		return err
	}
	for _, d := range decls {
		if _, ok := values[d.Name]; !ok && got[d.Name] != nil {
			return fmt.Errorf("%s: %q is missing", what, d.Name)
		}
	}
	return nil
}

// Names lists the declared names, sorted.
func Names(decls []Decl) []string {
	names := make([]string, 0, len(decls))
	for _, d := range decls {
		names = append(names, d.Name)
	}
	sort.Strings(names)
	return names
}

// LabelFragment is the piece a varying value contributes to a variant
// label: strings bare, numbers after LabelPrefix, booleans as the name or
// "no-" and the name.
func (d Decl) LabelFragment(v any) string {
	switch x := v.(type) {
	case string:
		return d.LabelPrefix + x
	case int64:
		return d.LabelPrefix + strconv.FormatInt(x, 10)
	case uint64:
		return d.LabelPrefix + strconv.FormatUint(x, 10)
	case float64:
		return d.LabelPrefix + strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		if x {
			return d.LabelPrefix + d.Name
		}
		return d.LabelPrefix + "no-" + d.Name
	}
	return d.LabelPrefix + fmt.Sprint(v)
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
}
