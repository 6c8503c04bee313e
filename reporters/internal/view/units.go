package view

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// sig3 formats v (>= 0) with about three significant digits.
func sig3(v float64) string {
	switch {
	case v >= 99.95:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 9.995:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}

// Duration formats a time in nanoseconds with the unit that suits its
// magnitude: ns, µs, ms or s.
func Duration(ns float64) string {
	if math.IsNaN(ns) || math.IsInf(ns, 0) {
		return "–"
	}
	sign := ""
	if ns < 0 {
		sign, ns = "-", -ns
	}
	switch {
	case ns < 999.5:
		return sign + sig3(ns) + " ns"
	case ns < 999.5e3:
		return sign + sig3(ns/1e3) + " µs"
	case ns < 999.5e6:
		return sign + sig3(ns/1e6) + " ms"
	default:
		return sign + sig3(ns/1e9) + " s"
	}
}

// DurationUnit picks one unit for a set of times (for chart axes): its
// name and the number of nanoseconds in it.
func DurationUnit(maxNS float64) (string, float64) {
	switch {
	case maxNS < 999.5:
		return "ns", 1
	case maxNS < 999.5e3:
		return "µs", 1e3
	case maxNS < 999.5e6:
		return "ms", 1e6
	default:
		return "s", 1e9
	}
}

// Bytes formats a byte count with a binary unit that suits its magnitude:
// B, KiB, MiB or GiB. Negative counts (RSS deltas) keep their sign.
func Bytes(b float64) string {
	if math.IsNaN(b) || math.IsInf(b, 0) {
		return "–"
	}
	sign := ""
	if b < 0 {
		sign, b = "-", -b
	}
	switch {
	case b < 1024:
		return sign + strconv.FormatFloat(b, 'f', 0, 64) + " B"
	case b < 999.5*1024:
		return sign + sig3(b/1024) + " KiB"
	case b < 999.5*1024*1024:
		return sign + sig3(b/(1024*1024)) + " MiB"
	default:
		return sign + sig3(b/(1024*1024*1024)) + " GiB"
	}
}

// BytesUnit picks one binary unit for a set of sizes (for chart axes).
func BytesUnit(maxBytes float64) (string, float64) {
	switch {
	case maxBytes < 1024:
		return "B", 1
	case maxBytes < 999.5*1024:
		return "KiB", 1024
	case maxBytes < 999.5*1024*1024:
		return "MiB", 1024 * 1024
	default:
		return "GiB", 1024 * 1024 * 1024
	}
}

// Interval formats a range of times such as a 95% interval, or "–" when
// both ends are zero (no interval was computed).
func Interval(lo, hi float64) string {
	if lo == 0 && hi == 0 {
		return "–"
	}
	return Duration(lo) + " – " + Duration(hi)
}

// MiB formats a byte count in MiB with two decimals.
func MiB(b float64) string {
	return strconv.FormatFloat(b/(1024*1024), 'f', 2, 64) + " MiB"
}

// Count formats an integer with thousands separators: 1,474,560.
func Count(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Ratio describes value against base for a lower-is-better figure:
// "18.3x faster", "2.1x slower", or "same" within rounding. better and
// worse name the directions ("faster"/"slower", "smaller"/"larger").
// It returns "" when either figure is missing or not positive.
func Ratio(value, base float64, better, worse string) string {
	if !(value > 0) || !(base > 0) {
		return ""
	}
	r := value / base
	word := worse
	if r < 1 {
		r, word = 1/r, better
	}
	s := ratioNumber(r)
	if s == "1.0" {
		return "same"
	}
	return s + "x " + word
}

// Factor formats a plain ratio such as a compression ratio: "2.23x".
func Factor(r float64) string {
	if !(r > 0) || math.IsInf(r, 0) {
		return "–"
	}
	return fmt.Sprintf("%.2fx", r)
}

func ratioNumber(r float64) string {
	if r >= 99.5 {
		return strconv.FormatFloat(r, 'f', 0, 64)
	}
	return strconv.FormatFloat(r, 'f', 1, 64)
}

// TimeRatio is Ratio for times.
func TimeRatio(value, base float64) string { return Ratio(value, base, "faster", "slower") }

// SizeRatio is Ratio for sizes and memory.
func SizeRatio(value, base float64) string { return Ratio(value, base, "smaller", "larger") }
