package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/sdf"
	"github.com/scenebench/runner/formats/usdc"
	"github.com/scenebench/runner/internal/testenv"
	"github.com/scenebench/runner/runner/results"
)

// TestApplySourceDataset applies examples/source-dataset.hcl, whose dataset
// is a layer OpenUSD wrote (mixed types, attributes without values,
// attributes of types the scene model does not carry, a variant set), over
// usdc, usda and parquet: every cell ends ok, every step's digest agrees
// across formats, the traversal of every property digests exactly the
// values the source layer holds, OpenUSD reads the usd files written from
// it to the source's values, and the results and reports say what was
// imported and what was left out.
func TestApplySourceDataset(t *testing.T) {
	dir := t.TempDir()
	spec, err := os.ReadFile(filepath.Join("..", "examples", "source-dataset.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	layer := filepath.Join("..", "examples", "data", "scene.usdc")
	src, err := os.ReadFile(layer)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "data"), "scene.usdc", string(src))
	text := strings.Replace(string(spec), "settings {", "settings {\n  data_dir = \""+filepath.Join(dir, "cache")+"\"", 1)
	path := writeFile(t, dir, "source-dataset.hcl", text)
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runCmd(t, "apply", "-out", out, path)
	if code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", code, stdout, stderr)
	}
	raw, err := os.ReadFile(filepath.Join(out, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f results.File
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	formatsSeen := map[string]bool{}
	digests := map[string]map[string]bool{} // scenario/step -> digests
	traversal := ""
	for _, c := range f.Cells {
		if c.Status != results.StatusOK {
			t.Errorf("%s: %s %s", c.ID, c.Status, c.Error)
		}
		formatsSeen[c.FormatName] = true
		for _, s := range c.Steps {
			if s.Digest == "" {
				continue
			}
			k := c.Scenario + "/" + s.Name
			if digests[k] == nil {
				digests[k] = map[string]bool{}
			}
			digests[k][s.Digest] = true
			if k == "traverse-all/traverse" {
				traversal = s.Digest
			}
		}
	}
	for _, name := range []string{"usdc", "usda", "parquet"} {
		if !formatsSeen[name] {
			t.Errorf("no %s cell", name)
		}
	}
	for k, ds := range digests {
		if len(ds) != 1 {
			t.Errorf("%s: digests differ across formats: %v", k, ds)
		}
	}
	if len(f.Datasets) != 1 || f.Datasets[0].Source == nil {
		t.Fatalf("results describe no import: %+v", f.Datasets)
	}
	si := f.Datasets[0].Source
	if si.Format != "usdc" || si.Prims != 26 || f.Datasets[0].Prims != 26 || si.Values != 224 || len(si.SHA256) != 64 {
		t.Errorf("import = %+v", si)
	}
	left := map[string]int{}
	for _, n := range si.LeftOut {
		left[n.What] = n.Count
	}
	for what, n := range map[string]int{
		formats.NoteUnsupportedType("quatf[]"): 12, formats.NoteUnsupportedType("matrix3d"): 12,
		formats.NoteTimeSamplesOnly: 12, formats.NoteVariants: 2, formats.NoteRelationships: 12,
		formats.NoteNoDefault: 3, formats.NoteBlocked: 1,
	} {
		if left[what] != n {
			t.Errorf("left out %q: %d, want %d (%v)", what, left[what], n, si.LeftOut)
		}
	}
	types := map[string]bool{}
	for _, p := range si.Properties {
		if p.Name == "radius" {
			types[p.Type] = true
		}
	}
	if !types["float"] || !types["double"] {
		t.Errorf("radius imported as %v, want float and double", types)
	}
	// The traversal digests what the layer holds, read from it directly.
	if want := sourceDigest(t, layer); traversal != want {
		t.Errorf("traversal digest %s, the source layer's values give %s", traversal, want)
	}
	for _, report := range []string{"results.md", "report.html"} {
		b, err := os.ReadFile(filepath.Join(out, report))
		if err != nil || !strings.Contains(string(b), "imported from") || !strings.Contains(string(b), "quatf[]") {
			t.Errorf("%s does not say what was imported and left out (%v)", report, err)
		}
	}
	openUSDAgrees(t, layer, f.Datasets[0].Files)
	code, stdout, _ = runCmd(t, "plan", path)
	if code != 0 || !strings.Contains(stdout, "26 prims, 224 values of 24 properties") || !strings.Contains(stdout, "left out:") {
		t.Errorf("plan: exit %d\n%s", code, stdout)
	}
}

// sourceDigest digests every value of the layer's scene as a traversal of
// every property reads it: prims in layer order, properties in the order
// the import gives its columns (first appearance in layer order, a prim's
// names in OpenUSD's order: by name, dictionary order), pairs without a
// value skipped.
func sourceDigest(t *testing.T, path string) string {
	t.Helper()
	r, err := usdc.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	prims, _ := r.Prims()
	var all []string
	seen := map[string]bool{}
	for _, p := range r.Properties() {
		if !seen[p.Name] {
			seen[p.Name] = true
			all = append(all, p.Name)
		}
	}
	sort.SliceStable(all, func(a, b int) bool { return sdf.DictionaryLess(all[a], all[b]) })
	var names []string
	column := map[string]bool{}
	var v formats.Value
	for _, p := range prims {
		for _, n := range all {
			if !column[n] && r.Get(p, n, &v) == nil {
				column[n] = true
				names = append(names, n)
			}
		}
	}
	var dg formats.Digest
	dg.Reset()
	for _, p := range prims {
		for _, n := range names {
			if r.Get(p, n, &v) == nil {
				dg.Add(p, n, &v)
			}
		}
	}
	return dg.Hex()
}

// openUSDAgrees has OpenUSD read the source layer and the usd files the
// import wrote: every attribute value of the source of a type the scene
// model carries (outside variants) is in each written file, the same as
// OpenUSD reads it from the source, and the files hold nothing else.
func openUSDAgrees(t *testing.T, source string, files []results.DataFile) {
	t.Helper()
	py := testenv.Python(t, "pxr")
	args := []string{"dump", source}
	for _, f := range files {
		if strings.HasSuffix(f.Path, ".usdc") || strings.HasSuffix(f.Path, ".usda") {
			args = append(args, f.Path)
		}
	}
	if len(args) < 4 {
		t.Fatalf("no usd files among %v", files)
	}
	out := testenv.RunPython(t, py, filepath.Join("cat", "testdata", "openusd_corpus.py"), args...)
	values := map[string]map[string]any{} // file -> "path property" -> value
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		dec := json.NewDecoder(strings.NewReader(line))
		dec.UseNumber()
		var d struct {
			File  string           `json:"file"`
			Lines []map[string]any `json:"lines"`
		}
		if err := dec.Decode(&d); err != nil {
			t.Fatal(err)
		}
		m := map[string]any{}
		for _, l := range d.Lines {
			typ, _ := l["type"].(string)
			path, _ := l["path"].(string)
			if _, ok := formats.SceneTypeOf(typ); !ok || l["value"] == nil || strings.Contains(path, "{") {
				continue
			}
			m[path+" "+l["property"].(string)] = l["value"]
		}
		values[d.File] = m
	}
	want := values[source]
	for _, f := range args[2:] {
		got := values[f]
		if len(got) != len(want) {
			t.Errorf("OpenUSD reads %d values from %s, %d from the source", len(got), filepath.Base(f), len(want))
		}
		for k, w := range want {
			if g, ok := got[k]; !ok || !reflect.DeepEqual(g, w) {
				t.Errorf("%s: %s = %v, the source has %v", filepath.Base(f), k, g, w)
			}
		}
	}
}
