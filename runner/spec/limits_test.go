package spec

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// caseHeader and caseTail frame the reliability cases as they were found:
// a complete spec whose one dataset attribute is hostile.
const (
	caseHeader = "settings {\n  repeat   = 1\n  warmup   = 0\n  timeout  = \"20s\"\n  data_dir = \".runner/data\"\n  out      = \"results/case\"\n}\n\ndataset \"flat\" {\n  prims = "
	caseTail   = "\n}\n\nformat \"parquet\" {}\n\nscenario \"s\" {\n  step \"open\" {}\n}\n"
	// specTail completes a spec whose locals and dataset come first.
	specTail = "\nformat \"parquet\" {}\n\nscenario \"s\" {\n  step \"open\" {}\n}\n"
)

// withPrims is a spec whose dataset has prims = expr.
func withPrims(expr string) string { return caseHeader + expr + caseTail }

// withLocals is a spec with the given locals and prims = expr.
func withLocals(locals, expr string) string {
	return "locals {\n" + locals + "\n}\n\ndataset \"flat\" {\n  prims = " + expr + "\n}\n" + specTail
}

// doubling is a chain of n locals, each twice the one before, built by
// step from the name of the one before.
func doubling(n int, step func(prev string) string) string {
	var b strings.Builder
	b.WriteString("  s0 = \"0123456789\"\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "  s%d = %s\n", i, step(fmt.Sprintf("local.s%d", i-1)))
	}
	return b.String()
}

func nested(open, middle, close string, n int) string {
	return strings.Repeat(open, n) + middle + strings.Repeat(close, n)
}

func randomBytes(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	b[0] = 0xff // never valid UTF-8, whatever the rest is
	return string(b)
}

// hostile are inputs found to crash, hang or exhaust the loader, and their
// neighbours: each must end in an error diagnostic whose summary or detail
// contains want, quickly, in bounded memory, without a stack trace.
var hostile = []struct {
	name string
	src  string
	opts Options
	want string
	// heavy cases take a second or more (they run a budget out); they
	// are skipped under the race detector in -short runs.
	heavy bool
}{
	// The reliability cases.
	{name: "nested parens 70000 (stack overflow)", src: withPrims(nested("(", "100", ")", 70000)), want: "nest more than 256 levels deep at line 10, column 266"},
	{name: "join string bomb (out of memory)", src: withLocals(doubling(40, func(p string) string { return "join(\"\", [" + p + ", " + p + "])" }), "length(local.s40)"), want: "join would return 1.2 MiB of text"},
	{name: "5M-element literal list (4.4 GB)", src: withLocals("  l = ["+strings.Repeat("1,", 5000000)+"]", "length(local.l)"), want: "File too large"},
	{name: "pow(-1, 0.5) (stack trace)", src: withPrims("pow(-1, 0.5)"), want: "pow(-1, 0.5) is not a number"},
	{name: "200 KB binary (minutes per diagnostic)", src: randomBytes(200 << 10), want: "Not a text file"},

	// Nesting, of every kind the parser recurses on.
	{name: "nested brackets", src: withPrims(nested("[", "1", "]", 300)), want: "nested too deeply"},
	{name: "nested braces", src: withPrims(nested("{a = ", "1", "}", 300)), want: "nested too deeply"},
	{name: "nested blocks", src: nested("a {\n", "", "}\n", 300), want: "nested too deeply"},
	{name: "nested calls", src: withPrims(nested("abs(", "1", ")", 300)), want: "nested too deeply"},
	{name: "nested interpolations", src: withPrims(nested(`"${`, "1", `}"`, 300)), want: "nested too deeply"},
	{name: "nested template directives", src: withPrims(`"` + nested("%{ if true }", "x", "%{ endif }", 300) + `"`), want: "nested too deeply"},
	{name: "nested for directives", src: withPrims(`"` + nested("%{ for x in [1] }", "x", "%{ endfor }", 300) + `"`), want: "nested too deeply"},
	{name: "unary chain", src: withPrims(strings.Repeat("-", 300) + "1"), want: "nested too deeply"},
	{name: "not chain", src: withPrims(strings.Repeat("!", 300) + "true"), want: "nested too deeply"},
	{name: "binary chain", src: withPrims(strings.Repeat("1 + ", 100000) + "1"), want: "nested too deeply"},
	{name: "conditional chain", src: withPrims(strings.Repeat("true ? 1 : ", 300) + "1"), want: "nested too deeply"},
	{name: "index chain", src: withLocals("  l = [1]", "local.l"+strings.Repeat("[local.l[0] - 1]", 300)), want: "nested too deeply"},
	{name: "splat chain", src: withLocals("  l = [1]", "local.l"+strings.Repeat("[*]", 300)), want: "nested too deeply"},
	{name: "string of 30,000 escapes", src: withPrims(`"` + strings.Repeat("$${", 30000) + `"`), want: "String too fragmented"},
	{name: "heredoc of 100,000 lines", src: withPrims("<<EOT\n" + strings.Repeat("x\n", 100000) + "EOT\n"), want: "more than 1024 pieces of text at line 1035, column 1"},
	{name: "unterminated comment does not hide brackets", src: withPrims("1 /" + "* " + nested("(", "1", ")", 300)), want: "nested too deeply"},
	{name: "nested in a -var", src: withLocals("", "var.x") + "variable \"x\" {}\n", opts: Options{Vars: []string{"x=" + nested("(", "1", ")", 70000)}}, want: "nested too deeply"},

	// Binary input: one diagnostic, whatever the size.
	{name: "NUL byte", src: "dataset \"flat\" {\n  prims = 1\x00\n}\n", want: "has a NUL byte at line 2, column 12"},
	{name: "invalid UTF-8", src: "dataset \"fl\xffat\" {}\n", want: "a byte that is not UTF-8 (0xff) at line 1, column 12"},
	{name: "control character", src: "dataset \"flat\" {\x1b}\n", want: "a control character (0x1b)"},
	{name: "binary -var value", src: withLocals("", "1") + "variable \"x\" {\n  type = string\n}\n", opts: Options{Vars: []string{"x=\xff\xfe"}}, want: "not UTF-8"},

	// Sizes.
	{name: "file over the limit", src: strings.Repeat("# comment\n", MaxFileBytes/10+1), want: "File too large"},
	{name: "literal of 100,001 elements", src: withLocals("  l = ["+strings.Repeat("1,", 100001)+"]", "1"), want: "more than 100000 elements"},
	{name: "number of 5000 digits", src: withPrims(strings.Repeat("9", 5000)), want: "more than 1024 digits"},
	{name: "string doubling by template", src: withLocals(doubling(40, func(p string) string { return `"${` + p + `}${` + p + `}"` }), "length(local.s40)"), want: "more than 1 MiB of text"},
	{name: "replace with the empty string", src: withLocals("  s = join(\"\", [for i in range(1000) : \"0123456789\"])\n  x = replace(local.s, \"\", local.s)", "length(local.x)"), want: "replace would return"},
	{name: "split into characters", src: withLocals("  s = join(\"\", [for i in range(1000) : \"0123456789\"])\n  t = join(\"\", [for i in range(100) : local.s])\n  x = split(\"\", local.t)", "length(local.x)"), want: "split would return"},
	{name: "format repeating an argument", src: withLocals("  s = join(\"\", [for i in range(1000) : \"0123456789\"])\n  x = format(\""+strings.Repeat("%[1]s", 200)+"\", \"x${local.s}\")", "length(local.x)"), want: "format would return"},
	{name: "value nested 400 deep through locals", src: withLocals(func() string {
		var b strings.Builder
		b.WriteString("  a0 = 1\n")
		for i := 1; i < 400; i++ {
			fmt.Fprintf(&b, "  a%d = [local.a%d]\n", i, i-1)
		}
		return b.String()
	}(), "length(local.a399)"), want: "nests more than 256 levels deep"},

	// Numbers: NaN and infinities never become values, nor numbers
	// whose text would take gigabytes.
	{name: "log of a negative number", src: withPrims("log(-1, 10)"), want: "log(-1, 10) is not a number"},
	{name: "log of zero", src: withPrims("log(0, 10)"), want: "log(0, 10) is infinite"},
	{name: "pow of zero to a negative power", src: withPrims("pow(0, -1)"), want: "pow(0, -1) is infinite"},
	{name: "pow beyond float64", src: withPrims("pow(10, 400)"), want: "pow(10, 400) is larger than 1.8e+308"},
	{name: "division by zero", src: withPrims("1 / 0"), want: "the result is infinite"},
	{name: "infinity from a string", src: withPrims(`"inf" - "inf"`), want: "Operation failed"},
	{name: "literal beyond float64", src: withPrims("1e999999999"), want: "The number is infinite"},
	{name: "literal beyond float64, finite", src: withPrims("1e999999"), want: "about 1e+999999"},
	{name: "literal closer to zero than float64", src: withPrims("1e-400"), want: "closer to zero"},
	{name: "product beyond float64 in a template", src: withLocals(`  x = "${1e308 * 1e308}"`, "1"), want: "about 1e+616"},
	{name: "tonumber beyond float64", src: withPrims(`tonumber("1e99999999")`), want: "Number out of range"},
	{name: "long numeric string as a number", src: withPrims(`"` + strings.Repeat("9", 200000) + `" + 1`), want: "cannot be read as a number"},
	{name: "long numeric string as an index", src: withLocals("  l = [1]", `local.l["`+strings.Repeat("0", 200000)+`"]`), want: "cannot be read as a number"},
	{name: "parseint of 3000 digits", src: withPrims(`parseint("` + strings.Repeat("1", 3000) + `", 10)`), want: "at most 1024"},

	// Blocks: what each block makes is checked as it is made, so the
	// totals are bounded before the cells are counted.
	{name: "300 dataset blocks sweeping 1,024 datasets each", src: "locals {\n  l = range(1, 33)\n}\n" + strings.Repeat("dataset \"d\" {\n  prims = local.l\n  seed  = local.l\n}\n", 1) + func() string {
		var b strings.Builder
		for i := range 300 {
			fmt.Fprintf(&b, "dataset \"d%d\" {\n  prims = local.l\n  seed  = local.l\n}\n", i)
		}
		return b.String()
	}() + specTail, want: "Too many datasets"},
	{name: "300 format blocks sweeping 1,024 variants each", src: "locals {\n  l = range(1, 33)\n  p = [for i in range(32) : 1024 + i]\n}\ndataset \"d\" {\n  prims = 1\n}\n" + func() string {
		var b strings.Builder
		for i := range 300 {
			fmt.Fprintf(&b, "format \"f%d\" {\n  type           = \"parquet\"\n  row_group_size = local.l\n  page_size      = local.p\n}\n", i)
		}
		return b.String()
	}() + "scenario \"s\" {\n  step \"open\" {}\n}\n", want: "Too many format variants"},
	{name: "1,024 datasets of 6,000 properties", src: "dataset \"d\" {\n  prims = range(1, 1025)\n" + strings.Repeat("  property \"p\" {\n    type      = \"double\"\n    generator = \"uniform(0, 1)\"\n  }\n", 1) + func() string {
		var b strings.Builder
		for i := range 6000 {
			fmt.Fprintf(&b, "  property \"p%d\" {\n    type      = \"double\"\n    generator = \"uniform(0, 1)\"\n  }\n", i)
		}
		return b.String()
	}() + "}\n" + specTail, want: "Too many properties"},
	{name: "a sweep of 2,000 values", src: withPrims("concat(range(1, 1001), range(1001, 2001))"), want: "has 2000 values"},
	{name: "names of 100,000 characters", src: "dataset \"d\" {\n  prims = 1\n}\nformat \"parquet\" {}\nscenario \"" + strings.Repeat("x", 100000) + "\" {\n  step \"open\" {}\n}\nreport {\n  glance {\n    row \"r\" {\n      scenario = \"" + strings.Repeat("y", 100000) + "\"\n      step     = \"open\"\n    }\n  }\n}\n", want: "Unknown scenario"},

	// Work: loops and repetition run the load's budget out.
	{name: "nested loops over ranges", src: withLocals("  g = [for a in range(1000) : [for b in range(1000) : 1]]", "length(local.g)"), want: "range produce more than 100000", heavy: true},
	{name: "nested loops over a local", src: withLocals("  l = [for i in range(1000) : i]\n  g = [for a in local.l : [for b in local.l : [for c in local.l : 1]]]", "length(local.g)"), want: "Spec too costly", heavy: true},
	{name: "a large value repeated in a loop", src: withLocals("  big = flatten([for i in range(50) : range(1000)])\n  r = [for x in local.big : local.big]", "length(local.r)"), want: "Spec too costly", heavy: true},
	{name: "a large value searched in a loop", src: withLocals("  big = flatten([for i in range(50) : range(1000)])\n  r = [for x in local.big : x if contains(local.big, x)]", "length(local.r)"), want: "Spec too costly", heavy: true},
	{name: "a splat in a loop", src: withLocals("  big = [for i in flatten([for i in range(50) : range(1000)]) : { a = i }]\n  r = [for x in local.big : local.big[*].a]", "length(local.r)"), want: "Spec too costly", heavy: true},
	{name: "a large value listed 40,000 times", src: withLocals("  big = flatten([for i in range(50) : range(1000)])\n  r = length(["+strings.Repeat("local.big,", 40000)+"])", "local.r"), want: "Spec too costly", heavy: true},
	{name: "template of 30,000 interpolations", src: withLocals("  s = join(\"\", [for i in range(1000) : \"0123456789\"])\n  t = \""+strings.Repeat("${local.s}", 30000)+"\"", "length(local.t)"), want: "Spec too costly", heavy: true},
	{name: "template for directive", src: withLocals("  big = flatten([for i in range(50) : range(1000)])\n  t = \"%{ for v in local.big }"+strings.Repeat("x", 1000)+"%{ endfor }\"", "length(local.t)"), want: "Spec too costly", heavy: true},
	{name: "join of a large value in a loop", src: withLocals("  s = join(\"\", [for i in range(1000) : \"0123456789\"])\n  t = [for i in range(1000) : join(\",\", [local.s, local.s])]", "length(local.t)"), want: "Spec too costly", heavy: true},
}

func TestHostileSpecs(t *testing.T) {
	for _, tt := range hostile {
		t.Run(tt.name, func(t *testing.T) {
			if tt.heavy && raceEnabled && testing.Short() {
				t.Skip("heavy under the race detector; the plain run covers it")
			}
			p, diags, elapsed, alloc := timedLoad(context.Background(), tt.src, tt.opts)
			if p != nil || !diags.HasErrors() {
				t.Fatalf("loaded without errors")
			}
			var out bytes.Buffer
			if err := diags.Write(&out, 0, false); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), tt.want) {
				t.Errorf("diagnostics do not mention %q:\n%s", tt.want, clip(out.String()))
			}
			checkBounded(t, out.String(), elapsed, alloc)
		})
	}
}

// timedLoad loads src as one spec file, measuring the time and the bytes
// allocated.
func timedLoad(ctx context.Context, src string, opts Options) (p any, diags *Diagnostics, elapsed time.Duration, alloc uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	pl, diags := LoadSourcesContext(ctx, []Source{{Name: "hostile.hcl", Bytes: []byte(src)}}, opts)
	elapsed = time.Since(start)
	runtime.ReadMemStats(&after)
	if pl != nil {
		p = pl
	}
	return p, diags, elapsed, after.TotalAlloc - before.TotalAlloc
}

// checkBounded fails a load that took more than a few seconds (the
// heaviest take one or two; the margin is for a busy machine), allocated
// more than a GiB in all, or printed a stack trace or pages of output.
func checkBounded(t *testing.T, out string, elapsed time.Duration, alloc uint64) {
	t.Helper()
	limit := 10 * time.Second
	if raceEnabled {
		limit *= 10
	}
	if elapsed > limit {
		t.Errorf("took %v, more than %v", elapsed, limit)
	}
	if alloc > 1<<30 {
		t.Errorf("allocated %d MiB in all", alloc>>20)
	}
	for _, bad := range []string{"goroutine ", "panic", "runtime.", summaryInternal} {
		if strings.Contains(out, bad) {
			t.Errorf("diagnostics contain %q:\n%s", bad, clip(out))
		}
	}
	if len(out) > 64<<10 {
		t.Errorf("%d bytes of diagnostics", len(out))
	}
	t.Logf("%v, %d MiB allocated", elapsed.Round(time.Millisecond), alloc>>20)
}

func clip(s string) string {
	if len(s) > 4000 {
		return s[:4000] + "..."
	}
	return s
}

// The spec and variables files of a load are bounded together as each
// is: parsing is what the file limit bounds.
func TestSourcesBoundedTogether(t *testing.T) {
	dir := t.TempDir()
	half := strings.Repeat("# comment\n", MaxFileBytes/10/2)
	var paths []string
	for i := range 3 {
		p := filepath.Join(dir, fmt.Sprintf("part%d.hcl", i))
		if err := os.WriteFile(p, []byte(half), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	_, diags := Load(paths, Options{})
	if !strings.Contains(diags.String(), "Spec files too large") || !strings.Contains(diags.String(), "With "+paths[2]) {
		t.Errorf("three half-limit files loaded:\n%s", clip(diags.String()))
	}
	_, diags = Load(paths[:1], Options{VarFiles: paths[1:]})
	if !strings.Contains(diags.String(), "With "+paths[2]) {
		t.Errorf("a spec and two variables files of half the limit loaded:\n%s", clip(diags.String()))
	}
	srcs := []Source{{Name: "a.hcl", Bytes: []byte(half)}, {Name: "b.hcl", Bytes: []byte(half)}, {Name: "c.hcl", Bytes: []byte(half)}}
	if _, diags := LoadSources(srcs, Options{}); !strings.Contains(diags.String(), "With c.hcl") {
		t.Errorf("three half-limit sources loaded:\n%s", clip(diags.String()))
	}
}

// Brackets inside strings, heredocs and comments are text, not nesting;
// and nesting up to the limit is allowed.
func TestNestingAllowed(t *testing.T) {
	deep := 200
	tests := []struct{ name, src string }{
		{"parens in a string", withLocals(`  s = "`+strings.Repeat("(", 100000)+`"`, "strlen(local.s)")},
		{"brackets in a heredoc", withLocals("  s = <<EOT\n"+strings.Repeat("[{(", 30000)+"\nEOT\n", "strlen(local.s)")},
		{"braces in an indented heredoc", withLocals("  s = <<-EOT\n    "+strings.Repeat("}", 30000)+"\n    EOT\n", "strlen(local.s)")},
		{"parens in comments", withLocals("  # "+strings.Repeat("(", 100000)+"\n  /* "+strings.Repeat("[", 100000)+" */\n  // "+strings.Repeat("{", 100000)+"\n  x = 1", "local.x")},
		{"escaped interpolations", withLocals(`  s = "`+strings.Repeat("$${", 1000)+`"`, "strlen(local.s)")},
		{"a heredoc of 1000 lines", withLocals("  s = <<EOT\n"+strings.Repeat("line\n", 1000)+"EOT\n", "strlen(local.s)")},
		{"200 nested parens", withPrims(nested("(", "1000", ")", deep))},
		{"200 nested lists", withLocals("  l = "+nested("[", "1", "]", deep), "1000")},
		{"if and else directives in a row", withLocals(`  s = "`+strings.Repeat("%{ if true }a%{ else }b%{ endif }", 1000)+`"`, "strlen(local.s)")},
		{"long lists and objects", withLocals("  l = ["+strings.Repeat("1, ", 99000)+"1]\n  o = {"+strings.Repeat("\n    a = 1", 100)+"\n  }", "length(local.l)")},
		{"a chain of 20,000 locals written last first", func() string {
			var b strings.Builder
			for i := range 20000 {
				fmt.Fprintf(&b, "  a%d = local.a%d\n", i, i+1)
			}
			b.WriteString("  a20000 = 1000")
			return withLocals(b.String(), "local.a0")
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, diags, elapsed, alloc := timedLoad(context.Background(), tt.src, Options{})
			if p == nil {
				t.Fatalf("not loaded:\n%s", clip(diags.String()))
			}
			checkBounded(t, "", elapsed, alloc)
		})
	}
}

// A cancelled context stops a load at its next check: at once when it is
// cancelled before, within a fraction of a second when it is cancelled in
// the middle of evaluation.
func TestLoadCancelled(t *testing.T) {
	slow := withLocals("  big = flatten([for i in range(50) : range(1000)])\n  r = [for x in local.big : x if contains(local.big, x)]", "length(local.r)")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, diags, elapsed, _ := timedLoad(ctx, slow, Options{})
	if !strings.Contains(diags.String(), "Loading interrupted") || elapsed > time.Second {
		t.Errorf("cancelled before: %v\n%s", elapsed, diags)
	}

	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	start := time.Now()
	p, diags := LoadSourcesContext(ctx, []Source{{Name: "slow.hcl", Bytes: []byte(slow)}}, Options{})
	if p != nil || !strings.Contains(diags.String(), "Loading interrupted") {
		t.Errorf("cancelled during evaluation: %v\n%s", p, diags)
	}
	if late := time.Since(start) - 20*time.Millisecond; late > time.Second && !raceEnabled {
		t.Errorf("stopped %v after the cancel", late)
	}
	if n := strings.Count(diags.String(), "Error: "); n != 1 {
		t.Errorf("%d errors, want the interruption alone:\n%s", n, diags)
	}
}

// Diagnostics are bounded: a file of garbage prints 50 and counts the
// rest, in well under a second.
func TestDiagnosticsBounded(t *testing.T) {
	src := strings.Repeat("a = \n", MaxFileBytes/5-1)
	_, diags, elapsed, alloc := timedLoad(context.Background(), src, Options{})
	start := time.Now()
	var out bytes.Buffer
	if err := diags.Write(&out, 78, true); err != nil {
		t.Fatal(err)
	}
	written := time.Since(start)
	if n := strings.Count(out.String(), "Error\x1b[0m: "); n != MaxShownDiagnostics {
		t.Errorf("%d errors printed, want %d and a count of the rest", n, MaxShownDiagnostics)
	}
	if want := fmt.Sprintf("...and %d more errors.", MaxFileBytes/5-1-MaxShownDiagnostics); !strings.Contains(out.String(), want) {
		t.Errorf("no %q in\n%s", want, clip(out.String()))
	}
	if written > time.Second {
		t.Errorf("writing took %v", written)
	}
	checkBounded(t, out.String(), elapsed+written, alloc)
}

// Snippets of long files are printed by writeSnippet, byte for byte as
// hcl's writer prints them for short ones.
func TestSnippetsAsHCLPrintsThem(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(repoRoot, "testdata", "specs", "invalid", "*.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	defer func(n int) { hclWriterMaxLines = n }(hclWriterMaxLines)
	for _, path := range paths {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		_, diags := LoadSources([]Source{{Name: filepath.Base(path), Bytes: src}}, Options{})
		for _, color := range []bool{false, true} {
			var byHCL, ours bytes.Buffer
			hclWriterMaxLines = 1 << 30
			_ = diags.Write(&byHCL, goldenWidth, color)
			hclWriterMaxLines = 0
			_ = diags.Write(&ours, goldenWidth, color)
			if byHCL.String() != ours.String() {
				t.Errorf("%s (colour %v):\n--- hcl\n%s\n--- ours\n%s", path, color, byHCL.String(), ours.String())
			}
		}
	}
}
