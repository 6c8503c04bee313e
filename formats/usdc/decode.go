package usdc

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/scenebench/runner/formats"
)

// bytesAt returns n bytes at off, or an error naming the position.
func (c *crate) bytesAt(off uint64, n uint64, what string) ([]byte, error) {
	if off > uint64(len(c.data)) || n > uint64(len(c.data))-off {
		return nil, c.errorf(int64(min(off, math.MaxInt64)), "%s of %d bytes runs past the end of the file (size %d)", what, n, len(c.data))
	}
	return c.data[off : off+n], nil
}

// token returns token i.
func (c *crate) token(i uint64) (string, error) {
	if i >= uint64(len(c.tokens)) {
		return "", fmt.Errorf("usdc: %s: token index %d out of range (%d tokens)", c.name, i, len(c.tokens))
	}
	return c.tokens[i], nil
}

// field returns the value of the field named name in fieldset fs.
func (c *crate) field(fs uint32, name string) (valueRep, bool) {
	for i := int(fs); i < len(c.fieldSets); i++ {
		f := c.fieldSets[i]
		if f == fieldSetEnd {
			break
		}
		if c.tokens[c.fieldTok[f]] == name {
			return c.fieldRep[f], true
		}
	}
	return 0, false
}

// fieldByToken returns the field of fieldset fs whose name is token tok.
func (c *crate) fieldByToken(fs uint32, tok int64) (valueRep, bool) {
	for i := int(fs); i < len(c.fieldSets); i++ {
		f := c.fieldSets[i]
		if f == fieldSetEnd {
			break
		}
		if int64(c.fieldTok[f]) == tok {
			return c.fieldRep[f], true
		}
	}
	return 0, false
}

// tokenVector decodes a TokenVector value (appending to dst).
func (c *crate) tokenVector(rep valueRep, dst []uint32) ([]uint32, error) {
	if rep.typ() != tTokenVector || rep.isArray() {
		return nil, fmt.Errorf("usdc: %s: expected a TokenVector, found %s", c.name, typeCodeName(rep.typ()))
	}
	if rep.isInlined() {
		return dst, nil
	}
	off := rep.payload()
	hdr, err := c.bytesAt(off, 8, "token vector")
	if err != nil {
		return nil, err
	}
	n := binary.LittleEndian.Uint64(hdr)
	if n > uint64(len(c.data))/4 {
		return nil, c.errorf(int64(off), "token vector count %d exceeds the file", n)
	}
	b, err := c.bytesAt(off+8, 4*n, "token vector")
	if err != nil {
		return nil, err
	}
	dst = slices.Grow(dst, int(n))
	for i := range n {
		t := binary.LittleEndian.Uint32(b[4*i:])
		if int(t) >= len(c.tokens) {
			return nil, c.errorf(int64(off+8+4*i), "token vector names token %d of %d", t, len(c.tokens))
		}
		dst = append(dst, t)
	}
	return dst, nil
}

// decodeValue reads the value rep points at into dst.
func (c *crate) decodeValue(rep valueRep, dst *formats.Value) error {
	if rep.isArrayEdit() {
		return fmt.Errorf("usdc: %s: array edits (crate 0.14.0) are not supported", c.name)
	}
	t := rep.typ()
	if t == tAnimationBlock {
		return fmt.Errorf("usdc: %s: animation blocks (crate 0.14.0) are not supported", c.name)
	}
	st := sceneType(t, rep.isArray())
	if st == formats.Invalid {
		arr := ""
		if rep.isArray() {
			arr = "[]"
		}
		return fmt.Errorf("usdc: %s: unsupported value type %s%s", c.name, typeCodeName(t), arr)
	}
	dst.Type = st
	if rep.isArray() {
		return c.decodeArray(rep, dst)
	}
	p := rep.payload()
	le := binary.LittleEndian
	switch t {
	case tBool:
		dst.Bool = p&0xff != 0
	case tInt:
		dst.Int = int64(int32(uint32(p)))
	case tFloat:
		dst.Num = float64(math.Float32frombits(uint32(p)))
	case tDouble:
		if rep.isInlined() {
			dst.Num = float64(math.Float32frombits(uint32(p)))
			return nil
		}
		b, err := c.bytesAt(p, 8, "double")
		if err != nil {
			return err
		}
		dst.Num = math.Float64frombits(le.Uint64(b))
	case tInt64:
		if rep.isInlined() {
			dst.Int = int64(int32(uint32(p)))
			return nil
		}
		b, err := c.bytesAt(p, 8, "int64")
		if err != nil {
			return err
		}
		dst.Int = int64(le.Uint64(b))
	case tString:
		i := uint32(p)
		if int(i) >= len(c.strs) {
			return fmt.Errorf("usdc: %s: string index %d out of range (%d strings)", c.name, i, len(c.strs))
		}
		dst.Str = c.tokens[c.strs[i]]
	case tToken:
		s, err := c.token(uint64(uint32(p)))
		if err != nil {
			return err
		}
		dst.Str = s
	case tHalf:
		dst.Num = float64(formats.HalfToFloat32(uint16(p)))
	case tAssetPath:
		s, err := c.token(uint64(uint32(p)))
		if err != nil {
			return err
		}
		dst.Str = s
	case tVec2d, tVec2f, tVec2i, tVec3i, tVec4d, tVec4f, tVec4i, tQuatf, tQuatd:
		return c.decodeComps(rep, st, dst.Tuple[:st.Width()])
	case tMatrix4d:
		if rep.isInlined() {
			dst.Tuple = [16]float64{}
			for i := range 4 {
				dst.Tuple[5*i] = float64(int8(p >> (8 * i)))
			}
			return nil
		}
		return c.decodeComps(rep, st, dst.Tuple[:16])
	case tVec3f, tVec3d:
		if rep.isInlined() {
			for i := range 3 {
				dst.Vec[i] = float64(int8(p >> (8 * i)))
			}
			return nil
		}
		if t == tVec3f {
			b, err := c.bytesAt(p, 12, "float3")
			if err != nil {
				return err
			}
			for i := range 3 {
				dst.Vec[i] = float64(math.Float32frombits(le.Uint32(b[4*i:])))
			}
		} else {
			b, err := c.bytesAt(p, 24, "double3")
			if err != nil {
				return err
			}
			for i := range 3 {
				dst.Vec[i] = math.Float64frombits(le.Uint64(b[8*i:]))
			}
		}
	}
	return nil
}

// decodeComps reads the components of a vector or quaternion (inlined as
// int8s, or out of line as scalars) or of a matrix stored out of line, in
// the scene's order: a quaternion's real part first (GfQuat stores it
// last).
func (c *crate) decodeComps(rep valueRep, t formats.Type, out []float64) error {
	p := rep.payload()
	if rep.isInlined() {
		if t == formats.Quatf || t == formats.Quatd || len(out) > 4 {
			return fmt.Errorf("usdc: %s: a %s cannot be inlined", c.name, t)
		}
		for i := range out {
			out[i] = float64(int8(p >> (8 * i)))
		}
		return nil
	}
	size := uint64(4)
	if t.Kind() == formats.KindDouble {
		size = 8
	}
	b, err := c.bytesAt(p, size*uint64(len(out)), t.String())
	if err != nil {
		return err
	}
	le := binary.LittleEndian
	for i := range out {
		switch t.Kind() {
		case formats.KindDouble:
			out[i] = math.Float64frombits(le.Uint64(b[8*i:]))
		case formats.KindFloat:
			out[i] = float64(math.Float32frombits(le.Uint32(b[4*i:])))
		case formats.KindInt:
			out[i] = float64(int32(le.Uint32(b[4*i:])))
		}
	}
	if t == formats.Quatf || t == formats.Quatd {
		out[0], out[1], out[2], out[3] = out[3], out[0], out[1], out[2]
	}
	return nil
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// decodeArray reads an array value, honouring the layout of older crate
// versions (a leading rank before 0.5.0, 32-bit counts before 0.7.0).
func (c *crate) decodeArray(rep valueRep, dst *formats.Value) error {
	t := rep.typ()
	off := rep.payload()
	if off == 0 {
		setArrayLen(dst, t, 0)
		return nil
	}
	le := binary.LittleEndian
	if !c.ver.atLeast(5) {
		off += 4 // rank
	}
	var n uint64
	if c.ver.atLeast(7) {
		b, err := c.bytesAt(off, 8, "array count")
		if err != nil {
			return err
		}
		n, off = le.Uint64(b), off+8
	} else {
		b, err := c.bytesAt(off, 4, "array count")
		if err != nil {
			return err
		}
		n, off = uint64(le.Uint32(b)), off+4
	}
	elem := uint64(4)
	switch t {
	case tDouble, tInt64, tVec2f:
		elem = 8
	case tVec3f:
		elem = 12
	case tHalf:
		elem = 2
	case tBool:
		elem = 1
	}
	compressed := rep.isCompressed() && n >= minCompressedArray &&
		(((t == tInt || t == tInt64) && c.ver.atLeast(5)) || ((t == tFloat || t == tDouble || t == tHalf) && c.ver.atLeast(6)))
	if !compressed {
		if n > uint64(len(c.data))/elem {
			return c.errorf(int64(off), "array of %d elements exceeds the file", n)
		}
		b, err := c.bytesAt(off, n*elem, "array")
		if err != nil {
			return err
		}
		setArrayLen(dst, t, int(n))
		switch t {
		case tInt:
			for i := range dst.Ints {
				dst.Ints[i] = int32(le.Uint32(b[4*i:]))
			}
		case tFloat:
			for i := range dst.Floats {
				dst.Floats[i] = math.Float32frombits(le.Uint32(b[4*i:]))
			}
		case tDouble:
			for i := range dst.Doubles {
				dst.Doubles[i] = math.Float64frombits(le.Uint64(b[8*i:]))
			}
		case tVec3f:
			for i := range dst.Vecs {
				e := b[12*i:]
				dst.Vecs[i] = [3]float32{math.Float32frombits(le.Uint32(e)),
					math.Float32frombits(le.Uint32(e[4:])), math.Float32frombits(le.Uint32(e[8:]))}
			}
		case tVec2f:
			for i := range dst.Floats {
				dst.Floats[i] = math.Float32frombits(le.Uint32(b[4*i:]))
			}
		case tInt64:
			for i := range dst.Int64s {
				dst.Int64s[i] = int64(le.Uint64(b[8*i:]))
			}
		case tHalf:
			for i := range dst.Halfs {
				dst.Halfs[i] = le.Uint16(b[2*i:])
			}
		case tBool:
			for i := range dst.Bools {
				dst.Bools[i] = b[i] != 0
			}
		case tToken:
			for i := range dst.Strs {
				s, err := c.token(uint64(le.Uint32(b[4*i:])))
				if err != nil {
					return err
				}
				dst.Strs[i] = s
			}
		case tString:
			for i := range dst.Strs {
				k := le.Uint32(b[4*i:])
				if int(k) >= len(c.strs) {
					return fmt.Errorf("usdc: %s: string index %d out of range (%d strings)", c.name, k, len(c.strs))
				}
				dst.Strs[i] = c.tokens[c.strs[k]]
			}
		}
		return nil
	}
	sc := scratchPool.Get().(*arrayScratch)
	defer scratchPool.Put(sc)
	if t == tInt {
		ints, err := c.compressedIntsAt(off, n, dst.Ints, sc)
		if err != nil {
			return err
		}
		dst.Ints = ints
		return nil
	}
	if t == tInt64 {
		ints, err := compressedAt(c, off, n, dst.Int64s, sc)
		if err != nil {
			return err
		}
		dst.Int64s = ints
		return nil
	}
	code, err := c.bytesAt(off, 1, "array code")
	if err != nil {
		return err
	}
	off++
	switch code[0] {
	case 'i':
		ints, err := c.compressedIntsAt(off, n, sc.ints, sc)
		if err != nil {
			return err
		}
		sc.ints = ints
		setArrayLen(dst, t, int(n))
		for i, x := range ints {
			switch t {
			case tFloat:
				dst.Floats[i] = float32(x)
			case tHalf:
				dst.Halfs[i] = formats.HalfFromFloat32(float32(x))
			default:
				dst.Doubles[i] = float64(x)
			}
		}
	case 't':
		hdr, err := c.bytesAt(off, 4, "lookup table size")
		if err != nil {
			return err
		}
		lutN := uint64(le.Uint32(hdr))
		lut, err := c.bytesAt(off+4, lutN*elem, "lookup table")
		if err != nil {
			return err
		}
		idx, err := c.compressedIntsAt(off+4+lutN*elem, n, sc.ints, sc)
		if err != nil {
			return err
		}
		sc.ints = idx
		setArrayLen(dst, t, int(n))
		for i, k := range idx {
			if uint64(uint32(k)) >= lutN {
				return c.errorf(int64(off), "lookup index %d out of a table of %d", uint32(k), lutN)
			}
			switch t {
			case tFloat:
				dst.Floats[i] = math.Float32frombits(le.Uint32(lut[4*uint32(k):]))
			case tHalf:
				dst.Halfs[i] = le.Uint16(lut[2*uint32(k):])
			default:
				dst.Doubles[i] = math.Float64frombits(le.Uint64(lut[8*uint32(k):]))
			}
		}
	default:
		return c.errorf(int64(off-1), "corrupt compressed array: code %q", code[0])
	}
	return nil
}

// scratchPool holds decompression buffers for array reads.
var scratchPool = sync.Pool{New: func() any { return new(arrayScratch) }}

type arrayScratch struct {
	enc  []byte
	ints []int32
}

// compressedIntsAt decodes n 32-bit integers stored as a u64 size and
// integer-coded LZ4 data at off, into out when it has room.
func (c *crate) compressedIntsAt(off, n uint64, out []int32, sc *arrayScratch) ([]int32, error) {
	return compressedAt(c, off, n, out, sc)
}

// compressedAt decodes n integers of T's width stored as a u64 size and
// integer-coded LZ4 data at off, into out when it has room.
func compressedAt[T codedInt](c *crate, off, n uint64, out []T, sc *arrayScratch) ([]T, error) {
	hdr, err := c.bytesAt(off, 8, "compressed integers")
	if err != nil {
		return nil, err
	}
	size := le64(hdr)
	rest := uint64(len(c.data)) - off - 8
	if n > uint64(4*maxLZ4Expansion(int(min(rest, math.MaxInt32)))) {
		return nil, c.errorf(int64(off), "%d compressed integers cannot fit in the file", n)
	}
	ints, err := decodeCompressedIntsInto[T](c.data, int64(off+8), int64(len(c.data)), size, int(n), out, &sc.enc)
	if err != nil {
		return nil, c.errorf(int64(off), "%v", err)
	}
	return ints, nil
}

func le64(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }

func setArrayLen(dst *formats.Value, t, n int) {
	switch t {
	case tInt:
		dst.Ints = resize(dst.Ints, n)
	case tFloat:
		dst.Floats = resize(dst.Floats, n)
	case tDouble:
		dst.Doubles = resize(dst.Doubles, n)
	case tVec3f:
		dst.Vecs = resize(dst.Vecs, n)
	case tVec2f:
		dst.Floats = resize(dst.Floats, 2*n)
	case tInt64:
		dst.Int64s = resize(dst.Int64s, n)
	case tHalf:
		dst.Halfs = resize(dst.Halfs, n)
	case tBool:
		dst.Bools = resize(dst.Bools, n)
	case tToken, tString:
		dst.Strs = resize(dst.Strs, n)
	}
}
