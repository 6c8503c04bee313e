package sdf

import "strings"

// Scalar is what one component of a value of Sdf's value type registry is.
type Scalar uint8

// The scalars of Sdf's value types.
const (
	ScalarNone     Scalar = iota
	Double                // double, and the components of double vectors and matrices
	Float                 // float
	Half                  // half (IEEE 754 binary16)
	TimeCode              // timecode (a double)
	Int                   // int (32-bit)
	UInt                  // uint (32-bit)
	Int64                 // int64
	UInt64                // uint64
	UChar                 // uchar
	Bool                  // bool
	String                // string
	Token                 // token
	Asset                 // asset (an asset path)
	PathExpression        // pathExpression (its text)
	Opaque                // opaque and group: no value
)

// IsFloat reports whether the scalar is a floating-point number.
func (s Scalar) IsFloat() bool { return s == Double || s == Float || s == Half || s == TimeCode }

// IsInt reports whether the scalar is an integer.
func (s Scalar) IsInt() bool { return s >= Int && s <= UChar }

// IsText reports whether the scalar is held as text.
func (s Scalar) IsText() bool { return s >= String && s <= PathExpression }

// Bits is the width of a floating-point scalar: 64, 32 or 16.
func (s Scalar) Bits() int {
	switch s {
	case Float:
		return 32
	case Half:
		return 16
	}
	return 64
}

// ValueType describes a type of Sdf's value type registry: its scalar, the
// scalars per element (1, 2, 3 or 4 for vectors and quaternions, 4, 9 or
// 16 for 2x2, 3x3 and 4x4 matrices), whether it is an array, and whether
// it is a quaternion or a matrix (written with nested parentheses).
type ValueType struct {
	Name   string
	Scalar Scalar
	Width  int
	Array  bool
	Quat   bool
	Matrix bool
}

// valueTypes is Sdf's value type registry (usd-core 26.11) without the
// arrays, which are "T[]" of each type but opaque and group, and with the
// aliases the text format accepts for old type names.
var valueTypes = map[string]ValueType{}

func init() {
	add := func(scalar Scalar, width int, names ...string) {
		for _, n := range names {
			valueTypes[n] = ValueType{Name: n, Scalar: scalar, Width: width}
		}
	}
	add(Bool, 1, "bool")
	add(UChar, 1, "uchar")
	add(Int, 1, "int")
	add(UInt, 1, "uint")
	add(Int64, 1, "int64")
	add(UInt64, 1, "uint64")
	add(Half, 1, "half")
	add(Float, 1, "float")
	add(Double, 1, "double", "duration")
	add(TimeCode, 1, "timecode")
	add(String, 1, "string")
	add(Token, 1, "token")
	add(Asset, 1, "asset")
	add(PathExpression, 1, "pathExpression")
	add(Opaque, 0, "opaque", "group")
	add(Int, 2, "int2")
	add(Int, 3, "int3")
	add(Int, 4, "int4")
	add(Half, 2, "half2", "texCoord2h")
	add(Half, 3, "half3", "point3h", "vector3h", "normal3h", "color3h", "texCoord3h")
	add(Half, 4, "half4", "color4h")
	add(Float, 2, "float2", "texCoord2f")
	add(Float, 3, "float3", "point3f", "vector3f", "normal3f", "color3f", "texCoord3f")
	add(Float, 4, "float4", "color4f")
	add(Double, 2, "double2", "texCoord2d")
	add(Double, 3, "double3", "point3d", "vector3d", "normal3d", "color3d", "texCoord3d")
	add(Double, 4, "double4", "color4d")
	for _, q := range []struct {
		name string
		s    Scalar
	}{{"quath", Half}, {"quatf", Float}, {"quatd", Double}} {
		valueTypes[q.name] = ValueType{Name: q.name, Scalar: q.s, Width: 4, Quat: true}
	}
	for _, m := range []struct {
		name  string
		width int
	}{{"matrix2d", 4}, {"matrix3d", 9}, {"matrix4d", 16}, {"frame4d", 16}} {
		valueTypes[m.name] = ValueType{Name: m.name, Scalar: Double, Width: m.width, Matrix: true}
	}
	// Old names the text parser still accepts, as the registry's aliases.
	for alias, name := range map[string]string{
		"Vec2d": "double2", "Vec3d": "double3", "Vec4d": "double4", "Vec2f": "float2", "Vec3f": "float3",
		"Vec4f": "float4", "Vec2h": "half2", "Vec3h": "half3", "Vec4h": "half4", "Vec2i": "int2",
		"Vec3i": "int3", "Vec4i": "int4", "Matrix2d": "matrix2d", "Matrix3d": "matrix3d",
		"Matrix4d": "matrix4d", "Quatd": "quatd", "Quatf": "quatf", "Quath": "quath", "Color": "color3d",
		"ColorFloat": "color3f", "Point": "point3d", "PointFloat": "point3f", "Normal": "normal3d",
		"NormalFloat": "normal3f", "Vector": "vector3d", "VectorFloat": "vector3f", "Frame": "frame4d",
	} {
		vt := valueTypes[name]
		valueTypes[alias] = vt
	}
}

// LookupType returns the value type named name ("texCoord2f[]"), and false
// for a name the registry does not have.
func LookupType(name string) (ValueType, bool) {
	base, array := strings.CutSuffix(name, "[]")
	vt, ok := valueTypes[base]
	if !ok || (array && vt.Scalar == Opaque) {
		return ValueType{}, false
	}
	vt.Array = array
	if array {
		vt.Name += "[]"
	}
	return vt, true
}
