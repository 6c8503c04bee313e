package stats

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/scenebench/runner/runner/results"
)

func expAll(xs ...float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = math.Exp(x)
	}
	return out
}

// Worked by hand: base = e^{0,1,2,3}, x = e^{10,11,12,13}. The 16 log
// differences are 7, 8 8, 9 9 9, 10 10 10 10, 11 11 11, 12 12, 13; their
// median is 10. With m = n = 4 there are C(8,4) = 70 equally likely
// arrangements: P(U <= 0) = 1/70 <= 0.025 < P(U <= 1) = 2/70, so k = 1 and
// the interval is the extreme differences [7, 13], at 1 - 2/70.
func TestRatioOfKnownSample(t *testing.T) {
	r := RatioOf(expAll(0, 1, 2, 3), expAll(10, 11, 12, 13), 0.95)
	if !near(math.Log(r.Estimate), 10) || !near(math.Log(r.Low), 7) || !near(math.Log(r.High), 13) {
		t.Errorf("ratio = e^%v (e^%v .. e^%v), want e^10 (e^7 .. e^13)", math.Log(r.Estimate), math.Log(r.Low), math.Log(r.High))
	}
	if !near(r.Confidence, 1-2.0/70) {
		t.Errorf("confidence = %v, want %v", r.Confidence, 1-2.0/70)
	}
	if !r.Significant() || Decide(r, 1) != Higher || Decide(r.Inverse(), 1) != Lower {
		t.Errorf("verdicts: significant %v, %v, inverse %v", r.Significant(), Decide(r, 1), Decide(r.Inverse(), 1))
	}
	// The floor: e^7 is beyond a floor of e^6.9, not beyond e^7.1.
	if Decide(r, math.Exp(6.9)) != Higher || Decide(r, math.Exp(7.1)) != Same {
		t.Error("the floor does not decide at the interval's nearer end")
	}
}

// For m = n = 10 the two-sided 5% critical value of U is 23 (tables; R's
// qwilcox(0.025, 10, 10) = 24): the interval is the 24th to 77th of the 100
// sorted differences. With x = base shifted by s, every difference is
// s + (b_j - b_i), so the interval is s plus the 24th and 77th of those.
func TestRatioOfTenAndTen(t *testing.T) {
	k, conf := mosesRank(10, 10, 0.05)
	if k != 24 {
		t.Fatalf("k = %d, want 24", k)
	}
	// P(U <= 23) for m = n = 10 is 3,996 of the C(20,10) = 184,756
	// arrangements.
	if !near((1-conf)/2, 3996.0/184756) {
		t.Errorf("P(U <= 23) = %v, want %v", (1-conf)/2, 3996.0/184756)
	}
	base := []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	x := make([]float64, len(base))
	for i, b := range base {
		x[i] = b + 0.5
	}
	// Differences j - i + 0.5 for i, j in 0..9: value d + 0.5 occurs
	// 10-|d| times. Counting from below, d = -9..-4 cover 1+2+...+6 = 21
	// differences and d = -3 the next 7, so the 24th is -3 + 0.5; by
	// symmetry the 77th is 3 + 0.5. The median is 0.5.
	r := RatioOf(expAll(base...), expAll(x...), 0.95)
	if !near(math.Log(r.Estimate), 0.5) || !near(math.Log(r.Low), -2.5) || !near(math.Log(r.High), 3.5) {
		t.Errorf("ratio e^%v (e^%v .. e^%v), want e^0.5 (e^-2.5 .. e^3.5)", math.Log(r.Estimate), math.Log(r.Low), math.Log(r.High))
	}
	if r.Significant() {
		t.Error("a shift of half the spacing is significant")
	}
}

// uCDF agrees with counting every arrangement of small samples.
func TestUDistributionByEnumeration(t *testing.T) {
	for _, mn := range [][2]int{{1, 1}, {2, 3}, {4, 5}, {3, 7}, {6, 6}} {
		m, n := mn[0], mn[1]
		counts := make([]float64, m*n+1)
		total := 0.0
		// Each arrangement is a bit mask of which of the m+n ranks are x.
		for mask := 0; mask < 1<<(m+n); mask++ {
			if popcount(mask) != m {
				continue
			}
			u, ys := 0, 0
			for rank := 0; rank < m+n; rank++ {
				if mask&(1<<rank) != 0 {
					u += ys // this x exceeds every y below it
				} else {
					ys++
				}
			}
			counts[u]++
			total++
		}
		cdf := uCDF(m, n)
		s := 0.0
		for u := range counts {
			s += counts[u] / total
			if math.Abs(cdf[u]-s) > 1e-12 {
				t.Errorf("m=%d n=%d: P(U <= %d) = %v, want %v", m, n, u, cdf[u], s)
			}
		}
	}
}

func popcount(x int) int {
	c := 0
	for ; x != 0; x &= x - 1 {
		c++
	}
	return c
}

// The normal approximation takes over above MaxExactPairs; near the
// switch it agrees with the exact rank within one.
func TestMosesRankApproximation(t *testing.T) {
	for _, n := range []int{20, 40, 80} {
		exact, _ := mosesRank(n, n, 0.05)
		mu := float64(n*n) / 2
		sigma := math.Sqrt(float64(n*n*(2*n+1)) / 12)
		approx := int(math.Floor(mu - 1.959963984540054*sigma + 0.5))
		if d := exact - approx; d < -1 || d > 1 {
			t.Errorf("n=%d: exact rank %d, normal %d", n, exact, approx)
		}
	}
	if k, conf := mosesRank(120, 120, 0.05); k < 1 || conf < 0.949 || conf > 0.96 {
		t.Errorf("approximate rank %d at confidence %v", k, conf)
	}
}

func TestRatioOfTooFew(t *testing.T) {
	// m = n = 3: P(U <= 0) = 1/20 > 0.025, no interval.
	r := RatioOf([]float64{10, 11, 12}, []float64{20, 21, 22}, 0.95)
	if r.HasInterval() || r.Significant() || Decide(r, 1) != Same {
		t.Errorf("three runs each gave an interval: %+v", r)
	}
	if !(r.Estimate > 1.8 && r.Estimate < 2.1) {
		t.Errorf("estimate %v, want about 2", r.Estimate)
	}
	if r := RatioOf(nil, []float64{1}, 0); r.Estimate != 0 || r.HasInterval() {
		t.Errorf("no base: %+v", r)
	}
	// Zero times are left out, not turned into infinite ratios.
	if r := RatioOf([]float64{0, 0, 0}, []float64{1, 2, 3}, 0); r.Estimate != 0 {
		t.Errorf("zero base: %+v", r)
	}
}

func TestRatioOfIdentical(t *testing.T) {
	same := []float64{5, 5, 5, 5, 5, 5, 5, 5}
	r := RatioOf(same, same, 0)
	if r.Estimate != 1 || r.Low != 1 || r.High != 1 || r.Significant() {
		t.Errorf("identical samples: %+v", r)
	}
	twice := []float64{10, 10, 10, 10, 10, 10, 10, 10}
	r = RatioOf(same, twice, 0)
	if !near(r.Estimate, 2) || !r.Significant() || Decide(r, 1) != Higher {
		t.Errorf("constant samples twice as large: %+v", r)
	}
}

// Samples of one distribution: the interval excludes 1 in at most 5% of
// trials (the Moses interval is conservative: for 10 and 10 runs its
// achieved level is 95.7%), and a verdict beyond the A/A floor of an
// independent control is rarer still.
func TestRatioOfFalsePositiveRate(t *testing.T) {
	rng := rand.New(rand.NewPCG(42, 1))
	draw := func(n int) []float64 {
		out := make([]float64, n)
		for i := range out {
			// Skewed like timings: a log-normal body and a heavy tail.
			out[i] = 1e6 * math.Exp(0.2*rng.NormFloat64())
			if rng.Float64() < 0.1 {
				out[i] *= 1 + 3*rng.Float64()
			}
		}
		return out
	}
	const trials = 5000
	for _, n := range []int{6, 8, 10, 12} {
		significant, won := 0, 0
		for range trials {
			base, control, x := draw(n), draw(n), draw(n)
			r := RatioOf(base, x, DefaultConfidence)
			if r.Significant() {
				significant++
			}
			if Decide(r, NoiseFloor(RatioOf(base, control, DefaultConfidence))) != Same {
				won++
			}
		}
		if rate := float64(significant) / trials; rate > 0.05 {
			t.Errorf("n=%d: significant in %.1f%% of trials of one distribution", n, 100*rate)
		}
		if rate := float64(won) / trials; rate > 0.01 {
			t.Errorf("n=%d: a verdict beyond the A/A floor in %.1f%% of trials", n, 100*rate)
		}
	}
}

// A real difference is found: 1.5x with 5% noise, ten runs each.
func TestRatioOfFindsShift(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	var base, x []float64
	for range 10 {
		base = append(base, 1e6*(1+0.05*rng.NormFloat64()))
		x = append(x, 1.5e6*(1+0.05*rng.NormFloat64()))
	}
	r := RatioOf(base, x, 0)
	if !r.Significant() || r.Low > 1.5 || r.High < 1.5 || math.Abs(r.Estimate-1.5) > 0.1 {
		t.Errorf("1.5x: %+v", r)
	}
	if inv := r.Inverse(); !near(inv.Estimate*r.Estimate, 1) || !near(inv.Low*r.High, 1) || !near(inv.High*r.Low, 1) {
		t.Errorf("inverse %+v of %+v", inv, r)
	}
	// The same interval from the other side: RatioOf(x, base) is the inverse.
	if back := RatioOf(x, base, 0); !near(back.Low, 1/r.High) || !near(back.High, 1/r.Low) || !near(back.Estimate, 1/r.Estimate) {
		t.Errorf("RatioOf(x, base) %+v is not the inverse of %+v", back, r)
	}
}

func TestRangeRatio(t *testing.T) {
	base := results.Summary{Median: 100, Min: 95, Max: 105}
	higher := results.Summary{Median: 120, Min: 110, Max: 130}
	overlap := results.Summary{Median: 104, Min: 100, Max: 108}
	r := RangeRatio(base, higher, 10, 10, 0)
	if !near(r.Estimate, 1.2) || !near(r.Low, 110.0/105) || !near(r.High, 130.0/95) || Decide(r, 1) != Higher {
		t.Errorf("disjoint ranges: %+v", r)
	}
	if r := RangeRatio(base, overlap, 10, 10, 0); r.Significant() {
		t.Errorf("overlapping ranges: %+v", r)
	}
	// 3 runs each: 2/C(6,3) = 0.1 > 0.05, no interval.
	if r := RangeRatio(base, higher, 3, 3, 0); r.HasInterval() {
		t.Errorf("three runs: %+v", r)
	}
	// The same figure in every run on both sides: no difference.
	exact := results.Summary{Median: 96, Min: 96, Max: 96}
	if r := RangeRatio(exact, exact, 10, 10, 0); r.Estimate != 1 || r.Significant() {
		t.Errorf("equal constants: %+v", r)
	}
	zero := results.Summary{}
	if r := RangeRatio(zero, zero, 10, 10, 0); r.Estimate != 1 || r.HasInterval() {
		t.Errorf("zeros: %+v", r)
	}
}

func TestNoiseFloor(t *testing.T) {
	if f := NoiseFloor(Ratio{}); f != 1 {
		t.Errorf("no control: floor %v", f)
	}
	if f := NoiseFloor(Ratio{Estimate: 1, Low: 0.8, High: 1.1}); !near(f, 1.25) {
		t.Errorf("floor %v, want 1.25", f)
	}
	if f := NoiseFloor(Ratio{Estimate: 1, Low: 0.95, High: 1.2}); !near(f, 1.2) {
		t.Errorf("floor %v, want 1.2", f)
	}
}

func TestFamilyConfidence(t *testing.T) {
	for _, tt := range []struct {
		conf float64
		k    int
		want float64
	}{{0.95, 0, 0.95}, {0.95, 1, 0.95}, {0.95, 2, 0.975}, {0.95, 10, 0.995}, {0, 5, 0.99}} {
		if got := FamilyConfidence(tt.conf, tt.k); got < tt.want-1e-12 || got > tt.want+1e-12 {
			t.Errorf("FamilyConfidence(%v, %d) = %v, want %v", tt.conf, tt.k, got, tt.want)
		}
	}
}
