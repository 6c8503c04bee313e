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

	props      []formats.Property
	propByName map[string]int32
	prims      []primRec
	primByPath map[string]int32
	primPaths  []string // prims with attributes, layer order
	attrs      []attrRec
}

type primRec struct {
	path      string
	fieldSet  uint32
	attrStart int32
	attrN     int32
}

type attrRec struct {
	prop     int32
	fieldSet uint32
}

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

	// Attributes, grouped by prim in spec order.
	counts := make([]int32, len(r.prims)+1)
	for s, t := range c.specType {
		if t != specAttribute {
			continue
		}
		p := c.specPath[s]
		if parent := c.pathParent[p]; c.pathTok[p] < 0 && parent >= 0 && recOfPath[parent] >= 0 {
			counts[recOfPath[parent]+1]++
		}
	}
	for i := 1; i < len(counts); i++ {
		counts[i] += counts[i-1]
	}
	for i := range r.prims {
		r.prims[i].attrStart = counts[i]
	}
	r.attrs = make([]attrRec, counts[len(r.prims)])
	propOfTok := make([]int32, len(c.tokens)) // token -> property id + 1
	r.propByName = make(map[string]int32)
	for s, t := range c.specType {
		if t != specAttribute {
			continue
		}
		p := c.specPath[s]
		parent := c.pathParent[p]
		if c.pathTok[p] >= 0 || parent < 0 || recOfPath[parent] < 0 {
			continue
		}
		tok := -c.pathTok[p]
		id := propOfTok[tok] - 1
		if id < 0 {
			name := c.tokens[tok]
			var ok bool
			if id, ok = r.propByName[name]; !ok {
				id = int32(len(r.propByName))
				r.propByName[name] = id
			}
			propOfTok[tok] = id + 1
		}
		rec := &r.prims[recOfPath[parent]]
		r.attrs[rec.attrStart+rec.attrN] = attrRec{prop: id, fieldSet: c.specFS[s]}
		rec.attrN++
	}
	r.primByPath = make(map[string]int32, len(r.prims))
	for i := range r.prims {
		r.primByPath[r.prims[i].path] = int32(i)
		if r.prims[i].attrN > 0 {
			r.primPaths = append(r.primPaths, r.prims[i].path)
		}
	}
	return r.describeProperties()
}

// describeProperties lists the properties in the order the first prim
// with attributes declares them, then any others in first-seen order.
func (r *Reader) describeProperties() error {
	c := r.c
	names := make([]string, len(r.propByName))
	for n, id := range r.propByName {
		names[id] = n
	}
	var order []int32
	seen := make([]bool, len(names))
	add := func(id int32) {
		if !seen[id] {
			seen[id] = true
			order = append(order, id)
		}
	}
	firstAttr := make([]int32, len(names)) // attr index of first occurrence
	for i := range firstAttr {
		firstAttr[i] = -1
	}
	for pi := range r.prims {
		p := &r.prims[pi]
		if p.attrN == 0 {
			continue
		}
		if len(order) == 0 {
			// Declared order of the first prim, from its properties field.
			if rep, ok := c.field(p.fieldSet, fProperties); ok {
				if toks, err := c.tokenVector(rep, nil); err == nil {
					for _, t := range toks {
						if id, ok := r.propByName[c.tokens[t]]; ok && r.primHasProp(pi, id) {
							add(id)
						}
					}
				}
			}
		}
		for a := p.attrStart; a < p.attrStart+p.attrN; a++ {
			id := r.attrs[a].prop
			if firstAttr[id] < 0 {
				firstAttr[id] = a
			}
		}
		for a := p.attrStart; a < p.attrStart+p.attrN; a++ {
			add(r.attrs[a].prop)
		}
	}
	r.props = make([]formats.Property, 0, len(order))
	var v formats.Value
	for _, id := range order {
		prop := formats.Property{Name: names[id]}
		fs := r.attrs[firstAttr[id]].fieldSet
		if rep, ok := c.field(fs, fTypeName); ok && rep.typ() == tToken && !rep.isArray() {
			if name, err := c.token(uint64(uint32(rep.payload()))); err == nil {
				prop.Type, _ = formats.ParseType(name)
			}
		}
		if rep, ok := c.field(fs, fDefault); ok {
			if err := c.decodeValue(rep, &v); err == nil {
				if prop.Type == formats.Invalid {
					prop.Type = v.Type
				}
				switch v.Type {
				case formats.DoubleArray:
					prop.Length = len(v.Doubles)
				case formats.FloatArray:
					prop.Length = len(v.Floats)
				case formats.IntArray:
					prop.Length = len(v.Ints)
				case formats.Float3Array:
					prop.Length = len(v.Vecs)
				}
			}
		}
		r.props = append(r.props, prop)
	}
	return nil
}

func (r *Reader) primHasProp(pi int, id int32) bool {
	p := &r.prims[pi]
	for a := p.attrStart; a < p.attrStart+p.attrN; a++ {
		if r.attrs[a].prop == id {
			return true
		}
	}
	return false
}

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
		if r.attrs[a].prop != id {
			continue
		}
		rep, ok := r.c.field(r.attrs[a].fieldSet, fDefault)
		if !ok {
			return fmt.Errorf("usdc: %s: %s.%s has no default value", r.c.name, prim, property)
		}
		if err := r.c.decodeValue(rep, dst); err != nil {
			return fmt.Errorf("%w (reading %s.%s)", err, prim, property)
		}
		return nil
	}
	return &formats.NotFoundError{File: r.c.name, Prim: prim, Property: property}
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
