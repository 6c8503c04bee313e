package ops

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/runner/protocol"
)

// memReader serves flatScene's values from memory; it is safe for
// concurrent use, as every format's reader is, and counts its reads.
type memReader struct {
	n     int
	reads atomic.Int64
}

func (m *memReader) Properties() []formats.Property { return nil }
func (m *memReader) Prims() ([]string, error) {
	out := make([]string, m.n)
	for i := range out {
		out[i] = flatScene(m.n).PrimPath(i)
	}
	return out, nil
}
func (m *memReader) Get(prim, prop string, dst *formats.Value) error {
	m.reads.Add(1)
	var i int
	if _, err := fmt.Sscanf(prim, "/World/Prim_%d", &i); err != nil || i >= m.n {
		return fmt.Errorf("no prim %s", prim)
	}
	*dst = formats.Value{Type: formats.Double, Num: float64(i*100) + float64(len(prop))}
	return nil
}
func (m *memReader) Close() error { return nil }

func runStep(t *testing.T, r formats.Reader, req *protocol.Step) (Timing, string, int64) {
	t.Helper()
	op, _ := Lookup(req.Op)
	run, err := op.Start(&Env{Ctx: context.Background(), Reader: r}, req)
	if err != nil {
		t.Fatal(err)
	}
	tm, err := run.Timed()
	if err != nil {
		t.Fatal(err)
	}
	dg, n, err := run.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return tm, dg, n
}

// A fraction reads the first prims of the step's seeded shuffle, in the
// order asked; random order with a fraction is random order with a limit.
func TestSparseTraverseRequest(t *testing.T) {
	steps := MustSteps(StepSpec{Op: "open", Name: "open"},
		StepSpec{Op: "traverse", Name: "layer", Args: map[string]any{"fraction": 0.3, "seed": 4, "probes": 3}},
		StepSpec{Op: "traverse", Name: "random", Args: map[string]any{"fraction": 0.3, "seed": 4, "order": "random"}},
		StepSpec{Op: "traverse", Name: "reverse", Args: map[string]any{"fraction": 0.3, "seed": 4, "order": "reverse", "limit": 2}},
		StepSpec{Op: "traverse", Name: "limited", Args: map[string]any{"seed": 4, "order": "random", "limit": 3}},
		StepSpec{Op: "traverse", Name: "tiny", Args: map[string]any{"fraction": 0.0001}})
	perm := Shuffled(20, 4)
	sub := slices.Clone(perm[:6])
	slices.Sort(sub)
	layer, random, reverse, limited, tiny := reqOf(t, steps[1], 20), reqOf(t, steps[2], 20), reqOf(t, steps[3], 20), reqOf(t, steps[4], 20), reqOf(t, steps[5], 20)
	if got := layer.Params.Ints("indices"); layer.Params.String("order") != "indices" || !slices.Equal(got, sub) {
		t.Errorf("layer order of a fraction: %v, want %v", got, sub)
	}
	if got := layer.Params.Ints("probe_at"); !slices.Equal(got, []int64{2, 4, 6}) {
		t.Errorf("probes over the subset: %v", got)
	}
	if got := random.Params.Ints("indices"); !slices.Equal(got, perm[:6]) {
		t.Errorf("random order of a fraction: %v, want %v", got, perm[:6])
	}
	if got := reverse.Params.Ints("indices"); !slices.Equal(got, []int64{sub[5], sub[4]}) {
		t.Errorf("reverse order of a fraction, limited: %v (subset %v)", got, sub)
	}
	if got := limited.Params.Ints("indices"); !slices.Equal(got, perm[:3]) {
		t.Errorf("random order limited: %v, want %v", got, perm[:3])
	}
	if got := tiny.Params.Ints("indices"); len(got) != 1 {
		t.Errorf("a fraction of less than one prim reads one: %v", got)
	}
	if e := (Traverse{}).Expect(layer, target(20)); e.MaxValues != 18 {
		t.Errorf("expect %+v", e)
	}
	r := &memReader{n: 20}
	if _, _, values := runStep(t, r, layer); values != 18 {
		t.Errorf("sparse traversal read %d values, want 18", values)
	}
}

// K threads each make the get's reads; the operation count covers all of
// them and the digest is the one-thread digest.
func TestThreadedGet(t *testing.T) {
	steps := MustSteps(StepSpec{Op: "open", Name: "open"},
		StepSpec{Op: "get", Name: "cold", Args: map[string]any{"prim": "middle", "properties": []string{"cost", "lifespan"}, "threads": 4, "times": 3}},
		StepSpec{Op: "get", Name: "one", Args: map[string]any{"prim": "middle", "properties": []string{"cost", "lifespan"}}},
		StepSpec{Op: "get", Name: "warm", Args: map[string]any{"prim": "middle", "properties": []string{"cost", "lifespan"}, "threads": 3, "times": 5}})
	cold, one, warm := reqOf(t, steps[1], 10), reqOf(t, steps[2], 10), reqOf(t, steps[3], 10)
	if !cold.Params.Bool("cold") || cold.Params.Int("threads") != 4 {
		t.Fatalf("cold request %v", cold.Params)
	}
	if e := (Get{}).Expect(cold, nil); e.Ops != 12 {
		t.Errorf("cold expect %+v, want 4 threads x 3 reads", e)
	}
	r := &memReader{n: 10}
	tm, dg, values := runStep(t, r, cold)
	if tm.Ops != 12 || values != 2 || r.reads.Load() != 12*2+4*0 {
		t.Errorf("cold threaded get: ops %d, values %d, reads %d", tm.Ops, values, r.reads.Load())
	}
	_, want, _ := runStep(t, r, one)
	if dg != want {
		t.Errorf("4 threads digest %s, one thread %s", dg, want)
	}
	// Warm: batched over every thread, a multiple of the threads.
	tm, dg, _ = runStep(t, r, warm)
	if tm.Ops%3 != 0 || tm.Ops < 15 || dg != want {
		t.Errorf("warm threaded get: ops %d, digest %s", tm.Ops, dg)
	}
	if e := (Get{}).Expect(warm, nil); e.MinOps != 15 {
		t.Errorf("warm expect %+v", e)
	}
	warm.Params["batch"] = int64(300)
	r.reads.Store(0)
	if tm, _, _ = runStep(t, r, warm); tm.Ops != 300 || r.reads.Load() != (300+15)*2 { // the first timing of times reads, then the batch
		t.Errorf("given batch 300 over 3 threads: ops %d, reads %d", tm.Ops, r.reads.Load())
	}
}

// A mix's request resolves every random choice; the Go reader reads it in
// order, timing the two kinds apart within the whole.
func TestMix(t *testing.T) {
	steps := MustSteps(StepSpec{Op: "open", Name: "open"},
		StepSpec{Op: "mix", Name: "session", Args: map[string]any{"rounds": 3, "point_reads": 4, "seed": 2,
			"traversal_properties": []string{"cost"}, "point_properties": []string{"cost", "lifespan"}}},
		StepSpec{Op: "mix", Name: "sparse", Args: map[string]any{"rounds": 2, "point_reads": 1, "traversal_fraction": 0.25, "seed": 2}})
	full, sparse := reqOf(t, steps[1], 20), reqOf(t, steps[2], 20)
	if got := full.Params.Ints("points"); len(got) != 12 || full.Params.String("traversal") != "layer" {
		t.Fatalf("full mix request %v", full.Params)
	}
	if again := reqOf(t, steps[1], 20); !slices.Equal(again.Params.Ints("points"), full.Params.Ints("points")) {
		t.Error("a mix request is not reproducible")
	}
	idx := sparse.Params.Ints("traversal_indices")
	if sparse.Params.String("traversal") != "indices" || sparse.Params.Int("traversal_prims") != 5 || len(idx) != 10 {
		t.Fatalf("sparse mix request %v", sparse.Params)
	}
	for r := range 2 {
		if round := idx[r*5 : r*5+5]; !slices.IsSorted(round) {
			t.Errorf("round %d traverses %v, not in layer order", r, round)
		}
	}
	e := (Mix{}).Expect(full, target(20))
	if e.MaxValues != 3*(20*1+4*2) || e.Parts[PartTraversal] != 3 || e.Parts[PartPoint] != 12 {
		t.Errorf("expect %+v", e)
	}
	r := &memReader{n: 20}
	tm, _, values := runStep(t, r, full)
	if values != e.MaxValues || tm.Ops != 1 || len(tm.Parts) != 2 {
		t.Fatalf("mix: values %d, timing %+v", values, tm)
	}
	res := &protocol.Response{Type: protocol.TypeResult, Step: "session", NS: tm.NS, Ops: tm.Ops, Digest: "0123456789abcdef",
		Values: values, Parts: tm.Parts}
	if err := protocol.CheckResult(full, res, e); err != nil {
		t.Errorf("the Go reader's own mix result fails the checks: %v", err)
	}
	res.Parts = res.Parts[:1]
	if err := protocol.CheckResult(full, res, e); err == nil {
		t.Error("a mix result without its point part passed")
	}
	if _, _, values := runStep(t, r, sparse); values != 2*(5*3+1*3) {
		t.Errorf("sparse mix read %d values", values)
	}
}
