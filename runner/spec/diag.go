package spec

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
)

// Diagnostics are the problems found in a set of spec files, with the
// sources they point into so they can be printed with snippets.
type Diagnostics struct {
	hcl.Diagnostics
	// Files maps file names (as given) to their parsed sources.
	Files map[string]*hcl.File
	order map[string]int
	// droppedErrors and droppedWarnings count the diagnostics not kept,
	// beyond maxKeptDiagnostics.
	droppedErrors, droppedWarnings int
}

// HasErrors reports whether any diagnostic is an error (not a warning).
func (d *Diagnostics) HasErrors() bool {
	return d != nil && (d.Diagnostics.HasErrors() || d.droppedErrors > 0)
}

// add keeps ds, up to maxKeptDiagnostics in all, and counts the rest.
func (d *Diagnostics) add(ds ...*hcl.Diagnostic) {
	for _, diag := range ds {
		if len(d.Diagnostics) < maxKeptDiagnostics {
			d.Diagnostics = append(d.Diagnostics, diag)
		} else if diag.Severity == hcl.DiagError {
			d.droppedErrors++
		} else {
			d.droppedWarnings++
		}
	}
}

// Write prints the diagnostics in hcl's text form ("Error: ...", "on FILE
// line N:", the source snippet and the detail), wrapped at width columns
// (0 = no wrapping), with ANSI colours when color is set. It prints the
// first MaxShownDiagnostics and counts the rest, cuts source lines and
// details longer than maxLineBytes, and leaves out the values of the
// variables an expression refers to when they are too large to show.
func (d *Diagnostics) Write(w io.Writer, width uint, color bool) error {
	if d == nil || len(d.Diagnostics) == 0 && d.droppedErrors+d.droppedWarnings == 0 {
		return nil
	}
	shown := d.Diagnostics
	if len(shown) > MaxShownDiagnostics {
		shown = shown[:MaxShownDiagnostics]
	}
	lw := &lineLimitWriter{w: w, color: color}
	tw := hcl.NewDiagnosticTextWriter(lw, d.Files, width, color)
	lines := map[string]int{}
	for _, diag := range shown {
		if err := d.writeOne(lw, tw, diag, lines, width, color); err != nil {
			return err
		}
	}
	errs, warns := d.droppedErrors, d.droppedWarnings
	for _, diag := range d.Diagnostics[len(shown):] {
		if diag.Severity == hcl.DiagError {
			errs++
		} else {
			warns++
		}
	}
	if more := countMore(errs, warns); more != "" {
		if _, err := fmt.Fprintf(lw, "...and %s.\n", more); err != nil {
			return err
		}
	}
	return lw.err
}

// hclWriterMaxLines is the longest file whose snippets hcl's own writer
// prints: it scans the whole file for every diagnostic, allocating for
// each line, which takes seconds a diagnostic for a file of 100,000 lines.
// Longer files get the same snippets from writeSnippet.
var hclWriterMaxLines = 5000

func (d *Diagnostics) writeOne(w io.Writer, tw hcl.DiagnosticWriter, diag *hcl.Diagnostic, lines map[string]int, width uint, color bool) error {
	var file *hcl.File
	if diag.Subject != nil {
		file = d.Files[diag.Subject.Filename]
	}
	if file == nil || file.Bytes == nil {
		return tw.WriteDiagnostic(withoutLargeValues(diag))
	}
	n, ok := lines[diag.Subject.Filename]
	if !ok {
		n = bytes.Count(file.Bytes, []byte{'\n'}) + 1
		lines[diag.Subject.Filename] = n
	}
	if n <= hclWriterMaxLines {
		return tw.WriteDiagnostic(withoutLargeValues(diag))
	}
	// hcl writes the summary and the detail; the snippet goes between.
	var buf bytes.Buffer
	c := *diag
	c.Subject, c.Context, c.Expression, c.EvalContext = nil, nil, nil, nil
	if err := hcl.NewDiagnosticTextWriter(&buf, nil, width, color).WriteDiagnostic(&c); err != nil {
		return err
	}
	out := buf.Bytes()
	head := bytes.Index(out, []byte("\n\n")) + 2
	if _, err := w.Write(out[:head]); err != nil {
		return err
	}
	if err := writeSnippet(w, file, diag, color); err != nil {
		return err
	}
	_, err := w.Write(out[head:])
	return err
}

// writeSnippet prints the lines of source a diagnostic points at, as hcl's
// writer does ("  on FILE line N, in BLOCK:", each line numbered, the
// subject highlighted in colour), finding lines by bytes alone.
func writeSnippet(w io.Writer, file *hcl.File, diag *hcl.Diagnostic, color bool) error {
	snip, hl := *diag.Subject, *diag.Subject
	if diag.Context != nil {
		snip = hcl.RangeOver(snip, *diag.Context)
	}
	if snip.Empty() {
		snip.End.Byte++
	}
	if hl.Empty() {
		hl.End.Byte++
	}
	var where string
	if cs, ok := file.Nav.(interface{ ContextString(int) string }); ok {
		if s := cs.ContextString(diag.Subject.Start.Byte); s != "" {
			where = ", in " + s
		}
	}
	highlight, reset := "", ""
	if color {
		highlight, reset = "\x1b[1;4m", "\x1b[0m"
	}
	if _, err := fmt.Fprintf(w, "  on %s line %d%s:\n", diag.Subject.Filename, diag.Subject.Start.Line, where); err != nil {
		return err
	}
	src := file.Bytes
	for ls, line := 0, 1; ls < len(src) && ls <= snip.End.Byte; line++ {
		le, next := len(src), len(src)
		if nl := bytes.IndexByte(src[ls:], '\n'); nl >= 0 {
			le, next = ls+nl, ls+nl+1
		}
		te := le
		if te > ls && src[te-1] == '\r' {
			te--
		}
		lr := hcl.Range{Filename: snip.Filename, Start: hcl.Pos{Line: line, Byte: ls}, End: hcl.Pos{Line: line, Byte: te}}
		if lr.Overlaps(snip) {
			before, h, after := lr.PartitionAround(hl)
			var err error
			if h.Empty() {
				_, err = fmt.Fprintf(w, "%4d: %s\n", line, src[ls:te])
			} else {
				_, err = fmt.Fprintf(w, "%4d: %s%s%s%s%s\n", line, before.SliceBytes(src), highlight, h.SliceBytes(src), reset, after.SliceBytes(src))
			}
			if err != nil {
				return err
			}
		}
		ls = next
	}
	_, err := w.Write([]byte{'\n'})
	return err
}

// countMore is "412 more errors", "1 more warning" or "3 more errors and 2
// more warnings", or "" when there are none.
func countMore(errs, warns int) string {
	var parts []string
	for _, c := range []struct {
		n          int
		one, other string
	}{{errs, "error", "errors"}, {warns, "warning", "warnings"}} {
		switch {
		case c.n == 1:
			parts = append(parts, "1 more "+c.one)
		case c.n > 1:
			parts = append(parts, fmt.Sprintf("%d more %s", c.n, c.other))
		}
	}
	return strings.Join(parts, " and ")
}

// maxLineBytes is the longest line Write prints; a longer one (a detail
// quoting a huge value) is cut. A line of source, shown for context, is
// cut at maxSourceLineBytes.
const (
	maxLineBytes       = 1000
	maxSourceLineBytes = 200
)

// sourceLine matches the start of a line of source in hcl's output.
var sourceLine = regexp.MustCompile(`^ *[0-9]+: `)

// lineLimitWriter cuts lines longer than maxLineBytes, ending them with
// "..." (and a colour reset, so a cut highlight does not leak).
type lineLimitWriter struct {
	w     io.Writer
	color bool
	n     int  // bytes of the current line written
	limit int  // the current line's limit
	cut   bool // the current line was cut
	err   error
}

func (lw *lineLimitWriter) Write(p []byte) (int, error) {
	total := len(p)
	for len(p) > 0 && lw.err == nil {
		nl := bytes.IndexByte(p, '\n')
		chunk := p
		if nl >= 0 {
			chunk = p[:nl]
		}
		if lw.n == 0 && !lw.cut {
			lw.limit = maxLineBytes
			if sourceLine.Match(chunk) {
				lw.limit = maxSourceLineBytes
			}
		}
		if !lw.cut {
			keep := chunk
			if room := lw.limit - lw.n; len(keep) > room {
				for room > 0 && !utf8.RuneStart(keep[room]) {
					room--
				}
				keep = keep[:room]
				lw.cut = true
			}
			lw.write(keep)
			lw.n += len(keep)
			if lw.cut {
				tail := " ..."
				if lw.color {
					tail += "\x1b[0m"
				}
				lw.write([]byte(tail))
			}
		}
		if nl < 0 {
			break
		}
		lw.write([]byte{'\n'})
		lw.n, lw.cut = 0, false
		p = p[nl+1:]
	}
	return total, lw.err
}

func (lw *lineLimitWriter) write(b []byte) {
	if lw.err == nil && len(b) > 0 {
		_, lw.err = lw.w.Write(b)
	}
}

// withoutLargeValues drops the expression and context from a diagnostic
// whose expression refers to a large value, so that hcl does not print
// that value whole ("with local.big as [...]").
func withoutLargeValues(diag *hcl.Diagnostic) *hcl.Diagnostic {
	if diag.Expression == nil || diag.EvalContext == nil {
		return diag
	}
	for _, t := range diag.Expression.Variables() {
		v, ds := t.TraverseAbs(diag.EvalContext)
		if ds.HasErrors() {
			continue
		}
		if !smallValue(v) {
			c := *diag
			c.Expression, c.EvalContext = nil, nil
			return &c
		}
	}
	return diag
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
