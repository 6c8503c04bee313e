package spec

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/runner/dataset"
	"github.com/scenebench/runner/runner/plan"
)

// Dataset defaults, as documented in the spec-language reference.
const (
	DefaultHierarchy = "flat"
	DefaultSchema    = "building20"
	DefaultSeed      = 42
	DefaultPayload   = true
)

// Hierarchies and Schemas are the values the dataset block accepts.
var (
	Hierarchies = []string{"flat", "deep", "balanced"}
	Schemas     = []string{"building20", "none"}
)

const (
	maxShape  = 1 << 20 // depth, fanout
	maxLength = 1 << 24 // array property length
)

func (l *loader) loadDatasets() []dataset.Config {
	var out []dataset.Config
	declared := map[string]hcl.Range{}
	generated := map[string]hcl.Range{}
	for _, b := range l.bodies {
		for _, db := range b.Datasets {
			if len(out) > MaxDatasets {
				l.add(errorAt(db.DefRange, "Too many datasets",
					fmt.Sprintf("The dataset blocks before this one already make %d datasets, more than the %d a spec may have; the blocks from here on are not checked.", len(out), MaxDatasets)))
				return out
			}
			if !l.declare(declared, "dataset", db.Name, db.DefRange) {
				continue
			}
			cfgs := l.datasetBlock(db)
			names := make([]string, len(cfgs))
			for i, c := range cfgs {
				names[i] = c.Name
			}
			if l.unique(generated, names, db.DefRange, "Duplicate dataset", "This block makes a dataset named %q, a name the block at %s already makes.") {
				out = append(out, cfgs...)
			}
		}
	}
	return out
}

// datasetBlock checks one dataset block and expands its sweeps.
func (l *loader) datasetBlock(db *datasetBlock) []dataset.Config {
	if db.Source != nil {
		return l.sourceDataset(db)
	}
	errsBefore, unknownsBefore := len(l.diags.Diagnostics), l.unknowns
	bad := func() bool {
		for _, d := range l.diags.Diagnostics[errsBefore:] {
			if d.Severity == hcl.DiagError {
				return true
			}
		}
		return false
	}

	intAxis := func(attr *hcl.Attribute, min, max int64) []any {
		return l.sweep(attr, "", func(v cty.Value, rng hcl.Range) (any, bool) {
			i, ok := l.intValue(attr, v, rng, min, max)
			return int(i), ok
		})
	}
	strAxis := func(attr *hcl.Attribute, choices []string) []any {
		return l.sweep(attr, "", func(v cty.Value, rng hcl.Range) (any, bool) {
			s, ok := l.strValue(attr, v, rng)
			if !ok {
				return nil, false
			}
			return l.checkOneOf(attr, rng, s, choices)
		})
	}

	var axes []sweepAxis
	setters := map[string]func(*dataset.Config, any){}
	unusable := false // an attribute whose value is unknown after an earlier error
	addAxis := func(name string, attr *hcl.Attribute, values func() []any, set func(*dataset.Config, any)) {
		if attr == nil {
			return
		}
		if vs := values(); vs != nil {
			axes = append(axes, sweepAxis{name: name, values: vs, fragment: func(v any) string { return plan.Fragment(name, v) }})
			setters[name] = set
		} else {
			unusable = true
		}
	}
	addAxis("hierarchy", db.Hierarchy, func() []any { return strAxis(db.Hierarchy, Hierarchies) },
		func(c *dataset.Config, v any) { c.Hierarchy = v.(string) })
	addAxis("prims", db.Prims, func() []any { return intAxis(db.Prims, 1, dataset.MaxPrims) },
		func(c *dataset.Config, v any) { c.Prims = v.(int) })
	addAxis("depth", db.Depth, func() []any { return intAxis(db.Depth, 1, maxShape) },
		func(c *dataset.Config, v any) { c.Depth = v.(int) })
	addAxis("fanout", db.Fanout, func() []any { return intAxis(db.Fanout, 1, maxShape) },
		func(c *dataset.Config, v any) { c.Fanout = v.(int) })
	addAxis("seed", db.Seed, func() []any {
		return l.sweep(db.Seed, "", func(v cty.Value, rng hcl.Range) (any, bool) { return l.uintValue(db.Seed, v, rng) })
	}, func(c *dataset.Config, v any) { c.Seed = v.(uint64) })
	addAxis("schema", db.Schema, func() []any { return strAxis(db.Schema, Schemas) },
		func(c *dataset.Config, v any) { c.Schema = v.(string) })
	addAxis("payload", db.Payload, func() []any {
		return l.sweep(db.Payload, "", func(v cty.Value, rng hcl.Range) (any, bool) { return l.boolValue(db.Payload, v, rng) })
	}, func(c *dataset.Config, v any) { c.Payload = v.(bool) })

	if db.Prims == nil {
		l.add(errorAt(db.DefRange, "Missing required argument",
			fmt.Sprintf("Dataset %q needs prims, the number of prims that carry properties (e.g. prims = 10000).", db.Name)))
	}
	props := l.properties(db)

	if bad() || unusable || l.unknowns != unknownsBefore {
		return nil
	}

	shaped := db.Depth != nil || db.Fanout != nil
	anyBalanced := false
	var cfgs []dataset.Config
	ok := l.expand(db.DefRange, fmt.Sprintf("Dataset %q sweeps into more than %d datasets.", db.Name, MaxSweep), axes,
		func(vals []any, frags []string, _ map[string]string) bool {
			c := dataset.Config{
				Hierarchy:  DefaultHierarchy,
				Seed:       DefaultSeed,
				Schema:     DefaultSchema,
				Payload:    DefaultPayload,
				Properties: props,
			}
			for i, a := range axes {
				setters[a.name](&c, vals[i])
			}
			if c.Hierarchy == "balanced" {
				anyBalanced = true
			} else {
				// depth and fanout shape only a balanced hierarchy.
				c.Depth, c.Fanout = 0, 0
			}
			c.Name = plan.Label(db.Name, frags...)
			cfgs = append(cfgs, c)
			return true
		})
	if !ok {
		return nil
	}
	// Each dataset's properties are checked one by one, for every dataset.
	if l.propertyChecks < 0 {
		return nil // already reported
	}
	if n := len(cfgs) * (len(props) + 1); n > l.propertyChecks {
		l.add(errorAt(db.DefRange, "Too many properties",
			fmt.Sprintf("Dataset %q makes %d datasets of %d custom properties each; the datasets of a spec may have at most %d custom properties in all, counting each dataset of a sweep.", db.Name, len(cfgs), len(props), MaxDatasetProperties)))
		l.propertyChecks = -1
		return nil
	} else {
		l.propertyChecks -= n
	}
	if shaped && !anyBalanced {
		l.add(warningAt(db.DefRange, "depth and fanout have no effect",
			fmt.Sprintf("Dataset %q sets depth or fanout, which shape only hierarchy = \"balanced\".", db.Name)))
	}

	// The dataset package has the last word on what it can generate; its
	// errors name the field at fault, so they point at that attribute. A
	// problem shared by several swept datasets is reported once.
	type problem struct {
		rng   hcl.Range
		msg   string
		where []string
	}
	var problems []*problem
	index := map[string]*problem{}
	for _, c := range cfgs {
		for _, err := range dataset.Validate(c) {
			rng, msg := db.DefRange, err.Error()
			var ce *dataset.ConfigError
			if errors.As(err, &ce) {
				rng, msg = datasetErrorRange(db, ce), ce.Err.Error()
				if ce.Property != "" {
					msg = fmt.Sprintf("property %q: %s", ce.Property, msg)
				}
			}
			key := fmt.Sprint(rng, msg)
			p := index[key]
			if p == nil {
				p = &problem{rng: rng, msg: msg}
				index[key] = p
				problems = append(problems, p)
			}
			p.where = append(p.where, c.Name)
		}
	}
	for _, p := range problems {
		msg := capitalize(strings.TrimSuffix(p.msg, "."))
		if len(p.where) < len(cfgs) {
			msg += fmt.Sprintf(" (in %s)", strings.Join(p.where, ", "))
		}
		l.add(errorAt(p.rng, "Invalid dataset", msg+"."))
	}
	if bad() {
		return nil
	}
	return cfgs
}

// sourceDataset checks a dataset block that imports a layer (source =
// "path"): nothing else may shape it, and the layer must import.
func (l *loader) sourceDataset(db *datasetBlock) []dataset.Config {
	bad := false
	for _, a := range []*hcl.Attribute{db.Prims, db.Hierarchy, db.Depth, db.Fanout, db.Seed, db.Schema, db.Payload} {
		if a != nil {
			l.add(errorAt(a.NameRange, "Conflicting argument",
				fmt.Sprintf("Dataset %q imports a layer (source); %s comes from the layer and cannot be set.", db.Name, a.Name)))
			bad = true
		}
	}
	for _, pb := range db.Properties {
		l.add(errorAt(pb.DefRange, "Conflicting block",
			fmt.Sprintf("Dataset %q imports a layer (source); its properties come from the layer, so it takes no property blocks.", db.Name)))
		bad = true
	}
	src, ok := l.str(db.Source)
	if !ok || bad {
		return nil
	}
	if strings.TrimSpace(src) == "" {
		l.valueError(db.Source.Expr.Range(), db.Source, "source must name a layer file, not be empty.")
		return nil
	}
	// A relative path is relative to the spec file.
	written := src
	if !filepath.IsAbs(src) {
		src = filepath.Join(filepath.Dir(db.DefRange.Filename), src)
	}
	if abs, err := filepath.Abs(src); err == nil {
		src = abs
	}
	c := dataset.Config{Name: db.Name, Source: src}
	im, err := dataset.Import(c)
	if err != nil {
		msg := strings.ReplaceAll(strings.TrimSuffix(err.Error(), "."), src, written)
		l.add(errorAt(db.Source.Expr.Range(), "Invalid dataset source",
			fmt.Sprintf("Dataset %q cannot import its source: %s.", db.Name, msg)))
		return nil
	}
	c.Prims, c.Hierarchy, c.Schema = im.Prims, dataset.HierarchySource, "source"
	return []dataset.Config{c}
}

// datasetErrorRange finds the attribute a dataset.ConfigError is about.
func datasetErrorRange(db *datasetBlock, ce *dataset.ConfigError) hcl.Range {
	pick := func(a *hcl.Attribute, fallback hcl.Range) hcl.Range {
		if a != nil {
			return a.Expr.Range()
		}
		return fallback
	}
	if ce.Property != "" {
		for _, pb := range db.Properties {
			if pb.Name != ce.Property {
				continue
			}
			switch ce.Field {
			case "type":
				return pick(pb.Type, pb.DefRange)
			case "length":
				return pick(pb.Length, pb.DefRange)
			case "generator":
				return pick(pb.Generator, pb.DefRange)
			case "samples":
				return pick(pb.Samples, pb.DefRange)
			}
			return pb.DefRange
		}
		return db.DefRange
	}
	switch ce.Field {
	case "prims":
		return pick(db.Prims, db.DefRange)
	case "hierarchy":
		return pick(db.Hierarchy, db.DefRange)
	case "depth":
		return pick(db.Depth, db.DefRange)
	case "fanout":
		return pick(db.Fanout, db.DefRange)
	case "seed":
		return pick(db.Seed, db.DefRange)
	case "schema":
		return pick(db.Schema, db.DefRange)
	case "payload":
		return pick(db.Payload, db.DefRange)
	}
	return db.DefRange
}

// properties checks a dataset's custom property blocks.
func (l *loader) properties(db *datasetBlock) []dataset.PropertyConfig {
	var out []dataset.PropertyConfig
	seen := map[string]hcl.Range{}
	for _, pb := range db.Properties {
		if !formats.IsIdentifier(pb.Name) {
			l.add(errorAt(pb.DefRange, "Invalid property name",
				fmt.Sprintf("%q is not a valid property name: use letters, digits and '_', starting with a letter or '_'.", pb.Name)))
			continue
		}
		if prev, dup := seen[pb.Name]; dup {
			l.add(errorAt(pb.DefRange, "Duplicate property",
				fmt.Sprintf("Dataset %q already declares property %q at %s.", db.Name, pb.Name, prev)))
			continue
		}
		seen[pb.Name] = pb.DefRange
		pc := dataset.PropertyConfig{Name: pb.Name}
		var typ formats.Type
		if pb.Type == nil {
			l.add(errorAt(pb.DefRange, "Missing required argument",
				fmt.Sprintf("Property %q needs a type, one of %s.", pb.Name, strings.Join(dataset.GeneratedTypes(), ", "))))
		} else if s, ok := l.str(pb.Type); ok {
			t, known := formats.ParseType(s)
			if known && !slices.Contains(dataset.GeneratedTypes(), s) {
				l.add(errorAt(pb.Type.Expr.Range(), "Unknown property type",
					fmt.Sprintf("Type %s comes only from imported layers (source); generated properties use one of %s.", s, strings.Join(dataset.GeneratedTypes(), ", "))))
			} else if !known {
				l.add(errorAt(pb.Type.Expr.Range(), "Unknown property type",
					fmt.Sprintf("%q is not a property type; use one of %s.", s, strings.Join(dataset.GeneratedTypes(), ", "))))
			} else {
				typ = t
				pc.Type = s
			}
		}
		if pb.Length != nil {
			if n, ok := l.integer(pb.Length, 1, maxLength); ok {
				pc.Length = int(n)
				if typ != formats.Invalid && !typ.IsArray() {
					l.add(errorAt(pb.Length.Expr.Range(), "Length of a scalar property",
						fmt.Sprintf("Property %q is a %s, not an array; length applies only to array types.", pb.Name, typ)))
				}
			}
		} else if typ.IsArray() {
			l.add(errorAt(pb.DefRange, "Missing required argument",
				fmt.Sprintf("Property %q is an array (%s) and needs a length.", pb.Name, typ)))
		}
		if pb.Generator == nil {
			l.add(errorAt(pb.DefRange, "Missing required argument",
				fmt.Sprintf("Property %q needs a generator, such as generator = \"uniform(0, 100)\".", pb.Name)))
		} else if s, ok := l.str(pb.Generator); ok {
			if strings.TrimSpace(s) == "" {
				l.valueError(pb.Generator.Expr.Range(), pb.Generator, "The generator of property %q is empty.", pb.Name)
			}
			pc.Generator = s
		}
		l.timeSamples(pb, &pc)
		out = append(out, pc)
	}
	return out
}

// timeSamples reads a property's samples, time_start (default 1, USD's
// first frame) and time_step (default 1).
func (l *loader) timeSamples(pb *propertyBlock, pc *dataset.PropertyConfig) {
	if pb.Samples == nil {
		for _, a := range []*hcl.Attribute{pb.TimeStart, pb.TimeStep} {
			if a != nil {
				l.add(errorAt(a.NameRange, "Times without samples",
					fmt.Sprintf("Property %q sets %s but no samples; add samples = N to animate it.", pb.Name, a.Name)))
			}
		}
		return
	}
	n, ok := l.integer(pb.Samples, 1, formats.MaxSamples)
	if !ok {
		return
	}
	s := formats.Samples{Count: int(n), Start: 1, Step: 1}
	for _, t := range []struct {
		a   *hcl.Attribute
		dst *float64
	}{{pb.TimeStart, &s.Start}, {pb.TimeStep, &s.Step}} {
		if t.a == nil {
			continue
		}
		v, ok := l.eval(t.a)
		if !ok {
			return
		}
		if v.IsNull() || v.Type() != cty.Number {
			l.typeError(t.a, t.a.Expr.Range(), "a number")
			return
		}
		f, _ := v.AsBigFloat().Float64()
		*t.dst = f
	}
	if err := s.Check(); err != nil {
		rng := pb.Samples.Expr.Range()
		if pb.TimeStep != nil {
			rng = pb.TimeStep.Expr.Range()
		}
		l.add(errorAt(rng, "Invalid time samples", fmt.Sprintf("Property %q: %s.", pb.Name, err)))
		return
	}
	pc.Samples = s
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	if c := s[0]; c >= 'a' && c <= 'z' {
		return string(c-'a'+'A') + s[1:]
	}
	return s
}
