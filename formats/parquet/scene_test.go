package parquet

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/formatstest"
)

// The tests build their scenes here rather than through the dataset
// package: building20's properties plus, with extras, one property of every
// other type, with values chosen per (seed, row, column) so that any value
// can be recomputed on its own (sceneSpec.value), and arrays of varying
// length, empty ones included, to exercise list levels.

// extraProps are formatstest's properties of every type that building20
// lacks.
var extraProps = func() []formats.Property {
	var extra []formats.Property
	for _, p := range formatstest.AllTypesProperties() {
		if !slices.ContainsFunc(formatstest.Building20(true), func(b formats.Property) bool { return b.Name == p.Name }) {
			extra = append(extra, p)
		}
	}
	return extra
}()

// sceneSpec describes a test scene.
type sceneSpec struct {
	prims   int
	payload bool
	extras  bool
	seed    uint64
}

func (s sceneSpec) properties() []formats.Property {
	props := formatstest.Building20(s.payload)
	if s.extras {
		props = append(props, extraProps...)
	}
	return props
}

// SceneInfo implements formatstest.Source.
func (s sceneSpec) SceneInfo() formats.SceneInfo {
	return formats.SceneInfo{Schema: "building20", Hierarchy: "flat", Seed: s.seed, Prims: s.prims, Properties: s.properties()}
}

func primPath(i int) string { return formatstest.FlatPath(i) }

// mix is SplitMix64: a deterministic value per (seed, row, column).
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func (s sceneSpec) rnd(row, col int) uint64 {
	return mix(s.seed ^ uint64(row)*0x100000001b3 ^ uint64(col)<<48)
}

const payloadLen = 1000

// Batches implements formatstest.Source, reusing one batch.
func (s sceneSpec) Batches(size int, yield func(*formats.Batch) error) error {
	var b formats.Batch
	for lo := 0; lo < s.prims; lo += size {
		s.fill(&b, lo, min(lo+size, s.prims))
		if err := yield(&b); err != nil {
			return err
		}
	}
	return nil
}

// fill makes b rows [lo, hi) of the scene, giving it the scene's columns
// first if it has others.
func (s sceneSpec) fill(b *formats.Batch, lo, hi int) {
	if props := s.properties(); len(b.Columns) != len(props) {
		*b = *formats.NewBatch(props, hi-lo)
	}
	b.Reset()
	for row := lo; row < hi; row++ {
		b.Paths = append(b.Paths, primPath(row))
		for ci := range b.Columns {
			c := &b.Columns[ci]
			r := s.rnd(row, ci)
			f := float64(r>>11) / (1 << 53)
			switch c.Property.Type {
			case formats.Double:
				c.Doubles = append(c.Doubles, f*1000)
			case formats.Float:
				c.Floats = append(c.Floats, float32(f))
			case formats.Int:
				c.Ints = append(c.Ints, int32(r%100))
			case formats.Int64:
				c.Int64s = append(c.Int64s, int64(r))
			case formats.Bool:
				c.Bools = append(c.Bools, r&1 == 1)
			case formats.String, formats.Token:
				c.Strings = append(c.Strings, s.str(c.Property.Name, r))
			case formats.Float3:
				c.Vec3f = append(c.Vec3f, [3]float32{float32(f), float32(r % 7), -float32(f)})
			case formats.Double3:
				c.Vec3d = append(c.Vec3d, [3]float64{f, float64(r % 11), -f})
			case formats.DoubleArray:
				a := make([]float64, int(r%5)) // 0..4 elements, some empty
				for k := range a {
					a[k] = f + float64(k)
				}
				c.DoubleArrays = append(c.DoubleArrays, a)
			case formats.FloatArray:
				a := make([]float32, c.Property.Length)
				for k := range a {
					a[k] = float32(f) * float32(k)
				}
				c.FloatArrays = append(c.FloatArrays, a)
			case formats.IntArray:
				a := make([]int32, int(r%6))
				for k := range a {
					a[k] = int32(row + k)
				}
				c.IntArrays = append(c.IntArrays, a)
			case formats.Float3Array:
				a := make([][3]float32, int(r%3))
				for k := range a {
					a[k] = [3]float32{float32(k), float32(f), float32(row)}
				}
				c.Vec3fArrays = append(c.Vec3fArrays, a)
			}
		}
	}
}

func (s sceneSpec) str(name string, r uint64) string {
	switch name {
	case "supplier_id":
		return fmt.Sprintf("SUP-%04d", r%10000)
	case "material_code":
		return fmt.Sprintf("%c%c%c-%03d", 'A'+r%26, 'A'+(r>>8)%26, 'A'+(r>>16)%26, (r>>24)%1000)
	case "install_date":
		return fmt.Sprintf("20%02d-%02d-%02d", 10+r%15, 1+(r>>8)%12, 1+(r>>16)%28)
	case "kind":
		return [...]string{"wall", "door", "window"}[r%3]
	case "payload":
		b := make([]byte, payloadLen)
		x := r
		for i := range b {
			if i%8 == 0 {
				x = mix(x)
			}
			b[i] = 'a' + byte(x>>(8*(i%8)))%26
		}
		return string(b)
	}
	return strconv.FormatUint(r, 36)
}

// value returns the expected value of (row, property index).
func (s sceneSpec) value(row, col int) formats.Value {
	var b formats.Batch
	s.fill(&b, row, row+1)
	var v formats.Value
	b.Columns[col].Value(0, &v)
	return v
}

// writeScene writes the scene with the given options (defaults filled in)
// and returns the file's path.
func writeScene(t testing.TB, dir string, s sceneSpec, opts map[string]any) string {
	t.Helper()
	o, err := formats.Normalize(Format{}, opts)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("scene-%d-%s.parquet", s.prims, formats.FileKey(Format{}, o)))
	formatstest.WriteFile(t, Format{}, path, o, s, 1000)
	return path
}

func openScene(t testing.TB, path string, opts map[string]any) formats.Reader {
	t.Helper()
	o, err := formats.Normalize(Format{}, opts)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Format{}.Open(path, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}
