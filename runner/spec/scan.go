package spec

import (
	"bytes"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// The structural scan: a single pass over the source, before hcl parses
// it, that follows hcl's lexer through expressions, quoted strings,
// heredocs, interpolations and comments (so that brackets inside strings
// and comments do not count) and stops at the first place where the parser
// would recurse deeper than MaxDepth, a literal would have more than
// MaxElements elements, or a number would be longer than MaxNumberText.
// It allocates nothing in proportion to the input.
//
// It also counts the pieces of literal text in each string: hcl's lexer
// cuts a string's text at every $ and % that starts no interpolation (and
// a heredoc's at every line), and its parser joins the pieces pairwise, in
// time and garbage quadratic in their number (30,000 of them take a second
// and a GiB).
//
// Depth counts every open frame (bracket, string, heredoc, interpolation,
// directive) plus, in each expression frame, the operators of the item
// being written: hcl builds a chain of n binary operators, a run of n
// unary ones, n ternaries in a row or n postfix indexes as a tree n deep
// that the parser or the evaluator walks recursively. Where the scan cannot
// tell, it counts more, never less, than the parser will nest.

type scanFrameKind uint8

const (
	scanBody    scanFrameKind = iota // a file's top level: newlines end items
	scanExpr                         // a -var expression's top level
	scanParen                        // ( ... )
	scanBrack                        // [ ... ]
	scanBrace                        // { ... }: a block body or an object, newlines end items
	scanInterp                       // ${ ... }
	scanControl                      // %{ ... }
	scanQuote                        // " ... "
	scanHeredoc                      // <<EOT ... EOT
)

type scanFrame struct {
	kind scanFrameKind
	// ops counts the operators of the current item (expression frames);
	// items counts the commas.
	ops, items int
	// directives counts the %{if} and %{for} left open (string frames);
	// pieces counts the literal pieces hcl will join one by one.
	directives, pieces int
	// marker ends a heredoc; lineStart is set at the start of its lines.
	marker    []byte
	lineStart bool
}

// sourceProblem is where and why a source was refused; detail has a %s
// for the position.
type sourceProblem struct {
	offset          int
	summary, detail string
}

type scanner struct {
	src    []byte
	frames []scanFrame
	depth  int
	// braces and retBraces mirror hcl's lexer, which ends an interpolation
	// at the } that balances its ${ and otherwise closes a brace.
	braces    int
	retBraces []int
	// operand is set after a token that ends an operand, so that a [
	// following it is an index (a level of nesting) rather than a list.
	operand bool
	// noCommentEnd is where a search for */ last failed: none follows.
	noCommentEnd int
	problem      *sourceProblem
}

// scanSource checks src; expr is set for a lone expression (a -var value)
// rather than a file.
func scanSource(src []byte, expr bool) *sourceProblem {
	s := &scanner{src: src, noCommentEnd: len(src)}
	top := scanBody
	if expr {
		top = scanExpr
	}
	s.frames = append(s.frames, scanFrame{kind: top})
	i := 0
	if bytes.HasPrefix(src, []byte("\xef\xbb\xbf")) {
		i = 3 // hcl skips a UTF-8 byte order mark
	}
	for i < len(src) && s.problem == nil {
		switch s.top().kind {
		case scanQuote:
			i = s.quoted(i)
		case scanHeredoc:
			i = s.heredoc(i)
		default:
			i = s.expression(i)
		}
	}
	return s.problem
}

func (s *scanner) top() *scanFrame { return &s.frames[len(s.frames)-1] }

// piece counts a piece of literal text in the string frame f.
func (s *scanner) piece(at int, f *scanFrame) {
	f.pieces++
	if f.pieces > MaxTemplatePieces {
		s.fail(at, "String too fragmented",
			"A quoted string or heredoc has more than 1024 pieces of text at %s: each line of a heredoc, and each $ or %% that starts no interpolation, begins a piece, and joining them costs time quadratic in their number. Split the text, or build it with join().")
	}
}

func (s *scanner) fail(at int, summary, detail string) {
	if s.problem == nil {
		s.problem = &sourceProblem{offset: at, summary: summary, detail: detail}
	}
}

func (s *scanner) deeper(at, n int) {
	s.depth += n
	if s.depth > MaxDepth {
		s.fail(at, "Expression nested too deeply",
			"Brackets, quoted strings, interpolations, template directives and the operators chained in one expression nest more than 256 levels deep at %s. Split the expression with locals.")
	}
}

func (s *scanner) push(at int, f scanFrame) {
	s.frames = append(s.frames, f)
	s.deeper(at, 1)
}

func (s *scanner) pop() {
	f := s.top()
	s.depth -= 1 + f.ops + f.directives
	s.frames = s.frames[:len(s.frames)-1]
}

// op counts an operator in the current item.
func (s *scanner) op(at int) {
	s.top().ops++
	s.operand = false
	s.deeper(at, 1)
}

// endItem starts a new item in the current frame.
func (s *scanner) endItem() {
	f := s.top()
	s.depth -= f.ops
	f.ops = 0
	s.operand = false
}

func isIdentByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c >= 0x80
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// digits checks the run of digits at i and returns its end.
func (s *scanner) digits(i int) int {
	j := i
	for j < len(s.src) && isDigit(s.src[j]) {
		j++
	}
	if j-i > MaxNumberText {
		s.fail(i, "Number too long", "A number is written with more than 1024 digits at %s; numbers in a spec are at most about 1.8e308.")
	}
	return j
}

// expression scans one token in an expression frame and returns where the
// next begins.
func (s *scanner) expression(i int) int {
	src := s.src
	c := src[i]
	next := byte(0)
	if i+1 < len(src) {
		next = src[i+1]
	}
	switch {
	case c == ' ' || c == '\t' || c == '\r':
		return i + 1
	case c == '\n':
		if k := s.top().kind; k == scanBody || k == scanBrace {
			s.endItem()
		}
		s.operand = false
		return i + 1
	case c == '#' || c == '/' && next == '/':
		if j := bytes.IndexByte(src[i:], '\n'); j >= 0 {
			return i + j
		}
		return len(src)
	case c == '/' && next == '*':
		// An unterminated /* is no comment to hcl: it reads / and * and
		// goes on, so the scan does too.
		if i < s.noCommentEnd {
			if j := bytes.Index(src[i+2:], []byte("*/")); j >= 0 {
				return i + 2 + j + 2
			}
			s.noCommentEnd = i // no */ follows, here or later
		}
		s.op(i)
		return i + 1
	case isDigit(c):
		s.operand = true
		return s.digits(i)
	case isIdentStart(c):
		j := i
		for j < len(src) && isIdentByte(src[j]) {
			if isDigit(src[j]) {
				j = s.digits(j)
				continue
			}
			j++
		}
		s.operand = true
		return j
	case c == '"':
		s.push(i, scanFrame{kind: scanQuote})
		return i + 1
	case c == '<' && next == '<':
		if marker, end, ok := heredocOpener(src, i); ok {
			s.push(i, scanFrame{kind: scanHeredoc, marker: marker, lineStart: true})
			return end
		}
		s.op(i)
		return i + 1
	case c == '(':
		s.push(i, scanFrame{kind: scanParen})
		s.operand = false
		return i + 1
	case c == '[':
		if s.operand {
			s.op(i) // an index or splat: the tree grows a level
		}
		s.push(i, scanFrame{kind: scanBrack})
		s.operand = false
		return i + 1
	case c == '{':
		s.braces++
		s.push(i, scanFrame{kind: scanBrace})
		s.operand = false
		return i + 1
	case c == ')' || c == ']':
		want := scanParen
		if c == ']' {
			want = scanBrack
		}
		// A closer that does not match is a syntax error the parser
		// reports without recursing; the frame stays counted.
		if s.top().kind == want {
			s.pop()
		}
		s.operand = true
		return i + 1
	case c == '}' || c == '~' && next == '}':
		end := i + 1
		if c == '~' {
			end = i + 2
		}
		s.closeBrace()
		s.operand = true
		return end
	case c == ',':
		f := s.top()
		f.items++
		if f.items >= MaxElements {
			s.fail(i, "Too many elements", "A list, object or call has more than 100000 elements at %s; a value may hold at most 100000.")
		}
		s.endItem()
		return i + 1
	case c == '=':
		switch next {
		case '=':
			s.op(i)
			return i + 2
		case '>':
			s.endItem()
			return i + 2
		}
		s.endItem()
		return i + 1
	case c == '!' || c == '<' || c == '>' || c == '&' || c == '|':
		s.op(i)
		if next == '=' || (c == '&' || c == '|') && next == c {
			return i + 2
		}
		return i + 1
	case c == '+' || c == '-' || c == '*' || c == '/' || c == '%' || c == '?':
		s.op(i)
		return i + 1
	}
	// '.', ':', and characters hcl rejects.
	s.operand = c == '.' && s.operand
	return i + 1
}

// closeBrace handles } (or ~}) the way hcl's lexer does: it ends the
// interpolation or directive whose ${ it balances, or else closes a brace.
func (s *scanner) closeBrace() {
	if n := len(s.retBraces); n > 0 && s.retBraces[n-1] == s.braces {
		s.retBraces = s.retBraces[:n-1]
		s.braces--
		for len(s.frames) > 1 {
			k := s.top().kind
			s.pop()
			if k == scanInterp || k == scanControl {
				return
			}
		}
		return
	}
	s.braces--
	for j := len(s.frames) - 1; j > 0; j-- {
		switch s.frames[j].kind {
		case scanBrace:
			for len(s.frames) > j {
				s.pop()
			}
			return
		case scanInterp, scanControl, scanQuote, scanHeredoc:
			return
		}
	}
}

// heredocOpener reports whether src[i:] opens a heredoc (<<EOT or <<-EOT
// and a newline), returning its end marker and where its first line
// starts. Non-ASCII markers are left to hcl's own lexer to decide.
func heredocOpener(src []byte, i int) (marker []byte, end int, ok bool) {
	j := i + 2
	if j < len(src) && src[j] == '-' {
		j++
	}
	start := j
	ascii := true
	for j < len(src) && isIdentByte(src[j]) {
		if src[j] >= 0x80 {
			ascii = false
		}
		j++
	}
	if j == start || isDigit(src[start]) || src[start] == '-' {
		return nil, 0, false
	}
	marker = src[start:j]
	if j < len(src) && src[j] == '\r' {
		j++
	}
	if j >= len(src) || src[j] != '\n' {
		return nil, 0, false
	}
	if !ascii {
		toks, _ := hclsyntax.LexConfig(src[i:j+1], "", hcl.InitialPos)
		if len(toks) == 0 || toks[0].Type != hclsyntax.TokenOHeredoc {
			return nil, 0, false
		}
	}
	return marker, j + 1, true
}

// quoted scans a quoted string from i up to its end or its next
// interpolation or directive.
func (s *scanner) quoted(i int) int {
	src := s.src
	for i < len(src) {
		j := bytes.IndexAny(src[i:], "\"\\$%")
		if j < 0 {
			return len(src)
		}
		i += j
		switch src[i] {
		case '"':
			s.pop()
			s.operand = true
			return i + 1
		case '\\':
			// An escape takes the next character, unless that ends the
			// line (hcl then reads the backslash alone).
			if i+1 < len(src) && src[i+1] != '\n' && src[i+1] != '\r' {
				i += 2
			} else {
				i++
			}
		default:
			end, opened := s.templateSequence(i)
			if opened {
				return end
			}
			s.piece(i, s.top())
			i = end
		}
	}
	return i
}

// heredoc scans a heredoc from i up to its end marker or its next
// interpolation or directive.
func (s *scanner) heredoc(i int) int {
	src := s.src
	f := s.top()
	for i < len(src) {
		if f.lineStart {
			f.lineStart = false
			s.piece(i, f)
			if eol := bytes.IndexByte(src[i:], '\n'); eol >= 0 {
				line := src[i : i+eol]
				// hcl recognises the marker only in a line that is all
				// literal text (no $ or %), spaces around it ignored.
				if bytes.IndexAny(line, "$%") < 0 && bytes.Equal(bytes.TrimSpace(line), f.marker) {
					s.pop()
					s.operand = true
					return i + eol
				}
			}
		}
		j := bytes.IndexAny(src[i:], "\n$%")
		if j < 0 {
			return len(src)
		}
		i += j
		if src[i] == '\n' {
			f.lineStart = true
			i++
			continue
		}
		end, opened := s.templateSequence(i)
		if opened {
			return end
		}
		s.piece(i, f)
		i = end
	}
	return i
}

// templateSequence handles the $ or % at i inside a string: ${ and %{ open
// an interpolation or a directive, $${ and %%{ are escapes, anything else
// is text. It returns where scanning resumes and whether a frame opened.
func (s *scanner) templateSequence(i int) (int, bool) {
	src := s.src
	c := src[i]
	if i+1 < len(src) && src[i+1] == '{' {
		str := s.top()
		str.lineStart = false
		s.braces++
		s.retBraces = append(s.retBraces, s.braces)
		kind := scanInterp
		if c == '%' {
			kind = scanControl
			switch directiveKeyword(src[i+2:]) {
			case "endif", "endfor":
				if str.directives > 0 {
					str.directives--
					s.depth--
				}
			case "else":
			default:
				// if, for, or anything unrecognised: counted as opening
				// a level, which can only over-count.
				str.directives++
				s.deeper(i, 1)
			}
		}
		s.push(i, scanFrame{kind: kind})
		s.operand = false
		return i + 2, true
	}
	if i+2 < len(src) && src[i+1] == c && src[i+2] == '{' {
		return i + 3, false
	}
	return i + 1, false
}

// directiveKeyword is the word a template directive starts with.
func directiveKeyword(b []byte) string {
	i := 0
	if i < len(b) && b[i] == '~' {
		i++
	}
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	j := i
	for j < len(b) && j-i < 8 && (b[j] >= 'a' && b[j] <= 'z') {
		j++
	}
	if j < len(b) && isIdentByte(b[j]) {
		return "" // a longer word
	}
	return string(b[i:j])
}
