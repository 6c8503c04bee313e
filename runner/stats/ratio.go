package stats

import (
	"math"
	"slices"
	"sync"

	"github.com/scenebench/runner/runner/results"
)

// Ratio is how many times larger one set of figures is than another (a
// variant's times over the baseline's, a new run's over an old one's),
// with a distribution-free interval.
//
// For samples it is the Hodges-Lehmann estimate of the shift between the
// logarithms of the two samples (the median of every pairwise difference
// log x - log base), turned back into a ratio, and its interval is the
// Moses interval: the pairwise differences of order k and mn+1-k, with k
// read from the exact distribution of the Mann-Whitney U statistic (a
// normal approximation above MaxExactPairs pairs). The interval excludes 1
// exactly when the Mann-Whitney test rejects "no shift" at 1-Confidence.
//
// For figures kept only as a median, min and max over runs (memory and
// I/O), see RangeRatio.
type Ratio struct {
	// Estimate is x over base: above 1 x is larger (slower), below 1
	// smaller (faster). 0 when it cannot be computed.
	Estimate float64
	// Low and High bound the interval; both 0 when there is none.
	Low, High float64
	// Confidence is the interval's achieved confidence (at least the
	// level asked for; 0 without an interval).
	Confidence float64
	// N1 and N2 count the base and x figures.
	N1, N2 int
}

// HasInterval reports whether r carries an interval: both samples had
// enough positive figures for one at the confidence asked.
func (r Ratio) HasInterval() bool { return r.Low > 0 && r.High > 0 }

// Significant reports whether the interval excludes 1: the two sets of
// figures differ at the interval's level.
func (r Ratio) Significant() bool { return r.HasInterval() && (r.High < 1 || r.Low > 1) }

// Reach is how far the interval reaches from 1, as a factor of at least
// 1: max(High, 1/Low). It is 1 without an interval.
func (r Ratio) Reach() float64 {
	if !r.HasInterval() {
		return 1
	}
	return math.Max(1, math.Max(r.High, 1/r.Low))
}

// Inverse is base over x: the same comparison seen from the other side.
func (r Ratio) Inverse() Ratio {
	out := Ratio{Confidence: r.Confidence, N1: r.N2, N2: r.N1}
	if r.Estimate > 0 {
		out.Estimate = 1 / r.Estimate
	}
	if r.HasInterval() {
		out.Low, out.High = 1/r.High, 1/r.Low
	}
	return out
}

// DefaultAlpha is the significance level of comparisons unless told
// otherwise (one minus Confidence).
const DefaultAlpha = 0.05

// MaxExactPairs is the largest m*n for which the Moses interval reads the
// exact Mann-Whitney distribution; larger samples use the normal
// approximation, which is then within a rank of it.
const MaxExactPairs = 10000

// RatioOf compares x with base: the Hodges-Lehmann ratio x/base with its
// Moses interval at confidence (0 means Confidence). Figures that are not
// positive (a clock that read 0) are left out, since a ratio needs
// logarithms. Without enough figures for an interval the estimate is still
// given and the interval left at zero. The inputs are not modified.
func RatioOf(base, x []float64, confidence float64) Ratio {
	if confidence <= 0 || confidence >= 1 {
		confidence = Confidence
	}
	lb, lx := logs(base), logs(x)
	r := Ratio{N1: len(lb), N2: len(lx)}
	m, n := len(lb), len(lx)
	if m == 0 || n == 0 {
		return r
	}
	diffs := make([]float64, 0, m*n)
	for _, b := range lb {
		for _, v := range lx {
			diffs = append(diffs, v-b)
		}
	}
	slices.Sort(diffs)
	r.Estimate = math.Exp(medianSorted(diffs))
	k, achieved := mosesRank(m, n, 1-confidence)
	if k > 0 {
		r.Low, r.High = math.Exp(diffs[k-1]), math.Exp(diffs[m*n-k])
		r.Confidence = achieved
	}
	return r
}

// RangeRatio compares two figures kept as a median, min and max over
// runs (memory and I/O): the estimate is the ratio of the medians and the
// interval runs from x.Min/base.Max to x.Max/base.Min, so it excludes 1
// only when no run of one side overlaps a run of the other. That is the
// Mann-Whitney test at its most extreme (U = 0), whose two-sided
// probability under no difference is 2/C(m+n, m); with fewer runs than
// that needs for the confidence asked there is no interval. n1 and n2 are
// the runs behind base and x.
func RangeRatio(base, x results.Summary, n1, n2 int, confidence float64) Ratio {
	if confidence <= 0 || confidence >= 1 {
		confidence = Confidence
	}
	r := Ratio{N1: n1, N2: n2}
	if !(base.Median > 0) || !(x.Median > 0) {
		if base.Median == 0 && x.Median == 0 && base.Max == 0 && x.Max == 0 {
			r.Estimate = 1 // both nothing: no difference
		}
		return r
	}
	r.Estimate = x.Median / base.Median
	if n1 < 1 || n2 < 1 || base.Min <= 0 || x.Min <= 0 {
		return r
	}
	p := 2 / binomial(n1+n2, n1)
	if p > 1-confidence {
		return r
	}
	r.Low, r.High = x.Min/base.Max, x.Max/base.Min
	r.Confidence = 1 - p
	return r
}

// Verdict is the outcome of comparing a figure with another.
type Verdict int

// Verdicts. Lower means smaller figures: faster times, smaller sizes.
const (
	Same   Verdict = 0 // no clear difference ("~")
	Lower  Verdict = -1
	Higher Verdict = 1
)

// NoiseFloor is the floor an A/A control sets: how far the interval of
// the control's ratio to the baseline (two copies of one thing measured
// alongside each other) reaches from 1, as a factor of at least 1. A
// difference between two variants counts only beyond it. Without a
// control interval the floor is 1 (significance alone decides).
func NoiseFloor(control Ratio) float64 { return control.Reach() }

// Decide turns a ratio into a verdict: Lower when its whole interval lies
// below 1/floor, Higher when it lies above floor, Same otherwise (no
// interval, an interval that includes 1, or a difference no larger than
// the noise floor). floor below 1 counts as 1.
func Decide(r Ratio, floor float64) Verdict {
	if !r.HasInterval() {
		return Same
	}
	if !(floor >= 1) {
		floor = 1
	}
	switch {
	case r.High < 1/floor:
		return Lower
	case r.Low > floor:
		return Higher
	}
	return Same
}

// logs returns the natural logarithms of the positive figures of xs.
func logs(xs []float64) []float64 {
	out := make([]float64, 0, len(xs))
	for _, x := range xs {
		if x > 0 && !math.IsInf(x, 0) {
			out = append(out, math.Log(x))
		}
	}
	return out
}

func medianSorted(xs []float64) float64 {
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// mosesRank returns the rank k (1-based) of the lower end of the Moses
// interval for samples of m and n at level alpha: the largest k with
// P(U <= k-1) <= alpha/2 under no difference, and the interval's achieved
// confidence 1 - 2 P(U <= k-1). k is 0 when even the extreme ranks do not
// reach the level (too few figures).
func mosesRank(m, n int, alpha float64) (int, float64) {
	key := rankKey{m, n, alpha}
	if v, ok := rankCache.Load(key); ok {
		rc := v.(rankValue)
		return rc.k, rc.confidence
	}
	k, c := computeMosesRank(m, n, alpha)
	rankCache.Store(key, rankValue{k, c})
	return k, c
}

type rankKey struct {
	m, n  int
	alpha float64
}

type rankValue struct {
	k          int
	confidence float64
}

// rankCache keeps the ranks computed so far: a report asks for the same
// sample sizes over and over.
var rankCache sync.Map

func computeMosesRank(m, n int, alpha float64) (int, float64) {
	if m*n <= MaxExactPairs {
		cdf := uCDF(m, n)
		k := 0
		for k < len(cdf) && cdf[k] <= alpha/2 {
			k++
		}
		if k == 0 {
			return 0, 0
		}
		return k, 1 - 2*cdf[k-1]
	}
	// Normal approximation with continuity correction.
	mu := float64(m*n) / 2
	sigma := math.Sqrt(float64(m*n*(m+n+1)) / 12)
	z := normalQuantile(1 - alpha/2)
	k := int(math.Floor(mu - z*sigma + 0.5))
	if k < 1 {
		return 0, 0
	}
	p := normalCDF((float64(k-1) + 0.5 - mu) / sigma)
	return k, 1 - 2*p
}

// uCDF returns P(U <= u) for u = 0..m*n, U the Mann-Whitney statistic of
// samples of m and n with no ties under no difference. It counts the
// arrangements by the recurrence P(m,n,u) = m/(m+n) P(m-1,n,u-n) +
// n/(m+n) P(m,n-1,u), keeping two rows of the table.
func uCDF(m, n int) []float64 {
	// prev[j] is the distribution for (i-1, j); cur[j] for (i, j).
	prev := make([][]float64, n+1)
	for j := range prev {
		prev[j] = []float64{1} // i = 0: U is 0
	}
	for i := 1; i <= m; i++ {
		cur := make([][]float64, n+1)
		cur[0] = []float64{1}
		for j := 1; j <= n; j++ {
			d := make([]float64, i*j+1)
			a := float64(i) / float64(i+j)
			b := float64(j) / float64(i+j)
			// The largest of the i+j values is from x (weight i): it
			// exceeds all j values of the other sample, adding j.
			for u, p := range prev[j] {
				d[u+j] += a * p
			}
			for u, p := range cur[j-1] {
				d[u] += b * p
			}
			cur[j] = d
		}
		prev = cur
	}
	pmf := prev[n]
	cdf := make([]float64, len(pmf))
	s := 0.0
	for u, p := range pmf {
		s += p
		cdf[u] = s
	}
	return cdf
}

func binomial(n, k int) float64 {
	if k < 0 || k > n {
		return 0
	}
	return math.Round(math.Exp(lgamma(n+1) - lgamma(k+1) - lgamma(n-k+1)))
}

func lgamma(n int) float64 {
	v, _ := math.Lgamma(float64(n))
	return v
}

func normalCDF(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

// normalQuantile inverts normalCDF by bisection (a handful of calls per
// report; precision to 1e-12 is plenty).
func normalQuantile(p float64) float64 {
	lo, hi := -40.0, 40.0
	for range 200 {
		mid := (lo + hi) / 2
		if normalCDF(mid) < p {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// FamilyConfidence is the confidence each of k comparisons needs for the
// family of them to hold at confidence: 1 - (1-confidence)/k, Bonferroni's
// correction (Dunn, "Multiple comparisons among means", JASA 56, 1961).
// The A/A control is such a family: a run asks whether identical code
// differed on any of its steps, and at 95% each, 14 steps would show a
// difference by chance in about half of all runs. k below 2 leaves
// confidence as it is.
func FamilyConfidence(confidence float64, k int) float64 {
	if confidence <= 0 || confidence >= 1 {
		confidence = Confidence
	}
	if k < 2 {
		return confidence
	}
	return 1 - (1-confidence)/float64(k)
}
