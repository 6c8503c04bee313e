package formats

// Footprint is what writing a scene in a format takes, estimated before
// the write starts: the file's size and the writer's peak memory, bytes.
type Footprint struct {
	FileBytes, MemoryBytes int64
}

// RawSize is a scene's size before any format: its prim count, the mean
// bytes of one prim's values (numbers at their width, strings at their
// length, arrays at length x element) and the mean bytes of a path.
type RawSize struct {
	Prims     int64
	ValueSize float64
	PathSize  float64
}

// PerPrim is ValueSize + PathSize.
func (r RawSize) PerPrim() float64 { return r.ValueSize + r.PathSize }

// Estimator is implemented by formats that can estimate a write's
// footprint, so that runner can refuse a dataset the machine cannot hold
// before it spends an hour writing it. Estimates err on the large side.
type Estimator interface {
	Estimate(raw RawSize, opts Options) Footprint
}

// Estimate returns f's estimate for raw, or a generic one (file and memory
// twice the raw size) for formats that give none.
func Estimate(f Format, raw RawSize, opts Options) Footprint {
	if e, ok := f.(Estimator); ok {
		return e.Estimate(raw, opts)
	}
	b := int64(2 * float64(raw.Prims) * raw.PerPrim())
	return Footprint{FileBytes: b, MemoryBytes: b}
}
