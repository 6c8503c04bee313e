package formats

import "fmt"

// Batch is a run of consecutive prims in layer order with their values, one
// Column per property in SceneInfo.Properties order.
type Batch struct {
	Paths   []string
	Columns []Column
}

// NewBatch returns an empty batch with one column per property, with room
// for capacity prims.
func NewBatch(props []Property, capacity int) *Batch {
	b := &Batch{Paths: make([]string, 0, capacity), Columns: make([]Column, len(props))}
	for i, p := range props {
		b.Columns[i].Property = p
		if p.Samples.Count > 0 {
			b.Columns[i].Samples = make([]Column, p.Samples.Count)
			for k := range p.Samples.Count {
				b.Columns[i].Samples[k].Property = Property{Name: p.Name, Type: p.Type, Length: p.Length, Sparse: p.Sparse}
			}
		}
	}
	return b
}

// Len is the number of prims in the batch.
func (b *Batch) Len() int { return len(b.Paths) }

// Reset empties the batch for reuse, keeping its columns and capacity.
func (b *Batch) Reset() {
	b.Paths = b.Paths[:0]
	for i := range b.Columns {
		b.Columns[i].Reset()
	}
}

// Column holds one property's values for every prim of a batch. Only the
// slice matching Property.Type is set:
//
//	Double: Doubles   Float: Floats    Int: Ints       Int64: Int64s
//	Bool: Bools       String, Token, Asset: Strings     Half: Halfs (bits)
//	Float3: Vec3f     Double3: Vec3d
//	other tuples (double2/4, float2/4, int2/3/4, quatf, quatd, matrix4d):
//	                  Tuples, Width() values per row, as Value.Tuple
//	DoubleArray: DoubleArrays  FloatArray, Float2Array: FloatArrays
//	IntArray: IntArrays        Float3Array: Vec3fArrays
//	Int64Array: Int64Arrays    BoolArray: BoolArrays
//	StringArray, TokenArray: StringArrays   HalfArray: HalfArrays
//
// A sparse column (Property.Sparse) may leave prims without a value:
// Present says which rows hold one. The others still take a slot (any
// value) in the slice, so that row i is always element i.
//
// An animated property (Property.Samples) also has Samples: Samples[k]
// holds every row's value at Property.Samples.Time(k), a column of the
// same type and length (its own Property has no Samples; rows the column
// lacks are absent from every sample).
type Column struct {
	Property Property
	Samples  []Column
	// Present is nil when every row holds a value.
	Present      []bool
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
	Tuples       []float64
	Halfs        []uint16
	Int64Arrays  [][]int64
	BoolArrays   [][]bool
	StringArrays [][]string
	HalfArrays   [][]uint16
}

// Has reports whether row i holds a value.
func (c *Column) Has(i int) bool { return c.Present == nil || c.Present[i] }

// Len is the number of values in the column.
func (c *Column) Len() int { return c.store().len(c) }

// Reset empties the column, keeping its capacity.
func (c *Column) Reset() {
	for i := range stores {
		stores[i].reset(c)
	}
	if c.Present != nil {
		c.Present = c.Present[:0]
	}
	for k := range c.Samples {
		c.Samples[k].Reset()
	}
}

// Slice returns the column's rows [lo, hi), sharing its memory.
func (c *Column) Slice(lo, hi int) Column {
	out := Column{Property: c.Property}
	c.store().slice(&out, c, lo, hi)
	if c.Present != nil {
		out.Present = c.Present[lo:hi]
	}
	if c.Samples != nil {
		out.Samples = make([]Column, len(c.Samples))
		for k := range c.Samples {
			out.Samples[k] = c.Samples[k].Slice(lo, hi)
		}
	}
	return out
}

// Values returns the slice that holds the column's values: the field for
// its type ([]float64 for double, [][3]float32 for float3, ...), or nil for
// a column of no known type.
func (c *Column) Values() any { return c.store().values(c) }

// Value copies row i of the column into dst. Array values share memory with
// the column.
func (c *Column) Value(i int, dst *Value) {
	dst.Type = c.Property.Type
	c.store().value(c, i, dst)
}

// store returns the store of the column's type; a column of no known type
// has none (noStore).
func (c *Column) store() *store {
	if t := c.Property.Type; t != Invalid && int(t) < len(stores) {
		return &stores[t]
	}
	return &noStore
}

// Check verifies that every column of the batch matches the scene's
// properties and has one value per path, that only sparse properties leave
// prims without a value, and that no prim has two values of one name.
func (b *Batch) Check(props []Property) error {
	if len(b.Columns) != len(props) {
		return fmt.Errorf("batch has %d columns, scene has %d properties", len(b.Columns), len(props))
	}
	shared := false // a name carried by more than one column
	for i := range b.Columns {
		c := &b.Columns[i]
		if c.Property.Name != props[i].Name || c.Property.Type != props[i].Type {
			return fmt.Errorf("batch column %d is %s %s, scene expects %s %s",
				i, c.Property.Type, c.Property.Name, props[i].Type, props[i].Name)
		}
		if n := c.Len(); n != len(b.Paths) {
			return fmt.Errorf("batch column %s has %d values for %d prims", c.Property.Name, n, len(b.Paths))
		}
		if c.Present != nil {
			if len(c.Present) != len(b.Paths) {
				return fmt.Errorf("batch column %s marks %d rows present or absent for %d prims", c.Property.Name, len(c.Present), len(b.Paths))
			}
			if !props[i].Sparse {
				for r, ok := range c.Present {
					if !ok {
						return fmt.Errorf("prim %s has no value for %s, which the scene does not declare sparse", b.Paths[r], c.Property.Name)
					}
				}
			}
		}
		if err := c.checkSamples(props[i], len(b.Paths)); err != nil {
			return err
		}
		for j := range i {
			shared = shared || props[j].Name == props[i].Name
		}
	}
	if shared {
		for r := range b.Paths {
			seen := map[string]bool{}
			for i := range b.Columns {
				if c := &b.Columns[i]; c.Has(r) {
					if seen[c.Property.Name] {
						return fmt.Errorf("prim %s has two values of %s", b.Paths[r], c.Property.Name)
					}
					seen[c.Property.Name] = true
				}
			}
		}
	}
	return nil
}

// checkSamples verifies that an animated column has one sample column per
// time, each of its type with a value per prim, and that others have none.
func (c *Column) checkSamples(p Property, prims int) error {
	if len(c.Samples) != p.Samples.Count {
		return fmt.Errorf("batch column %s has %d sample columns for %d times", p.Name, len(c.Samples), p.Samples.Count)
	}
	for k := range c.Samples {
		s := &c.Samples[k]
		if s.Property.Type != p.Type {
			return fmt.Errorf("batch column %s: sample column %d is %s, not %s", p.Name, k, s.Property.Type, p.Type)
		}
		if n := s.Len(); n != prims {
			return fmt.Errorf("batch column %s: sample column %d has %d values for %d prims", p.Name, k, n, prims)
		}
	}
	return nil
}

// A store is where a Column keeps the values of one type: the slice field
// that holds them and how one of them becomes a Value.
type store struct {
	len    func(c *Column) int
	reset  func(c *Column)
	slice  func(dst, src *Column, lo, hi int)
	values func(c *Column) any
	value  func(c *Column, i int, dst *Value)
}

// noStore is the store of a column of no known type: it holds nothing.
var noStore = store{
	len:    func(*Column) int { return 0 },
	reset:  func(*Column) {},
	slice:  func(_, _ *Column, _, _ int) {},
	values: func(*Column) any { return nil },
	value:  func(*Column, int, *Value) {},
}

// stores pairs every type with its Column field, the one place that knows
// which field holds which type. Each value function reads its field
// directly (one call per Value, not three: usda writes every value through
// Column.Value).
var stores = [...]store{
	Invalid: noStore,
	Double: storeOf(func(c *Column) *[]float64 { return &c.Doubles },
		func(c *Column, i int, v *Value) { v.Num = c.Doubles[i] }),
	Float: storeOf(func(c *Column) *[]float32 { return &c.Floats },
		func(c *Column, i int, v *Value) { v.Num = float64(c.Floats[i]) }),
	Int: storeOf(func(c *Column) *[]int32 { return &c.Ints },
		func(c *Column, i int, v *Value) { v.Int = int64(c.Ints[i]) }),
	Int64: storeOf(func(c *Column) *[]int64 { return &c.Int64s },
		func(c *Column, i int, v *Value) { v.Int = c.Int64s[i] }),
	Bool: storeOf(func(c *Column) *[]bool { return &c.Bools },
		func(c *Column, i int, v *Value) { v.Bool = c.Bools[i] }),
	String: stringStore,
	Token:  stringStore,
	Float3: storeOf(func(c *Column) *[][3]float32 { return &c.Vec3f },
		func(c *Column, i int, v *Value) {
			x := c.Vec3f[i]
			v.Vec = [3]float64{float64(x[0]), float64(x[1]), float64(x[2])}
		}),
	Double3: storeOf(func(c *Column) *[][3]float64 { return &c.Vec3d },
		func(c *Column, i int, v *Value) { v.Vec = c.Vec3d[i] }),
	DoubleArray: storeOf(func(c *Column) *[][]float64 { return &c.DoubleArrays },
		func(c *Column, i int, v *Value) { v.Doubles = c.DoubleArrays[i] }),
	FloatArray: storeOf(func(c *Column) *[][]float32 { return &c.FloatArrays },
		func(c *Column, i int, v *Value) { v.Floats = c.FloatArrays[i] }),
	IntArray: storeOf(func(c *Column) *[][]int32 { return &c.IntArrays },
		func(c *Column, i int, v *Value) { v.Ints = c.IntArrays[i] }),
	Float3Array: storeOf(func(c *Column) *[][][3]float32 { return &c.Vec3fArrays },
		func(c *Column, i int, v *Value) { v.Vecs = c.Vec3fArrays[i] }),
	TokenArray:  stringArrayStore,
	StringArray: stringArrayStore,
	BoolArray: storeOf(func(c *Column) *[][]bool { return &c.BoolArrays },
		func(c *Column, i int, v *Value) { v.Bools = c.BoolArrays[i] }),
	Int64Array: storeOf(func(c *Column) *[][]int64 { return &c.Int64Arrays },
		func(c *Column, i int, v *Value) { v.Int64s = c.Int64Arrays[i] }),
	Double2:  tupleStore(2),
	Double4:  tupleStore(4),
	Float2:   tupleStore(2),
	Float4:   tupleStore(4),
	Int2:     tupleStore(2),
	Int3:     tupleStore(3),
	Int4:     tupleStore(4),
	Matrix4d: tupleStore(16),
	Quatf:    tupleStore(4),
	Quatd:    tupleStore(4),
	Half: storeOf(func(c *Column) *[]uint16 { return &c.Halfs },
		func(c *Column, i int, v *Value) { v.Num = float64(HalfToFloat32(c.Halfs[i])) }),
	HalfArray: storeOf(func(c *Column) *[][]uint16 { return &c.HalfArrays },
		func(c *Column, i int, v *Value) { v.Halfs = c.HalfArrays[i] }),
	Asset: stringStore,
	Float2Array: storeOf(func(c *Column) *[][]float32 { return &c.FloatArrays },
		func(c *Column, i int, v *Value) { v.Floats = c.FloatArrays[i] }),
}

var stringArrayStore = storeOf(func(c *Column) *[][]string { return &c.StringArrays },
	func(c *Column, i int, v *Value) { v.Strs = c.StringArrays[i] })

// tupleStore keeps w values per row in Tuples.
func tupleStore(w int) store {
	return store{
		len:    func(c *Column) int { return len(c.Tuples) / w },
		reset:  func(c *Column) { c.Tuples = c.Tuples[:0] },
		slice:  func(dst, src *Column, lo, hi int) { dst.Tuples = src.Tuples[lo*w : hi*w] },
		values: func(c *Column) any { return c.Tuples },
		value:  func(c *Column, i int, v *Value) { copy(v.Tuple[:w], c.Tuples[i*w:(i+1)*w]) },
	}
}

var stringStore = storeOf(func(c *Column) *[]string { return &c.Strings },
	func(c *Column, i int, v *Value) { v.Str = c.Strings[i] })

// storeOf makes the store of the values field points at; value copies one
// of them into a Value.
func storeOf[T any](field func(*Column) *[]T, value func(c *Column, i int, v *Value)) store {
	return store{
		len:    func(c *Column) int { return len(*field(c)) },
		reset:  func(c *Column) { *field(c) = (*field(c))[:0] },
		slice:  func(dst, src *Column, lo, hi int) { *field(dst) = (*field(src))[lo:hi] },
		values: func(c *Column) any { return *field(c) },
		value:  value,
	}
}
