package sdf

import (
	"fmt"
	"math"
	"sort"

	"github.com/scenebench/runner/formats"
)

// Scene is a layer seen as a scene (formats.Reader): its prims that hold
// at least one attribute value the scene model carries (a default or time
// samples), in layer order, and those values. What a scene of default
// values leaves out is counted in Notes, per attribute: attributes of
// types the model does not carry, attributes without a default value
// (declared only, time samples only, connections only, splines, blocked
// values), time samples beside a default, attributes inside variants,
// relationships. The rules are the usdc reader's, so every format says
// the same of the same content; an import, which reads default values,
// reports them.
//
// Time samples are read through formats.Sampler by handles (a prim's
// handle is its index in Prims, a property's the index of its name):
// each prim's own times, ascending; of two samples at one time the later
// in the layer, as OpenUSD keeps; a blocked sample (None) reads as
// ErrNoValue. An attribute with time samples and no default gives
// ErrNoValue to a read without a time.
type Scene struct {
	file   string
	props  []formats.Property
	prims  []string
	byPath map[string]int
	values [][]sceneValue // per prim
	names  map[string]formats.PropertyHandle
	notes  formats.NoteCounter
}

type sceneValue struct {
	name string
	prop formats.PropertyHandle // the handle of name
	why  string                 // "" when v holds the value
	v    formats.Value
	// times are the time samples' times, ascending, and samples their
	// values (Type Invalid for a blocked sample).
	times   []float64
	samples []formats.Value
}

var (
	_ formats.Reader   = (*Scene)(nil)
	_ formats.Noter    = (*Scene)(nil)
	_ formats.Resolver = (*Scene)(nil)
	_ formats.Sampler  = (*Scene)(nil)
)

// NewScene projects a layer read from file onto the scene model.
func NewScene(file string, l *Layer) *Scene {
	s := &Scene{file: file, byPath: map[string]int{}, names: map[string]formats.PropertyHandle{}}
	type key struct {
		name string
		typ  formats.Type
	}
	index := map[key]int{}
	var counts []int
	var walk func(ps []*Prim)
	walk = func(ps []*Prim) {
		for _, p := range ps {
			var vals []sceneValue
			carried := false
			for _, prop := range p.Properties {
				sv, typ, ok := s.attribute(prop)
				if !ok {
					continue
				}
				h, seen := s.names[sv.name]
				if !seen {
					h = formats.PropertyHandle(len(s.names))
					s.names[sv.name] = h
				}
				sv.prop = h
				vals = append(vals, sv)
				if len(sv.times) > 0 {
					carried = true
				}
				if sv.why != "" && len(sv.times) == 0 {
					continue
				}
				carried = true
				k := key{sv.name, typ}
				i, seen := index[k]
				if !seen {
					i = len(s.props)
					index[k] = i
					s.props = append(s.props, formats.Property{Name: sv.name, Type: typ})
					counts = append(counts, 0)
					if typ.IsArray() && sv.why == "" {
						s.props[i].Length = sv.v.Len()
					}
				}
				if sv.why == "" {
					counts[i]++
				}
			}
			if carried {
				s.byPath[p.Path] = len(s.prims)
				s.prims = append(s.prims, p.Path)
				s.values = append(s.values, vals)
			}
			for _, vs := range p.VariantSets {
				for _, v := range vs.Variants {
					s.countVariant(v)
				}
			}
			var kids []*Prim
			p.EachChild(func(c *Prim) error { kids = append(kids, c); return nil })
			walk(kids)
		}
	}
	walk(l.Prims)
	for i := range s.props {
		s.props[i].Sparse = counts[i] < len(s.prims)
	}
	return s
}

// attribute projects one property of a prim: ok is false for what the
// scene leaves out entirely (relationships, types it does not carry);
// otherwise the value, or why there is none.
func (s *Scene) attribute(p *Property) (sceneValue, formats.Type, bool) {
	if p.Relationship {
		s.notes.Add(formats.NoteRelationships, 1)
		return sceneValue{}, formats.Invalid, false
	}
	t, ok := formats.SceneTypeOf(p.TypeName)
	if !ok {
		s.notes.Add(formats.NoteUnsupportedType(p.TypeName), 1)
		return sceneValue{}, formats.Invalid, false
	}
	sv := sceneValue{name: p.Name}
	if len(p.TimeSamples) > 0 {
		var ok bool
		if sv.times, sv.samples, ok = sceneSamples(p.TimeSamples, t); !ok {
			s.notes.Add(formats.NoteUnsupportedType(p.TypeName), 1)
			return sceneValue{}, formats.Invalid, false
		}
	}
	switch {
	case p.Default != nil && p.Default.Kind == Block:
		sv.why = formats.NoteBlocked
	case p.Default != nil:
		if !p.Default.Scene(&sv.v) || sv.v.Type != t {
			s.notes.Add(formats.NoteUnsupportedType(p.TypeName), 1)
			return sceneValue{}, formats.Invalid, false
		}
		if p.HasTimeSamples {
			s.notes.Add(formats.NoteTimeSamples, 1)
		}
	case p.Spline:
		sv.why = formats.NoteSplines
	case p.HasTimeSamples:
		sv.why = formats.NoteTimeSamplesOnly
	case p.Connections != nil:
		sv.why = formats.NoteConnectionsOnly
	default:
		sv.why = formats.NoteNoDefault
	}
	if sv.why != "" {
		s.notes.Add(sv.why, 1)
	}
	return sv, t, true
}

// sceneSamples converts an attribute's time samples to values of type t:
// sorted by time, of equal times the last kept (NaN times dropped), a
// blocked sample as a Value of type Invalid. ok is false when a sample
// holds a value the scene model does not carry as t.
func sceneSamples(ts []TimeSample, t formats.Type) (times []float64, vals []formats.Value, ok bool) {
	idx := make([]int, 0, len(ts))
	for i := range ts {
		if !math.IsNaN(ts[i].Time) {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return ts[idx[a]].Time < ts[idx[b]].Time })
	for n, i := range idx {
		if n+1 < len(idx) && ts[idx[n+1]].Time == ts[i].Time {
			continue // a later sample at the same time wins
		}
		var v formats.Value
		switch sv := ts[i].Value; {
		case sv == nil || sv.Kind == Block:
		case !sv.Scene(&v) || v.Type != t:
			return nil, nil, false
		}
		times = append(times, ts[i].Time)
		vals = append(vals, v)
	}
	return times, vals, true
}

// countVariant counts the attributes inside a variant, which a scene
// leaves out.
func (s *Scene) countVariant(p *Prim) {
	n := 0
	for _, prop := range p.Properties {
		if !prop.Relationship {
			n++
		}
	}
	s.notes.Add(formats.NoteVariants, n)
	for _, vs := range p.VariantSets {
		for _, v := range vs.Variants {
			s.countVariant(v)
		}
	}
	p.EachChild(func(c *Prim) error { s.countVariant(c); return nil })
}

// Properties implements formats.Reader.
func (s *Scene) Properties() []formats.Property { return s.props }

// Prims implements formats.Reader.
func (s *Scene) Prims() ([]string, error) { return s.prims, nil }

// SceneInfo describes the scene; ok is false, as a layer read this way
// records no scene description.
func (s *Scene) SceneInfo() (formats.SceneInfo, bool) {
	return formats.SceneInfo{Prims: len(s.prims), Properties: s.props}, false
}

// Notes implements formats.Noter.
func (s *Scene) Notes() []formats.Note { return s.notes.Notes() }

// Get implements formats.Reader. Array values are shared with the scene.
func (s *Scene) Get(prim, property string, dst *formats.Value) error {
	i, ok := s.byPath[prim]
	if !ok {
		return &formats.NotFoundError{File: s.file, Prim: prim}
	}
	h, ok := s.names[property]
	if !ok {
		return &formats.NotFoundError{File: s.file, Prim: prim, Property: property}
	}
	return s.GetHandle(formats.PrimHandle(i), h, dst)
}

// ResolvePrim implements formats.Resolver: the prim's index in Prims.
func (s *Scene) ResolvePrim(path string) (formats.PrimHandle, error) {
	i, ok := s.byPath[path]
	if !ok {
		return 0, &formats.NotFoundError{File: s.file, Prim: path}
	}
	return formats.PrimHandle(i), nil
}

// ResolveProperty implements formats.Resolver.
func (s *Scene) ResolveProperty(name string) (formats.PropertyHandle, error) {
	h, ok := s.names[name]
	if !ok {
		return 0, &formats.NotFoundError{File: s.file, Property: name}
	}
	return h, nil
}

// value finds the prim's value of a property by handles; nil when the
// prim has none.
func (s *Scene) value(prim formats.PrimHandle, property formats.PropertyHandle) (*sceneValue, error) {
	if prim < 0 || int(prim) >= len(s.prims) || property < 0 || int(property) >= len(s.names) {
		return nil, fmt.Errorf("%s: handles (prim %d, property %d): %w", s.file, prim, property, formats.ErrNotFound)
	}
	for k := range s.values[prim] {
		if sv := &s.values[prim][k]; sv.prop == property {
			return sv, nil
		}
	}
	return nil, nil
}

// GetHandle implements formats.Resolver: the default value. Array values
// are shared with the scene.
func (s *Scene) GetHandle(prim formats.PrimHandle, property formats.PropertyHandle, dst *formats.Value) error {
	sv, err := s.value(prim, property)
	switch {
	case err != nil:
		return err
	case sv == nil:
		return &formats.NoValueError{File: s.file, Prim: s.prims[prim], Property: s.name(property)}
	case sv.why != "":
		return &formats.NoValueError{File: s.file, Prim: s.prims[prim], Property: sv.name, Why: sv.why}
	}
	*dst = sv.v
	return nil
}

// name is the name of a property handle.
func (s *Scene) name(property formats.PropertyHandle) string {
	for name, h := range s.names {
		if h == property {
			return name
		}
	}
	return ""
}

// SampleTimes implements formats.Sampler: the prim's sample times of the
// property, ascending, nil when it has none.
func (s *Scene) SampleTimes(prim formats.PrimHandle, property formats.PropertyHandle) ([]float64, error) {
	sv, err := s.value(prim, property)
	if sv == nil {
		return nil, err
	}
	return sv.times, nil
}

// GetSample implements formats.Sampler: sample i of SampleTimes, an error
// wrapping ErrNoValue for a blocked sample and ErrNotFound for an i out
// of range. Array values are shared with the scene.
func (s *Scene) GetSample(prim formats.PrimHandle, property formats.PropertyHandle, i int, dst *formats.Value) error {
	sv, err := s.value(prim, property)
	switch {
	case err != nil:
		return err
	case sv == nil || i < 0 || i >= len(sv.times):
		return fmt.Errorf("%s: prim %s, property %s: no time sample %d: %w", s.file, s.prims[prim], s.name(property), i, formats.ErrNotFound)
	case sv.samples[i].Type == formats.Invalid:
		return &formats.NoValueError{File: s.file, Prim: s.prims[prim], Property: sv.name, Why: "blocked time sample"}
	}
	*dst = sv.samples[i]
	return nil
}

// Close implements formats.Reader.
func (s *Scene) Close() error { return nil }
