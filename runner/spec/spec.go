// Package spec reads benchmark spec files written in HCL and turns them into
// a validated plan.Plan: variables and locals are resolved, every block is
// checked against the format registry and the dataset rules, sweeps are
// expanded, and every problem is reported as a diagnostic pointing at the
// file, line and column it comes from, all problems of a file at once.
package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	_ "github.com/scenebench/runner/formats/all" // the formats a spec may name
	"github.com/scenebench/runner/runner/plan"
)

// Options are the command-line inputs of a load.
type Options struct {
	// Vars are "NAME=VALUE" assignments (-var), applied in order after
	// the var files.
	Vars []string
	// VarFiles are HCL files of NAME = VALUE assignments (-var-file),
	// applied in order.
	VarFiles []string
}

// Source is one spec file's name and contents.
type Source struct {
	Name  string
	Bytes []byte
}

// Limits that keep a spec from expanding into more work than any machine
// could run (and the loader from allocating without bound).
const (
	MaxSweep = 1024   // combinations of one dataset or format block
	MaxCells = 100000 // cells in the whole plan
)

// Load reads the spec files at paths and returns their plan, with cells
// expanded. The plan is nil when the diagnostics hold errors; warnings may
// accompany a plan.
func Load(paths []string, opts Options) (*plan.Plan, *Diagnostics) {
	l := newLoader(opts)
	var srcs []Source
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			l.add(&hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Cannot read spec file",
				Detail:   fmt.Sprintf("Reading %s failed: %s.", p, unwrapPathError(err)),
			})
			continue
		}
		srcs = append(srcs, Source{Name: p, Bytes: b})
	}
	return l.load(paths, srcs)
}

// LoadSources is Load for specs already in memory.
func LoadSources(srcs []Source, opts Options) (*plan.Plan, *Diagnostics) {
	names := make([]string, len(srcs))
	for i, s := range srcs {
		names[i] = s.Name
	}
	return newLoader(opts).load(names, srcs)
}

func unwrapPathError(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

type loader struct {
	opts   Options
	parser *hclparse.Parser
	diags  Diagnostics
	ctx    *hcl.EvalContext

	vars      map[string]*variable
	varOrder  []string
	locals    map[string]cty.Value
	bodies    []*fileBody
	firstName string
	// formatErrors is set when a format block was dropped for errors, so
	// that a baseline naming one of its variants is not reported again.
	formatErrors bool
	// unknowns counts values left unknown by an earlier error (an unset
	// variable, a failed local), so that checks depending on them are
	// skipped rather than reported a second time.
	unknowns int
	// propRefs are the properties steps read, checked against the datasets.
	propRefs []propRef
	// stepSweeps are the swept step attributes of the scenario block
	// being loaded (stepsweep.go).
	stepSweeps []stepSweep
	// drivers are the spec's driver blocks, loaded before the formats.
	drivers []plan.Driver
	// funcs are the functions expressions may call; rangeBudget is what
	// is left of MaxRangeValues.
	funcs       map[string]function.Function
	rangeBudget int
}

func newLoader(opts Options) *loader {
	p := hclparse.NewParser()
	l := &loader{
		opts:        opts,
		parser:      p,
		diags:       Diagnostics{Files: p.Files(), order: map[string]int{}},
		vars:        map[string]*variable{},
		locals:      map[string]cty.Value{},
		rangeBudget: MaxRangeValues,
	}
	l.funcs = functions(&l.rangeBudget)
	return l
}

func (l *loader) add(d ...*hcl.Diagnostic) { l.diags.Diagnostics = append(l.diags.Diagnostics, d...) }

func (l *loader) addDiags(ds hcl.Diagnostics) {
	l.diags.Diagnostics = append(l.diags.Diagnostics, ds...)
}

func (l *loader) errors() bool { return l.diags.Diagnostics.HasErrors() }

func (l *loader) finish(p *plan.Plan) (*plan.Plan, *Diagnostics) {
	l.diags.Files = l.parser.Files()
	l.diags.tidy()
	if l.errors() {
		return nil, &l.diags
	}
	return p, &l.diags
}

func (l *loader) load(paths []string, srcs []Source) (*plan.Plan, *Diagnostics) {
	h := sha256.New()
	var files []*hcl.File
	for i, src := range srcs {
		if _, dup := l.diags.order[src.Name]; dup {
			l.add(&hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Spec file given twice",
				Detail:   fmt.Sprintf("%s appears more than once in the list of spec files.", src.Name),
			})
			continue
		}
		l.diags.order[src.Name] = i
		h.Write(src.Bytes)
		f, ds := l.parser.ParseHCL(src.Bytes, src.Name)
		l.addDiags(ds)
		if f != nil {
			files = append(files, f)
		}
	}
	if len(paths) == 0 {
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "No spec files", Detail: "Give at least one spec file."})
	}
	if l.errors() {
		// Syntax errors make everything after them guesswork.
		return l.finish(nil)
	}
	l.firstName = paths[0]

	for _, f := range files {
		var body fileBody
		l.addDiags(gohcl.DecodeBody(f.Body, nil, &body))
		l.bodies = append(l.bodies, &body)
	}

	l.loadVariables()
	varVal := l.varObject()
	l.loadLocals(varVal)
	l.ctx = &hcl.EvalContext{
		Variables: map[string]cty.Value{
			"var":   varVal,
			"local": objectOf(l.locals),
		},
		Functions: l.funcs,
	}

	p := &plan.Plan{
		SpecFiles:  append([]string(nil), paths...),
		SpecSHA256: hex.EncodeToString(h.Sum(nil)),
		Title:      strings.TrimSuffix(filepath.Base(l.firstName), ".hcl"),
	}
	p.Settings = l.loadSettings()
	p.Drivers = l.loadDrivers()
	p.Datasets = l.loadDatasets()
	p.Formats = l.loadFormats()
	p.Scenarios = l.loadScenarios()
	l.checkPropertyRefs(p.Datasets)
	l.loadReport(p)
	l.checkMatrix(p)
	if l.errors() {
		return l.finish(nil)
	}
	p.Expand()
	return l.finish(p)
}

// checkMatrix reports an empty or oversized matrix. An axis whose blocks
// all had errors is already explained by those errors.
func (l *loader) checkMatrix(p *plan.Plan) {
	at := startOf(l.firstName)
	count := func(f func(*fileBody) int) int {
		n := 0
		for _, b := range l.bodies {
			n += f(b)
		}
		return n
	}
	empty := func(what, example string) {
		l.add(errorAt(at, "No "+what+" declared",
			fmt.Sprintf("The matrix is datasets x format variants x scenarios, so a spec needs at least one %s block, for example:\n  %s", strings.TrimSuffix(what, "s"), example)))
	}
	if count(func(b *fileBody) int { return len(b.Datasets) }) == 0 {
		empty("datasets", `dataset "flat" { prims = 1000 }`)
	}
	if count(func(b *fileBody) int { return len(b.Formats) }) == 0 {
		empty("formats", `format "parquet" {}`)
	}
	if count(func(b *fileBody) int { return len(b.Scenarios) }) == 0 {
		empty("scenarios", `scenario "open" { step "open" {} }`)
	}
	if n := plan.ProductSize([]int{len(p.Datasets), len(p.Formats), len(p.Scenarios)}, MaxCells); n > MaxCells {
		l.add(errorAt(at, "Too many cells",
			fmt.Sprintf("The spec expands to %d datasets x %d format variants x %d scenarios, more than the limit of %d cells.",
				len(p.Datasets), len(p.Formats), len(p.Scenarios), MaxCells)))
	}
}

func objectOf(m map[string]cty.Value) cty.Value {
	if len(m) == 0 {
		return cty.EmptyObjectVal
	}
	return cty.ObjectVal(m)
}
