package exec

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/scenebench/runner/runner/results"
)

// JournalName is the file in the output directory that receives each
// finished cell as one JSON line (a results.Cell), so an interrupted run
// loses nothing and a resumed run skips what is there. A fresh journal
// starts with a header line naming the spec it belongs to.
const JournalName = "journal.jsonl"

// journalHeader is the first line of a journal.
type journalHeader struct {
	Journal    int    `json:"journal"` // 1
	SpecSHA256 string `json:"spec_sha256"`
}

// journal appends finished cells, each flushed to disk before the next
// cell starts.
type journal struct{ f *os.File }

// openJournal opens path for appending; keep preserves earlier cells
// (resume), otherwise the journal starts over with a header for specSHA.
// A torn last line from a crash is closed off so the next cell starts on a
// line of its own.
func openJournal(path string, keep bool, specSHA string) (*journal, error) {
	flags := os.O_CREATE | os.O_WRONLY | os.O_APPEND
	if !keep {
		flags |= os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open journal: %w", err)
	}
	if keep {
		if fi, err := f.Stat(); err == nil && fi.Size() > 0 {
			last := make([]byte, 1)
			if r, err := os.Open(path); err == nil {
				_, rerr := r.ReadAt(last, fi.Size()-1)
				r.Close()
				if rerr == nil && last[0] != '\n' {
					if _, err := f.Write([]byte("\n")); err != nil {
						f.Close()
						return nil, fmt.Errorf("journal %s: %w", path, err)
					}
				}
			}
		}
	}
	if fi, err := f.Stat(); err == nil && fi.Size() == 0 {
		line, _ := json.Marshal(journalHeader{Journal: 1, SpecSHA256: specSHA})
		if _, err := f.Write(append(line, '\n')); err != nil {
			f.Close()
			return nil, fmt.Errorf("journal %s: %w", path, err)
		}
	}
	return &journal{f: f}, nil
}

func (j *journal) add(c *results.Cell) error {
	line, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("journal cell %s: %w", c.ID, err)
	}
	if _, err := j.f.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("journal %s: %w", j.f.Name(), err)
	}
	return j.f.Sync()
}

func (j *journal) close() error { return j.f.Close() }

// readJournal returns the cells of a journal by id (the last entry of an id
// wins) and the spec hash of its header. A missing journal is empty; lines
// that do not parse (a cell torn by a crash) are skipped, so those cells
// run again.
func readJournal(path string) (cells map[string]results.Cell, specSHA string, err error) {
	cells = map[string]results.Cell{}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return cells, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("read journal: %w", err)
	}
	r := bufio.NewReader(bytes.NewReader(data))
	for {
		line, err := r.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			var h journalHeader
			var c results.Cell
			switch {
			case json.Unmarshal(line, &h) == nil && h.Journal > 0:
				specSHA = h.SpecSHA256
			case json.Unmarshal(line, &c) == nil && c.ID != "":
				cells[c.ID] = c
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, "", fmt.Errorf("read journal %s: %w", path, err)
		}
	}
	return cells, specSHA, nil
}
