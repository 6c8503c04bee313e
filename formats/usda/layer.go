package usda

import (
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/sdf"
)

// layer is a parsed text layer in a compact columnar form: one column per
// property (a name and a type), indexed by the slot of the prim that
// carries it.
type layer struct {
	file    string
	prims   []string // prims carrying attribute values, in layer order
	primSeq []int32  // while parsing: open order of each slot
	slots   map[string]int32
	// slotOf is the slot of each prim of prims (its handle), nil when
	// they are the same: prims opened in the order they were declared.
	slotOf   []int32
	handleOf []int32 // the inverse of slotOf
	cols     []column
	byName   map[string]int // the first column of each name; column.next chains the others
	info     formats.SceneInfo
	hasInfo  bool
	// sizeHint is the prim count the layer data announces, bounded by
	// what the file's size allows, to size columns up front.
	sizeHint int
	notes    formats.NoteCounter
}

// span locates one array value in a column's element store.
type span struct{ off, n uint32 }

// column holds every value of one property. Only the stores matching the
// property's type are used; arrays live in one shared element store each.
type column struct {
	prop    formats.Property
	next    int  // the next column of the same name (another type), or -1
	head    bool // the first column of its name (a property handle)
	count   int  // slots holding a value
	present []bool
	nums    []float64 // double, float, half
	ints    []int64
	bools   []bool
	strs    []string // string, token, asset
	vecs    [][3]float64
	tuples  []float64 // other tuples, Width() per slot
	spans   []span
	doubles []float64
	floats  []float32 // float[], float2[] (two per element)
	int32s  []int32
	vec3fs  [][3]float32
	strEls  []string // string[], token[]
	boolEls []bool
	i64Els  []int64
	halfEls []uint16
	// ts holds the time samples of the column's prims, nil when none has
	// any.
	ts *timeSamples
}

// timeSamples are the time samples of one column: per prim slot, a run of
// samples whose values are slots of vals (a column of the same type; a
// blocked sample's slot holds no value).
type timeSamples struct {
	run  []int32 // per prim slot: 1 + the index of its run in runs, 0 for none
	runs []sampleRun
	vals column
}

// sampleRun is one prim's samples: times ascending, the value of sample i
// in slot first+i of vals, or slot order[i] when the file listed them in
// another order.
type sampleRun struct {
	times []float64
	first int32
	order []int32
}

// has reports whether the prim in slot has time samples.
func (ts *timeSamples) has(slot int32) bool {
	return int(slot) < len(ts.run) && ts.run[slot] != 0
}

// add records the samples of the prim in slot: times as parsed (a view the
// caller reuses) with values in slots first, first+1, ... of vals. Times
// equal to the previous run's share its slice, as the prims of a scene
// usually share their times.
func (ts *timeSamples) add(slot, first int32, times []float64) {
	r := sampleRun{first: first}
	if !sortedStrict(times) {
		idx := make([]int32, len(times))
		for i := range idx {
			idx[i] = first + int32(i)
		}
		// Ascending times; of equal times, the last listed wins.
		sort.SliceStable(idx, func(a, b int) bool { return times[idx[a]-first] < times[idx[b]-first] })
		var kept []int32
		var sorted []float64
		for i, k := range idx {
			t := times[k-first]
			if i+1 < len(idx) && times[idx[i+1]-first] == t {
				continue
			}
			kept = append(kept, k)
			sorted = append(sorted, t)
		}
		r.order, times = kept, sorted
	}
	if n := len(ts.runs); n > 0 && slices.Equal(ts.runs[n-1].times, times) {
		r.times = ts.runs[n-1].times
	} else if len(times) > 0 {
		r.times = slices.Clone(times)
	}
	ts.runs = append(ts.runs, r)
	ts.run = setAt(ts.run, slot, int32(len(ts.runs)))
}

// sortedStrict reports whether times ascend strictly.
func sortedStrict(times []float64) bool {
	for i := 1; i < len(times); i++ {
		if !(times[i-1] < times[i]) {
			return false
		}
	}
	return true
}

// sample returns the slot in vals of sample i of run r, ok false when it
// is blocked.
func (ts *timeSamples) sample(r *sampleRun, i int) (int32, bool) {
	k := r.first + int32(i)
	if r.order != nil {
		k = r.order[i]
	}
	return k, ts.vals.has(k)
}

func newLayer(file string) *layer {
	return &layer{file: file, slots: map[string]int32{}, byName: map[string]int{}}
}

// addPrim gives path a data slot.
func (l *layer) addPrim(path string, seq int32) (int32, error) {
	if _, dup := l.slots[path]; dup {
		return 0, fmt.Errorf("prim %s is declared twice", path)
	}
	if len(l.prims) >= 1<<31-1 {
		return 0, fmt.Errorf("too many prims")
	}
	slot := int32(len(l.prims))
	l.slots[path] = slot
	l.prims = append(l.prims, path)
	l.primSeq = append(l.primSeq, seq)
	return slot, nil
}

// column returns the column of property name with type t, creating it on
// first sight. A name may have columns of several types.
func (l *layer) column(name string, t formats.Type) (*column, error) {
	last := -1
	if i, ok := l.byName[name]; ok {
		for ; i >= 0; i = l.cols[i].next {
			if l.cols[i].prop.Type == t {
				return &l.cols[i], nil
			}
			last = i
		}
		name = l.cols[last].prop.Name
	} else {
		name = string([]byte(name)) // the parser passes a view of its input
		l.byName[name] = len(l.cols)
	}
	if last >= 0 {
		l.cols[last].next = len(l.cols)
	}
	c := column{prop: formats.Property{Name: name, Type: t}, next: -1}
	if n := l.sizeHint; n > 0 {
		c.present = make([]bool, 0, n)
		switch t {
		case formats.Double, formats.Float, formats.Half:
			c.nums = make([]float64, 0, n)
		case formats.Int, formats.Int64:
			c.ints = make([]int64, 0, n)
		case formats.Bool:
			c.bools = make([]bool, 0, n)
		case formats.String, formats.Token, formats.Asset:
			c.strs = make([]string, 0, n)
		case formats.Float3, formats.Double3:
			c.vecs = make([][3]float64, 0, n)
		default:
			if t.IsArray() {
				c.spans = make([]span, 0, n)
			}
		}
	}
	l.cols = append(l.cols, c)
	return &l.cols[len(l.cols)-1], nil
}

func (c *column) has(slot int32) bool {
	return int(slot) < len(c.present) && c.present[slot]
}

// setAt stores v at index slot of s, first extending s with zero values
// up to slot.
func setAt[T any](s []T, slot int32, v T) []T {
	var zero T
	for len(s) <= int(slot) {
		s = append(s, zero)
	}
	s[slot] = v
	return s
}

// set gives slot the value v in store, one of the column's per-slot
// stores, and marks the slot present.
func set[T any](c *column, store *[]T, slot int32, v T) {
	c.present = setAt(c.present, slot, true)
	c.count++
	*store = setAt(*store, slot, v)
}

// setTuple gives slot the components of a tuple.
func (c *column) setTuple(slot int32, v []float64) {
	c.present = setAt(c.present, slot, true)
	c.count++
	w := len(v)
	for len(c.tuples) < (int(slot)+1)*w {
		c.tuples = append(c.tuples, 0)
	}
	copy(c.tuples[int(slot)*w:], v)
}

// setSpan gives slot the array at elements [off, off+n) of the column's
// element store.
func (c *column) setSpan(slot int32, off, n int) {
	set(c, &c.spans, slot, span{uint32(off), uint32(n)})
	if c.prop.Length == 0 {
		c.prop.Length = n
	}
}

// get copies the value of slot into dst without allocating.
func (c *column) get(slot int32, dst *formats.Value) {
	dst.Type = c.prop.Type
	switch c.prop.Type {
	case formats.Double, formats.Float, formats.Half:
		dst.Num = c.nums[slot]
	case formats.Int, formats.Int64:
		dst.Int = c.ints[slot]
	case formats.Bool:
		dst.Bool = c.bools[slot]
	case formats.String, formats.Token, formats.Asset:
		dst.Str = c.strs[slot]
	case formats.Float3, formats.Double3:
		dst.Vec = c.vecs[slot]
	case formats.DoubleArray:
		dst.Doubles = spanOf(c.doubles, c.spans[slot])
	case formats.FloatArray, formats.Float2Array:
		dst.Floats = spanOf(c.floats, c.spans[slot])
	case formats.IntArray:
		dst.Ints = spanOf(c.int32s, c.spans[slot])
	case formats.Float3Array:
		dst.Vecs = spanOf(c.vec3fs, c.spans[slot])
	case formats.StringArray, formats.TokenArray:
		dst.Strs = spanOf(c.strEls, c.spans[slot])
	case formats.BoolArray:
		dst.Bools = spanOf(c.boolEls, c.spans[slot])
	case formats.Int64Array:
		dst.Int64s = spanOf(c.i64Els, c.spans[slot])
	case formats.HalfArray:
		dst.Halfs = spanOf(c.halfEls, c.spans[slot])
	default: // the other tuples
		w := c.prop.Type.Width()
		copy(dst.Tuple[:w], c.tuples[int(slot)*w:])
	}
}

// spanOf returns the elements of one array value, capped so that
// appending to it cannot write into the next value.
func spanOf[T any](elems []T, s span) []T {
	return elems[s.off : s.off+s.n : s.off+s.n]
}

// applyMeta rebuilds the scene description from customLayerData and puts
// the properties in the recorded column order; a property no prim has a
// value for in every prim is sparse.
func (l *layer) applyMeta(m map[string]any) error {
	l.info.Prims = len(l.prims)
	if m != nil {
		l.hasInfo = true
		l.info.Schema, _ = m["schema"].(string)
		l.info.Hierarchy, _ = m["hierarchy"].(string)
		if n, ok := m["seed"].(number); ok {
			seed, err := strconv.ParseUint(string(n), 10, 64)
			if err != nil {
				return fmt.Errorf("%s: customLayerData %s.seed %q is not an unsigned integer", l.file, metaKey, n)
			}
			l.info.Seed = seed
		}
		names, _ := m["propertyNames"].([]any)
		types, _ := m["propertyTypes"].([]any)
		lengths, _ := m["propertyLengths"].([]any)
		if len(types) != len(names) {
			return fmt.Errorf("%s: customLayerData %s lists %d property names but %d types", l.file, metaKey, len(names), len(types))
		}
		samples, err := l.sampleMeta(m, len(names))
		if err != nil {
			return err
		}
		var order []column
		placed := make([]bool, len(l.cols))
		listed := make(map[formats.Property]bool, len(names))
		listedNames := make(map[string]formats.Type, len(names))
		for i := range names {
			name, ok1 := names[i].(string)
			tn, ok2 := types[i].(string)
			t, ok3 := formats.ParseType(tn)
			if !ok1 || !ok2 || !ok3 {
				return fmt.Errorf("%s: customLayerData %s property %d is not a name with a known type", l.file, metaKey, i)
			}
			key := formats.Property{Name: name, Type: t}
			if listed[key] {
				return fmt.Errorf("%s: customLayerData %s lists property %s %q twice", l.file, metaKey, t, name)
			}
			listed[key] = true
			length := 0
			if i < len(lengths) {
				if n, ok := lengths[i].(number); ok {
					length, _ = strconv.Atoi(string(n))
				}
			}
			listedNames[name] = t
			j := l.find(name, t)
			if j < 0 {
				order = append(order, column{prop: formats.Property{Name: name, Type: t, Length: length, Samples: samples[i]}, next: -1})
				continue
			}
			c := l.cols[j]
			c.prop.Length = length
			c.prop.Samples = samples[i]
			order = append(order, c)
			placed[j] = true
		}
		for j, c := range l.cols {
			if placed[j] {
				continue
			}
			if t, ok := listedNames[c.prop.Name]; ok {
				return fmt.Errorf("%s: customLayerData %s declares %s as %s but the layer holds %s values", l.file, metaKey, c.prop.Name, t, c.prop.Type)
			}
			order = append(order, c)
		}
		l.cols = order
	}
	// Rebuild the chains of same-name columns in the final order.
	l.byName = make(map[string]int, len(l.cols))
	last := map[string]int{}
	l.info.Properties = make([]formats.Property, len(l.cols))
	for i := range l.cols {
		c := &l.cols[i]
		c.next = -1
		c.head = false
		if j, ok := last[c.prop.Name]; ok {
			l.cols[j].next = i
		} else {
			l.byName[c.prop.Name] = i
			c.head = true
		}
		last[c.prop.Name] = i
		c.prop.Sparse = c.count < len(l.prims)
		l.info.Properties[i] = c.prop
	}
	return nil
}

// sampleMeta reads the sample times of the n listed properties from the
// layer data (propertySampleCounts, propertySampleStarts,
// propertySampleSteps); all zero when the layer records none.
func (l *layer) sampleMeta(m map[string]any, n int) ([]formats.Samples, error) {
	out := make([]formats.Samples, n)
	counts, _ := m["propertySampleCounts"].([]any)
	starts, _ := m["propertySampleStarts"].([]any)
	steps, _ := m["propertySampleSteps"].([]any)
	if counts == nil && starts == nil && steps == nil {
		return out, nil
	}
	if len(counts) != n || len(starts) != n || len(steps) != n {
		return nil, fmt.Errorf("%s: customLayerData %s lists %d properties but %d, %d and %d sample counts, starts and steps", l.file, metaKey, n, len(counts), len(starts), len(steps))
	}
	for i := range out {
		c, ok1 := counts[i].(number)
		a, ok2 := starts[i].(number)
		d, ok3 := steps[i].(number)
		var err error
		s := &out[i]
		if ok1 && ok2 && ok3 {
			s.Count, err = strconv.Atoi(string(c))
			if err == nil {
				s.Start, err = parseNumber(a)
			}
			if err == nil {
				s.Step, err = parseNumber(d)
			}
		}
		if !ok1 || !ok2 || !ok3 || err != nil {
			return nil, fmt.Errorf("%s: customLayerData %s: the sample times of property %d are not numbers", l.file, metaKey, i)
		}
		if err := s.Check(); err != nil {
			return nil, fmt.Errorf("%s: customLayerData %s: property %d: %w", l.file, metaKey, i, err)
		}
	}
	return out, nil
}

// parseNumber reads a number of the layer data as a double.
func parseNumber(n number) (float64, error) {
	switch n {
	case "inf", "+inf":
		return math.Inf(1), nil
	case "-inf":
		return math.Inf(-1), nil
	}
	return strconv.ParseFloat(string(n), 64)
}

// find returns the index of the column of name with type t (any type
// when t is Invalid), or -1.
func (l *layer) find(name string, t formats.Type) int {
	i, ok := l.byName[name]
	if !ok {
		return -1
	}
	for ; i >= 0; i = l.cols[i].next {
		if t == formats.Invalid || l.cols[i].prop.Type == t {
			return i
		}
	}
	return -1
}

// parseLayerBytes parses a whole layer held in data; file names it in errors.
func parseLayerBytes(file string, data []byte) (*layer, error) {
	p := &parser{file: file, data: data, l: newLayer(file)}
	if err := p.parseLayer(); err != nil {
		return nil, err
	}
	if err := p.finish(); err != nil {
		return nil, err
	}
	return p.l, nil
}

// Reader is an opened text layer, parsed whole at open. It is immutable and
// so safe for concurrent use.
type Reader struct {
	l *layer
}

var (
	_ formats.Resolver = (*Reader)(nil)
	_ formats.Scanner  = (*Reader)(nil)
	_ formats.Sampler  = (*Reader)(nil)
)

// OpenFile opens the layer at path as a scene. Layers of the kind scene
// files are (prims and attribute values, as runner's writer and OpenUSD's
// writer lay them out) go through the fast columnar parser; any other
// layer through the full grammar (full.go), whose scene the sdf package
// projects, with notes on what it leaves out.
func OpenFile(path string) (formats.Reader, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("usda: %w", err)
	}
	l, err := parseLayerBytes(path, data)
	if err == nil {
		return &Reader{l: l}, nil
	}
	full, ferr := parseFull(path, data)
	if ferr != nil {
		return nil, ferr // names the file and position
	}
	return sdf.NewScene(path, full), nil
}

// Properties implements formats.Reader.
func (r *Reader) Properties() []formats.Property { return r.l.info.Properties }

// Prims implements formats.Reader. The slice is shared; do not modify it.
func (r *Reader) Prims() ([]string, error) { return r.l.prims, nil }

// SceneInfo returns the scene description recorded in the layer's
// customLayerData, or one derived from the layer alone (ok false).
func (r *Reader) SceneInfo() (info formats.SceneInfo, ok bool) { return r.l.info, r.l.hasInfo }

// Get implements formats.Reader.
func (r *Reader) Get(prim, property string, dst *formats.Value) error {
	slot, ok := r.l.slots[prim]
	if !ok {
		return &formats.NotFoundError{File: r.l.file, Prim: prim}
	}
	ci, ok := r.l.byName[property]
	if !ok {
		return &formats.NotFoundError{File: r.l.file, Prim: prim, Property: property}
	}
	for ; ci >= 0; ci = r.l.cols[ci].next {
		if c := &r.l.cols[ci]; c.has(slot) {
			c.get(slot, dst)
			return nil
		}
	}
	return &formats.NoValueError{File: r.l.file, Prim: prim, Property: property}
}

// ResolvePrim implements formats.Resolver: the prim's index in Prims.
func (r *Reader) ResolvePrim(path string) (formats.PrimHandle, error) {
	slot, ok := r.l.slots[path]
	if !ok {
		return 0, &formats.NotFoundError{File: r.l.file, Prim: path}
	}
	if r.l.slotOf == nil {
		return formats.PrimHandle(slot), nil
	}
	return formats.PrimHandle(r.l.handleOf[slot]), nil
}

// ResolveProperty implements formats.Resolver: the handle is the index of
// the name's first column.
func (r *Reader) ResolveProperty(name string) (formats.PropertyHandle, error) {
	ci, ok := r.l.byName[name]
	if !ok {
		return 0, &formats.NotFoundError{File: r.l.file, Property: name}
	}
	return formats.PropertyHandle(ci), nil
}

// slot returns the data slot of a prim handle, ok false when the handles
// are out of range or the property handle is not one ResolveProperty gives.
func (r *Reader) slot(prim formats.PrimHandle, property formats.PropertyHandle) (int32, bool) {
	l := r.l
	if uint(prim) >= uint(len(l.prims)) || uint(property) >= uint(len(l.cols)) || !l.cols[property].head {
		return 0, false
	}
	if l.slotOf != nil {
		return l.slotOf[prim], true
	}
	return int32(prim), true
}

// GetHandle implements formats.Resolver: an index and a typed load from
// the column.
func (r *Reader) GetHandle(prim formats.PrimHandle, property formats.PropertyHandle, dst *formats.Value) error {
	slot, ok := r.slot(prim, property)
	if !ok {
		return fmt.Errorf("usda: %s: handles (prim %d, property %d): %w", r.l.file, prim, property, formats.ErrNotFound)
	}
	for ci := int(property); ci >= 0; ci = r.l.cols[ci].next {
		if c := &r.l.cols[ci]; c.has(slot) {
			c.get(slot, dst)
			return nil
		}
	}
	return &formats.NoValueError{File: r.l.file, Prim: r.l.prims[prim], Property: r.l.cols[property].prop.Name}
}

// run finds the time samples of a prim's property by handles: the column
// that holds them and the prim's run, nil when it has none.
func (r *Reader) run(prim formats.PrimHandle, property formats.PropertyHandle) (*timeSamples, *sampleRun, error) {
	slot, ok := r.slot(prim, property)
	if !ok {
		return nil, nil, fmt.Errorf("usda: %s: handles (prim %d, property %d): %w", r.l.file, prim, property, formats.ErrNotFound)
	}
	for ci := int(property); ci >= 0; ci = r.l.cols[ci].next {
		if ts := r.l.cols[ci].ts; ts != nil && ts.has(slot) {
			return ts, &ts.runs[ts.run[slot]-1], nil
		}
	}
	return nil, nil, nil
}

// SampleTimes implements formats.Sampler: the times of the prim's
// timeSamples of the property, ascending, nil when it has none.
func (r *Reader) SampleTimes(prim formats.PrimHandle, property formats.PropertyHandle) ([]float64, error) {
	_, run, err := r.run(prim, property)
	if run == nil {
		return nil, err
	}
	return run.times, nil
}

// GetSample implements formats.Sampler: sample i of SampleTimes; a
// blocked sample (None) gives an error wrapping ErrNoValue, an i out of
// range one wrapping ErrNotFound.
func (r *Reader) GetSample(prim formats.PrimHandle, property formats.PropertyHandle, i int, dst *formats.Value) error {
	ts, run, err := r.run(prim, property)
	if err != nil {
		return err
	}
	if run == nil || i < 0 || i >= len(run.times) {
		return fmt.Errorf("usda: %s: prim %s, property %s: no time sample %d: %w", r.l.file, r.l.prims[prim], r.l.cols[property].prop.Name, i, formats.ErrNotFound)
	}
	k, ok := ts.sample(run, i)
	if !ok {
		return &formats.NoValueError{File: r.l.file, Prim: r.l.prims[prim], Property: r.l.cols[property].prop.Name, Why: "blocked time sample"}
	}
	ts.vals.get(k, dst)
	return nil
}

// Scan implements formats.Scanner: the columns read in layer order.
func (r *Reader) Scan(properties []formats.PropertyHandle, first, end formats.PrimHandle, fn func(prim formats.PrimHandle, vals []formats.Value, has []bool) error) error {
	l := r.l
	if first < 0 || end < first || int(end) > len(l.prims) {
		return fmt.Errorf("usda: %s: scan of prims %d to %d of %d: %w", l.file, first, end, len(l.prims), formats.ErrNotFound)
	}
	for _, h := range properties {
		if uint(h) >= uint(len(l.cols)) || !l.cols[h].head {
			return fmt.Errorf("usda: %s: scan of property handle %d: %w", l.file, h, formats.ErrNotFound)
		}
	}
	vals := make([]formats.Value, len(properties))
	has := make([]bool, len(properties))
	for ph := first; ph < end; ph++ {
		slot := int32(ph)
		if l.slotOf != nil {
			slot = l.slotOf[ph]
		}
		for i, h := range properties {
			has[i] = false
			for ci := int(h); ci >= 0; ci = l.cols[ci].next {
				if c := &l.cols[ci]; c.has(slot) {
					c.get(slot, &vals[i])
					has[i] = true
					break
				}
			}
		}
		if err := fn(ph, vals, has); err != nil {
			return err
		}
	}
	return nil
}

// Notes implements formats.Noter: attributes without a value.
func (r *Reader) Notes() []formats.Note { return r.l.notes.Notes() }

// Close implements formats.Reader.
func (r *Reader) Close() error { return nil }
