package dataset

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/scenebench/runner/formats"
)

// testFormat is a tiny text format for the cache tests: a JSON header line
// with the scene info and the "level" option, then one line per prim with
// its path and values as USDA spells them. Hooks make it fail or stall.
type testFormat struct {
	// failOnWrite makes the n-th Write (from 1) return failErr.
	failOnWrite int
	failErr     error
	failCreate  error
	failClose   error
	// stallAfter makes Write block forever after that many writes, once
	// the bytes so far are flushed (for the killed-writer test).
	stallAfter int
	// onWrite runs before every Write.
	onWrite func(n int)
}

func (*testFormat) Name() string      { return "testfmt" }
func (*testFormat) Extension() string { return ".tst" }
func (*testFormat) Options() []formats.Option {
	return []formats.Option{
		{Name: "level", Kind: formats.OptInt, Default: int64(1), Min: 0, Doc: "changes the bytes"},
		{Name: "cache_budget", Kind: formats.OptInt, Default: int64(0), ReadOnly: true, Doc: "read-only"},
	}
}

func (f *testFormat) Create(path string, opts formats.Options, info formats.SceneInfo) (formats.Writer, error) {
	if f.failCreate != nil {
		return nil, f.failCreate
	}
	fh, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	w := &testWriter{f: f, fh: fh, bw: bufio.NewWriter(fh), info: info}
	hdr, _ := json.Marshal(struct {
		Info  formats.SceneInfo
		Level int64
	}{info, opts.Int("level")})
	w.bw.Write(append(hdr, '\n'))
	return w, nil
}

func (*testFormat) Open(path string, opts formats.Options) (formats.Reader, error) {
	return nil, errors.New("testfmt: reading is not supported")
}

type testWriter struct {
	f      *testFormat
	fh     *os.File
	bw     *bufio.Writer
	info   formats.SceneInfo
	writes int
	line   []byte
	v      formats.Value
}

func (w *testWriter) Write(b *formats.Batch) error {
	w.writes++
	if w.f.onWrite != nil {
		w.f.onWrite(w.writes)
	}
	if w.writes == w.f.failOnWrite {
		return w.f.failErr
	}
	if err := b.Check(w.info.Properties); err != nil {
		return err
	}
	for i, p := range b.Paths {
		w.line = append(w.line[:0], p...)
		for c := range b.Columns {
			b.Columns[c].Value(i, &w.v)
			w.line = append(w.line, '\t')
			w.line = formats.AppendValueUSDA(w.line, &w.v)
		}
		w.line = append(w.line, '\n')
		if _, err := w.bw.Write(w.line); err != nil {
			return err
		}
	}
	if w.f.stallAfter > 0 && w.writes >= w.f.stallAfter {
		w.bw.Flush()
		w.fh.Sync()
		for {
			time.Sleep(time.Hour)
		}
	}
	return nil
}

func (w *testWriter) Close() error {
	if err := w.bw.Flush(); err != nil {
		w.fh.Close()
		return err
	}
	if err := w.fh.Close(); err != nil {
		return err
	}
	if w.f.failClose != nil {
		return fmt.Errorf("close: %w", w.f.failClose)
	}
	return nil
}
