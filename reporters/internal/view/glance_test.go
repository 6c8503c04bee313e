package view

import "testing"

func TestGlanceHeuristics(t *testing.T) {
	open := stepSpec{"open", "open", 1, 100}
	tests := []struct {
		name      string
		prims     int
		scenarios map[string][]stepSpec
		order     []string
		want      map[string]string // metric key -> "scenario/step"
	}{
		{
			name:  "named by scenario",
			prims: 1000,
			scenarios: map[string][]stepSpec{
				"load":           {open},
				"cold_get":       {open, {"get", "get", 1, 5}},
				"warm_get":       {open, {"get", "get", 50, 1}},
				"traverse_one":   {open, {"traverse", "traverse", 1000, 10}},
				"traverse_multi": {open, {"traverse", "traverse", 6000, 60}},
				"random_order":   {open, {"traverse", "traverse", 1000, 20}},
			},
			order: []string{"load", "cold_get", "warm_get", "traverse_one", "traverse_multi", "random_order"},
			want: map[string]string{"open": "load/open", "cold-get": "cold_get/get", "warm-get": "warm_get/get",
				"single-traversal": "traverse_one/traverse", "multi-traversal": "traverse_multi/traverse",
				"random-traversal": "random_order/traverse"},
		},
		{
			name:  "one scenario, default step names, ops tell single from multi",
			prims: 100,
			scenarios: map[string][]stepSpec{
				"everything": {open, {"get", "get", 1, 5}, {"get#2", "get", 50, 1},
					{"traverse", "traverse", 600, 60}, {"traverse#2", "traverse", 100, 10}},
			},
			order: []string{"everything"},
			want: map[string]string{"open": "everything/open", "cold-get": "everything/get", "warm-get": "everything/get#2",
				"single-traversal": "everything/traverse#2", "multi-traversal": "everything/traverse"},
		},
		{
			name:  "specs/10k-flat.hcl",
			prims: 10000,
			scenarios: map[string][]stepSpec{
				"initial-load":     {open},
				"single-get":       {open, {"cold", "get", 1, 5}, {"warm", "get", 50, 1}},
				"single-traversal": {open, {"traverse", "traverse", 10000, 10}},
				"multi-get":        {open, {"get", "get", 1, 5}},
				"multi-traversal":  {open, {"traverse", "traverse", 60000, 60}},
				"random-traversal": {open, {"traverse", "traverse", 60000, 90}},
			},
			order: []string{"initial-load", "single-get", "single-traversal", "multi-get", "multi-traversal", "random-traversal"},
			want: map[string]string{"open": "initial-load/open", "cold-get": "single-get/cold", "warm-get": "single-get/warm",
				"single-traversal": "single-traversal/traverse", "multi-traversal": "multi-traversal/traverse",
				"random-traversal": "random-traversal/traverse"},
		},
		{
			name:  "step names say cold and warm",
			prims: 10,
			scenarios: map[string][]stepSpec{
				"reads": {open, {"warm", "get", 50, 1}, {"cold", "get", 1, 5}},
			},
			order: []string{"reads"},
			want:  map[string]string{"open": "reads/open", "cold-get": "reads/cold", "warm-get": "reads/warm"},
		},
		{
			name:  "multi-property get is not the cold get",
			prims: 10,
			scenarios: map[string][]stepSpec{
				"multi_get":  {open, {"get", "get", 6, 5}},
				"single_get": {open, {"get", "get", 1, 5}},
			},
			order: []string{"multi_get", "single_get"},
			want:  map[string]string{"open": "multi_get/open", "cold-get": "single_get/get"},
		},
		{
			name:      "nothing recognisable",
			prims:     0,
			scenarios: map[string][]stepSpec{"x": {{"s", "custom", 1, 5}}},
			order:     []string{"x"},
			want:      map[string]string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := New(file(tt.prims, "a", []string{"a", "b"}, tt.scenarios, tt.order))
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, m := range r.Datasets[0].Glance {
				got[m.Key] = m.Scenario + "/" + m.Step
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s from %q, want %q", k, got[k], v)
				}
			}
			for k, v := range got {
				if _, ok := tt.want[k]; !ok {
					t.Errorf("unexpected metric %s from %q", k, v)
				}
			}
		})
	}
}
