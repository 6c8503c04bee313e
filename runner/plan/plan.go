// Package plan expands a decoded spec into its matrix of cells (datasets x
// format variants x scenarios), gives every variant a stable label and every
// cell a stable id, and selects cells with -filter expressions.
package plan

import (
	"time"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/runner/dataset"
	"github.com/scenebench/runner/runner/ops"
	"github.com/scenebench/runner/runner/results"
)

// Plan is everything a run needs, with every sweep expanded and every
// default filled in. Nothing downstream reads the spec files again.
type Plan struct {
	// SpecFiles are the spec paths as given; SpecSHA256 hashes their bytes
	// in that order.
	SpecFiles  []string `json:"spec_files"`
	SpecSHA256 string   `json:"spec_sha256"`
	// Title and Description come from the spec's report block (or the
	// first spec file's name).
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`

	Settings Settings `json:"settings"`
	// Drivers are the drivers the spec declares (shipped ones need no
	// declaration).
	Drivers   []Driver         `json:"drivers,omitempty"`
	Datasets  []dataset.Config `json:"datasets"`
	Formats   []Variant        `json:"formats"`
	Scenarios []Scenario       `json:"scenarios"`
	Report    Report           `json:"report"`
	Cells     []Cell           `json:"cells"`
}

// Settings control how cells run.
type Settings struct {
	Warmup  int    `json:"warmup"`  // unrecorded runs per cell (default 1)
	Repeat  int    `json:"repeat"`  // recorded runs per cell (default 10)
	Isolate string `json:"isolate"` // "process" (default) or "none"
	Cache   string `json:"cache"`   // "warm" (default) or "cold"
	// Order is how the runs of a comparison group's cells follow each
	// other: OrderInterleaved (the default) or OrderSequential.
	Order   string        `json:"order"`
	Timeout time.Duration `json:"timeout"` // per cell (default 10m)
	DataDir string        `json:"data_dir"`
	Out     string        `json:"out"`
	// Shards is how many machines the plan is split across when apply
	// -shard auto finds no count in its environment (Kubernetes Indexed
	// Jobs give only the index); 0 when the spec does not say.
	Shards int `json:"shards,omitempty"`
	// MemoryLimit is the kernel memory limit of every reader process, in
	// bytes (0 = none); a format or scenario may set a lower one.
	MemoryLimit int64 `json:"memory_limit,omitempty"`
	// Pin runs each reader process on one CPU of its own (the last CPU
	// runner may use), so that a busy machine's other work is moved to
	// the other CPUs rather than sharing the reader's; cells that read on
	// several threads run unpinned. It needs isolate = "process" and Linux.
	Pin bool `json:"pin,omitempty"`
}

// Variant is one combination of a format block's option values.
type Variant struct {
	// Label is unique in the plan: the block label plus the values of the
	// axes that vary ("parquet-zstd-rg1000").
	Label string `json:"label"`
	// Format is the registered format type ("parquet").
	Format string `json:"format"`
	// Options is complete and normalised (formats.Normalize).
	Options formats.Options `json:"options"`
	// Axes holds the options that vary across the block's variants, as
	// they appear in the label.
	Axes map[string]string `json:"axes,omitempty"`
	// Reader reads the variant's files: "go" (runner's own reader, the
	// default) or a driver's name. It is a read option: variants that
	// differ only in their reader share one data file.
	Reader string `json:"reader,omitempty"`
	// Control marks the A/A control copy of the baseline variant.
	Control bool `json:"control,omitempty"`
	// MemoryLimit is the kernel memory limit of the variant's reader
	// processes, in bytes (0 = none given here).
	MemoryLimit int64 `json:"memory_limit,omitempty"`
}

// Run orders.
const (
	// OrderInterleaved runs the cells of a comparison group (one dataset
	// and scenario, every variant) round by round: round r runs every
	// cell's r-th run, in a fresh random order each round, so drift of
	// the machine lands on every variant alike.
	OrderInterleaved = "interleaved"
	// OrderSequential runs each cell's runs back to back.
	OrderSequential = "sequential"
)

// GoReader is the reader built into runner.
const GoReader = "go"

// ReaderName is v's reader, "go" when unset.
func (v *Variant) ReaderName() string {
	if v.Reader == "" {
		return GoReader
	}
	return v.Reader
}

// Driver is a driver a spec declares: a program that reads scenes and
// speaks the driver protocol (drivers/PROTOCOL.md).
type Driver struct {
	Name string `json:"name"`
	// Uses names the shipped driver this one builds on (its command and
	// environment), or is empty when Command is given.
	Uses string `json:"uses,omitempty"`
	// Command is the program and its arguments; a relative program path
	// was resolved against the spec file's directory.
	Command []string `json:"command,omitempty"`
	// Env is added to the driver's environment.
	Env map[string]string `json:"env,omitempty"`
	// Options are sent to the driver with every open (driver_options).
	Options map[string]string `json:"options,omitempty"`
}

// Scenario is a named list of steps run in order on one opened reader.
type Scenario struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Steps       []Step `json:"steps"`
	// Base is the scenario block a swept scenario came from ("" when the
	// block sweeps nothing, and Name is the block's); Axes are the swept
	// values that vary, by attribute, as they appear in Name
	// ("threads": "t4", "memory_limit": "mem256MiB").
	Base string            `json:"base,omitempty"`
	Axes map[string]string `json:"axes,omitempty"`
	// MemoryLimit is the kernel memory limit of the scenario's reader
	// processes, in bytes (0 = none given here).
	MemoryLimit int64 `json:"memory_limit,omitempty"`
}

// MemoryLimit is the kernel memory limit a cell's reader process runs
// under, in bytes (0 = none): the lowest of those its settings, format
// variant and scenario give, as nested limits would enforce.
func (p *Plan) MemoryLimit(c *Cell) int64 {
	lim := int64(0)
	for _, l := range []int64{p.Settings.MemoryLimit, c.Format.MemoryLimit, c.Scenario.MemoryLimit} {
		if l > 0 && (lim == 0 || l < lim) {
			lim = l
		}
	}
	return lim
}

// Step is one step of a scenario: its op, its unique name, its checked
// arguments and its traits (see package ops, where each op declares them).
type Step = ops.Step

// Report says how results are presented.
type Report struct {
	// Baseline is the format label ratios are computed against (default:
	// the first variant).
	Baseline string `json:"baseline"`
	// Outputs lists reports by name (package reporters/output; default:
	// every one a spec may list).
	Outputs []string `json:"outputs"`
	// Glance names the rows of "Results at a glance" (default: none, and
	// the reports choose them).
	Glance []results.GlanceRow `json:"glance,omitempty"`
	// Control adds an A/A control: the baseline variant run again as an
	// independent copy (labelled ControlLabel(baseline)) in every
	// comparison group, the noise floor verdicts must clear.
	Control bool `json:"control"`
}

// ControlSuffix ends the label of a baseline's A/A control copy.
const ControlSuffix = "-control"

// ControlLabel is the label of the A/A control copy of variant label.
func ControlLabel(label string) string { return label + ControlSuffix }

// Cell is one element of the matrix.
type Cell struct {
	// ID is "dataset/format-label/scenario".
	ID       string         `json:"id"`
	Dataset  dataset.Config `json:"dataset"`
	Format   Variant        `json:"format"`
	Scenario Scenario       `json:"scenario"`
}
