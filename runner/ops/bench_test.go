package ops

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/internal/param"
	"github.com/scenebench/runner/runner/measure"
	"github.com/scenebench/runner/runner/protocol"
	"github.com/scenebench/runner/runner/stats"
)

// nopReader answers every read with a constant: what is left of a batched
// get's sample is the harness's own cost per operation.
type nopReader struct{ prims []string }

func (nopReader) Properties() []formats.Property {
	return []formats.Property{{Name: "cost", Type: formats.Double}}
}
func (r nopReader) Prims() ([]string, error) { return r.prims, nil }
func (nopReader) Close() error               { return nil }
func (nopReader) Get(prim, property string, dst *formats.Value) error {
	dst.Type, dst.Num = formats.Double, 1
	return nil
}

// nopResolver is nopReader read through handles.
type nopResolver struct{ nopReader }

func (nopResolver) ResolvePrim(string) (formats.PrimHandle, error)         { return 0, nil }
func (nopResolver) ResolveProperty(string) (formats.PropertyHandle, error) { return 0, nil }
func (nopResolver) GetHandle(_ formats.PrimHandle, _ formats.PropertyHandle, dst *formats.Value) error {
	dst.Type, dst.Num = formats.Double, 1
	return nil
}

// BenchmarkBatchedGetOverhead reports the time per op a batched warm get
// records for a reader that does nothing (harness-ns/op, the median over
// steps), next to the same Get called in a bare loop (ns/op of "bare").
func BenchmarkBatchedGetOverhead(b *testing.B) {
	req := &protocol.Step{Op: "get", Name: "warm", Params: param.Values{"prim": "/World/Prim_0", "properties": []string{"cost"}, "times": int64(1)}}
	for _, tc := range []struct {
		name string
		r    formats.Reader
	}{{"harness", nopReader{}}, {"harness-handles", nopResolver{}}} {
		b.Run(tc.name, func(b *testing.B) {
			env := &Env{Ctx: context.Background(), Reader: tc.r, Clock: measure.ClockOverhead()}
			var perOp []float64
			for b.Loop() {
				run, err := (Get{}).Start(env, req)
				if err != nil {
					b.Fatal(err)
				}
				t, err := run.Timed()
				if err != nil {
					b.Fatal(err)
				}
				if t.Batched { // a preempted first timing leaves a step unbatched
					perOp = append(perOp, t.NS)
				}
			}
			if len(perOp) == 0 {
				b.Fatal("never batched")
			}
			// The median, as reports show: on a shared machine a preempted
			// batch inflates the mean.
			b.ReportMetric(stats.Summary(perOp).Median, "harness-ns/op")
		})
	}
	b.Run("bare", func(b *testing.B) {
		var r formats.Reader = nopReader{}
		var v formats.Value
		for b.Loop() {
			r.Get("/World/Prim_0", "cost", &v)
		}
	})
	b.Run("bare-handles", func(b *testing.B) {
		var r formats.Resolver = nopResolver{}
		var v formats.Value
		for b.Loop() {
			r.GetHandle(0, 0, &v)
		}
	})
}

// BenchmarkTraverse is a traversal of 10,000 prims x 1 property on a
// reader that does nothing: the harness's cost per value in the timed pass
// (timed-ns/value) and the untimed digest pass (digest-ns/value).
func BenchmarkTraverse(b *testing.B) {
	prims := make([]string, 10000)
	for i := range prims {
		prims[i] = fmt.Sprintf("/World/Prim_%d", i)
	}
	env := &Env{Ctx: context.Background(), Reader: nopReader{prims: prims}}
	req := &protocol.Step{Op: "traverse", Name: "t", Params: param.Values{"properties": []string{"cost"}, "order": "layer", "threads": int64(1)}}
	var timed, digest time.Duration
	for b.Loop() {
		run, err := (Traverse{}).Start(env, req)
		if err != nil {
			b.Fatal(err)
		}
		t, err := run.Timed()
		if err != nil {
			b.Fatal(err)
		}
		timed += time.Duration(t.NS)
		t0 := time.Now()
		if _, _, err := run.Digest(); err != nil {
			b.Fatal(err)
		}
		digest += time.Since(t0)
	}
	b.ReportMetric(float64(timed)/float64(b.N)/float64(len(prims)), "timed-ns/value")
	b.ReportMetric(float64(digest)/float64(b.N)/float64(len(prims)), "digest-ns/value")
}
