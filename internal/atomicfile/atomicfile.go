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
	// The lock says a writer is alive; RemoveAbandoned removes only
	// temporary files nobody holds. Another process sweeping the directory
	// may take a new file for abandoned in the instant before its writer
	// locks it, so a writer checks, once it holds the lock, that its file
	// is still there, and starts again with another when it is not.
	var lastErr error
	for range 10 {
		f, err := os.CreateTemp(dir, "."+strings.TrimSuffix(base, ext)+".tmp-*"+ext)
		if err != nil {
			return nil, fmt.Errorf("write %s: %w", target, err)
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			// A sweep holds it and is about to remove it.
			f.Close()
			lastErr = fmt.Errorf("lock %s: %w", f.Name(), err)
			if errors.Is(err, syscall.EWOULDBLOCK) {
				continue
			}
			os.Remove(f.Name())
			break
		}
		held, err1 := f.Stat()
		named, err2 := os.Stat(f.Name())
		if err1 == nil && err2 == nil && os.SameFile(held, named) {
			return &File{File: f, target: target}, nil
		}
		f.Close()
		lastErr = fmt.Errorf("%s was removed as it was created", f.Name())
	}
	return nil, fmt.Errorf("write %s: %w", target, lastErr)
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

// Commit flushes the temporary file to disk, renames it over the target,
// closes it and flushes the directory. The file stays open, and so locked,
// until it is in place, so that no sweep for abandoned files removes it in
// between. On failure the temporary file is removed and the target is
// untouched (unless the rename itself happened and only closing or the
// directory flush failed).
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("write %s: already committed or discarded", f.target)
	}
	err := f.Sync()
	if err == nil {
		err = f.Chmod(Mode)
	}
	if err == nil {
		err = os.Rename(f.Name(), f.target)
	}
	if err != nil {
		f.Discard()
		return fmt.Errorf("write %s: %w", f.target, err)
	}
	f.done = true
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", f.target, err)
	}
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
