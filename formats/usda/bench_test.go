package usda

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/formatstest"
)

// benchScene caches scenes across benchmarks.
var benchScenes = map[int]*formatstest.Scene{}

func benchScene(n int) *formatstest.Scene {
	if s, ok := benchScenes[n]; ok {
		return s
	}
	s := formatstest.AllTypes(n, false)
	benchScenes[n] = s
	return s
}

func writeScene(b *testing.B, s *formatstest.Scene, path string) {
	opts, _ := formats.Normalize(Format{}, nil)
	s.Write(b, Format{}, path, opts, 4096)
}

// BenchmarkWrite writes a flat scene with one property of every type.
func BenchmarkWrite(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("prims=%d", n), func(b *testing.B) {
			s := benchScene(n)
			path := filepath.Join(b.TempDir(), "scene.usda")
			cpu := cpuTime()
			for b.Loop() {
				writeScene(b, s, path)
			}
			reportCPU(b, cpu)
			st, _ := os.Stat(path)
			b.ReportMetric(float64(st.Size())/1e6, "MB")
		})
	}
}

// BenchmarkOpen parses a whole layer (the open step of a usda cell).
func BenchmarkOpen(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("prims=%d", n), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "scene.usda")
			writeScene(b, benchScene(n), path)
			cpu := cpuTime()
			for b.Loop() {
				r, err := OpenFile(path)
				if err != nil {
					b.Fatal(err)
				}
				r.Close()
			}
			reportCPU(b, cpu)
		})
	}
}

// BenchmarkGet reads one scalar and one array property of every prim of an
// opened layer; it must not allocate.
func BenchmarkGet(b *testing.B) {
	path := filepath.Join(b.TempDir(), "scene.usda")
	s := benchScene(10_000)
	writeScene(b, s, path)
	r, err := OpenFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var v formats.Value
	b.ReportAllocs()
	i := 0
	cpu := cpuTime()
	for b.Loop() {
		p := s.Paths[i%len(s.Paths)]
		if err := r.Get(p, "cost", &v); err != nil {
			b.Fatal(err)
		}
		if err := r.Get(p, "ids", &v); err != nil {
			b.Fatal(err)
		}
		i++
	}
	reportCPU(b, cpu)
}

// cpuTime is the CPU time (user + system) the process has used; on a
// shared machine it is steadier than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds a cpu-ns/op metric for the loop started at start.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

// BenchmarkTraverse reads one property of every prim of an opened layer, the
// traversal OpenUSD's side of testdata/pxr_time.py times.
func BenchmarkTraverse(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("prims=%d", n), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "scene.usda")
			writeScene(b, benchScene(n), path)
			r, err := OpenFile(path)
			if err != nil {
				b.Fatal(err)
			}
			prims, _ := r.Prims()
			var v formats.Value
			sum := 0.0
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				for _, p := range prims {
					if err := r.Get(p, "cost", &v); err != nil {
						b.Fatal(err)
					}
					sum += v.Num
				}
			}
			reportCPU(b, cpu)
			_ = sum
		})
	}
}

// BenchmarkWarmGetHandle repeats one read by handles (resolved once) of
// several types, and the same reads by strings for comparison.
func BenchmarkWarmGetHandle(b *testing.B) {
	path := filepath.Join(b.TempDir(), "scene.usda")
	s := benchScene(10_000)
	writeScene(b, s, path)
	r, err := OpenFile(path)
	if err != nil {
		b.Fatal(err)
	}
	res := r.(formats.Resolver)
	prim := s.Paths[4242]
	ph, err := res.ResolvePrim(prim)
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"cost", "lifespan", "is_active", "supplier_id", "samples"} {
		h, err := res.ResolveProperty(name)
		if err != nil {
			b.Fatal(err)
		}
		var v formats.Value
		b.Run(name+"/handles", func(b *testing.B) {
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				if err := res.GetHandle(ph, h, &v); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
		})
		b.Run(name+"/strings", func(b *testing.B) {
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				if err := r.Get(prim, name, &v); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
		})
	}
}

// BenchmarkOpenAnimated parses a layer whose 13 properties (one of every
// core type) each have 1 to 4 time samples per prim beside the default.
func BenchmarkOpenAnimated(b *testing.B) {
	const n = 10_000
	path := filepath.Join(b.TempDir(), "anim.usda")
	opts, _ := formats.Normalize(Format{}, nil)
	animate(formatstest.AllTypes(n+28, false), n).Write(b, Format{}, path, opts, 4096)
	cpu := cpuTime()
	for b.Loop() {
		r, err := OpenFile(path)
		if err != nil {
			b.Fatal(err)
		}
		r.Close()
	}
	reportCPU(b, cpu)
	st, _ := os.Stat(path)
	b.ReportMetric(float64(st.Size())/1e6, "MB")
}

// BenchmarkGetAt reads a double through formats.TimeReader at a time
// between two samples of every prim in turn (two samples read and
// blended), and a sample by handles; neither may allocate.
func BenchmarkGetAt(b *testing.B) {
	const n = 10_000
	path := filepath.Join(b.TempDir(), "anim.usda")
	opts, _ := formats.Normalize(Format{}, nil)
	animate(formatstest.AllTypes(n+28, false), n).Write(b, Format{}, path, opts, 4096)
	r, err := OpenFile(path)
	if err != nil {
		b.Fatal(err)
	}
	res := r.(*Reader)
	h, err := res.ResolveProperty("cost") // samples at 1, 2, 3
	if err != nil {
		b.Fatal(err)
	}
	tr := formats.NewTimeReader(res)
	var v formats.Value
	b.Run("lerp", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		cpu := cpuTime()
		for b.Loop() {
			if err := tr.GetAt(formats.PrimHandle(i%n), h, 1.5, &v); err != nil {
				b.Fatal(err)
			}
			i++
		}
		reportCPU(b, cpu)
	})
	b.Run("sample", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		cpu := cpuTime()
		for b.Loop() {
			if err := res.GetSample(formats.PrimHandle(i%n), h, 1, &v); err != nil {
				b.Fatal(err)
			}
			i++
		}
		reportCPU(b, cpu)
	})
}
