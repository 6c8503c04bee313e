package formats_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/scenebench/runner/formats"
	_ "github.com/scenebench/runner/formats/all"
)

func TestDetect(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		file, content, want string
	}{
		{"a.bin", "PXR-USDC\x00\x08", "usdc"},
		{"b.bin", "PAR1\x15\x04", "parquet"},
		{"c.txt", "#usda 1.0\n", "usda"},
		{"c2.txt", "#usda 2.0\n", "usda"}, // the parser, not detection, refuses the version
		{"d.usda", "PXR-USDC", "usdc"},    // contents win over the name
		{"e.usdc", "", "usdc"},            // too short: by extension
		{"f.parquet", "xx", "parquet"},
		{"g.usda", "hello", "usda"},
		{"G.USDA", "hello", "usda"}, // extensions compare case-insensitively
		{"h.txt", "hello", ""},
		{"i", "PAR", ""},
	}
	for _, c := range cases {
		path := filepath.Join(dir, c.file)
		if err := os.WriteFile(path, []byte(c.content), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := formats.Detect(path)
		if c.want == "" {
			if !errors.Is(err, formats.ErrUnknownFormat) {
				t.Errorf("%s: err = %v, want ErrUnknownFormat", c.file, err)
			}
			continue
		}
		if err != nil || got.Name() != c.want {
			t.Errorf("%s: Detect = %v, %v; want %s", c.file, got, err, c.want)
		}
		if f, ok := formats.DetectBytes([]byte(c.content), c.file); !ok || f.Name() != c.want {
			t.Errorf("%s: DetectBytes = %v, %v; want %s", c.file, f, ok, c.want)
		}
	}
	if _, err := formats.Detect(filepath.Join(dir, "missing.usda")); err == nil || errors.Is(err, formats.ErrUnknownFormat) {
		t.Errorf("missing file: err = %v, want the open error", err)
	}
}

// TestSniffOwnFiles checks that every shipped format recognises the files
// its own writer makes.
func TestSniffOwnFiles(t *testing.T) {
	info := formats.SceneInfo{Schema: "custom", Hierarchy: "flat", Prims: 1,
		Properties: []formats.Property{{Name: "cost", Type: formats.Double}}}
	for _, name := range []string{"parquet", "usda", "usdc"} {
		f, ok := formats.Lookup(name)
		if !ok {
			t.Fatalf("%s is not registered", name)
		}
		opts, err := formats.Normalize(f, nil)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "scene.dat") // no telling extension
		w, err := f.Create(path, opts, info)
		if err != nil {
			t.Fatal(err)
		}
		b := &formats.Batch{Paths: []string{"/World/Prim_0"},
			Columns: []formats.Column{{Property: info.Properties[0], Doubles: []float64{1.5}}}}
		if err := w.Write(b); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		got, err := formats.Detect(path)
		if err != nil || got.Name() != name {
			t.Errorf("%s file detected as %v, %v", name, got, err)
		}
	}
}
