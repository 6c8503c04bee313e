package view

import (
	"slices"

	"github.com/scenebench/runner/runner/results"
)

// ReaderRow is who read one variant's files and what starting it cost.
type ReaderRow struct {
	Variant *Variant
	Reader  string // "go" or a driver's name
	Version string
	// Startup is the reader process's start-up (ns): V the middle of the
	// medians of the variant's ok cells, Low and High the least and the
	// greatest of them; Has is false when no cell recorded one.
	Startup Value
}

// readers lists the readers of the variants when a driver read any of
// them: with only the Go reader there is nothing to tell apart.
func (r *Report) readers() {
	drivers := false
	for _, c := range r.File.Cells {
		if c.Reader != "" && c.Reader != "go" {
			drivers = true
		}
	}
	if !drivers {
		return
	}
	for _, v := range r.Variants {
		row := ReaderRow{Variant: v, Startup: Value{Variant: v}}
		var samples []float64
		for i := range r.File.Cells {
			c := &r.File.Cells[i]
			if CellLabel(c) != v.Label {
				continue
			}
			row.Reader, row.Version = c.Reader, c.ReaderVersion
			if c.Status == results.StatusOK && c.Startup != nil {
				samples = append(samples, c.Startup.Stats.MedianNS)
			}
		}
		if len(samples) > 0 {
			slices.Sort(samples)
			row.Startup.Present, row.Startup.Has = true, true
			row.Startup.V = samples[(len(samples)-1)/2]
			row.Startup.Low, row.Startup.High = samples[0], samples[len(samples)-1]
		}
		if row.Reader == "" {
			row.Reader = "go"
		}
		r.Readers = append(r.Readers, row)
	}
}
