package dataset

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scenebench/runner/formats"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// allTypes are custom properties covering every type and generator.
var allTypes = []PropertyConfig{
	prop("d_seq", "double", "sequence(0.5, 0.25)"),
	prop("f_norm", "float", "normal(10, 2)"),
	prop("f_uni", "float", "uniform(-1, 1)"),
	prop("i_choice", "int", "choice([3, 5, 7])"),
	prop("i_seq", "int", "sequence(-100, 3)"),
	prop("i64_uni", "int64", "uniform(-9223372036854775807, 9223372036854775807)"),
	prop("i64_const", "int64", "constant(1099511627776)"),
	prop("b_const", "bool", "constant(true)"),
	prop("s_choice", "string", `choice(["steel", "wood", "glass"])`),
	prop("s_pat", "string", `pattern("*{0-999}")`),
	prop("t_rand", "token", "random_string(12)"),
	prop("t_const", "token", `constant("beam")`),
	prop("v3f", "float3", "uniform(-1, 1)"),
	prop("v3d", "double3", "normal(0, 10)"),
	{Name: "da", Type: "double[]", Length: 4, Generator: "uniform(0, 1)"},
	{Name: "fa", Type: "float[]", Length: 3, Generator: "normal(0, 1)"},
	{Name: "ia", Type: "int[]", Length: 5, Generator: "choice([1, 2, 3])"},
	{Name: "v3fa", Type: "float3[]", Length: 2, Generator: "uniform(0, 100)"},
}

// digests returns one formats.Digest per column, and "paths" for the
// paths alone.
func digests(t testing.TB, cfg Config, batchSize int) map[string]string {
	t.Helper()
	ds := map[string]*formats.Digest{}
	pd := &formats.Digest{}
	var v formats.Value
	var none formats.Value
	err := Generate(cfg, batchSize, func(b *formats.Batch) error {
		if err := b.Check(ds2props(b)); err != nil {
			return err
		}
		for _, p := range b.Paths {
			pd.Add(p, "", &none)
		}
		for c := range b.Columns {
			col := &b.Columns[c]
			d := ds[col.Property.Name]
			if d == nil {
				d = &formats.Digest{}
				ds[col.Property.Name] = d
			}
			for i, p := range b.Paths {
				col.Value(i, &v)
				d.Add(p, col.Property.Name, &v)
			}
			for k := range col.Samples {
				key := fmt.Sprintf("%s@%d", col.Property.Name, k)
				sd := ds[key]
				if sd == nil {
					sd = &formats.Digest{}
					ds[key] = sd
				}
				for i, p := range b.Paths {
					col.Samples[k].Value(i, &v)
					sd.AddAt(p, col.Property.Name, col.Property.Samples.Time(k), &v)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{"paths": pd.Hex()}
	for name, d := range ds {
		out[name] = d.Hex()
	}
	return out
}

func ds2props(b *formats.Batch) []formats.Property {
	ps := make([]formats.Property, len(b.Columns))
	for i := range b.Columns {
		ps[i] = b.Columns[i].Property
	}
	return ps
}

// skipHeavyUnderRace skips a large single-goroutine check in -race -short
// runs, where it is slow and the race detector has nothing to find.
func skipHeavyUnderRace(t *testing.T) {
	if raceEnabled && testing.Short() {
		t.Skip("single-goroutine check; covered by the run without -race")
	}
}

func goldenConfig() Config {
	return Config{Name: "golden", Prims: 10000, Seed: 42, Payload: true, Properties: allTypes}
}

// TestGoldenDigests pins every generated value: a digest per column of a
// 10K-prim dataset (building20 with payload plus every custom type), and
// the paths of each hierarchy. A difference means generated data changed:
// if that is intended, bump GeneratorVersion and run with -update.
func TestGoldenDigests(t *testing.T) {
	skipHeavyUnderRace(t)
	got := map[string]map[string]string{
		"flat":     digests(t, goldenConfig(), 1000),
		"deep":     digests(t, Config{Name: "d", Prims: 10000, Hierarchy: "deep", Seed: 42, Schema: "none", Properties: allTypes[:1]}, 0),
		"balanced": digests(t, Config{Name: "b", Prims: 10000, Hierarchy: "balanced", Depth: 3, Fanout: 25, Seed: 42, Schema: "none", Properties: allTypes[:1]}, 0),
	}
	golden := filepath.Join("testdata", "golden_10k.json")
	if *update {
		b, _ := json.MarshalIndent(got, "", "  ")
		if err := os.WriteFile(golden, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	var want map[string]map[string]string
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatalf("%s: %v", golden, err)
	}
	if len(want["flat"]) != 1+21+len(allTypes) {
		t.Fatalf("%s has %d flat columns, want %d", golden, len(want["flat"]), 1+21+len(allTypes))
	}
	for h, cols := range want {
		for name, w := range cols {
			if g := got[h][name]; g != w {
				t.Errorf("%s %s: digest %s, golden %s", h, name, g, w)
			}
		}
		if len(got[h]) != len(cols) {
			t.Errorf("%s: %d columns, golden has %d", h, len(got[h]), len(cols))
		}
	}
}

func TestBatchSizeDoesNotChangeValues(t *testing.T) {
	skipHeavyUnderRace(t)
	cfg := goldenConfig()
	cfg.Prims = 1000
	want := digests(t, cfg, 1000)
	for _, bs := range []int{1, 7, 999, 4096, 0, -5} {
		got := digests(t, cfg, bs)
		for name, w := range want {
			if got[name] != w {
				t.Errorf("batch size %d changes %s", bs, name)
			}
		}
	}
}

func TestPropertiesAreIndependent(t *testing.T) {
	base := Config{Name: "a", Prims: 500, Seed: 9}
	want := digests(t, base, 64)

	more := base
	more.Payload = true
	more.Properties = []PropertyConfig{prop("extra", "double", "uniform(0, 1)"), prop("more", "string", "random_string(3)")}
	got := digests(t, more, 100)
	for name, w := range want {
		if got[name] != w {
			t.Errorf("adding properties changed %s", name)
		}
	}
	// A custom property keeps its values when others are added before it
	// or when the preset is dropped.
	only := Config{Name: "c", Prims: 500, Seed: 9, Schema: "none", Properties: more.Properties[1:]}
	if g := digests(t, only, 50)["more"]; g != got["more"] {
		t.Errorf("property %q depends on the other properties", "more")
	}
	// A different seed changes every column.
	other := base
	other.Seed = 10
	got = digests(t, other, 64)
	for name, w := range want {
		if name != "paths" && got[name] == w {
			t.Errorf("seed 10 gives the same %s as seed 9", name)
		}
	}
}

// Animating a property adds one column per sample, each drawn from its
// own stream: the defaults and the other properties keep their values,
// samples differ from each other, and batch sizes change nothing.
func TestTimeSamplesGenerated(t *testing.T) {
	plain := Config{Name: "a", Prims: 300, Seed: 5, Schema: "none", Properties: []PropertyConfig{
		prop("x", "double3", "uniform(-1, 1)"), prop("s", "token", `choice(["a", "b", "c"])`), prop("k", "int", "uniform(0, 1000)"),
	}}
	want := digests(t, plain, 64)
	anim := plain
	anim.Properties = slices.Clone(plain.Properties)
	anim.Properties[0].Samples = formats.Samples{Count: 4, Start: 1, Step: 0.5}
	anim.Properties[1].Samples = formats.Samples{Count: 2, Start: -1, Step: 10}
	got := digests(t, anim, 64)
	for name, w := range want {
		if got[name] != w {
			t.Errorf("animating changed %s", name)
		}
	}
	for _, key := range []string{"x@0", "x@1", "x@2", "x@3", "s@0", "s@1"} {
		if got[key] == "" {
			t.Errorf("no sample column %s", key)
		}
	}
	if got["x@0"] == got["x@1"] || got["k@0"] != "" || got["x@4"] != "" {
		t.Errorf("sample columns: %v", got)
	}
	if again := digests(t, anim, 7); !maps.Equal(again, got) {
		t.Errorf("batch size 7 changes the samples")
	}
	bad := anim
	bad.Properties = slices.Clone(anim.Properties)
	bad.Properties[2].Samples = formats.Samples{Count: 3, Start: 0, Step: 0}
	if _, err := NewLayout(bad); err == nil || !strings.Contains(err.Error(), "step") {
		t.Errorf("a zero step: %v", err)
	}
	l, err := NewLayout(anim)
	if err != nil || l.SampleCount("x") != 4 || l.SampleCount("s") != 2 || l.SampleCount("k") != 0 {
		t.Errorf("layout sample counts: %v %v", l, err)
	}
}

// TestBuilding20Distributions checks the preset against the original's
// distributions on 10K prims.
func TestBuilding20Distributions(t *testing.T) {
	skipHeavyUnderRace(t)
	type stat struct{ min, max, sum, sumSq float64 }
	stats := map[string]*stat{}
	counts := map[string]int{}
	res := map[string]*regexp.Regexp{
		"supplier_id":   regexp.MustCompile(`^SUP-[0-9]{4}$`),
		"material_code": regexp.MustCompile(`^[A-Z]{3}-[0-9]{3}$`),
		"install_date":  regexp.MustCompile(`^20(2[0-5])-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$`),
	}
	const n = 10000
	err := Generate(Config{Name: "dist", Prims: n, Seed: 1, Payload: true}, 0, func(b *formats.Batch) error {
		for c := range b.Columns {
			col := &b.Columns[c]
			name := col.Property.Name
			s := stats[name]
			if s == nil {
				s = &stat{min: math.Inf(1), max: math.Inf(-1)}
				stats[name] = s
			}
			add := func(x float64) {
				s.min, s.max, s.sum, s.sumSq = min(s.min, x), max(s.max, x), s.sum+x, s.sumSq+x*x
			}
			for _, x := range col.Doubles {
				add(x)
			}
			for _, x := range col.Ints {
				add(float64(x))
			}
			for _, x := range col.Bools {
				if x {
					add(1)
				} else {
					add(0)
				}
			}
			for _, x := range col.Strings {
				if name == "payload" {
					if len(x) != 1000 || strings.Trim(x, alnum) != "" {
						t.Fatalf("payload %q is not 1000 letters and digits", x)
					}
					continue
				}
				if !res[name].MatchString(x) {
					t.Fatalf("%s value %q does not match %s", name, x, res[name])
				}
				counts[name+"="+x[:min(len(x), 4)]]++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	uniform := map[string][2]float64{
		"cost": {100, 10000}, "carbon_A1": {0, 100}, "carbon_A2": {0, 50}, "carbon_A3": {0, 200},
		"carbon_A4": {0, 30}, "carbon_A5": {0, 20}, "weight": {1, 1000}, "temperature": {-20, 60},
		"pressure": {90000, 110000}, "stress": {0, 500}, "strain": {0, 0.01}, "efficiency": {0.5, 1.0},
	}
	for name, r := range uniform {
		s := stats[name]
		w := r[1] - r[0]
		mean := s.sum / n
		if s.min < r[0] || s.max > r[1] || s.min > r[0]+w*0.001 || s.max < r[1]-w*0.001 {
			t.Errorf("%s ranges over [%g, %g], want U(%g, %g)", name, s.min, s.max, r[0], r[1])
		}
		// the mean of 10K uniforms is within about 4 standard errors
		if se := w / math.Sqrt(12*n); math.Abs(mean-(r[0]+r[1])/2) > 4*se {
			t.Errorf("%s mean %g, want about %g", name, mean, (r[0]+r[1])/2)
		}
	}
	for _, name := range []string{"velocity_x", "velocity_y", "velocity_z"} {
		s := stats[name]
		mean := s.sum / n
		sd := math.Sqrt(s.sumSq/n - mean*mean)
		if math.Abs(mean) > 0.04 || math.Abs(sd-1) > 0.03 || s.min > -3 || s.max < 3 {
			t.Errorf("%s: mean %g, sd %g, range [%g, %g]; want N(0, 1)", name, mean, sd, s.min, s.max)
		}
	}
	if s := stats["lifespan"]; s.min != 1 || s.max != 49 {
		t.Errorf("lifespan ranges over [%g, %g], want integers 1..49", s.min, s.max)
	}
	if s := stats["is_active"]; math.Abs(s.sum/n-0.5) > 0.02 {
		t.Errorf("is_active true in %g of prims, want about half", s.sum/n)
	}
	if counts["install_date=2020"] == 0 || counts["install_date=2025"] == 0 {
		t.Errorf("install years 2020 and 2025 must both occur")
	}
}

func TestCustomGeneratorValues(t *testing.T) {
	cfg := Config{Name: "c", Prims: 2000, Seed: 5, Schema: "none", Properties: allTypes}
	var row int
	var v formats.Value
	err := Generate(cfg, 333, func(b *formats.Batch) error {
		for i := range b.Paths {
			k := row + i
			get := func(name string) *formats.Value {
				for c := range b.Columns {
					if b.Columns[c].Property.Name == name {
						b.Columns[c].Value(i, &v)
						return &v
					}
				}
				t.Fatalf("no column %s", name)
				return nil
			}
			if x := get("d_seq").Num; x != 0.5+float64(k)*0.25 {
				t.Fatalf("d_seq[%d] = %g", k, x)
			}
			if x := get("i_seq").Int; x != int64(-100+3*k) {
				t.Fatalf("i_seq[%d] = %d", k, x)
			}
			if x := get("i_choice").Int; x != 3 && x != 5 && x != 7 {
				t.Fatalf("i_choice[%d] = %d", k, x)
			}
			if x := get("i64_const").Int; x != 1<<40 {
				t.Fatalf("i64_const = %d", x)
			}
			if !get("b_const").Bool {
				t.Fatal("b_const is false")
			}
			if x := get("s_choice").Str; x != "steel" && x != "wood" && x != "glass" {
				t.Fatalf("s_choice = %q", x)
			}
			if x := get("t_rand").Str; !regexp.MustCompile(`^[A-Za-z0-9]{12}$`).MatchString(x) {
				t.Fatalf("t_rand = %q", x)
			}
			if x := get("t_const").Str; x != "beam" {
				t.Fatalf("t_const = %q", x)
			}
			if x := get("f_uni").Num; x < -1 || x > 1 {
				t.Fatalf("f_uni = %g", x)
			}
			for _, c := range get("v3f").Vec {
				if c < -1 || c > 1 {
					t.Fatalf("v3f component %g", c)
				}
			}
			if x := get("da").Doubles; len(x) != 4 || x[0] < 0 || x[3] > 1 {
				t.Fatalf("da = %v", x)
			}
			if x := get("fa").Floats; len(x) != 3 {
				t.Fatalf("fa = %v", x)
			}
			for _, e := range get("ia").Ints {
				if e < 1 || e > 3 {
					t.Fatalf("ia element %d", e)
				}
			}
			if x := get("v3fa").Vecs; len(x) != 2 || x[1][2] < 0 || x[1][2] > 100 {
				t.Fatalf("v3fa = %v", x)
			}
		}
		row += b.Len()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if row != 2000 {
		t.Fatalf("generated %d prims, want 2000", row)
	}
}

func TestConstantLists(t *testing.T) {
	cfg := Config{Name: "k", Prims: 3, Schema: "none", Properties: []PropertyConfig{
		prop("p", "double3", "constant([1, 2.5, -3])"),
		{Name: "a", Type: "int[]", Length: 2, Generator: "constant([7, 8])"},
		{Name: "f", Type: "float3[]", Length: 2, Generator: "constant(0.5)"},
	}}
	err := Generate(cfg, 2, func(b *formats.Batch) error {
		for i := range b.Paths {
			if got := b.Columns[0].Vec3d[i]; got != [3]float64{1, 2.5, -3} {
				t.Errorf("double3 constant = %v", got)
			}
			if got := b.Columns[1].IntArrays[i]; len(got) != 2 || got[0] != 7 || got[1] != 8 {
				t.Errorf("int[] constant = %v", got)
			}
			if got := b.Columns[2].Vec3fArrays[i]; len(got) != 2 || got[1] != [3]float32{0.5, 0.5, 0.5} {
				t.Errorf("float3[] constant = %v", got)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Strings handed to a writer stay valid after the batch is reused.
func TestStringsSurviveBatchReuse(t *testing.T) {
	var kept, copies []string
	err := Generate(Config{Name: "s", Prims: 30, Seed: 2}, 10, func(b *formats.Batch) error {
		for c := range b.Columns {
			for _, s := range b.Columns[c].Strings {
				kept = append(kept, s)
				copies = append(copies, strings.Clone(s))
			}
		}
		kept = append(kept, b.Paths...)
		for _, p := range b.Paths {
			copies = append(copies, strings.Clone(p))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range kept {
		if kept[i] != copies[i] {
			t.Fatalf("string %d changed from %q to %q", i, copies[i], kept[i])
		}
	}
}

func TestGenerateStopsOnError(t *testing.T) {
	stop := errors.New("stop")
	calls := 0
	err := Generate(Config{Name: "e", Prims: 100}, 10, func(*formats.Batch) error {
		calls++
		if calls == 3 {
			return stop
		}
		return nil
	})
	if err != stop || calls != 3 {
		t.Fatalf("err %v after %d calls, want stop after 3", err, calls)
	}
	if err := Generate(Config{Name: "bad"}, 10, func(*formats.Batch) error { return nil }); err == nil ||
		!strings.Contains(err.Error(), `dataset "bad": prims must be at least 1`) {
		t.Fatalf("invalid config: %v", err)
	}
}

func TestDetLogMatchesMathLog(t *testing.T) {
	r := propertyRNG(1, "log")
	worst := 0.0
	exact := 0
	const n = 200000
	for i := range n {
		x := unitFloat(r)
		if i%4 == 0 {
			x = math.Ldexp(x, -int(bounded(r, 900))) // tiny values too
		}
		if x == 0 {
			continue
		}
		got, want := detLog(x), math.Log(x)
		if got == want {
			exact++
			continue
		}
		ulp := math.Abs(math.Nextafter(want, 0) - want)
		worst = max(worst, math.Abs(got-want)/ulp)
	}
	if worst > 1 {
		t.Errorf("detLog differs from math.Log by up to %g ulp", worst)
	}
	if exact < n*99/100 {
		t.Errorf("detLog equals math.Log for only %d of %d inputs", exact, n)
	}
}

func TestNormalPairMoments(t *testing.T) {
	r := propertyRNG(7, "normal")
	var sum, sumSq, sum4 float64
	const n = 100000
	for range n / 2 {
		a, b := normalPair(r)
		for _, z := range []float64{a, b} {
			sum, sumSq, sum4 = sum+z, sumSq+z*z, sum4+z*z*z*z
		}
	}
	mean, variance, kurt := sum/n, sumSq/n, sum4/n
	if math.Abs(mean) > 0.02 || math.Abs(variance-1) > 0.02 || math.Abs(kurt-3) > 0.1 {
		t.Errorf("mean %g, variance %g, fourth moment %g; want 0, 1, 3", mean, variance, kurt)
	}
}

// The pipelined generator (more than one CPU) and the sequential one give
// the same values.
func TestPipelinedEqualsSequential(t *testing.T) {
	cfg := goldenConfig()
	cfg.Prims = 3000
	prev := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(prev)
	ahead := digests(t, cfg, 256)
	runtime.GOMAXPROCS(1)
	seq := digests(t, cfg, 256)
	for name, d := range seq {
		if ahead[name] != d {
			t.Errorf("%s: pipelined %s, sequential %s", name, ahead[name], d)
		}
	}
}

// While fn holds a batch, nothing in it changes, even as the next batch is
// generated alongside.
func TestBatchStableWhileHeld(t *testing.T) {
	prev := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(prev)
	cfg := Config{Name: "held", Prims: 400, Seed: 4, Schema: "none", Properties: allTypes}
	sum := func(b *formats.Batch) uint64 {
		var d formats.Digest
		var v formats.Value
		for c := range b.Columns {
			for i, p := range b.Paths {
				b.Columns[c].Value(i, &v)
				d.Add(p, "", &v)
			}
		}
		return d.Sum()
	}
	err := Generate(cfg, 50, func(b *formats.Batch) error {
		before := sum(b)
		time.Sleep(2 * time.Millisecond)
		if after := sum(b); after != before {
			t.Errorf("batch changed while held")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
