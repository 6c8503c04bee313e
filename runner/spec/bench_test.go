package spec

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkLoad10kFlat measures loading and expanding the default suite.
func BenchmarkLoad10kFlat(b *testing.B) {
	src, err := os.ReadFile(filepath.Join(repoRoot, "specs", "10k-flat.hcl"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if p, diags := LoadSources([]Source{{Name: "10k-flat.hcl", Bytes: src}}, Options{}); p == nil {
			b.Fatal(diags)
		}
	}
}
