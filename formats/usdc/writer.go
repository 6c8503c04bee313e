package usdc

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/scenebench/runner/formats"
)

// longString is the length from which string values are not deduplicated:
// long unique texts (payloads) would only grow the dedup table.
const longString = 256

// writer streams out-of-line values to the file as batches arrive and keeps
// the structural tables (tokens, paths, fields, specs) in memory until
// Close writes the sections, the table of contents and the header.
type writer struct {
	path      string
	f         *os.File
	bw        *bufio.Writer
	pos       int64
	ver       version
	compress  bool
	specifier uint32
	typeName  string
	props     []formats.Property
	z         compressor
	buf       []byte // value and section scratch
	encBuf    []byte // integer coding scratch

	tokText  [][]byte // chunks of tokens, each followed by NUL: the TOKENS payload
	tokBytes int
	tokIdx   map[string]uint32
	numTok   uint32
	strTok   []uint32 // string index -> token index
	strOfTok []int32  // token index -> string index, -1 if none
	emptyTok uint32

	nodes    []primNode
	childIdx map[uint64]int32 // parent node << 32 | name token -> node
	nextPath uint32
	propTok  []uint32
	propType []uint32
	attrFS   []uint32 // fieldset of each attribute, prim-major

	// Fields and fieldsets. Structural fields and inlined default values
	// are shared (as OpenUSD shares identical fields); out-of-line values
	// are unique by construction and skip the dedup tables.
	fields fieldTable
	fsets  []uint32
	fsIdx  map[uint64]uint32   // property << 32 | default field -> fieldset
	defIdx map[valueRep]uint32 // inlined default value -> field

	// Bounded caches sharing recurring out-of-line values and their
	// fields and fieldsets.
	valueCache *smallCache
	fieldCache *smallCache
	fsCache    *smallCache
	customF    uint32
	varF       uint32
	typeF      []uint32
	specF      uint32
	primTF     uint32
	propsF     uint32
	defTok     uint32

	tvDedup map[string]valueRep
	err     error
	done    bool

	// A sparse scene gives each prim only the attributes it has values
	// for: attrCol holds the column of each attribute (parallel to
	// attrFS), and each prim lists its own properties.
	sparse  bool
	attrCol []int32
	val     formats.Value // scratch for packAny

	// Time samples (samples.go): the animated columns, their sample
	// count per row, the reps of a chunk's sample values, and the times
	// vectors written so far.
	anim     []int
	perRow   int
	pending  []valueRep
	pendAt   []int
	tsBuf    []byte
	timesRep map[formats.Samples]valueRep
	tsTok    uint32
}

type primNode struct {
	nameTok    uint32
	pathIdx    uint32
	parent     int32
	firstChild int32
	lastChild  int32
	next       int32
	propBase   uint32 // path index of the first property
	attrBase   int32  // index of the first attribute in attrFS; -1 if none
	attrN      int32  // attributes of a prim of a sparse scene
	fieldSet   uint32
}

func newWriter(path string, opts formats.Options, info formats.SceneInfo) (*writer, error) {
	verStr := opts.String(optVersion)
	if verStr == "" {
		verStr = "0.8.0"
	}
	ver, err := parseVersion(verStr)
	if err != nil {
		return nil, err
	}
	if ver.major != 0 || ver.minor < 8 || ver.minor > 10 {
		return nil, fmt.Errorf("usdc: cannot write crate version %s (supported: 0.8.0 to 0.10.0)", ver)
	}
	w := &writer{
		path:     path,
		ver:      ver,
		compress: opts.Bool(optCompress),
		typeName: opts.String(optTypeName),
		props:    info.Properties,
		tokIdx:   make(map[string]uint32),
		childIdx: make(map[uint64]int32),
		tvDedup:  make(map[string]valueRep),
	}
	if _, ok := opts["compress"]; !ok {
		w.compress = true
	}
	switch opts.String(optSpecifier) {
	case "", "over":
		w.specifier = specifierOver
	case "def":
		w.specifier = specifierDef
	default:
		return nil, fmt.Errorf("usdc: unknown specifier %q", opts.String(optSpecifier))
	}
	if w.typeName != "" && !validIdentifier(w.typeName) {
		return nil, fmt.Errorf("usdc: type_name %q is not a valid identifier", w.typeName)
	}
	w.token(reservedToken)
	for _, n := range []string{fSpecifier, fTypeName, fPrimChildren, fProperties, fCustom, fVariability, fDefault} {
		w.token(n)
	}
	w.emptyTok = w.token("")
	seen := map[formats.Property]bool{}
	for _, p := range w.props {
		if !validPropertyName(p.Name) {
			return nil, fmt.Errorf("usdc: property name %q is not a valid USD name", p.Name)
		}
		key := formats.Property{Name: p.Name, Type: p.Type}
		if seen[key] {
			return nil, fmt.Errorf("usdc: property %s %q declared twice", p.Type, p.Name)
		}
		seen[key] = true
		w.sparse = w.sparse || p.Sparse
		if _, ok := crateType(p.Type); !ok {
			return nil, fmt.Errorf("usdc: property %q has unsupported type %s", p.Name, p.Type)
		}
		if err := p.Samples.Check(); err != nil {
			return nil, fmt.Errorf("usdc: property %q: %w", p.Name, err)
		}
		w.propTok = append(w.propTok, w.token(p.Name))
		w.propType = append(w.propType, w.token(p.Type.String()))
	}
	if w.anim = w.animated(); len(w.anim) > 0 {
		w.tsTok = w.token(fTimeSamples)
		w.pendAt = make([]int, len(w.anim))
		w.timesRep = make(map[formats.Samples]valueRep)
		for _, j := range w.anim {
			w.perRow += w.props[j].Samples.Count
		}
	}
	// The pseudo-root is node 0 and path 0.
	w.nodes = append(w.nodes, primNode{nameTok: w.emptyTok, parent: -1, firstChild: -1, lastChild: -1, next: -1, attrBase: -1})
	w.nextPath = 1

	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("usdc: %w", err)
	}
	w.f = f
	w.bw = bufio.NewWriterSize(f, 1<<20)
	// Placeholder for the header, rewritten at Close.
	w.writeBytes(make([]byte, bootstrapSize))

	// Size the per-attribute tables from the scene's prim count, so that
	// appends do not re-copy them as they grow.
	if hint := int64(info.Prims) * int64(len(w.props)); hint > 0 && hint < 1<<26 {
		w.attrFS = make([]uint32, 0, hint)
		w.fsets = make([]uint32, 0, 5*hint)
		w.fields.tok = make([]uint32, 0, hint)
		w.fields.rep = make([]valueRep, 0, hint)
		w.nodes = slices.Grow(w.nodes, info.Prims+info.Prims/8)
	}
	w.valueCache, w.fieldCache, w.fsCache = new(smallCache), new(smallCache), new(smallCache)
	w.fields.idx = make(map[[2]uint64]uint32)
	w.fsIdx = make(map[uint64]uint32)
	w.defIdx = make(map[valueRep]uint32)
	w.defTok = w.tokIdx[fDefault]
	w.customF = w.fields.add(w.tokIdx[fCustom], inlineRep(tBool, 0))
	w.varF = w.fields.add(w.tokIdx[fVariability], inlineRep(tVariability, varyingVar))
	for j := range w.props {
		w.typeF = append(w.typeF, w.fields.add(w.tokIdx[fTypeName], inlineRep(tToken, w.propType[j])))
	}
	w.specF = w.fields.add(w.tokIdx[fSpecifier], inlineRep(tSpecifier, w.specifier))
	if w.typeName != "" {
		w.primTF = w.fields.add(w.tokIdx[fTypeName], inlineRep(tToken, w.token(w.typeName)))
	}
	w.propsF = w.fields.add(w.tokIdx[fProperties], w.tokenVector(w.propTok))
	return w, nil
}

// token interns s and returns its index.
func (w *writer) token(s string) uint32 {
	if i, ok := w.tokIdx[s]; ok {
		return i
	}
	i := w.newToken(s)
	w.tokIdx[s] = i
	return i
}

func (w *writer) newToken(s string) uint32 {
	// Chunks avoid re-copying a buffer that grows to hundreds of MB.
	last := len(w.tokText) - 1
	if last < 0 || cap(w.tokText[last])-len(w.tokText[last]) < len(s)+1 {
		w.tokText = append(w.tokText, make([]byte, 0, max(1<<20, len(s)+1)))
		last++
	}
	w.tokText[last] = append(append(w.tokText[last], s...), 0)
	w.tokBytes += len(s) + 1
	i := w.numTok
	w.numTok++
	return i
}

// stringIndex interns a string value: its text becomes a token and the
// STRINGS table maps the string index to that token. Short strings share
// one string index per token; long ones (payloads) are not deduplicated.
func (w *writer) stringIndex(s string) uint32 {
	if len(s) >= longString {
		return w.addString(w.newToken(s))
	}
	tok := w.token(s)
	for int(tok) >= len(w.strOfTok) {
		w.strOfTok = append(w.strOfTok, -1)
	}
	if i := w.strOfTok[tok]; i >= 0 {
		return uint32(i)
	}
	i := w.addString(tok)
	w.strOfTok[tok] = int32(i)
	return i
}

func (w *writer) addString(tok uint32) uint32 {
	w.strTok = append(w.strTok, tok)
	return uint32(len(w.strTok) - 1)
}

func (w *writer) writeBytes(b []byte) {
	if w.err != nil {
		return
	}
	if _, err := w.bw.Write(b); err != nil {
		w.err = fmt.Errorf("usdc: write %s: %w", w.path, err)
	}
	w.pos += int64(len(b))
}

// align pads the value area to a multiple of n bytes.
func (w *writer) align(n int64) {
	if pad := (n - w.pos%n) % n; pad > 0 {
		var zero [8]byte
		w.writeBytes(zero[:pad])
	}
}

// primNodeFor returns the node of an absolute prim path, creating it and
// its missing ancestors.
func (w *writer) primNodeFor(p string) (int32, error) {
	if len(p) < 2 || p[0] != '/' {
		return 0, fmt.Errorf("prim path %q is not absolute", p)
	}
	cur := int32(0)
	rest := p[1:]
	for {
		elem, tail, more := strings.Cut(rest, "/")
		if !validIdentifier(elem) {
			return 0, fmt.Errorf("prim path %q has invalid element %q", p, elem)
		}
		tok := w.token(elem)
		key := uint64(cur)<<32 | uint64(tok)
		child, ok := w.childIdx[key]
		if !ok {
			child = int32(len(w.nodes))
			w.nodes = append(w.nodes, primNode{nameTok: tok, pathIdx: w.nextPath, parent: cur,
				firstChild: -1, lastChild: -1, next: -1, attrBase: -1})
			w.nextPath++
			parent := &w.nodes[cur]
			if parent.lastChild < 0 {
				parent.firstChild = child
			} else {
				w.nodes[parent.lastChild].next = child
			}
			parent.lastChild = child
			w.childIdx[key] = child
		}
		cur = child
		if !more {
			return cur, nil
		}
		rest = tail
	}
}

// Write implements formats.Writer.
func (w *writer) Write(b *formats.Batch) error {
	if w.done {
		return fmt.Errorf("usdc: write %s: writer is closed", w.path)
	}
	if w.err != nil {
		return w.err
	}
	if err := b.Check(w.props); err != nil {
		return fmt.Errorf("usdc: write %s: %w", w.path, err)
	}
	for lo := 0; lo < len(b.Paths); {
		hi := w.sampleChunk(lo, len(b.Paths))
		if len(w.anim) > 0 {
			if err := w.packSamples(b, lo, hi); err != nil {
				return fmt.Errorf("usdc: write %s: %w", w.path, err)
			}
		}
		for i := lo; i < hi; i++ {
			if err := w.writePrim(b, i, lo, hi); err != nil {
				return err
			}
		}
		lo = hi
	}
	return w.err
}

// writePrim adds row i of b (in the chunk of rows [lo, hi) whose samples
// packSamples wrote): its node, its attributes' values and fieldsets.
func (w *writer) writePrim(b *formats.Batch, i, lo, hi int) error {
	p := b.Paths[i]
	n, err := w.primNodeFor(p)
	if err != nil {
		return fmt.Errorf("usdc: write %s: %w", w.path, err)
	}
	node := &w.nodes[n]
	if node.attrBase >= 0 {
		return fmt.Errorf("usdc: write %s: prim %q appears twice", w.path, p)
	}
	if len(w.attrFS)+len(w.props) > 1<<31-1 || uint64(w.nextPath)+uint64(len(w.props)) > 1<<32-2 ||
		uint64(len(w.fsets))+6*uint64(len(w.props)) > 1<<32-2 {
		return fmt.Errorf("usdc: write %s: too many attributes for one crate file", w.path)
	}
	node.attrBase = int32(len(w.attrFS))
	node.propBase = w.nextPath
	a := 0 // animated column index
	for c := range b.Columns {
		animated := a < len(w.anim) && w.anim[a] == c
		if animated {
			a++
		}
		if !b.Columns[c].Has(i) {
			continue
		}
		rep, err := w.packValue(&b.Columns[c], i)
		if err != nil {
			return fmt.Errorf("usdc: write %s: prim %q property %q: %w", w.path, p, b.Columns[c].Property.Name, err)
		}
		if animated {
			ts := w.timeSamples(a-1, i, lo, hi)
			w.attrFS = append(w.attrFS, w.animatedFieldSet(c, rep, ts))
		} else {
			w.attrFS = append(w.attrFS, w.attributeFieldSet(c, rep))
		}
		if w.sparse {
			w.attrCol = append(w.attrCol, int32(c))
		}
	}
	node.attrN = int32(len(w.attrFS)) - node.attrBase
	w.nextPath += uint32(node.attrN)
	if node.attrN == 0 && w.sparse {
		node.attrBase = -1 // a prim of a sparse scene without values
	}
	return w.err
}

const fieldSetTerm = 0xFFFFFFFF

// attributeFieldSet returns the fieldset of an attribute of property j
// whose default is rep, sharing it when the value is an inlined one.
func (w *writer) attributeFieldSet(j int, rep valueRep) uint32 {
	f, inlined := w.defaultField(rep)
	if inlined {
		// Few distinct values: exact sharing through maps.
		key := uint64(j)<<32 | uint64(f)
		if fs, ok := w.fsIdx[key]; ok {
			return fs
		}
		fs := w.newAttrFieldSet(j, f)
		w.fsIdx[key] = fs
		return fs
	}
	// Out-of-line values are mostly unique: share through the caches.
	key := [4]uint64{uint64(j), uint64(f)}
	if fs, ok := w.fsCache.get(key); ok {
		return uint32(fs)
	}
	fs := w.newAttrFieldSet(j, f)
	w.fsCache.put(key, uint64(fs))
	return fs
}

// defaultField returns the default field holding rep; inlined says that
// rep holds its value (or is an empty array), whose fields are shared
// exactly, where out-of-line values share theirs through a cache.
func (w *writer) defaultField(rep valueRep) (f uint32, inlined bool) {
	if rep.isInlined() || (rep.isArray() && rep.payload() == 0) {
		f, ok := w.defIdx[rep]
		if !ok {
			f = w.fields.addUnique(w.defTok, rep)
			w.defIdx[rep] = f
		}
		return f, true
	}
	if v, ok := w.fieldCache.get([4]uint64{uint64(rep)}); ok {
		return uint32(v), false
	}
	f = w.fields.addUnique(w.defTok, rep)
	w.fieldCache.put([4]uint64{uint64(rep)}, uint64(f))
	return f, false
}

// animatedFieldSet returns the fieldset of an attribute of property j
// with default rep and time samples ts: its own, since ts is unique. The
// timeSamples field comes last, where OpenUSD adds it.
func (w *writer) animatedFieldSet(j int, rep, ts valueRep) uint32 {
	f, _ := w.defaultField(rep)
	fs := uint32(len(w.fsets))
	w.fsets = append(w.fsets, w.customF, w.typeF[j], w.varF, f, w.fields.addUnique(w.tsTok, ts), fieldSetTerm)
	return fs
}

func (w *writer) newAttrFieldSet(j int, f uint32) uint32 {
	fs := uint32(len(w.fsets))
	w.fsets = append(w.fsets, w.customF, w.typeF[j], w.varF, f, fieldSetTerm)
	return fs
}

// fieldTable holds the FIELDS section; add shares identical fields.
type fieldTable struct {
	tok []uint32
	rep []valueRep
	idx map[[2]uint64]uint32
}

func (t *fieldTable) add(tok uint32, rep valueRep) uint32 {
	k := [2]uint64{uint64(tok), uint64(rep)}
	if i, ok := t.idx[k]; ok {
		return i
	}
	i := t.addUnique(tok, rep)
	t.idx[k] = i
	return i
}

func (t *fieldTable) addUnique(tok uint32, rep valueRep) uint32 {
	t.tok = append(t.tok, tok)
	t.rep = append(t.rep, rep)
	return uint32(len(t.tok) - 1)
}

// tokenVector writes (or reuses) a TokenVector value.
func (w *writer) tokenVector(toks []uint32) valueRep {
	key := make([]byte, 0, 4*len(toks))
	for _, t := range toks {
		key = binary.LittleEndian.AppendUint32(key, t)
	}
	if rep, ok := w.tvDedup[string(key)]; ok {
		return rep
	}
	rep := offsetRep(tTokenVector, w.pos)
	w.buf = binary.LittleEndian.AppendUint64(w.buf[:0], uint64(len(toks)))
	w.buf = append(w.buf, key...)
	w.writeBytes(w.buf)
	w.tvDedup[string(key)] = rep
	return rep
}

// Close implements formats.Writer: it writes the prim specs' values, the
// structural sections, the table of contents and the header.
func (w *writer) Close() error {
	if w.done {
		return nil
	}
	w.done = true
	err := w.finish()
	if cerr := w.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("usdc: close %s: %w", w.path, cerr)
	}
	return err
}

func (w *writer) finish() error {
	if w.err != nil {
		return w.err
	}
	tokChildren := w.tokIdx[fPrimChildren]
	fields := &w.fields
	const term = fieldSetTerm
	fsets := w.fsets
	fsDedup := make(map[string]uint32)
	var kids []uint32
	var run []uint32
	var keyBuf []byte
	for n := range w.nodes {
		node := &w.nodes[n]
		kids = kids[:0]
		for c := node.firstChild; c >= 0; c = w.nodes[c].next {
			kids = append(kids, w.nodes[c].nameTok)
		}
		run = run[:0]
		if n > 0 {
			run = append(run, w.specF)
			if w.typeName != "" && node.attrBase >= 0 {
				run = append(run, w.primTF)
			}
		}
		if len(kids) > 0 {
			run = append(run, fields.add(tokChildren, w.tokenVector(kids)))
		}
		if node.attrBase >= 0 && w.sparse {
			toks := make([]uint32, node.attrN)
			for j := range toks {
				toks[j] = w.propTok[w.attrCol[int(node.attrBase)+j]]
			}
			run = append(run, fields.add(w.tokIdx[fProperties], w.tokenVector(toks)))
		} else if node.attrBase >= 0 && len(w.props) > 0 {
			run = append(run, w.propsF)
		}
		run = append(run, term)
		keyBuf = keyBuf[:0]
		for _, f := range run {
			keyBuf = binary.LittleEndian.AppendUint32(keyBuf, f)
		}
		if at, ok := fsDedup[string(keyBuf)]; ok {
			node.fieldSet = at
			continue
		}
		node.fieldSet = uint32(len(fsets))
		fsDedup[string(keyBuf)] = node.fieldSet
		fsets = append(fsets, run...)
	}
	if w.err != nil {
		return w.err
	}
	w.fsets = nil
	return w.writeSections(fsets, fields)
}

func (w *writer) writeSections(fsets []uint32, fields *fieldTable) error {
	var toc []section
	put := func(name string, body []byte) {
		toc = append(toc, section{name: name, start: w.pos, size: int64(len(body))})
		w.writeBytes(body)
	}
	le := binary.LittleEndian
	var err error
	b := w.buf[:0]

	// TOKENS
	// Each chunk is dropped once copied, so the chunks and the joined
	// text are not both held in full.
	text := make([]byte, 0, w.tokBytes)
	for i, c := range w.tokText {
		text = append(text, c...)
		w.tokText[i] = nil
	}
	w.tokText = nil
	b = le.AppendUint64(b, uint64(w.numTok))
	b = le.AppendUint64(b, uint64(len(text)))
	b = append(b, make([]byte, 8)...)
	if b, err = w.z.appendCompressed(b, text); err != nil {
		return fmt.Errorf("usdc: write %s: tokens: %w", w.path, err)
	}
	le.PutUint64(b[16:], uint64(len(b)-24))
	put(secTokens, b)

	// STRINGS
	b = le.AppendUint64(b[:0], uint64(len(w.strTok)))
	for _, t := range w.strTok {
		b = le.AppendUint32(b, t)
	}
	put(secStrings, b)

	// FIELDS
	numFields := len(fields.tok)
	fields.idx = nil
	b = le.AppendUint64(b[:0], uint64(numFields))
	if b, err = w.z.appendCompressedInts(b, fields.tok, &w.encBuf); err != nil {
		return fmt.Errorf("usdc: write %s: fields: %w", w.path, err)
	}
	reps := make([]byte, 0, 8*numFields)
	for _, r := range fields.rep {
		reps = le.AppendUint64(reps, uint64(r))
	}
	at := len(b)
	b = append(b, make([]byte, 8)...)
	if b, err = w.z.appendCompressed(b, reps); err != nil {
		return fmt.Errorf("usdc: write %s: field values: %w", w.path, err)
	}
	le.PutUint64(b[at:], uint64(len(b)-at-8))
	reps = nil
	put(secFields, b)

	// FIELDSETS
	b = le.AppendUint64(b[:0], uint64(len(fsets)))
	if b, err = w.z.appendCompressedInts(b, fsets, &w.encBuf); err != nil {
		return fmt.Errorf("usdc: write %s: fieldsets: %w", w.path, err)
	}
	put(secFieldSets, b)

	// PATHS
	order := w.preorder()
	pathIdx, elemTok, jumps := w.encodePaths(order)
	b = le.AppendUint64(b[:0], uint64(w.nextPath))
	b = le.AppendUint64(b, uint64(len(pathIdx)))
	for _, arr := range []any{pathIdx, elemTok, jumps} {
		if b, err = w.z.appendCompressedInts(b, arr, &w.encBuf); err != nil {
			return fmt.Errorf("usdc: write %s: paths: %w", w.path, err)
		}
	}
	put(secPaths, b)

	// SPECS
	sp, sf, st := w.encodeSpecs(order)
	b = le.AppendUint64(b[:0], uint64(len(sp)))
	for _, arr := range [][]uint32{sp, sf, st} {
		if b, err = w.z.appendCompressedInts(b, arr, &w.encBuf); err != nil {
			return fmt.Errorf("usdc: write %s: specs: %w", w.path, err)
		}
	}
	put(secSpecs, b)

	tocOff := w.pos
	w.writeBytes(appendTOC(b[:0], toc))
	w.buf = b
	if w.err != nil {
		return w.err
	}
	if err := w.bw.Flush(); err != nil {
		return fmt.Errorf("usdc: write %s: %w", w.path, err)
	}
	if _, err := w.f.WriteAt(appendBootstrap(nil, w.ver, tocOff), 0); err != nil {
		return fmt.Errorf("usdc: write %s: header: %w", w.path, err)
	}
	return nil
}

// preorder lists the nodes depth-first, children in first-appearance order.
func (w *writer) preorder() []int32 {
	order := make([]int32, 0, len(w.nodes))
	stack := []int32{0}
	var kids []int32
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		order = append(order, n)
		kids = kids[:0]
		for c := w.nodes[n].firstChild; c >= 0; c = w.nodes[c].next {
			kids = append(kids, c)
		}
		for i := len(kids) - 1; i >= 0; i-- {
			stack = append(stack, kids[i])
		}
	}
	return order
}

// encodePaths builds the path tree from the pre-order node list: each
// prim, then its properties, then its child prims.
func (w *writer) encodePaths(order []int32) (pathIdx []uint32, elemTok, jumps []int32) {
	nprops := func(n int32) int {
		if w.nodes[n].attrBase >= 0 {
			return int(w.nodes[n].attrN)
		}
		return 0
	}
	// Nodes are created after their parents, so a reverse sweep sums
	// subtree sizes.
	size := make([]int32, len(w.nodes))
	for n := len(w.nodes) - 1; n >= 0; n-- {
		size[n] += int32(1 + nprops(int32(n)))
		if p := w.nodes[n].parent; p >= 0 {
			size[p] += size[n]
		}
	}
	total := int(size[0])
	pathIdx = make([]uint32, 0, total)
	elemTok = make([]int32, 0, total)
	jumps = make([]int32, 0, total)
	for _, n := range order {
		node := &w.nodes[n]
		k := nprops(n)
		hasChild := k > 0 || node.firstChild >= 0
		hasSibling := node.next >= 0
		pathIdx = append(pathIdx, node.pathIdx)
		elemTok = append(elemTok, int32(node.nameTok))
		switch {
		case hasChild && hasSibling:
			jumps = append(jumps, size[n])
		case hasSibling:
			jumps = append(jumps, 0)
		case hasChild:
			jumps = append(jumps, -1)
		default:
			jumps = append(jumps, -2)
		}
		for j := 0; j < k; j++ {
			pathIdx = append(pathIdx, node.propBase+uint32(j))
			elemTok = append(elemTok, -int32(w.propTok[w.column(node, j)]))
			if j < k-1 || node.firstChild >= 0 {
				jumps = append(jumps, 0)
			} else {
				jumps = append(jumps, -2)
			}
		}
	}
	return pathIdx, elemTok, jumps
}

// encodeSpecs lists the pseudo-root, then each prim followed by its
// attributes, in the pre-order given.
func (w *writer) encodeSpecs(order []int32) (paths, fsets, types []uint32) {
	n := len(w.nodes) + len(w.attrFS)
	paths = make([]uint32, 0, n)
	fsets = make([]uint32, 0, n)
	types = make([]uint32, 0, n)
	for _, i := range order {
		node := &w.nodes[i]
		paths = append(paths, node.pathIdx)
		fsets = append(fsets, node.fieldSet)
		if i == 0 {
			types = append(types, specPseudoRoot)
		} else {
			types = append(types, specPrim)
		}
		if node.attrBase < 0 {
			continue
		}
		for j := range node.attrN {
			paths = append(paths, node.propBase+uint32(j))
			fsets = append(fsets, w.attrFS[node.attrBase+j])
			types = append(types, specAttribute)
		}
	}
	return paths, fsets, types
}

// column is the column of a node's j-th attribute.
func (w *writer) column(node *primNode, j int) int {
	if w.sparse {
		return int(w.attrCol[int(node.attrBase)+j])
	}
	return j
}
