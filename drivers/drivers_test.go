package drivers

import "testing"

func TestReferenceFor(t *testing.T) {
	for _, c := range []struct {
		format, want string
		ok           bool
	}{
		{"usdc", "openusd-cpp", true},
		{"usda", "openusd-cpp", true},
		{"parquet", "arrow-cpp", true},
		{"usdz", "", false},
	} {
		got, ok := ReferenceFor(c.format)
		if got != c.want || ok != c.ok {
			t.Errorf("ReferenceFor(%q) = %q, %v; want %q, %v", c.format, got, ok, c.want, c.ok)
		}
		if ok {
			if _, shipped := Lookup(got); !shipped {
				t.Errorf("ReferenceFor(%q) names %q, which is not shipped", c.format, got)
			}
		}
	}
}
