package cat

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/formatstest"
	"github.com/scenebench/runner/formats/sdf"
	"github.com/scenebench/runner/internal/testenv"
)

// TestOpenUSDCorpus writes layers with OpenUSD (testdata/openusd_corpus.py:
// every value type, every metadata form, every grammar form, as usda and
// usdc) and checks that `runner cat -json` prints each of them as OpenUSD's
// Sdf reads it, spec for spec and value for value: numbers at their type's
// precision (the same float64, float32 or half bits), everything else
// equal. The text `runner cat` prints reads back in OpenUSD to the same
// content. The scene each layer gives (formats.Reader) holds exactly the
// layer's attribute defaults of the types the scene model carries, and the
// usda and usdc of one layer give the same scene.
func TestOpenUSDCorpus(t *testing.T) {
	py := testenv.Python(t, "pxr")
	dir := t.TempDir()
	script := filepath.Join("testdata", "openusd_corpus.py")
	files := strings.Fields(string(testenv.RunPython(t, py, script, "write", dir)))
	if len(files) < 12 {
		t.Fatalf("the corpus has %d files", len(files))
	}
	dumps := openUSDDumps(t, py, script, files)
	digests := map[string]string{}
	var printed []string
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			f, err := Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var out, text bytes.Buffer
			if err := f.JSON(&out); err != nil {
				t.Fatal(err)
			}
			compareDumps(t, dumps[file], parseLines(t, out.Bytes()))
			digests[name] = sceneMatchesLayer(t, file, f.Layer)
			if err := f.Text(&text); err != nil {
				t.Fatal(err)
			}
			txt := filepath.Join(dir, "printed", name+".usda")
			if err := os.MkdirAll(filepath.Dir(txt), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(txt, text.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			printed = append(printed, txt)
		})
	}
	// OpenUSD reads the printed text as it read the file.
	again := openUSDDumps(t, py, script, printed)
	for _, txt := range printed {
		orig := filepath.Join(dir, strings.TrimSuffix(filepath.Base(txt), ".usda"))
		t.Run("text of "+filepath.Base(orig), func(t *testing.T) {
			compareDumps(t, dumps[orig], again[txt])
		})
	}
	for _, file := range files {
		name := filepath.Base(file)
		if strings.HasSuffix(name, ".usda") {
			twin := strings.TrimSuffix(name, ".usda") + ".usdc"
			if digests[name] == "" || digests[name] != digests[twin] {
				t.Errorf("%s and %s give different scenes (%s, %s)", name, twin, digests[name], digests[twin])
			}
		}
	}
}

// openUSDDumps runs the corpus script's dump over files.
func openUSDDumps(t *testing.T, py, script string, files []string) map[string][]map[string]any {
	t.Helper()
	out := testenv.RunPython(t, py, script, append([]string{"dump"}, files...)...)
	dumps := map[string][]map[string]any{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<26)
	for sc.Scan() {
		var d struct {
			File  string            `json:"file"`
			Lines []json.RawMessage `json:"lines"`
		}
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		for _, l := range d.Lines {
			dumps[d.File] = append(dumps[d.File], decodeLine(t, l))
		}
		if d.Lines == nil {
			dumps[d.File] = []map[string]any{}
		}
	}
	return dumps
}

func decodeLine(t *testing.T, b []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("line %s: %v", b, err)
	}
	return m
}

func parseLines(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n")) {
		if len(l) > 0 {
			out = append(out, decodeLine(t, l))
		}
	}
	return out
}

// lineKey identifies a line: the layer's metadata, a prim, a property.
func lineKey(m map[string]any) string {
	p, _ := m["path"].(string)
	if prop, ok := m["property"].(string); ok {
		return p + " ." + prop
	}
	return p
}

// compareDumps checks that ours holds the same lines as theirs (OpenUSD's),
// in any order.
func compareDumps(t *testing.T, theirs, ours []map[string]any) {
	t.Helper()
	index := func(lines []map[string]any) map[string]map[string]any {
		m := map[string]map[string]any{}
		for _, l := range lines {
			k := lineKey(l)
			if _, dup := m[k]; dup {
				t.Errorf("two lines for %s", k)
			}
			m[k] = l
		}
		return m
	}
	a, b := index(theirs), index(ours)
	bad := 0
	for k, want := range a {
		got, ok := b[k]
		if !ok {
			t.Errorf("%s: OpenUSD reads %v, runner cat prints nothing", k, want)
			bad++
			continue
		}
		typ, _ := want["type"].(string)
		if diff := diffObject(want, got, typ, ""); diff != "" {
			t.Errorf("%s: %s\n  OpenUSD: %v\n  runner:  %v", k, diff, want, got)
			bad++
		}
		if bad > 20 {
			t.Fatal("too many differences")
		}
	}
	for k, got := range b {
		if _, ok := a[k]; !ok {
			t.Errorf("%s: runner cat prints %v, which OpenUSD does not read", k, got)
		}
	}
}

// diffObject compares two line objects key by key; typ is the attribute's
// value type, which decides how "value" and "timeSamples" numbers compare.
func diffObject(want, got map[string]any, typ, at string) string {
	keys := map[string]bool{}
	for k := range want {
		keys[k] = true
	}
	for k := range got {
		keys[k] = true
	}
	var names []string
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		w, wok := want[k]
		g, gok := got[k]
		if !wok || !gok {
			return fmt.Sprintf("%s%s: present on one side only", at, k)
		}
		var scalar sdf.Scalar
		if (k == "value" || k == "timeSamples") && at == "" && typ != "" {
			vt, _ := sdf.LookupType(typ)
			scalar = vt.Scalar
		}
		if k == "variantSets" {
			sortLists(w)
			sortLists(g)
		}
		if d := diffValue(w, g, scalar, at+k); d != "" {
			return d
		}
	}
	return ""
}

func sortLists(v any) {
	if m, ok := v.(map[string]any); ok {
		for _, x := range m {
			if l, ok := x.([]any); ok {
				sort.Slice(l, func(i, j int) bool { return fmt.Sprint(l[i]) < fmt.Sprint(l[j]) })
			}
		}
	}
}

// diffValue compares JSON values. Numbers of a known scalar compare as
// that scalar's bits; others (metadata) as doubles, or as floats when
// runner printed the shortest text of a float.
func diffValue(w, g any, scalar sdf.Scalar, at string) string {
	switch wv := w.(type) {
	case map[string]any:
		gv, ok := g.(map[string]any)
		if !ok {
			return at + ": an object on one side only"
		}
		return diffObject(wv, gv, "", at+".")
	case []any:
		gv, ok := g.([]any)
		if !ok || len(gv) != len(wv) {
			return fmt.Sprintf("%s: lists differ in length or kind", at)
		}
		for i := range wv {
			if d := diffValue(wv[i], gv[i], scalar, fmt.Sprintf("%s[%d]", at, i)); d != "" {
				return d
			}
		}
		return ""
	case json.Number:
		gn, ok := g.(json.Number)
		if !ok {
			return fmt.Sprintf("%s: %v is a number, runner has %v", at, w, g)
		}
		if !sameNumber(wv, gn, scalar) {
			return fmt.Sprintf("%s: %s != %s", at, wv, gn)
		}
		return ""
	}
	if fmt.Sprint(w) != fmt.Sprint(g) {
		return fmt.Sprintf("%s: %v != %v", at, w, g)
	}
	return ""
}

func sameNumber(w, g json.Number, scalar sdf.Scalar) bool {
	if w == g {
		return true
	}
	wf, err1 := strconv.ParseFloat(string(w), 64)
	gf, err2 := strconv.ParseFloat(string(g), 64)
	if err1 != nil || err2 != nil {
		return false
	}
	switch scalar {
	case sdf.Float:
		return math.Float32bits(float32(wf)) == math.Float32bits(float32(gf))
	case sdf.Half:
		return formats.HalfFromFloat32(float32(wf)) == formats.HalfFromFloat32(float32(gf))
	case sdf.Double, sdf.TimeCode:
		return math.Float64bits(wf) == math.Float64bits(gf)
	case sdf.Int, sdf.UInt, sdf.Int64, sdf.UInt64, sdf.UChar:
		return w.String() == g.String()
	}
	if wf == gf {
		return true
	}
	// Metadata carries no type in JSON: a float printed as its shortest
	// float text matches the double OpenUSD widens it to.
	f32 := float32(gf)
	return strconv.FormatFloat(float64(f32), 'g', -1, 32) == string(g) && float32(wf) == f32
}

// sceneMatchesLayer checks that the scene of a layer file holds exactly the
// layer's attribute defaults of types the scene model carries (prims
// outside variants), and returns its digest in layer order.
func sceneMatchesLayer(t *testing.T, file string, l *sdf.Layer) string {
	t.Helper()
	f, err := formats.Detect(file)
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.Open(file, nil)
	if err != nil {
		t.Fatalf("open as a scene: %v", err)
	}
	defer r.Close()
	want := map[string]formats.Value{}
	var order []string
	var walk func(p *sdf.Prim) error
	walk = func(p *sdf.Prim) error {
		for _, prop := range p.Properties {
			var v formats.Value
			if !prop.Relationship && prop.Default.Scene(&v) {
				if _, ok := formats.SceneTypeOf(prop.TypeName); ok {
					want[p.Path+"."+prop.Name] = v
					order = append(order, p.Path+"."+prop.Name)
				}
			}
		}
		return p.EachChild(walk)
	}
	for _, p := range l.Prims {
		if err := walk(p); err != nil {
			t.Fatal(err)
		}
	}
	prims, err := r.Prims()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, p := range r.Properties() {
		names[p.Name] = true
	}
	var dg formats.Digest
	dg.Reset()
	got := 0
	var v formats.Value
	for _, p := range prims {
		var ns []string
		for n := range names {
			ns = append(ns, n)
		}
		sort.Strings(ns)
		for _, n := range ns {
			err := r.Get(p, n, &v)
			if err != nil {
				if w, ok := want[p+"."+n]; ok {
					t.Errorf("scene: %s.%s: %v, the layer has %s", p, n, err, w.String())
				}
				continue
			}
			w, ok := want[p+"."+n]
			if !ok || !w.Equal(&v) {
				t.Errorf("scene: %s.%s = %s %s, the layer has %s %s", p, n, v.Type, v.String(), w.Type, w.String())
				continue
			}
			got++
			dg.Add(p, n, &v)
		}
	}
	if got != len(want) {
		t.Errorf("the scene holds %d values, the layer %d: %v", got, len(want), order)
	}
	if n, ok := r.(formats.Noter); ok {
		t.Logf("%s: %d prims, %d values; left out: %v", filepath.Base(file), len(prims), got, n.Notes())
	}
	return dg.Hex()
}

// TestRealFiles reads the files users' scenes were found to break the
// readers with (testdata/real-files, each with what OpenUSD or pyarrow
// reads from it): runner cat prints the same attribute values.
func TestRealFiles(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "real-files", "*"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, file := range files {
		if strings.HasSuffix(file, ".jsonl") {
			continue
		}
		n++
		t.Run(filepath.Base(file), func(t *testing.T) {
			f, err := Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var out bytes.Buffer
			if err := f.JSON(&out); err != nil {
				t.Fatal(err)
			}
			ours := parseLines(t, out.Bytes())
			if want, err := os.ReadFile(file + ".pyarrow.jsonl"); err == nil {
				comparePyarrow(t, parseLines(t, want), ours)
				return
			}
			want, err := os.ReadFile(file + ".openusd.jsonl")
			if err != nil {
				t.Fatal(err)
			}
			// The cases list attributes only.
			var attrs []map[string]any
			for _, l := range ours {
				if _, ok := l["type"]; ok {
					attrs = append(attrs, map[string]any{"path": l["path"], "property": l["property"], "type": l["type"], "value": l["value"]})
				}
			}
			compareDumps(t, parseLines(t, want), attrs)
		})
	}
	if n < 6 {
		t.Fatalf("%d real files", n)
	}
}

// comparePyarrow checks a Parquet file's values against the rows pyarrow
// reads: {"path": ..., "<column>": value, ...} per row, a null for a prim
// without the property. A column "name#type" holds the values of type
// type of a name that has several. Numbers compare at the precision of
// our value's type; a matrix is a flat list of 16 in Arrow.
func comparePyarrow(t *testing.T, rows, ours []map[string]any) {
	t.Helper()
	types := map[string]any{}
	var got []map[string]any
	for _, l := range ours {
		key := fmt.Sprint(l["path"], " ", l["property"])
		types[key] = l["type"]
		v := l["value"]
		if l["type"] == "matrix4d" {
			var flat []any
			for _, row := range v.([]any) {
				flat = append(flat, row.([]any)...)
			}
			v = flat
		}
		got = append(got, map[string]any{"path": l["path"], "property": l["property"], "type": l["type"], "value": v})
	}
	var want []map[string]any
	for _, row := range rows {
		for k, v := range row {
			if k == "path" || v == nil {
				continue
			}
			name, _, _ := strings.Cut(k, "#")
			w := map[string]any{"path": row["path"], "property": name, "value": v}
			if typ, ok := types[fmt.Sprint(row["path"], " ", name)]; ok {
				w["type"] = typ
			}
			want = append(want, w)
		}
	}
	compareDumps(t, want, got)
}

// TestOthersReadOurScenes has OpenUSD read the layers runner writes and
// pyarrow the Parquet files, for scenes with every type the scene model
// carries (formatstest.AllTypes and Extended: sparse properties, one name
// of two types), in every crate version runner writes: each reads the
// scene's values, value for value, and nothing else.
func TestOthersReadOurScenes(t *testing.T) {
	py := testenv.Python(t, "pxr", "pyarrow")
	dir := t.TempDir()
	scenes := map[string]*formatstest.Scene{"alltypes": formatstest.AllTypes(20, true), "extended": formatstest.Extended(45)}
	variants := []struct {
		format string
		opts   map[string]any
	}{
		{"usdc", nil}, {"usdc", map[string]any{"version": "0.9.0"}},
		{"usdc", map[string]any{"version": "0.10.0", "compress": false, "specifier": "def"}},
		{"usda", nil}, {"usda", map[string]any{"specifier": "def", "type_name": "Xform"}},
		{"parquet", nil}, {"parquet", map[string]any{"compression": "zstd", "row_group_size": 7}},
	}
	var usd, pq []string
	expect := map[string][]map[string]any{}
	for name, s := range scenes {
		for i, v := range variants {
			f, _ := formats.Lookup(v.format)
			opts, err := formats.Normalize(f, v.opts)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, fmt.Sprintf("%s_%d%s", name, i, f.Extension()))
			s.Write(t, f, path, opts, 16)
			expect[path] = sceneLines(s)
			if v.format == "parquet" {
				pq = append(pq, path)
			} else {
				usd = append(usd, path)
			}
		}
	}
	dumps := openUSDDumps(t, py, filepath.Join("testdata", "openusd_corpus.py"), usd)
	for _, path := range usd {
		t.Run(filepath.Base(path), func(t *testing.T) {
			var attrs []map[string]any
			for _, l := range dumps[path] {
				if _, ok := l["type"]; ok {
					attrs = append(attrs, map[string]any{"path": l["path"], "property": l["property"], "type": l["type"], "value": l["value"]})
				}
			}
			compareDumps(t, attrs, expect[path])
		})
	}
	out := testenv.RunPython(t, py, filepath.Join("testdata", "pyarrow_rows.py"), pq...)
	for _, line := range bytes.Split(bytes.TrimSpace(out), []byte("\n")) {
		var d struct {
			File string            `json:"file"`
			Rows []json.RawMessage `json:"rows"`
		}
		if err := json.Unmarshal(line, &d); err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(d.File), func(t *testing.T) {
			var rows []map[string]any
			for _, r := range d.Rows {
				rows = append(rows, decodeLine(t, r))
			}
			comparePyarrow(t, rows, expect[d.File])
		})
	}
}

// sceneLines are the attribute lines of a scene's values, as runner cat
// prints them.
func sceneLines(s *formatstest.Scene) []map[string]any {
	var lines []map[string]any
	var v formats.Value
	for i, p := range s.Paths {
		for c := range s.Cols {
			col := &s.Cols[c]
			if !col.Has(i) {
				continue
			}
			col.Value(i, &v)
			var js []byte
			js = appendJSONValue(js, &v)
			dec := json.NewDecoder(bytes.NewReader(js))
			dec.UseNumber()
			var value any
			if err := dec.Decode(&value); err != nil {
				panic(err)
			}
			lines = append(lines, map[string]any{"path": p, "property": col.Property.Name, "type": v.Type.String(), "value": value})
		}
	}
	return lines
}
