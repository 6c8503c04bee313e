package usdc

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/scenebench/runner/formats/sdf"
)

// stream reads the out-of-line structures of non-value types (dictionaries,
// list ops, vectors, references, time samples) sequentially from an
// offset, failing on the first overrun.
type stream struct {
	d   *layerDecoder
	off uint64
	err error
}

func (d *layerDecoder) reader(off uint64) *stream { return &stream{d: d, off: off} }

func (r *stream) take(n uint64) []byte {
	if r.err != nil {
		return nil
	}
	b, err := r.d.c.bytesAt(r.off, n, "value")
	if err != nil {
		r.err = err
		return nil
	}
	r.off += n
	return b
}

func (r *stream) u32() uint32 {
	if b := r.take(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

func (r *stream) u64() uint64 {
	if b := r.take(8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

func (r *stream) f64() float64 { return math.Float64frombits(r.u64()) }

// count reads a u64 element count, bounded by the bytes left at min
// bytes per element.
func (r *stream) count(min uint64) uint64 {
	n := r.u64()
	if r.err == nil && n > (uint64(len(r.d.c.data))-r.off)/max(min, 1) {
		r.err = r.d.c.errorf(int64(r.off), "count %d exceeds the file", n)
		return 0
	}
	return n
}

func (r *stream) token() string {
	k := r.u32()
	if r.err != nil {
		return ""
	}
	s, err := r.d.c.token(uint64(k))
	if err != nil {
		r.err = err
	}
	return s
}

func (r *stream) string() string {
	k := r.u32()
	if r.err != nil {
		return ""
	}
	if int(k) >= len(r.d.c.strs) {
		r.err = fmt.Errorf("usdc: %s: string index %d out of range (%d strings)", r.d.c.name, k, len(r.d.c.strs))
		return ""
	}
	return r.d.c.tokens[r.d.c.strs[k]]
}

func (r *stream) path() string {
	k := r.u32()
	if r.err != nil {
		return ""
	}
	if int(k) >= r.d.c.numPaths {
		r.err = fmt.Errorf("usdc: %s: path index %d out of range (%d paths)", r.d.c.name, k, r.d.c.numPaths)
		return ""
	}
	if r.d.c.pathTok[k] == unassigned {
		return "" // the empty path (a reference without a prim path)
	}
	return r.d.pathString(k)
}

// jump follows a recursive write: an i64 offset relative to where it is
// stored.
func (r *stream) jump() {
	start := r.off
	rel := int64(r.u64())
	if r.err != nil {
		return
	}
	to := int64(start) + rel
	if to < 0 || to > int64(len(r.d.c.data)) {
		r.err = r.d.c.errorf(int64(start), "jump to %d outside the file", to)
		return
	}
	r.off = uint64(to)
}

// vtValue reads a value written inside another (a dictionary entry, an
// unregistered value): a jump, then its rep.
func (r *stream) vtValue(nest int) (*sdf.Value, error) {
	r.jump()
	rep := valueRep(r.u64())
	if r.err != nil {
		return nil, r.err
	}
	return r.d.value(rep, "", nest+1)
}

// dictionary reads a dictionary: a count, then string keys and values.
func (r *stream) dictionary(nest int) (*sdf.Value, error) {
	n := r.count(12)
	v := &sdf.Value{Kind: sdf.Dict}
	for range n {
		k := r.string()
		if r.err != nil {
			return nil, r.err
		}
		e, err := r.vtValue(nest)
		if err != nil {
			return nil, err
		}
		v.Entries = append(v.Entries, sdf.Entry{Key: k, Value: e})
	}
	return v, r.err
}

// arc reads a reference (with custom data) or a payload.
func (r *stream) arc(kind sdf.Kind, nest int) *sdf.Value {
	v := &sdf.Value{Kind: kind, Scale: 1}
	v.Asset = r.string()
	v.Prim = r.path()
	if kind == sdf.Reference || r.d.c.ver.atLeast(8) {
		v.Offset, v.Scale = r.f64(), r.f64()
	}
	if kind == sdf.Reference && r.err == nil {
		d, err := r.dictionary(nest + 1)
		if err != nil {
			r.err = err
			return v
		}
		v.Entries = d.Entries
	}
	return v
}

// List op header bits.
const (
	loExplicit  = 1 << 0
	loHasExpl   = 1 << 1
	loHasAdded  = 1 << 2
	loHasDel    = 1 << 3
	loHasOrder  = 1 << 4
	loHasPrep   = 1 << 5
	loHasAppend = 1 << 6
)

// listOp reads a list op of crate type t: a header byte, then a vector
// for each operation it has.
func (r *stream) listOp(t int, nest int) (*sdf.Value, error) {
	h := r.take(1)
	if r.err != nil {
		return nil, r.err
	}
	bits := h[0]
	item := func() (*sdf.Value, error) {
		switch t {
		case tTokenListOp:
			return text("token", r.token()), r.err
		case tStringListOp:
			return text("string", r.string()), r.err
		case tPathListOp:
			return &sdf.Value{Kind: sdf.Path, Str: r.path()}, r.err
		case tRefListOp:
			return r.arc(sdf.Reference, nest), r.err
		case tPayloadListOp:
			return r.arc(sdf.Payload, nest), r.err
		case tIntListOp:
			return integer("int", int64(int32(r.u32()))), r.err
		case tUIntListOp:
			return integer("uint", int64(r.u32())), r.err
		case tInt64ListOp:
			return integer("int64", int64(r.u64())), r.err
		case tUInt64ListOp:
			return integer("uint64", int64(r.u64())), r.err
		}
		return r.vtValue(nest)
	}
	read := func() ([]*sdf.Value, error) {
		n := r.count(4)
		items := make([]*sdf.Value, 0, min(n, 1<<16))
		for range n {
			it, err := item()
			if err != nil {
				return nil, err
			}
			items = append(items, it)
		}
		return items, r.err
	}
	got := map[string][]*sdf.Value{}
	for _, op := range []struct {
		bit  byte
		name string
	}{{loHasExpl, "explicit"}, {loHasAdded, "added"}, {loHasPrep, "prepended"}, {loHasAppend, "appended"}, {loHasDel, "deleted"}, {loHasOrder, "ordered"}} {
		if bits&op.bit == 0 {
			continue
		}
		items, err := read()
		if err != nil {
			return nil, err
		}
		got[op.name] = items
	}
	v := &sdf.Value{Kind: sdf.ListOp}
	if bits&loExplicit != 0 {
		items := got["explicit"]
		if items == nil {
			items = []*sdf.Value{}
		}
		v.Ops = []sdf.Op{{Op: "explicit", Items: items}}
		return v, nil
	}
	for _, name := range sdf.OpNames {
		if items := got[name]; len(items) > 0 {
			v.Ops = append(v.Ops, sdf.Op{Op: name, Items: items})
		}
	}
	return v, nil
}

func integer(typ string, x int64) *sdf.Value {
	vt, _ := sdf.LookupType(typ)
	return &sdf.Value{Kind: sdf.Typed, Type: vt.Name, Data: sdf.Data{VT: vt, Ints: []int64{x}}}
}

// timeSamples reads an attribute's time samples: a jump to the rep of the
// times (a double vector), a jump to the count and reps of the values.
func (d *layerDecoder) timeSamples(rep valueRep, typeName string) ([]sdf.TimeSample, error) {
	if rep.typ() != tTimeSamples {
		return nil, fmt.Errorf("usdc: %s: time samples field holds a %s", d.c.name, typeCodeName(rep.typ()))
	}
	r := d.reader(rep.payload())
	r.jump()
	timesRep := valueRep(r.u64())
	r.jump()
	n := r.count(8)
	if r.err != nil {
		return nil, r.err
	}
	times, err := d.value(timesRep, "", 0)
	if err != nil {
		return nil, err
	}
	if times.Kind != sdf.List || uint64(len(times.Items)) != n {
		return nil, fmt.Errorf("usdc: %s: %d time sample values for %d times", d.c.name, n, len(times.Items))
	}
	samples := make([]sdf.TimeSample, 0, n)
	for i := range n {
		vrep := valueRep(r.u64())
		if r.err != nil {
			return nil, r.err
		}
		v, err := d.value(vrep, typeName, 0)
		if err != nil {
			return nil, err
		}
		t := times.Items[i]
		if len(t.Data.Nums) != 1 {
			return nil, fmt.Errorf("usdc: %s: a time sample time is not a number", d.c.name)
		}
		samples = append(samples, sdf.TimeSample{Time: t.Data.Nums[0], Value: v})
	}
	return samples, nil
}
