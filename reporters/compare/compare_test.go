package compare

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/scenebench/runner/runner/results"
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
		// Medians as the executor would report them (the middle value
		// is close enough for these checks).
		sorted := append([]float64(nil), xs...)
		for i := range sorted {
			for j := i + 1; j < len(sorted); j++ {
				if sorted[j] < sorted[i] {
					sorted[i], sorted[j] = sorted[j], sorted[i]
				}
			}
		}
		st := results.Step{Name: name, Op: "get", SamplesNS: xs}
		if len(sorted) > 0 {
			st.Stats = results.Stats{MedianNS: sorted[len(sorted)/2], CI95LowNS: sorted[1], CI95HighNS: sorted[len(sorted)-2]}
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
		cell("only-old", "ok", map[string][]float64{"s": samples(7, 10, 1e6)}, "s"),
	}}
	new := &results.File{SchemaVersion: 1, Cells: []results.Cell{
		cell("a", "ok", map[string][]float64{"s": samples(11, 10, 2e6)}, "s"),   // doubled
		cell("b", "ok", map[string][]float64{"s": samples(22, 10, 1e6)}, "s"),   // same distribution
		cell("c", "ok", map[string][]float64{"s": samples(13, 10, 0.5e6)}, "s"), // halved
		cell("d", "ok", map[string][]float64{"s": samples(14, 10, 1e6), "added": samples(15, 10, 1)}, "s", "added"),
		cell("e", "failed", nil),
		cell("only-new", "ok", map[string][]float64{"s": samples(16, 10, 1e6)}, "s"),
	}}
	res := Compute(old, new, Options{Threshold: 0.05})
	byCell := map[string]Row{}
	for _, r := range res.Rows {
		byCell[r.Cell+"/"+r.Step] = r
	}
	a := byCell["a/s"]
	if !a.Test.Significant || !a.Regressed || !strings.HasPrefix(a.Delta(), "+") {
		t.Errorf("doubled median: significant=%v regressed=%v delta=%q p=%g", a.Test.Significant, a.Regressed, a.Delta(), a.Test.P)
	}
	if a.Change < 0.8 || a.Change > 1.2 {
		t.Errorf("doubled median: change %g, want about +100%%", a.Change)
	}
	if b := byCell["b/s"]; b.Test.Significant || b.Delta() != "~" || b.Regressed {
		t.Errorf("same distribution: delta %q p=%g regressed=%v", b.Delta(), b.Test.P, b.Regressed)
	}
	if c := byCell["c/s"]; !c.Test.Significant || c.Regressed || !strings.HasPrefix(c.Delta(), "-") {
		t.Errorf("halved median: delta %q regressed=%v", c.Delta(), c.Regressed)
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
		for _, want := range []string{"REGRESSION", "~", "only in old", "only-new", "FAILED"} {
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
// about alpha of them may come out significant, far from all.
func TestFalsePositiveRate(t *testing.T) {
	significant := 0
	const pairs = 200
	for i := range pairs {
		old := &results.File{Cells: []results.Cell{cell("x", "ok", map[string][]float64{"s": samples(uint64(1000+2*i), 10, 1e6)}, "s")}}
		new := &results.File{Cells: []results.Cell{cell("x", "ok", map[string][]float64{"s": samples(uint64(1001+2*i), 10, 1e6)}, "s")}}
		if Compute(old, new, Options{}).Rows[0].Test.Significant {
			significant++
		}
	}
	t.Logf("%d of %d significant", significant, pairs)
	if significant > pairs/10 {
		t.Errorf("%d of %d same-distribution pairs significant at alpha 0.05", significant, pairs)
	}
}
