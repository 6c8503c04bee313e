package view

import (
	"slices"
	"testing"

	"github.com/scenebench/runner/runner/results"
)

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

// described sets the traits and params of the steps of f named
// "scenario/step" in every cell.
func described(f *results.File, about map[string]results.Step) *results.File {
	for i := range f.Cells {
		c := &f.Cells[i]
		for j := range c.Steps {
			if a, ok := about[c.Scenario+"/"+c.Steps[j].Name]; ok {
				c.Steps[j].Traits, c.Steps[j].Params = a.Traits, a.Params
			}
		}
	}
	return f
}

func props(names ...string) []any {
	var out []any
	for _, n := range names {
		out = append(out, n)
	}
	return out
}

func TestHeadlinesByTraits(t *testing.T) {
	open := results.Step{Traits: []string{results.TraitOpen}}
	cold := func(p ...string) results.Step {
		return results.Step{Traits: []string{results.TraitRead, results.TraitFirstRead}, Params: map[string]any{"properties": props(p...)}}
	}
	warm := func(p ...string) results.Step {
		return results.Step{Traits: []string{results.TraitRead}, Params: map[string]any{"properties": props(p...), "times": 50.0}}
	}
	trav := func(order string, limit float64, p ...string) results.Step {
		params := map[string]any{"order": order, "limit": limit}
		if len(p) > 0 {
			params["properties"] = props(p...)
		}
		return results.Step{Traits: []string{results.TraitTraversal}, Params: params}
	}
	o := stepSpec{"open", "open", 1, 100}
	tests := []struct {
		name      string
		prims     int
		scenarios map[string][]stepSpec
		order     []string
		about     map[string]results.Step
		want      map[string]string
	}{
		{
			// Every name says the opposite of what the step does.
			name:  "names mislead",
			prims: 100,
			scenarios: map[string][]stepSpec{
				"warm_multi_random": {o, {"warm", "get", 1, 5}, {"cold", "get", 50, 1}},
				"random_single":     {o, {"random", "traverse", 600, 60}},
				"multi":             {o, {"shuffle", "traverse", 100, 10}},
				"single_one":        {o, {"traverse", "traverse", 200, 30}},
			},
			order: []string{"warm_multi_random", "random_single", "multi", "single_one"},
			about: map[string]results.Step{
				"warm_multi_random/open": open, "random_single/open": open, "multi/open": open, "single_one/open": open,
				"warm_multi_random/warm": cold("cost"), "warm_multi_random/cold": warm("cost"),
				"random_single/random": trav("layer", 0),
				"multi/shuffle":        trav("layer", 0, "cost"),
				"single_one/traverse":  trav("random", 0, "cost", "weight"),
			},
			want: map[string]string{"open": "warm_multi_random/open", "cold-get": "warm_multi_random/warm",
				"warm-get": "warm_multi_random/cold", "single-traversal": "multi/shuffle",
				"multi-traversal": "random_single/random", "random-traversal": "single_one/traverse"},
		},
		{
			name:  "preferences",
			prims: 100,
			scenarios: map[string][]stepSpec{
				"a":    {o, {"get", "get", 4, 5}, {"get#2", "get", 4, 1}, {"traverse", "traverse", 50, 5}},
				"b":    {o, {"traverse", "traverse", 100, 10}, {"get", "get", 1, 5}, {"get#2", "get", 1, 1}},
				"c":    {o, {"traverse", "traverse", 100, 10}, {"traverse#2", "traverse", 200, 20}},
				"load": {o},
			},
			order: []string{"a", "b", "c", "load"},
			about: map[string]results.Step{
				"a/open": open, "b/open": open, "c/open": open, "load/open": open,
				// a: multi-property gets and a limited traversal.
				"a/get": cold("cost", "weight"), "a/get#2": warm("cost", "weight"), "a/traverse": trav("layer", 50, "cost"),
				// b: the traversal reads first, so the get is not cold.
				"b/traverse": {Traits: []string{results.TraitTraversal, results.TraitFirstRead}, Params: map[string]any{"order": "reverse", "properties": props("cost")}},
				"b/get":      warm("cost"), "b/get#2": warm("cost"),
				// c: every property (none named): values per prim count them.
				"c/traverse": trav("layer", 0), "c/traverse#2": trav("random", 0),
			},
			// The only open scenario wins open; one-property gets beat
			// multi-property ones; a traversal of every prim beats a limited
			// one and layer order beats reverse.
			want: map[string]string{"open": "load/open", "cold-get": "a/get", "warm-get": "b/get",
				"single-traversal": "c/traverse", "multi-traversal": "", "random-traversal": "c/traverse#2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := New(described(file(tt.prims, "a", []string{"a", "b"}, tt.scenarios, tt.order), tt.about))
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, m := range r.Datasets[0].Glance {
				got[m.Key] = m.Scenario + "/" + m.Step
			}
			for k, v := range tt.want {
				if v == "" {
					if g, ok := got[k]; ok {
						t.Errorf("%s from %q, want none", k, g)
					}
					continue
				}
				if got[k] != v {
					t.Errorf("%s from %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

func TestNamedRows(t *testing.T) {
	o := stepSpec{"open", "open", 1, 100}
	f := file(10, "b", []string{"a", "b", "c"}, map[string][]stepSpec{
		"load": {o},
		"scan": {o, {"traverse", "traverse", 10, 30}},
	}, []string{"load", "scan"})
	for i := range f.Cells {
		for j := range f.Cells[i].Steps {
			// a uses most memory, c least.
			peak := float64(300 - 100*(i/2))
			f.Cells[i].Steps[j].Memory.PeakRSSBytes = results.Summary{Median: peak, Min: peak - 3, Max: peak + 3}
		}
	}
	f.Report.Glance = []results.GlanceRow{
		{Label: "scan | peak", Scenario: "scan", Step: "traverse", Metric: results.MetricPeakRSS},
		{Label: "not run", Scenario: "scan", Step: "traverse#2"},
		{Label: "first open", Scenario: "load", Step: "open", Metric: results.MetricTime},
	}
	r, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	d := r.Datasets[0]
	if len(d.Glance) != 2 {
		t.Fatalf("%d rows, want the two named rows whose steps ran", len(d.Glance))
	}
	peak, open := d.Glance[0], d.Glance[1]
	if peak.Name != "scan | peak" || peak.Key != "" || peak.Kind != Size || peak.Figure != "peak RSS" {
		t.Errorf("peak row %+v", peak)
	}
	var got []string
	for _, v := range peak.Values {
		got = append(got, v.Text(Size)+" "+v.Ratio)
	}
	if want := []string{"300 B 1.50x larger (1.46–1.54)", "200 B baseline", "100 B 2.00x smaller (1.91–2.09)"}; !slices.Equal(got, want) {
		t.Errorf("peak values %q, want %q", got, want)
	}
	if peak.Winner.Winner != "c" {
		t.Errorf("peak winner %+v, want c", peak.Winner)
	}
	if open.Name != "first open" || open.Kind != Time || open.Scenario != "load" || open.Winner.Winner != "a" {
		t.Errorf("open row %+v", open)
	}
	// The headlines are still chosen for the other sections.
	if d.headline("open") == nil || d.Memory == nil {
		t.Error("named rows replaced the headlines the memory section reads")
	}
}
