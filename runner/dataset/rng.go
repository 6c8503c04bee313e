package dataset

import (
	"math"
	"math/bits"
	"math/rand/v2"
)

// Reproducibility rules. A dataset must give the same bytes on every
// machine, OS and Go version, so everything between the seed and a value is
// fixed here rather than borrowed from APIs whose algorithms may change:
//
//   - Each property has its own PCG-DXSM stream (math/rand/v2's PCG, whose
//     output for a given seed is fixed by its algorithm), seeded from the
//     dataset seed and the property's name only. Adding, removing or
//     reordering properties never changes another property's values.
//   - Only PCG.Uint64 is used. Unit floats, bounded integers and normal
//     deviates are derived by the functions below, not by rand.Rand's
//     methods.
//   - Floating-point expressions are written with explicit float64
//     conversions around products so that no compiler may fuse them into
//     FMA instructions (the Go spec allows fusion otherwise, and arm64,
//     ppc64 and s390x do it).
//   - The natural logarithm the normal generator needs is computed by
//     detLog below (the classic fdlibm algorithm, in plain arithmetic), not
//     by math.Log, which is assembly on some architectures.
//
// Changing any of this changes generated values: bump GeneratorVersion.

// propertyRNG returns the PCG stream of one property.
func propertyRNG(seed uint64, name string) *rand.PCG {
	h := fnv1a64(name)
	return rand.NewPCG(mix64(seed^h), mix64(h+0x9e3779b97f4a7c15*(seed|1)))
}

// fnv1a64 is the 64-bit FNV-1a hash.
func fnv1a64(s string) uint64 {
	h := uint64(0xcbf29ce484222325)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 0x100000001b3
	}
	return h
}

// mix64 is the SplitMix64 finaliser: it spreads every input bit over the
// whole word.
func mix64(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// unitFloat returns a float64 in [0, 1) with 53 random bits.
func unitFloat(r *rand.PCG) float64 {
	return float64(r.Uint64()>>11) * 0x1p-53
}

// bounded returns a uniform integer in [0, n) for n > 0 (Lemire's
// multiply-and-reject method; unbiased).
func bounded(r *rand.PCG, n uint64) uint64 {
	hi, lo := bits.Mul64(r.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(r.Uint64(), n)
		}
	}
	return hi
}

// normalPair draws two independent standard normal deviates with
// Marsaglia's polar method.
func normalPair(r *rand.PCG) (float64, float64) {
	for {
		u := float64(2*unitFloat(r)) - 1
		v := float64(2*unitFloat(r)) - 1
		s := float64(u*u) + float64(v*v)
		if s > 0 && s < 1 {
			f := math.Sqrt(float64(-2*detLog(s)) / s)
			return float64(u * f), float64(v * f)
		}
	}
}

// fdlibm's constants for log(x).
const (
	ln2Hi = 6.93147180369123816490e-01 // 0x3fe62e42fee00000
	ln2Lo = 1.90821492927058770002e-10 // 0x3dea39ef35793c76
	lg1   = 6.666666666666735130e-01
	lg2   = 3.999999999940941908e-01
	lg3   = 2.857142874366239149e-01
	lg4   = 2.222219843214978396e-01
	lg5   = 1.818357216161805012e-01
	lg6   = 1.531383769920937332e-01
	lg7   = 1.479819860511658591e-01
)

// detLog is the natural logarithm of a positive finite x, computed the way
// fdlibm's __ieee754_log does (reduction to [sqrt(2)/2, sqrt(2)), a
// polynomial in s = f/(2+f)), with every product rounded on its own so the
// result is the same on every platform. It is accurate to within 1 ulp.
func detLog(x float64) float64 {
	frac, exp := math.Frexp(x) // exact on every platform
	if frac < math.Sqrt2/2 {
		frac *= 2
		exp--
	}
	f := frac - 1
	k := float64(exp)
	s := f / float64(2+f)
	s2 := float64(s * s)
	s4 := float64(s2 * s2)
	t1 := float64(s2 * float64(lg1+float64(s4*float64(lg3+float64(s4*float64(lg5+float64(s4*lg7)))))))
	t2 := float64(s4 * float64(lg2+float64(s4*float64(lg4+float64(s4*lg6)))))
	r := t1 + t2
	hfsq := float64(float64(0.5*f) * f)
	return float64(k*ln2Hi) - ((hfsq - (float64(s*float64(hfsq+r)) + float64(k*ln2Lo))) - f)
}
