package usdc

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/scenebench/runner/formats"
)

// minCompressedArray is the element count from which OpenUSD compresses
// numeric arrays; shorter arrays are always stored raw.
const minCompressedArray = 16

// crateTypes maps each scalar scene type to its crate type code. An array
// is stored with the code of its element type and the array bit set.
var crateTypes = [...]int{
	formats.Double:   tDouble,
	formats.Float:    tFloat,
	formats.Int:      tInt,
	formats.Int64:    tInt64,
	formats.Bool:     tBool,
	formats.String:   tString,
	formats.Token:    tToken,
	formats.Float3:   tVec3f,
	formats.Double3:  tVec3d,
	formats.Half:     tHalf,
	formats.Asset:    tAssetPath,
	formats.Double2:  tVec2d,
	formats.Double4:  tVec4d,
	formats.Float2:   tVec2f,
	formats.Float4:   tVec4f,
	formats.Int2:     tVec2i,
	formats.Int3:     tVec3i,
	formats.Int4:     tVec4i,
	formats.Matrix4d: tMatrix4d,
	formats.Quatf:    tQuatf,
	formats.Quatd:    tQuatd,
}

// sceneTypes is crateTypes inverted, indexed by type code.
var sceneTypes = func() (st [256]formats.Type) {
	for t, code := range crateTypes {
		if code != tInvalid {
			st[code] = formats.Type(t)
		}
	}
	return st
}()

// crateType maps a scene type to its crate type code (array bit separate).
func crateType(t formats.Type) (int, bool) {
	e := t.Elem()
	if int(e) >= len(crateTypes) || crateTypes[e] == tInvalid {
		return 0, false
	}
	return crateTypes[e], true
}

// sceneType maps a crate type code and array flag back to a scene type.
func sceneType(t int, array bool) formats.Type {
	st := sceneTypes[uint8(t)]
	if array {
		return formats.ArrayOf(st)
	}
	return st
}

var typeCodeNames = map[int]string{
	0: "Invalid", 1: "Bool", 2: "UChar", 3: "Int", 4: "UInt", 5: "Int64", 6: "UInt64", 7: "Half",
	8: "Float", 9: "Double", 10: "String", 11: "Token", 12: "AssetPath", 13: "Matrix2d",
	14: "Matrix3d", 15: "Matrix4d", 16: "Quatd", 17: "Quatf", 18: "Quath", 19: "Vec2d",
	20: "Vec2f", 21: "Vec2h", 22: "Vec2i", 23: "Vec3d", 24: "Vec3f", 25: "Vec3h", 26: "Vec3i",
	27: "Vec4d", 28: "Vec4f", 29: "Vec4h", 30: "Vec4i", 31: "Dictionary", 32: "TokenListOp",
	33: "StringListOp", 34: "PathListOp", 35: "ReferenceListOp", 36: "IntListOp",
	37: "Int64ListOp", 38: "UIntListOp", 39: "UInt64ListOp", 40: "PathVector",
	41: "TokenVector", 42: "Specifier", 43: "Permission", 44: "Variability",
	45: "VariantSelectionMap", 46: "TimeSamples", 47: "Payload", 48: "DoubleVector",
	49: "LayerOffsetVector", 50: "StringVector", 51: "ValueBlock", 52: "Value",
	53: "UnregisteredValue", 54: "UnregisteredValueListOp", 55: "PayloadListOp",
	56: "TimeCode", 57: "PathExpression", 58: "Relocates", 59: "Spline", 60: "AnimationBlock",
	61: "Duration",
}

func typeCodeName(t int) string {
	if n, ok := typeCodeNames[t]; ok {
		return n
	}
	return fmt.Sprintf("type %d", t)
}

// ---- writing ----

// int8Exact reports whether x is exactly an int8 value (and not -0, which
// the inline form cannot keep).
func int8Exact(x float64) bool {
	return x >= -128 && x <= 127 && x == math.Trunc(x) && !(x == 0 && math.Signbit(x))
}

// packValue stores row i of column c and returns its ValueRep, inlining
// what OpenUSD inlines and writing the rest to the value area.
func (w *writer) packValue(c *formats.Column, i int) (valueRep, error) {
	le := binary.LittleEndian
	if c.Property.Type > formats.Float3Array {
		// The types added for imported scenes go through a Value.
		c.Value(i, &w.val)
		return w.packAny(&w.val)
	}
	switch c.Property.Type {
	case formats.Double:
		v := c.Doubles[i]
		if f := float32(v); float64(f) == v && !math.IsInf(v, 0) {
			return inlineRep(tDouble, math.Float32bits(f)), nil
		}
		return w.outOfLine(tDouble, [3]uint64{math.Float64bits(v)}, 8), nil
	case formats.Float:
		return inlineRep(tFloat, math.Float32bits(c.Floats[i])), nil
	case formats.Int:
		return inlineRep(tInt, uint32(c.Ints[i])), nil
	case formats.Int64:
		v := c.Int64s[i]
		if v >= math.MinInt32 && v <= math.MaxInt32 {
			return inlineRep(tInt64, uint32(int32(v))), nil
		}
		return w.outOfLine(tInt64, [3]uint64{uint64(v)}, 8), nil
	case formats.Bool:
		if c.Bools[i] {
			return inlineRep(tBool, 1), nil
		}
		return inlineRep(tBool, 0), nil
	case formats.String:
		return inlineRep(tString, w.stringIndex(c.Strings[i])), nil
	case formats.Token:
		return inlineRep(tToken, w.token(c.Strings[i])), nil
	case formats.Float3:
		v := c.Vec3f[i]
		if int8Exact(float64(v[0])) && int8Exact(float64(v[1])) && int8Exact(float64(v[2])) {
			return inlineRep(tVec3f, uint32(uint8(int8(v[0])))|uint32(uint8(int8(v[1])))<<8|uint32(uint8(int8(v[2])))<<16), nil
		}
		return w.outOfLine(tVec3f, [3]uint64{uint64(math.Float32bits(v[0])), uint64(math.Float32bits(v[1])), uint64(math.Float32bits(v[2]))}, 4), nil
	case formats.Double3:
		v := c.Vec3d[i]
		if int8Exact(v[0]) && int8Exact(v[1]) && int8Exact(v[2]) {
			return inlineRep(tVec3d, uint32(uint8(int8(v[0])))|uint32(uint8(int8(v[1])))<<8|uint32(uint8(int8(v[2])))<<16), nil
		}
		return w.outOfLine(tVec3d, [3]uint64{math.Float64bits(v[0]), math.Float64bits(v[1]), math.Float64bits(v[2])}, 8), nil
	case formats.IntArray:
		return packInts(w, tInt, c.IntArrays[i])
	case formats.DoubleArray:
		return packFloatArray(w, tDouble, c.DoubleArrays[i])
	case formats.FloatArray:
		return packFloatArray(w, tFloat, c.FloatArrays[i])
	case formats.Float3Array:
		v := c.Vec3fArrays[i]
		if len(v) == 0 {
			return arrayRep(tVec3f, 0), nil
		}
		w.align(8)
		rep := arrayRep(tVec3f, w.pos)
		b := le.AppendUint64(w.buf[:0], uint64(len(v)))
		for _, e := range v {
			b = le.AppendUint32(b, math.Float32bits(e[0]))
			b = le.AppendUint32(b, math.Float32bits(e[1]))
			b = le.AppendUint32(b, math.Float32bits(e[2]))
		}
		return w.putValue(rep, b)
	}
	return 0, fmt.Errorf("unsupported type %s", c.Property.Type)
}

// packAny stores a value of one of the types added for imported scenes
// (formats.TokenArray and after), as OpenUSD writes them: halves, asset
// paths (a token) and vectors of int8 components inline; a matrix inline
// when it is diagonal with int8 entries; other vectors, quaternions
// (imaginary part first, as GfQuat lays them out) and matrices out of
// line; half arrays like float arrays, int64 arrays like int arrays, and
// the other arrays raw.
func (w *writer) packAny(v *formats.Value) (valueRep, error) {
	le := binary.LittleEndian
	t := v.Type
	code, _ := crateType(t)
	switch t {
	case formats.Half:
		return inlineRep(tHalf, uint32(formats.HalfBits(v.Num))), nil
	case formats.Asset:
		return inlineRep(tAssetPath, w.token(v.Str)), nil
	case formats.Double2, formats.Double4, formats.Float2, formats.Float4, formats.Int2, formats.Int3, formats.Int4:
		comps := v.Tuple[:t.Width()]
		inline := true
		var payload uint32
		for k, x := range comps {
			inline = inline && int8Exact(x)
			payload |= uint32(uint8(int8(x))) << (8 * k)
		}
		if inline {
			return inlineRep(code, payload), nil
		}
		return w.outOfLineComps(code, t.Kind(), comps), nil
	case formats.Matrix4d:
		m := &v.Tuple
		inline := true
		var payload uint32
		for r := range 4 {
			for col := range 4 {
				x := m[4*r+col]
				if r == col {
					inline = inline && int8Exact(x)
				} else {
					inline = inline && math.Float64bits(x) == 0 // +0 only: -0 would come back +0
				}
			}
			payload |= uint32(uint8(int8(m[5*r]))) << (8 * r)
		}
		if inline {
			return inlineRep(tMatrix4d, payload), nil
		}
		return w.outOfLineComps(tMatrix4d, formats.KindDouble, m[:]), nil
	case formats.Quatf, formats.Quatd:
		q := v.Tuple
		mem := [4]float64{q[1], q[2], q[3], q[0]} // GfQuat: imaginary, then real
		return w.outOfLineComps(code, t.Kind(), mem[:]), nil
	case formats.HalfArray:
		return packFloatArray(w, tHalf, v.Halfs)
	case formats.Int64Array:
		return packInts(w, tInt64, v.Int64s)
	}
	// Raw arrays: 8-byte aligned, a u64 count, the elements.
	if v.Len() == 0 {
		return arrayRep(code, 0), nil
	}
	w.align(8)
	rep := arrayRep(code, w.pos)
	b := le.AppendUint64(w.buf[:0], uint64(v.Len()))
	switch t {
	case formats.TokenArray:
		for _, s := range v.Strs {
			b = le.AppendUint32(b, w.token(s))
		}
	case formats.StringArray:
		for _, s := range v.Strs {
			b = le.AppendUint32(b, w.stringIndex(s))
		}
	case formats.BoolArray:
		for _, x := range v.Bools {
			if x {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		}
	case formats.Float2Array:
		for _, x := range v.Floats[:v.Len()*2] {
			b = le.AppendUint32(b, math.Float32bits(x))
		}
	default:
		return 0, fmt.Errorf("unsupported type %s", t)
	}
	return w.putValue(rep, b)
}

// outOfLineComps writes the components of a vector, quaternion or matrix
// as scalars of kind k.
func (w *writer) outOfLineComps(code int, k formats.Kind, comps []float64) valueRep {
	le := binary.LittleEndian
	rep := offsetRep(code, w.pos)
	b := w.buf[:0]
	for _, x := range comps {
		switch k {
		case formats.KindDouble:
			b = le.AppendUint64(b, math.Float64bits(x))
		case formats.KindFloat:
			b = le.AppendUint32(b, math.Float32bits(float32(x)))
		case formats.KindInt:
			b = le.AppendUint32(b, uint32(int32(x)))
		}
	}
	w.buf = b
	w.writeBytes(b)
	return rep
}

// putValue writes b, a value built in w.buf's storage, keeps the (maybe
// grown) storage for the next value and returns rep, the value's rep.
func (w *writer) putValue(rep valueRep, b []byte) (valueRep, error) {
	w.buf = b
	w.writeBytes(b)
	return rep, nil
}

// outOfLine writes a scalar's little-endian words (width bytes each; one
// word for double and int64, three for vectors) or reuses an identical
// value written recently.
func (w *writer) outOfLine(t int, words [3]uint64, width int) valueRep {
	key := [4]uint64{uint64(t), words[0], words[1], words[2]}
	if rep, ok := w.valueCache.get(key); ok {
		return valueRep(rep)
	}
	rep := offsetRep(t, w.pos)
	n := 1
	if t == tVec3f || t == tVec3d {
		n = 3
	}
	b := w.buf[:0]
	for _, x := range words[:n] {
		if width == 4 {
			b = binary.LittleEndian.AppendUint32(b, uint32(x))
		} else {
			b = binary.LittleEndian.AppendUint64(b, x)
		}
	}
	w.writeBytes(b)
	w.valueCache.put(key, uint64(rep))
	return rep
}

// packInts stores an int or int64 array (type t) as OpenUSD does: a u64
// count, then the values raw or, from 16 values, as compressed integers.
func packInts[T int32 | int64](w *writer, t int, v []T) (valueRep, error) {
	le := binary.LittleEndian
	if len(v) == 0 {
		return arrayRep(t, 0), nil
	}
	if w.compress && len(v) >= minCompressedArray {
		rep := arrayRep(t, w.pos) | repCompressed
		b := le.AppendUint64(w.buf[:0], uint64(len(v)))
		b, err := w.z.appendCompressedInts(b, v, &w.encBuf)
		if err != nil {
			return 0, err
		}
		return w.putValue(rep, b)
	}
	if len(v) >= minCompressedArray {
		// Uncompressed arrays of 16 or more are aligned like other raw
		// arrays; the reader only looks at the compressed bit.
		w.align(8)
	}
	rep := arrayRep(t, w.pos)
	b := le.AppendUint64(w.buf[:0], uint64(len(v)))
	for _, x := range v {
		if t == tInt64 {
			b = le.AppendUint64(b, uint64(x))
		} else {
			b = le.AppendUint32(b, uint32(x))
		}
	}
	return w.putValue(rep, b)
}

// floatElem is an element of a float array: a float, a double, or a half
// (its bits).
type floatElem interface{ ~float32 | ~float64 | ~uint16 }

func floatBits[T floatElem](x T) uint64 {
	switch f := any(x).(type) {
	case float32:
		return uint64(math.Float32bits(f))
	case uint16:
		return uint64(f)
	}
	return math.Float64bits(float64(x))
}

// floatValue is x as a number (a half widened).
func floatValue[T floatElem](x T) float64 {
	if h, ok := any(x).(uint16); ok {
		return float64(formats.HalfToFloat32(h))
	}
	return float64(x)
}

func appendFloat[T floatElem](b []byte, x T) []byte {
	switch f := any(x).(type) {
	case float32:
		return binary.LittleEndian.AppendUint32(b, math.Float32bits(f))
	case uint16:
		return binary.LittleEndian.AppendUint16(b, f)
	}
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(float64(x)))
}

// packFloatArray stores a float or double array: as integers ('i') when
// every element is integral, as a lookup table ('t') when few values
// repeat, raw otherwise.
func packFloatArray[T floatElem](w *writer, t int, v []T) (valueRep, error) {
	le := binary.LittleEndian
	if len(v) == 0 {
		return arrayRep(t, 0), nil
	}
	if w.compress && len(v) >= minCompressedArray {
		integral := true
		for _, x := range v {
			f := floatValue(x)
			if !(f >= math.MinInt32 && f <= math.MaxInt32 && f == math.Trunc(f)) || (f == 0 && math.Signbit(f)) {
				integral = false
				break
			}
		}
		if integral {
			ints := make([]int32, len(v))
			for k, x := range v {
				ints[k] = int32(floatValue(x))
			}
			rep := arrayRep(t, w.pos) | repCompressed
			b := le.AppendUint64(w.buf[:0], uint64(len(v)))
			b = append(b, 'i')
			b, err := w.z.appendCompressedInts(b, ints, &w.encBuf)
			if err != nil {
				return 0, err
			}
			return w.putValue(rep, b)
		}
		maxLUT := min(len(v)/4, 1024)
		var lut []T
		idx := make([]uint32, 0, len(v))
		for _, x := range v {
			k := 0
			for k < len(lut) && floatBits(lut[k]) != floatBits(x) {
				k++
			}
			if k == len(lut) {
				if len(lut) == maxLUT {
					lut = nil
					break
				}
				lut = append(lut, x)
			}
			idx = append(idx, uint32(k))
		}
		if lut != nil {
			rep := arrayRep(t, w.pos) | repCompressed
			b := le.AppendUint64(w.buf[:0], uint64(len(v)))
			b = append(b, 't')
			b = le.AppendUint32(b, uint32(len(lut)))
			for _, x := range lut {
				b = appendFloat(b, x)
			}
			b, err := w.z.appendCompressedInts(b, idx, &w.encBuf)
			if err != nil {
				return 0, err
			}
			return w.putValue(rep, b)
		}
	}
	w.align(8)
	rep := arrayRep(t, w.pos)
	b := le.AppendUint64(w.buf[:0], uint64(len(v)))
	for _, x := range v {
		b = appendFloat(b, x)
	}
	return w.putValue(rep, b)
}
