package parquet

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/formatstest"
)

// Benchmark files are written once per test process, into a temporary
// directory, or into $PARQUET_BENCH_DIR when it is set: there they are kept
// (and reused by later runs, so delete them after changing the writer) and
// other readers can be timed on the very same files.
var (
	benchMu    sync.Mutex
	benchDir   string
	benchKeep  bool
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
		if d := os.Getenv("PARQUET_BENCH_DIR"); d != "" {
			if err := os.MkdirAll(d, 0o755); err != nil {
				b.Fatal(err)
			}
			benchDir, benchKeep = d, true
		} else {
			d, err := os.MkdirTemp("", "parquet-bench")
			if err != nil {
				b.Fatal(err)
			}
			benchDir = d
		}
	}
	o, err := formats.Normalize(Format{}, opts)
	if err != nil {
		b.Fatal(err)
	}
	name := fmt.Sprintf("scene-%d-seed%d", s.prims, s.seed)
	if s.payload {
		name += "-payload"
	}
	if s.extras {
		name += "-extras"
	}
	p := filepath.Join(benchDir, name+"-"+formats.FileKey(Format{}, o)+".parquet")
	if _, err := os.Stat(p); err != nil || !benchKeep {
		tmp := p + ".tmp"
		formatstest.WriteFile(b, Format{}, tmp, o, s, 1000)
		if err := os.Rename(tmp, p); err != nil {
			b.Fatal(err)
		}
	}
	benchFiles[key] = p
	return p
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" && !benchKeep {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// The reference matrix: every step at 10K and 100K flat prims of
// building20 plus the 1,000-character payload, for every codec and both
// indexes, on files with the default options (row groups of 1,000,
// dictionaries on). Steps read cost (a double) and payload (a 1 KB
// string). -short keeps 10K prims and the three codecs of the default
// suite.
var (
	benchPrims  = []int{10000, 100000}
	benchCodecs = []string{"none", "snappy", "zstd", "lz4", "gzip", "brotli"}
	benchProps  = []string{"cost", "payload"}
)

// eachBenchFile runs fn as a sub-benchmark per size, codec and index.
func eachBenchFile(b *testing.B, fn func(b *testing.B, path string, s sceneSpec, index string)) {
	prims, codecs := benchPrims, benchCodecs
	if testing.Short() {
		prims, codecs = prims[:1], []string{"none", "snappy", "zstd"}
	}
	for _, n := range prims {
		s := sceneSpec{prims: n, payload: true, seed: 1}
		for _, codec := range codecs {
			for _, idx := range []string{"eager", "lazy"} {
				b.Run(fmt.Sprintf("prims=%d/codec=%s/index=%s", n, codec, idx), func(b *testing.B) {
					fn(b, benchFile(b, s, map[string]any{"compression": codec}), s, idx)
				})
			}
		}
	}
}

func openOpts(b *testing.B, index string) formats.Options {
	o, err := formats.Normalize(Format{}, map[string]any{"index": index})
	if err != nil {
		b.Fatal(err)
	}
	return o
}

// BenchmarkOpen times an open: the footer, and for the eager index the
// whole path column and the path map.
func BenchmarkOpen(b *testing.B) {
	eachBenchFile(b, func(b *testing.B, path string, _ sceneSpec, index string) {
		o := openOpts(b, index)
		b.ReportAllocs()
		cpu := cpuNanos()
		for b.Loop() {
			r, err := Format{}.Open(path, o)
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			r.Close()
			b.StartTimer()
		}
		b.ReportMetric(float64(cpuNanos()-cpu)/float64(b.N), "cpu-ns/op")
	})
}

// BenchmarkOpenScaling: a lazy open costs the same at 1K prims as at 1M;
// an eager one grows with the path column.
func BenchmarkOpenScaling(b *testing.B) {
	for _, n := range []int{1000, 1000000} {
		path := benchFile(b, sceneSpec{prims: n, seed: 1}, nil)
		for _, idx := range []string{"eager", "lazy"} {
			b.Run(fmt.Sprintf("%s/prims=%d", idx, n), func(b *testing.B) {
				o := openOpts(b, idx)
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

// BenchmarkGetCold times the first get of a property in a row group: each
// iteration reads a row group not read since the reader was opened (the
// reader is reopened, untimed, when they run out), by path (Get), the way
// a one-off read is made.
func BenchmarkGetCold(b *testing.B) {
	eachBenchFile(b, func(b *testing.B, path string, s sceneSpec, index string) {
		o := openOpts(b, index)
		rgs := (s.prims + 999) / 1000
		for _, prop := range benchProps {
			b.Run("prop="+prop, func(b *testing.B) {
				var v formats.Value
				var r formats.Reader
				g, round := rgs, 0
				b.ReportAllocs()
				for b.Loop() {
					if g == rgs {
						b.StopTimer()
						if r != nil {
							r.Close()
						}
						var err error
						if r, err = (Format{}).Open(path, o); err != nil {
							b.Fatal(err)
						}
						g = 0
						round++
						b.StartTimer()
					}
					b.StopTimer()
					prim := primPath(min(s.prims-1, g*1000+(round*37+g)%1000))
					g++
					b.StartTimer()
					if err := r.Get(prim, prop, &v); err != nil {
						b.Fatal(err)
					}
				}
				r.Close()
			})
		}
	})
}

// benchWarmPrims are the two prims warm gets alternate between: far apart,
// so that a hint for the last prim read does not answer.
var benchWarmPrims = [2]int{4321, 87}

// BenchmarkGetWarm times a get by path of a value already decoded.
func BenchmarkGetWarm(b *testing.B) {
	eachBenchFile(b, func(b *testing.B, path string, _ sceneSpec, index string) {
		r := openScene(b, path, map[string]any{"index": index})
		for _, prop := range benchProps {
			b.Run("prop="+prop, func(b *testing.B) {
				prims := [2]string{primPath(benchWarmPrims[0]), primPath(benchWarmPrims[1])}
				var v formats.Value
				for _, p := range prims {
					if err := r.Get(p, prop, &v); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportAllocs()
				i := 0
				cpu := cpuNanos()
				for b.Loop() {
					if err := r.Get(prims[i&1], prop, &v); err != nil {
						b.Fatal(err)
					}
					i++
				}
				b.ReportMetric(float64(cpuNanos()-cpu)/float64(b.N), "cpu-ns/op")
			})
		}
	})
}

// BenchmarkGetHandle times a get by handles of a value already decoded.
func BenchmarkGetHandle(b *testing.B) {
	eachBenchFile(b, func(b *testing.B, path string, _ sceneSpec, index string) {
		r := openScene(b, path, map[string]any{"index": index})
		res, err := formats.Resolve(r)
		if err != nil {
			b.Fatal(err)
		}
		for _, prop := range benchProps {
			b.Run("prop="+prop, func(b *testing.B) { benchWarmHandles(b, res, prop) })
		}
	})
}

// benchWarmHandles times a get by handles of prop, alternating between
// the two far-apart prims of BenchmarkGetWarm, after one untimed read of
// each, with the CPU time per read (cpu-ns/op).
func benchWarmHandles(b *testing.B, res formats.Resolver, prop string) {
	var prims [2]formats.PrimHandle
	for k, i := range benchWarmPrims {
		var err error
		if prims[k], err = res.ResolvePrim(primPath(i)); err != nil {
			b.Fatal(err)
		}
	}
	h, err := res.ResolveProperty(prop)
	if err != nil {
		b.Fatal(err)
	}
	var v formats.Value
	for _, p := range prims {
		if err := res.GetHandle(p, h, &v); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	i := 0
	start := cpuNanos()
	for b.Loop() {
		if err := res.GetHandle(prims[i&1], h, &v); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(cpuNanos()-start)/float64(b.N), "cpu-ns/op")
}

// BenchmarkGetHandleTypes times a warm get by handles of a double (cost),
// a double3 (position) and the 1 KB string (payload) on a 10K-prim file,
// every codec (-short: three) and both indexes, alternating between the
// two far-apart prims of BenchmarkGetWarm: every read changes row group.
func BenchmarkGetHandleTypes(b *testing.B) {
	codecs := benchCodecs
	if testing.Short() {
		codecs = []string{"none", "snappy", "zstd"}
	}
	s := sceneSpec{prims: 10000, payload: true, extras: true, seed: 1}
	for _, codec := range codecs {
		path := benchFile(b, s, map[string]any{"compression": codec})
		for _, index := range []string{"eager", "lazy"} {
			r := openScene(b, path, map[string]any{"index": index})
			res, err := formats.Resolve(r)
			if err != nil {
				b.Fatal(err)
			}
			for _, prop := range []string{"cost", "position", "payload"} {
				b.Run(fmt.Sprintf("codec=%s/index=%s/prop=%s", codec, index, prop), func(b *testing.B) {
					benchWarmHandles(b, res, prop)
				})
			}
		}
	}
}

// BenchmarkTraverse times the same traversal as BenchmarkScan made of one
// Get by path per prim (the prims listed untimed), for comparison.
func BenchmarkTraverse(b *testing.B) {
	eachBenchFile(b, func(b *testing.B, path string, s sceneSpec, index string) {
		for _, prop := range benchProps {
			b.Run("prop="+prop, func(b *testing.B) {
				var prims []string
				var sum float64
				var v formats.Value
				timeFreshReaders(b, path, map[string]any{"index": index}, func(r formats.Reader) {
					var err error
					if prims, err = r.Prims(); err != nil {
						b.Fatal(err)
					}
				}, func(r formats.Reader) {
					for _, p := range prims {
						if err := r.Get(p, prop, &v); err != nil {
							b.Fatal(err)
						}
						sum += v.Num + float64(len(v.Str))
					}
				})
				if sum == 0 {
					b.Fatal("traversed nothing")
				}
			})
		}
	})
}

// BenchmarkScan times a one-property traversal: every prim's value in
// layer order, from a freshly opened reader (the open and the resolving of
// handles are not timed), through formats.Scan.
func BenchmarkScan(b *testing.B) {
	eachBenchFile(b, func(b *testing.B, path string, s sceneSpec, index string) {
		for _, prop := range benchProps {
			b.Run("prop="+prop, func(b *testing.B) {
				var res formats.Resolver
				var hs []formats.PropertyHandle
				var sum float64
				timeFreshReaders(b, path, map[string]any{"index": index}, func(r formats.Reader) {
					var err error
					if res, err = formats.Resolve(r); err != nil {
						b.Fatal(err)
					}
					h, err := res.ResolveProperty(prop)
					if err != nil {
						b.Fatal(err)
					}
					hs = []formats.PropertyHandle{h}
				}, func(formats.Reader) {
					err := formats.Scan(res, s.prims, hs, 0, formats.PrimHandle(s.prims), func(_ formats.PrimHandle, vals []formats.Value, has []bool) error {
						if !has[0] {
							return errors.New("a value is missing")
						}
						sum += vals[0].Num + float64(len(vals[0].Str))
						return nil
					})
					if err != nil {
						b.Fatal(err)
					}
				})
				if sum == 0 {
					b.Fatal("scanned nothing")
				}
			})
		}
	})
}

// BenchmarkTraverseWarm times a one-property traversal of a reader whose
// blocks are all decoded (an untimed scan has read them), three ways: a
// scan, one get by handles per prim, and one get by path per prim.
func BenchmarkTraverseWarm(b *testing.B) {
	prims := benchPrims
	if testing.Short() {
		prims = prims[:1]
	}
	for _, n := range prims {
		s := sceneSpec{prims: n, payload: true, seed: 1}
		path := benchFile(b, s, map[string]any{"compression": "none"})
		for _, index := range []string{"eager", "lazy"} {
			r := openScene(b, path, map[string]any{"index": index})
			res := r.(formats.Resolver)
			paths, err := r.Prims()
			if err != nil {
				b.Fatal(err)
			}
			for _, prop := range benchProps {
				h, err := res.ResolveProperty(prop)
				if err != nil {
					b.Fatal(err)
				}
				hs := []formats.PropertyHandle{h}
				var sum float64
				scan := func() {
					err := formats.Scan(res, n, hs, 0, formats.PrimHandle(n), func(_ formats.PrimHandle, vals []formats.Value, has []bool) error {
						sum += vals[0].Num + float64(len(vals[0].Str))
						return nil
					})
					if err != nil {
						b.Fatal(err)
					}
				}
				scan()
				ways := []struct {
					name string
					fn   func()
				}{
					{"scan", scan},
					{"handles", func() {
						var v formats.Value
						for p := range formats.PrimHandle(n) {
							if err := res.GetHandle(p, h, &v); err != nil {
								b.Fatal(err)
							}
							sum += v.Num + float64(len(v.Str))
						}
					}},
					{"gets", func() {
						var v formats.Value
						for _, p := range paths {
							if err := r.Get(p, prop, &v); err != nil {
								b.Fatal(err)
							}
							sum += v.Num + float64(len(v.Str))
						}
					}},
				}
				for _, w := range ways {
					b.Run(fmt.Sprintf("prims=%d/index=%s/prop=%s/how=%s", n, index, prop, w.name), func(b *testing.B) {
						b.ReportAllocs()
						cpu := cpuNanos()
						for b.Loop() {
							w.fn()
						}
						b.ReportMetric(float64(cpuNanos()-cpu)/float64(b.N), "cpu-ns/op")
						b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/prim")
					})
				}
				if sum == 0 {
					b.Fatal("traversed nothing")
				}
			}
		}
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
	cc, err := footerMeta(tb, path).RowGroup(g).ColumnChunk(r.cols[ci].leaf)
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
