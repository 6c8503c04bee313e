package compare

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/scenebench/runner/reporters/internal/view"
	"github.com/scenebench/runner/runner/results"
	"github.com/scenebench/runner/runner/stats"
)

// DefaultTolerance is how far a ratio to the baseline may move between
// two runs before Agree calls it unstable: 15%.
const DefaultTolerance = 0.15

// Agreement is whether two runs of one spec reach the same verdicts, each
// against its own baseline: the question of a noise experiment (the same
// suite on an idle machine and on a loaded one). Every comparison is the
// one the reports show, computed by the view.
type Agreement struct {
	A, B      string // the runs, described
	Tolerance float64
	Rows      []AgreeRow
	// Checks are the four findings, each with its outcome.
	Checks []Check
	// Agree is set when every check passed.
	Agree bool
}

// AgreeRow is one variant of one step in both runs.
type AgreeRow struct {
	Dataset, Scenario, Step, Variant string
	// Control marks the A/A control's row.
	Control bool
	// A and B are the variant against the baseline in each run.
	A, B *view.Comparison
	// Move is how far the ratio moved: max(b/a, a/b) - 1.
	Move    float64
	Problem string
}

// Check is one finding of an agreement and whether it holds.
type Check struct {
	Name   string
	Passed bool
	Detail string
}

type stepKey struct{ dataset, scenario, step string }

// Agree compares the verdicts of runs a and b: every variant of every step
// both ran, against the baseline of each. It checks that (1) a verdict
// that names a difference in either run names the same one in the other,
// (2) every ratio to the baseline moves by less than tolerance (0 means
// DefaultTolerance), (3) the A/A control shows ~ on every step of both
// runs, and (4) a winner named in either run is named in the other.
func Agree(a, b *results.File, tolerance float64) (*Agreement, error) {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	ra, err := view.New(a)
	if err != nil {
		return nil, err
	}
	rb, err := view.New(b)
	if err != nil {
		return nil, err
	}
	ag := &Agreement{A: describe(a), B: describe(b), Tolerance: tolerance}
	tablesB := map[stepKey]*view.StepTable{}
	for _, d := range rb.Datasets {
		for _, s := range d.Scenarios {
			for _, t := range s.Steps {
				tablesB[stepKey{d.Name, s.Name, t.Name}] = t
			}
		}
	}
	var flips, moved, aaA, aaB, winners []string
	compared, aaSteps, contests := 0, 0, 0
	worst, worstWhere := 0.0, ""
	for _, d := range ra.Datasets {
		for _, s := range d.Scenarios {
			for _, ta := range s.Steps {
				k := stepKey{d.Name, s.Name, ta.Name}
				tb, ok := tablesB[k]
				if !ok {
					continue
				}
				where := s.Name + "/" + ta.Name
				if len(ra.Datasets) > 1 {
					where = d.Name + "/" + where
				}
				if ta.Winner.Candidates >= 2 || tb.Winner.Candidates >= 2 {
					contests++
					if (ta.Winner.Winner != "" || tb.Winner.Winner != "") && ta.Winner.Winner != tb.Winner.Winner {
						winners = append(winners, fmt.Sprintf("%s: %s against %s", where, ta.Winner.Text(), tb.Winner.Text()))
					}
				}
				for _, rowA := range ta.Rows {
					ca := rowA.Cmp
					if ca == nil {
						continue
					}
					var cb *view.Comparison
					for _, rowB := range tb.Rows {
						if rowB.Variant.Label == rowA.Variant.Label {
							cb = rowB.Cmp
						}
					}
					if cb == nil {
						continue
					}
					row := AgreeRow{Dataset: d.Name, Scenario: s.Name, Step: ta.Name, Variant: rowA.Variant.Label,
						Control: rowA.Variant.Control, A: ca, B: cb}
					label := where + " " + row.Variant
					var problems []string
					if row.Control {
						aaSteps++
						if ca.Verdict != stats.Same {
							aaA = append(aaA, where)
							problems = append(problems, "A/A differs in the first run")
						}
						if cb.Verdict != stats.Same {
							aaB = append(aaB, where)
							problems = append(problems, "A/A differs in the second run")
						}
					} else {
						compared++
						if (ca.Verdict != stats.Same || cb.Verdict != stats.Same) && ca.Verdict != cb.Verdict {
							flips = append(flips, label)
							problems = append(problems, "verdicts differ")
						}
					}
					if ea, eb := ca.Ratio.Estimate, cb.Ratio.Estimate; ea > 0 && eb > 0 {
						row.Move = math.Max(eb/ea, ea/eb) - 1
						if !row.Control {
							if row.Move > worst {
								worst, worstWhere = row.Move, label
							}
							if row.Move >= tolerance {
								moved = append(moved, fmt.Sprintf("%s moved %.0f%% (%.3gx to %.3gx the baseline's time)", label, 100*row.Move, ea, eb))
								problems = append(problems, fmt.Sprintf("ratio moved %.0f%%", 100*row.Move))
							}
						}
					}
					row.Problem = strings.Join(problems, "; ")
					ag.Rows = append(ag.Rows, row)
				}
			}
		}
	}
	tol := fmt.Sprintf("%g%%", math.Round(1e6*100*tolerance)/1e6)
	add := func(name string, failed []string, ok string) {
		c := Check{Name: name, Passed: len(failed) == 0, Detail: ok}
		if !c.Passed {
			c.Detail = fmt.Sprintf("%d: %s", len(failed), strings.Join(failed, ", "))
		}
		ag.Checks = append(ag.Checks, c)
	}
	add("significant verdicts the same in both runs", flips, fmt.Sprintf("all %d comparisons with the baseline agree", compared))
	movedOK := fmt.Sprintf("every ratio moved by less than %s", tol)
	if worstWhere != "" {
		movedOK += fmt.Sprintf(" (most: %.1f%%, %s)", 100*worst, worstWhere)
	}
	add("ratios to the baseline move by less than "+tol, moved, movedOK)
	aa := append(prefixed("first run: ", aaA), prefixed("second run: ", aaB)...)
	aaOK := fmt.Sprintf("~ on all %d steps in both runs", aaSteps)
	if aaSteps == 0 {
		aa = []string{"no A/A control in the runs"}
	}
	add("the A/A control shows ~ on every step", aa, aaOK)
	add("the same winners", winners, fmt.Sprintf("the same winner (or ~) on all %d contested steps", contests))
	ag.Agree = true
	for _, c := range ag.Checks {
		ag.Agree = ag.Agree && c.Passed
	}
	return ag, nil
}

func prefixed(p string, xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = p + x
	}
	return out
}

// RenderAgreement writes ag as text: every row, then the checks and the
// outcome, PASS or FAIL.
func RenderAgreement(w io.Writer, ag *Agreement) error {
	fmt.Fprintf(w, "first:  %s\nsecond: %s\n\n", ag.A, ag.B)
	t := &table{header: []string{"step", "variant", "first run", "second run", "moved", ""}}
	for _, r := range ag.Rows {
		where := r.Scenario + "/" + r.Step
		v := r.Variant
		if r.Control {
			v += " (A/A)"
		}
		t.rows = append(t.rows, []string{where, v, r.A.Text(), r.B.Text(), fmt.Sprintf("%.1f%%", 100*r.Move), r.Problem})
	}
	if len(t.rows) > 0 {
		if err := t.write(w); err != nil {
			return err
		}
	}
	for _, c := range ag.Checks {
		mark := "ok  "
		if !c.Passed {
			mark = "FAIL"
		}
		fmt.Fprintf(w, "%s %s: %s\n", mark, c.Name, c.Detail)
	}
	outcome := "PASS: the two runs reach the same verdicts"
	if !ag.Agree {
		outcome = "FAIL: the two runs disagree"
	}
	_, err := fmt.Fprintf(w, "\n%s\n", outcome)
	return err
}
