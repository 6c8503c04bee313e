package spec

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden diagnostics in testdata/specs/invalid")

// repoRoot is where specs/, examples/ and testdata/ live.
const repoRoot = "../.."

// goldenWidth is the fixed width golden diagnostics are wrapped at.
const goldenWidth = 78

// TestInvalidSpecsGolden loads every spec in testdata/specs/invalid and
// compares its rendered diagnostics (no colour, fixed width) with the
// .golden file beside it. Run with -update to rewrite them after a
// deliberate change of wording.
func TestInvalidSpecsGolden(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(repoRoot, "testdata", "specs", "invalid", "*.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 25 {
		t.Fatalf("found %d invalid specs, want at least 25", len(paths))
	}
	for _, path := range paths {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".hcl"), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			// The base name keeps the golden output independent of where
			// the test runs from.
			p, diags := LoadSources([]Source{{Name: name, Bytes: src}}, Options{})
			if p != nil || !diags.HasErrors() {
				t.Fatalf("spec loaded without errors; invalid specs must fail")
			}
			var got bytes.Buffer
			if err := diags.Write(&got, goldenWidth, false); err != nil {
				t.Fatal(err)
			}
			golden := strings.TrimSuffix(path, ".hcl") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./runner/spec -run Golden -update to create it)", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("diagnostics differ from %s (-update rewrites it)\n--- got\n%s\n--- want\n%s", golden, got.Bytes(), want)
			}
		})
	}
}
