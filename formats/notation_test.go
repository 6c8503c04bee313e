package formats

import (
	"strconv"
	"testing"
)

// TestNotation walks every type with a notation unlike USDA: quoted
// integers, no space after the separator, its own brackets and bools.
func TestNotation(t *testing.T) {
	n := &Notation{
		Float:   func(dst []byte, x float64, bits int) []byte { return strconv.AppendFloat(dst, x, 'g', -1, bits) },
		String:  strconv.AppendQuote,
		Int:     func(dst []byte, x int64) []byte { return strconv.AppendQuote(dst, strconv.FormatInt(x, 10)) },
		Bool:    [2]string{"no", "yes"},
		Tuple:   [2]byte{'<', '>'},
		Array:   [2]byte{'{', '}'},
		Sep:     ';',
		Invalid: "?",
	}
	cases := []struct {
		v    Value
		want string
	}{
		{Value{Type: Double, Num: 0.1}, "0.1"},
		{Value{Type: Float, Num: float64(float32(0.1))}, "0.1"},
		{Value{Type: Int, Int: -3}, `"-3"`},
		{Value{Type: Int64, Int: 1 << 40}, `"1099511627776"`},
		{Value{Type: Bool, Bool: true}, "yes"},
		{Value{Type: Bool}, "no"},
		{Value{Type: String, Str: `a"b`}, `"a\"b"`},
		{Value{Type: Token, Str: "t"}, `"t"`},
		{Value{Type: Float3, Vec: [3]float64{1, 0.5, -2}}, "<1;0.5;-2>"},
		{Value{Type: Double3, Vec: [3]float64{0.1, 2, 3}}, "<0.1;2;3>"},
		{Value{Type: DoubleArray, Doubles: []float64{1, 2.5}}, "{1;2.5}"},
		{Value{Type: DoubleArray}, "{}"},
		{Value{Type: FloatArray, Floats: []float32{0.1}}, "{0.1}"},
		{Value{Type: IntArray, Ints: []int32{1, -2}}, `{"1";"-2"}`},
		{Value{Type: Float3Array, Vecs: [][3]float32{{1, 2, 3}, {4, 5, 6}}}, "{<1;2;3>;<4;5;6>}"},
		{Value{}, "?"},
	}
	for _, c := range cases {
		if got := string(n.AppendValue(nil, &c.v)); got != c.want {
			t.Errorf("%s: got %s, want %s", c.v.Type, got, c.want)
		}
	}
	// Without Int, integers are decimal digits.
	n.Int = nil
	v := Value{Type: IntArray, Ints: []int32{7, 8}}
	if got := string(n.AppendValue([]byte("x="), &v)); got != "x={7;8}" {
		t.Errorf("decimal ints: got %s", got)
	}
}
