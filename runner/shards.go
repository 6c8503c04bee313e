package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/scenebench/runner/internal/units"
	"github.com/scenebench/runner/runner/plan"
	"github.com/scenebench/runner/runner/shard"
	"github.com/scenebench/runner/runner/spec"
)

// shardFlags are the flags that split a plan across machines.
type shardFlags struct {
	shard    string // apply -shard: "I/N" or "auto"
	shards   int    // -shards N
	estimate string // -estimate RESULTS.json
}

// addCount adds -shards and -estimate.
func (sh *shardFlags) addCount(fs *flag.FlagSet) {
	fs.IntVar(&sh.shards, "shards", 0, "split the plan into `N` shards by comparison group (apply and export: default settings.shards)")
	fs.StringVar(&sh.estimate, "estimate", "", "balance the shards by the measured times in `RESULTS.json` of an earlier run (every shard must be given the same file)")
}

// count is -shards, else settings.shards (0 when neither says), and where
// it came from.
func (sh *shardFlags) count(p *plan.Plan) (int, string) {
	if sh.shards > 0 {
		return sh.shards, "-shards"
	}
	return p.Settings.Shards, "settings.shards"
}

// checkCount refuses a -shards out of range.
func (sh *shardFlags) checkCount(name string, stderr io.Writer) bool {
	if sh.shards < 0 || sh.shards > spec.MaxShards {
		fmt.Fprintf(stderr, "runner %s: -shards %d: want 1 to %d\n", name, sh.shards, spec.MaxShards)
		return false
	}
	return true
}

// assign splits p into n shards, with the -estimate file when given; it
// prints the error and returns nil when it cannot.
func (sh *shardFlags) assign(name string, p *plan.Plan, n int, stderr io.Writer) *shard.Assignment {
	var est *shard.Estimate
	if sh.estimate != "" {
		var err error
		if est, err = shard.LoadEstimate(sh.estimate); err != nil {
			fmt.Fprintf(stderr, "runner %s: -estimate: %v\n", name, err)
			return nil
		}
	}
	a, err := shard.Assign(p, n, est)
	if err != nil {
		fmt.Fprintf(stderr, "runner %s: %v\n", name, err)
		return nil
	}
	return a
}

// costText renders a cost in the assignment's unit.
func costText(a *shard.Assignment, cost int64) string {
	if a.Unit == shard.UnitNS {
		return units.Duration(float64(cost))
	}
	return units.Count(cost) + " " + a.Unit
}

// share is cost as a percentage of total.
func share(cost, total int64) string {
	if total <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(cost)/float64(total))
}

// estimateText says what balanced the shards.
func estimateText(a *shard.Assignment) string {
	if a.Estimate == shard.EstimateModel {
		return "the cost model (prims x steps x runs x a factor per format and reader)"
	}
	return "the measured times in " + a.Estimate + " (cells it lacks: the cost model, scaled to them)"
}

// writeShards prints which groups go to which shard and each shard's
// estimated cost.
func writeShards(w io.Writer, a *shard.Assignment) {
	var total int64
	for _, l := range a.Loads {
		total += l
	}
	fmt.Fprintf(w, "Shards: %d, each a machine; balanced by %s\n", a.Count, estimateText(a))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for i := range a.Count {
		groups := a.Of(i)
		cells := 0
		for _, g := range groups {
			cells += len(g.Cells)
		}
		fmt.Fprintf(tw, "  shard %d\t%s\t%s\t%s, %s\n", i, costText(a, a.Loads[i]), share(a.Loads[i], total),
			plural(len(groups), "group", "groups"), plural(cells, "cell", "cells"))
		for _, g := range groups {
			fmt.Fprintf(tw, "    %s\t%s\t%s\t%s\n", g.Key, costText(a, g.Cost), share(g.Cost, total), plural(len(g.Cells), "cell", "cells"))
		}
	}
	tw.Flush()
	if len(a.Groups) < a.Count {
		fmt.Fprintf(w, "  (%d shards have nothing to run: the plan has %s)\n", a.Count-len(a.Groups), plural(len(a.Groups), "comparison group", "comparison groups"))
	}
	fmt.Fprintf(w, "Plan SHA-256: %s\n", a.PlanSHA256)
}

// shardsJSON is `runner plan -shards N -json`.
type shardsJSON struct {
	Count      int         `json:"count"`
	PlanSHA256 string      `json:"plan_sha256"`
	Estimate   string      `json:"estimate"`
	Unit       string      `json:"unit"`
	Shards     []shardJSON `json:"shards"`
}

type shardJSON struct {
	Index  int         `json:"index"`
	Cost   int64       `json:"cost"`
	Groups []groupJSON `json:"groups"`
}

type groupJSON struct {
	Group    string   `json:"group"`
	Dataset  string   `json:"dataset"`
	Scenario string   `json:"scenario"`
	Cost     int64    `json:"cost"`
	Cells    []string `json:"cells"`
}

func writeShardsJSON(w io.Writer, p *plan.Plan, a *shard.Assignment) error {
	out := shardsJSON{Count: a.Count, PlanSHA256: a.PlanSHA256, Estimate: a.Estimate, Unit: a.Unit, Shards: []shardJSON{}}
	for i := range a.Count {
		s := shardJSON{Index: i, Cost: a.Loads[i], Groups: []groupJSON{}}
		for _, g := range a.Of(i) {
			gj := groupJSON{Group: g.Key, Dataset: g.Dataset, Scenario: g.Scenario, Cost: g.Cost}
			for _, c := range g.Cells {
				gj.Cells = append(gj.Cells, p.Cells[c].ID)
			}
			s.Groups = append(s.Groups, gj)
		}
		out.Shards = append(out.Shards, s)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
