// Package reporters turns a results file into the documents people read:
// results.json itself, the markdown results document, a terminal summary
// table, a self-contained HTML report with charts, and the Go benchmark
// text format that benchstat reads. Every output is a pure function of the
// *results.File, so `runner report` reproduces what `runner apply` wrote,
// byte for byte. Compare sets two results files side by side with a
// significance test per step.
package reporters

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/term"

	"github.com/scenebench/runner/internal/atomicfile"
	"github.com/scenebench/runner/reporters/benchfmt"
	"github.com/scenebench/runner/reporters/compare"
	"github.com/scenebench/runner/reporters/html"
	"github.com/scenebench/runner/reporters/markdown"
	"github.com/scenebench/runner/reporters/output"
	"github.com/scenebench/runner/reporters/table"
	"github.com/scenebench/runner/runner/results"
)

// Options tune the renderers that have knobs.
type Options struct {
	// Color lets the terminal table use ANSI colours; set it only when the
	// writer is a terminal.
	Color bool
}

// IsTerminal reports whether w is a terminal that may get colour: a file
// on a terminal, with NO_COLOR unset and TERM not "dumb". Use it to set
// Options.Color.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	if !ok || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	return term.IsTerminal(int(f.Fd()))
}

// ErrUnknownFormat is wrapped by Render and WriteAll for a format or output
// name they do not know.
var ErrUnknownFormat = errors.New("unknown report format")

// Formats lists the names Render accepts.
func Formats() []string { return output.Names() }

// Render writes f to w in one format: "json" (results.json as written by
// apply), "md" or "markdown" (results.md), "html" (report.html), "table"
// (the terminal summary) or "benchfmt" (Go benchmark text, results.txt).
func Render(w io.Writer, f *results.File, format string, opts Options) error {
	if f == nil {
		return errors.New("render: no results")
	}
	o, ok := output.Lookup(format)
	if !ok {
		return fmt.Errorf("%w %q (want one of %s)", ErrUnknownFormat, format, strings.Join(Formats(), ", "))
	}
	var err error
	switch o.Name {
	case output.JSON:
		err = results.Write(w, f)
	case output.Markdown:
		err = markdown.Render(w, f)
	case output.HTML:
		err = html.Render(w, f)
	case output.Table:
		err = table.Render(w, f, table.Options{Color: opts.Color})
	case output.Benchfmt:
		err = benchfmt.Render(w, f)
	default:
		return fmt.Errorf("%w %q: no renderer", ErrUnknownFormat, format)
	}
	if err != nil {
		return fmt.Errorf("render %s: %w", format, err)
	}
	return nil
}

// OutputFiles lists the files WriteAll writes for outputs (names as in
// package output; empty means all), each once, in output order.
func OutputFiles(outputs []string) ([]string, error) {
	var names []string
	if len(outputs) == 0 {
		for _, o := range output.All() {
			names = append(names, o.Name)
		}
		outputs = names
		names = nil
	}
	seen := map[string]bool{}
	for _, name := range outputs {
		o, ok := output.Lookup(name)
		if !ok {
			return nil, fmt.Errorf("write reports: %w %q (want one of %s)", ErrUnknownFormat, name, strings.Join(Formats(), ", "))
		}
		for _, file := range o.Files() {
			if !seen[file] {
				seen[file] = true
				names = append(names, file)
			}
		}
	}
	return names, nil
}

// WriteAll writes the files for outputs (names as in package output: a
// spec's report block lists "json", "markdown", "html", "table"; empty
// means all) into dir, creating it. The table is only printed, never
// written. Each file is replaced atomically (atomicfile), so a reader
// never sees half a report.
func WriteAll(dir string, f *results.File, outputs []string) error {
	if f == nil {
		return errors.New("write reports: no results")
	}
	names, err := OutputFiles(outputs)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write reports: %w", err)
	}
	for _, name := range names {
		o, _ := output.ForFile(name)
		var buf bytes.Buffer
		if err := Render(&buf, f, o.Name, Options{}); err != nil {
			return fmt.Errorf("write %s: %w", filepath.Join(dir, name), err)
		}
		if err := atomicfile.WriteFile(filepath.Join(dir, name), buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// CompareOptions control Compare.
type CompareOptions struct {
	// Threshold is the slowdown, as a fraction (0.05 = 5%), that the whole
	// interval of a clear change must exceed to count as a regression. 0
	// means any clear slowdown; the CLI's default is
	// compare.DefaultThreshold.
	Threshold float64
	// Format is "text" (default) or "md".
	Format string
	// Alpha is the significance level (default 0.05).
	Alpha float64
}

// Compare writes a comparison of old and new to w: per cell and step the
// old and new medians with their noise and the change as a ratio with its
// interval ("~" unless it is clear of the A/A noise floor), then peak
// memory and file sizes, each with a geometric mean. Cells and steps found
// in only one file are listed. regressed reports whether anything got
// clearly slower (or larger) by more than Threshold; the CLI's -fail flag
// turns it into exit status 1.
func Compare(w io.Writer, old, new *results.File, o CompareOptions) (regressed bool, err error) {
	if old == nil || new == nil {
		return false, errors.New("compare: need two results files")
	}
	res := compare.Compute(old, new, compare.Options{Threshold: o.Threshold, Alpha: o.Alpha})
	if err := compare.Render(w, res, o.Format); err != nil {
		return false, err
	}
	return res.Regressed, nil
}

// Agree writes whether two runs reach the same verdicts against their own
// baselines (compare.Agree) and reports whether they do.
func Agree(w io.Writer, a, b *results.File, tolerance float64) (bool, error) {
	if a == nil || b == nil {
		return false, errors.New("compare: need two results files")
	}
	ag, err := compare.Agree(a, b, tolerance)
	if err != nil {
		return false, err
	}
	if err := compare.RenderAgreement(w, ag); err != nil {
		return false, err
	}
	return ag.Agree, nil
}

// ParseThreshold reads a threshold as the CLI takes it: "5%", "5" and
// "0.05" all mean five percent (a bare number of 1 or more is a percentage,
// below 1 a fraction).
func ParseThreshold(s string) (float64, error) {
	t := strings.TrimSpace(s)
	pct := strings.HasSuffix(t, "%")
	t = strings.TrimSuffix(t, "%")
	v, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err != nil || v < 0 || v != v {
		return 0, fmt.Errorf("threshold %q: want a percentage such as 5%% or a fraction such as 0.05", s)
	}
	if pct || v >= 1 {
		v /= 100
	}
	return v, nil
}

// ReadFile reads a results file for report or compare; its errors name the
// file and say what is wrong with it (not results, newer schema,
// truncated JSON).
func ReadFile(path string) (*results.File, error) {
	f, err := results.ReadFile(path)
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "unexpected end of JSON input") {
			return nil, fmt.Errorf("%w (the file looks truncated)", err)
		}
		return nil, err
	}
	return f, nil
}
