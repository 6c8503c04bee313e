package formats

import (
	"errors"
	"fmt"
	"math"
)

// PrimHandle is a prim resolved once: its index in layer order, the
// position of its path in Reader.Prims.
type PrimHandle int32

// PropertyHandle is a property name resolved once. Its value means
// something only to the reader that resolved it.
type PropertyHandle int32

// Resolver is implemented by readers that resolve a prim path and a
// property name once into handles, the way OpenUSD's callers hold SdfPath
// and TfToken keys rather than strings, so that a read repeated through
// the handles costs an index and a typed load: no string hashing, no lock,
// no allocation once the value is decoded.
type Resolver interface {
	// ResolvePrim gives the handle of the prim at path, an error wrapping
	// ErrNotFound for a path Prims does not list.
	ResolvePrim(path string) (PrimHandle, error)
	// ResolveProperty gives the handle of a property name (every type the
	// name has), an error wrapping ErrNotFound for a name Properties does
	// not list.
	ResolveProperty(name string) (PropertyHandle, error)
	// GetHandle reads as Get does, by handles, with the same errors and
	// the same lifetime of dst's values. Handles from another reader, or
	// out of range, give an error wrapping ErrNotFound.
	GetHandle(prim PrimHandle, property PropertyHandle, dst *Value) error
}

// Scanner is implemented by readers that read a property of every prim
// column-wise, where the format stores columns.
type Scanner interface {
	// Scan reads properties (handles from the same reader) of the prims
	// with handles first to end-1 in layer order, calling fn once per prim
	// with vals[i] holding the value of properties[i] when has[i] is true
	// (a prim without a value for it has has[i] false). vals and has are
	// reused from call to call; the values they point to stay valid until
	// Close, as Get's do. An error from fn stops the scan and is returned
	// as it is.
	Scan(properties []PropertyHandle, first, end PrimHandle, fn func(prim PrimHandle, vals []Value, has []bool) error) error
}

// MaxPrimHandles is the most prims a reader can give handles to.
const MaxPrimHandles = math.MaxInt32

// Resolve gives r's own Resolver when it has one, else one that maps
// handles onto r's string Get (built from Prims and Properties, so it may
// do I/O and costs a map of every path).
func Resolve(r Reader) (Resolver, error) {
	if res, ok := r.(Resolver); ok {
		return res, nil
	}
	prims, err := r.Prims()
	if err != nil {
		return nil, err
	}
	if len(prims) > MaxPrimHandles {
		return nil, fmt.Errorf("%d prims: more than handles can address (%d)", len(prims), MaxPrimHandles)
	}
	s := &stringResolver{r: r, prims: prims, primIndex: make(map[string]PrimHandle, len(prims)), propIndex: map[string]PropertyHandle{}}
	for i, p := range prims {
		if _, dup := s.primIndex[p]; !dup {
			s.primIndex[p] = PrimHandle(i)
		}
	}
	for _, p := range r.Properties() {
		if _, dup := s.propIndex[p.Name]; !dup {
			s.propIndex[p.Name] = PropertyHandle(len(s.props))
			s.props = append(s.props, p.Name)
		}
	}
	return s, nil
}

// stringResolver gives handles to a reader that reads by strings only.
type stringResolver struct {
	r         Reader
	prims     []string
	props     []string
	primIndex map[string]PrimHandle
	propIndex map[string]PropertyHandle
}

func (s *stringResolver) ResolvePrim(path string) (PrimHandle, error) {
	if h, ok := s.primIndex[path]; ok {
		return h, nil
	}
	return 0, &NotFoundError{File: "handles", Prim: path}
}

func (s *stringResolver) ResolveProperty(name string) (PropertyHandle, error) {
	if h, ok := s.propIndex[name]; ok {
		return h, nil
	}
	return 0, &NotFoundError{File: "handles", Property: name}
}

func (s *stringResolver) GetHandle(prim PrimHandle, property PropertyHandle, dst *Value) error {
	if prim < 0 || int(prim) >= len(s.prims) || property < 0 || int(property) >= len(s.props) {
		return fmt.Errorf("handles (prim %d, property %d): %w", prim, property, ErrNotFound)
	}
	return s.r.Get(s.prims[prim], s.props[property], dst)
}

// ResolveProperties resolves names in order into handles of res, with
// the error of the first name that does not resolve.
func ResolveProperties(res Resolver, names []string) ([]PropertyHandle, error) {
	hs := make([]PropertyHandle, len(names))
	for i, n := range names {
		h, err := res.ResolveProperty(n)
		if err != nil {
			return nil, err
		}
		hs[i] = h
	}
	return hs, nil
}

// Scan reads properties of the prims first to end-1 through res: its own
// Scan when it has one, else one GetHandle per prim and property. It
// checks the range against prims, the number of prims of the reader.
func Scan(res Resolver, prims int, properties []PropertyHandle, first, end PrimHandle, fn func(prim PrimHandle, vals []Value, has []bool) error) error {
	if first < 0 || end < first || int(end) > prims {
		return fmt.Errorf("scan of prims %d to %d of %d: out of range", first, end, prims)
	}
	if sc, ok := res.(Scanner); ok {
		return sc.Scan(properties, first, end, fn)
	}
	vals := make([]Value, len(properties))
	has := make([]bool, len(properties))
	for p := first; p < end; p++ {
		for i, q := range properties {
			err := res.GetHandle(p, q, &vals[i])
			has[i] = err == nil
			if err != nil && !errors.Is(err, ErrNoValue) {
				return err
			}
		}
		if err := fn(p, vals, has); err != nil {
			return err
		}
	}
	return nil
}

// PrimCounter is implemented by readers that count their prims without
// listing their paths (a reader that builds a path string per prim only
// when asked).
type PrimCounter interface {
	// PrimCount is len(Prims()), with Prims' errors.
	PrimCount() (int, error)
}

// PrimCount is the number of r's prims: its own count when it has one,
// else the length of Prims.
func PrimCount(r Reader) (int, error) {
	if c, ok := r.(PrimCounter); ok {
		return c.PrimCount()
	}
	prims, err := r.Prims()
	return len(prims), err
}
