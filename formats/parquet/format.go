// Package parquet stores scenes as Parquet files laid out like the OpenUSD
// Parquet plugin's: one row per prim in layer order, a "path" string column
// plus one natively typed column per property, and the scene description
// (schema preset, hierarchy, seed, prims, each property's USD type) in the
// file's key/value metadata. Its reader opens from the footer, finds prims
// through an eager path map (as the plugin does) or a lazy hash index stored
// in the file (see index.go), and decodes column chunks on demand into a
// block cache kept per (column, row group) within a byte budget.
package parquet

import (
	"bytes"

	"github.com/scenebench/runner/formats"
)

// magic opens and closes every Parquet file.
const magic = "PAR1"

func init() { formats.Register(Format{}) }

// Format is the "parquet" format.
type Format struct{}

// Name implements formats.Format.
func (Format) Name() string { return "parquet" }

// Extension implements formats.Format.
func (Format) Extension() string { return ".parquet" }

// Sniff implements formats.Sniffer.
func (Format) Sniff(head []byte) bool { return bytes.HasPrefix(head, []byte(magic)) }

// The option names, each spelled once: the declarations below and the
// writer and reader read them through these.
const (
	optCompression      = "compression"
	optCompressionLevel = "compression_level"
	optRowGroupSize     = "row_group_size"
	optDictionary       = "dictionary"
	optStatistics       = "statistics"
	optPageSize         = "page_size"
	optIndex            = "index"
	optCacheBudget      = "cache_budget"
)

// Options implements formats.Format.
func (Format) Options() []formats.Option {
	return []formats.Option{
		{Name: optCompression, Kind: formats.OptString, Default: "snappy",
			Allowed: []string{"none", "snappy", "zstd", "lz4", "gzip", "brotli"},
			Doc:     "column chunk codec (lz4 is LZ4_RAW)"},
		{Name: optCompressionLevel, Kind: formats.OptInt, Default: int64(0), Min: 0,
			Doc: "codec level; 0 is the codec's default", LabelPrefix: "l"},
		{Name: optRowGroupSize, Kind: formats.OptInt, Default: int64(1000), Min: 1,
			Doc: "rows per row group", LabelPrefix: "rg"},
		{Name: optDictionary, Kind: formats.OptBool, Default: true,
			Doc: "dictionary-encode columns", LabelPrefix: ""},
		{Name: optStatistics, Kind: formats.OptBool, Default: true,
			Doc: "write min/max statistics per column chunk"},
		{Name: optPageSize, Kind: formats.OptInt, Default: int64(1 << 20), Min: 1024,
			Doc: "target data page size in bytes", LabelPrefix: "page"},
		{Name: optIndex, Kind: formats.OptString, Default: "eager", Allowed: []string{"eager", "lazy"},
			Doc: "eager: read the path column at open (the plugin's way); lazy: open reads a fixed-size tail and prims are found through the hash index stored in the file", ReadOnly: true},
		{Name: optCacheBudget, Kind: formats.OptInt, Default: int64(0), Min: 0,
			Doc: "bytes of decoded blocks kept (LRU); 0 = unlimited", LabelPrefix: "cache", ReadOnly: true},
	}
}

// Create implements formats.Format.
func (Format) Create(path string, opts formats.Options, info formats.SceneInfo) (formats.Writer, error) {
	return create(path, opts, info)
}

// Open implements formats.Format.
func (Format) Open(path string, opts formats.Options) (formats.Reader, error) {
	return open(path, opts)
}
