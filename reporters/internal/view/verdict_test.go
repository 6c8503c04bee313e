package view

import (
	"slices"
	"strings"
	"testing"

	"github.com/scenebench/runner/runner/results"
	"github.com/scenebench/runner/runner/stats"
)

func TestComparisonText(t *testing.T) {
	r := func(est, lo, hi float64) stats.Ratio {
		return stats.Ratio{Estimate: est, Low: lo, High: hi, Confidence: 0.96}
	}
	tests := []struct {
		c    Comparison
		want string
	}{
		{Comparison{Ratio: r(1/1.23, 1/1.37, 1/1.10), Verdict: stats.Lower}, "1.23x faster (1.10–1.37)"},
		{Comparison{Ratio: r(2.1, 1.9, 2.31), Verdict: stats.Higher}, "2.10x slower (1.90–2.31)"},
		{Comparison{Ratio: r(1/1.05, 1/1.19, 1/0.93), Verdict: stats.Same}, "~ 1.05x faster (0.93–1.19)"},
		{Comparison{Ratio: r(1458, 1201, 1790), Verdict: stats.Higher}, "1458x slower (1201–1790)"},
		{Comparison{Ratio: r(1, 1, 1), Verdict: stats.Same}, "~ 1.00x (1.00–1.00)"},
		{Comparison{Ratio: stats.Ratio{Estimate: 1 / 9.17}, Verdict: stats.Same}, "~ 9.17x faster (too few runs)"},
		{Comparison{Ratio: r(1.12, 1.03, 1.22), Verdict: stats.Higher, AA: true}, "A/A differs: 1.12x slower (1.03–1.22)"},
		{Comparison{Ratio: r(1/1.5, 1/1.6, 1/1.4), Verdict: stats.Lower, Kind: Size}, "1.50x smaller (1.40–1.60)"},
	}
	for _, tt := range tests {
		if got := tt.c.Text(); got != tt.want {
			t.Errorf("Text() = %q, want %q", got, tt.want)
		}
	}
	if (&Comparison{Ratio: r(2, 1.9, 2.1), Verdict: stats.Higher, AA: true}).Clear() {
		t.Error("an A/A difference counts as a clear verdict")
	}
}

func TestContestAndNoise(t *testing.T) {
	if got := (Contest{Winner: "a", Candidates: 3}).Text(); got != "a" {
		t.Errorf("winner text %q", got)
	}
	if got := (Contest{Candidates: 3}).Text(); got != "~" {
		t.Errorf("no winner among three: %q, want ~", got)
	}
	if got := (Contest{Candidates: 1}).Text(); got != "–" {
		t.Errorf("one candidate: %q, want –", got)
	}
	for _, tt := range []struct {
		cv   float64
		runs int
		want string
	}{{0.042, 10, "cv 4.2%"}, {0.47, 10, "cv 47%"}, {0, 10, "cv 0.0%"}, {0, 1, "1 run"}, {0, 0, ""}} {
		if got := Noise(tt.cv, tt.runs); got != tt.want {
			t.Errorf("Noise(%v, %d) = %q, want %q", tt.cv, tt.runs, got, tt.want)
		}
	}
	if got := MeanSpread(100, 0, 8); got != "100 ns (all equal)" {
		t.Errorf("equal samples: %q", got)
	}
	if got := MeanSpread(100, 0, 1); got != "100 ns" {
		t.Errorf("one run: %q", got)
	}
}

// samples are ten runs around median, spread by about spread (a fraction),
// in a fixed pattern.
func samples(median, spread float64) []float64 {
	pattern := []float64{0, 0.9, -0.9, 0.5, -0.5, 0.2, -0.2, 0.7, -0.7, 0.1}
	out := make([]float64, len(pattern))
	for i, p := range pattern {
		out[i] = median * (1 + spread*p)
	}
	return out
}

// verdictFile is one step over a baseline, its control and the variants
// given (label -> samples).
func verdictFile(base, control []float64, variants map[string][]float64, order []string) *results.File {
	f := &results.File{SchemaVersion: 1, Report: results.Report{Baseline: "base", Control: "base-control"},
		Datasets: []results.Dataset{{Name: "d", Prims: 10}}}
	add := func(label string, s []float64, ctl bool) {
		st := results.Step{Name: "open", Op: "open", Traits: []string{results.TraitOpen}, SamplesNS: s}
		st.Stats, st.Warnings = stats.Summarize(s)
		f.Cells = append(f.Cells, results.Cell{ID: "d/" + label + "/s", Dataset: "d", Format: label, FormatName: "x",
			Scenario: "s", Status: results.StatusOK, Control: ctl, Steps: []results.Step{st}})
	}
	add("base", base, false)
	if control != nil {
		add("base-control", control, true)
	}
	for _, l := range order {
		add(l, variants[l], false)
	}
	return f
}

func TestVerdicts(t *testing.T) {
	tests := []struct {
		name     string
		control  []float64
		variants map[string][]float64
		order    []string
		winner   string // "~" for none
		clear    []string
	}{
		{"a clear winner", samples(100, 0.02), map[string][]float64{"fast": samples(50, 0.02), "slow": samples(200, 0.02)},
			[]string{"fast", "slow"}, "fast", []string{"fast", "slow"}},
		// The warm get: overlapping noisy samples name no one.
		{"noise names no winner", samples(100, 0.6), map[string][]float64{"a": samples(85, 0.6), "b": samples(110, 0.6)},
			[]string{"a", "b"}, "~", nil},
		// 10% faster with tight samples, but the A/A control of the
		// baseline varies by more than that: no verdict.
		{"inside the A/A floor", samples(100, 0.35), map[string][]float64{"a": samples(90, 0.01)},
			[]string{"a"}, "~", nil},
		// The fastest must beat every other: two alike at the front.
		{"a tie at the front", samples(100, 0.02), map[string][]float64{"a": samples(50, 0.02), "b": samples(50.2, 0.02)},
			[]string{"a", "b"}, "~", []string{"a", "b"}},
		// The control is never a contender, even when it is fastest by chance.
		{"the control never wins", samples(90, 0.02), map[string][]float64{"a": samples(200, 0.02)},
			[]string{"a"}, "base", []string{"a"}},
		{"no control: significance alone", nil, map[string][]float64{"a": samples(95, 0.01)},
			[]string{"a"}, "a", []string{"a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := samples(100, 0.02)
			if tt.name == "inside the A/A floor" {
				base = samples(100, 0.01)
			}
			r, err := New(verdictFile(base, tt.control, tt.variants, tt.order))
			if err != nil {
				t.Fatal(err)
			}
			st := r.Datasets[0].Scenarios[0].Steps[0]
			if got := st.Winner.Text(); got != tt.winner {
				t.Errorf("winner %q, want %q", got, tt.winner)
			}
			var clear []string
			for _, row := range st.Rows {
				if row.Cmp.Clear() {
					clear = append(clear, row.Variant.Label)
				}
				if row.Variant.Control && (row.Winner || row.Cmp == nil || !row.Cmp.AA) {
					t.Errorf("control row: winner %v, comparison %+v", row.Winner, row.Cmp)
				}
			}
			if !slices.Equal(clear, tt.clear) {
				t.Errorf("clear verdicts for %q, want %q", clear, tt.clear)
			}
		})
	}
}

// The floor is the reach of the control's interval: a variant whose
// interval clears 1 but not the floor gets ~, and says so.
func TestFloorIsTheControlsReach(t *testing.T) {
	base := []float64{100, 88, 112, 95, 104, 91, 109, 97, 103, 99}
	control := []float64{98, 113, 86, 107, 93, 110, 90, 102, 96, 105}
	slow := []float64{109, 110, 111, 110, 109, 111, 110, 112, 108, 110}
	r, err := New(verdictFile(base, control, map[string][]float64{"slow": slow}, []string{"slow"}))
	if err != nil {
		t.Fatal(err)
	}
	st := r.Datasets[0].Scenarios[0].Steps[0]
	aa := stats.RatioOf(base, control, 0)
	if st.Floor != stats.NoiseFloor(aa) || st.Floor <= 1 {
		t.Fatalf("floor %v, want %v", st.Floor, stats.NoiseFloor(aa))
	}
	c := st.Rows[2].Cmp
	if !c.Ratio.Significant() || c.Verdict != stats.Same || !strings.HasPrefix(c.Text(), "~ ") {
		t.Errorf("significant inside the floor: %+v %q", c, c.Text())
	}
}

func TestSequentialRandomLikeWithLike(t *testing.T) {
	f := verdictFile(samples(100, 0.01), nil, nil, nil)
	f.Cells = nil
	mk := func(scenario string, params map[string]any, median float64) {
		for _, v := range []string{"base", "b"} {
			m := median
			if v == "b" {
				m *= 2
			}
			st := results.Step{Name: "traverse", Op: "traverse", Traits: []string{results.TraitTraversal}, Params: params,
				SamplesNS: samples(m, 0.01), Values: 20}
			st.Stats, _ = stats.Summarize(st.SamplesNS)
			f.Cells = append(f.Cells, results.Cell{ID: "d/" + v + "/" + scenario, Dataset: "d", Format: v, Scenario: scenario,
				Status: results.StatusOK, Steps: []results.Step{st}})
		}
	}
	props := []any{"cost", "weight"}
	mk("multi-threads", map[string]any{"properties": props, "order": "layer", "threads": float64(4)}, 100)
	mk("random", map[string]any{"properties": props, "order": "random", "threads": float64(1)}, 300)
	r, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	sr := r.Datasets[0].SeqRandom
	if sr == nil {
		t.Fatal("no table")
	}
	if sr.Same != "" || len(sr.Differences) != 1 || !strings.Contains(sr.Differences[0], "threads: 4 sequential, 1 random") {
		t.Errorf("four threads against one: same %q, differences %q", sr.Same, sr.Differences)
	}
	mk("multi", map[string]any{"properties": props, "order": "layer", "threads": float64(1)}, 100)
	if r, err = New(f); err != nil {
		t.Fatal(err)
	}
	sr = r.Datasets[0].SeqRandom
	if sr.Sequential.Scenario != "multi" || sr.Same != "cost, weight of every prim, 1 thread" || sr.Differences != nil {
		t.Errorf("like with like: %s, same %q, differences %q", sr.Sequential.Scenario, sr.Same, sr.Differences)
	}
	if got := sr.Rows[0].Ratio; got != "3.00x slower (2.98–3.02)" {
		t.Errorf("random against sequential %q", got)
	}
}

func TestWarningGroups(t *testing.T) {
	f := verdictFile(samples(100, 0.02), samples(100, 0.02), map[string][]float64{"a": samples(50, 0.02)}, []string{"a"})
	f.Warnings = []string{"clock source hpet, not tsc"}
	for i := range f.Cells {
		f.Cells[i].Warnings = []string{"busy machine: 4 of 10 runs started with a load average above the 2 cores (up to 3.5)"}
		f.Cells[i].Steps[0].Warnings = []string{"noisy: coefficient of variation 7.5% is above 5%", "something else"}
	}
	r, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range r.WarningGroups {
		got = append(got, g.Summary)
	}
	want := []string{
		"clock source hpet, not tsc",
		"3 of 3 cells ran on a busy machine (runs started with a load average above the core count)",
		"3 of 3 steps are noisy: coefficient of variation above 5% (each median shows its CV)",
		"something else (3 times)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("groups\n%q\nwant\n%q", got, want)
	}
	if d := r.WarningGroups[2].Items[0]; d.Where != "d/base/s, step open" || d.Detail != "7.5%" {
		t.Errorf("noisy item %+v", d)
	}
}

func TestFirstValueHeadline(t *testing.T) {
	f := verdictFile(samples(100, 0.01), nil, map[string][]float64{"a": samples(50, 0.01)}, []string{"a"})
	for i := range f.Cells {
		st := f.Cells[i].Steps[0]
		st.Name, st.Op, st.Traits = "first-value", results.OpFirstValue, []string{results.TraitFirstValue}
		f.Cells[i].Steps = append(f.Cells[i].Steps, st)
	}
	r, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	g := r.Datasets[0].Glance
	if len(g) == 0 || g[0].Key != "first-value" || g[0].Name != "time to first value" || g[0].Winner.Winner != "a" {
		t.Errorf("glance %+v", g)
	}
}

// TestAAFamily checks that the A/A rows of a run are decided as one
// family (Bonferroni over its A/A steps): a shift that a lone 95% interval
// calls a difference is ~ among 14 steps, a large one still differs, and
// the noise floor stays the reach of the 95% interval.
func TestAAFamily(t *testing.T) {
	base := []float64{100, 101, 102, 103, 104, 105, 106, 107, 108, 109}
	times := func(s float64) []float64 {
		out := make([]float64, len(base))
		for i, v := range base {
			out[i] = v * s
		}
		return out
	}
	const steps = 14
	family := stats.FamilyConfidence(stats.DefaultConfidence, steps)
	// The smallest shift a single 95% interval calls a difference, which
	// the family-wise interval must not.
	shift := 0.0
	for s := 1.001; s < 1.2; s += 0.001 {
		if stats.RatioOf(base, times(s), stats.DefaultConfidence).Significant() {
			shift = s
			break
		}
	}
	if shift == 0 || stats.RatioOf(base, times(shift), family).Significant() {
		t.Fatalf("no shift between the 95%% and the family-wise level (found %v)", shift)
	}

	f := &results.File{SchemaVersion: 1, Report: results.Report{Baseline: "usdc"},
		Datasets: []results.Dataset{{Name: "d", Prims: 10}}}
	for _, v := range []string{"usdc", "usdc-control"} {
		c := results.Cell{ID: "d/" + v + "/s", Dataset: "d", Format: v, FormatName: "usdc", Scenario: "s",
			Status: results.StatusOK, Control: v == "usdc-control"}
		for k := range steps {
			samples := base
			if c.Control {
				samples = times(shift)
				if k == steps-1 {
					samples = times(1.5)
				}
			}
			c.Steps = append(c.Steps, results.Step{Name: "step" + string(rune('a'+k)), Op: "open",
				SamplesNS: samples, Stats: results.Stats{MedianNS: samples[len(samples)/2]}})
		}
		f.Cells = append(f.Cells, c)
	}
	r, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	if r.AASteps != steps || r.AAConfidence != family {
		t.Fatalf("AASteps %d, AAConfidence %v; want %d, %v", r.AASteps, r.AAConfidence, steps, family)
	}
	tables := r.Datasets[0].Scenarios[0].Steps
	for k, st := range tables {
		want := stats.Same
		if k == steps-1 {
			want = stats.Higher
		}
		if st.AA == nil || st.AA.Verdict != want {
			t.Errorf("%s: A/A %+v, want verdict %v", st.Name, st.AA, want)
			continue
		}
		if got := st.AA.Ratio.Confidence; got < family {
			t.Errorf("%s: A/A interval at %v, want at least %v", st.Name, got, family)
		}
		if want := stats.NoiseFloor(stats.RatioOf(base, f.Cells[1].Steps[k].SamplesNS, stats.DefaultConfidence)); st.Floor != want {
			t.Errorf("%s: floor %v, want the 95%% interval's reach %v", st.Name, st.Floor, want)
		}
		if ctl := st.Rows[1]; ctl.Cmp != st.AA {
			t.Errorf("%s: the control row's comparison is not the step's A/A comparison", st.Name)
		}
	}
	if got := r.AASummary(); !strings.Contains(got, "differs from the baseline on 1 of 14 steps") || !strings.Contains(got, "each step at 99.64% confidence") {
		t.Errorf("AASummary() = %q", got)
	}
	if got := tables[steps-1].Rows[1].Ratio; !strings.HasPrefix(got, "A/A differs: 1.50x slower") {
		t.Errorf("the differing control row reads %q", got)
	}

	// Too few runs for the family-wise level: the 95% interval decides.
	few := []float64{100, 101, 102, 103}
	if c := compareControl(few, []float64{200, 201, 202, 203}, family); c.Verdict != stats.Higher || !c.Ratio.HasInterval() {
		t.Errorf("4 runs against 4: %+v, want a difference at 95%%", c)
	}
}
