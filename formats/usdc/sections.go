package usdc

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"sync"
	"unsafe"
)

// crate holds a file's structural sections, decoded eagerly at open.
type crate struct {
	name string
	data []byte
	ver  version
	toc  []section

	numTokens int      // as TOKENS declares, for the other sections' checks
	numFields int      // as FIELDS declares, for FIELDSETS' checks
	tokenText string   // all tokens, NUL-separated
	tokens    []string // substrings of tokenText
	strs      []uint32 // string index -> token index

	fieldTok  []uint32
	fieldRep  []valueRep
	fieldSets []uint32

	numPaths   int
	rootPath   int32   // path index of "/"; -1 when PATHS is empty
	pathParent []int32 // parent path index; -1 for the root
	pathTok    []int32 // element token; negative for property paths

	specPath, specFS, specType []uint32
	specsAt                    int64 // offset of SPECS, for errors

	spare spareInts // tables open has finished with
}

// errorf reports a structural problem at a file position.
func (c *crate) errorf(off int64, format string, args ...any) error {
	return fmt.Errorf("usdc: %s: offset %d: %s", c.name, off, fmt.Sprintf(format, args...))
}

// cursor reads little-endian values from a section, failing on overrun.
type cursor struct {
	c        *crate
	off, end int64
	what     string
	err      error
	scratch  []byte // decompression buffer, reused by the section's arrays
}

func (c *crate) cursorFor(s section) *cursor {
	return &cursor{c: c, off: s.start, end: s.start + s.size, what: s.name}
}

func (r *cursor) fail(format string, args ...any) {
	if r.err == nil {
		r.err = r.c.errorf(r.off, "%s: %s", r.what, fmt.Sprintf(format, args...))
	}
}

func (r *cursor) take(n int64) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > r.end-r.off {
		r.fail("needs %d bytes, section has %d left", n, r.end-r.off)
		return nil
	}
	b := r.c.data[r.off : r.off+n]
	r.off += n
	return b
}

func (r *cursor) u64() uint64 {
	b := r.take(8)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint64(b)
}

func (r *cursor) left() int64 { return r.end - r.off }

// readCompressedInts reads a u64 byte count and n integer-coded values.
func readCompressedInts[T codedInt](r *cursor, n int) []T {
	if r.err != nil {
		return nil
	}
	start := r.off
	size := r.u64()
	if r.err != nil {
		return nil
	}
	out, err := decodeCompressedIntsInto[T](r.c.data, r.off, r.end, size, n, nil, &r.scratch)
	if err != nil {
		r.off = start
		r.fail("%v", err)
		return nil
	}
	r.off += int64(min(size, uint64(r.end-r.off)))
	return out
}

// decodeCompressedInts decodes n values from the compressed bytes at off
// (size bytes, within end). The stored size is clamped to the largest
// valid encoding of n values, as OpenUSD does.
func decodeCompressedInts[T codedInt](data []byte, off, end int64, size uint64, n int) ([]T, error) {
	var scratch []byte
	return decodeCompressedIntsInto[T](data, off, end, size, n, nil, &scratch)
}

// decodeCompressedIntsInto is decodeCompressedInts decoding into out (when
// it has room for n values) with a reusable decompression buffer.
func decodeCompressedIntsInto[T codedInt](data []byte, off, end int64, size uint64, n int, out []T, scratch *[]byte) ([]T, error) {
	var zero T
	w := int(unsafe.Sizeof(zero))
	bound := uint64(wrappedBound(encodedIntsBound(n, w)))
	if size > bound {
		size = bound
	}
	if size > uint64(end-off) {
		return nil, fmt.Errorf("compressed integers need %d bytes, %d left", size, end-off)
	}
	if n == 0 {
		return out[:0], nil
	}
	src := data[off : off+int64(size)]
	// Every value costs at least two bits of codes; a count the bytes
	// cannot hold is corrupt, and nothing is allocated for it.
	maxOut := maxLZ4Expansion(len(src))
	if w+(2*n+7)/8 > maxOut {
		return nil, fmt.Errorf("%d compressed integers cannot fit in %d bytes", n, len(src))
	}
	need := min(encodedIntsBound(n, w), maxOut)
	if cap(*scratch) < need {
		*scratch = make([]byte, need)
	}
	enc := (*scratch)[:need]
	got, err := decompress(src, enc)
	if err != nil {
		return nil, err
	}
	if got < w+(2*n+7)/8 {
		return nil, fmt.Errorf("%d compressed integers need at least %d bytes of codes, found %d", n, w+(2*n+7)/8, got)
	}
	if cap(out) < n {
		out = make([]T, n)
	}
	out = out[:n]
	if err := decodeInts(enc[:got], out); err != nil {
		return nil, err
	}
	return out, nil
}

// count rejects counts larger than the bytes left could encode at
// perElem bytes each.
func (r *cursor) count(what string, perElem int64) int {
	n := r.u64()
	if r.err != nil {
		return 0
	}
	if perElem > 0 && n > uint64(r.left()/perElem) {
		r.fail("%s count %d exceeds what %d remaining bytes can hold", what, n, r.left())
		return 0
	}
	if n > 1<<40 {
		r.fail("%s count %d is implausible", what, n)
		return 0
	}
	return int(n)
}

// compressedCount reads an element count for compressed-int data that
// follows; it is bounded by what the rest of the section could decode to.
func (r *cursor) compressedCount(what string) int {
	n := r.u64()
	if r.err != nil {
		return 0
	}
	if n > uint64(4*maxLZ4Expansion(int(r.left()))) {
		r.fail("%s count %d exceeds what %d remaining bytes can encode", what, n, r.left())
		return 0
	}
	return int(n)
}

func (c *crate) section(name string) (section, error) {
	for _, s := range c.toc {
		if s.name == name {
			return s, nil
		}
	}
	return section{}, fmt.Errorf("usdc: %s: missing %s section", c.name, name)
}

// readSections decodes the structural sections. They are independent but
// for the token indexes the others hold, which are checked against the
// count TOKENS declares, so every section (and each column of SPECS,
// the largest) decodes as its own job on up to GOMAXPROCS goroutines;
// what one section says of another (a spec's path and fieldset) is
// checked once all are in. Of several bad sections, the first in the
// order TOKENS, STRINGS, FIELDS, FIELDSETS, PATHS, SPECS is reported, and
// within SPECS the first bad column.
func (c *crate) readSections() error {
	c.numTokens, c.numFields = c.declaredCount(secTokens), c.declaredCount(secFields)
	type job struct {
		run func(scratch *[]byte) error
		err error
	}
	// Jobs in the order their errors are reported.
	var jobs []job
	section := func(name string, read func(*cursor) error) job {
		return job{run: func(scratch *[]byte) error {
			s, err := c.section(name)
			if err != nil {
				return err
			}
			r := c.cursorFor(s)
			r.scratch = *scratch
			defer func() { *scratch = r.scratch }()
			if err := read(r); err != nil {
				return err
			}
			return c.checkConsumed(r, s)
		}}
	}
	jobs = append(jobs,
		section(secTokens, c.readTokens),
		section(secStrings, c.readStrings),
		section(secFields, c.readFields),
		section(secFieldSets, c.readFieldSets),
		section(secPaths, c.readPaths))
	specs := c.specJobs()
	for _, run := range specs {
		jobs = append(jobs, job{run: run})
	}
	// Longest first, so that two goroutines finish together: PATHS (three
	// columns and the tree), then SPECS' fieldset indexes (which jump
	// around and barely compress), then FIELDSETS; the rest are small.
	order := []int{4, 5 + min(1, len(specs)-1), 3}
	for i := range jobs {
		if !slices.Contains(order, i) {
			order = append(order, i)
		}
	}
	// Decompression buffers, each reused by the jobs that follow on its
	// goroutine (the pool holds those not in use).
	var scratch sync.Pool
	forEach(len(order), func(k int) {
		buf, _ := scratch.Get().(*[]byte)
		if buf == nil {
			buf = new([]byte)
		}
		j := &jobs[order[k]]
		j.err = j.run(buf)
		scratch.Put(buf)
	})
	for _, j := range jobs {
		if j.err != nil {
			return j.err
		}
	}
	return c.checkSpecs()
}

// checkConsumed checks that a section decoded exactly the bytes the table
// of contents gives it: bytes left over mean its counts or sizes are not
// what was written.
func (c *crate) checkConsumed(r *cursor, s section) error {
	if r.err != nil {
		return r.err
	}
	if left := r.left(); left != 0 {
		return c.errorf(r.off, "%s: %d bytes after its contents, of the %d the table of contents gives it", s.name, left, s.size)
	}
	return nil
}

// declaredCount is the count a section's header starts with (TOKENS'
// tokens, FIELDS' fields; the section's own read checks it), or 0
// without a readable header.
func (c *crate) declaredCount(name string) int {
	s, err := c.section(name)
	if err != nil || s.size < 8 {
		return 0
	}
	return int(min(binary.LittleEndian.Uint64(c.data[s.start:]), 1<<40))
}

func (c *crate) readTokens(r *cursor) error {
	num := r.u64()
	usize := r.u64()
	csize := r.u64()
	if r.err != nil {
		return r.err
	}
	if csize > uint64(r.left()) {
		r.fail("compressed tokens of %d bytes, %d left", csize, r.left())
		return r.err
	}
	if usize > uint64(maxLZ4Expansion(int(csize))) || usize > 1<<40 {
		r.fail("%d token bytes cannot come from %d compressed bytes", usize, csize)
		return r.err
	}
	if num > usize {
		r.fail("%d tokens cannot fit in %d bytes", num, usize)
		return r.err
	}
	at := r.off
	src := r.take(int64(csize))
	if r.err != nil {
		return r.err
	}
	text := make([]byte, usize)
	if csize == 0 {
		if usize != 0 {
			return c.errorf(at, "TOKENS: no compressed data for %d bytes", usize)
		}
	} else {
		n, err := decompress(src, text)
		if err != nil {
			return c.errorf(at, "TOKENS: %v", err)
		}
		if uint64(n) != usize {
			return c.errorf(at, "TOKENS: decompressed %d bytes, header says %d", n, usize)
		}
	}
	if usize > 0 && text[usize-1] != 0 {
		return c.errorf(at, "TOKENS: not NUL-terminated")
	}
	// text is not written again, so the string shares its bytes rather
	// than copying the whole token text a second time.
	c.tokenText = unsafe.String(unsafe.SliceData(text), len(text))
	c.tokens = make([]string, num)
	p := 0
	for i := range c.tokens {
		k := bytes.IndexByte(text[p:], 0)
		if k < 0 {
			return c.errorf(at, "TOKENS: %d tokens found, header says %d", i, num)
		}
		c.tokens[i] = c.tokenText[p : p+k]
		p += k + 1
	}
	if uint64(p) != usize {
		// A NUL inside a token makes one token two, which would shift
		// every later name by one.
		return c.errorf(at, "TOKENS: %d bytes after the %d tokens the header declares", usize-uint64(p), num)
	}
	return nil
}

func (c *crate) readStrings(r *cursor) error {
	n := r.count("string", 4)
	b := r.take(int64(n) * 4)
	if r.err != nil {
		return r.err
	}
	c.strs = make([]uint32, n)
	for i := range c.strs {
		t := binary.LittleEndian.Uint32(b[4*i:])
		if int(t) >= c.numTokens {
			return c.errorf(r.off-int64(4*(n-i)), "STRINGS: string %d names token %d of %d", i, t, c.numTokens)
		}
		c.strs[i] = t
	}
	return nil
}

func (c *crate) readFields(r *cursor) error {
	n := r.compressedCount("field")
	c.fieldTok = readCompressedInts[uint32](r, n)
	at := r.off
	size := r.u64()
	if r.err != nil {
		return r.err
	}
	if size > uint64(r.left()) {
		r.fail("field values of %d bytes, %d left", size, r.left())
		return r.err
	}
	if uint64(n)*8 > uint64(maxLZ4Expansion(int(size))) {
		return c.errorf(at, "FIELDS: %d values cannot come from %d bytes", n, size)
	}
	src := r.take(int64(size))
	// The values decompress straight into the table's memory, then each
	// is read in place as little-endian (a no-op on little-endian
	// machines): no second copy of the section.
	c.fieldRep = make([]valueRep, n)
	if n > 0 {
		raw := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(c.fieldRep))), n*8)
		got, err := decompress(src, raw)
		if err != nil {
			return c.errorf(at, "FIELDS: %v", err)
		}
		if got != n*8 {
			return c.errorf(at, "FIELDS: decompressed %d bytes of values, want %d", got, n*8)
		}
		for i := range c.fieldRep {
			c.fieldRep[i] = valueRep(binary.LittleEndian.Uint64(raw[8*i:]))
		}
	}
	for i, t := range c.fieldTok {
		if int(t) >= c.numTokens {
			return c.errorf(at, "FIELDS: field %d names token %d of %d", i, t, c.numTokens)
		}
	}
	return nil
}

const fieldSetEnd = 0xFFFFFFFF

func (c *crate) readFieldSets(r *cursor) error {
	at := r.off
	n := r.compressedCount("fieldset")
	c.fieldSets = readCompressedInts[uint32](r, n)
	if r.err != nil {
		return r.err
	}
	if n > 0 && c.fieldSets[n-1] != fieldSetEnd {
		return c.errorf(at, "FIELDSETS: last entry is not a terminator")
	}
	for i, f := range c.fieldSets {
		if f != fieldSetEnd && int(f) >= c.numFields {
			return c.errorf(at, "FIELDSETS: entry %d names field %d of %d", i, f, c.numFields)
		}
	}
	return nil
}

// specJobs reads SPECS' count and where its three columns (path indexes,
// fieldset indexes, spec types) lie, and returns a job decoding each, and
// last one checking that the columns fill the section; or a lone job
// returning what is wrong with the section's header.
func (c *crate) specJobs() []func(*[]byte) error {
	s, err := c.section(secSpecs)
	if err != nil {
		return []func(*[]byte) error{func(*[]byte) error { return err }}
	}
	r := c.cursorFor(s)
	c.specsAt = r.off
	n := r.compressedCount("spec")
	cols := [3]*[]uint32{&c.specPath, &c.specFS, &c.specType}
	var jobs []func(*[]byte) error
	for _, col := range cols {
		if r.err != nil {
			break
		}
		at := r.off
		size := r.u64() // as readCompressedInts moves past it
		if r.err != nil {
			break
		}
		r.off += int64(min(size, uint64(r.left())))
		jobs = append(jobs, func(scratch *[]byte) error {
			cr := &cursor{c: c, off: at, end: s.start + s.size, what: s.name, scratch: *scratch}
			*col = readCompressedInts[uint32](cr, n)
			*scratch = cr.scratch
			return cr.err
		})
	}
	return append(jobs, func(*[]byte) error { return c.checkConsumed(r, s) })
}

// checkSpecs checks what the specs say of the other sections: their paths
// and fieldsets exist.
func (c *crate) checkSpecs() error {
	// In parts on as many goroutines: the fieldset check reads FIELDSETS
	// anywhere.
	n := len(c.specPath)
	parts := max(1, n/(1<<16))
	errs := make([]error, parts)
	forEach(parts, func(k int) { errs[k] = c.checkSpecRange(k*n/parts, (k+1)*n/parts) })
	for _, err := range errs {
		if err != nil {
			return err // the first bad spec's
		}
	}
	return nil
}

// checkSpecRange checks specs first to end: the first bad one's error.
func (c *crate) checkSpecRange(first, end int) error {
	at := c.specsAt
	for i := first; i < end; i++ {
		p, fs, t := c.specPath[i], c.specFS[i], c.specType[i]
		switch {
		case int(p) >= c.numPaths:
			return c.errorf(at, "SPECS: spec %d names path %d of %d", i, p, c.numPaths)
		case int(fs) >= len(c.fieldSets) || (fs > 0 && c.fieldSets[fs-1] != fieldSetEnd):
			return c.errorf(at, "SPECS: spec %d has invalid fieldset index %d", i, fs)
		case t == 0 || t >= numSpecTypes:
			return c.errorf(at, "SPECS: spec %d has invalid spec type %d", i, t)
		}
	}
	return nil
}
