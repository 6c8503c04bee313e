package shard

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/scenebench/runner/runner/exec"
	"github.com/scenebench/runner/runner/results"
)

// Input is one shard's results and the path they were read from.
type Input struct {
	Path string
	File *results.File
}

// ErrMismatch is wrapped by Merge when the inputs are not the shards of
// one run: not shards at all, other plans, other runner builds, another
// split, or a shard or group given twice. Nothing is merged then.
var ErrMismatch = errors.New("shards do not belong together")

// MissingReason is the error of a cell whose shard was not given to merge.
func MissingReason(i, n int) string { return fmt.Sprintf("shard %d of %d missing", i, n) }

// Merge joins the results of the shards of one run into one results file,
// cells in plan order, as an unsharded run would have written them; the
// digests are checked across the merged cells again (exec.CrossCheck).
// Shards not given are listed in Merge.Missing and their cells as skipped
// with MissingReason. An error wrapping ErrMismatch lists every reason
// the inputs cannot be merged.
func Merge(inputs []Input) (*results.File, error) {
	if len(inputs) == 0 {
		return nil, fmt.Errorf("%w: no results given", ErrMismatch)
	}
	if err := check(inputs); err != nil {
		return nil, err
	}
	in := slices.Clone(inputs)
	sort.SliceStable(in, func(a, b int) bool { return in[a].File.Shard.Index < in[b].File.Shard.Index })
	ref := in[0].File
	n := ref.Shard.Count

	out := &results.File{
		SchemaVersion: results.SchemaVersion,
		Title:         ref.Title,
		Description:   ref.Description,
		Spec:          ref.Spec,
		Settings:      ref.Settings,
		Report:        ref.Report,
		Environment:   ref.Environment,
		Scenarios:     ref.Scenarios,
		Cells:         []results.Cell{},
		Merge:         &results.Merge{PlanSHA256: ref.Shard.PlanSHA256, Count: n, Shards: []results.MergedShard{}},
	}
	present := map[int]bool{}
	machines := map[string]string{}
	warnings := newWarningSet()
	var interrupted []string
	for _, x := range in {
		f := x.File
		present[f.Shard.Index] = true
		env := f.Environment
		id := strings.Join([]string{env.Hostname, env.CPUModel, fmt.Sprint(env.Cores), fmt.Sprint(env.MemoryBytes)}, "\x00")
		label, ok := machines[id]
		if !ok {
			label = fmt.Sprintf("m%d", len(machines)+1)
			machines[id] = label
		}
		out.Merge.Shards = append(out.Merge.Shards, results.MergedShard{
			Index: f.Shard.Index, File: x.Path, Groups: f.Shard.Groups, Cells: len(f.Cells), Machine: label,
			Environment: env, Load: f.Machine, Warnings: f.Warnings, Interrupted: f.Interrupted,
		})
		for _, w := range f.Warnings {
			warnings.add(w, f.Shard.Index)
		}
		if f.Interrupted != nil {
			interrupted = append(interrupted, fmt.Sprintf("shard %d of %d: %s", f.Shard.Index, n, f.Interrupted.Reason))
		}
		out.Cells = append(out.Cells, f.Cells...)
	}
	out.Merge.Machines = len(machines)
	out.Warnings = warnings.list()
	variants := map[string]results.Cell{} // a cell of each variant that ran
	for _, c := range out.Cells {
		if _, ok := variants[c.Format]; !ok {
			variants[c.Format] = c
		}
	}

	for i := range n {
		if present[i] {
			continue
		}
		out.Merge.Missing = append(out.Merge.Missing, i)
		var groups []string
		for _, g := range ref.Shard.Plan {
			if g.Shard != i {
				continue
			}
			groups = append(groups, g.Key())
			for _, label := range g.Formats {
				out.Cells = append(out.Cells, missingCell(&g, label, MissingReason(i, n), variants))
			}
		}
		if len(groups) == 0 {
			out.Warnings = append(out.Warnings, fmt.Sprintf("shard %d of %d is missing; it had no group to run", i, n))
			continue
		}
		out.Warnings = append(out.Warnings, fmt.Sprintf("shard %d of %d is missing: its cells (groups %s) are listed as skipped",
			i, n, strings.Join(groups, ", ")))
	}
	// The environment is the first shard's (the contract names one
	// machine); its start and end span every shard, so the run's date and
	// duration cover them all.
	out.Environment.Start, out.Environment.End = span(in)

	sortCells(out.Cells, ref.Shard.Plan, ref.Scenarios)
	out.Datasets = mergeDatasets(in, ref.Shard.Plan, &out.Warnings)
	exec.CrossCheck(out.Cells, out.Report.Baseline)
	if len(interrupted) > 0 {
		ran := 0
		for _, x := range in {
			if in := x.File.Interrupted; in != nil {
				ran += in.Ran
			} else {
				ran += len(x.File.Cells)
			}
		}
		out.Interrupted = &results.Interruption{Ran: ran, Of: len(out.Cells), Reason: strings.Join(interrupted, "; ")}
	}
	return out, nil
}

// check finds every reason the inputs are not the shards of one run.
func check(inputs []Input) error {
	var errs []string
	add := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	var shards []Input
	for _, x := range inputs {
		if x.File == nil || x.File.Shard == nil {
			add("%s holds the results of a whole run, not of a shard (no \"shard\" field): merge joins what runner apply -shard wrote", x.Path)
			continue
		}
		if x.File.Merge != nil {
			add("%s is already merged", x.Path)
			continue
		}
		shards = append(shards, x)
	}
	if len(shards) > 0 {
		ref := shards[0]
		rs := ref.File.Shard
		rv := buildOf(ref.File)
		split := len(errs)
		for _, x := range shards[1:] {
			s := x.File.Shard
			switch {
			case s.Count != rs.Count:
				add("%s is shard %d of %d but %s is shard %d of %d: they split a plan into different numbers of shards",
					ref.Path, rs.Index, rs.Count, x.Path, s.Index, s.Count)
			case s.PlanSHA256 != rs.PlanSHA256:
				add("%s and %s come from different plans (plan_sha256 %s and %s): the spec, a -var or the -filter differs; merge only the shards of one run",
					ref.Path, x.Path, short(rs.PlanSHA256), short(s.PlanSHA256))
			case !sameSplit(rs.Plan, s.Plan):
				add("%s (estimate: %s) and %s (estimate: %s) split the plan differently: give every shard the same -estimate file, or none",
					ref.Path, rs.Estimate, x.Path, s.Estimate)
			}
			if v := buildOf(x.File); v != rv {
				add("%s was written by runner %s and %s by runner %s: merge only the shards of one runner build", ref.Path, rv, x.Path, v)
			}
		}
		if len(errs) > split {
			// Shards of different splits overlap by nature; saying so
			// would only repeat the reason.
			shards = nil
		}
		byIndex := map[int]string{}
		byGroup := map[string]string{}
		byCell := map[string]string{}
		for _, x := range shards {
			s := x.File.Shard
			if s.Index < 0 || s.Index >= s.Count {
				add("%s says it is shard %d of %d", x.Path, s.Index, s.Count)
			}
			if prev, dup := byIndex[s.Index]; dup {
				add("shard %d of %d is given twice: %s and %s", s.Index, s.Count, prev, x.Path)
				continue
			}
			byIndex[s.Index] = x.Path
			for _, g := range s.Groups {
				if prev, dup := byGroup[g]; dup {
					add("group %s is in two shards: %s and %s", g, prev, x.Path)
				}
				byGroup[g] = x.Path
			}
			own := map[string]bool{}
			for _, g := range s.Groups {
				own[g] = true
			}
			for _, c := range x.File.Cells {
				if prev, dup := byCell[c.ID]; dup {
					add("cell %s is in two shards: %s and %s", c.ID, prev, x.Path)
				}
				byCell[c.ID] = x.Path
				if !own[c.Dataset+"/"+c.Scenario] {
					add("%s holds cell %s, which is not in its groups", x.Path, c.ID)
				}
			}
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%w:\n  %s", ErrMismatch, strings.Join(errs, "\n  "))
}

// buildOf names the runner build that wrote f.
func buildOf(f *results.File) string {
	v := f.Environment.RunnerVersion
	if v == "" {
		v = "(unknown version)"
	}
	if f.Environment.RunnerCommit != "" {
		v += " (commit " + f.Environment.RunnerCommit + ")"
	}
	return v
}

func sameSplit(a, b []results.ShardGroup) bool {
	return slices.EqualFunc(a, b, func(x, y results.ShardGroup) bool {
		return x.Dataset == y.Dataset && x.Scenario == y.Scenario && x.Shard == y.Shard && slices.Equal(x.Formats, y.Formats)
	})
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// span is the earliest start and the latest end of the shards.
func span(in []Input) (start, end time.Time) {
	for _, x := range in {
		s, e := x.File.Environment.Start, x.File.Environment.End
		if !s.IsZero() && (start.IsZero() || s.Before(start)) {
			start = s
		}
		if e.After(end) {
			end = e
		}
	}
	return start, end
}

// missingCell is the skipped cell of a missing shard's group, its format
// described as the other shards' cells of that variant describe it.
func missingCell(g *results.ShardGroup, label, reason string, variants map[string]results.Cell) results.Cell {
	c := results.Cell{ID: g.Dataset + "/" + label + "/" + g.Scenario, Dataset: g.Dataset, Format: label,
		Scenario: g.Scenario, Variant: map[string]string{}, Status: results.StatusSkipped, Error: reason,
		Steps: []results.Step{}}
	if k, ok := variants[label]; ok {
		c.FormatName, c.Variant, c.Control, c.Reader = k.FormatName, k.Variant, k.Control, k.Reader
	}
	return c
}

// sortCells puts cells in plan order: datasets, then variants, then
// scenarios, each in the order the plan gives them.
func sortCells(cells []results.Cell, groups []results.ShardGroup, scenarios []results.Scenario) {
	ds, vs, ss := map[string]int{}, map[string]int{}, map[string]int{}
	for _, s := range scenarios {
		if _, ok := ss[s.Name]; !ok {
			ss[s.Name] = len(ss)
		}
	}
	for _, g := range groups {
		if _, ok := ds[g.Dataset]; !ok {
			ds[g.Dataset] = len(ds)
		}
		if _, ok := ss[g.Scenario]; !ok {
			ss[g.Scenario] = len(ss)
		}
		for _, f := range g.Formats {
			if _, ok := vs[f]; !ok {
				vs[f] = len(vs)
			}
		}
	}
	sort.SliceStable(cells, func(a, b int) bool {
		x, y := &cells[a], &cells[b]
		if ds[x.Dataset] != ds[y.Dataset] {
			return ds[x.Dataset] < ds[y.Dataset]
		}
		if vs[x.Format] != vs[y.Format] {
			return vs[x.Format] < vs[y.Format]
		}
		return ss[x.Scenario] < ss[y.Scenario]
	})
}

// mergeDatasets joins the shards' dataset descriptions in plan order.
// Files are deterministic, so the same file has the same size on every
// machine; a difference is a warning (its path may differ: each machine
// has its own data_dir).
func mergeDatasets(in []Input, groups []results.ShardGroup, warnings *[]string) []results.Dataset {
	var out []results.Dataset
	var order []string
	for _, g := range groups {
		if !slices.Contains(order, g.Dataset) {
			order = append(order, g.Dataset)
		}
	}
	byName := map[string]*results.Dataset{}
	var names []string
	for _, x := range in {
		for _, d := range x.File.Datasets {
			m, ok := byName[d.Name]
			if !ok {
				c := d
				c.Files = slices.Clone(d.Files)
				byName[d.Name] = &c
				names = append(names, d.Name)
				continue
			}
			for _, fl := range d.Files {
				j := slices.IndexFunc(m.Files, func(e results.DataFile) bool { return e.Format == fl.Format })
				if j < 0 {
					m.Files = append(m.Files, fl)
					continue
				}
				if m.Files[j].Bytes != fl.Bytes {
					*warnings = append(*warnings, fmt.Sprintf("dataset %s in %s: %d bytes on one machine, %d on another (%s); the data should be the same everywhere",
						d.Name, fl.Format, m.Files[j].Bytes, fl.Bytes, x.Path))
				}
			}
			if m.Base == nil && d.Base != nil {
				b := *d.Base
				m.Base = &b
			}
		}
	}
	for _, name := range names {
		if !slices.Contains(order, name) {
			order = append(order, name)
		}
	}
	formatOrder := map[string]int{}
	for _, g := range groups {
		for _, f := range g.Formats {
			if _, ok := formatOrder[f]; !ok {
				formatOrder[f] = len(formatOrder)
			}
		}
	}
	for _, name := range order {
		d, ok := byName[name]
		if !ok {
			continue
		}
		sort.SliceStable(d.Files, func(a, b int) bool { return formatOrder[d.Files[a].Format] < formatOrder[d.Files[b].Format] })
		out = append(out, *d)
	}
	return out
}

// warningSet gathers identical warnings of several shards into one line.
type warningSet struct {
	order  []string
	shards map[string][]int
}

func newWarningSet() *warningSet { return &warningSet{shards: map[string][]int{}} }

func (w *warningSet) add(text string, shard int) {
	if _, ok := w.shards[text]; !ok {
		w.order = append(w.order, text)
	}
	w.shards[text] = append(w.shards[text], shard)
}

func (w *warningSet) list() []string {
	var out []string
	for _, text := range w.order {
		idx := w.shards[text]
		parts := make([]string, len(idx))
		for i, s := range idx {
			parts[i] = fmt.Sprint(s)
		}
		what := "shard " + parts[0]
		if len(parts) > 1 {
			what = "shards " + strings.Join(parts, ", ")
		}
		out = append(out, what+": "+text)
	}
	return out
}
