// Package formatstest is the conformance suite every format passes: it writes
// a scene with every property type through a format's Writer, reopens it and
// checks that the Reader returns every value bit for bit, in layer order,
// with clear not-found errors and safe concurrent reads.
package formatstest

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/scenebench/runner/formats"
)

// Scene is an in-memory scene for tests: paths in layer order and one column
// per property.
type Scene struct {
	Info  formats.SceneInfo
	Paths []string
	Cols  []formats.Column
}

// NewScene returns an empty scene with one column per property of info.
func NewScene(info formats.SceneInfo) *Scene {
	s := &Scene{Info: info, Cols: make([]formats.Column, len(info.Properties))}
	for i, p := range info.Properties {
		s.Cols[i].Property = p
	}
	return s
}

// FlatPath is the path of prim i of a flat scene, as the dataset package
// names it.
func FlatPath(i int) string { return "/World/Prim_" + strconv.Itoa(i) }

// AllTypesProperties lists one property of every type, with the array
// lengths AllTypes uses: the columns of AllTypes.
func AllTypesProperties() []formats.Property {
	return []formats.Property{
		{Name: "cost", Type: formats.Double},
		{Name: "ratio", Type: formats.Float},
		{Name: "lifespan", Type: formats.Int},
		{Name: "serial", Type: formats.Int64},
		{Name: "is_active", Type: formats.Bool},
		{Name: "supplier_id", Type: formats.String},
		{Name: "kind", Type: formats.Token},
		{Name: "color", Type: formats.Float3},
		{Name: "position", Type: formats.Double3},
		{Name: "samples", Type: formats.DoubleArray, Length: 4},
		{Name: "weights", Type: formats.FloatArray, Length: 3},
		{Name: "ids", Type: formats.IntArray, Length: 20},
		{Name: "points", Type: formats.Float3Array, Length: 2},
	}
}

// Building20 lists the properties of the benchmark schema building20 (15
// doubles, an int, a bool, three strings), plus the 1,000-character string
// payload when payload is set: the shape of the scenes the runner
// generates, for format tests that build their own values.
func Building20(payload bool) []formats.Property {
	var props []formats.Property
	for _, name := range []string{"cost", "carbon_A1", "carbon_A2", "carbon_A3", "carbon_A4", "carbon_A5",
		"weight", "temperature", "pressure", "velocity_x", "velocity_y", "velocity_z", "stress", "strain", "efficiency"} {
		props = append(props, formats.Property{Name: name, Type: formats.Double})
	}
	props = append(props,
		formats.Property{Name: "lifespan", Type: formats.Int},
		formats.Property{Name: "is_active", Type: formats.Bool},
		formats.Property{Name: "supplier_id", Type: formats.String},
		formats.Property{Name: "material_code", Type: formats.String},
		formats.Property{Name: "install_date", Type: formats.String})
	if payload {
		props = append(props, formats.Property{Name: "payload", Type: formats.String})
	}
	return props
}

// AllTypes builds a scene of n prims (flat when deep is false, otherwise
// nested two levels below /World) with one property of every type, including
// awkward values: negative zero, tiny and huge doubles, empty strings and
// arrays, non-ASCII text.
func AllTypes(n int, deep bool) *Scene {
	s := NewScene(formats.SceneInfo{Schema: "custom", Hierarchy: "flat", Seed: 7, Prims: n, Properties: AllTypesProperties()})
	if deep {
		s.Info.Hierarchy = "deep"
	}
	specials := []float64{0, math.Copysign(0, -1), 1e-300, 1.5, 0.1, -1e300, 123456.789}
	for i := 0; i < n; i++ {
		if deep {
			s.Paths = append(s.Paths, fmt.Sprintf("/World/Zone_%d/Room_%d/Item_%d", i/50, (i/10)%5, i))
		} else {
			s.Paths = append(s.Paths, FlatPath(i))
		}
		f := float64(i)
		c := s.Cols
		c[0].Doubles = append(c[0].Doubles, specials[i%len(specials)]+f*0.001)
		c[1].Floats = append(c[1].Floats, float32(f)*0.25-3)
		c[2].Ints = append(c[2].Ints, int32(i%50)-25)
		c[3].Int64s = append(c[3].Int64s, int64(i)*(1<<33)-5)
		c[4].Bools = append(c[4].Bools, i%3 == 0)
		str := fmt.Sprintf("SUP-%04d", i%10000)
		switch i % 5 {
		case 3:
			str = ""
		case 4:
			str = "naïve \"quoted\" \\ line\nbreak"
		}
		c[5].Strings = append(c[5].Strings, str)
		c[6].Strings = append(c[6].Strings, []string{"steel", "wood", "glass"}[i%3])
		c[7].Vec3f = append(c[7].Vec3f, [3]float32{float32(f), 0.5, -float32(f) / 3})
		c[8].Vec3d = append(c[8].Vec3d, [3]float64{f, 0.1, -f / 3})
		var da []float64
		for j := 0; j < i%5; j++ {
			da = append(da, f+float64(j)/7)
		}
		c[9].DoubleArrays = append(c[9].DoubleArrays, da)
		c[10].FloatArrays = append(c[10].FloatArrays, []float32{float32(f), 1, 2})
		ia := make([]int32, 20)
		for j := range ia {
			ia[j] = int32(i*20 + j)
		}
		c[11].IntArrays = append(c[11].IntArrays, ia)
		c[12].Vec3fArrays = append(c[12].Vec3fArrays, [][3]float32{{1, 2, 3}, {float32(f), 5, 6}})
	}
	return s
}

// ExtendedProperties lists the properties of Extended: one of every type
// added for imported scenes, a sparse double, and "radius", a double on
// some prims and a float on others (two sparse columns of one name).
func ExtendedProperties() []formats.Property {
	return []formats.Property{
		{Name: "h", Type: formats.Half},
		{Name: "ha", Type: formats.HalfArray},
		{Name: "ta", Type: formats.TokenArray},
		{Name: "sa", Type: formats.StringArray},
		{Name: "ba", Type: formats.BoolArray},
		{Name: "i64a", Type: formats.Int64Array},
		{Name: "d2", Type: formats.Double2},
		{Name: "d4", Type: formats.Double4},
		{Name: "f2", Type: formats.Float2},
		{Name: "f4", Type: formats.Float4},
		{Name: "i2", Type: formats.Int2},
		{Name: "i3", Type: formats.Int3},
		{Name: "i4", Type: formats.Int4},
		{Name: "m", Type: formats.Matrix4d},
		{Name: "q", Type: formats.Quatf},
		{Name: "qd", Type: formats.Quatd},
		{Name: "tex", Type: formats.Asset},
		{Name: "st", Type: formats.Float2Array},
		{Name: "opt", Type: formats.Double, Sparse: true},
		{Name: "radius", Type: formats.Double, Sparse: true},
		{Name: "radius", Type: formats.Float, Sparse: true},
	}
}

// Extended builds a scene of n prims (nested under /World/Group_<k>) with
// the properties of ExtendedProperties: the types added for imported
// scenes with awkward values (negative zero, empty arrays, quotes, an @ in
// an asset path), a sparse property present on two prims in three, and a
// name that is a double on every fourth prim, a float on the next and
// absent on the other two.
func Extended(n int) *Scene {
	s := NewScene(formats.SceneInfo{Schema: "custom", Hierarchy: "deep", Seed: 9, Prims: n, Properties: ExtendedProperties()})
	for i := range s.Cols {
		if s.Cols[i].Property.Sparse {
			s.Cols[i].Present = []bool{}
		}
	}
	half := func(f float32) uint16 { return formats.HalfFromFloat32(f) }
	for i := 0; i < n; i++ {
		s.Paths = append(s.Paths, fmt.Sprintf("/World/Group_%d/Item_%d", i/10, i))
		f := float64(i)
		c := s.Cols
		c[0].Halfs = append(c[0].Halfs, half(float32(f)*0.1-2))
		ha := []uint16{half(0.1), half(float32(-f)), half(65504)}
		if i%4 == 3 {
			ha = []uint16{}
		}
		c[1].HalfArrays = append(c[1].HalfArrays, ha)
		c[2].StringArrays = append(c[2].StringArrays, []string{"xformOp:translate", "xformOp:rotateXYZ"}[:i%3])
		c[3].StringArrays = append(c[3].StringArrays, []string{fmt.Sprintf("s%d", i), `q"uote`, "naïve"})
		c[4].BoolArrays = append(c[4].BoolArrays, []bool{i%2 == 0, true, false}[:1+i%3])
		c[5].Int64Arrays = append(c[5].Int64Arrays, []int64{int64(i) << 35, -1})
		c[6].Tuples = append(c[6].Tuples, f, 0.1)
		c[7].Tuples = append(c[7].Tuples, f, -0.5, math.Copysign(0, -1), 1e300)
		c[8].Tuples = append(c[8].Tuples, float64(float32(f)*0.5), float64(float32(0.1)))
		c[9].Tuples = append(c[9].Tuples, 1, 0.25, float64(float32(f)/3), -2)
		c[10].Tuples = append(c[10].Tuples, f, -f)
		c[11].Tuples = append(c[11].Tuples, f, 1<<30, -7)
		c[12].Tuples = append(c[12].Tuples, 1, 2, 3, f)
		m := [16]float64{1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, f, 0.1, -3, 1}
		c[13].Tuples = append(c[13].Tuples, m[:]...)
		c[14].Tuples = append(c[14].Tuples, 1, 0, float64(float32(0.1)), float64(float32(f)))
		c[15].Tuples = append(c[15].Tuples, 0.5, 0.1, 0.2, f)
		asset := fmt.Sprintf("textures/wood_%d.png", i)
		if i%5 == 1 {
			asset = "models/a@b.usd"
		}
		c[16].Strings = append(c[16].Strings, asset)
		st := []float32{0, 1, float32(f) * 0.1, 0.5}
		if i%6 == 5 {
			st = []float32{}
		}
		c[17].FloatArrays = append(c[17].FloatArrays, st)
		c[18].Doubles = append(c[18].Doubles, f+0.5)
		c[18].Present = append(c[18].Present, i%3 != 0)
		c[19].Doubles = append(c[19].Doubles, 1.5+f)
		c[19].Present = append(c[19].Present, i%4 == 0)
		c[20].Floats = append(c[20].Floats, float32(f)*0.3)
		c[20].Present = append(c[20].Present, i%4 == 1)
	}
	return s
}

// A Source yields a scene in batches: an in-memory Scene, or a generator
// of a format's own tests that streams scenes too large to hold.
type Source interface {
	SceneInfo() formats.SceneInfo
	// Batches calls yield with the scene's prims in layer order, at most
	// size at a time, and stops at yield's first error.
	Batches(size int, yield func(*formats.Batch) error) error
}

// WriteFile writes src through f to path in batches of batchSize prims.
func WriteFile(t testing.TB, f formats.Format, path string, opts formats.Options, src Source, batchSize int) {
	t.Helper()
	w, err := f.Create(path, opts, src.SceneInfo())
	if err != nil {
		t.Fatalf("create %s: %v", path, err)
	}
	if err := src.Batches(batchSize, w.Write); err != nil {
		t.Fatalf("write %s: %v", path, err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("close %s: %v", path, err)
	}
}

// Write writes the scene through f in batches of batchSize prims.
func (s *Scene) Write(t testing.TB, f formats.Format, path string, opts formats.Options, batchSize int) {
	t.Helper()
	WriteFile(t, f, path, opts, s, batchSize)
}

// SceneInfo implements Source.
func (s *Scene) SceneInfo() formats.SceneInfo { return s.Info }

// Batches implements Source: each batch shares the scene's memory.
func (s *Scene) Batches(size int, yield func(*formats.Batch) error) error {
	for lo := 0; lo < len(s.Paths); lo += size {
		hi := min(lo+size, len(s.Paths))
		b := &formats.Batch{Paths: s.Paths[lo:hi]}
		for i := range s.Cols {
			b.Columns = append(b.Columns, s.Cols[i].Slice(lo, hi))
		}
		if err := yield(b); err != nil {
			return err
		}
	}
	return nil
}

// sparse reports whether some prim lacks some property.
func (s *Scene) sparse() bool {
	for _, p := range s.Info.Properties {
		if p.Sparse {
			return true
		}
	}
	return false
}

// Verify checks that r returns exactly the scene: properties, prims in layer
// order and every value; a prim without a value for a property must give
// ErrNoValue. The properties of a scene with sparse ones may come in
// another order (a format without a scene description lists them as its
// prims declare them).
func (s *Scene) Verify(t testing.TB, r formats.Reader) {
	t.Helper()
	got := r.Properties()
	if len(got) != len(s.Info.Properties) {
		t.Fatalf("reader has %d properties %v, scene %d", len(got), got, len(s.Info.Properties))
	}
	if s.sparse() {
		want := map[[2]string]bool{}
		for _, p := range s.Info.Properties {
			want[[2]string{p.Name, p.Type.String()}] = true
		}
		for _, p := range got {
			if !want[[2]string{p.Name, p.Type.String()}] {
				t.Errorf("reader lists property %s %s, which the scene does not have", p.Type, p.Name)
			}
		}
	} else {
		for i, p := range s.Info.Properties {
			if got[i].Name != p.Name || got[i].Type != p.Type {
				t.Errorf("property %d: got %s %s, want %s %s", i, got[i].Type, got[i].Name, p.Type, p.Name)
			}
		}
	}
	prims, err := r.Prims()
	if err != nil {
		t.Fatalf("Prims: %v", err)
	}
	if len(prims) != len(s.Paths) {
		t.Fatalf("reader lists %d prims, scene has %d", len(prims), len(s.Paths))
	}
	for i := range prims {
		if prims[i] != s.Paths[i] {
			t.Fatalf("prim %d is %s, want %s (layer order)", i, prims[i], s.Paths[i])
		}
	}
	var v, want formats.Value
	bad := 0
	for i, p := range s.Paths {
		for c := range s.Cols {
			col := &s.Cols[c]
			if !col.Has(i) {
				if s.hasName(i, col.Property.Name) {
					continue // the prim's value of this name is another column's
				}
				if err := r.Get(p, col.Property.Name, &v); !errors.Is(err, formats.ErrNoValue) {
					t.Errorf("Get(%s, %s) of a prim without the property: %v (%s), want a no-value error", p, col.Property.Name, err, v.String())
				}
				continue
			}
			if err := r.Get(p, col.Property.Name, &v); err != nil {
				t.Fatalf("Get(%s, %s): %v", p, col.Property.Name, err)
			}
			col.Value(i, &want)
			if !v.Equal(&want) {
				t.Errorf("Get(%s, %s) = %s %s, want %s %s", p, col.Property.Name, v.Type, v.String(), want.Type, want.String())
				if bad++; bad > 10 {
					t.Fatal("too many mismatches")
				}
			}
		}
	}
}

// hasName reports whether prim i has a value of the named property in
// any column.
func (s *Scene) hasName(i int, name string) bool {
	for c := range s.Cols {
		if s.Cols[c].Property.Name == name && s.Cols[c].Has(i) {
			return true
		}
	}
	return false
}

// VerifyErrors checks that unknown prims and properties give NotFound errors.
func (s *Scene) VerifyErrors(t testing.TB, r formats.Reader) {
	t.Helper()
	var v formats.Value
	if err := r.Get("/World/NoSuchPrim", s.Info.Properties[0].Name, &v); !errors.Is(err, formats.ErrNotFound) {
		t.Errorf("unknown prim: err = %v, want a not-found error", err)
	}
	if err := r.Get(s.Paths[0], "no_such_property", &v); !errors.Is(err, formats.ErrNotFound) {
		t.Errorf("unknown property: err = %v, want a not-found error", err)
	}
}

// VerifyConcurrent reads every value from several goroutines at once.
func (s *Scene) VerifyConcurrent(t testing.TB, r formats.Reader, goroutines int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			var v, want formats.Value
			for k := range s.Paths {
				i := (k*7 + g*13) % len(s.Paths)
				col := &s.Cols[(k+g)%len(s.Cols)]
				if !col.Has(i) {
					continue
				}
				if err := r.Get(s.Paths[i], col.Property.Name, &v); err != nil {
					errs <- err
					return
				}
				col.Value(i, &want)
				if !v.Equal(&want) {
					errs <- fmt.Errorf("concurrent Get(%s, %s) = %s, want %s", s.Paths[i], col.Property.Name, v.String(), want.String())
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// VerifyHandles checks a reader's handles (its own Resolver, or the one
// formats.Resolve builds): every read by handles and every scan, whole and
// in ranges, gives what Get gives; bad handles and names give not-found
// errors; a warm read by handles of a reader that resolves them itself
// allocates nothing.
func (s *Scene) VerifyHandles(t testing.TB, r formats.Reader) {
	t.Helper()
	res, err := formats.Resolve(r)
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	var names []string
	var hs []formats.PropertyHandle
	seen := map[string]bool{}
	for _, p := range r.Properties() {
		if seen[p.Name] {
			continue
		}
		seen[p.Name] = true
		h, err := res.ResolveProperty(p.Name)
		if err != nil {
			t.Fatalf("ResolveProperty(%s): %v", p.Name, err)
		}
		names, hs = append(names, p.Name), append(hs, h)
	}
	if n, err := formats.PrimCount(r); err != nil || n != len(s.Paths) {
		t.Errorf("PrimCount = %d, %v; want %d", n, err, len(s.Paths))
	}
	if _, err := res.ResolveProperty("no_such_property"); !errors.Is(err, formats.ErrNotFound) {
		t.Errorf("ResolveProperty of an unknown name: err = %v, want a not-found error", err)
	}
	if _, err := res.ResolvePrim("/World/NoSuchPrim"); !errors.Is(err, formats.ErrNotFound) {
		t.Errorf("ResolvePrim of an unknown prim: err = %v, want a not-found error", err)
	}
	var v, want formats.Value
	if err := res.GetHandle(formats.PrimHandle(len(s.Paths)), hs[0], &v); !errors.Is(err, formats.ErrNotFound) {
		t.Errorf("GetHandle of a prim handle out of range: err = %v, want a not-found error", err)
	}
	if err := res.GetHandle(-1, hs[0], &v); !errors.Is(err, formats.ErrNotFound) {
		t.Errorf("GetHandle of a negative prim handle: err = %v, want a not-found error", err)
	}
	// Every read by handles is Get's.
	check := func(i int, j int, got *formats.Value, gotErr error) {
		t.Helper()
		wantErr := r.Get(s.Paths[i], names[j], &want)
		switch {
		case (gotErr == nil) != (wantErr == nil) || (gotErr != nil && errors.Is(gotErr, formats.ErrNoValue) != errors.Is(wantErr, formats.ErrNoValue)):
			t.Fatalf("%s %s by handles: err = %v, Get's %v", s.Paths[i], names[j], gotErr, wantErr)
		case gotErr == nil && !got.Equal(&want):
			t.Fatalf("%s %s by handles = %s %s, Get's %s %s", s.Paths[i], names[j], got.Type, got.String(), want.Type, want.String())
		}
	}
	for i, p := range s.Paths {
		ph, err := res.ResolvePrim(p)
		if err != nil {
			t.Fatalf("ResolvePrim(%s): %v", p, err)
		}
		if int(ph) != i {
			t.Fatalf("ResolvePrim(%s) = %d, want %d (its index in layer order)", p, ph, i)
		}
		for j, h := range hs {
			err := res.GetHandle(ph, h, &v)
			check(i, j, &v, err)
		}
	}
	// Scans: the whole scene and a range inside it.
	for _, rng := range [][2]int{{0, len(s.Paths)}, {len(s.Paths) / 3, len(s.Paths) / 3 * 2}, {1, 1}} {
		next := rng[0]
		err := formats.Scan(res, len(s.Paths), hs, formats.PrimHandle(rng[0]), formats.PrimHandle(rng[1]), func(p formats.PrimHandle, vals []formats.Value, has []bool) error {
			if int(p) != next {
				return fmt.Errorf("scan visited prim %d, want %d (layer order)", p, next)
			}
			next++
			for j := range hs {
				var err error
				if !has[j] {
					err = formats.ErrNoValue
				}
				check(int(p), j, &vals[j], err)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("scan of %v: %v", rng, err)
		}
		if next != rng[1] {
			t.Fatalf("scan of %v stopped at prim %d", rng, next)
		}
	}
	stop := errors.New("stop")
	if err := formats.Scan(res, len(s.Paths), hs, 0, formats.PrimHandle(len(s.Paths)), func(formats.PrimHandle, []formats.Value, []bool) error { return stop }); err != stop {
		t.Errorf("scan returned %v, want fn's error as it is", err)
	}
	if err := formats.Scan(res, len(s.Paths), hs, 0, formats.PrimHandle(len(s.Paths)+1), func(formats.PrimHandle, []formats.Value, []bool) error { return nil }); err == nil {
		t.Error("a scan past the last prim was accepted")
	}
	// A warm read by a reader's own handles allocates nothing.
	if _, own := r.(formats.Resolver); own {
		for j, h := range hs {
			if s.Cols[j].Has(0) && s.Cols[j].Property.Name == names[j] {
				if err := res.GetHandle(0, h, &v); err != nil {
					t.Fatal(err)
				}
				if n := testing.AllocsPerRun(100, func() { _ = res.GetHandle(0, h, &v) }); n != 0 {
					t.Errorf("a warm GetHandle of %s allocates %.1f times per read", names[j], n)
				}
			}
		}
	}
}

// Run is the whole conformance suite for one format and option set.
func Run(t *testing.T, f formats.Format, opts map[string]any) {
	norm, err := formats.Normalize(f, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"flat", "deep", "extended"} {
		t.Run(name, func(t *testing.T) {
			var s *Scene
			switch name {
			case "extended":
				s = Extended(157)
			default:
				s = AllTypes(257, name == "deep")
			}
			path := filepath.Join(t.TempDir(), "scene"+f.Extension())
			s.Write(t, f, path, norm, 100)
			r, err := f.Open(path, norm)
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			defer r.Close()
			s.Verify(t, r)
			s.VerifyErrors(t, r)
			s.VerifyConcurrent(t, r, 4)
			s.VerifyHandles(t, r)
		})
	}
}
