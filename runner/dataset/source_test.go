package dataset

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/scenebench/runner/formats"
	_ "github.com/scenebench/runner/formats/all"
	"github.com/scenebench/runner/formats/sdf"
)

// sourceLayer is the layer examples/source-dataset.hcl imports: written by
// OpenUSD, with mixed types, attributes without values and attributes of
// types the scene model does not carry.
func sourceLayer(t testing.TB) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "examples", "data", "scene.usdc"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// copyTo copies a file into dir under name.
func copyTo(t testing.TB, src, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// sceneDigest reads every value of a file's scene in layer order.
func sceneDigest(t testing.TB, f formats.Format, path string) (string, int) {
	t.Helper()
	r, err := f.Open(path, testOpts(t, f, nil))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	prims, err := r.Prims()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	seen := map[string]bool{}
	for _, p := range r.Properties() {
		if !seen[p.Name] {
			seen[p.Name] = true
			names = append(names, p.Name)
		}
	}
	sort.Strings(names) // formats order a prim's properties differently
	var dg formats.Digest
	dg.Reset()
	var v formats.Value
	for _, p := range prims {
		for _, n := range names {
			err := r.Get(p, n, &v)
			if errors.Is(err, formats.ErrNoValue) {
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			dg.Add(p, n, &v)
		}
	}
	return dg.Hex(), dg.Count()
}

// TestImportSource: the import holds the layer's scene (prims with values,
// one column per name and type, sparse where prims lack a value) and
// counts what it left out; every format written from it reads back to the
// layer's own values; a text twin of the layer imports the same.
func TestImportSource(t *testing.T) {
	dir := t.TempDir()
	src := copyTo(t, sourceLayer(t), dir, "scene.usd") // .usd: recognised by its contents
	cfg := Config{Name: "mine", Source: src}
	im, err := Import(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if im.Format != "usdc" || im.Prims != 26 || im.Values != 224 || len(im.SHA256) != 64 {
		t.Fatalf("import %+v", im)
	}
	radius := 0
	for _, p := range im.Properties {
		if p.Name == "radius" {
			radius++
		}
	}
	if radius != 2 {
		t.Errorf("radius imported as %d properties, want 2 (float and double)", radius)
	}
	if !strings.Contains(im.Summary(), "attributes of type quatf[], which the scene model does not carry (12)") {
		t.Errorf("summary %s", im.Summary())
	}
	want, n := sceneDigest(t, mustFormat(t, "usdc"), src)
	if n != im.Values {
		t.Fatalf("the layer holds %d values, the import %d", n, im.Values)
	}
	info, err := Info(cfg)
	if err != nil || info.Prims != 26 {
		t.Fatalf("info %+v, %v", info, err)
	}
	layout, err := NewLayout(cfg)
	if err != nil || layout.Prims() != 26 || layout.PrimPath(0) != "/Room/Looks/Wood/Texture" {
		t.Fatalf("layout: %v", err)
	}
	data := filepath.Join(dir, "data")
	for _, name := range []string{"usdc", "usda", "parquet"} {
		f := mustFormat(t, name)
		file := mustEnsure(t, data, cfg, f, testOpts(t, f, nil), EnsureOptions{})
		if !strings.Contains(filepath.Base(file.Path), "-source-26-") {
			t.Errorf("%s: file name %s", name, file.Path)
		}
		if got, n := sceneDigest(t, f, file.Path); got != want || n != im.Values {
			t.Errorf("%s: %d values digest to %s, the layer's to %s", name, n, got, want)
		}
		again := mustEnsure(t, data, cfg, f, testOpts(t, f, nil), EnsureOptions{})
		if !again.Reused || again.Path != file.Path {
			t.Errorf("%s: a second Ensure rebuilt the file", name)
		}
	}
	base, err := EnsureBase(context.Background(), data, cfg, mustFormat(t, BaseFormat), EnsureOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(base.Path); !bytes.Contains(b, []byte(`def "Geom"`)) || bytes.Contains(b, []byte("points")) {
		t.Errorf("base layer:\n%s", b)
	}

	// The layer's text twin (runner cat's text) imports the same scene.
	l, release, err := mustFormat(t, "usdc").(sdf.LayerOpener).OpenLayer(src)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	var text bytes.Buffer
	if err := l.Text(&text); err != nil {
		t.Fatal(err)
	}
	twin := filepath.Join(dir, "scene.usda")
	if err := os.WriteFile(twin, text.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	im2, err := Import(Config{Name: "twin", Source: twin})
	if err != nil {
		t.Fatal(err)
	}
	if im2.Prims != im.Prims || im2.Values != im.Values || len(im2.LeftOut) != len(im.LeftOut) {
		t.Errorf("the text twin imports %d prims, %d values, %v; the layer %d, %d, %v", im2.Prims, im2.Values, im2.LeftOut, im.Prims, im.Values, im.LeftOut)
	}
	file := mustEnsure(t, data, Config{Name: "twin", Source: twin}, mustFormat(t, "parquet"), testOpts(t, mustFormat(t, "parquet"), nil), EnsureOptions{})
	if got, _ := sceneDigest(t, mustFormat(t, "parquet"), file.Path); got != want {
		t.Errorf("the text twin's data digests to %s, the layer's to %s", got, want)
	}
}

// The cache key covers the source file's contents: the same bytes at
// another path share the files, other bytes make new ones.
func TestImportCacheKey(t *testing.T) {
	dir := t.TempDir()
	a := copyTo(t, sourceLayer(t), dir, "a.usdc")
	b := copyTo(t, sourceLayer(t), dir, "b.usdc")
	f := mustFormat(t, "parquet")
	opts := testOpts(t, f, nil)
	pa, err := FilePath(dir, Config{Name: "a", Source: a}, f, opts)
	if err != nil {
		t.Fatal(err)
	}
	pb, _ := FilePath(dir, Config{Name: "b", Source: b}, f, opts)
	if pa != pb {
		t.Errorf("same contents, different files: %s, %s", pa, pb)
	}
	// Another layer: the scene's text with one value changed.
	l, release, err := mustFormat(t, "usdc").(sdf.LayerOpener).OpenLayer(a)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	var text bytes.Buffer
	l.Text(&text)
	changed := strings.Replace(text.String(), "double userProperties:cost = 100", "double userProperties:cost = 101", 1)
	c := filepath.Join(dir, "c.usda")
	if err := os.WriteFile(c, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	pc, _ := FilePath(dir, Config{Name: "c", Source: c}, f, opts)
	if pc == pa || changed == text.String() {
		t.Errorf("other contents share a file name %s", pc)
	}
}

func TestImportRefuses(t *testing.T) {
	dir := t.TempDir()
	pq := filepath.Join(dir, "table.parquet")
	pf := mustFormat(t, "parquet")
	w, err := pf.Create(pq, testOpts(t, pf, nil), formats.SceneInfo{Properties: []formats.Property{{Name: "x", Type: formats.Double}}})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(&formats.Batch{Paths: []string{"/A"}, Columns: []formats.Column{{Property: formats.Property{Name: "x", Type: formats.Double}, Doubles: []float64{1}}}})
	w.Close()
	empty := filepath.Join(dir, "empty.usda")
	os.WriteFile(empty, []byte("#usda 1.0\ndef \"A\" {\n    rel r = </B>\n}\n"), 0o644)
	for _, c := range []struct{ path, want string }{
		{filepath.Join(dir, "missing.usdc"), "no such file"},
		{pq, "a parquet file; a source is a USD layer"},
		{empty, "holds no attribute value the scene model carries (left out: relationships, which a scene does not hold (1))"},
		{"relative.usdc", "not absolute"},
	} {
		errs := Validate(Config{Name: "x", Source: c.path})
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.path, errs, c.want)
		}
		var ce *ConfigError
		if len(errs) == 1 && (!errors.As(errs[0], &ce) || ce.Field != "source") {
			t.Errorf("%s: not a source error: %v", c.path, errs[0])
		}
	}
}

func mustFormat(t testing.TB, name string) formats.Format {
	t.Helper()
	f, ok := formats.Lookup(name)
	if !ok {
		t.Fatalf("no format %s", name)
	}
	return f
}
