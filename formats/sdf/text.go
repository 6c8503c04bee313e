package sdf

import (
	"io"
	"slices"

	"github.com/scenebench/runner/formats"
)

// Text writes the layer as USDA text, the way OpenUSD's writer lays it
// out: four-space indentation, metadata in parentheses, properties before
// child prims, variant sets after them, a blank line between siblings. A
// text layer written by runner's own writer comes out byte for byte as it
// was; a layer from elsewhere comes out as text OpenUSD reads back to the
// same content, though not always in OpenUSD's own field order.
func (l *Layer) Text(w io.Writer) error {
	t := &textWriter{w: w, buf: make([]byte, 0, 64<<10)}
	// OpenUSD writes durations only in text of version 1.4.
	header := "#usda 1.0\n"
	if l.Durations {
		header = "#usda 1.4\n"
	}
	t.buf = append(t.buf, header...)
	md, order := splitOrder(l.Metadata, "primOrder")
	if len(md) > 0 {
		t.buf = append(t.buf, "(\n"...)
		t.metadata(md, 1, true)
		t.buf = append(t.buf, ")\n"...)
	}
	t.buf = append(t.buf, '\n')
	if order != nil {
		t.buf = append(t.buf, "reorder rootPrims = "...)
		t.list(order.Items, 0)
		t.buf = append(t.buf, "\n\n"...)
	}
	for _, p := range l.Prims {
		if err := t.prim(p, 0, false); err != nil {
			return err
		}
		t.buf = append(t.buf, '\n')
	}
	return t.flush(true)
}

type textWriter struct {
	w   io.Writer
	buf []byte
	err error
}

func (t *textWriter) flush(force bool) error {
	if t.err == nil && (force || len(t.buf) > 60<<10) {
		_, t.err = t.w.Write(t.buf)
		t.buf = t.buf[:0]
	}
	return t.err
}

func (t *textWriter) indent(d int) {
	for range d {
		t.buf = append(t.buf, "    "...)
	}
}

// bareWords are the metadata fields whose values the text format writes as
// bare words (a binary layer holds them as tokens).
var bareWords = map[string]bool{"symmetryFunction": true, "displayUnit": true, "permission": true}

// opWords are the words that prefix the operations of a list op.
var opWords = map[string]string{"prepended": "prepend", "appended": "append", "deleted": "delete",
	"added": "add", "ordered": "reorder"}

// keywords maps Sdf field names to the words the text format spells them
// with.
var keywords = map[string]string{
	"documentation":    "doc",
	"inheritPaths":     "inherits",
	"variantSetNames":  "variantSets",
	"variantSelection": "variants",
	"layerRelocates":   "relocates",
}

// metadata writes fields at depth d, one per line. Bools of metadata read
// as true/false.
func (t *textWriter) metadata(fs []Field, d int, layer bool) {
	for _, f := range fs {
		if f.Name == "subLayerOffsets" {
			continue // written with subLayers
		}
		v := f.Value
		if f.Name == "comment" && v.Kind == Typed && len(v.Data.Strs) == 1 {
			t.indent(d)
			t.buf = formats.AppendQuoted(t.buf, v.Data.Strs[0])
			t.buf = append(t.buf, '\n')
			continue
		}
		name := f.Name
		if k, ok := keywords[name]; ok {
			name = k
		}
		if f.Name == "subLayers" && layer {
			t.indent(d)
			t.buf = append(t.buf, "subLayers = ["...)
			offsets := FieldOf(fs, "subLayerOffsets")
			for i, it := range v.Items {
				if i > 0 {
					t.buf = append(t.buf, ", "...)
				}
				if it.Kind == Typed && len(it.Data.Strs) == 1 {
					t.buf = formats.AppendAssetPath(t.buf, it.Data.Strs[0])
				}
				if offsets != nil && i < len(offsets.Items) {
					if o := offsets.Items[i]; o.Offset != 0 || o.Scale != 1 {
						t.buf = append(t.buf, ' ')
						t.layerOffset(o)
					}
				}
			}
			t.buf = append(t.buf, "]\n"...)
			continue
		}
		if v.Kind == ListOp {
			for _, op := range v.Ops {
				t.indent(d)
				if w := opWords[op.Op]; w != "" {
					t.buf = append(t.buf, w...)
					t.buf = append(t.buf, ' ')
				}
				t.buf = append(t.buf, name...)
				t.buf = append(t.buf, " = "...)
				if op.Op == "explicit" && len(op.Items) == 0 {
					t.buf = append(t.buf, "None"...)
				} else {
					t.list(op.Items, d)
				}
				t.buf = append(t.buf, '\n')
			}
			continue
		}
		t.indent(d)
		t.buf = append(t.buf, name...)
		t.buf = append(t.buf, " = "...)
		if bareWords[name] && v.Kind == Typed && len(v.Data.Strs) == 1 {
			t.buf = append(t.buf, v.Data.Strs[0]...)
			t.buf = append(t.buf, '\n')
			continue
		}
		if (name == "prefixSubstitutions" || name == "suffixSubstitutions") && v.Kind == Dict {
			// A string dictionary: { "from": "to", ... }
			t.buf = append(t.buf, '{')
			for i, e := range v.Entries {
				if i > 0 {
					t.buf = append(t.buf, ',')
				}
				t.buf = append(t.buf, ' ')
				t.buf = formats.AppendQuoted(t.buf, e.Key)
				t.buf = append(t.buf, ": "...)
				if e.Value.Kind == Typed && len(e.Value.Data.Strs) == 1 {
					t.buf = formats.AppendQuoted(t.buf, e.Value.Data.Strs[0])
				}
			}
			t.buf = append(t.buf, " }\n"...)
			continue
		}
		t.value(v, d, true)
		t.buf = append(t.buf, '\n')
	}
}

func (t *textWriter) layerOffset(o *Value) {
	t.buf = append(t.buf, '(')
	sep := false
	if o.Offset != 0 {
		t.buf = append(t.buf, "offset = "...)
		t.buf = formats.AppendFloat(t.buf, o.Offset, 64)
		sep = true
	}
	if o.Scale != 1 {
		if sep {
			t.buf = append(t.buf, "; "...)
		}
		t.buf = append(t.buf, "scale = "...)
		t.buf = formats.AppendFloat(t.buf, o.Scale, 64)
	}
	t.buf = append(t.buf, ')')
}

func (t *textWriter) list(items []*Value, d int) {
	t.buf = append(t.buf, '[')
	for i, it := range items {
		if i > 0 {
			t.buf = append(t.buf, ", "...)
		}
		t.value(it, d, false)
	}
	t.buf = append(t.buf, ']')
}

// value writes v; top says it is a metadata field's value, whose bools
// are spelled true and false.
func (t *textWriter) value(v *Value, d int, top bool) {
	switch v.Kind {
	case Typed:
		if top && v.Data.VT.Scalar == Bool && !v.Data.VT.Array && len(v.Data.Bools) == 1 {
			t.buf = append(t.buf, [2]string{"false", "true"}[b2i(v.Data.Bools[0])]...)
			return
		}
		t.buf = AppendData(t.buf, &v.Data, usdaData)
	case Block:
		if v.Str != "" {
			t.buf = append(t.buf, v.Str...)
		} else {
			t.buf = append(t.buf, "None"...)
		}
	case Dict:
		t.dict(v.Entries, d)
	case List:
		if len(v.Items) > 0 && v.Items[0].Kind == List && len(v.Items[0].Items) == 2 && v.Items[0].Items[0].Kind == Path {
			// relocates: pairs of paths
			t.buf = append(t.buf, "{\n"...)
			for _, pair := range v.Items {
				t.indent(d + 1)
				t.value(pair.Items[0], d+1, false)
				t.buf = append(t.buf, ": "...)
				t.value(pair.Items[1], d+1, false)
				t.buf = append(t.buf, ",\n"...)
			}
			t.indent(d)
			t.buf = append(t.buf, '}')
			return
		}
		t.list(v.Items, d)
	case ListOp:
		for _, op := range v.Ops {
			t.list(op.Items, d)
			break
		}
	case Path:
		t.buf = append(t.buf, '<')
		t.buf = append(t.buf, v.Str...)
		t.buf = append(t.buf, '>')
	case Reference, Payload:
		if v.Asset != "" {
			t.buf = formats.AppendAssetPath(t.buf, v.Asset)
		}
		if v.Prim != "" {
			t.buf = append(t.buf, '<')
			t.buf = append(t.buf, v.Prim...)
			t.buf = append(t.buf, '>')
		}
		if v.Offset != 0 || v.Scale != 1 || len(v.Entries) > 0 {
			t.buf = append(t.buf, " ("...)
			sep := false
			if v.Offset != 0 || v.Scale != 1 {
				t.buf = t.buf[:len(t.buf)-1]
				t.layerOffset(v)
				t.buf = t.buf[:len(t.buf)-1]
				sep = true
			}
			if len(v.Entries) > 0 {
				if sep {
					t.buf = append(t.buf, "; "...)
				}
				t.buf = append(t.buf, "customData = "...)
				t.dict(v.Entries, d)
			}
			t.buf = append(t.buf, ')')
		}
	case LayerOffset:
		t.layerOffset(v)
	case Word, Unknown:
		t.buf = append(t.buf, v.Str...)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// dict writes a dictionary: typed entries, one per line.
func (t *textWriter) dict(entries []Entry, d int) {
	t.buf = append(t.buf, "{\n"...)
	for _, e := range entries {
		t.indent(d + 1)
		v := e.Value
		switch v.Kind {
		case Dict:
			t.buf = append(t.buf, "dictionary "...)
		case Typed:
			t.buf = append(t.buf, v.Type...)
			t.buf = append(t.buf, ' ')
		default:
			t.buf = append(t.buf, "string "...)
		}
		if formats.IsIdentifier(e.Key) {
			t.buf = append(t.buf, e.Key...)
		} else {
			t.buf = formats.AppendQuoted(t.buf, e.Key)
		}
		t.buf = append(t.buf, " = "...)
		t.value(v, d+1, false)
		t.buf = append(t.buf, '\n')
	}
	t.indent(d)
	t.buf = append(t.buf, '}')
}

// splitOrder takes the ordering fields (primOrder, propertyOrder: the
// text format's reorder statements) out of a prim's metadata.
func splitOrder(fs []Field, names ...string) (rest []Field, order *Value) {
	for _, f := range fs {
		switch f.Name {
		case "primOrder", "propertyOrder":
			if f.Name == names[0] {
				order = f.Value
			}
			continue
		}
		rest = append(rest, f)
	}
	return rest, order
}

// prim writes a prim spec at depth d (a variant's when variant is set).
func (t *textWriter) prim(p *Prim, d int, variant bool) error {
	md, childOrder := splitOrder(p.Metadata, "primOrder")
	_, propOrder := splitOrder(p.Metadata, "propertyOrder")
	t.indent(d)
	if variant {
		t.buf = formats.AppendQuoted(t.buf, p.Name)
		if len(md) > 0 {
			t.buf = append(t.buf, " (\n"...)
			t.metadata(md, d+1, false)
			t.indent(d)
			t.buf = append(t.buf, ')')
		}
		t.buf = append(t.buf, " {\n"...)
	} else {
		t.buf = append(t.buf, p.Specifier...)
		if p.TypeName != "" {
			t.buf = append(t.buf, ' ')
			t.buf = append(t.buf, p.TypeName...)
		}
		t.buf = append(t.buf, ' ')
		t.buf = formats.AppendQuoted(t.buf, p.Name)
		if len(md) > 0 {
			t.buf = append(t.buf, " (\n"...)
			t.metadata(md, d+1, false)
			t.indent(d)
			t.buf = append(t.buf, ')')
		}
		t.buf = append(t.buf, '\n')
		t.indent(d)
		t.buf = append(t.buf, "{\n"...)
	}
	content := false
	for _, o := range []struct {
		what  string
		order *Value
	}{{"nameChildren", childOrder}, {"properties", propOrder}} {
		if o.order != nil {
			t.indent(d + 1)
			t.buf = append(t.buf, "reorder "+o.what+" = "...)
			t.list(o.order.Items, d+1)
			t.buf = append(t.buf, '\n')
			content = true
		}
	}
	// OpenUSD writes a prim's properties sorted by name, whatever their
	// order in the layer (which "reorder properties" records).
	props := slices.Clone(p.Properties)
	slices.SortStableFunc(props, func(a, b *Property) int {
		switch {
		case DictionaryLess(a.Name, b.Name):
			return -1
		case DictionaryLess(b.Name, a.Name):
			return 1
		}
		return 0
	})
	for _, prop := range props {
		t.property(prop, d+1)
		content = true
	}
	err := p.EachChild(func(c *Prim) error {
		if content {
			t.buf = append(t.buf, '\n')
		}
		content = true
		return t.prim(c, d+1, false)
	})
	if err != nil {
		return err
	}
	for _, vs := range p.VariantSets {
		if content {
			t.buf = append(t.buf, '\n')
		}
		t.indent(d + 1)
		t.buf = append(t.buf, "variantSet "...)
		t.buf = formats.AppendQuoted(t.buf, vs.Name)
		t.buf = append(t.buf, " = {\n"...)
		for _, v := range vs.Variants {
			if err := t.prim(v, d+2, true); err != nil {
				return err
			}
		}
		t.indent(d + 1)
		t.buf = append(t.buf, "}\n"...)
		content = true
	}
	t.indent(d)
	t.buf = append(t.buf, "}\n"...)
	return t.flush(false)
}

// property writes an attribute or relationship: its declaration with the
// default value and metadata, then its connections or time samples.
func (t *textWriter) property(p *Property, d int) {
	decl := func(prefix string) {
		t.indent(d)
		if prefix != "" {
			t.buf = append(t.buf, prefix...)
			t.buf = append(t.buf, ' ')
		}
		if p.Custom {
			t.buf = append(t.buf, "custom "...)
		}
		if p.Variability != "" {
			t.buf = append(t.buf, p.Variability...)
			t.buf = append(t.buf, ' ')
		}
		if p.Relationship {
			t.buf = append(t.buf, "rel "...)
		} else {
			t.buf = append(t.buf, p.TypeName...)
			t.buf = append(t.buf, ' ')
		}
		t.buf = append(t.buf, p.Name...)
	}
	meta := func() {
		if len(p.Metadata) > 0 {
			t.buf = append(t.buf, " (\n"...)
			t.metadata(p.Metadata, d+1, false)
			t.indent(d)
			t.buf = append(t.buf, ')')
		}
		t.buf = append(t.buf, '\n')
	}
	paths := func(name string, lo *Value) {
		for _, op := range lo.Ops {
			decl(opWords[op.Op])
			t.buf = append(t.buf, name...)
			t.buf = append(t.buf, " = "...)
			if op.Op == "explicit" && len(op.Items) == 0 {
				t.buf = append(t.buf, "None"...)
			} else {
				t.list(op.Items, d)
			}
			t.buf = append(t.buf, '\n')
		}
	}
	if p.Relationship {
		if p.Targets == nil || len(p.Metadata) > 0 {
			decl("")
			meta()
		}
		if p.Targets != nil {
			paths("", p.Targets)
		}
		return
	}
	if p.Default != nil || (p.Connections == nil && !p.HasTimeSamples && !p.Spline) || len(p.Metadata) > 0 {
		decl("")
		if p.Default != nil {
			t.buf = append(t.buf, " = "...)
			t.value(p.Default, d, false)
		}
		meta()
	}
	if p.Connections != nil {
		paths(".connect", p.Connections)
	}
	if p.HasTimeSamples {
		decl("")
		t.buf = append(t.buf, ".timeSamples = {\n"...)
		for _, s := range p.TimeSamples {
			t.indent(d + 1)
			t.buf = formats.AppendFloat(t.buf, s.Time, 64)
			t.buf = append(t.buf, ": "...)
			t.value(s.Value, d+1, false)
			t.buf = append(t.buf, ",\n"...)
		}
		t.indent(d)
		t.buf = append(t.buf, "}\n"...)
	}
}

// usdaData spells typed data as USDA does.
var usdaData = &DataNotation{
	Float: formats.AppendFloat,
	Text: func(dst []byte, s Scalar, str string) []byte {
		if s == Asset {
			return formats.AppendAssetPath(dst, str)
		}
		return formats.AppendQuoted(dst, str)
	},
	Bool:        [2]string{"0", "1"},
	Open:        '(',
	Close:       ')',
	AOpen:       '[',
	AClose:      ']',
	Sep:         ", ",
	MatrixSpace: true,
}
