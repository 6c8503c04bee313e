package dataset

import (
	"math"
	"math/bits"
	"strconv"
)

// pathFunc appends the path of the i-th prim (counting from 0 in layer
// order) to buf. Paths depend on i alone, so generation can start anywhere.
type pathFunc func(buf []byte, i int) []byte

func appendInt(buf []byte, v int) []byte { return strconv.AppendInt(buf, int64(v), 10) }

// flatPaths: /World/Prim_<i>.
func flatPaths(buf []byte, i int) []byte {
	return appendInt(append(buf, "/World/Prim_"...), i)
}

// Deep hierarchy shape, as the original benchmark built it.
const (
	deepLevels = 10 // levels per zone
	deepRooms  = 10 // rooms per level
)

// deepShape returns the deep hierarchy's zones, components per room, and
// how many prims sit in rooms (the rest are under /World/Extra).
func deepShape(prims int) (zones, perRoom, inRooms int) {
	zones = max(1, prims/1000)
	perRoom = max(1, prims/(zones*deepLevels*deepRooms))
	inRooms = min(prims, zones*deepLevels*deepRooms*perRoom)
	return zones, perRoom, inRooms
}

// deepPaths: /World/Zone_<z>/Level_<l>/Room_<r>/Component_<c>, then
// /World/Extra/Prim_<i> for the remainder.
func deepPaths(prims int) pathFunc {
	_, perRoom, inRooms := deepShape(prims)
	perLevel := deepRooms * perRoom
	perZone := deepLevels * perLevel
	return func(buf []byte, i int) []byte {
		if i >= inRooms {
			return appendInt(append(buf, "/World/Extra/Prim_"...), i)
		}
		z, rem := i/perZone, i%perZone
		buf = appendInt(append(buf, "/World/Zone_"...), z)
		buf = appendInt(append(buf, "/Level_"...), rem/perLevel)
		rem %= perLevel
		buf = appendInt(append(buf, "/Room_"...), rem/perRoom)
		return appendInt(append(buf, "/Component_"...), rem%perRoom)
	}
}

// balancedCapacity is fanout^depth, saturated at the largest uint64.
func balancedCapacity(depth, fanout int) uint64 {
	c := uint64(1)
	for range depth {
		hi, lo := bits.Mul64(c, uint64(fanout))
		if hi != 0 {
			return ^uint64(0)
		}
		c = lo
	}
	return c
}

// balancedPaths: depth-1 levels of /Node_<k> (k the child's index under
// its parent) and then /Prim_<i>, the i-th prim being the i-th leaf of a
// complete fanout-ary tree filled in order.
func balancedPaths(depth, fanout int) pathFunc {
	// place[k] is the number of prims under one node of level k+1.
	place := make([]int, depth-1)
	const saturated = math.MaxInt32 // beyond any prim index (prims <= maxPrims): digit 0
	p := 1
	for k := depth - 2; k >= 0; k-- {
		if p > saturated/fanout {
			p = saturated
		} else {
			p *= fanout
		}
		place[k] = p
	}
	return func(buf []byte, i int) []byte {
		buf = append(buf, "/World"...)
		for _, pl := range place {
			buf = appendInt(append(buf, "/Node_"...), (i/pl)%fanout)
		}
		return appendInt(append(buf, "/Prim_"...), i)
	}
}
