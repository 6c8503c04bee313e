package parquet

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
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

// A warm GetSample allocates nothing, as a warm GetHandle does.
func TestGetSampleAllocs(t *testing.T) {
	s := formatstest.AllTypes(50, false)
	animate(s, 3, 0, 1, false)
	path := filepath.Join(t.TempDir(), "a.parquet")
	o, _ := formats.Normalize(Format{}, nil)
	s.Write(t, Format{}, path, o, 50)
	for _, idx := range []string{"eager", "lazy"} {
		r := openScene(t, path, map[string]any{"index": idx})
		sam := r.(formats.Sampler)
		var v formats.Value
		for ci := range s.Cols {
			h := formats.PropertyHandle(ci)
			if err := sam.GetSample(7, h, 2, &v); err != nil {
				t.Fatal(err)
			}
			if n := testing.AllocsPerRun(100, func() {
				sam.SampleTimes(7, h)
				sam.GetSample(7, h, 2, &v)
			}); n != 0 {
				t.Errorf("%s %s: %v allocations per warm GetSample", idx, s.Cols[ci].Property.Name, n)
			}
		}
	}
}
