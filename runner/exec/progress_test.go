package exec

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scenebench/runner/runner/results"
)

func TestProgressPlain(t *testing.T) {
	var buf bytes.Buffer
	p := testPlan(5, inProcess(1), []string{"ok", "slow"}, openOnly)
	mustRun(t, p, Options{Progress: &buf})
	out := buf.String()
	for _, want := range []string{"data  tiny  fake-ok ...\n", "[1/2] tiny/fake-ok/load  ok  (", "[2/2] tiny/fake-slow/load  ok  ("} {
		if !strings.Contains(out, want) {
			t.Errorf("progress lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\r") || strings.Contains(out, "\x1b") {
		t.Errorf("plain progress has terminal controls: %q", out)
	}
}

func TestProgressLive(t *testing.T) {
	var buf bytes.Buffer
	p := &progress{w: &buf, live: true, width: 40, total: 3}
	p.status(0, "flat/usdc/initial-load", "run 1/10", 3)
	c := results.Cell{ID: "flat/usdc/initial-load", Status: results.StatusFailed, Error: "open x: bad\nmore"}
	p.cellDone(0, &c, 2*time.Second, true)
	p.status(1, "flat/usdc/single-get", "warmup 1/1", 2)
	p.finish()
	out := buf.String()
	want := "\r\x1b[K[1/3] flat/usdc/initial-load  run 1/10" + // no ETA before a cell finished
		"\r\x1b[K[1/3] flat/usdc/initial-load  failed  (2s): open x: bad ...\n" +
		"\r\x1b[K[2/3] flat/usdc/single-get  warmup 1/1" + // 40 columns, the ETA cut off
		"\r\x1b[K"
	if out != want {
		t.Errorf("live progress\n got %q\nwant %q", out, want)
	}
	p.status(1, "x", "run", 2)
	if !strings.Contains(buf.String(), "ETA 4s") {
		t.Errorf("ETA after one 2s cell with 2 to go: %q", buf.String()[len(out):])
	}
}

func TestGroupShares(t *testing.T) {
	tests := []struct {
		total time.Duration
		spent []time.Duration
		want  []time.Duration
	}{
		{900 * time.Millisecond, []time.Duration{100, 200, 0}, []time.Duration{300 * time.Millisecond, 600 * time.Millisecond, 0}},
		{90 * time.Millisecond, []time.Duration{0, 0, 0}, []time.Duration{30 * time.Millisecond, 30 * time.Millisecond, 30 * time.Millisecond}},
	}
	for _, tt := range tests {
		got := groupShares(tt.total, tt.spent)
		if !slices.Equal(got, tt.want) {
			t.Errorf("groupShares(%v, %v) = %v, want %v", tt.total, tt.spent, got, tt.want)
		}
	}
}
