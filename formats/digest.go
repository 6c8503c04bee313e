package formats

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/cespare/xxhash/v2"
)

// Digest is the runner's one digest of values read: XXH64 (seed 0) over a
// canonical little-endian encoding of every (path, property, value) in read
// order. The encoding of one record is
//
//	u32 len(path)  path bytes (UTF-8)
//	u32 len(property)  property bytes
//	u8  type code (the Type constant: double 1, float 2, int 3, int64 4,
//	    bool 5, string 6, token 7, float3 8, double3 9, double[] 10,
//	    float[] 11, int[] 12, float3[] 13, token[] 14, string[] 15,
//	    bool[] 16, int64[] 17, double2 18, double4 19, float2 20,
//	    float4 21, int2 22, int3 23, int4 24, half 25, half[] 26,
//	    matrix4d 27, quatf 28, quatd 29, asset 30, float2[] 31)
//	value:
//	  double        f64 bits
//	  float         f32 bits
//	  half          u16 bits (IEEE 754 binary16)
//	  int           i32
//	  int64         i64
//	  bool          u8 0 or 1
//	  string/token/asset  u32 len, bytes (an asset path as authored)
//	  vectors, quaternions, matrices: their components in order, each
//	                encoded as its scalar (float3 3 x f32, double3 3 x f64,
//	                int2 2 x i32, ...); quaternions real part first (as
//	                USDA writes them), matrix4d 16 x f64 row by row
//	  T[]           u32 count (of elements: a float2[] of 5 pairs counts
//	                5), then count elements encoded as T
//
// A value read at a time (a step with time = T, or each sample of
// time = "all") has, between the property and the type code,
//
//	u8  255  (a marker no type code takes)
//	f64 the time read at (the requested time, not a sample's, for T)
//
// so reads at a time never collide with reads of the default. A pair
// whose prim has no value for the property (formats.ErrNoValue) is not
// digested at all. Any language can reproduce it with an XXH64
// implementation.
type Digest struct {
	h       xxhash.Digest
	buf     [64]byte
	n       int
	started bool // h is set up (xxhash's zero value is not)
}

// Reset starts a new digest. A zero Digest is ready for use too.
func (d *Digest) Reset() { d.h.Reset(); d.n = 0; d.started = true }

// start sets up a zero Digest before its first use.
func (d *Digest) start() {
	if !d.started {
		d.Reset()
	}
}

// Count is the number of values added since Reset.
func (d *Digest) Count() int { return d.n }

// Sum returns the digest of everything added so far.
func (d *Digest) Sum() uint64 { d.start(); return d.h.Sum64() }

// Hex returns Sum as 16 lowercase hex digits, the form results carry.
func (d *Digest) Hex() string { return fmt.Sprintf("%016x", d.Sum()) }

func (d *Digest) str(s string) {
	binary.LittleEndian.PutUint32(d.buf[:4], uint32(len(s)))
	d.h.Write(d.buf[:4])
	d.h.WriteString(s)
}

// timeMarker precedes the time of a value read at a time.
const timeMarker = 255

// Add appends one value read from (path, property) to the digest.
func (d *Digest) Add(path, property string, v *Value) {
	d.start()
	d.n++
	d.str(path)
	d.str(property)
	d.value(v)
}

// AddAt appends one value read from (path, property) at time t.
func (d *Digest) AddAt(path, property string, t float64, v *Value) {
	d.start()
	d.n++
	d.str(path)
	d.str(property)
	d.buf[0] = timeMarker
	binary.LittleEndian.PutUint64(d.buf[1:9], math.Float64bits(t))
	d.h.Write(d.buf[:9])
	d.value(v)
}

// value writes a value's type code and encoding.
func (d *Digest) value(v *Value) {
	d.buf[0] = byte(v.Type)
	d.h.Write(d.buf[:1])
	b := d.buf[:]
	le := binary.LittleEndian
	switch v.Type {
	case Double:
		le.PutUint64(b, math.Float64bits(v.Num))
		d.h.Write(b[:8])
	case Float:
		le.PutUint32(b, math.Float32bits(float32(v.Num)))
		d.h.Write(b[:4])
	case Int:
		le.PutUint32(b, uint32(int32(v.Int)))
		d.h.Write(b[:4])
	case Int64:
		le.PutUint64(b, uint64(v.Int))
		d.h.Write(b[:8])
	case Bool:
		b[0] = 0
		if v.Bool {
			b[0] = 1
		}
		d.h.Write(b[:1])
	case String, Token:
		d.str(v.Str)
	case Float3:
		for i, x := range v.Vec {
			le.PutUint32(b[4*i:], math.Float32bits(float32(x)))
		}
		d.h.Write(b[:12])
	case Double3:
		for i, x := range v.Vec {
			le.PutUint64(b[8*i:], math.Float64bits(x))
		}
		d.h.Write(b[:24])
	case DoubleArray:
		d.count(len(v.Doubles))
		for _, x := range v.Doubles {
			le.PutUint64(b, math.Float64bits(x))
			d.h.Write(b[:8])
		}
	case FloatArray:
		d.count(len(v.Floats))
		for _, x := range v.Floats {
			le.PutUint32(b, math.Float32bits(x))
			d.h.Write(b[:4])
		}
	case IntArray:
		d.count(len(v.Ints))
		for _, x := range v.Ints {
			le.PutUint32(b, uint32(x))
			d.h.Write(b[:4])
		}
	case Float3Array:
		d.count(len(v.Vecs))
		for _, x := range v.Vecs {
			for i, c := range x {
				le.PutUint32(b[4*i:], math.Float32bits(c))
			}
			d.h.Write(b[:12])
		}
	case TokenArray, StringArray:
		d.count(len(v.Strs))
		for _, s := range v.Strs {
			d.str(s)
		}
	case BoolArray:
		d.count(len(v.Bools))
		for _, x := range v.Bools {
			b[0] = 0
			if x {
				b[0] = 1
			}
			d.h.Write(b[:1])
		}
	case Int64Array:
		d.count(len(v.Int64s))
		for _, x := range v.Int64s {
			le.PutUint64(b, uint64(x))
			d.h.Write(b[:8])
		}
	case Double2, Double4, Float2, Float4, Int2, Int3, Int4, Matrix4d, Quatf, Quatd:
		d.scalars(v.Type.Kind(), v.Tuple[:v.Type.Width()])
	case Half:
		le.PutUint16(b, HalfBits(v.Num))
		d.h.Write(b[:2])
	case HalfArray:
		d.count(len(v.Halfs))
		for _, x := range v.Halfs {
			le.PutUint16(b, x)
			d.h.Write(b[:2])
		}
	case Asset:
		d.str(v.Str)
	case Float2Array:
		d.count(len(v.Floats) / 2)
		for _, x := range v.Floats[:len(v.Floats)/2*2] {
			le.PutUint32(b, math.Float32bits(x))
			d.h.Write(b[:4])
		}
	}
}

// scalars writes widened components as scalars of kind k.
func (d *Digest) scalars(k Kind, xs []float64) {
	b := d.buf[:]
	le := binary.LittleEndian
	for _, x := range xs {
		switch k {
		case KindDouble:
			le.PutUint64(b, math.Float64bits(x))
			d.h.Write(b[:8])
		case KindFloat:
			le.PutUint32(b, math.Float32bits(float32(x)))
			d.h.Write(b[:4])
		case KindInt:
			le.PutUint32(b, uint32(int32(x)))
			d.h.Write(b[:4])
		}
	}
}

func (d *Digest) count(n int) {
	binary.LittleEndian.PutUint32(d.buf[:4], uint32(n))
	d.h.Write(d.buf[:4])
}
