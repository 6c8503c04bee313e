package spec

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/scenebench/runner/internal/param"
	"github.com/scenebench/runner/reporters/output"
	"github.com/scenebench/runner/runner/plan"
	"github.com/scenebench/runner/runner/results"
)

// load is LoadSources for one in-memory file named spec.hcl.
func load(t *testing.T, src string, opts Options) (*plan.Plan, *Diagnostics) {
	t.Helper()
	return LoadSources([]Source{{Name: "spec.hcl", Bytes: []byte(src)}}, opts)
}

func mustLoad(t *testing.T, src string, opts Options) *plan.Plan {
	t.Helper()
	p, diags := load(t, src, opts)
	if p == nil {
		t.Fatalf("load failed:\n%s", diags)
	}
	return p
}

const minimal = `
dataset "flat" {
  prims = 1000
}

format "parquet" {}

scenario "open" {
  step "open" {}
}
`

// TestShippedSpecs loads every suite in specs/ and every example: each must
// be valid on its own and already formatted.
func TestShippedSpecs(t *testing.T) {
	var paths []string
	for _, dir := range []string{"specs", "examples"} {
		m, err := filepath.Glob(filepath.Join(repoRoot, dir, "*.hcl"))
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, m...)
	}
	if len(paths) < 12 {
		t.Fatalf("found only %d spec files in specs/ and examples/", len(paths))
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			p, diags := Load([]string{path}, Options{})
			if p == nil {
				t.Fatalf("invalid:\n%s", diags)
			}
			if len(diags.Diagnostics) > 0 {
				t.Errorf("warnings:\n%s", diags)
			}
			if len(p.Cells) == 0 {
				t.Error("no cells")
			}
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := hclwrite.Format(src); string(got) != string(src) {
				t.Errorf("not formatted; run runner fmt %s", path)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	p := mustLoad(t, minimal, Options{})
	want := plan.Settings{Warmup: 1, Repeat: 10, Isolate: "process", Cache: "warm", Order: "interleaved",
		Timeout: 10 * time.Minute, DataDir: ".runner/data", Out: filepath.Join("results", "spec")}
	if p.Settings != want {
		t.Errorf("settings = %+v, want %+v", p.Settings, want)
	}
	d := p.Datasets[0]
	if d.Name != "flat" || d.Prims != 1000 || d.Hierarchy != "flat" || d.Schema != "building20" || !d.Payload || d.Seed != DefaultSeed {
		t.Errorf("dataset defaults = %+v", d)
	}
	v := p.Formats[0]
	if v.Label != "parquet" || v.Format != "parquet" || v.Options.String("compression") != "snappy" || v.Options.Int("row_group_size") != 1000 {
		t.Errorf("variant = %+v", v)
	}
	if p.Report.Baseline != "parquet" || !reflect.DeepEqual(p.Report.Outputs, output.SpecNames()) {
		t.Errorf("report = %+v", p.Report)
	}
	if p.Title != "spec" || len(p.SpecSHA256) != 64 {
		t.Errorf("title %q, sha %q", p.Title, p.SpecSHA256)
	}
	if len(p.Cells) != 1 || p.Cells[0].ID != "flat/parquet/open" {
		t.Errorf("cells = %+v", p.Cells)
	}
}

func TestSettingsAndReport(t *testing.T) {
	p := mustLoad(t, minimal+`
settings {
  warmup   = 0
  repeat   = 3
  isolate  = "none"
  cache    = "cold"
  timeout  = "1m30s"
  data_dir = "/tmp/data"
  out      = "out/x"
  shards   = 4
}
report {
  title       = "T"
  description = "D"
  baseline    = "parquet"
  outputs     = ["json"]
}
`, Options{})
	want := plan.Settings{Warmup: 0, Repeat: 3, Isolate: "none", Cache: "cold", Order: "interleaved",
		Timeout: 90 * time.Second, DataDir: "/tmp/data", Out: "out/x", Shards: 4}
	if p.Settings != want {
		t.Errorf("settings = %+v, want %+v", p.Settings, want)
	}
	if p.Title != "T" || p.Description != "D" || !reflect.DeepEqual(p.Report.Outputs, []string{"json"}) {
		t.Errorf("report: title %q description %q outputs %v", p.Title, p.Description, p.Report.Outputs)
	}
}

func TestGlanceRows(t *testing.T) {
	p := mustLoad(t, minimal+`
scenario "reads" {
  step "open" {}
  step "get" {
    property = "cost"
  }
  step "get" {
    property = "cost"
    times    = 10
  }
}
report {
  glance {
    row "open" {
      scenario = "open"
      step     = "open"
    }
    row "warm get" {
      scenario = "reads"
      step     = "get#2"
      metric   = "time"
    }
    row "peak memory of the cold get" {
      scenario = "reads"
      step     = "get"
      metric   = "peak_rss"
    }
  }
}
`, Options{})
	want := []results.GlanceRow{
		{Label: "open", Scenario: "open", Step: "open"},
		{Label: "warm get", Scenario: "reads", Step: "get#2"},
		{Label: "peak memory of the cold get", Scenario: "reads", Step: "get", Metric: results.MetricPeakRSS},
	}
	if !reflect.DeepEqual(p.Report.Glance, want) {
		t.Errorf("glance = %+v, want %+v", p.Report.Glance, want)
	}
	if p := mustLoad(t, minimal, Options{}); p.Report.Glance != nil {
		t.Errorf("no glance block gave rows %+v", p.Report.Glance)
	}
}

func TestSweepsExpandToProduct(t *testing.T) {
	p := mustLoad(t, `
dataset "scene" {
  hierarchy = ["flat", "deep"]
  prims     = [1000, 10000, 100000]
  payload   = false
}
format "parquet" {
  compression    = ["none", "snappy", "zstd"]
  row_group_size = [100, 1000]
}
format "usdc" {}
scenario "open" {
  step "open" {}
}
scenario "get" {
  step "open" {}
  step "get" {
    property = "cost"
  }
}
`, Options{})
	if got, want := len(p.Cells), 6*(7+1)*2; got != want { // 7 variants and the A/A control
		t.Fatalf("%d cells, want %d", got, want)
	}
	var names, labels []string
	for _, d := range p.Datasets {
		names = append(names, d.Name)
	}
	for _, v := range p.Formats {
		labels = append(labels, v.Label)
	}
	wantNames := []string{"scene-flat-prims1000", "scene-flat-prims10000", "scene-flat-prims100000",
		"scene-deep-prims1000", "scene-deep-prims10000", "scene-deep-prims100000"}
	wantLabels := []string{"parquet-none-rg100", "parquet-none-rg1000", "parquet-snappy-rg100",
		"parquet-snappy-rg1000", "parquet-zstd-rg100", "parquet-zstd-rg1000", "usdc"}
	if !reflect.DeepEqual(names, wantNames) {
		t.Errorf("datasets %v\nwant %v", names, wantNames)
	}
	if !reflect.DeepEqual(labels, wantLabels) {
		t.Errorf("labels %v\nwant %v", labels, wantLabels)
	}
	v := p.Formats[5]
	if v.Options.String("compression") != "zstd" || v.Options.Int("row_group_size") != 1000 ||
		!reflect.DeepEqual(v.Axes, map[string]string{"compression": "zstd", "row_group_size": "rg1000"}) {
		t.Errorf("variant %+v", v)
	}
	if p.Formats[6].Axes != nil {
		t.Errorf("unswept variant has axes %v", p.Formats[6].Axes)
	}
	if p.Report.Baseline != "parquet-none-rg100" {
		t.Errorf("default baseline %q, want the first variant", p.Report.Baseline)
	}
	if p.Cells[0].ID != "scene-flat-prims1000/parquet-none-rg100/open" {
		t.Errorf("first cell %q", p.Cells[0].ID)
	}
}

// Labels follow the format's option order, not the spec's attribute order.
func TestLabelOrderIndependentOfSource(t *testing.T) {
	p := mustLoad(t, `
dataset "flat" {
  prims = 10
}
format "parquet" {
  row_group_size = [100, 1000]
  compression    = ["none", "zstd"]
}
scenario "open" {
  step "open" {}
}
`, Options{})
	if got := p.Formats[1].Label; got != "parquet-none-rg1000" {
		t.Errorf("label %q", got)
	}
}

func TestSteps(t *testing.T) {
	p := mustLoad(t, `
dataset "flat" {
  prims = 10
}
format "parquet" {}
scenario "s" {
  step "open" {}
  step "get" {
    prim     = "/World/Prim_3"
    property = "payload"
  }
  step "get" {
    prim       = "random"
    seed       = 9
    properties = ["cost", "weight"]
    times      = 50
  }
  step "traverse" {
    name    = "scan"
    order   = "reverse"
    limit   = 5
    probes  = 3
    threads = 2
  }
  step "open" {}
  step "get" {
    property = "cost"
  }
}
`, Options{})
	got := p.Scenarios[0].Steps
	open := []string{results.TraitOpen}
	want := []plan.Step{
		{Op: "open", Name: "open", Args: param.Values{"compose": "none"}, Traits: open},
		{Op: "get", Name: "get", Args: param.Values{"prim": "/World/Prim_3", "properties": []string{"payload"}, "times": int64(1), "seed": uint64(0), "threads": int64(1)},
			Traits: []string{results.TraitRead, results.TraitFirstRead}},
		{Op: "get", Name: "get#2", Args: param.Values{"prim": "random", "seed": uint64(9), "properties": []string{"cost", "weight"}, "times": int64(50), "threads": int64(1)},
			Traits: []string{results.TraitRead}},
		{Op: "traverse", Name: "scan", Args: param.Values{"order": "reverse", "seed": uint64(0), "limit": int64(5), "probes": int64(3), "threads": int64(2), "fraction": float64(1)},
			Traits: []string{results.TraitTraversal}},
		{Op: "open", Name: "open#2", Args: param.Values{"compose": "none"}, Traits: open},
		{Op: "get", Name: "get#3", Args: param.Values{"prim": "first", "properties": []string{"cost"}, "times": int64(1), "seed": uint64(0), "threads": int64(1)},
			Traits: []string{results.TraitRead, results.TraitFirstRead}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("steps\n got %+v\nwant %+v", got, want)
	}
}

const withVars = `
variable "prims" {
  type    = number
  default = 10
}
variable "codecs" {
  type    = list(string)
  default = ["none"]
}
variable "title" {
  type    = string
  default = "t"
}
variable "anything" {
  default = 1
}
locals {
  twice = var.prims * 2
  label = format("%s-%d", var.title, local.twice)
}
dataset "flat" {
  prims = local.twice
}
format "parquet" {
  compression = var.codecs
}
scenario "open" {
  step "open" {}
}
report {
  title = local.label
}
`

func TestVariables(t *testing.T) {
	dir := t.TempDir()
	varFile := filepath.Join(dir, "v.hcl")
	if err := os.WriteFile(varFile, []byte("prims = 100\ncodecs = [\"zstd\", \"snappy\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		opts      Options
		prims     int
		variants  int
		title     string
		wantError string
	}{
		{name: "defaults", prims: 20, variants: 1, title: "t-20"},
		{name: "var", opts: Options{Vars: []string{"prims=7", "title=1 + 1"}}, prims: 14, variants: 1, title: "1 + 1-14"},
		{name: "last var wins", opts: Options{Vars: []string{"prims=7", "prims=8"}}, prims: 16, variants: 1, title: "t-16"},
		{name: "list var", opts: Options{Vars: []string{`codecs=["none", "zstd", "lz4"]`}}, prims: 20, variants: 3, title: "t-20"},
		{name: "var file", opts: Options{VarFiles: []string{varFile}}, prims: 200, variants: 2, title: "t-200"},
		{name: "var after var file", opts: Options{VarFiles: []string{varFile}, Vars: []string{"prims=1"}}, prims: 2, variants: 2, title: "t-2"},
		{name: "untyped takes strings", opts: Options{Vars: []string{"anything=hello world"}}, prims: 20, variants: 1, title: "t-20"},
		{name: "bad number", opts: Options{Vars: []string{"prims=many"}}, wantError: "on <value for var.prims> line 1:\n   1: many"},
		{name: "wrong type", opts: Options{Vars: []string{"codecs=3"}}, wantError: "Invalid value for variable"},
		{name: "undeclared", opts: Options{Vars: []string{"nope=1"}}, wantError: `-var sets "nope", but the spec declares no variable of that name`},
		{name: "not an assignment", opts: Options{Vars: []string{"prims"}}, wantError: "Invalid -var option"},
		{name: "missing var file", opts: Options{VarFiles: []string{filepath.Join(dir, "missing.hcl")}}, wantError: "Cannot read variables file"},
		{name: "unsupported codec from var", opts: Options{Vars: []string{`codecs=["rar"]`}}, wantError: `does not support "rar"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, diags := load(t, withVars, tt.opts)
			if tt.wantError != "" {
				if p != nil {
					t.Fatal("loaded; want an error")
				}
				if !strings.Contains(diags.String(), tt.wantError) {
					t.Errorf("diagnostics do not mention %q:\n%s", tt.wantError, diags)
				}
				return
			}
			if p == nil {
				t.Fatalf("load failed:\n%s", diags)
			}
			if p.Datasets[0].Prims != tt.prims || len(p.Formats) != tt.variants || p.Title != tt.title {
				t.Errorf("prims %d variants %d title %q; want %d %d %q",
					p.Datasets[0].Prims, len(p.Formats), p.Title, tt.prims, tt.variants, tt.title)
			}
		})
	}
}

func TestVarFileUndeclaredIsWarning(t *testing.T) {
	varFile := filepath.Join(t.TempDir(), "v.hcl")
	if err := os.WriteFile(varFile, []byte("other = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, diags := load(t, withVars, Options{VarFiles: []string{varFile}})
	if p == nil {
		t.Fatalf("load failed:\n%s", diags)
	}
	if !strings.Contains(diags.String(), "Warning: Value for undeclared variable") {
		t.Errorf("no warning:\n%s", diags)
	}
}

// Several files merge; a name declared in two of them is reported at the
// second, and the hash covers both files in order.
func TestMultipleFiles(t *testing.T) {
	a := Source{Name: "a.hcl", Bytes: []byte(minimal)}
	b := Source{Name: "b.hcl", Bytes: []byte("format \"usdc\" {}\nscenario \"get\" {\n  step \"open\" {}\n}\n")}
	p, diags := LoadSources([]Source{a, b}, Options{})
	if p == nil {
		t.Fatalf("load failed:\n%s", diags)
	}
	if len(p.Cells) != 6 || p.Title != "a" || !reflect.DeepEqual(p.SpecFiles, []string{"a.hcl", "b.hcl"}) {
		t.Errorf("cells %d title %q files %v", len(p.Cells), p.Title, p.SpecFiles)
	}
	p2, _ := LoadSources([]Source{b, a}, Options{})
	if p2 == nil || p2.SpecSHA256 == p.SpecSHA256 {
		t.Error("the spec hash does not depend on file order")
	}

	dup := Source{Name: "c.hcl", Bytes: []byte("dataset \"flat\" {\n  prims = 5\n}\n")}
	p, diags = LoadSources([]Source{a, dup}, Options{})
	if p != nil {
		t.Fatal("duplicate dataset across files accepted")
	}
	if s := diags.String(); !strings.Contains(s, "on c.hcl line 1") || !strings.Contains(s, "already declared at a.hcl:2,1-15") {
		t.Errorf("diagnostics:\n%s", s)
	}
}

func TestFileGivenTwice(t *testing.T) {
	src := Source{Name: "a.hcl", Bytes: []byte(minimal)}
	p, diags := LoadSources([]Source{src, src}, Options{})
	if p != nil || !strings.Contains(diags.String(), "a.hcl appears more than once") {
		t.Errorf("diagnostics:\n%s", diags)
	}
}

func TestMissingFile(t *testing.T) {
	p, diags := Load([]string{filepath.Join(t.TempDir(), "nope.hcl")}, Options{})
	if p != nil || !strings.Contains(diags.String(), "Cannot read spec file") ||
		!strings.Contains(diags.String(), "no such file or directory") {
		t.Errorf("diagnostics:\n%s", diags)
	}
	p, diags = Load([]string{t.TempDir()}, Options{})
	if p != nil || !strings.Contains(diags.String(), "is a directory") {
		t.Errorf("diagnostics:\n%s", diags)
	}
}

// An unset variable is reported once: nothing computed from it adds a
// "value must be known" or a dataset error of its own.
func TestNoFollowUpDiagnostics(t *testing.T) {
	_, diags := load(t, `
variable "n" {
  type = number
}
locals {
  m = var.n * 2
}
dataset "flat" {
  prims = local.m
  seed  = var.n
}
format "parquet" {
  row_group_size = var.n
}
scenario "s" {
  step "open" {}
  step "get" {
    property = "cost"
    times    = var.n
  }
}
`, Options{})
	if n := len(diags.Diagnostics); n != 1 {
		t.Errorf("%d diagnostics, want 1:\n%s", n, diags)
	}
	if strings.Contains(diags.String(), "must be known") {
		t.Errorf("follow-up diagnostic:\n%s", diags)
	}
}

func TestTooManyCells(t *testing.T) {
	_, diags := load(t, `
dataset "d" {
  prims = range(1, 1001)
}
format "parquet" {
  row_group_size = range(1, 1001)
}
scenario "s" {
  step "open" {}
}
`, Options{})
	if !strings.Contains(diags.String(), "Too many cells") {
		t.Errorf("diagnostics:\n%s", diags)
	}
}
