package usdc

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/scenebench/runner/formats"
)

// Reader is an opened crate file. Structure, and the times of every
// attribute's time samples, are decoded at open; values (defaults and
// samples) are decoded from the mapped file on each Get or GetSample.
//
// Reads by handles (GetHandle, Scan, SampleTimes, GetSample) take no lock:
// Close must not run while they are in flight, and after Close they give
// errors.
type Reader struct {
	c      *crate
	mu     sync.RWMutex
	closed bool
	// done mirrors closed for the lock-free reads by handles.
	done  atomic.Bool
	unmap func() error

	props      []formats.Property // (name, type) pairs with values, in column order
	nameByProp []int32            // name id of each property
	propByName map[string]int32   // name id
	prims      []primRec
	// Built on first need (buildPaths): the paths of the prims with
	// attribute values in layer order.
	pathsOnce sync.Once
	primPaths []string
	// paths finds a prim's handle by its path, built at open.
	paths pathIndex
	attrs []attrRec
	notes formats.NoteCounter

	// Handles: a prim handle indexes primOfHandle (the prim record of
	// each prim of primPaths), a property handle is a name id.
	primOfHandle []int32
	names        []string // by name id
	listed       []bool   // by name id: Properties lists the name
	// slotHint is, by name id, where in its prim's attributes the name
	// most often sits (-1 when unknown): prims of one scene usually
	// declare the same attributes in the same order, so a read by
	// handles finds its attribute at the first look.
	slotHint []int32

	// Time samples (samplesread.go): the attributes that have them, by
	// ascending index into attrs, each with its sampleRec; the distinct
	// times vectors they share.
	sampAttr  []int32
	samp      []sampleRec
	times     [][]float64
	sampStart []int32 // by prim record: its first entry in sampAttr
}

type primRec struct {
	pathIdx   int32 // path index
	parent    int32 // record of the parent prim, -1 under the pseudo-root
	fieldSet  uint32
	attrStart int32
	attrN     int32
	values    bool // some attribute has a value of a carried type
}

// attrRec is one attribute of a prim whose type the scene model carries.
type attrRec struct {
	// def is the default value (why 0), found once at open.
	def  valueRep
	name int32 // name id
	typ  formats.Type
	// why is 0 for an attribute with a default value, else why it has
	// none (an index into whyNot).
	why uint8
	// sampled says that the attribute has time samples (Reader.samp).
	sampled bool
}

// carried reports whether the scene presents the attribute: it has a
// default value or time samples.
func (a *attrRec) carried() bool { return a.why == 0 || a.sampled }

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

var (
	_ formats.Reader   = (*Reader)(nil)
	_ formats.Resolver = (*Reader)(nil)
	_ formats.Scanner  = (*Reader)(nil)
	_ formats.Sampler  = (*Reader)(nil)
)

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
	specOfPath := c.spare.take(c.numPaths)
	for i := range specOfPath {
		specOfPath[i] = -1
	}
	rootSpec := int32(-1)
	numPrims := 0
	for s, p := range c.specPath {
		if c.pathTok[p] == unassigned {
			return fmt.Errorf("usdc: %s: spec %d uses path %d, which PATHS does not define", c.name, s, p)
		}
		if specOfPath[p] >= 0 {
			return fmt.Errorf("usdc: %s: two specs for path %s", c.name, c.pathString(p))
		}
		specOfPath[p] = int32(s)
		if c.specType[s] == specPrim {
			numPrims++
		}
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
	kids := c.primChildIndex()
	recOfPath := c.spare.take(c.numPaths)
	for i := range recOfPath {
		recOfPath[i] = -1
	}
	// Every prim listed is a prim spec: the table is sized once.
	r.prims = make([]primRec, 0, numPrims)
	type item struct{ path, parent int32 }
	stack := make([]item, 1, numPrims+1) // at most every prim is queued
	stack[0] = item{c.rootPath, -1}
	var names []uint32
	childrenTok := c.tokenIndex(fPrimChildren)
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		spec := specOfPath[it.path]
		rec := int32(-1)
		if it.path != c.rootPath {
			rec = int32(len(r.prims))
			recOfPath[it.path] = rec
			r.prims = append(r.prims, primRec{pathIdx: it.path, parent: it.parent, fieldSet: c.specFS[spec]})
		}
		rep, ok := c.fieldByToken(c.specFS[spec], childrenTok)
		if !ok {
			continue
		}
		var err error
		if names, err = c.tokenVector(rep, names[:0]); err != nil {
			return fmt.Errorf("%w (primChildren of %s)", err, c.pathString(uint32(it.path)))
		}
		for i := len(names) - 1; i >= 0; i-- {
			child := kids.find(c, it.path, names[i], i)
			if child < 0 || specOfPath[child] < 0 {
				return fmt.Errorf("usdc: %s: primChildren of %s lists %q, which has no spec", c.name, c.pathString(uint32(it.path)), c.tokens[names[i]])
			}
			if c.specType[specOfPath[child]] != specPrim {
				return fmt.Errorf("usdc: %s: primChildren of %s lists %q, which is not a prim", c.name, c.pathString(uint32(it.path)), c.tokens[names[i]])
			}
			if recOfPath[child] != -1 {
				return fmt.Errorf("usdc: %s: prim %s is listed twice", c.name, c.pathString(uint32(child)))
			}
			recOfPath[child] = -2 // queued
			stack = append(stack, item{child, rec})
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
	total := int(counts[len(r.prims)])
	r.attrs = make([]attrRec, total)
	// Each attribute spec takes the next slot of its prim, in spec order,
	// and its name gets an id (first seen, first numbered); counts[rec]
	// then ends prim rec's slots.
	c.spare.put(specOfPath) // done with: its memory serves specOfAttr
	specOfAttr := c.spare.take(total)
	nameOfTok := make([]int32, len(c.tokens)) // token -> name id + 1
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
		at := counts[rec]
		counts[rec]++
		specOfAttr[at] = int32(s)
		r.attrs[at].name = id
	}
	// Then each slot's spec is read (its type, default, time samples),
	// prims split in ranges of about as many attributes, one per
	// goroutine: the fields an attribute's fieldset names lie anywhere in
	// FIELDSETS and FIELDS, so this is most of index's time.
	af := c.attrFields()
	parts := make([]attrPart, max(1, total/(1<<15)))
	first := 0
	for k := range parts {
		end := len(r.prims)
		if k < len(parts)-1 {
			// The first prim whose slots begin past this part's share.
			end, _ = slices.BinarySearchFunc(r.prims, int32((k+1)*total/len(parts)), func(p primRec, at int32) int { return int(p.attrStart - at) })
		}
		parts[k].first, parts[k].end = first, end
		first = end
	}
	forEach(len(parts), func(k int) { r.readAttrs(&parts[k], af, specOfAttr, counts) })
	// Time samples are carried beside (or instead of) the default: their
	// times are read now, as OpenUSD does at open, in attribute order,
	// sharing one times vector among attributes with the same times.
	ts := newTimesIndex()
	for k := range parts {
		pt := &parts[k]
		for _, n := range pt.notes.Notes() {
			r.notes.Add(n.What, n.Count)
		}
		for _, sa := range pt.samples {
			a := &r.attrs[sa.at]
			sr, err := r.sampleRecord(sa.rep, ts)
			if err != nil {
				return fmt.Errorf("%w (time samples of %s)", err, c.pathString(c.specPath[sa.spec]))
			}
			switch {
			case len(r.times[sr.times]) > 0:
				a.sampled = true
				r.sampAttr = append(r.sampAttr, sa.at)
				r.samp = append(r.samp, sr)
			case a.why == whySamplesOnly: // an empty timeSamples
				a.why = whyNoDefault
			}
			p := &r.prims[sa.rec]
			p.values = p.values || a.carried()
			// The notes say what a scene of default values leaves out,
			// as every format's reader counts it: an importer reads
			// defaults.
			if a.why != 0 {
				r.notes.Add(whyNot[a.why], 1)
			} else {
				r.notes.Add(formats.NoteTimeSamples, 1)
			}
		}
	}
	c.spare.put(specOfAttr)
	r.indexSamples()
	c.spare.put(recOfPath, kids.start)
	// Prims without values are not part of the scene: reads of them are
	// not-found errors, as in every format.
	withValues := 0
	for i := range r.prims {
		if r.prims[i].values {
			withValues++
		}
	}
	r.primOfHandle = make([]int32, 0, withValues)
	for i := range r.prims {
		if r.prims[i].values {
			r.primOfHandle = append(r.primOfHandle, int32(i))
		}
	}
	if len(r.primOfHandle) > formats.MaxPrimHandles {
		return fmt.Errorf("usdc: %s: %d prims: more than handles can address", c.name, len(r.primOfHandle))
	}
	// The path index and the property list need nothing of each other.
	var err error
	forEach(2, func(i int) {
		if i == 0 {
			err = r.describeProperties()
		} else {
			r.buildPathIndex()
		}
	})
	return err
}

// attrPart is the attribute slots of prim records first to end, read by
// one goroutine: what they note, and the slots with time samples, whose
// times are read after.
type attrPart struct {
	first, end int
	notes      formats.NoteCounter
	samples    []sampledAttr
}

type sampledAttr struct {
	at, rec, spec int32
	rep           valueRep // the timeSamples field
}

// readAttrs reads the specs of the attribute slots of part pt's prims
// (specOfAttr by slot; prim rec's slots end at ends[rec]) into attrs,
// keeping those of types the scene carries, in order, at the start of
// each prim's slots. The slots already hold their name ids.
func (r *Reader) readAttrs(pt *attrPart, shared *attrFields, specOfAttr, ends []int32) {
	c := r.c
	af := *shared // its type cache is this goroutine's
	var a attrInfo
	for rec := pt.first; rec < pt.end; rec++ {
		p := &r.prims[rec]
		out := p.attrStart
		for at := p.attrStart; at < ends[rec]; at++ {
			s := specOfAttr[at]
			name := r.attrs[at].name // before out (<= at) is written
			if !c.attribute(c.specFS[s], &af, &a) {
				pt.notes.Add(formats.NoteUnsupportedType(a.sdfType), 1)
				continue
			}
			a.name = name
			r.attrs[out] = a.attrRec
			if a.samples {
				pt.samples = append(pt.samples, sampledAttr{at: out, rec: int32(rec), spec: s, rep: a.tsRep})
			} else {
				p.values = p.values || a.carried()
				if a.why != 0 {
					pt.notes.Add(whyNot[a.why], 1)
				}
			}
			out++
		}
		p.attrN = out - p.attrStart
	}
}

// childIndex finds a prim's child paths by name token: the prim children
// of each path, in path order, which is usually primChildren's order.
type childIndex struct {
	start []int32 // by path index: where its children begin in list (they end where the next path's begin, or at the end of list)
	list  []int32 // child path indexes, grouped by parent
	// byName holds, for parents whose children are not in primChildren's
	// order, their children by name token, built on the first miss.
	byName map[int32]map[uint32]int32
}

func (c *crate) primChildIndex() *childIndex {
	x := &childIndex{start: c.spare.take(c.numPaths)}
	clear(x.start)
	isChild := func(p int) bool {
		return c.pathTok[p] >= 0 && c.pathParent[p] >= 0 && int32(p) != c.rootPath
	}
	// start[q] counts q's children, then (summed) is where the children
	// of q+1 begin; placing them from the last path down moves it back
	// to where q's begin, keeping path order within each parent.
	for p := range c.pathTok {
		if isChild(p) {
			x.start[c.pathParent[p]]++
		}
	}
	for i := 1; i < len(x.start); i++ {
		x.start[i] += x.start[i-1]
	}
	if len(x.start) > 0 {
		x.list = make([]int32, x.start[len(x.start)-1])
	}
	for p := len(c.pathTok) - 1; p >= 0; p-- {
		if isChild(p) {
			q := c.pathParent[p]
			x.start[q]--
			x.list[x.start[q]] = int32(p)
		}
	}
	return x
}

// find returns the child of parent named tok, which primChildren lists at
// position k, or -1.
func (x *childIndex) find(c *crate, parent int32, tok uint32, k int) int32 {
	end := int32(len(x.list))
	if int(parent)+1 < len(x.start) {
		end = x.start[parent+1]
	}
	kids := x.list[x.start[parent]:end]
	if k < len(kids) && uint32(c.pathTok[kids[k]]) == tok {
		return kids[k]
	}
	m, ok := x.byName[parent]
	if !ok {
		if x.byName == nil {
			x.byName = map[int32]map[uint32]int32{}
		}
		m = make(map[uint32]int32, len(kids))
		for _, p := range kids {
			m[uint32(c.pathTok[p])] = p // the last of duplicates, as a map of all paths would
		}
		x.byName[parent] = m
	}
	if p, ok := m[tok]; ok {
		return p
	}
	return -1
}

// tokenIndex returns the index of the token s, or -1.
func (c *crate) tokenIndex(s string) int64 {
	for i, t := range c.tokens {
		if t == s {
			return int64(i)
		}
	}
	return -1
}

// buildPaths makes the path strings of the prims with values, and the map
// from path to handle, on first need: open does not pay for them.
func (r *Reader) buildPaths() {
	r.pathsOnce.Do(func() {
		all := make([]string, len(r.prims))
		for i := range r.prims {
			p := &r.prims[i]
			name := r.c.tokens[r.c.pathTok[p.pathIdx]]
			if p.parent < 0 {
				all[i] = "/" + name
			} else {
				all[i] = all[p.parent] + "/" + name
			}
		}
		r.primPaths = make([]string, len(r.primOfHandle))
		for h, rec := range r.primOfHandle {
			r.primPaths[h] = all[rec]
		}
	})
}

// primPath renders one prim's path, for errors.
func (r *Reader) primPath(p *primRec) string { return r.c.pathString(uint32(p.pathIdx)) }

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
	samples bool     // it has time samples
	tsRep   valueRep // their value
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
func (c *crate) attribute(fs uint32, af *attrFields, a *attrInfo) bool {
	*a = attrInfo{}
	var def, typeRep valueRep
	hasDef, hasType, conns, spline := false, false, false, false
	sets, kinds, reps := c.fieldSets, af.kind, c.fieldRep
	for _, f := range sets[min(int(fs), len(sets)):] {
		if f == fieldSetEnd {
			break
		}
		switch kinds[f] {
		case kindDefault:
			if !hasDef { // the first, as crate.field finds it
				def, hasDef = reps[f], true
			}
		case kindTypeName:
			typeRep, hasType = reps[f], true
		case kindSamples:
			if !a.samples {
				a.samples, a.tsRep = true, reps[f]
			}
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
			return false
		}
	}
	if a.sdfType == "" {
		if !hasDef {
			return false
		}
		// No typeName field: the default's own type.
		a.sdfType = typeCodeName(def.typ())
		if t := sceneType(def.typ(), def.isArray()); t != formats.Invalid {
			a.sdfType = t.String()
		}
		var ok bool
		if a.typ, ok = formats.SceneTypeOf(a.sdfType); !ok {
			return false
		}
	}
	a.def = def
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
	return true
}

// describeProperties lists the (name, type) pairs that have values in the
// order prims declare them (each prim's properties field), first seen
// first. A pair some listed prim lacks is sparse.
//
// One pass over the attributes counts the pairs and finds the prim that
// has each first; only those prims' declared orders are then read, to
// order the pairs each one brings.
func (r *Reader) describeProperties() error {
	c := r.c
	names := make([]string, len(r.propByName))
	for n, id := range r.propByName {
		names[id] = n
	}
	r.names = names
	r.listed = make([]bool, len(names))
	r.slotHint = r.slotHints(len(names))
	// A pair, by name id: a name rarely has more than one type.
	type pair struct {
		typ   formats.Type
		first int32 // attr index of its first value
		prim  int32 // the prim record that has it
		count int
		rank  int // its place among its prim's attributes
	}
	var pairs []pair
	byName := make([][]int32, len(names)) // indexes into pairs
	// last is, by name id, the pair its last value counted, + 1: a
	// name's values mostly share one type.
	last := make([]int32, len(names))
	for pi := range r.prims {
		p := &r.prims[pi]
		if !p.values {
			continue
		}
	attrs:
		for a := p.attrStart; a < p.attrStart+p.attrN; a++ {
			at := &r.attrs[a]
			if !at.carried() {
				continue
			}
			if l := last[at.name] - 1; l >= 0 && pairs[l].typ == at.typ {
				pairs[l].count++
				continue
			}
			for _, k := range byName[at.name] {
				if pairs[k].typ == at.typ {
					pairs[k].count++
					last[at.name] = k + 1
					continue attrs
				}
			}
			k := int32(len(pairs))
			pairs = append(pairs, pair{typ: at.typ, first: a, prim: int32(pi), count: 1})
			byName[at.name] = append(byName[at.name], k)
			last[at.name] = k + 1
		}
	}
	// Each prim that brings new pairs ranks its attributes: those its
	// properties field lists in that order, then the rest in spec order.
	propsTok := int64(-1)
	for i, t := range c.tokens {
		if t == fProperties {
			propsTok = int64(i)
			break
		}
	}
	// The name ids a properties field lists, decoded once per distinct
	// field value: prims usually share one.
	declared := map[valueRep][]int32{}
	pos := make([]int32, len(names)) // per prim: attr index + 1 of each name id
	var ranked []int                 // per prim: by attr, its rank
	for i := 0; i < len(pairs); {
		pi := pairs[i].prim
		j := i
		for j < len(pairs) && pairs[j].prim == pi {
			j++
		}
		p := &r.prims[pi]
		ranked = slices.Grow(ranked[:0], int(p.attrN))[:p.attrN]
		rank := 0
		for a := p.attrStart; a < p.attrStart+p.attrN; a++ {
			if at := &r.attrs[a]; at.carried() {
				pos[at.name] = a + 1
			}
		}
		if rep, ok := c.fieldByToken(p.fieldSet, propsTok); ok {
			ids, seen := declared[rep]
			if !seen {
				if toks, err := c.tokenVector(rep, nil); err == nil {
					for _, t := range toks {
						if id, ok := r.propByName[c.tokens[t]]; ok {
							ids = append(ids, id)
						}
					}
				}
				declared[rep] = ids
			}
			for _, id := range ids {
				if a := pos[id]; a > 0 {
					ranked[a-1-p.attrStart] = rank
					rank++
					pos[id] = 0
				}
			}
		}
		for a := p.attrStart; a < p.attrStart+p.attrN; a++ {
			if at := &r.attrs[a]; at.carried() && pos[at.name] == a+1 {
				ranked[a-p.attrStart] = rank
				rank++
			}
			pos[r.attrs[a].name] = 0
		}
		for k := i; k < j; k++ {
			pairs[k].rank = ranked[pairs[k].first-p.attrStart]
		}
		slices.SortStableFunc(pairs[i:j], func(x, y pair) int { return x.rank - y.rank })
		i = j
	}
	counts := make([]int, len(pairs))
	first := make([]int32, len(pairs))
	r.props = make([]formats.Property, len(pairs))
	r.nameByProp = make([]int32, len(pairs))
	propOf := make([][]int32, len(names)) // by name id: indexes into props
	for i, pr := range pairs {
		name := r.attrs[pr.first].name
		counts[i], first[i] = pr.count, pr.first
		r.props[i] = formats.Property{Name: names[name], Type: pr.typ}
		r.nameByProp[i] = name
		r.listed[name] = true
		propOf[name] = append(propOf[name], int32(i))
	}
	var v formats.Value
	for i := range r.props {
		prop := &r.props[i]
		prop.Sparse = counts[i] < len(r.primOfHandle)
		if at := &r.attrs[first[i]]; prop.Type.IsArray() {
			rep := at.def
			if at.why != 0 {
				rep, _ = r.sampleRep(-1, first[i], 0)
			}
			if err := c.decodeValue(rep, &v); err == nil {
				prop.Length = v.Len()
			}
		}
	}
	if len(r.samp) > 0 {
		r.describeSamples(counts, func(a int32) int {
			at := &r.attrs[a]
			for _, i := range propOf[at.name] {
				if r.props[i].Type == at.typ {
					return int(i)
				}
			}
			return -1
		})
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
func (r *Reader) Prims() ([]string, error) {
	r.buildPaths()
	return r.primPaths, nil
}

// PrimCount implements formats.PrimCounter without building the prims'
// path strings.
func (r *Reader) PrimCount() (int, error) { return len(r.primOfHandle), nil }

// Get implements formats.Reader.
func (r *Reader) Get(prim, property string, dst *formats.Value) error {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.closed {
		return fmt.Errorf("usdc: %s: %w", r.c.name, errClosed)
	}
	h, ok := r.lookupPrim(prim)
	if !ok {
		return &formats.NotFoundError{File: r.c.name, Prim: prim}
	}
	pi := r.primOfHandle[h]
	id, ok := r.propByName[property]
	if !ok {
		return &formats.NotFoundError{File: r.c.name, Prim: prim, Property: property}
	}
	p := &r.prims[pi]
	a := r.attrOf(p, id)
	if a < 0 {
		return &formats.NoValueError{File: r.c.name, Prim: prim, Property: property}
	}
	return r.read(&r.attrs[a], p, property, dst)
}

// attrOf returns the index in attrs of prim p's attribute with name id, or
// -1.
func (r *Reader) attrOf(p *primRec, id int32) int32 {
	if h := r.slotHint[id]; h >= 0 && h < p.attrN && r.attrs[p.attrStart+h].name == id {
		return p.attrStart + h
	}
	for a := p.attrStart; a < p.attrStart+p.attrN; a++ {
		if r.attrs[a].name == id {
			return a
		}
	}
	return -1
}

// read decodes attribute at of prim p into dst; property names it in
// errors.
func (r *Reader) read(at *attrRec, p *primRec, property string, dst *formats.Value) error {
	if at.why != 0 {
		return &formats.NoValueError{File: r.c.name, Prim: r.primPath(p), Property: property, Why: whyNot[at.why]}
	}
	if err := r.c.decodeValue(at.def, dst); err != nil {
		return fmt.Errorf("%w (reading %s %s.%s)", err, at.typ, r.primPath(p), property)
	}
	if dst.Type != at.typ {
		return fmt.Errorf("usdc: %s: %s.%s is declared %s but holds a %s value", r.c.name, r.primPath(p), property, at.typ, dst.Type)
	}
	return nil
}

// slotHints finds, for each of n name ids, the position in their prims'
// attributes where the name sits most often among the first prims.
func (r *Reader) slotHints(n int) []int32 {
	hint := make([]int32, n)
	for i := range hint {
		hint[i] = -1
	}
	const sample = 64 // prims looked at; scenes repeat one layout
	votes := map[[2]int32]int{}
	looked := 0
	for pi := range r.prims {
		p := &r.prims[pi]
		if !p.values {
			continue
		}
		for k := range p.attrN {
			votes[[2]int32{r.attrs[p.attrStart+k].name, k}]++
		}
		if looked++; looked == sample {
			break
		}
	}
	best := make([]int, n)
	for key, v := range votes {
		if id, k := key[0], key[1]; v > best[id] || (v == best[id] && k < hint[id]) {
			best[id], hint[id] = v, k
		}
	}
	return hint
}

// ResolvePrim implements formats.Resolver: the prim's index in Prims.
func (r *Reader) ResolvePrim(path string) (formats.PrimHandle, error) {
	h, ok := r.lookupPrim(path)
	if !ok {
		return 0, &formats.NotFoundError{File: r.c.name, Prim: path}
	}
	return formats.PrimHandle(h), nil
}

// ResolveProperty implements formats.Resolver: the handle of a name
// Properties lists.
func (r *Reader) ResolveProperty(name string) (formats.PropertyHandle, error) {
	id, ok := r.propByName[name]
	if !ok || !r.listed[id] {
		return 0, &formats.NotFoundError{File: r.c.name, Property: name}
	}
	return formats.PropertyHandle(id), nil
}

// GetHandle implements formats.Resolver: an index into the prim table, a
// look at the attribute the name's hint points to, and the value's decode
// from the mapped file. It takes no lock (see Reader).
func (r *Reader) GetHandle(prim formats.PrimHandle, property formats.PropertyHandle, dst *formats.Value) error {
	rec, a, err := r.attrFor(prim, property)
	if err != nil {
		return err
	}
	return r.read(&r.attrs[a], &r.prims[rec], r.names[property], dst)
}

// Scan implements formats.Scanner: GetHandle's reads, prim by prim, in
// layer order.
func (r *Reader) Scan(properties []formats.PropertyHandle, first, end formats.PrimHandle, fn func(prim formats.PrimHandle, vals []formats.Value, has []bool) error) error {
	if first < 0 || end < first || int(end) > len(r.primOfHandle) {
		return fmt.Errorf("usdc: %s: scan of prims %d to %d of %d: %w", r.c.name, first, end, len(r.primOfHandle), formats.ErrNotFound)
	}
	for _, h := range properties {
		if uint(h) >= uint(len(r.names)) || !r.listed[h] {
			return fmt.Errorf("usdc: %s: scan of property handle %d: %w", r.c.name, h, formats.ErrNotFound)
		}
	}
	vals := make([]formats.Value, len(properties))
	has := make([]bool, len(properties))
	for ph := first; ph < end; ph++ {
		if r.done.Load() {
			return fmt.Errorf("usdc: %s: %w", r.c.name, errClosed)
		}
		p := &r.prims[r.primOfHandle[ph]]
		for i, h := range properties {
			a := r.attrOf(p, int32(h))
			has[i] = a >= 0 && r.attrs[a].why == 0
			if !has[i] {
				continue
			}
			if err := r.read(&r.attrs[a], p, r.names[h], &vals[i]); err != nil {
				return err
			}
		}
		if err := fn(ph, vals, has); err != nil {
			return err
		}
	}
	return nil
}

// Close implements formats.Reader.
func (r *Reader) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	r.closed = true
	r.done.Store(true)
	if err := r.unmap(); err != nil {
		return fmt.Errorf("usdc: close %s: %w", r.c.name, err)
	}
	return nil
}
