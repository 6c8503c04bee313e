package parquet

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/scenebench/runner/formats"
)

// Benchmark files are written once per test process.
var (
	benchMu    sync.Mutex
	benchDir   string
	benchFiles = map[string]string{}
)

func benchFile(b *testing.B, s sceneSpec, opts map[string]any) string {
	b.Helper()
	benchMu.Lock()
	defer benchMu.Unlock()
	key := fmt.Sprint(s, opts)
	if p, ok := benchFiles[key]; ok {
		return p
	}
	if benchDir == "" {
		d, err := os.MkdirTemp("", "parquet-bench")
		if err != nil {
			b.Fatal(err)
		}
		benchDir = d
	}
	p := writeScene(b, benchDir, s, opts)
	benchFiles[key] = p
	return p
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

func BenchmarkOpen(b *testing.B) {
	for _, n := range []int{1000, 1000000} {
		path := benchFile(b, sceneSpec{prims: n, seed: 1}, nil)
		for _, idx := range []string{"eager", "lazy"} {
			b.Run(fmt.Sprintf("%s/prims=%d", idx, n), func(b *testing.B) {
				o, _ := formats.Normalize(Format{}, map[string]any{"index": idx})
				cpu := cpuNanos()
				for b.Loop() {
					r, err := Format{}.Open(path, o)
					if err != nil {
						b.Fatal(err)
					}
					r.Close()
				}
				b.ReportMetric(float64(cpuNanos()-cpu)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}

func BenchmarkWarmGet(b *testing.B) {
	path := benchFile(b, sceneSpec{prims: 10000, seed: 1}, nil)
	for _, ro := range []map[string]any{
		{"index": "eager"}, {"index": "lazy"}, {"index": "eager", "cache_budget": 1 << 30},
	} {
		b.Run(fmt.Sprintf("%s/budget=%v", ro["index"], ro["cache_budget"]), func(b *testing.B) {
			r := openScene(b, path, ro)
			// same: one prim repeated (the layer-order hint answers);
			// alternating: two prims far apart (the index answers).
			for _, mode := range []string{"same", "alternating"} {
				b.Run(mode, func(b *testing.B) {
					prims := []string{primPath(4321), primPath(4321)}
					if mode == "alternating" {
						prims[1] = primPath(87)
					}
					var v formats.Value
					for _, p := range prims {
						if err := r.Get(p, "cost", &v); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportAllocs()
					i := 0
					cpu := cpuNanos()
					for b.Loop() {
						if err := r.Get(prims[i&1], "cost", &v); err != nil {
							b.Fatal(err)
						}
						i++
					}
					b.ReportMetric(float64(cpuNanos()-cpu)/float64(b.N), "cpu-ns/op")
				})
			}
		})
	}
}

// rchar is the bytes this process has read through read(2)/pread(2).
func rchar(tb testing.TB) int64 {
	f, err := os.Open("/proc/self/io")
	if err != nil {
		tb.Skip("no /proc/self/io")
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "rchar: "); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	tb.Skip("no rchar in /proc/self/io")
	return 0
}

// cpuNanos is the CPU time (user + system) the process has used. On this
// shared machine wall time includes waiting for a core; CPU time does not,
// so the benchmarks report both.
func cpuNanos() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// procStatus returns a kB figure from /proc/self/status.
func procStatus(tb testing.TB, key string) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, key); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// chunkBytes is the stored size of one property's column chunk.
func chunkBytes(tb testing.TB, path string, g int, prop string) int64 {
	r := openScene(tb, path, nil).(*reader)
	ci := r.column(prop)
	cc, err := r.pf.MetaData().RowGroup(g).ColumnChunk(r.cols[ci].leaf)
	if err != nil {
		tb.Fatal(err)
	}
	return cc.TotalCompressedSize()
}

// A cold get reads about one column chunk, not the file.
func TestColdGetReadsOneChunk(t *testing.T) {
	s := sceneSpec{prims: 20000, payload: true, seed: 2}
	path := writeScene(t, t.TempDir(), s, nil)
	st, _ := os.Stat(path)
	for _, idx := range []string{"eager", "lazy"} {
		for _, prop := range []string{"cost", "payload"} {
			chunk := chunkBytes(t, path, 7, prop)
			r := openScene(t, path, map[string]any{"index": idx})
			var v formats.Value
			before := rchar(t)
			if err := r.Get(primPath(7500), prop, &v); err != nil {
				t.Fatal(err)
			}
			read := rchar(t) - before
			t.Logf("%s cold get of %s read %d bytes; its chunk is %d bytes, the file %d", idx, prop, read, chunk, st.Size())
			if read < chunk || read > chunk+8192 {
				t.Errorf("%s cold get of %s read %d bytes for a %d-byte chunk", idx, prop, read, chunk)
			}
		}
	}
}

// A cold get is the first read of a block: each iteration reads cost from
// a row group not read since the reader was opened (the reader is reopened,
// untimed, when they run out). readB/op is the bytes read per cold get.
func BenchmarkColdGet(b *testing.B) {
	s := sceneSpec{prims: 100000, seed: 1}
	path := benchFile(b, s, nil)
	const rg = 1000
	for _, idx := range []string{"eager", "lazy"} {
		b.Run(idx, func(b *testing.B) {
			o, _ := formats.Normalize(Format{}, map[string]any{"index": idx})
			var v formats.Value
			var read int64
			var r formats.Reader
			g := s.prims / rg
			for i := 0; b.Loop(); i++ {
				if g == s.prims/rg {
					b.StopTimer()
					if r != nil {
						r.Close()
					}
					var err error
					if r, err = (Format{}).Open(path, o); err != nil {
						b.Fatal(err)
					}
					g = 0
					b.StartTimer()
				}
				b.StopTimer()
				prim := primPath(g*rg + i%rg)
				g++
				before := rchar(b)
				b.StartTimer()
				if err := r.Get(prim, "cost", &v); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				read += rchar(b) - before
				b.StartTimer()
			}
			r.Close()
			b.ReportMetric(float64(read)/float64(b.N), "readB/op")
			b.ReportMetric(float64(chunkBytes(b, path, 0, "cost")), "chunkB")
		})
	}
}

// Single-property traversal: every prim's cost in layer order, from a
// freshly opened reader (the open and Prims are not timed).
func BenchmarkTraverse(b *testing.B) {
	s := sceneSpec{prims: 10000, seed: 1}
	for _, codec := range []string{"none", "snappy", "zstd"} {
		path := benchFile(b, s, map[string]any{"compression": codec})
		for _, idx := range []string{"eager", "lazy"} {
			b.Run(fmt.Sprintf("prims=10000/%s/%s", codec, idx), func(b *testing.B) {
				var v formats.Value
				var prims []string
				timeFreshReaders(b, path, map[string]any{"index": idx}, func(r formats.Reader) {
					var err error
					if prims, err = r.Prims(); err != nil {
						b.Fatal(err)
					}
				}, func(r formats.Reader) {
					for _, p := range prims {
						if err := r.Get(p, "cost", &v); err != nil {
							b.Fatal(err)
						}
					}
				})
			})
		}
	}
}

// Write throughput at 1M prims of building20 plus the 1,000-character
// payload (about 1.1 GB of values). Batch generation is not timed.
func BenchmarkWrite(b *testing.B) {
	n := 1000000
	if testing.Short() {
		n = 20000
	}
	s := sceneSpec{prims: n, payload: true, seed: 1}
	for _, codec := range []string{"snappy", "zstd"} {
		b.Run(fmt.Sprintf("prims=%d/%s", n, codec), func(b *testing.B) {
			dir := b.TempDir()
			o, _ := formats.Normalize(Format{}, map[string]any{"compression": codec})
			var batch formats.Batch
			for b.Loop() {
				path := filepath.Join(dir, "w.parquet")
				w, err := Format{}.Create(path, o, s.SceneInfo())
				if err != nil {
					b.Fatal(err)
				}
				for lo := 0; lo < n; lo += 10000 {
					b.StopTimer()
					s.fill(&batch, lo, min(lo+10000, n))
					b.StartTimer()
					if err := w.Write(&batch); err != nil {
						b.Fatal(err)
					}
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				st, _ := os.Stat(path)
				b.ReportMetric(float64(st.Size())/1e6, "fileMB")
				os.Remove(path)
				b.StartTimer()
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "prims/s")
			b.ReportMetric(float64(procStatus(b, "VmHWM:"))/1024, "peakRSS_MB")
		})
	}
}

// Decoding one column chunk of 1,000 rows into a block (the cold part of
// a get, without the I/O of the first read).
func BenchmarkDecodeBlock(b *testing.B) {
	s := sceneSpec{prims: 10000, payload: true, seed: 1}
	path := benchFile(b, s, nil)
	r := openScene(b, path, nil).(*reader)
	for _, prop := range []string{"cost", "lifespan", "is_active", "supplier_id", "payload"} {
		b.Run(prop, func(b *testing.B) {
			c := &r.cols[r.column(prop)]
			slot := r.slot(3)
			b.ReportAllocs()
			cpu := cpuNanos()
			for b.Loop() {
				slot.mu.Lock()
				if _, err := r.readColumn(slot, c); err != nil {
					b.Fatal(err)
				}
				slot.mu.Unlock()
			}
			b.ReportMetric(float64(cpuNanos()-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}

// Listing the prims after a lazy open: one pass over the path column. (An
// eager open has read it already; Prims then costs nothing.)
func BenchmarkPrims(b *testing.B) {
	path := benchFile(b, sceneSpec{prims: 10000, seed: 1}, nil)
	for _, idx := range []string{"lazy"} {
		b.Run(fmt.Sprintf("prims=10000/%s", idx), func(b *testing.B) {
			timeFreshReaders(b, path, map[string]any{"index": idx}, nil, func(r formats.Reader) {
				if _, err := r.Prims(); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// timeFreshReaders runs timed on a freshly opened reader in every
// iteration; the open, setup (when not nil) and the close are not timed.
// It reports timed's CPU time per op.
func timeFreshReaders(b *testing.B, path string, opts map[string]any, setup, timed func(formats.Reader)) {
	o, _ := formats.Normalize(Format{}, opts)
	var cpu int64
	for b.Loop() {
		b.StopTimer()
		r, err := Format{}.Open(path, o)
		if err != nil {
			b.Fatal(err)
		}
		if setup != nil {
			setup(r)
		}
		b.StartTimer()
		c0 := cpuNanos()
		timed(r)
		cpu += cpuNanos() - c0
		b.StopTimer()
		r.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
}
