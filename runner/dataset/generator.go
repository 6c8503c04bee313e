package dataset

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Generator is a parsed generator call such as uniform(0, 100). Which
// property types it can draw is decided when it is bound to a property (see
// Validate); ParseGenerator only checks the call itself.
//
// The generators:
//
//	uniform(lo, hi)     numbers in [lo, hi): doubles and floats uniformly
//	                    (rounding may rarely give hi itself), ints and
//	                    int64s as whole numbers lo <= v < hi; per component
//	                    or element for vectors and arrays
//	normal(mean, sd)    normal deviates (double and float types, per
//	                    component or element)
//	choice([a, b, ...]) one of the listed strings, numbers or bools, each
//	                    equally likely
//	sequence(start, step)  start + i*step for the i-th prim (numeric
//	                    scalars)
//	pattern("SUP-####") a string built from the template: '#' is a digit,
//	                    '@' an upper-case letter A-Z, '*' a letter or digit
//	                    (a-z, A-Z, 0-9), "{lo-hi}" a whole number drawn from
//	                    lo..hi inclusive, zero-padded to the width lo is
//	                    written with ("{01-12}" gives 01..12), and '\'
//	                    makes the next character literal
//	random_string(n)    n letters and digits (a-z, A-Z, 0-9)
//	constant(v)         v for every prim: a number, string or bool; for
//	                    vectors and arrays a number (every element) or a
//	                    list of numbers (3 for a vector, length for an
//	                    array)
type Generator struct {
	name string
	args []literal
	pat  []patternOp // compiled template of pattern()
}

// The generator names.
const (
	genUniform      = "uniform"
	genNormal       = "normal"
	genChoice       = "choice"
	genSequence     = "sequence"
	genPattern      = "pattern"
	genRandomString = "random_string"
	genConstant     = "constant"
)

// generatorNames lists the generators in documentation order.
var generatorNames = []string{genUniform, genNormal, genChoice, genSequence, genPattern, genRandomString, genConstant}

// Name is the generator's function name ("uniform").
func (g Generator) Name() string { return g.name }

// String is the generator in canonical form: no spaces beyond ", ",
// numbers in shortest form. Equal generators have equal strings, which is
// what cache keys use.
func (g Generator) String() string {
	var b strings.Builder
	b.WriteString(g.name)
	b.WriteByte('(')
	for i, a := range g.args {
		if i > 0 {
			b.WriteString(", ")
		}
		a.format(&b)
	}
	b.WriteByte(')')
	return b.String()
}

// maxRandomString bounds random_string(n) so that a typo cannot ask for
// gigabytes per prim.
const maxRandomString = 1 << 20

type litKind uint8

const (
	litNumber litKind = iota + 1
	litString
	litBool
	litList
)

func (k litKind) String() string {
	switch k {
	case litNumber:
		return "number"
	case litString:
		return "string"
	case litBool:
		return "bool"
	case litList:
		return "list"
	}
	return "value"
}

// literal is one argument of a generator call.
type literal struct {
	kind  litKind
	num   float64 // litNumber
	isInt bool    // litNumber written as a whole number that fits int64
	i     int64   // litNumber when isInt
	str   string  // litString
	b     bool    // litBool
	list  []literal
}

func (l literal) format(b *strings.Builder) {
	switch l.kind {
	case litNumber:
		if l.isInt {
			b.WriteString(strconv.FormatInt(l.i, 10))
		} else if l.num == 0 {
			b.WriteString("-0.0") // only negative zero is a zero that is not isInt
		} else {
			b.WriteString(strconv.FormatFloat(l.num, 'g', -1, 64))
		}
	case litString:
		b.WriteString(strconv.Quote(l.str))
	case litBool:
		b.WriteString(strconv.FormatBool(l.b))
	case litList:
		b.WriteByte('[')
		for i, e := range l.list {
			if i > 0 {
				b.WriteString(", ")
			}
			e.format(b)
		}
		b.WriteByte(']')
	}
}

// ParseGenerator parses a generator call such as `uniform(0, 100)` or
// `choice(["steel", "wood"])` and checks its arguments. Errors quote the
// text and say what is wrong and where (columns count from 1).
func ParseGenerator(s string) (Generator, error) {
	g, err := parseGenerator(s)
	if err != nil {
		return Generator{}, fmt.Errorf("generator %q: %w", s, err)
	}
	return g, nil
}

func parseGenerator(s string) (Generator, error) {
	p := &genParser{src: s}
	p.space()
	start := p.pos
	for p.pos < len(s) && (isIdentByte(s[p.pos]) || (p.pos > start && isDigit(s[p.pos]))) {
		p.pos++
	}
	name := s[start:p.pos]
	if name == "" {
		if p.pos >= len(s) {
			return Generator{}, fmt.Errorf("empty; write a call such as uniform(0, 1); generators are %s", strings.Join(generatorNames, ", "))
		}
		return Generator{}, p.errorf("expected a generator name such as uniform, found %s", p.found())
	}
	if !knownGenerator(name) {
		return Generator{}, fmt.Errorf("unknown generator %q; choose one of %s", name, strings.Join(generatorNames, ", "))
	}
	p.space()
	if !p.eat('(') {
		return Generator{}, p.errorf("expected ( after %s, found %s", name, p.found())
	}
	var args []literal
	p.space()
	if !p.eat(')') {
		for {
			a, err := p.literal(0)
			if err != nil {
				return Generator{}, err
			}
			args = append(args, a)
			p.space()
			if p.eat(',') {
				p.space()
				continue
			}
			if p.eat(')') {
				break
			}
			return Generator{}, p.errorf("expected , or ) after argument %d, found %s", len(args), p.found())
		}
	}
	p.space()
	if p.pos < len(s) {
		return Generator{}, p.errorf("unexpected %s after the closing )", p.found())
	}
	g := Generator{name: name, args: args}
	if err := g.checkArgs(); err != nil {
		return Generator{}, err
	}
	return g, nil
}

func knownGenerator(name string) bool {
	for _, n := range generatorNames {
		if n == name {
			return true
		}
	}
	return false
}

// checkArgs validates the arguments independently of the property type.
func (g *Generator) checkArgs() error {
	want := func(n int, what string) error {
		if len(g.args) != n {
			return fmt.Errorf("%s takes %d argument%s (%s), got %d", g.name, n, plural(n), what, len(g.args))
		}
		return nil
	}
	numbers := func(names ...string) error {
		for i, a := range g.args {
			if a.kind != litNumber {
				return fmt.Errorf("%s: %s must be a number, not a %s", g.name, names[i], a.kind)
			}
		}
		return nil
	}
	switch g.name {
	case genUniform:
		if err := want(2, "lo, hi"); err != nil {
			return err
		}
		if err := numbers("lo", "hi"); err != nil {
			return err
		}
		if !(g.args[0].num < g.args[1].num) {
			return fmt.Errorf("uniform: lo (%s) must be less than hi (%s)", g.args[0].text(), g.args[1].text())
		}
	case genNormal:
		if err := want(2, "mean, sd"); err != nil {
			return err
		}
		if err := numbers("mean", "sd"); err != nil {
			return err
		}
		if g.args[1].num < 0 {
			return fmt.Errorf("normal: sd must not be negative, got %s", g.args[1].text())
		}
	case genSequence:
		if err := want(2, "start, step"); err != nil {
			return err
		}
		if err := numbers("start", "step"); err != nil {
			return err
		}
	case genChoice:
		if err := want(1, "a list such as [\"a\", \"b\"]"); err != nil {
			return err
		}
		l := g.args[0]
		if l.kind != litList {
			return fmt.Errorf("choice takes a list such as [\"a\", \"b\"], not a %s", l.kind)
		}
		if len(l.list) == 0 {
			return fmt.Errorf("choice: the list is empty")
		}
		for i, e := range l.list {
			if e.kind == litList {
				return fmt.Errorf("choice: element %d is a list; elements are strings, numbers or bools", i+1)
			}
			if e.kind != l.list[0].kind {
				return fmt.Errorf("choice: element %d is a %s but element 1 is a %s; all elements must be of one kind", i+1, e.kind, l.list[0].kind)
			}
		}
	case genPattern:
		if err := want(1, "a template such as \"SUP-####\""); err != nil {
			return err
		}
		if g.args[0].kind != litString {
			return fmt.Errorf("pattern takes a string template such as \"SUP-####\", not a %s", g.args[0].kind)
		}
		ops, err := compilePattern(g.args[0].str)
		if err != nil {
			return fmt.Errorf("pattern: %w", err)
		}
		g.pat = ops
	case genRandomString:
		if err := want(1, "length"); err != nil {
			return err
		}
		a := g.args[0]
		if a.kind != litNumber || !a.isInt || a.i < 0 || a.i > maxRandomString {
			return fmt.Errorf("random_string: length must be a whole number from 0 to %d, got %s", maxRandomString, a.text())
		}
	case genConstant:
		if err := want(1, "value"); err != nil {
			return err
		}
		if a := g.args[0]; a.kind == litList {
			if len(a.list) == 0 {
				return fmt.Errorf("constant: the list is empty")
			}
			for i, e := range a.list {
				if e.kind != litNumber {
					return fmt.Errorf("constant: list element %d is a %s; a constant list holds numbers", i+1, e.kind)
				}
			}
		}
	}
	return nil
}

func (l literal) text() string {
	var b strings.Builder
	l.format(&b)
	return b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// genParser scans a generator call.
type genParser struct {
	src string
	pos int
}

func (p *genParser) errorf(format string, args ...any) error {
	return fmt.Errorf("column %d: %s", p.pos+1, fmt.Sprintf(format, args...))
}

// found describes what is at the current position, for errors.
func (p *genParser) found() string {
	if p.pos >= len(p.src) {
		return "the end"
	}
	r, _ := utf8.DecodeRuneInString(p.src[p.pos:])
	return strconv.QuoteRune(r)
}

func (p *genParser) space() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\n' || p.src[p.pos] == '\r') {
		p.pos++
	}
}

func (p *genParser) eat(c byte) bool {
	if p.pos < len(p.src) && p.src[p.pos] == c {
		p.pos++
		return true
	}
	return false
}

// maxListDepth bounds nesting so that hostile input cannot exhaust the
// stack.
const maxListDepth = 4

func (p *genParser) literal(depth int) (literal, error) {
	if p.pos >= len(p.src) {
		return literal{}, p.errorf("expected a value, found the end")
	}
	c := p.src[p.pos]
	switch {
	case c == '"':
		return p.stringLit()
	case c == '[':
		if depth >= maxListDepth {
			return literal{}, p.errorf("lists nested too deeply")
		}
		p.pos++
		var l literal
		l.kind = litList
		p.space()
		if p.eat(']') {
			return l, nil
		}
		for {
			e, err := p.literal(depth + 1)
			if err != nil {
				return literal{}, err
			}
			l.list = append(l.list, e)
			p.space()
			if p.eat(',') {
				p.space()
				if p.eat(']') { // trailing comma
					return l, nil
				}
				continue
			}
			if p.eat(']') {
				return l, nil
			}
			return literal{}, p.errorf("expected , or ] in list, found %s", p.found())
		}
	case c == '-' || c == '+' || c == '.' || isDigit(c):
		return p.number()
	case isIdentByte(c):
		start := p.pos
		for p.pos < len(p.src) && (isIdentByte(p.src[p.pos]) || isDigit(p.src[p.pos])) {
			p.pos++
		}
		switch w := p.src[start:p.pos]; w {
		case "true", "false":
			return literal{kind: litBool, b: w == "true"}, nil
		default:
			p.pos = start
			return literal{}, p.errorf("unexpected word %q; strings are written in double quotes", w)
		}
	}
	return literal{}, p.errorf("expected a number, string, bool or list, found %s", p.found())
}

func (p *genParser) stringLit() (literal, error) {
	start := p.pos
	p.pos++ // opening quote
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case '\\':
			p.pos += 2
			continue
		case '"':
			p.pos++
			s, err := strconv.Unquote(p.src[start:p.pos])
			if err != nil {
				p.pos = start
				return literal{}, p.errorf("invalid escape in string %s", p.src[start:min(len(p.src), start+40)])
			}
			return literal{kind: litString, str: s}, nil
		case '\n':
			p.pos = start
			return literal{}, p.errorf("string is not closed before the end of the line")
		}
		p.pos++
	}
	p.pos = start
	return literal{}, p.errorf("string is not closed")
}

func (p *genParser) number() (literal, error) {
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if isDigit(c) || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E' || c == '_' {
			p.pos++
			continue
		}
		break
	}
	text := p.src[start:p.pos]
	if strings.Contains(text, "_") {
		p.pos = start
		return literal{}, p.errorf("invalid number %q", text)
	}
	if i, err := strconv.ParseInt(text, 10, 64); err == nil {
		return literal{kind: litNumber, num: float64(i), isInt: true, i: i}, nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		p.pos = start
		return literal{}, p.errorf("invalid number %q", text)
	}
	l := literal{kind: litNumber, num: f}
	// A whole number written as 1e3 or 5.0 is usable for integer types.
	// Negative zero stays a float so that its canonical text keeps the sign.
	if f == math.Trunc(f) && f >= -(1<<63) && f < 1<<63 && !(f == 0 && math.Signbit(f)) {
		l.isInt, l.i = true, int64(f)
	}
	return l, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdentByte(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// Pattern templates.

type patternKind uint8

const (
	patLiteral patternKind = iota
	patDigit               // '#'
	patUpper               // '@'
	patAlnum               // '*'
	patRange               // {lo-hi}
)

type patternOp struct {
	kind  patternKind
	lit   string // patLiteral
	lo    uint64 // patRange
	span  uint64 // patRange: hi - lo + 1
	width int    // patRange: minimum digits
}

// maxRangeDigits keeps {lo-hi} bounds within uint64 arithmetic.
const maxRangeDigits = 18

func compilePattern(t string) ([]patternOp, error) {
	var ops []patternOp
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			ops = append(ops, patternOp{kind: patLiteral, lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(t); {
		c := t[i]
		switch c {
		case '#', '@', '*':
			flush()
			k := patDigit
			if c == '@' {
				k = patUpper
			} else if c == '*' {
				k = patAlnum
			}
			ops = append(ops, patternOp{kind: k})
			i++
		case '\\':
			if i+1 >= len(t) {
				return nil, fmt.Errorf("template %q ends with a lone \\ (write \\\\ for a backslash)", t)
			}
			_, n := utf8.DecodeRuneInString(t[i+1:])
			lit.WriteString(t[i+1 : i+1+n])
			i += 1 + n
		case '{':
			end := strings.IndexByte(t[i:], '}')
			if end < 0 {
				return nil, fmt.Errorf("template %q: { at character %d is not closed (write \\{ for a literal brace)", t, i+1)
			}
			op, err := parseRange(t[i+1 : i+end])
			if err != nil {
				return nil, fmt.Errorf("template %q: range at character %d: %w", t, i+1, err)
			}
			flush()
			ops = append(ops, op)
			i += end + 1
		default:
			lit.WriteByte(c)
			i++
		}
	}
	flush()
	return ops, nil
}

// parseRange parses the inside of {lo-hi}.
func parseRange(s string) (patternOp, error) {
	loText, hiText, ok := strings.Cut(s, "-")
	if !ok || loText == "" || hiText == "" {
		return patternOp{}, fmt.Errorf("{%s} is not of the form {lo-hi} such as {01-12}", s)
	}
	parse := func(x string) (uint64, error) {
		if len(x) > maxRangeDigits {
			return 0, fmt.Errorf("%q has more than %d digits", x, maxRangeDigits)
		}
		for i := 0; i < len(x); i++ {
			if !isDigit(x[i]) {
				return 0, fmt.Errorf("%q is not a whole number", x)
			}
		}
		return strconv.ParseUint(x, 10, 64)
	}
	lo, err := parse(loText)
	if err != nil {
		return patternOp{}, err
	}
	hi, err := parse(hiText)
	if err != nil {
		return patternOp{}, err
	}
	if lo > hi {
		return patternOp{}, fmt.Errorf("{%s}: lo %d is greater than hi %d", s, lo, hi)
	}
	return patternOp{kind: patRange, lo: lo, span: hi - lo + 1, width: len(loText)}, nil
}
