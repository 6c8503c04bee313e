package usda

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/formatstest"
	"github.com/scenebench/runner/internal/testenv"
)

// canonNotation writes values as testdata/usdcanon.py renders OpenUSD's,
// so that the two can be compared as strings, bit for bit: floats as their
// IEEE bits in hex (NaN as "nan"), strings as "s:" and their bytes in hex.
var canonNotation = &formats.Notation{
	Float: func(dst []byte, x float64, bits int) []byte {
		switch {
		case math.IsNaN(x):
			return append(dst, "nan"...)
		case bits == 32:
			return fmt.Appendf(dst, "%08x", math.Float32bits(float32(x)))
		}
		return fmt.Appendf(dst, "%016x", math.Float64bits(x))
	},
	String: func(dst []byte, s string) []byte {
		return hex.AppendEncode(append(dst, "s:"...), []byte(s))
	},
	Bool:    [2]string{"0", "1"},
	Tuple:   [2]byte{'(', ')'},
	Array:   [2]byte{'[', ']'},
	Sep:     ',',
	Invalid: "invalid",
}

func canonValue(v *formats.Value) string { return string(canonNotation.AppendValue(nil, v)) }

// dump is what testdata/usdcanon.py prints for a layer.
type dump struct {
	prims     []dumpPrim
	dataPrims []string            // prims with at least one attribute value, pre-order
	attrs     map[string]dumpAttr // by path + "." + name
	attrOrder []string
	layerData map[string]any
	counts    struct{ Prims, Attributes int }
}

type dumpPrim struct {
	Prim, Specifier, TypeName string
}

type dumpAttr struct {
	Path, Name, Type, Value string
}

func parseDump(t *testing.T, out []byte) *dump {
	t.Helper()
	d := &dump{attrs: map[string]dumpAttr{}}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var line struct {
			dumpPrim
			dumpAttr
			CustomLayerData map[string]any `json:"customLayerData"`
			Counts          *struct{ Prims, Attributes int }
		}
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.UseNumber()
		if err := dec.Decode(&line); err != nil {
			t.Fatalf("dump line %q: %v", sc.Text(), err)
		}
		switch {
		case line.Prim != "":
			d.prims = append(d.prims, line.dumpPrim)
		case line.Path != "":
			key := line.Path + "." + line.Name
			if _, dup := d.attrs[key]; dup {
				t.Fatalf("dump lists %s twice", key)
			}
			if n := len(d.dataPrims); n == 0 || d.dataPrims[n-1] != line.Path {
				d.dataPrims = append(d.dataPrims, line.Path)
			}
			d.attrs[key] = line.dumpAttr
			d.attrOrder = append(d.attrOrder, key)
		case line.Counts != nil:
			d.counts = *line.Counts
		default:
			d.layerData = line.CustomLayerData
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return d
}

func script(name string) string {
	return filepath.Join(testenv.RepoRoot(), "formats", "usda", "testdata", name)
}

// allPrims lists every prim spec a layer of the given data prims holds:
// ancestors first, in layer order.
func allPrims(paths []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range paths {
		for i := 1; i <= len(p); i++ {
			if i == len(p) || p[i] == '/' {
				if q := p[:i]; !seen[q] {
					seen[q] = true
					out = append(out, q)
				}
			}
		}
	}
	return out
}

// TestOpenUSDReadsOurLayers writes scenes with our writer and has OpenUSD
// open them: every prim spec, specifier, type name, attribute type and value
// must be what we wrote. OpenUSD then saves the layer again; the result must
// be byte-identical to ours and read back unchanged (the round trip).
func TestOpenUSDReadsOurLayers(t *testing.T) {
	python := testenv.Python(t, "pxr")
	cases := []struct {
		name  string
		prims int
		deep  bool
		opts  map[string]any
	}{
		{"random-bits", 2000, false, nil}, // every float spelling, checked below
		{"flat", 257, false, nil},
		{"deep-def-typed", 257, true, map[string]any{"specifier": "def", "type_name": "Xform"}},
		// 100K prims with three properties keep OpenUSD's side quick.
		{"flat-100k", 100_000, false, nil},
		{"deep-100k", 100_000, true, map[string]any{"specifier": "def"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.prims > 10_000 && testing.Short() {
				t.Skip("100K prims: skipped with -short")
			}
			opts, err := formats.Normalize(Format{}, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			s := formatstest.AllTypes(c.prims, c.deep)
			if c.name == "random-bits" {
				s = randomFloats(c.prims)
			}
			if c.prims > 10_000 {
				s = subset(s, "cost", "kind", "color")
			}
			dir := t.TempDir()
			ours := filepath.Join(dir, "ours.usda")
			theirs := filepath.Join(dir, "theirs.usda")
			s.Write(t, Format{}, ours, opts, 1000)
			// Large layers: OpenUSD lists every 997th prim; the byte-identical
			// re-export below covers the rest.
			every := 1
			if c.prims > 10_000 {
				every = 997
			}
			d := parseDump(t, testenv.RunPython(t, python, script("pxr_dump.py"), ours,
				"--export", theirs, "--every", strconv.Itoa(every)))

			// Prim specs.
			want := allPrims(s.Paths)
			if d.counts.Prims != len(want) || d.counts.Attributes != len(s.Paths)*len(s.Cols) {
				t.Fatalf("OpenUSD sees %d prim specs and %d attributes, want %d and %d",
					d.counts.Prims, d.counts.Attributes, len(want), len(s.Paths)*len(s.Cols))
			}
			isData := map[string]bool{}
			for _, p := range s.Paths {
				isData[p] = true
			}
			if len(d.prims) != (len(want)+every-1)/every {
				t.Fatalf("OpenUSD lists %d prim specs, want %d", len(d.prims), (len(want)+every-1)/every)
			}
			for k, p := range d.prims {
				i := k * every
				wantType := ""
				if isData[p.Prim] {
					wantType = opts.String("type_name")
				}
				if p.Prim != want[i] || p.Specifier != opts.String("specifier") || p.TypeName != wantType {
					t.Fatalf("prim spec %d: OpenUSD sees %+v, want %s %s %q", i, p, opts.String("specifier"), want[i], wantType)
				}
			}

			// Attributes of the listed prims.
			var v formats.Value
			bad, seen := 0, 0
			for i, p := range s.Paths {
				for c := range s.Cols {
					col := &s.Cols[c]
					a, ok := d.attrs[p+"."+col.Property.Name]
					if !ok && every > 1 {
						continue
					}
					seen++
					col.Value(i, &v)
					if !ok || a.Type != col.Property.Type.String() || a.Value != canonValue(&v) {
						t.Errorf("%s.%s: OpenUSD reads %s %s, want %s %s", p, col.Property.Name, a.Type, a.Value, col.Property.Type, canonValue(&v))
						if bad++; bad > 10 {
							t.FailNow()
						}
					}
				}
			}

			if seen != len(d.attrs) || (every == 1 && seen != len(s.Paths)*len(s.Cols)) {
				t.Errorf("compared %d attribute values, OpenUSD listed %d", seen, len(d.attrs))
			}

			// Scene description in customLayerData.
			ld := d.layerData
			if ld == nil {
				t.Fatal("OpenUSD sees no customLayerData.scenebench")
			}
			if ld["schema"] != s.Info.Schema || ld["hierarchy"] != s.Info.Hierarchy ||
				fmt.Sprint(ld["seed"]) != fmt.Sprint(s.Info.Seed) || fmt.Sprint(ld["prims"]) != strconv.Itoa(s.Info.Prims) {
				t.Errorf("customLayerData = %v, want %+v", ld, s.Info)
			}
			var names []string
			for _, p := range s.Info.Properties {
				names = append(names, p.Name)
			}
			if got := fmt.Sprint(ld["propertyNames"]); got != fmt.Sprint(names) {
				t.Errorf("propertyNames = %s, want %v", got, names)
			}

			// Round trip: OpenUSD's re-export is our layer, byte for byte,
			// and reads back with every value unchanged.
			a, err := os.ReadFile(ours)
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(theirs)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a, b) {
				t.Errorf("OpenUSD's re-export differs from our layer: %s", firstDiff(a, b))
			}
			r, err := Format{}.Open(theirs, opts)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			s.Verify(t, r)
		})
	}
}

// randomFloats is a flat scene of floats and doubles with random bit
// patterns (finite, subnormals included), so that every spelling of a number
// meets OpenUSD's parser and writer.
func randomFloats(n int) *formatstest.Scene {
	rng := rand.New(rand.NewPCG(1, 2))
	f64 := func() float64 {
		for {
			x := math.Float64frombits(rng.Uint64())
			if !math.IsNaN(x) && !math.IsInf(x, 0) {
				if rng.IntN(4) == 0 { // also ordinary magnitudes
					x = math.Ldexp(x, -math.Ilogb(x)+rng.IntN(80)-40)
				}
				return x
			}
		}
	}
	f32 := func() float32 {
		for {
			x := math.Float32frombits(rng.Uint32())
			if x == x && !math.IsInf(float64(x), 0) {
				if rng.IntN(4) == 0 {
					x = float32(math.Ldexp(float64(x), -math.Ilogb(float64(x))+rng.IntN(60)-30))
				}
				return x
			}
		}
	}
	props := []formats.Property{
		{Name: "d", Type: formats.Double}, {Name: "f", Type: formats.Float},
		{Name: "v3f", Type: formats.Float3}, {Name: "v3d", Type: formats.Double3},
		{Name: "fa", Type: formats.FloatArray, Length: 3},
	}
	s := formatstest.NewScene(formats.SceneInfo{Schema: "custom", Hierarchy: "flat", Seed: 1, Prims: n, Properties: props})
	for i := 0; i < n; i++ {
		s.Paths = append(s.Paths, formatstest.FlatPath(i))
		c := s.Cols
		c[0].Doubles = append(c[0].Doubles, f64())
		c[1].Floats = append(c[1].Floats, f32())
		c[2].Vec3f = append(c[2].Vec3f, [3]float32{f32(), f32(), f32()})
		c[3].Vec3d = append(c[3].Vec3d, [3]float64{f64(), f64(), f64()})
		c[4].FloatArrays = append(c[4].FloatArrays, []float32{f32(), f32(), f32()})
	}
	return s
}

// subset keeps only the named properties of a scene.
func subset(s *formatstest.Scene, names ...string) *formatstest.Scene {
	out := &formatstest.Scene{Info: s.Info, Paths: s.Paths}
	out.Info.Properties = nil
	for _, c := range s.Cols {
		for _, n := range names {
			if c.Property.Name == n {
				out.Cols = append(out.Cols, c)
				out.Info.Properties = append(out.Info.Properties, c.Property)
			}
		}
	}
	return out
}

// reencode writes what r holds as a text layer of over prims.
func reencode(t *testing.T, fr formats.Reader) []byte {
	t.Helper()
	r, ok := fr.(*Reader)
	if !ok {
		t.Fatalf("the layer did not go through the fast parser (%T)", fr)
	}
	var buf bytes.Buffer
	info, _ := r.SceneInfo()
	enc, err := NewEncoder(&buf, EncoderOptions{}, info)
	if err != nil {
		t.Fatal(err)
	}
	props := r.Properties()
	vals := make([]formats.Value, len(props))
	present := make([]bool, len(props))
	prims, _ := r.Prims()
	for _, p := range prims {
		for i, prop := range props {
			present[i] = r.Get(p, prop.Name, &vals[i]) == nil
		}
		if err := enc.Prim(p, vals, present); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// body is a layer's text after its header and metadata.
func body(b []byte) []byte {
	if i := bytes.Index(b, []byte("\n\nover ")); i >= 0 {
		return b[i:]
	}
	return b
}

// firstDiff describes where two texts first differ.
func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	line := 1 + bytes.Count(a[:i], []byte{'\n'})
	lo := max(0, i-80)
	return fmt.Sprintf("line %d: ours %q, OpenUSD %q", line, a[lo:min(len(a), i+40)], b[lo:min(len(b), i+40)])
}

// TestWeReadOpenUSDLayers reads layers OpenUSD wrote (through its Sdf and Usd
// APIs, with every supported type and awkward values) and checks every value
// against the values OpenUSD held, bit for bit.
func TestWeReadOpenUSDLayers(t *testing.T) {
	python := testenv.Python(t, "pxr")
	dir := t.TempDir()
	big := "100000"
	if testing.Short() {
		big = "0"
	}
	testenv.RunPython(t, python, script("pxr_fixture.py"), dir, big)
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) < 3 {
		t.Fatalf("fixture wrote %v (%v)", files, err)
	}
	for _, js := range files {
		name := strings.TrimSuffix(filepath.Base(js), ".json")
		t.Run(name, func(t *testing.T) {
			out, err := os.ReadFile(js)
			if err != nil {
				t.Fatal(err)
			}
			d := parseDump(t, out)
			r, err := OpenFile(strings.TrimSuffix(js, ".json") + ".usda")
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			sampled := strings.HasSuffix(name, "_big")
			prims, _ := r.Prims()
			if !sampled && fmt.Sprint(prims) != fmt.Sprint(d.dataPrims) {
				t.Fatalf("prims: we read %d, OpenUSD has %d with values", len(prims), len(d.dataPrims))
			}
			var v formats.Value
			bad := 0
			for _, key := range d.attrOrder {
				a := d.attrs[key]
				want, ok := lookupType(strings.TrimSuffix(a.Type, "[]"), strings.HasSuffix(a.Type, "[]"))
				if !ok {
					t.Fatalf("fixture uses type %s the scene model lacks", a.Type)
				}
				err := r.Get(a.Path, a.Name, &v)
				if err != nil || v.Type != want || canonValue(&v) != a.Value {
					t.Errorf("%s: we read %s %s (%v), OpenUSD holds %s %s", key, v.Type, canonValue(&v), err, a.Type, a.Value)
					if bad++; bad > 10 {
						t.FailNow()
					}
				}
			}
			// Nothing more than OpenUSD holds.
			n := 0
			for _, p := range prims {
				for _, prop := range r.Properties() {
					if r.Get(p, prop.Name, &v) == nil {
						n++
					}
				}
			}
			if want := len(d.attrs); n != want && !sampled {
				t.Errorf("we read %d values, OpenUSD holds %d", n, want)
			}
			if want := d.counts.Attributes; n != want && sampled {
				t.Errorf("we read %d values, OpenUSD holds %d", n, want)
			}

			// Layers of over prims without metadata: writing what we read
			// gives OpenUSD's text back, byte for byte (every value).
			if name == "flat" || name == "deep_big" {
				ours := reencode(t, r)
				theirs, err := os.ReadFile(strings.TrimSuffix(js, ".json") + ".usda")
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(body(ours), body(theirs)) {
					t.Errorf("re-encoding what we read differs from OpenUSD's layer: %s", firstDiff(body(ours), body(theirs)))
				}
			}
		})
	}
}
