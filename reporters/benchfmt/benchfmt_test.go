package benchfmt

import (
	"bytes"
	"strings"
	"testing"

	perfbench "golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchproc"

	"github.com/scenebench/runner/reporters/internal/fixture"
	"github.com/scenebench/runner/runner/results"
)

// TestParses reads the output back with golang.org/x/perf/benchfmt and
// projects it the way `benchstat -col /format` does.
func TestParses(t *testing.T) {
	f := fixture.File(fixture.Options{Seed: 1})
	var buf bytes.Buffer
	if err := Render(&buf, f); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	wantSamples := 0
	wantFormats := map[string]bool{}
	for _, c := range f.Cells {
		if c.Status != results.StatusOK {
			continue
		}
		wantFormats[c.Format] = true
		for _, s := range c.Steps {
			wantSamples += len(s.SamplesNS)
		}
	}

	var parser benchproc.ProjectionParser
	col, err := parser.Parse("/format", nil)
	if err != nil {
		t.Fatal(err)
	}
	row, err := parser.Parse(".fullname", nil)
	if err != nil {
		t.Fatal(err)
	}
	rd := perfbench.NewReader(&buf, "results.txt")
	got := 0
	formats := map[string]bool{}
	rowsPerFormat := map[string]map[string]bool{}
	for rd.Scan() {
		switch rec := rd.Result().(type) {
		case *perfbench.SyntaxError:
			t.Fatalf("syntax error: %v", rec)
		case *perfbench.Result:
			if _, ok := rec.Value("sec/op"); !ok {
				t.Fatalf("%s: no sec/op value", rec.Name)
			}
			if rec.GetConfig("goos") != "linux" || rec.GetConfig("runner-version") != "0.1.0" {
				t.Fatalf("configuration lost: goos=%q runner-version=%q", rec.GetConfig("goos"), rec.GetConfig("runner-version"))
			}
			format := col.Project(rec).StringValues()
			formats[format] = true
			if rowsPerFormat[format] == nil {
				rowsPerFormat[format] = map[string]bool{}
			}
			rowsPerFormat[format][row.Project(rec).StringValues()] = true
			got++
		}
	}
	if err := rd.Err(); err != nil {
		t.Fatal(err)
	}
	if got != wantSamples {
		t.Errorf("parsed %d results, want one per sample of every ok cell: %d", got, wantSamples)
	}
	if len(formats) != len(wantFormats) {
		t.Errorf("/format projects to %v, want %v", formats, wantFormats)
	}
	for f := range wantFormats {
		if !formats[f] {
			t.Errorf("format %q missing from the /format projection", f)
		}
	}
	// Removing /format from the name must make the formats' rows line up,
	// as benchstat's rows do.
	var first map[string]bool
	for _, rows := range rowsPerFormat {
		if first == nil {
			first = rows
		}
		for r := range rows {
			if strings.Contains(r, "format=") {
				t.Fatalf("row key %q still holds the format", r)
			}
		}
	}
	if len(first) == 0 {
		t.Fatal("no rows")
	}
	if !strings.Contains(text, "# flat-10k/usdc/traverse_multi: failed") {
		t.Error("failed cell not noted as a comment")
	}
}

func TestName(t *testing.T) {
	tests := []struct {
		dataset, scenario, step, format, want string
	}{
		{"flat-10k", "traverse", "traverse", "parquet-zstd", "BenchmarkFlat10k/scenario=traverse/step=traverse/format=parquet-zstd"},
		{"deep 1k", "cold get", "get#2", "usdc", "BenchmarkDeep1k/scenario=cold_get/step=get#2/format=usdc"},
		{"", "a/b", "x=y", "parquet-rg-100", "BenchmarkRun/scenario=a_b/step=x_y/format=parquet-rg_100"},
		{"x", "", "", "", "BenchmarkX/scenario=_/step=_/format=_"},
	}
	for _, tt := range tests {
		got := Name(tt.dataset, tt.scenario, tt.step, tt.format)
		if got != tt.want {
			t.Errorf("Name(%q, %q, %q, %q) = %q, want %q", tt.dataset, tt.scenario, tt.step, tt.format, got, tt.want)
		}
		n := perfbench.Name(got)
		base, parts := n.Parts()
		if string(base) != strings.SplitN(tt.want, "/", 2)[0] || len(parts) != 3 {
			t.Errorf("%q parses as base %q parts %q", got, base, parts)
		}
	}
}

// Two runs of the same code compare with a plain `benchstat a.txt b.txt`:
// their configuration is the same (nothing in it changes from run to run),
// so benchstat puts them in one table.
func TestRunsShareConfiguration(t *testing.T) {
	a, b := fixture.File(fixture.Current(1)), fixture.File(fixture.Current(2))
	b.Environment.Start = b.Environment.Start.Add(36 * 3600e9)
	b.Environment.End = b.Environment.End.Add(36 * 3600e9)
	config := func(f *results.File) map[string]string {
		var buf bytes.Buffer
		if err := Render(&buf, f); err != nil {
			t.Fatal(err)
		}
		rd := perfbench.NewReader(&buf, "x.txt")
		for rd.Scan() {
			if rec, ok := rd.Result().(*perfbench.Result); ok {
				out := map[string]string{}
				for _, c := range rec.Config {
					if c.File {
						out[c.Key] = string(c.Value)
					}
				}
				return out
			}
		}
		t.Fatal("no results")
		return nil
	}
	ca, cb := config(a), config(b)
	if len(ca) == 0 {
		t.Fatal("no configuration")
	}
	for k, v := range ca {
		if cb[k] != v {
			t.Errorf("configuration %s differs between two runs: %q and %q", k, v, cb[k])
		}
	}
}

// A memory or I/O figure known for every run is on every line; one that
// varied (so that only its median is known) is on none.
func TestMetricsOnEveryLine(t *testing.T) {
	st := results.Step{Name: "get", Op: "get", SamplesNS: []float64{10, 11, 12},
		Memory: results.Memory{ReadBytes: results.Summary{Median: 96, Min: 96, Max: 96},
			PeakRSSBytes: results.Summary{Median: 1000, Min: 990, Max: 1010}}}
	f := &results.File{SchemaVersion: 1, Cells: []results.Cell{{ID: "d/f/s", Dataset: "d", Format: "f", Scenario: "s",
		Status: results.StatusOK, Steps: []results.Step{st}}}}
	var buf bytes.Buffer
	if err := Render(&buf, f); err != nil {
		t.Fatal(err)
	}
	rd := perfbench.NewReader(&buf, "x.txt")
	lines := 0
	for rd.Scan() {
		rec, ok := rd.Result().(*perfbench.Result)
		if !ok {
			continue
		}
		lines++
		if v, ok := rec.Value("B-read"); !ok || v != 96 {
			t.Errorf("line %d: B-read %v %v, want 96 on every line", lines, v, ok)
		}
		if _, ok := rec.Value("B-peak-rss"); ok {
			t.Errorf("line %d carries a peak RSS that varied between runs", lines)
		}
	}
	if lines != 3 {
		t.Errorf("%d lines, want 3", lines)
	}
}

// With each run's figures kept, every line carries its own run's peak RSS,
// so benchstat sees every sample.
func TestEachRunsMemoryOnItsLine(t *testing.T) {
	st := results.Step{Name: "get", Op: "get", SamplesNS: []float64{10, 11, 12},
		Memory: results.Memory{PeakRSSBytes: results.Summary{Median: 1000, Min: 990, Max: 1010, Runs: []float64{990, 1010, 1000}}}}
	f := &results.File{SchemaVersion: 1, Cells: []results.Cell{{ID: "d/f/s", Dataset: "d", Format: "f", Scenario: "s",
		Status: results.StatusOK, Steps: []results.Step{st}}}}
	var buf bytes.Buffer
	if err := Render(&buf, f); err != nil {
		t.Fatal(err)
	}
	rd := perfbench.NewReader(&buf, "x.txt")
	var got []float64
	for rd.Scan() {
		if rec, ok := rd.Result().(*perfbench.Result); ok {
			v, _ := rec.Value("B-peak-rss")
			got = append(got, v)
		}
	}
	if len(got) != 3 || got[0] != 990 || got[1] != 1010 || got[2] != 1000 {
		t.Errorf("peak RSS per line %v, want 990 1010 1000", got)
	}
}
