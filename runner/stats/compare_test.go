package stats

import (
	"math/rand/v2"
	"testing"
)

// lognormal draws n samples around median with the given spread, seeded.
func lognormal(seed uint64, n int, median, spread float64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 7))
	out := make([]float64, n)
	for i := range out {
		x := median * (1 + spread*rng.NormFloat64())
		if x < 1 {
			x = 1
		}
		out[i] = x
	}
	return out
}

func TestCompareSamples(t *testing.T) {
	tests := []struct {
		name        string
		old, new    []float64
		significant bool
		warnings    bool
	}{
		{"doubled median", lognormal(1, 10, 1e6, 0.05), lognormal(2, 10, 2e6, 0.05), true, false},
		{"halved median", lognormal(3, 10, 1e6, 0.05), lognormal(4, 10, 0.5e6, 0.05), true, false},
		{"one distribution", lognormal(5, 10, 1e6, 0.05), lognormal(6, 10, 1e6, 0.05), false, false},
		{"one distribution, noisy", lognormal(7, 20, 1e6, 0.2), lognormal(8, 20, 1e6, 0.2), false, false},
		{"too few samples", []float64{1, 2, 3}, []float64{10, 20, 30}, false, true},
		{"empty", nil, []float64{1, 2}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oldCopy := append([]float64(nil), tt.old...)
			c := CompareSamples(tt.old, tt.new, 0)
			if c.Significant != tt.significant {
				t.Errorf("Significant = %v (p=%g), want %v", c.Significant, c.P, tt.significant)
			}
			if c.Alpha != DefaultAlpha {
				t.Errorf("Alpha = %g, want %g", c.Alpha, DefaultAlpha)
			}
			if (len(c.Warnings) > 0) != tt.warnings {
				t.Errorf("Warnings = %q, want some: %v", c.Warnings, tt.warnings)
			}
			if c.P < 0 || c.P > 1 {
				t.Errorf("P = %g out of [0,1]", c.P)
			}
			for i := range oldCopy {
				if tt.old[i] != oldCopy[i] {
					t.Fatal("CompareSamples reordered its input")
				}
			}
		})
	}
}

func TestCompareSamplesAlpha(t *testing.T) {
	a := lognormal(11, 8, 1e6, 0.05)
	b := lognormal(12, 8, 1.06e6, 0.05)
	loose := CompareSamples(a, b, 0.5)
	strict := CompareSamples(a, b, 1e-9)
	if loose.P != strict.P {
		t.Fatalf("p-value depends on alpha: %g vs %g", loose.P, strict.P)
	}
	if strict.Significant {
		t.Errorf("significant at alpha 1e-9 with p=%g", strict.P)
	}
}
