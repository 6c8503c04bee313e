package dataset

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/scenebench/runner/formats"
)

func prop(name, typ, gen string) PropertyConfig {
	return PropertyConfig{Name: name, Type: typ, Generator: gen}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want []string // each must appear in one error, in order
	}{
		{"ok default", Config{Prims: 1}, nil},
		{"ok everything", Config{Prims: 10, Hierarchy: "balanced", Depth: 2, Fanout: 4, Schema: "none", Properties: []PropertyConfig{
			prop("a", "double", "normal(0, 1)"), prop("b", "float", "sequence(0, 0.5)"), prop("c", "int", "choice([1, 2])"),
			prop("d", "int64", "uniform(-9223372036854775807, 9223372036854775807)"), prop("e", "bool", "constant(false)"),
			prop("f", "string", `pattern("x-#")`), prop("g", "token", `choice(["a", "b"])`), prop("h", "float3", "uniform(0, 1)"),
			prop("i", "double3", "constant([1, 2, 3])"), {Name: "j", Type: "double[]", Length: 2, Generator: "constant([1, 2])"},
			{Name: "k", Type: "float[]", Length: 3, Generator: "normal(1, 2)"}, {Name: "l", Type: "int[]", Length: 4, Generator: "uniform(0, 10)"},
			{Name: "m", Type: "float3[]", Length: 2, Generator: "constant(0.5)"}, prop("n", "int", "uniform(-2147483648, 2147483648)"),
		}}, nil},
		{"prims", Config{Prims: 0}, []string{`dataset "prims": prims must be at least 1, got 0`}},
		{"hierarchy", Config{Prims: 1, Hierarchy: "tree"}, []string{`unknown hierarchy "tree"; choose one of "flat", "deep", "balanced"`}},
		{"balanced params", Config{Prims: 5, Hierarchy: "balanced", Depth: 0, Fanout: 0}, []string{
			"depth of a balanced hierarchy must be from 1 to 32, got 0", "fanout of a balanced hierarchy must be at least 1, got 0"}},
		{"balanced capacity", Config{Prims: 9, Hierarchy: "balanced", Depth: 3, Fanout: 2}, []string{
			"a balanced hierarchy of depth 3 and fanout 2 holds at most 8 prims, not 9"}},
		{"depth on flat", Config{Prims: 5, Hierarchy: "deep", Depth: 2, Fanout: 3}, []string{
			`depth applies only to hierarchy "balanced", not "deep"`, `fanout applies only to hierarchy "balanced", not "deep"`}},
		{"schema", Config{Prims: 1, Schema: "building21"}, []string{`unknown schema "building21"; choose one of "building20", "none"`}},
		{"none without properties", Config{Prims: 1, Schema: "none"}, []string{`schema "none" has no properties of its own`}},
		{"property problems", Config{Prims: 3, Properties: []PropertyConfig{
			prop("x", "dbl", "uniform(0, 1)"),
			prop("cost", "double", "uniform(0, 1)"),
			prop("y", "string", "uniform(0, 1)"),
			prop("y", "double", "uniform(0, 1)"),
			prop("z", "double[]", "uniform(0, 1)"),
			{Name: "w", Type: "double", Length: 3, Generator: "uniform(0, 1)"},
			prop("path", "double", "uniform(0, 1)"),
			prop("2x", "double", "uniform(0, 1)"),
			prop("v", "int", "uniform(0.5, 1)"),
			prop("u", "int", "uniform(0, 3000000000)"),
			prop("s", "int", "sequence(2147483640, 4)"),
			prop("b", "bool", `choice(["yes", "no"])`),
			prop("q", "string", "choice([1, 2])"),
			prop("r", "float3", "constant([1, 2])"),
			prop("g", "double", "gauss(0, 1)"),
			prop("n", "int", "normal(0, 1)"),
			prop("f", "float", "uniform(0, 1e300)"),
			prop("c", "bool", "constant(1)"),
			prop("", "bool", "constant(true)"),
		}}, []string{
			`property "x": unknown type "dbl"; choose one of double, float`,
			`property "cost": schema "building20" already has a property of this name`,
			`property "y": generator uniform(0, 1): uniform does not apply to string properties; use choice, pattern, random_string, constant`,
			`property "y": declared twice`,
			`property "z": type double[] needs a length of at least 1, got 0`,
			`property "w": length applies only to array types, not double`,
			`property "path": the name "path" is reserved`,
			`property "2x": the name is not an identifier`,
			`property "v": generator uniform(0.5, 1): lo must be a whole number for int properties, got 0.5`,
			`property "u": generator uniform(0, 3000000000): hi 3000000000 does not fit a 32-bit int`,
			`property "s": generator sequence(2147483640, 4): the value for the last of 3 prims, 2147483648, does not fit int`,
			`property "b": generator choice(["yes", "no"]): choices for bool properties must be true or false, not strings`,
			`property "q": generator choice([1, 2]): choices for string properties must be strings, not numbers`,
			`property "r": generator constant([1, 2]): a float3 constant list needs 3 numbers, got 2`,
			`property "g": generator "gauss(0, 1)": unknown generator "gauss"`,
			`property "n": generator normal(0, 1): normal does not apply to int properties; use uniform, choice, sequence, constant`,
			`property "f": generator uniform(0, 1e+300): hi 1e+300 does not fit a 32-bit float`,
			`property "c": generator constant(1): a bool constant must be true or false, not a number`,
			`property 19 has no name`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Name = strings.ReplaceAll(tt.name, " ", "-")
			if tt.name == "prims" {
				tt.cfg.Name = "prims"
			}
			errs := Validate(tt.cfg)
			if len(errs) != len(tt.want) {
				t.Fatalf("Validate gave %d errors, want %d:\n%s", len(errs), len(tt.want), joinLines(errs))
			}
			for i, err := range errs {
				if !strings.Contains(err.Error(), tt.want[i]) {
					t.Errorf("error %d:\n  %v\nwant it to contain\n  %s", i, err, tt.want[i])
				}
				if !strings.HasPrefix(err.Error(), fmt.Sprintf("dataset %q: ", tt.cfg.Name)) {
					t.Errorf("error %q does not name the dataset", err)
				}
				var ce *ConfigError
				if !errors.As(err, &ce) || ce.Field == "" {
					t.Errorf("error %q is not a *ConfigError with a field", err)
				}
			}
			if _, err := Info(tt.cfg); (err == nil) != (len(tt.want) == 0) {
				t.Errorf("Info error = %v, Validate found %d problems", err, len(errs))
			}
		})
	}
}

func joinLines(errs []error) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString("  " + e.Error() + "\n")
	}
	return b.String()
}

func TestConfigErrorFields(t *testing.T) {
	errs := Validate(Config{Name: "d", Prims: 0, Properties: []PropertyConfig{prop("x", "dbl", "nope")}})
	var got []string
	for _, e := range errs {
		var ce *ConfigError
		errors.As(e, &ce)
		got = append(got, ce.Property+"."+ce.Field)
	}
	if want := ".prims x.type x.generator"; strings.Join(got, " ") != want {
		t.Errorf("fields = %q, want %q", strings.Join(got, " "), want)
	}
}

func TestInfoBuilding20(t *testing.T) {
	want := "cost:double carbon_A1:double carbon_A2:double carbon_A3:double carbon_A4:double carbon_A5:double " +
		"weight:double temperature:double pressure:double velocity_x:double velocity_y:double velocity_z:double " +
		"stress:double strain:double efficiency:double lifespan:int is_active:bool supplier_id:string " +
		"material_code:string install_date:string"
	describe := func(info formats.SceneInfo) string {
		var parts []string
		for _, p := range info.Properties {
			parts = append(parts, p.Name+":"+p.Type.String())
		}
		return strings.Join(parts, " ")
	}
	info, err := Info(Config{Name: "b", Prims: 10, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if got := describe(info); got != want {
		t.Errorf("building20 without payload:\n got %s\nwant %s", got, want)
	}
	if len(info.Properties) != 20 || info.Schema != "building20" || info.Hierarchy != "flat" || info.Prims != 10 || info.Seed != 3 {
		t.Errorf("info = %+v", info)
	}
	info, _ = Info(Config{Name: "b", Prims: 10, Payload: true, Properties: []PropertyConfig{
		prop("zeta", "token", `constant("z")`), {Name: "alpha", Type: "int[]", Length: 2, Generator: "constant(1)"}}})
	if got := describe(info); got != want+" payload:string zeta:token alpha:int[]" {
		t.Errorf("building20 with payload and custom properties: %s", got)
	}
	if info.Properties[22].Length != 2 {
		t.Errorf("array length not carried: %+v", info.Properties[22])
	}
	info, _ = Info(Config{Name: "n", Prims: 1, Schema: "none", Payload: true, Properties: []PropertyConfig{prop("a", "double", "constant(1)")}})
	if got := describe(info); got != "a:double" || info.Schema != "custom" {
		t.Errorf("schema none: %s (schema %q); payload must be ignored", got, info.Schema)
	}
}

func TestPresets(t *testing.T) {
	p := Presets()
	b := p[SchemaBuilding20]
	if len(b) != 21 || b[0].Name != "cost" || b[20].Name != "payload" || b[20].Generator != "random_string(1000)" {
		t.Errorf("building20 preset = %+v", b)
	}
	if _, ok := p[SchemaNone]; !ok || len(p[SchemaNone]) != 0 {
		t.Errorf("schema none = %+v", p[SchemaNone])
	}
	// Presets hands out copies.
	b[0].Name = "changed"
	if Presets()[SchemaBuilding20][0].Name != "cost" {
		t.Error("Presets exposes the package's own slice")
	}
}
