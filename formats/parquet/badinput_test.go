package parquet

import (
	"bytes"
	"encoding/binary"
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
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/formatstest"
)

// writeArrow writes a file in the plugin's layout with plain pqarrow, the
// way other tools write it: nullable columns, optional scene metadata.
// cost holds a null at row 1.
func writeArrow(t testing.TB, path string, withPath bool, scene string) {
	t.Helper()
	var fields []arrow.Field
	if withPath {
		fields = append(fields, arrow.Field{Name: "path", Type: arrow.BinaryTypes.String, Nullable: true})
	}
	fields = append(fields,
		arrow.Field{Name: "cost", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		arrow.Field{Name: "lifespan", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		arrow.Field{Name: "tags", Type: arrow.BinaryTypes.String, Nullable: true},
		arrow.Field{Name: "samples", Type: arrow.ListOf(arrow.PrimitiveTypes.Float64), Nullable: true},
	)
	var md *arrow.Metadata
	if scene != "" {
		m := arrow.NewMetadata([]string{sceneKey}, []string{scene})
		md = &m
	}
	sc := arrow.NewSchema(fields, md)
	rb := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer rb.Release()
	i := 0
	if withPath {
		rb.Field(0).(*array.StringBuilder).AppendValues([]string{"/A", "/B", "/C"}, nil)
		i = 1
	}
	rb.Field(i).(*array.Float64Builder).AppendValues([]float64{1.5, 0, 3.5}, []bool{true, false, true})
	rb.Field(i+1).(*array.Int32Builder).AppendValues([]int32{7, 8, 9}, nil)
	rb.Field(i+2).(*array.StringBuilder).AppendValues([]string{"x", "", "zz"}, []bool{true, false, true})
	lb := rb.Field(i + 3).(*array.ListBuilder)
	vb := lb.ValueBuilder().(*array.Float64Builder)
	lb.Append(true)
	vb.AppendValues([]float64{1, 2}, nil)
	lb.Append(true)
	lb.AppendNull()
	writeRecord(t, path, sc, rb, parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy)))
}

// writeRecord writes the record rb holds to a Parquet file at path, in row
// groups of 2 rows, with props and the Arrow schema stored.
func writeRecord(t testing.TB, path string, sc *arrow.Schema, rb *array.RecordBuilder, props *parquet.WriterProperties) {
	t.Helper()
	rec := rb.NewRecordBatch()
	defer rec.Release()
	tbl := array.NewTableFromRecords(sc, []arrow.RecordBatch{rec})
	defer tbl.Release()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := pqarrow.WriteTable(tbl, f, 2, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema())); err != nil {
		t.Fatal(err)
	}
}

// Files written by other tools in the plugin's layout read through either
// index: nullable columns are sparse properties, and a null is a prim
// without a value (formats.ErrNoValue) that names the prim.
func TestForeignFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "foreign.parquet")
	writeArrow(t, path, true, "")
	for _, idx := range []string{"eager", "lazy"} {
		r := openScene(t, path, map[string]any{"index": idx})
		want := []formats.Property{{Name: "cost", Type: formats.Double, Sparse: true}, {Name: "lifespan", Type: formats.Int, Sparse: true},
			{Name: "tags", Type: formats.String, Sparse: true}, {Name: "samples", Type: formats.DoubleArray, Sparse: true}}
		if got := r.Properties(); len(got) != len(want) || got[0] != want[0] || got[3] != want[3] {
			t.Fatalf("%s: properties %v", idx, got)
		}
		prims, err := r.Prims()
		if err != nil || strings.Join(prims, ",") != "/A,/B,/C" {
			t.Fatalf("%s: prims %v %v", idx, prims, err)
		}
		var v formats.Value
		for _, c := range []struct {
			prim, prop, want string
		}{
			{"/A", "cost", "1.5"}, {"/C", "cost", "3.5"}, {"/B", "lifespan", "8"}, {"/C", "tags", `"zz"`},
			{"/A", "samples", "[1, 2]"}, {"/B", "samples", "[]"},
		} {
			if err := r.Get(c.prim, c.prop, &v); err != nil || v.String() != c.want {
				t.Errorf("%s: %s %s = %s, %v; want %s", idx, c.prim, c.prop, v.String(), err, c.want)
			}
		}
		for _, c := range [][2]string{{"/B", "cost"}, {"/B", "tags"}, {"/C", "samples"}} {
			err := r.Get(c[0], c[1], &v)
			if !errors.Is(err, formats.ErrNoValue) || !strings.Contains(err.Error(), "null") || !strings.Contains(err.Error(), c[0]) {
				t.Errorf("%s: %s %s: want a no-value error naming the prim, got %v", idx, c[0], c[1], err)
			}
		}
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	good := writeScene(t, dir, sceneSpec{prims: 300, extras: true, seed: 5}, map[string]any{"row_group_size": 100})
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	footerLen := int(binary.LittleEndian.Uint32(data[len(data)-8:]))
	footerStart := len(data) - 8 - footerLen
	variant := func(name string, edit func(b []byte) []byte) string {
		b := edit(bytes.Clone(data))
		p := filepath.Join(dir, name+".parquet")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	noPath := filepath.Join(dir, "nopath.parquet")
	writeArrow(t, noPath, false, "")
	mismatch := filepath.Join(dir, "mismatch.parquet")
	writeArrow(t, mismatch, true, `{"schema":"custom","prims":3,"properties":[{"name":"cost","type":"int"}]}`)
	missingProp := filepath.Join(dir, "missingprop.parquet")
	writeArrow(t, missingProp, true, `{"schema":"custom","prims":3,"properties":[{"name":"mass","type":"double"}]}`)
	notParquet := filepath.Join(dir, "notes.txt")
	os.WriteFile(notParquet, []byte("just some text, long enough to have a tail\n"), 0o644)
	empty := filepath.Join(dir, "empty.parquet")
	os.WriteFile(empty, nil, 0o644)

	cases := []struct {
		name    string
		path    string
		index   string // "" = both
		wantErr string
	}{
		{"missing file", filepath.Join(dir, "nope.parquet"), "", "no such file"},
		{"empty file", empty, "", "not a Parquet file"},
		{"not parquet", notParquet, "", "not a Parquet file"},
		{"truncated", variant("truncated", func(b []byte) []byte { return b[:len(b)/2] }), "", "not a Parquet file"},
		{"footer length too large", variant("footerlen", func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[len(b)-8:], uint32(len(b)))
			return b
		}), "", "truncated"},
		{"footer garbled", variant("garbled", func(b []byte) []byte {
			for i := footerStart; i < len(b)-8; i++ {
				b[i] = 0xff
			}
			return b
		}), "", "footer"},
		{"index trailer corrupt", variant("trailer", func(b []byte) []byte {
			b[footerStart-trailerSize+10] ^= 0xff
			return b
		}), "lazy", "prim index trailer is corrupt"},
		{"no path column", noPath, "", `no "path" column`},
		{"type mismatch", mismatch, "eager", `property "cost" is declared int but its column holds double`},
		{"declared property missing", missingProp, "eager", `property "mass" (double) has no column`},
	}
	for _, tc := range cases {
		for _, idx := range []string{"eager", "lazy"} {
			if tc.index != "" && tc.index != idx {
				continue
			}
			t.Run(tc.name+"/"+idx, func(t *testing.T) {
				o, _ := formats.Normalize(Format{}, map[string]any{"index": idx})
				r, err := Format{}.Open(tc.path, o)
				if err == nil {
					r.Close()
					t.Fatal("opened without error")
				}
				if !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), tc.path) {
					t.Fatalf("error %q should name the file and say %q", err, tc.wantErr)
				}
				t.Log(err)
			})
		}
	}
}

// A damaged column chunk fails the get that reads it, naming the file, prim
// and property, and leaves other columns readable.
func TestCorruptColumnChunk(t *testing.T) {
	dir := t.TempDir()
	s := sceneSpec{prims: 300, seed: 5}
	path := writeScene(t, dir, s, map[string]any{"row_group_size": 100, "dictionary": false})
	r0 := openScene(t, path, nil).(*reader)
	cc, err := footerMeta(t, path).RowGroup(1).ColumnChunk(r0.cols[0].leaf) // cost
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	start := cc.DataPageOffset()
	for i := start + 20; i < start+cc.TotalCompressedSize(); i++ {
		data[i] ^= 0x5a
	}
	bad := filepath.Join(dir, "bad.parquet")
	os.WriteFile(bad, data, 0o644)
	for _, idx := range []string{"eager", "lazy"} {
		r := openScene(t, bad, map[string]any{"index": idx})
		var v formats.Value
		err := r.Get(primPath(150), "cost", &v)
		if err == nil {
			t.Fatalf("%s: no error reading a corrupt chunk", idx)
		}
		for _, want := range []string{bad, primPath(150), "cost"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %q does not name %q", idx, err, want)
			}
		}
		t.Log(err)
		if errors.Is(err, formats.ErrNotFound) {
			t.Errorf("%s: corrupt data reported as not found", idx)
		}
		if err := r.Get(primPath(150), "weight", &v); err != nil {
			t.Errorf("%s: other column: %v", idx, err)
		}
	}
}

// The user-facing "lz4" is Parquet's LZ4_RAW codec.
func TestLZ4IsRaw(t *testing.T) {
	path := writeScene(t, t.TempDir(), sceneSpec{prims: 10, seed: 1}, map[string]any{"compression": "lz4"})
	cc, err := footerMeta(t, path).RowGroup(0).ColumnChunk(0)
	if err != nil {
		t.Fatal(err)
	}
	if cc.Compression() != compress.Codecs.Lz4Raw {
		t.Fatalf("codec %v, want LZ4_RAW", cc.Compression())
	}
}

// writeSampleFile writes, with plain pqarrow, a file of three prims with a
// double "cost" and two columns cost@0 and cost@1 of type sample (nullable
// with nullSamples), and the scene metadata given.
func writeSampleFile(t *testing.T, path, scene string, sample arrow.DataType, nullSamples bool) {
	t.Helper()
	m := arrow.NewMetadata([]string{sceneKey}, []string{scene})
	sc := arrow.NewSchema([]arrow.Field{
		{Name: "path", Type: arrow.BinaryTypes.String},
		{Name: "cost", Type: arrow.PrimitiveTypes.Float64},
		{Name: "cost@0", Type: sample, Nullable: nullSamples},
		{Name: "cost@1", Type: sample, Nullable: nullSamples},
	}, &m)
	rb := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer rb.Release()
	rb.Field(0).(*array.StringBuilder).AppendValues([]string{"/A", "/B", "/C"}, nil)
	rb.Field(1).(*array.Float64Builder).AppendValues([]float64{1, 2, 3}, nil)
	for k := range 2 {
		switch b := rb.Field(2 + k).(type) {
		case *array.Float64Builder:
			b.AppendValues([]float64{10 + float64(k), 20 + float64(k), 30 + float64(k)}, nil)
		case *array.Int32Builder:
			b.AppendValues([]int32{10, 20, 30}, nil)
		}
	}
	writeRecord(t, path, sc, rb, parquet.NewWriterProperties())
}

// Time samples in a file another tool wrote read as ours do; a file whose
// sample columns disagree with its scene metadata fails the open, naming
// the file and the column.
func TestSampleColumns(t *testing.T) {
	dir := t.TempDir()
	scene := func(count int, step float64) string {
		return fmt.Sprintf(`{"schema":"custom","prims":3,"properties":[{"name":"cost","type":"double","samples":{"count":%d,"start":1,"step":%v}}]}`, count, step)
	}
	good := filepath.Join(dir, "good.parquet")
	writeSampleFile(t, good, scene(2, 0.5), arrow.PrimitiveTypes.Float64, false)
	for _, idx := range []string{"eager", "lazy"} {
		r := openScene(t, good, map[string]any{"index": idx})
		if got := r.Properties(); len(got) != 1 || got[0].Name != "cost" || got[0].Samples.Count != 2 {
			t.Fatalf("%s: properties %v", idx, got)
		}
		sam := r.(formats.Sampler)
		times, err := sam.SampleTimes(1, 0)
		if err != nil || !slices.Equal(times, []float64{1, 1.5}) {
			t.Fatalf("%s: times %v, %v", idx, times, err)
		}
		var v formats.Value
		if err := sam.GetSample(1, 0, 1, &v); err != nil || v.Num != 21 {
			t.Fatalf("%s: /B sample 1 = %v, %v; want 21", idx, v.Num, err)
		}
	}
	cases := []struct {
		name, scene string
		sample      arrow.DataType
		null        bool
		wantErr     string
	}{
		{"sample column missing", scene(3, 1), arrow.PrimitiveTypes.Float64, false, `time sample 2 of 3 (column "cost@2") has no column`},
		{"more sample columns than samples", scene(1, 1), arrow.PrimitiveTypes.Float64, false, `column "cost@1" lies beyond the 1 time samples`},
		{"unanimated with sample columns", scene(0, 1), arrow.PrimitiveTypes.Float64, false, `column "cost@0" lies beyond the 0 time samples`},
		{"sample column of another type", scene(2, 1), arrow.PrimitiveTypes.Int32, false, `declared double but its time sample column "cost@0" holds int`},
		{"nullable sample column", scene(2, 1), arrow.PrimitiveTypes.Float64, true, `not declared sparse but its time sample column "cost@0" may hold nulls`},
		{"times not ascending", scene(2, 0), arrow.PrimitiveTypes.Float64, false, `property "cost": scene metadata: time samples step 0`},
	}
	for i, tc := range cases {
		path := filepath.Join(dir, fmt.Sprintf("bad%d.parquet", i))
		writeSampleFile(t, path, tc.scene, tc.sample, tc.null)
		for _, idx := range []string{"eager", "lazy"} {
			t.Run(tc.name+"/"+idx, func(t *testing.T) {
				o, _ := formats.Normalize(Format{}, map[string]any{"index": idx})
				r, err := Format{}.Open(path, o)
				if err == nil {
					r.Close()
					t.Fatal("opened without error")
				}
				if !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), path) {
					t.Fatalf("error %q should name the file and say %q", err, tc.wantErr)
				}
			})
		}
	}
}

// A file of ours whose scene metadata was edited to declare one time
// sample more, or one less, than it has columns for fails the open with
// either index (the lazy one reads the metadata's copy in the prim
// index region).
func TestSampleCountEdited(t *testing.T) {
	dir := t.TempDir()
	s := formatstest.AllTypes(20, false)
	animate(s, 3, 0, 1, false)
	path := filepath.Join(dir, "a.parquet")
	o, _ := formats.Normalize(Format{}, nil)
	s.Write(t, Format{}, path, o, 20)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ count, want string }{
		{"2", `property "cost": column "cost@2" lies beyond the 2 time samples`},
		{"4", `property "cost": time sample 3 of 4 (column "cost@3") has no column`},
	} {
		edited := bytes.ReplaceAll(data, []byte(`"name":"cost","type":"double","samples":{"count":3`),
			[]byte(`"name":"cost","type":"double","samples":{"count":`+c.count))
		if bytes.Equal(edited, data) {
			t.Fatal("the scene metadata was not found")
		}
		p := filepath.Join(dir, "count"+c.count+".parquet")
		os.WriteFile(p, edited, 0o644)
		for _, idx := range []string{"eager", "lazy"} {
			o, _ := formats.Normalize(Format{}, map[string]any{"index": idx})
			r, err := Format{}.Open(p, o)
			if err == nil {
				r.Close()
				t.Fatalf("count %s, %s: opened without error", c.count, idx)
			}
			if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), p) {
				t.Fatalf("count %s, %s: error %q should name the file and say %q", c.count, idx, err, c.want)
			}
		}
	}
}
