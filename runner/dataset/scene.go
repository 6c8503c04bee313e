package dataset

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"

	"github.com/scenebench/runner/formats"
)

// Schema presets.
const (
	SchemaBuilding20 = "building20"
	SchemaNone       = "none"
)

// Hierarchies.
const (
	HierarchyFlat     = "flat"
	HierarchyDeep     = "deep"
	HierarchyBalanced = "balanced"
	// HierarchySource is the hierarchy of an imported dataset: the
	// source layer's own.
	HierarchySource = "source"
)

// building20 reproduces the original benchmark's 20 properties and their
// distributions, in the original's column order.
var building20 = []PropertyConfig{
	{Name: "cost", Type: "double", Generator: "uniform(100, 10000)"},
	{Name: "carbon_A1", Type: "double", Generator: "uniform(0, 100)"},
	{Name: "carbon_A2", Type: "double", Generator: "uniform(0, 50)"},
	{Name: "carbon_A3", Type: "double", Generator: "uniform(0, 200)"},
	{Name: "carbon_A4", Type: "double", Generator: "uniform(0, 30)"},
	{Name: "carbon_A5", Type: "double", Generator: "uniform(0, 20)"},
	{Name: "weight", Type: "double", Generator: "uniform(1, 1000)"},
	{Name: "temperature", Type: "double", Generator: "uniform(-20, 60)"},
	{Name: "pressure", Type: "double", Generator: "uniform(90000, 110000)"},
	{Name: "velocity_x", Type: "double", Generator: "normal(0, 1)"},
	{Name: "velocity_y", Type: "double", Generator: "normal(0, 1)"},
	{Name: "velocity_z", Type: "double", Generator: "normal(0, 1)"},
	{Name: "stress", Type: "double", Generator: "uniform(0, 500)"},
	{Name: "strain", Type: "double", Generator: "uniform(0, 0.01)"},
	{Name: "efficiency", Type: "double", Generator: "uniform(0.5, 1.0)"},
	{Name: "lifespan", Type: "int", Generator: "uniform(1, 50)"},
	{Name: "is_active", Type: "bool", Generator: "choice([true, false])"},
	{Name: "supplier_id", Type: "string", Generator: `pattern("SUP-####")`},
	{Name: "material_code", Type: "string", Generator: `pattern("@@@-###")`},
	{Name: "install_date", Type: "string", Generator: `pattern("20{20-25}-{01-12}-{01-28}")`},
}

// building20Payload is the optional 21st property.
var building20Payload = PropertyConfig{Name: "payload", Type: "string", Generator: "random_string(1000)"}

// Presets returns the properties a schema preset contributes (with payload
// as the spec's default includes it), for documentation and help output.
func Presets() map[string][]PropertyConfig {
	b := append(append([]PropertyConfig(nil), building20...), building20Payload)
	return map[string][]PropertyConfig{SchemaBuilding20: b, SchemaNone: nil}
}

// ConfigError is one problem with a dataset config. Field names the setting
// as a spec spells it ("prims", "hierarchy", "depth", "fanout", "schema",
// "properties"; for a custom property "name", "type", "length" or
// "generator"), so that a spec front end can point at its source.
type ConfigError struct {
	Dataset  string
	Property string // the custom property at fault, "" for dataset settings
	Field    string
	Err      error
}

func (e *ConfigError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "dataset %q: ", e.Dataset)
	if e.Property != "" {
		fmt.Fprintf(&b, "property %q: ", e.Property)
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *ConfigError) Unwrap() error { return e.Err }

// scene is a validated config with every default applied: what Info,
// Generate and Ensure work from.
type scene struct {
	cfg   Config // Schema and Hierarchy filled in
	info  formats.SceneInfo
	gens  []Generator // per property, in info.Properties order
	paths pathFunc
	base  bool      // the hierarchy alone (baseScene)
	imp   *Imported // the source layer's scene, for an imported dataset
}

// resolve validates cfg and builds its scene, collecting every problem.
func resolve(cfg Config) (*scene, []error) {
	if cfg.Source != "" {
		return sourceScene(cfg)
	}
	var errs []error
	add := func(prop, field, format string, args ...any) {
		errs = append(errs, &ConfigError{Dataset: cfg.Name, Property: prop, Field: field, Err: fmt.Errorf(format, args...)})
	}
	if cfg.Schema == "" {
		cfg.Schema = SchemaBuilding20
	}
	if cfg.Hierarchy == "" {
		cfg.Hierarchy = HierarchyFlat
	}
	if cfg.Prims < 1 {
		add("", "prims", "prims must be at least 1, got %d", cfg.Prims)
	}
	if cfg.Prims > maxPrims {
		add("", "prims", "prims must be at most %d, got %d", maxPrims, cfg.Prims)
	}

	s := &scene{}
	switch cfg.Hierarchy {
	case HierarchyFlat, HierarchyDeep:
		if cfg.Depth != 0 {
			add("", "depth", "depth applies only to hierarchy \"balanced\", not %q", cfg.Hierarchy)
		}
		if cfg.Fanout != 0 {
			add("", "fanout", "fanout applies only to hierarchy \"balanced\", not %q", cfg.Hierarchy)
		}
		if cfg.Prims >= 1 {
			s.paths = flatPaths
			if cfg.Hierarchy == HierarchyDeep {
				s.paths = deepPaths(cfg.Prims)
			}
		}
	case HierarchyBalanced:
		ok := true
		if cfg.Depth < 1 || cfg.Depth > maxDepth {
			add("", "depth", "depth of a balanced hierarchy must be from 1 to %d, got %d", maxDepth, cfg.Depth)
			ok = false
		}
		if cfg.Fanout < 1 {
			add("", "fanout", "fanout of a balanced hierarchy must be at least 1, got %d", cfg.Fanout)
			ok = false
		}
		if ok && cfg.Prims >= 1 {
			if c := balancedCapacity(cfg.Depth, cfg.Fanout); c < uint64(cfg.Prims) {
				add("", "prims", "a balanced hierarchy of depth %d and fanout %d holds at most %d prims, not %d; raise depth or fanout",
					cfg.Depth, cfg.Fanout, c, cfg.Prims)
			} else {
				s.paths = balancedPaths(cfg.Depth, cfg.Fanout)
			}
		}
	default:
		add("", "hierarchy", "unknown hierarchy %q; choose one of \"flat\", \"deep\", \"balanced\"", cfg.Hierarchy)
	}

	var decls []PropertyConfig
	infoSchema := cfg.Schema
	switch cfg.Schema {
	case SchemaBuilding20:
		decls = append(decls, building20...)
		if cfg.Payload {
			decls = append(decls, building20Payload)
		}
	case SchemaNone:
		infoSchema = "custom"
		if len(cfg.Properties) == 0 {
			add("", "properties", "schema \"none\" has no properties of its own: declare at least one property")
		}
	default:
		add("", "schema", "unknown schema %q; choose one of \"building20\", \"none\"", cfg.Schema)
	}
	preset := len(decls)
	decls = append(decls, cfg.Properties...)

	seen := make(map[string]bool, len(decls))
	for i, pc := range decls {
		custom := i >= preset
		ok := true
		perr := func(field, format string, args ...any) {
			ok = false
			if !custom {
				// A preset property failing is a bug in this package.
				errs = append(errs, fmt.Errorf("dataset %q: preset %s property %q: %s", cfg.Name, cfg.Schema, pc.Name, fmt.Sprintf(format, args...)))
				return
			}
			add(pc.Name, field, format, args...)
		}
		switch {
		case pc.Name == "":
			perr("name", "property %d has no name", i-preset+1)
		case !formats.IsIdentifier(pc.Name):
			perr("name", "the name is not an identifier (letters, digits and _, not starting with a digit)")
		case pc.Name == "path":
			perr("name", "the name \"path\" is reserved for prim paths")
		case seen[pc.Name] && i >= preset && nameIn(pc.Name, decls[:preset]):
			perr("name", "schema %q already has a property of this name; choose another", cfg.Schema)
		case seen[pc.Name]:
			perr("name", "declared twice")
		}
		seen[pc.Name] = true
		typ, known := formats.ParseType(pc.Type)
		if known && typ > lastGenerated {
			perr("type", "type %s is imported from layers but not generated; choose one of %s", pc.Type, strings.Join(GeneratedTypes(), ", "))
			known = false
		} else if !known {
			perr("type", "unknown type %q; choose one of %s", pc.Type, strings.Join(GeneratedTypes(), ", "))
		}
		if known {
			if typ.IsArray() && pc.Length < 1 {
				perr("length", "type %s needs a length of at least 1, got %d", typ, pc.Length)
			} else if typ.IsArray() && pc.Length > maxArrayLength {
				perr("length", "length must be at most %d, got %d", maxArrayLength, pc.Length)
			} else if !typ.IsArray() && pc.Length != 0 {
				perr("length", "length applies only to array types, not %s", typ)
			}
		}
		g, err := ParseGenerator(pc.Generator)
		if err != nil {
			perr("generator", "%v", err)
		} else if known {
			if err := checkBinding(g, typ, pc.Length, cfg.Prims); err != nil {
				perr("generator", "generator %s: %v", g, err)
			}
		}
		if err := pc.Samples.Check(); err != nil {
			perr("samples", "%v", err)
		}
		if ok {
			s.info.Properties = append(s.info.Properties, formats.Property{Name: pc.Name, Type: typ, Length: pc.Length, Samples: pc.Samples})
			s.gens = append(s.gens, g)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	s.cfg = cfg
	s.info.Schema = infoSchema
	s.info.Hierarchy = cfg.Hierarchy
	s.info.Seed = cfg.Seed
	s.info.Prims = cfg.Prims
	return s, nil
}

// MaxPrims is the most prims a dataset may have (the spec loader checks
// against it too, so both say the same).
const MaxPrims = math.MaxInt32

// Limits that keep a typo from asking for the impossible.
const (
	maxPrims       = MaxPrims
	maxDepth       = 32
	maxArrayLength = 1 << 20
)

func nameIn(name string, decls []PropertyConfig) bool {
	for _, d := range decls {
		if d.Name == name {
			return true
		}
	}
	return false
}

// Which generators apply to which types.
var applicable = map[string][]formats.Type{
	genUniform:      {formats.Double, formats.Float, formats.Int, formats.Int64, formats.Float3, formats.Double3, formats.DoubleArray, formats.FloatArray, formats.IntArray, formats.Float3Array},
	genNormal:       {formats.Double, formats.Float, formats.Float3, formats.Double3, formats.DoubleArray, formats.FloatArray, formats.Float3Array},
	genChoice:       {formats.Double, formats.Float, formats.Int, formats.Int64, formats.Bool, formats.String, formats.Token, formats.DoubleArray, formats.FloatArray, formats.IntArray},
	genSequence:     {formats.Double, formats.Float, formats.Int, formats.Int64},
	genPattern:      {formats.String, formats.Token},
	genRandomString: {formats.String, formats.Token},
	genConstant:     formatsAllTypes(),
}

func formatsAllTypes() []formats.Type {
	var ts []formats.Type
	for _, n := range GeneratedTypes() {
		t, _ := formats.ParseType(n)
		ts = append(ts, t)
	}
	return ts
}

// lastGenerated is the last type properties can be generated in: the
// types after it come only from imported layers.
const lastGenerated = formats.Float3Array

// GeneratedTypes lists the type names a custom property may have (the
// scene model's first 13 types; the others come only from imported
// layers).
func GeneratedTypes() []string {
	return formats.TypeNames()[:lastGenerated]
}

// generatorsFor lists the generators that apply to t, for error messages.
func generatorsFor(t formats.Type) []string {
	var out []string
	for _, g := range generatorNames {
		for _, at := range applicable[g] {
			if at == t {
				out = append(out, g)
			}
		}
	}
	return out
}

// element kinds of property types.
func isFloatType(t formats.Type) bool {
	switch t {
	case formats.Double, formats.Float, formats.Float3, formats.Double3, formats.DoubleArray, formats.FloatArray, formats.Float3Array:
		return true
	}
	return false
}

func isIntType(t formats.Type) bool {
	return t == formats.Int || t == formats.Int64 || t == formats.IntArray
}

func isStringType(t formats.Type) bool { return t == formats.String || t == formats.Token }

// is32 reports whether t stores 32-bit elements.
func is32(t formats.Type) bool {
	switch t {
	case formats.Float, formats.Float3, formats.FloatArray, formats.Float3Array, formats.Int, formats.IntArray:
		return true
	}
	return false
}

// checkBinding reports whether g can draw values of type t (with array
// length n) for prims prims, and whether every value fits the type.
func checkBinding(g Generator, t formats.Type, length, prims int) error {
	ok := false
	for _, at := range applicable[g.name] {
		ok = ok || at == t
	}
	if !ok {
		return fmt.Errorf("%s does not apply to %s properties; use %s", g.name, t, strings.Join(generatorsFor(t), ", "))
	}
	// The kind of value each number must fit.
	fits := func(what string, l literal) error {
		if l.kind != litNumber {
			return fmt.Errorf("%s must be a number for %s properties, not a %s", what, t, l.kind)
		}
		switch {
		case isIntType(t) && !l.isInt:
			return fmt.Errorf("%s must be a whole number for %s properties, got %s", what, t, l.text())
		case isIntType(t) && is32(t) && (l.i < math.MinInt32 || l.i > math.MaxInt32):
			return fmt.Errorf("%s %d does not fit a 32-bit %s", what, l.i, t)
		case isFloatType(t) && is32(t) && math.Abs(l.num) > math.MaxFloat32:
			return fmt.Errorf("%s %s does not fit a 32-bit float", what, l.text())
		}
		return nil
	}
	a := g.args
	switch g.name {
	case genUniform:
		if err := fits("lo", a[0]); err != nil {
			return err
		}
		hi := a[1]
		if isIntType(t) {
			// hi is exclusive: the largest value drawn is hi-1.
			if !hi.isInt {
				return fmt.Errorf("hi must be a whole number for %s properties, got %s", t, hi.text())
			}
			if is32(t) && (hi.i-1 > math.MaxInt32 || hi.i < math.MinInt32) {
				return fmt.Errorf("hi %d does not fit a 32-bit %s (the largest value drawn is hi-1)", hi.i, t)
			}
			return nil
		}
		return fits("hi", hi)
	case genNormal:
		return fits("mean", a[0])
	case genSequence:
		if err := fits("start", a[0]); err != nil {
			return err
		}
		if err := fits("step", a[1]); err != nil {
			return err
		}
		if isIntType(t) {
			last := new(big.Int).Mul(big.NewInt(a[1].i), big.NewInt(int64(max(prims, 1)-1)))
			last.Add(last, big.NewInt(a[0].i))
			lo, hi := big.NewInt(math.MinInt64), big.NewInt(math.MaxInt64)
			if is32(t) {
				lo, hi = big.NewInt(math.MinInt32), big.NewInt(math.MaxInt32)
			}
			if last.Cmp(lo) < 0 || last.Cmp(hi) > 0 {
				return fmt.Errorf("the value for the last of %d prims, %s, does not fit %s", prims, last, t)
			}
		}
	case genChoice:
		list := a[0].list
		switch {
		case t == formats.Bool && list[0].kind != litBool:
			return fmt.Errorf("choices for bool properties must be true or false, not %ss", list[0].kind)
		case isStringType(t) && list[0].kind != litString:
			return fmt.Errorf("choices for %s properties must be strings, not %ss", t, list[0].kind)
		case t != formats.Bool && !isStringType(t):
			for i, e := range list {
				if err := fits(fmt.Sprintf("choice %d", i+1), e); err != nil {
					return err
				}
			}
		}
	case genConstant:
		v := a[0]
		switch {
		case t == formats.Bool:
			if v.kind != litBool {
				return fmt.Errorf("a bool constant must be true or false, not a %s", v.kind)
			}
		case isStringType(t):
			if v.kind != litString {
				return fmt.Errorf("a %s constant must be a string, not a %s", t, v.kind)
			}
		case v.kind == litList:
			want := 0
			switch {
			case t == formats.Float3 || t == formats.Double3:
				want = 3
			case t == formats.DoubleArray || t == formats.FloatArray || t == formats.IntArray:
				want = length
			default:
				return fmt.Errorf("a %s constant must be a single number", t)
			}
			if len(v.list) != want {
				return fmt.Errorf("a %s constant list needs %d numbers, got %d", t, want, len(v.list))
			}
			for i, e := range v.list {
				if err := fits(fmt.Sprintf("element %d", i+1), e); err != nil {
					return err
				}
			}
		default:
			return fits("the constant", v)
		}
	}
	return nil
}

// joinErrors turns Validate's list into one error for APIs that return one.
func joinErrors(errs []error) error { return errors.Join(errs...) }
