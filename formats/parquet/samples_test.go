package parquet

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/formatstest"
)

// animate gives every property of s count time samples from start by step:
// sample k of a row is the default value of row (row+k+1) mod n, so that
// each sample differs from the default and from the others. With blocked,
// a sparse property's sample 1 is blocked (null) on every third prim that
// has a value.
func animate(s *formatstest.Scene, count int, start, step float64, blocked bool) {
	n := len(s.Paths)
	for i := range s.Cols {
		c := &s.Cols[i]
		sm := formats.Samples{Count: count, Start: start + float64(i), Step: step}
		s.Info.Properties[i].Samples = sm
		c.Property.Samples = sm
		c.Samples = make([]formats.Column, count)
		for k := range count {
			sc := rotate(c, (k+1)%n)
			sc.Property = formats.Property{Name: c.Property.Name, Type: c.Property.Type, Length: c.Property.Length, Sparse: c.Property.Sparse}
			if blocked && k == 1 && c.Property.Sparse {
				sc.Present = make([]bool, n)
				for r := range n {
					sc.Present[r] = c.Has(r) && r%3 != 2
				}
			}
			c.Samples[k] = sc
		}
	}
}

// rotate returns a copy of c whose row r holds c's row (r+by) mod n (every
// value slice rotated; Present and Samples left out).
func rotate(c *formats.Column, by int) formats.Column {
	out := formats.Column{}
	src, dst := reflect.ValueOf(c).Elem(), reflect.ValueOf(&out).Elem()
	n := c.Len()
	for f := range src.NumField() {
		name := src.Type().Field(f).Name
		v := src.Field(f)
		if v.Kind() != reflect.Slice || name == "Present" || name == "Samples" || v.Len() == 0 {
			continue
		}
		w := v.Len() / n // Tuples hold Width() values per row
		cp := reflect.MakeSlice(v.Type(), 0, v.Len())
		cp = reflect.AppendSlice(cp, v.Slice(by*w, v.Len()))
		cp = reflect.AppendSlice(cp, v.Slice(0, by*w))
		dst.Field(f).Set(cp)
	}
	return out
}

// verifySamples checks SampleTimes and every GetSample of every (prim,
// property name) against the scene, and that values at times resolve
// through formats.TimeReader to the samples at sample times.
func verifySamples(t *testing.T, s *formatstest.Scene, r formats.Reader) {
	t.Helper()
	res, ok := r.(formats.Resolver)
	if !ok {
		t.Fatal("not a Resolver")
	}
	sam, ok := r.(formats.Sampler)
	if !ok {
		t.Fatal("not a Sampler")
	}
	// The properties are listed once each, without their sample columns.
	var want []formats.Property
	want = append(want, s.Info.Properties...)
	if got := r.Properties(); !reflect.DeepEqual(got, want) {
		t.Fatalf("properties\n got %v\nwant %v", got, want)
	}
	tr := formats.NewTimeReader(res)
	var v, at formats.Value
	checked := 0
	for ci := range s.Cols {
		c := &s.Cols[ci]
		h, err := res.ResolveProperty(c.Property.Name)
		if err != nil {
			t.Fatal(err)
		}
		for row := range s.Paths {
			if !c.Has(row) {
				continue // another column of the name, or none
			}
			ph := formats.PrimHandle(row)
			times, err := sam.SampleTimes(ph, h)
			if err != nil {
				t.Fatalf("%s %s: %v", s.Paths[row], c.Property.Name, err)
			}
			if !slices.Equal(times, c.Property.Samples.Times()) {
				t.Fatalf("%s %s: times %v, want %v", s.Paths[row], c.Property.Name, times, c.Property.Samples.Times())
			}
			for k := range c.Samples {
				sc := &c.Samples[k]
				err := sam.GetSample(ph, h, k, &v)
				if !sc.Has(row) {
					if !errors.Is(err, formats.ErrNoValue) {
						t.Fatalf("%s %s sample %d: blocked, got %v (%v)", s.Paths[row], c.Property.Name, k, v.String(), err)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s %s sample %d: %v", s.Paths[row], c.Property.Name, k, err)
				}
				var w formats.Value
				sc.Value(row, &w)
				if !v.Equal(&w) {
					t.Fatalf("%s %s sample %d = %s, want %s", s.Paths[row], c.Property.Name, k, v.String(), w.String())
				}
				if err := tr.GetAt(ph, h, times[k], &at); err != nil || !at.Equal(&w) {
					t.Fatalf("%s %s at %v = %s (%v), want %s", s.Paths[row], c.Property.Name, times[k], at.String(), err, w.String())
				}
				checked++
			}
			if err := sam.GetSample(ph, h, len(c.Samples), &v); !errors.Is(err, formats.ErrNotFound) {
				t.Fatalf("%s %s sample %d of %d: want ErrNotFound, got %v", s.Paths[row], c.Property.Name, len(c.Samples), len(c.Samples), err)
			}
		}
		// A prim without a value of the name has no samples.
		for row := range s.Paths {
			has := false
			for cj := range s.Cols {
				has = has || s.Cols[cj].Property.Name == c.Property.Name && s.Cols[cj].Has(row)
			}
			if has {
				continue
			}
			if times, err := sam.SampleTimes(formats.PrimHandle(row), h); err != nil || times != nil {
				t.Fatalf("%s %s (no value): times %v, %v", s.Paths[row], c.Property.Name, times, err)
			}
			if err := sam.GetSample(formats.PrimHandle(row), h, 0, &v); !errors.Is(err, formats.ErrNoValue) {
				t.Fatalf("%s %s (no value): sample 0: %v", s.Paths[row], c.Property.Name, err)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no sample checked")
	}
}

// Every sample of every type round-trips through our writer and reader,
// with either index, several row groups, dictionary or not and a budgeted
// cache that evicts; the defaults read as before.
func TestSamplesRoundTrip(t *testing.T) {
	dir := t.TempDir()
	scenes := map[string]*formatstest.Scene{
		"alltypes": formatstest.AllTypes(103, false),
		"extended": formatstest.Extended(103),
	}
	animate(scenes["alltypes"], 4, 1, 1, false)
	animate(scenes["extended"], 3, -2, 0.5, true)
	for name, s := range scenes {
		for _, wopts := range []map[string]any{
			{"row_group_size": 1000},
			{"row_group_size": 25, "compression": "zstd", "dictionary": false},
		} {
			o, err := formats.Normalize(Format{}, wopts)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, fmt.Sprintf("%s-%s.parquet", name, formats.FileKey(Format{}, o)))
			s.Write(t, Format{}, path, o, 40)
			for _, ropts := range []map[string]any{{"index": "eager"}, {"index": "lazy"}, {"index": "lazy", "cache_budget": 4096}} {
				t.Run(fmt.Sprint(name, wopts["row_group_size"], ropts), func(t *testing.T) {
					r := openScene(t, path, ropts)
					s.Verify(t, r)
					verifySamples(t, s, r)
				})
			}
		}
	}
}

// A warm GetSample allocates nothing, as a warm GetHandle does: dense
// columns, sparse ones and a name of two types alike.
func TestGetSampleAllocs(t *testing.T) {
	for name, s := range map[string]*formatstest.Scene{"alltypes": formatstest.AllTypes(50, false), "extended": formatstest.Extended(50)} {
		animate(s, 3, 0, 1, false)
		path := filepath.Join(t.TempDir(), name+".parquet")
		o, _ := formats.Normalize(Format{}, nil)
		s.Write(t, Format{}, path, o, 50)
		for _, idx := range []string{"eager", "lazy"} {
			r := openScene(t, path, map[string]any{"index": idx})
			res, sam := r.(formats.Resolver), r.(formats.Sampler)
			var v formats.Value
			for ci := range s.Cols {
				h, err := res.ResolveProperty(s.Cols[ci].Property.Name)
				if err != nil {
					t.Fatal(err)
				}
				row := 8 // a prim with a value for every property of Extended but the radius pair
				if s.Cols[ci].Property.Name == "radius" {
					row = ci - 19 // prim 0 has the double radius, prim 1 the float one
				}
				p := formats.PrimHandle(row)
				if err := sam.GetSample(p, h, 2, &v); err != nil {
					t.Fatalf("%s %s row %d: %v", idx, s.Cols[ci].Property.Name, row, err)
				}
				if n := testing.AllocsPerRun(100, func() {
					sam.SampleTimes(p, h)
					sam.GetSample(p, h, 2, &v)
				}); n != 0 {
					t.Errorf("%s %s %s: %v allocations per warm GetSample", name, idx, s.Cols[ci].Property.Name, n)
				}
			}
		}
	}
}

// animScene is the scene of examples/time-samples.hcl at n prims: an
// animated double3, float, float[4] and token with count samples each
// (frames 1 to count), and an unanimated double.
func animScene(n, count int) *formatstest.Scene {
	s := formatstest.NewScene(formats.SceneInfo{Schema: "custom", Hierarchy: "flat", Seed: 3, Prims: n, Properties: []formats.Property{
		{Name: "translate", Type: formats.Double3}, {Name: "opacity", Type: formats.Float},
		{Name: "widths", Type: formats.FloatArray, Length: 4}, {Name: "state", Type: formats.Token},
		{Name: "mass", Type: formats.Double},
	}})
	for i := range n {
		r := mix(uint64(i))
		f := float64(r>>11) / (1 << 53)
		s.Paths = append(s.Paths, primPath(i))
		c := s.Cols
		c[0].Vec3d = append(c[0].Vec3d, [3]float64{200*f - 100, 100 - 200*f*f, f})
		c[1].Floats = append(c[1].Floats, float32(f))
		c[2].FloatArrays = append(c[2].FloatArrays, []float32{float32(f), 2 * float32(f), 0.5, float32(1 - f)})
		c[3].Strings = append(c[3].Strings, []string{"idle", "moving", "stopped"}[r%3])
		c[4].Doubles = append(c[4].Doubles, 1+9*f)
	}
	if count > 0 {
		animate(s, count, 1, 1, false)
		for i := range s.Cols[:4] {
			s.Info.Properties[i].Samples.Start = 1
			s.Cols[i].Property.Samples.Start = 1
		}
		s.Info.Properties[4].Samples = formats.Samples{}
		s.Cols[4].Property.Samples = formats.Samples{}
		s.Cols[4].Samples = nil
	}
	return s
}

// BenchmarkSamples measures the wide layout at 10,000 prims (1,000 with
// -short): writing 24 samples of four properties against none (the file
// size as fileMB), then, each from a fresh lazy open, one frame (every
// prim's translate at frame 12: one column chunk per row group) against
// one prim's whole translate curve (24 chunks), and the curve again warm
// through handles. Interleave with -count.
func BenchmarkSamples(b *testing.B) {
	n := 10000
	if testing.Short() {
		n = 1000
	}
	dir := b.TempDir()
	o, _ := formats.Normalize(Format{}, map[string]any{"compression": "zstd"})
	scenes := map[int]*formatstest.Scene{0: animScene(n, 0), 24: animScene(n, 24)}
	for _, count := range []int{0, 24} {
		b.Run(fmt.Sprintf("op=write/samples=%d", count), func(b *testing.B) {
			path := filepath.Join(dir, fmt.Sprintf("w%d.parquet", count))
			for b.Loop() {
				formatstest.WriteFile(b, Format{}, path, o, scenes[count], 1000)
			}
			st, _ := os.Stat(path)
			b.ReportMetric(float64(st.Size())/1e6, "fileMB")
		})
	}
	path := filepath.Join(dir, "anim.parquet")
	formatstest.WriteFile(b, Format{}, path, o, scenes[24], 1000)
	ro, _ := formats.Normalize(Format{}, map[string]any{"index": "lazy"})
	mid := formats.PrimHandle(n / 2)
	read := func(b *testing.B, frame bool) {
		var v formats.Value
		for b.Loop() {
			r, err := Format{}.Open(path, ro)
			if err != nil {
				b.Fatal(err)
			}
			res := r.(formats.Resolver)
			h, _ := res.ResolveProperty("translate")
			tr := formats.NewTimeReader(res)
			if frame {
				for p := range formats.PrimHandle(n) {
					if err := tr.GetAt(p, h, 12, &v); err != nil {
						b.Fatal(err)
					}
				}
			} else {
				for k := range 24 {
					if err := tr.GetAt(mid, h, float64(1+k), &v); err != nil {
						b.Fatal(err)
					}
				}
			}
			r.Close()
		}
	}
	b.Run("op=frame-cold", func(b *testing.B) { read(b, true) })
	b.Run("op=curve-cold", func(b *testing.B) { read(b, false) })
	b.Run("op=curve-warm", func(b *testing.B) {
		r, err := Format{}.Open(path, ro)
		if err != nil {
			b.Fatal(err)
		}
		defer r.Close()
		sam := r.(formats.Sampler)
		var v formats.Value
		for k := range 24 {
			sam.GetSample(mid, 0, k, &v)
		}
		for b.Loop() {
			for k := range 24 {
				if err := sam.GetSample(mid, 0, k, &v); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// Samples read from several goroutines at once, through a cache small
// enough to evict, are the samples written (run with -race).
func TestSamplesConcurrent(t *testing.T) {
	s := formatstest.AllTypes(200, false)
	animate(s, 5, 0, 1, false)
	path := filepath.Join(t.TempDir(), "c.parquet")
	o, _ := formats.Normalize(Format{}, map[string]any{"row_group_size": 30})
	s.Write(t, Format{}, path, o, 100)
	for _, idx := range []string{"eager", "lazy"} {
		r := openScene(t, path, map[string]any{"index": idx, "cache_budget": 8192})
		sam := r.(formats.Sampler)
		errs := make(chan error, 4)
		for g := range 4 {
			go func() {
				var v, w formats.Value
				for i := range 2000 {
					row, ci, k := (i*7+g*13)%200, (i+g)%len(s.Cols), (i/3+g)%5
					if err := sam.GetSample(formats.PrimHandle(row), formats.PropertyHandle(ci), k, &v); err != nil {
						errs <- err
						return
					}
					s.Cols[ci].Samples[k].Value(row, &w)
					if !v.Equal(&w) {
						errs <- fmt.Errorf("%s row %d sample %d = %s, want %s", s.Cols[ci].Property.Name, row, k, v.String(), w.String())
						return
					}
				}
				errs <- nil
			}()
		}
		for range 4 {
			if err := <-errs; err != nil {
				t.Errorf("%s: %v", idx, err)
			}
		}
	}
}

// A blocked sample of a property not declared sparse is refused, not
// written as a value.
func TestBlockedSampleNeedsSparse(t *testing.T) {
	s := formatstest.AllTypes(10, false)
	animate(s, 2, 0, 1, false)
	s.Cols[0].Samples[1].Present = []bool{true, true, true, false, true, true, true, true, true, true}
	path := filepath.Join(t.TempDir(), "b.parquet")
	o, _ := formats.Normalize(Format{}, nil)
	w, err := Format{}.Create(path, o, s.Info)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	err = s.Batches(10, w.Write)
	if err == nil || !strings.Contains(err.Error(), "sample 1 of prim /World/Prim_3 is blocked") || !strings.Contains(err.Error(), path) {
		t.Fatalf("want an error naming the file, sample and prim, got %v", err)
	}
}
