package view

import (
	"testing"

	"github.com/scenebench/runner/runner/results"
)

func TestFamilies(t *testing.T) {
	r := &Report{File: &results.File{Scenarios: []results.Scenario{
		{Name: "scan-t4-mem128MiB", Base: "scan", Axes: map[string]string{"threads": "t4", "memory_limit": "mem128MiB"}},
		{Name: "plain"},
	}}}
	for _, tt := range []struct{ name, axis, want string }{
		{"scan-t4-mem128MiB", AxisThreads, "scan-mem128MiB"},
		{"scan-t4-mem128MiB", AxisMemoryLimit, "scan-t4"},
		{"scan-t4-mem128MiB", AxisCacheBudget, "scan-t4-mem128MiB"},
		{"plain", AxisThreads, "plain"},
	} {
		if got := r.scenarioFamily(tt.name, tt.axis); got != tt.want {
			t.Errorf("scenarioFamily(%s, %s) = %q, want %q", tt.name, tt.axis, got, tt.want)
		}
	}
	for _, tt := range []struct {
		label string
		axes  map[string]string
		axis  string
		want  string
	}{
		{"parquet-zstd-cache4096-mem64MiB", map[string]string{"cache_budget": "cache4096", "memory_limit": "mem64MiB"}, AxisCacheBudget, "parquet-zstd-mem64MiB"},
		{"parquet-zstd-cache4096-mem64MiB", map[string]string{"cache_budget": "cache4096", "memory_limit": "mem64MiB"}, AxisMemoryLimit, "parquet-zstd-cache4096"},
		{"usdc", nil, AxisMemoryLimit, "usdc"},
	} {
		c := &results.Cell{Format: tt.label, Variant: tt.axes}
		if got := variantFamily(c, tt.axis); got != tt.want {
			t.Errorf("variantFamily(%s, %s) = %q, want %q", tt.label, tt.axis, got, tt.want)
		}
	}
	if n, ok := trailingNumber("cache16777216"); !ok || n != 16777216 {
		t.Errorf("trailingNumber = %v %v", n, ok)
	}
	for v, want := range map[float64]string{12.34e6: "12.3 M/s", 950: "950 /s", 1.5e9: "1.50 G/s", 0: "–"} {
		if got := RateText(v); got != want {
			t.Errorf("RateText(%v) = %q, want %q", v, got, want)
		}
	}
}
