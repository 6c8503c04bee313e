package drivers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/internal/param"
	"github.com/scenebench/runner/internal/testenv"
	"github.com/scenebench/runner/runner/driver"
	"github.com/scenebench/runner/runner/ops"
	"github.com/scenebench/runner/runner/protocol"
)

// tsScene is what testdata/timesamples/scene.py prints: usd-core's reads of
// the scene it wrote.
type tsScene struct {
	Prims      []string                    `json:"prims"`
	Properties [][2]string                 `json:"properties"` // name, USD type name
	Queries    []float64                   `json:"queries"`
	Defaults   tsReads                     `json:"defaults"`
	Reads      map[string]tsReads          `json:"reads"` // by repr(time)
	All        map[string]map[string]tsAll `json:"all"`
}

// tsReads holds one value per prim and property (null: no value).
type tsReads map[string]map[string]json.RawMessage

// tsAll is one (prim, property)'s time samples, or its default when it
// has none.
type tsAll struct {
	Times   []float64         `json:"times"`
	Values  []json.RawMessage `json:"values"`
	Default json.RawMessage   `json:"default"`
}

// tsValue converts a value usd-core read (as scene.py writes it) to a
// formats.Value of the attribute's type; false for null (no value).
func tsValue(t *testing.T, typeName string, raw json.RawMessage) (formats.Value, bool) {
	t.Helper()
	var v formats.Value
	if len(raw) == 0 || string(raw) == "null" {
		return v, false
	}
	var err error
	switch typeName {
	case "double", "float":
		v.Type = map[string]formats.Type{"double": formats.Double, "float": formats.Float}[typeName]
		err = json.Unmarshal(raw, &v.Num)
	case "double3", "color3f":
		var x []float64
		err = json.Unmarshal(raw, &x)
		v.Type = map[string]formats.Type{"double3": formats.Double3, "color3f": formats.Float3}[typeName]
		copy(v.Vec[:], x)
	case "float[]":
		v.Type = formats.FloatArray
		err = json.Unmarshal(raw, &v.Floats)
	case "double[]":
		v.Type = formats.DoubleArray
		err = json.Unmarshal(raw, &v.Doubles)
	case "point3f[]":
		v.Type = formats.Float3Array
		err = json.Unmarshal(raw, &v.Vecs)
	case "int":
		v.Type = formats.Int
		err = json.Unmarshal(raw, &v.Int)
	case "token":
		v.Type = formats.Token
		err = json.Unmarshal(raw, &v.Str)
	default:
		t.Fatalf("scene.py wrote a %s, which this test does not convert", typeName)
	}
	if err != nil {
		t.Fatalf("%s value %s: %v", typeName, raw, err)
	}
	return v, true
}

// tsWant is the digest and value count a step must answer.
type tsWant struct {
	digest string
	values int64
}

// tsExpect digests usd-core's values as a get of prim (or, with prim "",
// a layer-order traverse of every prim) with time when (nil: no time,
// "all", or a float64) reads them: formats.Digest's Add and AddAt.
func tsExpect(t *testing.T, sc *tsScene, prim string, when any) tsWant {
	t.Helper()
	prims := sc.Prims
	if prim != "" {
		prims = []string{prim}
	}
	d := tsDigest(t, sc, prims, when)
	return tsWant{d.Hex(), int64(d.Count())}
}

// tsDigest digests usd-core's values of prims, in order, as read with
// time when.
func tsDigest(t *testing.T, sc *tsScene, prims []string, when any) *formats.Digest {
	t.Helper()
	var d formats.Digest
	d.Reset() // the zero Digest is not a started one
	for _, p := range prims {
		for _, prop := range sc.Properties {
			name, typ := prop[0], prop[1]
			switch w := when.(type) {
			case nil:
				if v, ok := tsValue(t, typ, sc.Defaults[p][name]); ok {
					d.Add(p, name, &v)
				}
			case string:
				a := sc.All[p][name]
				if a.Times == nil {
					if v, ok := tsValue(t, typ, a.Default); ok {
						d.Add(p, name, &v)
					}
					continue
				}
				for k, tk := range a.Times {
					if v, ok := tsValue(t, typ, a.Values[k]); ok {
						d.AddAt(p, name, tk, &v)
					}
				}
			case float64:
				if v, ok := tsValue(t, typ, sc.Reads[tsKey(w)][p][name]); ok {
					d.AddAt(p, name, w, &v)
				}
			}
		}
	}
	return &d
}

// tsKey is Python's repr of a query time, the key scene.py writes.
func tsKey(t float64) string {
	s := strconv.FormatFloat(t, 'g', -1, 64)
	if _, err := strconv.Atoi(s); err == nil {
		s += ".0"
	}
	return s
}

func tsLoad(t *testing.T) (*tsScene, string) {
	t.Helper()
	py := testenv.Python(t, "pxr")
	dir := t.TempDir()
	out := testenv.RunPython(t, py, filepath.Join("testdata", "timesamples", "scene.py"), dir)
	var sc tsScene
	if err := json.Unmarshal(out, &sc); err != nil {
		t.Fatalf("scene.py printed %.200s: %v", out, err)
	}
	if len(sc.Prims) == 0 || len(sc.Queries) == 0 {
		t.Fatalf("scene.py printed no prims or no query times: %.200s", out)
	}
	return &sc, dir
}

// openusdReaders are OpenUSD's readers: the driver and its options.
var openusdReaders = []struct {
	name, driver string
	opts         map[string]any
}{
	{"openusd-py-sdf", "openusd-py", map[string]any{"api": "sdf"}},
	{"openusd-py-usd", "openusd-py", map[string]any{"api": "usd"}},
	{"openusd-cpp", "openusd-cpp", nil},
}

// Every OpenUSD driver (openusd-py at api sdf and usd, openusd-cpp) reads
// values at times as usd-core's UsdAttribute::Get does: get and traverse
// at sample times, between samples, before the first and after the last,
// and "all", on a usda and a usdc with per-prim sample times, opened alone
// and composed as the sublayer of a base layer, answer the digest of
// usd-core's own values.
func TestDriversReadTimeSamples(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Python and C++ driver processes")
	}
	sc, dir := tsLoad(t)
	whens := []any{nil, "all"}
	for _, q := range sc.Queries {
		whens = append(whens, q)
	}
	for _, r := range openusdReaders {
		t.Run(r.name, func(t *testing.T) {
			launcher := testenv.Driver(t, r.driver)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			s, err := driver.Start(ctx, driver.Command{Name: r.driver, Argv: []string{launcher}})
			if err != nil {
				if s != nil {
					t.Fatalf("%v\n%s", err, s.Stderr())
				}
				t.Fatal(err)
			}
			defer s.Close(ctx)
			if c := s.Hello().Capabilities; c == nil || !c.Time {
				t.Fatalf("hello does not declare time: %+v", c)
			}
			for _, file := range []string{"usda", "usdc", "usda-composed", "usdc-composed"} {
				format, composed := strings.CutSuffix(file, "-composed")
				open := param.Values{"path": filepath.Join(dir, "scene."+format), "format": format}
				if r.opts != nil {
					open["driver_options"] = r.opts
				}
				if composed {
					open["compose"], open["base"] = "sublayer", filepath.Join(dir, "base.usda")
				}
				if _, err := s.Step(ctx, &protocol.Step{Op: "open", Name: "open", Params: open}, protocol.Expect{Ops: 1}); err != nil {
					t.Fatalf("%s: %v\n%s", file, err, s.Stderr())
				}
				props := make([]string, len(sc.Properties))
				for i, p := range sc.Properties {
					props[i] = p[0]
				}
				for _, when := range whens {
					for _, prim := range []string{sc.Prims[0], sc.Prims[4], ""} {
						ps := param.Values{"properties": props}
						op := "traverse"
						if prim != "" {
							op = "get"
							ps["prim"], ps["times"] = prim, 1
						}
						if when != nil {
							ps["time"] = when
						}
						name := fmt.Sprintf("%s-%s-%v", file, op, when)
						res, err := s.Step(ctx, &protocol.Step{Op: op, Name: name, Params: ps},
							protocol.Expect{Digest: true, MaxValues: 1 << 20})
						if err != nil {
							t.Fatalf("%s %s: %v\n%s", name, prim, err, s.Stderr())
						}
						want := tsExpect(t, sc, prim, when)
						if res.Digest != want.digest || res.Values != want.values {
							t.Errorf("%s %s: digest %s of %d values, usd-core's values give %s of %d",
								name, prim, res.Digest, res.Values, want.digest, want.values)
						}
					}
					if !s.Hello().Capabilities.Threads || when == nil {
						continue
					}
					// Two threads: the first three prims, then the other two,
					// each chunk digested alone, the step's digest XXH64 of
					// the two.
					name := fmt.Sprintf("%s-traverse-2-threads-%v", file, when)
					res, err := s.Step(ctx, &protocol.Step{Op: "traverse", Name: name,
						Params: param.Values{"properties": props, "threads": 2, "time": when}},
						protocol.Expect{Digest: true, MaxValues: 1 << 20, Ops: 1})
					if err != nil {
						t.Fatalf("%s: %v\n%s", name, err, s.Stderr())
					}
					a, b := tsDigest(t, sc, sc.Prims[:3], when), tsDigest(t, sc, sc.Prims[3:], when)
					want := ops.CombineDigests([]uint64{a.Sum(), b.Sum()})
					if res.Digest != want || res.Values != int64(a.Count()+b.Count()) {
						t.Errorf("%s: digest %s of %d values, usd-core's values give %s of %d",
							name, res.Digest, res.Values, want, a.Count()+b.Count())
					}
				}
			}
		})
	}
}

// tsReader serves usd-core's reads of the scene (defaults and every time
// sample) through formats.Resolver and formats.Sampler, so that
// formats.TimeReader resolves the times in between: the Go side of the
// same agreement.
type tsReader struct {
	t  *testing.T
	sc *tsScene
}

func (r *tsReader) ResolvePrim(path string) (formats.PrimHandle, error) {
	for i, p := range r.sc.Prims {
		if p == path {
			return formats.PrimHandle(i), nil
		}
	}
	return 0, fmt.Errorf("prim %s: %w", path, formats.ErrNotFound)
}

func (r *tsReader) ResolveProperty(name string) (formats.PropertyHandle, error) {
	for i, p := range r.sc.Properties {
		if p[0] == name {
			return formats.PropertyHandle(i), nil
		}
	}
	return 0, fmt.Errorf("property %s: %w", name, formats.ErrNotFound)
}

func (r *tsReader) GetHandle(prim formats.PrimHandle, prop formats.PropertyHandle, dst *formats.Value) error {
	p, n := r.sc.Prims[prim], r.sc.Properties[prop]
	v, ok := tsValue(r.t, n[1], r.sc.Defaults[p][n[0]])
	if !ok {
		return formats.ErrNoValue
	}
	*dst = v
	return nil
}

func (r *tsReader) SampleTimes(prim formats.PrimHandle, prop formats.PropertyHandle) ([]float64, error) {
	return r.sc.All[r.sc.Prims[prim]][r.sc.Properties[prop][0]].Times, nil
}

func (r *tsReader) GetSample(prim formats.PrimHandle, prop formats.PropertyHandle, i int, dst *formats.Value) error {
	p, n := r.sc.Prims[prim], r.sc.Properties[prop]
	v, ok := tsValue(r.t, n[1], r.sc.All[p][n[0]].Values[i])
	if !ok {
		return fmt.Errorf("%s.%s sample %d is blocked: %w", p, n[0], i, formats.ErrNoValue)
	}
	*dst = v
	return nil
}

// formats.TimeReader, given the samples usd-core read, resolves every
// query time to usd-core's own value, bit for bit.
func TestTimeReaderMatchesUsdCore(t *testing.T) {
	sc, _ := tsLoad(t)
	tr := formats.NewTimeReader(&tsReader{t: t, sc: sc})
	qs := append([]float64(nil), sc.Queries...)
	sort.Float64s(qs)
	for _, q := range qs {
		for pi, p := range sc.Prims {
			for ni, n := range sc.Properties {
				want, wok := tsValue(t, n[1], sc.Reads[tsKey(q)][p][n[0]])
				var got formats.Value
				err := tr.GetAt(formats.PrimHandle(pi), formats.PropertyHandle(ni), q, &got)
				if !wok {
					if err == nil {
						t.Errorf("%s.%s at %v: TimeReader read a value, usd-core none", p, n[0], q)
					}
					continue
				}
				if err != nil {
					t.Errorf("%s.%s at %v: %v", p, n[0], q, err)
					continue
				}
				var dg, dw formats.Digest
				dg.Reset()
				dw.Reset()
				dg.AddAt(p, n[0], q, &got)
				dw.AddAt(p, n[0], q, &want)
				if dg.Sum() != dw.Sum() {
					t.Errorf("%s.%s at %v: TimeReader %+v, usd-core %+v", p, n[0], q, got, want)
				}
			}
		}
	}
}

// BenchmarkDriverReadsAtTime times each OpenUSD driver's warm get of every
// property of one prim and traversal of every prim, by default, at a
// sample's time, between two samples and "all", interleaved round by
// round in one driver process. It reports the medians of the drivers' own
// figures (ns per get, ns per traversal) as metrics. The scene
// (testdata/timesamples/scene.py --bench) is 1,000 prims whose 9
// properties each have 24 samples; written once per run, which takes a
// while. Run with -benchtime=Nx: N rounds.
func BenchmarkDriverReadsAtTime(b *testing.B) {
	py := testenv.Python(b, "pxr")
	dir := b.TempDir()
	testenv.RunPython(b, py, filepath.Join("testdata", "timesamples", "scene.py"), "--bench", "1000", "24", dir)
	props := []string{"weight", "size", "xform", "color", "curve", "ramp", "points", "count", "label"}
	kinds := []struct {
		name string
		when any
	}{{"default", nil}, {"sample", 12.0}, {"between", 12.5}, {"all", "all"}}
	for _, r := range openusdReaders {
		b.Run(r.name, func(b *testing.B) {
			launcher := testenv.Driver(b, r.driver)
			ctx := context.Background()
			s, err := driver.Start(ctx, driver.Command{Name: r.driver, Argv: []string{launcher}})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close(ctx)
			open := param.Values{"path": filepath.Join(dir, "bench.usdc"), "format": "usdc"}
			if r.opts != nil {
				open["driver_options"] = r.opts
			}
			if _, err := s.Step(ctx, &protocol.Step{Op: "open", Name: "open", Params: open}, protocol.Expect{Ops: 1}); err != nil {
				b.Fatalf("%v\n%s", err, s.Stderr())
			}
			ns := map[string][]float64{}
			for i := 0; i < b.N; i++ {
				for _, k := range kinds {
					for _, op := range []string{"get", "traverse"} {
						ps := param.Values{"properties": props}
						if op == "get" {
							ps["prim"], ps["times"] = "/World/Prim_500", 10
						}
						if k.when != nil {
							ps["time"] = k.when
						}
						res, err := s.Step(ctx, &protocol.Step{Op: op, Name: op + "-" + k.name, Params: ps},
							protocol.Expect{Digest: true, MaxValues: 1 << 20})
						if err != nil {
							b.Fatalf("%v\n%s", err, s.Stderr())
						}
						ns[op+"-"+k.name] = append(ns[op+"-"+k.name], res.NS)
					}
				}
			}
			for name, xs := range ns {
				sort.Float64s(xs)
				b.ReportMetric(xs[len(xs)/2], name+"-ns")
			}
			b.ReportMetric(0, "ns/op")
		})
	}
}
