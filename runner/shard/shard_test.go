package shard

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/scenebench/runner/runner/plan"
	"github.com/scenebench/runner/runner/results"
	"github.com/scenebench/runner/runner/spec"
)

// testSpec has 3 datasets of different sizes x 2 scenarios = 6 groups,
// each with usdc, its A/A control and two parquet variants.
const testSpec = `variable "big" {
  default = 40000
}

settings {
  warmup   = 1
  repeat   = 4
  data_dir = "%s"
  out      = "%s"
}

dataset "small" {
  prims = 1000
}

dataset "mid" {
  prims = 10000
}

dataset "big" {
  prims = var.big
}

format "usdc" {}

format "parquet" {
  compression = ["none", "zstd"]
}

scenario "open" {
  step "open" {}
}

scenario "read" {
  step "open" {}
  step "get" {
    property = "cost"
  }
  step "traverse" {
    property = "cost"
  }
}
`

func load(t *testing.T, dataDir, out string, opts spec.Options, filter string) *plan.Plan {
	t.Helper()
	src := fmt.Sprintf(testSpec, dataDir, out)
	p, diags := spec.LoadSources([]spec.Source{{Name: "shards.hcl", Bytes: []byte(src)}}, opts)
	if p == nil {
		t.Fatalf("load: %v", diags)
	}
	f, err := plan.ParseFilter(filter)
	if err != nil {
		t.Fatal(err)
	}
	p.Select(f)
	return p
}

func TestGroupsKeepComparisonsTogether(t *testing.T) {
	p := load(t, "d", "o", spec.Options{}, "")
	groups := Groups(p)
	if len(groups) != 6 {
		t.Fatalf("%d groups, want 6", len(groups))
	}
	seen := map[int]bool{}
	for _, g := range groups {
		if len(g.Cells) != 4 {
			t.Errorf("group %s has %d cells, want 4 (usdc, its control, 2 parquet)", g.Key, len(g.Cells))
		}
		var control bool
		for _, i := range g.Cells {
			c := &p.Cells[i]
			if c.GroupKey() != g.Key || seen[i] {
				t.Errorf("cell %s in group %s", c.ID, g.Key)
			}
			seen[i] = true
			control = control || c.Format.Control
		}
		if !control {
			t.Errorf("group %s lacks the A/A control", g.Key)
		}
	}
	if len(seen) != len(p.Cells) {
		t.Errorf("groups cover %d of %d cells", len(seen), len(p.Cells))
	}
}

func TestAssignBalancesAndIsDeterministic(t *testing.T) {
	p := load(t, "d", "o", spec.Options{}, "")
	a, err := Assign(p, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Unit != UnitModel || a.Estimate != EstimateModel {
		t.Errorf("unit %q estimate %q", a.Unit, a.Estimate)
	}
	// big/read is the costliest group and gets a shard nearly to itself.
	byKey := map[string]Group{}
	for _, g := range a.Groups {
		byKey[g.Key] = g
	}
	big := byKey["big/read"]
	for _, g := range a.Groups {
		if g.Key != big.Key && g.Cost >= big.Cost {
			t.Errorf("%s costs %d, not less than big/read's %d", g.Key, g.Cost, big.Cost)
		}
	}
	var total int64
	for _, l := range a.Loads {
		total += l
	}
	if total != sumCosts(a.Groups) {
		t.Errorf("loads %v do not add up to the groups' costs %d", a.Loads, sumCosts(a.Groups))
	}
	// Longest-processing-time first is within 4/3 of the optimum; at
	// least, no shard carries more than the costliest group plus an even
	// share of the rest.
	for s, l := range a.Loads {
		if l > big.Cost+total/2 {
			t.Errorf("shard %d carries %d of %d", s, l, total)
		}
	}
	// Every process that loads the spec computes the same split, whatever
	// its data_dir and out.
	for range 5 {
		b, err := Assign(load(t, "/elsewhere", "/results", spec.Options{}, ""), 2, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(a.Groups, b.Groups, func(x, y Group) bool { return x.Key == y.Key && x.Shard == y.Shard }) ||
			a.PlanSHA256 != b.PlanSHA256 {
			t.Fatal("two loads of one spec split differently")
		}
	}
}

func sumCosts(gs []Group) int64 {
	var n int64
	for _, g := range gs {
		n += g.Cost
	}
	return n
}

// Equal costs go by group key, and to the lowest-numbered of equally
// loaded shards.
func TestAssignTies(t *testing.T) {
	p := load(t, "d", "o", spec.Options{Vars: []string{"big=10000"}}, "dataset=mid,dataset=big")
	a, err := Assign(p, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, g := range a.Groups {
		got[g.Key] = g.Shard
	}
	want := map[string]int{"big/read": 0, "mid/read": 1, "big/open": 2, "mid/open": 3}
	if !maps.Equal(got, want) {
		t.Errorf("assignment %v, want %v", got, want)
	}
}

func TestMoreShardsThanGroups(t *testing.T) {
	p := load(t, "d", "o", spec.Options{}, "dataset=small")
	a, err := Assign(p, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	var empty int
	for i := range 5 {
		q := a.Select(p, i)
		if len(q.Cells) == 0 {
			empty++
			if r := a.Record(p, i); len(r.Groups) != 0 || len(r.Plan) != 2 {
				t.Errorf("empty shard %d records %+v", i, r)
			}
		}
	}
	if empty != 3 {
		t.Errorf("%d empty shards, want 3", empty)
	}
	if _, err := Assign(p, 0, nil); err == nil {
		t.Error("0 shards accepted")
	}
}

func TestSelectKeepsPlanOrder(t *testing.T) {
	p := load(t, "d", "o", spec.Options{}, "")
	a, _ := Assign(p, 3, nil)
	var all []string
	for i := range 3 {
		q := a.Select(p, i)
		if len(q.Datasets) != len(p.Datasets) || q.Title != p.Title {
			t.Error("Select changed more than the cells")
		}
		last := -1
		for _, c := range q.Cells {
			at := slices.IndexFunc(p.Cells, func(x plan.Cell) bool { return x.ID == c.ID })
			if at <= last {
				t.Errorf("shard %d: %s out of plan order", i, c.ID)
			}
			last = at
			all = append(all, c.ID)
		}
	}
	if len(all) != len(p.Cells) {
		t.Errorf("the shards hold %d of %d cells", len(all), len(p.Cells))
	}
	slices.Sort(all)
	if len(slices.Compact(all)) != len(p.Cells) {
		t.Error("a cell is in two shards")
	}
}

func TestPlanHash(t *testing.T) {
	base := PlanHash(load(t, "d", "o", spec.Options{}, ""))
	if h := PlanHash(load(t, "/other/data", "/other/out", spec.Options{}, "")); h != base {
		t.Error("data_dir and out change the plan hash")
	}
	if h := PlanHash(load(t, "d", "o", spec.Options{Vars: []string{"big=40000"}}, "")); h != base {
		t.Error("a -var that sets the default changes the plan hash")
	}
	if h := PlanHash(load(t, "d", "o", spec.Options{Vars: []string{"big=50000"}}, "")); h == base {
		t.Error("another -var keeps the plan hash")
	}
	if h := PlanHash(load(t, "d", "o", spec.Options{}, "scenario=open")); h == base {
		t.Error("a -filter keeps the plan hash")
	}
}

func TestEstimateFromResults(t *testing.T) {
	p := load(t, "d", "o", spec.Options{}, "")
	// Measured: only small/usdc/open, at 1 ms per run.
	f := &results.File{Cells: []results.Cell{
		{ID: "small/usdc/open", Status: results.StatusOK, Steps: []results.Step{
			{Op: "open", Ops: 1, Stats: results.Stats{MedianNS: 700e3}},
			{Op: results.OpFirstValue, Ops: 1, Stats: results.Stats{MedianNS: 9e9}}, // derived: not counted
		}, Startup: &results.Startup{Stats: results.Stats{MedianNS: 300e3}}},
		{ID: "small/parquet-none/open", Status: results.StatusFailed},
	}}
	est := FromResults(f)
	if got := est.PerRun["small/usdc/open"]; got != 1e6 || len(est.PerRun) != 1 {
		t.Fatalf("per run %v", est.PerRun)
	}
	est.Source = "old.json"
	a, err := Assign(p, 2, est)
	if err != nil {
		t.Fatal(err)
	}
	if a.Unit != UnitNS || a.Estimate != "old.json" {
		t.Errorf("unit %q estimate %q", a.Unit, a.Estimate)
	}
	// Cells it did not measure are scaled from the model: the other
	// small/open cells cost what the measured one does (same prims and
	// steps), 5 runs each.
	for _, g := range a.Groups {
		if g.Key == "small/open" && g.Cost != 4*5*1_000_000 {
			t.Errorf("small/open costs %d ns, want %d", g.Cost, 4*5*1_000_000)
		}
	}
	_, err = Assign(p, 2, &Estimate{Source: "x.json", PerRun: map[string]int64{"nope/usdc/open": 5}})
	if !errors.Is(err, ErrNoOverlap) {
		t.Errorf("an estimate of another plan: %v", err)
	}
}

func TestResolve(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	tests := []struct {
		value   string
		count   int
		env     func(string) string
		i, n    int
		wantErr string
	}{
		{value: "1/3", env: env(), i: 1, n: 3},
		{value: "0/1", env: env(), i: 0, n: 1},
		{value: "3/3", env: env(), wantErr: "0 <= I < N"},
		{value: "1/3", count: 4, env: env(), wantErr: "but -shards says 4"},
		{value: "x", env: env(), wantErr: "want I/N"},
		{value: "auto", count: 3, env: env(EnvK8sIndex, "2"), i: 2, n: 3},
		{value: "auto", env: env(EnvK8sIndex, "2"), wantErr: "gives the index only"},
		{value: "auto", count: 2, env: env(EnvK8sIndex, "2"), wantErr: "not below the 2 shards"},
		{value: "auto", count: 2, env: env(EnvK8sIndex, "-1"), wantErr: "not a non-negative integer"},
		{value: "auto", env: env(EnvSlurmID, "4", EnvSlurmCount, "5", EnvSlurmMin, "0"), i: 4, n: 5},
		{value: "auto", env: env(EnvSlurmID, "3", EnvSlurmCount, "3", EnvSlurmMin, "1"), i: 2, n: 3},
		{value: "auto", env: env(EnvSlurmID, "4", EnvSlurmCount, "3", EnvSlurmMin, "0", EnvSlurmStep, "2"), i: 2, n: 3},
		{value: "auto", env: env(EnvSlurmID, "3", EnvSlurmCount, "3", EnvSlurmMin, "0", EnvSlurmStep, "2"), wantErr: "--array=0-2"},
		{value: "auto", count: 4, env: env(EnvSlurmID, "0", EnvSlurmCount, "3"), wantErr: "has 3 tasks"},
		{value: "auto", env: env(EnvSlurmID, "0"), wantErr: "SLURM_ARRAY_TASK_COUNT is not"},
		{value: "auto", env: env(EnvSlurmID, "0", EnvSlurmCount, "2", EnvK8sIndex, "0"), wantErr: "both"},
		{value: "auto", env: env(), wantErr: "neither JOB_COMPLETION_INDEX"},
	}
	for _, tt := range tests {
		w, err := Resolve(tt.value, tt.count, "-shards", tt.env)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Resolve(%q, %d): %v, want an error with %q", tt.value, tt.count, err, tt.wantErr)
			}
			continue
		}
		if err != nil || w.Index != tt.i || w.Count != tt.n || w.From == "" {
			t.Errorf("Resolve(%q, %d) = %+v, %v; want %d/%d", tt.value, tt.count, w, err, tt.i, tt.n)
		}
	}
}

// The compact estimate runner export ships reads back to the same figures.
func TestEstimateFileRoundTrip(t *testing.T) {
	est := &Estimate{Source: "old.json", PerRun: map[string]int64{"a/usdc/open": 1, "a/usdc/get": 123456789012, "b/x/y": 7}}
	var b strings.Builder
	if err := results.Write(&b, est.File()); err != nil {
		t.Fatal(err)
	}
	f, err := results.Read(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if got := FromResults(f).PerRun; !maps.Equal(got, est.PerRun) {
		t.Errorf("read back %v, want %v", got, est.PerRun)
	}
}
