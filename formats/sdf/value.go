package sdf

import (
	"fmt"
	"math"

	"github.com/scenebench/runner/formats"
)

// Kind says what a Value holds.
type Kind uint8

// The kinds of values.
const (
	// Typed is a value of a type of Sdf's value type registry (attribute
	// values, typed dictionary entries, most metadata): Type and Data.
	Typed Kind = iota + 1
	// Block is None: a blocked value (or, in 26.x, an animation block:
	// Str is "AnimationBlock").
	Block
	// Dict is a dictionary: Entries, in the order read (text) or sorted
	// (binary, as OpenUSD stores them).
	Dict
	// List is a vector of values: Items (token, string and path vectors,
	// layer offsets, relocates as pairs of paths).
	List
	// ListOp is a list operation: Ops, each an operation and its items.
	ListOp
	// Path is an Sdf path: Str.
	Path
	// Reference and Payload: Asset, Prim (a path), Offset and Scale (the
	// layer offset), and for a reference Entries (its custom data).
	Reference
	Payload
	// LayerOffset: Offset and Scale.
	LayerOffset
	// Word is a bare identifier: a specifier, permission, variability or
	// symmetry function (Str), or one the text format has where a value
	// was expected.
	Word
	// Unknown is a value this package cannot decode; Str names its type.
	Unknown
)

// Value is any value a layer holds.
type Value struct {
	Kind Kind
	// Type is the value type of a Typed value ("float3[]", "string").
	Type string
	Data Data
	Str  string
	// Asset and Prim of a Reference or Payload.
	Asset, Prim   string
	Offset, Scale float64
	Entries       []Entry
	Items         []*Value
	Ops           []Op
}

// Entry is one key and value of a dictionary.
type Entry struct {
	Key   string
	Value *Value
}

// Op is one operation of a list op: "explicit", "prepended", "appended",
// "deleted", "added" or "ordered", with its items.
type Op struct {
	Op    string
	Items []*Value
}

// The list op operations, in the order OpenUSD writes them.
var OpNames = []string{"explicit", "deleted", "added", "prepended", "appended", "ordered"}

// Data holds a typed value flat: Width scalars per element, one element
// for a scalar or tuple value, any number for an array. Floating-point
// scalars are in Nums (floats and halves widened exactly), integers in
// Ints (a uint64 as its bits), bools in Bools, text in Strs.
type Data struct {
	VT    ValueType
	Nums  []float64
	Ints  []int64
	Bools []bool
	Strs  []string
}

// Len is the number of elements: 1 for a scalar or tuple.
func (d *Data) Len() int {
	n := 0
	switch {
	case d.VT.Scalar.IsFloat():
		n = len(d.Nums)
	case d.VT.Scalar.IsInt():
		n = len(d.Ints)
	case d.VT.Scalar == Bool:
		n = len(d.Bools)
	case d.VT.Scalar.IsText():
		n = len(d.Strs)
	}
	if d.VT.Width == 0 {
		return 0
	}
	return n / d.VT.Width
}

// NewTyped returns an empty typed value of the named type.
func NewTyped(typeName string) (*Value, error) {
	vt, ok := LookupType(typeName)
	if !ok {
		return nil, fmt.Errorf("unknown value type %q", typeName)
	}
	return &Value{Kind: Typed, Type: vt.Name, Data: Data{VT: vt}}, nil
}

// Scene converts a typed value to the scene model's form, when the scene
// model carries its type (formats.SceneTypeOf).
func (v *Value) Scene(dst *formats.Value) bool {
	if v == nil || v.Kind != Typed {
		return false
	}
	t, ok := formats.SceneTypeOf(v.Type)
	if !ok {
		return false
	}
	d := &v.Data
	n := d.Len()
	if !t.IsArray() && n != 1 {
		return false
	}
	*dst = formats.Value{Type: t}
	switch t {
	case formats.Double, formats.Float:
		dst.Num = d.Nums[0]
	case formats.Half:
		dst.Num = d.Nums[0]
	case formats.Int, formats.Int64:
		dst.Int = d.Ints[0]
	case formats.Bool:
		dst.Bool = d.Bools[0]
	case formats.String, formats.Token, formats.Asset:
		dst.Str = d.Strs[0]
	case formats.Float3, formats.Double3:
		copy(dst.Vec[:], d.Nums)
	case formats.DoubleArray:
		dst.Doubles = append([]float64{}, d.Nums...)
	case formats.FloatArray, formats.Float2Array:
		dst.Floats = make([]float32, len(d.Nums))
		for i, x := range d.Nums {
			dst.Floats[i] = float32(x)
		}
	case formats.IntArray:
		dst.Ints = make([]int32, len(d.Ints))
		for i, x := range d.Ints {
			dst.Ints[i] = int32(x)
		}
	case formats.Float3Array:
		dst.Vecs = make([][3]float32, n)
		for i := range dst.Vecs {
			for k := range 3 {
				dst.Vecs[i][k] = float32(d.Nums[3*i+k])
			}
		}
	case formats.Int64Array:
		dst.Int64s = append([]int64{}, d.Ints...)
	case formats.BoolArray:
		dst.Bools = append([]bool{}, d.Bools...)
	case formats.StringArray, formats.TokenArray:
		dst.Strs = append([]string{}, d.Strs...)
	case formats.HalfArray:
		dst.Halfs = make([]uint16, len(d.Nums))
		for i, x := range d.Nums {
			dst.Halfs[i] = formats.HalfBits(x)
		}
	default: // the other tuples
		if t.Kind() == formats.KindInt {
			for i, x := range d.Ints {
				dst.Tuple[i] = float64(x)
			}
		} else {
			copy(dst.Tuple[:], d.Nums)
		}
	}
	return true
}

// narrow rounds a number read as a double to the scalar's precision, as
// OpenUSD does when it reads text: through float for a half.
func narrow(s Scalar, x float64) float64 {
	switch s {
	case Float:
		return float64(float32(x))
	case Half:
		return float64(formats.HalfToFloat32(formats.HalfFromFloat32(float32(x))))
	}
	return x
}

// intRange is the range of an integer scalar.
func intRange(s Scalar) (lo, hi float64) {
	switch s {
	case Int:
		return math.MinInt32, math.MaxInt32
	case UInt:
		return 0, math.MaxUint32
	case UChar:
		return 0, math.MaxUint8
	case UInt64:
		return 0, math.MaxUint64
	}
	return math.MinInt64, math.MaxInt64
}
