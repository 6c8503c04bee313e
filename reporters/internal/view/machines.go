package view

import (
	"fmt"
	"slices"
	"strings"

	"github.com/scenebench/runner/runner/results"
)

// Machines for results merged from shards (runner merge). Each comparison
// group (one dataset and scenario) ran whole on one machine, so its ratios
// hold; figures of different groups may come from different machines, and
// the tables that set them side by side say so.

// ShardRow is one shard of merged results: the machine it ran on.
type ShardRow struct {
	Shard   results.MergedShard
	Missing bool // not given to merge: only Shard.Index is set
}

// GroupRef names a comparison group.
type GroupRef struct{ Dataset, Scenario string }

func (r *Report) machines() {
	m := r.File.Merge
	if m == nil {
		return
	}
	r.machineOf = map[GroupRef]string{}
	for _, s := range m.Shards {
		r.Shards = append(r.Shards, ShardRow{Shard: s})
		for _, g := range s.Groups {
			ds, sc, _ := strings.Cut(g, "/")
			r.machineOf[GroupRef{ds, sc}] = s.Machine
		}
	}
	for _, i := range m.Missing {
		r.Shards = append(r.Shards, ShardRow{Shard: results.MergedShard{Index: i}, Missing: true})
	}
	slices.SortFunc(r.Shards, func(a, b ShardRow) int { return a.Shard.Index - b.Shard.Index })
}

// Merged reports whether the results were merged from shards.
func (r *Report) Merged() bool { return r.File.Merge != nil }

// MachineOf is the label of the machine that measured a group ("" when
// the results are not merged or its shard is missing).
func (r *Report) MachineOf(dataset, scenario string) string {
	return r.machineOf[GroupRef{dataset, scenario}]
}

// MergeSummary says in a sentence what the results were merged from, or
// "" when they were not.
func (r *Report) MergeSummary() string {
	m := r.File.Merge
	if m == nil {
		return ""
	}
	s := fmt.Sprintf("merged from %d of %d shards, run on %d machine(s)", len(m.Shards), m.Count, m.Machines)
	if len(m.Missing) > 0 {
		var idx []string
		for _, i := range m.Missing {
			idx = append(idx, fmt.Sprint(i))
		}
		s += "; missing: shard " + strings.Join(idx, ", ")
	}
	if m.Machines > 1 {
		s += ". Each comparison group (a dataset and scenario, every variant) ran on one machine, so ratios within it hold; absolute figures of different groups may come from different machines"
	}
	return s
}

// CrossMachine returns a note when groups were measured on more than one
// machine: the figures of different groups in one table then compare
// machines as well as formats. It is "" otherwise.
func (r *Report) CrossMachine(groups []GroupRef) string {
	by := map[string][]string{}
	var labels []string
	datasets := map[string]bool{}
	for _, g := range groups {
		datasets[g.Dataset] = true
	}
	for _, g := range groups {
		m := r.MachineOf(g.Dataset, g.Scenario)
		if m == "" {
			continue
		}
		if _, ok := by[m]; !ok {
			labels = append(labels, m)
		}
		name := g.Scenario
		if len(datasets) > 1 {
			name = g.Dataset + "/" + g.Scenario
		}
		if !slices.Contains(by[m], name) {
			by[m] = append(by[m], name)
		}
	}
	if len(labels) < 2 {
		return ""
	}
	slices.Sort(labels)
	parts := make([]string, len(labels))
	for i, m := range labels {
		parts[i] = m + ": " + strings.Join(by[m], ", ")
	}
	return fmt.Sprintf("measured on %d machines (%s): compare the figures of one comparison group with each other, not absolute figures of different groups",
		len(labels), strings.Join(parts, "; "))
}
