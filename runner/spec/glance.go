package spec

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/scenebench/runner/runner/plan"
	"github.com/scenebench/runner/runner/results"
)

// loadGlance reads the report block's glance block: the rows of "Results
// at a glance", each a label and the scenario and step its figures come
// from, checked against the scenarios. It returns nil when there is no
// glance block (the reports then choose the rows).
func (l *loader) loadGlance(rb *reportBlock, scenarios []plan.Scenario) []results.GlanceRow {
	if len(rb.Glance) == 0 {
		return nil
	}
	for _, dup := range rb.Glance[1:] {
		l.add(errorAt(dup.DefRange, "Duplicate glance block",
			fmt.Sprintf("Only one glance block is allowed in the report block; the first is at %s.", rb.Glance[0].DefRange)))
	}
	gb := rb.Glance[0]
	if len(gb.Rows) == 0 {
		l.add(errorAt(gb.DefRange, "Empty glance block",
			"A glance block lists the rows of \"Results at a glance\", for example:\n"+
				"  row \"open\" {\n    scenario = \"initial-load\"\n    step     = \"open\"\n  }\n"+
				"Without a glance block the reports choose the rows themselves."))
		return nil
	}
	byName := map[string]*plan.Scenario{}
	var names []string
	for i := range scenarios {
		byName[scenarios[i].Name] = &scenarios[i]
		names = append(names, scenarios[i].Name)
	}
	declared := map[string]bool{}
	for _, b := range l.bodies {
		for _, sb := range b.Scenarios {
			declared[sb.Name] = true
		}
	}
	var rows []results.GlanceRow
	labels := map[string]hcl.Range{}
	for _, rowb := range gb.Rows {
		row := results.GlanceRow{Label: rowb.Label}
		ok := true
		if strings.TrimSpace(rowb.Label) == "" {
			l.add(errorAt(rowb.DefRange, "Invalid glance row label",
				"A row's label is its title in the reports; it must not be empty."))
			ok = false
		} else if prev, dup := labels[rowb.Label]; dup {
			l.add(errorAt(rowb.DefRange, "Duplicate glance row",
				fmt.Sprintf("A row labelled %q is already at %s; give each row its own label.", rowb.Label, prev)))
			ok = false
		} else {
			labels[rowb.Label] = rowb.DefRange
		}
		for _, req := range []struct {
			attr *hcl.Attribute
			name string
		}{{rowb.Scenario, "scenario"}, {rowb.Step, "step"}} {
			if req.attr == nil {
				l.add(errorAt(rowb.DefRange, "Missing required argument",
					fmt.Sprintf("The argument %q is required: a row shows one step of one scenario.", req.name)))
				ok = false
			}
		}
		var sc *plan.Scenario
		if rowb.Scenario != nil {
			v, vok := l.str(rowb.Scenario)
			switch {
			case !vok:
				ok = false
			case byName[v] != nil:
				row.Scenario, sc = v, byName[v]
			case declared[v]:
				// Dropped for its own errors, already reported.
				ok = false
			default:
				l.add(errorAt(rowb.Scenario.Expr.Range(), "Unknown scenario",
					fmt.Sprintf("The row names scenario %q, which is not declared; the scenarios are %s.%s", v, quoteAll(names), suggest(v, names))))
				ok = false
			}
		}
		if rowb.Step != nil {
			v, vok := l.str(rowb.Step)
			switch {
			case !vok:
				ok = false
			case sc == nil:
				// Nothing to check the step against.
			default:
				var steps []string
				for _, st := range sc.Steps {
					steps = append(steps, st.Name)
				}
				if !slices.Contains(steps, v) {
					l.add(errorAt(rowb.Step.Expr.Range(), "Unknown step",
						fmt.Sprintf("Scenario %q has no step named %q; its steps are %s.%s", sc.Name, v, quoteAll(steps), suggest(v, steps))))
					ok = false
				}
				row.Step = v
			}
		}
		if rowb.Metric != nil {
			if v, mok := l.oneOf(rowb.Metric, results.GlanceMetrics...); mok {
				if v != results.MetricTime {
					row.Metric = v
				}
			} else {
				ok = false
			}
		}
		if ok {
			rows = append(rows, row)
		}
	}
	return rows
}
