// Package benchfmt writes a results file in the Go benchmark text format,
// so benchstat and the rest of golang.org/x/perf read runs unchanged:
// `benchstat -col /format results.txt` compares formats, and
// `benchstat old.txt new.txt` compares two runs.
//
// The file starts with configuration lines that describe the machine, the
// build and the spec (goos, goarch, cpu, runner version, spec hash, ...)
// and nothing that changes from one run of the same code to the next (no
// date: benchstat would put two runs in separate tables). Then every
// recorded run of every step of every cell that ended ok is one line:
//
//	BenchmarkFlat/scenario=traverse/step=traverse/format=parquet-zstd 1 8123456 ns/op 96000 B-read
//
// The benchmark name is the dataset name in CamelCase; scenario, step and
// format are sub-benchmark keys. A memory or I/O figure (B-peak-rss,
// B-read) is on every line of a step when its figure for each run is
// known and not zero: results.json keeps those figures as a median, min
// and max over runs, so they are known per run only when min and max
// agree. A figure
// that varied is left off every line rather than written once, which
// benchstat would take for a single sample. Cells that did not end ok are
// written as comments, never as numbers.
package benchfmt

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/scenebench/runner/runner/results"
)

// Render writes f in the Go benchmark format.
func Render(w io.Writer, f *results.File) error {
	bw := bufio.NewWriter(w)
	e := f.Environment
	config := [][2]string{
		{"goos", e.OS},
		{"goarch", e.Arch},
		{"cpu", e.CPUModel},
		{"cores", intOrEmpty(e.Cores)},
		{"kernel", e.Kernel},
		{"clock-source", e.ClockSource},
		{"go-version", e.GoVersion},
		{"runner-version", e.RunnerVersion},
		{"runner-commit", e.RunnerCommit},
		{"spec", strings.Join(f.Spec.Paths, ",")},
		{"spec-sha256", f.Spec.SHA256},
		{"isolate", f.Settings.Isolate},
		{"cache", f.Settings.Cache},
	}
	for _, kv := range config {
		if v := oneLine(kv[1]); v != "" {
			fmt.Fprintf(bw, "%s: %s\n", kv[0], v)
		}
	}
	fmt.Fprintln(bw)
	for i := range f.Cells {
		c := &f.Cells[i]
		if c.Status != results.StatusOK {
			fmt.Fprintf(bw, "# %s: %s %s\n", oneLine(c.ID), oneLine(c.Status), oneLine(c.Error))
			continue
		}
		for _, st := range c.Steps {
			name := Name(c.Dataset, c.Scenario, st.Name, c.Format)
			metrics := []struct {
				unit string
				s    results.Summary
			}{{"B-peak-rss", st.Memory.PeakRSSBytes}, {"B-read", st.Memory.ReadBytes}}
			for r, ns := range st.SamplesNS {
				var extra string
				for _, m := range metrics {
					if v, ok := runFigure(m.s, r, len(st.SamplesNS)); ok {
						extra += " " + number(v) + " " + m.unit
					}
				}
				fmt.Fprintf(bw, "%s 1 %s ns/op%s\n", name, number(ns), extra)
			}
		}
	}
	return bw.Flush()
}

// runFigure returns run r's figure of a memory or I/O summary: the run's
// own when the results keep each run's (Runs), else the figure every run
// had when the summary shows they all had the same one. A figure that is
// zero in every run is left off (a reader that maps its file reads no
// bytes; a column of zeros only clutters benchstat's tables).
func runFigure(s results.Summary, r, runs int) (float64, bool) {
	if s.Max == 0 {
		return 0, false
	}
	if len(s.Runs) == runs {
		return s.Runs[r], true
	}
	if s.Min != s.Max || s.Median != s.Min {
		return 0, false
	}
	return s.Median, true
}

func intOrEmpty(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func number(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

var procsSuffix = regexp.MustCompile(`-[0-9]+$`)

// Name is the benchmark name of one step of one cell. Keys and values keep
// to characters the format allows: spaces and slashes become underscores,
// and a trailing "-N" (which benchfmt would read as GOMAXPROCS) has its
// dash written as an underscore.
func Name(dataset, scenario, step, format string) string {
	name := "Benchmark" + camel(dataset) +
		"/scenario=" + value(scenario) +
		"/step=" + value(step) +
		"/format=" + value(format)
	if loc := procsSuffix.FindStringIndex(name); loc != nil {
		name = name[:loc[0]] + "_" + name[loc[0]+1:]
	}
	return name
}

func value(s string) string {
	if s == "" {
		return "_"
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '/' || r == '=' {
			return '_'
		}
		return r
	}, s)
}

// camel turns "flat-10k" into "Flat10k".
func camel(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		b.WriteRune(r)
	}
	if b.Len() == 0 {
		return "Run"
	}
	return b.String()
}
