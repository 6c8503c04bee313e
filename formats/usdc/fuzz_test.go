package usdc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenebench/runner/formats"
)

// FuzzOpen feeds arbitrary bytes to the reader: opening, reading every
// value and decoding the whole layer must fail with an error naming the
// file, never panic.
func FuzzOpen(f *testing.F) {
	for _, opts := range []formats.Options{nil, {"compress": false}, {"animated": true}} {
		f.Add(smallFile(f, opts))
	}
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.usdc"))
	// A layer OpenUSD wrote with metadata, list ops, time samples,
	// connections, relationships and variants.
	more, _ := filepath.Glob(filepath.Join("..", "..", "examples", "data", "*.usdc"))
	seeds = append(seeds, more...)
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := readAll("fuzz.usdc", data); err != nil && !strings.Contains(err.Error(), "fuzz.usdc") {
			t.Fatalf("error does not name the file: %v", err)
		}
	})
}
