package formats

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// Sampler is implemented by readers whose properties may carry time
// samples (Property.Times, or an attribute's timeSamples in a user's
// layer).
type Sampler interface {
	// SampleTimes lists the times of prim's samples of property,
	// ascending; nil when it has none (its value is then its default at
	// every time). The slice is the reader's: valid until Close, not to
	// be modified. Errors are GetHandle's.
	SampleTimes(prim PrimHandle, property PropertyHandle) ([]float64, error)
	// GetSample reads sample i (0 <= i < len(SampleTimes)) into dst, with
	// GetHandle's lifetime of dst's values. A blocked sample (None) gives
	// an error wrapping ErrNoValue.
	GetSample(prim PrimHandle, property PropertyHandle, i int, dst *Value) error
}

// TimeReader reads values at times through a reader's handles, resolved
// as OpenUSD resolves UsdAttribute::Get at a numeric UsdTimeCode in one
// layer (usd/attribute.cpp, usd/interpolators.h, with the stage's default
// linear interpolation):
//
//   - a property without time samples has its default value at every time;
//   - at a sample's time, that sample;
//   - before the first sample, the first; after the last, the last;
//   - between two samples at t0 < t < t1, with alpha = (t-t0)/(t1-t0)
//     (usd/interpolators.cpp, Usd_Interpolate): types OpenUSD interpolates
//     linearly (half, float, double, their vectors, matrix4d, quaternions
//     and arrays of them) get GfLerp(alpha, v0, v1) = (1-alpha)*v0 +
//     alpha*v1 computed in the precision OpenUSD's Gf types compute it
//     (Lerp), quaternions GfSlerp; alpha 0 gives v0 and, for arrays,
//     alpha 1 gives v1 as they are; every other type, arrays of different
//     lengths, samples of different types and samples less than 1e-6 apart
//     (GfIsClose) hold v0. A blocked lower sample gives ErrNoValue; a
//     blocked upper one holds v0.
//
// A TimeReader is not safe for concurrent use (it owns the buffers of
// interpolated arrays); make one per thread.
type TimeReader struct {
	res Resolver
	s   Sampler
	hi  Value
	out Value // buffers of interpolated arrays
}

// NewTimeReader reads through res; a reader that is not a Sampler has
// no time samples.
func NewTimeReader(res Resolver) *TimeReader {
	s, _ := res.(Sampler)
	return &TimeReader{res: res, s: s}
}

// Times lists prim's sample times of property (nil for none).
func (tr *TimeReader) Times(prim PrimHandle, property PropertyHandle) ([]float64, error) {
	if tr.s == nil {
		return nil, nil
	}
	return tr.s.SampleTimes(prim, property)
}

// Sample reads sample i of Times.
func (tr *TimeReader) Sample(prim PrimHandle, property PropertyHandle, i int, dst *Value) error {
	if tr.s == nil {
		return fmt.Errorf("sample %d of prim %d, property %d: the reader has no time samples: %w", i, prim, property, ErrNoValue)
	}
	return tr.s.GetSample(prim, property, i, dst)
}

// GetAt reads the value of property on prim at time t. Interpolated
// arrays live in the TimeReader's buffers until its next GetAt; other
// values have GetHandle's lifetime.
func (tr *TimeReader) GetAt(prim PrimHandle, property PropertyHandle, t float64, dst *Value) error {
	times, err := tr.Times(prim, property)
	if err != nil {
		return err
	}
	if len(times) == 0 {
		return tr.res.GetHandle(prim, property, dst)
	}
	i := sort.SearchFloat64s(times, t) // the first sample at or after t
	switch {
	case i < len(times) && times[i] == t:
		return tr.s.GetSample(prim, property, i, dst)
	case i == 0:
		return tr.s.GetSample(prim, property, 0, dst)
	case i == len(times):
		return tr.s.GetSample(prim, property, i-1, dst)
	}
	if err := tr.s.GetSample(prim, property, i-1, dst); err != nil {
		return err
	}
	t0, t1 := times[i-1], times[i]
	if !Interpolates(dst.Type) || math.Abs(t0-t1) < closeTimes {
		return nil // held, as are samples closer than GfIsClose's 1e-6
	}
	alpha := (t - t0) / (t1 - t0)
	if alpha == 0 {
		return nil
	}
	if err := tr.s.GetSample(prim, property, i, &tr.hi); err != nil {
		if errors.Is(err, ErrNoValue) {
			return nil // a blocked upper sample holds the lower
		}
		return err
	}
	if tr.hi.Type != dst.Type || tr.hi.Len() != dst.Len() {
		return nil // held, as OpenUSD holds samples that cannot blend
	}
	if alpha == 1 && dst.Type.IsArray() {
		*dst = tr.hi // OpenUSD takes the upper array whole
		return nil
	}
	Lerp(alpha, dst, &tr.hi, &tr.out)
	return nil
}

// closeTimes is GfIsClose's epsilon in Usd's interpolation: bracketing
// samples closer than this hold the lower one.
const closeTimes = 1e-6

// Interpolates reports whether OpenUSD interpolates values of type t
// linearly between time samples (UsdLinearInterpolationTypes: half,
// float, double, their vectors, matrices and quaternions, and arrays of
// these); other types hold the earlier sample.
func Interpolates(t Type) bool {
	switch t {
	case Half, Float, Double, Float2, Float3, Float4, Double2, Double3, Double4,
		Matrix4d, Quatf, Quatd,
		HalfArray, FloatArray, DoubleArray, Float2Array, Float3Array:
		return true
	}
	return false
}

// Lerp sets lo to OpenUSD's linear interpolation alpha of the way from lo
// to hi (same type and length; Interpolates(lo.Type)), computed as Gf
// computes it: GfLerp(alpha, a, b) = (1-alpha)*a + alpha*b, where a float
// scalar (or half) is blended in double and rounded once (through float,
// for half), a float vector component is rounded after each product and
// the sum taken in float (GfVecNf *= double, then +), doubles and
// matrix4d stay double; quaternions follow GfSlerp. Interpolated arrays
// are written into buf's slices, which lo then shares.
func Lerp(alpha float64, lo, hi, buf *Value) {
	a := 1 - alpha
	switch lo.Type {
	case Double:
		lo.Num = float64(a*lo.Num) + float64(alpha*hi.Num)
	case Float:
		lo.Num = float64(float32(float64(a*lo.Num) + float64(alpha*hi.Num)))
	case Half:
		lo.Num = lerpHalf(a, alpha, lo.Num, hi.Num)
	case Double3:
		for i := range lo.Vec {
			lo.Vec[i] = float64(a*lo.Vec[i]) + float64(alpha*hi.Vec[i])
		}
	case Float3:
		for i := range lo.Vec {
			lo.Vec[i] = float64(lerpVecf(a, alpha, float32(lo.Vec[i]), float32(hi.Vec[i])))
		}
	case Double2, Double4, Matrix4d:
		for i := range lo.Type.Width() {
			lo.Tuple[i] = float64(a*lo.Tuple[i]) + float64(alpha*hi.Tuple[i])
		}
	case Float2, Float4:
		for i := range lo.Type.Width() {
			lo.Tuple[i] = float64(lerpVecf(a, alpha, float32(lo.Tuple[i]), float32(hi.Tuple[i])))
		}
	case Quatd:
		slerp(alpha, lo.Tuple[:4], hi.Tuple[:4], false)
	case Quatf:
		slerp(alpha, lo.Tuple[:4], hi.Tuple[:4], true)
	case DoubleArray:
		out := grow(buf.Doubles, len(lo.Doubles))
		for i, x := range lo.Doubles {
			out[i] = float64(a*x) + float64(alpha*hi.Doubles[i])
		}
		buf.Doubles, lo.Doubles = out, out
	case FloatArray, Float2Array:
		// float2[] blends per component as GfVec2f does; float[] per
		// element as float does.
		out := grow(buf.Floats, len(lo.Floats))
		for i, x := range lo.Floats {
			if lo.Type == Float2Array {
				out[i] = lerpVecf(a, alpha, x, hi.Floats[i])
			} else {
				out[i] = float32(float64(a*float64(x)) + float64(alpha*float64(hi.Floats[i])))
			}
		}
		buf.Floats, lo.Floats = out, out
	case Float3Array:
		out := grow(buf.Vecs, len(lo.Vecs))
		for i, v := range lo.Vecs {
			for j := range v {
				out[i][j] = lerpVecf(a, alpha, v[j], hi.Vecs[i][j])
			}
		}
		buf.Vecs, lo.Vecs = out, out
	case HalfArray:
		out := grow(buf.Halfs, len(lo.Halfs))
		for i, x := range lo.Halfs {
			y := lerpHalf(a, alpha, float64(HalfToFloat32(x)), float64(HalfToFloat32(hi.Halfs[i])))
			out[i] = HalfBits(y)
		}
		buf.Halfs, lo.Halfs = out, out
	}
}

// lerpVecf is one component of GfLerp on a float vector: each product
// rounded to float (GfVecNf *= double), then added in float. Here and in
// Lerp, explicit conversions round every product, so that no platform
// fuses a multiply and an add (the Go spec allows it otherwise) where
// OpenUSD's C++ rounds twice.
func lerpVecf(a, alpha float64, x, y float32) float32 {
	return float32(a*float64(x)) + float32(alpha*float64(y))
}

// lerpHalf is GfLerp on GfHalf: blended in double (GfHalf widens to
// float), rounded to float, then to half.
func lerpHalf(a, alpha, x, y float64) float64 {
	return float64(HalfToFloat32(HalfFromFloat32(float32(float64(a*x) + float64(alpha*y)))))
}

// slerp sets q0 (real part first) to GfSlerp(alpha, q0, q1) (gf/quatf.cpp,
// gf/quatd.cpp): the shorter arc, sines of the angle, linear blending when
// the quaternions are within 1e-5 of parallel. With float, the dot
// product is taken in float, the angle and its sine rounded to float, and
// each scaled component rounded to float before the sum, as GfQuatf
// computes. Go's math.Sin and Acos may differ from the C library's in the
// last bit, so a quaternion between samples can differ from OpenUSD's by
// an ulp or two.
func slerp(alpha float64, q0, q1 []float64, float bool) {
	var cos float64
	if float {
		f := func(i int) float32 { return float32(float32(q0[i]) * float32(q1[i])) }
		cos = float64(f(0) + float32(float32(f(1)+f(2))+f(3)))
	} else {
		// GfDot(GfQuatd): real*real + GfDot(imaginary, imaginary).
		cos = float64(q0[0]*q1[0]) + (float64(float64(q0[1]*q1[1])+float64(q0[2]*q1[2])) + float64(q0[3]*q1[3]))
	}
	flip := false
	if cos < 0 {
		cos, flip = -cos, true
	}
	var s0, s1 float64
	switch {
	case 1-cos > 0.00001 && float:
		// GfSlerp(GfQuatf) keeps the angle and its sine in float.
		theta := float32(math.Acos(cos))
		sin := float64(float32(math.Sin(float64(theta))))
		s0 = math.Sin((1-alpha)*float64(theta)) / sin
		s1 = math.Sin(alpha*float64(theta)) / sin
	case 1-cos > 0.00001:
		theta := math.Acos(cos)
		sin := math.Sin(theta)
		s0 = math.Sin((1-alpha)*theta) / sin
		s1 = math.Sin(alpha*theta) / sin
	default:
		s0, s1 = 1-alpha, alpha
	}
	if flip {
		s1 = -s1
	}
	if float {
		// GfQuatf's scalar product takes a float: the scales are
		// rounded to float first.
		s0, s1 = float64(float32(s0)), float64(float32(s1))
	}
	for i := range 4 {
		if float {
			q0[i] = float64(float32(s0*q0[i]) + float32(s1*q1[i]))
		} else {
			q0[i] = float64(s0*q0[i]) + float64(s1*q1[i])
		}
	}
}

// grow returns s resized to n, reallocated only when too small.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
