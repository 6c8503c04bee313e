package usda

import (
	"errors"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/formatstest"
	"github.com/scenebench/runner/formats/sdf"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// TestBadInput checks that malformed or unsupported text fails with an error
// naming the file, line and column.
func TestBadInput(t *testing.T) {
	const hdr = "#usda 1.0\n"
	cases := []struct {
		name, text, want string
	}{
		{"empty", "", "bad.usda:1:1: not a usda layer"},
		{"binary", "PXR-USDC\x00\x00", "bad.usda:1:1: not a usda layer"},
		{"header version", "#usda 2.0\n", "bad.usda:1:1: not a usda layer"},
		{"header junk", "#usda 1.0 x\n", `bad.usda:1:11: unexpected "x"`},
		{"root junk", hdr + "\nfoo", `bad.usda:3:1: expected a prim (def, over or class), found "foo"`},
		{"unclosed metadata", hdr + "(\n  doc = \"x\"\n", "bad.usda:4:1: metadata block is not closed"},
		{"metadata no value", hdr + "(\n  upAxis = \n)", `bad.usda:4:1: expected a value, found ")"`},
		{"metadata no equals", hdr + "(\n  upAxis \"Y\"\n)", `bad.usda:3:10: expected '=' after upAxis`},
		{"unclosed dict", hdr + "(\n customLayerData = {\n string a = \"b\"\n", "bad.usda:5:1: expected a dictionary entry type or '}'"},
		{"dict not dict", hdr + "(\n customLayerData = {\n dictionary a = 1\n }\n)", `bad.usda:4:2: dictionary entry "a" does not hold a dictionary`},
		{"unquoted prim name", hdr + "over World {}", `bad.usda:2:12: expected a quoted prim name, found "{}"`},
		{"bad prim name", hdr + "over \"9x\" {}", `bad.usda:2:6: "9x" is not a valid prim name`},
		{"unclosed prim", hdr + "over \"A\" {\n  double x = 1\n", "bad.usda:4:1: prim /A is not closed"},
		{"no brace", hdr + "over \"A\"\n double x = 1", `bad.usda:3:2: expected '{' to open prim /A, found "double"`},
		{"unknown type", hdr + "over \"A\" {\n  uchar x = 1\n}", `bad.usda:3:3: unsupported attribute type "uchar" in prim /A`},
		{"unknown array type", hdr + "over \"A\" {\n  double3[] x = [(1, 2, 3)]\n}", `bad.usda:3:3: unsupported attribute type "double3[]"`},
		{"nul byte", hdr + "over \"A\" {\x00}", `bad.usda:2:11: expected a property or prim in /A, found "\x00}"`},
		{"nul in metadata", hdr + "(\x00)", `bad.usda:2:2: expected a metadata field, found "\x00)"`},
		{"relationship", hdr + "over \"A\" {\n  rel x = </B>\n}", "bad.usda:3:3: relationships are not supported (prim /A)"},
		{"variant set", hdr + "over \"A\" {\n  variantSet \"v\" = {}\n}", "bad.usda:3:3: variant sets are not supported"},
		{"connection", hdr + "over \"A\" {\n  double x.connect = </B.y>\n}", `bad.usda:3:11: attribute /A.x: only default values and timeSamples are supported, not ".connect"`},
		{"samples no brace", hdr + "over \"A\" {\n  double x.timeSamples = 1\n}", `bad.usda:3:26: expected '{' to open x.timeSamples, found "1"`},
		{"samples no colon", hdr + "over \"A\" {\n  double x.timeSamples = { 1 2 }\n}", `bad.usda:3:30: expected ':' after a time sample's time, found "2"`},
		{"samples no comma", hdr + "over \"A\" {\n  double x.timeSamples = { 1: 2 3: 4 }\n}", `bad.usda:3:33: expected ',' or '}' in /A.x.timeSamples, found "3:"`},
		{"samples bad value", hdr + "over \"A\" {\n  double3 x.timeSamples = { 1: (1, 2) }\n}", `bad.usda:3:37: expected ',' in a 3-tuple, found ")"`},
		{"samples word time", hdr + "over \"A\" {\n  double x.timeSamples = { a: 1 }\n}", `bad.usda:3:28: expected a number, found "a:"`},
		{"samples nan time", hdr + "over \"A\" {\n  double x.timeSamples = { nan: 1 }\n}", `bad.usda:3:28: time sample of /A.x at time nan`},
		{"samples unclosed", hdr + "over \"A\" {\n  double x.timeSamples = { 1: 2,\n", `bad.usda:4:1: expected a number, found end of file`},
		{"samples twice", hdr + "over \"A\" {\n  double x.timeSamples = {}\n  double x.timeSamples = {}\n}", `bad.usda:4:3: attribute /A.x has timeSamples twice`},
		{"missing name", hdr + "over \"A\" {\n  double = 1\n}", `bad.usda:3:10: expected an attribute name, found "="`},
		{"bad number", hdr + "over \"A\" {\n  double x = 1.2.3\n}", `bad.usda:3:14: malformed number "1.2.3"`},
		{"bad exponent", hdr + "over \"A\" {\n  double x = 1e\n}", "bad.usda:3:14: malformed number exponent"},
		{"word for number", hdr + "over \"A\" {\n  double x = big\n}", `bad.usda:3:14: expected a number, found "big"`},
		{"int range", hdr + "over \"A\" {\n  int x = 2147483648\n}", `bad.usda:3:11: "2147483648" is not an integer in [-2147483648, 2147483647]`},
		{"int fraction", hdr + "over \"A\" {\n  int64 x = 1.5\n}", `bad.usda:3:13: "1.5" is not an integer`},
		{"bool 2", hdr + "over \"A\" {\n  bool x = 2\n}", `bad.usda:3:12: expected a bool (0, 1, true or false), found "2"`},
		{"string unquoted", hdr + "over \"A\" {\n  string x = abc\n}", `bad.usda:3:14: expected a quoted string, found "abc"`},
		{"string open", hdr + "over \"A\" {\n  string x = \"abc\n}", "bad.usda:3:14: string is not closed before the end of the line"},
		{"triple open", hdr + "over \"A\" {\n  string x = \"\"\"abc\n}", "bad.usda:3:14: string is not closed"},
		{"bad utf8", hdr + "over \"A\" {\n  string x = \"\xff\"\n}", "bad.usda:3:14: string is not valid UTF-8"},
		{"escaped bad utf8", hdr + "over \"A\" {\n  string x = \"\\xff\"\n}", "bad.usda:3:14: string escapes make it invalid UTF-8"},
		{"short tuple", hdr + "over \"A\" {\n  float3 x = (1, 2)\n}", `bad.usda:3:19: expected ',' in a 3-tuple, found ")"`},
		{"long tuple", hdr + "over \"A\" {\n  double3 x = (1, 2, 3, 4)\n}", `bad.usda:3:23: expected ')' to close a 3-tuple, found ","`},
		{"array no bracket", hdr + "over \"A\" {\n  int[] x = 1\n}", `bad.usda:3:13: expected '[' to start an array, found "1"`},
		{"array no comma", hdr + "over \"A\" {\n  int[] x = [1 2]\n}", `bad.usda:3:16: expected ',' or ']' in an array, found "2]"`},
		{"array unclosed", hdr + "over \"A\" {\n  float[] x = [1,\n", "bad.usda:4:1: expected a number, found end of file"},
		{"duplicate attribute", hdr + "over \"A\" {\n  double x = 1\n  double x = 2\n}", "bad.usda:4:3: attribute /A.x is declared twice"},
		{"duplicate prim", hdr + "over \"A\" {\n  double x = 1\n}\nover \"A\" {\n  double x = 2\n}", "bad.usda:6:3: prim /A is declared twice"},
		{"nesting", hdr + "(\n doc = " + strings.Repeat("[", 100) + "\n)", "bad.usda:3:73: values nested more than 64 deep"},
		{"meta type", hdr + "(\n customLayerData = {\n dictionary scenebench = {\n string[] propertyNames = [\"a\"]\n string[] propertyTypes = [\"quat\"]\n }\n }\n)", "customLayerData scenebench property 0 is not a name with a known type"},
		{"meta twice", hdr + "(\n customLayerData = {\n dictionary scenebench = {\n string[] propertyNames = [\"x\", \"x\"]\n string[] propertyTypes = [\"double\", \"double\"]\n }\n }\n)\nover \"A\" {\n double x = 1\n}", `customLayerData scenebench lists property double "x" twice`},
		{"meta clash", hdr + "(\n customLayerData = {\n dictionary scenebench = {\n string[] propertyNames = [\"x\"]\n string[] propertyTypes = [\"int\"]\n }\n }\n)\nover \"A\" {\n double x = 1\n}", "customLayerData scenebench declares x as int but the layer holds double values"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseLayerBytes("bad.usda", []byte(c.text))
			if err == nil {
				t.Fatalf("parsed without error; want %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q\nwant it to contain %q", err, c.want)
			}
		})
	}
}

// TestAccepted covers what OpenUSD's writer may emit beyond our own layers:
// comments, metadata of every kind, specifiers, role types, quoting styles,
// escapes and special numbers.
func TestAccepted(t *testing.T) {
	text := `#usda 1.0
# a comment
(
    defaultPrim = "World"
    doc = """two
lines"""
    subLayers = [@./a.usda@, @@@b@c.usda@@@]
    customLayerData = {
        dictionary other = { int[] xs = [1, 2,] double f = -inf }
        string "quoted key" = 'it "is"'
    }
)

def Xform "World" ( kind = "component"  prepend apiSchemas = ["A"] ) # trailing comment
{
    class "Proto" {}
    over "A" (
        doc = "x"
    )
    {
        custom uniform double d = 1e300 ( doc = "meta" )
        varying float f = nan
        point3f p = (1, -0, inf)
        color3f[] c = [(0.5, 0.25, 1), (1, 2, 3),]
        string s1 = 'say "hi"'
        string s2 = "tab\there\\ \x41\101\q"
        token t = ''''single' triple'''
        bool b1 = true
        bool b2 = 0
        int64 big = -9223372036854775808
        double none = None
        double declared
        int[] e = [ ]
        reorder properties = ["d", "f"]
    }
}
`
	r, err := parseLayerBytes("ok.usda", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	rd := &Reader{l: r}
	prims, _ := rd.Prims()
	if len(prims) != 1 || prims[0] != "/World/A" {
		t.Fatalf("prims = %v", prims)
	}
	get := func(name string) formats.Value {
		var v formats.Value
		if err := rd.Get("/World/A", name, &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return v
	}
	checks := []struct {
		name string
		ok   func(v formats.Value) bool
	}{
		{"d", func(v formats.Value) bool { return v.Type == formats.Double && v.Num == 1e300 }},
		{"f", func(v formats.Value) bool {
			return v.Type == formats.Float && math.Float64bits(v.Num) == 0x7ff8000000000000
		}},
		{"p", func(v formats.Value) bool {
			return v.Type == formats.Float3 && v.Vec[0] == 1 && math.Signbit(v.Vec[1]) && math.IsInf(v.Vec[2], 1)
		}},
		{"c", func(v formats.Value) bool {
			return v.Type == formats.Float3Array && len(v.Vecs) == 2 && v.Vecs[1][2] == 3
		}},
		{"s1", func(v formats.Value) bool { return v.Str == `say "hi"` }},
		{"s2", func(v formats.Value) bool { return v.Str == "tab\there\\ AAq" }},
		{"t", func(v formats.Value) bool { return v.Type == formats.Token && v.Str == "'single' triple" }},
		{"b1", func(v formats.Value) bool { return v.Bool }},
		{"b2", func(v formats.Value) bool { return !v.Bool }},
		{"big", func(v formats.Value) bool { return v.Int == math.MinInt64 }},
		{"e", func(v formats.Value) bool { return v.Type == formats.IntArray && len(v.Ints) == 0 }},
	}
	for _, c := range checks {
		if v := get(c.name); !c.ok(v) {
			t.Errorf("%s = %s %s", c.name, v.Type, v.String())
		}
	}
	var v formats.Value
	for _, name := range []string{"none", "declared"} {
		if err := rd.Get("/World/A", name, &v); !errors.Is(err, formats.ErrNoValue) {
			t.Errorf("%s: err = %v, want no value", name, err)
		}
	}
	if err := rd.Get("/World", "d", &v); !errors.Is(err, formats.ErrNotFound) {
		t.Errorf("prim without values: err = %v, want not found", err)
	}
}

// TestMixedTypes: one name with values of different types on different
// prims is one property per type, each sparse, and a prim reads the value
// it has.
func TestMixedTypes(t *testing.T) {
	text := "#usda 1.0\nover \"A\" {\n  double radius = 1.5\n}\nover \"B\" {\n  float radius = 2.5\n  int n = 1\n}\nover \"C\" {\n  int n = 2\n}\n"
	l, err := parseLayerBytes("mixed.usda", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	r := &Reader{l: l}
	want := []formats.Property{{Name: "radius", Type: formats.Double, Sparse: true}, {Name: "radius", Type: formats.Float, Sparse: true}, {Name: "n", Type: formats.Int, Sparse: true}}
	if got := r.Properties(); len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("properties %v, want %v", got, want)
	}
	var v formats.Value
	for _, c := range []struct{ prim, value string }{{"/A", "double 1.5"}, {"/B", "float 2.5"}} {
		if err := r.Get(c.prim, "radius", &v); err != nil || v.Type.String()+" "+v.String() != c.value {
			t.Errorf("%s.radius = %s %s, %v; want %s", c.prim, v.Type, v.String(), err, c.value)
		}
	}
	if err := r.Get("/C", "radius", &v); !errors.Is(err, formats.ErrNoValue) {
		t.Errorf("/C.radius: %v, want no value", err)
	}
}

// TestNestedDataPrims checks prims that carry values and have children: the
// writer's layout is OpenUSD's (text taken from usd-core's export of the same
// layer) and the reader lists prims in layer order even when a prim's
// attributes follow its children.
func TestNestedDataPrims(t *testing.T) {
	const want = `#usda 1.0

over "A"
{
    double w = 1.5
    double x = 1.5

    over "B"
    {
        double w = 1.5
        double x = 1.5

        over "C"
        {
            double w = 1.5
            double x = 1.5
        }
    }

    over "D"
    {
        double w = 1.5
        double x = 1.5
    }
}

over "E"
{
    double w = 1.5
    double x = 1.5
}

`
	var sb strings.Builder
	props := []formats.Property{{Name: "x", Type: formats.Double}, {Name: "w", Type: formats.Double}}
	enc, err := NewEncoder(&sb, EncoderOptions{}, formats.SceneInfo{})
	if err != nil {
		t.Fatal(err)
	}
	enc.props = props // no layer data, as in the reference text
	enc.order = []int{1, 0}
	vals := []formats.Value{{Type: formats.Double, Num: 1.5}, {Type: formats.Double, Num: 1.5}}
	for _, p := range []string{"/A", "/A/B", "/A/B/C", "/A/D", "/E"} {
		if err := enc.Prim(p, vals, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	if sb.String() != want {
		t.Errorf("got\n%s\nwant\n%s", sb.String(), want)
	}

	l, err := parseLayerBytes("x.usda", []byte("#usda 1.0\nover \"A\" {\n over \"B\" { double x = 1 }\n double y = 2\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(l.prims, " "); got != "/A /A/B" {
		t.Errorf("prims = %s, want /A /A/B", got)
	}
}

// TestGolden pins the writer's text for small deep scenes, one with time
// samples of every type; refresh with go test -run TestGolden -update.
func TestGolden(t *testing.T) {
	for _, c := range []struct {
		file     string
		opts     map[string]any
		animated bool // every property with time samples
	}{
		{"golden_over.usda", nil, false},
		{"golden_def_typed.usda", map[string]any{"specifier": "def", "type_name": "Scope"}, false},
		{"golden_animated.usda", nil, true},
	} {
		t.Run(c.file, func(t *testing.T) {
			opts, err := formats.Normalize(Format{}, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			s := formatstest.AllTypes(4, true)
			if c.animated {
				s = animate(formatstest.Extended(3+28), 3)
			}
			path := filepath.Join(t.TempDir(), "scene.usda")
			s.Write(t, Format{}, path, opts, 5)
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", c.file)
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if string(got) != string(want) {
				t.Errorf("writer output differs from %s: %s", golden, firstDiff(got, want))
			}
		})
	}
}

// TestWriterOrder checks the errors for prims out of layer order and invalid
// names.
func TestWriterOrder(t *testing.T) {
	props := []formats.Property{{Name: "x", Type: formats.Int}}
	cases := []struct {
		paths []string
		want  string
	}{
		{[]string{"/A/B", "/A"}, "prim /A arrives after it or its descendants"},
		{[]string{"/A", "/A"}, "prim /A arrives after"},
		{[]string{"A"}, `prim path "A" is not an absolute prim path`},
		{[]string{"/A//B"}, `"" is not a valid prim name`},
		{[]string{"/A/1B"}, `"1B" is not a valid prim name`},
		{[]string{"/A/"}, `"" is not a valid prim name`},
	}
	for _, c := range cases {
		var sb strings.Builder
		enc, err := NewEncoder(&sb, EncoderOptions{}, formats.SceneInfo{Properties: props})
		if err != nil {
			t.Fatal(err)
		}
		vals := []formats.Value{{Type: formats.Int, Int: 1}}
		for _, p := range c.paths {
			err = enc.Prim(p, vals, nil)
			if err != nil {
				break
			}
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want %q", c.paths, err, c.want)
		}
	}
	for _, bad := range []string{"1x", "a b", "a:", ":a", "a::b", ""} {
		_, err := NewEncoder(&strings.Builder{}, EncoderOptions{}, formats.SceneInfo{Properties: []formats.Property{{Name: bad, Type: formats.Int}}})
		if err == nil {
			t.Errorf("property name %q accepted", bad)
		}
	}
}

// FuzzParse feeds arbitrary text to the parser: it must never panic, a
// layer it accepts must answer every read it lists, and writing what it read
// must read back to the same values.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.usda"))
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("#usda 1.0\n(\n customLayerData = { dictionary scenebench = { string[] propertyNames = [\"x\"] string[] propertyTypes = [\"int\"] } }\n)\nover \"A\" { int x = 1 }\n"))
	f.Add([]byte("#usda 1.0\ndef Xform \"W\" (kind = \"a\") { custom uniform point3f[] p = [(1, 2, 3)] string s = '''a\n\\x41''' }\n"))
	f.Add([]byte("#usda 1.0\nover \"A\" {\n custom double x\n double x.timeSamples = { 2: 1, 1: None, 2: 3, }\n float3[] p = []\n float3[] p.timeSamples = {}\n}\nover \"B\" { token t.timeSamples = { -1e3: \"a\" } }\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// The full grammar: an error has a position, a layer prints.
		if full, err := parseFull("fuzz.usda", data); err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Line < 1 || se.Column < 1 {
				t.Fatalf("full grammar: %v", err)
			}
		} else if err := full.JSON(io.Discard); err != nil {
			t.Fatal(err)
		} else if err := full.Text(io.Discard); err != nil {
			t.Fatal(err)
		} else {
			// Its scene: every read by handles answers, times ascend.
			scene := sdf.NewScene("fuzz.usda", full)
			prims, _ := scene.Prims()
			var v formats.Value
			for ph := range prims {
				for _, prop := range scene.Properties() {
					h, err := scene.ResolveProperty(prop.Name)
					if err != nil {
						t.Fatal(err)
					}
					if err := scene.GetHandle(formats.PrimHandle(ph), h, &v); err != nil && !errors.Is(err, formats.ErrNoValue) {
						t.Fatal(err)
					}
					times, err := scene.SampleTimes(formats.PrimHandle(ph), h)
					if err != nil {
						t.Fatal(err)
					}
					for i, tm := range times {
						if math.IsNaN(tm) || (i > 0 && !(times[i-1] < tm)) {
							t.Fatalf("scene %s.%s: times %v are not ascending", prims[ph], prop.Name, times)
						}
						if err := scene.GetSample(formats.PrimHandle(ph), h, i, &v); err != nil && !errors.Is(err, formats.ErrNoValue) {
							t.Fatal(err)
						}
					}
				}
			}
		}
		l, err := parseLayerBytes("fuzz.usda", data)
		if err != nil {
			var se *SyntaxError
			if errors.As(err, &se) && (se.Line < 1 || se.Column < 1) {
				t.Fatalf("bad position in %v", err)
			}
			return
		}
		r := &Reader{l: l}
		prims, _ := r.Prims()
		props := r.Properties()
		// Time samples: ascending times, each sample a value or blocked.
		var sv formats.Value
		for ph := range prims {
			for _, prop := range props {
				h, err := r.ResolveProperty(prop.Name)
				if err != nil {
					t.Fatal(err)
				}
				times, err := r.SampleTimes(formats.PrimHandle(ph), h)
				if err != nil {
					t.Fatal(err)
				}
				for i, tm := range times {
					if math.IsNaN(tm) || (i > 0 && !(times[i-1] < tm)) {
						t.Fatalf("%s.%s: times %v are not ascending", prims[ph], prop.Name, times)
					}
					if err := r.GetSample(formats.PrimHandle(ph), h, i, &sv); err != nil && !errors.Is(err, formats.ErrNoValue) {
						t.Fatal(err)
					}
				}
			}
		}
		vals := make([]formats.Value, len(props))
		present := make([]bool, len(props))
		var sb strings.Builder
		info, _ := r.SceneInfo()
		enc, encErr := NewEncoder(&sb, EncoderOptions{}, info)
		for _, p := range prims {
			ph, err := r.ResolvePrim(p)
			if err != nil {
				t.Fatal(err)
			}
			for i, prop := range props {
				err := r.Get(p, prop.Name, &vals[i])
				if err != nil && !errors.Is(err, formats.ErrNotFound) && !errors.Is(err, formats.ErrNoValue) {
					t.Fatal(err)
				}
				// The same read by handles.
				var byHandle formats.Value
				h, herr := r.ResolveProperty(prop.Name)
				if herr == nil {
					herr = r.GetHandle(ph, h, &byHandle)
				}
				if (herr == nil) != (err == nil) || (err == nil && !byHandle.Equal(&vals[i])) {
					t.Fatalf("%s.%s by handles: %v (err %v), Get's %v (err %v)", p, prop.Name, byHandle, herr, vals[i], err)
				}
				// A name of several types: the prim's value is one of them.
				present[i] = err == nil && vals[i].Type == prop.Type
			}
			if encErr == nil {
				encErr = enc.Prim(p, vals, present)
			}
		}
		if encErr != nil || enc.Close() != nil {
			return // e.g. a prim spec repeated after its children
		}
		// What we write from an accepted layer reads back the same.
		l2, err := parseLayerBytes("again.usda", []byte(sb.String()))
		if err != nil {
			t.Fatalf("re-reading our own text: %v\n%s", err, sb.String())
		}
		r2 := &Reader{l: l2}
		prims2, _ := r2.Prims()
		// Only the default values were written again: prims with time
		// samples alone are left out.
		var withDefault []string
		var v, w formats.Value
		for _, p := range prims {
			for _, prop := range props {
				if r.Get(p, prop.Name, &v) == nil {
					withDefault = append(withDefault, p)
					break
				}
			}
		}
		if len(prims2) != len(withDefault) {
			t.Fatalf("%d prims with default values became %d", len(withDefault), len(prims2))
		}
		for k, p := range withDefault {
			if prims2[k] != p {
				t.Fatalf("prim %d: %s became %s", k, p, prims2[k])
			}
			for _, prop := range props {
				err1 := r.Get(p, prop.Name, &v)
				err2 := r2.Get(p, prop.Name, &w)
				if (err1 == nil) != (err2 == nil) || (err1 == nil && !v.Equal(&w)) {
					t.Fatalf("%s.%s: %s became %s (%v, %v)", p, prop.Name, v.String(), w.String(), err1, err2)
				}
			}
		}
	})
}

func TestUnescape(t *testing.T) {
	cases := []struct{ raw, want string }{
		{`\a\b\f\n\r\t\v`, "\a\b\f\n\r\t\v"},
		{`\\ \' \" \q`, `\ ' " q`},
		{`\x41\x4\xg`, "A\x04xg"},
		{`\101\7\0101`, "A\x07\x081"},
		{`end\`, `end\`},
	}
	for _, c := range cases {
		if got := unescape([]byte(c.raw)); got != c.want {
			t.Errorf("unescape(%q) = %q, want %q", c.raw, got, c.want)
		}
	}
}

// TestHandlesReordered checks handles where data slots and layer order
// differ (a prim's attributes after its children): a prim handle is the
// index in Prims, and reads and scans by handles give what Get gives.
func TestHandlesReordered(t *testing.T) {
	l, err := parseLayerBytes("x.usda", []byte("#usda 1.0\nover \"A\" {\n over \"B\" { double x = 1 }\n double y = 2\n}\nover \"C\" { double x = 3\n double y = 4 }\n"))
	if err != nil {
		t.Fatal(err)
	}
	if l.slotOf == nil {
		t.Fatal("the layer's slots are in layer order; the test needs them not to be")
	}
	r := &Reader{l: l}
	prims, _ := r.Prims()
	var hs []formats.PropertyHandle
	for _, name := range []string{"x", "y"} {
		h, err := r.ResolveProperty(name)
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, h)
	}
	same := func(p string, name string, got *formats.Value, gotErr error) {
		t.Helper()
		var want formats.Value
		wantErr := r.Get(p, name, &want)
		if (gotErr == nil) != (wantErr == nil) || (gotErr == nil && !got.Equal(&want)) {
			t.Errorf("%s.%s by handles = %v (err %v), Get's %v (err %v)", p, name, got, gotErr, want, wantErr)
		}
	}
	for i, p := range prims {
		ph, err := r.ResolvePrim(p)
		if err != nil || int(ph) != i {
			t.Fatalf("ResolvePrim(%s) = %d, %v; want %d", p, ph, err, i)
		}
		for j, name := range []string{"x", "y"} {
			var v formats.Value
			same(p, name, &v, r.GetHandle(ph, hs[j], &v))
		}
	}
	err = r.Scan(hs, 0, formats.PrimHandle(len(prims)), func(ph formats.PrimHandle, vals []formats.Value, has []bool) error {
		for j, name := range []string{"x", "y"} {
			var err error
			if !has[j] {
				err = formats.ErrNoValue
			}
			same(prims[ph], name, &vals[j], err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
