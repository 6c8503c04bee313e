package formats

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

// memSampler is a Resolver and Sampler over fixed samples of one prim:
// property 0 animated (its samples), property 1 a default only.
type memSampler struct {
	def     Value
	times   []float64
	samples []Value
	blocked map[int]bool
}

func (m *memSampler) ResolvePrim(string) (PrimHandle, error)         { return 0, nil }
func (m *memSampler) ResolveProperty(string) (PropertyHandle, error) { return 0, nil }
func (m *memSampler) GetHandle(_ PrimHandle, _ PropertyHandle, dst *Value) error {
	*dst = m.def
	return nil
}
func (m *memSampler) SampleTimes(_ PrimHandle, q PropertyHandle) ([]float64, error) {
	if q == 1 {
		return nil, nil
	}
	return m.times, nil
}
func (m *memSampler) GetSample(_ PrimHandle, _ PropertyHandle, i int, dst *Value) error {
	if m.blocked[i] {
		return fmt.Errorf("sample %d: %w", i, ErrNoValue)
	}
	*dst = m.samples[i]
	return nil
}

func TestTimeReaderResolution(t *testing.T) {
	d := func(x float64) Value { return Value{Type: Double, Num: x} }
	m := &memSampler{def: d(-1), times: []float64{1, 2, 4}, samples: []Value{d(10), d(20), d(40)}}
	tr := NewTimeReader(m)
	for _, tc := range []struct {
		t    float64
		want float64
	}{
		{0, 10}, {1, 10}, {1.5, 15}, {2, 20}, {3, 30}, {3.5, 35}, {4, 40}, {100, 40},
	} {
		var v Value
		if err := tr.GetAt(0, 0, tc.t, &v); err != nil || v.Num != tc.want {
			t.Errorf("double at %v: %v (%v), want %v", tc.t, v.Num, err, tc.want)
		}
	}
	var v Value
	if err := tr.GetAt(0, 1, 3, &v); err != nil || v.Num != -1 {
		t.Errorf("unanimated at 3: %v (%v), want the default -1", v.Num, err)
	}
	// Held types hold the lower sample; a blocked lower sample has no
	// value, a blocked upper one holds the lower.
	tok := func(s string) Value { return Value{Type: Token, Str: s} }
	m = &memSampler{times: []float64{1, 2, 3}, samples: []Value{tok("a"), tok("b"), tok("c")}}
	tr = NewTimeReader(m)
	if err := tr.GetAt(0, 0, 1.9, &v); err != nil || v.Str != "a" {
		t.Errorf("token at 1.9: %q (%v), want held a", v.Str, err)
	}
	m = &memSampler{times: []float64{1, 2, 3}, samples: []Value{d(1), d(2), d(3)}, blocked: map[int]bool{0: true, 2: true}}
	tr = NewTimeReader(m)
	if err := tr.GetAt(0, 0, 1.5, &v); !errors.Is(err, ErrNoValue) {
		t.Errorf("blocked lower sample: %v, want ErrNoValue", err)
	}
	if err := tr.GetAt(0, 0, 2.5, &v); err != nil || v.Num != 2 {
		t.Errorf("blocked upper sample: %v (%v), want held 2", v.Num, err)
	}
}

// Lerp computes in the precision of OpenUSD's Gf types: a float scalar is
// blended in double and rounded once, a float vector rounds each product.
func TestLerpPrecision(t *testing.T) {
	x, y := float32(0.1), float32(0.7)
	const alpha = 1.0 / 3
	lo := Value{Type: Float, Num: float64(x)}
	Lerp(alpha, &lo, &Value{Type: Float, Num: float64(y)}, &Value{})
	if want := float32((1-alpha)*float64(x) + alpha*float64(y)); float32(lo.Num) != want {
		t.Errorf("float: %v, want %v", lo.Num, want)
	}
	lo = Value{Type: Float3, Vec: [3]float64{float64(x), float64(x), float64(x)}}
	Lerp(alpha, &lo, &Value{Type: Float3, Vec: [3]float64{float64(y), float64(y), float64(y)}}, &Value{})
	if want := float32((1-alpha)*float64(x)) + float32(alpha*float64(y)); float32(lo.Vec[0]) != want {
		t.Errorf("float3: %v, want %v", lo.Vec[0], want)
	}
	// Arrays blend into the buffer, never into the lower sample's memory
	// (a reader's cache).
	src := []float64{0, 10}
	lo = Value{Type: DoubleArray, Doubles: src}
	var buf Value
	Lerp(0.5, &lo, &Value{Type: DoubleArray, Doubles: []float64{10, 20}}, &buf)
	if src[0] != 0 || lo.Doubles[0] != 5 || lo.Doubles[1] != 15 {
		t.Errorf("double[]: %v, source now %v", lo.Doubles, src)
	}
	// Quaternions take the shorter arc: halfway between identity and a
	// half turn about x is a quarter turn.
	q := Value{Type: Quatd, Tuple: [16]float64{1, 0, 0, 0}}
	Lerp(0.5, &q, &Value{Type: Quatd, Tuple: [16]float64{0, 1, 0, 0}}, &buf)
	if h := math.Sqrt(0.5); math.Abs(q.Tuple[0]-h) > 1e-15 || math.Abs(q.Tuple[1]-h) > 1e-15 {
		t.Errorf("quatd: %v", q.Tuple[:4])
	}
}

func TestSamplesCheck(t *testing.T) {
	for _, tc := range []struct {
		s  Samples
		ok bool
	}{
		{Samples{}, true},
		{Samples{Count: 24, Start: 1, Step: 1}, true},
		{Samples{Count: 1, Start: 5, Step: 0}, true},
		{Samples{Count: 2, Start: 1, Step: 0}, false},
		{Samples{Count: 2, Start: 1, Step: -1}, false},
		{Samples{Count: 3, Start: math.Inf(1), Step: 1}, false},
		{Samples{Count: 3, Start: 1e300, Step: 1}, false}, // 1e300+1 == 1e300
		{Samples{Count: MaxSamples + 1, Start: 1, Step: 1}, false},
		{Samples{Count: -1}, false},
	} {
		if err := tc.s.Check(); (err == nil) != tc.ok {
			t.Errorf("%+v: %v, want ok %v", tc.s, err, tc.ok)
		}
	}
	if got := (Samples{Count: 3, Start: 1, Step: 0.5}).Times(); len(got) != 3 || got[2] != 2 {
		t.Errorf("times %v", got)
	}
}

// A read at a time never digests like a read of the default.
func TestDigestAddAt(t *testing.T) {
	v := Value{Type: Double, Num: 1}
	var a, b, c Digest
	a.Add("/A", "x", &v)
	b.AddAt("/A", "x", 0, &v)
	c.AddAt("/A", "x", 1, &v)
	if a.Sum() == b.Sum() || b.Sum() == c.Sum() {
		t.Errorf("digests collide: %s %s %s", a.Hex(), b.Hex(), c.Hex())
	}
}

// OpenUSD's edges of interpolation: samples closer than 1e-6 hold, and an
// array at alpha 1 is the upper sample whole.
func TestTimeReaderEdges(t *testing.T) {
	d := func(x float64) Value { return Value{Type: Double, Num: x} }
	m := &memSampler{times: []float64{1, 1 + 5e-7, 3}, samples: []Value{d(10), d(20), d(30)}}
	tr := NewTimeReader(m)
	var v Value
	if err := tr.GetAt(0, 0, 1+2e-7, &v); err != nil || v.Num != 10 {
		t.Errorf("between samples 5e-7 apart: %v (%v), want held 10", v.Num, err)
	}
	a := (2 - (1 + 5e-7)) / (3 - (1 + 5e-7))
	if want := (1-a)*20 + a*30; tr.GetAt(0, 0, 2, &v) != nil || v.Num != want {
		t.Errorf("at 2: %v, want %v", v.Num, want)
	}
	arr := func(xs ...float64) Value { return Value{Type: DoubleArray, Doubles: xs} }
	m = &memSampler{times: []float64{0, 1}, samples: []Value{arr(0, 0), arr(1, 3)}}
	tr = NewTimeReader(m)
	if err := tr.GetAt(0, 0, 0.5, &v); err != nil || v.Doubles[1] != 1.5 {
		t.Errorf("double[] at 0.5: %v (%v)", v.Doubles, err)
	}
	m.samples[1] = arr(1, 3, 5)
	if err := tr.GetAt(0, 0, 0.5, &v); err != nil || len(v.Doubles) != 2 || v.Doubles[1] != 0 {
		t.Errorf("double[] of two lengths at 0.5: %v (%v), want held [0 0]", v.Doubles, err)
	}
}

// A zero Digest digests what a Reset one does, long inputs included.
func TestZeroDigest(t *testing.T) {
	v := Value{Type: String, Str: "a string longer than xxhash's 32-byte stripes, to reach its block path"}
	var zero, reset Digest
	reset.Reset()
	zero.Add("/World/Prim_1", "payload", &v)
	reset.Add("/World/Prim_1", "payload", &v)
	if zero.Sum() != reset.Sum() {
		t.Errorf("zero digest %s, reset %s", zero.Hex(), reset.Hex())
	}
	var empty, emptyReset Digest
	emptyReset.Reset()
	if empty.Sum() != emptyReset.Sum() {
		t.Errorf("empty zero digest %s, reset %s", empty.Hex(), emptyReset.Hex())
	}
}
