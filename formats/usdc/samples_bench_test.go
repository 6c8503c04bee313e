package usdc

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/formatstest"
)

// samplesBenchProps is building20 plus a double3 xform; animated, cost
// and xform carry 24 time samples each.
func samplesBenchProps(animated bool) []formats.Property {
	props := append(formatstest.Building20(false), formats.Property{Name: "xform", Type: formats.Double3})
	if animated {
		props[0].Samples = formats.Samples{Count: 24, Start: 1, Step: 1}
		props[len(props)-1].Samples = formats.Samples{Count: 24, Start: 1, Step: 1}
	}
	return props
}

// BenchmarkSamples compares a 100K-prim building20 scene with a double3
// beside, still and with cost and xform animated (24 samples each): the
// file size (MB metric) and open time, and for the animated file warm
// reads by handles of the default, of a sample and of a value between
// samples. -count
// repeats each sub-benchmark in turn: to compare the two opens under the
// same load, run rounds of -count 1 instead.
func BenchmarkSamples(b *testing.B) {
	const n = 100_000
	dir := b.TempDir()
	for _, v := range []struct {
		name     string
		animated bool
	}{{"still", false}, {"animated", true}} {
		path := filepath.Join(dir, v.name+".usdc")
		formatstest.WriteFile(b, Format{}, path, formats.Options{"compress": true, "version": "0.8.0"},
			animScene{"flat", n, samplesBenchProps(v.animated), 42}, 4096)
		st, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(v.name+"/open", func(b *testing.B) {
			defer reportCPU(b)()
			for b.Loop() {
				r, err := Open(path)
				if err != nil {
					b.Fatal(err)
				}
				r.Close()
			}
			b.ReportMetric(float64(st.Size())/1e6, "MB")
		})
		if !v.animated {
			continue
		}
		r, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		ph, err := r.ResolvePrim("/World/Prim_4242")
		if err != nil {
			b.Fatal(err)
		}
		h, err := r.ResolveProperty("xform")
		if err != nil {
			b.Fatal(err)
		}
		var val formats.Value
		b.Run(v.name+"/getdefault", func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPUNs(b)()
			for b.Loop() {
				if err := r.GetHandle(ph, h, &val); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(v.name+"/getsample", func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPUNs(b)()
			for b.Loop() {
				if err := r.GetSample(ph, h, 11, &val); err != nil {
					b.Fatal(err)
				}
			}
		})
		tr := formats.NewTimeReader(r)
		b.Run(v.name+"/getat-between", func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPUNs(b)()
			for b.Loop() {
				if err := tr.GetAt(ph, h, 12.5, &val); err != nil {
					b.Fatal(err)
				}
			}
		})
		r.Close()
	}
}
