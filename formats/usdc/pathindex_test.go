package usdc

import (
	"testing"

	"github.com/scenebench/runner/formats"
)

// Every prim is found by its path, and nothing else is, also when every
// path hashes alike (each candidate is then checked by its names alone).
func TestPathIndex(t *testing.T) {
	for _, hier := range []string{"flat", "deep"} {
		t.Run(hier, func(t *testing.T) {
			p := writeScene(t, t.TempDir(), testScene{hier, 40, allTypesProps, 3}, nil)
			r, err := Open(p)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			prims, _ := r.Prims()
			check := func(what string) {
				t.Helper()
				for want, path := range prims {
					if h, ok := r.lookupPrim(path); !ok || int(h) != want {
						t.Errorf("%s: %s gives %d %v, want %d", what, path, h, ok, want)
					}
					for _, miss := range []string{path + "/", path[1:], path + "x", path[:len(path)-1], "/" + path, path + "/" + path[1:]} {
						if _, ok := r.lookupPrim(miss); ok {
							if _, ok := listed(prims, miss); !ok {
								t.Errorf("%s: %q found, and no prim has that path", what, miss)
							}
						}
					}
				}
				for _, miss := range []string{"", "/", "//", "/World", "World"} {
					if _, ok := r.lookupPrim(miss); ok {
						if _, ok := listed(prims, miss); !ok {
							t.Errorf("%s: %q found", what, miss)
						}
					}
				}
			}
			check("index")
			// Every prim in one probe chain with one hash.
			for h := range r.paths.hash {
				r.paths.hash[h] = 7
			}
			clear(r.paths.slots)
			mask := len(r.paths.slots) - 1
			for h := range r.paths.hash {
				for s := 7 & mask; ; s = (s + 1) & mask {
					if r.paths.slots[s] == 0 {
						r.paths.slots[s] = int32(h) + 1
						break
					}
				}
			}
			for want, path := range prims {
				if h, ok := r.paths.lookupHash(r, 7, path); !ok || int(h) != want {
					t.Errorf("colliding: %s gives %d %v, want %d", path, h, ok, want)
				}
			}
			var v formats.Value
			if err := r.Get("/World/NoSuchPrim", "cost", &v); err == nil {
				t.Error("a get of a missing prim succeeded")
			}
		})
	}
}

func listed(prims []string, path string) (int, bool) {
	for i, p := range prims {
		if p == path {
			return i, true
		}
	}
	return 0, false
}
