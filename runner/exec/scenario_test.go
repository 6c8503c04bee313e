package exec

import (
	"context"
	"encoding/binary"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cespare/xxhash/v2"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/runner/ops"
	"github.com/scenebench/runner/runner/plan"
)

// runSteps runs steps in this process on a fake file of n prims.
func runSteps(t *testing.T, n int, batch map[string]int64, steps ...ops.StepSpec) runResult {
	t.Helper()
	rr, err := tryRunSteps(t, n, batch, steps...)
	if err != nil {
		t.Fatal(err)
	}
	return rr
}

func tryRunSteps(t *testing.T, n int, batch map[string]int64, steps ...ops.StepSpec) (runResult, error) {
	t.Helper()
	p := testPlan(n, inProcess(1), []string{"ok"}, plan.Scenario{Name: "s", Steps: ops.MustSteps(steps...)})
	path := filepath.Join(t.TempDir(), "scene.fake")
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "/World/Prim_%d\n", i)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cr, err := newCellRun(&p.Cells[0], path, "", &reader{name: plan.GoReader, caps: goCapabilities()})
	if err != nil {
		return runResult{}, err
	}
	maps.Copy(cr.batch, batch)
	e := &executor{p: p, set: p.Settings}
	return e.runOnce(context.Background(), cr)
}

// The documented digests, computed here independently of the executor.
func TestDigestsAsDocumented(t *testing.T) {
	const n = 10
	rr := runSteps(t, n, nil,
		ops.StepSpec{Op: "open", Name: "open"},
		ops.StepSpec{Op: "traverse", Name: "t1", Args: map[string]any{"properties": []string{"cost", "supplier_id"}}},
		ops.StepSpec{Op: "traverse", Name: "t3", Args: map[string]any{"properties": []string{"cost", "supplier_id"}, "threads": 3}},
		ops.StepSpec{Op: "get", Name: "g", Args: map[string]any{"prim": "last", "properties": []string{"supplier_id", "cost"}, "times": 7}},
	)
	value := func(i int, prop string) formats.Value {
		if prop == "cost" {
			return formats.Value{Type: formats.Double, Num: float64(i) * 1.5}
		}
		return formats.Value{Type: formats.String, Str: fmt.Sprintf("SUP-%04d", i%100)}
	}
	digestRange := func(lo, hi int) *formats.Digest {
		var d formats.Digest
		d.Reset()
		for i := lo; i < hi; i++ {
			for _, p := range []string{"cost", "supplier_id"} {
				v := value(i, p)
				d.Add(fmt.Sprintf("/World/Prim_%d", i), p, &v)
			}
		}
		return &d
	}
	if want := digestRange(0, n).Hex(); rr.Steps[1].Digest != want || rr.Steps[1].Values != 2*n {
		t.Errorf("one-thread digest %s (%d values), want %s", rr.Steps[1].Digest, rr.Steps[1].Values, want)
	}
	// Three chunks of 10: 4, 3, 3 prims; XXH64 of their sums.
	var buf []byte
	for _, c := range [][2]int{{0, 4}, {4, 7}, {7, 10}} {
		buf = binary.LittleEndian.AppendUint64(buf, digestRange(c[0], c[1]).Sum())
	}
	if want := fmt.Sprintf("%016x", xxhash.Sum64(buf)); rr.Steps[2].Digest != want || rr.Steps[2].Values != 2*n {
		t.Errorf("three-thread digest %s, want %s", rr.Steps[2].Digest, want)
	}
	var d formats.Digest
	d.Reset()
	for _, p := range []string{"supplier_id", "cost"} {
		v := value(n-1, p)
		d.Add("/World/Prim_9", p, &v)
	}
	if g := rr.Steps[3]; g.Digest != d.Hex() || g.Values != 2 || g.Ops < 7 {
		t.Errorf("get digest %s values %d ops %d, want %s, 2, >=7", g.Digest, g.Values, g.Ops, d.Hex())
	}
}

func TestBatching(t *testing.T) {
	get := ops.StepSpec{Op: "get", Name: "warm", Args: map[string]any{"property": "cost"}}
	cold := ops.StepSpec{Op: "get", Name: "cold", Args: map[string]any{"property": "cost"}}
	open := ops.StepSpec{Op: "open", Name: "open"}

	rr := runSteps(t, 10, nil, open, cold, get)
	c, w := rr.Steps[1], rr.Steps[2]
	if c.Batched || c.Ops != 1 {
		t.Errorf("the first get after open was batched: %+v", c)
	}
	if !w.Batched || w.Ops < 100 {
		t.Errorf("a warm sub-microsecond get was not batched: %+v", w)
	}
	// Calibrated to at least about BatchGoal: ns per op times ops is the
	// timing (a preemption on a busy machine can only make it longer).
	if total := time.Duration(w.NS * float64(w.Ops)); total < 50*time.Microsecond || total > time.Second || w.NS <= 0 {
		t.Errorf("batched timing %v (ops %d x %v ns)", total, w.Ops, w.NS)
	}
	// A batch size from an earlier run is reused as is.
	rr = runSteps(t, 10, map[string]int64{"warm": 4321}, open, cold, get)
	if rr.Steps[2].Ops != 4321 {
		t.Errorf("given batch 4321, ran %d", rr.Steps[2].Ops)
	}
}

func TestStepErrors(t *testing.T) {
	open := ops.StepSpec{Op: "open", Name: "open"}
	tests := []struct {
		steps []ops.StepSpec
		want  string
	}{
		{[]ops.StepSpec{{Op: "get", Name: "get", Args: map[string]any{"property": "cost"}}}, "step get: no open reader"},
		{[]ops.StepSpec{open, {Op: "get", Name: "get", Args: map[string]any{"prim": "/World/Nope", "property": "cost"}}}, `get /World/Nope cost`},
		{[]ops.StepSpec{open, {Op: "traverse", Name: "tr", Args: map[string]any{"property": "nope"}}}, `step tr: get /World/Prim_0 nope`},
	}
	for _, tt := range tests {
		_, err := tryRunSteps(t, 1, nil, tt.steps...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: error %v, want %q", tt.steps, err, tt.want)
		}
	}
	if _, err := ops.NewStep("get", "get", map[string]any{"prim": "first"}); err == nil || !strings.Contains(err.Error(), "needs property") {
		t.Errorf("get without properties: %v", err)
	}
	if _, err := ops.NewStep("fly", "fly", nil); err == nil || !strings.Contains(err.Error(), `unknown op "fly"`) {
		t.Errorf("unknown op: %v", err)
	}
}
