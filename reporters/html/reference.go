package html

import (
	"fmt"
)

// reference is the "Ours / reference" tab: per dataset, each Go-read
// variant's median over the same variant read by the format's reference
// implementation, per step, as a table and as a forest chart on a log
// axis centred on 1 (right: ours faster). nil when no step has a pair.
func (b *builder) reference() (*tab, error) {
	t := &tab{ID: "reference", Label: "Ours / reference"}
	for _, d := range b.r.Datasets {
		rt := d.Reference
		if rt == nil {
			continue
		}
		s := &section{Heading: d.Title(plain), Level: 2,
			Text: "Runner's Go reader against the reference implementation of each format reading the same variant " +
				"(OpenUSD C++ through openusd-cpp for usdc and usda, Arrow C++ through arrow-cpp for parquet): " +
				"the Go reader's median over the reference's; below 1 ours is faster. ~ marks a ratio whose runs show no clear difference at the step's noise floor."}
		header := []string{"scenario", "step"}
		for _, v := range rt.Variants {
			header = append(header, v.Label)
		}
		tbl := &table{Sortable: true, Header: header}
		var points []ratioPoint
		for _, row := range rt.Rows {
			cells := []cell{{Text: row.Scenario}, {Text: row.Step}}
			for i, r := range row.Ratios {
				if r == nil {
					cells = append(cells, cell{Text: "—", Class: "num"})
					continue
				}
				c := cell{Text: r.Text(), Sort: num(r.Ratio), Class: "num"}
				if r.Cmp != nil && r.Cmp.Clear() {
					if r.Ratio < 1 {
						c.Class += " win"
					} else {
						c.Class += " bad"
					}
				}
				cells = append(cells, c)
				v := rt.Variants[i]
				points = append(points, ratioPoint{
					label: fmt.Sprintf("%s · %s/%s", v.Label, row.Scenario, row.Step), color: v.Index,
					cmp: r.Cmp, exact: r.Ratio,
					tip: fmt.Sprintf("%s, %s/%s: ours / %s = %s", v.Label, row.Scenario, row.Step, r.Reference.Label, r.Text()),
				})
			}
			tbl.Rows = append(tbl.Rows, cells)
		}
		c, err := forestChart("Ours against the reference, "+d.Name+" (right: ours faster)", points, nil)
		if err != nil {
			return nil, err
		}
		s.addFigure(c)
		s.Tables = append(s.Tables, tbl)
		t.Sections = append(t.Sections, s)
	}
	if len(t.Sections) == 0 {
		return nil, nil
	}
	return t, nil
}
