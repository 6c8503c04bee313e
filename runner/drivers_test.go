package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenebench/runner/internal/testenv"
	"github.com/scenebench/runner/runner/results"
)

// Every shipped reader — the Go reader, OpenUSD through Python at the Sdf
// and Usd levels, OpenUSD's C++ libraries — runs the same scenarios on the
// same small files through apply, and they all read the same values: every
// cell ok, but the Go reader's composed ones, skipped for that reason.
func TestApplyWithEveryShippedDriver(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Python and C++ driver processes")
	}
	testenv.Driver(t, "openusd-py")
	testenv.Driver(t, "openusd-cpp")
	out := t.TempDir()
	spec := filepath.Join(testenv.RepoRoot(), "testdata", "specs", "drivers-small.hcl")
	code, stdout, stderr := runCmd(t, "apply", "-out", out, spec)
	if code != exitOK {
		t.Fatalf("apply exited %d:\n%s\n%s", code, stdout, stderr)
	}
	f, err := results.ReadFile(filepath.Join(out, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	readers := map[string]bool{}
	digests := map[string]map[string]string{} // scenario/step -> reader cell -> digest
	for _, c := range f.Cells {
		readers[c.Reader] = true
		composed := strings.Contains(c.Scenario, "composed") || c.Scenario == "initial-load"
		switch {
		case c.Reader == "go" && composed:
			if c.Status != results.StatusSkipped || !strings.Contains(c.Error, "does not compose") {
				t.Errorf("%s: %s %q, want skipped: does not compose", c.ID, c.Status, c.Error)
			}
			continue
		case c.Status != results.StatusOK:
			t.Errorf("%s: %s %q\n%s", c.ID, c.Status, c.Error, c.Stderr)
			continue
		}
		for _, s := range c.Steps {
			if s.Digest == "" {
				continue
			}
			k := c.Scenario + "/" + s.Name
			if digests[k] == nil {
				digests[k] = map[string]string{}
			}
			digests[k][c.Format] = s.Digest
		}
	}
	for _, r := range []string{"go", "openusd-py", "openusd-usd", "openusd-cpp"} {
		if !readers[r] {
			t.Errorf("no cell read by %s", r)
		}
	}
	for k, byCell := range digests {
		if len(byCell) < 6 {
			t.Errorf("%s: only %d readers' digests", k, len(byCell))
		}
		var first string
		for cell, d := range byCell {
			if first == "" {
				first = d
			} else if d != first {
				t.Errorf("%s: %s read digest %s, another reader %s", k, cell, d, first)
			}
		}
	}
}

// specs/vs-reference.hcl on a small scene: every cell ok (so every
// reference driver returned the Go reader's digests), and results.md
// sets every Go-read variant beside its reference.
func TestApplyVsReference(t *testing.T) {
	if testing.Short() {
		t.Skip("starts C++ driver processes")
	}
	testenv.Driver(t, "openusd-cpp")
	testenv.Driver(t, "arrow-cpp")
	out := t.TempDir()
	spec := filepath.Join(testenv.RepoRoot(), "specs", "vs-reference.hcl")
	code, stdout, stderr := runCmd(t, "apply", "-out", out, "-var", "prims=300", "-var", "repeat=2", spec)
	if code != exitOK {
		t.Fatalf("apply exited %d:\n%s\n%s", code, stdout, stderr)
	}
	f, err := results.ReadFile(filepath.Join(out, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range f.Cells {
		if c.Status != results.StatusOK {
			t.Errorf("%s: %s %q\n%s", c.ID, c.Status, c.Error, c.Stderr)
		}
	}
	md, err := os.ReadFile(filepath.Join(out, "results.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(md), "## Ours / reference")
	if !ok {
		t.Fatal("results.md has no ours / reference section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	for _, v := range []string{"usdc (baseline)", "usda", "parquet-none-eager", "parquet-none-lazy", "parquet-zstd-eager", "parquet-zstd-lazy"} {
		if !strings.Contains(section, " "+v+" |") {
			t.Errorf("no ours / reference column for %s in\n%s", v, section)
		}
	}
	for _, step := range []string{"| `open`", "| `cold`", "| `warm`", "| `traverse`", "| `scan`"} {
		if !strings.Contains(section, step) {
			t.Errorf("no ours / reference row %s in\n%s", step, section)
		}
	}
}
