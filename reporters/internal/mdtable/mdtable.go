// Package mdtable writes GitHub-flavoured markdown tables with
// tablewriter, escaping what markdown cells cannot hold.
package mdtable

import (
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// Escape makes s safe inside a markdown table cell: pipes are escaped and
// line breaks become spaces.
func Escape(s string) string {
	s = strings.ReplaceAll(s, "\r\n", " ")
	s = strings.ReplaceAll(s, "\n", " ")
	s = strings.ReplaceAll(s, "\r", " ")
	return strings.ReplaceAll(s, "|", `\|`)
}

// Table is a markdown table under construction.
type Table struct {
	header []string
	align  []tw.Align
	rows   [][]string
}

// New starts a table. A header ending in ">" is right-aligned (the marker is
// removed).
func New(header ...string) *Table {
	t := &Table{}
	for _, h := range header {
		a := tw.AlignLeft
		if strings.HasSuffix(h, ">") {
			a, h = tw.AlignRight, strings.TrimSuffix(h, ">")
		}
		t.header = append(t.header, Escape(h))
		t.align = append(t.align, a)
	}
	return t
}

// Row appends a row; cells are escaped.
func (t *Table) Row(cells ...string) {
	row := make([]string, len(t.header))
	for i := range row {
		if i < len(cells) {
			row[i] = Escape(cells[i])
		}
	}
	t.rows = append(t.rows, row)
}

// Len is the number of rows.
func (t *Table) Len() int { return len(t.rows) }

// Write renders the table followed by a blank line.
func (t *Table) Write(w io.Writer) error {
	tbl := tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewMarkdown()),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithTrimSpace(tw.Off),
		tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{Global: tw.AlignLeft, PerColumn: t.align}),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{Global: tw.AlignLeft, PerColumn: t.align}),
	)
	tbl.Header(t.header)
	for _, r := range t.rows {
		if err := tbl.Append(r); err != nil {
			return fmt.Errorf("markdown table: %w", err)
		}
	}
	if err := tbl.Render(); err != nil {
		return fmt.Errorf("markdown table: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}
