package measure

import (
	"testing"
	"time"
)

func TestPredictN(t *testing.T) {
	tests := []struct {
		goal  time.Duration
		prevN int64
		prev  time.Duration
		want  int64
	}{
		// 1 op took 100 ns: 1000 would take the goal, +1/5 = 1200, capped at 100x.
		{100 * time.Microsecond, 1, 100 * time.Nanosecond, 100},
		// 100 took 10 us: 1000 would, +1/5 = 1200 (under 100x).
		{100 * time.Microsecond, 100, 10 * time.Microsecond, 1200},
		// already longer than the goal: grow by one at least.
		{100 * time.Microsecond, 10, time.Millisecond, 11},
		// a zero timing counts as 1 ns.
		{100 * time.Microsecond, 1, 0, 100},
		// never above MaxBatch.
		{time.Hour, MaxBatch / 2, time.Nanosecond, MaxBatch},
	}
	for _, tt := range tests {
		if got := PredictN(tt.goal, tt.prevN, tt.prev); got != tt.want {
			t.Errorf("PredictN(%v, %d, %v) = %d, want %d", tt.goal, tt.prevN, tt.prev, got, tt.want)
		}
	}
}

func TestCalibrate(t *testing.T) {
	var sizes []int64
	run := func(n int64) time.Duration {
		sizes = append(sizes, n)
		return time.Duration(n) * 100 * time.Nanosecond
	}
	// 1 -> 100 (10 us) -> 1200 (120 us >= 100 us).
	n, d := Calibrate(100*time.Microsecond, 1, 100*time.Nanosecond, run)
	if n != 1200 || d != 120*time.Microsecond {
		t.Errorf("Calibrate = %d, %v; want 1200, 120us", n, d)
	}
	if len(sizes) != 2 || sizes[0] != 100 || sizes[1] != 1200 {
		t.Errorf("batch sizes tried %v, want [100 1200]", sizes)
	}
	// A first timing at the goal needs no calibration.
	sizes = nil
	if n, _ := Calibrate(time.Microsecond, 5, 2*time.Microsecond, run); n != 5 || len(sizes) != 0 {
		t.Errorf("Calibrate of a long enough op = %d after %v", n, sizes)
	}
}

func TestClockOverhead(t *testing.T) {
	if d := ClockOverhead(); d < 0 || d > 100*time.Microsecond {
		t.Errorf("clock overhead %v is implausible", d)
	}
}
