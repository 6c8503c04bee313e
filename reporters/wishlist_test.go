package reporters

import (
	"bytes"
	"strings"
	"testing"

	"github.com/scenebench/runner/reporters/internal/fixture"
	"github.com/scenebench/runner/runner/results"
)

// The wish list's results: a threads sweep, a mixed session and a sweep of
// memory limits in which the tightest end oom. Every report renders them;
// markdown, the table and HTML have golden files.
func TestWishlistGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := results.Write(&buf, fixture.Wishlist(4)); err != nil {
		t.Fatal(err)
	}
	golden(t, "wishlist.json", buf.Bytes())
	f := readFixture(t, "wishlist.json")
	for _, tt := range []struct{ format, golden string }{
		{"md", "golden/wishlist.md"},
		{"table", "golden/wishlist-table.txt"},
		{"html", "golden/wishlist.html"},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			var out bytes.Buffer
			if err := Render(&out, f, tt.format, Options{}); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.golden, out.Bytes())
		})
	}
	var md bytes.Buffer
	if err := Render(&md, f, "md", Options{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## Threads", "## Mixed workloads", "## Memory limits", "| OOM ", "**OOM** `flat/usdc/pressure-mem128MiB`", "oom"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("results.md lacks %q", want)
		}
	}
	var html bytes.Buffer
	if err := Render(&html, f, "html", Options{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`id="tab-threads"`, `id="tab-mixed"`, `id="tab-memory-limits"`, `aria-label="Speed-up, threads / warm"`, `aria-label="Time against the memory limit`} {
		if !strings.Contains(html.String(), want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
}
