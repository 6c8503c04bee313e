package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scenebench/runner/runner/exec"
	"github.com/scenebench/runner/runner/results"
	"github.com/scenebench/runner/runner/shard"
)

// smallFlat is specs/10k-flat.hcl shrunk to 1,000 prims and 3 runs, its
// data in dataDir: the default suite at test speed.
func smallFlat(t *testing.T, dir, dataDir string) string {
	t.Helper()
	src, err := os.ReadFile("../specs/10k-flat.hcl")
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	for old, new := range map[string]string{
		"prims     = 10000":    "prims     = 1000",
		"repeat  = var.repeat": "repeat  = 3",
		`timeout = "5m"`:       fmt.Sprintf("timeout = \"5m\"\n  data_dir = %q", dataDir),
	} {
		if !strings.Contains(s, old) {
			t.Fatalf("specs/10k-flat.hcl no longer has %q", old)
		}
		s = strings.Replace(s, old, new, 1)
	}
	return writeFile(t, dir, "10k-flat.hcl", s)
}

// runnerProcess starts the test binary as runner (TestMain) with args and
// extra environment; wait returns its exit status and output.
func runnerProcess(t *testing.T, env []string, args ...string) (wait func() (int, string)) {
	t.Helper()
	cmd := osexec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), append([]string{asRunnerEnv + "=1"}, env...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return func() (int, string) {
		err := cmd.Wait()
		if ee, ok := err.(*osexec.ExitError); ok {
			return ee.ExitCode(), out.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0, out.String()
	}
}

func readResults(t *testing.T, path string) *results.File {
	t.Helper()
	f, err := results.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// The test: every shard of specs/10k-flat.hcl (shrunk), run as
// processes of their own taking their index as a scheduler gives it, then
// merged, gives the cells, statuses and digests of one unsharded run, and
// every report renders.
func TestShardedRunMatchesUnsharded(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite twice")
	}
	t0 := time.Now()
	dir := t.TempDir()
	spec := smallFlat(t, dir, filepath.Join(dir, "data"))
	sharded := filepath.Join(dir, "sharded")

	// Three machines at once, sharing one data directory (each builds what
	// its groups need, or finds it built): by flag, as a Kubernetes Indexed
	// Job's pod, and as a Slurm array task.
	launches := []struct{ env, args []string }{
		{nil, []string{"-shard", "0/3"}},
		{[]string{shard.EnvK8sIndex + "=1"}, []string{"-shard", "auto", "-shards", "3"}},
		{[]string{shard.EnvSlurmID + "=2", shard.EnvSlurmCount + "=3", shard.EnvSlurmMin + "=0"}, []string{"-shard", "auto"}},
	}
	var waits []func() (int, string)
	for _, l := range launches {
		args := append(append([]string{"apply", "-out", sharded}, l.args...), spec)
		waits = append(waits, runnerProcess(t, l.env, args...))
	}
	for i, wait := range waits {
		if code, out := wait(); code != exitOK {
			t.Fatalf("shard %d: exit %d\n%s", i, code, out)
		}
	}
	tShards := time.Since(t0)

	whole := filepath.Join(dir, "whole")
	if code, _, stderr := runCmd(t, "apply", "-out", whole, spec); code != exitOK {
		t.Fatalf("unsharded apply: exit %d\n%s", code, stderr)
	}
	tWhole := time.Since(t0) - tShards

	merged := filepath.Join(dir, "merged")
	shardDirs, _ := filepath.Glob(filepath.Join(sharded, "shard-*"))
	code, stdout, stderr := runCmd(t, append([]string{"merge", "-out", merged}, shardDirs...)...)
	if code != exitOK || !strings.Contains(stdout, "merged 3 of 3 shards") {
		t.Fatalf("merge: exit %d\n%s%s", code, stdout, stderr)
	}
	t.Logf("3 shards in parallel %v, unsharded %v (2 cores)", tShards.Round(time.Millisecond), tWhole.Round(time.Millisecond))

	one := readResults(t, filepath.Join(whole, exec.ResultsName))
	all := readResults(t, filepath.Join(merged, exec.ResultsName))
	if len(one.Cells) != 30 {
		t.Fatalf("the unsharded run has %d cells, want 30", len(one.Cells))
	}
	type cellView struct {
		ID, Status string
		Digests    []string
	}
	view := func(f *results.File) []cellView {
		var out []cellView
		for _, c := range f.Cells {
			v := cellView{ID: c.ID, Status: c.Status}
			for _, s := range c.Steps {
				v.Digests = append(v.Digests, s.Name+"="+s.Digest)
			}
			out = append(out, v)
		}
		return out
	}
	a, b := view(one), view(all)
	if !slices.EqualFunc(a, b, func(x, y cellView) bool {
		return x.ID == y.ID && x.Status == y.Status && slices.Equal(x.Digests, y.Digests)
	}) {
		t.Errorf("merged cells differ from the unsharded run's\nunsharded: %+v\nmerged:    %+v", a, b)
	}
	for _, c := range all.Cells {
		if c.Status != results.StatusOK {
			t.Errorf("%s: %s %s", c.ID, c.Status, c.Error)
		}
	}
	if len(all.Datasets) != 1 || len(all.Datasets[0].Files) != len(one.Datasets[0].Files) {
		t.Errorf("datasets %+v, want %+v", all.Datasets, one.Datasets)
	}
	for i, f := range one.Datasets[0].Files {
		if g := all.Datasets[0].Files[i]; g.Format != f.Format || g.Bytes != f.Bytes {
			t.Errorf("file %d: %+v, want %+v", i, g, f)
		}
	}
	if all.Report.Baseline != one.Report.Baseline || !slices.Equal(all.Report.Outputs, one.Report.Outputs) || all.Report.Control != one.Report.Control {
		t.Errorf("report %+v, want %+v", all.Report, one.Report)
	}
	m := all.Merge
	if m == nil || m.Count != 3 || len(m.Shards) != 3 || len(m.Missing) != 0 || one.Merge != nil || all.Shard != nil {
		t.Fatalf("merge %+v", m)
	}
	var groups []string
	for _, s := range m.Shards {
		groups = append(groups, s.Groups...)
		if s.Environment.Hostname == "" || s.Cells == 0 {
			t.Errorf("shard %d: %+v", s.Index, s)
		}
	}
	if slices.Sort(groups); len(groups) != 6 || len(slices.Compact(groups)) != 6 {
		t.Errorf("groups %v, want the 6 scenarios of flat once each", groups)
	}

	// Every report is there, and runner report renders the merged results
	// again byte for byte.
	for _, name := range []string{"results.json", "results.md", "report.html", "results.txt"} {
		if _, err := os.Stat(filepath.Join(merged, name)); err != nil {
			t.Error(err)
		}
	}
	md, _ := os.ReadFile(filepath.Join(merged, "results.md"))
	if !strings.Contains(string(md), "- Sharded: merged from 3 of 3 shards") || !strings.Contains(string(md), "| shard |") {
		t.Errorf("results.md does not say it was merged:\n%.2000s", md)
	}
	if code, again, _ := runCmd(t, "report", "-format", "md", filepath.Join(merged, exec.ResultsName)); code != 0 || again != string(md) {
		t.Error("runner report does not reproduce the merged results.md")
	}

	// A shard missing: its groups' cells are listed as skipped, exit 1.
	partial := filepath.Join(dir, "partial")
	code, _, stderr = runCmd(t, "merge", "-out", partial, shardDirs[0], shardDirs[2])
	if code != exitFailure || !strings.Contains(stderr, "shard 1 of 3 is missing") {
		t.Errorf("merge without shard 1: exit %d\n%s", code, stderr)
	}
	part := readResults(t, filepath.Join(partial, exec.ResultsName))
	skipped := 0
	for _, c := range part.Cells {
		if c.Status == results.StatusSkipped && c.Error == shard.MissingReason(1, 3) {
			skipped++
		}
	}
	if len(part.Cells) != 30 || skipped == 0 || !slices.Equal(part.Merge.Missing, []int{1}) {
		t.Errorf("%d cells, %d skipped as missing, missing %v", len(part.Cells), skipped, part.Merge.Missing)
	}

	// A shard of another plan, or the same shard twice: nothing merged,
	// exit 2, the files named.
	other := filepath.Join(dir, "other", "shard-1-of-3")
	f := readResults(t, filepath.Join(shardDirs[1], exec.ResultsName))
	f.Shard.PlanSHA256 = strings.Repeat("0", 64)
	os.MkdirAll(other, 0o755)
	var buf bytes.Buffer
	results.Write(&buf, f)
	os.WriteFile(filepath.Join(other, exec.ResultsName), buf.Bytes(), 0o644)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{shardDirs[0], other, shardDirs[2]}, "come from different plans"},
		{[]string{shardDirs[0], shardDirs[1], shardDirs[1], shardDirs[2]}, "shard 1 of 3 is given twice"},
		{[]string{whole}, "not of a shard"},
	} {
		code, _, stderr := runCmd(t, append([]string{"merge", "-out", filepath.Join(dir, "refused")}, tt.args...)...)
		if code != exitUsage || !strings.Contains(stderr, tt.want) || !strings.Contains(stderr, "results.json") {
			t.Errorf("merge %v: exit %d\n%s", tt.args, code, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "refused", exec.ResultsName)); err == nil {
		t.Error("a refused merge wrote results")
	}
}

// plan -shards prints the assignment; -json covers every cell once, and
// apply -shard runs the same split.
func TestPlanShards(t *testing.T) {
	spec := writeFile(t, t.TempDir(), "s.hcl", sweepSpec)
	code, stdout, stderr := runCmd(t, "plan", "-shards", "3", spec)
	if code != 0 || !strings.Contains(stdout, "Shards: 3, each a machine; balanced by the cost model") ||
		!strings.Contains(stdout, "  shard 2 ") || !strings.Contains(stdout, "Plan SHA-256: ") {
		t.Fatalf("plan -shards: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runCmd(t, "plan", "-shards", "3", "-json", spec)
	if code != 0 {
		t.Fatalf("plan -shards -json: exit %d\n%s", code, stderr)
	}
	var out struct {
		Count  int    `json:"count"`
		Unit   string `json:"unit"`
		Shards []struct {
			Index  int   `json:"index"`
			Cost   int64 `json:"cost"`
			Groups []struct {
				Group string   `json:"group"`
				Cells []string `json:"cells"`
			} `json:"groups"`
		} `json:"shards"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	var cells []string
	for _, s := range out.Shards {
		for _, g := range s.Groups {
			cells = append(cells, g.Cells...)
		}
	}
	if out.Count != 3 || len(out.Shards) != 3 || out.Unit != shard.UnitModel || len(cells) != 32 {
		t.Errorf("%d shards in %s, %d cells: %s", out.Count, out.Unit, len(cells), stdout)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"plan", "-estimate", "x.json", spec}, "give -shards N too"},
		{[]string{"plan", "-shards", "-1", spec}, "want 1 to"},
		{[]string{"plan", "-shards", "2", "-estimate", "missing.json", spec}, "-estimate"},
		{[]string{"apply", "-shards", "2", spec}, "give -shard I/N or -shard auto too"},
		{[]string{"apply", "-shard", "3/3", spec}, "want 0 <= I < N"},
		{[]string{"apply", "-shard", "auto", spec}, "neither JOB_COMPLETION_INDEX"},
		{[]string{"merge", spec}, "give -out DIR"},
		{[]string{"export", "nomad", spec}, `unknown target "nomad"`},
		{[]string{"export", "k8s", "-image", "x", "-results-volume", "r", spec}, "how many shards?"},
		{[]string{"export", "k8s", "-shards", "2", "-results-volume", "r", spec}, "give -image"},
	} {
		t.Setenv(shard.EnvK8sIndex, "")
		t.Setenv(shard.EnvSlurmID, "")
		if code, _, stderr := runCmd(t, tt.args...); code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, %s", tt.args, code, stderr)
		}
	}
}

// export k8s and slurm from the command line: the manifest decodes into a
// valid Job (runner/export tests the details), the script passes bash -n.
func TestExportCLI(t *testing.T) {
	dir := t.TempDir()
	spec := writeFile(t, dir, "s.hcl", sweepSpec+"\nsettings {\n  shards = 4\n}\n")
	code, stdout, stderr := runCmd(t, "export", "k8s", "-image", "example/runner:1", "-results-volume", "results", spec)
	if code != 0 {
		t.Fatalf("export k8s: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"kind: ConfigMap", "kind: Job", "completionMode: Indexed", "completions: 4", "claimName: results",
		"- /spec/s.hcl", "emptyDir: {}"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("manifest lacks %q", want)
		}
	}
	script := filepath.Join(dir, "job.sbatch")
	if code, _, stderr := runCmd(t, "export", "slurm", "-o", script, "-time", "1:00:00", spec); code != 0 {
		t.Fatalf("export slurm: exit %d\n%s", code, stderr)
	}
	b, _ := os.ReadFile(script)
	if !strings.Contains(string(b), "#SBATCH --array=0-3\n") {
		t.Errorf("script:\n%s", b)
	}
	if bash, err := osexec.LookPath("bash"); err == nil {
		if out, err := osexec.Command(bash, "-n", script).CombinedOutput(); err != nil {
			t.Errorf("bash -n: %v\n%s", err, out)
		}
	}
}
