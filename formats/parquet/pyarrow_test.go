package parquet

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/formatstest"
	"github.com/scenebench/runner/internal/testenv"
)

// pyarrowFile is what testdata/pyarrow_check.py reports about one file.
type pyarrowFile struct {
	Schema    [][]any `json:"schema"`
	NumRows   int     `json:"num_rows"`
	RowGroups []struct {
		Rows   int      `json:"rows"`
		Codecs []string `json:"codecs"`
	} `json:"row_groups"`
	Scene  fileScene                  `json:"scene"`
	Values map[string]json.RawMessage `json:"values"`
}

// TestPyarrowReadsOurFiles has another Parquet implementation check the
// schema, the row groups, each column chunk's codec and every value.
func TestPyarrowReadsOurFiles(t *testing.T) {
	python := testenv.Python(t, "pyarrow")
	dir := t.TempDir()
	s := sceneSpec{prims: 250, payload: true, extras: true, seed: 11}
	const rg = 100
	codecs := map[string]string{
		"none": "UNCOMPRESSED", "snappy": "SNAPPY", "zstd": "ZSTD",
		// Arrow calls Parquet's LZ4_RAW "LZ4" (and the Hadoop-framed
		// Parquet LZ4 "LZ4_HADOOP").
		"lz4": "LZ4", "gzip": "GZIP", "brotli": "BROTLI",
	}
	files := map[string]string{}
	var args []string
	for codec := range codecs {
		p := writeScene(t, dir, s, map[string]any{"compression": codec, "row_group_size": rg, "dictionary": codec != "gzip"})
		files[codec] = p
		args = append(args, p)
	}
	slices.Sort(args)
	out := testenv.RunPython(t, python, filepath.Join("testdata", "pyarrow_check.py"), args...)
	var got map[string]pyarrowFile
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("pyarrow output: %v", err)
	}
	var b formats.Batch
	s.fill(&b, 0, s.prims)
	for codec, path := range files {
		t.Run(codec, func(t *testing.T) {
			f, ok := got[path]
			if !ok {
				t.Fatal("pyarrow did not report the file")
			}
			want := [][]any{{pathColumn, "string", false}}
			for _, p := range s.properties() {
				tn := p.Type.String()
				if p.Type == formats.Token {
					tn = "string"
				}
				want = append(want, []any{p.Name, tn, false})
			}
			if gs, _ := json.Marshal(f.Schema); string(gs) != mustJSON(t, want) {
				t.Errorf("schema\n got %s\nwant %s", gs, mustJSON(t, want))
			}
			if f.NumRows != s.prims {
				t.Errorf("num_rows = %d, want %d", f.NumRows, s.prims)
			}
			if n := (s.prims + rg - 1) / rg; len(f.RowGroups) != n {
				t.Errorf("%d row groups, want ceil(%d/%d) = %d", len(f.RowGroups), s.prims, rg, n)
			}
			for g, r := range f.RowGroups {
				if want := min(rg, s.prims-g*rg); r.Rows != want {
					t.Errorf("row group %d has %d rows, want %d", g, r.Rows, want)
				}
				if !slices.Equal(r.Codecs, []string{codecs[codec]}) {
					t.Errorf("row group %d codecs %v, want %s", g, r.Codecs, codecs[codec])
				}
			}
			if !slices.Equal(f.Scene.Properties, s.properties()) || f.Scene.Prims != s.prims ||
				f.Scene.Schema != "building20" || f.Scene.Seed != s.seed || f.Scene.RowGroupSize != rg {
				t.Errorf("scene metadata = %+v", f.Scene)
			}
			checkPyValues(t, f.Values, &b)
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkPyValues compares pyarrow's column values with the batch. JSON
// numbers print floats exactly, so the comparison is bit for bit.
func checkPyValues(t *testing.T, vals map[string]json.RawMessage, b *formats.Batch) {
	t.Helper()
	var paths []string
	if err := json.Unmarshal(vals[pathColumn], &paths); err != nil || !slices.Equal(paths, b.Paths) {
		t.Errorf("paths differ (%v)", err)
	}
	for _, c := range b.Columns {
		// Decode pyarrow's values into a slice of the column's own type.
		want := c.Values()
		got := reflect.New(reflect.TypeOf(want))
		err := json.Unmarshal(vals[c.Property.Name], got.Interface())
		if err != nil || !reflect.DeepEqual(got.Elem().Interface(), want) {
			t.Errorf("column %s: pyarrow's values differ from ours (%v)", c.Property.Name, err)
		}
	}
}

// TestReadsPyarrowFiles reads a file the plugin's Python tooling would
// write: pyarrow's defaults, nullable columns (sparse properties) holding
// some nulls (prims without a value), a row group of zero rows, no scene
// metadata.
func TestReadsPyarrowFiles(t *testing.T) {
	python := testenv.Python(t, "pyarrow")
	path := filepath.Join(t.TempDir(), "plugin.parquet")
	const rows = 250
	out := testenv.RunPython(t, python, filepath.Join("testdata", "pyarrow_write.py"), path, "250", "100")
	var want struct {
		Path       []string    `json:"path"`
		Cost       []*float64  `json:"cost"`
		Lifespan   []int64     `json:"lifespan"`
		IsActive   []bool      `json:"is_active"`
		SupplierID []*string   `json:"supplier_id"`
		Samples    [][]float64 `json:"samples"`
	}
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	for _, idx := range []string{"eager", "lazy"} {
		r := openScene(t, path, map[string]any{"index": idx})
		wantProps := []formats.Property{{Name: "cost", Type: formats.Double, Sparse: true}, {Name: "lifespan", Type: formats.Int64, Sparse: true},
			{Name: "is_active", Type: formats.Bool, Sparse: true}, {Name: "supplier_id", Type: formats.String, Sparse: true},
			{Name: "samples", Type: formats.DoubleArray, Sparse: true}}
		if got := r.Properties(); !slices.Equal(got, wantProps) {
			t.Fatalf("%s: properties %v", idx, got)
		}
		prims, err := r.Prims()
		if err != nil || !slices.Equal(prims, want.Path) {
			t.Fatalf("%s: prims differ (%v)", idx, err)
		}
		var v formats.Value
		nulls := 0
		for i := rows - 1; i >= 0; i-- {
			p := want.Path[i]
			// get reads a value, or checks that a null reads as no value.
			get := func(prop string, null bool) *formats.Value {
				err := r.Get(p, prop, &v)
				if null {
					if !errors.Is(err, formats.ErrNoValue) {
						t.Fatalf("%s: %s.%s is a null, read %v (%s)", idx, p, prop, err, v.String())
					}
					nulls++
					return nil
				}
				if err != nil {
					t.Fatal(err)
				}
				return &v
			}
			if c := get("cost", want.Cost[i] == nil); c != nil && c.Num != *want.Cost[i] {
				t.Fatalf("%s: %s.cost differs from what pyarrow wrote", idx, p)
			}
			if s := get("supplier_id", want.SupplierID[i] == nil); s != nil && s.Str != *want.SupplierID[i] {
				t.Fatalf("%s: %s.supplier_id differs from what pyarrow wrote", idx, p)
			}
			if s := get("samples", want.Samples[i] == nil); s != nil && !slices.Equal(s.Doubles, want.Samples[i]) {
				t.Fatalf("%s: %s.samples differs from what pyarrow wrote", idx, p)
			}
			if get("lifespan", false).Int != want.Lifespan[i] || get("is_active", false).Bool != want.IsActive[i] {
				t.Fatalf("%s: %s differs from what pyarrow wrote", idx, p)
			}
		}
		if nulls == 0 {
			t.Fatal("the file holds no nulls")
		}
	}
}

// TestPyarrowReadsOurSamples has pyarrow read a file with time samples:
// each animated property's columns <name>@<k> follow its own, of its
// type, holding every sample's values, and the scene metadata carries the
// times.
func TestPyarrowReadsOurSamples(t *testing.T) {
	python := testenv.Python(t, "pyarrow")
	s := formatstest.AllTypes(90, false)
	animate(s, 3, 1, 0.5, false)
	path := filepath.Join(t.TempDir(), "samples.parquet")
	o, err := formats.Normalize(Format{}, map[string]any{"row_group_size": 40, "compression": "zstd"})
	if err != nil {
		t.Fatal(err)
	}
	s.Write(t, Format{}, path, o, 25)
	out := testenv.RunPython(t, python, filepath.Join("testdata", "pyarrow_check.py"), path)
	var got map[string]pyarrowFile
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("pyarrow output: %v", err)
	}
	f := got[path]
	want := [][]any{{pathColumn, "string", false}}
	for _, p := range s.Info.Properties {
		tn := p.Type.String()
		if p.Type == formats.Token {
			tn = "string"
		}
		want = append(want, []any{p.Name, tn, false})
		for k := range p.Samples.Count {
			want = append(want, []any{sampleColumn(p.Name, k), tn, false})
		}
	}
	if gs, _ := json.Marshal(f.Schema); string(gs) != mustJSON(t, want) {
		t.Errorf("schema\n got %s\nwant %s", gs, mustJSON(t, want))
	}
	if !reflect.DeepEqual(f.Scene.Properties, s.Info.Properties) {
		t.Errorf("scene metadata properties\n got %+v\nwant %+v", f.Scene.Properties, s.Info.Properties)
	}
	if len(f.RowGroups) != 3 {
		t.Errorf("%d row groups, want 3", len(f.RowGroups))
	}
	checked := 0
	for _, c := range s.Cols {
		for k := -1; k < len(c.Samples); k++ {
			want, name := c.Values(), c.Property.Name
			if k >= 0 {
				want, name = c.Samples[k].Values(), sampleColumn(c.Property.Name, k)
			}
			got := reflect.New(reflect.TypeOf(want))
			if err := json.Unmarshal(f.Values[name], got.Interface()); err != nil || !sameValues(got.Elem(), reflect.ValueOf(want)) {
				t.Errorf("column %s: pyarrow's values differ from ours (%v)", name, err)
			}
			checked++
		}
	}
	if checked != 4*len(s.Cols) {
		t.Fatalf("checked %d columns", checked)
	}
}

// sameValues is reflect.DeepEqual of two column values with a nil slice
// equal to an empty one (pyarrow has no nil list).
func sameValues(a, b reflect.Value) bool {
	if a.Kind() != reflect.Slice && a.Kind() != reflect.Array {
		return a.Interface() == b.Interface()
	}
	if a.Len() != b.Len() {
		return false
	}
	for i := range a.Len() {
		if !sameValues(a.Index(i), b.Index(i)) {
			return false
		}
	}
	return true
}
