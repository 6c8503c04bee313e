package html

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/scenebench/runner/internal/testenv"
	"github.com/scenebench/runner/reporters/internal/fixture"
	"github.com/scenebench/runner/runner/results"
)

func renderFixture(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, fixture.File(fixture.Current(1))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSelfContained checks the report needs nothing from the network or
// the disk: no external scripts, styles, images or fonts.
func TestSelfContained(t *testing.T) {
	page := string(renderFixture(t))
	external := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:|//|file:)|url\(\s*["']?(https?:|//)|@import|<link\b|<iframe\b`)
	if m := external.FindString(page); m != "" {
		t.Errorf("report refers to something outside itself: %q", m)
	}
	for _, want := range []string{`role="tablist"`, `id="tab-overview"`, `id="tab-sizes"`, `id="tab-memory"`, `id="tab-all"`,
		`class="sortable"`, "<svg", "TIMEOUT", "FAILED", "MISMATCH", "out of memory"} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(page, "<?xml") {
		t.Error("inline SVG keeps its XML prolog")
	}
}

func TestRenderEmptyAndStrange(t *testing.T) {
	tests := map[string]*results.File{
		"empty": {SchemaVersion: 1},
		"failed only": {SchemaVersion: 1, Cells: []results.Cell{{ID: "d/f/s", Dataset: "d", Format: "f", Scenario: "s",
			Status: results.StatusFailed, Error: "boom"}}},
		"markup in names": {SchemaVersion: 1, Title: "<script>alert(1)</script>", Cells: []results.Cell{{ID: "x", Dataset: "<d>",
			Format: "f\"'<>", Scenario: "s&t", Status: results.StatusOK, Steps: []results.Step{{Name: "</svg>", Op: "get",
				SamplesNS: []float64{1, 2}, Stats: results.Stats{MedianNS: 1.5}}}}}},
		"zero samples": {SchemaVersion: 1, Report: results.Report{Baseline: "a"}, Cells: []results.Cell{
			{ID: "1", Dataset: "d", Format: "a", Scenario: "s", Status: results.StatusOK, Steps: []results.Step{{Name: "t", Op: "traverse", SamplesNS: []float64{0}, Probes: []results.Probe{{Prims: 0, RSSBytes: 0}}}}},
			{ID: "2", Dataset: "d", Format: "b", Scenario: "s", Status: results.StatusOK, Steps: []results.Step{{Name: "t", Op: "traverse", SamplesNS: []float64{0}}}}}},
	}
	for name, f := range tests {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Render(&buf, f); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(buf.String(), "<script>alert") || strings.Contains(buf.String(), "<d>") {
				t.Error("names are not escaped")
			}
		})
	}
}

// checkScript runs in the browser after load: it opens every tab and
// records whether it shows a chart, then writes the findings as JSON into
// the page, which --dump-dom prints.
const hookScript = `<script>
window.__errors = [];
window.addEventListener("error", function (e) { window.__errors.push("error: " + (e.message || (e.target && (e.target.src || e.target.href)) || "resource")); }, true);
window.addEventListener("unhandledrejection", function (e) { window.__errors.push("rejection: " + e.reason); });
(function () { var orig = console.error; console.error = function () { window.__errors.push("console.error: " + Array.prototype.join.call(arguments, " ")); return orig.apply(console, arguments); }; })();
</script>`

const checkScript = `<script>
// ratioAxis measures a ratio chart while it is shown: where 1 falls
// against the middle of the plot area, and whether every mark sits at a
// distance from 1 proportional to the logarithm of its ratio (a log axis).
function ratioAxis(svg, horizontal) {
  var res = { found: !!svg, marks: 0, offCentre: 999, spread: 999, bothSides: false };
  if (!svg) { return res; }
  var pos = function (el) { var r = el.getBoundingClientRect(); return horizontal ? (r.left + r.right) / 2 : (r.top + r.bottom) / 2; };
  var ref = svg.querySelector('[data-ref]'), area = svg.querySelector('[data-area]');
  var one = pos(ref);
  if (area) {
    var a = area.getBoundingClientRect();
    res.offCentre = Math.abs(one - (horizontal ? (a.left + a.right) / 2 : (a.top + a.bottom) / 2));
  } else {
    var box = svg.getBoundingClientRect(); res.offCentre = -1;
  }
  var ks = [], up = 0, down = 0;
  svg.querySelectorAll('.tip[data-ratio]').forEach(function (m) {
    if (m.hasAttribute("data-ref")) { return; }
    var r = Number(m.getAttribute("data-ratio")), l = Math.log(r);
    if (Math.abs(l) < 0.2) { return; }
    var d = pos(m) - one;
    if (!horizontal) { d = -d; }
    ks.push(d / l);
    if (l > 0) { up++; } else { down++; }
  });
  res.marks = ks.length;
  res.bothSides = up > 0 && down > 0;
  if (ks.length) {
    var lo = Math.min.apply(null, ks), hi = Math.max.apply(null, ks);
    res.spread = lo > 0 ? hi / lo : 999;
  }
  return res;
}
window.addEventListener("load", function () {
  var out = { tabs: [], errors: [], ratio: null, stepRatio: null, untipped: [], emptyTitles: 0, tips: 0, smallText: [], legendsOverData: 0 };
  try {
    var tabs = document.querySelectorAll('[role="tab"]');
    for (var i = 0; i < tabs.length; i++) {
      tabs[i].click();
      var id = tabs[i].getAttribute("data-tab");
      var panel = document.getElementById("tab-" + id);
      var visible = 0, charts = panel.querySelectorAll("svg.chart"), shown = 0;
      for (var j = 0; j < charts.length; j++) {
        var r = charts[j].getBoundingClientRect();
        if (r.width > 50 && r.height > 50) { shown++; }
        var tips = charts[j].querySelectorAll(".tip");
        out.tips += tips.length;
        if (!tips.length) { out.untipped.push(id + ": " + charts[j].getAttribute("aria-label")); }
        tips.forEach(function (t) { var ti = t.querySelector("title"); if (!ti || !ti.textContent.trim()) { out.emptyTitles++; } });
        charts[j].querySelectorAll("text").forEach(function (t) {
          var h = t.getBoundingClientRect().height;
          if (t.textContent.trim() && h > 0 && h < 11) { out.smallText.push(id + ": " + t.textContent + " " + h.toFixed(1) + "px"); }
        });
        var fig = charts[j].parentElement, lg = fig.querySelector("figcaption.legend");
        if (lg && lg.getBoundingClientRect().top < r.bottom - 1) { out.legendsOverData++; }
      }
      if (id === "overview") { out.ratio = ratioAxis(panel.querySelector('svg[data-chart="ratio"]'), true); }
      if (id === "all") { out.stepRatio = ratioAxis(panel.querySelector('svg[data-chart="step-ratios"]'), false); }
      var others = 0;
      document.querySelectorAll('[role="tabpanel"]').forEach(function (p) { if (p !== panel && p.getBoundingClientRect().height > 0) { others++; } });
      out.tabs.push({ id: id, charts: charts.length, shown: shown, selected: tabs[i].getAttribute("aria-selected"), othersVisible: others });
    }
    var table = document.querySelector("table.sortable");
    var th = table.querySelectorAll("th")[5];
    th.click();
    var first = Number(table.tBodies[0].rows[0].cells[5].getAttribute("data-v"));
    var last = Number(table.tBodies[0].rows[table.tBodies[0].rows.length - 1].cells[5].getAttribute("data-v"));
    th.click();
    var firstDesc = Number(table.tBodies[0].rows[0].cells[5].getAttribute("data-v"));
    out.sort = { ascFirst: first, ascLast: last, descFirst: firstDesc };
  } catch (e) { window.__errors.push("check: " + e); }
  out.errors = window.__errors;
  var pre = document.createElement("pre");
  pre.id = "check-result";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>`

type axisCheck struct {
	Found     bool    `json:"found"`
	Marks     int     `json:"marks"`
	OffCentre float64 `json:"offCentre"`
	Spread    float64 `json:"spread"`
	BothSides bool    `json:"bothSides"`
}

type checkResult struct {
	Ratio           axisCheck `json:"ratio"`
	StepRatio       axisCheck `json:"stepRatio"`
	Untipped        []string  `json:"untipped"`
	EmptyTitles     int       `json:"emptyTitles"`
	Tips            int       `json:"tips"`
	SmallText       []string  `json:"smallText"`
	LegendsOverData int       `json:"legendsOverData"`
	Tabs            []struct {
		ID            string `json:"id"`
		Charts        int    `json:"charts"`
		Shown         int    `json:"shown"`
		Selected      string `json:"selected"`
		OthersVisible int    `json:"othersVisible"`
	} `json:"tabs"`
	Sort struct {
		AscFirst  float64 `json:"ascFirst"`
		AscLast   float64 `json:"ascLast"`
		DescFirst float64 `json:"descFirst"`
	} `json:"sort"`
	Errors []string `json:"errors"`
}

func chromium(t *testing.T, bin string, args ...string) (stdout, stderr []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-extensions", "--disable-dev-shm-usage", "--mute-audio",
		"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0"}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, tail(errb.String(), 2000))
	}
	return out.Bytes(), errb.Bytes()
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// TestChromium loads the report in headless Chromium: no script or console
// errors, every tab shows at least one chart and hides the others, the
// sortable table sorts, and a screenshot is saved (to
// $RUNNER_SCREENSHOT_DIR when set, else the test's temporary directory).
func TestChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser check runs in the full test pass")
	}
	bin := testenv.Chromium(t)
	page := renderFixture(t)
	dir := t.TempDir()

	checked := bytes.Replace(page, []byte("<head>"), []byte("<head>\n"+hookScript), 1)
	checked = bytes.Replace(checked, []byte("</body>"), []byte(checkScript+"\n</body>"), 1)
	checkPath := filepath.Join(dir, "check.html")
	if err := os.WriteFile(checkPath, checked, 0o644); err != nil {
		t.Fatal(err)
	}
	dom, stderr := chromium(t, bin, "--virtual-time-budget=5000", "--dump-dom", "file://"+checkPath)
	m := regexp.MustCompile(`(?s)<pre id="check-result">(.*?)</pre>`).FindSubmatch(dom)
	if m == nil {
		t.Fatalf("the check script left no result; page errors?\n%s", tail(string(stderr), 3000))
	}
	raw := strings.NewReplacer("&quot;", `"`, "&amp;", "&", "&lt;", "<", "&gt;", ">").Replace(string(m[1]))
	var res checkResult
	if err := json.Unmarshal([]byte(raw), &res); err != nil {
		t.Fatalf("check result %q: %v", raw, err)
	}
	if len(res.Errors) > 0 {
		t.Errorf("errors in the page: %q", res.Errors)
	}
	for _, line := range strings.Split(string(stderr), "\n") {
		if strings.Contains(line, "CONSOLE") && (strings.Contains(line, "Uncaught") || strings.Contains(line, "ERROR:CONSOLE")) {
			t.Errorf("console: %s", line)
		}
	}
	wantTabs := []string{"overview", "sizes", "scenario-1", "scenario-2", "scenario-3", "scenario-4", "scenario-5", "scenario-6", "memory", "all"}
	if len(res.Tabs) != len(wantTabs) {
		t.Fatalf("found tabs %+v, want %v", res.Tabs, wantTabs)
	}
	for i, tab := range res.Tabs {
		if tab.ID != wantTabs[i] {
			t.Errorf("tab %d is %q, want %q", i, tab.ID, wantTabs[i])
		}
		if tab.Shown == 0 {
			t.Errorf("tab %q shows no chart (%d charts in it)", tab.ID, tab.Charts)
		}
		if tab.Selected != "true" || tab.OthersVisible != 0 {
			t.Errorf("tab %q: selected=%s, %d other panels visible", tab.ID, tab.Selected, tab.OthersVisible)
		}
	}
	if !(res.Sort.AscFirst <= res.Sort.AscLast) || res.Sort.DescFirst < res.Sort.AscLast {
		t.Errorf("sorting by median: ascending %g..%g, descending starts at %g", res.Sort.AscFirst, res.Sort.AscLast, res.Sort.DescFirst)
	}
	// The ratio charts: 1 in the middle of the plot (the overview's), and
	// every mark at a distance from 1 proportional to the logarithm of its
	// ratio, faster on one side and slower on the other.
	for name, a := range map[string]axisCheck{"overview ratio chart": res.Ratio, "every-step ratio chart": res.StepRatio} {
		switch {
		case !a.Found:
			t.Errorf("%s: not found", name)
		case a.Marks < 4 || !a.BothSides:
			t.Errorf("%s: %d marks away from 1, both sides %v", name, a.Marks, a.BothSides)
		case a.Spread > 1.06:
			t.Errorf("%s: distance from 1 over log(ratio) varies by %.1f%%: not a log axis", name, 100*(a.Spread-1))
		}
	}
	t.Logf("ratio axes: overview %+v, every step %+v; %d tooltips", res.Ratio, res.StepRatio, res.Tips)
	if res.Ratio.OffCentre > 1.5 {
		t.Errorf("overview ratio chart: 1 is %.1f px from the middle of the plot", res.Ratio.OffCentre)
	}
	// Tooltips on every chart, every one with words; legible labels;
	// legends under the charts, never over the data.
	if len(res.Untipped) > 0 || res.EmptyTitles > 0 || res.Tips < 100 {
		t.Errorf("charts without tooltips %q, %d empty titles, %d tooltips in all", res.Untipped, res.EmptyTitles, res.Tips)
	}
	if len(res.SmallText) > 0 {
		t.Errorf("chart text under 11 px: %q", res.SmallText)
	}
	if res.LegendsOverData > 0 {
		t.Errorf("%d legends overlap their charts", res.LegendsOverData)
	}

	shotDir := os.Getenv("RUNNER_SCREENSHOT_DIR")
	if shotDir == "" {
		shotDir = dir
	}
	if err := os.MkdirAll(shotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	reportPath := filepath.Join(dir, "report.html")
	if err := os.WriteFile(reportPath, page, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tab := range []string{"overview", "scenario-2", "all"} {
		shot := filepath.Join(shotDir, "report-"+tab+".png")
		chromium(t, bin, "--window-size=1280,1600", "--hide-scrollbars", "--screenshot="+shot, "file://"+reportPath+"#"+tab)
		info, err := os.Stat(shot)
		if err != nil {
			t.Fatalf("no screenshot: %v", err)
		}
		if info.Size() < 10_000 {
			t.Errorf("screenshot is only %d bytes", info.Size())
		}
		t.Logf("screenshot: %s (%d bytes)", shot, info.Size())
	}
}

// A Go-read variant beside the same variant read by the format's
// reference driver gets an "Ours / reference" tab: a table of ratios and
// a forest chart whose marks carry their ratios; without one, no tab.
func TestReferenceTab(t *testing.T) {
	if page := string(renderFixture(t)); strings.Contains(page, `id="tab-reference"`) {
		t.Error("a reference tab without a reference driver in the results")
	}
	f := fixture.File(fixture.Current(1))
	paired := 0
	for i := range f.Cells {
		c := &f.Cells[i]
		if c.Format != "parquet-zstd" {
			continue
		}
		// Arrow C++ reading the variant the Go reader reads as
		// parquet-none.
		c.Format, c.Reader = "parquet-none-arrow-cpp", "arrow-cpp"
		c.Variant = map[string]string{"compression": "none", "reader": "arrow-cpp"}
		paired++
	}
	for i := range f.Cells {
		if c := &f.Cells[i]; c.Format == "parquet-none" {
			c.Variant = map[string]string{"compression": "none", "reader": "go"}
		}
	}
	if paired == 0 {
		t.Fatal("the fixture has no parquet-zstd cells to pair")
	}
	var buf bytes.Buffer
	if err := Render(&buf, f); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	i := strings.Index(page, `id="tab-reference"`)
	if i < 0 {
		t.Fatal("no reference tab")
	}
	tabHTML := page[i:]
	if j := strings.Index(tabHTML[1:], `role="tabpanel"`); j > 0 {
		tabHTML = tabHTML[:j]
	}
	for _, want := range []string{"Ours against the reference", "data-ratio=", "parquet-none", "<table"} {
		if !strings.Contains(tabHTML, want) {
			t.Errorf("the reference tab lacks %q", want)
		}
	}
}
