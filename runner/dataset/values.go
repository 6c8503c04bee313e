package dataset

import (
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/scenebench/runner/formats"
)

// Value sources. A source yields the elements of one property in order:
// row by row, and within a row component by component (vectors) or element
// by element (arrays). Each source owns its property's PCG stream.

type floatSource interface{ next() float64 }
type intSource interface{ next() int64 }

type uniformFloat struct {
	r     *rand.PCG
	lo, w float64
}

func (s *uniformFloat) next() float64 { return s.lo + float64(unitFloat(s.r)*s.w) }

type normalFloat struct {
	r        *rand.PCG
	mean, sd float64
	spare    float64
	hasSpare bool
}

func (s *normalFloat) next() float64 {
	var z float64
	if s.hasSpare {
		z, s.hasSpare = s.spare, false
	} else {
		z, s.spare = normalPair(s.r)
		s.hasSpare = true
	}
	return s.mean + float64(s.sd*z)
}

type sequenceFloat struct {
	start, step float64
	i           int64
}

func (s *sequenceFloat) next() float64 {
	v := s.start + float64(float64(s.i)*s.step)
	s.i++
	return v
}

type uniformInt struct {
	r  *rand.PCG
	lo int64
	n  uint64
}

func (s *uniformInt) next() int64 { return s.lo + int64(bounded(s.r, s.n)) }

type sequenceInt struct{ v, step int64 }

func (s *sequenceInt) next() int64 {
	v := s.v
	s.v += s.step
	return v
}

// choice draws uniformly from a list.
type choice[T any] struct {
	r    *rand.PCG
	vals []T
}

func (s *choice[T]) next() T { return s.vals[bounded(s.r, uint64(len(s.vals)))] }

// cycle repeats a constant list (or a single constant).
type cycle[T any] struct {
	vals []T
	k    int
}

func (s *cycle[T]) next() T {
	v := s.vals[s.k]
	if s.k++; s.k == len(s.vals) {
		s.k = 0
	}
	return v
}

func numbers(l literal) []literal {
	if l.kind == litList {
		return l.list
	}
	return []literal{l}
}

// literalValues converts literals with value.
func literalValues[T any](ls []literal, value func(literal) T) []T {
	out := make([]T, 0, len(ls))
	for _, l := range ls {
		out = append(out, value(l))
	}
	return out
}

func literalFloat(l literal) float64 { return l.num }

func literalInt(l literal) int64 { return l.i }

func newFloatSource(g Generator, r *rand.PCG) floatSource {
	a := g.args
	switch g.name {
	case genUniform:
		return &uniformFloat{r: r, lo: a[0].num, w: a[1].num - a[0].num}
	case genNormal:
		return &normalFloat{r: r, mean: a[0].num, sd: a[1].num}
	case genSequence:
		return &sequenceFloat{start: a[0].num, step: a[1].num}
	case genChoice:
		return &choice[float64]{r: r, vals: literalValues(a[0].list, literalFloat)}
	default: // constant
		return &cycle[float64]{vals: literalValues(numbers(a[0]), literalFloat)}
	}
}

func newIntSource(g Generator, r *rand.PCG) intSource {
	a := g.args
	switch g.name {
	case genUniform:
		return &uniformInt{r: r, lo: a[0].i, n: uint64(a[1].i - a[0].i)}
	case genSequence:
		return &sequenceInt{v: a[0].i, step: a[1].i}
	case genChoice:
		return &choice[int64]{r: r, vals: literalValues(a[0].list, literalInt)}
	default: // constant
		return &cycle[int64]{vals: literalValues(numbers(a[0]), literalInt)}
	}
}

// alnum is the alphabet of random_string and the '*' placeholder.
const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// appendRandomString appends n characters of alnum. Each 64-bit draw gives
// ten 6-bit indexes (the top four bits are unused); indexes 62 and 63 are
// skipped, so every character is equally likely.
func appendRandomString(buf []byte, r *rand.PCG, n int) []byte {
	start := len(buf)
	buf = slices.Grow(buf, n+10)[:start+n+10]
	out := buf[start:]
	k := 0
	// Whole draws while ten more characters certainly fit: no branches
	// per character (a rejected index is written and then overwritten).
	for k+10 <= n {
		x := r.Uint64()
		for range 10 {
			c := x & 63
			out[k] = alnum64[c]
			k += int(accept64[c])
			x >>= 6
		}
	}
	for k < n {
		x := r.Uint64()
		for j := 0; j < 10 && k < n; j++ {
			if c := x & 63; c < 62 {
				out[k] = alnum[c]
				k++
			}
			x >>= 6
		}
	}
	return buf[:start+n]
}

// alnum64 and accept64 map a 6-bit index to its character and to whether
// it is used.
var alnum64, accept64 = func() (a, ok [64]byte) {
	for i := range 62 {
		a[i], ok[i] = alnum[i], 1
	}
	return a, ok
}()

func appendPattern(buf []byte, r *rand.PCG, ops []patternOp) []byte {
	for i := range ops {
		op := &ops[i]
		switch op.kind {
		case patLiteral:
			buf = append(buf, op.lit...)
		case patDigit:
			buf = append(buf, byte('0'+bounded(r, 10)))
		case patUpper:
			buf = append(buf, byte('A'+bounded(r, 26)))
		case patAlnum:
			buf = append(buf, alnum[bounded(r, 62)])
		case patRange:
			v := op.lo + bounded(r, op.span)
			var tmp [20]byte
			d := strconv.AppendUint(tmp[:0], v, 10)
			for k := len(d); k < op.width; k++ {
				buf = append(buf, '0')
			}
			buf = append(buf, d...)
		}
	}
	return buf
}

// columnGen fills one column of a batch. Array values live in a buffer
// per slot, so that two batches (slots 0 and 1) can be in use at once.
type columnGen interface {
	fill(c *formats.Column, n, slot int)
}

// newColumnGen binds a checked generator to its property's type.
func newColumnGen(p formats.Property, g Generator, seed uint64) columnGen {
	r := propertyRNG(seed, p.Name)
	switch {
	case p.Type == formats.Bool:
		return newBoolGen(g, r)
	case isStringType(p.Type):
		return newStringGen(g, r)
	case isIntType(p.Type):
		return &intColumn{src: newIntSource(g, r), length: p.Length}
	default:
		return &floatColumn{src: newFloatSource(g, r), length: p.Length}
	}
}

type floatColumn struct {
	src    floatSource
	length int
	flat64 [2][]float64
	flat32 [2][]float32
	flatV  [2][][3]float32
}

func (f *floatColumn) fill(c *formats.Column, n, slot int) {
	src := f.src
	switch c.Property.Type {
	case formats.Double:
		for range n {
			c.Doubles = append(c.Doubles, src.next())
		}
	case formats.Float:
		for range n {
			c.Floats = append(c.Floats, float32(src.next()))
		}
	case formats.Float3:
		for range n {
			c.Vec3f = append(c.Vec3f, [3]float32{float32(src.next()), float32(src.next()), float32(src.next())})
		}
	case formats.Double3:
		for range n {
			c.Vec3d = append(c.Vec3d, [3]float64{src.next(), src.next(), src.next()})
		}
	case formats.DoubleArray:
		c.DoubleArrays = appendRows(c.DoubleArrays, &f.flat64[slot], n, f.length, src.next)
	case formats.FloatArray:
		c.FloatArrays = appendRows(c.FloatArrays, &f.flat32[slot], n, f.length, func() float32 { return float32(src.next()) })
	case formats.Float3Array:
		c.Vec3fArrays = appendRows(c.Vec3fArrays, &f.flatV[slot], n, f.length, func() [3]float32 {
			return [3]float32{float32(src.next()), float32(src.next()), float32(src.next())}
		})
	}
}

type intColumn struct {
	src    intSource
	length int
	flat   [2][]int32
}

func (f *intColumn) fill(c *formats.Column, n, slot int) {
	switch c.Property.Type {
	case formats.Int:
		for range n {
			c.Ints = append(c.Ints, int32(f.src.next()))
		}
	case formats.Int64:
		for range n {
			c.Int64s = append(c.Int64s, f.src.next())
		}
	case formats.IntArray:
		c.IntArrays = appendRows(c.IntArrays, &f.flat[slot], n, f.length, func() int32 { return int32(f.src.next()) })
	}
}

// appendRows draws n rows of length elements into buf, the slot's element
// buffer, and appends each row to rows as a capped slice of buf.
func appendRows[T any](rows [][]T, buf *[]T, n, length int, draw func() T) [][]T {
	flat := (*buf)[:0]
	for range n * length {
		flat = append(flat, draw())
	}
	*buf = flat
	for k := range n {
		rows = append(rows, flat[k*length:(k+1)*length:(k+1)*length])
	}
	return rows
}

type boolColumn struct {
	r     *rand.PCG
	vals  []bool
	fixed bool
}

func newBoolGen(g Generator, r *rand.PCG) *boolColumn {
	if g.name == genConstant {
		return &boolColumn{vals: []bool{g.args[0].b}, fixed: true}
	}
	b := &boolColumn{r: r}
	for _, e := range g.args[0].list {
		b.vals = append(b.vals, e.b)
	}
	return b
}

func (f *boolColumn) fill(c *formats.Column, n, _ int) {
	for range n {
		if f.fixed {
			c.Bools = append(c.Bools, f.vals[0])
		} else {
			c.Bools = append(c.Bools, f.vals[bounded(f.r, uint64(len(f.vals)))])
		}
	}
}

// stringColumn draws strings. Drawn strings are built in one byte buffer
// per batch that becomes a single string, so a batch costs one allocation
// per column instead of one per value, and strings handed to writers stay
// valid (immutable) even after the batch is reused.
type stringColumn struct {
	r      *rand.PCG
	name   string
	fixed  []string // choice and constant: values used as they are
	pat    []patternOp
	length int // random_string
	buf    []byte
	ends   []int
}

func newStringGen(g Generator, r *rand.PCG) *stringColumn {
	s := &stringColumn{r: r, name: g.name}
	switch g.name {
	case genChoice:
		for _, e := range g.args[0].list {
			s.fixed = append(s.fixed, e.str)
		}
	case genConstant:
		s.fixed = []string{g.args[0].str}
	case genPattern:
		s.pat = g.pat
	case genRandomString:
		s.length = int(g.args[0].i)
	}
	return s
}

func (f *stringColumn) fill(c *formats.Column, n, _ int) {
	switch f.name {
	case genConstant:
		for range n {
			c.Strings = append(c.Strings, f.fixed[0])
		}
		return
	case genChoice:
		for range n {
			c.Strings = append(c.Strings, f.fixed[bounded(f.r, uint64(len(f.fixed)))])
		}
		return
	}
	f.buf, f.ends = f.buf[:0], f.ends[:0]
	for range n {
		if f.name == genPattern {
			f.buf = appendPattern(f.buf, f.r, f.pat)
		} else {
			f.buf = appendRandomString(f.buf, f.r, f.length)
		}
		f.ends = append(f.ends, len(f.buf))
	}
	all := string(f.buf)
	prev := 0
	for _, e := range f.ends {
		c.Strings = append(c.Strings, all[prev:e])
		prev = e
	}
}
