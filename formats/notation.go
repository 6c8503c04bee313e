package formats

import "strconv"

// A Notation spells values as text: how it writes floats, strings and
// bools, and how it groups the components of a vector (float3, double3)
// and the elements of an array. AppendValue is the one walk over the value
// types; USDA text (the USDA notation) and the JSON of `runner cat` are
// two notations of it.
type Notation struct {
	// Float writes a double (bits 64), a float (bits 32) or a half (bits
	// 16), the last two widened exactly, alone or as a component or
	// element.
	Float func(dst []byte, x float64, bits int) []byte
	// String writes a string or token.
	String func(dst []byte, s string) []byte
	// Asset writes an asset path.
	Asset func(dst []byte, s string) []byte
	// Int, when set, writes an int or int64, alone or as an element; when
	// nil, integers are plain decimal digits.
	Int func(dst []byte, x int64) []byte
	// Bool spells false and true.
	Bool [2]string
	// Tuple and Array are the opening and closing bytes around the
	// components of a vector and around the elements of an array.
	Tuple, Array [2]byte
	// Sep goes between the components of a vector or the elements of an
	// array, followed by a space when Space is set: ", " in USDA, "," in
	// JSON. (Two fields rather than a string: appending a string of unknown
	// length costs a copy call per element of a long array.)
	Sep   byte
	Space bool
	// MatrixSpace puts a space inside the outer brackets of a matrix, as
	// USDA writes "( (1, 0), (0, 1) )".
	MatrixSpace bool
	// Invalid stands for a value of no known type.
	Invalid string
}

// AppendValue appends v written in notation n to dst and returns the
// extended buffer; it does not allocate when dst has room.
func (n *Notation) AppendValue(dst []byte, v *Value) []byte {
	switch v.Type {
	case Double:
		return n.Float(dst, v.Num, 64)
	case Float:
		return n.Float(dst, v.Num, 32)
	case Int, Int64:
		return n.appendInt(dst, v.Int)
	case Bool:
		if v.Bool {
			return append(dst, n.Bool[1]...)
		}
		return append(dst, n.Bool[0]...)
	case String, Token:
		return n.String(dst, v.Str)
	case Float3:
		return appendTuple(n, dst, &v.Vec, 32)
	case Double3:
		return appendTuple(n, dst, &v.Vec, 64)
	case DoubleArray:
		return appendArray(n, dst, v.Doubles, func(dst []byte, x *float64) []byte { return n.Float(dst, *x, 64) })
	case FloatArray:
		return appendArray(n, dst, v.Floats, func(dst []byte, x *float32) []byte { return n.Float(dst, float64(*x), 32) })
	case IntArray:
		// Two calls rather than appendInt per element: the decimal one
		// inlines strconv.AppendInt, as USDA text of int[] needs.
		if n.Int != nil {
			return appendArray(n, dst, v.Ints, func(dst []byte, x *int32) []byte { return n.Int(dst, int64(*x)) })
		}
		return appendArray(n, dst, v.Ints, func(dst []byte, x *int32) []byte { return strconv.AppendInt(dst, int64(*x), 10) })
	case Float3Array:
		return appendArray(n, dst, v.Vecs, func(dst []byte, x *[3]float32) []byte { return appendTuple(n, dst, x, 32) })
	case TokenArray, StringArray:
		return appendArray(n, dst, v.Strs, func(dst []byte, x *string) []byte { return n.String(dst, *x) })
	case BoolArray:
		return appendArray(n, dst, v.Bools, func(dst []byte, x *bool) []byte {
			if *x {
				return append(dst, n.Bool[1]...)
			}
			return append(dst, n.Bool[0]...)
		})
	case Int64Array:
		return appendArray(n, dst, v.Int64s, func(dst []byte, x *int64) []byte { return n.appendInt(dst, *x) })
	case Double2, Double4, Float2, Float4, Int2, Int3, Int4, Quatf, Quatd:
		return n.appendComponents(dst, v.Type.Kind(), v.Tuple[:v.Type.Width()])
	case Matrix4d:
		dst = append(dst, n.Tuple[0])
		if n.MatrixSpace {
			dst = append(dst, ' ')
		}
		for r := range 4 {
			if r > 0 {
				dst = n.sep(dst)
			}
			dst = n.appendComponents(dst, KindDouble, v.Tuple[4*r:4*r+4])
		}
		if n.MatrixSpace {
			dst = append(dst, ' ')
		}
		return append(dst, n.Tuple[1])
	case Half:
		return n.Float(dst, v.Num, 16)
	case HalfArray:
		return appendArray(n, dst, v.Halfs, func(dst []byte, x *uint16) []byte { return n.Float(dst, float64(HalfToFloat32(*x)), 16) })
	case Asset:
		return n.Asset(dst, v.Str)
	case Float2Array:
		dst = append(dst, n.Array[0])
		for i := 0; i+1 < len(v.Floats); i += 2 {
			if i > 0 {
				dst = n.sep(dst)
			}
			dst = append(dst, n.Tuple[0])
			dst = n.Float(dst, float64(v.Floats[i]), 32)
			dst = n.sep(dst)
			dst = n.Float(dst, float64(v.Floats[i+1]), 32)
			dst = append(dst, n.Tuple[1])
		}
		return append(dst, n.Array[1])
	}
	return append(dst, n.Invalid...)
}

// appendComponents writes a tuple of widened scalars of kind k.
func (n *Notation) appendComponents(dst []byte, k Kind, xs []float64) []byte {
	dst = append(dst, n.Tuple[0])
	for i, x := range xs {
		if i > 0 {
			dst = n.sep(dst)
		}
		switch k {
		case KindDouble:
			dst = n.Float(dst, x, 64)
		case KindFloat:
			dst = n.Float(dst, x, 32)
		case KindHalf:
			dst = n.Float(dst, x, 16)
		default:
			dst = n.appendInt(dst, int64(x))
		}
	}
	return append(dst, n.Tuple[1])
}

func (n *Notation) appendInt(dst []byte, x int64) []byte {
	if n.Int != nil {
		return n.Int(dst, x)
	}
	return strconv.AppendInt(dst, x, 10)
}

// appendTuple writes the three components of a vector.
func appendTuple[T float32 | float64](n *Notation, dst []byte, v *[3]T, bits int) []byte {
	dst = append(dst, n.Tuple[0])
	dst = n.Float(dst, float64(v[0]), bits)
	dst = n.sep(dst)
	dst = n.Float(dst, float64(v[1]), bits)
	dst = n.sep(dst)
	dst = n.Float(dst, float64(v[2]), bits)
	return append(dst, n.Tuple[1])
}

// appendArray writes the elements of an array, each with elem.
func appendArray[T any](n *Notation, dst []byte, elems []T, elem func([]byte, *T) []byte) []byte {
	dst = append(dst, n.Array[0])
	for i := range elems {
		if i > 0 {
			dst = n.sep(dst)
		}
		dst = elem(dst, &elems[i])
	}
	return append(dst, n.Array[1])
}

func (n *Notation) sep(dst []byte) []byte {
	if n.Space {
		return append(dst, n.Sep, ' ')
	}
	return append(dst, n.Sep)
}
