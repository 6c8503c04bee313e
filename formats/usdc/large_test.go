package usdc

import (
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/formatstest"
)

// TestMillionPrims writes and reads back a 1M-prim building20 scene. It
// takes tens of seconds and a few GB, so it runs only with USDC_LARGE=1.
func TestMillionPrims(t *testing.T) {
	if os.Getenv("USDC_LARGE") != "1" {
		t.Skip("set USDC_LARGE=1 to write and read a 1M-prim file")
	}
	s := testScene{"deep", 1_000_000, formatstest.Building20(false), 99}
	t0 := time.Now()
	p := writeScene(t, t.TempDir(), s, nil)
	wrote := time.Since(t0)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	st, _ := os.Stat(p)
	t0 = time.Now()
	r, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	opened := time.Since(t0)
	prims, _ := r.Prims()
	if len(prims) != s.n {
		t.Fatalf("%d prims, want %d", len(prims), s.n)
	}
	// Spot-check values against the generator.
	want := expectedValues(t, s, map[int]bool{0: true, 123_457: true, 999_999: true})
	var v formats.Value
	for path, vals := range want {
		for j, prop := range s.props {
			if err := r.Get(path, prop.Name, &v); err != nil {
				t.Fatal(err)
			}
			if !v.Equal(&vals[j]) {
				t.Fatalf("%s.%s = %v, want %v", path, prop.Name, v.String(), vals[j].String())
			}
		}
	}
	t.Logf("1M prims: wrote %d MB in %v (heap peak about %d MB), opened in %v", st.Size()>>20, wrote, ms.HeapSys>>20, opened)
}

// expectedValues regenerates the values of the chosen prims.
func expectedValues(t testing.TB, s testScene, rows map[int]bool) map[string][]formats.Value {
	t.Helper()
	out := map[string][]formats.Value{}
	row := 0
	s.Batches(10_000, func(b *formats.Batch) error {
		for i, p := range b.Paths {
			if rows[row] {
				vals := make([]formats.Value, len(b.Columns))
				for c := range b.Columns {
					b.Columns[c].Value(i, &vals[c])
				}
				out[p] = vals
			}
			row++
		}
		return nil
	})
	return out
}
