// Package stats is the runner's one source of statistics: the figures
// every report shows for a step (median with a distribution-free 95%
// interval, mean, spread, percentiles, outliers), the median, min and max
// of memory and I/O figures, and the ratio of two sets of figures with its
// interval (Hodges-Lehmann estimate, Moses interval from the Mann-Whitney
// distribution) from which every verdict comes: a difference is named only
// when its interval excludes 1 and clears the noise floor an A/A control
// sets (NoiseFloor, Decide).
// It is pure arithmetic on samples, built on golang.org/x/perf/benchmath,
// and knows nothing of the machine the samples came from (runner/measure
// takes them).
//
// Its opinion: warnings are data. Summaries come back with short, actionable
// warning strings that travel in results.json and that every reporter shows;
// nothing here prints.
package stats

import (
	"fmt"
	"math"
	"slices"

	"golang.org/x/perf/benchmath"

	"github.com/scenebench/runner/runner/results"
)

// Thresholds behind the warnings.
const (
	// Confidence is the level of the interval around the median.
	Confidence = 0.95
	// DefaultConfidence is Confidence, named for the comparisons that take
	// a level.
	DefaultConfidence = Confidence
	// NoisyCV is the coefficient of variation above which a step is noisy.
	NoisyCV = 0.05
	// MinRunsForInterval is the fewest runs that give a 95% interval for
	// the median from order statistics (benchmath's rule).
	MinRunsForInterval = 6
	// SlowFirstRunZ is the modified Z-score above which the first run
	// counts as slower than the rest: ten standard deviations, the MAD
	// scaled by 1.4826 to estimate one (hyperfine's criterion).
	SlowFirstRunZ = 1.4826 * 10
	// TukeyK is the fence distance in interquartile ranges beyond which a
	// sample is an outlier (Tukey's inner fences, as criterion counts
	// mild outliers).
	TukeyK = 1.5
	// MinRelativeSpread is the least spread, as a fraction of the median,
	// that the outlier fences and the modified Z-score assume: samples
	// that mostly repeat one figure (a MAD or IQR of 0) would otherwise
	// make a run a nanosecond away an outlier with a score of 10^18.
	MinRelativeSpread = 0.01
)

// Summarize computes the statistics of one step's samples and the warnings
// they call for. The input is not modified. Percentiles interpolate
// linearly between order statistics (Hyndman and Fan's type 7, the default
// of R and NumPy); the standard deviation is the sample one (n-1); the
// interval is benchmath's distribution-free interval for the median and is
// left at zero, with a warning, below MinRunsForInterval runs.
func Summarize(samples []float64) (results.Stats, []string) {
	var st results.Stats
	n := len(samples)
	if n == 0 {
		return st, []string{"no samples"}
	}
	sorted := slices.Clone(samples)
	slices.Sort(sorted)

	st.MinNS = sorted[0]
	st.MaxNS = sorted[n-1]
	st.MeanNS = mean(sorted)
	st.StddevNS = stddev(sorted, st.MeanNS)
	st.P95NS = Quantile(sorted, 0.95)
	if st.MeanNS > 0 {
		st.CV = st.StddevNS / st.MeanNS
	}
	st.Outliers = TukeyOutliers(sorted)

	sum := benchmath.AssumeNothing.Summary(benchmath.NewSample(slices.Clone(sorted), &benchmath.DefaultThresholds), Confidence)
	st.MedianNS = sum.Center
	if !math.IsInf(sum.Lo, 0) && !math.IsInf(sum.Hi, 0) && !math.IsNaN(sum.Lo) && !math.IsNaN(sum.Hi) {
		st.CI95LowNS, st.CI95HighNS = sum.Lo, sum.Hi
	}

	var warns []string
	if n < MinRunsForInterval {
		warns = append(warns, fmt.Sprintf("only %d %s: at least %d are needed for a 95%% interval of the median",
			n, plural(n, "run", "runs"), MinRunsForInterval))
	}
	if st.CV > NoisyCV {
		warns = append(warns, fmt.Sprintf("noisy: coefficient of variation %.1f%% is above %.0f%%", 100*st.CV, 100*NoisyCV))
	}
	if st.Outliers > 0 {
		warns = append(warns, fmt.Sprintf("%d of %d runs are outliers (beyond %.1f IQR of the quartiles)", st.Outliers, n, TukeyK))
	}
	if z, slow := SlowFirstRun(samples); slow {
		warns = append(warns, fmt.Sprintf("the first run was much slower than the rest (modified Z-score %.0f): add warmups", z))
	}
	return st, warns
}

// Summary is the median, min and max of one figure over runs (memory and
// I/O figures). The input is not modified.
func Summary(xs []float64) results.Summary {
	if len(xs) == 0 {
		return results.Summary{}
	}
	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	return results.Summary{Median: Quantile(sorted, 0.5), Min: sorted[0], Max: sorted[len(sorted)-1]}
}

// Quantile returns the q-quantile (0 <= q <= 1) of sorted data, linearly
// interpolated between the closest ranks (type 7).
func Quantile(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	h := q * float64(n-1)
	lo := int(math.Floor(h))
	if lo >= n-1 {
		return sorted[n-1]
	}
	if lo < 0 {
		return sorted[0]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}

// TukeyOutliers counts the samples outside [Q1 - 1.5 IQR, Q3 + 1.5 IQR],
// the IQR taken as at least MinRelativeSpread of the median. sorted must
// be in ascending order. Fewer than four samples have none.
func TukeyOutliers(sorted []float64) int {
	if len(sorted) < 4 {
		return 0
	}
	q1, q3 := Quantile(sorted, 0.25), Quantile(sorted, 0.75)
	iqr := math.Max(q3-q1, MinRelativeSpread*math.Abs(Quantile(sorted, 0.5)))
	lo, hi := q1-TukeyK*iqr, q3+TukeyK*iqr
	count := 0
	for _, x := range sorted {
		if x < lo || x > hi {
			count++
		}
	}
	return count
}

// ModifiedZScores returns (x - median) / MAD for every sample, where MAD is
// the median absolute deviation from the median. When more than half the
// samples are equal the MAD is 0, and the scale falls back to the mean
// absolute deviation times 0.8453 (both estimate a standard deviation for
// normal data: 1.4826 MAD and 1.2533 mean deviations), as Iglewicz and
// Hoaglin advise; either scale is taken as at least MinRelativeSpread of
// the median. Samples all equal score 0.
func ModifiedZScores(xs []float64) []float64 {
	if len(xs) == 0 {
		return nil
	}
	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	med := Quantile(sorted, 0.5)
	dev := make([]float64, len(xs))
	for i, x := range xs {
		dev[i] = math.Abs(x - med)
	}
	slices.Sort(dev)
	mad := Quantile(dev, 0.5)
	if mad <= 0 {
		mad = mean(dev) * 1.2533 / 1.4826
	}
	mad = math.Max(mad, MinRelativeSpread*math.Abs(med))
	z := make([]float64, len(xs))
	if mad <= 0 {
		return z // every sample equal (and zero)
	}
	for i, x := range xs {
		z[i] = (x - med) / mad
	}
	return z
}

// SlowFirstRun reports whether the first of the samples (in run order) is
// slower than the rest by more than SlowFirstRunZ, with its score. Fewer
// than three samples never are.
func SlowFirstRun(samples []float64) (z float64, slow bool) {
	if len(samples) < 3 {
		return 0, false
	}
	z = ModifiedZScores(samples)[0]
	return z, z > SlowFirstRunZ
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func stddev(xs []float64, m float64) float64 {
	if len(xs) < 2 {
		return 0
	}
	s := 0.0
	for _, x := range xs {
		d := x - m
		s += d * d
	}
	return math.Sqrt(s / float64(len(xs)-1))
}
