package ops

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/scenebench/runner/internal/param"
	"github.com/scenebench/runner/runner/protocol"
	"github.com/scenebench/runner/runner/results"
)

// flatScene is /World/Prim_<i> with three properties.
type flatScene int

func (n flatScene) Prims() int          { return int(n) }
func (flatScene) PrimPath(i int) string { return fmt.Sprintf("/World/Prim_%d", i) }
func (flatScene) Properties() []string  { return []string{"cost", "lifespan", "supplier_id"} }
func target(n int) *Target              { return &Target{Path: "x", Format: "fake", Scene: flatScene(n)} }
func reqOf(t *testing.T, s Step, n int) *protocol.Step {
	t.Helper()
	r, err := Request(&s, target(n))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestOrder(t *testing.T) {
	prims := []string{"a", "b", "c", "d", "e"}
	tests := []struct {
		params param.Values
		want   string
	}{
		{param.Values{}, "abcde"},
		{param.Values{"order": "layer", "limit": int64(3)}, "abc"},
		{param.Values{"order": "reverse"}, "edcba"},
		{param.Values{"order": "reverse", "limit": int64(2)}, "ed"},
		{param.Values{"order": "layer", "limit": int64(99)}, "abcde"},
		{param.Values{"order": "indices", "indices": []int64{4, 0, 2}}, "eac"},
	}
	for _, tt := range tests {
		got, err := order(prims, &protocol.Step{Params: tt.params})
		if err != nil || strings.Join(got, "") != tt.want {
			t.Errorf("%v: %v %v, want %s", tt.params, got, err, tt.want)
		}
	}
	if strings.Join(prims, "") != "abcde" {
		t.Error("order modified its input")
	}
	for _, bad := range []param.Values{{"order": "sideways"}, {"order": "indices", "indices": []int64{5}}} {
		if _, err := order(prims, &protocol.Step{Params: bad}); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

// A random traversal's indices are a PCG(seed, 0) shuffle of layer order,
// the same the reader used to draw itself, so digests stay as they were.
func TestRandomOrderRequest(t *testing.T) {
	s := MustSteps(StepSpec{Op: "open", Name: "open"},
		StepSpec{Op: "traverse", Name: "tr", Args: map[string]any{"order": "random", "seed": 5, "limit": 4, "probes": 2}})[1]
	r := reqOf(t, s, 10)
	want := make([]int64, 10)
	for i := range want {
		want[i] = int64(i)
	}
	rand.New(rand.NewPCG(5, 0)).Shuffle(10, func(i, j int) { want[i], want[j] = want[j], want[i] })
	if got := r.Params.Ints("indices"); !slices.Equal(got, want[:4]) || r.Params.String("order") != "indices" {
		t.Errorf("indices %v, want %v", got, want[:4])
	}
	if got := r.Params.Ints("probe_at"); !slices.Equal(got, []int64{2, 4}) {
		t.Errorf("probe_at %v", got)
	}
	if got := r.Params.Strings("properties"); len(got) != 3 {
		t.Errorf("every property: %v", got)
	}
	if e := (Traverse{}).Expect(r, target(10)); e.MaxValues != 12 || e.Ops != 1 || !e.Digest {
		t.Errorf("expect %+v", e)
	}
}

func TestGetRequest(t *testing.T) {
	steps := MustSteps(StepSpec{Op: "open", Name: "open"},
		StepSpec{Op: "get", Name: "cold", Args: map[string]any{"prim": "middle", "property": "cost"}},
		StepSpec{Op: "get", Name: "warm", Args: map[string]any{"prim": "random", "seed": 9, "property": "cost", "times": 5}},
		StepSpec{Op: "get", Name: "last", Args: map[string]any{"prim": "last", "property": "cost"}})
	cold, warm, last := reqOf(t, steps[1], 10), reqOf(t, steps[2], 10), reqOf(t, steps[3], 10)
	if cold.Params.String("prim") != "/World/Prim_5" || !cold.Params.Bool("cold") {
		t.Errorf("cold %v", cold.Params)
	}
	want := fmt.Sprintf("/World/Prim_%d", rand.New(rand.NewPCG(9, 0)).IntN(10))
	if warm.Params.String("prim") != want || warm.Params.Bool("cold") {
		t.Errorf("warm %v, want prim %s", warm.Params, want)
	}
	if last.Params.String("prim") != "/World/Prim_9" {
		t.Errorf("last %v", last.Params)
	}
	if e := (Get{}).Expect(cold, nil); e.Ops != 1 || e.MaxValues != 1 {
		t.Errorf("cold expect %+v", e)
	}
	if e := (Get{}).Expect(warm, nil); e.Ops != 0 || e.MinOps != 5 {
		t.Errorf("warm expect %+v", e)
	}
	warm.Params["batch"] = int64(400)
	if e := (Get{}).Expect(warm, nil); e.Ops != 400 {
		t.Errorf("batched expect %+v", e)
	}
}

func TestPlace(t *testing.T) {
	s := MustSteps(StepSpec{Op: "open", Name: "open"},
		StepSpec{Op: "traverse", Name: "t"},
		StepSpec{Op: "get", Name: "g1", Args: map[string]any{"property": "cost"}},
		StepSpec{Op: "get", Name: "g2", Args: map[string]any{"property": "cost"}},
		StepSpec{Op: "open", Name: "open#2"},
		StepSpec{Op: "get", Name: "g3", Args: map[string]any{"property": "cost"}})
	var first []string
	for _, st := range s {
		if st.Has(results.TraitFirstRead) {
			first = append(first, st.Name)
		}
	}
	if !slices.Equal(first, []string{"g1", "g3"}) {
		t.Errorf("first reads %v", first)
	}
}

func TestProbePointsAndChunks(t *testing.T) {
	if got := fmt.Sprint(probePoints(10, 4)); got != "[2 5 7 10]" {
		t.Errorf("probePoints(10, 4) = %s", got)
	}
	if got := fmt.Sprint(probePoints(3, 5)); got != "[1 2 3]" {
		t.Errorf("probePoints(3, 5) = %s", got)
	}
	if len(probePoints(10, 0)) != 0 {
		t.Error("no probes asked, some given")
	}
	if got := fmt.Sprint(Chunks(10, 3)); got != "[[0 4] [4 7] [7 10]]" {
		t.Errorf("Chunks(10, 3) = %s", got)
	}
	if got := fmt.Sprint(Chunks(2, 4)); got != "[[0 1] [1 2]]" {
		t.Errorf("Chunks(2, 4) = %s", got)
	}
}

func TestDescribe(t *testing.T) {
	s := MustSteps(StepSpec{Op: "open", Name: "open"},
		StepSpec{Op: "get", Name: "warm", Args: map[string]any{"prim": "middle", "property": "payload", "times": 50}},
		StepSpec{Op: "traverse", Name: "scan", Args: map[string]any{"order": "random", "properties": []string{"a", "b"}}})
	got := []string{Describe(&s[0]), Describe(&s[1]), Describe(&s[2])}
	want := []string{"open", "warm(middle, payload, times=50)", "scan(a b, random)"}
	if !slices.Equal(got, want) {
		t.Errorf("Describe = %q, want %q", got, want)
	}
}

// The registry takes ops from other packages; see the exec tests for one
// that validates, plans and runs through a spec.
func TestRegisterDuplicatePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("duplicate registration accepted")
		}
	}()
	Register(Get{})
}

func TestNeedReader(t *testing.T) {
	env := &Env{Ctx: context.Background()}
	if _, err := (Get{}).Start(env, &protocol.Step{Params: param.Values{"prim": "/a", "properties": []string{"x"}}}); err == nil {
		t.Error("get without an open reader")
	}
}
