package usdc

import (
	"sync"
	"testing"

	"github.com/scenebench/runner/formats"
)

// TestWarmGetDoesNotAllocate: scalar, string and token reads allocate
// nothing; array reads reuse the caller's slices.
func TestWarmGetDoesNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop buffers")
	}
	p := writeScene(t, t.TempDir(), testScene{"flat", 50, allTypesProps, 11}, nil)
	r, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	paths := []string{primPath("flat", 0), primPath("flat", 1), primPath("flat", 2), primPath("flat", 3)}
	for _, prop := range allTypesProps {
		var v formats.Value
		for _, pp := range paths { // warm the slices up
			if err := r.Get(pp, prop.Name, &v); err != nil {
				t.Fatal(err)
			}
		}
		allocs := testing.AllocsPerRun(100, func() {
			for _, pp := range paths {
				if err := r.Get(pp, prop.Name, &v); err != nil {
					t.Fatal(err)
				}
			}
		})
		limit := 0.0
		if prop.Type.IsArray() {
			limit = 0
		}
		if allocs > limit {
			t.Errorf("%s (%s): %.1f allocations per 4 reads", prop.Name, prop.Type, allocs)
		}
	}
}

// TestConcurrentGets reads every value from several goroutines at once
// (run with -race) and checks they agree with a sequential read.
func TestConcurrentGets(t *testing.T) {
	s := testScene{"deep", 400, allTypesProps, 12}
	p := writeScene(t, t.TempDir(), s, nil)
	r, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	prims, _ := r.Prims()
	digest := func() uint64 {
		var d formats.Digest
		d.Reset()
		var v formats.Value
		for _, pp := range prims {
			for _, prop := range r.Properties() {
				if err := r.Get(pp, prop.Name, &v); err != nil {
					t.Error(err)
					return 0
				}
				d.Add(pp, prop.Name, &v)
			}
		}
		return d.Sum()
	}
	want := digest()
	var wg sync.WaitGroup
	sums := make([]uint64, 4)
	for g := range sums {
		wg.Go(func() { sums[g] = digest() })
	}
	wg.Wait()
	for g, sum := range sums {
		if sum != want {
			t.Fatalf("goroutine %d digest %x, want %x", g, sum, want)
		}
	}
}

// TestProperties reports the declared properties, types and array lengths
// in column order.
func TestProperties(t *testing.T) {
	p := writeScene(t, t.TempDir(), testScene{"flat", 5, allTypesProps, 13}, nil)
	r, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got := r.Properties()
	if len(got) != len(allTypesProps) {
		t.Fatalf("%d properties, want %d", len(got), len(allTypesProps))
	}
	for i, want := range allTypesProps {
		if got[i].Name != want.Name || got[i].Type != want.Type {
			t.Errorf("property %d = %s %s, want %s %s", i, got[i].Type, got[i].Name, want.Type, want.Name)
		}
	}
}
