package dataset

import (
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestParseGeneratorCanonical(t *testing.T) {
	tests := []struct{ in, want string }{
		{"uniform(0, 100)", "uniform(0, 100)"},
		{"  uniform( -20 ,60.0 ) ", "uniform(-20, 60)"},
		{"uniform(0, 0.01)", "uniform(0, 0.01)"},
		{"uniform(1e3, 2E3)", "uniform(1000, 2000)"},
		{"normal(0, 1)", "normal(0, 1)"},
		{"normal(-0.0, 1.5)", "normal(-0.0, 1.5)"},
		{`choice(["steel", "wood",])`, `choice(["steel", "wood"])`},
		{"choice([1, 2.5, -3])", "choice([1, 2.5, -3])"},
		{"choice([true,false])", "choice([true, false])"},
		{"sequence(10, -2)", "sequence(10, -2)"},
		{`pattern("SUP-####")`, `pattern("SUP-####")`},
		{`pattern("a\"b\\\\c")`, `pattern("a\"b\\\\c")`},
		{"random_string(1000)", "random_string(1000)"},
		{"constant(7)", "constant(7)"},
		{`constant("x y")`, `constant("x y")`},
		{"constant([1, 2, 3])", "constant([1, 2, 3])"},
		{"constant(true)", "constant(true)"},
		{"constant(9223372036854775807)", "constant(9223372036854775807)"},
	}
	for _, tt := range tests {
		g, err := ParseGenerator(tt.in)
		if err != nil {
			t.Errorf("ParseGenerator(%q): %v", tt.in, err)
			continue
		}
		if got := g.String(); got != tt.want {
			t.Errorf("ParseGenerator(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
		if g2, err := ParseGenerator(g.String()); err != nil || g2.String() != g.String() {
			t.Errorf("canonical %q does not re-parse to itself: %v %q", g.String(), err, g2.String())
		}
	}
}

func TestParseGeneratorErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "empty"},
		{"   ", "empty"},
		{"gaussian(0, 1)", `unknown generator "gaussian"; choose one of uniform, normal`},
		{"uniform", "column 8: expected ( after uniform, found the end"},
		{"uniform(1)", "uniform takes 2 arguments (lo, hi), got 1"},
		{"uniform(1, 2, 3)", "uniform takes 2 arguments (lo, hi), got 3"},
		{"uniform(5, 5)", "lo (5) must be less than hi (5)"},
		{"uniform(9, 1)", "lo (9) must be less than hi (1)"},
		{`uniform("a", 1)`, "uniform: lo must be a number, not a string"},
		{"uniform(1, 2", "column 13: expected , or ) after argument 2, found the end"},
		{"uniform(1, 2) x", `column 15: unexpected 'x' after the closing )`},
		{"uniform(1,, 2)", "column 11: expected a number, string, bool or list, found ','"},
		{"uniform(1.2.3, 4)", `column 9: invalid number "1.2.3"`},
		{"uniform(1e999, 4)", `invalid number "1e999"`},
		{"normal(0, -1)", "sd must not be negative, got -1"},
		{"choice(1)", "choice takes a list"},
		{"choice([])", "choice: the list is empty"},
		{`choice(["a", 1])`, "element 2 is a number but element 1 is a string"},
		{"choice([[1]])", "element 1 is a list"},
		{"choice([steel])", `column 9: unexpected word "steel"; strings are written in double quotes`},
		{`choice(["a)`, "column 9: string is not closed"},
		{`choice(["a\q"])`, "column 9: invalid escape"},
		{"choice([[[[[[1]]]]]])", "nested too deeply"},
		{"sequence(1)", "sequence takes 2 arguments (start, step), got 1"},
		{"pattern(12)", "pattern takes a string template"},
		{`pattern("AB{1-}")`, `range at character 3: {1-} is not of the form {lo-hi}`},
		{`pattern("{9-1}")`, "lo 9 is greater than hi 1"},
		{`pattern("{a-b}")`, `"a" is not a whole number`},
		{`pattern("x{1-2")`, "{ at character 2 is not closed"},
		{`pattern("x\\")`, `ends with a lone \`},
		{`pattern("{1-1234567890123456789}")`, "more than 18 digits"},
		{"random_string(-1)", "length must be a whole number from 0 to 1048576, got -1"},
		{"random_string(2.5)", "got 2.5"},
		{"random_string(99999999)", "got 99999999"},
		{"constant()", "constant takes 1 argument (value), got 0"},
		{"constant([])", "constant: the list is empty"},
		{`constant(["a"])`, "list element 1 is a string"},
		{"1uniform(0, 1)", "column 1: expected a generator name"},
	}
	for _, tt := range tests {
		_, err := ParseGenerator(tt.in)
		if err == nil {
			t.Errorf("ParseGenerator(%q) succeeded, want error containing %q", tt.in, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseGenerator(%q) error\n  %v\nwant it to contain\n  %s", tt.in, err, tt.want)
		}
		if !strings.HasPrefix(err.Error(), "generator "+strconv.Quote(tt.in)) {
			t.Errorf("ParseGenerator(%q) error %q does not quote the input", tt.in, err)
		}
	}
}

func TestPatternOutput(t *testing.T) {
	tests := []struct{ tmpl, re string }{
		{"SUP-####", `^SUP-[0-9]{4}$`},
		{"@@@-###", `^[A-Z]{3}-[0-9]{3}$`},
		{"20{20-25}-{01-12}-{01-28}", `^20(2[0-5])-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$`},
		{"{1-12}", `^([1-9]|1[0-2])$`},
		{"{007-9}", `^00[7-9]$`},
		{`\#\@\*\{x*`, `^#@\*\{x[A-Za-z0-9]$`},
		{"naïve-#", `^naïve-[0-9]$`},
		{"", `^$`},
	}
	r := rand.NewPCG(1, 2)
	for _, tt := range tests {
		ops, err := compilePattern(tt.tmpl)
		if err != nil {
			t.Fatalf("compilePattern(%q): %v", tt.tmpl, err)
		}
		re := regexp.MustCompile(tt.re)
		seen := map[string]bool{}
		for range 2000 {
			s := string(appendPattern(nil, r, ops))
			if !re.MatchString(s) {
				t.Fatalf("pattern %q gave %q, not matching %s", tt.tmpl, s, tt.re)
			}
			seen[s] = true
		}
		if tt.tmpl == "{1-12}" && len(seen) != 12 {
			t.Errorf("pattern {1-12} gave %d distinct values in 2000 draws, want all 12", len(seen))
		}
	}
}

func TestRandomStringAlphabet(t *testing.T) {
	r := rand.NewPCG(3, 4)
	counts := map[byte]int{}
	for _, n := range []int{0, 1, 9, 10, 11, 1000} {
		s := appendRandomString([]byte("pre"), r, n)
		if string(s[:3]) != "pre" || len(s) != 3+n {
			t.Fatalf("appendRandomString(%d) gave %q", n, s)
		}
		for _, c := range s[3:] {
			counts[c]++
		}
	}
	for range 200 {
		for _, c := range appendRandomString(nil, r, 1000) {
			counts[c]++
		}
	}
	if len(counts) != 62 {
		t.Fatalf("random strings used %d distinct characters, want 62", len(counts))
	}
	for c, n := range counts {
		if !strings.ContainsRune(alnum, rune(c)) {
			t.Fatalf("character %q is not a letter or digit", c)
		}
		// about 201k characters / 62 = 3250 each
		if n < 2900 || n > 3600 {
			t.Errorf("character %q drawn %d times, expected about 3250", c, n)
		}
	}
}

func FuzzParseGenerator(f *testing.F) {
	for _, s := range []string{
		"uniform(0, 100)", "normal(0,1)", `choice(["a","b"])`, "choice([1,2])", "sequence(1, 2)",
		`pattern("SUP-####")`, `pattern("20{20-25}-{01-12}")`, "random_string(5)", "constant([1,2,3])",
		`constant("\u00e9")`, "uniform(-0.0, 1e-300)", "choice([true])", "x(", `pattern("\\{")`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := ParseGenerator(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "generator ") {
				t.Fatalf("error %q does not start with the generator text", err)
			}
			return
		}
		canon := g.String()
		g2, err := ParseGenerator(canon)
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", canon, s, err)
		}
		if g2.String() != canon {
			t.Fatalf("canonical form is not stable: %q -> %q", canon, g2.String())
		}
		if g.name == genPattern {
			appendPattern(nil, rand.NewPCG(1, 1), g.pat)
		}
	})
}
