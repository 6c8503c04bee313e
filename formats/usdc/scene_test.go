package usdc

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/formatstest"
)

// allTypesProps carries one property of every supported type. The values
// of test scenes are this package's own (appendRandom), so that every
// encoding the crate has is written.
var allTypesProps = formatstest.AllTypesProperties()

// primPath names prim i of a flat or deep hierarchy.
func primPath(hier string, i int) string {
	if hier == "nested" { // prims with attributes under prims with attributes
		if i%2 == 1 {
			return fmt.Sprintf("/World/N_%d/Child", i/2)
		}
		return fmt.Sprintf("/World/N_%d", i/2)
	}
	if hier == "deep" {
		return fmt.Sprintf("/World/Zone_%d/Level_%d/Room_%d/Component_%d", i/1000, i/100%10, i/10%10, i%10)
	}
	return formatstest.FlatPath(i)
}

// testScene generates n prims of props deterministically, in batches.
type testScene struct {
	hier  string
	n     int
	props []formats.Property
	seed  uint64
}

// SceneInfo implements formatstest.Source.
func (s testScene) SceneInfo() formats.SceneInfo {
	return formats.SceneInfo{Schema: "custom", Hierarchy: s.hier, Seed: s.seed, Prims: s.n, Properties: s.props}
}

const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// Batches implements formatstest.Source. Every batch has columns of its
// own, so a caller may keep it.
func (s testScene) Batches(size int, yield func(*formats.Batch) error) error {
	rng := rand.New(rand.NewPCG(s.seed, 7))
	b := &formats.Batch{Columns: make([]formats.Column, len(s.props))}
	for i := 0; i < s.n; {
		b.Paths = b.Paths[:0]
		for c := range b.Columns {
			b.Columns[c] = formats.Column{Property: s.props[c]}
		}
		for ; i < s.n && len(b.Paths) < size; i++ {
			b.Paths = append(b.Paths, primPath(s.hier, i))
			for c := range b.Columns {
				appendRandom(rng, &b.Columns[c], i)
			}
		}
		if err := yield(b); err != nil {
			return err
		}
	}
	return nil
}

// appendRandom adds one value, mixing the encodings the crate uses
// (inlined, out of line, compressed and raw arrays).
func appendRandom(rng *rand.Rand, c *formats.Column, i int) {
	pick := rng.IntN(4)
	switch c.Property.Type {
	case formats.Double:
		v := []float64{1.5, rng.Float64() * 1000, math.Copysign(0, -1), 1e300}[pick]
		if i%97 == 5 {
			v = math.NaN()
		}
		c.Doubles = append(c.Doubles, v)
	case formats.Float:
		c.Floats = append(c.Floats, float32(rng.NormFloat64()))
	case formats.Int:
		c.Ints = append(c.Ints, int32(rng.IntN(200)-100))
	case formats.Int64:
		c.Int64s = append(c.Int64s, []int64{7, -1 << 40, rng.Int64(), math.MinInt64}[pick])
	case formats.Bool:
		c.Bools = append(c.Bools, rng.IntN(2) == 0)
	case formats.String:
		switch c.Property.Name {
		case "payload":
			b := make([]byte, 1000)
			for k := range b {
				b[k] = letters[rng.IntN(len(letters))]
			}
			c.Strings = append(c.Strings, string(b))
		case "install_date":
			c.Strings = append(c.Strings, fmt.Sprintf("20%02d-%02d-%02d", rng.IntN(25), 1+rng.IntN(12), 1+rng.IntN(28)))
		default:
			c.Strings = append(c.Strings, []string{"", "SUP-" + strconv.Itoa(rng.IntN(10000)), "naïve \"quoted\"\n", "ABC-123"}[pick])
		}
	case formats.Token:
		c.Strings = append(c.Strings, []string{"alpha", "beta", "gamma", "delta"}[pick])
	case formats.Float3:
		if pick == 0 {
			c.Vec3f = append(c.Vec3f, [3]float32{1, -2, 127})
		} else {
			c.Vec3f = append(c.Vec3f, [3]float32{float32(rng.Float64()), 2.5, float32(math.Copysign(0, -1))})
		}
	case formats.Double3:
		if pick == 0 {
			c.Vec3d = append(c.Vec3d, [3]float64{0, 5, -128})
		} else {
			c.Vec3d = append(c.Vec3d, [3]float64{rng.Float64(), 1e-300, 3})
		}
	case formats.DoubleArray:
		n := []int{0, 3, 20, 40}[pick]
		v := make([]float64, n)
		lut := rng.IntN(2) == 0
		for k := range v {
			switch {
			case n == 20:
				v[k] = float64(rng.IntN(1000) - 500)
			case n == 40 && lut:
				v[k] = []float64{0.25, 0.1, -7.5}[k%3] // few distinct: lookup table
			default:
				v[k] = rng.Float64()
			}
		}
		c.DoubleArrays = append(c.DoubleArrays, v)
	case formats.FloatArray:
		n := []int{0, 5, 16, 64}[pick]
		v := make([]float32, n)
		for k := range v {
			switch n {
			case 16:
				v[k] = float32(k * 3)
			case 64:
				v[k] = float32(k % 4)
				if k == 63 {
					v[k] = 0.5
				}
			default:
				v[k] = float32(rng.NormFloat64())
			}
		}
		if n == 64 && rng.IntN(2) == 0 {
			for k := range v {
				v[k] = float32(rng.NormFloat64())
			}
		}
		c.FloatArrays = append(c.FloatArrays, v)
	case formats.IntArray:
		n := []int{0, 5, 16, 100}[pick]
		v := make([]int32, n)
		for k := range v {
			v[k] = int32(rng.IntN(1 << 20))
			if k%3 == 0 {
				v[k] = math.MinInt32
			}
		}
		c.IntArrays = append(c.IntArrays, v)
	case formats.Float3Array:
		n := []int{0, 1, 4, 30}[pick]
		v := make([][3]float32, n)
		for k := range v {
			v[k] = [3]float32{float32(k), float32(rng.Float64()), -1}
		}
		c.Vec3fArrays = append(c.Vec3fArrays, v)
	}
}

// writeScene writes s with our writer.
func writeScene(t testing.TB, dir string, s testScene, opts formats.Options) string {
	t.Helper()
	path := filepath.Join(dir, fmt.Sprintf("%s_%d_%d.usdc", s.hier, s.n, len(s.props)))
	full, err := formats.Normalize(Format{}, opts)
	if err != nil {
		t.Fatal(err)
	}
	formatstest.WriteFile(t, Format{}, path, full, s, 1000)
	return path
}

// dumpNotation writes a value as dump_layer.py prints it: IEEE bits and
// integers as decimal strings, vectors and arrays as JSON arrays.
var dumpNotation = &formats.Notation{
	Float: func(dst []byte, x float64, bits int) []byte {
		if bits == 32 {
			return strconv.AppendQuote(dst, strconv.FormatUint(uint64(math.Float32bits(float32(x))), 10))
		}
		return strconv.AppendQuote(dst, strconv.FormatUint(math.Float64bits(x), 10))
	},
	Int: func(dst []byte, x int64) []byte { return strconv.AppendQuote(dst, strconv.FormatInt(x, 10)) },
	String: func(dst []byte, s string) []byte {
		b, _ := json.Marshal(s)
		return append(dst, b...)
	},
	Bool:    [2]string{"false", "true"},
	Tuple:   [2]byte{'[', ']'},
	Array:   [2]byte{'[', ']'},
	Sep:     ',',
	Invalid: "null",
}

// canonical renders a value as dump_layer.py does, decoded as JSON.
func canonical(v *formats.Value) any {
	var out any
	if err := json.Unmarshal(dumpNotation.AppendValue(nil, v), &out); err != nil {
		panic(err)
	}
	return out
}

// dumpPrim is one prim of a layer dump.
type dumpPrim struct {
	Path      string     `json:"path"`
	Specifier string     `json:"specifier"`
	TypeName  string     `json:"typeName"`
	Attrs     []dumpAttr `json:"attrs"`
}

type dumpAttr struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Custom      bool   `json:"custom"`
	Variability string `json:"variability"`
	Value       any    `json:"value"`
}

type layerDump struct {
	Prims []dumpPrim `json:"prims"`
}

// normalizeJSON round-trips v through JSON so that values compare with
// reflect.DeepEqual regardless of their Go types.
func normalizeJSON(t testing.TB, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// openPrims opens the file at path and lists its prims; the caller closes
// the reader.
func openPrims(tb testing.TB, path string) (*Reader, []string) {
	tb.Helper()
	r, err := Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	prims, err := r.Prims()
	if err != nil {
		r.Close()
		tb.Fatal(err)
	}
	return r, prims
}
