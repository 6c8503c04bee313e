package parquet

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/apache/arrow-go/v18/parquet/schema"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/formatstest"
	"github.com/scenebench/runner/internal/testenv"
)

// decodeFlat gives, for every unnested column, dense or sparse, the block arrow-go's
// column readers give: over every codec, with and without dictionaries, and
// with pages small enough that a chunk holds several (and a dictionary
// falls back to plain pages part-way).
func TestDecodeFlatMatchesArrow(t *testing.T) {
	dir := t.TempDir()
	s := sceneSpec{prims: 700, payload: true, extras: true, seed: 9}
	for _, codec := range []string{"none", "snappy", "zstd", "lz4", "gzip", "brotli"} {
		for _, opts := range []map[string]any{
			{"compression": codec, "row_group_size": 300},
			{"compression": codec, "row_group_size": 300, "dictionary": false, "page_size": 1024},
			{"compression": codec, "row_group_size": 250, "page_size": 4096},
		} {
			t.Run(fmt.Sprint(opts), func(t *testing.T) {
				compareFlat(t, openScene(t, writeScene(t, dir, s, opts), nil).(*reader))
				// Sparse properties: nullable columns.
				o, err := formats.Normalize(Format{}, opts)
				if err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(t.TempDir(), "extended.parquet")
				formatstest.Extended(157).Write(t, Format{}, path, o, 50)
				compareFlat(t, openScene(t, path, nil).(*reader))
				// Every type sparse: nullable vectors and lists.
				sp := formatstest.AllTypes(157, false)
				for i := range sp.Cols {
					sp.Info.Properties[i].Sparse = true
					sp.Cols[i].Property.Sparse = true
					for r := range 157 {
						sp.Cols[i].Present = append(sp.Cols[i].Present, (r+i)%3 != 0)
					}
				}
				path = filepath.Join(t.TempDir(), "sparse.parquet")
				sp.Write(t, Format{}, path, o, 50)
				compareFlat(t, openScene(t, path, nil).(*reader))
			})
		}
	}
}

// compareFlat compares decodeFlat's and arrow-go's block of every column
// decodeFlat decodes, nulls included; there must be flat and nested ones.
func compareFlat(t *testing.T, r *reader) {
	t.Helper()
	flat, nested, nulls := 0, 0, 0
	for g := 0; g < r.nrg; g++ {
		slot := r.slot(g)
		for _, c := range append([]column{r.pathCol}, r.cols...) {
			if !c.flat() && !c.nested() {
				continue
			}
			flat++
			if c.nested() {
				nested++
			}
			slot.mu.Lock()
			got, err := r.flatColumn(slot, &c)
			var want *block
			if err == nil {
				want, err = r.arrowColumn(slot, &c)
			}
			slot.mu.Unlock()
			if err != nil {
				t.Fatalf("row group %d column %s: %v", g, c.prop.Name, err)
			}
			var gv, wv formats.Value
			for i := 0; i < slot.rows; i++ {
				gerr, werr := got.value(i, &gv), want.value(i, &wv)
				if errors.Is(gerr, errNull) && errors.Is(werr, errNull) {
					nulls++
					continue
				}
				if err := errors.Join(gerr, werr); err != nil {
					t.Fatalf("row group %d column %s row %d: %v", g, c.prop.Name, i, err)
				}
				if !gv.Equal(&wv) {
					t.Fatalf("row group %d column %s row %d: %s, arrow-go reads %s", g, c.prop.Name, i, gv.String(), wv.String())
				}
			}
		}
	}
	if flat == nested || nested == 0 {
		t.Fatalf("%d column chunks, %d of them nested: want both kinds", flat, nested)
	}
	t.Logf("%d column chunks (%d nested), %d nulls", flat, nested, nulls)
}

// flatColumn decodes column c of slot s with decodeFlat, which must not
// leave the chunk to arrow-go; s.mu is held.
func (r *reader) flatColumn(s *rgSlot, c *column) (*block, error) {
	cc, err := r.chunk(s, c.leaf)
	if err != nil {
		return nil, err
	}
	chunk := make([]byte, cc.size)
	if err := r.readAt(chunk, cc.start); err != nil {
		return nil, err
	}
	return decodeFlat(chunk, cc.codec, c, s.rows)
}

// arrowColumn decodes column c of slot s through arrow-go; s.mu is held.
func (r *reader) arrowColumn(s *rgSlot, c *column) (*block, error) {
	rg, err := r.rowGroupReader(s)
	if err != nil {
		return nil, err
	}
	cr, err := rg.Column(c.leaf)
	if err != nil {
		return nil, err
	}
	return decodeChunk(cr, c, s.rows, 0)
}

// The RLE / bit-packed hybrid: runs of each kind, widths 0 to 32, a last
// bit-packed group padded past the values wanted.
func TestHybrid(t *testing.T) {
	for _, tc := range []struct {
		name  string
		data  []byte
		width uint
		want  []uint32
	}{
		{"rle", []byte{6 << 1, 7}, 3, []uint32{7, 7, 7, 7, 7, 7}},
		{"rle wide", []byte{2 << 1, 0x34, 0x12}, 13, []uint32{0x1234, 0x1234}},
		// 8 values 0..7 at 3 bits, LSB first: the Parquet spec's example.
		{"packed", []byte{1<<1 | 1, 0x88, 0xc6, 0xfa}, 3, []uint32{0, 1, 2, 3, 4, 5}},
		{"mixed", []byte{2 << 1, 1, 1<<1 | 1, 0xff}, 1, []uint32{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}},
		{"zero width", []byte{1<<1 | 1}, 0, []uint32{0, 0, 0}},
		{"width 32", []byte{1 << 1, 0x78, 0x56, 0x34, 0x12}, 32, []uint32{0x12345678}},
	} {
		got := make([]uint32, len(tc.want))
		if err := hybrid(tc.data, tc.width, got); err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	for _, bad := range [][]byte{{}, {0}, {1<<1 | 1}, {4 << 1}, {0x80}} {
		if err := hybrid(bad, 8, make([]uint32, 3)); err == nil {
			t.Errorf("%x: no error", bad)
		}
	}
}

// Any bytes given as a column chunk give a block or an error, never a
// panic, a hang or an allocation far beyond the chunk.
func FuzzDecodeFlat(f *testing.F) {
	dir := f.TempDir()
	for _, opts := range []map[string]any{
		{"compression": "none", "row_group_size": 40, "page_size": 1024},
		{"compression": "snappy", "row_group_size": 40, "dictionary": false},
	} {
		r := openScene(f, writeScene(f, dir, sceneSpec{prims: 40, extras: true, seed: 3}, opts), nil).(*reader)
		for _, c := range append([]column{r.pathCol}, r.cols...) {
			if !c.flat() {
				continue
			}
			chunk, codec := firstChunk(f, r, c)
			f.Add(chunk, uint8(c.elem), uint8(codec), c.maxDef > 0)
		}
	}
	maxPageBytes = 1 << 20
	f.Cleanup(func() { maxPageBytes = 0 })
	f.Fuzz(func(t *testing.T, chunk []byte, elem, codec uint8, sparse bool) {
		c := &column{elem: formats.Type(elem), prop: formats.Property{Type: formats.Type(elem)}}
		if sparse {
			c.maxDef, c.nullDef = 1, 1
		}
		for _, kind := range codecs {
			if uint8(kind) == codec {
				decodeFlat(chunk, kind, c, 40)
			}
		}
	})
}

// parquetSchema gives the schema pqarrow.ToParquet derives from the Arrow
// fields, for every property type, dense and sparse.
func TestParquetSchemaIsPqarrows(t *testing.T) {
	var props []formats.Property
	for _, p := range append(formatstest.AllTypesProperties(), formatstest.ExtendedProperties()...) {
		for _, sparse := range []bool{false, true} {
			p.Sparse = sparse
			p.Name = fmt.Sprintf("%s_%d_%v", p.Name, len(props), sparse)
			props = append(props, p)
		}
	}
	wp := parquet.NewWriterProperties()
	got, err := parquetSchema(props, wp)
	if err != nil {
		t.Fatal(err)
	}
	fields := []arrow.Field{{Name: pathColumn, Type: arrow.BinaryTypes.String}}
	for i, name := range columnNames(props) {
		f, err := arrowField(props[i], name)
		if err != nil {
			t.Fatal(err)
		}
		fields = append(fields, f)
	}
	want, err := pqarrow.ToParquet(arrow.NewSchema(fields, nil), wp, pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	var gs, ws strings.Builder
	schema.PrintSchema(got.Root(), &gs, 2)
	schema.PrintSchema(want.Root(), &ws, 2)
	if !got.Equals(want) || gs.String() != ws.String() {
		t.Fatalf("schema:\n%s\npqarrow's:\n%s", gs.String(), ws.String())
	}
}

// Files pyarrow writes with version 2 data pages, several pages a chunk,
// dense and sparse columns, read by the reader (through decodeFlat) as
// pyarrow wrote them.
func TestReadsPyarrowV2Pages(t *testing.T) {
	python := testenv.Python(t, "pyarrow")
	const rows = 3000
	for _, codec := range []string{"none", "snappy", "zstd"} {
		path := filepath.Join(t.TempDir(), "v2.parquet")
		out := testenv.RunPython(t, python, filepath.Join("testdata", "pyarrow_v2.py"), path, fmt.Sprint(rows), codec)
		var want map[string][]any
		if err := json.Unmarshal(out, &want); err != nil {
			t.Fatal(err)
		}
		r := openScene(t, path, nil)
		if _, err := r.(*reader).flatColumn(r.(*reader).slot(0), &r.(*reader).cols[0]); err != nil {
			t.Fatalf("%s: decodeFlat does not read pyarrow's v2 pages: %v", codec, err)
		}
		prims, err := r.Prims()
		if err != nil || len(prims) != rows {
			t.Fatalf("%s: %d prims, %v", codec, len(prims), err)
		}
		var v formats.Value
		for i, p := range prims {
			if p != want["path"][i] {
				t.Fatalf("%s: row %d is %s, pyarrow wrote %s", codec, i, p, want["path"][i])
			}
			for _, prop := range r.Properties() {
				w := want[prop.Name][i]
				err := r.Get(p, prop.Name, &v)
				if w == nil {
					if !errors.Is(err, formats.ErrNoValue) {
						t.Fatalf("%s: %s.%s is a null, read %v", codec, p, prop.Name, err)
					}
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				var got any
				switch prop.Type {
				case formats.Double:
					got = v.Num
				case formats.Int, formats.Int64:
					got = float64(v.Int)
				case formats.Bool:
					got = v.Bool
				case formats.String:
					got = v.Str
				}
				if got != w {
					t.Fatalf("%s: %s.%s = %v, pyarrow wrote %v", codec, p, prop.Name, got, w)
				}
			}
		}
	}
}

// A lazy reader's own decoding of a row group's footer entry locates every
// column chunk where arrow-go's decoding of the whole footer does.
func TestLazyChunksMatchFooter(t *testing.T) {
	dir := t.TempDir()
	for _, opts := range []map[string]any{
		{"compression": "zstd", "row_group_size": 300},
		{"compression": "none", "row_group_size": 64, "dictionary": false},
	} {
		path := writeScene(t, dir, sceneSpec{prims: 700, payload: true, extras: true, seed: 4}, opts)
		lazy := openScene(t, path, map[string]any{"index": "lazy"}).(*reader)
		if lazy.pf != nil || lazy.tr == nil {
			t.Fatal("the lazy reader reads the footer")
		}
		md := footerMeta(t, path)
		for g := 0; g < md.NumRowGroups(); g++ {
			for leaf := 0; leaf < md.Schema.NumColumns(); leaf++ {
				cc, err := md.RowGroup(g).ColumnChunk(leaf)
				if err != nil {
					t.Fatal(err)
				}
				want := chunkInfoOf(cc)
				got, err := lazy.chunk(lazy.slot(g), leaf)
				if err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Fatalf("row group %d column %d: %+v, the footer says %+v", g, leaf, got, want)
				}
			}
		}
	}
}

// footerMeta is the file's footer as arrow-go decodes it whole: the
// reference for the reader's own reading of it, and where tests find
// column chunks.
func footerMeta(tb testing.TB, path string) *metadata.FileMetaData {
	tb.Helper()
	f, err := file.OpenParquetFile(path, false)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	return f.MetaData()
}

// An eager open of a file listing a prim twice fails and says where.
func TestDuplicatePathFails(t *testing.T) {
	sc := arrow.NewSchema([]arrow.Field{{Name: "path", Type: arrow.BinaryTypes.String}, {Name: "cost", Type: arrow.PrimitiveTypes.Float64}}, nil)
	rb := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer rb.Release()
	rb.Field(0).(*array.StringBuilder).AppendValues([]string{"/A", "/B", "/C", "/B"}, nil)
	rb.Field(1).(*array.Float64Builder).AppendValues([]float64{1, 2, 3, 4}, nil)
	rec := rb.NewRecordBatch()
	defer rec.Release()
	path := filepath.Join(t.TempDir(), "dup.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := pqarrow.NewFileWriter(sc, f, parquet.NewWriterProperties(), pqarrow.DefaultWriterProps())
	if err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(w.Write(rec), w.Close()); err != nil {
		t.Fatal(err)
	}
	o, err := formats.Normalize(Format{}, map[string]any{"index": "eager"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Format{}.Open(path, o)
	if err == nil || !strings.Contains(err.Error(), `prim "/B" appears at rows 1 and 3`) {
		t.Fatalf("open: %v, want the duplicate prim and its rows", err)
	}
}

// nestedShapes are the level shapes of nested columns FuzzDecodeNested
// tries: an array or vector, a sparse one, an array of vectors, a sparse
// one.
var nestedShapes = []column{
	{maxRep: 1, maxDef: 1, repDefs: [2]int16{1, 0}},
	{maxRep: 1, maxDef: 2, nullDef: 1, repDefs: [2]int16{2, 0}},
	{maxRep: 2, maxDef: 2, repDefs: [2]int16{1, 2}},
	{maxRep: 2, maxDef: 3, nullDef: 1, repDefs: [2]int16{2, 3}},
}

// Any bytes given as a nested column chunk give a block or an error,
// never a panic, a hang or an allocation far beyond the chunk.
func FuzzDecodeNested(f *testing.F) {
	dir := f.TempDir()
	sp := formatstest.AllTypes(40, false)
	for i := range sp.Cols {
		sp.Info.Properties[i].Sparse = true
		sp.Cols[i].Property.Sparse = true
		for r := range 40 {
			sp.Cols[i].Present = append(sp.Cols[i].Present, r%3 != 0)
		}
	}
	for k, s := range []*formatstest.Scene{formatstest.AllTypes(40, false), sp} {
		for _, opts := range []map[string]any{
			{"compression": "none", "row_group_size": 40, "page_size": 1024},
			{"compression": "snappy", "row_group_size": 40, "dictionary": false},
		} {
			o, err := formats.Normalize(Format{}, opts)
			if err != nil {
				f.Fatal(err)
			}
			path := filepath.Join(dir, fmt.Sprint(k, opts["compression"], ".parquet"))
			s.Write(f, Format{}, path, o, 40)
			r := openScene(f, path, nil).(*reader)
			for _, c := range r.cols {
				if !c.nested() {
					continue
				}
				shape := slices.IndexFunc(nestedShapes, func(n column) bool {
					return n.maxRep == c.maxRep && n.maxDef == c.maxDef && n.nullDef == c.nullDef && n.repDefs == c.repDefs
				})
				if shape < 0 {
					f.Fatalf("column %s: shape %+v not among the fuzzed ones", c.prop.Name, c)
				}
				chunk, codec := firstChunk(f, r, c)
				f.Add(chunk, uint8(c.prop.Type), uint8(codec), uint8(shape))
			}
		}
	}
	maxPageBytes = 1 << 20
	f.Cleanup(func() { maxPageBytes = 0 })
	f.Fuzz(func(t *testing.T, chunk []byte, typ, codec, shape uint8) {
		c := nestedShapes[int(shape)%len(nestedShapes)]
		c.prop = formats.Property{Type: formats.Type(typ)}
		c.elem = storedScalar(c.prop.Type.Kind())
		c.nest = int(c.maxRep)
		for _, kind := range codecs {
			if uint8(kind) == codec {
				decodeFlat(chunk, kind, &c, 40)
			}
		}
	})
}

// firstChunk reads column c's chunk of r's first row group, with its codec:
// a seed for the page decoders' fuzzers.
func firstChunk(tb testing.TB, r *reader, c column) ([]byte, compress.Compression) {
	tb.Helper()
	cc, err := r.chunk(r.slot(0), c.leaf)
	if err != nil {
		tb.Fatal(err)
	}
	chunk := make([]byte, cc.size)
	if err := r.readAt(chunk, cc.start); err != nil {
		tb.Fatal(err)
	}
	return chunk, cc.codec
}
