package usdc

import (
	"bytes"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/sdf"
)

func init() { formats.Register(Format{}) }

// Format is the "usdc" format.
type Format struct{}

// Name implements formats.Format.
func (Format) Name() string { return "usdc" }

// Extension implements formats.Format.
func (Format) Extension() string { return ".usdc" }

// Sniff implements formats.Sniffer: a crate file starts with its magic.
func (Format) Sniff(head []byte) bool { return bytes.HasPrefix(head, []byte(magic)) }

// The option names, each spelled once.
const (
	optVersion   = "version"
	optCompress  = "compress"
	optSpecifier = "specifier"
	optTypeName  = "type_name"
)

// Options implements formats.Format.
func (Format) Options() []formats.Option {
	return []formats.Option{
		{Name: optVersion, Kind: formats.OptString, Default: "0.8.0",
			Allowed: []string{"0.8.0", "0.9.0", "0.10.0"}, Doc: "crate version written", LabelPrefix: "v"},
		{Name: optCompress, Kind: formats.OptBool, Default: true,
			Doc: "compress int, float and double arrays as OpenUSD does (structural sections are always compressed)"},
		{Name: optSpecifier, Kind: formats.OptString, Default: "over", Allowed: []string{"over", "def"},
			Doc: "specifier of every prim spec"},
		{Name: optTypeName, Kind: formats.OptString, Default: "",
			Doc: "type name of the prims that carry properties (empty for none)"},
	}
}

// Create implements formats.Format.
func (Format) Create(path string, opts formats.Options, info formats.SceneInfo) (formats.Writer, error) {
	w, err := newWriter(path, opts, info)
	if err != nil {
		return nil, err
	}
	return w, nil
}

// Open implements formats.Format.
func (Format) Open(path string, opts formats.Options) (formats.Reader, error) {
	return Open(path)
}

// OpenLayer reads the layer at path as it is visited (sdf.LayerOpener):
// each prim's children are decoded when reached, so that printing a layer
// of millions of prims holds one branch at a time. release closes the
// file.
func (Format) OpenLayer(path string) (*sdf.Layer, func() error, error) {
	r, err := Open(path)
	if err != nil {
		return nil, nil, err
	}
	l, err := r.layer(true)
	if err != nil {
		r.Close()
		return nil, nil, err
	}
	return l, r.Close, nil
}
