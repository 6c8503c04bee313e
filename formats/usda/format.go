// Package usda reads and writes OpenUSD's text layers (.usda) in pure Go, for
// the subset of the language that scene layers of this kind use.
package usda

import (
	"errors"

	"github.com/scenebench/runner/formats"
)

func init() { formats.Register(Format{}) }

// Format is the "usda" format.
type Format struct{}

// Name implements formats.Format.
func (Format) Name() string { return "usda" }

// Extension implements formats.Format.
func (Format) Extension() string { return ".usda" }

// Options implements formats.Format.
func (Format) Options() []formats.Option {
	return []formats.Option{
		{Name: "specifier", Kind: formats.OptString, Default: "over", Allowed: []string{"over", "def"},
			Doc: "specifier of every prim spec"},
		{Name: "type_name", Kind: formats.OptString, Default: "",
			Doc: "type name of the prims that carry properties (empty for none)"},
	}
}

var errTODO = errors.New("usda: not implemented yet")

// Create implements formats.Format.
func (Format) Create(path string, opts formats.Options, info formats.SceneInfo) (formats.Writer, error) {
	return nil, errTODO
}

// Open implements formats.Format.
func (Format) Open(path string, opts formats.Options) (formats.Reader, error) {
	return nil, errTODO
}
