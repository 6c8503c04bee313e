package exec

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cespare/xxhash/v2"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/runner/plan"
)

func TestTraversalOrder(t *testing.T) {
	prims := []string{"a", "b", "c", "d", "e"}
	tests := []struct {
		step plan.Step
		want string
	}{
		{plan.Step{}, "abcde"},
		{plan.Step{Order: "layer", Limit: 3}, "abc"},
		{plan.Step{Order: "reverse"}, "edcba"},
		{plan.Step{Order: "reverse", Limit: 2}, "ed"},
		{plan.Step{Order: "layer", Limit: 99}, "abcde"},
	}
	for _, tt := range tests {
		got, err := traversalOrder(prims, &tt.step)
		if err != nil || strings.Join(got, "") != tt.want {
			t.Errorf("%+v: %v %v, want %s", tt.step, got, err, tt.want)
		}
	}
	r1, _ := traversalOrder(prims, &plan.Step{Order: "random", Seed: 5})
	r2, _ := traversalOrder(prims, &plan.Step{Order: "random", Seed: 5})
	r3, _ := traversalOrder(prims, &plan.Step{Order: "random", Seed: 6})
	if strings.Join(r1, "") != strings.Join(r2, "") || len(r1) != 5 {
		t.Errorf("random order not reproducible: %v %v", r1, r2)
	}
	if strings.Join(r1, "") == strings.Join(r3, "") {
		t.Logf("seeds 5 and 6 happen to give the same order %v", r1)
	}
	if strings.Join(prims, "") != "abcde" {
		t.Error("traversalOrder modified its input")
	}
	if _, err := traversalOrder(prims, &plan.Step{Order: "sideways"}); err == nil {
		t.Error("unknown order accepted")
	}
}

func TestProbePointsAndChunks(t *testing.T) {
	if got := fmt.Sprint(probePoints(10, 4)); got != "[2 5 7 10]" {
		t.Errorf("probePoints(10, 4) = %s", got)
	}
	if got := fmt.Sprint(probePoints(3, 5)); got != "[1 2 3]" {
		t.Errorf("probePoints(3, 5) = %s", got)
	}
	if probePoints(10, 0) != nil {
		t.Error("no probes asked, some given")
	}
	if got := fmt.Sprint(chunks(10, 3)); got != "[[0 4] [4 7] [7 10]]" {
		t.Errorf("chunks(10, 3) = %s", got)
	}
	if got := fmt.Sprint(chunks(2, 4)); got != "[[0 1] [1 2]]" {
		t.Errorf("chunks(2, 4) = %s", got)
	}
}

// runSteps runs steps in this process on a fake file of n prims.
func runSteps(t *testing.T, n int, batch map[string]int64, steps ...plan.Step) runResult {
	t.Helper()
	path := filepath.Join(t.TempDir(), "scene.fake")
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "/World/Prim_%d\n", i)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	prober, clock, err := processProbes()
	if err != nil {
		t.Fatal(err)
	}
	rr, err := runScenario(context.Background(), prober, clock, &runRequest{Path: path, Format: "fake", Steps: steps, Batch: batch})
	if err != nil {
		t.Fatal(err)
	}
	return rr
}

// The documented digests, computed here independently of the executor.
func TestDigestsAsDocumented(t *testing.T) {
	const n = 10
	rr := runSteps(t, n, nil,
		plan.Step{Op: "open", Name: "open"},
		plan.Step{Op: "traverse", Name: "t1", Properties: []string{"cost", "supplier_id"}},
		plan.Step{Op: "traverse", Name: "t3", Properties: []string{"cost", "supplier_id"}, Threads: 3},
		plan.Step{Op: "get", Name: "g", Prim: "last", Properties: []string{"supplier_id", "cost"}, Times: 7},
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
	get := plan.Step{Op: "get", Name: "warm", Prim: "first", Properties: []string{"cost"}}
	cold := plan.Step{Op: "get", Name: "cold", Prim: "first", Properties: []string{"cost"}}
	open := plan.Step{Op: "open", Name: "open"}

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
	path := filepath.Join(t.TempDir(), "scene.fake")
	os.WriteFile(path, []byte("/World/Prim_0\n"), 0o644)
	prober, clock, _ := processProbes()
	tests := []struct {
		steps []plan.Step
		want  string
	}{
		{[]plan.Step{{Op: "get", Name: "get", Prim: "first", Properties: []string{"cost"}}}, "step get: no open reader"},
		{[]plan.Step{{Op: "open", Name: "open"}, {Op: "get", Name: "get", Prim: "/World/Nope", Properties: []string{"cost"}}}, `get /World/Nope cost`},
		{[]plan.Step{{Op: "open", Name: "open"}, {Op: "traverse", Name: "tr", Properties: []string{"nope"}}}, `step tr: get /World/Prim_0 nope`},
		{[]plan.Step{{Op: "open", Name: "open"}, {Op: "get", Name: "get", Prim: "first"}}, "names no properties"},
		{[]plan.Step{{Op: "fly", Name: "fly"}}, `unknown op "fly"`},
	}
	for _, tt := range tests {
		_, err := runScenario(context.Background(), prober, clock, &runRequest{Path: path, Format: "fake", Steps: tt.steps})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: error %v, want %q", tt.steps, err, tt.want)
		}
	}
	_, err := runScenario(context.Background(), prober, clock, &runRequest{Path: path, Format: "nope"})
	if err == nil || !strings.Contains(err.Error(), `unknown format "nope"`) {
		t.Errorf("unknown format: %v", err)
	}
}
