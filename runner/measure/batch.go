package measure

import (
	"time"
)

// Batching: a step shorter than BatchThreshold is too short to time once
// (the clock's own cost and resolution would be a large part of it, and a
// few reads right after a cold one still pay for caches and branch
// predictors warming: 50 warm reads of 30 ns timed once measured 106 ns
// each through OpenUSD), so it is repeated and timed as a batch, as
// testing.B does, and reports the time per operation.
const (
	// BatchThreshold is the single-run duration below which a step is batched.
	BatchThreshold = 10 * time.Microsecond
	// BatchGoal is how long one batched timing should last.
	BatchGoal = 100 * time.Microsecond
	// MaxBatch caps the repetitions of one batched timing.
	MaxBatch = 100_000_000
)

// PredictN returns the next batch size when prevN repetitions took prev
// and a timing should last goal: the size that would take goal at the
// observed rate plus a fifth, grown at most a hundredfold and at least by
// one, and never above MaxBatch.
func PredictN(goal time.Duration, prevN int64, prev time.Duration) int64 {
	if prev <= 0 {
		prev = 1
	}
	n := int64(float64(goal) * float64(prevN) / float64(prev))
	n += n / 5
	n = min(n, 100*prevN)
	n = max(n, prevN+1)
	return min(n, MaxBatch)
}

// Calibrate grows the batch size from firstN (which took first) until one
// timing of run(n) lasts at least goal, and returns that size with its
// timing. run must time n repetitions of the operation and nothing else.
func Calibrate(goal time.Duration, firstN int64, first time.Duration, run func(n int64) time.Duration) (int64, time.Duration) {
	n, d := firstN, first
	for d < goal && n < MaxBatch {
		n = PredictN(goal, n, d)
		d = run(n)
	}
	return n, d
}

// ClockOverhead is the smallest observed cost of reading the monotonic
// clock twice around nothing: what every timing adds on top of the work it
// times. The executor subtracts it from each raw timing.
func ClockOverhead() time.Duration {
	best := time.Duration(1<<63 - 1)
	for range 2000 {
		t0 := time.Now()
		d := time.Since(t0)
		best = min(best, d)
	}
	return best
}
