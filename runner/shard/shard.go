// Package shard splits a plan across machines and joins the parts again.
// The unit of distribution is a comparison group (one dataset and scenario
// with every variant and the A/A control), so every ratio is still
// measured on one machine in one interleaved run. The split is a pure
// function of the plan (and of an -estimate file when one is given): every
// shard process computes the same assignment on its own, so runner needs
// no coordinator; the scheduler (a Kubernetes Indexed Job, a Slurm job
// array) only says which index a process is.
//
// Groups are balanced by estimated cost, greedy longest-processing-time
// first: the costliest group goes to the least loaded shard, ties broken
// by group key and then by the lower shard index. Costs are integers, so
// the assignment is the same on every architecture.
package shard

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/scenebench/runner/runner/plan"
	"github.com/scenebench/runner/runner/results"
)

// Group is one comparison group of a plan and the shard it goes to.
type Group struct {
	Key               string // "dataset/scenario" (plan.Cell.GroupKey)
	Dataset, Scenario string
	// Cells index the plan's cells, in plan order.
	Cells []int
	// Cost is the group's estimated cost, in Assignment.Unit.
	Cost  int64
	Shard int
}

// Assignment is a plan split into Count shards.
type Assignment struct {
	Count int
	// Groups are every group of the plan, in order of their first cell.
	Groups []Group
	// Loads are each shard's estimated cost.
	Loads []int64
	// Unit is what costs count: UnitNS when an estimate file gave
	// measured times, UnitModel otherwise.
	Unit string
	// Estimate is "model" or the estimate file's path.
	Estimate string
	// PlanSHA256 is PlanHash of the plan.
	PlanSHA256 string
}

// Cost units.
const (
	UnitNS    = "ns"         // nanoseconds of measured runs
	UnitModel = "prim-steps" // the model's prims x steps x runs x format factor
)

// EstimateModel is Assignment.Estimate when no estimate file was given.
const EstimateModel = "model"

// Groups lists the comparison groups of p's cells, in order of their
// first cell.
func Groups(p *plan.Plan) []Group {
	var out []Group
	at := map[string]int{}
	for i := range p.Cells {
		c := &p.Cells[i]
		k := c.GroupKey()
		j, ok := at[k]
		if !ok {
			j = len(out)
			at[k] = j
			out = append(out, Group{Key: k, Dataset: c.Dataset.Name, Scenario: c.Scenario.Name})
		}
		out[j].Cells = append(out[j].Cells, i)
	}
	return out
}

// Assign splits p's cells into n shards by comparison group, balancing the
// estimated cost (est may be nil: the model alone). A shard may be left
// empty when the plan has fewer groups than shards.
func Assign(p *plan.Plan, n int, est *Estimate) (*Assignment, error) {
	if n < 1 {
		return nil, fmt.Errorf("shard count %d: want at least 1", n)
	}
	costs, unit, err := cellCosts(p, est)
	if err != nil {
		return nil, err
	}
	a := &Assignment{Count: n, Groups: Groups(p), Loads: make([]int64, n), Unit: unit,
		Estimate: EstimateModel, PlanSHA256: PlanHash(p)}
	if est != nil {
		a.Estimate = est.Source
	}
	for i := range a.Groups {
		g := &a.Groups[i]
		for _, c := range g.Cells {
			g.Cost = addSat(g.Cost, costs[c])
		}
	}
	order := make([]int, len(a.Groups))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(x, y int) bool {
		gx, gy := &a.Groups[order[x]], &a.Groups[order[y]]
		if gx.Cost != gy.Cost {
			return gx.Cost > gy.Cost
		}
		return gx.Key < gy.Key
	})
	for _, gi := range order {
		best := 0
		for s := 1; s < n; s++ {
			if a.Loads[s] < a.Loads[best] {
				best = s
			}
		}
		a.Groups[gi].Shard = best
		a.Loads[best] = addSat(a.Loads[best], a.Groups[gi].Cost)
	}
	return a, nil
}

// Of returns shard i's groups, in plan order.
func (a *Assignment) Of(i int) []Group {
	var out []Group
	for _, g := range a.Groups {
		if g.Shard == i {
			out = append(out, g)
		}
	}
	return out
}

// Select returns a copy of p holding only shard i's cells, in plan order.
func (a *Assignment) Select(p *plan.Plan, i int) *plan.Plan {
	var idx []int
	for _, g := range a.Of(i) {
		idx = append(idx, g.Cells...)
	}
	sort.Ints(idx)
	q := *p
	q.Cells = make([]plan.Cell, len(idx))
	for j, c := range idx {
		q.Cells[j] = p.Cells[c]
	}
	return &q
}

// Record is what shard i's results say about the split (results.Shard).
func (a *Assignment) Record(p *plan.Plan, i int) *results.Shard {
	r := &results.Shard{Index: i, Count: a.Count, PlanSHA256: a.PlanSHA256, Estimate: a.Estimate,
		Groups: []string{}, Plan: make([]results.ShardGroup, len(a.Groups))}
	for j, g := range a.Groups {
		sg := results.ShardGroup{Dataset: g.Dataset, Scenario: g.Scenario, Shard: g.Shard, Formats: []string{}}
		for _, c := range g.Cells {
			sg.Formats = append(sg.Formats, p.Cells[c].Format.Label)
		}
		r.Plan[j] = sg
		if g.Shard == i {
			r.Groups = append(r.Groups, g.Key)
		}
	}
	return r
}

// Dir is the directory shard i of n writes into under out, so that the
// shards of one run can share a results volume.
func Dir(i, n int) string { return fmt.Sprintf("shard-%d-of-%d", i, n) }

// hashedPlan is what PlanHash covers: everything that decides what the
// plan's cells measure and how they are reported, as resolved (variables,
// locals, defaults and -filter applied). Spec file paths, out and data_dir
// are left out (machines mount them in different places), and so is the
// shard count.
type hashedPlan struct {
	Title       string          `json:"title"`
	Description string          `json:"description,omitempty"`
	Settings    plan.Settings   `json:"settings"`
	Drivers     []plan.Driver   `json:"drivers,omitempty"`
	Datasets    any             `json:"datasets"`
	Formats     []plan.Variant  `json:"formats"`
	Scenarios   []plan.Scenario `json:"scenarios"`
	Report      plan.Report     `json:"report"`
	Cells       []string        `json:"cells"`
}

// PlanHash is the SHA-256 of p as resolved: two processes that loaded the
// same spec with the same variables and filter get the same hash; another
// -var, -filter or spec edit that changes anything measured changes it.
func PlanHash(p *plan.Plan) string {
	h := hashedPlan{Title: p.Title, Description: p.Description, Settings: p.Settings, Drivers: p.Drivers,
		Datasets: p.Datasets, Formats: p.Formats, Scenarios: p.Scenarios, Report: p.Report,
		Cells: make([]string, len(p.Cells))}
	h.Settings.Out, h.Settings.DataDir, h.Settings.Shards = "", "", 0
	for i := range p.Cells {
		h.Cells[i] = p.Cells[i].ID
	}
	b, err := json.Marshal(h)
	if err != nil {
		panic("shard: plan does not marshal: " + err.Error()) // plain data: cannot happen
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
