package view

import (
	"testing"

	"github.com/scenebench/runner/runner/results"
)

func TestWinnerAndBaseline(t *testing.T) {
	f := file(10, "b", []string{"a", "b", "c"}, map[string][]stepSpec{"load": {{"open", "open", 1, 100}}}, []string{"load"})
	// a is fastest but mismatched; b is next; c failed.
	f.Cells[0].Status = results.StatusMismatch
	f.Cells[2].Status = results.StatusFailed
	f.Cells[2].Steps = nil
	r, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	st := r.Datasets[0].Scenarios[0].Steps[0]
	if st.Winner.Winner != "" || st.Winner.Text() != "–" {
		t.Errorf("winner %+v with only one ok cell", st.Winner)
	}
	if got := st.Rows[0].Ratio; got != "2.00x faster (1.98–2.02)" {
		t.Errorf("mismatched row ratio %q, want 2.0x faster (b is the baseline)", got)
	}
	if !r.Variants[1].Baseline || r.Baseline != "b" {
		t.Errorf("baseline %q", r.Baseline)
	}
	if len(r.Problems) != 2 {
		t.Errorf("%d problems, want 2", len(r.Problems))
	}

	// An unknown baseline falls back to the first variant.
	f.Report.Baseline = "nope"
	f.Cells[0].Status = results.StatusOK
	f.Cells[2] = f.Cells[1]
	f.Cells[2].Format, f.Cells[2].ID = "c", "d/c/load"
	r, err = New(f)
	if err != nil {
		t.Fatal(err)
	}
	if r.Baseline != "a" {
		t.Errorf("baseline %q, want the first variant", r.Baseline)
	}
	if w := r.Datasets[0].Scenarios[0].Steps[0].Winner.Winner; w != "a" {
		t.Errorf("winner %q, want a", w)
	}
}
