package view

import "testing"

func TestSequentialMatchesRandomByValues(t *testing.T) {
	open := stepSpec{"open", "open", 1, 100}
	f := file(100, "a", []string{"a", "b"}, map[string][]stepSpec{
		"single-traversal": {open, {"traverse", "traverse", 100, 10}},
		"multi-traversal":  {open, {"traverse", "traverse", 600, 60}},
		"random-traversal": {open, {"traverse", "traverse", 600, 90}},
	}, []string{"single-traversal", "multi-traversal", "random-traversal"})
	r, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	sr := r.Datasets[0].SeqRandom
	if sr == nil {
		t.Fatal("no sequential/random table")
	}
	if sr.Sequential.Scenario != "multi-traversal" {
		t.Errorf("sequential side from %q, want the traversal reading as many values", sr.Sequential.Scenario)
	}
	if got := sr.Rows[0].Ratio; got != "1.50x slower (1.49–1.51)" {
		t.Errorf("random vs sequential %q, want 1.50x slower (1.49–1.51)", got)
	}
	if sr.Same == "" || len(sr.Differences) > 0 {
		t.Errorf("results without params: same %q, differences %q", sr.Same, sr.Differences)
	}
}
