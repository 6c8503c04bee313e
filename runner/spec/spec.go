// Package spec reads benchmark spec files written in HCL and turns them into
// a validated plan.Plan: variables and locals are resolved, every block is
// checked against the format registry and the dataset rules, sweeps are
// expanded, and every problem is reported as a diagnostic pointing at the
// file, line and column it comes from, all problems of a file at once.
//
// No input can crash, hang or exhaust the loader; whatever it is given, it
// returns a plan or diagnostics, within seconds and bounded memory, and it
// stops at once when its context is cancelled (LoadContext). Files are read
// only when they are regular files of at most MaxFileBytes; binary input is
// refused whole; the source is scanned before hcl parses it for nesting
// deeper than MaxDepth (hcl's parser recurses, and a Go stack overflow
// cannot be recovered) and for literals that would cost hcl quadratic
// time; expressions are evaluated under guards that bound every value
// (MaxElements, MaxValueBytes, numbers within the range of a 64-bit float)
// and the work of the whole load (MaxLoadElements, MaxLoadBytes), checking
// before a value grows rather than after; blocks may make at most
// MaxDatasets datasets and MaxVariants format variants; at most
// MaxShownDiagnostics diagnostics are printed; and a panic inside the
// expression language becomes a diagnostic at the expression. limits.go
// lists the limits and why they are set where they are; guard.go says
// where the evaluation checks live and why there.
package spec

import (
	"context"
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

	// loadElements and loadBytes replace MaxLoadElements and MaxLoadBytes
	// when set: the fuzz tests spend a smaller budget, to run out of it
	// often and fast.
	loadElements int
	loadBytes    int64
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
	// MaxDatasets and MaxVariants bound the datasets and format variants
	// of all blocks together, each checked against the format registry
	// and the dataset rules as it is made: 300 blocks sweeping 1,024
	// datasets each took half a minute and 12 GB before the cell count
	// was known.
	MaxDatasets = 4096
	MaxVariants = 4096
	// MaxDatasetProperties bounds the custom properties of all datasets
	// together, each dataset of a sweep counted: every one is checked for
	// every dataset (1,024 datasets of 6,000 properties took 18 s).
	MaxDatasetProperties = 1 << 18
)

// Load reads the spec files at paths and returns their plan, with cells
// expanded. The plan is nil when the diagnostics hold errors; warnings may
// accompany a plan.
func Load(paths []string, opts Options) (*plan.Plan, *Diagnostics) {
	return LoadContext(context.Background(), paths, opts)
}

// LoadContext is Load under ctx: when ctx is cancelled the load stops at
// its next check and returns no plan.
func LoadContext(ctx context.Context, paths []string, opts Options) (p *plan.Plan, d *Diagnostics) {
	l := newLoader(ctx, opts)
	l.fromFiles = true
	defer l.recoverPanic(&p, &d)
	var srcs []Source
	for _, p := range paths {
		if l.budget.check() != nil {
			return l.finish(nil)
		}
		b, err := ReadFile(p)
		if err != nil {
			l.add(&hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Cannot read spec file",
				Detail:   fmt.Sprintf("Reading %s failed: %s.", p, unwrapPathError(err)),
			})
			continue
		}
		if !l.chargeSource(p, len(b)) {
			continue
		}
		srcs = append(srcs, Source{Name: p, Bytes: b})
	}
	return l.load(paths, srcs)
}

// LoadSources is Load for specs already in memory.
func LoadSources(srcs []Source, opts Options) (*plan.Plan, *Diagnostics) {
	return LoadSourcesContext(context.Background(), srcs, opts)
}

// LoadSourcesContext is LoadContext for specs already in memory.
func LoadSourcesContext(ctx context.Context, srcs []Source, opts Options) (p *plan.Plan, d *Diagnostics) {
	names := make([]string, len(srcs))
	for i, s := range srcs {
		names[i] = s.Name
	}
	l := newLoader(ctx, opts)
	defer l.recoverPanic(&p, &d)
	return l.load(names, srcs)
}

// summaryInternal is the summary of a panic turned into a diagnostic.
const summaryInternal = "Internal error"

// recoverPanic turns a panic anywhere in a load into a diagnostic: bad
// input must never end in a stack trace. (Evaluation has its own recovery,
// at the expression; this is the last line.)
func (l *loader) recoverPanic(p **plan.Plan, d **Diagnostics) {
	if r := recover(); r != nil {
		l.add(&hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  summaryInternal,
			Detail:   fmt.Sprintf("Loading the spec failed: %v. This is a bug in runner; please report it with the spec that caused it.", r),
		})
		*p, *d = l.finish(nil)
	}
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

	// budget bounds the work of evaluation and carries the load's
	// context; guards are the guard functions; constCtx evaluates
	// constants (defaults, -var values) with only the guards to call.
	budget   *budget
	guards   map[string]function.Function
	constCtx *hcl.EvalContext
	// instr guards each expression once, before its first evaluation.
	instr        instrumenter
	instrumented map[hcl.Expression]bool
	// known are the names of the functions and guards, so that calls
	// failing after the budget stopped are recognised as its echo.
	known map[string]bool
	// stopReported is set once the diagnostic saying why evaluation
	// stopped has been kept.
	stopReported bool
	// propertyChecks is what is left of MaxDatasetProperties.
	propertyChecks int
	// sourceBytes counts the bytes of the spec and variables files read;
	// fromFiles is set when Load read (and counted) the spec files.
	sourceBytes int
	fromFiles   bool
}

// chargeSource counts a file of n bytes against MaxFileBytes, which bounds
// the files of a load together as it bounds each (parsing the worst input
// allocates some 400 bytes per byte); past it, the file is reported and
// left out.
func (l *loader) chargeSource(name string, n int) bool {
	l.sourceBytes += n
	if l.sourceBytes <= MaxFileBytes {
		return true
	}
	l.add(&hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Spec files too large",
		Detail: fmt.Sprintf("With %s the spec and variables files come to more than %s; together they may be at most %s.",
			name, humanSize(MaxFileBytes), humanSize(MaxFileBytes)),
	})
	return false
}

func newLoader(ctx context.Context, opts Options) *loader {
	p := hclparse.NewParser()
	l := &loader{
		opts:           opts,
		parser:         p,
		diags:          Diagnostics{Files: p.Files(), order: map[string]int{}},
		vars:           map[string]*variable{},
		locals:         map[string]cty.Value{},
		rangeBudget:    MaxRangeValues,
		propertyChecks: MaxDatasetProperties,
		budget:         newBudget(ctx, opts),
		instrumented:   map[hcl.Expression]bool{},
		known:          map[string]bool{},
	}
	l.funcs = functions(l.budget, &l.rangeBudget)
	l.guards = guardFunctions(l.budget)
	constFuncs := map[string]function.Function{}
	for name, f := range l.guards {
		l.funcs[name] = f
		constFuncs[name] = f
	}
	for name := range l.funcs {
		l.known[name] = true
	}
	l.constCtx = &hcl.EvalContext{Functions: constFuncs}
	l.budget.tables = append(l.budget.tables, l.funcs, constFuncs)
	return l
}

func (l *loader) add(d ...*hcl.Diagnostic) { l.diags.add(d...) }

func (l *loader) addDiags(ds hcl.Diagnostics) { l.diags.add(ds...) }

func (l *loader) errors() bool { return l.diags.HasErrors() }

func (l *loader) finish(p *plan.Plan) (*plan.Plan, *Diagnostics) {
	if l.budget.ctx.Err() != nil && !l.stopReported {
		l.stopReported = true
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: summaryInterrupted, Detail: "Loading the spec was interrupted."})
	}
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
		if ds := checkSource(src.Name, src.Bytes, false); ds != nil {
			l.addDiags(ds)
			if ds[0].Subject != nil {
				// Text, so its lines may be shown; it was not parsed.
				l.parser.Files()[src.Name] = &hcl.File{Bytes: src.Bytes}
			}
			continue
		}
		if !l.fromFiles && !l.chargeSource(src.Name, len(src.Bytes)) {
			continue
		}
		f, ds := l.parser.ParseHCL(src.Bytes, src.Name)
		l.addDiags(ds)
		if f != nil {
			files = append(files, f)
		}
	}
	if len(paths) == 0 {
		l.add(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: "No spec files", Detail: "Give at least one spec file."})
	}
	if l.errors() || l.budget.check() != nil {
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
	if l.budget.check() != nil {
		return l.finish(nil)
	}
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
	if l.errors() || l.budget.check() != nil {
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
