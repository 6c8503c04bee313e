// Package table renders the compact summary printed after a run: one row
// per dataset, scenario and step, one column per format variant holding
// the median with its coefficient of variation, and the winner ("~" when
// no variant is clearly faster than every other, by the view's verdicts).
// Colour (winner green, failures red, mismatches yellow) is for terminals
// only.
package table

import (
	"fmt"
	"io"
	"strings"

	"github.com/scenebench/runner/internal/units"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/scenebench/runner/reporters/internal/view"
	"github.com/scenebench/runner/runner/results"
)

// Options tune the table.
type Options struct {
	// Color uses ANSI colours; set it only when the writer is a terminal.
	Color bool
}

const (
	green  = "\x1b[32m"
	red    = "\x1b[31m"
	yellow = "\x1b[33m"
	bold   = "\x1b[1m"
	reset  = "\x1b[0m"
)

// Render writes the summary of f to w.
func Render(w io.Writer, f *results.File, o Options) error {
	r, err := view.New(f)
	if err != nil {
		return err
	}
	paint := func(code, s string) string {
		if !o.Color || s == "" {
			return s
		}
		return code + s + reset
	}
	header := []string{"dataset", "scenario", "step"}
	for _, v := range r.Variants {
		h := v.Label
		switch {
		case v.Baseline:
			h += " (base)"
		case v.Control:
			h += " (A/A)"
		}
		header = append(header, h)
	}
	header = append(header, "winner")
	tbl := tablewriter.NewTable(w,
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
	)
	tbl.Header(header)
	rows := 0
	for _, d := range r.Datasets {
		if len(d.Sizes) > 0 {
			row := []string{d.Name, "file size", ""}
			sizes := make([]string, len(r.Variants))
			for i := range sizes {
				sizes[i] = "–"
			}
			for _, s := range d.Sizes {
				txt := units.Bytes(float64(s.Bytes))
				if s.Variant.Baseline {
					for _, v := range r.Variants {
						if v.Control {
							sizes[v.Index] = txt // the baseline's own file
						}
					}
				}
				if s.Winner {
					txt = paint(green, txt)
				}
				sizes[s.Variant.Index] = txt
			}
			row = append(row, sizes...)
			row = append(row, d.SizeWinner.Text())
			if err := tbl.Append(row); err != nil {
				return fmt.Errorf("table: %w", err)
			}
			rows++
		}
		for _, s := range d.Scenarios {
			for _, st := range s.Steps {
				row := []string{d.Name, s.Name, st.Name}
				vals := make([]string, len(r.Variants))
				for i := range vals {
					vals[i] = "–"
				}
				for _, sr := range st.Rows {
					v := sr.Value()
					txt := v.TextWithNoise(view.Time)
					switch {
					case v.Status == results.StatusMismatch:
						txt = paint(yellow, txt)
					case !v.Has && v.Status != results.StatusOK && v.Status != results.StatusSkipped:
						txt = paint(red, txt)
					case sr.Winner:
						txt = paint(green, txt)
					}
					vals[sr.Variant.Index] = txt
				}
				row = append(row, vals...)
				row = append(row, st.Winner.Text())
				if err := tbl.Append(row); err != nil {
					return fmt.Errorf("table: %w", err)
				}
				rows++
			}
		}
	}
	if rows > 0 {
		if err := tbl.Render(); err != nil {
			return fmt.Errorf("table: %w", err)
		}
	}
	var counts []string
	for _, s := range r.Statuses {
		txt := fmt.Sprintf("%d %s", s.Cells, s.Status)
		switch s.Status {
		case results.StatusOK:
		case results.StatusMismatch:
			txt = paint(yellow, txt)
		case results.StatusSkipped:
		default:
			txt = paint(red, txt)
		}
		counts = append(counts, txt)
	}
	total := len(f.Cells)
	line := fmt.Sprintf("%d cells", total)
	if len(counts) > 0 {
		line += ": " + strings.Join(counts, ", ")
	}
	if r.Baseline != "" {
		line += "; medians (cv), baseline " + r.Baseline + "; winner ~: no variant clearly faster than all the others"
	}
	if in := f.Interrupted; in != nil {
		line = paint(red, fmt.Sprintf("interrupted: %d of %d cells run", in.Ran, in.Of)) + "; " + line
	}
	if _, err := fmt.Fprintln(w, line); err != nil {
		return err
	}
	if m := f.Merge; m != nil {
		note := fmt.Sprintf("merged from %d of %d shards on %d machine(s)", len(m.Shards), m.Count, m.Machines)
		if m.Machines > 1 {
			note += "; each row ran whole on one machine, so compare within a row, not absolute times across rows"
		}
		if len(m.Missing) > 0 {
			note = paint(red, fmt.Sprintf("%d shard(s) missing", len(m.Missing))) + "; " + note
		}
		if _, err := fmt.Fprintln(w, note); err != nil {
			return err
		}
	}
	notes := []string{r.AASummary(), r.MachineSummary()}
	if notes[1] != "" {
		notes[1] = "machine: " + notes[1]
	}
	for _, g := range r.WarningGroups {
		notes = append(notes, "warning: "+g.Summary)
	}
	for _, n := range notes {
		if n == "" {
			continue
		}
		if _, err := fmt.Fprintln(w, "  "+strings.Join(strings.Fields(n), " ")); err != nil {
			return err
		}
	}
	for _, p := range r.Problems {
		msg := fmt.Sprintf("  %s %s", strings.ToUpper(p.Cell.Status), p.Cell.ID)
		if p.Cell.Error != "" {
			msg += ": " + strings.Join(strings.Fields(p.Cell.Error), " ")
		}
		if p.Cell.Status != results.StatusSkipped {
			msg = paint(bold, msg)
		}
		if _, err := fmt.Fprintln(w, msg); err != nil {
			return err
		}
	}
	return nil
}
