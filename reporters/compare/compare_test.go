package compare

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/scenebench/runner/reporters/internal/fixture"
	"github.com/scenebench/runner/runner/results"
	"github.com/scenebench/runner/runner/stats"
)

// samples draws n times around median with 3% noise from a seeded source.
func samples(seed uint64, n int, median float64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 99))
	out := make([]float64, n)
	for i := range out {
		out[i] = median * (1 + 0.03*rng.NormFloat64())
	}
	return out
}

func cell(id, status string, steps map[string][]float64, order ...string) results.Cell {
	c := results.Cell{ID: id, Status: status}
	for _, name := range order {
		xs := steps[name]
		st := results.Step{Name: name, Op: "get", SamplesNS: xs}
		if len(xs) > 0 {
			st.Stats, _ = stats.Summarize(xs)
		}
		c.Steps = append(c.Steps, st)
	}
	return c
}

func TestCompute(t *testing.T) {
	old := &results.File{SchemaVersion: 1, Cells: []results.Cell{
		cell("a", "ok", map[string][]float64{"s": samples(1, 10, 1e6)}, "s"),
		cell("b", "ok", map[string][]float64{"s": samples(2, 10, 1e6)}, "s"),
		cell("c", "ok", map[string][]float64{"s": samples(3, 10, 1e6)}, "s"),
		cell("d", "ok", map[string][]float64{"s": samples(4, 10, 1e6), "gone": samples(5, 10, 1)}, "s", "gone"),
		cell("e", "ok", map[string][]float64{"s": samples(6, 10, 1e6)}, "s"),
		cell("f", "ok", map[string][]float64{"s": samples(8, 10, 1e6)}, "s"),
		cell("only-old", "ok", map[string][]float64{"s": samples(7, 10, 1e6)}, "s"),
	}}
	new := &results.File{SchemaVersion: 1, Cells: []results.Cell{
		cell("a", "ok", map[string][]float64{"s": samples(11, 10, 2e6)}, "s"),   // doubled
		cell("b", "ok", map[string][]float64{"s": samples(22, 10, 1e6)}, "s"),   // same distribution
		cell("c", "ok", map[string][]float64{"s": samples(13, 10, 0.5e6)}, "s"), // halved
		cell("d", "ok", map[string][]float64{"s": samples(14, 10, 1e6), "added": samples(15, 10, 1)}, "s", "added"),
		cell("e", "failed", nil),
		cell("f", "ok", map[string][]float64{"s": samples(18, 10, 1.04e6)}, "s"), // 4% slower: under the threshold
		cell("only-new", "ok", map[string][]float64{"s": samples(16, 10, 1e6)}, "s"),
	}}
	res := Compute(old, new, Options{Threshold: 0.05})
	byCell := map[string]Row{}
	for _, r := range res.Rows {
		byCell[r.Cell+"/"+r.Step] = r
	}
	a := byCell["a/s"]
	if a.Cmp.Verdict != stats.Higher || !a.Regressed || !strings.HasSuffix(strings.Fields(a.Delta())[1], "slower") {
		t.Errorf("doubled median: %+v, delta %q", a.Cmp, a.Delta())
	}
	if e := a.Cmp.Ratio.Estimate; e < 1.8 || e > 2.2 {
		t.Errorf("doubled median: ratio %g, want about 2", e)
	}
	if b := byCell["b/s"]; b.Cmp.Verdict != stats.Same || !strings.HasPrefix(b.Delta(), "~ ") || b.Regressed {
		t.Errorf("same distribution: delta %q regressed=%v", b.Delta(), b.Regressed)
	}
	if c := byCell["c/s"]; c.Cmp.Verdict != stats.Lower || c.Regressed || !c.Improved || !strings.Contains(c.Delta(), "faster") {
		t.Errorf("halved median: delta %q regressed=%v improved=%v", c.Delta(), c.Regressed, c.Improved)
	}
	if f := byCell["f/s"]; f.Regressed {
		t.Errorf("4%% slower regressed at a 5%% threshold: %q", f.Delta())
	}
	if e := byCell["e/s"]; e.Compared || e.NewStatus != "failed" || e.Delta() != "–" {
		t.Errorf("newly failed cell: %+v", e)
	}
	if !res.Regressed || res.Regressions != 1 {
		t.Errorf("Regressed=%v Regressions=%d, want true 1", res.Regressed, res.Regressions)
	}
	wantOld := []string{"d, step gone", "only-old"}
	wantNew := []string{"d, step added", "only-new"}
	if strings.Join(res.OnlyOld, "|") != strings.Join(wantOld, "|") || strings.Join(res.OnlyNew, "|") != strings.Join(wantNew, "|") {
		t.Errorf("only old %q, only new %q; want %q, %q", res.OnlyOld, res.OnlyNew, wantOld, wantNew)
	}

	// A threshold above the slowdown: no regression.
	if res := Compute(old, new, Options{Threshold: 2}); res.Regressed {
		t.Error("a +100% change regressed at a 200% threshold")
	}

	for _, format := range []string{"text", "md"} {
		var buf bytes.Buffer
		if err := Render(&buf, res, format); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		for _, want := range []string{"REGRESSION", "~", "only in old", "only-new", "FAILED", "geomean"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s output lacks %q:\n%s", format, want, out)
			}
		}
	}
	if err := Render(&bytes.Buffer{}, res, "html"); err == nil {
		t.Error("unknown format accepted")
	}
}

// TestFalsePositiveRate compares many pairs drawn from one distribution:
// at most 5% may name a change, and none is a regression at 5%.
func TestFalsePositiveRate(t *testing.T) {
	named, regressed := 0, 0
	const pairs = 400
	for i := range pairs {
		old := &results.File{Cells: []results.Cell{cell("x", "ok", map[string][]float64{"s": samples(uint64(1000+2*i), 10, 1e6)}, "s")}}
		new := &results.File{Cells: []results.Cell{cell("x", "ok", map[string][]float64{"s": samples(uint64(1001+2*i), 10, 1e6)}, "s")}}
		res := Compute(old, new, Options{Threshold: DefaultThreshold})
		if res.Rows[0].Cmp.Verdict != stats.Same {
			named++
		}
		if res.Regressed {
			regressed++
		}
	}
	t.Logf("%d of %d pairs named a change", named, pairs)
	if named > pairs/20 {
		t.Errorf("%d of %d same-distribution pairs named a change at 95%%", named, pairs)
	}
	if regressed > 0 {
		t.Errorf("%d of %d same-distribution pairs regressed", regressed, pairs)
	}
}

// A file compared with itself: every change ~, no regression, geomean 1.
func TestCompareWithItself(t *testing.T) {
	f := fixture.File(fixture.Current(1))
	res := Compute(f, f, Options{Threshold: DefaultThreshold})
	if res.Regressed || res.Improvements > 0 {
		t.Errorf("itself: %d regressions, %d improvements", res.Regressions, res.Improvements)
	}
	for _, set := range [][]Row{res.Rows, res.Memory} {
		for _, r := range set {
			if r.Compared && r.Cmp.Verdict != stats.Same {
				t.Errorf("%s %s: %q against itself", r.Cell, r.Step, r.Delta())
			}
		}
	}
	for k, g := range res.Geomean {
		if g != 1 {
			t.Errorf("geomean of %s %v, want 1", k, g)
		}
	}
	if len(res.Memory) == 0 || len(res.Sizes) == 0 {
		t.Errorf("memory rows %d, size rows %d: both should be compared", len(res.Memory), len(res.Sizes))
	}
}

// The A/A floor of either run holds back a change that is significant but
// smaller than the noise the control shows.
func TestFloorHoldsBack(t *testing.T) {
	wide := []float64{100, 88, 112, 95, 104, 91, 109, 97, 103, 99}
	wide2 := []float64{98, 113, 86, 107, 93, 110, 90, 102, 96, 105}
	tight := func(m float64) []float64 {
		return []float64{m, m * 1.01, m * 0.99, m, m * 1.02, m * 0.98, m, m * 1.01, m * 0.99, m}
	}
	run := func(x []float64) *results.File {
		base := cell("d/base/s", "ok", map[string][]float64{"step": wide}, "step")
		ctl := cell("d/base-control/s", "ok", map[string][]float64{"step": wide2}, "step")
		v := cell("d/v/s", "ok", map[string][]float64{"step": x}, "step")
		for _, c := range []*results.Cell{&base, &ctl, &v} {
			c.Dataset, c.Scenario = "d", "s"
		}
		base.Format, ctl.Format, v.Format = "base", "base-control", "v"
		ctl.Control = true
		return &results.File{SchemaVersion: 1, Report: results.Report{Baseline: "base", Control: "base-control"},
			Cells: []results.Cell{base, ctl, v}}
	}
	res := Compute(run(tight(100)), run(tight(108)), Options{Threshold: DefaultThreshold})
	var v Row
	for _, r := range res.Rows {
		if r.Cell == "d/v/s" {
			v = r
		}
	}
	if !res.Floors || !v.Cmp.Ratio.Significant() || v.Cmp.Verdict != stats.Same || v.Regressed || v.Cmp.Floor <= 1.08 {
		t.Errorf("8%% slower inside a floor of %v: %+v %q", v.Cmp.Floor, v.Cmp, v.Delta())
	}
}

func TestMemoryAndSizes(t *testing.T) {
	old := fixture.File(fixture.Current(1))
	new := fixture.File(fixture.Current(1))
	for i := range new.Cells {
		for j := range new.Cells[i].Steps {
			m := &new.Cells[i].Steps[j].Memory.PeakRSSBytes
			m.Median, m.Min, m.Max = m.Median*1.5, m.Min*1.5, m.Max*1.5
		}
	}
	new.Datasets[0].Files[2].Bytes *= 2
	res := Compute(old, new, Options{Threshold: DefaultThreshold})
	if g := res.Geomean[KindPeak]; math.Abs(g-1.5) > 1e-9 {
		t.Errorf("peak geomean %v, want 1.5", g)
	}
	if res.Geomean[KindTime] != 1 {
		t.Errorf("time geomean %v, want 1", res.Geomean[KindTime])
	}
	regressedSizes := 0
	for _, s := range res.Sizes {
		if s.Regressed {
			regressedSizes++
		}
	}
	if regressedSizes != 1 || res.Regressions <= 1 {
		t.Errorf("%d size regressions (want 1), %d in all", regressedSizes, res.Regressions)
	}
}

func TestAgree(t *testing.T) {
	a := fixture.Verdicts()
	ag, err := Agree(a, a, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !ag.Agree || len(ag.Checks) != 4 {
		t.Errorf("a run against itself: %+v", ag.Checks)
	}
	// Slow parquet-none's open down by half again in the second run: its
	// ratio moves by 50%, and its verdict in the "open" scenario stays.
	b := fixture.Verdicts()
	for i := range b.Cells {
		c := &b.Cells[i]
		if c.Format == "parquet-none" && c.Scenario == "open" {
			for j := range c.Steps[0].SamplesNS {
				c.Steps[0].SamplesNS[j] *= 1.5
			}
			c.Steps[0].Stats, _ = stats.Summarize(c.Steps[0].SamplesNS)
		}
		// And make the A/A control of the traversal clearly slower.
		if c.Control && c.Scenario == "traverse" {
			for j := range c.Steps[1].SamplesNS {
				c.Steps[1].SamplesNS[j] *= 1.3
			}
		}
	}
	ag, err = Agree(a, b, 0)
	if err != nil {
		t.Fatal(err)
	}
	if ag.Agree {
		t.Fatal("a moved ratio and an A/A difference agree")
	}
	failed := map[string]bool{}
	for _, c := range ag.Checks {
		if !c.Passed {
			failed[c.Name] = true
		}
	}
	if !failed["ratios to the baseline move by less than 15%"] || !failed["the A/A control shows ~ on every step"] {
		t.Errorf("checks %+v", ag.Checks)
	}
	var buf bytes.Buffer
	if err := RenderAgreement(&buf, ag); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "FAIL: the two runs disagree") {
		t.Errorf("output:\n%s", buf.String())
	}
	// The list names each moved ratio by the same measure as the check:
	// max(b/a, a/b) - 1, and its direction.
	if !strings.Contains(buf.String(), "parquet-none moved 50% (") {
		t.Errorf("the moved ratio is not listed as moved 50%%:\n%s", buf.String())
	}
}
