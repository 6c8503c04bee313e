// Package benchfmt writes a results file in the Go benchmark text format,
// so benchstat and the rest of golang.org/x/perf read runs unchanged
// (`benchstat -col /format results.txt`).
//
// The file starts with configuration lines (goos, goarch, cpu, runner
// version, spec hash, ...). Then every recorded run of every step of every
// cell that ended ok is one line:
//
//	BenchmarkFlat10k/scenario=traverse/step=traverse/format=parquet-zstd 1 8123456 ns/op
//
// The benchmark name is the dataset name in CamelCase; scenario, step and
// format are sub-benchmark keys. The first line of each step also carries
// the median peak RSS and bytes read of its runs (B-peak-rss, B-read):
// the results file keeps those as summaries, not per run. Cells that did
// not end ok are written as comments, never as numbers.
package benchfmt

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
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
	if !e.Start.IsZero() {
		config = append(config, [2]string{"date", e.Start.UTC().Format(time.RFC3339)})
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
			for j, ns := range st.SamplesNS {
				fmt.Fprintf(bw, "%s 1 %s ns/op", name, number(ns))
				if j == 0 {
					if v := st.Memory.PeakRSSBytes.Median; v > 0 {
						fmt.Fprintf(bw, " %s B-peak-rss", number(v))
					}
					if v := st.Memory.ReadBytes.Median; v > 0 {
						fmt.Fprintf(bw, " %s B-read", number(v))
					}
				}
				fmt.Fprintln(bw)
			}
		}
	}
	return bw.Flush()
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
