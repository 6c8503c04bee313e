// Package atomicfile replaces files so that a reader sees either the old
// contents or the new, never half of them: a file is written under a
// temporary name beside its target (unique per writer, so concurrent
// writers never share one), flushed to disk, renamed over the target, and
// the directory is flushed so the rename survives a crash. On any error the
// temporary file is removed and the target is left as it was.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Mode is the permission of a committed file.
const Mode os.FileMode = 0o644

// File is a temporary file that becomes its target on Commit. Write to it
// as to any *os.File; a writer that can only open files by name (a format
// writer) may open Name(), the temporary path, and write there instead.
// Always call Discard (typically deferred): it removes the temporary file
// unless Commit succeeded.
type File struct {
	*os.File
	target string
	done   bool
}

// Create starts writing target: it creates an empty temporary file in
// target's directory named like ".results.tmp-123456.json" (the target's
// name, ".tmp-", a random part, the target's extension).
func Create(target string) (*File, error) {
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	ext := filepath.Ext(base)
	// The file is created under a name RemoveAbandoned does not look at,
	// locked, and only then given its temporary name: the lock says a
	// writer is alive, and there is no moment when the file has that name
	// without it.
	f, err := os.CreateTemp(dir, "."+strings.TrimSuffix(base, ext)+".new-*"+ext)
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", target, err)
	}
	fail := func(err error) (*File, error) {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("write %s: %w", target, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return fail(fmt.Errorf("lock %s: %w", f.Name(), err))
	}
	tmp := filepath.Join(filepath.Dir(f.Name()), strings.Replace(filepath.Base(f.Name()), ".new-", ".tmp-", 1))
	if err := os.Rename(f.Name(), tmp); err != nil {
		return fail(err)
	}
	named, err := reopenAs(f, tmp)
	if err != nil {
		return fail(err)
	}
	return &File{File: named, target: target}, nil
}

// reopenAs gives f the name it was renamed to, keeping its descriptor and
// so its lock (an *os.File reports the name it was opened with).
func reopenAs(f *os.File, name string) (*os.File, error) {
	fd, err := syscall.Dup(int(f.Fd()))
	if err != nil {
		return nil, err
	}
	named := os.NewFile(uintptr(fd), name)
	// The duplicate shares the open file description, and so the lock,
	// which stays until both are closed.
	f.Close()
	return named, nil
}

// RemoveAbandoned removes the temporary files in dir whose writer is gone
// (killed, crashed): those no live File holds a lock on. It returns how
// many bytes it freed.
func RemoveAbandoned(dir string) (int64, error) {
	matches, err := filepath.Glob(filepath.Join(globEscape(dir), ".*.tmp-*"))
	if err != nil {
		return 0, err
	}
	var freed int64
	for _, m := range matches {
		f, err := os.Open(m)
		if err != nil {
			continue
		}
		if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
			if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && os.Remove(m) == nil {
				freed += st.Size()
			}
		}
		f.Close()
	}
	return freed, nil
}

// TempGlob is a filepath.Glob pattern matching every temporary name Create
// may choose for target, for sweeping up after writers that died.
func TempGlob(target string) string {
	dir, base := filepath.Split(target)
	ext := filepath.Ext(base)
	return filepath.Join(dir, "."+globEscape(strings.TrimSuffix(base, ext))+".tmp-*"+globEscape(ext))
}

func globEscape(s string) string {
	return strings.NewReplacer(`*`, `\*`, `?`, `\?`, `[`, `\[`, `\`, `\\`).Replace(s)
}

// Commit flushes the temporary file to disk, closes it, renames it over
// the target and flushes the directory. On failure the temporary file is
// removed and the target is untouched (unless the rename itself happened
// and only the directory flush failed).
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("write %s: already committed or discarded", f.target)
	}
	// The rename comes before the close: the open descriptor holds the
	// lock that keeps RemoveAbandoned away from the temporary file.
	err := f.Sync()
	if err == nil {
		err = f.Chmod(Mode)
	}
	if err == nil {
		err = os.Rename(f.Name(), f.target)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		f.Discard()
		return fmt.Errorf("write %s: %w", f.target, err)
	}
	f.done = true
	if err := syncDir(filepath.Dir(f.target)); err != nil {
		return fmt.Errorf("write %s: %w", f.target, err)
	}
	return nil
}

// Discard closes and removes the temporary file unless Commit succeeded.
// It is safe to call more than once and after Commit.
func (f *File) Discard() {
	if f.done {
		return
	}
	f.done = true
	f.Close()
	os.Remove(f.Name())
}

// Write replaces target with what write writes.
func Write(target string, write func(io.Writer) error) error {
	f, err := Create(target)
	if err != nil {
		return err
	}
	defer f.Discard()
	if err := write(f); err != nil {
		return fmt.Errorf("write %s: %w", target, err)
	}
	return f.Commit()
}

// WriteFile replaces target with data.
func WriteFile(target string, data []byte) error {
	return Write(target, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// syncDir makes a rename in dir durable. File systems that cannot flush a
// directory say so with EINVAL, which is not an error here.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open directory to flush: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("flush directory %s: %w", dir, err)
	}
	return nil
}
