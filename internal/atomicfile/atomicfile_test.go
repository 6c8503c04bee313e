package atomicfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// entries lists the names in dir.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "results.json")
	for _, content := range []string{"first\n", "second, longer\n", ""} {
		if err := WriteFile(target, []byte(content)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(target)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != content {
			t.Errorf("target holds %q, want %q", got, content)
		}
		if names := entries(t, dir); len(names) != 1 {
			t.Errorf("directory holds %v, want the target only", names)
		}
	}
	st, err := os.Stat(target)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != Mode {
		t.Errorf("mode %v, want %v", st.Mode().Perm(), Mode)
	}
}

func TestFailedWriteKeepsTarget(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name  string
		write func(io.Writer) error
	}{
		{"fails before writing", func(io.Writer) error { return boom }},
		{"fails half way", func(w io.Writer) error {
			if _, err := w.Write([]byte("half of the new")); err != nil {
				return err
			}
			return boom
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(dir, "report.html")
			if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			err := Write(target, tt.write)
			if !errors.Is(err, boom) {
				t.Fatalf("Write = %v, want the writer's error", err)
			}
			if got, _ := os.ReadFile(target); string(got) != "old" {
				t.Errorf("target holds %q after a failed write, want the old contents", got)
			}
			if names := entries(t, dir); len(names) != 1 {
				t.Errorf("directory holds %v after a failed write, want the target only", names)
			}
		})
	}
}

func TestCreateErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no", "such", "dir", "x.json")
	if err := WriteFile(missing, []byte("x")); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
	// A target that is a non-empty directory cannot be replaced: the
	// rename fails and the temporary file goes.
	dir := t.TempDir()
	target := filepath.Join(dir, "taken")
	if err := os.MkdirAll(filepath.Join(target, "inside"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(target, []byte("x")); err == nil {
		t.Error("replacing a directory succeeded")
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Errorf("directory holds %v after a failed rename, want only the old target", names)
	}
}

func TestDiscard(t *testing.T) {
	dir := t.TempDir()
	f, err := Create(filepath.Join(dir, "x.manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("never seen"); err != nil {
		t.Fatal(err)
	}
	f.Discard()
	f.Discard()
	if names := entries(t, dir); len(names) != 0 {
		t.Errorf("directory holds %v after Discard, want nothing", names)
	}
	if err := f.Commit(); err == nil {
		t.Error("Commit after Discard succeeded")
	}
}

// TestWriteByName covers a writer that opens the temporary file by its
// name, as the format writers do.
func TestWriteByName(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "scene.usdc")
	f, err := Create(target)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Discard()
	if filepath.Ext(f.Name()) != ".usdc" || filepath.Dir(f.Name()) != dir {
		t.Errorf("temporary name %s: want one beside the target with its extension", f.Name())
	}
	if ok, _ := filepath.Match(TempGlob(target), f.Name()); !ok {
		t.Errorf("TempGlob %s does not match %s", TempGlob(target), f.Name())
	}
	if err := os.WriteFile(f.Name(), []byte("by name"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(target); string(got) != "by name" {
		t.Errorf("target holds %q", got)
	}
	f.Discard() // after Commit: a no-op
	if _, err := os.Stat(target); err != nil {
		t.Errorf("Discard after Commit removed the target: %v", err)
	}
}

func TestConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "results.json")
	const writers = 8
	contents := make([][]byte, writers)
	for i := range contents {
		contents[i] = bytes.Repeat([]byte(fmt.Sprintf("writer %d\n", i)), 10000)
	}
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = WriteFile(target, contents[i])
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("writer %d: %v", i, err)
		}
	}
	got, err := os.ReadFile(target)
	if err != nil {
		t.Fatal(err)
	}
	whole := false
	for _, c := range contents {
		if bytes.Equal(got, c) {
			whole = true
		}
	}
	if !whole {
		t.Errorf("target holds %d bytes that are no one writer's whole contents", len(got))
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Errorf("directory holds %v, want the target only", names)
	}
}

// A temporary file whose writer is alive is kept; one whose writer is gone
// (its handle closed without Commit or Discard, as a killed process's is)
// is removed.
func TestRemoveAbandoned(t *testing.T) {
	dir := t.TempDir()
	live, err := Create(filepath.Join(dir, "live.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer live.Discard()
	dead, err := Create(filepath.Join(dir, "dead.json"))
	if err != nil {
		t.Fatal(err)
	}
	dead.Write(make([]byte, 1000))
	dead.File.Close() // the lock goes with the handle, as when a process dies
	freed, err := RemoveAbandoned(dir)
	if err != nil || freed != 1000 {
		t.Errorf("freed %d bytes, %v", freed, err)
	}
	if _, err := os.Stat(live.Name()); err != nil {
		t.Errorf("the live writer's file was removed: %v", err)
	}
	if _, err := os.Stat(dead.Name()); !os.IsNotExist(err) {
		t.Errorf("the abandoned file is still there: %v", err)
	}
}

// Writers that start while others sweep the directory never lose their
// temporary file: it is locked before it has a name the sweep looks at.
func TestSweepDuringCreate(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 64 {
		wg.Go(func() {
			RemoveAbandoned(dir)
			f, err := Create(filepath.Join(dir, fmt.Sprintf("f%d.bin", i)))
			if err != nil {
				errs <- err
				return
			}
			defer f.Discard()
			RemoveAbandoned(dir)
			f.Write([]byte("data"))
			if err := f.Commit(); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// A writer keeps its lock until its file is in place: a sweep for
// abandoned files running alongside (another process building in the same
// directory) never removes a temporary file between its flush and its
// rename.
func TestSweepDuringCommit(t *testing.T) {
	dir := t.TempDir()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
				RemoveAbandoned(dir)
			}
		}
	}()
	for i := range 100 {
		if err := WriteFile(filepath.Join(dir, fmt.Sprintf("f%d", i%5)), []byte("data")); err != nil {
			t.Errorf("write %d: %v", i, err)
			break
		}
	}
	close(stop)
	wg.Wait()
}
