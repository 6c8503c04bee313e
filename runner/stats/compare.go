package stats

import (
	"golang.org/x/perf/benchmath"
)

// DefaultAlpha is the significance level comparisons use unless told
// otherwise.
const DefaultAlpha = 0.05

// SampleComparison is the outcome of comparing two samples of one
// measurement with a Mann-Whitney U test (no assumption about their
// distribution).
type SampleComparison struct {
	// P is the probability of samples at least this different if both
	// came from one distribution.
	P float64
	// Alpha is the significance level; Significant is P <= Alpha.
	Alpha       float64
	Significant bool
	N1, N2      int
	// Warnings say why a comparison may be weak (too few samples).
	Warnings []string
}

// CompareSamples tests whether old and new come from different
// distributions. alpha <= 0 means DefaultAlpha. The inputs are not
// modified.
func CompareSamples(old, new []float64, alpha float64) SampleComparison {
	if alpha <= 0 {
		alpha = DefaultAlpha
	}
	out := SampleComparison{P: 1, Alpha: alpha, N1: len(old), N2: len(new)}
	if len(old) == 0 || len(new) == 0 {
		out.Warnings = []string{"no samples to compare"}
		return out
	}
	th := benchmath.DefaultThresholds
	th.CompareAlpha = alpha
	a := benchmath.NewSample(append([]float64(nil), old...), &th)
	b := benchmath.NewSample(append([]float64(nil), new...), &th)
	c := benchmath.AssumeNothing.Compare(a, b)
	out.P = c.P
	out.Significant = c.P <= c.Alpha
	for _, w := range c.Warnings {
		out.Warnings = append(out.Warnings, w.Error())
	}
	return out
}
