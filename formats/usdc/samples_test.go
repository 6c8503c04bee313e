package usdc

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/formatstest"
	"github.com/scenebench/runner/internal/testenv"
)

// animProps are animated properties of the types OpenUSD interpolates
// (float, double, their vectors and arrays) and of types it holds, with
// different times, beside a still property.
var animProps = []formats.Property{
	{Name: "cost", Type: formats.Double, Samples: formats.Samples{Count: 5, Start: 1, Step: 1}},
	{Name: "ratio", Type: formats.Float, Samples: formats.Samples{Count: 4, Start: -2, Step: 0.5}},
	{Name: "still", Type: formats.Double},
	{Name: "xform", Type: formats.Double3, Samples: formats.Samples{Count: 5, Start: 1, Step: 1}},
	{Name: "color", Type: formats.Float3, Samples: formats.Samples{Count: 3, Start: 0.25, Step: 2.5}},
	{Name: "count", Type: formats.Int, Samples: formats.Samples{Count: 3, Start: 1, Step: 1}},
	{Name: "kind", Type: formats.Token, Samples: formats.Samples{Count: 3, Start: 1, Step: 1}},
	{Name: "label", Type: formats.String, Samples: formats.Samples{Count: 2, Start: 10, Step: 5}},
	{Name: "on", Type: formats.Bool, Samples: formats.Samples{Count: 2, Start: 1, Step: 1}},
	{Name: "curve", Type: formats.DoubleArray, Samples: formats.Samples{Count: 4, Start: 1, Step: 1}},
	{Name: "weights", Type: formats.FloatArray, Samples: formats.Samples{Count: 3, Start: 1, Step: 0.75}},
	{Name: "ids", Type: formats.IntArray, Samples: formats.Samples{Count: 2, Start: 1, Step: 1}},
	{Name: "points", Type: formats.Float3Array, Samples: formats.Samples{Count: 3, Start: 1, Step: 1}},
	{Name: "one", Type: formats.Double, Samples: formats.Samples{Count: 1, Start: 7}},
	// Times whose spacing is not exactly the step.
	{Name: "fine", Type: formats.Double, Samples: formats.Samples{Count: 24, Start: 1, Step: 0.1}},
}

// animPropsMore adds the other types OpenUSD interpolates: half, float
// and double vectors of 2 and 4, quaternions (slerp), matrix4d, half[]
// and float2[].
var animPropsMore = append(slicesCloneProps(animProps),
	formats.Property{Name: "h", Type: formats.Half, Samples: formats.Samples{Count: 3, Start: 1, Step: 1}},
	formats.Property{Name: "d2", Type: formats.Double2, Samples: formats.Samples{Count: 3, Start: 1, Step: 1}},
	formats.Property{Name: "f4", Type: formats.Float4, Samples: formats.Samples{Count: 3, Start: 1, Step: 2}},
	formats.Property{Name: "qf", Type: formats.Quatf, Samples: formats.Samples{Count: 4, Start: 1, Step: 1}},
	formats.Property{Name: "qd", Type: formats.Quatd, Samples: formats.Samples{Count: 4, Start: 1, Step: 1}},
	formats.Property{Name: "m", Type: formats.Matrix4d, Samples: formats.Samples{Count: 3, Start: 1, Step: 1}},
	formats.Property{Name: "ha", Type: formats.HalfArray, Samples: formats.Samples{Count: 3, Start: 1, Step: 1}},
	formats.Property{Name: "f2a", Type: formats.Float2Array, Samples: formats.Samples{Count: 3, Start: 1, Step: 1}},
)

// animScene generates n prims of props with time samples, in batches.
// With sparse set, every third prim lacks the sparse properties.
type animScene struct {
	hier  string
	n     int
	props []formats.Property
	seed  uint64
}

// SceneInfo implements formatstest.Source.
func (s animScene) SceneInfo() formats.SceneInfo {
	return formats.SceneInfo{Schema: "custom", Hierarchy: s.hier, Seed: s.seed, Prims: s.n, Properties: s.props}
}

// Batches implements formatstest.Source: defaults as appendRandom makes
// them; samples that drift from one time to the next, arrays keeping one
// length per prim (so that OpenUSD interpolates them) except where a
// prim's arrays change length (so that it holds them).
func (s animScene) Batches(size int, yield func(*formats.Batch) error) error {
	rng := rand.New(rand.NewPCG(s.seed, 11))
	for i := 0; i < s.n; {
		b := formats.NewBatch(s.props, size)
		for ; i < s.n && b.Len() < size; i++ {
			b.Paths = append(b.Paths, primPath(s.hier, i))
			for c := range b.Columns {
				col := &b.Columns[c]
				has := !col.Property.Sparse || i%3 != 0
				if col.Property.Sparse {
					if col.Present == nil {
						col.Present = make([]bool, b.Len()-1, size)
						for r := range col.Present {
							col.Present[r] = (i-b.Len()+1+r)%3 != 0
						}
					}
					col.Present = append(col.Present, has)
				}
				if col.Property.Type > formats.Float3Array {
					appendSample(rng, col, i, 7) // a default of another type
				} else {
					appendRandom(rng, col, i)
				}
				for k := range col.Samples {
					appendSample(rng, &col.Samples[k], i, k)
				}
			}
		}
		if err := yield(b); err != nil {
			return err
		}
	}
	return nil
}

// appendSample adds prim i's value at sample k.
func appendSample(rng *rand.Rand, c *formats.Column, i, k int) {
	// Never 0, whose negation, -0, OpenUSD inlines in a re-save as +0
	// (CRATE-NOTES.md, item 2).
	x := 0.125 + float64(i)/3 + float64(k)*rng.Float64()
	n := 3 + i%4*6 // 3 to 21 elements: raw and compressed arrays
	if i%5 == 4 {
		n += k // lengths differ between samples
	}
	switch c.Property.Type {
	case formats.Double:
		c.Doubles = append(c.Doubles, x*1.1)
	case formats.Float:
		c.Floats = append(c.Floats, float32(x*0.7))
	case formats.Double3:
		c.Vec3d = append(c.Vec3d, [3]float64{x, -x / 3, float64(k)})
	case formats.Float3:
		c.Vec3f = append(c.Vec3f, [3]float32{float32(x), float32(k) * 2.5, -float32(x) / 7})
	case formats.Int:
		c.Ints = append(c.Ints, int32(k*10-i))
	case formats.Token:
		c.Strings = append(c.Strings, []string{"alpha", "beta", "gamma"}[(i+k)%3])
	case formats.String:
		c.Strings = append(c.Strings, "s"+strconv.Itoa(i*10+k))
	case formats.Bool:
		c.Bools = append(c.Bools, (i+k)%2 == 0)
	case formats.DoubleArray:
		v := make([]float64, n)
		for j := range v {
			v[j] = x + float64(j)/9
		}
		c.DoubleArrays = append(c.DoubleArrays, v)
	case formats.FloatArray:
		v := make([]float32, n)
		for j := range v {
			v[j] = float32(x) * float32(j)
		}
		c.FloatArrays = append(c.FloatArrays, v)
	case formats.IntArray:
		v := make([]int32, n)
		for j := range v {
			v[j] = int32(i*j - k)
		}
		c.IntArrays = append(c.IntArrays, v)
	case formats.Float3Array:
		v := make([][3]float32, n%5+1)
		for j := range v {
			v[j] = [3]float32{float32(x), float32(j), -float32(x) * float32(j)}
		}
		c.Vec3fArrays = append(c.Vec3fArrays, v)
	case formats.Half:
		c.Halfs = append(c.Halfs, formats.HalfBits(x*0.3))
	case formats.Double2:
		c.Tuples = append(c.Tuples, x, -x/5)
	case formats.Float4:
		c.Tuples = append(c.Tuples, f32(x), f32(x/3), 1, f32(-x*1.7))
	case formats.Quatf, formats.Quatd:
		// A rotation of angle x about a tilted axis; some prims' next
		// sample is the negated quaternion (the same rotation), which
		// slerp takes the short way to.
		h := x / 2
		q := []float64{math.Cos(h), math.Sin(h) * 0.6, math.Sin(h) * 0.8, 0}
		if i%3 == 0 && k%2 == 1 {
			for j := range q {
				q[j] = -q[j]
			}
		}
		if c.Property.Type == formats.Quatf {
			for j := range q {
				q[j] = f32(q[j])
			}
		}
		c.Tuples = append(c.Tuples, q...)
	case formats.Matrix4d:
		cs, sn := math.Cos(x), math.Sin(x)
		c.Tuples = append(c.Tuples, cs, sn, 0, 0, -sn, cs, 0, 0, 0, 0, 1, 0, x, -x/3, float64(k), 1)
	case formats.HalfArray:
		v := make([]uint16, n)
		for j := range v {
			v[j] = formats.HalfBits(x * float64(j) / 4)
		}
		c.HalfArrays = append(c.HalfArrays, v)
	case formats.Float2Array:
		v := make([]float32, 2*(n%6+1))
		for j := range v {
			v[j] = float32(x) / float32(j+1)
		}
		c.FloatArrays = append(c.FloatArrays, v)
	default:
		panic("no samples of " + c.Property.Type.String())
	}
}

// f32 rounds x to a float.
func f32(x float64) float64 { return float64(float32(x)) }

func writeAnim(t testing.TB, dir string, s animScene, opts formats.Options, batch int) string {
	t.Helper()
	path := filepath.Join(dir, fmt.Sprintf("anim_%s_%d.usdc", s.hier, s.n))
	full, err := formats.Normalize(Format{}, opts)
	if err != nil {
		t.Fatal(err)
	}
	formatstest.WriteFile(t, Format{}, path, full, s, batch)
	return path
}

// TestTimeSamplesRoundTrip: every default and every time sample of every
// prim reads back bit for bit, with the property's times, through our
// reader's Sampler.
func TestTimeSamplesRoundTrip(t *testing.T) {
	sparse := slicesCloneProps(animProps)
	sparse[0].Sparse, sparse[9].Sparse = true, true
	cases := []struct {
		name  string
		scene animScene
		opts  formats.Options
		batch int
	}{
		{"flat", animScene{"flat", 120, animProps, 1}, nil, 50},
		{"deep uncompressed", animScene{"deep", 90, animProps, 2}, formats.Options{"compress": false}, 1000},
		{"one prim a batch", animScene{"flat", 7, animProps, 3}, nil, 1},
		{"sparse", animScene{"flat", 60, sparse, 4}, nil, 25},
		{"more types", animScene{"flat", 50, animPropsMore, 7}, nil, 20},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := writeAnim(t, t.TempDir(), tc.scene, tc.opts, tc.batch)
			r, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			compareSamples(t, r, tc.scene)
		})
	}
}

func slicesCloneProps(p []formats.Property) []formats.Property {
	return append([]formats.Property(nil), p...)
}

// compareSamples checks r against the scene: properties with their
// Samples, each prim's default and every sample.
func compareSamples(t *testing.T, r *Reader, s animScene) {
	t.Helper()
	props := r.Properties()
	if len(props) != len(s.props) {
		t.Fatalf("%d properties, want %d", len(props), len(s.props))
	}
	// A sparse scene's properties come in the order prims declare them.
	byName := map[string]formats.Property{}
	for _, p := range props {
		byName[p.Name] = p
	}
	handles := make([]formats.PropertyHandle, len(s.props))
	for c, p := range s.props {
		// Samples describes the same times; its Step may differ in the
		// last bits.
		got := byName[p.Name]
		if got.Type != p.Type || !reflect.DeepEqual(got.Samples.Times(), p.Samples.Times()) || got.Sparse != p.Sparse {
			t.Errorf("property %s is %+v, want %+v", p.Name, got, p)
		}
		var err error
		if handles[c], err = r.ResolveProperty(p.Name); err != nil {
			t.Fatal(err)
		}
	}
	var got, want formats.Value
	bad, k := 0, 0
	err := s.Batches(1000, func(b *formats.Batch) error {
		for i, path := range b.Paths {
			ph, err := r.ResolvePrim(path)
			if err != nil {
				return err
			}
			if int(ph) != k {
				return fmt.Errorf("prim %s has handle %d, want %d", path, ph, k)
			}
			k++
			for c := range b.Columns {
				col := &b.Columns[c]
				times, err := r.SampleTimes(ph, handles[c])
				if !col.Has(i) {
					if !errors.Is(err, formats.ErrNoValue) {
						t.Errorf("%s.%s: SampleTimes of a missing value: %v", path, col.Property.Name, err)
					}
					continue
				}
				if err != nil {
					return err
				}
				if !reflect.DeepEqual(times, col.Property.Samples.Times()) {
					t.Errorf("%s.%s: times %v, want %v", path, col.Property.Name, times, col.Property.Samples.Times())
				}
				if err := r.GetHandle(ph, handles[c], &got); err != nil {
					return err
				}
				col.Value(i, &want)
				if !got.Equal(&want) {
					bad++
					t.Errorf("%s.%s default = %s, want %s", path, col.Property.Name, got.String(), want.String())
				}
				for k := range col.Samples {
					if err := r.GetSample(ph, handles[c], k, &got); err != nil {
						return err
					}
					col.Samples[k].Value(i, &want)
					if !got.Equal(&want) {
						if bad++; bad <= 5 {
							t.Errorf("%s.%s sample %d = %s %s, want %s %s", path, col.Property.Name, k, got.Type, got.String(), want.Type, want.String())
						}
					}
				}
				if err := r.GetSample(ph, handles[c], len(col.Samples), &got); err == nil {
					t.Errorf("%s.%s: sample %d of %d read", path, col.Property.Name, len(col.Samples), len(col.Samples))
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if bad > 0 {
		t.Fatalf("%d values differ", bad)
	}
}

// TestGetSampleAllocs: a warm GetSample allocates nothing, like
// GetHandle, for scalars, vectors and arrays read into a reused Value.
func TestGetSampleAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	path := writeAnim(t, t.TempDir(), animScene{"flat", 30, animProps, 5}, nil, 100)
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, name := range []string{"cost", "xform", "curve", "weights", "points", "kind"} {
		h, err := r.ResolveProperty(name)
		if err != nil {
			t.Fatal(err)
		}
		var v formats.Value
		prim := formats.PrimHandle(13)
		if err := r.GetSample(prim, h, 1, &v); err != nil {
			t.Fatal(err)
		}
		allocs := testing.AllocsPerRun(100, func() {
			if _, err := r.SampleTimes(prim, h); err != nil {
				t.Fatal(err)
			}
			if err := r.GetSample(prim, h, 1, &v); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per warm SampleTimes+GetSample", name, allocs)
		}
	}
}

// tsDump is time_samples.py's output for one file.
type tsDump []struct {
	Path  string `json:"path"`
	Attrs []struct {
		Name    string   `json:"name"`
		Type    string   `json:"type"`
		Times   []string `json:"times"`
		Queries []string `json:"queries"`
		Values  []any    `json:"values"`
	} `json:"attrs"`
}

// tsDumps runs time_samples.py once: OpenUSD writes make (when set),
// re-saves resave[0] as resave[1] (when given), then reads every file.
func tsDumps(t *testing.T, make string, resave []string, files ...string) []tsDump {
	t.Helper()
	py := testenv.Python(t, "pxr")
	var args []string
	if make != "" {
		args = append(args, "--make", make)
	}
	if len(resave) == 2 {
		args = append(args, "--resave", resave[0], resave[1])
	}
	out := testenv.RunPython(t, py, filepath.Join("testdata", "time_samples.py"), append(args, files...)...)
	var d []tsDump
	if err := json.Unmarshal(out, &d); err != nil || len(d) != len(files) {
		t.Fatalf("time_samples.py: %d dumps of %d files, %v", len(d), len(files), err)
	}
	return d
}

// compareAtTimes checks that our reader gives, through
// formats.TimeReader, what OpenUSD's UsdAttribute reads: the same sample
// times, and the same value (bit for bit, or no value where OpenUSD has
// None) at every query time. It returns the number of (attribute, time)
// reads compared.
func compareAtTimes(t *testing.T, what, path string, d tsDump) int {
	t.Helper()
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	tr := formats.NewTimeReader(r)
	bits := func(s string) float64 {
		u, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return math.Float64frombits(u)
	}
	var v formats.Value
	n, bad := 0, 0
	near := map[string]int{}
	seen := map[string]bool{}
	for _, p := range d {
		ph, err := r.ResolvePrim(p.Path)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		for _, a := range p.Attrs {
			seen[a.Name] = true
			h, err := r.ResolveProperty(a.Name)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			times, err := tr.Times(ph, h)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			var want []float64
			for _, s := range a.Times {
				want = append(want, bits(s))
			}
			if !reflect.DeepEqual(times, want) {
				t.Errorf("%s: %s.%s: times %v, OpenUSD's %v", what, p.Path, a.Name, times, want)
				continue
			}
			for q, s := range a.Queries {
				at := bits(s)
				var got any
				switch err := tr.GetAt(ph, h, at, &v); {
				case errors.Is(err, formats.ErrNoValue):
				case err != nil:
					t.Fatalf("%s: %s.%s at %v: %v", what, p.Path, a.Name, at, err)
				default:
					got = canonical(&v)
				}
				n++
				g, w := normalizeJSON(t, got), normalizeJSON(t, a.Values[q])
				if reflect.DeepEqual(g, w) {
					continue
				}
				if tol := slerpTolerance[a.Type]; tol > 0 && closeTo(g, w, a.Type, tol) {
					near[a.Type]++
					continue
				}
				if bad++; bad <= 8 {
					t.Errorf("%s: %s %s.%s at time %v: ours %v, OpenUSD's %v", what, a.Type, p.Path, a.Name, at, got, a.Values[q])
				}
			}
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d reads at times differ", what, bad, n)
	}
	for typ, k := range near {
		t.Logf("%s: %d %s reads between samples are within %g of OpenUSD's, not equal (formats.Lerp's slerp)", what, k, typ, slerpTolerance[typ])
	}
	return n
}

// slerpTolerance is how far (absolutely, per component) interpolated
// quaternions may be from OpenUSD's: 4 units of the last place of 1 in
// their precision. GfSlerp (gf/quat.template.cpp) takes acos and sin from
// the C library, which rounds them correctly where Go's math package is a
// unit off in a fifth to a third of cases, and GfQuatf computes its angle
// in float (sinf), rounds both scales to float and blends in float, where
// formats.Lerp stays in double: near-opposite quaternions then differ by
// more than a few units in their small components. Every other type must
// be exact.
var slerpTolerance = map[string]float64{"quatf": 4 * 0x1p-23, "quatd": 4 * 0x1p-52}

// closeTo reports whether two canonical values (nested lists of IEEE bits
// as decimal strings) have the same shape and components within tol, read
// as floats (typ quatf) or doubles.
func closeTo(a, b any, typ string, tol float64) bool {
	switch x := a.(type) {
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !closeTo(x[i], y[i], typ, tol) {
				return false
			}
		}
		return true
	case string:
		y, ok := b.(string)
		if !ok {
			return false
		}
		u, err1 := strconv.ParseUint(x, 10, 64)
		w, err2 := strconv.ParseUint(y, 10, 64)
		if err1 != nil || err2 != nil {
			return false
		}
		f, g := math.Float64frombits(u), math.Float64frombits(w)
		if typ == "quatf" {
			f, g = float64(math.Float32frombits(uint32(u))), float64(math.Float32frombits(uint32(w)))
		}
		return math.Abs(f-g) <= tol
	}
	return false
}

// TestOpenUSDReadsOurTimeSamples: OpenUSD (usd-core) opens our file with
// every attribute's times, and UsdAttribute::Get at every sample time,
// between samples and outside their range gives what formats.TimeReader
// resolves from our reader, bit for bit: OpenUSD's own interpolation
// (GfLerp in Gf's precision) agrees with formats.Lerp. OpenUSD's re-save
// of the file is then read the same.
func TestOpenUSDReadsOurTimeSamples(t *testing.T) {
	testenv.Python(t, "pxr")
	dir := t.TempDir()
	s := animScene{"deep", 40, animPropsMore, 6}
	path := writeAnim(t, dir, s, formats.Options{"specifier": "def"}, 16)
	resaved := filepath.Join(dir, "resaved.usdc")
	dumps := tsDumps(t, "", []string{path, resaved}, path, resaved)
	d := dumps[0]
	if len(d) != s.n {
		t.Fatalf("OpenUSD lists %d prims with time samples, want %d", len(d), s.n)
	}
	attrs := 0
	for _, p := range d {
		attrs += len(p.Attrs)
	}
	if want := s.n * (len(s.props) - 1); attrs != want {
		t.Errorf("OpenUSD finds %d attributes with time samples, want %d", attrs, want)
	}
	if n := compareAtTimes(t, "OpenUSD reading ours", path, d); !t.Failed() {
		t.Logf("%d reads at times compared", n)
	}
	// OpenUSD's re-save lays the samples out its own way (every value of
	// one time together): OpenUSD and our reader read it the same, and
	// every sample is still the scene's.
	compareAtTimes(t, "OpenUSD reading its re-save of ours", resaved, dumps[1])
	if a, b := fileSize(t, path), fileSize(t, resaved); !t.Failed() {
		t.Logf("ours %d bytes, OpenUSD's re-save %d", a, b)
	}
	r, err := Open(resaved)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	compareSamples(t, r, s)
	// OpenUSD's TimeSamples values are laid out as ours are.
	checkSampleLayout(t, "OpenUSD's re-save", r)
	ours, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ours.Close()
	checkSampleLayout(t, "ours", ours)
}

// checkSampleLayout checks the layout of every TimeSamples value as
// OpenUSD's crate writer makes it: the first value with given times holds
// them inside its first jump (8 + 8 + 8n bytes), later ones jump 8 over
// nothing and point at the same times; the second jump is always 8 (the
// sample values were written before).
func checkSampleLayout(t *testing.T, what string, r *Reader) {
	t.Helper()
	le := binary.LittleEndian
	data := r.c.data
	seen := map[valueRep]bool{}
	n := 0
	for f, tok := range r.c.fieldTok {
		if r.c.tokens[tok] != fTimeSamples {
			continue
		}
		n++
		at := r.c.fieldRep[f].payload()
		j1 := le.Uint64(data[at:])
		times := valueRep(le.Uint64(data[at+j1:]))
		count := le.Uint64(data[times.payload():])
		j2 := le.Uint64(data[at+j1+8:])
		switch {
		case !seen[times] && (j1 != 16+8*count || times.payload() != at+8):
			t.Errorf("%s: first TimeSamples with its times at %d: jump %d, times at %d", what, at, j1, times.payload())
		case seen[times] && j1 != 8:
			t.Errorf("%s: TimeSamples at %d sharing times: jump %d, want 8", what, at, j1)
		case j2 != 8:
			t.Errorf("%s: TimeSamples at %d: second jump %d, want 8", what, at, j2)
		}
		seen[times] = true
	}
	if n == 0 {
		t.Errorf("%s: no TimeSamples", what)
	}
}

// TestReadOpenUSDTimeSamples: a layer OpenUSD wrote with time samples
// (different times on each prim, blocked samples, samples without a
// default) reads, sample by sample and at times between, as OpenUSD
// reads it.
func TestReadOpenUSDTimeSamples(t *testing.T) {
	testenv.Python(t, "pxr")
	path := filepath.Join(t.TempDir(), "openusd_samples.usdc")
	d := tsDumps(t, path, nil, path)[0]
	if len(d) != 6 {
		t.Fatalf("OpenUSD wrote %d prims with time samples, want 6", len(d))
	}
	if n := compareAtTimes(t, "ours reading OpenUSD's", path, d); !t.Failed() {
		t.Logf("%d reads at times compared", n)
	}

	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	// f has samples and no default: no default read, but samples.
	var v formats.Value
	if err := r.Get("/World/P_0", "f", &v); !errors.Is(err, formats.ErrNoValue) {
		t.Errorf("default of an attribute with only samples: %v", err)
	}
	ph, _ := r.ResolvePrim("/World/P_1")
	h, _ := r.ResolveProperty("d")
	if err := r.GetSample(ph, h, 1, &v); !errors.Is(err, formats.ErrNoValue) {
		t.Errorf("blocked sample: %v, want ErrNoValue", err)
	}
	for _, p := range r.Properties() {
		if p.Samples.Count != 0 {
			t.Errorf("property %s: samples %+v, but prims have different times", p.Name, p.Samples)
		}
	}
}

// TestBadTimeSamples: a corrupt TimeSamples value fails the open with an
// error naming the file and what is wrong, never a panic.
func TestBadTimeSamples(t *testing.T) {
	good := smallFile(t, formats.Options{"animated": true})
	if err := readAll("good.usdc", good); err != nil {
		t.Fatalf("unmodified file: %v", err)
	}
	r, err := openBytes("good.usdc", good)
	if err != nil {
		t.Fatal(err)
	}
	// The first timeSamples field's value, and where its parts lie.
	var ts valueRep
	for f, tok := range r.c.fieldTok {
		if r.c.tokens[tok] == fTimeSamples {
			ts = r.c.fieldRep[f]
			break
		}
	}
	le := binary.LittleEndian
	at := ts.payload()
	timesAt := at + le.Uint64(good[at:])
	times := valueRep(le.Uint64(good[timesAt:])).payload()
	countAt := timesAt + 8 + le.Uint64(good[timesAt+8:])
	mod := func(f func(b []byte)) []byte {
		b := append([]byte(nil), good...)
		f(b)
		return b
	}
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"jump outside", mod(func(b []byte) { le.PutUint64(b[at:], 1<<40) }), "outside the file"},
		{"times not a vector", mod(func(b []byte) { le.PutUint64(b[timesAt:], uint64(inlineRep(tDouble, 0))) }), "not a DoubleVector"},
		{"times descend", mod(func(b []byte) { le.PutUint64(b[times+16:], math.Float64bits(-5)) }), "times must ascend"},
		{"NaN time", mod(func(b []byte) { le.PutUint64(b[times+8:], math.Float64bits(math.NaN())) }), "NaN"},
		{"times past end", mod(func(b []byte) { le.PutUint64(b[times:], 1<<50) }), "run past the end"},
		{"count", mod(func(b []byte) { le.PutUint64(b[countAt:], le.Uint64(b[countAt:])+1) }), "time sample values for"},
		{"huge count", mod(func(b []byte) { le.PutUint64(b[countAt:], 1<<61) }), "run past the end"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := readAll("bad.usdc", tc.data)
			if err == nil || !strings.Contains(err.Error(), "bad.usdc") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v does not name the file and %q", err, tc.want)
			}
		})
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

// TestConcurrentSamples: goroutines reading every sample and values
// between samples at once (lock-free, like GetHandle) digest what one
// reader alone digests; run under -race in the full suite.
func TestConcurrentSamples(t *testing.T) {
	t.Parallel()
	path := writeAnim(t, t.TempDir(), animScene{"flat", 40, animPropsMore, 8}, nil, 16)
	r, prims := openPrims(t, path)
	defer r.Close()
	digest := func() (string, error) {
		tr := formats.NewTimeReader(r)
		var d formats.Digest
		d.Reset()
		var v formats.Value
		for ph, path := range prims {
			for _, p := range r.Properties() {
				h, err := r.ResolveProperty(p.Name)
				if err != nil {
					return "", err
				}
				times, err := tr.Times(formats.PrimHandle(ph), h)
				if err != nil {
					return "", err
				}
				for k, at := range times {
					if err := tr.Sample(formats.PrimHandle(ph), h, k, &v); err != nil {
						return "", err
					}
					d.AddAt(path, p.Name, at, &v)
					if err := tr.GetAt(formats.PrimHandle(ph), h, at+0.4, &v); err != nil {
						return "", err
					}
					d.AddAt(path, p.Name, at+0.4, &v)
				}
			}
		}
		return d.Hex(), nil
	}
	want, err := digest()
	if err != nil {
		t.Fatal(err)
	}
	const workers = 4
	got := make([]string, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[w], errs[w] = digest()
		}()
	}
	wg.Wait()
	for w := range workers {
		if errs[w] != nil || got[w] != want {
			t.Errorf("worker %d: digest %s (%v), alone %s", w, got[w], errs[w], want)
		}
	}
}

func TestRegularSamples(t *testing.T) {
	for _, want := range []formats.Samples{
		{Count: 1, Start: 3},
		{Count: 5, Start: 1, Step: 1},
		{Count: 24, Start: 1, Step: 0.1},
		{Count: 100, Start: 0.25, Step: 1.0 / 24},
		{Count: 1000, Start: -2, Step: 1.0 / 30},
	} {
		got, ok := regularSamples(want.Times())
		if !ok || !reflect.DeepEqual(got.Times(), want.Times()) {
			t.Errorf("%+v: got %+v, %v", want, got, ok)
		}
	}
	if _, ok := regularSamples([]float64{1, 2, 4}); ok {
		t.Error("irregular times described as regular")
	}
}
