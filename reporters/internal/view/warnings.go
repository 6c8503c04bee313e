package view

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/scenebench/runner/runner/stats"
)

// Warning is a measurement warning and where it was raised.
type Warning struct {
	Where string // "run", a cell id, or "cell id, step name"
	Text  string
}

// WarningGroup is one kind of warning and everywhere it was raised, said
// once: "58 of 60 steps are noisy (coefficient of variation above 5%)",
// then each place with what is particular to it ("51%").
type WarningGroup struct {
	Kind    string // a warningKinds key, "aa", or "" for a warning of its own text
	Summary string
	Items   []WarningItem
}

// RunWide reports whether the group is one warning about the whole run.
func (g WarningGroup) RunWide() bool {
	return len(g.Items) == 1 && g.Items[0].Where == "run" && g.Items[0].Detail == ""
}

// WarningItem is one place a warning was raised and its particulars.
type WarningItem struct {
	Where  string
	Detail string // "" when the summary says everything
}

// warningKind recognises the warnings runner writes (runner/stats for
// steps, the executor for cells) so that they can be counted rather than
// repeated: match finds the particulars, what and unit make the summary.
type warningKind struct {
	key    string
	match  *regexp.Regexp
	detail string // the particulars, from match's groups ($1 ...)
	unit   string // "steps" or "cells": what the summary counts
	what   string // the summary's predicate
}

var warningKinds = []warningKind{
	{"busy", regexp.MustCompile(`^busy machine: (\d+) of (\d+) runs started with a load average above the (\d+) cores \(up to ([0-9.]+)\)`),
		"$1 of $2 runs, load up to $4", "cells", "ran on a busy machine (runs started with a load average above the core count)"},
	{"cold", regexp.MustCompile(`^cold cache not achieved(.*)$`), "", "cells", "did not get a cold cache: their times include cached reads"},
	{"noisy", regexp.MustCompile(`^noisy: coefficient of variation ([0-9.]+%) is above ([0-9.]+%)`),
		"$1", "steps", fmt.Sprintf("are noisy: coefficient of variation above %.0f%% (each median shows its CV)", 100*stats.NoisyCV)},
	{"outliers", regexp.MustCompile(`^(\d+) of (\d+) runs are outliers`),
		"$1 of $2 runs", "steps", "have outlier runs (beyond 1.5 IQR of the quartiles)"},
	{"slow-first", regexp.MustCompile(`^the first run was much slower than the rest \(modified Z-score ([^)]*)\)`),
		"Z-score $1", "steps", "had a first run much slower than the rest: add warmups"},
	{"few-runs", regexp.MustCompile(`^only (\d+) runs?:`),
		"$1", "steps", fmt.Sprintf("have too few runs for a 95%% interval of the median (at least %d): they never win", stats.MinRunsForInterval)},
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

// groupWarnings gathers the warnings by kind, each kind counted against
// what it could have been raised for (steps with samples, cells), then
// the A/A alarms, then every other warning by its text.
func (r *Report) groupWarnings() {
	steps, cells := 0, len(r.File.Cells)
	for _, c := range r.File.Cells {
		for _, st := range c.Steps {
			if len(st.SamplesNS) > 0 {
				steps++
			}
		}
	}
	byKind := map[string]*WarningGroup{}
	var other []*WarningGroup
	otherIndex := map[string]*WarningGroup{}
	for _, w := range r.Warnings {
		k, m := classify(w.Text)
		if k == nil {
			g, ok := otherIndex[w.Text]
			if !ok {
				g = &WarningGroup{Summary: w.Text}
				otherIndex[w.Text] = g
				other = append(other, g)
			}
			g.Items = append(g.Items, WarningItem{Where: w.Where})
			continue
		}
		g, ok := byKind[k.key]
		if !ok {
			g = &WarningGroup{Kind: k.key}
			byKind[k.key] = g
		}
		detail := ""
		if k.detail != "" {
			detail = string(k.match.ExpandString(nil, k.detail, w.Text, m))
		}
		g.Items = append(g.Items, WarningItem{Where: w.Where, Detail: detail})
	}
	// Run-wide warnings first: they concern everything below.
	for _, g := range other {
		if len(g.Items) == 1 && g.Items[0].Where == "run" {
			r.WarningGroups = append(r.WarningGroups, *g)
		}
	}
	for _, k := range warningKinds {
		g, ok := byKind[k.key]
		if !ok {
			continue
		}
		of := steps
		if k.unit == "cells" {
			of = cells
		}
		g.Summary = fmt.Sprintf("%d of %d %s %s", len(g.Items), of, k.unit, k.what)
		r.WarningGroups = append(r.WarningGroups, *g)
	}
	if g := r.aaAlarms(); g != nil {
		r.WarningGroups = append(r.WarningGroups, *g)
	}
	for _, g := range other {
		if len(g.Items) == 1 && g.Items[0].Where == "run" {
			continue
		}
		if len(g.Items) > 1 {
			g.Summary = fmt.Sprintf("%s (%d times)", g.Summary, len(g.Items))
		}
		r.WarningGroups = append(r.WarningGroups, *g)
	}
}

func classify(text string) (*warningKind, []int) {
	for i := range warningKinds {
		if m := warningKinds[i].match.FindStringSubmatchIndex(text); m != nil {
			return &warningKinds[i], m
		}
	}
	return nil, nil
}

// aaAlarms lists the steps whose A/A control differed from the baseline:
// identical code measured alongside itself, so every such difference is
// noise or bias of the run. A few are expected by chance (each interval
// misses 1 - its confidence of the time); the summary says how many.
func (r *Report) aaAlarms() *WarningGroup {
	var items []WarningItem
	tested, expected := 0, 0.0
	for _, d := range r.Datasets {
		for _, s := range d.Scenarios {
			for _, t := range s.Steps {
				if t.AA == nil || !t.AA.Ratio.HasInterval() {
					continue
				}
				tested++
				expected += 1 - t.AA.Ratio.Confidence
				if t.AA.Verdict != stats.Same {
					where := s.Name + ", step " + t.Name
					if len(r.Datasets) > 1 {
						where = d.Name + "/" + where
					}
					items = append(items, WarningItem{Where: where, Detail: t.AA.Text()})
				}
			}
		}
	}
	if len(items) == 0 {
		return nil
	}
	return &WarningGroup{Kind: "aa", Items: items,
		Summary: fmt.Sprintf("%d of %d steps: the A/A control differs from the baseline it copies (about %.1f expected by chance); their noise floors are wide",
			len(items), tested, expected)}
}

// AASummary says how the A/A control came out over every step: "A/A
// control usdc-control: ~ on 14 of 14 steps", or "" without a control.
func (r *Report) AASummary() string {
	var label string
	for _, v := range r.Variants {
		if v.Control {
			label = v.Label
		}
	}
	if label == "" {
		return ""
	}
	tested, differ := 0, 0
	for _, d := range r.Datasets {
		for _, s := range d.Scenarios {
			for _, t := range s.Steps {
				if t.AA == nil || !t.AA.Ratio.HasInterval() {
					continue
				}
				tested++
				if t.AA.Verdict != stats.Same {
					differ++
				}
			}
		}
	}
	if tested == 0 {
		return fmt.Sprintf("A/A control %s: no step has enough runs to compare", label)
	}
	level := ""
	if r.AASteps >= 2 {
		level = fmt.Sprintf("; each step at %s confidence, 95%% for the run as a whole", percent(r.AAConfidence))
	}
	if differ == 0 {
		return fmt.Sprintf("A/A control %s: no difference from the baseline on any of %d steps (~ on every one%s)", label, tested, level)
	}
	return fmt.Sprintf("A/A control %s: differs from the baseline on %d of %d steps (see Warnings%s)", label, differ, tested, level)
}

// percent writes a confidence level as a percentage to two decimals,
// without trailing zeros: 0.95 "95%", 0.99642857 "99.64%".
func percent(c float64) string {
	t := strconv.FormatFloat(c*100, 'f', 2, 64)
	t = strings.TrimRight(strings.TrimRight(t, "0"), ".")
	return t + "%"
}
