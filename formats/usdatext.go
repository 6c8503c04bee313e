package formats

import (
	"math"
	"strconv"
	"strings"
)

// FormatUSDA renders a value the way a .usda layer spells it: numbers in
// shortest round-trip form, bools as 0/1, strings quoted, tuples in
// parentheses and arrays in brackets.
func FormatUSDA(v *Value) string {
	var b strings.Builder
	AppendUSDA(&b, v)
	return b.String()
}

// AppendUSDA writes FormatUSDA(v) to b.
func AppendUSDA(b *strings.Builder, v *Value) {
	switch v.Type {
	case Double:
		b.WriteString(FormatFloat(v.Num, 64))
	case Float:
		b.WriteString(FormatFloat(v.Num, 32))
	case Int, Int64:
		b.WriteString(strconv.FormatInt(v.Int, 10))
	case Bool:
		if v.Bool {
			b.WriteByte('1')
		} else {
			b.WriteByte('0')
		}
	case String, Token:
		b.WriteString(QuoteUSDA(v.Str))
	case Float3, Double3:
		bits := 64
		if v.Type == Float3 {
			bits = 32
		}
		b.WriteByte('(')
		for i, x := range v.Vec {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(FormatFloat(x, bits))
		}
		b.WriteByte(')')
	case DoubleArray:
		b.WriteByte('[')
		for i, x := range v.Doubles {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(FormatFloat(x, 64))
		}
		b.WriteByte(']')
	case FloatArray:
		b.WriteByte('[')
		for i, x := range v.Floats {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(FormatFloat(float64(x), 32))
		}
		b.WriteByte(']')
	case IntArray:
		b.WriteByte('[')
		for i, x := range v.Ints {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.FormatInt(int64(x), 10))
		}
		b.WriteByte(']')
	case Float3Array:
		b.WriteByte('[')
		for i, x := range v.Vecs {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j, c := range x {
				if j > 0 {
					b.WriteString(", ")
				}
				b.WriteString(FormatFloat(float64(c), 32))
			}
			b.WriteByte(')')
		}
		b.WriteByte(']')
	default:
		b.WriteString("None")
	}
}

// FormatFloat prints a float in the shortest form that reads back to the same
// value at the given precision, with USDA's spellings of the special values.
func FormatFloat(x float64, bits int) string {
	switch {
	case math.IsNaN(x):
		return "nan"
	case math.IsInf(x, 1):
		return "inf"
	case math.IsInf(x, -1):
		return "-inf"
	}
	return strconv.FormatFloat(x, 'g', -1, bits)
}

// QuoteUSDA quotes a string with USDA's escapes.
func QuoteUSDA(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 || c == 0x7f {
				b.WriteString(`\x`)
				b.WriteString(strconv.FormatUint(uint64(c)>>4, 16))
				b.WriteString(strconv.FormatUint(uint64(c)&15, 16))
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
