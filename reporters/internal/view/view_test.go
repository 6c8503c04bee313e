package view

import (
	"testing"

	"github.com/scenebench/runner/runner/results"
)

type stepSpec struct {
	name, op string
	ops      int64 // values read, for traversals
	median   float64
}

// file builds a results file with one dataset of prims prims, the given
// variants and scenarios (every variant runs every scenario). Each step
// has eight runs within 1% of its median; variant i takes i+1 times the
// median given, so every difference between variants is clear.
func file(prims int, baseline string, variants []string, scenarios map[string][]stepSpec, order []string) *results.File {
	f := &results.File{SchemaVersion: 1, Report: results.Report{Baseline: baseline},
		Datasets: []results.Dataset{{Name: "d", Prims: prims}}}
	for vi, v := range variants {
		for _, sc := range order {
			c := results.Cell{ID: "d/" + v + "/" + sc, Dataset: "d", Format: v, FormatName: v, Scenario: sc, Status: results.StatusOK}
			for _, s := range scenarios[sc] {
				m := s.median * float64(vi+1)
				ops, values := s.ops, int64(0)
				if s.op == "traverse" {
					ops, values = 1, s.ops
				}
				var samples []float64
				for k := range 8 {
					samples = append(samples, m*(1+0.01*(float64(k)-3.5)/3.5))
				}
				c.Steps = append(c.Steps, results.Step{Name: s.name, Op: s.op, Ops: ops, Values: values,
					SamplesNS: samples, Stats: results.Stats{MedianNS: m}})
			}
			f.Cells = append(f.Cells, c)
		}
	}
	return f
}

func TestNewNil(t *testing.T) {
	if _, err := New(nil); err == nil {
		t.Error("New(nil) gave no error")
	}
}
