package formats

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/cespare/xxhash/v2"
)

// encode spells out the documented canonical encoding by hand, so the test
// fails if Digest ever drifts from the README's description.
func encode(buf *bytes.Buffer, path, prop string, typ Type, value []byte) {
	le := binary.LittleEndian
	buf.Write(le.AppendUint32(nil, uint32(len(path))))
	buf.WriteString(path)
	buf.Write(le.AppendUint32(nil, uint32(len(prop))))
	buf.WriteString(prop)
	buf.WriteByte(byte(typ))
	buf.Write(value)
}

func TestDigestMatchesDocumentedEncoding(t *testing.T) {
	le := binary.LittleEndian
	str := func(s string) []byte { return append(le.AppendUint32(nil, uint32(len(s))), s...) }
	f32 := func(fs ...float32) []byte {
		var b []byte
		for _, f := range fs {
			b = le.AppendUint32(b, math.Float32bits(f))
		}
		return b
	}
	f64 := func(fs ...float64) []byte {
		var b []byte
		for _, f := range fs {
			b = le.AppendUint64(b, math.Float64bits(f))
		}
		return b
	}
	cases := []struct {
		v    Value
		want []byte
	}{
		{Value{Type: Double, Num: 1234.5}, f64(1234.5)},
		{Value{Type: Float, Num: 0.25}, f32(0.25)},
		{Value{Type: Int, Int: -7}, le.AppendUint32(nil, uint32(0xFFFFFFF9))},
		{Value{Type: Int64, Int: 1 << 40}, le.AppendUint64(nil, 1<<40)},
		{Value{Type: Bool, Bool: true}, []byte{1}},
		{Value{Type: Bool}, []byte{0}},
		{Value{Type: String, Str: "SUP-0042"}, str("SUP-0042")},
		{Value{Type: Token, Str: "tok"}, str("tok")},
		{Value{Type: Float3, Vec: [3]float64{1, 2, 3}}, f32(1, 2, 3)},
		{Value{Type: Double3, Vec: [3]float64{1, 2, 0.1}}, f64(1, 2, 0.1)},
		{Value{Type: DoubleArray, Doubles: []float64{1, 2}}, append(le.AppendUint32(nil, 2), f64(1, 2)...)},
		{Value{Type: FloatArray, Floats: []float32{3}}, append(le.AppendUint32(nil, 1), f32(3)...)},
		{Value{Type: IntArray, Ints: []int32{-1, 5}}, append(le.AppendUint32(nil, 2), 0xff, 0xff, 0xff, 0xff, 5, 0, 0, 0)},
		{Value{Type: Float3Array, Vecs: [][3]float32{{1, 2, 3}}}, append(le.AppendUint32(nil, 1), f32(1, 2, 3)...)},
		{Value{Type: TokenArray, Strs: []string{"a", "bc"}}, append(le.AppendUint32(nil, 2), append(str("a"), str("bc")...)...)},
		{Value{Type: StringArray, Strs: []string{""}}, append(le.AppendUint32(nil, 1), str("")...)},
		{Value{Type: BoolArray, Bools: []bool{true, false}}, append(le.AppendUint32(nil, 2), 1, 0)},
		{Value{Type: Int64Array, Int64s: []int64{-1}}, append(le.AppendUint32(nil, 1), le.AppendUint64(nil, 1<<64-1)...)},
		{Value{Type: Double2, Tuple: [16]float64{1, 0.1}}, f64(1, 0.1)},
		{Value{Type: Double4, Tuple: [16]float64{1, 2, 3, 4}}, f64(1, 2, 3, 4)},
		{Value{Type: Float2, Tuple: [16]float64{0.5, -1}}, f32(0.5, -1)},
		{Value{Type: Float4, Tuple: [16]float64{1, 2, 3, 4}}, f32(1, 2, 3, 4)},
		{Value{Type: Int2, Tuple: [16]float64{-1, 2}}, append(le.AppendUint32(nil, 0xFFFFFFFF), 2, 0, 0, 0)},
		{Value{Type: Int3, Tuple: [16]float64{1, 2, 3}}, le.AppendUint32(le.AppendUint32(le.AppendUint32(nil, 1), 2), 3)},
		{Value{Type: Int4, Tuple: [16]float64{0, 0, 0, 1}}, le.AppendUint32(make([]byte, 12), 1)},
		{Value{Type: Half, Num: 1.5}, le.AppendUint16(nil, 0x3e00)},
		{Value{Type: HalfArray, Halfs: []uint16{0x3c00}}, append(le.AppendUint32(nil, 1), 0x00, 0x3c)},
		{Value{Type: Matrix4d, Tuple: [16]float64{1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 5, 6, 7, 1}}, f64(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 5, 6, 7, 1)},
		{Value{Type: Quatf, Tuple: [16]float64{1, 0, 0, 0.5}}, f32(1, 0, 0, 0.5)},
		{Value{Type: Quatd, Tuple: [16]float64{0.5, 0.1, 0.2, 0.3}}, f64(0.5, 0.1, 0.2, 0.3)},
		{Value{Type: Asset, Str: "a.usd"}, str("a.usd")},
		{Value{Type: Float2Array, Floats: []float32{1, 2, 3, 4}}, append(le.AppendUint32(nil, 2), f32(1, 2, 3, 4)...)},
	}
	var all bytes.Buffer
	var d Digest
	d.Reset()
	for _, c := range cases {
		var one bytes.Buffer
		encode(&one, "/World/Prim_1", "p", c.v.Type, c.want)
		var single Digest
		single.Reset()
		single.Add("/World/Prim_1", "p", &c.v)
		if got, want := single.Sum(), xxhash.Sum64(one.Bytes()); got != want {
			t.Errorf("%s: digest %016x, documented encoding gives %016x", c.v.Type, got, want)
		}
		encode(&all, "/World/Prim_1", "p", c.v.Type, c.want)
		d.Add("/World/Prim_1", "p", &c.v)
	}
	if got, want := d.Sum(), xxhash.Sum64(all.Bytes()); got != want {
		t.Errorf("streamed digest %016x, want %016x", got, want)
	}
	if d.Count() != len(cases) {
		t.Errorf("Count = %d, want %d", d.Count(), len(cases))
	}
	if len(d.Hex()) != 16 {
		t.Errorf("Hex %q is not 16 digits", d.Hex())
	}
}

func TestDigestOrderAndPathMatter(t *testing.T) {
	a := Value{Type: Double, Num: 1}
	b := Value{Type: Double, Num: 2}
	sum := func(adds func(d *Digest)) uint64 {
		var d Digest
		d.Reset()
		adds(&d)
		return d.Sum()
	}
	ab := sum(func(d *Digest) { d.Add("/a", "x", &a); d.Add("/b", "x", &b) })
	ba := sum(func(d *Digest) { d.Add("/b", "x", &b); d.Add("/a", "x", &a) })
	swapped := sum(func(d *Digest) { d.Add("/a", "x", &b); d.Add("/b", "x", &a) })
	if ab == ba || ab == swapped {
		t.Fatal("digest ignores order or paths")
	}
	// "ab"+"c" must differ from "a"+"bc": lengths are part of the encoding.
	p := sum(func(d *Digest) { d.Add("/ab", "c", &a) })
	q := sum(func(d *Digest) { d.Add("/a", "bc", &a) })
	if p == q {
		t.Fatal("digest is ambiguous across field boundaries")
	}
}

func TestDigestDoesNotAllocate(t *testing.T) {
	var d Digest
	d.Reset()
	v := Value{Type: String, Str: "SUP-1234"}
	allocs := testing.AllocsPerRun(100, func() { d.Add("/World/Prim_1", "supplier_id", &v) })
	if allocs != 0 {
		t.Fatalf("Digest.Add allocates %.1f times per call", allocs)
	}
}

func TestParseType(t *testing.T) {
	for _, name := range TypeNames() {
		typ, ok := ParseType(name)
		if !ok || typ.String() != name {
			t.Errorf("ParseType(%q) = %v, %v", name, typ, ok)
		}
	}
	for _, bad := range []string{"", "invalid", "double[][]", "Double", "vec3f"} {
		if _, ok := ParseType(bad); ok {
			t.Errorf("ParseType(%q) accepted", bad)
		}
	}
	var typ Type
	if err := typ.UnmarshalText([]byte("float3[]")); err != nil || typ != Float3Array {
		t.Errorf("UnmarshalText float3[] = %v, %v", typ, err)
	}
	if !Float3Array.IsArray() || Float3.IsArray() {
		t.Error("IsArray is wrong")
	}
}

// TestArrayTypes: ArrayOf and Elem agree with the type names ("T[]" is
// the array of T) and with IsArray, for every type.
func TestArrayTypes(t *testing.T) {
	for typ := Invalid; typ <= Float3Array+1; typ++ {
		arr := ArrayOf(typ)
		named, ok := ParseType(typ.String() + "[]")
		if typ == Invalid {
			ok = false
		}
		if (arr != Invalid) != ok || (ok && arr != named) {
			t.Errorf("ArrayOf(%s) = %s, want %s", typ, arr, named)
		}
		if arr != Invalid && arr.Elem() != typ {
			t.Errorf("%s.Elem() = %s, want %s", arr, arr.Elem(), typ)
		}
		if !typ.IsArray() && typ.Elem() != typ {
			t.Errorf("%s.Elem() = %s for a scalar", typ, typ.Elem())
		}
		if typ.IsArray() && ArrayOf(typ.Elem()) != typ {
			t.Errorf("ArrayOf(%s.Elem()) = %s", typ, ArrayOf(typ.Elem()))
		}
	}
}

type fakeFormat struct{}

func (fakeFormat) Name() string      { return "fake" }
func (fakeFormat) Extension() string { return ".fake" }
func (fakeFormat) Options() []Option {
	return []Option{
		{Name: "compression", Kind: OptString, Default: "none", Allowed: []string{"none", "zstd"}},
		{Name: "row_group_size", Kind: OptInt, Default: int64(1000), Min: 1, LabelPrefix: "rg"},
		{Name: "dictionary", Kind: OptBool, Default: true},
		{Name: "cache_budget", Kind: OptInt, Default: int64(0), ReadOnly: true},
	}
}
func (fakeFormat) Create(string, Options, SceneInfo) (Writer, error) { return nil, nil }
func (fakeFormat) Open(string, Options) (Reader, error)              { return nil, nil }

func TestNormalize(t *testing.T) {
	f := fakeFormat{}
	cases := []struct {
		name    string
		in      map[string]any
		want    Options
		wantErr string
	}{
		{"defaults", nil, Options{"compression": "none", "row_group_size": int64(1000), "dictionary": true, "cache_budget": int64(0)}, ""},
		{"set", map[string]any{"compression": "zstd", "row_group_size": 100.0}, Options{"compression": "zstd", "row_group_size": int64(100), "dictionary": true, "cache_budget": int64(0)}, ""},
		{"unknown option", map[string]any{"codec": "zstd"}, nil, `format "fake" has no option "codec"`},
		{"unsupported value", map[string]any{"compression": "rar"}, nil, `does not support "rar"`},
		{"wrong kind", map[string]any{"dictionary": "yes"}, nil, "must be true or false"},
		{"fraction", map[string]any{"row_group_size": 1.5}, nil, "whole number"},
		{"below min", map[string]any{"row_group_size": int64(0)}, nil, "at least 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Normalize(f, c.in)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range c.want {
				if got[k] != v {
					t.Errorf("%s = %#v, want %#v", k, got[k], v)
				}
			}
		})
	}
}

func TestLabelFragmentAndFileKey(t *testing.T) {
	f := fakeFormat{}
	opts := f.Options()
	if got := opts[0].LabelFragment("zstd"); got != "zstd" {
		t.Errorf("string fragment %q", got)
	}
	if got := opts[1].LabelFragment(int64(1000)); got != "rg1000" {
		t.Errorf("int fragment %q", got)
	}
	if got := opts[2].LabelFragment(false); got != "no-dictionary" {
		t.Errorf("bool fragment %q", got)
	}
	a, _ := Normalize(f, map[string]any{"cache_budget": int64(1)})
	b, _ := Normalize(f, map[string]any{"cache_budget": int64(2)})
	c, _ := Normalize(f, map[string]any{"compression": "zstd"})
	if FileKey(f, a) != FileKey(f, b) {
		t.Error("a read-only option changed the file key")
	}
	if FileKey(f, a) == FileKey(f, c) {
		t.Error("compression did not change the file key")
	}
}

func TestFormatUSDA(t *testing.T) {
	cases := []struct {
		v    Value
		want string
	}{
		{Value{Type: Double, Num: 0.1}, "0.1"},
		{Value{Type: Double, Num: 1e21}, "1e21"},
		{Value{Type: Double, Num: 1e-5}, "0.00001"},
		{Value{Type: Double, Num: 1e14}, "100000000000000"},
		{Value{Type: Double, Num: math.Inf(-1)}, "-inf"},
		{Value{Type: Float, Num: float64(float32(0.1))}, "0.1"},
		{Value{Type: Int, Int: -3}, "-3"},
		{Value{Type: Bool, Bool: true}, "1"},
		{Value{Type: String, Str: "a\"b\\c\n"}, "'''a\"b\\\\c\n'''"},
		{Value{Type: String, Str: "it's \"x\"\t"}, `"it's \"x\"\t"`},
		{Value{Type: Float3, Vec: [3]float64{1, 2.5, -3}}, "(1, 2.5, -3)"},
		{Value{Type: IntArray, Ints: []int32{1, 2}}, "[1, 2]"},
		{Value{Type: Float3Array, Vecs: [][3]float32{{1, 2, 3}, {4, 5, 6}}}, "[(1, 2, 3), (4, 5, 6)]"},
		{Value{Type: DoubleArray}, "[]"},
		{Value{Type: Half, Num: float64(HalfToFloat32(HalfFromFloat32(0.1)))}, "0.0999756"},
		{Value{Type: HalfArray, Halfs: []uint16{HalfFromFloat32(1.5), HalfFromFloat32(65504)}}, "[1.5, 65504]"},
		{Value{Type: BoolArray, Bools: []bool{true, false}}, "[1, 0]"},
		{Value{Type: StringArray, Strs: []string{"a", `q"`}}, `["a", 'q"']`},
		{Value{Type: Int64Array, Int64s: []int64{1, -1 << 40}}, "[1, -1099511627776]"},
		{Value{Type: Double2, Tuple: [16]float64{1, 0.1}}, "(1, 0.1)"},
		{Value{Type: Int3, Tuple: [16]float64{1, 2, 3}}, "(1, 2, 3)"},
		{Value{Type: Matrix4d, Tuple: [16]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16.5}},
			"( (1, 2, 3, 4), (5, 6, 7, 8), (9, 10, 11, 12), (13, 14, 15, 16.5) )"},
		{Value{Type: Quatf, Tuple: [16]float64{1, 2, 3, 4}}, "(1, 2, 3, 4)"},
		{Value{Type: Asset, Str: "tex.png"}, "@tex.png@"},
		{Value{Type: Asset, Str: "a/b@c.usd"}, "@@@a/b@c.usd@@@"},
		{Value{Type: Float2Array, Floats: []float32{0.1, 0.2, 1, 2}}, "[(0.1, 0.2), (1, 2)]"},
	}
	for _, c := range cases {
		if got := FormatUSDA(&c.v); got != c.want {
			t.Errorf("%s: got %s, want %s", c.v.Type, got, c.want)
		}
	}
}

func TestBatchCheck(t *testing.T) {
	props := []Property{{Name: "cost", Type: Double}, {Name: "name", Type: String}}
	b := Batch{
		Paths: []string{"/World/A", "/World/B"},
		Columns: []Column{
			{Property: props[0], Doubles: []float64{1, 2}},
			{Property: props[1], Strings: []string{"a", "b"}},
		},
	}
	if err := b.Check(props); err != nil {
		t.Fatal(err)
	}
	var v Value
	b.Columns[1].Value(1, &v)
	if v.Type != String || v.Str != "b" {
		t.Errorf("Value(1) = %+v", v)
	}
	b.Columns[1].Strings = b.Columns[1].Strings[:1]
	if err := b.Check(props); err == nil {
		t.Error("short column accepted")
	}
	if err := b.Check(props[:1]); err == nil {
		t.Error("extra column accepted")
	}
	// Sparse columns: only a sparse property may leave a prim without a
	// value, and a prim has at most one value per name.
	b.Columns[1].Strings = []string{"a", "b"}
	b.Columns[0].Present = []bool{true, false}
	if err := b.Check(props); err == nil || !strings.Contains(err.Error(), "not declare sparse") {
		t.Errorf("absent value of a dense property: %v", err)
	}
	mixed := []Property{{Name: "r", Type: Double, Sparse: true}, {Name: "r", Type: Float, Sparse: true}}
	b.Columns = []Column{
		{Property: mixed[0], Doubles: []float64{1, 0}, Present: []bool{true, false}},
		{Property: mixed[1], Floats: []float32{0, 2}, Present: []bool{false, true}},
	}
	if err := b.Check(mixed); err != nil {
		t.Errorf("one name of two types: %v", err)
	}
	b.Columns[1].Present[0] = true
	if err := b.Check(mixed); err == nil || !strings.Contains(err.Error(), "two values of r") {
		t.Errorf("two values of one name on a prim: %v", err)
	}
}

// TestHalf: conversions to and from binary16 are exact both ways for
// every half, round to nearest even, and saturate to infinity.
func TestHalf(t *testing.T) {
	for h := range 1 << 16 {
		f := HalfToFloat32(uint16(h))
		back := HalfFromFloat32(f)
		if f != f { // NaN: stays a NaN of the same sign
			if back&0x7c00 != 0x7c00 || back&0x3ff == 0 || back>>15 != uint16(h)>>15 {
				t.Errorf("NaN %#04x came back as %#04x", h, back)
			}
			continue
		}
		if back != uint16(h) {
			t.Errorf("%#04x -> %v -> %#04x", h, f, back)
		}
	}
	for _, c := range []struct {
		f    float32
		want uint16
	}{
		{0.1, 0x2e66}, {65504, 0x7bff}, {65520, 0x7c00}, {1e-8, 0}, {-2, 0xc000},
		{1 + 1.0/2048, 0x3c00}, {1 + 3.0/2048, 0x3c02}, {5.960464477539063e-08, 1},
	} {
		if got := HalfFromFloat32(c.f); got != c.want {
			t.Errorf("HalfFromFloat32(%v) = %#04x, want %#04x", c.f, got, c.want)
		}
	}
}

func TestNoValueError(t *testing.T) {
	err := error(&NoValueError{File: "a.usdc", Prim: "/hello/world", Property: "radius", Why: "declared without a default value"})
	if !errors.Is(err, ErrNoValue) || errors.Is(err, ErrNotFound) {
		t.Error("NoValueError unwraps to ErrNoValue only")
	}
	if want := `a.usdc: prim "/hello/world" has no value for "radius" (declared without a default value)`; err.Error() != want {
		t.Errorf("message %q", err)
	}
}

func TestNotFoundError(t *testing.T) {
	err := error(&NotFoundError{File: "a.parquet", Prim: "/World/X", Property: "cost"})
	if !errors.Is(err, ErrNotFound) {
		t.Error("NotFoundError does not unwrap to ErrNotFound")
	}
	if !strings.Contains(err.Error(), `a.parquet: prim "/World/X" has no property "cost"`) {
		t.Errorf("message %q", err)
	}
}
