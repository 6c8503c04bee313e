package view

import (
	"strings"
)

// WarningGroup is one warning text and everywhere it was raised.
type WarningGroup struct {
	Text  string
	Where []string
}

// Warning is a measurement warning and where it was raised.
type Warning struct {
	Where string // "run", a cell id, or "cell id, step name"
	Text  string
}

func (r *Report) warnings() {
	for _, w := range r.File.Warnings {
		r.Warnings = append(r.Warnings, Warning{Where: "run", Text: w})
	}
	for i := range r.File.Cells {
		c := &r.File.Cells[i]
		mentionsCold := false
		for _, w := range c.Warnings {
			r.Warnings = append(r.Warnings, Warning{Where: c.ID, Text: w})
			if strings.Contains(strings.ToLower(w), "cold") {
				mentionsCold = true
			}
		}
		for _, st := range c.Steps {
			for _, w := range st.Warnings {
				r.Warnings = append(r.Warnings, Warning{Where: c.ID + ", step " + st.Name, Text: w})
				if strings.Contains(strings.ToLower(w), "cold") {
					mentionsCold = true
				}
			}
		}
		if c.ColdCache != nil && !*c.ColdCache && !mentionsCold {
			r.Warnings = append(r.Warnings, Warning{Where: c.ID, Text: "cold cache not achieved: the dataset's pages could not be dropped"})
		}
	}
}

func (r *Report) groupWarnings() {
	index := map[string]int{}
	for _, w := range r.Warnings {
		i, ok := index[w.Text]
		if !ok {
			i = len(r.WarningGroups)
			index[w.Text] = i
			r.WarningGroups = append(r.WarningGroups, WarningGroup{Text: w.Text})
		}
		r.WarningGroups[i].Where = append(r.WarningGroups[i].Where, w.Where)
	}
}
