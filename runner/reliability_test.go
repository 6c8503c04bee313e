package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scenebench/runner/internal/testenv"
	"github.com/scenebench/runner/runner/results"
)

const tinySpec = `settings {
  data_dir = "%s"
}
dataset "flat" {
  prims = 200
}
format "usda" {}
scenario "s" {
  step "open" {}
}
`

// A cached file edited in place with its size and modification time kept
// is served by a plain gen (size and time match the manifest), and caught
// and rebuilt by gen -verify, which hashes every file in full.
func TestGenVerify(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	spec := writeFile(t, dir, "tiny.hcl", strings.Replace(tinySpec, "%s", data, 1))
	if code, _, stderr := runCmd(t, "gen", spec); code != exitOK {
		t.Fatalf("gen: %d %s", code, stderr)
	}
	files, _ := filepath.Glob(filepath.Join(data, "usda-*.usda"))
	if len(files) != 1 {
		t.Fatalf("data files %v", files)
	}
	st, _ := os.Stat(files[0])
	b, _ := os.ReadFile(files[0])
	i := strings.LastIndex(string(b), "1")
	b[i] = '2' // one digit of one value, same size
	os.WriteFile(files[0], b, 0o644)
	os.Chtimes(files[0], st.ModTime(), st.ModTime())
	if code, stdout, _ := runCmd(t, "gen", spec); code != exitOK || !strings.Contains(stdout, "reused") {
		t.Errorf("plain gen: %d %q (expected the size-and-time check to pass it)", code, stdout)
	}
	code, stdout, stderr := runCmd(t, "gen", "-verify", spec)
	if code != exitOK || !strings.Contains(stdout, "generated") {
		t.Errorf("gen -verify served an edited file: %d %q %q", code, stdout, stderr)
	}
}

// The shared reliability cases: a spec asking for 2^31-1 prims is refused
// up front, within seconds, before any memory is reserved.
func TestHugeDatasetRefusedUpFront(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "testdata", "reliability", "prims-maxint32-parquet-oom.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	spec := writeFile(t, dir, "huge.hcl", strings.ReplaceAll(string(src), ".runner/data", filepath.Join(dir, "data")))
	for _, cmd := range []string{"gen", "apply"} {
		t0 := time.Now()
		code, _, stderr := runCmd(t, cmd, "-out", filepath.Join(dir, "out"), spec)
		if cmd == "gen" {
			code, _, stderr = runCmd(t, cmd, spec)
		}
		if code != exitUsage || !strings.Contains(stderr, "not enough room") ||
			!(strings.Contains(stderr, "on disk") || strings.Contains(stderr, "of memory")) {
			t.Errorf("%s: exit %d, %q", cmd, code, stderr)
		}
		if took := time.Since(t0); took > 5*time.Second {
			t.Errorf("%s took %v to refuse", cmd, took)
		}
	}
}

// The shared case resume-var.hcl: resuming with another -var must measure
// the new dataset, never reuse the cells of the old one.
func TestResumeWithOtherVariables(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "testdata", "reliability", "resume-var.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	spec := writeFile(t, dir, "resume-var.hcl", strings.ReplaceAll(string(src), ".runner/data", filepath.Join(dir, "data")))
	out := filepath.Join(dir, "out")
	if code, _, stderr := runCmd(t, "apply", "-out", out, spec); code != exitOK {
		t.Fatalf("first apply: %d %s", code, stderr)
	}
	code, _, stderr := runCmd(t, "apply", "-resume", "-var", "prims=20000", "-out", out, spec)
	if code != exitOK {
		t.Fatalf("resumed apply: %d %s", code, stderr)
	}
	if !strings.Contains(stderr, "reusing 0 of") {
		t.Errorf("resume did not say it reuses nothing: %q", stderr)
	}
	f, err := results.ReadFile(filepath.Join(out, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range f.Cells {
		for _, s := range c.Steps {
			if s.Op == "traverse" && s.Values != 20000 {
				t.Errorf("%s step %s read %d values, want the 20,000 prims' costs", c.ID, s.Name, s.Values)
			}
		}
	}
}
