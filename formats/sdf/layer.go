// Package sdf is the whole content of a USD layer as OpenUSD's Sdf
// presents it: prim specs with their metadata and composition arcs,
// attributes with their value type, default value, time samples,
// connections and metadata, relationships with their targets, variant sets
// and their variants, all values in one generic form.
//
// It is what a reader can show (`runner cat`), beside the scene a benchmark
// reads (formats.Reader): the usda and usdc readers build a Layer, this
// package prints it as USDA-like text or JSON lines, and Scene projects it
// onto the scene model, counting what the scene leaves out.
package sdf

// Layer is one layer file.
type Layer struct {
	// Metadata is the layer's metadata in file order: subLayers,
	// defaultPrim, customLayerData, relocates, ...
	Metadata []Field
	// Prims are the root prims, in the layer's order.
	Prims []*Prim
	// Durations is set when the layer holds duration values, which
	// OpenUSD writes only in text of version 1.4.
	Durations bool
}

// Prim is a prim spec, or the prim spec of a variant.
type Prim struct {
	// Path is the Sdf path: "/World/Chair", or for a variant
	// "/World{shading=red}" and a prim inside it "/World{shading=red}Seat".
	Path string
	// Name is the prim's name, or a variant's name.
	Name string
	// Specifier is "def", "over" or "class" ("" for a variant).
	Specifier string
	TypeName  string
	// Metadata holds every other field: kind, references, payload,
	// inherits, specializes, variantSets, variants (the selections),
	// apiSchemas, customData, active, instanceable, relocates, ...
	Metadata    []Field
	Properties  []*Property
	VariantSets []*VariantSet
	// Children are the child prims, or, for a layer read as it is
	// visited, nil and Lazy reads them one by one: use EachChild.
	Children []*Prim
	Lazy     func(yield func(*Prim) error) error
}

// EachChild calls fn for each child prim in order, reading them as they
// come when the layer is read lazily; it stops at fn's first error.
func (p *Prim) EachChild(fn func(*Prim) error) error {
	if p.Lazy != nil {
		return p.Lazy(fn)
	}
	for _, c := range p.Children {
		if err := fn(c); err != nil {
			return err
		}
	}
	return nil
}

// VariantSet is a prim's variant set: its variants, each a prim spec.
type VariantSet struct {
	Name     string
	Variants []*Prim
}

// Property is an attribute or a relationship.
type Property struct {
	Name         string
	Relationship bool
	// TypeName is an attribute's value type as authored ("texCoord2f[]").
	TypeName string
	Custom   bool
	// Variability is "" for the default (an attribute varying, a
	// relationship uniform), else "uniform" or "config" for an attribute,
	// "varying" for a relationship.
	Variability string
	// Default is the default value, nil when there is none; a blocked
	// value (None) is a Value of kind Block.
	Default *Value
	// TimeSamples are the time samples (HasTimeSamples tells an empty set
	// of samples from none).
	TimeSamples    []TimeSample
	HasTimeSamples bool
	// Spline is set when the attribute has a spline value, which this
	// package does not decode.
	Spline bool
	// Connections (attributes) and Targets (relationships) are list ops of
	// paths, nil when not authored.
	Connections *Value
	Targets     *Value
	Metadata    []Field
}

// TimeSample is one time sample: a value (Block for None) at a time.
type TimeSample struct {
	Time  float64
	Value *Value
}

// Field is one metadata field.
type Field struct {
	Name  string
	Value *Value
}

// Field returns the named metadata field of a list, or nil.
func FieldOf(fields []Field, name string) *Value {
	for i := range fields {
		if fields[i].Name == name {
			return fields[i].Value
		}
	}
	return nil
}

// Walk calls fn for every prim spec of the layer, depth first: each prim,
// then its variants (and what is inside them), then its children. It
// stops at the first error reading a lazy layer.
func (l *Layer) Walk(fn func(p *Prim)) error {
	var walk func(p *Prim) error
	walk = func(p *Prim) error {
		fn(p)
		for _, vs := range p.VariantSets {
			for _, v := range vs.Variants {
				if err := walk(v); err != nil {
					return err
				}
			}
		}
		return p.EachChild(walk)
	}
	for _, p := range l.Prims {
		if err := walk(p); err != nil {
			return err
		}
	}
	return nil
}

// LayerOpener is implemented by the formats that read whole layers (usda,
// usdc): OpenLayer reads everything the file holds, possibly as it is
// visited (Prim.Lazy); release frees the file once the layer is done with.
type LayerOpener interface {
	OpenLayer(path string) (l *Layer, release func() error, err error)
}
