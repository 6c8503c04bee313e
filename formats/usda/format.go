// Package usda reads and writes OpenUSD's text layers (.usda) in pure Go.
// The writer lays scene layers out (metadata, nested prims with specifiers
// and types, typed attributes with default values) byte for byte as
// OpenUSD's own writer does. The reader parses a scene layer at open into
// a compact columnar form (parse.go); a layer using more of the language
// goes through OpenUSD's whole text grammar (full.go) into an sdf.Layer,
// which runner cat prints and whose scene the reader then presents. What
// OpenUSD rejects fails with a file:line:column error.
package usda

import (
	"bytes"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/sdf"
)

// header opens every text layer of the version this package reads and
// writes.
const header = "#usda 1.0"

// signature is what Sniff looks for: "#usda" without the version, so that
// a layer of another version is recognised as usda and then refused by the
// parser with a message naming the header it wants.
const signature = "#usda"

func init() { formats.Register(Format{}) }

// Format is the "usda" format.
type Format struct{}

// Name implements formats.Format.
func (Format) Name() string { return "usda" }

// Extension implements formats.Format.
func (Format) Extension() string { return ".usda" }

// Sniff implements formats.Sniffer.
func (Format) Sniff(head []byte) bool { return bytes.HasPrefix(head, []byte(signature)) }

// The option names, each spelled once.
const (
	optSpecifier = "specifier"
	optTypeName  = "type_name"
)

// Options implements formats.Format.
func (Format) Options() []formats.Option {
	return []formats.Option{
		{Name: optSpecifier, Kind: formats.OptString, Default: "over", Allowed: []string{"over", "def"},
			Doc: "specifier of every prim spec"},
		{Name: optTypeName, Kind: formats.OptString, Default: "",
			Doc: "type name of the prims that carry properties (empty for none)"},
	}
}

// Create implements formats.Format.
func (Format) Create(path string, opts formats.Options, info formats.SceneInfo) (formats.Writer, error) {
	return create(path, opts, info)
}

// Open implements formats.Format.
func (Format) Open(path string, opts formats.Options) (formats.Reader, error) {
	return OpenFile(path)
}

// OpenLayer reads the whole layer at path (sdf.LayerOpener).
func (Format) OpenLayer(path string) (*sdf.Layer, func() error, error) {
	l, err := ReadLayer(path)
	return l, func() error { return nil }, err
}
