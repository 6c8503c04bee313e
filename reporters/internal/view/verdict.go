package view

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/scenebench/runner/runner/stats"
)

// Comparison is a figure against another of the same step (a variant
// against the baseline, random against sequential order): the ratio with
// its interval, the noise floor it had to clear, and the verdict. Every
// report prints its Text, so all of them agree.
type Comparison struct {
	Ratio   stats.Ratio
	Floor   float64 // the A/A noise floor (1: significance alone)
	Verdict stats.Verdict
	// AA marks the A/A control against the baseline: two copies of one
	// thing, decided by significance alone. A difference there is an
	// alarm about the run, never a win.
	AA   bool
	Kind Kind
}

// compareSamples compares x with base at the floor at 95%.
func compareSamples(base, x []float64, floor float64) *Comparison {
	r := stats.RatioOf(base, x, stats.DefaultConfidence)
	return &Comparison{Ratio: r, Floor: floor, Verdict: stats.Decide(r, floor), Kind: Time}
}

// compareControl compares the A/A control's samples x with the
// baseline's by significance alone (floor 1), at confidence: the run's
// family-wise level for its A/A steps (Report.AAConfidence). When the
// samples are too few for an interval at that level, the 95% interval
// decides.
func compareControl(base, x []float64, confidence float64) *Comparison {
	r := stats.RatioOf(base, x, confidence)
	if !r.HasInterval() {
		r = stats.RatioOf(base, x, stats.DefaultConfidence)
	}
	return &Comparison{Ratio: r, Floor: 1, Verdict: stats.Decide(r, 1), AA: true, Kind: Time}
}

// Text says the comparison in words, always in one form: "1.23x faster
// (1.10–1.37)" when the difference is clear, "~ 1.05x faster (0.93–1.19)"
// when it is not (the interval includes 1 or does not clear the floor;
// the estimate is shown for information), "~ 1.2x faster (too few runs)"
// without an interval. The interval is of the same quantity as the
// estimate: how many times faster (or slower) than the other side. An A/A
// control that differs says so: "A/A differs: 1.12x slower (1.03–1.22)".
func (c *Comparison) Text() string {
	if c == nil || !(c.Ratio.Estimate > 0) {
		return ""
	}
	better, worse := "faster", "slower"
	if c.Kind == Size {
		better, worse = "smaller", "larger"
	}
	r := c.Ratio
	est, lo, hi, word := r.Estimate, r.Low, r.High, worse
	if est < 1 {
		est, word = 1/est, better
		if r.HasInterval() {
			lo, hi = 1/r.High, 1/r.Low
		}
	}
	num := FactorNumber(est)
	s := num + "x"
	if num != "1.00" {
		s += " " + word
	}
	if r.HasInterval() {
		s += " (" + endNumber(lo) + "–" + endNumber(hi) + ")"
	} else {
		s += " (too few runs)"
	}
	switch {
	case c.AA && c.Verdict != stats.Same:
		return "A/A differs: " + s
	case c.Verdict == stats.Same:
		return "~ " + s
	}
	return s
}

// endNumber is FactorNumber for an interval's end, with a third decimal
// when two would round an end other than 1 to "1.00": an interval that
// excludes 1 never reads as touching it.
func endNumber(r float64) string {
	s := FactorNumber(r)
	for prec := 3; s == "1."+strings.Repeat("0", prec-1) && r != 1 && prec <= 6; prec++ {
		s = strconv.FormatFloat(r, 'f', prec, 64)
	}
	return s
}

// Clear reports whether the comparison names a direction: a verdict
// other than Same on a row that is not the A/A control.
func (c *Comparison) Clear() bool { return c != nil && !c.AA && c.Verdict != stats.Same }

// FactorNumber formats a ratio with about three significant digits: 1.23,
// 15.7, 1458.
func FactorNumber(r float64) string {
	switch {
	case math.IsNaN(r) || math.IsInf(r, 0):
		return "?"
	case r >= 99.95:
		return strconv.FormatFloat(r, 'f', 0, 64)
	case r >= 9.995:
		return strconv.FormatFloat(r, 'f', 1, 64)
	}
	return strconv.FormatFloat(r, 'f', 2, 64)
}

// Contest is the outcome of the winner column of a row: the variant that
// beats every other usable variant, or none.
type Contest struct {
	Winner string
	// Candidates counts the variants that took part: cells that ended ok,
	// the A/A control left out.
	Candidates int
}

// Text is the winner's label, "~" when two or more variants took part and
// none beat every other, "–" when fewer took part.
func (c Contest) Text() string {
	switch {
	case c.Winner != "":
		return c.Winner
	case c.Candidates >= 2:
		return "~"
	}
	return "–"
}

// Noise is how much a figure varied over its runs: "cv 4.2%", "cv 47%",
// "1 run", or "" for figures without runs (file sizes).
func Noise(cv float64, runs int) string {
	switch {
	case runs <= 0:
		return ""
	case runs == 1:
		return "1 run"
	case cv < 0.0995:
		return fmt.Sprintf("cv %.1f%%", 100*cv)
	}
	return fmt.Sprintf("cv %.0f%%", 100*cv)
}

// SizeRatio describes an exact size against the baseline's, in the words
// and digits of Comparison.Text: "1.55x smaller", "same".
func SizeRatio(value, base float64) string {
	if !(value > 0) || !(base > 0) {
		return ""
	}
	r, word := value/base, "larger"
	if r < 1 {
		r, word = 1/r, "smaller"
	}
	n := FactorNumber(r)
	if n == "1.00" {
		return "same"
	}
	return n + "x " + word
}

// SpreadText is the range of a figure over runs as a share of its median:
// "spread 3.1%", "spread 12%".
func SpreadText(spread float64) string {
	if spread < 0.0995 {
		return fmt.Sprintf("spread %.1f%%", 100*spread)
	}
	return fmt.Sprintf("spread %.0f%%", 100*spread)
}
