package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/internal/units"
	"github.com/scenebench/runner/runner/dataset"
	"github.com/scenebench/runner/runner/exec"
	"github.com/scenebench/runner/runner/ops"
	"github.com/scenebench/runner/runner/plan"
	"github.com/scenebench/runner/runner/spec"
)

var validateCmd = &command{
	Name:     "validate",
	Synopsis: "check spec files and report every mistake",
	Usage: `runner validate [-var NAME=VALUE]... [-var-file FILE]... SPEC...

Parses and checks the spec files (their blocks merge into one spec) and
prints every problem with its file, line, column and source. Exit status 0
when the spec is valid, 2 when it is not.`,
	Run: runValidate,
}

var planCmd = &command{
	Name:     "plan",
	Synopsis: "list the cells a spec expands to",
	Usage: `runner plan [-json] [-shards N [-estimate RESULTS.json]] [-filter EXPR] [-var NAME=VALUE]... [-var-file FILE]... SPEC...

Expands the spec into its matrix of datasets x format variants x scenarios
and prints one line per cell (dataset/format-label/scenario) and the total.
-json prints an array of cells with id, dataset, format, format_name,
variant, reader and scenario instead. Cells the Go reader cannot run (a
composed open) are marked; a driver's own limits show when apply asks it.

With -shards N, prints instead which comparison groups
(a dataset and scenario with all its variants) each of N machines runs
under apply -shard, and each shard's estimated cost; -json prints that as
{count, plan_sha256, estimate, unit, shards: [{index, cost, groups: [{group,
dataset, scenario, cost, cells}]}]}.`,
	Run: runPlan,
}

// loadPlan loads the specs named by args and applies -filter, printing
// diagnostics and usage errors; it returns nil and an exit status on failure.
// A load interrupted by ctx ends at once with the signal's status.
func loadPlan(ctx context.Context, name string, args []string, sf *specFlags, stderr io.Writer) (*plan.Plan, int) {
	if len(args) == 0 {
		fmt.Fprintf(stderr, "runner %s: no spec files given\nusage: %s\n", name, usageLine(name))
		return nil, exitUsage
	}
	filter, err := plan.ParseFilter(sf.filter)
	if err != nil {
		fmt.Fprintf(stderr, "runner %s: -filter: %v\n", name, err)
		return nil, exitUsage
	}
	p, diags := spec.LoadContext(ctx, args, sf.options())
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, "runner %s: interrupted while loading the spec\n", name)
		return nil, interruptedStatus(ctx)
	}
	writeDiags(stderr, diags)
	if p == nil {
		return nil, exitUsage
	}
	if total := len(p.Cells); p.Select(filter) == 0 {
		fmt.Fprintf(stderr, "runner %s: -filter %q selects none of the %d cells\n", name, sf.filter, total)
		return nil, exitUsage
	}
	if sf.dataDir != "" {
		p.Settings.DataDir = sf.dataDir
	}
	return p, exitOK
}

func runValidate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var sf specFlags
	fs := flagSet("validate", stderr)
	sf.addVars(fs)
	args, err := parseFlags(fs, args)
	if err != nil {
		return flagExit(err)
	}
	p, code := loadPlan(ctx, "validate", args, &sf, stderr)
	if p == nil {
		return code
	}
	fmt.Fprintf(stdout, "%s: valid; %s\n", strings.Join(args, ", "), matrixSummary(p))
	return exitOK
}

// matrixSummary is "15 cells: 1 dataset x (4 format variants + the A/A
// control) x 3 scenarios".
func matrixSummary(p *plan.Plan) string {
	variants := plural(len(p.Formats), "format variant", "format variants")
	if hasControl(p) {
		variants = "(" + variants + " + the A/A control)"
	}
	return fmt.Sprintf("%s: %s x %s x %s",
		plural(len(p.Cells), "cell", "cells"),
		plural(len(p.Datasets), "dataset", "datasets"),
		variants,
		plural(len(p.Scenarios), "scenario", "scenarios"))
}

// hasControl reports whether the plan's cells include an A/A control.
func hasControl(p *plan.Plan) bool {
	for _, c := range p.Cells {
		if c.Format.Control {
			return true
		}
	}
	return false
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// planCell is one element of `runner plan -json`.
type planCell struct {
	ID         string            `json:"id"`
	Dataset    string            `json:"dataset"`
	Format     string            `json:"format"`
	FormatName string            `json:"format_name"`
	Variant    map[string]string `json:"variant"`
	Reader     string            `json:"reader"`
	Scenario   string            `json:"scenario"`
	// Skip says why the cell will be skipped, where the plan alone tells.
	Skip string `json:"skip,omitempty"`
}

func runPlan(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var sf specFlags
	var sh shardFlags
	var asJSON bool
	fs := flagSet("plan", stderr)
	fs.BoolVar(&asJSON, "json", false, "print the cells (or with -shards, the shards) as JSON")
	sh.addCount(fs)
	sf.addFilter(fs)
	sf.addVars(fs)
	args, err := parseFlags(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if !sh.checkCount("plan", stderr) {
		return exitUsage
	}
	p, code := loadPlan(ctx, "plan", args, &sf, stderr)
	if p == nil {
		return code
	}
	// Only -shards splits: plan -json keeps its cell list for a spec that
	// sets settings.shards.
	if n := sh.shards; n > 0 {
		a := sh.assign("plan", p, n, stderr)
		if a == nil {
			return exitUsage
		}
		if asJSON {
			if err := writeShardsJSON(stdout, p, a); err != nil {
				fmt.Fprintf(stderr, "runner plan: %v\n", err)
				return exitFailure
			}
			return exitOK
		}
		writePlanAxes(stdout, p)
		writeShards(stdout, a)
		s := p.Settings
		fmt.Fprintf(stdout, "\n%s; warmup %d, repeat %d, isolate %s, cache %s, timeout %s per cell\n",
			selectedSummary(p), s.Warmup, s.Repeat, s.Isolate, s.Cache, s.Timeout)
		return exitOK
	}
	if sh.estimate != "" {
		fmt.Fprintln(stderr, "runner plan: -estimate balances shards: give -shards N too")
		return exitUsage
	}
	if asJSON {
		cells := make([]planCell, len(p.Cells))
		for i, c := range p.Cells {
			v := c.Format.Axes
			if v == nil {
				v = map[string]string{}
			}
			cells[i] = planCell{ID: c.ID, Dataset: c.Dataset.Name, Format: c.Format.Label,
				FormatName: c.Format.Format, Variant: v, Reader: c.Format.ReaderName(), Scenario: c.Scenario.Name,
				Skip: exec.PlanSkip(&c)}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(cells); err != nil {
			fmt.Fprintf(stderr, "runner plan: %v\n", err)
			return exitFailure
		}
		return exitOK
	}
	writePlanAxes(stdout, p)
	defer func() {
		if n := p.Settings.Shards; n > 0 {
			fmt.Fprintf(stdout, "settings.shards = %d: runner plan -shards %d shows which machine runs what\n", n, n)
		}
	}()
	fmt.Fprintln(stdout, "Cells:")
	for _, c := range p.Cells {
		if why := exec.PlanSkip(&c); why != "" {
			fmt.Fprintf(stdout, "  %s  (skipped: %s)\n", c.ID, why)
			continue
		}
		fmt.Fprintf(stdout, "  %s\n", c.ID)
	}
	s := p.Settings
	fmt.Fprintf(stdout, "\n%s; warmup %d, repeat %d, isolate %s, cache %s, timeout %s per cell\n",
		selectedSummary(p), s.Warmup, s.Repeat, s.Isolate, s.Cache, s.Timeout)
	return exitOK
}

// selectedSummary is matrixSummary for the cells left after -filter: it
// counts the distinct datasets, variants and scenarios they use.
func selectedSummary(p *plan.Plan) string {
	// count counts the distinct non-empty keys of the cells.
	count := func(key func(plan.Cell) string) int {
		seen := map[string]bool{}
		for _, c := range p.Cells {
			if k := key(c); k != "" {
				seen[k] = true
			}
		}
		return len(seen)
	}
	variants := plural(count(func(c plan.Cell) string {
		if c.Format.Control {
			return ""
		}
		return c.Format.Label
	}), "format variant", "format variants")
	if hasControl(p) {
		variants = "(" + variants + " + the A/A control)"
	}
	return fmt.Sprintf("%s: %s x %s x %s",
		plural(len(p.Cells), "cell", "cells"),
		plural(count(func(c plan.Cell) string { return c.Dataset.Name }), "dataset", "datasets"),
		variants,
		plural(count(func(c plan.Cell) string { return c.Scenario.Name }), "scenario", "scenarios"))
}

// writePlanAxes describes the datasets, format variants and scenarios the
// selected cells use, one line each.
func writePlanAxes(w io.Writer, p *plan.Plan) {
	used := map[string]bool{}
	for _, c := range p.Cells {
		used["d/"+c.Dataset.Name] = true
		used["f/"+c.Format.Label] = true
		used["s/"+c.Scenario.Name] = true
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "Datasets:")
	for _, d := range p.Datasets {
		if used["d/"+d.Name] {
			fmt.Fprintf(tw, "  %s\t%s\n", d.Name, describeDataset(d))
		}
	}
	fmt.Fprintln(tw, "Format variants:")
	for _, v := range p.Formats {
		if used["f/"+v.Label] {
			fmt.Fprintf(tw, "  %s\t%s\n", v.Label, describeVariant(v))
		}
	}
	fmt.Fprintln(tw, "Scenarios:")
	for _, sc := range p.Scenarios {
		if used["s/"+sc.Name] {
			steps := describeSteps(sc.Steps)
			if sc.MemoryLimit > 0 {
				steps += " (memory limit " + units.ExactBytes(sc.MemoryLimit) + ")"
			}
			fmt.Fprintf(tw, "  %s\t%s\n", sc.Name, steps)
		}
	}
	tw.Flush()
}

func describeDataset(d dataset.Config) string {
	if d.Source != "" {
		im, err := dataset.Import(d)
		if err != nil {
			return "source " + d.Source + ": " + err.Error()
		}
		return im.Summary()
	}
	parts := []string{fmt.Sprintf("%d prims", d.Prims), d.Hierarchy}
	if d.Hierarchy == "balanced" {
		parts[1] = fmt.Sprintf("balanced depth %d fanout %d", d.Depth, d.Fanout)
	}
	schema := d.Schema
	if d.Schema == "building20" && d.Payload {
		schema += " + payload"
	}
	if n := len(d.Properties); n > 0 {
		schema += fmt.Sprintf(" + %s", plural(n, "custom property", "custom properties"))
	}
	return strings.Join(append(parts, schema, fmt.Sprintf("seed %d", d.Seed)), ", ")
}

// describeVariant names the format and the options that are swept or
// differ from their defaults.
func describeVariant(v plan.Variant) string {
	out := v.Format
	f, ok := formats.Lookup(v.Format)
	if !ok {
		return out
	}
	var set []string
	for _, o := range f.Options() {
		_, swept := v.Axes[o.Name]
		if val, ok := v.Options[o.Name]; ok && (swept || val != o.Default) {
			set = append(set, fmt.Sprintf("%s=%v", o.Name, val))
		}
	}
	if len(set) > 0 {
		out += " " + strings.Join(set, " ")
	}
	if v.Reader != "" && v.Reader != plan.GoReader {
		out += ", read by " + v.Reader
	}
	if v.MemoryLimit > 0 {
		out += ", memory limit " + units.ExactBytes(v.MemoryLimit)
	}
	return out
}

func describeSteps(steps []plan.Step) string {
	parts := make([]string, len(steps))
	for i := range steps {
		parts[i] = ops.Describe(&steps[i])
	}
	return strings.Join(parts, "; ")
}
