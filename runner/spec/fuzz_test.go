package spec

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// fuzzSeeds are small inputs at the edges the loader guards, for the
// fuzzer to grow and recombine: nesting just under and over the limit, in
// every form the parser recurses on and inside strings, heredocs and
// comments that hide it; long literals; doubling locals; numbers out of
// range and NaN; loops that multiply; binary bytes. Most are locals alone
// (the loader evaluates them whatever else is missing) and all are kept
// small: Go minimises every input that finds new coverage by trying to
// remove each span of it, time quadratic in its length, so a large seed
// stalls the fuzzer for up to -fuzzminimizetime (a minute by default) each
// time a mutation of it finds something new.
func fuzzSeeds() []string {
	loc := func(body string) string { return "locals {\n" + body + "\n}\n" }
	spec := func(prims string) string {
		return "dataset \"flat\" {\n  prims = " + prims + "\n}\n\nformat \"usdc\" {}\n\nscenario \"s\" {\n  step \"open\" {}\n}\n"
	}
	var doublingJoin, doublingTemplate strings.Builder
	for i := 1; i <= 8; i++ {
		p := "local.s" + strconv.Itoa(i-1)
		doublingJoin.WriteString("  s" + strconv.Itoa(i) + " = join(\"\", [" + p + ", " + p + "])\n")
		doublingTemplate.WriteString("  s" + strconv.Itoa(i) + " = \"${" + p + "}${" + p + "}\"\n")
	}
	return []string{
		spec("1000"),
		loc("  s0 = \"ab\"\n" + doublingJoin.String()),
		loc("  s0 = \"ab\"\n" + doublingTemplate.String()),
		loc("  x = " + nested("(", "1", ")", 254)),
		loc("  x = " + nested("(", "1", ")", 256)),
		loc("  l = " + nested("[", "1", "]", 254)),
		loc("  o = " + nested("{a=", "1", "}", 127)),
		loc("  s = " + nested(`"${`, "1", `}"`, 127)),
		loc("  s = \"" + nested("%{if true}", "x", "%{endif}", 126) + "\""),
		loc("  s = <<EOT\n" + strings.Repeat("(", 40) + "\n${" + nested("(", "1", ")", 100) + "}\nEOT\n"),
		loc("  # " + strings.Repeat("(", 40) + "\n  /* " + strings.Repeat("[", 40) + " */\n  x = 1"),
		loc("  x = 1 /* " + nested("(", "1", ")", 40)),
		loc("  x = " + strings.Repeat("-", 254) + "1"),
		loc("  x = " + strings.Repeat("1+", 127) + "1"),
		loc("  x = " + strings.Repeat("true?1:", 127) + "1"),
		loc("  l = [1]\n  x = local.l" + strings.Repeat("[0]", 127) + "\n  y = local.l" + strings.Repeat("[*]", 40)),
		loc("  l = [" + strings.Repeat("1,", 100) + "]\n  s = \"" + strings.Repeat("ab", 100) + "\""),
		loc("  x = pow(-1, 0.5)\n  y = log(-1, 10)\n  z = log(0, 10)\n  w = pow(0, -1)"),
		loc("  x = 1e400\n  y = 1e-400\n  z = 1 / 0\n  w = \"inf\" - \"inf\"\n  v = tonumber(\"1e999\")"),
		loc("  x = \"" + strings.Repeat("9", 1030) + "\" + 1"),
		loc("  l = range(30)\n  g = [for a in local.l : [for b in local.l : [for c in local.l : a]]]"),
		loc("  l = range(30)\n  g = [for a in local.l : local.l[*]]\n  t = \"%{for v in local.l}${v}%{endfor}\""),
		loc("  s = \"" + strings.Repeat("$${", 40) + "\"\n  h = <<-EOT\n" + strings.Repeat("  x\n", 40) + "  EOT\n"),
		loc("  x = format(\"%[1]s%[1]s\", \"a\")\n  y = replace(\"abc\", \"\", \"xy\")\n  z = split(\"\", \"abc\")"),
		"a = 1\x00\xff\x01\n",
		"\xef\xbb\xbfa = 1\n",
		"a = \"\xc3\x28\"\n",
	}
}

// fuzzAddFiles seeds f with the shipped suites, examples and invalid
// specs of at most 1 KiB (see fuzzSeeds), and fuzzSeeds.
func fuzzAddFiles(f *testing.F) {
	for _, pattern := range []string{"specs/*.hcl", "examples/*.hcl", "testdata/specs/invalid/*.hcl"} {
		paths, err := filepath.Glob(filepath.Join(repoRoot, pattern))
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			if len(b) <= 1<<10 {
				f.Add(b)
			}
		}
	}
	for _, s := range fuzzSeeds() {
		f.Add([]byte(s))
	}
}

// FuzzLoad feeds arbitrary bytes to the loader as a spec file: whatever the
// input, it must return either a plan or diagnostics (never both missing,
// never a panic, not even one the loader recovers), within seconds, render
// the diagnostics, and give a plan that marshals. The load's budget is a
// two-hundredth of the real one, so that inputs which spend it all (loops,
// repetition) still run in milliseconds and the fuzzer keeps its pace.
func FuzzLoad(f *testing.F) {
	fuzzAddFiles(f)
	opts := Options{Vars: []string{}, loadElements: MaxLoadElements / 200, loadBytes: MaxLoadBytes / 200}
	f.Fuzz(func(t *testing.T, src []byte) {
		start := time.Now()
		p, diags := LoadSources([]Source{{Name: "fuzz.hcl", Bytes: src}}, opts)
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("load took %v", d)
		}
		if diags == nil {
			t.Fatal("nil diagnostics")
		}
		for _, d := range diags.Diagnostics {
			if d.Summary == summaryInternal {
				t.Fatalf("a panic, recovered: %s", d.Detail)
			}
		}
		if p == nil && !diags.HasErrors() {
			t.Fatal("no plan and no error")
		}
		if p != nil && diags.HasErrors() {
			t.Fatal("a plan despite errors")
		}
		if err := diags.Write(io.Discard, 78, true); err != nil {
			t.Fatal(err)
		}
		if p != nil {
			variants := len(p.Formats)
			if p.Report.Control && variants > 1 {
				variants++ // the baseline's A/A control
			}
			if len(p.Cells) != len(p.Datasets)*variants*len(p.Scenarios) || len(p.Cells) == 0 {
				t.Fatalf("%d cells from %d x %d x %d", len(p.Cells), len(p.Datasets), len(p.Formats), len(p.Scenarios))
			}
			if _, err := json.Marshal(p); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// FuzzScanNesting checks the structural scan against hcl's own lexer: when
// the scan accepts a source, the brackets, strings and template sequences
// hcl's lexer finds in it must not nest deeper than MaxDepth. (The scan
// follows the lexer through strings, heredocs and comments by hand; a
// place where the two part ways could hide nesting from the scan and let
// the parser overflow the stack.)
func FuzzScanNesting(f *testing.F) {
	fuzzAddFiles(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > MaxFileBytes || scanSource(src, false) != nil {
			return
		}
		if at, _ := firstNonText(src); at >= 0 {
			return
		}
		// The frames hcl's tokens open, closed as the scan closes them: a
		// closer that does not match is ignored, and } ends whatever
		// brackets are open inside its brace or interpolation.
		toks, _ := hclsyntax.LexConfig(src, "fuzz.hcl", hcl.InitialPos)
		var stack []hclsyntax.TokenType
		deepest := 0
		popTo := func(open ...hclsyntax.TokenType) {
			for i := len(stack) - 1; i >= 0; i-- {
				for _, o := range open {
					if stack[i] == o {
						stack = stack[:i]
						return
					}
				}
				if stack[i] == hclsyntax.TokenOQuote || stack[i] == hclsyntax.TokenOHeredoc {
					return
				}
			}
		}
		for _, tok := range toks {
			switch tok.Type {
			case hclsyntax.TokenOParen, hclsyntax.TokenOBrack, hclsyntax.TokenOBrace,
				hclsyntax.TokenOQuote, hclsyntax.TokenOHeredoc,
				hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl:
				stack = append(stack, tok.Type)
				deepest = max(deepest, len(stack))
			case hclsyntax.TokenCParen:
				if n := len(stack); n > 0 && stack[n-1] == hclsyntax.TokenOParen {
					stack = stack[:n-1]
				}
			case hclsyntax.TokenCBrack:
				if n := len(stack); n > 0 && stack[n-1] == hclsyntax.TokenOBrack {
					stack = stack[:n-1]
				}
			case hclsyntax.TokenCBrace, hclsyntax.TokenTemplateSeqEnd:
				popTo(hclsyntax.TokenOBrace, hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl)
			case hclsyntax.TokenCQuote:
				if n := len(stack); n > 0 && stack[n-1] == hclsyntax.TokenOQuote {
					stack = stack[:n-1]
				}
			case hclsyntax.TokenCHeredoc:
				if n := len(stack); n > 0 && stack[n-1] == hclsyntax.TokenOHeredoc {
					stack = stack[:n-1]
				}
			}
		}
		if deepest > MaxDepth {
			t.Fatalf("the scan accepted a source hcl's lexer nests %d deep", deepest)
		}
	})
}
