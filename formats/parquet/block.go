package parquet

import (
	"errors"
	"fmt"
	"sync/atomic"
	"unsafe"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"

	"github.com/scenebench/runner/formats"
)

// block is one property's values for one row group, decoded once from its
// column chunk. Get reads it without allocating: strings and arrays are
// slices of the block's storage, which is never reused after eviction.
type block struct {
	typ formats.Type
	// hot is the reading GetHandle and GetSample inline: hotDouble,
	// hotString or hotDouble3 for a block of that type without nulls,
	// hotOther for the rest (read through value).
	hot uint8
	n   int

	f64  []float64
	f32  []float32
	i32  []int32
	i64  []int64
	bits []bool
	f16  []uint16     // halves
	str  string       // concatenated strings (decoded through arrow-go)
	soff []uint32     // string leaves: byte offsets into str (leaves+1)
	strs []string     // string rows, or string leaves of string arrays
	off  []uint32     // arrays and tuples: leaf (or, nested twice, vector) offsets per row (n+1)
	v3f  [][3]float32 // float3 values, or float3[] elements
	v3d  [][3]float64
	null []bool // rows holding a null: sparse columns, or files from other writers

	size int64 // decoded bytes, for the cache budget

	// cache bookkeeping, guarded by the cache's mutex (ref is atomic)
	entry      *atomic.Pointer[block] // where the block is stored
	prev, next *block
	resident   bool
	ref        atomic.Bool
}

// The values of block.hot.
const (
	hotOther uint8 = iota
	hotDouble
	hotString
	hotDouble3
)

// setHot sets b.hot from its type and nulls.
func (b *block) setHot() {
	b.hot = hotOther
	if b.null != nil {
		return
	}
	switch b.typ {
	case formats.Double:
		b.hot = hotDouble
	case formats.String, formats.Token, formats.Asset:
		b.hot = hotString
	case formats.Double3:
		b.hot = hotDouble3
	}
}

var errNull = errors.New("value is null")

// value copies row i into dst.
func (b *block) value(i int, dst *formats.Value) error {
	if b.null != nil && b.null[i] {
		return errNull
	}
	dst.Type = b.typ
	switch b.typ {
	case formats.Double:
		dst.Num = b.f64[i]
	case formats.Float:
		dst.Num = float64(b.f32[i])
	case formats.Half:
		dst.Num = float64(formats.HalfToFloat32(b.f16[i]))
	case formats.Int:
		dst.Int = int64(b.i32[i])
	case formats.Int64:
		dst.Int = b.i64[i]
	case formats.Bool:
		dst.Bool = b.bits[i]
	case formats.String, formats.Token, formats.Asset:
		dst.Str = b.strs[i]
	case formats.Float3:
		// Vectors component by component: an array copy goes through the
		// stack with overlapping moves, which stall store forwarding.
		v := &b.v3f[i]
		dst.Vec[0], dst.Vec[1], dst.Vec[2] = float64(v[0]), float64(v[1]), float64(v[2])
	case formats.Double3:
		v := &b.v3d[i]
		dst.Vec[0], dst.Vec[1], dst.Vec[2] = v[0], v[1], v[2]
	case formats.DoubleArray:
		dst.Doubles = row(b.f64, b.off, i)
	case formats.FloatArray:
		dst.Floats = row(b.f32, b.off, i)
	case formats.IntArray:
		dst.Ints = row(b.i32, b.off, i)
	case formats.Float3Array:
		dst.Vecs = row(b.v3f, b.off, i)
	case formats.Int64Array:
		dst.Int64s = row(b.i64, b.off, i)
	case formats.BoolArray:
		dst.Bools = row(b.bits, b.off, i)
	case formats.HalfArray:
		dst.Halfs = row(b.f16, b.off, i)
	case formats.StringArray, formats.TokenArray:
		dst.Strs = row(b.strs, b.off, i)
	case formats.Float2Array:
		lo, hi := 2*b.off[i], 2*b.off[i+1]
		dst.Floats = b.f32[lo:hi:hi]
	default: // the other tuples
		w := b.typ.Width()
		at := int(b.off[i])
		for k := range w {
			switch b.typ.Kind() {
			case formats.KindDouble:
				dst.Tuple[k] = b.f64[at+k]
			case formats.KindFloat:
				dst.Tuple[k] = float64(b.f32[at+k])
			case formats.KindInt:
				dst.Tuple[k] = float64(b.i32[at+k])
			}
		}
	}
	return nil
}

// row returns the elements of array row i, which off delimits, capped so
// that appending to it cannot write into the next row.
func row[T any](elems []T, off []uint32, i int) []T {
	lo, hi := off[i], off[i+1]
	return elems[lo:hi:hi]
}

const readBatch = 4096

// levelReader reads one batch of values and levels; it is the typed
// ReadBatch of a column chunk reader.
type levelReader[T any] func(n int64, vals []T, defs, reps []int16) (int64, int, error)

// readChunk reads every value and level of a column chunk. Values are handed
// to sink batch by batch, before the reader may reuse their memory.
func readChunk[T any](hasNext func() bool, read levelReader[T], c *column, rows int, sink func([]T)) (defs, reps []int16, err error) {
	batch := readBatch
	if c.maxRep == 0 {
		batch = max(1, min(batch, rows))
	}
	vals := make([]T, batch)
	var d, r []int16
	if c.maxDef > 0 {
		d = make([]int16, batch)
	}
	if c.maxRep > 0 {
		r = make([]int16, batch)
	}
	for hasNext() {
		total, nv, err := read(int64(batch), vals, d, r)
		if err != nil {
			return nil, nil, err
		}
		if total == 0 && nv == 0 {
			break
		}
		if nv > len(vals) || total > int64(batch) {
			return nil, nil, fmt.Errorf("reader returned %d values for a batch of %d", nv, batch)
		}
		sink(vals[:nv])
		if d != nil {
			defs = append(defs, d[:total]...)
		}
		if r != nil {
			reps = append(reps, r[:total]...)
		}
	}
	return defs, reps, nil
}

// maxDirectRows bounds the up-front allocation of readDirect, so that a
// corrupt row count cannot ask for gigabytes before any value is read.
const maxDirectRows = 1 << 22

// readDirect reads exactly rows values of a required, unnested column.
func readDirect[T any](read levelReader[T], rows int) ([]T, error) {
	vals := make([]T, rows)
	n := 0
	for n < rows {
		_, nv, err := read(int64(rows-n), vals[n:], nil, nil)
		if err != nil {
			return nil, err
		}
		if nv == 0 {
			break
		}
		n += nv
	}
	if n != rows {
		return nil, fmt.Errorf("column chunk has %d values for %d rows", n, rows)
	}
	return vals, nil
}

// decodeChunk reads a column chunk of rows rows into a block of c's type.
// arrow-go can panic on some corrupt pages; that becomes an error here.
//
// sizeHint, the chunk's uncompressed size, presizes string storage.
func decodeChunk(cr file.ColumnChunkReader, c *column, rows int, sizeHint int64) (b *block, err error) {
	defer func() {
		if r := recover(); r != nil {
			b, err = nil, fmt.Errorf("corrupt column chunk: %v", r)
		}
	}()
	b = &block{typ: c.prop.Type, n: rows}
	if c.maxDef == 0 && c.maxRep == 0 && rows <= maxDirectRows {
		// Required scalars decode straight into the block.
		switch r := cr.(type) {
		case *file.Float64ColumnChunkReader:
			b.f64, err = readDirect(r.ReadBatch, rows)
		case *file.Float32ColumnChunkReader:
			b.f32, err = readDirect(r.ReadBatch, rows)
		case *file.Int32ColumnChunkReader:
			b.i32, err = readDirect(r.ReadBatch, rows)
		case *file.Int64ColumnChunkReader:
			b.i64, err = readDirect(r.ReadBatch, rows)
		case *file.BooleanColumnChunkReader:
			b.bits, err = readDirect(r.ReadBatch, rows)
		default:
			goto general
		}
		if err != nil {
			return nil, err
		}
		b.size = b.bytes()
		return b, nil
	}
general:
	var defs, reps []int16
	switch r := cr.(type) {
	case *file.Float64ColumnChunkReader:
		defs, reps, err = readChunk(r.HasNext, r.ReadBatch, c, rows, func(v []float64) { b.f64 = append(b.f64, v...) })
	case *file.Float32ColumnChunkReader:
		defs, reps, err = readChunk(r.HasNext, r.ReadBatch, c, rows, func(v []float32) { b.f32 = append(b.f32, v...) })
	case *file.Int32ColumnChunkReader:
		defs, reps, err = readChunk(r.HasNext, r.ReadBatch, c, rows, func(v []int32) { b.i32 = append(b.i32, v...) })
	case *file.Int64ColumnChunkReader:
		defs, reps, err = readChunk(r.HasNext, r.ReadBatch, c, rows, func(v []int64) { b.i64 = append(b.i64, v...) })
	case *file.BooleanColumnChunkReader:
		defs, reps, err = readChunk(r.HasNext, r.ReadBatch, c, rows, func(v []bool) { b.bits = append(b.bits, v...) })
	case *file.FixedLenByteArrayColumnChunkReader:
		bad := false
		defs, reps, err = readChunk(r.HasNext, r.ReadBatch, c, rows, func(v []parquet.FixedLenByteArray) {
			for _, h := range v {
				if len(h) != 2 {
					bad = true
					return
				}
				b.f16 = append(b.f16, uint16(h[0])|uint16(h[1])<<8)
			}
		})
		if err == nil && bad {
			err = errors.New("float16 value of other than 2 bytes")
		}
	case *file.ByteArrayColumnChunkReader:
		arena := make([]byte, 0, max(0, sizeHint))
		b.soff = make([]uint32, 1, min(rows, maxDirectRows)+1)
		defs, reps, err = readChunk(r.HasNext, r.ReadBatch, c, rows, func(v []parquet.ByteArray) {
			for _, s := range v {
				arena = append(arena, s...)
				b.soff = append(b.soff, uint32(len(arena)))
			}
		})
		if uint64(len(arena)) > 1<<32-1 {
			return nil, errors.New("string column chunk over 4 GiB")
		}
		if len(arena) > 0 {
			b.str = unsafe.String(&arena[0], len(arena))
		}
	default:
		return nil, fmt.Errorf("unsupported column reader %T", cr)
	}
	if err != nil {
		return nil, err
	}
	if err := b.assemble(c, defs, reps); err != nil {
		return nil, err
	}
	if b.strs == nil && b.soff != nil {
		// String scalars: a string per row, as decodeFlat gives.
		b.strs = make([]string, b.n)
		for i := range b.strs {
			b.strs[i] = b.str[b.soff[i]:b.soff[i+1]]
		}
	}
	b.size = b.bytes()
	return b, nil
}

// values is the number of leaf values decoded.
func (b *block) values() int {
	switch {
	case b.f64 != nil:
		return len(b.f64)
	case b.f32 != nil:
		return len(b.f32)
	case b.i32 != nil:
		return len(b.i32)
	case b.i64 != nil:
		return len(b.i64)
	case b.bits != nil:
		return len(b.bits)
	case b.f16 != nil:
		return len(b.f16)
	case b.soff != nil:
		return len(b.soff) - 1
	}
	return 0
}

// assemble turns decoded leaf values plus levels into one value per row.
func (b *block) assemble(c *column, defs, reps []int16) error {
	nv := b.values()
	if c.maxRep == 0 {
		if c.maxDef == 0 {
			if nv != b.n {
				return fmt.Errorf("column chunk has %d values for %d rows", nv, b.n)
			}
			return nil
		}
		if len(defs) != b.n {
			return fmt.Errorf("column chunk has %d levels for %d rows", len(defs), b.n)
		}
		return b.spreadNulls(defs, c.maxDef, nv)
	}
	if len(defs) != len(reps) {
		return errors.New("column chunk has unequal definition and repetition levels")
	}
	// Rebuild rows from levels. row offsets count leaf values for one level
	// of nesting and inner lists (vec3s) for two.
	off := make([]uint32, 0, b.n+1)
	var null []bool
	markNull := func() {
		if null == nil {
			null = make([]bool, b.n)
		}
		null[len(off)-1] = true
	}
	d1, d2 := c.repDefs[0], c.repDefs[1]
	leaf, inner := 0, 0 // leaf values consumed; inner lists started
	innerLen := 0
	width := c.prop.Type.Width()
	checkInner := func() error {
		if c.maxRep == 2 && inner > 0 && innerLen != width {
			return fmt.Errorf("row %d holds a vector of %d components, not %d", len(off)-1, innerLen, width)
		}
		return nil
	}
	for i := range defs {
		d, r := defs[i], reps[i]
		if d < 0 || d > c.maxDef || r < 0 || r > c.maxRep {
			return fmt.Errorf("level %d out of range", i)
		}
		if r == 0 {
			if err := checkInner(); err != nil {
				return err
			}
			if len(off) == b.n {
				return fmt.Errorf("column chunk holds more than %d rows", b.n)
			}
			if c.maxRep == 1 {
				off = append(off, uint32(leaf))
			} else {
				off = append(off, uint32(inner))
			}
			if d < d1-1 {
				markNull()
			}
		} else if len(off) == 0 {
			return errors.New("column chunk starts inside a list")
		}
		if d < d1 {
			continue
		}
		if c.maxRep == 2 {
			if r <= 1 {
				if err := checkInner(); err != nil {
					return err
				}
				inner++
				innerLen = 0
			}
			if d < d2 {
				if d < d2-1 {
					markNull()
				}
				continue
			}
		}
		if d != c.maxDef {
			markNull() // a null element
			continue
		}
		if leaf >= nv {
			return errors.New("column chunk has fewer values than its levels say")
		}
		leaf++
		innerLen++
	}
	if err := checkInner(); err != nil {
		return err
	}
	if len(off) != b.n {
		return fmt.Errorf("column chunk has %d rows, row group has %d", len(off), b.n)
	}
	if leaf != nv {
		return errors.New("column chunk has more values than its levels say")
	}
	if c.maxRep == 1 {
		off = append(off, uint32(leaf))
	} else {
		off = append(off, uint32(inner))
	}
	b.null = null
	return b.shapeLists(c, off)
}

// spreadNulls expands the non-null values of an optional scalar column to
// one slot per row.
func (b *block) spreadNulls(defs []int16, maxDef int16, nv int) error {
	present := 0
	for _, d := range defs {
		if d == maxDef {
			present++
		}
	}
	if present != nv {
		return errors.New("column chunk values do not match its definition levels")
	}
	if present == b.n {
		return nil
	}
	b.null = make([]bool, b.n)
	idx := make([]int, b.n) // source index per row, -1 for null
	j := 0
	for i, d := range defs {
		if d == maxDef {
			idx[i] = j
			j++
		} else {
			idx[i] = -1
			b.null[i] = true
		}
	}
	switch {
	case b.f64 != nil:
		b.f64 = spread(b.f64, idx)
	case b.f32 != nil:
		b.f32 = spread(b.f32, idx)
	case b.i32 != nil:
		b.i32 = spread(b.i32, idx)
	case b.i64 != nil:
		b.i64 = spread(b.i64, idx)
	case b.bits != nil:
		b.bits = spread(b.bits, idx)
	case b.f16 != nil:
		b.f16 = spread(b.f16, idx)
	case b.soff != nil:
		// Null rows are empty ranges; values keep their arena positions.
		off := make([]uint32, b.n+1)
		for i, k := range idx {
			if k >= 0 {
				off[i+1] = b.soff[k+1]
			} else {
				off[i+1] = off[i]
			}
		}
		b.soff = off
	default:
		// every row is null
		b.f64 = make([]float64, b.n)
		b.f32 = make([]float32, b.n)
		b.i32 = make([]int32, b.n)
		b.i64 = make([]int64, b.n)
		b.bits = make([]bool, b.n)
		b.f16 = make([]uint16, b.n)
		b.soff = make([]uint32, b.n+1)
	}
	return nil
}

func spread[T any](vals []T, idx []int) []T {
	out := make([]T, len(idx))
	for i, k := range idx {
		if k >= 0 {
			out[i] = vals[k]
		}
	}
	return out
}

// shapeLists turns flat list values into the block's final layout.
func (b *block) shapeLists(c *column, off []uint32) error {
	t := b.typ
	if b.soff != nil {
		// String arrays: the leaves as strings, so that a row is a slice.
		b.strs = make([]string, len(b.soff)-1)
		for k := range b.strs {
			b.strs[k] = b.str[b.soff[k]:b.soff[k+1]]
		}
	}
	switch {
	case t.IsTuple() && !t.IsArray():
		w := uint32(t.Width())
		for i := 0; i < b.n; i++ {
			if b.null != nil && b.null[i] {
				continue
			}
			if n := off[i+1] - off[i]; n != w {
				return fmt.Errorf("row %d holds %d components for a %s", i, n, t)
			}
		}
		switch t {
		case formats.Float3:
			b.v3f = make([][3]float32, b.n)
			for i := range b.v3f {
				if off[i+1]-off[i] == 3 {
					copy(b.v3f[i][:], b.f32[off[i]:off[i+1]])
				}
			}
			b.f32 = nil
		case formats.Double3:
			b.v3d = make([][3]float64, b.n)
			for i := range b.v3d {
				if off[i+1]-off[i] == 3 {
					copy(b.v3d[i][:], b.f64[off[i]:off[i+1]])
				}
			}
			b.f64 = nil
		default:
			b.off = off
		}
	case t == formats.Float3Array:
		if len(b.f32)%3 != 0 {
			return errors.New("float3[] column chunk holds a partial vector")
		}
		b.v3f = unsafe.Slice((*[3]float32)(unsafe.Pointer(unsafe.SliceData(b.f32))), len(b.f32)/3)
		b.f32 = nil
		b.off = off
	default:
		b.off = off
	}
	return nil
}

// bytes estimates the block's decoded size.
func (b *block) bytes() int64 {
	return int64(8*len(b.f64)+4*len(b.f32)+4*len(b.i32)+8*len(b.i64)+len(b.bits)+2*len(b.f16)+
		len(b.str)+4*len(b.soff)+16*len(b.strs)+4*len(b.off)+12*len(b.v3f)+24*len(b.v3d)+len(b.null)) + 128
}
