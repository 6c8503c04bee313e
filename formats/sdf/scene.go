package sdf

import (
	"github.com/scenebench/runner/formats"
)

// Scene is a layer seen as a scene (formats.Reader): its prims that hold
// at least one attribute value the scene model carries, in layer order,
// and those values. What the scene leaves out is counted in Notes, per
// attribute: attributes of types the model does not carry, attributes
// without a default value (declared only, time samples only, connections
// only, splines, blocked values), time samples beside a default,
// attributes inside variants, relationships. The rules are the usdc
// reader's, so every format says the same of the same content.
type Scene struct {
	file   string
	props  []formats.Property
	prims  []string
	byPath map[string]int
	values [][]sceneValue // per prim
	names  map[string]bool
	notes  formats.NoteCounter
}

type sceneValue struct {
	name string
	why  string // "" when v holds the value
	v    formats.Value
}

var (
	_ formats.Reader = (*Scene)(nil)
	_ formats.Noter  = (*Scene)(nil)
)

// NewScene projects a layer read from file onto the scene model.
func NewScene(file string, l *Layer) *Scene {
	s := &Scene{file: file, byPath: map[string]int{}, names: map[string]bool{}}
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
				vals = append(vals, sv)
				s.names[sv.name] = true
				if sv.why != "" {
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
					if typ.IsArray() {
						s.props[i].Length = sv.v.Len()
					}
				}
				counts[i]++
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
	if !s.names[property] {
		return &formats.NotFoundError{File: s.file, Prim: prim, Property: property}
	}
	for k := range s.values[i] {
		sv := &s.values[i][k]
		if sv.name != property {
			continue
		}
		if sv.why != "" {
			return &formats.NoValueError{File: s.file, Prim: prim, Property: property, Why: sv.why}
		}
		*dst = sv.v
		return nil
	}
	return &formats.NoValueError{File: s.file, Prim: prim, Property: property}
}

// Close implements formats.Reader.
func (s *Scene) Close() error { return nil }
