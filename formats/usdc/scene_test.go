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
)

// allTypesProps carries one property of every supported type.
var allTypesProps = []formats.Property{
	{Name: "cost", Type: formats.Double},
	{Name: "ratio", Type: formats.Float},
	{Name: "lifespan", Type: formats.Int},
	{Name: "serial", Type: formats.Int64},
	{Name: "is_active", Type: formats.Bool},
	{Name: "supplier_id", Type: formats.String},
	{Name: "kind", Type: formats.Token},
	{Name: "color", Type: formats.Float3},
	{Name: "origin", Type: formats.Double3},
	{Name: "samples", Type: formats.DoubleArray},
	{Name: "weights", Type: formats.FloatArray},
	{Name: "ids", Type: formats.IntArray},
	{Name: "points", Type: formats.Float3Array},
}

// building20 mirrors the benchmark schema's 20 properties (+ payload).
func building20(payload bool) []formats.Property {
	var ps []formats.Property
	for _, n := range []string{"cost", "carbon_A1", "carbon_A2", "carbon_A3", "carbon_A4", "carbon_A5",
		"weight", "temperature", "pressure", "velocity_x", "velocity_y", "velocity_z", "stress", "strain"} {
		ps = append(ps, formats.Property{Name: n, Type: formats.Double})
	}
	ps = append(ps, formats.Property{Name: "efficiency", Type: formats.Double},
		formats.Property{Name: "lifespan", Type: formats.Int},
		formats.Property{Name: "is_active", Type: formats.Bool},
		formats.Property{Name: "supplier_id", Type: formats.String},
		formats.Property{Name: "material_code", Type: formats.String},
		formats.Property{Name: "install_date", Type: formats.String})
	if payload {
		ps = append(ps, formats.Property{Name: "payload", Type: formats.String})
	}
	return ps
}

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
	return fmt.Sprintf("/World/Prim_%d", i)
}

// testScene generates n prims of props deterministically, in batches.
type testScene struct {
	hier  string
	n     int
	props []formats.Property
	seed  uint64
}

func (s testScene) info() formats.SceneInfo {
	return formats.SceneInfo{Schema: "custom", Hierarchy: s.hier, Seed: s.seed, Prims: s.n, Properties: s.props}
}

const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// batches yields the scene in batches of at most size prims.
func (s testScene) batches(size int, yield func(*formats.Batch) error) error {
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
	w, err := Format{}.Create(path, full, s.info())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.batches(1000, w.Write); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// canonical renders a value as dump_layer.py does: IEEE bits as decimal
// text, integers as text.
func canonical(v *formats.Value) any {
	b64 := func(x float64) string { return strconv.FormatUint(math.Float64bits(x), 10) }
	b32 := func(x float32) string { return strconv.FormatUint(uint64(math.Float32bits(x)), 10) }
	switch v.Type {
	case formats.Double:
		return b64(v.Num)
	case formats.Float:
		return b32(float32(v.Num))
	case formats.Int, formats.Int64:
		return strconv.FormatInt(v.Int, 10)
	case formats.Bool:
		return v.Bool
	case formats.String, formats.Token:
		return v.Str
	case formats.Float3:
		return []any{b32(float32(v.Vec[0])), b32(float32(v.Vec[1])), b32(float32(v.Vec[2]))}
	case formats.Double3:
		return []any{b64(v.Vec[0]), b64(v.Vec[1]), b64(v.Vec[2])}
	case formats.DoubleArray:
		out := []any{}
		for _, x := range v.Doubles {
			out = append(out, b64(x))
		}
		return out
	case formats.FloatArray:
		out := []any{}
		for _, x := range v.Floats {
			out = append(out, b32(x))
		}
		return out
	case formats.IntArray:
		out := []any{}
		for _, x := range v.Ints {
			out = append(out, strconv.FormatInt(int64(x), 10))
		}
		return out
	case formats.Float3Array:
		out := []any{}
		for _, x := range v.Vecs {
			out = append(out, []any{b32(x[0]), b32(x[1]), b32(x[2])})
		}
		return out
	}
	return nil
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
