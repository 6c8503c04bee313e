package parquet

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sync"
	"unsafe"

	"github.com/apache/arrow-go/v18/parquet/compress"

	"github.com/scenebench/runner/formats"
)

// Our own page decoding, for the columns that are not nested: the path
// column and every scalar property, dense or sparse (nullable, one bit of
// definition level); and, through their levels, lists of numbers and
// booleans: vectors, arrays and arrays of vectors.
//
// arrow-go's column chunk readers decompress each page into one buffer
// that they reuse for the next page, after reading the chunk into another,
// and their value decoders are internal to the module
// (parquet/internal/encoding). So values they return must be copied out
// page by page: a string block costs the chunk read, the decompression,
// arrow-go's copy of an uncompressed page and our copy into the block.
// Here the chunk is read with one ReadAt, each page is decompressed into a
// buffer of its own (an uncompressed page is used where it lies in the
// chunk) and the block's strings are slices of those buffers: a 1 KB
// string is never copied after decompression. Numbers are decoded once,
// from the page into the block's typed slice.
//
// Encodings other than PLAIN and the dictionary ones (DELTA_*,
// BYTE_STREAM_SPLIT, RLE booleans), which this package's writer never
// uses, return errOtherEncoding and the chunk is decoded through arrow-go.

var errOtherEncoding = errors.New("page encoding not decoded here")

// flatDecoder decodes the pages of one column chunk.
type flatDecoder struct {
	c     *column
	codec compress.Codec // nil when uncompressed
	rows  int
	b     *block
	n     int // values decoded
	held  int64

	// the dictionary, decoded from the dictionary page
	dictN   int
	dictF64 []float64
	dictF32 []float32
	dictI32 []int32
	dictI64 []int64
	dictF16 []uint16
	dictStr []string
	// strs, when not nil, is where a string block's rows are decoded
	// (as long as its capacity lasts): the path column's rows go
	// straight into the list of paths.
	strs  []string
	chunk []byte   // scratch for a chunk the block does not keep
	page  []byte   // scratch for an inflated page the block does not keep
	idx   []uint32 // scratch for dictionary indices
	defs  []uint32 // scratch for definition levels
	reps  []uint32 // scratch for repetition levels

	// A nested column's levels, every page's, for block.assemble; n
	// counts the rows begun.
	nested       bool
	ldefs, lreps []int16
}

// flat reports whether decodeFlat decodes column c: not nested, and at
// most nullable at the top.
func (c *column) flat() bool { return c.maxRep == 0 && c.maxDef <= 1 && c.nullDef == c.maxDef }

// nested reports whether decodeFlat decodes column c through its levels:
// one or two levels of lists (vectors, arrays, arrays of vectors) of
// numbers or booleans. Lists of strings are left to arrow-go.
func (c *column) nested() bool {
	if c.maxRep < 1 || c.maxRep > 2 {
		return false
	}
	switch c.elem {
	case formats.Double, formats.Float, formats.Int, formats.Int64, formats.Half, formats.Bool:
		return true
	}
	return false
}

// decodeFlat decodes a whole column chunk, read into chunk, of column c
// (c.flat() or c.nested()) holding rows rows. A nested column's values
// and levels are decoded here and its rows rebuilt by block.assemble, as
// for a chunk arrow-go decodes.
func decodeFlat(chunk []byte, kind compress.Compression, c *column, rows int) (*block, error) {
	d := getDecoder()
	defer putDecoder(d)
	return d.decode(chunk, kind, c, rows)
}

// decoderPool keeps flatDecoders between chunks, with their scratch: the
// buffer a numeric chunk is read into, the one its compressed pages are
// inflated into, the dictionary, indices and levels. A block of numbers
// keeps none of that memory (its values are decoded into slices of its
// own), so a scan allocates one slice per block instead of five or more.
// A string block keeps its chunk and pages (its strings point into them),
// which are therefore never scratch.
var decoderPool = sync.Pool{New: func() any { return new(flatDecoder) }}

// maxScratch is the largest buffer a pooled decoder keeps.
const maxScratch = 4 << 20

func getDecoder() *flatDecoder { return decoderPool.Get().(*flatDecoder) }

func putDecoder(d *flatDecoder) {
	d.c, d.codec, d.b, d.strs = nil, nil, nil, nil
	d.dictStr = nil // its strings point into a block's memory
	if cap(d.chunk) > maxScratch {
		d.chunk = nil
	}
	if cap(d.page) > maxScratch {
		d.page = nil
	}
	decoderPool.Put(d)
}

// keeps reports whether a block of column c keeps the memory its chunk is
// read and inflated into: string blocks do.
func (c *column) keeps() bool { return c.elem == formats.String }

// chunkBuffer returns a buffer of n bytes for column c's chunk: the
// decoder's scratch when the block will not keep it, else a new one.
func (d *flatDecoder) chunkBuffer(c *column, n int64) []byte {
	if c.keeps() || n > maxScratch {
		return make([]byte, n)
	}
	if int64(cap(d.chunk)) < n {
		d.chunk = make([]byte, n)
	}
	return d.chunk[:n]
}

// decode is decodeFlat with d's scratch.
func (d *flatDecoder) decode(chunk []byte, kind compress.Compression, c *column, rows int) (b *block, err error) {
	defer func() {
		if p := recover(); p != nil {
			b, err = nil, fmt.Errorf("corrupt column chunk: %v", p)
		}
	}()
	if rows > maxDirectRows || !c.flat() && !c.nested() {
		return nil, errOtherEncoding
	}
	d.c, d.codec, d.rows, d.b, d.n, d.held, d.nested = c, nil, rows, &block{typ: c.prop.Type, n: rows}, 0, 0, c.nested()
	d.dictN = 0
	d.ldefs, d.lreps = d.ldefs[:0], d.lreps[:0]
	// Capacity for every row (every component of a vector), unless a
	// corrupt row count claims more values than the chunk's bits could
	// hold but through RLE runs.
	hint := min(rows*max(1, c.prop.Type.Width()), 8*len(chunk)+64)
	if kind != compress.Codecs.Uncompressed {
		if d.codec, err = compress.GetCodec(kind); err != nil {
			return nil, err
		}
	}
	switch c.elem {
	case formats.Double:
		d.b.f64 = make([]float64, 0, hint)
	case formats.Float:
		d.b.f32 = make([]float32, 0, hint)
	case formats.Int:
		d.b.i32 = make([]int32, 0, hint)
	case formats.Int64:
		d.b.i64 = make([]int64, 0, hint)
	case formats.Bool:
		d.b.bits = make([]bool, 0, hint)
	case formats.Half:
		d.b.f16 = make([]uint16, 0, hint)
	case formats.String:
		if d.strs != nil {
			d.b.strs = d.strs[:0]
		} else {
			d.b.strs = make([]string, 0, hint)
		}
	default:
		return nil, errOtherEncoding
	}
	limit := maxPageBytes
	if limit <= 0 {
		limit = 256 << 20
	}
	var h pageHeader
	// A nested column's last row may go on in the next page: every page
	// is read.
	for pos := 0; pos < len(chunk) && (d.nested || d.n < rows); {
		hl, err := readPageHeader(chunk[pos:], &h)
		if err != nil {
			return nil, fmt.Errorf("page at chunk offset %d: %w", pos, err)
		}
		pos += hl
		if int64(h.compressedSize) > int64(len(chunk)-pos) {
			return nil, fmt.Errorf("page at chunk offset %d: %d bytes, %d left in the chunk", pos-hl, h.compressedSize, len(chunk)-pos)
		}
		if int64(h.uncompressedSize) > limit {
			return nil, fmt.Errorf("page at chunk offset %d: %d bytes uncompressed, over the limit of %d", pos-hl, h.uncompressedSize, limit)
		}
		body := chunk[pos : pos+int(h.compressedSize)]
		pos += int(h.compressedSize)
		if !h.hasData {
			if h.typ == pageData || h.typ == pageDataV2 || h.typ == pageDictionary {
				return nil, fmt.Errorf("page at chunk offset %d: no %s header", pos-hl-len(body), pageName(h.typ))
			}
			continue // index pages and unknown kinds are skipped
		}
		switch h.typ {
		case pageDictionary:
			err = d.dictionary(&h, body)
		case pageData:
			err = d.dataV1(&h, body)
		case pageDataV2:
			err = d.dataV2(&h, body)
		default:
			continue
		}
		if err != nil {
			if errors.Is(err, errOtherEncoding) {
				return nil, err
			}
			return nil, fmt.Errorf("%s page at chunk offset %d: %w", pageName(h.typ), pos-hl-len(body), err)
		}
	}
	if d.n != rows {
		return nil, fmt.Errorf("column chunk has %d values for %d rows", d.n, rows)
	}
	if d.nested {
		if err := d.b.assemble(c, d.ldefs, d.lreps); err != nil {
			return nil, err
		}
	}
	d.b.size = d.b.bytes() + d.held
	return d.b, nil
}

func pageName(t int32) string {
	switch t {
	case pageDictionary:
		return "dictionary"
	case pageData:
		return "data"
	case pageDataV2:
		return "data v2"
	}
	return fmt.Sprintf("type %d", t)
}

// inflate returns the uncompressed bytes of a page body: the body itself
// when it is not compressed, else a new buffer of the declared size.
func (d *flatDecoder) inflate(body []byte, size int32, compressed bool) ([]byte, error) {
	if d.codec == nil || !compressed {
		if len(body) != int(size) {
			return nil, fmt.Errorf("uncompressed page of %d bytes declares %d", len(body), size)
		}
		return body, nil
	}
	var dst []byte
	if d.c.keeps() || int64(size) > maxScratch {
		dst = make([]byte, size)
		d.held += int64(size)
	} else {
		// The page's values are decoded out of it before the next page
		// is inflated: one buffer serves them all.
		if cap(d.page) < int(size) {
			d.page = make([]byte, size)
		}
		dst = d.page[:size]
	}
	out, err := compress.Decode(d.codec, dst, body)
	if err != nil {
		return nil, fmt.Errorf("decompressing: %w", err)
	}
	if len(out) != int(size) {
		return nil, fmt.Errorf("page decompressed to %d bytes, its header says %d", len(out), size)
	}
	return out, nil
}

func (d *flatDecoder) dictionary(h *pageHeader, body []byte) error {
	if d.dictN > 0 || d.n > 0 {
		return errors.New("a second dictionary, or one after data")
	}
	if h.encoding != encPlain && h.encoding != encPlainDict {
		return errOtherEncoding
	}
	if h.numValues < 0 {
		return fmt.Errorf("%d values", h.numValues)
	}
	data, err := d.inflate(body, h.uncompressedSize, true)
	if err != nil {
		return err
	}
	n := int(h.numValues)
	switch d.c.elem {
	case formats.Double:
		d.dictF64, err = plainFixed(data, n, d.dictF64[:0], math.Float64frombits, binary.LittleEndian.Uint64)
	case formats.Float:
		d.dictF32, err = plainFixed(data, n, d.dictF32[:0], math.Float32frombits, binary.LittleEndian.Uint32)
	case formats.Int:
		d.dictI32, err = plainFixed(data, n, d.dictI32[:0], func(u uint32) int32 { return int32(u) }, binary.LittleEndian.Uint32)
	case formats.Int64:
		d.dictI64, err = plainFixed(data, n, d.dictI64[:0], func(u uint64) int64 { return int64(u) }, binary.LittleEndian.Uint64)
	case formats.Half:
		d.dictF16, err = plainFixed(data, n, d.dictF16[:0], func(u uint16) uint16 { return u }, binary.LittleEndian.Uint16)
	case formats.String:
		if n > len(data)/4 {
			return fmt.Errorf("%d bytes for %d byte arrays", len(data), n)
		}
		d.dictStr, _, err = plainStrings(data, n, make([]string, 0, n))
	default:
		return errOtherEncoding // booleans have no dictionary
	}
	if err != nil {
		return err
	}
	d.dictN = n
	return nil
}

func (d *flatDecoder) dataV1(h *pageHeader, body []byte) error {
	if d.nested {
		return d.dataV1Nested(h, body)
	}
	if err := d.checkCount(h); err != nil {
		return err
	}
	data, err := d.inflate(body, h.uncompressedSize, true)
	if err != nil {
		return err
	}
	var defs []uint32
	if d.c.maxDef > 0 {
		// Definition levels: RLE with a 4-byte length (the deprecated
		// BIT_PACKED levels are left to arrow-go).
		if h.defLevelEncoding != encRLE {
			return errOtherEncoding
		}
		if len(data) < 4 {
			return errors.New("truncated definition levels")
		}
		l := binary.LittleEndian.Uint32(data)
		if uint64(l) > uint64(len(data)-4) {
			return fmt.Errorf("definition levels of %d bytes in a page of %d", l, len(data))
		}
		if defs, err = d.levels(data[4:4+l], int(h.numValues)); err != nil {
			return err
		}
		data = data[4+l:]
	}
	return d.values(h, data, defs)
}

func (d *flatDecoder) dataV2(h *pageHeader, body []byte) error {
	if d.nested {
		return d.dataV2Nested(h, body)
	}
	if err := d.checkCount(h); err != nil {
		return err
	}
	if h.repLevelsLen != 0 || h.defLevelsLen < 0 || (d.c.maxDef == 0 && (h.defLevelsLen != 0 || h.numNulls != 0)) {
		return errors.New("levels or nulls a column of this shape cannot have")
	}
	if int64(h.defLevelsLen) > int64(len(body)) || h.defLevelsLen > h.uncompressedSize {
		return fmt.Errorf("definition levels of %d bytes in a page of %d", h.defLevelsLen, len(body))
	}
	// In a v2 page the levels are never compressed, the values may be.
	data, err := d.inflate(body[h.defLevelsLen:], h.uncompressedSize-h.defLevelsLen, h.compressed)
	if err != nil {
		return err
	}
	var defs []uint32
	if d.c.maxDef > 0 {
		if defs, err = d.levels(body[:h.defLevelsLen], int(h.numValues)); err != nil {
			return err
		}
	}
	return d.values(h, data, defs)
}

func (d *flatDecoder) checkCount(h *pageHeader) error {
	if h.numValues < 0 || int(h.numValues) > d.rows-d.n {
		return fmt.Errorf("%d values, %d rows left in the row group", h.numValues, d.rows-d.n)
	}
	return nil
}

// levels decodes n definition levels of one bit.
func (d *flatDecoder) levels(data []byte, n int) ([]uint32, error) {
	if cap(d.defs) < n {
		d.defs = make([]uint32, n)
	}
	defs := d.defs[:n]
	if err := hybrid(data, 1, defs); err != nil {
		return nil, fmt.Errorf("definition levels: %w", err)
	}
	for _, l := range defs {
		if l > 1 {
			return nil, fmt.Errorf("definition level %d in a column of at most 1", l)
		}
	}
	return defs, nil
}

// values decodes the values of a data page: one per row, or with defs one
// per row whose level is 1, the rows at level 0 being nulls.
func (d *flatDecoder) values(h *pageHeader, data []byte, defs []uint32) error {
	rows := int(h.numValues)
	n := rows
	if defs != nil {
		n = 0
		for _, l := range defs {
			n += int(l)
		}
	}
	if err := d.decodeValues(h.encoding, data, n); err != nil {
		return err
	}
	b := d.b
	if n < rows {
		// Spread the values over the rows, nulls holding zero values.
		if b.null == nil {
			b.null = make([]bool, d.rows)
		}
		for i, l := range defs {
			b.null[d.n+i] = l == 0
		}
		switch d.c.elem {
		case formats.Double:
			b.f64 = spreadTail(b.f64, d.n, defs)
		case formats.Float:
			b.f32 = spreadTail(b.f32, d.n, defs)
		case formats.Int:
			b.i32 = spreadTail(b.i32, d.n, defs)
		case formats.Int64:
			b.i64 = spreadTail(b.i64, d.n, defs)
		case formats.Half:
			b.f16 = spreadTail(b.f16, d.n, defs)
		case formats.Bool:
			b.bits = spreadTail(b.bits, d.n, defs)
		case formats.String:
			b.strs = spreadTail(b.strs, d.n, defs)
		}
	}
	d.n += rows
	return nil
}

// decodeValues appends n values of encoding enc, decoded from data, to the
// block's slice of the column's element type.
func (d *flatDecoder) decodeValues(enc int32, data []byte, n int) error {
	b := d.b
	var err error
	switch enc {
	case encPlain:
		switch d.c.elem {
		case formats.Double:
			b.f64, err = plainFixed(data, n, b.f64, math.Float64frombits, binary.LittleEndian.Uint64)
		case formats.Float:
			b.f32, err = plainFixed(data, n, b.f32, math.Float32frombits, binary.LittleEndian.Uint32)
		case formats.Int:
			b.i32, err = plainFixed(data, n, b.i32, func(u uint32) int32 { return int32(u) }, binary.LittleEndian.Uint32)
		case formats.Int64:
			b.i64, err = plainFixed(data, n, b.i64, func(u uint64) int64 { return int64(u) }, binary.LittleEndian.Uint64)
		case formats.Half:
			b.f16, err = plainFixed(data, n, b.f16, func(u uint16) uint16 { return u }, binary.LittleEndian.Uint16)
		case formats.Bool:
			if len(data) < (n+7)/8 {
				return fmt.Errorf("%d bytes for %d booleans", len(data), n)
			}
			for i := range n {
				b.bits = append(b.bits, data[i>>3]>>(i&7)&1 == 1)
			}
		case formats.String:
			b.strs, _, err = plainStrings(data, n, b.strs)
		}
	case encPlainDict, encRLEDictionary:
		if d.dictN == 0 && n > 0 {
			return errors.New("dictionary-encoded values without a dictionary")
		}
		if cap(d.idx) < n {
			d.idx = make([]uint32, n)
		}
		idx := d.idx[:n]
		if err := dictIndices(data, idx, uint32(d.dictN)); err != nil {
			return err
		}
		switch d.c.elem {
		case formats.Double:
			b.f64 = lookup(b.f64, d.dictF64, idx)
		case formats.Float:
			b.f32 = lookup(b.f32, d.dictF32, idx)
		case formats.Int:
			b.i32 = lookup(b.i32, d.dictI32, idx)
		case formats.Int64:
			b.i64 = lookup(b.i64, d.dictI64, idx)
		case formats.Half:
			b.f16 = lookup(b.f16, d.dictF16, idx)
		case formats.String:
			b.strs = lookup(b.strs, d.dictStr, idx)
		default:
			return errOtherEncoding
		}
	default:
		return errOtherEncoding
	}
	return err
}

// maxLevelsPerByte and maxPageLevels bound the levels a nested page may
// declare, per byte of its uncompressed size and in all (12 bytes of
// buffers a level): RLE runs could claim more, and such a page goes to
// arrow-go rather than sizing level buffers from a count that may be
// corrupt.
const (
	maxLevelsPerByte = 8
	maxPageLevels    = 1 << 22
)

// checkLevels checks a nested data page's level count.
func (d *flatDecoder) checkLevels(h *pageHeader) error {
	if h.numValues < 0 {
		return fmt.Errorf("%d levels", h.numValues)
	}
	if h.numValues > maxPageLevels || int64(h.numValues) > maxLevelsPerByte*int64(h.uncompressedSize)+64 {
		return errOtherEncoding
	}
	return nil
}

// dataV1Nested decodes a v1 data page of a nested column: repetition
// levels, then definition levels, each RLE with a 4-byte length (the
// deprecated BIT_PACKED levels are left to arrow-go), then the values of
// the levels at the maximum definition level.
func (d *flatDecoder) dataV1Nested(h *pageHeader, body []byte) error {
	if err := d.checkLevels(h); err != nil {
		return err
	}
	if h.repLevelEncoding != encRLE || h.defLevelEncoding != encRLE {
		return errOtherEncoding
	}
	data, err := d.inflate(body, h.uncompressedSize, true)
	if err != nil {
		return err
	}
	n := int(h.numValues)
	var lv [2][]uint32
	for k, what := range [2]string{"repetition", "definition"} {
		if len(data) < 4 {
			return fmt.Errorf("truncated %s levels", what)
		}
		l := binary.LittleEndian.Uint32(data)
		if uint64(l) > uint64(len(data)-4) {
			return fmt.Errorf("%s levels of %d bytes in a page of %d", what, l, len(data))
		}
		if lv[k], err = d.nestedLevels(data[4:4+l], n, k == 0); err != nil {
			return err
		}
		data = data[4+l:]
	}
	return d.nestedValues(h, data, lv[0], lv[1])
}

// dataV2Nested decodes a v2 data page of a nested column: repetition and
// definition levels (RLE, never compressed, lengths in the header), then
// the values.
func (d *flatDecoder) dataV2Nested(h *pageHeader, body []byte) error {
	if err := d.checkLevels(h); err != nil {
		return err
	}
	rl, dl := int64(h.repLevelsLen), int64(h.defLevelsLen)
	if rl < 0 || dl < 0 || rl+dl > int64(len(body)) || rl+dl > int64(h.uncompressedSize) {
		return fmt.Errorf("levels of %d and %d bytes in a page of %d", rl, dl, len(body))
	}
	n := int(h.numValues)
	reps, err := d.nestedLevels(body[:rl], n, true)
	if err != nil {
		return err
	}
	defs, err := d.nestedLevels(body[rl:rl+dl], n, false)
	if err != nil {
		return err
	}
	data, err := d.inflate(body[rl+dl:], h.uncompressedSize-int32(rl+dl), h.compressed)
	if err != nil {
		return err
	}
	return d.nestedValues(h, data, reps, defs)
}

// nestedLevels decodes n repetition (rep) or definition levels of the
// column's bit width, each at most the column's maximum.
func (d *flatDecoder) nestedLevels(data []byte, n int, rep bool) ([]uint32, error) {
	buf, top, what := &d.defs, d.c.maxDef, "definition"
	if rep {
		buf, top, what = &d.reps, d.c.maxRep, "repetition"
	}
	if cap(*buf) < n {
		*buf = make([]uint32, n)
	}
	out := (*buf)[:n]
	if err := hybrid(data, uint(bits.Len16(uint16(top))), out); err != nil {
		return nil, fmt.Errorf("%s levels: %w", what, err)
	}
	for _, l := range out {
		if l > uint32(top) {
			return nil, fmt.Errorf("%s level %d in a column of at most %d", what, l, top)
		}
	}
	return out, nil
}

// nestedValues decodes a nested page's values, one per definition level
// at the maximum, and keeps its levels for block.assemble.
func (d *flatDecoder) nestedValues(h *pageHeader, data []byte, reps, defs []uint32) error {
	rows, nv := 0, 0
	for i, r := range reps {
		if r == 0 {
			rows++
		}
		if defs[i] == uint32(d.c.maxDef) {
			nv++
		}
	}
	if rows > d.rows-d.n {
		return fmt.Errorf("%d rows, %d left in the row group", rows, d.rows-d.n)
	}
	if err := d.decodeValues(h.encoding, data, nv); err != nil {
		return err
	}
	d.lreps, d.ldefs = slices.Grow(d.lreps, len(reps)), slices.Grow(d.ldefs, len(defs))
	for i := range reps {
		d.lreps = append(d.lreps, int16(reps[i]))
		d.ldefs = append(d.ldefs, int16(defs[i]))
	}
	d.n += rows
	return nil
}

// spreadTail moves the values s holds from start on, one per level 1 of
// defs, to the rows of defs, zero values at the rows of level 0.
func spreadTail[T any](s []T, start int, defs []uint32) []T {
	j := len(s) - 1
	k := start + len(defs) - len(s)
	s = slices.Grow(s, k)[:len(s)+k]
	var zero T
	for i := len(defs) - 1; i >= 0; i-- {
		if defs[i] == 1 {
			s[start+i] = s[j]
			j--
		} else {
			s[start+i] = zero
		}
	}
	return s
}

// plainFixed appends n PLAIN values of a fixed width to dst.
func plainFixed[T any, U uint16 | uint32 | uint64](data []byte, n int, dst []T, conv func(U) T, load func([]byte) U) ([]T, error) {
	w := int(unsafe.Sizeof(U(0)))
	if len(data) < n*w {
		return dst, fmt.Errorf("%d bytes for %d values of %d bytes", len(data), n, w)
	}
	dst = slices.Grow(dst, n)
	if littleEndian && unsafe.Sizeof(*new(T)) == uintptr(w) && n > 0 {
		// The values' bits as they lie in the page: one copy. T is a
		// number of U's width and conv keeps its bits.
		out := dst[len(dst) : len(dst)+n]
		copy(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(out))), n*w), data[:n*w])
		return dst[:len(dst)+n], nil
	}
	for i := range n {
		dst = append(dst, conv(load(data[i*w:])))
	}
	return dst, nil
}

// littleEndian reports whether the machine stores numbers as PLAIN
// pages do.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// plainStrings appends n PLAIN byte arrays (a 4-byte little-endian length,
// then the bytes) to dst as strings sharing data's memory.
func plainStrings(data []byte, n int, dst []string) ([]string, int, error) {
	pos := 0
	for range n {
		if len(data)-pos < 4 {
			return dst, pos, errors.New("byte array runs past the page")
		}
		l := binary.LittleEndian.Uint32(data[pos:])
		pos += 4
		if uint64(l) > uint64(len(data)-pos) {
			return dst, pos, fmt.Errorf("byte array of %d bytes runs past the page", l)
		}
		if l == 0 {
			dst = append(dst, "")
		} else {
			dst = append(dst, unsafe.String(&data[pos], int(l)))
		}
		pos += int(l)
	}
	return dst, pos, nil
}

// lookup appends dict[i] for every index.
func lookup[T any](dst, dict []T, idx []uint32) []T {
	dst = slices.Grow(dst, len(idx))
	out := dst[len(dst) : len(dst)+len(idx)]
	for k, i := range idx {
		out[k] = dict[i]
	}
	return dst[:len(dst)+len(idx)]
}

// dictIndices decodes len(idx) dictionary indices: a byte giving the bit
// width, then the RLE / bit-packed hybrid encoding (Parquet's
// Encodings.md), checking each index against the dictionary size.
func dictIndices(data []byte, idx []uint32, dictN uint32) error {
	if len(idx) == 0 {
		return nil
	}
	if len(data) < 1 || data[0] > 32 {
		return errors.New("bad dictionary index bit width")
	}
	if err := hybrid(data[1:], uint(data[0]), idx); err != nil {
		return err
	}
	for _, i := range idx {
		if i >= dictN {
			return fmt.Errorf("dictionary index %d of a dictionary of %d", i, dictN)
		}
	}
	return nil
}

// hybrid decodes len(out) values of width bits from the RLE / bit-packed
// hybrid encoding.
func hybrid(data []byte, width uint, out []uint32) error {
	pos, n := 0, 0
	vb := int(width+7) / 8 // bytes of an RLE run's value
	for n < len(out) {
		h, k := binary.Uvarint(data[pos:])
		if k <= 0 {
			return errors.New("truncated RLE/bit-packed run header")
		}
		pos += k
		if h&1 == 0 { // RLE run
			cnt := h >> 1
			if len(data)-pos < vb {
				return errors.New("truncated RLE run")
			}
			var v uint32
			for j := range vb {
				v |= uint32(data[pos+j]) << (8 * j)
			}
			pos += vb
			if cnt == 0 {
				return errors.New("empty RLE run")
			}
			cnt = min(cnt, uint64(len(out)-n))
			for j := range int(cnt) {
				out[n+j] = v
			}
			n += int(cnt)
			continue
		}
		groups := h >> 1 // bit-packed groups of 8 values
		if groups == 0 || groups > uint64(len(data)) {
			return errors.New("bad bit-packed run")
		}
		nb := int(groups) * int(width) // bytes: 8 values x width bits
		if len(data)-pos < nb {
			return errors.New("truncated bit-packed run")
		}
		run := data[pos : pos+nb]
		pos += nb
		cnt := min(int(groups)*8, len(out)-n)
		if width == 0 {
			clear(out[n : n+cnt])
		} else {
			mask := uint64(1)<<width - 1
			for j := range cnt {
				bit := uint(j) * width
				var w uint64
				if at := int(bit / 8); at+8 <= len(run) {
					w = binary.LittleEndian.Uint64(run[at:])
				} else {
					// Up to 32+7 bits from at most 5 bytes.
					for k := 0; k < 5 && at+k < len(run); k++ {
						w |= uint64(run[at+k]) << (8 * k)
					}
				}
				out[n+j] = uint32(w >> (bit % 8) & mask)
			}
		}
		n += cnt
	}
	return nil
}
