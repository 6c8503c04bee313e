package stats

import (
	"math"
	"strings"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// The expected figures below are worked out by hand in the comments.
func TestSummarizeKnownSample(t *testing.T) {
	// sorted: 10 10 11 11 11 12 12 12 13 100
	samples := []float64{10, 12, 11, 13, 100, 11, 12, 10, 11, 12}
	orig := append([]float64(nil), samples...)
	st, warns := Summarize(samples)

	// mean 202/10; sum of squared deviations 7083.6, /9, sqrt.
	want := map[string][2]float64{
		"mean":   {st.MeanNS, 20.2},
		"stddev": {st.StddevNS, math.Sqrt(7083.6 / 9)},
		"min":    {st.MinNS, 10},
		"max":    {st.MaxNS, 100},
		// h = 0.5*9 = 4.5: halfway between 11 and 12.
		"median": {st.MedianNS, 11.5},
		// h = 0.95*9 = 8.55: 13 + 0.55*(100-13).
		"p95": {st.P95NS, 60.85},
		// P(X(2) <= m <= X(9)) = 1 - 2*11/1024 = 0.979 >= 0.95, while
		// X(3)..X(8) gives only 0.891: the interval is [10, 13].
		"ci_low":  {st.CI95LowNS, 10},
		"ci_high": {st.CI95HighNS, 13},
		"cv":      {st.CV, math.Sqrt(7083.6/9) / 20.2},
	}
	for name, gw := range want {
		if !near(gw[0], gw[1]) {
			t.Errorf("%s = %v, want %v", name, gw[0], gw[1])
		}
	}
	// Q1 = 11, Q3 = 12, fences 9.5 and 13.5: only 100 is out.
	if st.Outliers != 1 {
		t.Errorf("outliers = %d, want 1", st.Outliers)
	}
	for i := range samples {
		if samples[i] != orig[i] {
			t.Fatal("Summarize reordered its input")
		}
	}
	joined := strings.Join(warns, "\n")
	for _, w := range []string{"noisy", "1 of 10 runs are outliers"} {
		if !strings.Contains(joined, w) {
			t.Errorf("warnings %q lack %q", warns, w)
		}
	}
	if strings.Contains(joined, "first run") || strings.Contains(joined, "95% interval") {
		t.Errorf("unexpected warnings %q", warns)
	}
}

func TestSummarizeWarnings(t *testing.T) {
	tests := []struct {
		name    string
		samples []float64
		want    []string // substrings expected among the warnings
		notWant []string
		noCI    bool
	}{
		{"steady", []float64{100, 101, 99, 100, 100, 101, 99, 100}, nil,
			[]string{"noisy", "outliers", "first run", "interval"}, false},
		{"few runs", []float64{100, 101, 99}, []string{"only 3 runs"}, []string{"noisy"}, true},
		{"one run", []float64{100}, []string{"only 1 run:"}, []string{"noisy", "first run", "outliers"}, true},
		// Degenerate samples: all equal, or all equal but one by a hair.
		{"all equal", []float64{50, 50, 50, 50, 50, 50, 50, 50}, nil,
			[]string{"noisy", "first run", "outliers", "Z-score"}, false},
		{"equal but half a nanosecond", []float64{50.5, 50, 50, 50, 50, 50, 50, 50}, nil,
			[]string{"noisy", "first run", "outliers", "Z-score"}, false},
		// median 10.5, MAD 0.5, first z = 89.5/0.5 = 179.
		{"slow first", []float64{100, 10, 11, 10, 11, 10, 11, 10, 11, 10},
			[]string{"first run was much slower", "Z-score 179"}, nil, false},
		{"slow later is no slow first", []float64{10, 100, 11, 10, 11, 10, 11, 10, 11, 10},
			[]string{"outliers"}, []string{"first run"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, warns := Summarize(tt.samples)
			joined := strings.Join(warns, "\n")
			for _, w := range tt.want {
				if !strings.Contains(joined, w) {
					t.Errorf("warnings %q lack %q", warns, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(joined, w) {
					t.Errorf("warnings %q should not mention %q", warns, w)
				}
			}
			if tt.noCI != (st.CI95LowNS == 0 && st.CI95HighNS == 0) {
				t.Errorf("interval [%v, %v], want none=%v", st.CI95LowNS, st.CI95HighNS, tt.noCI)
			}
		})
	}
}

func TestSummarizeEmpty(t *testing.T) {
	st, warns := Summarize(nil)
	if st.MeanNS != 0 || len(warns) != 1 {
		t.Fatalf("Summarize(nil) = %+v, %q", st, warns)
	}
}

func TestQuantileAndSummary(t *testing.T) {
	sorted := []float64{1, 2, 3, 4}
	for _, c := range []struct{ q, want float64 }{{0, 1}, {1, 4}, {0.5, 2.5}, {0.25, 1.75}, {0.95, 3.85}} {
		if got := Quantile(sorted, c.q); !near(got, c.want) {
			t.Errorf("Quantile(%v) = %v, want %v", c.q, got, c.want)
		}
	}
	s := Summary([]float64{5, 1, 3})
	if s.Median != 3 || s.Min != 1 || s.Max != 5 {
		t.Errorf("Summary = %+v", s)
	}
}

func TestModifiedZScores(t *testing.T) {
	// Equal samples and one different: the MAD is 0, so the scale is the
	// mean absolute deviation (90/8) times 0.8453: 90/9.51 = 9.46.
	z := ModifiedZScores([]float64{10, 10, 10, 10, 10, 10, 10, 100})
	if z[0] != 0 || !near(z[7], 90/(90.0/8*1.2533/1.4826)) {
		t.Errorf("z = %v", z)
	}
	// All equal: every score is 0, never 0/0 or 1e18.
	for _, xs := range [][]float64{{7, 7, 7, 7}, {0, 0, 0}} {
		for _, v := range ModifiedZScores(xs) {
			if v != 0 {
				t.Errorf("z of %v = %v", xs, ModifiedZScores(xs))
			}
		}
	}
	// One nanosecond apart on 100 ns: the 1% floor on the scale keeps the
	// score small.
	if z := ModifiedZScores([]float64{101, 100, 100, 100, 100, 100}); z[0] > 2 {
		t.Errorf("z = %v", z)
	}
	// median 3, deviations 2 1 0 1 2 -> MAD 1.
	z = ModifiedZScores([]float64{1, 2, 3, 4, 5})
	for i, want := range []float64{-2, -1, 0, 1, 2} {
		if !near(z[i], want) {
			t.Errorf("z[%d] = %v, want %v", i, z[i], want)
		}
	}
}
