package view

import (
	"sort"

	"github.com/scenebench/runner/runner/results"
)

// Staircase is the probes of one traversal step over every variant.
type Staircase struct {
	Scenario, Step string
	Prims          []int // every probe point, ascending
	Series         []StairSeries
}

// StairSeries is one variant's probes.
type StairSeries struct {
	Variant *Variant
	Probes  []results.Probe
}

// RSSAt returns the RSS probed after prims prims.
func (s StairSeries) RSSAt(prims int) (float64, bool) {
	for _, p := range s.Probes {
		if p.Prims == prims {
			return p.RSSBytes, true
		}
	}
	return 0, false
}

func (r *Report) staircases(d *Dataset) {
	for _, s := range d.Scenarios {
		for _, t := range s.Steps {
			if !t.Probes {
				continue
			}
			sc := &Staircase{Scenario: s.Name, Step: t.Name}
			seen := map[int]bool{}
			for _, row := range t.Rows {
				if row.Step == nil || len(row.Step.Probes) == 0 {
					continue
				}
				sc.Series = append(sc.Series, StairSeries{Variant: row.Variant, Probes: row.Step.Probes})
				for _, p := range row.Step.Probes {
					if !seen[p.Prims] {
						seen[p.Prims] = true
						sc.Prims = append(sc.Prims, p.Prims)
					}
				}
			}
			sort.Ints(sc.Prims)
			d.Staircases = append(d.Staircases, sc)
		}
	}
}
