package parquet

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"unsafe"

	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/cespare/xxhash/v2"

	"github.com/scenebench/runner/formats"
)

var codecs = map[string]compress.Compression{
	"none":   compress.Codecs.Uncompressed,
	"snappy": compress.Codecs.Snappy,
	"zstd":   compress.Codecs.Zstd,
	// arrow-go does not implement the Hadoop-framed LZ4 codec; LZ4_RAW is
	// the one every current reader supports.
	"lz4":    compress.Codecs.Lz4Raw,
	"gzip":   compress.Codecs.Gzip,
	"brotli": compress.Codecs.Brotli,
}

// writerProperties turns normalised options into arrow-go writer settings.
func writerProperties(opts formats.Options) (*parquet.WriterProperties, int64, error) {
	name := opts.String(optCompression)
	codec, ok := codecs[name]
	if !ok {
		return nil, 0, fmt.Errorf("unknown compression %q", name)
	}
	level := compress.DefaultCompressionLevel
	if l := opts.Int(optCompressionLevel); l != 0 {
		level = int(l)
	}
	rg := opts.Int(optRowGroupSize)
	if rg <= 0 {
		return nil, 0, fmt.Errorf("row_group_size must be positive, not %d", rg)
	}
	page := opts.Int(optPageSize)
	if page <= 0 {
		page = 1 << 20
	}
	return parquet.NewWriterProperties(
		parquet.WithCompression(codec),
		parquet.WithCompressionLevel(level),
		parquet.WithMaxRowGroupLength(rg),
		parquet.WithDictionaryDefault(opts.Bool(optDictionary)),
		// Paths are unique: a dictionary would repeat every value and add
		// an index per row, and slow down reading the column.
		parquet.WithDictionaryFor(pathColumn, false),
		parquet.WithStats(opts.Bool(optStatistics)),
		parquet.WithDataPageSize(page),
		parquet.WithDictionaryPageSizeLimit(page),
	), rg, nil
}

// countingWriter tracks the file offset and, once tee is set, hashes what
// passes so that the footer written by arrow-go can be checked against the
// one the index region was computed from.
type countingWriter struct {
	w   io.Writer
	n   int64
	tee hash.Hash64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	if c.tee != nil {
		c.tee.Write(p[:n])
	}
	return n, err
}

// writer streams batches into row groups. Memory is bounded by one row
// group's encoded pages (arrow-go's buffered row group writer) plus 8 bytes
// per prim of path hashes for the index.
type writer struct {
	path   string
	f      *os.File
	bw     *bufio.Writer
	cw     *countingWriter
	pw     *file.Writer
	rgw    file.BufferedRowGroupWriter
	rgRows int64
	rgSize int64
	scene  fileScene
	hashes []uint64
	err    error
	closed bool

	// scratch, reused across batches
	ba   []parquet.ByteArray
	f32  []float32
	f64  []float64
	i32  []int32
	i64  []int64
	bits []bool
	f16  []parquet.FixedLenByteArray
	defs []int16
	reps []int16
	val  formats.Value
}

func create(path string, opts formats.Options, info formats.SceneInfo) (formats.Writer, error) {
	wp, rgSize, err := writerProperties(opts)
	if err != nil {
		return nil, fmt.Errorf("parquet %s: %w", path, err)
	}
	sc, arrowSchema, err := buildSchema(info.Properties, wp)
	if err != nil {
		return nil, fmt.Errorf("parquet %s: %w", path, err)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("parquet: %w", err)
	}
	w := &writer{
		path:   path,
		f:      f,
		bw:     bufio.NewWriterSize(f, 1<<20),
		rgSize: rgSize,
		scene:  fileScene{SceneInfo: info, RowGroupSize: rgSize},
	}
	w.scene.Properties = append([]formats.Property(nil), info.Properties...)
	w.cw = &countingWriter{w: w.bw}
	kv := metadata.NewKeyValueMetadata()
	if err := kv.Append("ARROW:schema", arrowSchema); err != nil {
		f.Close()
		return nil, fmt.Errorf("parquet %s: %w", path, err)
	}
	w.pw, err = file.NewParquetWriterWithError(w.cw, sc.Root(), file.WithWriterProps(wp), file.WithWriteMetadata(kv))
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("parquet %s: %w", path, err)
	}
	// The hashes grow as prims are written: a scene's declared size is
	// not reserved up front (a huge declaration must not allocate before
	// a single prim exists).
	w.hashes = make([]uint64, 0, min(max(info.Prims, 0), 1<<20))
	return w, nil
}

func (w *writer) fail(err error) error {
	if w.err == nil {
		w.err = fmt.Errorf("parquet %s: %w", w.path, err)
	}
	return w.err
}

// Write implements formats.Writer.
func (w *writer) Write(b *formats.Batch) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return fmt.Errorf("parquet %s: write after close", w.path)
	}
	if err := b.Check(w.scene.Properties); err != nil {
		return w.fail(err)
	}
	if int64(len(w.hashes))+int64(b.Len()) > 1<<32-1 {
		return w.fail(errors.New("more than 2^32-1 prims"))
	}
	for start := 0; start < b.Len(); {
		if w.rgw == nil || w.rgRows == w.rgSize {
			rgw, err := w.pw.AppendBufferedRowGroupChecked()
			if err != nil {
				return w.fail(err)
			}
			w.rgw, w.rgRows = rgw, 0
		}
		end := min(b.Len(), start+int(w.rgSize-w.rgRows))
		if err := w.writeRows(b, start, end); err != nil {
			return w.fail(err)
		}
		w.rgRows += int64(end - start)
		start = end
	}
	return nil
}

func (w *writer) writeRows(b *formats.Batch, lo, hi int) error {
	paths := b.Paths[lo:hi]
	for i, p := range paths {
		if p == "" {
			return fmt.Errorf("prim %d of the batch has an empty path", lo+i)
		}
		w.hashes = append(w.hashes, xxhash.Sum64String(p))
	}
	if err := w.writeStrings(0, paths); err != nil {
		return fmt.Errorf("column %s: %w", pathColumn, err)
	}
	leaf := 1
	for i := range b.Columns {
		c := &b.Columns[i]
		if err := w.writeColumn(leaf, c, lo, hi); err != nil {
			return fmt.Errorf("column %s: %w", c.Property.Name, err)
		}
		leaf++
		for k := range c.Samples {
			s := &c.Samples[k]
			if s.Present != nil && !c.Property.Sparse {
				// Only a nullable column can hold a blocked sample.
				for i := lo; i < hi; i++ {
					if !s.Present[i] {
						return fmt.Errorf("column %s: sample %d of prim %s is blocked, which a property not declared sparse cannot hold", c.Property.Name, k, b.Paths[i])
					}
				}
			}
			if s.Present == nil && c.Present != nil {
				// A prim without a value has no samples either.
				sc := *s
				sc.Present = c.Present
				s = &sc
			}
			if err := w.writeColumn(leaf, s, lo, hi); err != nil {
				return fmt.Errorf("column %s sample %d: %w", c.Property.Name, k, err)
			}
			leaf++
		}
	}
	return nil
}

func (w *writer) column(leaf int) (file.ColumnChunkWriter, error) {
	return w.rgw.Column(leaf)
}

func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

func (w *writer) writeStrings(leaf int, ss []string) error {
	cw, err := w.column(leaf)
	if err != nil {
		return err
	}
	w.ba = w.ba[:0]
	for _, s := range ss {
		w.ba = append(w.ba, bytesOf(s))
	}
	_, err = cw.(*file.ByteArrayColumnChunkWriter).WriteBatch(w.ba, nil, nil)
	return err
}

// listLevels appends the levels of one list row of n elements whose
// repeated node is at repetition level rep and definition level def.
func (w *writer) listLevels(n int, rowRep, rep, def int16) {
	if n == 0 {
		w.defs = append(w.defs, def-1)
		w.reps = append(w.reps, rowRep)
		return
	}
	for k := 0; k < n; k++ {
		r := rep
		if k == 0 {
			r = rowRep
		}
		w.defs = append(w.defs, def)
		w.reps = append(w.reps, r)
	}
}

func (w *writer) writeColumn(leaf int, c *formats.Column, lo, hi int) error {
	cw, err := w.column(leaf)
	if err != nil {
		return err
	}
	w.defs, w.reps = w.defs[:0], w.reps[:0]
	if c.Property.Sparse || c.Property.Type > formats.Float3Array {
		return w.writeAny(cw, c, lo, hi)
	}
	switch c.Property.Type {
	case formats.Double:
		return writeValues(cw, c.Doubles[lo:hi], nil, nil)
	case formats.Float:
		return writeValues(cw, c.Floats[lo:hi], nil, nil)
	case formats.Int:
		return writeValues(cw, c.Ints[lo:hi], nil, nil)
	case formats.Int64:
		return writeValues(cw, c.Int64s[lo:hi], nil, nil)
	case formats.Bool:
		return writeValues(cw, c.Bools[lo:hi], nil, nil)
	case formats.String, formats.Token:
		return w.writeStrings(leaf, c.Strings[lo:hi])
	case formats.Float3:
		return writeVecs(w, cw, &w.f32, c.Vec3f[lo:hi])
	case formats.Double3:
		return writeVecs(w, cw, &w.f64, c.Vec3d[lo:hi])
	case formats.DoubleArray:
		return writeLists(w, cw, &w.f64, c.DoubleArrays[lo:hi])
	case formats.FloatArray:
		return writeLists(w, cw, &w.f32, c.FloatArrays[lo:hi])
	case formats.IntArray:
		return writeLists(w, cw, &w.i32, c.IntArrays[lo:hi])
	case formats.Float3Array:
		w.f32 = w.f32[:0]
		for _, a := range c.Vec3fArrays[lo:hi] {
			if len(a) == 0 {
				w.listLevels(0, 0, 1, 1)
				continue
			}
			for m, v := range a {
				w.f32 = append(w.f32, v[0], v[1], v[2])
				rowRep := int16(1)
				if m == 0 {
					rowRep = 0
				}
				w.listLevels(3, rowRep, 2, 2)
			}
		}
		return writeValues(cw, w.f32, w.defs, w.reps)
	}
	return fmt.Errorf("unsupported type %s", c.Property.Type)
}

// writeAny writes a column of any type, sparse or not, through one walk
// over the rows: each row's scalars are gathered by kind and its levels
// follow the column's nesting (arrowField): a null row for a prim without
// a value, then the list of elements, each a list of components when the
// type is a vector, quaternion or matrix.
func (w *writer) writeAny(cw file.ColumnChunkWriter, c *formats.Column, lo, hi int) error {
	t := c.Property.Type
	var null int16 // the definition level a present row starts at
	if c.Property.Sparse {
		null = 1
	}
	tuple, array := t.IsTuple(), t.IsArray()
	width := t.Width()
	w.f64, w.f32, w.i32, w.i64 = w.f64[:0], w.f32[:0], w.i32[:0], w.i64[:0]
	w.bits, w.f16, w.ba = w.bits[:0], w.f16[:0], w.ba[:0]
	v := &w.val
	for i := lo; i < hi; i++ {
		if !c.Has(i) {
			w.defs = append(w.defs, 0)
			w.reps = append(w.reps, 0)
			continue
		}
		c.Value(i, v)
		n := w.appendScalars(v)
		switch {
		case !tuple && !array:
			w.defs = append(w.defs, null)
			w.reps = append(w.reps, 0)
		case tuple && !array:
			w.listLevels(width, 0, 1, null+1)
		case !tuple && array:
			w.listLevels(n, 0, 1, null+1)
		default: // arrays of vectors
			if n == 0 {
				w.listLevels(0, 0, 1, null+1)
			}
			for m := range n / width {
				rowRep := int16(1)
				if m == 0 {
					rowRep = 0
				}
				w.listLevels(width, rowRep, 2, null+2)
			}
		}
	}
	defs, reps := w.defs, w.reps
	if !tuple && !array {
		reps = nil
		if null == 0 {
			defs = nil
		}
	}
	switch t.Kind() {
	case formats.KindDouble:
		return writeValues(cw, w.f64, defs, reps)
	case formats.KindFloat:
		return writeValues(cw, w.f32, defs, reps)
	case formats.KindHalf:
		return writeValues(cw, w.f16, defs, reps)
	case formats.KindInt:
		return writeValues(cw, w.i32, defs, reps)
	case formats.KindInt64:
		return writeValues(cw, w.i64, defs, reps)
	case formats.KindBool:
		return writeValues(cw, w.bits, defs, reps)
	case formats.KindString:
		return writeValues(cw, w.ba, defs, reps)
	}
	return fmt.Errorf("unsupported type %s", t)
}

// halfBytes holds every binary16 value's little-endian bytes, so that a
// half is written without allocating.
var halfBytes = func() []byte {
	b := make([]byte, 2<<16)
	for h := range 1 << 16 {
		b[2*h], b[2*h+1] = byte(h), byte(h>>8)
	}
	return b
}()

func halfValue(h uint16) parquet.FixedLenByteArray { return halfBytes[2*int(h) : 2*int(h)+2] }

// appendScalars gathers v's scalars into the scratch slice of their kind
// and returns the number of scalars of an array value (elements times
// width).
func (w *writer) appendScalars(v *formats.Value) int {
	switch v.Type {
	case formats.Double:
		w.f64 = append(w.f64, v.Num)
	case formats.Float:
		w.f32 = append(w.f32, float32(v.Num))
	case formats.Half:
		w.f16 = append(w.f16, halfValue(formats.HalfBits(v.Num)))
	case formats.Int:
		w.i32 = append(w.i32, int32(v.Int))
	case formats.Int64:
		w.i64 = append(w.i64, v.Int)
	case formats.Bool:
		w.bits = append(w.bits, v.Bool)
	case formats.String, formats.Token, formats.Asset:
		w.ba = append(w.ba, bytesOf(v.Str))
	case formats.Float3:
		w.f32 = append(w.f32, float32(v.Vec[0]), float32(v.Vec[1]), float32(v.Vec[2]))
	case formats.Double3:
		w.f64 = append(w.f64, v.Vec[:]...)
	case formats.DoubleArray:
		w.f64 = append(w.f64, v.Doubles...)
		return len(v.Doubles)
	case formats.FloatArray, formats.Float2Array:
		w.f32 = append(w.f32, v.Floats...)
		return len(v.Floats)
	case formats.IntArray:
		w.i32 = append(w.i32, v.Ints...)
		return len(v.Ints)
	case formats.Float3Array:
		for _, x := range v.Vecs {
			w.f32 = append(w.f32, x[:]...)
		}
		return 3 * len(v.Vecs)
	case formats.Int64Array:
		w.i64 = append(w.i64, v.Int64s...)
		return len(v.Int64s)
	case formats.BoolArray:
		w.bits = append(w.bits, v.Bools...)
		return len(v.Bools)
	case formats.StringArray, formats.TokenArray:
		for _, s := range v.Strs {
			w.ba = append(w.ba, bytesOf(s))
		}
		return len(v.Strs)
	case formats.HalfArray:
		for _, h := range v.Halfs {
			w.f16 = append(w.f16, halfValue(h))
		}
		return len(v.Halfs)
	default: // the other tuples
		for _, x := range v.Tuple[:v.Type.Width()] {
			switch v.Type.Kind() {
			case formats.KindDouble:
				w.f64 = append(w.f64, x)
			case formats.KindFloat:
				w.f32 = append(w.f32, float32(x))
			case formats.KindInt:
				w.i32 = append(w.i32, int32(x))
			}
		}
	}
	return 0
}

// writeLists writes rows of arrays as a list column: their elements,
// gathered in buf, with one single-level list's levels per row.
func writeLists[T any](w *writer, cw file.ColumnChunkWriter, buf *[]T, rows [][]T) error {
	flat := (*buf)[:0]
	for _, a := range rows {
		flat = append(flat, a...)
		w.listLevels(len(a), 0, 1, 1)
	}
	*buf = flat
	return writeValues(cw, flat, w.defs, w.reps)
}

// writeVecs writes vectors, which are stored as lists of three.
func writeVecs[T any](w *writer, cw file.ColumnChunkWriter, buf *[]T, rows [][3]T) error {
	flat := (*buf)[:0]
	for i := range rows {
		flat = append(flat, rows[i][:]...)
		w.listLevels(3, 0, 1, 1)
	}
	*buf = flat
	return writeValues(cw, flat, w.defs, w.reps)
}

// batchWriter is the typed WriteBatch of an arrow-go column chunk writer.
type batchWriter[T any] interface {
	WriteBatch(values []T, defLevels, repLevels []int16) (int64, error)
}

// writeValues writes values and their levels through the column chunk
// writer for T.
func writeValues[T any](cw file.ColumnChunkWriter, values []T, defs, reps []int16) error {
	bw, ok := cw.(batchWriter[T])
	if !ok {
		return fmt.Errorf("column writer %T does not take %T", cw, values)
	}
	_, err := bw.WriteBatch(values, defs, reps)
	return err
}

// Close implements formats.Writer: it closes the last row group, writes the
// index region and lets arrow-go write the footer, then checks that the
// footer is byte for byte the one the index describes.
func (w *writer) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	err := w.finish()
	if cerr := w.f.Close(); err == nil && cerr != nil {
		err = w.fail(cerr)
	}
	return err
}

func (w *writer) finish() error {
	if w.err != nil {
		return w.err
	}
	n := len(w.hashes)
	if w.scene.Prims > 0 && n != w.scene.Prims {
		return w.fail(fmt.Errorf("wrote %d prims, the scene declares %d", n, w.scene.Prims))
	}
	w.scene.Prims = n
	if w.rgw != nil {
		if err := w.rgw.Close(); err != nil {
			return w.fail(err)
		}
	}
	w.scene.CreatedBy = w.pw.Properties().CreatedBy()
	sceneJSON, err := w.scene.marshal()
	if err != nil {
		return w.fail(err)
	}
	if err := w.pw.AppendKeyValueMetadata(sceneKey, string(sceneJSON)); err != nil {
		return w.fail(err)
	}
	md, err := w.pw.FileMetadata()
	if err != nil {
		return w.fail(err)
	}
	footer, err := md.Serialize(context.Background())
	if err != nil {
		return w.fail(err)
	}
	prefixLen, lastField, spans, err := footerLayout(footer)
	if err != nil {
		return w.fail(fmt.Errorf("reading back the footer: %w", err))
	}
	k := bucketBitsFor(n)
	fanout, entries, err := buildIndex(w.hashes, k)
	if err != nil {
		return w.fail(err)
	}
	w.hashes = nil
	t := trailer{
		prims:           uint64(n),
		rowGroupSize:    uint64(w.rgSize),
		rowGroups:       uint32(len(spans)),
		bucketBits:      k,
		prefixLen:       uint64(prefixLen),
		prefixLastField: uint64(lastField),
	}
	// The index region goes straight to the file after the last column
	// chunk. arrow-go's own offset counter does not see it, which is safe
	// because nothing it writes afterwards (the footer; no page index or
	// bloom filters are enabled) records an offset.
	// put writes b unless an earlier put failed, and returns b's offset.
	var werr error
	put := func(b []byte) uint64 {
		off := uint64(w.cw.n)
		if werr == nil {
			_, werr = w.cw.Write(b)
		}
		return off
	}
	t.sceneOff, t.sceneLen = put(sceneJSON), uint64(len(sceneJSON))
	t.fanoutOff = put(fanout)
	t.entriesOff = put(entries)
	sp := make([]byte, 8*len(spans))
	for i, s := range spans {
		binary.LittleEndian.PutUint32(sp[8*i:], s[0])
		binary.LittleEndian.PutUint32(sp[8*i+4:], s[1])
	}
	t.spansOff = put(sp)
	put(t.encode())
	if werr != nil {
		return w.fail(werr)
	}
	footerStart := w.cw.n
	w.cw.tee = xxhash.New()
	if err := w.pw.Close(); err != nil {
		return w.fail(err)
	}
	if err := w.bw.Flush(); err != nil {
		return w.fail(err)
	}
	want := xxhash.New()
	want.Write(footer)
	var tail [8]byte
	binary.LittleEndian.PutUint32(tail[:4], uint32(len(footer)))
	copy(tail[4:], magic)
	want.Write(tail[:])
	if w.cw.n-footerStart != int64(len(footer))+8 || w.cw.tee.Sum64() != want.Sum64() {
		return w.fail(errors.New("the footer written differs from the one the prim index was built from"))
	}
	return nil
}
