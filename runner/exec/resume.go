package exec

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/scenebench/runner/runner/plan"
	"github.com/scenebench/runner/runner/results"
)

// InterruptedDir is where, inside the output directory, an interrupted run
// writes its results, so that the complete results of an earlier run stay
// as they were.
const InterruptedDir = "interrupted"

// ResultsDir is where the results of f belong under out: out itself for a
// run that ran every cell, out/interrupted for one that did not.
func ResultsDir(out string, f *results.File) string {
	if f.Interrupted != nil {
		return filepath.Join(out, InterruptedDir)
	}
	return out
}

// markInterrupted lists every cell of p that f does not hold as skipped,
// reason "interrupted", in plan order, and records how far the run got.
func markInterrupted(f *results.File, p *plan.Plan, why error) {
	ran := map[string]results.Cell{}
	for _, c := range f.Cells {
		ran[c.ID] = c
	}
	cells := make([]results.Cell, 0, len(p.Cells))
	for i := range p.Cells {
		c := &p.Cells[i]
		if rc, ok := ran[c.ID]; ok {
			cells = append(cells, rc)
			continue
		}
		rc := results.Cell{ID: c.ID, Dataset: c.Dataset.Name, Format: c.Format.Label, FormatName: c.Format.Format,
			Variant: c.Format.Axes, Scenario: c.Scenario.Name, Reader: c.Format.ReaderName(),
			Status: results.StatusSkipped, Error: results.ReasonInterrupted, Steps: []results.Step{}}
		if rc.Variant == nil {
			rc.Variant = map[string]string{}
		}
		cells = append(cells, rc)
	}
	reason := why.Error()
	if errors.Is(why, context.Canceled) {
		reason = "interrupt"
	}
	f.Interrupted = &results.Interruption{Ran: len(f.Cells), Of: len(p.Cells), Reason: reason}
	f.Cells = cells
}

// reusable picks the journaled cells a resumed run keeps: those whose
// configuration is unchanged. It says which it reuses and which run again.
func (e *executor) reusable(journaled map[string]results.Cell, configs []string) map[string]results.Cell {
	done := map[string]results.Cell{}
	var changed []string
	for i := range e.p.Cells {
		id := e.p.Cells[i].ID
		rc, ok := journaled[id]
		switch {
		case !ok:
		case rc.Config != configs[i]:
			changed = append(changed, id)
		default:
			done[id] = rc
		}
	}
	e.prog.line("resume: reusing %d of %d cells from the journal; %d run again because their configuration changed (dataset, format, reader, steps, settings or runner build)%s",
		len(done), len(e.p.Cells), len(changed), examples(changed))
	return done
}

// examples lists up to three ids: ": a, b, c and 5 more".
func examples(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	s := ": " + strings.Join(ids[:min(3, len(ids))], ", ")
	if len(ids) > 3 {
		s += fmt.Sprintf(" and %d more", len(ids)-3)
	}
	return s
}
