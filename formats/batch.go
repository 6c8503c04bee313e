package formats

import "fmt"

// Batch is a run of consecutive prims in layer order with their values, one
// Column per property in SceneInfo.Properties order.
type Batch struct {
	Paths   []string
	Columns []Column
}

// Len is the number of prims in the batch.
func (b *Batch) Len() int { return len(b.Paths) }

// Column holds one property's values for every prim of a batch. Only the
// slice matching Property.Type is set:
//
//	Double: Doubles   Float: Floats    Int: Ints       Int64: Int64s
//	Bool: Bools       String, Token: Strings
//	Float3: Vec3f     Double3: Vec3d
//	DoubleArray: DoubleArrays  FloatArray: FloatArrays
//	IntArray: IntArrays        Float3Array: Vec3fArrays
type Column struct {
	Property     Property
	Doubles      []float64
	Floats       []float32
	Ints         []int32
	Int64s       []int64
	Bools        []bool
	Strings      []string
	Vec3f        [][3]float32
	Vec3d        [][3]float64
	DoubleArrays [][]float64
	FloatArrays  [][]float32
	IntArrays    [][]int32
	Vec3fArrays  [][][3]float32
}

// Len is the number of values in the column.
func (c *Column) Len() int {
	switch c.Property.Type {
	case Double:
		return len(c.Doubles)
	case Float:
		return len(c.Floats)
	case Int:
		return len(c.Ints)
	case Int64:
		return len(c.Int64s)
	case Bool:
		return len(c.Bools)
	case String, Token:
		return len(c.Strings)
	case Float3:
		return len(c.Vec3f)
	case Double3:
		return len(c.Vec3d)
	case DoubleArray:
		return len(c.DoubleArrays)
	case FloatArray:
		return len(c.FloatArrays)
	case IntArray:
		return len(c.IntArrays)
	case Float3Array:
		return len(c.Vec3fArrays)
	}
	return 0
}

// Reset empties the column, keeping its capacity.
func (c *Column) Reset() {
	c.Doubles = c.Doubles[:0]
	c.Floats = c.Floats[:0]
	c.Ints = c.Ints[:0]
	c.Int64s = c.Int64s[:0]
	c.Bools = c.Bools[:0]
	c.Strings = c.Strings[:0]
	c.Vec3f = c.Vec3f[:0]
	c.Vec3d = c.Vec3d[:0]
	c.DoubleArrays = c.DoubleArrays[:0]
	c.FloatArrays = c.FloatArrays[:0]
	c.IntArrays = c.IntArrays[:0]
	c.Vec3fArrays = c.Vec3fArrays[:0]
}

// Value copies row i of the column into dst. Array values share memory with
// the column.
func (c *Column) Value(i int, dst *Value) {
	dst.Type = c.Property.Type
	switch c.Property.Type {
	case Double:
		dst.Num = c.Doubles[i]
	case Float:
		dst.Num = float64(c.Floats[i])
	case Int:
		dst.Int = int64(c.Ints[i])
	case Int64:
		dst.Int = c.Int64s[i]
	case Bool:
		dst.Bool = c.Bools[i]
	case String, Token:
		dst.Str = c.Strings[i]
	case Float3:
		v := c.Vec3f[i]
		dst.Vec = [3]float64{float64(v[0]), float64(v[1]), float64(v[2])}
	case Double3:
		dst.Vec = c.Vec3d[i]
	case DoubleArray:
		dst.Doubles = c.DoubleArrays[i]
	case FloatArray:
		dst.Floats = c.FloatArrays[i]
	case IntArray:
		dst.Ints = c.IntArrays[i]
	case Float3Array:
		dst.Vecs = c.Vec3fArrays[i]
	}
}

// Check verifies that every column of the batch matches the scene's
// properties and has one value per path.
func (b *Batch) Check(props []Property) error {
	if len(b.Columns) != len(props) {
		return fmt.Errorf("batch has %d columns, scene has %d properties", len(b.Columns), len(props))
	}
	for i := range b.Columns {
		c := &b.Columns[i]
		if c.Property.Name != props[i].Name || c.Property.Type != props[i].Type {
			return fmt.Errorf("batch column %d is %s %s, scene expects %s %s",
				i, c.Property.Type, c.Property.Name, props[i].Type, props[i].Name)
		}
		if n := c.Len(); n != len(b.Paths) {
			return fmt.Errorf("batch column %s has %d values for %d prims", c.Property.Name, n, len(b.Paths))
		}
	}
	return nil
}
