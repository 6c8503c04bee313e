package formats

import (
	"math"
	"strconv"
	"strings"
)

// USDA is the notation of OpenUSD's .usda writer: numbers in shortest
// round-trip form (see AppendFloat), bools as 0/1, strings quoted (see
// AppendQuoted), tuples in parentheses and arrays in brackets.
var USDA = &Notation{
	Float:       AppendFloat,
	String:      AppendQuoted,
	Asset:       AppendAssetPath,
	Bool:        [2]string{"0", "1"},
	Tuple:       [2]byte{'(', ')'},
	Array:       [2]byte{'[', ']'},
	Sep:         ',',
	Space:       true,
	MatrixSpace: true,
	Invalid:     "None",
}

// AppendAssetPath appends an asset path as USDA writes it: between @
// signs, or @@@ when the path holds an @ (an @@@ inside escaped as \@@@).
func AppendAssetPath(dst []byte, s string) []byte {
	if strings.IndexByte(s, '@') < 0 {
		dst = append(dst, '@')
		dst = append(dst, s...)
		return append(dst, '@')
	}
	dst = append(dst, "@@@"...)
	dst = append(dst, strings.ReplaceAll(s, "@@@", `\@@@`)...)
	return append(dst, "@@@"...)
}

// FormatUSDA renders a value the way OpenUSD's .usda writer spells it (the
// USDA notation).
func FormatUSDA(v *Value) string {
	return string(AppendValueUSDA(nil, v))
}

// AppendUSDA writes FormatUSDA(v) to b.
func AppendUSDA(b *strings.Builder, v *Value) {
	var buf [64]byte
	b.Write(AppendValueUSDA(buf[:0], v))
}

// AppendValueUSDA appends FormatUSDA(v) to dst and returns the extended
// buffer; it does not allocate when dst has room.
func AppendValueUSDA(dst []byte, v *Value) []byte {
	return USDA.AppendValue(dst, v)
}

// FormatFloat prints a float in the shortest form that reads back to the same
// value at the given precision, spelled as OpenUSD spells it (see
// AppendFloat).
func FormatFloat(x float64, bits int) string {
	var buf [32]byte
	return string(AppendFloat(buf[:0], x, bits))
}

// AppendFloat appends FormatFloat(x, bits) to dst. The spelling is OpenUSD's
// (double-conversion's shortest form): plain decimals for decimal exponents
// -7 < e < 15 ("100000", "0.000001"), otherwise a mantissa with an unsigned
// or negative exponent ("1e15", "2.5e-10"); "inf", "-inf" and "nan". A
// half (bits 16) is written as C++ streams it, with six significant digits
// ("0.0999756"), which always reads back to the same half.
func AppendFloat(dst []byte, x float64, bits int) []byte {
	switch {
	case math.IsNaN(x):
		return append(dst, "nan"...)
	case math.IsInf(x, 1):
		return append(dst, "inf"...)
	case math.IsInf(x, -1):
		return append(dst, "-inf"...)
	case bits == 16:
		return strconv.AppendFloat(dst, x, 'g', 6, 32)
	}
	// Shortest digits in scientific form: [-]d[.ddd]e±XX.
	var tmp [32]byte
	s := strconv.AppendFloat(tmp[:0], x, 'e', -1, bits)
	if s[0] == '-' {
		dst = append(dst, '-')
		s = s[1:]
	}
	e := 0
	for i := range s {
		if s[i] == 'e' {
			n, _ := strconv.Atoi(string(s[i+1:]))
			e = n
			s = s[:i]
			break
		}
	}
	// Collect the mantissa digits without the point.
	var digs [24]byte
	nd := 0
	for _, c := range s {
		if c != '.' {
			digs[nd] = c
			nd++
		}
	}
	d := digs[:nd]
	switch {
	case e >= -6 && e < 15 && e >= 0:
		if nd <= e+1 {
			dst = append(dst, d...)
			for i := nd; i < e+1; i++ {
				dst = append(dst, '0')
			}
		} else {
			dst = append(dst, d[:e+1]...)
			dst = append(dst, '.')
			dst = append(dst, d[e+1:]...)
		}
	case e >= -6 && e < 0:
		dst = append(dst, "0."...)
		for i := 0; i < -e-1; i++ {
			dst = append(dst, '0')
		}
		dst = append(dst, d...)
	default:
		dst = append(dst, d[0])
		if nd > 1 {
			dst = append(dst, '.')
			dst = append(dst, d[1:]...)
		}
		dst = append(dst, 'e')
		dst = strconv.AppendInt(dst, int64(e), 10)
	}
	return dst
}

// QuoteUSDA quotes a string as OpenUSD does (see AppendQuoted).
func QuoteUSDA(s string) string {
	return string(AppendQuoted(make([]byte, 0, len(s)+2), s))
}

// AppendQuoted appends s quoted the way OpenUSD writes strings: double quotes,
// or single quotes when s holds a double quote and no single quote; tripled
// quotes with raw newlines when s spans lines; backslash escapes for the
// quote character, backslash, tab, carriage return and (as \xHH) other ASCII
// control characters. Other bytes pass through.
func AppendQuoted(dst []byte, s string) []byte {
	quote := byte('"')
	if strings.IndexByte(s, '"') >= 0 && strings.IndexByte(s, '\'') < 0 {
		quote = '\''
	}
	triple := strings.IndexByte(s, '\n') >= 0
	dst = append(dst, quote)
	if triple {
		dst = append(dst, quote, quote)
	}
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\n' && triple:
			dst = append(dst, c)
		case c == '\n':
			dst = append(dst, `\n`...)
		case c == '\r':
			dst = append(dst, `\r`...)
		case c == '\t':
			dst = append(dst, `\t`...)
		case c == '\\':
			dst = append(dst, `\\`...)
		case c == quote:
			dst = append(dst, '\\', c)
		case c < 0x20 || c == 0x7f:
			dst = append(dst, '\\', 'x', hex[c>>4], hex[c&15])
		default:
			dst = append(dst, c)
		}
	}
	dst = append(dst, quote)
	if triple {
		dst = append(dst, quote, quote)
	}
	return dst
}
