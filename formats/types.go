package formats

import "fmt"

// Type is the USD value type of a property.
type Type uint8

// The property types a scene may carry, named as USD names them. The
// constants are the digest's type codes: 1 to 13 are the types of the
// generated datasets, the rest were added for scenes imported from users'
// layers. A new type is appended, never inserted.
const (
	Invalid     Type = iota
	Double           // double
	Float            // float
	Int              // int (32-bit)
	Int64            // int64
	Bool             // bool
	String           // string
	Token            // token
	Float3           // float3
	Double3          // double3
	DoubleArray      // double[]
	FloatArray       // float[]
	IntArray         // int[]
	Float3Array      // float3[]
	TokenArray       // token[]
	StringArray      // string[]
	BoolArray        // bool[]
	Int64Array       // int64[]
	Double2          // double2
	Double4          // double4
	Float2           // float2
	Float4           // float4
	Int2             // int2
	Int3             // int3
	Int4             // int4
	Half             // half (IEEE 754 binary16)
	HalfArray        // half[]
	Matrix4d         // matrix4d
	Quatf            // quatf
	Quatd            // quatd
	Asset            // asset (an asset path, as authored)
	Float2Array      // float2[]

	numTypes
)

// Kind is the scalar a type is made of: the element of an array, the
// component of a vector, quaternion or matrix.
type Kind uint8

// The scalar kinds.
const (
	KindInvalid Kind = iota
	KindDouble       // 64-bit float
	KindFloat        // 32-bit float
	KindHalf         // 16-bit float
	KindInt          // 32-bit signed integer
	KindInt64        // 64-bit signed integer
	KindBool
	KindString // string, token and asset
)

// typeInfo describes a type: its name, its scalar, how many of them make
// one element (1 for scalars, 2 to 4 for vectors and quaternions, 16 for a
// 4x4 matrix), and whether values are arrays of elements.
type typeInfo struct {
	name  string
	kind  Kind
	width int
	array bool
	elem  Type // the element type of an array type
}

var types = [numTypes]typeInfo{
	Invalid:     {"invalid", KindInvalid, 0, false, Invalid},
	Double:      {"double", KindDouble, 1, false, Double},
	Float:       {"float", KindFloat, 1, false, Float},
	Int:         {"int", KindInt, 1, false, Int},
	Int64:       {"int64", KindInt64, 1, false, Int64},
	Bool:        {"bool", KindBool, 1, false, Bool},
	String:      {"string", KindString, 1, false, String},
	Token:       {"token", KindString, 1, false, Token},
	Float3:      {"float3", KindFloat, 3, false, Float3},
	Double3:     {"double3", KindDouble, 3, false, Double3},
	DoubleArray: {"double[]", KindDouble, 1, true, Double},
	FloatArray:  {"float[]", KindFloat, 1, true, Float},
	IntArray:    {"int[]", KindInt, 1, true, Int},
	Float3Array: {"float3[]", KindFloat, 3, true, Float3},
	TokenArray:  {"token[]", KindString, 1, true, Token},
	StringArray: {"string[]", KindString, 1, true, String},
	BoolArray:   {"bool[]", KindBool, 1, true, Bool},
	Int64Array:  {"int64[]", KindInt64, 1, true, Int64},
	Double2:     {"double2", KindDouble, 2, false, Double2},
	Double4:     {"double4", KindDouble, 4, false, Double4},
	Float2:      {"float2", KindFloat, 2, false, Float2},
	Float4:      {"float4", KindFloat, 4, false, Float4},
	Int2:        {"int2", KindInt, 2, false, Int2},
	Int3:        {"int3", KindInt, 3, false, Int3},
	Int4:        {"int4", KindInt, 4, false, Int4},
	Half:        {"half", KindHalf, 1, false, Half},
	HalfArray:   {"half[]", KindHalf, 1, true, Half},
	Matrix4d:    {"matrix4d", KindDouble, 16, false, Matrix4d},
	Quatf:       {"quatf", KindFloat, 4, false, Quatf},
	Quatd:       {"quatd", KindDouble, 4, false, Quatd},
	Asset:       {"asset", KindString, 1, false, Asset},
	Float2Array: {"float2[]", KindFloat, 2, true, Float2},
}

func (t Type) info() *typeInfo {
	if t < numTypes {
		return &types[t]
	}
	return &types[Invalid]
}

// String returns the USD type name ("double", "float3[]").
func (t Type) String() string {
	if t < numTypes {
		return types[t].name
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// Valid reports whether t is one of the types above (not Invalid).
func (t Type) Valid() bool { return t != Invalid && t < numTypes }

// Kind is the scalar the type's values are made of.
func (t Type) Kind() Kind { return t.info().kind }

// Width is the number of scalars in one element: 1 for scalars and plain
// arrays, 2 to 4 for vectors and quaternions (and their arrays), 16 for
// matrix4d.
func (t Type) Width() int { return t.info().width }

// IsTuple reports whether one element of t is a fixed-size group of
// scalars: a vector, quaternion or matrix.
func (t Type) IsTuple() bool { return t.info().width > 1 }

// ArrayOf returns the type of arrays of elements of type t (DoubleArray for
// Double), or Invalid when scenes have no arrays of t (double3[], asset[]).
func ArrayOf(t Type) Type {
	if !t.Valid() || t.IsArray() {
		return Invalid
	}
	for a := range types {
		if types[a].array && types[a].elem == t {
			return Type(a)
		}
	}
	return Invalid
}

// Elem returns the element type of an array type (Float3 for float3[]) and
// t itself for any other type.
func (t Type) Elem() Type {
	if t < numTypes {
		return types[t].elem
	}
	return t
}

// IsArray reports whether values of t are variable-length arrays.
func (t Type) IsArray() bool { return t.info().array }

// ParseType returns the Type named by a USD type name.
func ParseType(name string) (Type, bool) {
	for t := range types {
		if types[t].name == name && Type(t) != Invalid {
			return Type(t), true
		}
	}
	return Invalid, false
}

// TypeNames lists every valid type name, in declaration order.
func TypeNames() []string {
	names := make([]string, 0, numTypes-1)
	for _, ti := range types[1:] {
		names = append(names, ti.name)
	}
	return names
}

// MarshalText writes the USD type name.
func (t Type) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText parses a USD type name.
func (t *Type) UnmarshalText(b []byte) error {
	v, ok := ParseType(string(b))
	if !ok {
		return fmt.Errorf("unknown property type %q", b)
	}
	*t = v
	return nil
}

// Value holds one property value. Only the fields for Type are meaningful:
//
//	Double, Float, Half     Num (float and half stored widened, exactly)
//	Int, Int64              Int
//	Bool                    Bool
//	String, Token, Asset    Str
//	Float3, Double3         Vec (float3 widened exactly)
//	other tuples            Tuple[:Width()]: double2/4, float2/4, int2/3/4,
//	                        quatf, quatd (real part first, as USDA writes
//	                        them), matrix4d (row by row); widened exactly
//	DoubleArray             Doubles
//	FloatArray, Float2Array Floats (float2[]: two per element)
//	IntArray                Ints
//	Float3Array             Vecs
//	Int64Array              Int64s
//	BoolArray               Bools
//	StringArray, TokenArray Strs
//	HalfArray               Halfs (binary16 bits)
//
// Readers fill a caller-owned Value so that warm reads do not allocate.
type Value struct {
	Type    Type
	Num     float64
	Int     int64
	Bool    bool
	Str     string
	Vec     [3]float64
	Tuple   [16]float64
	Doubles []float64
	Floats  []float32
	Ints    []int32
	Vecs    [][3]float32
	Int64s  []int64
	Bools   []bool
	Strs    []string
	Halfs   []uint16
}

// Len is the number of elements of an array value (for float2[], pairs),
// and 1 for any other value.
func (v *Value) Len() int {
	switch v.Type {
	case DoubleArray:
		return len(v.Doubles)
	case FloatArray:
		return len(v.Floats)
	case Float2Array:
		return len(v.Floats) / 2
	case IntArray:
		return len(v.Ints)
	case Float3Array:
		return len(v.Vecs)
	case Int64Array:
		return len(v.Int64s)
	case BoolArray:
		return len(v.Bools)
	case StringArray, TokenArray:
		return len(v.Strs)
	case HalfArray:
		return len(v.Halfs)
	}
	return 1
}

// Equal reports whether two values have the same type and bit-identical
// contents (NaNs with equal bits are equal).
func (v *Value) Equal(o *Value) bool {
	if v.Type != o.Type {
		return false
	}
	var a, b Digest
	a.Reset()
	b.Reset()
	a.Add("", "", v)
	b.Add("", "", o)
	return a.Sum() == b.Sum()
}

// String formats the value as USDA would print it.
func (v *Value) String() string {
	return FormatUSDA(v)
}
