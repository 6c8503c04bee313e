package usda

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/sdf"
)

// metaKey names the dictionary in customLayerData that records the scene
// description, so that a reader can rebuild formats.SceneInfo.
const metaKey = "scenebench"

// Encoder writes a text layer prim by prim, exactly as OpenUSD's .usda writer
// lays it out: four-space indentation, properties in OpenUSD's dictionary
// order before child prims, blank lines between siblings. Prims must arrive
// in layer order (parents before children, siblings contiguous); the encoder
// keeps only the stack of open prims, so a scene of any size streams.
type Encoder struct {
	w         io.Writer
	buf       []byte
	specifier string
	typeName  string
	stack     []openPrim
	props     []formats.Property
	order     []int // property indices in the order OpenUSD writes them
	// times holds, per animated property, its sample times as OpenUSD
	// spells timeSamples keys (nil for a property without samples).
	times [][][]byte
	err   error
}

type openPrim struct {
	name       string
	hasContent bool // something was written inside the block
}

// EncoderOptions controls how prims are declared.
type EncoderOptions struct {
	// Specifier is "over" (the default when empty), "def" or "class".
	Specifier string
	// TypeName is the type of the prims that carry properties ("" for none).
	TypeName string
	// OmitSceneInfo leaves out the customLayerData block that records the
	// scene description, whatever info holds: for printing a file that
	// records none (info then only orders the properties).
	OmitSceneInfo bool
}

const flushAt = 64 << 10

// NewEncoder writes the layer header to w: `#usda 1.0` and, when info names
// properties or a schema (and opts do not omit it), customLayerData
// recording the scene description.
func NewEncoder(w io.Writer, opts EncoderOptions, info formats.SceneInfo) (*Encoder, error) {
	if opts.Specifier == "" {
		opts.Specifier = "over"
	}
	switch opts.Specifier {
	case "over", "def", "class":
	default:
		return nil, fmt.Errorf("usda: unknown specifier %q (want over, def or class)", opts.Specifier)
	}
	if opts.TypeName != "" && !validIdentifier(opts.TypeName, false) {
		return nil, fmt.Errorf("usda: type name %q is not an identifier", opts.TypeName)
	}
	if !utf8.ValidString(info.Schema) || !utf8.ValidString(info.Hierarchy) {
		return nil, fmt.Errorf("usda: scene schema or hierarchy name is not valid UTF-8")
	}
	seen := make(map[formats.Property]bool, len(info.Properties))
	for _, p := range info.Properties {
		if !validIdentifier(p.Name, true) {
			return nil, fmt.Errorf("usda: property name %q is not a valid attribute name", p.Name)
		}
		if !p.Type.Valid() {
			return nil, fmt.Errorf("usda: property %q has no USD type", p.Name)
		}
		if err := p.Samples.Check(); err != nil {
			return nil, fmt.Errorf("usda: property %q: %w", p.Name, err)
		}
		key := formats.Property{Name: p.Name, Type: p.Type}
		if seen[key] {
			return nil, fmt.Errorf("usda: property %s %q is declared twice", p.Type, p.Name)
		}
		seen[key] = true
	}
	e := &Encoder{
		w:         w,
		buf:       make([]byte, 0, flushAt+4096),
		specifier: opts.Specifier,
		typeName:  opts.TypeName,
		props:     info.Properties,
	}
	e.order = make([]int, len(info.Properties))
	for i := range e.order {
		e.order[i] = i
	}
	e.times = make([][][]byte, len(info.Properties))
	for i, p := range info.Properties {
		for k := range p.Samples.Count {
			e.times[i] = append(e.times[i], appendTime(nil, p.Samples.Time(k)))
		}
	}
	sort.SliceStable(e.order, func(a, b int) bool {
		return sdf.DictionaryLess(info.Properties[e.order[a]].Name, info.Properties[e.order[b]].Name)
	})
	e.buf = append(e.buf, header+"\n"...)
	if !opts.OmitSceneInfo && (info.Schema != "" || info.Hierarchy != "" || len(info.Properties) > 0) {
		e.buf = appendLayerData(e.buf, info)
	}
	e.buf = append(e.buf, '\n')
	return e, e.flush(false)
}

// appendLayerData writes customLayerData with the scene description. Keys
// are in the order OpenUSD writes dictionaries (byte order). The sample
// times of animated properties (propertySampleCounts, propertySampleStarts,
// propertySampleSteps, one entry per property, a count of 0 for one
// without samples) are written only when some property is animated.
func appendLayerData(b []byte, info formats.SceneInfo) []byte {
	b = append(b, "(\n    customLayerData = {\n        dictionary "+metaKey+" = {\n"...)
	const in = "            "
	b = append(b, in+"string hierarchy = "...)
	b = formats.AppendQuoted(b, info.Hierarchy)
	b = append(b, "\n"+in+"int64 prims = "...)
	b = strconv.AppendInt(b, int64(info.Prims), 10)
	b = append(b, "\n"+in+"int[] propertyLengths = ["...)
	for i, p := range info.Properties {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = strconv.AppendInt(b, int64(p.Length), 10)
	}
	b = append(b, "]\n"+in+"string[] propertyNames = ["...)
	for i, p := range info.Properties {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = formats.AppendQuoted(b, p.Name)
	}
	b = append(b, "]\n"...)
	if animated(info.Properties) {
		b = append(b, in+"int[] propertySampleCounts = ["...)
		for i, p := range info.Properties {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = strconv.AppendInt(b, int64(p.Samples.Count), 10)
		}
		b = append(b, "]\n"+in+"double[] propertySampleStarts = ["...)
		for i, p := range info.Properties {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = formats.AppendFloat(b, p.Samples.Start, 64)
		}
		b = append(b, "]\n"+in+"double[] propertySampleSteps = ["...)
		for i, p := range info.Properties {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = formats.AppendFloat(b, p.Samples.Step, 64)
		}
		b = append(b, "]\n"...)
	}
	b = append(b, in+"string[] propertyTypes = ["...)
	for i, p := range info.Properties {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = formats.AppendQuoted(b, p.Type.String())
	}
	b = append(b, "]\n"+in+"string schema = "...)
	b = formats.AppendQuoted(b, info.Schema)
	b = append(b, "\n"+in+"uint64 seed = "...)
	b = strconv.AppendUint(b, info.Seed, 10)
	b = append(b, "\n        }\n    }\n)\n"...)
	return b
}

func (e *Encoder) flush(force bool) error {
	if e.err != nil {
		return e.err
	}
	if len(e.buf) == 0 || (!force && len(e.buf) < flushAt) {
		return nil
	}
	if _, err := e.w.Write(e.buf); err != nil {
		e.err = fmt.Errorf("usda: write: %w", err)
		return e.err
	}
	e.buf = e.buf[:0]
	return nil
}

func (e *Encoder) indent(depth int) {
	for i := 0; i < depth; i++ {
		e.buf = append(e.buf, "    "...)
	}
}

// closeTo closes open prims until depth remain open.
func (e *Encoder) closeTo(depth int) {
	for len(e.stack) > depth {
		d := len(e.stack) - 1
		e.indent(d)
		e.buf = append(e.buf, "}\n"...)
		if d == 0 {
			e.buf = append(e.buf, '\n')
		}
		e.stack = e.stack[:d]
	}
}

// Prim writes the prim at path with one attribute per property: vals[i] is
// the value of property i (in the order given to NewEncoder); present, when
// not nil, says which properties the prim carries. Ancestors that are not
// open yet are declared as intermediate prims. It writes no time samples
// (see AnimatedPrim).
func (e *Encoder) Prim(path string, vals []formats.Value, present []bool) error {
	return e.AnimatedPrim(path, vals, nil, present)
}

// AnimatedPrim writes the prim at path as Prim does, and the time samples
// of its animated properties: samples[i], when samples is not nil and
// property i has Samples.Count > 0, holds the values of property i at its
// Samples.Times(), written after the default value as OpenUSD writes them:
//
//	double3 xform = (0, 0, 0)
//	double3 xform.timeSamples = {
//	    1: (0, 0, 0),
//	    2: (1, 0, 0),
//	}
func (e *Encoder) AnimatedPrim(path string, vals []formats.Value, samples [][]formats.Value, present []bool) error {
	if e.err != nil {
		return e.err
	}
	if len(vals) != len(e.props) || (present != nil && len(present) != len(e.props)) || (samples != nil && len(samples) != len(e.props)) {
		return fmt.Errorf("usda: prim %s: %d values for %d properties", path, len(vals), len(e.props))
	}
	if len(path) < 2 || path[0] != '/' {
		return fmt.Errorf("usda: prim path %q is not an absolute prim path", path)
	}
	// Walk the components, keeping those shared with the open stack.
	depth, common := 0, 0
	diverged := false
	for start := 1; start <= len(path); {
		end := start
		for end < len(path) && path[end] != '/' {
			end++
		}
		name := path[start:end]
		if !validIdentifier(name, false) {
			return fmt.Errorf("usda: prim path %q: %q is not a valid prim name", path, name)
		}
		if !diverged && depth < len(e.stack) && e.stack[depth].name == name {
			common++
		} else {
			if !diverged {
				diverged = true
				e.closeTo(common)
			}
			e.open(name, end == len(path))
		}
		depth++
		start = end + 1
		if end == len(path) {
			break
		}
	}
	if !diverged {
		return fmt.Errorf("usda: prim %s arrives after it or its descendants were written; prims must come in layer order with siblings contiguous", path)
	}
	top := &e.stack[len(e.stack)-1]
	d := len(e.stack)
	for _, i := range e.order {
		if present != nil && !present[i] {
			continue
		}
		p := &e.props[i]
		v := &vals[i]
		if v.Type != p.Type {
			return fmt.Errorf("usda: prim %s property %s: value is %s, property is %s", path, p.Name, v.Type, p.Type)
		}
		if !validText(v) {
			return fmt.Errorf("usda: prim %s property %s: string value is not valid UTF-8", path, p.Name)
		}
		e.indent(d)
		e.buf = append(e.buf, p.Type.String()...)
		e.buf = append(e.buf, ' ')
		e.buf = append(e.buf, p.Name...)
		e.buf = append(e.buf, " = "...)
		e.buf = formats.AppendValueUSDA(e.buf, v)
		e.buf = append(e.buf, '\n')
		top.hasContent = true
		if samples != nil && len(e.times[i]) > 0 {
			if err := e.timeSamples(d, i, samples[i]); err != nil {
				return fmt.Errorf("usda: prim %s property %s: %w", path, p.Name, err)
			}
		}
	}
	return e.flush(false)
}

// timeSamples writes the timeSamples block of property i at depth d.
func (e *Encoder) timeSamples(d, i int, vals []formats.Value) error {
	p := &e.props[i]
	if len(vals) != len(e.times[i]) {
		return fmt.Errorf("%d time samples for %d times", len(vals), len(e.times[i]))
	}
	for k := range vals {
		if vals[k].Type != p.Type {
			return fmt.Errorf("time sample %d is %s, property is %s", k, vals[k].Type, p.Type)
		}
		if !validText(&vals[k]) {
			return fmt.Errorf("time sample %d: string value is not valid UTF-8", k)
		}
	}
	e.indent(d)
	e.buf = append(e.buf, p.Type.String()...)
	e.buf = append(e.buf, ' ')
	e.buf = append(e.buf, p.Name...)
	e.buf = append(e.buf, ".timeSamples = {\n"...)
	for k := range vals {
		e.indent(d + 1)
		e.buf = append(e.buf, e.times[i][k]...)
		e.buf = append(e.buf, ": "...)
		e.buf = formats.AppendValueUSDA(e.buf, &vals[k])
		e.buf = append(e.buf, ",\n"...)
	}
	e.indent(d)
	e.buf = append(e.buf, "}\n"...)
	return nil
}

// appendTime appends a time sample's time as OpenUSD spells timeSamples
// keys: a double in shortest round-trip form (formats.AppendFloat), whole
// times without a point ("1", "24"), negative zero as "0".
func appendTime(dst []byte, t float64) []byte {
	if t == 0 {
		t = 0 // -0 reads as 0: OpenUSD keys the sample at time 0
	}
	return formats.AppendFloat(dst, t, 64)
}

// animated reports whether some property has time samples.
func animated(props []formats.Property) bool {
	for _, p := range props {
		if p.Samples.Count > 0 {
			return true
		}
	}
	return false
}

// validText reports whether the strings of v are valid UTF-8, which text
// layers require.
func validText(v *formats.Value) bool {
	switch v.Type {
	case formats.String, formats.Token, formats.Asset:
		return utf8.ValidString(v.Str)
	case formats.StringArray, formats.TokenArray:
		for _, s := range v.Strs {
			if !utf8.ValidString(s) {
				return false
			}
		}
	}
	return true
}

// open declares a prim block below the current top of the stack.
func (e *Encoder) open(name string, leaf bool) {
	d := len(e.stack)
	if d > 0 {
		parent := &e.stack[d-1]
		if parent.hasContent {
			e.buf = append(e.buf, '\n')
		}
		parent.hasContent = true
	}
	e.indent(d)
	e.buf = append(e.buf, e.specifier...)
	if leaf && e.typeName != "" {
		e.buf = append(e.buf, ' ')
		e.buf = append(e.buf, e.typeName...)
	}
	e.buf = append(e.buf, " \""...)
	e.buf = append(e.buf, name...)
	e.buf = append(e.buf, "\"\n"...)
	e.indent(d)
	e.buf = append(e.buf, "{\n"...)
	e.stack = append(e.stack, openPrim{name: name})
}

// Close closes every open prim and flushes the layer to the writer.
func (e *Encoder) Close() error {
	if e.err != nil {
		return e.err
	}
	e.closeTo(0)
	return e.flush(true)
}

// validIdentifier reports whether s is a USD identifier (letters, digits and
// underscores, not starting with a digit; non-ASCII UTF-8 letters allowed);
// namespaced property names may also hold ':' between identifiers.
func validIdentifier(s string, namespaced bool) bool {
	if s == "" || !utf8.ValidString(s) {
		return false
	}
	start := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isIdentStart(c):
		case isDigit(c) && !start:
		case c == ':' && namespaced && !start && i+1 < len(s):
			start = true
			continue
		default:
			return false
		}
		start = false
	}
	return true
}

// fileWriter is the formats.Writer of the "usda" format.
type fileWriter struct {
	f       *os.File
	path    string
	enc     *Encoder
	info    formats.SceneInfo
	vals    []formats.Value
	present []bool
	sparse  bool
	// samples[c] holds a prim's values of property c at its sample
	// times; nil when no property is animated.
	samples [][]formats.Value
}

func create(path string, opts formats.Options, info formats.SceneInfo) (formats.Writer, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("usda: %w", err)
	}
	enc, err := NewEncoder(f, EncoderOptions{Specifier: opts.String(optSpecifier), TypeName: opts.String(optTypeName)}, info)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	w := &fileWriter{f: f, path: path, enc: enc, info: info, vals: make([]formats.Value, len(info.Properties))}
	for _, p := range info.Properties {
		w.sparse = w.sparse || p.Sparse
	}
	if w.sparse {
		w.present = make([]bool, len(info.Properties))
	}
	if animated(info.Properties) {
		w.samples = make([][]formats.Value, len(info.Properties))
		for c, p := range info.Properties {
			w.samples[c] = make([]formats.Value, p.Samples.Count)
		}
	}
	return w, nil
}

// Write implements formats.Writer.
func (w *fileWriter) Write(b *formats.Batch) error {
	if err := b.Check(w.info.Properties); err != nil {
		return fmt.Errorf("usda: %s: %w", w.path, err)
	}
	for i, p := range b.Paths {
		for c := range b.Columns {
			col := &b.Columns[c]
			if w.present != nil {
				w.present[c] = col.Has(i)
			}
			if col.Has(i) {
				col.Value(i, &w.vals[c])
				if w.samples != nil {
					for k := range col.Samples {
						col.Samples[k].Value(i, &w.samples[c][k])
					}
				}
			}
		}
		if err := w.enc.AnimatedPrim(p, w.vals, w.samples, w.present); err != nil {
			return fmt.Errorf("%s: %w", w.path, err)
		}
	}
	return nil
}

// Close implements formats.Writer.
func (w *fileWriter) Close() error {
	err := w.enc.Close()
	if cerr := w.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("usda: %w", cerr)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", w.path, err)
	}
	return nil
}
