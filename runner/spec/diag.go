package spec

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Diagnostics are the problems found in a set of spec files, with the
// sources they point into so they can be printed with snippets.
type Diagnostics struct {
	hcl.Diagnostics
	// Files maps file names (as given) to their parsed sources.
	Files map[string]*hcl.File
	order map[string]int
}

// HasErrors reports whether any diagnostic is an error (not a warning).
func (d *Diagnostics) HasErrors() bool { return d != nil && d.Diagnostics.HasErrors() }

// Write prints every diagnostic in hcl's text form ("Error: ...", "on FILE
// line N:", the source snippet and the detail), wrapped at width columns
// (0 = no wrapping), with ANSI colours when color is set.
func (d *Diagnostics) Write(w io.Writer, width uint, color bool) error {
	if d == nil || len(d.Diagnostics) == 0 {
		return nil
	}
	return hcl.NewDiagnosticTextWriter(w, d.Files, width, color).WriteDiagnostics(d.Diagnostics)
}

// String renders the diagnostics without colour or wrapping.
func (d *Diagnostics) String() string {
	var b strings.Builder
	_ = d.Write(&b, 0, false)
	return b.String()
}

// tidy drops follow-up diagnostics that only restate an earlier error and
// sorts the rest by file (in the order given) and position, so that all
// problems of a file appear together, top to bottom.
func (d *Diagnostics) tidy() {
	if d.Diagnostics.HasErrors() {
		kept := d.Diagnostics[:0]
		for _, diag := range d.Diagnostics {
			if strings.Contains(diag.Detail, "value must be known") || strings.Contains(diag.Summary, "value must be known") {
				continue
			}
			kept = append(kept, diag)
		}
		d.Diagnostics = kept
	}
	// One mistake inside a for expression fails once per element: say it once.
	seen := map[string]bool{}
	kept := d.Diagnostics[:0]
	for _, diag := range d.Diagnostics {
		k := fmt.Sprint(diag.Severity, diag.Subject, diag.Summary, diag.Detail)
		if seen[k] {
			continue
		}
		seen[k] = true
		kept = append(kept, diag)
	}
	d.Diagnostics = kept
	key := func(diag *hcl.Diagnostic) (int, int) {
		if diag.Subject == nil {
			return len(d.order) + 1, 0
		}
		i, ok := d.order[diag.Subject.Filename]
		if !ok {
			i = len(d.order)
		}
		return i, diag.Subject.Start.Byte
	}
	sort.SliceStable(d.Diagnostics, func(i, j int) bool {
		fi, bi := key(d.Diagnostics[i])
		fj, bj := key(d.Diagnostics[j])
		if fi != fj {
			return fi < fj
		}
		return bi < bj
	})
}

func errorAt(rng hcl.Range, summary, detail string) *hcl.Diagnostic {
	r := rng
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: &r}
}

func warningAt(rng hcl.Range, summary, detail string) *hcl.Diagnostic {
	r := rng
	return &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: summary, Detail: detail, Subject: &r}
}

// startOf is the empty range at the start of a file, for problems that
// concern a file as a whole.
func startOf(filename string) hcl.Range {
	p := hcl.Pos{Line: 1, Column: 1, Byte: 0}
	return hcl.Range{Filename: filename, Start: p, End: p}
}
