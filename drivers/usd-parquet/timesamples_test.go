package usdparquet_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/scenebench/runner/internal/testenv"
)

// timeSamplesScript writes the time-sample scenes (pyarrow, usd-core) and
// compares the plugin's answers with OpenUSD's (testdata/timesamples.py).
const timeSamplesScript = "testdata/timesamples.py"

// pxrPython is .venv-pxr's Python: the pxr-* wheels the plugin is built on,
// whose pxr.Sdf can load it (usd-core's cannot: another OpenUSD build).
func pxrPython(t *testing.T) string {
	t.Helper()
	py := filepath.Join(testenv.RepoRoot(), ".venv-pxr", "bin", "python")
	if _, err := os.Stat(py); err != nil {
		msg := ".venv-pxr is missing (run `make usd-parquet`): " + err.Error()
		if testenv.InCI() {
			t.Fatal("prerequisite missing under CI=true: " + msg)
		}
		t.Skip(msg)
	}
	return py
}

// runWithPlugin runs a Python script with the plugin on
// PXR_PLUGINPATH_NAME and returns its standard output.
func runWithPlugin(t *testing.T, p plugin, python string, args ...string) string {
	t.Helper()
	cmd := exec.Command(python, args...)
	cmd.Env = append(os.Environ(), "PXR_PLUGINPATH_NAME="+p.folder)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s%s", strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}

// writeTimeSampleScenes writes the scene of testdata/timesamples.py into a
// new folder: scene.parquet (zstd, row groups of 4), scene-none.parquet
// (uncompressed, row groups of 5), scene.usda (usd-core) and the bad files.
func writeTimeSampleScenes(t *testing.T) string {
	t.Helper()
	py := testenv.Python(t, "pxr", "pyarrow")
	dir := t.TempDir()
	testenv.RunPython(t, py, timeSamplesScript, "write", dir)
	return dir
}

// Time samples in the wide layout, read through the plugin, against the same
// scene written as usda by usd-core: every Sdf time-sample query (sample
// lists, bracketing, samples at, between and outside the sample times, the
// whole timeSamples field) answers as OpenUSD's usda layer does, in both
// index modes, under a cache budget that evicts every block and with
// another codec and row group size; then the layers the plugin exports
// (usda and usdc, written by OpenUSD from the plugin's answers) give, on a
// usd-core stage, GetTimeSamples() and Get(t) equal to the usda's at sample
// times, between them, before the first and after the last.
func TestTimeSamples(t *testing.T) {
	p := built(t)
	dir := writeTimeSampleScenes(t)
	out := runWithPlugin(t, p, pxrPython(t), timeSamplesScript, "sdf", dir,
		"scene.parquet", "scene.parquet:index=lazy", "scene.parquet:cache_budget=1", "scene-none.parquet")
	t.Log(strings.TrimSpace(out))
	py := testenv.Python(t, "pxr")
	t.Log(strings.TrimSpace(string(testenv.RunPython(t, py, timeSamplesScript, "usd", dir))))
}

// sortedLines is text's lines in sorted order (usd-core's usda lists a prim's
// properties by name, runner's Parquet files in column order).
func sortedLines(text string) string {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// sdfdump -samples prints every default and every time sample
// (QueryTimeSample at each time ListTimeSamplesForPath gives) through the
// plugin as it prints them for the usda: with both indexes, an evicting
// budget, every value read three times in a row (the later reads copying
// what the thread kept), and 4 threads reading one fresh layer at once.
func TestSdfdumpSamples(t *testing.T) {
	p := built(t)
	dir := writeTimeSampleScenes(t)
	want := sortedLines(p.dump(t, "-samples", filepath.Join(dir, "scene.usda")))
	if n := strings.Count(want, "\n") + 1; n != 13*(9+5+3+4+2+3+3+3+1) {
		t.Fatalf("the usda dump has %d lines, want %d", n, 13*(9+5+3+4+2+3+3+3+1))
	}
	for _, args := range [][]string{
		{"-a", "index=eager"},
		{"-a", "index=lazy"},
		{"-a", "cache_budget=1"},
		{"-reads", "3", "-a", "index=eager"},
		{"-reads", "3", "-a", "index=lazy"},
		{"-threads", "4", "-a", "index=lazy"},
		{"-threads", "4", "-reads", "3", "-a", "cache_budget=2000"},
	} {
		for _, file := range []string{"scene.parquet", "scene-none.parquet"} {
			got := sortedLines(p.dump(t, append(append([]string{"-samples"}, args...), filepath.Join(dir, file))...))
			sameLines(t, file+" "+strings.Join(args, " "), got, want)
		}
	}
}

// Randomly damaged copies of the time-sample file, every sample read:
// exit 0 or 1, never a crash or a hang.
func TestTimeSampleCorruptionNeverCrashes(t *testing.T) {
	p := built(t)
	dir := writeTimeSampleScenes(t)
	data, err := os.ReadFile(filepath.Join(dir, "scene.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	n := 30
	if testing.Short() {
		n = 6
	}
	for _, path := range damagedCopies(t, data, dir, n, 3, 4) {
		for _, idx := range indexes {
			if _, errOut, code := p.run(t, "-samples", "-a", "index="+idx, path); code != 0 && code != 1 {
				t.Errorf("%s index=%s: exit %d\n%s", path, idx, code, errOut)
			}
		}
	}
}

// sdfdump -get -at reads one sample through SdfLayer::QueryTimeSample, as
// OpenUSD reads the usda's; a time without a sample is an error.
func TestSdfdumpAt(t *testing.T) {
	p := built(t)
	dir := writeTimeSampleScenes(t)
	file, usda := filepath.Join(dir, "scene.parquet"), filepath.Join(dir, "scene.usda")
	for _, c := range []struct{ prim, prop, at string }{
		{"/World/Prim_0", "cost", "3"},
		{"/World/Group_0/Prim_3", "pos", "7.5"},
		{"/World/Prim_12", "kind", "2.25"},
		{"/World/Prim_5", "weights", "1"},
		{"/World/Prim_9", "mass", "-1.5"},
	} {
		for _, idx := range indexes {
			got := p.dump(t, "-a", "index="+idx, "-get", c.prim, c.prop, "-at", c.at, file)
			if want := p.dump(t, "-get", c.prim, c.prop, "-at", c.at, usda); got != want {
				t.Errorf("index=%s %s.%s at %s: %s, usda %s", idx, c.prim, c.prop, c.at, got, want)
			}
		}
	}
	_, errOut, code := p.run(t, "-get", "/World/Prim_0", "cost", "-at", "3.5", file)
	if code != 1 || !strings.Contains(errOut, "no time sample") {
		t.Errorf("a time between samples: exit %d, want 1 with 'no time sample'\n%s", code, errOut)
	}
}

// Files whose sample columns disagree with their scene metadata fail to
// open, through OpenUSD's error mechanism, naming the file and the column.
func TestTimeSamplesBadInput(t *testing.T) {
	p := built(t)
	dir := writeTimeSampleScenes(t)
	b, err := os.ReadFile(filepath.Join(dir, "bad.json"))
	if err != nil {
		t.Fatal(err)
	}
	var bad map[string]string // file -> what the error must say
	if err := json.Unmarshal(b, &bad); err != nil {
		t.Fatal(err)
	}
	if len(bad) < 6 {
		t.Fatalf("bad.json lists %d files, want 6", len(bad))
	}
	for name, want := range bad {
		path := filepath.Join(dir, name)
		for _, idx := range indexes {
			t.Run(name+"/"+idx, func(t *testing.T) {
				out, errOut, code := p.run(t, "-a", "index="+idx, path)
				if code != 1 {
					t.Fatalf("exit %d, want 1\nstdout: %.300s\nstderr: %s", code, out, errOut)
				}
				if !strings.Contains(errOut, path) || !strings.Contains(errOut, want) {
					t.Fatalf("stderr should name %s and say %q:\n%s", path, want, errOut)
				}
			})
		}
	}
}
