package exec

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/runner/measure"
	"github.com/scenebench/runner/runner/plan"
	"github.com/scenebench/runner/runner/stats"
)

// nopReader answers every read with a constant: what is left of a batched
// get's sample is the harness's own cost per operation.
type nopReader struct{}

func (nopReader) Properties() []formats.Property { return fakeProps[:1] }
func (nopReader) Prims() ([]string, error)       { return []string{"/World/Prim_0"}, nil }
func (nopReader) Close() error                   { return nil }
func (nopReader) Get(prim, property string, dst *formats.Value) error {
	dst.Type, dst.Num = formats.Double, 1
	return nil
}

// BenchmarkBatchedGetOverhead reports the time per op a batched warm get
// records for a reader that does nothing (harness-ns/op, the median over
// steps), next to the
// same Get called in a bare loop (ns/op of the "bare" sub-benchmark).
func BenchmarkBatchedGetOverhead(b *testing.B) {
	step := &plan.Step{Op: "get", Name: "warm", Prim: "/World/Prim_0", Properties: []string{"cost"}}
	b.Run("harness", func(b *testing.B) {
		prober, clock, err := processProbes()
		if err != nil {
			b.Fatal(err)
		}
		s := &scenarioRun{ctx: context.Background(), prober: prober, clock: clock, reader: nopReader{}, getsSinceOpen: 1}
		var perOp []float64
		for b.Loop() {
			sr, err := s.get(step)
			if err != nil {
				b.Fatal(err)
			}
			if sr.Batched { // a preempted first timing leaves a step unbatched
				perOp = append(perOp, sr.NS)
			}
		}
		if len(perOp) == 0 {
			b.Fatal("never batched")
		}
		// The median, as reports show: on a shared machine a preempted
		// batch inflates the mean.
		b.ReportMetric(stats.Summary(perOp).Median, "harness-ns/op")
	})
	b.Run("bare", func(b *testing.B) {
		var r formats.Reader = nopReader{}
		var v formats.Value
		for b.Loop() {
			r.Get("/World/Prim_0", "cost", &v)
		}
	})
}

// BenchmarkProbeSnapshot is the cost of the probes around each step (kept
// out of the timings, but part of a run's wall time).
func BenchmarkProbeSnapshot(b *testing.B) {
	p, err := measure.NewProber()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		p.ResetPeak()
		p.Snapshot()
		p.PeakRSS()
	}
}

// BenchmarkTraverse is a traversal of 10,000 prims x 1 property on a
// reader that does nothing: the harness's cost per value in the timed pass
// (timed-ns/value) and the untimed digest pass (digest-ns/value).
func BenchmarkTraverse(b *testing.B) {
	prims := make([]string, 10000)
	for i := range prims {
		prims[i] = fmt.Sprintf("/World/Prim_%d", i)
	}
	prober, _, _ := processProbes()
	tr := &traversal{ctx: context.Background(), r: nopReader{}, props: []string{"cost"}, order: prims, prober: prober}
	ranges := chunks(len(prims), 1)
	var timed, digest time.Duration
	for b.Loop() {
		el, err := tr.runSingle()
		if err != nil {
			b.Fatal(err)
		}
		timed += el
		t0 := time.Now()
		if _, _, err := tr.digest(ranges); err != nil {
			b.Fatal(err)
		}
		digest += time.Since(t0)
	}
	b.ReportMetric(float64(timed)/float64(b.N)/float64(len(prims)), "timed-ns/value")
	b.ReportMetric(float64(digest)/float64(b.N)/float64(len(prims)), "digest-ns/value")
}
