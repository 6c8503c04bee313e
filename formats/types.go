package formats

import "fmt"

// Type is the USD value type of a property.
type Type uint8

// The property types a scene may carry, named as USD names them.
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
)

var typeNames = [...]string{
	Invalid:     "invalid",
	Double:      "double",
	Float:       "float",
	Int:         "int",
	Int64:       "int64",
	Bool:        "bool",
	String:      "string",
	Token:       "token",
	Float3:      "float3",
	Double3:     "double3",
	DoubleArray: "double[]",
	FloatArray:  "float[]",
	IntArray:    "int[]",
	Float3Array: "float3[]",
}

// String returns the USD type name ("double", "float3[]").
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// arrayOf maps an element type to the type of arrays of it: the four array
// types a scene may carry.
var arrayOf = [...]Type{Double: DoubleArray, Float: FloatArray, Int: IntArray, Float3: Float3Array}

// ArrayOf returns the type of arrays of elements of type t (DoubleArray for
// Double), or Invalid when scenes have no arrays of t (int64[], string[]).
func ArrayOf(t Type) Type {
	if int(t) < len(arrayOf) {
		return arrayOf[t]
	}
	return Invalid
}

// Elem returns the element type of an array type (Float3 for float3[]) and
// t itself for any other type.
func (t Type) Elem() Type {
	for e, a := range arrayOf {
		if a == t && t != Invalid {
			return Type(e)
		}
	}
	return t
}

// IsArray reports whether values of t are variable-length arrays.
func (t Type) IsArray() bool {
	return t == DoubleArray || t == FloatArray || t == IntArray || t == Float3Array
}

// ParseType returns the Type named by a USD type name.
func ParseType(name string) (Type, bool) {
	for t, n := range typeNames {
		if n == name && Type(t) != Invalid {
			return Type(t), true
		}
	}
	return Invalid, false
}

// TypeNames lists every valid type name, in declaration order.
func TypeNames() []string {
	return append([]string(nil), typeNames[1:]...)
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
//	Double, Float           Num (a float is stored widened, exactly)
//	Int, Int64              Int
//	Bool                    Bool
//	String, Token           Str
//	Float3, Double3         Vec (float3 widened exactly)
//	DoubleArray             Doubles
//	FloatArray              Floats
//	IntArray                Ints
//	Float3Array             Vecs
//
// Readers fill a caller-owned Value so that warm reads do not allocate.
type Value struct {
	Type    Type
	Num     float64
	Int     int64
	Bool    bool
	Str     string
	Vec     [3]float64
	Doubles []float64
	Floats  []float32
	Ints    []int32
	Vecs    [][3]float32
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
