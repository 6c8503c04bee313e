package units

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// sig3 formats v (>= 0) with about three significant digits; zero is
// plainly "0", never "0.00".
func sig3(v float64) string {
	switch {
	case v == 0:
		return "0"
	case v >= 99.95:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 9.995:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}

// unit is one step of a ladder of units: its name, its size in the base
// unit, and the magnitude (in the base unit) from which the next unit
// takes over.
type unit struct {
	name        string
	size, below float64
}

// A figure is shown in the first unit it is below; a rounding that would
// show 1000 of one unit moves on to the next.
var (
	timeUnits = []unit{{"ns", 1, 999.5}, {"µs", 1e3, 999.5e3}, {"ms", 1e6, 999.5e6}, {"s", 1e9, math.Inf(1)}}
	sizeUnits = []unit{{"B", 1, 1024}, {"KiB", 1024, 999.5 * 1024}, {"MiB", 1024 * 1024, 999.5 * 1024 * 1024},
		{"GiB", 1 << 30, 999.5 * (1 << 30)}, {"TiB", 1 << 40, math.Inf(1)}}
)

// unitFor returns the unit that suits magnitude v (>= 0); the largest for NaN.
func unitFor(units []unit, v float64) unit {
	for _, u := range units {
		if v < u.below {
			return u
		}
	}
	return units[len(units)-1]
}

// scaled formats v in the unit of units that suits its magnitude, keeping
// its sign; digits formats the number of units.
func scaled(v float64, units []unit, digits func(u unit, n float64) string) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	u := unitFor(units, v)
	return sign + digits(u, v/u.size) + " " + u.name
}

// Duration formats a time in nanoseconds with the unit that suits its
// magnitude: ns, µs, ms or s.
func Duration(ns float64) string {
	return scaled(ns, timeUnits, func(_ unit, n float64) string { return sig3(n) })
}

// DurationUnit picks one unit for a set of times (for chart axes): its
// name and the number of nanoseconds in it.
func DurationUnit(maxNS float64) (string, float64) {
	u := unitFor(timeUnits, maxNS)
	return u.name, u.size
}

// Bytes formats a byte count with a binary unit that suits its magnitude:
// B, KiB, MiB or GiB. Negative counts (RSS deltas) keep their sign; whole
// bytes have no decimals.
func Bytes(b float64) string {
	return scaled(b, sizeUnits, func(u unit, n float64) string {
		if u.size == 1 {
			return strconv.FormatFloat(n, 'f', 0, 64)
		}
		return sig3(n)
	})
}

// BytesUnit picks one binary unit for a set of sizes (for chart axes).
func BytesUnit(maxBytes float64) (string, float64) {
	u := unitFor(sizeUnits, maxBytes)
	return u.name, u.size
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
