package parquet

import "github.com/scenebench/runner/formats"

// Estimate implements formats.Estimator. The file is about the raw size
// (codecs shrink it; the 12-byte index entry per prim is added); the
// writer holds a row group's columns, decoded and encoded, and 20 bytes
// per prim for the index it writes at the end. Measured at 1M prims of
// building20 with payload: 1.11 GiB for 1.17 GB raw.
func (Format) Estimate(raw formats.RawSize, opts formats.Options) formats.Footprint {
	rg := float64(min(opts.Int(optRowGroupSize), max(raw.Prims, 1)))
	return formats.Footprint{
		FileBytes:   int64(float64(raw.Prims)*(raw.PerPrim()*1.1+entrySize)) + 1<<20,
		MemoryBytes: int64(3*rg*raw.PerPrim()+20*float64(raw.Prims)) + 64<<20,
	}
}
