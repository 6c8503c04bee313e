package spec

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to the loader as a spec file: whatever the
// input, it must return either a plan or diagnostics (never both missing,
// never a panic), render the diagnostics, and give a plan that marshals.
// Seeded with every shipped suite, example and invalid spec.
func FuzzLoad(f *testing.F) {
	for _, pattern := range []string{"specs/*.hcl", "examples/*.hcl", "testdata/specs/invalid/*.hcl"} {
		paths, err := filepath.Glob(filepath.Join(repoRoot, pattern))
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		p, diags := LoadSources([]Source{{Name: "fuzz.hcl", Bytes: src}}, Options{Vars: []string{}})
		if diags == nil {
			t.Fatal("nil diagnostics")
		}
		if p == nil && !diags.HasErrors() {
			t.Fatal("no plan and no error")
		}
		if p != nil && diags.HasErrors() {
			t.Fatal("a plan despite errors")
		}
		if err := diags.Write(io.Discard, 78, true); err != nil {
			t.Fatal(err)
		}
		if p != nil {
			variants := len(p.Formats)
			if p.Report.Control && variants > 1 {
				variants++ // the baseline's A/A control
			}
			if len(p.Cells) != len(p.Datasets)*variants*len(p.Scenarios) || len(p.Cells) == 0 {
				t.Fatalf("%d cells from %d x %d x %d", len(p.Cells), len(p.Datasets), len(p.Formats), len(p.Scenarios))
			}
			if _, err := json.Marshal(p); err != nil {
				t.Fatal(err)
			}
		}
	})
}
