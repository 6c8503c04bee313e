package view

import (
	"fmt"
	"sort"
	"strings"

	"github.com/scenebench/runner/runner/results"
)

// StatusCount is how many cells ended with one status.
type StatusCount struct {
	Status string
	Cells  int
}

// Problem is a cell that did not end ok.
type Problem struct {
	Cell    *results.Cell
	Details []string
}

func (r *Report) problems() {
	counts := map[string]int{}
	for i := range r.File.Cells {
		c := &r.File.Cells[i]
		counts[c.Status]++
		if c.Status == results.StatusOK {
			continue
		}
		if c.Status == results.StatusSkipped && c.Error == results.ReasonInterrupted && r.File.Interrupted != nil {
			continue // said once, at the top of every report
		}
		p := Problem{Cell: c}
		if c.Status == results.StatusMismatch {
			p.Details = r.digestDetails(c)
		}
		r.Problems = append(r.Problems, p)
	}
	known := []string{results.StatusOK, results.StatusMismatch, results.StatusFailed, results.StatusTimeout, results.StatusOOM, results.StatusSkipped}
	for _, s := range known {
		if counts[s] > 0 {
			r.Statuses = append(r.Statuses, StatusCount{s, counts[s]})
		}
		delete(counts, s)
	}
	var other []string
	for s := range counts {
		other = append(other, s)
	}
	sort.Strings(other)
	for _, s := range other {
		r.Statuses = append(r.Statuses, StatusCount{s, counts[s]})
	}
}

// digestDetails explains which steps of a mismatched cell disagree.
func (r *Report) digestDetails(c *results.Cell) []string {
	var out []string
	for _, d := range r.Datasets {
		if d.Name != c.Dataset {
			continue
		}
		for _, s := range d.Scenarios {
			if s.Name != c.Scenario {
				continue
			}
			for _, t := range s.Steps {
				var self string
				var agree []string
				agreed := ""
				for _, row := range t.Rows {
					if row.Step == nil || row.Step.Digest == "" {
						continue
					}
					if row.Cell == c {
						self = row.Digest
						continue
					}
					if row.Digest == "" {
						agree = append(agree, row.Variant.Label)
						agreed = row.Step.Digest
					}
				}
				if self == "" {
					continue
				}
				line := fmt.Sprintf("step %s read digest %s", t.Name, self)
				if agreed != "" {
					line += fmt.Sprintf(", but %s read %s", strings.Join(agree, ", "), agreed)
				}
				out = append(out, line)
			}
		}
	}
	if len(out) == 0 {
		out = append(out, "its digests disagree with another variant's")
	}
	return out
}
