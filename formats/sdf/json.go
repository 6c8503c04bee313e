package sdf

import (
	"io"
	"math"
	"strconv"
	"unicode/utf8"
)

// JSON writes the layer as JSON lines, one object per spec, depth first
// (a prim, its properties, its variants, its children):
//
//	{"path": "/", "metadata": {...}}                  layer metadata, if any
//	{"path": "/World", "specifier": "def", "typeName": "Xform",
//	 "metadata": {...}, "variantSets": {"shading": ["red", "blue"]}}
//	{"path": "/World", "property": "radius", "type": "double", "value": 1.5,
//	 "custom": true, "variability": "uniform", "timeSamples": [[1, 2.5]],
//	 "connections": {...}, "metadata": {...}}
//	{"path": "/World", "property": "material", "relationship": true,
//	 "targets": {"explicit": ["/Looks/Wood"]}}
//
// An attribute without a default value has "value": null, a blocked one
// also "blocked": true. Metadata keys are Sdf's field names (inheritPaths,
// variantSetNames, variantSelection, documentation, ...). Floats print in
// shortest round-trip form for their precision (a half as the shortest
// float of its value); NaN and infinities as the strings "nan", "inf" and
// "-inf". A list op is an object of its non-empty operations
// ({"prepended": [...]}), an explicit one {"explicit": [...]}; a reference
// or payload {"assetPath", "primPath"} with "layerOffset" and
// "customData" when authored.
func (l *Layer) JSON(w io.Writer) error {
	j := &jsonWriter{w: w, buf: make([]byte, 0, 64<<10)}
	if len(l.Metadata) > 0 {
		j.open("/")
		j.key("metadata")
		j.fields(l.Metadata)
		j.close()
	}
	var walk func(p *Prim, variant bool) error
	walk = func(p *Prim, variant bool) error {
		j.prim(p, variant)
		for _, prop := range p.Properties {
			j.property(p.Path, prop)
		}
		if err := j.flush(false); err != nil {
			return err
		}
		for _, vs := range p.VariantSets {
			for _, v := range vs.Variants {
				if err := walk(v, true); err != nil {
					return err
				}
			}
		}
		return p.EachChild(func(c *Prim) error { return walk(c, false) })
	}
	for _, p := range l.Prims {
		if err := walk(p, false); err != nil {
			return err
		}
	}
	return j.flush(true)
}

type jsonWriter struct {
	w   io.Writer
	buf []byte
	err error
}

func (j *jsonWriter) flush(force bool) error {
	if j.err == nil && (force || len(j.buf) > 60<<10) {
		_, j.err = j.w.Write(j.buf)
		j.buf = j.buf[:0]
	}
	return j.err
}

func (j *jsonWriter) open(path string) {
	j.buf = append(j.buf, `{"path":`...)
	j.buf = AppendJSONString(j.buf, path)
}

func (j *jsonWriter) key(k string) {
	j.buf = append(j.buf, ',')
	j.buf = AppendJSONString(j.buf, k)
	j.buf = append(j.buf, ':')
}

func (j *jsonWriter) close() { j.buf = append(j.buf, "}\n"...) }

func (j *jsonWriter) prim(p *Prim, variant bool) {
	j.open(p.Path)
	if !variant {
		j.key("specifier")
		j.buf = AppendJSONString(j.buf, p.Specifier)
	}
	if p.TypeName != "" {
		j.key("typeName")
		j.buf = AppendJSONString(j.buf, p.TypeName)
	}
	if len(p.Metadata) > 0 {
		j.key("metadata")
		j.fields(p.Metadata)
	}
	if len(p.VariantSets) > 0 {
		j.key("variantSets")
		j.buf = append(j.buf, '{')
		for i, vs := range p.VariantSets {
			if i > 0 {
				j.buf = append(j.buf, ',')
			}
			j.buf = AppendJSONString(j.buf, vs.Name)
			j.buf = append(j.buf, ":["...)
			for k, v := range vs.Variants {
				if k > 0 {
					j.buf = append(j.buf, ',')
				}
				j.buf = AppendJSONString(j.buf, v.Name)
			}
			j.buf = append(j.buf, ']')
		}
		j.buf = append(j.buf, '}')
	}
	j.close()
}

func (j *jsonWriter) property(path string, p *Property) {
	j.open(path)
	j.key("property")
	j.buf = AppendJSONString(j.buf, p.Name)
	if p.Relationship {
		j.key("relationship")
		j.buf = append(j.buf, "true"...)
	} else {
		j.key("type")
		j.buf = AppendJSONString(j.buf, p.TypeName)
		j.key("value")
		if p.Default == nil || p.Default.Kind == Block {
			j.buf = append(j.buf, "null"...)
		} else {
			j.value(p.Default)
		}
		if p.Default != nil && p.Default.Kind == Block {
			j.key("blocked")
			if p.Default.Str != "" {
				j.buf = AppendJSONString(j.buf, p.Default.Str)
			} else {
				j.buf = append(j.buf, "true"...)
			}
		}
	}
	if p.Custom {
		j.key("custom")
		j.buf = append(j.buf, "true"...)
	}
	if p.Variability != "" {
		j.key("variability")
		j.buf = AppendJSONString(j.buf, p.Variability)
	}
	if p.HasTimeSamples {
		j.key("timeSamples")
		j.buf = append(j.buf, '[')
		for i, s := range p.TimeSamples {
			if i > 0 {
				j.buf = append(j.buf, ',')
			}
			j.buf = append(j.buf, '[')
			j.buf = AppendJSONFloat(j.buf, s.Time, 64)
			j.buf = append(j.buf, ',')
			j.value(s.Value)
			j.buf = append(j.buf, ']')
		}
		j.buf = append(j.buf, ']')
	}
	if p.Spline {
		j.key("spline")
		j.buf = append(j.buf, "true"...)
	}
	if p.Connections != nil {
		j.key("connections")
		j.value(p.Connections)
	}
	if p.Targets != nil {
		j.key("targets")
		j.value(p.Targets)
	}
	if len(p.Metadata) > 0 {
		j.key("metadata")
		j.fields(p.Metadata)
	}
	j.close()
}

func (j *jsonWriter) fields(fs []Field) {
	j.buf = append(j.buf, '{')
	for i, f := range fs {
		if i > 0 {
			j.buf = append(j.buf, ',')
		}
		j.buf = AppendJSONString(j.buf, f.Name)
		j.buf = append(j.buf, ':')
		j.value(f.Value)
	}
	j.buf = append(j.buf, '}')
}

func (j *jsonWriter) list(vs []*Value) {
	j.buf = append(j.buf, '[')
	for i, v := range vs {
		if i > 0 {
			j.buf = append(j.buf, ',')
		}
		j.value(v)
	}
	j.buf = append(j.buf, ']')
}

func (j *jsonWriter) value(v *Value) {
	if v == nil {
		j.buf = append(j.buf, "null"...)
		return
	}
	switch v.Kind {
	case Typed:
		j.buf = AppendData(j.buf, &v.Data, jsonData)
	case Block:
		j.buf = append(j.buf, "null"...)
	case Dict:
		j.buf = append(j.buf, '{')
		for i, e := range v.Entries {
			if i > 0 {
				j.buf = append(j.buf, ',')
			}
			j.buf = AppendJSONString(j.buf, e.Key)
			j.buf = append(j.buf, ':')
			j.value(e.Value)
		}
		j.buf = append(j.buf, '}')
	case List:
		j.list(v.Items)
	case ListOp:
		j.buf = append(j.buf, '{')
		for i, op := range v.Ops {
			if i > 0 {
				j.buf = append(j.buf, ',')
			}
			j.buf = AppendJSONString(j.buf, op.Op)
			j.buf = append(j.buf, ':')
			j.list(op.Items)
		}
		j.buf = append(j.buf, '}')
	case Path, Unknown:
		j.buf = AppendJSONString(j.buf, v.Str)
	case Word:
		switch v.Str {
		case "true", "false":
			j.buf = append(j.buf, v.Str...)
		default:
			j.buf = AppendJSONString(j.buf, v.Str)
		}
	case Reference, Payload:
		j.buf = append(j.buf, `{"assetPath":`...)
		j.buf = AppendJSONString(j.buf, v.Asset)
		j.buf = append(j.buf, `,"primPath":`...)
		j.buf = AppendJSONString(j.buf, v.Prim)
		if v.Offset != 0 || v.Scale != 1 {
			j.buf = append(j.buf, `,"layerOffset":`...)
			j.offset(v)
		}
		if len(v.Entries) > 0 {
			j.buf = append(j.buf, `,"customData":`...)
			j.value(&Value{Kind: Dict, Entries: v.Entries})
		}
		j.buf = append(j.buf, '}')
	case LayerOffset:
		j.offset(v)
	default:
		j.buf = append(j.buf, "null"...)
	}
}

func (j *jsonWriter) offset(v *Value) {
	j.buf = append(j.buf, `{"offset":`...)
	j.buf = AppendJSONFloat(j.buf, v.Offset, 64)
	j.buf = append(j.buf, `,"scale":`...)
	j.buf = AppendJSONFloat(j.buf, v.Scale, 64)
	j.buf = append(j.buf, '}')
}

// jsonData spells typed data as JSON.
var jsonData = &DataNotation{
	Float: AppendJSONFloat,
	Text: func(dst []byte, _ Scalar, s string) []byte {
		return AppendJSONString(dst, s)
	},
	Bool:   [2]string{"false", "true"},
	Open:   '[',
	Close:  ']',
	AOpen:  '[',
	AClose: ']',
	Sep:    ",",
}

// AppendJSONFloat writes x, a value of a bits-wide float type, in
// shortest round-trip form for that width; NaN and the infinities as the
// strings "nan", "inf" and "-inf", which JSON has no numbers for.
func AppendJSONFloat(b []byte, x float64, bits int) []byte {
	switch {
	case math.IsNaN(x):
		return append(b, `"nan"`...)
	case math.IsInf(x, 1):
		return append(b, `"inf"`...)
	case math.IsInf(x, -1):
		return append(b, `"-inf"`...)
	}
	return strconv.AppendFloat(b, x, 'g', -1, max(bits, 32)) // a half is an exact float
}

// AppendJSONString quotes s as a JSON string; invalid UTF-8 becomes U+FFFD.
func AppendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, `\n`...)
			case c == '\r':
				b = append(b, `\r`...)
			case c == '\t':
				b = append(b, `\t`...)
			case c < 0x20 || c == 0x7f:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else if r == '\u2028' || r == '\u2029' {
			b = append(b, `\u202`...)
			b = append(b, hex[r&15])
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
