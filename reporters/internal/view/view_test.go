package view

import (
	"testing"

	"github.com/scenebench/runner/runner/results"
)

func TestDuration(t *testing.T) {
	tests := []struct {
		ns   float64
		want string
	}{
		{0, "0.00 ns"}, {12.345, "12.3 ns"}, {999.4, "999 ns"}, {999.6, "1.00 µs"}, {2370, "2.37 µs"},
		{52_000, "52.0 µs"}, {46_700_000, "46.7 ms"}, {855_700_000, "856 ms"}, {999_600_000, "1.00 s"},
		{1.5e9, "1.50 s"}, {125e9, "125 s"}, {-2500, "-2.50 µs"},
	}
	for _, tt := range tests {
		if got := Duration(tt.ns); got != tt.want {
			t.Errorf("Duration(%g) = %q, want %q", tt.ns, got, tt.want)
		}
	}
}

func TestBytes(t *testing.T) {
	tests := []struct {
		b    float64
		want string
	}{
		{0, "0 B"}, {1023, "1023 B"}, {1024, "1.00 KiB"}, {1536, "1.50 KiB"}, {1_474_560, "1.41 MiB"},
		{3.28e6, "3.13 MiB"}, {8 << 30, "8.00 GiB"}, {-65536, "-64.0 KiB"}, {1023.9 * 1024 * 1024, "1.00 GiB"},
	}
	for _, tt := range tests {
		if got := Bytes(tt.b); got != tt.want {
			t.Errorf("Bytes(%g) = %q, want %q", tt.b, got, tt.want)
		}
	}
}

func TestRatio(t *testing.T) {
	tests := []struct {
		value, base float64
		want        string
	}{
		{46.7, 855.7, "18.3x faster"}, {82.2, 37.7, "2.2x slower"}, {1.0, 1.02, "same"}, {5, 0, ""},
		{0, 5, ""}, {1, 250, "250x faster"},
	}
	for _, tt := range tests {
		if got := TimeRatio(tt.value, tt.base); got != tt.want {
			t.Errorf("TimeRatio(%g, %g) = %q, want %q", tt.value, tt.base, got, tt.want)
		}
	}
	if got := SizeRatio(1.47, 3.28); got != "2.2x smaller" {
		t.Errorf("SizeRatio = %q", got)
	}
	if got := Count(1474560); got != "1,474,560" {
		t.Errorf("Count = %q", got)
	}
	if got := Count(-1000); got != "-1,000" {
		t.Errorf("Count(-1000) = %q", got)
	}
}

type stepSpec struct {
	name, op string
	ops      int64 // values read, for traversals
	median   float64
}

// file builds a results file with one dataset of prims prims, the given
// variants and scenarios (every variant runs every scenario).
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
				c.Steps = append(c.Steps, results.Step{Name: s.name, Op: s.op, Ops: ops, Values: values,
					SamplesNS: []float64{m}, Stats: results.Stats{MedianNS: m}})
			}
			f.Cells = append(f.Cells, c)
		}
	}
	return f
}

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

func TestWinnerAndBaseline(t *testing.T) {
	f := file(10, "b", []string{"a", "b", "c"}, map[string][]stepSpec{"load": {{"open", "open", 1, 100}}}, []string{"load"})
	// a is fastest but mismatched; b is next; c failed.
	f.Cells[0].Status = results.StatusMismatch
	f.Cells[2].Status = results.StatusFailed
	f.Cells[2].Steps = nil
	r, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	st := r.Datasets[0].Scenarios[0].Steps[0]
	if st.Winner != "" {
		t.Errorf("winner %q with only one ok cell", st.Winner)
	}
	if got := st.Rows[0].Ratio; got != "2.0x faster" {
		t.Errorf("mismatched row ratio %q, want 2.0x faster (b is the baseline)", got)
	}
	if !r.Variants[1].Baseline || r.Baseline != "b" {
		t.Errorf("baseline %q", r.Baseline)
	}
	if len(r.Problems) != 2 {
		t.Errorf("%d problems, want 2", len(r.Problems))
	}

	// An unknown baseline falls back to the first variant.
	f.Report.Baseline = "nope"
	f.Cells[0].Status = results.StatusOK
	f.Cells[2] = f.Cells[1]
	f.Cells[2].Format, f.Cells[2].ID = "c", "d/c/load"
	r, err = New(f)
	if err != nil {
		t.Fatal(err)
	}
	if r.Baseline != "a" {
		t.Errorf("baseline %q, want the first variant", r.Baseline)
	}
	if w := r.Datasets[0].Scenarios[0].Steps[0].Winner; w != "a" {
		t.Errorf("winner %q, want a", w)
	}
}

func TestCompressionRatio(t *testing.T) {
	f := &results.File{SchemaVersion: 1,
		Datasets: []results.Dataset{{Name: "d", Prims: 10, Files: []results.DataFile{
			{Format: "p-none", Bytes: 1000}, {Format: "p-zstd", Bytes: 250}, {Format: "p-zstd-rg10", Bytes: 400}, {Format: "u", Bytes: 800}}}},
		Cells: []results.Cell{
			{ID: "1", Dataset: "d", Format: "p-none", FormatName: "p", Variant: map[string]string{"compression": "none"}, Status: "ok"},
			{ID: "2", Dataset: "d", Format: "p-zstd", FormatName: "p", Variant: map[string]string{"compression": "zstd"}, Status: "ok"},
			{ID: "3", Dataset: "d", Format: "p-zstd-rg10", FormatName: "p", Variant: map[string]string{"compression": "zstd", "row_group_size": "10"}, Status: "ok"},
			{ID: "4", Dataset: "d", Format: "u", FormatName: "u", Status: "ok"},
		}}
	r, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range r.Datasets[0].Sizes {
		got[s.Variant.Label] = s.Compression
	}
	want := map[string]string{"p-none": "1.00x", "p-zstd": "4.00x", "p-zstd-rg10": "–", "u": "–"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s compression %q, want %q", k, got[k], v)
		}
	}
	if r.Datasets[0].SizeWinner != "p-zstd" {
		t.Errorf("size winner %q", r.Datasets[0].SizeWinner)
	}
}

func TestNewNil(t *testing.T) {
	if _, err := New(nil); err == nil {
		t.Error("New(nil) gave no error")
	}
}

func TestSequentialMatchesRandomByValues(t *testing.T) {
	open := stepSpec{"open", "open", 1, 100}
	f := file(100, "a", []string{"a", "b"}, map[string][]stepSpec{
		"single-traversal": {open, {"traverse", "traverse", 100, 10}},
		"multi-traversal":  {open, {"traverse", "traverse", 600, 60}},
		"random-traversal": {open, {"traverse", "traverse", 600, 90}},
	}, []string{"single-traversal", "multi-traversal", "random-traversal"})
	r, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	sr := r.Datasets[0].SeqRandom
	if sr == nil {
		t.Fatal("no sequential/random table")
	}
	if sr.Sequential.Scenario != "multi-traversal" {
		t.Errorf("sequential side from %q, want the traversal reading as many values", sr.Sequential.Scenario)
	}
	if got := sr.Rows[0].Ratio; got != "1.5x slower" {
		t.Errorf("random vs sequential %q, want 1.5x slower", got)
	}
}
