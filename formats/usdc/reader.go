package usdc

import (
	"errors"
	"fmt"
	"sync"

	"github.com/scenebench/runner/formats"
)

// Reader is an opened crate file. Structure is decoded at open; values are
// decoded from the mapped file on each Get.
type Reader struct {
	c      *crate
	mu     sync.RWMutex
	closed bool
	unmap  func() error

	props      []formats.Property // (name, type) pairs with values, in column order
	nameByProp []int32            // name id of each property
	propByName map[string]int32   // name id
	prims      []primRec
	primByPath map[string]int32
	primPaths  []string // prims with attribute values, layer order
	attrs      []attrRec
	notes      formats.NoteCounter
}

type primRec struct {
	path      string
	fieldSet  uint32
	attrStart int32
	attrN     int32
	values    bool // some attribute has a value of a carried type
}

// attrRec is one attribute of a prim whose type the scene model carries.
type attrRec struct {
	name     int32 // name id
	fieldSet uint32
	typ      formats.Type
	// why is 0 for an attribute with a default value, else why it has
	// none (an index into whyNot).
	why uint8
}

// whyNot are the reasons an attribute has no value, as attrRec.why
// indexes them.
var whyNot = [...]string{"", formats.NoteBlocked, formats.NoteArrayEdits, formats.NoteSplines,
	formats.NoteTimeSamplesOnly, formats.NoteConnectionsOnly, formats.NoteNoDefault}

const (
	whyBlocked = 1 + iota
	whyArrayEdit
	whySpline
	whySamplesOnly
	whyConnsOnly
	whyNoDefault
)

var _ formats.Reader = (*Reader)(nil)

var errClosed = errors.New("reader is closed")

// Open maps a crate file and decodes its structure.
func Open(path string) (*Reader, error) {
	data, unmap, err := mapFile(path)
	if err != nil {
		return nil, fmt.Errorf("usdc: open %s: %w", path, err)
	}
	r, err := openBytes(path, data)
	if err != nil {
		unmap()
		return nil, err
	}
	r.unmap = unmap
	return r, nil
}

// openBytes decodes a crate held in memory; name is used in errors.
func openBytes(name string, data []byte) (*Reader, error) {
	c := &crate{name: name, data: data}
	ver, tocOff, err := readBootstrap(data)
	if err != nil {
		return nil, fmt.Errorf("usdc: %s: %w", name, err)
	}
	c.ver = ver
	if c.toc, err = readTOC(data, tocOff); err != nil {
		return nil, fmt.Errorf("usdc: %s: %w", name, err)
	}
	if err := c.readSections(); err != nil {
		return nil, err
	}
	r := &Reader{c: c, unmap: func() error { return nil }}
	if err := r.index(); err != nil {
		return nil, err
	}
	return r, nil
}

// index builds the prim and attribute tables by walking primChildren from
// the pseudo-root, the way a layer presents its prims.
func (r *Reader) index() error {
	c := r.c
	specOfPath := make([]int32, c.numPaths)
	for i := range specOfPath {
		specOfPath[i] = -1
	}
	rootSpec := int32(-1)
	for s, p := range c.specPath {
		if c.pathTok[p] == unassigned {
			return fmt.Errorf("usdc: %s: spec %d uses path %d, which PATHS does not define", c.name, s, p)
		}
		if specOfPath[p] >= 0 {
			return fmt.Errorf("usdc: %s: two specs for path %s", c.name, c.pathString(p))
		}
		specOfPath[p] = int32(s)
		if c.specType[s] == specPseudoRoot {
			if int32(p) != c.rootPath {
				return fmt.Errorf("usdc: %s: pseudo-root spec at %s", c.name, c.pathString(p))
			}
			rootSpec = int32(s)
		}
	}
	if rootSpec < 0 {
		return fmt.Errorf("usdc: %s: no pseudo-root spec", c.name)
	}
	// Child prim paths by (parent, name token).
	children := make(map[uint64]int32)
	for p, t := range c.pathTok {
		if t >= 0 && c.pathParent[p] >= 0 && int32(p) != c.rootPath {
			children[uint64(c.pathParent[p])<<32|uint64(t)] = int32(p)
		}
	}
	recOfPath := make([]int32, c.numPaths)
	for i := range recOfPath {
		recOfPath[i] = -1
	}
	type item struct {
		path int32
		str  string
	}
	stack := []item{{c.rootPath, ""}}
	var kids []uint32
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		spec := specOfPath[it.path]
		if it.path != c.rootPath {
			recOfPath[it.path] = int32(len(r.prims))
			r.prims = append(r.prims, primRec{path: it.str, fieldSet: c.specFS[spec]})
		}
		rep, ok := c.field(c.specFS[spec], fPrimChildren)
		if !ok {
			continue
		}
		var err error
		if kids, err = c.tokenVector(rep, kids[:0]); err != nil {
			return fmt.Errorf("%w (primChildren of %s)", err, displayPath(it.str))
		}
		for i := len(kids) - 1; i >= 0; i-- {
			name := c.tokens[kids[i]]
			child, ok := children[uint64(it.path)<<32|uint64(kids[i])]
			if !ok || specOfPath[child] < 0 {
				return fmt.Errorf("usdc: %s: primChildren of %s lists %q, which has no spec", c.name, displayPath(it.str), name)
			}
			if c.specType[specOfPath[child]] != specPrim {
				return fmt.Errorf("usdc: %s: primChildren of %s lists %q, which is not a prim", c.name, displayPath(it.str), name)
			}
			if recOfPath[child] != -1 {
				return fmt.Errorf("usdc: %s: prim %s/%s is listed twice", c.name, it.str, name)
			}
			recOfPath[child] = -2 // queued
			stack = append(stack, item{child, it.str + "/" + name})
		}
	}

	// Attributes, grouped by prim in spec order. Attributes of prims
	// inside variants, and of types the scene model does not carry, are
	// counted in the notes and left out.
	counts := make([]int32, len(r.prims)+1)
	owner := func(s int) int32 { // the prim record of an attribute or relationship spec, or -1
		p := c.specPath[s]
		if parent := c.pathParent[p]; c.pathTok[p] < 0 && parent >= 0 {
			return recOfPath[parent]
		}
		return -1
	}
	for s, t := range c.specType {
		switch t {
		case specAttribute:
			if rec := owner(s); rec >= 0 {
				counts[rec+1]++
			} else if c.inVariant(c.specPath[s]) {
				r.notes.Add(formats.NoteVariants, 1)
			}
		case specRelationship:
			if owner(s) >= 0 {
				r.notes.Add(formats.NoteRelationships, 1)
			}
		}
	}
	for i := 1; i < len(counts); i++ {
		counts[i] += counts[i-1]
	}
	for i := range r.prims {
		r.prims[i].attrStart = counts[i]
	}
	r.attrs = make([]attrRec, counts[len(r.prims)])
	nameOfTok := make([]int32, len(c.tokens)) // token -> name id + 1
	af := c.attrFields()
	r.propByName = make(map[string]int32)
	for s, t := range c.specType {
		if t != specAttribute {
			continue
		}
		rec := owner(s)
		if rec < 0 {
			continue
		}
		tok := -c.pathTok[c.specPath[s]]
		id := nameOfTok[tok] - 1
		if id < 0 {
			name := c.tokens[tok]
			var ok bool
			if id, ok = r.propByName[name]; !ok {
				id = int32(len(r.propByName))
				r.propByName[name] = id
			}
			nameOfTok[tok] = id + 1
		}
		a, ok := c.attribute(c.specFS[s], af)
		if !ok {
			r.notes.Add(formats.NoteUnsupportedType(a.sdfType), 1)
			continue
		}
		a.name = id
		p := &r.prims[rec]
		r.attrs[p.attrStart+p.attrN] = a.attrRec
		p.attrN++
		p.values = p.values || a.why == 0
		if a.why != 0 {
			r.notes.Add(whyNot[a.why], 1)
		} else if a.samples {
			r.notes.Add(formats.NoteTimeSamples, 1)
		}
	}
	// Prims without values are not part of the scene: reads of them are
	// not-found errors, as in every format.
	r.primByPath = make(map[string]int32, len(r.prims))
	for i := range r.prims {
		if r.prims[i].values {
			r.primByPath[r.prims[i].path] = int32(i)
			r.primPaths = append(r.primPaths, r.prims[i].path)
		}
	}
	return r.describeProperties()
}

// inVariant reports whether path p lies inside a variant (an element of
// it, or of an ancestor, is a variant selection "{set=name}").
func (c *crate) inVariant(p uint32) bool {
	for i := 0; int32(p) >= 0 && int(p) < c.numPaths && i < 4096; i++ {
		t := c.pathTok[p]
		if t == unassigned || c.pathParent[p] < 0 {
			return false
		}
		if name := c.tokens[abs32(t)]; t > 0 && len(name) > 0 && name[0] == '{' {
			return true
		}
		p = uint32(c.pathParent[p])
	}
	return false
}

// attrInfo is what an attribute spec's fields say about it.
type attrInfo struct {
	attrRec
	sdfType string
	samples bool // it has time samples
}

// attrFields are the token indexes of the fields an attribute's spec is
// read through (-1 when the file has no such token), and the scene type
// of each typeName token seen, so that indexing compares integers.
type attrFields struct {
	def, typeName, samples, conns, spline int64
	// kind classifies each field by its name (one of the kinds below, or
	// 0), so that reading a fieldset touches one byte per field.
	kind []uint8
	// types caches the type of typeName tokens, direct-mapped by token
	// index: a file has few type names.
	types [256]typeOfName
}

// Field kinds of attrFields.kind.
const (
	kindDefault = 1 + iota
	kindTypeName
	kindSamples
	kindConns
	kindSpline
)

type typeOfName struct {
	tok  uint32
	set  bool
	name string
	typ  formats.Type
	ok   bool
}

func (c *crate) attrFields() *attrFields {
	f := &attrFields{def: -1, typeName: -1, samples: -1, conns: -1, spline: -1}
	for i, t := range c.tokens {
		switch t {
		case fDefault:
			f.def = int64(i)
		case fTypeName:
			f.typeName = int64(i)
		case fTimeSamples:
			f.samples = int64(i)
		case fConnectionPaths:
			f.conns = int64(i)
		case fSpline:
			f.spline = int64(i)
		}
	}
	f.kind = make([]uint8, len(c.fieldTok))
	for i, t := range c.fieldTok {
		switch int64(t) {
		case f.def:
			f.kind[i] = kindDefault
		case f.typeName:
			f.kind[i] = kindTypeName
		case f.samples:
			f.kind[i] = kindSamples
		case f.conns:
			f.kind[i] = kindConns
		case f.spline:
			f.kind[i] = kindSpline
		}
	}
	return f
}

// attribute reads an attribute spec's type and whether it has a default
// value, in one pass over its fields; ok is false when the scene model
// does not carry its type.
func (c *crate) attribute(fs uint32, af *attrFields) (attrInfo, bool) {
	a := attrInfo{attrRec: attrRec{fieldSet: fs}}
	var def, typeRep valueRep
	hasDef, hasType, conns, spline := false, false, false, false
	sets, kinds, reps := c.fieldSets, af.kind, c.fieldRep
	for _, f := range sets[min(int(fs), len(sets)):] {
		if f == fieldSetEnd {
			break
		}
		switch kinds[f] {
		case kindDefault:
			def, hasDef = reps[f], true
		case kindTypeName:
			typeRep, hasType = reps[f], true
		case kindSamples:
			a.samples = true
		case kindConns:
			conns = true
		case kindSpline:
			spline = true
		}
	}
	if hasType && typeRep.typ() == tToken && !typeRep.isArray() {
		k := uint32(typeRep.payload())
		tn := &af.types[k%uint32(len(af.types))]
		if !tn.set || tn.tok != k {
			*tn = typeOfName{tok: k, set: true}
			if name, err := c.token(uint64(k)); err == nil {
				tn.name = name
				tn.typ, tn.ok = formats.SceneTypeOf(name)
			}
		}
		a.sdfType, a.typ = tn.name, tn.typ
		if tn.name != "" && !tn.ok {
			return a, false
		}
	}
	if a.sdfType == "" {
		if !hasDef {
			return a, false
		}
		// No typeName field: the default's own type.
		a.sdfType = typeCodeName(def.typ())
		if t := sceneType(def.typ(), def.isArray()); t != formats.Invalid {
			a.sdfType = t.String()
		}
		var ok bool
		if a.typ, ok = formats.SceneTypeOf(a.sdfType); !ok {
			return a, false
		}
	}
	switch {
	case hasDef && (def.typ() == tValueBlock || def.typ() == tAnimationBlock):
		a.why = whyBlocked
	case hasDef && def.isArrayEdit():
		a.why = whyArrayEdit
	case hasDef:
	case spline:
		a.why = whySpline
	case a.samples:
		a.why = whySamplesOnly
	case conns:
		a.why = whyConnsOnly
	default:
		a.why = whyNoDefault
	}
	return a, true
}

// describeProperties lists the (name, type) pairs that have values in the
// order prims declare them (each prim's properties field), first seen
// first. A pair some listed prim lacks is sparse.
func (r *Reader) describeProperties() error {
	c := r.c
	names := make([]string, len(r.propByName))
	for n, id := range r.propByName {
		names[id] = n
	}
	// The property of each (name, type), by name id: a name rarely has
	// more than one type.
	type typed struct {
		typ formats.Type
		idx int
	}
	byName := make([][]typed, len(names))
	var counts []int
	var first []int32 // attr index of each pair's first value
	count := func(a int32) {
		at := &r.attrs[a]
		for _, tp := range byName[at.name] {
			if tp.typ == at.typ {
				counts[tp.idx]++
				return
			}
		}
		byName[at.name] = append(byName[at.name], typed{at.typ, len(r.props)})
		r.props = append(r.props, formats.Property{Name: names[at.name], Type: at.typ})
		r.nameByProp = append(r.nameByProp, at.name)
		counts = append(counts, 1)
		first = append(first, a)
	}
	// Each prim's declared order (its properties field), decoded once
	// per distinct field value: prims usually share one.
	declared := map[valueRep][]int32{} // name ids
	pos := make([]int32, len(names))   // per prim: attr index + 1 of each name id
	propsTok := int64(-1)
	for i, t := range c.tokens {
		if t == fProperties {
			propsTok = int64(i)
			break
		}
	}
	var lastRep valueRep
	var lastIDs []int32
	for pi := range r.prims {
		p := &r.prims[pi]
		if !p.values {
			continue
		}
		for a := p.attrStart; a < p.attrStart+p.attrN; a++ {
			if at := &r.attrs[a]; at.why == 0 {
				pos[at.name] = a + 1
			}
		}
		if rep, ok := c.fieldByToken(p.fieldSet, propsTok); ok {
			ids, seen := lastIDs, rep == lastRep && lastIDs != nil
			if !seen {
				ids, seen = declared[rep]
			}
			if !seen {
				if toks, err := c.tokenVector(rep, nil); err == nil {
					for _, t := range toks {
						if id, ok := r.propByName[c.tokens[t]]; ok {
							ids = append(ids, id)
						}
					}
				}
				if ids == nil {
					ids = []int32{}
				}
				declared[rep] = ids
			}
			lastRep, lastIDs = rep, ids
			for _, id := range ids {
				if a := pos[id]; a > 0 {
					count(a - 1)
					pos[id] = 0
				}
			}
		}
		// Attributes the field does not list, in spec order.
		for a := p.attrStart; a < p.attrStart+p.attrN; a++ {
			if at := &r.attrs[a]; at.why == 0 && pos[at.name] == a+1 {
				count(a)
			}
			pos[r.attrs[a].name] = 0
		}
	}
	var v formats.Value
	for i := range r.props {
		prop := &r.props[i]
		prop.Sparse = counts[i] < len(r.primPaths)
		if rep, ok := c.field(r.attrs[first[i]].fieldSet, fDefault); ok && prop.Type.IsArray() {
			if err := c.decodeValue(rep, &v); err == nil {
				prop.Length = v.Len()
			}
		}
	}
	return nil
}

// Notes implements formats.Noter: what the scene leaves out of the file.
func (r *Reader) Notes() []formats.Note { return r.notes.Notes() }

func displayPath(s string) string {
	if s == "" {
		return "/"
	}
	return s
}

// pathString renders a path index for error messages.
func (c *crate) pathString(p uint32) string {
	var parts []string
	for i := 0; int32(p) >= 0 && int(p) < c.numPaths && i < 256; i++ {
		t := c.pathTok[p]
		if c.pathParent[p] < 0 || t == unassigned {
			break
		}
		name := c.tokens[abs32(t)]
		if t < 0 {
			name = "." + name
		} else {
			name = "/" + name
		}
		parts = append(parts, name)
		p = uint32(c.pathParent[p])
	}
	s := ""
	for i := len(parts) - 1; i >= 0; i-- {
		s += parts[i]
	}
	if s == "" {
		return "/"
	}
	return s
}

// Properties implements formats.Reader.
func (r *Reader) Properties() []formats.Property { return r.props }

// Prims implements formats.Reader. The slice is shared; callers must not
// modify it.
func (r *Reader) Prims() ([]string, error) { return r.primPaths, nil }

// Get implements formats.Reader.
func (r *Reader) Get(prim, property string, dst *formats.Value) error {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.closed {
		return fmt.Errorf("usdc: %s: %w", r.c.name, errClosed)
	}
	pi, ok := r.primByPath[prim]
	if !ok {
		return &formats.NotFoundError{File: r.c.name, Prim: prim}
	}
	id, ok := r.propByName[property]
	if !ok {
		return &formats.NotFoundError{File: r.c.name, Prim: prim, Property: property}
	}
	p := &r.prims[pi]
	for a := p.attrStart; a < p.attrStart+p.attrN; a++ {
		at := &r.attrs[a]
		if at.name != id {
			continue
		}
		if at.why != 0 {
			return &formats.NoValueError{File: r.c.name, Prim: prim, Property: property, Why: whyNot[at.why]}
		}
		rep, _ := r.c.field(at.fieldSet, fDefault)
		if err := r.c.decodeValue(rep, dst); err != nil {
			return fmt.Errorf("%w (reading %s %s.%s)", err, at.typ, prim, property)
		}
		if dst.Type != at.typ {
			return fmt.Errorf("usdc: %s: %s.%s is declared %s but holds a %s value", r.c.name, prim, property, at.typ, dst.Type)
		}
		return nil
	}
	return &formats.NoValueError{File: r.c.name, Prim: prim, Property: property}
}

// Close implements formats.Reader.
func (r *Reader) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	r.closed = true
	if err := r.unmap(); err != nil {
		return fmt.Errorf("usdc: close %s: %w", r.c.name, err)
	}
	return nil
}
