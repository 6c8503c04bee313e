package ops

import (
	"context"
	"testing"

	"github.com/scenebench/runner/formats"
)

// sampleReader animates "cost" of handleReader's scene: samples at times
// 1, 2 and 4, sample k of prim i being 1000*i + 10*k (+ 0.5 for k = 1);
// the other properties have no samples.
type sampleReader struct{ handleReader }

var sampleTimes = []float64{1, 2, 4}

func sampleValue(i, k int) float64 {
	v := float64(1000*i + 10*k)
	if k == 1 {
		v += 0.5
	}
	return v
}

func (s *sampleReader) SampleTimes(p formats.PrimHandle, q formats.PropertyHandle) ([]float64, error) {
	if s.props[q] != "cost" {
		return nil, nil
	}
	return sampleTimes, nil
}

func (s *sampleReader) GetSample(p formats.PrimHandle, q formats.PropertyHandle, k int, dst *formats.Value) error {
	*dst = formats.Value{Type: formats.Double, Num: sampleValue(int(p), k)}
	return nil
}

// wantAt is the digest of reading props of prims at time at ("all" or a
// number), computed here from the rules the ops document.
func wantAt(t *testing.T, r formats.Reader, prims []int, props []string, at any) (string, int64) {
	t.Helper()
	var dg formats.Digest
	dg.Reset()
	for _, i := range prims {
		path := flatScene(0).PrimPath(i)
		for _, p := range props {
			var v formats.Value
			if err := r.Get(path, p, &v); err != nil {
				continue // no value: not digested
			}
			if p != "cost" {
				if at == TimeAll {
					dg.Add(path, p, &v)
				} else {
					dg.AddAt(path, p, toFloat(at), &v)
				}
				continue
			}
			if at == TimeAll {
				for k, tk := range sampleTimes {
					dg.AddAt(path, p, tk, &formats.Value{Type: formats.Double, Num: sampleValue(i, k)})
				}
				continue
			}
			x := toFloat(at)
			var num float64
			switch {
			case x <= 1:
				num = sampleValue(i, 0)
			case x == 2:
				num = sampleValue(i, 1)
			case x >= 4:
				num = sampleValue(i, 2)
			case x < 2:
				a := (x - 1) / (2 - 1)
				num = (1-a)*sampleValue(i, 0) + a*sampleValue(i, 1)
			default:
				a := (x - 2) / (4 - 2)
				num = (1-a)*sampleValue(i, 1) + a*sampleValue(i, 2)
			}
			dg.AddAt(path, p, x, &formats.Value{Type: formats.Double, Num: num})
		}
	}
	return dg.Hex(), int64(dg.Count())
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int:
		return float64(x)
	}
	panic("not a number")
}

// Get and traverse at a time: exact samples, between (linear), before and
// after (clamped), every sample; unanimated properties read their
// default at any time; readers without handles or samples still answer.
func TestReadsAtTime(t *testing.T) {
	const n = 11
	props := []string{"cost", "lifespan", "supplier_id"}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	for _, at := range []any{0.5, 1.0, 1.25, 2.0, 3.0, 4.0, 9.0, TimeAll} {
		readers := []formats.Reader{
			&sampleReader{handleReader{sparseReader: sparseReader{memReader{n: n}}, props: props}},
		}
		for _, r := range readers {
			for _, tc := range []struct {
				name  string
				spec  StepSpec
				prims []int
			}{
				{"get", StepSpec{Op: "get", Name: "get", Args: map[string]any{"prim": "/World/Prim_7", "properties": props, "time": at}}, []int{7}},
				{"get-cold", StepSpec{Op: "get", Name: "get-cold", Args: map[string]any{"prim": "/World/Prim_5", "properties": props, "time": at}}, []int{5}},
				{"traverse", StepSpec{Op: "traverse", Name: "traverse", Args: map[string]any{"time": at}}, all},
				{"reverse", StepSpec{Op: "traverse", Name: "reverse", Args: map[string]any{"time": at, "order": "reverse"}}, reversed(all)},
			} {
				steps := MustSteps(StepSpec{Op: "open", Name: "open"}, tc.spec)
				if tc.name != "get-cold" {
					steps = MustSteps(StepSpec{Op: "open", Name: "open"}, StepSpec{Op: "get", Name: "warmup", Args: map[string]any{"property": "cost"}}, tc.spec)
				}
				req := reqOf(t, steps[len(steps)-1], n)
				if want := (tc.name == "get-cold"); req.Params.Bool("cold") != want && tc.spec.Op == "get" {
					t.Fatalf("%s: cold = %v", tc.name, req.Params.Bool("cold"))
				}
				op, _ := Lookup(req.Op)
				if !StepNeeds(&steps[len(steps)-1]).Time {
					t.Errorf("%s at %v: the step does not say it needs time", tc.name, at)
				}
				_, got, values := runStep(t, r, req)
				want, wantValues := wantAt(t, r, tc.prims, props, at)
				if got != want || values != wantValues {
					t.Errorf("%s at %v over %T: digest %s (%d values), want %s (%d)", tc.name, at, r, got, values, want, wantValues)
				}
				if e := op.Expect(req, target(n)); values > e.MaxValues {
					t.Errorf("%s at %v: %d values, expected at most %d", tc.name, at, values, e.MaxValues)
				}
			}
		}
	}
}

// A traversal at a time over threads digests what one thread does, chunk
// by chunk, and a reader without handles or samples reads defaults.
func TestReadsAtTimeThreadsAndStringReaders(t *testing.T) {
	const n = 13
	props := []string{"cost", "lifespan", "supplier_id"}
	r := &sampleReader{handleReader{sparseReader: sparseReader{memReader{n: n}}, props: props}}
	for _, at := range []any{3.0, TimeAll} {
		one := reqOf(t, MustSteps(StepSpec{Op: "open", Name: "open"}, StepSpec{Op: "traverse", Name: "t", Args: map[string]any{"time": at}})[1], n)
		three := reqOf(t, MustSteps(StepSpec{Op: "open", Name: "open"}, StepSpec{Op: "traverse", Name: "t", Args: map[string]any{"time": at, "threads": 3}})[1], n)
		_, d1, v1 := runStep(t, r, one)
		_, d3, v3 := runStep(t, r, three)
		var sums []uint64
		for _, c := range Chunks(n, 3) {
			var idx []int
			for i := c[0]; i < c[1]; i++ {
				idx = append(idx, i)
			}
			h, _ := wantAt(t, r, idx, props, at)
			var s uint64
			for _, ch := range h {
				s = s<<4 | uint64(hexDigit(ch))
			}
			sums = append(sums, s)
		}
		if want := CombineDigests(sums); d3 != want || v3 != v1 {
			t.Errorf("at %v: 3 threads digest %s (%d values), want %s (%d); one thread %s", at, d3, v3, want, v1, d1)
		}
		getReq := reqOf(t, MustSteps(StepSpec{Op: "open", Name: "open"}, StepSpec{Op: "get", Name: "cold", Args: map[string]any{"property": "cost"}},
			StepSpec{Op: "get", Name: "g", Args: map[string]any{"prim": "/World/Prim_3", "properties": props, "time": at, "threads": 2, "times": 5}})[2], n)
		_, dg, _ := runStep(t, r, getReq)
		if want, _ := wantAt(t, r, []int{3}, props, at); dg != want {
			t.Errorf("get at %v on 2 threads: digest %s, want %s", at, dg, want)
		}
	}
	// A reader by strings alone has no samples: defaults at every time.
	plain := &sparseReader{memReader{n: n}}
	req := reqOf(t, MustSteps(StepSpec{Op: "open", Name: "open"}, StepSpec{Op: "traverse", Name: "t", Args: map[string]any{"time": 2.5}})[1], n)
	_, got, _ := runStep(t, plain, req)
	var dg formats.Digest
	dg.Reset()
	for i := range n {
		for _, p := range flatScene(n).Properties() {
			var v formats.Value
			if plain.Get(flatScene(n).PrimPath(i), p, &v) == nil {
				dg.AddAt(flatScene(n).PrimPath(i), p, 2.5, &v)
			}
		}
	}
	if got != dg.Hex() {
		t.Errorf("string reader at 2.5: digest %s, want %s", got, dg.Hex())
	}
	// A bad time in a request fails the step, naming it.
	req.Params["time"] = "soon"
	op, _ := Lookup("traverse")
	if _, err := op.Start(&Env{Ctx: context.Background(), Reader: plain}, req); err == nil {
		t.Error(`time "soon": no error`)
	}
}

func reversed(xs []int) []int {
	out := make([]int, len(xs))
	for i, x := range xs {
		out[len(xs)-1-i] = x
	}
	return out
}

func hexDigit(c rune) int {
	if c >= 'a' {
		return int(c-'a') + 10
	}
	return int(c - '0')
}
