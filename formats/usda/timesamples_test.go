package usda

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/formatstest"
	"github.com/scenebench/runner/formats/sdf"
)

// sampleTimes are the times of the animated test scenes' properties, one
// set per property in turn: whole frames, a fractional step whose times
// print with many digits, negative times, one sample, and a time printed
// with an exponent.
var sampleTimes = []formats.Samples{
	{Count: 3, Start: 1, Step: 1},
	{Count: 4, Start: -2.5, Step: 0.1},
	{Count: 2, Start: 0, Step: 1.0 / 3},
	{Count: 1, Start: 24, Step: 0},
	{Count: 2, Start: 1e15, Step: 1},
}

// animate makes every property of base (built for n+shift*4 prims) an
// animated one of its first n prims: sample k of row i is base's row
// i+shift*(k+1), so samples differ from the default and from each other,
// with the awkward values and different array lengths base has.
func animate(base *formatstest.Scene, n int) *formatstest.Scene {
	const shift = 7
	s := formatstest.NewScene(base.Info)
	s.Info.Prims = n
	s.Info.Properties = slices.Clone(base.Info.Properties)
	s.Paths = base.Paths[:n]
	for i := range s.Cols {
		p := &s.Info.Properties[i]
		p.Samples = sampleTimes[i%len(sampleTimes)]
		col := base.Cols[i].Slice(0, n)
		col.Property = *p
		for k := range p.Samples.Count {
			sc := base.Cols[i].Slice(shift*(k+1), shift*(k+1)+n)
			sc.Present = nil
			col.Samples = append(col.Samples, sc)
		}
		s.Cols[i] = col
	}
	return s
}

// animatedScenes are the animated test scenes: every property type.
func animatedScenes() map[string]*formatstest.Scene {
	return map[string]*formatstest.Scene{
		"alltypes": animate(formatstest.AllTypes(60+28, false), 60),
		"extended": animate(formatstest.Extended(40+28), 40),
	}
}

// verifySamples checks that r holds every value of s by handles: the
// default, the times of each prim's property and the value of each
// sample, bit for bit.
func verifySamples(t *testing.T, s *formatstest.Scene, r formats.Reader) {
	t.Helper()
	res, err := formats.Resolve(r)
	if err != nil {
		t.Fatal(err)
	}
	sm, ok := res.(formats.Sampler)
	if !ok {
		t.Fatalf("%T is not a formats.Sampler", res)
	}
	var v, want formats.Value
	bad := 0
	for i, path := range s.Paths {
		ph, err := res.ResolvePrim(path)
		if err != nil {
			t.Fatal(err)
		}
		for c := range s.Cols {
			col := &s.Cols[c]
			if !col.Has(i) {
				continue
			}
			h, err := res.ResolveProperty(col.Property.Name)
			if err != nil {
				t.Fatal(err)
			}
			if err := res.GetHandle(ph, h, &v); err != nil {
				t.Fatalf("%s.%s: %v", path, col.Property.Name, err)
			}
			if col.Value(i, &want); !v.Equal(&want) {
				t.Errorf("%s.%s = %s, want %s", path, col.Property.Name, v.String(), want.String())
			}
			times, err := sm.SampleTimes(ph, h)
			if err != nil {
				t.Fatal(err)
			}
			if want := col.Property.Samples.Times(); !slices.Equal(times, want) {
				t.Fatalf("%s.%s: times %v, want %v", path, col.Property.Name, times, want)
			}
			for k := range col.Samples {
				if err := sm.GetSample(ph, h, k, &v); err != nil {
					t.Fatalf("%s.%s sample %d: %v", path, col.Property.Name, k, err)
				}
				col.Samples[k].Value(i, &want)
				if !v.Equal(&want) {
					t.Errorf("%s.%s sample %d = %s, want %s", path, col.Property.Name, k, v.String(), want.String())
					if bad++; bad > 10 {
						t.FailNow()
					}
				}
			}
			if err := sm.GetSample(ph, h, len(col.Samples), &v); !errors.Is(err, formats.ErrNotFound) {
				t.Errorf("%s.%s: sample past the last: %v, want a not-found error", path, col.Property.Name, err)
			}
		}
	}
}

// TestTimeSamplesRoundTrip writes animated scenes and reads every sample
// back through the fast reader and through the full grammar's scene.
func TestTimeSamplesRoundTrip(t *testing.T) {
	opts, err := formats.Normalize(Format{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range animatedScenes() {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "anim.usda")
			s.Write(t, Format{}, path, opts, 16)
			r, err := OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if _, fast := r.(*Reader); !fast {
				t.Fatalf("the fast reader refused the layer: opened as %T", r)
			}
			for i, p := range r.Properties() {
				if want := s.Info.Properties[i].Samples; p.Samples != want {
					t.Errorf("property %s: samples %+v, want %+v", p.Name, p.Samples, want)
				}
			}
			s.Verify(t, r)
			s.VerifyHandles(t, r)
			verifySamples(t, s, r)

			l, err := ReadLayer(path)
			if err != nil {
				t.Fatal(err)
			}
			scene := sdf.NewScene(path, l)
			verifySamples(t, s, scene)
			// Both note the samples beside every default, which an
			// import of default values leaves out.
			values := 0
			for c := range s.Cols {
				for i := range s.Paths {
					if s.Cols[c].Has(i) {
						values++
					}
				}
			}
			want := fmt.Sprint([]formats.Note{{Count: values, What: formats.NoteTimeSamples}})
			if got := fmt.Sprint(scene.Notes()); got != want {
				t.Errorf("the scene notes %s, want %s", got, want)
			}
			if got := fmt.Sprint(r.(formats.Noter).Notes()); got != want {
				t.Errorf("the fast reader notes %s, want %s", got, want)
			}
		})
	}
}

// TestTimeSamplesText checks the text OpenUSD's grammar allows: None, an
// empty set, times out of order and repeated (the last wins), exponents,
// comments, and attributes declared without a default.
func TestTimeSamplesText(t *testing.T) {
	text := `#usda 1.0
over "A"
{
    custom double x
    double x.timeSamples = {
        2: 20,   # a comment
        1e0: 10,
        3: None,
        2: 21,
    }
    float3 c = (1, 2, 3)
    float3 c.timeSamples = {}
    custom int n
    int n.timeSamples = { -1.5: 7 }
    custom token k
    custom bool e
    bool e.timeSamples = {
    }
    double b = None
    double b.timeSamples = { 1: 2 }
}
over "B"
{
    double x = 5
}
`
	l, err := parseLayerBytes("t.usda", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	r := &Reader{l: l}
	prims, _ := r.Prims()
	if !slices.Equal(prims, []string{"/A", "/B"}) {
		t.Fatalf("prims %v", prims)
	}
	var v formats.Value
	if err := r.Get("/A", "x", &v); !errors.Is(err, formats.ErrNoValue) {
		t.Errorf("default of an attribute with samples only: %v, want no value", err)
	}
	type sampler interface {
		formats.Resolver
		formats.Sampler
	}
	dump := func(r sampler, prim, prop string) string {
		ph, err := r.ResolvePrim(prim)
		if err != nil {
			return err.Error()
		}
		h, err := r.ResolveProperty(prop)
		if err != nil {
			return err.Error()
		}
		times, err := r.SampleTimes(ph, h)
		if err != nil {
			return err.Error()
		}
		var b strings.Builder
		for i, tm := range times {
			b.WriteString(formats.FormatFloat(tm, 64) + ":")
			if err := r.GetSample(ph, h, i, &v); errors.Is(err, formats.ErrNoValue) {
				b.WriteString("None ")
			} else if err != nil {
				return err.Error()
			} else {
				b.WriteString(formats.FormatUSDA(&v) + " ")
			}
		}
		return b.String()
	}
	full, err := parseFull("t.usda", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	scene := sdf.NewScene("t.usda", full)
	for _, c := range []struct{ prim, prop, want string }{
		{"/A", "x", "1:10 2:21 3:None "},
		{"/A", "c", ""},
		{"/A", "n", "-1.5:7 "},
		{"/A", "e", ""},
		{"/A", "b", "1:2 "},
		{"/B", "x", ""},
	} {
		for _, rd := range []sampler{r, scene} {
			if got := dump(rd, c.prim, c.prop); got != c.want {
				t.Errorf("%T: samples of %s.%s: %q, want %q", rd, c.prim, c.prop, got, c.want)
			}
		}
	}
	// As a scene of default values: k has no value, x, n and e time
	// samples only, c samples beside its default, b a blocked default.
	notes := map[string]int{}
	for _, n := range r.Notes() {
		notes[n.What] = n.Count
	}
	if want := map[string]int{formats.NoteNoDefault: 1, formats.NoteTimeSamplesOnly: 3, formats.NoteTimeSamples: 1, formats.NoteBlocked: 1}; fmt.Sprint(notes) != fmt.Sprint(want) {
		t.Errorf("notes %v, want %v", notes, want)
	}
	// The full grammar's scene says the same.
	if got, want := scene.Notes(), r.Notes(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the scene notes %v, the fast reader %v", got, want)
	}
	if _, err := r.SampleTimes(0, 99); !errors.Is(err, formats.ErrNotFound) {
		t.Errorf("bad handle: %v", err)
	}
}

// TestTimeSamplesWriterErrors checks what the writer refuses: sample
// times that are not ascending, and samples that do not match their
// property.
func TestTimeSamplesWriterErrors(t *testing.T) {
	anim := formats.Samples{Count: 2, Start: 1, Step: 1}
	if _, err := NewEncoder(io.Discard, EncoderOptions{}, formats.SceneInfo{Properties: []formats.Property{
		{Name: "x", Type: formats.Double, Samples: formats.Samples{Count: 2, Start: 1}},
	}}); err == nil || !strings.Contains(err.Error(), `property "x": time samples step 0`) {
		t.Errorf("two samples at one time: %v", err)
	}
	props := []formats.Property{{Name: "x", Type: formats.Double, Samples: anim}}
	vals := []formats.Value{{Type: formats.Double, Num: 1}}
	for _, c := range []struct {
		samples [][]formats.Value
		want    string
	}{
		{[][]formats.Value{{{Type: formats.Double}}}, "prim /A property x: 1 time samples for 2 times"},
		{[][]formats.Value{{{Type: formats.Double}, {Type: formats.Float}}}, "prim /A property x: time sample 1 is float, property is double"},
		{[][]formats.Value{}, "prim /A: 1 values for 1 properties"},
	} {
		enc, err := NewEncoder(io.Discard, EncoderOptions{}, formats.SceneInfo{Properties: props})
		if err != nil {
			t.Fatal(err)
		}
		if err := enc.AnimatedPrim("/A", vals, c.samples, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.samples, err, c.want)
		}
	}
	// Without samples an animated property is written with its default
	// alone (Prim).
	var sb strings.Builder
	enc, err := NewEncoder(&sb, EncoderOptions{OmitSceneInfo: true}, formats.SceneInfo{Properties: props})
	if err != nil {
		t.Fatal(err)
	}
	if err := enc.Prim("/A", vals, nil); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	if want := "#usda 1.0\n\nover \"A\"\n{\n    double x = 1\n}\n\n"; sb.String() != want {
		t.Errorf("got %q, want %q", sb.String(), want)
	}
}
