package usdc

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/sdf"
)

// The whole layer: every spec and every field, decoded into sdf.Layer for
// `runner cat` and imports. Values of every crate type are decoded: the
// value types of Sdf's registry (scalars, vectors, quaternions, matrices
// and their arrays), dictionaries, list ops of tokens, strings, paths,
// references, payloads and integers, token, string, path, double and layer
// offset vectors, variant selections, time samples, relocates and the
// specifier, permission and variability enums. Splines and types newer
// than this reader are shown by name.

// ReadLayer reads the whole crate file at path.
func ReadLayer(path string) (*sdf.Layer, error) {
	r, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return r.Layer()
}

// Layer decodes every spec of the open file.
func (r *Reader) Layer() (*sdf.Layer, error) { return r.layer(false) }

// layer decodes the file's layer; lazily, each prim's children are decoded
// as they are visited (sdf.Prim.Lazy), and the reader must stay open
// until then.
func (r *Reader) layer(lazy bool) (*sdf.Layer, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.closed {
		return nil, fmt.Errorf("usdc: %s: %w", r.c.name, errClosed)
	}
	c := r.c
	d := &layerDecoder{c: c, lazy: lazy, r: r, names: map[string]*sdf.ValueType{}}
	d.specOf = make([]int32, c.numPaths)
	d.firstChild = make([]int32, c.numPaths)
	d.nextSibling = make([]int32, c.numPaths)
	for i := range d.specOf {
		d.specOf[i], d.firstChild[i] = -1, -1
	}
	for s, p := range c.specPath {
		d.specOf[p] = int32(s)
	}
	for p, parent := range c.pathParent {
		if parent >= 0 && c.pathTok[p] != unassigned {
			d.nextSibling[p] = d.firstChild[parent]
			d.firstChild[parent] = int32(p)
		}
	}
	if c.rootPath < 0 || d.specOf[c.rootPath] < 0 {
		return nil, fmt.Errorf("usdc: %s: no pseudo-root spec", r.c.name)
	}
	root := int(d.specOf[c.rootPath])
	l := &sdf.Layer{}
	for _, t := range r.c.tokens {
		l.Durations = l.Durations || t == "duration" || t == "duration[]"
	}
	fields, err := d.fields(root, "/", skipRoot)
	if err != nil {
		return nil, err
	}
	l.Metadata = fields
	kids, err := d.tokens(root, "primChildren")
	if err != nil {
		return nil, err
	}
	under := d.children(uint32(c.rootPath))
	for _, k := range kids {
		p, err := d.prim(under[k], "/"+k, k, false, 0)
		if err != nil {
			return nil, err
		}
		l.Prims = append(l.Prims, p)
	}
	return l, nil
}

// The fields that are not metadata: the layer's, a prim's, a variant's, a
// property's.
var (
	skipRoot    = map[string]bool{fPrimChildren: true}
	skipPrim    = map[string]bool{fPrimChildren: true, fProperties: true, fVariantSetChildren: true, fSpecifier: true, fTypeName: true}
	skipVariant = map[string]bool{fPrimChildren: true, fProperties: true, fVariantSetChildren: true, fSpecifier: true}
	skipProp    = map[string]bool{fTypeName: true, fDefault: true, fCustom: true, fVariability: true,
		fTimeSamples: true, fConnectionPaths: true, "targetPaths": true, fSpline: true}
)

// children maps the element names of a path's children (prims by name,
// properties as ".name", variant sets and variants as "{set=name}") to
// their path indexes.
func (d *layerDecoder) children(p uint32) map[string]uint32 {
	m := map[string]uint32{}
	for ch := d.firstChild[p]; ch >= 0; ch = d.nextSibling[ch] {
		t := d.c.pathTok[ch]
		name := d.c.tokens[abs32(t)]
		if t < 0 {
			name = "." + name
		}
		m[name] = uint32(ch)
	}
	return m
}

// pathString renders a path index as an Sdf path, once.
func (d *layerDecoder) pathString(p uint32) string {
	if s, ok := d.pathStrs[p]; ok {
		return s
	}
	if d.pathStrs == nil {
		d.pathStrs = map[uint32]string{}
	}
	var parts []string
	q := int32(p)
	for i := 0; q >= 0 && int(q) < d.c.numPaths && i < 4096; i++ {
		t := d.c.pathTok[q]
		if t == unassigned || d.c.pathParent[q] < 0 {
			break
		}
		parts = append(parts, d.c.tokens[abs32(t)])
		if t < 0 {
			parts[len(parts)-1] = "." + parts[len(parts)-1]
		}
		q = d.c.pathParent[q]
	}
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		part := parts[i]
		if part[0] != '.' && part[0] != '{' && (b.Len() == 0 || !strings.HasSuffix(b.String(), "}")) {
			b.WriteByte('/')
		}
		b.WriteString(part)
	}
	s := b.String()
	if s == "" {
		s = "/"
	}
	d.pathStrs[p] = s
	return s
}

type layerDecoder struct {
	c *crate
	// specOf is the spec of each path index (-1 for none); firstChild and
	// nextSibling list each path's children.
	specOf, firstChild, nextSibling []int32
	pathStrs                        map[uint32]string
	names                           map[string]*sdf.ValueType // value types by name, looked up once
	lazy                            bool
	r                               *Reader // held open while a lazy layer is read
}

// field returns the named field of spec s.
func (d *layerDecoder) field(s int, name string) (valueRep, bool) {
	return d.c.field(d.c.specFS[s], name)
}

// tokens decodes a token vector field (primChildren, properties, ...).
func (d *layerDecoder) tokens(s int, name string) ([]string, error) {
	rep, ok := d.field(s, name)
	if !ok {
		return nil, nil
	}
	toks, err := d.c.tokenVector(rep, nil)
	if err != nil {
		return nil, fmt.Errorf("%w (%s of %s)", err, name, d.pathString(d.c.specPath[s]))
	}
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = d.c.tokens[t]
	}
	return out, nil
}

// fields decodes every field of spec s but those in skip, in the order the
// spec lists them.
func (d *layerDecoder) fields(s int, where string, skip map[string]bool) ([]sdf.Field, error) {
	c := d.c
	var out []sdf.Field
	for i := int(c.specFS[s]); i < len(c.fieldSets); i++ {
		f := c.fieldSets[i]
		if f == fieldSetEnd {
			break
		}
		name := c.tokens[c.fieldTok[f]]
		if skip[name] {
			continue
		}
		v, err := d.value(c.fieldRep[f], "", 0)
		if err != nil {
			return nil, fmt.Errorf("%w (field %s of %s)", err, name, where)
		}
		if v.Kind == sdf.Payload {
			// A lone payload (what crates before 0.8.0 hold, and OpenUSD
			// still writes for one explicit payload) is an explicit list op.
			v = &sdf.Value{Kind: sdf.ListOp, Ops: []sdf.Op{{Op: "explicit", Items: []*sdf.Value{v}}}}
		}
		out = append(out, sdf.Field{Name: name, Value: v})
	}
	return out, nil
}

// spec returns the spec of path index pi, which a parent listed as path.
func (d *layerDecoder) spec(pi uint32, ok bool, path string) (int, error) {
	if !ok || int(pi) >= len(d.specOf) || d.specOf[pi] < 0 {
		return 0, fmt.Errorf("usdc: %s: %s is listed but has no spec", d.c.name, path)
	}
	return int(d.specOf[pi]), nil
}

// prim decodes the prim (or variant, when variant is set) at path index pi,
// path.
func (d *layerDecoder) prim(pi uint32, path, name string, variant bool, depth int) (*sdf.Prim, error) {
	if depth > maxPrimDepth {
		return nil, fmt.Errorf("usdc: %s: prims nested more than %d deep", d.c.name, maxPrimDepth)
	}
	s, err := d.spec(pi, true, path)
	if err != nil {
		return nil, err
	}
	p := &sdf.Prim{Path: path, Name: name}
	skip := skipVariant
	if !variant {
		skip = skipPrim
		p.Specifier = "over"
		if rep, ok := d.field(s, fSpecifier); ok {
			v, err := d.value(rep, "", 0)
			if err != nil {
				return nil, err
			}
			p.Specifier = v.Str
		}
		if rep, ok := d.field(s, fTypeName); ok {
			v, err := d.value(rep, "", 0)
			if err != nil {
				return nil, err
			}
			if len(v.Data.Strs) == 1 {
				p.TypeName = v.Data.Strs[0]
			}
		}
	}
	md, err := d.fields(s, path, skip)
	if err != nil {
		return nil, err
	}
	p.Metadata = md
	under := d.children(pi)
	props, err := d.tokens(s, fProperties)
	if err != nil {
		return nil, err
	}
	for _, n := range props {
		ppi, ok := under["."+n]
		prop, err := d.property(ppi, ok, path+"."+n, n)
		if err != nil {
			return nil, err
		}
		p.Properties = append(p.Properties, prop)
	}
	sets, err := d.tokens(s, fVariantSetChildren)
	if err != nil {
		return nil, err
	}
	for _, set := range sets {
		vs := &sdf.VariantSet{Name: set}
		spi, ok := under["{"+set+"=}"]
		ss, err := d.spec(spi, ok, path+"{"+set+"=}")
		if err != nil {
			return nil, err
		}
		names, err := d.tokens(ss, fVariantChildren)
		if err != nil {
			return nil, err
		}
		for _, vn := range names {
			sel := "{" + set + "=" + vn + "}"
			vpi, ok := under[sel]
			if !ok {
				return nil, fmt.Errorf("usdc: %s: variant %s%s is listed but has no spec", d.c.name, path, sel)
			}
			v, err := d.prim(vpi, path+sel, vn, true, depth+1)
			if err != nil {
				return nil, err
			}
			vs.Variants = append(vs.Variants, v)
		}
		p.VariantSets = append(p.VariantSets, vs)
	}
	kids, err := d.tokens(s, fPrimChildren)
	if err != nil {
		return nil, err
	}
	kidPaths := make([]uint32, len(kids))
	for i, k := range kids {
		cpi, ok := under[k]
		if !ok {
			return nil, fmt.Errorf("usdc: %s: %s lists child %s, which has no spec", d.c.name, path, k)
		}
		kidPaths[i] = cpi
	}
	childPath := func(k string) string {
		if variant {
			return path + k
		}
		return path + "/" + k
	}
	if d.lazy && len(kids) > 0 {
		p.Lazy = func(yield func(*sdf.Prim) error) error {
			for i, k := range kids {
				child, err := d.lockedPrim(kidPaths[i], childPath(k), k, depth+1)
				if err != nil {
					return err
				}
				if err := yield(child); err != nil {
					return err
				}
			}
			return nil
		}
		return p, nil
	}
	for i, k := range kids {
		child, err := d.prim(kidPaths[i], childPath(k), k, false, depth+1)
		if err != nil {
			return nil, err
		}
		p.Children = append(p.Children, child)
	}
	return p, nil
}

// lockedPrim decodes a prim of a lazy layer, checking that the file is
// still open.
func (d *layerDecoder) lockedPrim(pi uint32, path, name string, depth int) (*sdf.Prim, error) {
	d.r.mu.RLock()
	defer d.r.mu.RUnlock()
	if d.r.closed {
		return nil, fmt.Errorf("usdc: %s: %w", d.c.name, errClosed)
	}
	return d.prim(pi, path, name, false, depth)
}

// property decodes the attribute or relationship at path index pi, path.
func (d *layerDecoder) property(pi uint32, ok bool, path, name string) (*sdf.Property, error) {
	s, err := d.spec(pi, ok, path)
	if err != nil {
		return nil, err
	}
	p := &sdf.Property{Name: name, Relationship: d.c.specType[s] == specRelationship}
	if rep, ok := d.field(s, fTypeName); ok {
		v, err := d.value(rep, "", 0)
		if err != nil {
			return nil, err
		}
		if len(v.Data.Strs) == 1 {
			p.TypeName = v.Data.Strs[0]
		}
	}
	if rep, ok := d.field(s, fDefault); ok && p.TypeName == "" && !p.Relationship {
		p.TypeName = crateTypeName(rep.typ(), rep.isArray())
	}
	md, err := d.fields(s, path, skipProp)
	if err != nil {
		return nil, err
	}
	p.Metadata = md
	get := func(field string) (*sdf.Value, error) {
		rep, ok := d.field(s, field)
		if !ok {
			return nil, nil
		}
		v, err := d.value(rep, p.TypeName, 0)
		if err != nil {
			return nil, fmt.Errorf("%w (%s of %s)", err, field, path)
		}
		return v, nil
	}
	if v, err := get(fCustom); err != nil {
		return nil, err
	} else if v != nil && len(v.Data.Bools) == 1 {
		p.Custom = v.Data.Bools[0]
	}
	// Variability other than the default: varying for attributes, uniform
	// for relationships. A missing field holds Sdf's fallback, varying.
	variability := "varying"
	if v, err := get(fVariability); err != nil {
		return nil, err
	} else if v != nil {
		variability = v.Str
	}
	if (variability == "varying") == p.Relationship {
		p.Variability = variability
	}
	if p.Default, err = get(fDefault); err != nil {
		return nil, err
	}
	if p.Relationship {
		if p.Targets, err = get("targetPaths"); err != nil {
			return nil, err
		}
	} else if p.Connections, err = get(fConnectionPaths); err != nil {
		return nil, err
	}
	if _, ok := d.field(s, fSpline); ok {
		p.Spline = true
	}
	if rep, ok := d.field(s, fTimeSamples); ok {
		p.HasTimeSamples = true
		if p.TimeSamples, err = d.timeSamples(rep, p.TypeName); err != nil {
			return nil, fmt.Errorf("%w (time samples of %s)", err, path)
		}
	}
	return p, nil
}

// crateTypeNames names the value types of the crate's type codes.
var crateTypeNames = map[int]string{
	tBool: "bool", tUChar: "uchar", tInt: "int", tUInt: "uint", tInt64: "int64", tUInt64: "uint64",
	tHalf: "half", tFloat: "float", tDouble: "double", tString: "string", tToken: "token",
	tAssetPath: "asset", tMatrix2d: "matrix2d", tMatrix3d: "matrix3d", tMatrix4d: "matrix4d",
	tQuatd: "quatd", tQuatf: "quatf", tQuath: "quath", tVec2d: "double2", tVec2f: "float2",
	tVec2h: "half2", tVec2i: "int2", tVec3d: "double3", tVec3f: "float3", tVec3h: "half3",
	tVec3i: "int3", tVec4d: "double4", tVec4f: "float4", tVec4h: "half4", tVec4i: "int4",
	tTimeCode: "timecode", tPathExpression: "pathExpression", tDuration: "duration",
}

// crateTypeName is the value type name of a crate type ("float3[]"), or
// the crate's own name for types outside the registry.
func crateTypeName(t int, array bool) string {
	n, ok := crateTypeNames[t]
	if !ok {
		return typeCodeName(t)
	}
	if array {
		n += "[]"
	}
	return n
}

const (
	maxValueNesting = 64
	maxPrimDepth    = 4096 // nested prims and variants
)

// value decodes any value. typeName, when set, is the value type the
// field holds (an attribute's type, with its role); otherwise the crate
// type names it.
func (d *layerDecoder) value(rep valueRep, typeName string, nest int) (*sdf.Value, error) {
	c := d.c
	if nest > maxValueNesting {
		return nil, fmt.Errorf("usdc: %s: values nested more than %d deep", c.name, maxValueNesting)
	}
	if rep.isArrayEdit() {
		return &sdf.Value{Kind: sdf.Unknown, Str: "ArrayEdit"}, nil
	}
	t := rep.typ()
	p := rep.payload()
	if name, ok := crateTypeNames[t]; ok {
		if typeName == "" {
			typeName = name
			if rep.isArray() {
				typeName += "[]"
			}
		}
		vt, ok := d.lookupType(typeName)
		if !ok || vt.Array != rep.isArray() {
			vt, _ = d.lookupType(crateTypeName(t, rep.isArray()))
		}
		data, err := d.typed(rep, vt)
		if err != nil {
			return nil, err
		}
		return &sdf.Value{Kind: sdf.Typed, Type: vt.Name, Data: data}, nil
	}
	switch t {
	case tValueBlock:
		return &sdf.Value{Kind: sdf.Block}, nil
	case tAnimationBlock:
		return &sdf.Value{Kind: sdf.Block, Str: "AnimationBlock"}, nil
	case tSpecifier:
		return &sdf.Value{Kind: sdf.Word, Str: [...]string{"def", "over", "class"}[min(p, 2)]}, nil
	case tPermission:
		return &sdf.Value{Kind: sdf.Word, Str: [...]string{"public", "private"}[min(p, 1)]}, nil
	case tVariability:
		if p == 0 {
			return &sdf.Value{Kind: sdf.Word, Str: "varying"}, nil
		}
		return &sdf.Value{Kind: sdf.Word, Str: "uniform"}, nil
	case tDictionary:
		if rep.isInlined() {
			return &sdf.Value{Kind: sdf.Dict}, nil
		}
		r := d.reader(p)
		return r.dictionary(nest)
	case tTokenListOp, tStringListOp, tPathListOp, tRefListOp, tPayloadListOp, tIntListOp, tInt64ListOp, tUIntListOp, tUInt64ListOp, tUnregListOp:
		r := d.reader(p)
		return r.listOp(t, nest)
	case tTokenVector, tStringVector, tPathVector, tDoubleVector, tLayerOffsetVec, tRelocates:
		r := d.reader(p)
		n := r.count(8)
		v := &sdf.Value{Kind: sdf.List, Items: make([]*sdf.Value, 0, min(n, 1<<16))}
		for range n {
			var it *sdf.Value
			switch t {
			case tTokenVector:
				it = text("token", r.token())
			case tStringVector:
				it = text("string", r.string())
			case tPathVector:
				it = &sdf.Value{Kind: sdf.Path, Str: r.path()}
			case tDoubleVector:
				vt, _ := sdf.LookupType("double")
				it = &sdf.Value{Kind: sdf.Typed, Type: "double", Data: sdf.Data{VT: vt, Nums: []float64{r.f64()}}}
			case tLayerOffsetVec:
				it = &sdf.Value{Kind: sdf.LayerOffset, Offset: r.f64(), Scale: r.f64()}
			case tRelocates:
				it = &sdf.Value{Kind: sdf.List, Items: []*sdf.Value{{Kind: sdf.Path, Str: r.path()}, {Kind: sdf.Path, Str: r.path()}}}
			}
			if r.err != nil {
				return nil, r.err
			}
			v.Items = append(v.Items, it)
		}
		return v, r.err
	case tVariantSelMap:
		r := d.reader(p)
		n := r.count(8)
		v := &sdf.Value{Kind: sdf.Dict}
		for range n {
			k := r.string()
			v.Entries = append(v.Entries, sdf.Entry{Key: k, Value: text("string", r.string())})
			if r.err != nil {
				return nil, r.err
			}
		}
		return v, r.err
	case tPayload:
		r := d.reader(p)
		v := r.arc(sdf.Payload, nest)
		return v, r.err
	case tValue, tUnregistered:
		r := d.reader(p)
		return r.vtValue(nest)
	case tTimeSamples:
		return &sdf.Value{Kind: sdf.Unknown, Str: "TimeSamples"}, nil
	}
	return &sdf.Value{Kind: sdf.Unknown, Str: typeCodeName(t)}, nil
}

// lookupType is sdf.LookupType, remembered per name.
func (d *layerDecoder) lookupType(name string) (sdf.ValueType, bool) {
	if vt, ok := d.names[name]; ok {
		if vt == nil {
			return sdf.ValueType{}, false
		}
		return *vt, true
	}
	vt, ok := sdf.LookupType(name)
	if !ok {
		d.names[name] = nil
		return vt, false
	}
	d.names[name] = &vt
	return vt, true
}

func text(typ, s string) *sdf.Value {
	vt, _ := sdf.LookupType(typ)
	return &sdf.Value{Kind: sdf.Typed, Type: vt.Name, Data: sdf.Data{VT: vt, Strs: []string{s}}}
}

// typed decodes a value of the registry's types into flat data.
func (d *layerDecoder) typed(rep valueRep, vt sdf.ValueType) (sdf.Data, error) {
	c := d.c
	data := sdf.Data{VT: vt}
	t := rep.typ()
	et := elemLayout(t)
	if !rep.isArray() {
		p := rep.payload()
		if rep.isInlined() {
			var b [4]byte
			binary.LittleEndian.PutUint32(b[:], uint32(p))
			switch {
			case t == tAssetPath:
				s, err := c.token(uint64(uint32(p)))
				if err != nil {
					return data, err
				}
				data.Strs = append(data.Strs, s)
			case et.width > 1 && et.size*et.width > 4 && !et.matrix:
				// int8 components
				for k := range et.width {
					if et.kind == 'i' {
						data.Ints = append(data.Ints, int64(int8(b[k])))
					} else {
						data.Nums = append(data.Nums, float64(int8(b[k])))
					}
				}
			case et.matrix:
				n := int(math.Sqrt(float64(et.width)))
				for r := range n {
					for col := range n {
						x := 0.0
						if r == col {
							x = float64(int8(b[r]))
						}
						data.Nums = append(data.Nums, x)
					}
				}
			case t == tDouble || t == tTimeCode:
				data.Nums = append(data.Nums, float64(math.Float32frombits(uint32(p))))
			case t == tInt64:
				data.Ints = append(data.Ints, int64(int32(uint32(p))))
			case t == tUInt64:
				data.Ints = append(data.Ints, int64(uint32(p)))
			default:
				if err := d.elements(&data, et, b[:], 1); err != nil {
					return data, err
				}
			}
			return data, nil
		}
		if t == tString || t == tToken || t == tAssetPath {
			// always inlined; a rep without the flag is corrupt
			return data, c.errorf(int64(min(p, math.MaxInt64)), "%s value is not inlined", typeCodeName(t))
		}
		b, err := c.bytesAt(p, uint64(et.size*et.width), typeCodeName(t))
		if err != nil {
			return data, err
		}
		return data, d.elements(&data, et, b, 1)
	}
	// Arrays.
	off := rep.payload()
	if off == 0 {
		return data, nil
	}
	if !c.ver.atLeast(5) {
		off += 4
	}
	var n uint64
	le := binary.LittleEndian
	if c.ver.atLeast(7) {
		b, err := c.bytesAt(off, 8, "array count")
		if err != nil {
			return data, err
		}
		n, off = le.Uint64(b), off+8
	} else {
		b, err := c.bytesAt(off, 4, "array count")
		if err != nil {
			return data, err
		}
		n, off = uint64(le.Uint32(b)), off+4
	}
	elem := uint64(et.size * et.width)
	intArray := t == tInt || t == tUInt || t == tInt64 || t == tUInt64
	floatArray := t == tHalf || t == tFloat || t == tDouble
	compressed := rep.isCompressed() && n >= minCompressedArray &&
		((intArray && c.ver.atLeast(5)) || (floatArray && c.ver.atLeast(6)))
	if !compressed {
		if elem == 0 || n > uint64(len(c.data))/elem {
			return data, c.errorf(int64(off), "array of %d elements exceeds the file", n)
		}
		b, err := c.bytesAt(off, n*elem, "array")
		if err != nil {
			return data, err
		}
		return data, d.elements(&data, et, b, int(n))
	}
	sc := scratchPool.Get().(*arrayScratch)
	defer scratchPool.Put(sc)
	if intArray {
		if et.size == 8 {
			ints, err := compressedAt(c, off, n, []int64(nil), sc)
			if err != nil {
				return data, err
			}
			data.Ints = ints
			return data, nil
		}
		ints, err := compressedAt(c, off, n, []int32(nil), sc)
		if err != nil {
			return data, err
		}
		for _, x := range ints {
			if t == tUInt {
				data.Ints = append(data.Ints, int64(uint32(x)))
			} else {
				data.Ints = append(data.Ints, int64(x))
			}
		}
		return data, nil
	}
	// Floats compressed as integers ('i') or a lookup table ('t').
	var v formats.Value
	if err := c.decodeArray(rep, &v); err != nil {
		return data, err
	}
	switch t {
	case tHalf:
		for _, h := range v.Halfs {
			data.Nums = append(data.Nums, float64(formats.HalfToFloat32(h)))
		}
	case tFloat:
		for _, x := range v.Floats {
			data.Nums = append(data.Nums, float64(x))
		}
	default:
		data.Nums = append(data.Nums, v.Doubles...)
	}
	return data, nil
}

// layout is how one element of a crate type is stored: scalar size and
// count, and what the scalar is.
type layout struct {
	size, width int
	kind        byte // 'f' float, 'h' half, 'd' double, 'i' int32, 'u' uint32, 'l' int64, 'L' uint64, 'c' uchar, 'b' bool, 's' string index, 't' token index
	matrix      bool
	quat        bool
}

func elemLayout(t int) layout {
	switch t {
	case tBool:
		return layout{1, 1, 'b', false, false}
	case tUChar:
		return layout{1, 1, 'c', false, false}
	case tInt:
		return layout{4, 1, 'i', false, false}
	case tUInt:
		return layout{4, 1, 'u', false, false}
	case tInt64:
		return layout{8, 1, 'l', false, false}
	case tUInt64:
		return layout{8, 1, 'L', false, false}
	case tHalf:
		return layout{2, 1, 'h', false, false}
	case tFloat:
		return layout{4, 1, 'f', false, false}
	case tDouble, tTimeCode, tDuration:
		return layout{8, 1, 'd', false, false}
	case tString, tPathExpression, tAssetPath:
		// An asset path is written as a string (an inlined one as a token).
		return layout{4, 1, 's', false, false}
	case tToken:
		return layout{4, 1, 't', false, false}
	case tMatrix2d:
		return layout{8, 4, 'd', true, false}
	case tMatrix3d:
		return layout{8, 9, 'd', true, false}
	case tMatrix4d:
		return layout{8, 16, 'd', true, false}
	case tQuatd:
		return layout{8, 4, 'd', false, true}
	case tQuatf:
		return layout{4, 4, 'f', false, true}
	case tQuath:
		return layout{2, 4, 'h', false, true}
	case tVec2d, tVec3d, tVec4d:
		return layout{8, 2 + (t-tVec2d)/4, 'd', false, false}
	case tVec2f, tVec3f, tVec4f:
		return layout{4, 2 + (t-tVec2f)/4, 'f', false, false}
	case tVec2h, tVec3h, tVec4h:
		return layout{2, 2 + (t-tVec2h)/4, 'h', false, false}
	case tVec2i, tVec3i, tVec4i:
		return layout{4, 2 + (t-tVec2i)/4, 'i', false, false}
	}
	return layout{}
}

// elements decodes n raw elements of layout et from b into data; a
// quaternion's real part moves first.
func (d *layerDecoder) elements(data *sdf.Data, et layout, b []byte, n int) error {
	if need := n * et.width * et.size; len(b) < need {
		// An inlined payload holds 4 bytes: a value whose elements need
		// more was not inlined by any writer.
		return fmt.Errorf("usdc: %s: a value of %d bytes in %d bytes of payload", d.c.name, need, len(b))
	}
	le := binary.LittleEndian
	for i := range n * et.width {
		e := b[i*et.size:]
		switch et.kind {
		case 'b':
			data.Bools = append(data.Bools, e[0] != 0)
		case 'c':
			data.Ints = append(data.Ints, int64(e[0]))
		case 'i':
			data.Ints = append(data.Ints, int64(int32(le.Uint32(e))))
		case 'u':
			data.Ints = append(data.Ints, int64(le.Uint32(e)))
		case 'l', 'L':
			data.Ints = append(data.Ints, int64(le.Uint64(e)))
		case 'h':
			data.Nums = append(data.Nums, float64(formats.HalfToFloat32(le.Uint16(e))))
		case 'f':
			data.Nums = append(data.Nums, float64(math.Float32frombits(le.Uint32(e))))
		case 'd':
			data.Nums = append(data.Nums, math.Float64frombits(le.Uint64(e)))
		case 's':
			k := le.Uint32(e)
			if int(k) >= len(d.c.strs) {
				return fmt.Errorf("usdc: %s: string index %d out of range (%d strings)", d.c.name, k, len(d.c.strs))
			}
			data.Strs = append(data.Strs, d.c.tokens[d.c.strs[k]])
		case 't':
			s, err := d.c.token(uint64(le.Uint32(e)))
			if err != nil {
				return err
			}
			data.Strs = append(data.Strs, s)
		}
	}
	if et.quat {
		for q := len(data.Nums) - 4*n; q < len(data.Nums); q += 4 {
			x := data.Nums[q : q+4]
			x[0], x[1], x[2], x[3] = x[3], x[0], x[1], x[2]
		}
	}
	return nil
}
