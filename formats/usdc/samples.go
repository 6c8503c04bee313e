package usdc

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/scenebench/runner/formats"
)

// Time samples, as OpenUSD's crate writes an attribute's timeSamples field
// (CrateFile::_Writer::Write(TimeSamples) in crateFile.cpp): the field's
// ValueRep has type TimeSamples (46) and points at
//
//	i64 jump to the times' rep, relative to the jump's own position
//	    (the times' DoubleVector data, when first written, sits in between)
//	u64 ValueRep of the times: a DoubleVector (48), shared by every
//	    attribute with the same times
//	i64 jump to the count, relative to its own position (8: the sample
//	    values were written before)
//	u64 n
//	n x u64 ValueRep of each sample's value, in time order
//
// OpenUSD packs every attribute's samples after all specs, time by time,
// so that the values of one time sit together. A streaming writer cannot
// hold the whole scene, so it does the same within each batch (in chunks
// of at most maxPendingReps reps): the values of one time of a batch's
// prims sit together, then each prim's TimeSamples follow.

// maxPendingReps bounds the reps of sample values held between packing a
// chunk of a batch's samples and writing its prims' TimeSamples (8 bytes
// each).
const maxPendingReps = 1 << 18

// animated lists the columns of the scene's animated properties.
func (w *writer) animated() []int {
	var cols []int
	for j, p := range w.props {
		if p.Samples.Count > 0 {
			cols = append(cols, j)
		}
	}
	return cols
}

// sampleChunk returns the end of the chunk of rows starting at lo whose
// sample reps fit in maxPendingReps (at least one row).
func (w *writer) sampleChunk(lo, rows int) int {
	if w.perRow == 0 {
		return rows
	}
	return min(rows, lo+max(1, maxPendingReps/w.perRow))
}

// packSamples writes the sample values of rows [lo, hi) of b's animated
// columns, time by time, and keeps their reps in w.pending:
// w.pending[w.pendAt[a]+k*(hi-lo)+(i-lo)] for animated column a.
func (w *writer) packSamples(b *formats.Batch, lo, hi int) error {
	w.pending = w.pending[:0]
	for a, c := range w.anim {
		col := &b.Columns[c]
		w.pendAt[a] = len(w.pending)
		for k := range col.Samples {
			s := &col.Samples[k]
			for i := lo; i < hi; i++ {
				if !col.Has(i) {
					w.pending = append(w.pending, 0)
					continue
				}
				rep, err := w.packValue(s, i)
				if err != nil {
					return fmt.Errorf("prim %q property %q, time sample %d (time %v): %w",
						b.Paths[i], col.Property.Name, k, col.Property.Samples.Time(k), err)
				}
				w.pending = append(w.pending, rep)
			}
		}
	}
	return nil
}

// timeSamples writes the TimeSamples value of row i (chunk rows [lo, hi))
// of animated column a and returns its rep.
func (w *writer) timeSamples(a, i, lo, hi int) valueRep {
	le := binary.LittleEndian
	p := &w.props[w.anim[a]]
	count := p.Samples.Count
	at := w.pos
	b := le.AppendUint64(w.tsBuf[:0], 0)
	timesRep, ok := w.timesRep[p.Samples]
	if !ok {
		// The first attribute with these times writes them inside the
		// jump, as OpenUSD's recursive write does.
		timesRep = offsetRep(tDoubleVector, at+8)
		b = le.AppendUint64(b, uint64(count))
		for k := range count {
			b = le.AppendUint64(b, math.Float64bits(p.Samples.Time(k)))
		}
		w.timesRep[p.Samples] = timesRep
	}
	le.PutUint64(b, uint64(len(b)))
	b = le.AppendUint64(b, uint64(timesRep))
	b = le.AppendUint64(b, 8)
	b = le.AppendUint64(b, uint64(count))
	n := hi - lo
	for k := range count {
		b = le.AppendUint64(b, uint64(w.pending[w.pendAt[a]+k*n+i-lo]))
	}
	w.tsBuf = b
	w.writeBytes(b)
	return offsetRep(tTimeSamples, at)
}
