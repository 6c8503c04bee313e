package usdc

import "strings"

// pathIndex finds a prim's handle from its path string without building
// every prim's path: each prim with values is keyed by the FNV-1a hash of
// its path, computed at open from its parent's hash and its name (FNV-1a
// streams, so extending the parent's state with "/" and the name gives
// the hash of the whole path), in an open-addressing table. A lookup
// hashes the path, probes the table, and checks a candidate by comparing
// its names with the path's elements from the last up, so a hash
// collision can never answer the wrong prim.
type pathIndex struct {
	slots []int32  // handle + 1; 0 is empty. len is a power of two
	hash  []uint64 // by handle
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func fnvString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return h
}

// buildPathIndex indexes the prims of primOfHandle. It costs a hash of
// every prim's name and one table insert per prim with values.
func (r *Reader) buildPathIndex() {
	hs := make([]uint64, len(r.prims))
	for i := range r.prims {
		p := &r.prims[i]
		h := uint64(fnvOffset)
		if p.parent >= 0 {
			h = hs[p.parent]
		}
		h = (h ^ '/') * fnvPrime
		hs[i] = fnvString(h, r.c.tokens[r.c.pathTok[p.pathIdx]])
	}
	n := len(r.primOfHandle)
	size := 8
	for size < 2*n {
		size *= 2
	}
	x := pathIndex{slots: make([]int32, size), hash: make([]uint64, n)}
	mask := uint64(size - 1)
	for h, rec := range r.primOfHandle {
		k := hs[rec]
		x.hash[h] = k
		for s := k & mask; ; s = (s + 1) & mask {
			if x.slots[s] == 0 {
				x.slots[s] = int32(h) + 1
				break
			}
		}
	}
	r.paths = x
}

// lookupPrim returns the handle of the prim at path, false when no prim
// with values has that path.
func (r *Reader) lookupPrim(path string) (int32, bool) {
	x := &r.paths
	if len(x.slots) == 0 {
		return 0, false
	}
	return x.lookupHash(r, fnvString(fnvOffset, path), path)
}

// lookupHash probes for path, whose hash is k.
func (x *pathIndex) lookupHash(r *Reader, k uint64, path string) (int32, bool) {
	mask := uint64(len(x.slots) - 1)
	for s := k & mask; ; s = (s + 1) & mask {
		v := x.slots[s]
		if v == 0 {
			return 0, false
		}
		if h := v - 1; x.hash[h] == k && r.primHasPath(r.primOfHandle[h], path) {
			return h, true
		}
	}
}

// primHasPath reports whether prim record rec has path path, comparing
// names from the last element up.
func (r *Reader) primHasPath(rec int32, path string) bool {
	for rec >= 0 {
		p := &r.prims[rec]
		name := r.c.tokens[r.c.pathTok[p.pathIdx]]
		if !strings.HasSuffix(path, name) {
			return false
		}
		path = path[:len(path)-len(name)]
		if !strings.HasSuffix(path, "/") {
			return false
		}
		path = path[:len(path)-1]
		rec = p.parent
	}
	return path == ""
}
