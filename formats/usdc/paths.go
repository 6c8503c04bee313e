package usdc

import (
	"math"
	"sync"
	"unsafe"
)

// unassigned marks path table entries PATHS did not fill.
const unassigned = math.MinInt32

// readPaths decodes the compressed path tree into a parent/element table
// indexed by path index.
func (c *crate) readPaths(r *cursor) error {
	at := r.off
	numPaths := r.compressedCount("path table")
	numEnc := r.compressedCount("encoded path")
	if r.err != nil {
		return r.err
	}
	pathIdx := readCompressedInts[uint32](r, numEnc)
	elemTok := readCompressedInts[int32](r, numEnc)
	jumps := readCompressedInts[int32](r, numEnc)
	if r.err != nil {
		return r.err
	}
	// The table holds the encoded paths (and at most a few unencoded
	// empty ones); a larger claim is corrupt, and is not allocated.
	if numPaths < numEnc || numPaths > 2*numEnc+1024 {
		return c.errorf(at, "PATHS: path table of %d entries for %d encoded paths", numPaths, numEnc)
	}
	for i := range numEnc {
		if int(pathIdx[i]) >= numPaths {
			return c.errorf(at, "PATHS: entry %d names path %d of %d", i, pathIdx[i], numPaths)
		}
		if t := elemTok[i]; t == math.MinInt32 || int(abs32(t)) >= c.numTokens {
			return c.errorf(at, "PATHS: entry %d names token %d of %d", i, t, c.numTokens)
		}
	}
	c.numPaths = numPaths
	c.pathParent = make([]int32, numPaths)
	c.pathTok = make([]int32, numPaths)
	for i := range c.pathTok {
		c.pathTok[i] = unassigned
	}
	c.rootPath = -1
	// The three tables are dead once the tree is walked: index reuses
	// their memory for its own path-indexed tables.
	defer c.spare.put(asInt32(pathIdx), elemTok, jumps)
	if numEnc == 0 {
		return nil
	}
	c.rootPath = int32(pathIdx[0])
	visited := make([]uint64, (numEnc+63)/64) // a bit per entry
	type pending struct{ index, parent int32 }
	stack := []pending{{0, -1}}
	for len(stack) > 0 {
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		cur, parent := int(top.index), top.parent
		for {
			if cur >= numEnc {
				return c.errorf(at, "PATHS: tree runs past entry %d of %d", cur, numEnc)
			}
			if visited[cur/64]&(1<<(cur%64)) != 0 {
				return c.errorf(at, "PATHS: entry %d reached twice", cur)
			}
			visited[cur/64] |= 1 << (cur % 64)
			this := cur
			cur++
			pi := pathIdx[this]
			if parent < 0 {
				c.pathParent[pi] = -1
				c.pathTok[pi] = 0
				parent = int32(pi)
			} else {
				c.pathParent[pi] = parent
				c.pathTok[pi] = elemTok[this]
			}
			j := jumps[this]
			hasChild := j > 0 || j == -1
			hasSibling := j >= 0
			if hasChild {
				if hasSibling {
					sib := int64(this) + int64(j)
					if sib >= int64(numEnc) {
						return c.errorf(at, "PATHS: entry %d jumps to %d of %d", this, sib, numEnc)
					}
					stack = append(stack, pending{int32(sib), parent})
				}
				parent = int32(pi)
			}
			if !hasChild && !hasSibling {
				break
			}
		}
	}
	return nil
}

func abs32(x int32) int32 {
	if x < 0 {
		return -x
	}
	return x
}

// spareInts holds int32 tables a step of open no longer needs, for a
// later step to reuse instead of allocating: PATHS leaves three tables of
// one entry per path, and index needs three of the same length.
type spareInts struct {
	mu   sync.Mutex
	bufs [][]int32
}

func (s *spareInts) put(bufs ...[]int32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range bufs {
		if cap(b) > 0 {
			s.bufs = append(s.bufs, b)
		}
	}
}

// take returns a table of n entries, which hold any values: a spare one
// with room (the first that fits), else a new one.
func (s *spareInts) take(n int) []int32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, b := range s.bufs {
		if cap(b) >= n {
			s.bufs = append(s.bufs[:i], s.bufs[i+1:]...)
			return b[:n]
		}
	}
	return make([]int32, n)
}

// asInt32 views a uint32 table as int32s (the same bits).
func asInt32(u []uint32) []int32 {
	if len(u) == 0 {
		return nil
	}
	return unsafe.Slice((*int32)(unsafe.Pointer(unsafe.SliceData(u))), len(u))
}
