package ops_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/scenebench/runner/formats"
	_ "github.com/scenebench/runner/formats/all"
	"github.com/scenebench/runner/internal/param"
	"github.com/scenebench/runner/runner/dataset"
	"github.com/scenebench/runner/runner/ops"
	"github.com/scenebench/runner/runner/protocol"
)

// BenchmarkThreads runs a warm get of six properties of one prim and a
// traversal of three properties of 10,000 prims on 1, 2, 4 and 8 threads
// with every Go reader, in process: values-per-second is the throughput the
// reports show for the threads sweep of specs/wishlist.hcl.
func BenchmarkThreads(b *testing.B) {
	dir := b.TempDir()
	cfg := dataset.Config{Name: "flat", Prims: 10000, Hierarchy: "flat", Seed: 42, Schema: "building20", Payload: true}
	inspect := []string{"cost", "carbon_A1", "weight", "temperature", "is_active", "supplier_id"}
	for _, name := range []string{"usdc", "usda", "parquet"} {
		f, _ := formats.Lookup(name)
		opts, err := formats.Normalize(f, nil)
		if err != nil {
			b.Fatal(err)
		}
		file, err := dataset.Ensure(context.Background(), dir, cfg, f, opts, dataset.EnsureOptions{})
		if err != nil {
			b.Fatal(err)
		}
		r, err := f.Open(file.Path, opts)
		if err != nil {
			b.Fatal(err)
		}
		env := &ops.Env{Ctx: context.Background(), Reader: r}
		for _, threads := range []int64{1, 2, 4, 8} {
			b.Run(fmt.Sprintf("%s/get/threads=%d", name, threads), func(b *testing.B) {
				req := &protocol.Step{Op: "get", Name: "warm", Params: param.Values{"prim": "/World/Prim_5000",
					"properties": inspect, "times": int64(1000), "threads": threads, "batch": threads * 20000}}
				var ns float64
				for b.Loop() {
					ns += timed(b, ops.Get{}, env, req)
				}
				b.ReportMetric(float64(len(inspect))/(ns/float64(b.N))*1e9, "values/s")
			})
			b.Run(fmt.Sprintf("%s/traverse/threads=%d", name, threads), func(b *testing.B) {
				req := &protocol.Step{Op: "traverse", Name: "scan", Params: param.Values{"properties": []string{"cost", "weight", "supplier_id"},
					"order": "layer", "threads": threads}}
				var ns float64
				for b.Loop() {
					ns += timed(b, ops.Traverse{}, env, req)
				}
				b.ReportMetric(float64(3*cfg.Prims)/(ns/float64(b.N))*1e9, "values/s")
			})
		}
		r.Close()
	}
}

func timed(b *testing.B, op ops.Op, env *ops.Env, req *protocol.Step) float64 {
	run, err := op.Start(env, req)
	if err != nil {
		b.Fatal(err)
	}
	t, err := run.Timed()
	if err != nil {
		b.Fatal(err)
	}
	return t.NS
}
