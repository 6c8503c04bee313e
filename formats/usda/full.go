package usda

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/sdf"
)

// The full text grammar, as OpenUSD's parser reads it (textFileFormat.yy):
// layer metadata with sublayers and their offsets, prims of every
// specifier with metadata of every kind (composition arcs with prim paths,
// layer offsets and custom data, list operations, variant selections,
// relocates, dictionaries), attributes of every value type with defaults,
// time samples, connections and metadata, relationships, variant sets,
// reorder statements, and ';' between statements. It builds a
// sdf.Layer: what `runner cat` shows and what a layer the fast scene
// parser does not take (parse.go) is read from.

// ReadLayer parses the text layer at path whole.
func ReadLayer(path string) (*sdf.Layer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("usda: %w", err)
	}
	return parseFull(path, data)
}

// parseFull parses a whole layer held in data; file names it in errors.
func parseFull(file string, data []byte) (*sdf.Layer, error) {
	p := &parser{file: file, data: data}
	f := &full{p: p, paths: map[string]bool{}}
	l, err := f.layer()
	if err != nil {
		return nil, err
	}
	return l, nil
}

// full is the parser of the whole grammar, on the fast parser's lexing.
type full struct {
	p         *parser
	depth     int
	paths     map[string]bool // prim and variant paths declared so far
	durations bool            // an attribute of type duration was declared
}

// sep skips white space, comments and the ';' that may separate
// statements.
func (f *full) sep() {
	p := f.p
	for {
		p.skip()
		if p.peek() != ';' {
			return
		}
		p.pos++
	}
}

func (f *full) errAt(off int, format string, args ...any) error {
	return f.p.errAt(off, format, args...)
}

// word reads an identifier, namespaced or C++-namespaced ("a::b"), or nil.
func (f *full) word() string {
	p := f.p
	w := p.ident(true)
	if w == nil {
		return ""
	}
	s := string(w)
	for bytes.HasPrefix(p.data[p.pos:], []byte("::")) {
		p.pos += 2
		next := p.ident(false)
		if next == nil {
			p.pos -= 2
			break
		}
		s += "::" + string(next)
	}
	return s
}

func (f *full) layer() (*sdf.Layer, error) {
	p := f.p
	// "#usda 1.0", or a later 1.x OpenUSD writes for newer value types
	// (1.4 for durations).
	if !bytes.HasPrefix(p.data, []byte("#usda 1.")) || len(p.data) < 9 || !isDigit(p.data[8]) {
		return nil, p.errAt(0, "not a usda layer: the file must start with %q", header)
	}
	p.pos = 8
	for p.pos < len(p.data) && isDigit(p.data[p.pos]) {
		p.pos++
	}
	for p.pos < len(p.data) && p.data[p.pos] != '\n' {
		if c := p.data[p.pos]; c != ' ' && c != '\t' && c != '\r' {
			return nil, p.errAt(p.pos, "unexpected %s after the %q header", p.describe(p.pos), header)
		}
		p.pos++
	}
	l := &sdf.Layer{}
	f.sep()
	if p.peek() == '(' {
		p.pos++
		md, err := f.metadata(ctxLayer, "/")
		if err != nil {
			return nil, err
		}
		l.Metadata = md
	}
	for {
		f.sep()
		if p.pos >= len(p.data) {
			l.Durations = f.durations
			return l, nil
		}
		at := p.pos
		switch kw := f.word(); kw {
		case "def", "over", "class":
			prim, err := f.prim(kw, "", at)
			if err != nil {
				return nil, err
			}
			l.Prims = append(l.Prims, prim)
		case "reorder":
			names, err := f.reorder("rootPrims")
			if err != nil {
				return nil, err
			}
			l.Metadata = append(l.Metadata, sdf.Field{Name: "primOrder", Value: names})
		default:
			return nil, p.errAt(at, "expected a prim (def, over or class), found %s", p.describe(at))
		}
	}
}

// reorder parses `reorder <what> = names` after "reorder".
func (f *full) reorder(what string) (*sdf.Value, error) {
	p := f.p
	p.skip()
	at := p.pos
	if w := f.word(); w != what {
		return nil, p.errAt(at, "expected %s after reorder, found %s", what, p.describe(at))
	}
	if err := p.expect('=', "'=' after reorder "+what); err != nil {
		return nil, err
	}
	return f.nameList()
}

// Metadata contexts: which spec a metadata block belongs to.
type metaContext int

const (
	ctxLayer metaContext = iota
	ctxPrim
	ctxAttribute
	ctxRelationship
)

// listOpFields are the fields whose values are list operations even when
// written without an operation word.
var listOpFields = map[string]bool{
	"references": true, "payload": true, "inherits": true, "specializes": true,
	"variantSets": true, "apiSchemas": true,
}

// fieldNames maps the words of the text format to Sdf's field names.
var fieldNames = map[string]string{
	"doc": "documentation", "inherits": "inheritPaths", "variantSets": "variantSetNames",
	"variants": "variantSelection",
}

var opOfWord = map[string]string{
	"prepend": "prepended", "append": "appended", "add": "added", "delete": "deleted", "reorder": "ordered",
}

// metadata parses a metadata block after its '(' up to its ')'.
func (f *full) metadata(ctx metaContext, owner string) ([]sdf.Field, error) {
	p := f.p
	var fields []sdf.Field
	set := func(name string, v *sdf.Value) {
		for i := range fields {
			if fields[i].Name == name {
				fields[i].Value = v
				return
			}
		}
		fields = append(fields, sdf.Field{Name: name, Value: v})
	}
	for {
		f.sep()
		at := p.pos
		switch c := p.peek(); {
		case c == ')':
			p.pos++
			return fields, nil
		case c == '"' || c == '\'':
			s, err := p.quoted()
			if err != nil {
				return nil, err
			}
			set("comment", typedString("string", s))
			continue
		case p.pos >= len(p.data):
			return nil, p.errAt(at, "metadata block is not closed: expected ')'")
		}
		key := f.word()
		if key == "" {
			return nil, p.errAt(at, "expected a metadata field, found %s", p.describe(at))
		}
		op := ""
		if o, ok := opOfWord[key]; ok {
			p.skip()
			kat := p.pos
			if key = f.word(); key == "" {
				return nil, p.errAt(kat, "expected a metadata field after %s, found %s", o, p.describe(kat))
			}
			op = o
		}
		if err := p.expect('=', "'=' after "+key); err != nil {
			return nil, err
		}
		p.skip()
		name := key
		if n, ok := fieldNames[key]; ok {
			name = n
		}
		var v *sdf.Value
		var err error
		switch {
		case ctx == ctxLayer && key == "subLayers" && op == "":
			var offsets *sdf.Value
			if v, offsets, err = f.subLayers(); err == nil {
				set("subLayers", v)
				set("subLayerOffsets", offsets)
			}
			if err != nil {
				return nil, err
			}
			continue
		case key == "relocates" && op == "":
			if ctx == ctxLayer {
				name = "layerRelocates"
			}
			v, err = f.relocates(owner)
		case key == "references" || key == "payload":
			v, err = f.arcList(key, owner)
		case key == "inherits" || key == "specializes":
			v, err = f.pathList(owner)
		case key == "variantSets":
			v, err = f.nameList()
		case key == "variants" && op == "":
			v, err = f.dictionaryValue(0)
		case (key == "prefixSubstitutions" || key == "suffixSubstitutions") && op == "":
			v, err = f.stringDictionary()
		case (key == "permission" || key == "displayUnit") && op == "":
			v, err = f.wordValue(key)
		case key == "symmetryFunction" && op == "":
			if w := f.word(); w != "" {
				v = &sdf.Value{Kind: sdf.Word, Str: w}
			} else {
				v = &sdf.Value{Kind: sdf.Word}
			}
		default:
			v, err = f.metadataValue(0)
		}
		if err != nil {
			return nil, err
		}
		if op != "" || listOpFields[key] {
			v = addOp(fieldValue(fields, name), op, v)
		}
		set(name, v)
	}
}

func fieldValue(fields []sdf.Field, name string) *sdf.Value {
	return sdf.FieldOf(fields, name)
}

// addOp adds items as operation op ("" for explicit) to the list op prev
// (nil for a new one). A value of None is an explicit empty list.
func addOp(prev *sdf.Value, op string, items *sdf.Value) *sdf.Value {
	if op == "" {
		op = "explicit"
	}
	var list []*sdf.Value
	switch items.Kind {
	case sdf.List:
		list = items.Items
	case sdf.Block:
	default:
		list = []*sdf.Value{items}
	}
	if list == nil {
		list = []*sdf.Value{}
	}
	lo := prev
	if lo == nil || lo.Kind != sdf.ListOp || op == "explicit" {
		lo = &sdf.Value{Kind: sdf.ListOp}
	} else {
		// An explicit list op takes no other operations.
		kept := lo.Ops[:0]
		for _, o := range lo.Ops {
			if o.Op != "explicit" && o.Op != op {
				kept = append(kept, o)
			}
		}
		lo.Ops = kept
	}
	lo.Ops = append(lo.Ops, sdf.Op{Op: op, Items: list})
	// Keep OpenUSD's order of operations.
	ordered := make([]sdf.Op, 0, len(lo.Ops))
	for _, name := range sdf.OpNames {
		for _, o := range lo.Ops {
			if o.Op == name {
				ordered = append(ordered, o)
			}
		}
	}
	lo.Ops = ordered
	return lo
}

func typedString(typ, s string) *sdf.Value {
	vt, _ := sdf.LookupType(typ)
	return &sdf.Value{Kind: sdf.Typed, Type: vt.Name, Data: sdf.Data{VT: vt, Strs: []string{s}}}
}

func typedNumber(x float64) *sdf.Value {
	vt, _ := sdf.LookupType("double")
	return &sdf.Value{Kind: sdf.Typed, Type: "double", Data: sdf.Data{VT: vt, Nums: []float64{x}}}
}

// wordValue parses a bare identifier value (permission, displayUnit).
func (f *full) wordValue(key string) (*sdf.Value, error) {
	p := f.p
	at := p.pos
	w := f.word()
	if w == "" {
		return nil, p.errAt(at, "expected a word for %s, found %s", key, p.describe(at))
	}
	return &sdf.Value{Kind: sdf.Word, Str: w}, nil
}

// metadataValue parses an untyped value: a dictionary, None, an atom, a
// tuple or a list.
func (f *full) metadataValue(nest int) (*sdf.Value, error) {
	p := f.p
	if nest > maxNesting {
		return nil, p.errAt(p.pos, "values nested more than %d deep", maxNesting)
	}
	p.skip()
	at := p.pos
	switch c := p.peek(); {
	case c == '{':
		return f.dictionaryValue(nest + 1)
	case c == '"' || c == '\'':
		s, err := p.quoted()
		if err != nil {
			return nil, err
		}
		return typedString("string", s), nil
	case c == '@':
		s, err := f.asset()
		if err != nil {
			return nil, err
		}
		return typedString("asset", s), nil
	case c == '<':
		s, err := f.path("")
		if err != nil {
			return nil, err
		}
		return &sdf.Value{Kind: sdf.Path, Str: s}, nil
	case c == '[' || c == '(':
		closer := byte(']')
		if c == '(' {
			closer = ')'
		}
		p.pos++
		v := &sdf.Value{Kind: sdf.List, Items: []*sdf.Value{}}
		for {
			p.skip()
			if p.peek() == closer {
				p.pos++
				return v, nil
			}
			it, err := f.metadataValue(nest + 1)
			if err != nil {
				return nil, err
			}
			v.Items = append(v.Items, it)
			p.skip()
			switch p.peek() {
			case ',':
				p.pos++
			case closer:
			default:
				return nil, p.errAt(p.pos, "expected ',' or '%c', found %s", closer, p.describe(p.pos))
			}
		}
	case c == '-' || c == '+' || c == '.' || isDigit(c):
		x, err := p.float()
		if err != nil {
			return nil, err
		}
		return typedNumber(x), nil
	case isIdentStart(c):
		w := f.word()
		switch w {
		case "None":
			return &sdf.Value{Kind: sdf.Block}, nil
		case "inf", "nan":
			p.pos = at
			x, err := p.float()
			if err != nil {
				return nil, err
			}
			return typedNumber(x), nil
		}
		return &sdf.Value{Kind: sdf.Word, Str: w}, nil
	}
	return nil, p.errAt(at, "expected a value, found %s", p.describe(at))
}

// dictionaryValue parses `{ type key = value ... }` at its '{'.
func (f *full) dictionaryValue(nest int) (*sdf.Value, error) {
	p := f.p
	if nest > maxNesting {
		return nil, p.errAt(p.pos, "values nested more than %d deep", maxNesting)
	}
	if err := p.expect('{', "'{' to start a dictionary"); err != nil {
		return nil, err
	}
	d := &sdf.Value{Kind: sdf.Dict}
	for {
		f.sep()
		at := p.pos
		if p.peek() == '}' {
			p.pos++
			return d, nil
		}
		typ := f.word()
		if typ == "" {
			return nil, p.errAt(at, "expected a dictionary entry type or '}', found %s", p.describe(at))
		}
		if bytes.HasPrefix(p.data[p.pos:], []byte("[]")) {
			p.pos += 2
			typ += "[]"
		}
		p.skip()
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
			if key = f.word(); key == "" {
				return nil, p.errAt(kat, "expected a dictionary key, found %s", p.describe(kat))
			}
		}
		if err := p.expect('=', "'=' after dictionary key "+strconv.Quote(key)); err != nil {
			return nil, err
		}
		p.skip()
		var v *sdf.Value
		var err error
		if typ == "dictionary" {
			if p.peek() != '{' {
				return nil, p.errAt(at, "dictionary entry %q does not hold a dictionary", key)
			}
			v, err = f.dictionaryValue(nest + 1)
		} else {
			vt, ok := sdf.LookupType(typ)
			if !ok {
				return nil, p.errAt(at, "dictionary entry %q has unknown type %q", key, typ)
			}
			v, err = f.typed(vt, fmt.Sprintf("dictionary entry %q (%s)", key, typ))
		}
		if err != nil {
			return nil, err
		}
		d.Entries = append(d.Entries, sdf.Entry{Key: key, Value: v})
	}
}

// stringDictionary parses `{ "a": "b", ... }`.
func (f *full) stringDictionary() (*sdf.Value, error) {
	p := f.p
	if err := p.expect('{', "'{' to start a string dictionary"); err != nil {
		return nil, err
	}
	d := &sdf.Value{Kind: sdf.Dict}
	for {
		p.skip()
		if p.peek() == '}' {
			p.pos++
			return d, nil
		}
		at := p.pos
		if c := p.peek(); c != '"' && c != '\'' {
			return nil, p.errAt(at, "expected a quoted key, found %s", p.describe(at))
		}
		k, err := p.quoted()
		if err != nil {
			return nil, err
		}
		if err := p.expect(':', "':' after a key"); err != nil {
			return nil, err
		}
		p.skip()
		if c := p.peek(); c != '"' && c != '\'' {
			return nil, p.errAt(p.pos, "expected a quoted value, found %s", p.describe(p.pos))
		}
		v, err := p.quoted()
		if err != nil {
			return nil, err
		}
		d.Entries = append(d.Entries, sdf.Entry{Key: k, Value: typedString("string", v)})
		p.skip()
		if p.peek() == ',' {
			p.pos++
		}
	}
}

// asset reads an asset path: @path@, or @@@path@@@ in which \@@@ stands
// for @@@ and the closing delimiter is the last three of a run of @.
func (f *full) asset() (string, error) {
	p := f.p
	at := p.pos
	if !bytes.HasPrefix(p.data[p.pos:], []byte("@@@")) {
		end := bytes.IndexAny(p.data[p.pos+1:], "@\n")
		if end < 0 || p.data[p.pos+1+end] != '@' {
			return "", p.errAt(at, "asset path is not closed: expected @")
		}
		s := string(p.data[p.pos+1 : p.pos+1+end])
		p.pos += end + 2
		return s, nil
	}
	i := p.pos + 3
	for {
		if i >= len(p.data) || p.data[i] == '\n' {
			return "", p.errAt(at, "asset path is not closed: expected @@@")
		}
		if p.data[i] == '\\' && bytes.HasPrefix(p.data[i+1:], []byte("@@@")) {
			i += 4
			continue
		}
		if bytes.HasPrefix(p.data[i:], []byte("@@@")) {
			for i+3 < len(p.data) && p.data[i+3] == '@' {
				i++
			}
			s := strings.ReplaceAll(string(p.data[p.pos+3:i]), `\@@@`, "@@@")
			p.pos = i + 3
			return s, nil
		}
		i++
	}
}

// path reads <path>, made absolute against anchor (a prim path) when it
// is relative and anchor is set.
func (f *full) path(anchor string) (string, error) {
	p := f.p
	at := p.pos
	if p.peek() != '<' {
		return "", p.errAt(at, "expected a path (<...>), found %s", p.describe(at))
	}
	end := bytes.IndexAny(p.data[p.pos:], ">\n")
	if end < 0 || p.data[p.pos+end] != '>' {
		return "", p.errAt(at, "path is not closed: expected '>'")
	}
	s := string(p.data[p.pos+1 : p.pos+end])
	p.pos += end + 1
	if anchor != "" && s != "" && s[0] != '/' {
		s = absolute(anchor, s)
	}
	return s, nil
}

// absolute resolves a relative path (./x, ../x, x, .prop) against a prim
// path.
func absolute(anchor, rel string) string {
	base := anchor
	for {
		switch {
		case strings.HasPrefix(rel, "../"):
			if i := strings.LastIndexByte(base, '/'); i > 0 {
				base = base[:i]
			} else {
				base = ""
			}
			rel = rel[3:]
			continue
		case rel == "..":
			if i := strings.LastIndexByte(base, '/'); i > 0 {
				return base[:i]
			}
			return "/"
		case strings.HasPrefix(rel, "./"):
			rel = rel[2:]
			continue
		}
		break
	}
	if rel == "." || rel == "" {
		return base
	}
	if rel[0] == '.' {
		return base + rel
	}
	return base + "/" + rel
}

// subLayers parses `[@a@ (offset = 1; scale = 2), ...]` into the paths
// and their offsets.
func (f *full) subLayers() (*sdf.Value, *sdf.Value, error) {
	p := f.p
	if err := p.expect('[', "'[' to start the sublayers"); err != nil {
		return nil, nil, err
	}
	paths := &sdf.Value{Kind: sdf.List, Items: []*sdf.Value{}}
	offsets := &sdf.Value{Kind: sdf.List, Items: []*sdf.Value{}}
	for {
		p.skip()
		if p.peek() == ']' {
			p.pos++
			return paths, offsets, nil
		}
		at := p.pos
		if p.peek() != '@' {
			return nil, nil, p.errAt(at, "expected a sublayer asset path, found %s", p.describe(at))
		}
		s, err := f.asset()
		if err != nil {
			return nil, nil, err
		}
		off := &sdf.Value{Kind: sdf.LayerOffset, Scale: 1}
		p.skip()
		if p.peek() == '(' {
			p.pos++
			if err := f.offsetParams(off, false); err != nil {
				return nil, nil, err
			}
		}
		paths.Items = append(paths.Items, typedString("asset", s))
		offsets.Items = append(offsets.Items, off)
		p.skip()
		if p.peek() == ',' {
			p.pos++
		}
	}
}

// offsetParams parses `offset = x; scale = y` (and for references
// `customData = {...}`) up to the ')'.
func (f *full) offsetParams(v *sdf.Value, customData bool) error {
	p := f.p
	for {
		f.sep()
		if p.peek() == ')' {
			p.pos++
			return nil
		}
		at := p.pos
		key := f.word()
		if err := p.expect('=', "'=' after "+key); err != nil {
			return err
		}
		p.skip()
		switch {
		case key == "offset" || key == "scale":
			x, err := p.float()
			if err != nil {
				return err
			}
			if key == "offset" {
				v.Offset = x
			} else {
				v.Scale = x
			}
		case key == "customData" && customData:
			d, err := f.dictionaryValue(1)
			if err != nil {
				return err
			}
			v.Entries = d.Entries
		default:
			return p.errAt(at, "expected offset or scale, found %s", p.describe(at))
		}
	}
}

// arcList parses the value of references or payload: None, one arc, or a
// list of them. An arc is @asset@<prim> or <prim> (internal), with layer
// offset (and for references custom data) in parentheses.
func (f *full) arcList(key, owner string) (*sdf.Value, error) {
	p := f.p
	kind := sdf.Reference
	if key == "payload" {
		kind = sdf.Payload
	}
	arc := func() (*sdf.Value, error) {
		p.skip()
		at := p.pos
		v := &sdf.Value{Kind: kind, Scale: 1}
		switch p.peek() {
		case '@':
			s, err := f.asset()
			if err != nil {
				return nil, err
			}
			if s == "" {
				return nil, p.errAt(at, "%s asset path must not be empty (an internal arc has no @ delimiters)", key)
			}
			v.Asset = s
			p.skip()
			if p.peek() == '<' {
				if v.Prim, err = f.path(""); err != nil {
					return nil, err
				}
			}
		case '<':
			s, err := f.path("")
			if err != nil {
				return nil, err
			}
			v.Prim = s
		default:
			return nil, p.errAt(at, "expected a %s (@asset@ or <path>), found %s", key, p.describe(at))
		}
		p.skip()
		if p.peek() == '(' {
			p.pos++
			if err := f.offsetParams(v, kind == sdf.Reference); err != nil {
				return nil, err
			}
		}
		return v, nil
	}
	return f.listOf(arc)
}

// listOf parses None, one item, or a bracketed list of items.
func (f *full) listOf(item func() (*sdf.Value, error)) (*sdf.Value, error) {
	p := f.p
	p.skip()
	if bytes.HasPrefix(p.data[p.pos:], []byte("None")) && (p.pos+4 == len(p.data) || !isIdentByte(p.data[p.pos+4])) {
		p.pos += 4
		return &sdf.Value{Kind: sdf.Block}, nil
	}
	if p.peek() != '[' {
		v, err := item()
		if err != nil {
			return nil, err
		}
		return &sdf.Value{Kind: sdf.List, Items: []*sdf.Value{v}}, nil
	}
	p.pos++
	list := &sdf.Value{Kind: sdf.List, Items: []*sdf.Value{}}
	for {
		p.skip()
		if p.peek() == ']' {
			p.pos++
			return list, nil
		}
		v, err := item()
		if err != nil {
			return nil, err
		}
		list.Items = append(list.Items, v)
		p.skip()
		switch p.peek() {
		case ',':
			p.pos++
		case ']':
		default:
			return nil, p.errAt(p.pos, "expected ',' or ']', found %s", p.describe(p.pos))
		}
	}
}

// pathList parses None, a path or a list of paths.
func (f *full) pathList(anchor string) (*sdf.Value, error) {
	return f.listOf(func() (*sdf.Value, error) {
		f.p.skip()
		s, err := f.path(anchor)
		if err != nil {
			return nil, err
		}
		return &sdf.Value{Kind: sdf.Path, Str: s}, nil
	})
}

// nameList parses a quoted name or a list of them.
func (f *full) nameList() (*sdf.Value, error) {
	return f.listOf(func() (*sdf.Value, error) {
		p := f.p
		p.skip()
		at := p.pos
		if c := p.peek(); c != '"' && c != '\'' {
			return nil, p.errAt(at, "expected a quoted name, found %s", p.describe(at))
		}
		s, err := p.quoted()
		if err != nil {
			return nil, err
		}
		return typedString("token", s), nil
	})
}

// relocates parses `{ <src>: <dst>, ... }` into pairs of paths.
func (f *full) relocates(anchor string) (*sdf.Value, error) {
	p := f.p
	if err := p.expect('{', "'{' to start relocates"); err != nil {
		return nil, err
	}
	v := &sdf.Value{Kind: sdf.List, Items: []*sdf.Value{}}
	for {
		p.skip()
		if p.peek() == '}' {
			p.pos++
			return v, nil
		}
		src, err := f.path(anchor)
		if err != nil {
			return nil, err
		}
		if err := p.expect(':', "':' between relocated paths"); err != nil {
			return nil, err
		}
		p.skip()
		dst, err := f.path(anchor)
		if err != nil {
			return nil, err
		}
		v.Items = append(v.Items, &sdf.Value{Kind: sdf.List, Items: []*sdf.Value{
			{Kind: sdf.Path, Str: src}, {Kind: sdf.Path, Str: dst}}})
		p.skip()
		if p.peek() == ',' {
			p.pos++
		}
	}
}

// prim parses a prim spec after its specifier.
func (f *full) prim(specifier, parent string, at int) (*sdf.Prim, error) {
	p := f.p
	f.depth++
	defer func() { f.depth-- }()
	if f.depth > maxPrimDepth {
		return nil, p.errAt(at, "prims nested more than %d deep", maxPrimDepth)
	}
	p.skip()
	prim := &sdf.Prim{Specifier: specifier}
	if c := p.peek(); c != '"' && c != '\'' {
		tat := p.pos
		tn := f.word()
		for tn != "" && p.peek() == '.' {
			p.pos++
			next := f.word()
			if next == "" {
				break
			}
			tn += "." + next
		}
		if tn == "" {
			return nil, p.errAt(tat, "expected a prim type or name, found %s", p.describe(tat))
		}
		prim.TypeName = tn
		p.skip()
	}
	nat := p.pos
	if c := p.peek(); c != '"' && c != '\'' {
		return nil, p.errAt(nat, "expected a quoted prim name, found %s", p.describe(nat))
	}
	name, err := p.quoted()
	if err != nil {
		return nil, err
	}
	if !validIdentifier(name, false) {
		return nil, p.errAt(nat, "%q is not a valid prim name", name)
	}
	prim.Name = name
	prim.Path = childPath(parent, name)
	if f.paths[prim.Path] {
		return nil, p.errAt(nat, "prim %s is declared twice", prim.Path)
	}
	f.paths[prim.Path] = true
	return prim, f.primBody(prim)
}

// childPath is the path of a child prim: below a prim "/A/B", below a
// variant "/A{v=x}B".
func childPath(parent, name string) string {
	if strings.HasSuffix(parent, "}") {
		return parent + name
	}
	return parent + "/" + name
}

// primBody parses the optional metadata and the braced contents of a prim
// or variant.
func (f *full) primBody(prim *sdf.Prim) error {
	p := f.p
	p.skip()
	if p.peek() == '(' {
		p.pos++
		md, err := f.metadata(ctxPrim, prim.Path)
		if err != nil {
			return err
		}
		prim.Metadata = md
	}
	if err := p.expect('{', "'{' to open prim "+prim.Path); err != nil {
		return err
	}
	for {
		f.sep()
		at := p.pos
		switch c := p.peek(); {
		case c == '}':
			p.pos++
			return nil
		case p.pos >= len(p.data):
			return p.errAt(at, "prim %s is not closed: expected '}'", prim.Path)
		}
		kw := f.word()
		if kw == "" {
			return p.errAt(at, "expected a property or prim in %s, found %s", prim.Path, p.describe(at))
		}
		switch kw {
		case "def", "over", "class":
			child, err := f.prim(kw, prim.Path, at)
			if err != nil {
				return err
			}
			prim.Children = append(prim.Children, child)
		case "variantSet":
			if err := f.variantSet(prim, at); err != nil {
				return err
			}
		default:
			if kw == "reorder" {
				save := p.pos
				p.skip()
				switch w := f.word(); w {
				case "nameChildren", "properties":
					p.pos = save
					v, err := f.reorder(w)
					if err != nil {
						return err
					}
					name := "primOrder"
					if w == "properties" {
						name = "propertyOrder"
					}
					prim.Metadata = append(prim.Metadata, sdf.Field{Name: name, Value: v})
					continue
				}
				p.pos = save
			}
			if err := f.property(prim, kw, at); err != nil {
				return err
			}
		}
	}
}

// variantSet parses `variantSet "name" = { "variant" (meta) { ... } ... }`
// after the keyword.
func (f *full) variantSet(prim *sdf.Prim, at int) error {
	p := f.p
	p.skip()
	nat := p.pos
	if c := p.peek(); c != '"' && c != '\'' {
		return p.errAt(nat, "expected a quoted variant set name, found %s", p.describe(nat))
	}
	name, err := p.quoted()
	if err != nil {
		return err
	}
	if err := p.expect('=', "'=' after variantSet "+strconv.Quote(name)); err != nil {
		return err
	}
	if err := p.expect('{', "'{' to open variant set "+name); err != nil {
		return err
	}
	var vs *sdf.VariantSet
	for _, s := range prim.VariantSets {
		if s.Name == name {
			vs = s
		}
	}
	if vs == nil {
		vs = &sdf.VariantSet{Name: name}
		prim.VariantSets = append(prim.VariantSets, vs)
	}
	for {
		f.sep()
		vat := p.pos
		switch c := p.peek(); {
		case c == '}':
			p.pos++
			return nil
		case c == '"' || c == '\'':
		default:
			return p.errAt(vat, "expected a quoted variant name or '}' in variant set %s of %s, found %s", name, prim.Path, p.describe(vat))
		}
		vname, err := p.quoted()
		if err != nil {
			return err
		}
		v := &sdf.Prim{Name: vname, Path: variantPath(prim.Path, name, vname)}
		f.depth++
		if f.depth > maxPrimDepth {
			return p.errAt(vat, "prims nested more than %d deep", maxPrimDepth)
		}
		err = f.primBody(v)
		f.depth--
		if err != nil {
			return err
		}
		vs.Variants = append(vs.Variants, v)
	}
}

// variantPath is the path of a variant: "/A{set=name}"; inside another
// variant "/A{set=x}{inner=y}".
func variantPath(prim, set, name string) string {
	return prim + "{" + set + "=" + name + "}"
}

// property parses an attribute or relationship declaration whose first
// word is first, and merges it into the prim's property of that name.
func (f *full) property(prim *sdf.Prim, first string, at int) error {
	p := f.p
	word := first
	op := ""
	if o, ok := opOfWord[word]; ok {
		op = o
		p.skip()
		word = f.word()
	}
	custom, variability := false, ""
	for {
		switch word {
		case "custom":
			custom = true
		case "uniform", "config", "varying":
			variability = word
		default:
			goto declared
		}
		p.skip()
		wat := p.pos
		if word = f.word(); word == "" {
			return p.errAt(wat, "expected a property type or rel, found %s", p.describe(wat))
		}
	}
declared:
	isRel := word == "rel"
	typeName := ""
	if !isRel {
		typeName = word
		if bytes.HasPrefix(p.data[p.pos:], []byte("[]")) {
			p.pos += 2
			typeName += "[]"
		}
	}
	p.skip()
	nat := p.pos
	name := f.word()
	if name == "" {
		return p.errAt(nat, "expected a property name in %s, found %s", prim.Path, p.describe(nat))
	}
	if !utf8.ValidString(name) {
		return p.errAt(nat, "property name is not valid UTF-8")
	}
	prop := findProperty(prim, name)
	if prop == nil {
		prop = &sdf.Property{Name: name, Relationship: isRel}
		prim.Properties = append(prim.Properties, prop)
	}
	prop.Custom = prop.Custom || custom
	// Only what differs from the default: attributes vary, relationships
	// are uniform.
	if variability == "varying" && !isRel || variability == "uniform" && isRel {
		variability = ""
	}
	if variability != "" {
		prop.Variability = variability
	}
	where := fmt.Sprintf("%s.%s", prim.Path, name)
	var vt sdf.ValueType
	if !isRel {
		var ok bool
		if vt, ok = sdf.LookupType(typeName); !ok {
			return p.errAt(at, "attribute %s has unknown value type %q", where, typeName)
		}
		if prop.TypeName == "" {
			prop.TypeName = vt.Name
		}
		f.durations = f.durations || strings.HasPrefix(vt.Name, "duration")
		where = fmt.Sprintf("attribute %s (%s)", where, vt.Name)
	} else {
		where = "relationship " + where
	}
	// .connect, .timeSamples, .spline, .default
	if p.peek() == '.' {
		p.pos++
		sat := p.pos
		suffix := f.word()
		if err := p.expect('=', "'=' after ."+suffix); err != nil {
			return err
		}
		p.skip()
		switch {
		case suffix == "connect" && !isRel:
			v, err := f.pathList(prim.Path)
			if err != nil {
				return err
			}
			prop.Connections = addOp(prop.Connections, op, v)
			return nil
		case suffix == "timeSamples":
			return f.timeSamples(prop, vt, isRel, where, prim.Path)
		case suffix == "spline" && !isRel:
			prop.Spline = true
			return f.skipBraces()
		case suffix == "default" && isRel:
			s, err := f.path(prim.Path)
			if err != nil {
				return err
			}
			prop.Metadata = append(prop.Metadata, sdf.Field{Name: "default", Value: &sdf.Value{Kind: sdf.Path, Str: s}})
			return nil
		}
		return p.errAt(sat, "%s: unknown field .%s", where, suffix)
	}
	if isRel && p.peek() == '[' {
		return p.errAt(p.pos, "%s: relational attributes (rel name[<target>]) are not supported", where)
	}
	p.skip()
	if p.peek() == '=' {
		p.pos++
		p.skip()
		if isRel {
			v, err := f.pathList(prim.Path)
			if err != nil {
				return err
			}
			prop.Targets = addOp(prop.Targets, op, v)
		} else {
			vat := p.pos
			if w := f.word(); w == "None" || w == "AnimationBlock" {
				prop.Default = &sdf.Value{Kind: sdf.Block}
				if w == "AnimationBlock" {
					prop.Default.Str = w
				}
			} else {
				p.pos = vat
				v, err := f.typed(vt, where)
				if err != nil {
					return err
				}
				prop.Default = v
			}
		}
	} else if isRel && op != "" {
		return p.errAt(p.pos, "%s: expected '=' after a list operation", where)
	}
	p.skip()
	if p.peek() == '(' {
		p.pos++
		ctx := ctxAttribute
		if isRel {
			ctx = ctxRelationship
		}
		md, err := f.metadata(ctx, prim.Path)
		if err != nil {
			return err
		}
		prop.Metadata = append(prop.Metadata, md...)
	}
	return nil
}

func findProperty(prim *sdf.Prim, name string) *sdf.Property {
	for _, q := range prim.Properties {
		if q.Name == name {
			return q
		}
	}
	return nil
}

// timeSamples parses `{ time: value, ... }` after `.timeSamples =`.
func (f *full) timeSamples(prop *sdf.Property, vt sdf.ValueType, isRel bool, where, anchor string) error {
	p := f.p
	if err := p.expect('{', "'{' to start time samples"); err != nil {
		return err
	}
	prop.HasTimeSamples = true
	if prop.TimeSamples == nil {
		prop.TimeSamples = []sdf.TimeSample{}
	}
	for {
		p.skip()
		if p.peek() == '}' {
			p.pos++
			return nil
		}
		t, err := p.float()
		if err != nil {
			return err
		}
		if err := p.expect(':', "':' after a sample time"); err != nil {
			return err
		}
		p.skip()
		vat := p.pos
		var v *sdf.Value
		if w := f.word(); w == "None" || w == "AnimationBlock" {
			v = &sdf.Value{Kind: sdf.Block}
		} else {
			p.pos = vat
			if isRel {
				v, err = f.pathList(anchor)
			} else {
				v, err = f.typed(vt, where)
			}
			if err != nil {
				return err
			}
		}
		prop.TimeSamples = append(prop.TimeSamples, sdf.TimeSample{Time: t, Value: v})
		p.skip()
		if p.peek() == ',' {
			p.pos++
		}
	}
}

// skipBraces passes over a braced block whose contents this package does
// not read (a spline), minding strings.
func (f *full) skipBraces() error {
	p := f.p
	at := p.pos
	if err := p.expect('{', "'{'"); err != nil {
		return err
	}
	depth := 1
	for depth > 0 {
		p.skip()
		if p.pos >= len(p.data) {
			return p.errAt(at, "block is not closed: expected '}'")
		}
		switch c := p.data[p.pos]; c {
		case '{':
			depth++
			p.pos++
		case '}':
			depth--
			p.pos++
		case '"', '\'':
			if _, err := p.quoted(); err != nil {
				return err
			}
		default:
			p.pos++
		}
	}
	return nil
}

// typed parses a value of type vt; where names the attribute or entry in
// errors.
func (f *full) typed(vt sdf.ValueType, where string) (*sdf.Value, error) {
	p := f.p
	v := &sdf.Value{Kind: sdf.Typed, Type: vt.Name, Data: sdf.Data{VT: vt}}
	if vt.Scalar == sdf.Opaque {
		return nil, p.errAt(p.pos, "%s: values of type %s cannot be authored", where, vt.Name)
	}
	wrap := func(err error) error {
		var se *SyntaxError
		if errors.As(err, &se) && !strings.HasPrefix(se.Msg, where) {
			se.Msg = where + ": " + se.Msg
		}
		return err
	}
	if !vt.Array {
		return v, wrap(f.element(&v.Data))
	}
	if err := p.expect('[', "'[' to start an array"); err != nil {
		return nil, wrap(err)
	}
	for {
		p.skip()
		if p.peek() == ']' {
			p.pos++
			return v, nil
		}
		if err := f.element(&v.Data); err != nil {
			return nil, wrap(err)
		}
		p.skip()
		switch p.peek() {
		case ',':
			p.pos++
		case ']':
		default:
			return nil, wrap(p.errAt(p.pos, "expected ',' or ']' in an array, found %s", p.describe(p.pos)))
		}
	}
}

// element parses one element of d's type: a scalar, a tuple, or a matrix
// of rows.
func (f *full) element(d *sdf.Data) error {
	p := f.p
	w := d.VT.Width
	switch {
	case w == 1:
		return f.scalar(d)
	case d.VT.Matrix:
		rows := int(math.Sqrt(float64(w)))
		if err := p.expect('(', "'(' to start a matrix"); err != nil {
			return err
		}
		for r := range rows {
			if r > 0 {
				if err := p.expect(',', "',' between matrix rows"); err != nil {
					return err
				}
			}
			if err := f.tuple(d, rows); err != nil {
				return err
			}
		}
		p.skip()
		if p.peek() == ',' {
			p.pos++
		}
		return p.expect(')', "')' to close a matrix")
	}
	return f.tuple(d, w)
}

func (f *full) tuple(d *sdf.Data, n int) error {
	p := f.p
	if err := p.expect('(', fmt.Sprintf("'(' to start a %d-tuple", n)); err != nil {
		return err
	}
	for i := range n {
		if i > 0 {
			if err := p.expect(',', fmt.Sprintf("',' in a %d-tuple", n)); err != nil {
				return err
			}
		}
		if err := f.scalar(d); err != nil {
			return err
		}
	}
	p.skip()
	if p.peek() == ',' {
		p.pos++
	}
	return p.expect(')', fmt.Sprintf("')' to close a %d-tuple", n))
}

// scalar parses one scalar of d's type and appends it.
func (f *full) scalar(d *sdf.Data) error {
	p := f.p
	p.skip()
	at := p.pos
	s := d.VT.Scalar
	switch {
	case s.IsFloat():
		x, err := p.float()
		if err != nil {
			return err
		}
		switch s {
		case sdf.Float:
			x = float64(narrow(x))
		case sdf.Half:
			x = float64(halfOf(x))
		}
		d.Nums = append(d.Nums, x)
	case s == sdf.UInt64:
		tok, err := p.numberToken()
		if err != nil {
			return err
		}
		u, err := strconv.ParseUint(tok, 10, 64)
		if err != nil {
			return p.errAt(at, "%s is not a uint64", p.describe(at))
		}
		d.Ints = append(d.Ints, int64(u))
	case s.IsInt():
		lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
		switch s {
		case sdf.Int:
			lo, hi = math.MinInt32, math.MaxInt32
		case sdf.UInt:
			lo, hi = 0, math.MaxUint32
		case sdf.UChar:
			lo, hi = 0, math.MaxUint8
		}
		v, err := p.integer(lo, hi)
		if err != nil {
			return err
		}
		d.Ints = append(d.Ints, v)
	case s == sdf.Bool:
		b, err := p.boolean()
		if err != nil {
			return err
		}
		d.Bools = append(d.Bools, b)
	case s == sdf.Asset:
		if p.peek() != '@' {
			return p.errAt(at, "expected an asset path (@path@), found %s", p.describe(at))
		}
		str, err := f.asset()
		if err != nil {
			return err
		}
		d.Strs = append(d.Strs, str)
	case s.IsText():
		if c := p.peek(); c != '"' && c != '\'' {
			return p.errAt(at, "expected a quoted %s, found %s", d.VT.Name, p.describe(at))
		}
		str, err := p.quoted()
		if err != nil {
			return err
		}
		d.Strs = append(d.Strs, str)
	default:
		return p.errAt(at, "values of type %s cannot be authored", d.VT.Name)
	}
	return nil
}

// halfOf rounds a number read as a double to a half, through float as
// OpenUSD does, and widens it back.
func halfOf(x float64) float32 {
	return formats.HalfToFloat32(formats.HalfFromFloat32(narrow(x)))
}
