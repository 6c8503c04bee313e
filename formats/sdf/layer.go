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
	Children    []*Prim
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
// then its variants (and what is inside them), then its children.
func (l *Layer) Walk(fn func(p *Prim)) {
	var walk func(ps []*Prim)
	walk = func(ps []*Prim) {
		for _, p := range ps {
			fn(p)
			for _, vs := range p.VariantSets {
				walk(vs.Variants)
			}
			walk(p.Children)
		}
	}
	walk(l.Prims)
}

// LayerOpener is implemented by the formats that read whole layers (usda,
// usdc): OpenLayer reads everything the file holds.
type LayerOpener interface {
	OpenLayer(path string) (*Layer, error)
}
