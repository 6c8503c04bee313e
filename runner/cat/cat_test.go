package cat

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/formatstest"
	"github.com/scenebench/runner/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// writeScene writes a small deep scene with every property type as usda.
func writeScene(t *testing.T, name string) string {
	t.Helper()
	f, ok := formats.Lookup("usda")
	if !ok {
		t.Fatal("usda is not registered")
	}
	opts, err := formats.Normalize(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	formatstest.AllTypes(6, true).Write(t, f, path, opts, 4)
	return path
}

// TestOpenUnknown: a file no format recognises is a usage error that says
// which formats were tried; a missing file is the open error.
func TestOpenUnknown(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(path, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	want := path + ": unknown file format (not usdc, usda or parquet by its contents or extension)"
	if _, err := Open(path); err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing.usda")); err == nil || strings.Contains(err.Error(), "unknown file format") {
		t.Errorf("missing file: err = %v", err)
	}
}

func TestOpenText(t *testing.T) {
	path := writeScene(t, "scene.dat") // detected by content, not name
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Format != "usda" {
		t.Errorf("format = %q", f.Format)
	}
	var out bytes.Buffer
	if err := f.Text(&out); err != nil {
		t.Fatal(err)
	}
	// cat of a usda layer we wrote is the layer itself.
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), orig) {
		t.Errorf("cat text differs from the layer:\n%s", out.String())
	}
	golden(t, "scene.usda.txt", out.Bytes())
}

// TestJSON: a layer prints a line per spec: its metadata, each prim, and
// each attribute with path, property, type and value.
func TestJSON(t *testing.T) {
	f, err := Open(writeScene(t, "scene.usda"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out bytes.Buffer
	if err := f.JSON(&out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	attrs := 0
	for _, l := range lines {
		var obj map[string]any
		if err := json.Unmarshal([]byte(l), &obj); err != nil {
			t.Fatalf("line %q is not JSON: %v", l, err)
		}
		if _, ok := obj["property"]; !ok {
			continue
		}
		attrs++
		for _, k := range []string{"path", "property", "type", "value"} {
			if _, ok := obj[k]; !ok {
				t.Fatalf("line %q lacks %q", l, k)
			}
		}
	}
	if want := 6 * len(formatstest.AllTypesProperties()); attrs != want {
		t.Fatalf("%d attribute lines, want %d", attrs, want)
	}
	golden(t, "scene.jsonl", out.Bytes())
}

func TestJSONSpecialValues(t *testing.T) {
	cases := []struct {
		v    formats.Value
		want string
	}{
		{formats.Value{Type: formats.Double, Num: 0.1}, "0.1"},
		{formats.Value{Type: formats.Float, Num: float64(float32(0.1))}, "0.1"},
		{formats.Value{Type: formats.DoubleArray, Doubles: []float64{1, nanValue(), -infValue()}}, `[1,"nan","-inf"]`},
		{formats.Value{Type: formats.String, Str: "a\"\\\n\x01\u2028é\xff"}, `"a\"\\\n\u0001\u2028é\ufffd"`},
		{formats.Value{Type: formats.Float3Array, Vecs: [][3]float32{{1, 2, 3}}}, "[[1,2,3]]"},
		{formats.Value{Type: formats.Bool, Bool: true}, "true"},
		{formats.Value{Type: formats.Int64, Int: -1 << 63}, "-9223372036854775808"},
	}
	for _, c := range cases {
		if got := string(appendJSONValue(nil, &c.v)); got != c.want {
			t.Errorf("%s: got %s, want %s", c.v.Type, got, c.want)
		}
	}
}

func nanValue() float64 { z := 0.0; return z / z }
func infValue() float64 { z := 0.0; return 1 / z }

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -update after checking)", path)
	}
}

// TestOpenUSDLayer prints a layer OpenUSD wrote (typed prims, metadata,
// role types, attributes without values): every spec appears once, and the
// text reads back to the same content.
func TestOpenUSDLayer(t *testing.T) {
	path := filepath.Join("..", "..", "formats", "usda", "testdata", "openusd_stage.usda")
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Format != "usda" {
		t.Fatalf("format = %q", f.Format)
	}
	var text, js bytes.Buffer
	if err := f.Text(&text); err != nil {
		t.Fatal(err)
	}
	if err := f.JSON(&js); err != nil {
		t.Fatal(err)
	}
	// The text reads back to the same values.
	again := filepath.Join(t.TempDir(), "again.usda")
	if err := os.WriteFile(again, text.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	f2, err := Open(again)
	if err != nil {
		t.Fatalf("reading the printed text: %v", err)
	}
	defer f2.Close()
	var js2 bytes.Buffer
	if err := f2.JSON(&js2); err != nil {
		t.Fatal(err)
	}
	if js.String() != js2.String() || strings.Count(js.String(), "\n") != 104 {
		t.Errorf("values differ after printing as text (%d and %d lines)", strings.Count(js.String(), "\n"), strings.Count(js2.String(), "\n"))
	}
	if !strings.Contains(text.String(), "custom point3f[] primvars:pts = [(0, 1, 2)]") {
		t.Errorf("role-typed attribute missing from:\n%s", text.String())
	}
	if !strings.Contains(js.String(), `"property":"unset","type":"double","value":null,"custom":true`) {
		t.Error("an attribute without a value is missing")
	}
}

// writeIn writes the every-type scene of writeScene in format name.
func writeIn(t *testing.T, name, file string) string {
	t.Helper()
	f, ok := formats.Lookup(name)
	if !ok {
		t.Fatalf("%s is not registered", name)
	}
	opts, err := formats.Normalize(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), file)
	formatstest.AllTypes(6, true).Write(t, f, path, opts, 4)
	return path
}

func catText(t *testing.T, path string) string {
	t.Helper()
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out bytes.Buffer
	if err := f.Text(&out); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// TestSceneDescription: cat prints the scene description a file records,
// with its real schema, hierarchy and seed, and none for a file that
// records none (a usdc file: OpenUSD prints none for it either). The same
// scene prints the same in every format, but for that block.
func TestSceneDescription(t *testing.T) {
	usda := catText(t, writeIn(t, "usda", "scene.usda"))
	parquet := catText(t, writeIn(t, "parquet", "scene.parquet"))
	usdc := catText(t, writeIn(t, "usdc", "scene.usdc"))
	for name, text := range map[string]string{"usda": usda, "parquet": parquet} {
		for _, want := range []string{`string hierarchy = "deep"`, `string schema = "custom"`, "uint64 seed = 7", "int64 prims = 6"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the scene description lacks %q:\n%s", name, want, text[:min(len(text), 800)])
			}
		}
	}
	if parquet != usda {
		t.Error("the same scene prints differently from parquet and from usda")
	}
	if strings.Contains(usdc, "customLayerData") {
		t.Errorf("usdc records no scene description, but cat printed one:\n%s", usdc[:min(len(usdc), 600)])
	}
	block := regexp.MustCompile(`(?s)\(\n    customLayerData = .*?\n\)\n`)
	if got := block.ReplaceAllString(usda, ""); got != usdc {
		t.Error("usdc and usda print different prims or values")
	}
}

// TestUSDCAsOpenUSDPrintsIt: for a usdc file we wrote, cat prints what
// OpenUSD's Sdf.Layer.ExportToString does, byte for byte.
func TestUSDCAsOpenUSDPrintsIt(t *testing.T) {
	python := testenv.Python(t, "pxr")
	path := writeIn(t, "usdc", "scene.usdc")
	script := filepath.Join(t.TempDir(), "export.py")
	if err := os.WriteFile(script, []byte("import sys\nfrom pxr import Sdf\nsys.stdout.write(Sdf.Layer.FindOrOpen(sys.argv[1]).ExportToString())\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	want := string(testenv.RunPython(t, python, script, path))
	if got := catText(t, path); got != want {
		t.Errorf("cat differs from OpenUSD's export:\n--- cat\n%s\n--- OpenUSD\n%s", got, want)
	}
}

// A Parquet scene's time samples print as OpenUSD writes them, and as a
// JSON line per sample with its time; the text is the layer our usda
// writer makes of the same scene.
func TestTimeSamples(t *testing.T) {
	info := formats.SceneInfo{Schema: "custom", Hierarchy: "flat", Prims: 2, Properties: []formats.Property{
		{Name: "x", Type: formats.Double, Samples: formats.Samples{Count: 2, Start: 1, Step: 0.5}},
		{Name: "k", Type: formats.Int},
	}}
	b := formats.NewBatch(info.Properties, 2)
	b.Paths = []string{"/World/Prim_0", "/World/Prim_1"}
	b.Columns[0].Doubles = []float64{1, 2}
	b.Columns[0].Samples[0].Doubles = []float64{10, 20}
	b.Columns[0].Samples[1].Doubles = []float64{11, 21}
	b.Columns[1].Ints = []int32{7, 8}
	dir := t.TempDir()
	paths := map[string]string{}
	for _, name := range []string{"parquet", "usda"} {
		f, _ := formats.Lookup(name)
		opts, err := formats.Normalize(f, nil)
		if err != nil {
			t.Fatal(err)
		}
		paths[name] = filepath.Join(dir, "anim"+f.Extension())
		w, err := f.Create(paths[name], opts, info)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(b); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	f, err := Open(paths["parquet"])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var text, js bytes.Buffer
	if err := f.Text(&text); err != nil {
		t.Fatal(err)
	}
	if err := f.JSON(&js); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"double x.timeSamples = {", "1.5: 21,"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	if want := `{"path":"/World/Prim_1","property":"x","time":1.5,"type":"double","value":21}`; !strings.Contains(js.String(), want) {
		t.Errorf("JSON lacks %s:\n%s", want, js.String())
	}
	// The usda writer's layer of the same scene has the same prims and
	// samples (its header says where it came from, which cat does not
	// know).
	written, err := os.ReadFile(paths["usda"])
	if err != nil {
		t.Fatal(err)
	}
	body := func(s string) string { return s[strings.Index(s, "\nover \"World\""):] }
	if body(string(written)) != body(text.String()) {
		t.Errorf("cat of the Parquet file:\n%s\nour usda of the same scene:\n%s", body(text.String()), body(string(written)))
	}
}
