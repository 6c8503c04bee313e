package usda

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"unicode/utf8"
	"unsafe"

	"github.com/scenebench/runner/formats"
)

// Limits that keep hostile input from exhausting the stack or memory.
const (
	maxNesting   = 64   // brackets inside one metadata value
	maxPrimDepth = 1024 // nested prim blocks
)

// SyntaxError reports malformed or unsupported text at a position.
type SyntaxError struct {
	File         string
	Line, Column int // 1-based; Column counts bytes
	Msg          string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
}

// parser turns a whole layer into a layer value in one pass.
type parser struct {
	file string
	data []byte
	pos  int
	l    *layer

	depth  int
	seq    int32 // prims opened so far, for layer order
	tokens map[string]string
	times  []float64      // the times of the timeSamples being parsed
	meta   map[string]any // customLayerData[metaKey]
	guess  []int          // column of the i-th attribute of the last prim
	// typeGuess is the type the i-th attribute of the last prim had:
	// prims usually repeat one layout, so the type name is then compared
	// rather than looked up.
	typeGuess []typeGuess
}

// errAt builds a SyntaxError for byte offset off.
func (p *parser) errAt(off int, format string, args ...any) error {
	if off > len(p.data) {
		off = len(p.data)
	}
	line := 1 + bytes.Count(p.data[:off], []byte{'\n'})
	col := off - (bytes.LastIndexByte(p.data[:off], '\n') + 1) + 1
	return &SyntaxError{File: p.file, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}

// describe names what is at off for error messages.
func (p *parser) describe(off int) string {
	if off >= len(p.data) {
		return "end of file"
	}
	end := off
	for end < len(p.data) && end-off < 20 && !isSpace(p.data[end]) {
		end++
	}
	if end == off {
		end = off + 1
	}
	return strconv.Quote(string(p.data[off:end]))
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// skip passes over white space and comments: #, // and /* */.
func (p *parser) skip() {
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case isSpace(c):
			p.pos++
		case c == '#' || (c == '/' && p.pos+1 < len(p.data) && p.data[p.pos+1] == '/'):
			for p.pos < len(p.data) && p.data[p.pos] != '\n' {
				p.pos++
			}
		case c == '/' && p.pos+1 < len(p.data) && p.data[p.pos+1] == '*':
			end := bytes.Index(p.data[p.pos+2:], []byte("*/"))
			if end < 0 {
				p.pos = len(p.data)
				return
			}
			p.pos += 2 + end + 2
		default:
			return
		}
	}
}

func (p *parser) peek() byte {
	if p.pos < len(p.data) {
		return p.data[p.pos]
	}
	return 0
}

// expect skips space and consumes byte c.
func (p *parser) expect(c byte, what string) error {
	p.skip()
	if p.peek() != c {
		return p.errAt(p.pos, "expected %s, found %s", what, p.describe(p.pos))
	}
	p.pos++
	return nil
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 0x80 || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

func isIdentByte(c byte) bool { return isIdentStart(c) || isDigit(c) }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// ident reads an identifier (namespaced with ':' when allowed) without
// allocating; the result aliases the input.
func (p *parser) ident(namespaced bool) []byte {
	start := p.pos
	if p.pos >= len(p.data) || !isIdentStart(p.data[p.pos]) {
		return nil
	}
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		if isIdentByte(c) {
			p.pos++
			continue
		}
		if c == ':' && namespaced && p.pos+1 < len(p.data) && isIdentStart(p.data[p.pos+1]) {
			p.pos++
			continue
		}
		break
	}
	return p.data[start:p.pos]
}

// str views b as a string without copying; only for transient use.
func str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// parseLayer parses the whole text.
func (p *parser) parseLayer() error {
	if !bytes.HasPrefix(p.data, []byte(header)) {
		return p.errAt(0, "not a usda layer: the file must start with %q", header)
	}
	p.pos = len(header)
	for p.pos < len(p.data) && p.data[p.pos] != '\n' {
		if c := p.data[p.pos]; c != ' ' && c != '\t' && c != '\r' {
			return p.errAt(p.pos, "unexpected %s after the %q header", p.describe(p.pos), header)
		}
		p.pos++
	}
	p.skip()
	if p.peek() == '(' {
		p.pos++
		if err := p.metadata(true); err != nil {
			return err
		}
	}
	for {
		p.skip()
		if p.pos >= len(p.data) {
			return nil
		}
		at := p.pos
		kw := p.ident(false)
		switch str(kw) {
		case "def", "over", "class":
			if err := p.prim("", at); err != nil {
				return err
			}
		default:
			return p.errAt(at, "expected a prim (def, over or class), found %s", p.describe(at))
		}
	}
}

// metadata parses a parenthesised metadata block after its '('. Layer
// metadata records customLayerData; prim and attribute metadata is skipped.
func (p *parser) metadata(layer bool) error {
	for {
		p.skip()
		at := p.pos
		switch c := p.peek(); {
		case c == ')':
			p.pos++
			return nil
		case c == '"' || c == '\'':
			if _, err := p.quoted(); err != nil { // doc string
				return err
			}
			continue
		case p.pos >= len(p.data):
			return p.errAt(at, "metadata block is not closed: expected ')'")
		}
		name := p.ident(true)
		if name == nil {
			return p.errAt(at, "expected a metadata field, found %s", p.describe(at))
		}
		switch str(name) {
		case "prepend", "append", "add", "delete", "reorder":
			p.skip()
			at = p.pos
			if name = p.ident(true); name == nil {
				return p.errAt(at, "expected a metadata field after list operation, found %s", p.describe(at))
			}
		}
		key := string(name)
		if err := p.expect('=', "'=' after "+key); err != nil {
			return err
		}
		v, err := p.generic(0)
		if err != nil {
			return err
		}
		if layer && key == "customLayerData" {
			if d, ok := v.(map[string]any); ok {
				if m, ok := d[metaKey].(map[string]any); ok {
					p.meta = m
					if n, ok := m["prims"].(number); ok {
						if v, err := strconv.Atoi(string(n)); err == nil && v > 0 {
							// A prim takes at least ~16 bytes of text.
							p.l.sizeHint = min(v, len(p.data)/16)
							p.l.prims = make([]string, 0, p.l.sizeHint)
							p.l.primSeq = make([]int32, 0, p.l.sizeHint)
							p.l.slots = make(map[string]int32, p.l.sizeHint)
						}
					}
				}
			}
		}
	}
}

// generic parses any metadata value into strings, numbers (as their text,
// type number), identifiers (type ident), lists, tuples and dictionaries.
type (
	number string
	ident  string
)

func (p *parser) generic(nest int) (any, error) {
	if nest > maxNesting {
		return nil, p.errAt(p.pos, "values nested more than %d deep", maxNesting)
	}
	p.skip()
	at := p.pos
	switch c := p.peek(); {
	case c == '"' || c == '\'':
		return p.quoted()
	case c == '[' || c == '(':
		closer := byte(']')
		if c == '(' {
			closer = ')'
		}
		p.pos++
		var list []any
		for {
			p.skip()
			if p.peek() == closer {
				p.pos++
				return list, nil
			}
			v, err := p.generic(nest + 1)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
			p.skip()
			switch p.peek() {
			case ',':
				p.pos++
			case closer:
			default:
				return nil, p.errAt(p.pos, "expected ',' or '%c', found %s", closer, p.describe(p.pos))
			}
		}
	case c == '{':
		p.pos++
		return p.dictionary(nest + 1)
	case c == '@':
		return p.assetPath()
	case c == '<':
		end := bytes.IndexByte(p.data[p.pos:], '>')
		if end < 0 {
			return nil, p.errAt(at, "path reference is not closed: expected '>'")
		}
		p.pos += end + 1
		return ident(p.data[at:p.pos]), nil
	case c == '-' || c == '+' || c == '.' || isDigit(c):
		n, err := p.numberToken()
		if err != nil {
			return nil, err
		}
		return number(n), nil
	case isIdentStart(c):
		id := p.ident(true)
		if s := str(id); s == "inf" || s == "nan" {
			return number(s), nil
		}
		return ident(id), nil
	}
	return nil, p.errAt(at, "expected a value, found %s", p.describe(at))
}

func (p *parser) assetPath() (any, error) {
	at := p.pos
	delim := []byte("@")
	if bytes.HasPrefix(p.data[p.pos:], []byte("@@@")) {
		delim = []byte("@@@")
	}
	p.pos += len(delim)
	end := bytes.Index(p.data[p.pos:], delim)
	if end < 0 {
		return nil, p.errAt(at, "asset path is not closed: expected %s", delim)
	}
	s := string(p.data[p.pos : p.pos+end])
	p.pos += end + len(delim)
	return s, nil
}

// dictionary parses `{ [dictionary|type] key = value ... }` after '{'.
func (p *parser) dictionary(nest int) (map[string]any, error) {
	d := map[string]any{}
	for {
		p.skip()
		at := p.pos
		if p.peek() == '}' {
			p.pos++
			return d, nil
		}
		typ := p.ident(true)
		if typ == nil {
			return nil, p.errAt(at, "expected a dictionary entry type or '}', found %s", p.describe(at))
		}
		p.skip()
		if bytes.HasPrefix(p.data[p.pos:], []byte("[]")) {
			p.pos += 2
			p.skip()
		}
		var key string
		switch c := p.peek(); {
		case c == '"' || c == '\'':
			k, err := p.quoted()
			if err != nil {
				return nil, err
			}
			key = k
		default:
			kat := p.pos
			k := p.ident(true)
			if k == nil {
				return nil, p.errAt(kat, "expected a dictionary key, found %s", p.describe(kat))
			}
			key = string(k)
		}
		if err := p.expect('=', "'=' after dictionary key "+strconv.Quote(key)); err != nil {
			return nil, err
		}
		v, err := p.generic(nest)
		if err != nil {
			return nil, err
		}
		if str(typ) == "dictionary" {
			if _, ok := v.(map[string]any); !ok {
				return nil, p.errAt(at, "dictionary entry %q does not hold a dictionary", key)
			}
		}
		d[key] = v
	}
}

// numberToken returns the text of a number (digits, sign, point, exponent,
// or inf/nan) and advances past it.
func (p *parser) numberToken() (string, error) {
	start := p.pos
	i := p.pos
	if i < len(p.data) && (p.data[i] == '-' || p.data[i] == '+') {
		i++
	}
	if i+3 <= len(p.data) && (string(p.data[i:i+3]) == "inf" || string(p.data[i:i+3]) == "nan") {
		i += 3
	} else {
		digits := 0
		for i < len(p.data) && isDigit(p.data[i]) {
			i++
			digits++
		}
		if i < len(p.data) && p.data[i] == '.' {
			i++
			for i < len(p.data) && isDigit(p.data[i]) {
				i++
				digits++
			}
		}
		if digits == 0 {
			return "", p.errAt(start, "expected a number, found %s", p.describe(start))
		}
		if i < len(p.data) && (p.data[i] == 'e' || p.data[i] == 'E') {
			i++
			if i < len(p.data) && (p.data[i] == '-' || p.data[i] == '+') {
				i++
			}
			n := 0
			for i < len(p.data) && isDigit(p.data[i]) {
				i++
				n++
			}
			if n == 0 {
				return "", p.errAt(start, "malformed number exponent in %s", p.describe(start))
			}
		}
	}
	if i < len(p.data) && (isIdentByte(p.data[i]) || p.data[i] == '.') {
		return "", p.errAt(start, "malformed number %s", p.describe(start))
	}
	p.pos = i
	return str(p.data[start:i]), nil
}

// quoted reads a single-, double- or triple-quoted string with escapes.
func (p *parser) quoted() (string, error) {
	at := p.pos
	q := p.data[p.pos]
	triple := p.pos+2 < len(p.data) && p.data[p.pos+1] == q && p.data[p.pos+2] == q
	n := 1
	if triple {
		n = 3
	}
	p.pos += n
	start := p.pos
	escaped := false
	for {
		if p.pos >= len(p.data) {
			return "", p.errAt(at, "string is not closed")
		}
		c := p.data[p.pos]
		switch {
		case c == '\\':
			escaped = true
			p.pos += 2
			continue
		case c == '\n' && !triple:
			return "", p.errAt(at, "string is not closed before the end of the line")
		case c == q && (!triple || (p.pos+2 < len(p.data) && p.data[p.pos+1] == q && p.data[p.pos+2] == q)):
			raw := p.data[start:p.pos]
			p.pos += n
			if !utf8.Valid(raw) {
				return "", p.errAt(at, "string is not valid UTF-8")
			}
			if !escaped {
				return string(raw), nil
			}
			u := unescape(raw)
			if !utf8.ValidString(u) {
				return "", p.errAt(at, "string escapes make it invalid UTF-8")
			}
			return u, nil
		}
		p.pos++
	}
}

// cEscapes maps the letter of a C escape (\n) to the byte it stands for.
var cEscapes = [256]byte{'a': '\a', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v'}

// unescape resolves backslash escapes as OpenUSD does: C escapes, \xHH
// (one or two hex digits), octal \ooo, and any other character as itself.
func unescape(raw []byte) string {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' || i+1 >= len(raw) {
			out = append(out, c)
			continue
		}
		i++
		c = raw[i]
		switch {
		case cEscapes[c] != 0:
			out = append(out, cEscapes[c])
		case c == 'x':
			v, n := 0, 0
			for n < 2 && i+1 < len(raw) && isHex(raw[i+1]) {
				i++
				v = v*16 + hexVal(raw[i])
				n++
			}
			if n == 0 {
				out = append(out, 'x')
			} else {
				out = append(out, byte(v))
			}
		case c >= '0' && c <= '7':
			v := int(c - '0')
			for n := 1; n < 3 && i+1 < len(raw) && raw[i+1] >= '0' && raw[i+1] <= '7'; n++ {
				i++
				v = v*8 + int(raw[i]-'0')
			}
			out = append(out, byte(v))
		default:
			out = append(out, c)
		}
	}
	return string(out)
}

func isHex(c byte) bool { return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f') }

func hexVal(c byte) int {
	if isDigit(c) {
		return int(c - '0')
	}
	return int(c|0x20-'a') + 10
}

// prim parses a prim spec after its specifier (which starts at at).
func (p *parser) prim(parent string, at int) error {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxPrimDepth {
		return p.errAt(at, "prims nested more than %d deep", maxPrimDepth)
	}
	p.skip()
	if c := p.peek(); c != '"' && c != '\'' {
		tat := p.pos
		if p.ident(true) == nil {
			return p.errAt(tat, "expected a prim type or name, found %s", p.describe(tat))
		}
		p.skip()
	}
	nat := p.pos
	if c := p.peek(); c != '"' && c != '\'' {
		return p.errAt(nat, "expected a quoted prim name, found %s", p.describe(nat))
	}
	name, err := p.quoted()
	if err != nil {
		return err
	}
	if !validIdentifier(name, false) {
		return p.errAt(nat, "%q is not a valid prim name", name)
	}
	path := parent + "/" + name
	p.seq++
	pr := primState{path: path, seq: p.seq, slot: -1}
	p.skip()
	if p.peek() == '(' {
		p.pos++
		if err := p.metadata(false); err != nil {
			return err
		}
	}
	if err := p.expect('{', "'{' to open prim "+path); err != nil {
		return err
	}
	for {
		p.skip()
		at := p.pos
		switch c := p.peek(); {
		case c == '}':
			p.pos++
			pr.flush(p)
			return nil
		case p.pos >= len(p.data):
			return p.errAt(at, "prim %s is not closed: expected '}'", path)
		}
		kw := p.ident(true)
		if kw == nil {
			return p.errAt(at, "expected a property or prim in %s, found %s", path, p.describe(at))
		}
		switch s := str(kw); s {
		case "def", "over", "class":
			pr.flush(p)
			if err := p.prim(path, at); err != nil {
				return err
			}
		case "rel":
			return p.errAt(at, "relationships are not supported (prim %s)", path)
		case "variantSet":
			return p.errAt(at, "variant sets are not supported (prim %s)", path)
		case "reorder":
			p.skip()
			if p.ident(false) == nil {
				return p.errAt(p.pos, "expected nameChildren or properties after reorder, found %s", p.describe(p.pos))
			}
			if err := p.expect('=', "'=' after reorder"); err != nil {
				return err
			}
			if _, err := p.generic(0); err != nil {
				return err
			}
		default:
			if err := p.attribute(&pr, at, kw); err != nil {
				return err
			}
		}
	}
}

// primState is a prim being parsed.
type primState struct {
	path  string
	seq   int32
	slot  int32 // data slot, -1 until the prim's first attribute
	nattr int   // attributes declared so far
	// pending names the attribute last declared without a default value
	// (a view of the input), which counts as such unless its timeSamples
	// come next, as OpenUSD writes a custom attribute with samples only.
	pending []byte
	// blocked names the attribute last declared with a blocked default
	// (None), whose timeSamples are then not noted again.
	blocked []byte
}

// flush notes a pending attribute without a default value.
func (pr *primState) flush(p *parser) {
	if pr.pending != nil {
		p.l.notes.Add(formats.NoteNoDefault, 1)
		pr.pending = nil
	}
}

// timeSamples parses `= { time: value, ... }` after `name.timeSamples` of
// col's attribute: times are numbers, values col's type or None (a blocked
// sample), entries separated by commas with a trailing comma allowed. As
// in OpenUSD's text reader, a time given twice keeps its last value;
// times in any order read ascending.
func (p *parser) timeSamples(pr *primState, col *column, at int, name []byte) error {
	for _, c := range [2]byte{'=', '{'} {
		p.skip()
		if p.peek() != c {
			what := "'=' after"
			if c == '{' {
				what = "'{' to open"
			}
			return p.errAt(p.pos, "expected %s %s.timeSamples, found %s", what, name, p.describe(p.pos))
		}
		p.pos++
	}
	if pr.slot < 0 {
		slot, err := p.l.addPrim(pr.path, pr.seq)
		if err != nil {
			return p.errAt(at, "%v", err)
		}
		pr.slot = slot
	}
	if col.ts == nil {
		col.ts = &timeSamples{vals: column{prop: formats.Property{Name: col.prop.Name, Type: col.prop.Type}, next: -1}}
	}
	ts := col.ts
	if ts.has(pr.slot) {
		return p.errAt(at, "attribute %s.%s has timeSamples twice", pr.path, name)
	}
	first := len(ts.vals.present)
	p.times = p.times[:0]
	for {
		p.skip()
		tat := p.pos
		if p.peek() == '}' {
			p.pos++
			break
		}
		t, err := p.float()
		if err != nil {
			return err
		}
		if math.IsNaN(t) {
			return p.errAt(tat, "time sample of %s.%s at time nan", pr.path, name)
		}
		if err := p.expect(':', "':' after a time sample's time"); err != nil {
			return err
		}
		p.skip()
		slot := len(ts.vals.present)
		if slot >= math.MaxInt32 {
			return p.errAt(tat, "too many time samples")
		}
		vat := p.pos
		if id := p.ident(false); str(id) == "None" {
			ts.vals.present = append(ts.vals.present, false) // blocked
		} else {
			p.pos = vat
			if err := p.value(&ts.vals, int32(slot)); err != nil {
				return err
			}
		}
		p.times = append(p.times, t)
		p.skip()
		switch p.peek() {
		case ',':
			p.pos++
		case '}':
		default:
			return p.errAt(p.pos, "expected ',' or '}' in %s.%s.timeSamples, found %s", pr.path, name, p.describe(p.pos))
		}
	}
	ts.add(pr.slot, int32(first), p.times)
	return nil
}

// attribute parses one attribute declaration whose first word is first.
func (p *parser) attribute(pr *primState, at int, first []byte) error {
	word := first
	for {
		s := str(word)
		if s != "custom" && s != "uniform" && s != "varying" {
			break
		}
		p.skip()
		wat := p.pos
		if word = p.ident(true); word == nil {
			return p.errAt(wat, "expected an attribute type after %q, found %s", s, p.describe(wat))
		}
	}
	typeName := str(word)
	isArray := false
	if bytes.HasPrefix(p.data[p.pos:], []byte("[]")) {
		p.pos += 2
		isArray = true
	}
	var typ formats.Type
	ok := false
	k := pr.nattr
	if k < len(p.typeGuess) && p.typeGuess[k].array == isArray && p.typeGuess[k].name == typeName {
		typ, ok = p.typeGuess[k].typ, true
	} else if typ, ok = lookupType(typeName, isArray); ok {
		g := typeGuess{name: typeName, array: isArray, typ: typ}
		if k < len(p.typeGuess) {
			p.typeGuess[k] = g
		} else if k == len(p.typeGuess) {
			p.typeGuess = append(p.typeGuess, g)
		}
	}
	if !ok {
		if isArray {
			typeName += "[]"
		}
		return p.errAt(at, "unsupported attribute type %q in prim %s", typeName, pr.path)
	}
	p.skip()
	nat := p.pos
	name := p.ident(true)
	if name == nil {
		return p.errAt(nat, "expected an attribute name, found %s", p.describe(nat))
	}
	samples := false
	if p.peek() == '.' {
		dot := p.pos
		p.pos++
		if str(p.ident(false)) != "timeSamples" {
			return p.errAt(dot, "attribute %s.%s: only default values and timeSamples are supported, not %s", pr.path, name, p.describe(dot))
		}
		samples = true
	}
	// What a scene of default values leaves out, noted as the full
	// grammar's scene notes it: an attribute declared without a default
	// is one without a value unless its timeSamples follow (then one with
	// time samples only); one with a default and timeSamples is noted
	// for its samples; a blocked default is noted as such.
	declared := pr.pending != nil && bytes.Equal(pr.pending, name)
	blocked := pr.blocked != nil && bytes.Equal(pr.blocked, name)
	if pr.pending != nil && !(samples && declared) {
		p.l.notes.Add(formats.NoteNoDefault, 1)
	}
	pr.pending, pr.blocked = nil, nil
	// Prims usually declare the same attributes in the same order: try
	// the column the previous prim had at this position before the map.
	var col *column
	if k := pr.nattr; k < len(p.guess) {
		if c := &p.l.cols[p.guess[k]]; c.prop.Type == typ && c.prop.Name == str(name) {
			col = c
		}
	}
	if col == nil {
		if !utf8.Valid(name) {
			return p.errAt(nat, "attribute name is not valid UTF-8")
		}
		var err error
		if col, err = p.l.column(str(name), typ); err != nil {
			return p.errAt(at, "prim %s: %v", pr.path, err)
		}
		ci := p.l.byName[col.prop.Name]
		if pr.nattr < len(p.guess) {
			p.guess[pr.nattr] = ci
		} else {
			p.guess = append(p.guess, ci)
		}
	}
	pr.nattr++
	p.skip()
	if samples {
		switch {
		case blocked:
		case pr.slot >= 0 && col.has(pr.slot):
			p.l.notes.Add(formats.NoteTimeSamples, 1)
		default:
			p.l.notes.Add(formats.NoteTimeSamplesOnly, 1)
		}
		return p.timeSamples(pr, col, at, name)
	}
	if p.peek() != '=' {
		// Declared without a default: noted unless time samples follow.
		pr.pending = name
	}
	if p.peek() == '=' {
		p.pos++
		p.skip()
		vat := p.pos
		if id := p.ident(false); str(id) == "None" {
			// A blocked value: the attribute exists without a value.
			p.l.notes.Add(formats.NoteBlocked, 1)
			pr.blocked = name
		} else {
			p.pos = vat
			if pr.slot < 0 {
				slot, err := p.l.addPrim(pr.path, pr.seq)
				if err != nil {
					return p.errAt(at, "%v", err)
				}
				pr.slot = slot
			}
			if col.has(pr.slot) {
				return p.errAt(at, "attribute %s.%s is declared twice", pr.path, name)
			}
			if err := p.value(col, pr.slot); err != nil {
				return err
			}
		}
	}
	p.skip()
	if p.peek() == '(' {
		p.pos++
		if err := p.metadata(false); err != nil {
			return err
		}
	}
	return nil
}

// typeGuess is a type name (a view of the input) and the type it maps to.
type typeGuess struct {
	name  string
	array bool
	typ   formats.Type
}

// lookupType maps a USD value type name to the scene type; role types
// (point3f, color3f, texCoord2f, ...) read as their plain types.
func lookupType(name string, array bool) (formats.Type, bool) {
	if array {
		return formats.SceneTypeOf(name + "[]")
	}
	return formats.SceneTypeOf(name)
}

// canonical NaNs: what OpenUSD's parser produces for "nan".
var (
	nan64 = math.Float64frombits(0x7ff8000000000000)
	nan32 = math.Float32frombits(0x7fc00000)
)

// float parses a number as a double, the way OpenUSD's parser does.
func (p *parser) float() (float64, error) {
	at := p.pos
	tok, err := p.numberToken()
	if err != nil {
		return 0, err
	}
	switch tok {
	case "inf", "+inf":
		return math.Inf(1), nil
	case "-inf":
		return math.Inf(-1), nil
	case "nan", "+nan", "-nan":
		return nan64, nil
	}
	f, err := strconv.ParseFloat(tok, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, p.errAt(at, "malformed number %s", p.describe(at))
	}
	return f, nil
}

// float32 parses a double and rounds it to float, as OpenUSD does.
func (p *parser) float32() (float32, error) {
	f, err := p.float()
	return narrow(f), err
}

// narrow rounds a parsed double to float; a NaN becomes the canonical one.
func narrow(f float64) float32 {
	if math.IsNaN(f) {
		return nan32
	}
	return float32(f)
}

// integer parses an integer within [lo, hi].
func (p *parser) integer(lo, hi int64) (int64, error) {
	at := p.pos
	// Fast path: up to 18 plain digits followed by a delimiter.
	i, neg := p.pos, false
	if i < len(p.data) && p.data[i] == '-' {
		neg = true
		i++
	}
	var v int64
	j := i
	for j < len(p.data) && j-i < 18 && isDigit(p.data[j]) {
		v = v*10 + int64(p.data[j]-'0')
		j++
	}
	if j > i && (j == len(p.data) || (!isIdentByte(p.data[j]) && !isDigit(p.data[j]) && p.data[j] != '.')) {
		if neg {
			v = -v
		}
		if v >= lo && v <= hi {
			p.pos = j
			return v, nil
		}
	}
	tok, err := p.numberToken()
	if err != nil {
		return 0, err
	}
	v, err = strconv.ParseInt(tok, 10, 64)
	if err != nil || v < lo || v > hi {
		return 0, p.errAt(at, "%s is not an integer in [%d, %d]", p.describe(at), lo, hi)
	}
	return v, nil
}

// tuple3 parses `(a, b, c)`.
func (p *parser) tuple3() ([3]float64, error) {
	var v [3]float64
	if err := p.expect('(', "'(' to start a 3-tuple"); err != nil {
		return v, err
	}
	for i := range v {
		if i > 0 {
			if err := p.expect(',', "',' in a 3-tuple"); err != nil {
				return v, err
			}
		}
		p.skip()
		f, err := p.float()
		if err != nil {
			return v, err
		}
		v[i] = f
	}
	return v, p.expect(')', "')' to close a 3-tuple")
}

// list parses `[e, e, ...]`, calling elem for each element.
func (p *parser) list(elem func() error) error {
	if err := p.expect('[', "'[' to start an array"); err != nil {
		return err
	}
	p.skip()
	if p.peek() == ']' {
		p.pos++
		return nil
	}
	for {
		p.skip()
		if err := elem(); err != nil {
			return err
		}
		p.skip()
		switch p.peek() {
		case ',':
			p.pos++
			p.skip()
			if p.peek() == ']' { // trailing comma
				p.pos++
				return nil
			}
		case ']':
			p.pos++
			return nil
		default:
			return p.errAt(p.pos, "expected ',' or ']' in an array, found %s", p.describe(p.pos))
		}
	}
}

// value parses the default value of col's type for slot.
func (p *parser) value(c *column, slot int32) error {
	switch c.prop.Type {
	case formats.Double:
		f, err := p.float()
		if err != nil {
			return err
		}
		set(c, &c.nums, slot, f)
	case formats.Float:
		f, err := p.float32()
		if err != nil {
			return err
		}
		set(c, &c.nums, slot, float64(f))
	case formats.Int:
		v, err := p.integer(math.MinInt32, math.MaxInt32)
		if err != nil {
			return err
		}
		set(c, &c.ints, slot, v)
	case formats.Int64:
		v, err := p.integer(math.MinInt64, math.MaxInt64)
		if err != nil {
			return err
		}
		set(c, &c.ints, slot, v)
	case formats.Bool:
		b, err := p.boolean()
		if err != nil {
			return err
		}
		set(c, &c.bools, slot, b)
	case formats.String, formats.Token:
		at := p.pos
		if q := p.peek(); q != '"' && q != '\'' {
			return p.errAt(at, "expected a quoted %s, found %s", c.prop.Type, p.describe(at))
		}
		s, err := p.quoted()
		if err != nil {
			return err
		}
		if c.prop.Type == formats.Token {
			s = p.intern(s)
		}
		set(c, &c.strs, slot, s)
	case formats.Float3, formats.Double3:
		v, err := p.tuple3()
		if err != nil {
			return err
		}
		if c.prop.Type == formats.Float3 {
			for i := range v {
				v[i] = float64(narrow(v[i]))
			}
		}
		set(c, &c.vecs, slot, v)
	case formats.DoubleArray:
		return parseArray(p, c, slot, &c.doubles, p.float)
	case formats.FloatArray:
		return parseArray(p, c, slot, &c.floats, p.float32)
	case formats.IntArray:
		return parseArray(p, c, slot, &c.int32s, p.int32)
	case formats.Float3Array:
		return parseArray(p, c, slot, &c.vec3fs, p.vec3f)
	case formats.Half:
		f, err := p.half()
		if err != nil {
			return err
		}
		set(c, &c.nums, slot, float64(formats.HalfToFloat32(f)))
	case formats.Asset:
		at := p.pos
		if p.peek() != '@' {
			return p.errAt(at, "expected an asset path (@path@), found %s", p.describe(at))
		}
		s, err := p.assetPath()
		if err != nil {
			return err
		}
		set(c, &c.strs, slot, s.(string))
	case formats.StringArray, formats.TokenArray:
		return parseArray(p, c, slot, &c.strEls, p.quotedElem)
	case formats.BoolArray:
		return parseArray(p, c, slot, &c.boolEls, p.boolean)
	case formats.Int64Array:
		return parseArray(p, c, slot, &c.i64Els, func() (int64, error) { return p.integer(math.MinInt64, math.MaxInt64) })
	case formats.HalfArray:
		return parseArray(p, c, slot, &c.halfEls, p.half)
	case formats.Float2Array:
		off := len(c.floats)
		err := p.list(func() error {
			var v [16]float64
			if err := p.tuple(v[:2], formats.KindFloat); err != nil {
				return err
			}
			c.floats = append(c.floats, narrow(v[0]), narrow(v[1]))
			return nil
		})
		if err != nil {
			return err
		}
		c.setSpan(slot, off, len(c.floats)-off)
	case formats.Matrix4d:
		var m [16]float64
		if err := p.expect('(', "'(' to start a matrix"); err != nil {
			return err
		}
		for r := range 4 {
			if r > 0 {
				if err := p.expect(',', "',' between matrix rows"); err != nil {
					return err
				}
			}
			p.skip()
			if err := p.tuple(m[4*r:4*r+4], formats.KindDouble); err != nil {
				return err
			}
		}
		if err := p.expect(')', "')' to close a matrix"); err != nil {
			return err
		}
		c.setTuple(slot, m[:])
	default: // the other tuples
		var v [16]float64
		w := c.prop.Type.Width()
		if err := p.tuple(v[:w], c.prop.Type.Kind()); err != nil {
			return err
		}
		c.setTuple(slot, v[:w])
	}
	return nil
}

// tuple parses `(a, b, ...)` with len(v) components of kind k into v,
// floats narrowed to their precision.
func (p *parser) tuple(v []float64, k formats.Kind) error {
	if err := p.expect('(', fmt.Sprintf("'(' to start a %d-tuple", len(v))); err != nil {
		return err
	}
	for i := range v {
		if i > 0 {
			if err := p.expect(',', "',' in a tuple"); err != nil {
				return err
			}
		}
		p.skip()
		switch k {
		case formats.KindInt:
			n, err := p.integer(math.MinInt32, math.MaxInt32)
			if err != nil {
				return err
			}
			v[i] = float64(n)
		default:
			f, err := p.float()
			if err != nil {
				return err
			}
			if k == formats.KindFloat {
				f = float64(narrow(f))
			}
			v[i] = f
		}
	}
	return p.expect(')', "')' to close a tuple")
}

// half parses a number as a double and rounds it to half through float,
// as OpenUSD does.
func (p *parser) half() (uint16, error) {
	f, err := p.float()
	return formats.HalfFromFloat32(narrow(f)), err
}

// quotedElem parses a quoted string[] or token[] element.
func (p *parser) quotedElem() (string, error) {
	at := p.pos
	if q := p.peek(); q != '"' && q != '\'' {
		return "", p.errAt(at, "expected a quoted string, found %s", p.describe(at))
	}
	s, err := p.quoted()
	if err != nil {
		return "", err
	}
	return p.intern(s), nil
}

// boolean parses 0, 1, true or false.
func (p *parser) boolean() (bool, error) {
	at := p.pos
	var b bool
	switch {
	case bytes.HasPrefix(p.data[p.pos:], []byte("true")):
		p.pos += 4
		b = true
	case bytes.HasPrefix(p.data[p.pos:], []byte("false")):
		p.pos += 5
	default:
		v, err := p.integer(0, 1)
		if err != nil {
			return false, p.errAt(at, "expected a bool (0, 1, true or false), found %s", p.describe(at))
		}
		b = v == 1
	}
	if p.pos < len(p.data) && isIdentByte(p.data[p.pos]) {
		return false, p.errAt(at, "expected a bool (0, 1, true or false), found %s", p.describe(at))
	}
	return b, nil
}

// parseArray parses a bracketed list of elements, each with elem, into the
// column's element store elems and gives slot their span.
func parseArray[T any](p *parser, c *column, slot int32, elems *[]T, elem func() (T, error)) error {
	off := len(*elems)
	err := p.list(func() error {
		v, err := elem()
		*elems = append(*elems, v)
		return err
	})
	if err != nil {
		return err
	}
	c.setSpan(slot, off, len(*elems)-off)
	return nil
}

// int32 parses an int[] element.
func (p *parser) int32() (int32, error) {
	v, err := p.integer(math.MinInt32, math.MaxInt32)
	return int32(v), err
}

// vec3f parses a float3[] element: a tuple of three narrowed to float.
func (p *parser) vec3f() ([3]float32, error) {
	v, err := p.tuple3()
	var f [3]float32
	for i := range v {
		f[i] = narrow(v[i])
	}
	return f, err
}

func (p *parser) intern(s string) string {
	if t, ok := p.tokens[s]; ok {
		return t
	}
	if p.tokens == nil {
		p.tokens = map[string]string{}
	}
	p.tokens[s] = s
	return s
}

// finish orders the prims and rebuilds the scene description from the
// recorded layer data.
func (p *parser) finish() error {
	l := p.l
	if !sort.SliceIsSorted(l.primSeq, func(i, j int) bool { return l.primSeq[i] < l.primSeq[j] }) {
		idx := make([]int, len(l.prims))
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(i, j int) bool { return l.primSeq[idx[i]] < l.primSeq[idx[j]] })
		prims := make([]string, len(idx))
		l.slotOf = make([]int32, len(idx))
		l.handleOf = make([]int32, len(idx))
		for i, k := range idx {
			prims[i] = l.prims[k]
			l.slotOf[i] = int32(k)
			l.handleOf[k] = int32(i)
		}
		l.prims = prims
	}
	l.primSeq = nil
	return l.applyMeta(p.meta)
}
