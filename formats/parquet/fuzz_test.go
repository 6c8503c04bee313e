package parquet

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/formatstest"
)

// FuzzOpen opens corrupted files through both indexes and reads everything
// it can: any outcome but a panic (or a runaway allocation) is fine.
func FuzzOpen(f *testing.F) {
	dir := f.TempDir()
	for i, opts := range []map[string]any{
		{"compression": "none", "row_group_size": 4, "dictionary": false},
		{"compression": "snappy", "row_group_size": 5},
	} {
		s := sceneSpec{prims: 11, extras: i == 0, seed: uint64(i)}
		s2 := s
		data, err := os.ReadFile(writeScene(f, dir, s2, opts))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	animated := formatstest.Extended(9)
	animate(animated, 2, 0, 1, true)
	ap := filepath.Join(dir, "animated.parquet")
	o, _ := formats.Normalize(Format{}, map[string]any{"row_group_size": 4})
	animated.Write(f, Format{}, ap, o, 9)
	if data, err := os.ReadFile(ap); err == nil {
		f.Add(data)
	}
	foreign := filepath.Join(dir, "foreign.parquet")
	writeArrow(f, foreign, true, "")
	if data, err := os.ReadFile(foreign); err == nil {
		f.Add(data)
	}
	work := f.TempDir()
	maxPageBytes = 1 << 20
	f.Cleanup(func() { maxPageBytes = 0 })
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(work, "fuzz.parquet")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, idx := range []string{"eager", "lazy"} {
			o, _ := formats.Normalize(Format{}, map[string]any{"index": idx, "cache_budget": 1 << 16})
			r, err := Format{}.Open(path, o)
			if err != nil {
				continue
			}
			props := r.Properties()
			prims, _ := r.Prims()
			var v formats.Value
			for i, p := range append(prims[:min(len(prims), 12):min(len(prims), 12)], "/World/Prim_3", "/nope") {
				for _, q := range props {
					r.Get(p, q.Name, &v)
				}
				if i > 20 {
					break
				}
			}
			sam := r.(formats.Sampler)
			for ph := range formats.PrimHandle(min(len(prims), 12)) {
				for q := range formats.PropertyHandle(len(props)) {
					times, _ := sam.SampleTimes(ph, q)
					for k := -1; k <= len(times); k++ {
						sam.GetSample(ph, q, k, &v)
					}
				}
			}
			r.Close()
		}
	})
}
