package reporters

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/scenebench/runner/reporters/internal/fixture"
	"github.com/scenebench/runner/runner/results"
)

// merged is the fixture as runner merge would write it from three shards,
// one of them missing: its comparison groups alternate between two
// machines.
func merged(t *testing.T, machines int) *results.File {
	t.Helper()
	f := fixture.File(fixture.Options{Seed: 1, Traits: true})
	m := &results.Merge{PlanSHA256: "abc", Count: 3, Missing: []int{2}, Machines: machines}
	for i := range 2 {
		label := fmt.Sprintf("m%d", i%machines+1)
		env := f.Environment
		env.Hostname = fmt.Sprintf("node-%d", i)
		m.Shards = append(m.Shards, results.MergedShard{Index: i, File: fmt.Sprintf("shard-%d-of-3/results.json", i),
			Machine: label, Environment: env, Groups: []string{}})
	}
	seen := map[string]bool{}
	n := 0
	for _, c := range f.Cells {
		g := c.Dataset + "/" + c.Scenario
		if seen[g] {
			continue
		}
		seen[g] = true
		s := &m.Shards[n%2]
		s.Groups = append(s.Groups, g)
		n++
	}
	f.Merge = m
	return f
}

func TestMergedReportsMarkMachines(t *testing.T) {
	f := merged(t, 2)
	render := func(format string) string {
		var b bytes.Buffer
		if err := Render(&b, f, format, Options{}); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		return b.String()
	}
	md := render("md")
	for _, want := range []string{
		"- Sharded: merged from 2 of 3 shards, run on 2 machine(s); missing: shard 2.",
		"| shard | machine ",
		"|     2 | **missing** |",
		"node-1",
		"> **Across machines:** measured on 2 machines (m1: ",
		"Measured on machine m2 (shard 1, host `node-1`).",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("results.md lacks %q", want)
		}
	}
	// The single-machine rows are the shards' table now.
	if strings.Contains(md, "| host |") {
		t.Error("results.md still names one host for a merged run")
	}
	html := render("html")
	for _, want := range []string{"Machines", "node-0", "Across machines: measured on 2 machines", "measured on machine m1"} {
		if !strings.Contains(html, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if table := render("table"); !strings.Contains(table, "merged from 2 of 3 shards on 2 machine(s); each row ran whole on one machine") {
		t.Errorf("table lacks the merge line:\n%s", table)
	}

	// Shards on one machine compare alike: no note.
	one := merged(t, 1)
	var b bytes.Buffer
	if err := Render(&b, one, "md", Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "Across machines") {
		t.Error("a note on machines for shards that all ran on one machine")
	}
	// Unmerged results say nothing of shards.
	b.Reset()
	if err := Render(&b, fixture.File(fixture.Options{Seed: 1}), "md", Options{}); err != nil {
		t.Fatal(err)
	}
	if s := b.String(); strings.Contains(s, "Sharded") || strings.Contains(s, "machine m") {
		t.Error("unmerged results mention shards")
	}
}
