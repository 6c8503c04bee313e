package usdc

import (
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/formatstest"
)

// benchFiles caches benchmark inputs across benchmarks of one run.
var (
	benchMu    sync.Mutex
	benchCache = map[string]string{}
	benchDir   string
	keepBench  bool
)

// benchFile writes (once per run) a building20 scene of n prims.
func benchFile(b *testing.B, hier string, n int, payload bool) string {
	b.Helper()
	benchMu.Lock()
	defer benchMu.Unlock()
	key := hier + strconv.Itoa(n) + strconv.FormatBool(payload)
	if p, ok := benchCache[key]; ok {
		return p
	}
	if benchDir == "" {
		// USDC_BENCH_DIR keeps the files, e.g. for testdata/bench_openusd.py.
		if d := os.Getenv("USDC_BENCH_DIR"); d != "" {
			keepBench = true
			benchDir = d
		} else {
			d, err := os.MkdirTemp("", "usdc-bench")
			if err != nil {
				b.Fatal(err)
			}
			benchDir = d
		}
	}
	dir := filepath.Join(benchDir, key)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	p := writeScene(b, dir, testScene{hier, n, formatstest.Building20(payload), 42}, nil)
	benchCache[key] = p
	return p
}

// reportCPU adds the process CPU time per operation (user + system) to a
// benchmark: on a shared machine it varies less than wall time.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() {
		if b.N > 0 {
			// Not Duration.Milliseconds, which truncates the total:
			// at -benchtime 10x a 1.5 ms floor would read 1.4 or 1.5.
			b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		}
	}
}

// reportCPUNs is reportCPU in nanoseconds, for operations far shorter
// than a millisecond.
func reportCPUNs(b *testing.B) func() {
	start := cpuTime()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" && !keepBench {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// BenchmarkWrite writes building20 scenes (the payload variant carries a
// 1,000-character string per prim).
func BenchmarkWrite(b *testing.B) {
	for _, tc := range []struct {
		name    string
		hier    string
		n       int
		payload bool
	}{
		{"flat10K", "flat", 10_000, false},
		{"flat100K+payload", "flat", 100_000, true},
		{"deep100K", "deep", 100_000, false},
	} {
		b.Run(tc.name, func(b *testing.B) {
			s := testScene{tc.hier, tc.n, formatstest.Building20(tc.payload), 42}
			// Generate the batches once so only writing is timed.
			var batches []*formats.Batch
			s.Batches(10_000, func(bt *formats.Batch) error {
				cp := &formats.Batch{Paths: append([]string(nil), bt.Paths...), Columns: make([]formats.Column, len(bt.Columns))}
				copy(cp.Columns, bt.Columns)
				batches = append(batches, cp)
				return nil
			})
			dir := b.TempDir()
			opts, _ := formats.Normalize(Format{}, nil)
			b.ResetTimer()
			defer reportCPU(b)()
			for b.Loop() {
				w, err := Format{}.Create(filepath.Join(dir, "out.usdc"), opts, s.SceneInfo())
				if err != nil {
					b.Fatal(err)
				}
				for _, bt := range batches {
					if err := w.Write(bt); err != nil {
						b.Fatal(err)
					}
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTraversal reads one property ("cost") of every prim of an
// opened file.
func BenchmarkTraversal(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run("flat"+strconv.Itoa(n/1000)+"K", func(b *testing.B) {
			p := benchFile(b, "flat", n, false)
			r, err := Open(p)
			if err != nil {
				b.Fatal(err)
			}
			defer r.Close()
			prims, _ := r.Prims()
			var v formats.Value
			for b.Loop() {
				for _, pp := range prims {
					if err := r.Get(pp, "cost", &v); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkWarmGet repeats one scalar read.
func BenchmarkWarmGet(b *testing.B) {
	p := benchFile(b, "flat", 10_000, false)
	r, err := Open(p)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	var v formats.Value
	b.ReportAllocs()
	for b.Loop() {
		if err := r.Get("/World/Prim_4242", "supplier_id", &v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWarmGetHandle repeats one read by handles (resolved once), of
// each scalar kind building20 carries, and the same reads by strings for
// comparison; "cycle" walks every prim in turn.
func BenchmarkWarmGetHandle(b *testing.B) {
	p := benchFile(b, "flat", 10_000, false)
	r, err := Open(p)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	const prim = "/World/Prim_4242"
	ph, err := r.ResolvePrim(prim)
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"cost", "lifespan", "is_active", "supplier_id"} {
		h, err := r.ResolveProperty(name)
		if err != nil {
			b.Fatal(err)
		}
		var v formats.Value
		b.Run(name+"/handles", func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPUNs(b)()
			for b.Loop() {
				if err := r.GetHandle(ph, h, &v); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/strings", func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPUNs(b)()
			for b.Loop() {
				if err := r.Get(prim, name, &v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	h, _ := r.ResolveProperty("cost")
	prims, _ := r.Prims()
	n := formats.PrimHandle(len(prims))
	b.Run("cost/handles/cycle", func(b *testing.B) {
		var v formats.Value
		b.ReportAllocs()
		i := formats.PrimHandle(0)
		defer reportCPUNs(b)()
		for b.Loop() {
			if err := r.GetHandle(i, h, &v); err != nil {
				b.Fatal(err)
			}
			if i++; i == n {
				i = 0
			}
		}
	})
}
