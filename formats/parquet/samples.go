package parquet

import (
	"errors"
	"fmt"

	"github.com/scenebench/runner/formats"
)

// Time samples: an animated property's sample k is the column
// sampleColumn(name, k), read through the same block cache as the
// property's own column. A frame (every prim at one time) is one column
// chunk per row group; a prim's whole curve is one chunk per sample.

var _ formats.Sampler = (*reader)(nil)

// SampleTimes implements formats.Sampler: the times the scene metadata
// declares for the property (one slice shared by every prim, not to be
// modified), nil for an unanimated property or a prim without a value.
func (r *reader) SampleTimes(prim formats.PrimHandle, property formats.PropertyHandle) ([]float64, error) {
	ci, _, _, err := r.sampled(prim, property)
	if err != nil || ci < 0 {
		return nil, err
	}
	return r.times[ci], nil
}

// GetSample implements formats.Sampler: sample k of SampleTimes, from row
// prim of the column sampleColumn(name, k). A null there is a blocked
// sample (formats.ErrNoValue).
func (r *reader) GetSample(prim formats.PrimHandle, property formats.PropertyHandle, k int, dst *formats.Value) error {
	ci, g, i, err := r.sampled(prim, property)
	if err != nil {
		return err
	}
	if ci < 0 {
		return &formats.NoValueError{File: r.name, Prim: r.primName(prim), Property: r.props[property].Name, Why: "null"}
	}
	if k < 0 || k >= len(r.times[ci]) {
		return fmt.Errorf("parquet %s: prim %s property %q: sample %d of %d: %w",
			r.name, r.primName(prim), r.props[ci].Name, k, len(r.times[ci]), formats.ErrNotFound)
	}
	sc := r.sample0[ci] + k
	if b := r.blocks.get(sc, g); b != nil && (b.null == nil || !b.null[i]) {
		if r.cache != nil {
			r.cache.touch(b)
		}
		if b.hot == hotDouble {
			dst.Type, dst.Num = formats.Double, b.f64[i]
			return nil
		}
		return b.value(i, dst)
	}
	switch err := r.valueAt(g, i, sc, dst); {
	case errors.Is(err, errNull):
		return &formats.NoValueError{File: r.name, Prim: r.primName(prim), Property: r.props[ci].Name,
			Why: fmt.Sprintf("blocked time sample %d (column %q is null)", k, r.sampleName(ci, k))}
	case err != nil:
		return fmt.Errorf("parquet %s: prim %s property %q: column %q: %w", r.name, r.primName(prim), r.props[ci].Name, r.sampleName(ci, k), err)
	}
	return nil
}

// sampleName is the column name of property column ci's sample k.
func (r *reader) sampleName(ci, k int) string {
	return sampleColumn(columnNames(r.props)[ci], k)
}

// sampled finds which column of property's name holds prim's value, the
// one whose samples apply (-1 when no column holds one: no value, so no
// samples), and prim's row group and row within it.
func (r *reader) sampled(prim formats.PrimHandle, property formats.PropertyHandle) (ci, g, i int, err error) {
	if prim < 0 || int64(prim) >= r.rows || property < 0 || int(property) >= len(r.props) {
		return -1, 0, 0, r.badHandles(prim, property)
	}
	if r.closed.Load() {
		return -1, 0, 0, fmt.Errorf("parquet %s: %w", r.name, errClosed)
	}
	g, i = r.rowGroupOf(int64(prim))
	ci = int(property)
	if r.alt[ci] < 0 && !r.props[ci].Sparse {
		return ci, g, i, nil // every prim has a value
	}
	for first := ci; ; {
		b, err := r.block(g, ci)
		if err != nil {
			return -1, g, i, fmt.Errorf("parquet %s: prim %s property %q: %w", r.name, r.primName(prim), r.props[ci].Name, err)
		}
		if b.null == nil || !b.null[i] {
			return ci, g, i, nil
		}
		if ci = r.alt[ci]; ci < 0 || ci == first {
			return -1, g, i, nil
		}
	}
}
