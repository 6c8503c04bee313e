package parquet

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/scenebench/runner/formats"
)

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name  string
		scene sceneSpec
		write map[string]any
	}{
		{"snappy-rg500", sceneSpec{prims: 2345, extras: true, seed: 1}, map[string]any{"row_group_size": 500}},
		{"none-nodict-nostats", sceneSpec{prims: 700, extras: true, seed: 2},
			map[string]any{"compression": "none", "dictionary": false, "statistics": false, "row_group_size": 64}},
		{"zstd-payload", sceneSpec{prims: 300, payload: true, seed: 3}, map[string]any{"compression": "zstd", "compression_level": 9}},
		{"lz4-smallpages", sceneSpec{prims: 1000, extras: true, seed: 4}, map[string]any{"compression": "lz4", "page_size": 1024}},
		{"gzip-one-row-groups", sceneSpec{prims: 5, extras: true, seed: 5}, map[string]any{"compression": "gzip", "row_group_size": 1}},
		{"brotli-empty", sceneSpec{prims: 0, extras: true, seed: 6}, map[string]any{"compression": "brotli"}},
	}
	reads := []map[string]any{
		{"index": "eager"},
		{"index": "lazy"},
		{"index": "lazy", "cache_budget": 4096},
		{"index": "eager", "cache_budget": 1},
	}
	for _, tc := range cases {
		path := writeScene(t, dir, tc.scene, tc.write)
		for _, ro := range reads {
			t.Run(fmt.Sprintf("%s/%v-%v", tc.name, ro["index"], ro["cache_budget"]), func(t *testing.T) {
				r := openScene(t, path, ro)
				limit := tc.scene.prims
				if testing.Short() {
					limit = min(limit, 300)
				}
				if ro["cache_budget"] != nil {
					limit = min(limit, 150) // tiny budgets re-decode on nearly every get
				}
				checkScene(t, r, tc.scene, limit)
			})
		}
	}
}

// checkScene reads every property of every prim, in a shuffled order so
// that row groups and caches are visited out of order, and compares.
func checkScene(t *testing.T, r formats.Reader, s sceneSpec, limit int) {
	t.Helper()
	if got, want := r.Properties(), s.properties(); !slices.Equal(got, want) {
		t.Fatalf("properties = %v, want %v", got, want)
	}
	prims, err := r.Prims()
	if err != nil {
		t.Fatal(err)
	}
	if len(prims) != s.prims {
		t.Fatalf("%d prims, want %d", len(prims), s.prims)
	}
	for i, p := range prims {
		if p != primPath(i) {
			t.Fatalf("prim %d = %q, want %q", i, p, primPath(i))
		}
	}
	order := rand.New(rand.NewPCG(1, 2)).Perm(s.prims)[:limit]
	var b formats.Batch
	var got formats.Value
	for _, row := range order {
		s.fill(&b, row, row+1)
		for _, c := range b.Columns {
			var want formats.Value
			c.Value(0, &want)
			if err := r.Get(primPath(row), c.Property.Name, &got); err != nil {
				t.Fatal(err)
			}
			if !got.Equal(&want) {
				t.Fatalf("%s %s = %v, want %v", primPath(row), c.Property.Name, got.String(), want.String())
			}
		}
	}
}

func TestConcurrentReaders(t *testing.T) {
	s := sceneSpec{prims: 3000, extras: true, seed: 9}
	path := writeScene(t, t.TempDir(), s, map[string]any{"row_group_size": 200})
	// A budget of a few blocks makes reads evict each other's blocks all
	// the time; every other read goes through handles.
	for _, ro := range []map[string]any{{"index": "eager"}, {"index": "lazy", "cache_budget": 20000}, {"index": "eager", "cache_budget": 3000}} {
		r := openScene(t, path, ro)
		res := r.(formats.Resolver)
		props := s.properties()
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func(seed uint64) {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(seed, 7))
				var v formats.Value
				for k := 0; k < 400; k++ {
					row, ci := rng.IntN(s.prims), rng.IntN(len(props))
					var err error
					if k%2 == 0 {
						err = r.Get(primPath(row), props[ci].Name, &v)
					} else {
						err = res.GetHandle(formats.PrimHandle(row), formats.PropertyHandle(ci), &v)
					}
					if err != nil {
						errs <- err
						return
					}
					want := s.value(row, ci)
					if !v.Equal(&want) {
						errs <- fmt.Errorf("%s %s = %v, want %v", primPath(row), props[ci].Name, v.String(), want.String())
						return
					}
				}
				if _, err := r.Prims(); err != nil {
					errs <- err
				}
			}(uint64(w))
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	}
}

func TestCacheBudgetEvicts(t *testing.T) {
	s := sceneSpec{prims: 2000, seed: 3}
	path := writeScene(t, t.TempDir(), s, map[string]any{"row_group_size": 100})
	const budget = 5000 // a double block of 100 rows is ~900 bytes
	r := openScene(t, path, map[string]any{"index": "lazy", "cache_budget": budget}).(*reader)
	var v formats.Value
	for row := 0; row < s.prims; row++ {
		for _, p := range []string{"cost", "weight", "supplier_id"} {
			if err := r.Get(primPath(row), p, &v); err != nil {
				t.Fatal(err)
			}
		}
	}
	used, blocks := r.cache.stats()
	if used > budget || blocks == 0 {
		t.Fatalf("cache holds %d bytes in %d blocks, budget %d", used, blocks, budget)
	}
	// Evicted blocks are reloaded correctly.
	want := s.value(0, 0)
	if err := r.Get(primPath(0), "cost", &v); err != nil || !v.Equal(&want) {
		t.Fatalf("reload after eviction: %v %v", v.String(), err)
	}
}

func TestWarmGetDoesNotAllocate(t *testing.T) {
	s := sceneSpec{prims: 500, payload: true, extras: true, seed: 4}
	path := writeScene(t, t.TempDir(), s, nil)
	for _, ro := range []map[string]any{{"index": "eager"}, {"index": "lazy"}, {"index": "lazy", "cache_budget": 1 << 30}} {
		r := openScene(t, path, ro)
		prim := primPath(123)
		for _, p := range s.properties() {
			var v formats.Value
			if err := r.Get(prim, p.Name, &v); err != nil {
				t.Fatal(err)
			}
			allocs := testing.AllocsPerRun(100, func() {
				if err := r.Get(prim, p.Name, &v); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Errorf("%v: warm get of %s allocates %.1f times", ro, p.Name, allocs)
			}
		}
	}
}

func TestWriterChecksScene(t *testing.T) {
	dir := t.TempDir()
	s := sceneSpec{prims: 10, seed: 1}
	o, _ := formats.Normalize(Format{}, nil)
	cases := []struct {
		name  string
		write func(w formats.Writer) error
	}{
		{"too few prims", func(w formats.Writer) error {
			var b formats.Batch
			s.fill(&b, 0, 5)
			return w.Write(&b)
		}},
		{"duplicate path", func(w formats.Writer) error {
			var b formats.Batch
			s.fill(&b, 0, 10)
			b.Paths[7] = b.Paths[2]
			return w.Write(&b)
		}},
		{"wrong columns", func(w formats.Writer) error {
			var b formats.Batch
			s.fill(&b, 0, 10)
			b.Columns = b.Columns[1:]
			return w.Write(&b)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w, err := Format{}.Create(dir+"/x.parquet", o, s.SceneInfo())
			if err != nil {
				t.Fatal(err)
			}
			err = tc.write(w)
			if cerr := w.Close(); err == nil {
				err = cerr
			}
			if err == nil {
				t.Fatal("no error")
			}
			t.Log(err)
		})
	}
}

func TestNotFound(t *testing.T) {
	s := sceneSpec{prims: 50, seed: 1}
	path := writeScene(t, t.TempDir(), s, nil)
	for _, idx := range []string{"eager", "lazy"} {
		r := openScene(t, path, map[string]any{"index": idx})
		var v formats.Value
		err := r.Get("/World/Nope", "cost", &v)
		var nf *formats.NotFoundError
		if !errors.As(err, &nf) || nf.Prim != "/World/Nope" || nf.Property != "" {
			t.Errorf("%s: unknown prim: %v", idx, err)
		}
		err = r.Get(primPath(3), "nope", &v)
		if !errors.As(err, &nf) || nf.Property != "nope" || !errors.Is(err, formats.ErrNotFound) {
			t.Errorf("%s: unknown property: %v", idx, err)
		}
	}
}

// rowGroupOf's division by multiplication agrees with division.
func TestRowGroupOf(t *testing.T) {
	rows := []int64{0, 1, 2, 999, 1000, 1001, 65535, 65536, 1<<31 - 1, 1 << 31, 1<<32 - 2}
	for _, size := range []int64{1, 2, 3, 7, 10, 64, 1000, 1024, 65537, 1<<31 - 1, 1<<32 - 1} {
		r := &reader{}
		r.setRowGroupSize(size)
		for _, row := range rows {
			g, i := r.rowGroupOf(row)
			if int64(g) != row/size || int64(i) != row%size {
				t.Errorf("row %d in groups of %d: got (%d, %d), want (%d, %d)", row, size, g, i, row/size, row%size)
			}
		}
	}
}

// TestGetHandleAfterClose: a value read before Close stays valid after it
// (the blocks are dropped, not reused), and a read after Close fails.
func TestGetHandleAfterClose(t *testing.T) {
	s := sceneSpec{prims: 300, payload: true, extras: true, seed: 5}
	path := writeScene(t, t.TempDir(), s, map[string]any{"row_group_size": 100})
	for _, index := range []string{"eager", "lazy"} {
		r := openScene(t, path, map[string]any{"index": index})
		res := r.(formats.Resolver)
		props := s.properties()
		got := make([]formats.Value, len(props))
		for ci := range props {
			if err := res.GetHandle(150, formats.PropertyHandle(ci), &got[ci]); err != nil {
				t.Fatal(err)
			}
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		for ci := range props {
			if want := s.value(150, ci); !got[ci].Equal(&want) {
				t.Errorf("%s: %s after Close = %v, want %v", index, props[ci].Name, got[ci].String(), want.String())
			}
			var v formats.Value
			if err := res.GetHandle(150, formats.PropertyHandle(ci), &v); !errors.Is(err, errClosed) {
				t.Errorf("%s: GetHandle of %s after Close: %v, want %v", index, props[ci].Name, err, errClosed)
			}
		}
	}
}
