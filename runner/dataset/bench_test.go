package dataset

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/scenebench/runner/formats"
)

// BenchmarkGenerate measures value generation alone (no writer): one op is
// a whole dataset; prims/s is the rate on one goroutine.
func BenchmarkGenerate(b *testing.B) {
	cases := []struct {
		name string
		cfg  Config
	}{
		{"building20/flat", Config{Name: "b", Prims: 200000, Seed: 1}},
		{"building20/deep", Config{Name: "b", Prims: 200000, Hierarchy: "deep", Seed: 1}},
		{"building20+payload/flat", Config{Name: "b", Prims: 50000, Seed: 1, Payload: true}},
		{"alltypes/flat", Config{Name: "b", Prims: 100000, Seed: 1, Schema: "none", Properties: allTypes}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			n := 0
			start, cpu0 := time.Now(), cpuTime()
			for b.Loop() {
				err := Generate(c.cfg, DefaultBatchSize, func(bt *formats.Batch) error {
					n += bt.Len()
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)/time.Since(start).Seconds(), "prims/s")
			// On a shared machine wall time includes waiting for a core;
			// the process's CPU time does not (it does include GC).
			b.ReportMetric(float64(n)/(cpuTime()-cpu0).Seconds(), "prims/cpu-s")
		})
	}
}

// cpuTime is the user and system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkEnsureCached measures a cached re-run: finding a file, checking
// its manifest, size and time. It does not depend on the file's size.
func BenchmarkEnsureCached(b *testing.B) {
	dir := b.TempDir()
	f := &testFormat{}
	opts := testOpts(b, f, nil)
	cfg := Config{Name: "cached", Prims: 20000, Seed: 1, Payload: true}
	file := mustEnsure(b, dir, cfg, f, opts, EnsureOptions{})
	b.ReportMetric(float64(file.Bytes), "file-bytes")
	for b.Loop() {
		got, err := Ensure(context.Background(), dir, cfg, f, opts, EnsureOptions{})
		if err != nil || !got.Reused {
			b.Fatal(err, got)
		}
	}
}

// BenchmarkEnsureVerify measures the full check (-verify, or a file whose
// time changed): hashing the whole file.
func BenchmarkEnsureVerify(b *testing.B) {
	dir := b.TempDir()
	f := &testFormat{}
	opts := testOpts(b, f, nil)
	cfg := Config{Name: "cached", Prims: 20000, Seed: 1, Payload: true}
	file := mustEnsure(b, dir, cfg, f, opts, EnsureOptions{})
	b.SetBytes(file.Bytes)
	for b.Loop() {
		got, err := Ensure(context.Background(), dir, cfg, f, opts, EnsureOptions{Verify: true})
		if err != nil || !got.Reused {
			b.Fatal(err, got)
		}
	}
}
