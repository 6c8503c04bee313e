package view

import (
	"testing"

	"github.com/scenebench/runner/runner/results"
)

func TestStepBytes(t *testing.T) {
	fv := &results.Step{Op: results.OpFirstValue}
	get := &results.Step{Op: "get"}
	tests := []struct {
		st   *results.Step
		s    results.Summary
		want string
	}{
		{fv, results.Summary{}, "–"},
		{fv, results.Summary{Median: 2048, Max: 2048}, "2.00 KiB"},
		{get, results.Summary{}, "0 B"},
		{get, results.Summary{Median: 96, Max: 96}, "96 B"},
	}
	for _, tt := range tests {
		if got := StepBytes(tt.st, tt.s); got != tt.want {
			t.Errorf("StepBytes(%s, %+v) = %q, want %q", tt.st.Op, tt.s, got, tt.want)
		}
	}
}
