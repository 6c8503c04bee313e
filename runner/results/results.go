// Package results defines results.json, the contract between a run and
// everything that renders or compares it. Reporters read only this; the
// executor writes only this. Fields are added, never renamed; a breaking
// change raises SchemaVersion.
package results

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// SchemaVersion is the version of the results.json layout this build writes
// and the newest it reads.
const SchemaVersion = 1

// Cell statuses.
const (
	StatusOK       = "ok"
	StatusFailed   = "failed"
	StatusTimeout  = "timeout"
	StatusMismatch = "mismatch"
	StatusSkipped  = "skipped"
	// StatusOOM: the kernel's OOM killer ended the reader under the
	// cell's memory limit. A measured outcome, not a failure of runner.
	StatusOOM = "oom"
)

// Step traits.
const (
	// TraitOpen: the step opens the file.
	TraitOpen = "open"
	// TraitRead: the step reads values of chosen prims (point reads).
	TraitRead = "read"
	// TraitFirstRead: the first reading step after an open, which pays
	// for whatever the open left to do (a cold read).
	TraitFirstRead = "first-read"
	// TraitTraversal: the step reads its properties of every prim (or of
	// the first Limit) in some order.
	TraitTraversal = "traversal"
	// TraitFirstValue: a derived step, the open plus the first read after
	// it, summed within each run: the time to the first value.
	TraitFirstValue = "first-value"
	// TraitMixed: the step interleaves kinds of work (traversals and
	// point reads), timed as a whole and per kind (Step.Parts).
	TraitMixed = "mixed"
)

// OpFirstValue is the op of the derived time-to-first-value step, which
// no reader runs: runner adds it from the open and the first read.
const OpFirstValue = "first-value"

// File is the whole of results.json.
type File struct {
	SchemaVersion int         `json:"schema_version"`
	Title         string      `json:"title"`
	Description   string      `json:"description,omitempty"`
	Spec          Spec        `json:"spec"`
	Settings      Settings    `json:"settings"`
	Report        Report      `json:"report"`
	Environment   Environment `json:"environment"`
	Datasets      []Dataset   `json:"datasets"`
	// Scenarios describe the spec's scenarios, in spec order.
	Scenarios []Scenario `json:"scenarios,omitempty"`
	Cells     []Cell     `json:"cells"`
	// Warnings concern the whole run (e.g. a clock source other than tsc).
	Warnings []string `json:"warnings,omitempty"`
	// Interrupted is set when the run stopped before every cell ran; the
	// cells it did not run are listed as skipped, reason "interrupted".
	Interrupted *Interruption `json:"interrupted,omitempty"`
	// Machine says how busy the machine was over the whole run.
	Machine *Machine `json:"machine,omitempty"`
	// Shard is set on the results of one shard of a sharded run (apply
	// -shard): which part of which plan they hold.
	Shard *Shard `json:"shard,omitempty"`
	// Merge is set on results merged from shards (runner merge): every
	// shard's machine, and the shards that were missing. Environment is
	// then the lowest-numbered shard's, unchanged.
	Merge *Merge `json:"merge,omitempty"`
}

// Shard says which part of a plan one shard's results hold. A plan is
// split by comparison group (one dataset and scenario with every variant
// and the A/A control), so every group is measured whole on one machine.
type Shard struct {
	Index int `json:"index"` // 0 to Count-1
	Count int `json:"count"`
	// PlanSHA256 hashes the resolved plan: the spec after variables and
	// -filter, without file paths, out or data_dir. The shards of one run
	// share it; merge refuses shards that do not.
	PlanSHA256 string `json:"plan_sha256"`
	// Groups are this shard's comparison groups ("dataset/scenario").
	Groups []string `json:"groups"`
	// Estimate says what balanced the shards: "model" (prims x steps x
	// runs x a factor per format) or the results file given as -estimate.
	Estimate string `json:"estimate"`
	// Plan is the whole assignment, every group of the plan with the
	// shard it went to, in plan order: the same in every shard's results,
	// so that a merge can list the cells of a missing shard.
	Plan []ShardGroup `json:"plan"`
}

// ShardGroup is one comparison group of a sharded plan.
type ShardGroup struct {
	Dataset  string `json:"dataset"`
	Scenario string `json:"scenario"`
	Shard    int    `json:"shard"`
	// Formats are the variant labels of the group's cells, in plan order.
	Formats []string `json:"formats"`
}

// Key is the group's name, "dataset/scenario".
func (g *ShardGroup) Key() string { return g.Dataset + "/" + g.Scenario }

// Merge describes results merged from the shards of one run.
type Merge struct {
	PlanSHA256 string `json:"plan_sha256"`
	Count      int    `json:"count"` // shards in the plan
	// Shards are the shards merged, by index.
	Shards []MergedShard `json:"shards"`
	// Missing are the indexes of shards not given to merge; their cells
	// are listed as skipped.
	Missing []int `json:"missing,omitempty"`
	// Machines counts the distinct machines (hostname and CPU model) the
	// shards ran on.
	Machines int `json:"machines"`
}

// MergedShard is one shard of merged results: where it ran and what.
type MergedShard struct {
	Index int `json:"index"`
	// File is the results file it was read from, as given to merge.
	File   string   `json:"file"`
	Groups []string `json:"groups"`
	Cells  int      `json:"cells"`
	// Machine labels the machine within the merge ("m1", "m2", ...):
	// shards with the same label ran on the same host and CPU.
	Machine     string      `json:"machine"`
	Environment Environment `json:"environment"`
	// Load is how busy the machine was over the shard's runs.
	Load        *Machine      `json:"load,omitempty"`
	Warnings    []string      `json:"warnings,omitempty"`
	Interrupted *Interruption `json:"interrupted,omitempty"`
}

// ShardOf returns the merged shard that ran the group of dataset and
// scenario, or nil (results not merged, or the group's shard missing).
func (m *Merge) ShardOf(dataset, scenario string) *MergedShard {
	if m == nil {
		return nil
	}
	key := dataset + "/" + scenario
	for i := range m.Shards {
		for _, g := range m.Shards[i].Groups {
			if g == key {
				return &m.Shards[i]
			}
		}
	}
	return nil
}

// Machine is the state of the machine around measured runs: the 1-minute
// load average before each run, and the share of CPU time that was stolen
// (by the hypervisor) or idle while they ran, from /proc.
type Machine struct {
	Cores int     `json:"cores"`
	Load  Summary `json:"load"`
	// StealPct and IdlePct are percentages of all CPU time during runs
	// (runs shorter than a clock tick leave them out).
	StealPct Summary `json:"steal_pct"`
	IdlePct  Summary `json:"idle_pct"`
	// BusyRuns counts runs that started with a load average above the
	// core count; Runs counts every recorded run.
	BusyRuns int `json:"busy_runs"`
	Runs     int `json:"runs"`
}

// Interruption says how far an interrupted run got and why it stopped.
type Interruption struct {
	Ran    int    `json:"ran"`    // cells run (or reused from the journal)
	Of     int    `json:"of"`     // cells in the plan
	Reason string `json:"reason"` // e.g. "interrupt", "write journal: no space left on device"
}

// ReasonInterrupted is the error of a cell an interrupted run did not run.
const ReasonInterrupted = "interrupted"

// Spec identifies the spec files a run came from.
type Spec struct {
	Paths  []string `json:"paths"`
	SHA256 string   `json:"sha256"`
}

// Settings echoes the settings the run used.
type Settings struct {
	Warmup  int    `json:"warmup"`
	Repeat  int    `json:"repeat"`
	Isolate string `json:"isolate"`
	Cache   string `json:"cache"`
	// Order is "interleaved" (the runs of a comparison group's cells
	// round by round, in a fresh random order each round) or
	// "sequential" (each cell's runs back to back); empty in files
	// written before runs were interleaved.
	Order     string `json:"order,omitempty"`
	TimeoutNS int64  `json:"timeout_ns"`
	// MemoryLimitBytes is settings { memory_limit } (0 = none); formats
	// and scenarios may set lower limits, each cell says its own.
	MemoryLimitBytes int64 `json:"memory_limit_bytes,omitempty"`
}

// Report carries the spec's report block. Control is the label of the
// baseline's A/A control copy ("" without one).
type Report struct {
	Baseline string   `json:"baseline"`
	Outputs  []string `json:"outputs"`
	// Glance lists the rows of "Results at a glance" the spec names, in
	// order; empty when the reports choose them.
	Glance  []GlanceRow `json:"glance,omitempty"`
	Control string      `json:"control,omitempty"`
}

// GlanceRow is one headline row the spec names: a step and the figure of
// it to show.
type GlanceRow struct {
	Label    string `json:"label"`
	Scenario string `json:"scenario"`
	Step     string `json:"step"`
	// Metric is one of GlanceMetrics; empty means MetricTime.
	Metric string `json:"metric,omitempty"`
}

// The figures a glance row may show, each a median over runs.
const (
	MetricTime      = "time"       // the step's time
	MetricPeakRSS   = "peak_rss"   // peak resident set size during the step
	MetricRSSAfter  = "rss_after"  // resident set size after the step
	MetricReadBytes = "read_bytes" // bytes read (rchar)
)

// GlanceMetrics lists the figures a glance row may show.
var GlanceMetrics = []string{MetricTime, MetricPeakRSS, MetricRSSAfter, MetricReadBytes}

// Environment describes the machine and the build.
type Environment struct {
	OS            string    `json:"os"`
	Arch          string    `json:"arch"`
	Kernel        string    `json:"kernel"`
	CPUModel      string    `json:"cpu_model"`
	Cores         int       `json:"cores"`
	MemoryBytes   uint64    `json:"memory_bytes"`
	ClockSource   string    `json:"clock_source"`
	GoVersion     string    `json:"go_version"`
	RunnerVersion string    `json:"runner_version"`
	RunnerCommit  string    `json:"runner_commit"`
	Hostname      string    `json:"hostname"`
	Start         time.Time `json:"start"`
	End           time.Time `json:"end"`
}

// Dataset describes one generated dataset and its files.
type Dataset struct {
	Name      string     `json:"name"`
	Prims     int        `json:"prims"`
	Hierarchy string     `json:"hierarchy"`
	Seed      uint64     `json:"seed"`
	Schema    string     `json:"schema"`
	Payload   bool       `json:"payload"`
	Files     []DataFile `json:"files"`
	// Base is the dataset's base layer, when a scenario opened composed.
	Base *DataFile `json:"base,omitempty"`
	// Source says what a dataset imported from a user's layer holds and
	// what the import left out.
	Source *SourceImport `json:"source,omitempty"`
}

// SourceImport is what a dataset imported from a user's layer: the layer
// (path, format, size, SHA-256), the prims with values and the values
// imported, each property (a name of several types once per type) with
// the number of prims that have it, and what was left out, counted, with
// the reason.
type SourceImport struct {
	Path       string           `json:"path"`
	Format     string           `json:"format"`
	Bytes      int64            `json:"bytes"`
	SHA256     string           `json:"sha256"`
	Prims      int              `json:"prims"`
	Values     int              `json:"values"`
	Properties []SourceProperty `json:"properties"`
	LeftOut    []SourceNote     `json:"left_out"`
}

// SourceProperty is one imported property.
type SourceProperty struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Prims int    `json:"prims"`
}

// SourceNote is one kind of content an import left out.
type SourceNote struct {
	Count int    `json:"count"`
	What  string `json:"what"`
}

// Scenario names a scenario of the spec and says what it measures.
type Scenario struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Base is the scenario block a swept scenario came from, and Axes the
	// swept values that vary, by attribute, as the name shows them
	// ({"threads": "t4"}); both empty for a scenario that sweeps nothing.
	Base string            `json:"base,omitempty"`
	Axes map[string]string `json:"axes,omitempty"`
}

// DataFile is one dataset written in one format variant.
type DataFile struct {
	Format string `json:"format"` // variant label
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
}

// Cell is the result of one matrix element.
type Cell struct {
	ID         string            `json:"id"`
	Dataset    string            `json:"dataset"`
	Format     string            `json:"format"`      // variant label
	FormatName string            `json:"format_name"` // format type
	Variant    map[string]string `json:"variant"`     // axis -> value
	Scenario   string            `json:"scenario"`
	// Control marks the A/A control: an independent copy of the baseline
	// variant, measured alongside it, whose difference from the baseline
	// is the noise floor of the run. It never wins.
	Control bool `json:"control,omitempty"`
	// Machine is how busy the machine was during this cell's runs.
	Machine *Machine `json:"machine,omitempty"`
	// Reader read the cell's files: "go" or a driver's name, with the
	// version its hello gave.
	Reader        string `json:"reader,omitempty"`
	ReaderVersion string `json:"reader_version,omitempty"`
	Status        string `json:"status"`
	Error         string `json:"error,omitempty"`
	// Stderr is the tail of a failed worker's standard error.
	Stderr string `json:"stderr,omitempty"`
	// Config is the SHA-256 of everything that decides what the cell
	// measures (its resolved dataset, variant, reader, steps, settings and
	// the runner build): apply -resume reuses a cell only when it matches.
	Config string `json:"config,omitempty"`
	Warmup int    `json:"warmup"`
	Repeat int    `json:"repeat"`
	// ColdCache is set when the spec asked for a cold cache: whether the
	// dataset's pages were really dropped before every run.
	ColdCache *bool `json:"cold_cache,omitempty"`
	// Startup is the time from starting the reader process to its hello
	// (process start-up and library loading, which no step includes),
	// one sample per recorded run; absent for in-process runs.
	Startup *Startup `json:"startup,omitempty"`
	// MemoryLimit is set when the cell was to run under a memory limit.
	MemoryLimit *MemoryLimit `json:"memory_limit,omitempty"`
	// CPU is the CPU the cell's reader processes were pinned to
	// (settings.pin); absent when they ran unpinned.
	CPU   *int   `json:"cpu,omitempty"`
	Steps []Step `json:"steps"`
	// Warnings are measurement warnings about the cell as a whole.
	Warnings []string `json:"warnings,omitempty"`
}

// Step is the measurements of one step over every recorded run.
type Step struct {
	Name string `json:"name"`
	Op   string `json:"op"`
	// Traits say what the step is, for the reports, as its op declares
	// it and the scenario places it: TraitOpen, TraitRead, TraitFirstRead,
	// TraitTraversal. Empty in files written before traits existed.
	Traits []string `json:"traits,omitempty"`
	// Params are the step's resolved arguments, op-specific ("prim",
	// "properties", "times", "order", "limit", "threads", ...), so reports
	// can pair steps that did the same work.
	Params map[string]any `json:"params,omitempty"`
	// SamplesNS holds one time per recorded run: the time of one
	// operation (batched steps divide by Ops).
	SamplesNS []float64 `json:"samples_ns"`
	Stats     Stats     `json:"stats"`
	// Ops is the number of operations each sample covers: 1 for open and
	// traverse (the whole step), the get's times or its calibrated batch
	// size for gets; SamplesNS are per operation.
	Ops int64 `json:"ops"`
	// Digest is the XXH64 digest of the values read (formats.Digest), the
	// same in every run; empty for steps that read nothing.
	Digest string `json:"digest,omitempty"`
	// Values is the number of values the digest covers.
	Values   int64    `json:"values,omitempty"`
	Memory   Memory   `json:"memory"`
	Probes   []Probe  `json:"probes,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
	// Parts time the kinds of work a step mixes, within its own time (a
	// mix step's "traversal" and "point" reads), in the order the reader
	// gave them.
	Parts []Part `json:"parts,omitempty"`
}

// Part is one kind of work within a step over every recorded run: SamplesNS
// holds, per run, the time of one of its Ops operations (one traversal,
// one point read), so a part's share of a run is SamplesNS*Ops.
type Part struct {
	Name      string    `json:"name"`
	Ops       int64     `json:"ops"`
	SamplesNS []float64 `json:"samples_ns"`
	Stats     Stats     `json:"stats"`
}

// MemoryLimit says how a cell's reader processes were limited: the limit,
// whether the kernel enforced it and how ("cgroup2", "cgroup1"), or why not.
type MemoryLimit struct {
	Bytes     int64  `json:"bytes"`
	Applied   bool   `json:"applied"`
	Mechanism string `json:"mechanism,omitempty"`
	Reason    string `json:"reason,omitempty"`
	// LimitReachedRuns counts the recorded runs whose group reached the
	// limit (the kernel counted a failed charge, or the group's peak came
	// within 1/64 of the limit: it had to reclaim), of Runs.
	LimitReachedRuns int `json:"limit_reached_runs"`
	Runs             int `json:"runs"`
	// PeakBytes is the group's peak usage per run: the reader's memory,
	// page cache it faulted in and kernel memory (absent when the kernel
	// does not say).
	PeakBytes *Summary `json:"peak_bytes,omitempty"`
}

// Startup is a reader's start-up time over the recorded runs.
type Startup struct {
	SamplesNS []float64 `json:"samples_ns"`
	Stats     Stats     `json:"stats"`
}

// Stats summarise SamplesNS (computed by runner/stats only).
type Stats struct {
	MeanNS     float64 `json:"mean_ns"`
	StddevNS   float64 `json:"stddev_ns"`
	MinNS      float64 `json:"min_ns"`
	MaxNS      float64 `json:"max_ns"`
	MedianNS   float64 `json:"median_ns"`
	P95NS      float64 `json:"p95_ns"`
	CI95LowNS  float64 `json:"ci95_low_ns"`
	CI95HighNS float64 `json:"ci95_high_ns"`
	CV         float64 `json:"cv"`
	Outliers   int     `json:"outliers"`
}

// Memory holds the step's memory and I/O figures, each summarised over runs.
type Memory struct {
	RSSAfterBytes Summary `json:"rss_after_bytes"`
	RSSDeltaBytes Summary `json:"rss_delta_bytes"`
	PeakRSSBytes  Summary `json:"peak_rss_bytes"`
	ReadBytes     Summary `json:"read_bytes"`      // rchar: read(2) bytes
	DiskReadBytes Summary `json:"disk_read_bytes"` // read_bytes: from storage
	MajorFaults   Summary `json:"major_faults"`
	MinorFaults   Summary `json:"minor_faults"`
	GoHeapBytes   Summary `json:"go_heap_bytes"`
}

// Summary is the median, min and max of one figure over the recorded runs,
// and, for a step's memory and I/O figures, the figure of each run in run
// order (Runs; absent in files written before they were kept).
type Summary struct {
	Median float64   `json:"median"`
	Min    float64   `json:"min"`
	Max    float64   `json:"max"`
	Runs   []float64 `json:"runs,omitempty"`
}

// Probe is one point of a traversal's memory staircase (from the median run).
type Probe struct {
	Prims     int     `json:"prims"` // prims read so far
	ElapsedNS float64 `json:"elapsed_ns"`
	RSSBytes  float64 `json:"rss_bytes"`
}

// ErrNotResults is wrapped when a file is not a results file.
var ErrNotResults = errors.New("not a runner results file")

// Read decodes a results file, rejecting other JSON and newer schemas.
func Read(r io.Reader) (*File, error) {
	var probe struct {
		SchemaVersion *int `json:"schema_version"`
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotResults, err)
	}
	if probe.SchemaVersion == nil {
		return nil, fmt.Errorf("%w: no schema_version", ErrNotResults)
	}
	if *probe.SchemaVersion > SchemaVersion || *probe.SchemaVersion < 1 {
		return nil, fmt.Errorf("results schema_version %d is not supported (this runner reads 1 to %d)",
			*probe.SchemaVersion, SchemaVersion)
	}
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotResults, err)
	}
	return &f, nil
}

// ReadFile reads a results file from disk.
func ReadFile(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	f, err := Read(fh)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// Write encodes f as indented JSON with a trailing newline.
func Write(w io.Writer, f *File) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(f)
}
