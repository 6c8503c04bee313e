package usdc

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/scenebench/runner/formats"
)

// The reader's side of time samples (layout in samples.go). At open, as
// OpenUSD does, each animated attribute's TimeSamples header is read: the
// times, decoded once per distinct DoubleVector rep and shared, and where
// its n sample reps lie. A sample's value is decoded from the mapped file
// on each GetSample, like a default on GetHandle.

// sampleRec locates one attribute's time samples.
type sampleRec struct {
	times int32  // index into Reader.times
	reps  uint64 // file offset of the first of len(times) sample reps
}

// timesIndex shares decoded times vectors by their rep while indexing;
// last remembers the latest, since neighbouring attributes usually share
// one.
type timesIndex struct {
	byRep map[valueRep]int32
	last  valueRep
	idx   int32
}

func newTimesIndex() *timesIndex { return &timesIndex{byRep: map[valueRep]int32{}, idx: -1} }

// sampleRecord reads the TimeSamples value rep (an attribute's
// timeSamples field): the jump to the times' rep, the jump to the count
// n, and the n reps, which must lie in the file; the times must be a
// double vector of n ascending numbers.
func (r *Reader) sampleRecord(rep valueRep, ts *timesIndex) (sampleRec, error) {
	c := r.c
	if rep.typ() != tTimeSamples || rep.isInlined() || rep.isArray() {
		return sampleRec{}, fmt.Errorf("usdc: %s: a timeSamples field holds a %s value", c.name, typeCodeName(rep.typ()))
	}
	le := binary.LittleEndian
	jump := func(at uint64) (uint64, error) {
		b, err := c.bytesAt(at, 8, "time samples jump")
		if err != nil {
			return 0, err
		}
		to := int64(at) + int64(le.Uint64(b))
		if to < 0 || to > int64(len(c.data)) {
			return 0, c.errorf(int64(at), "time samples jump to %d, outside the file (size %d)", to, len(c.data))
		}
		return uint64(to), nil
	}
	at, err := jump(rep.payload())
	if err != nil {
		return sampleRec{}, err
	}
	b, err := c.bytesAt(at, 8, "time samples times")
	if err != nil {
		return sampleRec{}, err
	}
	timesRep := valueRep(le.Uint64(b))
	if at, err = jump(at + 8); err != nil {
		return sampleRec{}, err
	}
	if b, err = c.bytesAt(at, 8, "time samples count"); err != nil {
		return sampleRec{}, err
	}
	n := le.Uint64(b)
	if n > (uint64(len(c.data))-at-8)/8 {
		return sampleRec{}, c.errorf(int64(at), "%d time sample values run past the end of the file (size %d)", n, len(c.data))
	}
	ti, ok := ts.idx, ts.idx >= 0 && ts.last == timesRep
	if !ok {
		ti, ok = ts.byRep[timesRep]
	}
	if !ok {
		times, err := c.sampleTimes(timesRep)
		if err != nil {
			return sampleRec{}, err
		}
		ti = int32(len(r.times))
		r.times = append(r.times, times)
		ts.byRep[timesRep] = ti
	}
	ts.last, ts.idx = timesRep, ti
	if got := uint64(len(r.times[ti])); got != n {
		return sampleRec{}, c.errorf(int64(at), "%d time sample values for %d times", n, got)
	}
	return sampleRec{times: ti, reps: at + 8}, nil
}

// sampleTimes decodes the times of time samples: a double vector (u64
// count, then the doubles), strictly ascending.
func (c *crate) sampleTimes(rep valueRep) ([]float64, error) {
	if rep.typ() != tDoubleVector || rep.isInlined() || rep.isArray() {
		return nil, fmt.Errorf("usdc: %s: time sample times are a %s value, not a DoubleVector", c.name, typeCodeName(rep.typ()))
	}
	le := binary.LittleEndian
	at := rep.payload()
	b, err := c.bytesAt(at, 8, "time sample times")
	if err != nil {
		return nil, err
	}
	n := le.Uint64(b)
	if n > (uint64(len(c.data))-at-8)/8 {
		return nil, c.errorf(int64(at), "%d time sample times run past the end of the file (size %d)", n, len(c.data))
	}
	if n == 0 {
		return nil, nil
	}
	times := make([]float64, n)
	b = c.data[at+8:]
	for k := range times {
		times[k] = math.Float64frombits(le.Uint64(b[8*k:]))
		if k > 0 && !(times[k] > times[k-1]) {
			return nil, c.errorf(int64(at+8+8*uint64(k)), "time sample time %v after %v: times must ascend", times[k], times[k-1])
		}
		if math.IsNaN(times[k]) {
			return nil, c.errorf(int64(at+8+8*uint64(k)), "time sample time is NaN")
		}
	}
	return times, nil
}

// sortSamples orders the sampled attributes by attribute index (specs may
// list them in any order) for sampleOf.
func (r *Reader) sortSamples() {
	if sort.SliceIsSorted(r.sampAttr, func(i, j int) bool { return r.sampAttr[i] < r.sampAttr[j] }) {
		return
	}
	idx := make([]int, len(r.sampAttr))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(i, j int) bool { return r.sampAttr[idx[i]] < r.sampAttr[idx[j]] })
	attrs, recs := make([]int32, len(idx)), make([]sampleRec, len(idx))
	for k, i := range idx {
		attrs[k], recs[k] = r.sampAttr[i], r.samp[i]
	}
	r.sampAttr, r.samp = attrs, recs
}

// indexSamples notes, for each prim record, where its attributes' time
// samples begin in sampAttr (kept only when the file has samples).
func (r *Reader) indexSamples() {
	r.sortSamples()
	if len(r.sampAttr) == 0 {
		return
	}
	r.sampStart = make([]int32, len(r.prims))
	k := 0
	for rec := range r.prims {
		for k < len(r.sampAttr) && r.sampAttr[k] < r.prims[rec].attrStart {
			k++
		}
		r.sampStart[rec] = int32(k)
	}
}

// sampleOf returns the time samples of attribute a (which has them) of
// prim record rec (-1 when not known).
func (r *Reader) sampleOf(rec, a int32) *sampleRec {
	if rec < 0 {
		k, _ := slices.BinarySearch(r.sampAttr, a)
		return &r.samp[k]
	}
	// A prim's sampled attributes are few and consecutive.
	k := r.sampStart[rec]
	for r.sampAttr[k] != a {
		k++
	}
	return &r.samp[k]
}

// sampleRep returns the rep of sample i of attribute a of prim record rec
// (-1 when not known); ok is false when it has no such sample.
func (r *Reader) sampleRep(rec, a int32, i int) (rep valueRep, ok bool) {
	if !r.attrs[a].sampled {
		return 0, false
	}
	s := r.sampleOf(rec, a)
	if uint(i) >= uint(len(r.times[s.times])) {
		return 0, false
	}
	return valueRep(binary.LittleEndian.Uint64(r.c.data[s.reps+8*uint64(i):])), true
}

// describeSamples sets Property.Samples of the properties whose every
// value (counts[i] of property i) has a default and the same regularly
// spaced times (regularSamples), as a scene our writer wrote from an
// animated property has. propOf gives an attribute's
// property index.
func (r *Reader) describeSamples(counts []int, propOf func(a int32) int) {
	n := make([]int, len(r.props))
	times := make([]int32, len(r.props))
	for i := range times {
		times[i] = -1
	}
	mixed := make([]bool, len(r.props))
	for k, a := range r.sampAttr {
		at := &r.attrs[a]
		i := propOf(a)
		if i < 0 || at.why != 0 {
			continue
		}
		ti := r.samp[k].times
		switch {
		case times[i] < 0:
			times[i] = ti
		case times[i] != ti && !slices.Equal(r.times[times[i]], r.times[ti]):
			mixed[i] = true
		}
		n[i]++
	}
	for i := range r.props {
		if n[i] != counts[i] || mixed[i] || times[i] < 0 {
			continue
		}
		if s, ok := regularSamples(r.times[times[i]]); ok {
			r.props[i].Samples = s
		}
	}
}

// regularSamples finds Samples whose Times are exactly ts, if there are
// any near the obvious ones: Start = ts[0], Step = the mean spacing or
// the first, or a float within 64 units of the last place of the mean
// (a writer computed ts[k] = Start + k*Step, so the spacings in ts are
// rounded and the exact Step must be searched for; times of 4,096 samples
// or more are only tried with the two obvious steps).
func regularSamples(ts []float64) (formats.Samples, bool) {
	s := formats.Samples{Count: len(ts), Start: ts[0]}
	if len(ts) == 1 {
		return s, true
	}
	fits := func(step float64) bool {
		s.Step = step
		if s.Check() != nil {
			return false
		}
		for k := range ts {
			if s.Time(k) != ts[k] {
				return false
			}
		}
		return true
	}
	mean := (ts[len(ts)-1] - ts[0]) / float64(len(ts)-1)
	if fits(mean) || fits(ts[1]-ts[0]) {
		return s, true
	}
	if len(ts) >= 4096 {
		return formats.Samples{}, false
	}
	lo, hi := mean, mean
	for range 64 {
		lo, hi = math.Nextafter(lo, math.Inf(-1)), math.Nextafter(hi, math.Inf(1))
		if fits(lo) || fits(hi) {
			return s, true
		}
	}
	return formats.Samples{}, false
}

// attrFor finds the prim record and attribute of the handles, with
// GetHandle's errors.
func (r *Reader) attrFor(prim formats.PrimHandle, property formats.PropertyHandle) (rec, a int32, err error) {
	if uint(prim) >= uint(len(r.primOfHandle)) || uint(property) >= uint(len(r.names)) || !r.listed[property] {
		return -1, -1, fmt.Errorf("usdc: %s: handles (prim %d, property %d): %w", r.c.name, prim, property, formats.ErrNotFound)
	}
	if r.done.Load() {
		return -1, -1, fmt.Errorf("usdc: %s: %w", r.c.name, errClosed)
	}
	rec = r.primOfHandle[prim]
	p := &r.prims[rec]
	if a = r.attrOf(p, int32(property)); a < 0 {
		return rec, -1, &formats.NoValueError{File: r.c.name, Prim: r.primPath(p), Property: r.names[property]}
	}
	return rec, a, nil
}

// SampleTimes implements formats.Sampler: the attribute's times, shared
// by every attribute with the same times vector in the file.
func (r *Reader) SampleTimes(prim formats.PrimHandle, property formats.PropertyHandle) ([]float64, error) {
	rec, a, err := r.attrFor(prim, property)
	if err != nil {
		return nil, err
	}
	if !r.attrs[a].sampled {
		return nil, nil
	}
	return r.times[r.sampleOf(rec, a).times], nil
}

// GetSample implements formats.Sampler: sample i decoded from the mapped
// file, as GetHandle decodes a default. It takes no lock (see Reader).
func (r *Reader) GetSample(prim formats.PrimHandle, property formats.PropertyHandle, i int, dst *formats.Value) error {
	rec, a, err := r.attrFor(prim, property)
	if err != nil {
		return err
	}
	p, at := &r.prims[rec], &r.attrs[a]
	rep, ok := r.sampleRep(rec, a, i)
	if !ok {
		n := 0
		if at.sampled {
			n = len(r.times[r.sampleOf(rec, a).times])
		}
		return fmt.Errorf("usdc: %s: %s.%s has no time sample %d (it has %d): %w", r.c.name, r.primPath(p), r.names[property], i, n, formats.ErrNotFound)
	}
	if t := rep.typ(); t == tValueBlock || t == tAnimationBlock {
		return &formats.NoValueError{File: r.c.name, Prim: r.primPath(p), Property: r.names[property],
			Why: fmt.Sprintf("time sample %d (time %v) is blocked", i, r.times[r.sampleOf(rec, a).times][i])}
	}
	if err := r.c.decodeValue(rep, dst); err != nil {
		return fmt.Errorf("%w (reading time sample %d of %s %s.%s)", err, i, at.typ, r.primPath(p), r.names[property])
	}
	if dst.Type != at.typ {
		return fmt.Errorf("usdc: %s: %s.%s is declared %s but time sample %d holds a %s value", r.c.name, r.primPath(p), r.names[property], at.typ, i, dst.Type)
	}
	return nil
}
