package shard

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scenebench/runner/runner/plan"
	"github.com/scenebench/runner/runner/results"
	"github.com/scenebench/runner/runner/spec"
)

// fakeShards makes the results each of n shards of p would write: every
// cell ok with one digested step, on hosts host-0, host-1, ...
func fakeShards(t *testing.T, p *plan.Plan, n int) []Input {
	t.Helper()
	a, err := Assign(p, n, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var out []Input
	for i := range n {
		q := a.Select(p, i)
		f := &results.File{SchemaVersion: 1, Title: p.Title, Report: results.Report{Baseline: p.Report.Baseline},
			Environment: results.Environment{Hostname: fmt.Sprintf("host-%d", i), CPUModel: "cpu", RunnerVersion: "v1", RunnerCommit: "abc",
				Start: start.Add(time.Duration(i) * time.Minute), End: start.Add(time.Duration(i+10) * time.Minute)},
			Warnings: []string{"clock source unknown"},
			Shard:    a.Record(p, i), Cells: []results.Cell{}}
		for _, s := range p.Scenarios {
			f.Scenarios = append(f.Scenarios, results.Scenario{Name: s.Name})
		}
		seen := map[string]bool{}
		for _, c := range q.Cells {
			f.Cells = append(f.Cells, results.Cell{ID: c.ID, Dataset: c.Dataset.Name, Format: c.Format.Label,
				FormatName: c.Format.Format, Variant: c.Format.Axes, Scenario: c.Scenario.Name, Control: c.Format.Control,
				Status: results.StatusOK, Steps: []results.Step{{Name: "open", Op: "open", Digest: "d-" + c.Dataset.Name}}})
			if !seen[c.Dataset.Name] {
				seen[c.Dataset.Name] = true
				f.Datasets = append(f.Datasets, results.Dataset{Name: c.Dataset.Name, Prims: c.Dataset.Prims,
					Files: []results.DataFile{{Format: "usdc", Bytes: 100}, {Format: "parquet-none", Bytes: 90}}})
			}
		}
		out = append(out, Input{Path: fmt.Sprintf("shard-%d-of-%d/results.json", i, n), File: f})
	}
	return out
}

func cellIDs(cells []results.Cell) []string {
	ids := make([]string, len(cells))
	for i, c := range cells {
		ids[i] = c.ID
	}
	return ids
}

func TestMergeJoinsShardsInPlanOrder(t *testing.T) {
	p := load(t, "d", "o", spec.Options{}, "")
	in := fakeShards(t, p, 3)
	slices.Reverse(in) // the order given does not matter
	f, err := Merge(in)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, c := range p.Cells {
		want = append(want, c.ID)
	}
	if got := cellIDs(f.Cells); !slices.Equal(got, want) {
		t.Errorf("cells\n%v\nwant plan order\n%v", got, want)
	}
	m := f.Merge
	if m == nil || m.Count != 3 || len(m.Shards) != 3 || len(m.Missing) != 0 || m.Machines != 3 || f.Shard != nil {
		t.Fatalf("merge = %+v", m)
	}
	for i, s := range m.Shards {
		if s.Index != i || s.Environment.Hostname != fmt.Sprintf("host-%d", i) || s.Machine != fmt.Sprintf("m%d", i+1) {
			t.Errorf("shard %d = %+v", i, s)
		}
	}
	if f.Environment.Hostname != "host-0" || !f.Environment.Start.Equal(in[2].File.Environment.Start) ||
		!f.Environment.End.Equal(in[0].File.Environment.End) {
		t.Errorf("environment %+v: want host-0's, spanning every shard", f.Environment)
	}
	if !slices.Equal(f.Warnings, []string{"shards 0, 1, 2: clock source unknown"}) {
		t.Errorf("warnings %q", f.Warnings)
	}
	if len(f.Datasets) != 3 || f.Datasets[0].Name != "small" || len(f.Datasets[0].Files) != 2 {
		t.Errorf("datasets %+v", f.Datasets)
	}
	for _, c := range f.Cells {
		if c.Status != results.StatusOK {
			t.Errorf("%s: %s %s", c.ID, c.Status, c.Error)
		}
	}
}

func TestMergeListsMissingShards(t *testing.T) {
	p := load(t, "d", "o", spec.Options{}, "")
	in := fakeShards(t, p, 3)
	f, err := Merge([]Input{in[0], in[2]})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(f.Merge.Missing, []int{1}) || len(f.Cells) != len(p.Cells) {
		t.Fatalf("missing %v, %d cells of %d", f.Merge.Missing, len(f.Cells), len(p.Cells))
	}
	missing := 0
	for _, c := range f.Cells {
		if c.Error == MissingReason(1, 3) {
			missing++
			if c.Status != results.StatusSkipped || c.FormatName == "" || !slices.Contains(in[1].File.Shard.Groups, c.Dataset+"/"+c.Scenario) {
				t.Errorf("missing cell %+v", c)
			}
		}
	}
	if missing != len(in[1].File.Cells) {
		t.Errorf("%d cells listed as missing, want %d", missing, len(in[1].File.Cells))
	}
	if !strings.Contains(strings.Join(f.Warnings, "\n"), "shard 1 of 3 is missing") {
		t.Errorf("warnings %q", f.Warnings)
	}
}

func TestMergeRefusesMismatchedShards(t *testing.T) {
	p := load(t, "d", "o", spec.Options{}, "")
	other := load(t, "d", "o", spec.Options{Vars: []string{"big=50000"}}, "")
	tests := []struct {
		name string
		in   func() []Input
		want string
	}{
		{"duplicate shard", func() []Input { in := fakeShards(t, p, 2); return []Input{in[0], in[1], in[1]} }, "shard 1 of 2 is given twice"},
		{"other plan", func() []Input {
			return []Input{fakeShards(t, p, 2)[0], fakeShards(t, other, 2)[1]}
		}, "come from different plans"},
		{"other count", func() []Input { return []Input{fakeShards(t, p, 2)[0], fakeShards(t, p, 3)[1]} }, "different numbers of shards"},
		{"other build", func() []Input {
			in := fakeShards(t, p, 2)
			in[1].File.Environment.RunnerCommit = "def"
			return in
		}, "one runner build"},
		{"other split", func() []Input {
			in := fakeShards(t, p, 2)
			in[1].File.Shard.Plan[0].Shard = 1 - in[1].File.Shard.Plan[0].Shard
			in[1].File.Shard.Estimate = "old.json"
			return in
		}, "split the plan differently"},
		{"not a shard", func() []Input {
			in := fakeShards(t, p, 2)
			in[0].File.Shard = nil
			return in
		}, "not of a shard"},
		{"group twice", func() []Input {
			in := fakeShards(t, p, 2)
			in[1].File.Shard.Groups = append(in[1].File.Shard.Groups, in[0].File.Shard.Groups[0])
			return in
		}, "is in two shards"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Merge(tt.in())
			if !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want ErrMismatch with %q", err, tt.want)
			}
			if err != nil && !strings.Contains(err.Error(), "results.json") {
				t.Errorf("the error names no file: %v", err)
			}
		})
	}
}

// The digests are checked again across the merged cells.
func TestMergeCrossChecksDigests(t *testing.T) {
	p := load(t, "d", "o", spec.Options{}, "")
	in := fakeShards(t, p, 2)
	bad := &in[1].File.Cells[0]
	bad.Steps[0].Digest = "wrong"
	f, err := Merge(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range f.Cells {
		if c.ID == bad.ID && (c.Status != results.StatusMismatch || !strings.Contains(c.Error, "read digest wrong")) {
			t.Errorf("%s: %s %q", c.ID, c.Status, c.Error)
		}
	}
}
