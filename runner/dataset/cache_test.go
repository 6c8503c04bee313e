package dataset

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/scenebench/runner/formats"
)

func cacheConfig() Config {
	return Config{Name: "cached", Prims: 300, Seed: 11, Properties: []PropertyConfig{prop("extra", "float3", "normal(0, 1)")}}
}

func testOpts(t testing.TB, f formats.Format, set map[string]any) formats.Options {
	t.Helper()
	o, err := formats.Normalize(f, set)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// listDir returns the names in dir, sorted.
func listDir(t testing.TB, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

func mustEnsure(t testing.TB, dir string, cfg Config, f formats.Format, opts formats.Options, eo EnsureOptions) File {
	t.Helper()
	file, err := Ensure(context.Background(), dir, cfg, f, opts, eo)
	if err != nil {
		t.Fatal(err)
	}
	return file
}

func TestEnsureGeneratesThenReuses(t *testing.T) {
	dir := t.TempDir()
	f := &testFormat{}
	opts := testOpts(t, f, nil)
	first := mustEnsure(t, dir, cacheConfig(), f, opts, EnsureOptions{})
	if first.Reused || first.Bytes == 0 || len(first.SHA256) != 64 {
		t.Fatalf("first Ensure = %+v", first)
	}
	want := []string{filepath.Base(first.Path), filepath.Base(first.Path) + ".manifest.json"}
	if got := listDir(t, dir); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("data dir holds %v, want %v", got, want)
	}
	if !strings.HasPrefix(filepath.Base(first.Path), "testfmt-flat-300-") || filepath.Ext(first.Path) != ".tst" {
		t.Errorf("file name %s", first.Path)
	}
	data, _ := os.ReadFile(first.Path)
	if lines := bytes.Count(data, []byte("\n")); lines != 301 {
		t.Fatalf("file has %d lines, want header + 300 prims", lines)
	}

	second := mustEnsure(t, dir, cacheConfig(), f, opts, EnsureOptions{})
	if !second.Reused || second.Path != first.Path || second.SHA256 != first.SHA256 || second.Bytes != first.Bytes {
		t.Fatalf("second Ensure = %+v, want reuse of %+v", second, first)
	}
	// The name of the dataset and read-only options do not affect bytes.
	renamed := cacheConfig()
	renamed.Name = "another-name"
	if got := mustEnsure(t, dir, renamed, f, testOpts(t, f, map[string]any{"cache_budget": 5}), EnsureOptions{}); !got.Reused || got.Path != first.Path {
		t.Errorf("renamed dataset with a read-only option = %+v, want reuse", got)
	}
	verified := mustEnsure(t, dir, cacheConfig(), f, opts, EnsureOptions{Verify: true})
	if !verified.Reused {
		t.Errorf("Verify rebuilt an intact file")
	}
	forced := mustEnsure(t, dir, cacheConfig(), f, opts, EnsureOptions{Force: true})
	if forced.Reused || forced.SHA256 != first.SHA256 {
		t.Errorf("forced Ensure = %+v, want a rebuild with the same bytes", forced)
	}
	// What changes bytes changes the file.
	changes := map[string]func(*Config, *formats.Options){
		"seed":      func(c *Config, _ *formats.Options) { c.Seed++ },
		"prims":     func(c *Config, _ *formats.Options) { c.Prims++ },
		"payload":   func(c *Config, _ *formats.Options) { c.Payload = true },
		"hierarchy": func(c *Config, _ *formats.Options) { c.Hierarchy = "deep" },
		"generator": func(c *Config, _ *formats.Options) { c.Properties[0].Generator = "normal(0, 2)" },
		"option":    func(_ *Config, o *formats.Options) { *o = testOpts(t, f, map[string]any{"level": 2}) },
	}
	seen := map[string]string{first.Path: "original"}
	for name, change := range changes {
		c, o := cacheConfig(), opts
		change(&c, &o)
		got := mustEnsure(t, dir, c, f, o, EnsureOptions{})
		if got.Reused || seen[got.Path] != "" {
			t.Errorf("changing %s gave %s, already used by %s (reused %v)", name, got.Path, seen[got.Path], got.Reused)
		}
		seen[got.Path] = name
	}
	// Equivalent spellings of a generator share the file.
	c := cacheConfig()
	c.Properties[0].Generator = "normal( 0 , 1.0 )"
	if got := mustEnsure(t, dir, c, f, opts, EnsureOptions{}); !got.Reused {
		t.Errorf("an equivalent generator spelling did not reuse the file")
	}
}

func TestEnsureManifest(t *testing.T) {
	dir := t.TempDir()
	f := &testFormat{}
	file := mustEnsure(t, dir, cacheConfig(), f, testOpts(t, f, nil), EnsureOptions{})
	raw, err := os.ReadFile(file.Path + ".manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if m.Bytes != file.Bytes || m.SHA256 != file.SHA256 || m.KeyMaterial.GeneratorVersion != GeneratorVersion ||
		m.KeyMaterial.FormatKey != "testfmt{level=1}" || m.Dataset != "cached" || len(m.KeyMaterial.Properties) != 21 ||
		m.KeyMaterial.Properties[20].Generator != "normal(0, 1)" || !strings.Contains(filepath.Base(file.Path), m.Key[:16]) {
		t.Errorf("manifest = %s", raw)
	}
}

// damage describes ways a cached file goes bad; each must be rebuilt.
func TestEnsureRebuildsDamagedFiles(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, path string)
		reason string // in the progress output
	}{
		{"truncated", func(t *testing.T, path string) {
			st, _ := os.Stat(path)
			must(t, os.Truncate(path, st.Size()/2))
		}, "truncated or modified"},
		{"truncated to zero", func(t *testing.T, path string) { must(t, os.Truncate(path, 0)) }, "size is 0 bytes"},
		{"appended", func(t *testing.T, path string) {
			fh, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			must(t, err)
			fh.Write([]byte("x"))
			must(t, fh.Close())
		}, "truncated or modified"},
		{"corrupted in place", func(t *testing.T, path string) {
			fh, err := os.OpenFile(path, os.O_WRONLY, 0)
			must(t, err)
			_, err = fh.WriteAt([]byte("#"), 100)
			must(t, err)
			must(t, fh.Close())
		}, "SHA-256 does not match"},
		{"file deleted", func(t *testing.T, path string) { must(t, os.Remove(path)) }, "file is missing"},
		{"manifest deleted", func(t *testing.T, path string) { must(t, os.Remove(path+".manifest.json")) }, ""},
		{"manifest garbage", func(t *testing.T, path string) {
			must(t, os.WriteFile(path+".manifest.json", []byte("{not json"), 0o644))
		}, "manifest is unreadable"},
		{"manifest for another key", func(t *testing.T, path string) {
			raw, _ := os.ReadFile(path + ".manifest.json")
			raw = bytes.Replace(raw, []byte(`"key": "`), []byte(`"key": "0`), 1)
			must(t, os.WriteFile(path+".manifest.json", raw, 0o644))
		}, "manifest describes another file"},
		{"replaced by a directory", func(t *testing.T, path string) {
			must(t, os.Remove(path))
			must(t, os.Mkdir(path, 0o755))
		}, "not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			f := &testFormat{}
			opts := testOpts(t, f, nil)
			orig := mustEnsure(t, dir, cacheConfig(), f, opts, EnsureOptions{})
			tt.damage(t, orig.Path)
			var progress bytes.Buffer
			if tt.name == "replaced by a directory" {
				// A directory in the way is an error, never served.
				if _, err := Ensure(context.Background(), dir, cacheConfig(), f, opts, EnsureOptions{Progress: &progress}); err == nil {
					t.Fatal("Ensure served or replaced a directory")
				}
				return
			}
			again := mustEnsure(t, dir, cacheConfig(), f, opts, EnsureOptions{Progress: &progress})
			if again.Reused {
				t.Fatalf("damaged file was served: %+v", again)
			}
			if again.SHA256 != orig.SHA256 || again.Bytes != orig.Bytes {
				t.Fatalf("rebuilt file differs: %+v vs %+v", again, orig)
			}
			if !strings.Contains(progress.String(), tt.reason) {
				t.Errorf("progress %q does not give the reason %q", progress.String(), tt.reason)
			}
			if third := mustEnsure(t, dir, cacheConfig(), f, opts, EnsureOptions{}); !third.Reused {
				t.Errorf("rebuilt file was not reused")
			}
		})
	}
}

// A change that keeps the size and restores the modification time defeats
// the fast check (documented); Verify catches it.
func TestEnsureVerifyCatchesHiddenCorruption(t *testing.T) {
	dir := t.TempDir()
	f := &testFormat{}
	opts := testOpts(t, f, nil)
	orig := mustEnsure(t, dir, cacheConfig(), f, opts, EnsureOptions{})
	st, _ := os.Stat(orig.Path)
	fh, err := os.OpenFile(orig.Path, os.O_WRONLY, 0)
	must(t, err)
	fh.WriteAt([]byte("#"), 100)
	fh.Close()
	must(t, os.Chtimes(orig.Path, st.ModTime(), st.ModTime()))
	if got := mustEnsure(t, dir, cacheConfig(), f, opts, EnsureOptions{}); !got.Reused {
		t.Fatalf("expected the fast check to miss a time-preserving edit (if this changed, update the docs)")
	}
	if got := mustEnsure(t, dir, cacheConfig(), f, opts, EnsureOptions{Verify: true}); got.Reused || got.SHA256 != orig.SHA256 {
		t.Fatalf("Verify served a corrupt file: %+v", got)
	}
}

// A file copied elsewhere gets a new time but the same bytes: it is hashed
// once, served, and then takes the fast path again.
func TestEnsureAcceptsTouchedIntactFile(t *testing.T) {
	dir := t.TempDir()
	f := &testFormat{}
	opts := testOpts(t, f, nil)
	orig := mustEnsure(t, dir, cacheConfig(), f, opts, EnsureOptions{})
	now := time.Now()
	must(t, os.Chtimes(orig.Path, now, now))
	if got := mustEnsure(t, dir, cacheConfig(), f, opts, EnsureOptions{}); !got.Reused {
		t.Fatalf("touched intact file was rebuilt")
	}
	var m manifest
	raw, _ := os.ReadFile(orig.Path + ".manifest.json")
	must(t, json.Unmarshal(raw, &m))
	st, _ := os.Stat(orig.Path)
	if m.ModTimeUnixNS != st.ModTime().UnixNano() {
		t.Errorf("manifest time not refreshed after a successful full check")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestEnsureFailuresLeaveNothing(t *testing.T) {
	enospc := fmt.Errorf("write: %w", syscall.ENOSPC)
	tests := []struct {
		name string
		f    *testFormat
		want string
	}{
		{"writer fails midway", &testFormat{failOnWrite: 2, failErr: errors.New("boom")}, "write prims 8192..16383: boom"},
		{"disk full", &testFormat{failOnWrite: 1, failErr: enospc}, "no space left on device"},
		{"create fails", &testFormat{failCreate: errors.New("cannot start")}, "start writing: cannot start"},
		{"close fails", &testFormat{failClose: enospc}, "finish writing: close: write: no space left on device"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := Config{Name: "big", Prims: 20000, Schema: "none", Properties: []PropertyConfig{prop("x", "int", "sequence(0, 1)")}}
			_, err := Ensure(context.Background(), dir, cfg, tt.f, testOpts(t, tt.f, nil), EnsureOptions{})
			if err == nil {
				t.Fatal("Ensure succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), `dataset "big": testfmt file `+dir+"/testfmt-flat-20000-") {
				t.Errorf("error %q should name the dataset and file and contain %q", err, tt.want)
			}
			if tt.f.failErr == enospc && !errors.Is(err, syscall.ENOSPC) {
				t.Errorf("error does not wrap ENOSPC: %v", err)
			}
			if left := listDir(t, dir); len(left) != 0 {
				t.Errorf("failure left %v behind", left)
			}
		})
	}
}

func TestEnsureCancel(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := &testFormat{onWrite: func(n int) {
		if n == 2 {
			cancel()
		}
	}}
	cfg := Config{Name: "cancelled", Prims: 50000, Schema: "none", Properties: []PropertyConfig{prop("x", "int", "sequence(0, 1)")}}
	_, err := Ensure(ctx, dir, cfg, f, testOpts(t, f, nil), EnsureOptions{})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "stopped after 16384 of 50000 prims") {
		t.Fatalf("err = %v, want a cancellation after the second batch", err)
	}
	if left := listDir(t, dir); len(left) != 0 {
		t.Errorf("cancellation left %v behind", left)
	}
}

func TestEnsureUnwritableDataDir(t *testing.T) {
	base := t.TempDir()
	file := filepath.Join(base, "a-file")
	must(t, os.WriteFile(file, nil, 0o644))
	f := &testFormat{}
	_, err := Ensure(context.Background(), filepath.Join(file, "data"), cacheConfig(), f, testOpts(t, f, nil), EnsureOptions{})
	if err == nil || !strings.Contains(err.Error(), `dataset "cached": testfmt file `+file+"/data/") || !strings.Contains(err.Error(), "create data directory") {
		t.Fatalf("err = %v", err)
	}
	if os.Geteuid() != 0 { // root ignores permissions
		ro := filepath.Join(base, "ro")
		must(t, os.Mkdir(ro, 0o555))
		_, err := Ensure(context.Background(), ro, cacheConfig(), f, testOpts(t, f, nil), EnsureOptions{})
		if err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Fatalf("read-only data dir: err = %v", err)
		}
	}
	if _, err := Ensure(context.Background(), "", cacheConfig(), f, testOpts(t, f, nil), EnsureOptions{}); err == nil {
		t.Fatal("empty data dir accepted")
	}
	bad := cacheConfig()
	bad.Prims = 0
	if _, err := Ensure(context.Background(), base, bad, f, testOpts(t, f, nil), EnsureOptions{}); err == nil || !strings.Contains(err.Error(), "prims must be at least 1") {
		t.Fatalf("invalid config: err = %v", err)
	}
	if _, err := Ensure(context.Background(), base, cacheConfig(), f, formats.Options{"nope": 1}, EnsureOptions{}); err == nil || !strings.Contains(err.Error(), `has no option "nope"`) {
		t.Fatalf("unknown option: err = %v", err)
	}
}

func TestEnsureProgress(t *testing.T) {
	defer func(d time.Duration) { progressEvery = d }(progressEvery)
	progressEvery = 0
	var out bytes.Buffer
	f := &testFormat{}
	cfg := Config{Name: "p", Prims: 20000, Schema: "none", Properties: []PropertyConfig{prop("x", "int", "sequence(0, 1)")}}
	file := mustEnsure(t, t.TempDir(), cfg, f, testOpts(t, f, nil), EnsureOptions{Progress: &out})
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "dataset p: writing testfmt-flat-20000-") ||
		!strings.Contains(lines[0], ": 8192/20000 prims (40%), ") || !strings.Contains(lines[2], "20000/20000 prims (100%)") ||
		lines[3] != fmt.Sprintf("dataset p: wrote %s (%d bytes) in %s", file.Path, file.Bytes, strings.Fields(lines[3])[7]) {
		t.Errorf("progress:\n%s", out.String())
	}
}

// TestKillHelper is the writer process TestEnsureKilledWriter kills.
func TestKillHelper(t *testing.T) {
	dir := os.Getenv("DATASET_KILL_HELPER_DIR")
	if dir == "" {
		t.Skip("helper process for TestEnsureKilledWriter")
	}
	f := &testFormat{stallAfter: 2}
	Ensure(context.Background(), dir, killConfig(), f, testOpts(t, f, nil), EnsureOptions{})
	t.Fatal("the stalled writer returned")
}

func killConfig() Config {
	return Config{Name: "killed", Prims: 30000, Schema: "none", Properties: []PropertyConfig{prop("x", "int", "sequence(0, 1)")}}
}

// A writer process killed in the middle leaves a temporary file that is
// never served; the next Ensure builds the file afresh, and a later one
// removes the abandoned temporary once it is stale.
func TestEnsureKilledWriter(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillHelper$")
	cmd.Env = append(os.Environ(), "DATASET_KILL_HELPER_DIR="+dir)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	must(t, cmd.Start())
	var temp string
	deadline := time.Now().Add(60 * time.Second)
	for temp == "" {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("no partial temporary file appeared; helper output:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
		for _, n := range listDir(t, dir) {
			if st, err := os.Stat(filepath.Join(dir, n)); err == nil && strings.Contains(n, ".tmp-") && st.Size() > 100000 {
				temp = n
			}
		}
	}
	must(t, cmd.Process.Signal(syscall.SIGKILL))
	cmd.Wait()
	if left := listDir(t, dir); len(left) != 1 || left[0] != temp {
		t.Fatalf("after the kill the data dir holds %v, want only the temporary file", left)
	}

	f := &testFormat{}
	opts := testOpts(t, f, nil)
	file := mustEnsure(t, dir, killConfig(), f, opts, EnsureOptions{})
	if file.Reused {
		t.Fatal("Ensure reused something after a killed write")
	}
	ref := mustEnsure(t, t.TempDir(), killConfig(), f, opts, EnsureOptions{})
	if file.SHA256 != ref.SHA256 || file.Bytes != ref.Bytes {
		t.Fatalf("file built after the kill differs from a clean build")
	}
	// The killed writer's temporary file is gone, however fresh: no live
	// writer held its lock.
	want := []string{filepath.Base(file.Path), filepath.Base(file.Path) + ".manifest.json"}
	if got := listDir(t, dir); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("abandoned temporary %s not removed: %v", temp, got)
	}
}

func TestFilePath(t *testing.T) {
	dir := t.TempDir()
	f := &testFormat{}
	p, err := FilePath(dir, cacheConfig(), f, testOpts(t, f, nil))
	must(t, err)
	file := mustEnsure(t, dir, cacheConfig(), f, testOpts(t, f, nil), EnsureOptions{})
	if p != file.Path {
		t.Errorf("FilePath = %s, Ensure wrote %s", p, file.Path)
	}
}

// Concurrent Ensure calls for one file: one builds, the others wait and
// reuse it; every caller gets the same verified file.
func TestEnsureConcurrent(t *testing.T) {
	dir := t.TempDir()
	f := &testFormat{}
	opts := testOpts(t, f, nil)
	const n = 4
	files := make([]File, n)
	errs := make([]error, n)
	done := make(chan int)
	for i := range n {
		go func() {
			files[i], errs[i] = Ensure(context.Background(), dir, cacheConfig(), f, opts, EnsureOptions{})
			done <- i
		}()
	}
	for range n {
		<-done
	}
	built := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if !files[i].Reused {
			built++
		}
		if files[i].SHA256 != files[0].SHA256 || files[i].Path != files[0].Path {
			t.Errorf("caller %d got %+v, caller 0 %+v", i, files[i], files[0])
		}
	}
	if built != 1 {
		t.Errorf("%d callers built the file, want 1", built)
	}
}

// Animating a property makes another file; a dataset without samples
// keeps the path it had before time samples existed.
func TestFilePathCoversSamples(t *testing.T) {
	dir := t.TempDir()
	f := &testFormat{}
	cfg := cacheConfig()
	cfg.Properties = append(cfg.Properties, PropertyConfig{Name: "anim", Type: "double", Generator: "uniform(0, 1)"})
	plain, err := FilePath(dir, cfg, f, testOpts(t, f, nil))
	must(t, err)
	cfg.Properties[len(cfg.Properties)-1].Samples = formats.Samples{Count: 3, Start: 1, Step: 1}
	anim, err := FilePath(dir, cfg, f, testOpts(t, f, nil))
	must(t, err)
	cfg.Properties[len(cfg.Properties)-1].Samples.Step = 2
	step2, err := FilePath(dir, cfg, f, testOpts(t, f, nil))
	must(t, err)
	if plain == anim || anim == step2 {
		t.Errorf("paths %s, %s, %s: samples not in the key", plain, anim, step2)
	}
	km, _ := json.Marshal(keyProperty{Name: "x", Type: "double", Generator: "uniform(0, 1)"})
	if strings.Contains(string(km), "samples") {
		t.Errorf("a property without samples keys as %s", km)
	}
}
