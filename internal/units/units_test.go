package units

import (
	"math"
	"testing"
)

func TestDuration(t *testing.T) {
	tests := []struct {
		ns   float64
		want string
	}{
		{0, "0 ns"}, {12.345, "12.3 ns"}, {999.4, "999 ns"}, {999.6, "1.00 µs"}, {2370, "2.37 µs"},
		{52_000, "52.0 µs"}, {46_700_000, "46.7 ms"}, {855_700_000, "856 ms"}, {999_600_000, "1.00 s"},
		{1.5e9, "1.50 s"}, {125e9, "125 s"}, {-2500, "-2.50 µs"},
	}
	for _, tt := range tests {
		if got := Duration(tt.ns); got != tt.want {
			t.Errorf("Duration(%g) = %q, want %q", tt.ns, got, tt.want)
		}
	}
}

func TestBytes(t *testing.T) {
	tests := []struct {
		b    float64
		want string
	}{
		{0, "0 B"}, {1023, "1023 B"}, {1024, "1.00 KiB"}, {1536, "1.50 KiB"}, {1_474_560, "1.41 MiB"},
		{3.28e6, "3.13 MiB"}, {8 << 30, "8.00 GiB"}, {-65536, "-64.0 KiB"}, {1023.9 * 1024 * 1024, "1.00 GiB"},
	}
	for _, tt := range tests {
		if got := Bytes(tt.b); got != tt.want {
			t.Errorf("Bytes(%g) = %q, want %q", tt.b, got, tt.want)
		}
	}
}

func TestRatio(t *testing.T) {
	tests := []struct {
		value, base float64
		want        string
	}{
		{46.7, 855.7, "18.3x faster"}, {82.2, 37.7, "2.2x slower"}, {1.0, 1.02, "same"}, {5, 0, ""},
		{0, 5, ""}, {1, 250, "250x faster"},
	}
	for _, tt := range tests {
		if got := TimeRatio(tt.value, tt.base); got != tt.want {
			t.Errorf("TimeRatio(%g, %g) = %q, want %q", tt.value, tt.base, got, tt.want)
		}
	}
	if got := SizeRatio(1.47, 3.28); got != "2.2x smaller" {
		t.Errorf("SizeRatio = %q", got)
	}
	if got := Count(1474560); got != "1,474,560" {
		t.Errorf("Count = %q", got)
	}
	if got := Count(-1000); got != "-1,000" {
		t.Errorf("Count(-1000) = %q", got)
	}
}

func TestUnits(t *testing.T) {
	tests := []struct {
		max   float64
		bytes bool
		name  string
		size  float64
	}{
		{0, false, "ns", 1}, {999.4, false, "ns", 1}, {999.5, false, "µs", 1e3}, {5e6, false, "ms", 1e6},
		{1e12, false, "s", 1e9}, {math.NaN(), false, "s", 1e9},
		{0, true, "B", 1}, {1023, true, "B", 1}, {1024, true, "KiB", 1024}, {3 << 20, true, "MiB", 1 << 20},
		{1 << 39, true, "GiB", 1 << 30}, {1 << 40, true, "TiB", 1 << 40}, {math.NaN(), true, "TiB", 1 << 40},
	}
	for _, tt := range tests {
		unitOf := DurationUnit
		if tt.bytes {
			unitOf = BytesUnit
		}
		if name, size := unitOf(tt.max); name != tt.name || size != tt.size {
			t.Errorf("unit for %g (bytes %v) = %s, %g; want %s, %g", tt.max, tt.bytes, name, size, tt.name, tt.size)
		}
	}
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if Duration(v) != "–" || Bytes(v) != "–" {
			t.Errorf("%g renders as %q and %q, want –", v, Duration(v), Bytes(v))
		}
	}
}

func TestParseBytes(t *testing.T) {
	good := map[string]int64{
		"256MiB": 256 << 20, "1GiB": 1 << 30, "1.5GiB": 3 << 29, "512 KiB": 512 << 10, "4096": 4096,
		"2KB": 2000, "3MB": 3e6, "64M": 64 << 20, "10B": 10, " 1 TiB ": 1 << 40,
	}
	for in, want := range good {
		got, err := ParseBytes(in)
		if err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MiB", "-1MiB", "0", "1.5B", "lots", "1e9", "0x10", "9999999TiB", "256mib"} {
		if got, err := ParseBytes(in); err == nil {
			t.Errorf("ParseBytes(%q) = %d, want an error", in, got)
		}
	}
	for n, want := range map[int64]string{256 << 20: "256MiB", 1 << 30: "1GiB", 1536 << 10: "1536KiB", 1000: "1000B", 3 << 40: "3TiB"} {
		if got := ExactBytes(n); got != want {
			t.Errorf("ExactBytes(%d) = %q, want %q", n, got, want)
		}
	}
}
