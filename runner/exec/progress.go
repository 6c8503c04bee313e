package exec

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/scenebench/runner/runner/results"
)

// progress reports a run as it goes: on a terminal one line rewritten in
// place (cell i/N, the run under way, an ETA) with a line kept per
// finished cell; elsewhere only plain lines, one per finished cell.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	live  bool
	width int
	total int
	// timing of the cells that ran (not the resumed ones), for the ETA
	ran     int
	ranTime time.Duration
	shown   bool // a live line is on screen
}

func newProgress(w io.Writer, total int) *progress {
	p := &progress{w: w, total: total}
	if w == nil {
		p.w = io.Discard
		return p
	}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.live = true
		if width, _, err := term.GetSize(int(f.Fd())); err == nil && width > 20 {
			p.width = width - 1
		} else {
			p.width = 79
		}
	}
	return p
}

// status shows what is running now (live mode only).
func (p *progress) status(i int, id, phase string, remaining int) {
	if !p.live {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	line := fmt.Sprintf("[%d/%d] %s  %s", i+1, p.total, id, phase)
	if p.ran > 0 {
		eta := p.ranTime / time.Duration(p.ran) * time.Duration(remaining)
		line += "  ETA " + eta.Round(time.Second).String()
	}
	if len(line) > p.width {
		line = strings.TrimRight(line[:p.width], " ")
	}
	fmt.Fprint(p.w, "\r\x1b[K"+line)
	p.shown = true
}

// line prints a line that stays, clearing a live line first.
func (p *progress) line(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
	fmt.Fprintf(p.w, format+"\n", args...)
}

// cellDone records a finished cell (ran says whether it ran now rather
// than coming from the journal).
func (p *progress) cellDone(i int, c *results.Cell, took time.Duration, ran bool) {
	if ran {
		p.mu.Lock()
		p.ran++
		p.ranTime += took
		p.mu.Unlock()
	}
	how := took.Round(time.Millisecond).String()
	if !ran {
		how = "from journal"
	}
	msg := fmt.Sprintf("[%d/%d] %s  %s  (%s)", i+1, p.total, c.ID, c.Status, how)
	if c.Error != "" {
		msg += ": " + firstLine(c.Error)
	}
	p.line("%s", msg)
}

// finish clears a live line left on screen.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " ..."
	}
	return s
}
