package spec

import (
	"reflect"
	"testing"
)

// A step attribute given as a list sweeps the scenario: one scenario per
// value, steps sweeping the same attribute together; memory_limit sweeps
// a scenario or a format, and the lowest limit of a cell applies.
func TestScenarioAndMemorySweeps(t *testing.T) {
	p := mustLoad(t, `
settings {
  memory_limit = "1GiB"
}
dataset "flat" {
  prims = 1000
}
format "usdc" {}
format "parquet" {
  memory_limit = ["none", "2GiB", "64MiB"]
}
scenario "scan" {
  memory_limit = ["512MiB", 134217728]
  step "open" {}
  step "get" {
    property = "cost"
    threads  = [1, 4]
  }
  step "traverse" {
    property = "cost"
    threads  = [1, 4]
  }
  step "traverse" {
    name     = "sparse"
    property = "cost"
    fraction = 0.01
    threads  = 2
  }
}
scenario "plain" {
  step "open" {}
}
`, Options{})
	var names []string
	for _, s := range p.Scenarios {
		names = append(names, s.Name)
	}
	want := []string{"scan-t1-mem512MiB", "scan-t1-mem128MiB", "scan-t4-mem512MiB", "scan-t4-mem128MiB", "plain"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("scenarios %v, want %v", names, want)
	}
	s := p.Scenarios[3]
	if s.Base != "scan" || !reflect.DeepEqual(s.Axes, map[string]string{"threads": "t4", "memory_limit": "mem128MiB"}) || s.MemoryLimit != 128<<20 {
		t.Errorf("scenario %s: base %q axes %v limit %d", s.Name, s.Base, s.Axes, s.MemoryLimit)
	}
	for _, st := range s.Steps[1:3] {
		if st.Args.Int("threads") != 4 {
			t.Errorf("step %s threads %d, want 4", st.Name, st.Args.Int("threads"))
		}
	}
	if st := s.Steps[3]; st.Args.Int("threads") != 2 || st.Args.Float("fraction") != 0.01 {
		t.Errorf("unswept step %s: %v", st.Name, st.Args)
	}
	if p.Scenarios[0].Steps[1].Args.Int("threads") != 1 || len(p.Scenarios[0].Steps[1].Traits) != 2 {
		t.Errorf("first scenario's get: %+v", p.Scenarios[0].Steps[1])
	}
	if p.Scenarios[4].Base != "" || p.Scenarios[4].Axes != nil {
		t.Errorf("an unswept scenario has base %q axes %v", p.Scenarios[4].Base, p.Scenarios[4].Axes)
	}
	var labels []string
	for _, v := range p.Formats {
		labels = append(labels, v.Label)
	}
	if want := []string{"usdc", "parquet-unlimited", "parquet-mem2GiB", "parquet-mem64MiB"}; !reflect.DeepEqual(labels, want) {
		t.Errorf("variants %v, want %v", labels, want)
	}
	if p.Settings.MemoryLimit != 1<<30 {
		t.Errorf("settings memory limit %d", p.Settings.MemoryLimit)
	}
	limits := map[string]int64{}
	for i := range p.Cells {
		limits[p.Cells[i].ID] = p.MemoryLimit(&p.Cells[i])
	}
	for id, want := range map[string]int64{
		"flat/usdc/plain":                          1 << 30,
		"flat/parquet-mem2GiB/plain":               1 << 30,
		"flat/parquet-mem64MiB/plain":              64 << 20,
		"flat/parquet-unlimited/scan-t4-mem512MiB": 512 << 20,
		"flat/parquet-mem64MiB/scan-t1-mem128MiB":  64 << 20,
	} {
		if limits[id] != want {
			t.Errorf("%s: limit %d, want %d", id, limits[id], want)
		}
	}
}
