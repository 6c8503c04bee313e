package units

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// byteSuffixes are the units ParseBytes accepts, binary and decimal.
var byteSuffixes = []struct {
	name string
	size int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
	{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"T", 1 << 40},
	{"B", 1},
}

// ParseBytes reads a byte count written as a whole number with an optional
// unit: "256MiB", "1.5GiB", "512 KB", "1048576". Binary units (KiB, MiB,
// GiB, TiB, and K, M, G, T as the kernel writes them) are powers of 1024,
// decimal ones (KB, MB, GB, TB) powers of 1000; unit names are
// case-sensitive. The result is a whole, positive number of bytes.
func ParseBytes(s string) (int64, error) {
	t := strings.TrimSpace(s)
	size := int64(1)
	for _, u := range byteSuffixes {
		if strings.HasSuffix(t, u.name) {
			size = u.size
			t = strings.TrimSpace(strings.TrimSuffix(t, u.name))
			break
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || t == "" || strings.ContainsAny(t, "eExXpP_") {
		return 0, fmt.Errorf("%q is not a size such as \"256MiB\", \"2GiB\" or a number of bytes", s)
	}
	b := f * float64(size)
	switch {
	case math.IsNaN(b) || b <= 0:
		return 0, fmt.Errorf("%q is not a positive size", s)
	case b >= math.MaxInt64:
		return 0, fmt.Errorf("%q is too large", s)
	case b != math.Trunc(b):
		return 0, fmt.Errorf("%q is not a whole number of bytes", s)
	}
	return int64(b), nil
}

// ExactBytes writes n in the largest binary unit that divides it exactly,
// without a space ("256MiB", "1536KiB", "1000B"): the short, lossless form
// labels use.
func ExactBytes(n int64) string {
	for _, u := range []struct {
		name string
		size int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.size && n%u.size == 0 {
			return strconv.FormatInt(n/u.size, 10) + u.name
		}
	}
	return strconv.FormatInt(n, 10) + "B"
}
