// Package formats defines the columnar scene model that every storage format
// writes and reads, the Writer and Reader interfaces a format implements, and
// the registry through which the runner finds formats and their options and
// recognises their files (Detect).
//
// A scene is a list of prims in layer order, each with a path and one typed
// value per property. Writers receive it in batches so that millions of prims
// stream with bounded memory; readers answer point reads by (prim, property)
// and list their prims for traversals. Formats know nothing of scenarios.
package formats

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
)

// SceneInfo describes a generated scene. Writers record it in the file so that
// a reader needs nothing but the file.
type SceneInfo struct {
	// Schema is the preset the properties came from ("building20", "custom").
	Schema string `json:"schema"`
	// Hierarchy is "flat", "deep" or "balanced".
	Hierarchy string `json:"hierarchy"`
	// Seed is the generator seed.
	Seed uint64 `json:"seed"`
	// Prims is the number of prims that carry properties (rows).
	Prims int `json:"prims"`
	// Properties lists the properties of every prim, in column order.
	Properties []Property `json:"properties"`
}

// Property is one named, typed attribute of a scene's prims: a column.
// A generated scene gives every prim every property. A scene read from a
// user's layer may not: a sparse property is missing from some prims, and
// one name may hold values of different types on different prims, which
// makes one property (one column) per type, each sparse.
type Property struct {
	Name string `json:"name"`
	Type Type   `json:"type"`
	// Length is the element count of array-typed properties (0 for scalars).
	Length int `json:"length,omitempty"`
	// Sparse says that some prims have no value for the property.
	Sparse bool `json:"sparse,omitempty"`
	// Samples, when Count > 0, makes the property animated: every prim
	// with a value for it also holds one time sample at each of
	// Samples.Times(), as a USD attribute with both a default and
	// timeSamples. The default is what a read without a time gets; a read
	// at a time resolves the samples (TimeReader).
	Samples Samples `json:"samples,omitzero"`
}

// Samples are the regularly spaced times of an animated property: Count
// samples at Start, Start+Step, ..., Start+(Count-1)*Step (time codes, as
// USD's timeSamples keys).
type Samples struct {
	Count int     `json:"count"`
	Start float64 `json:"start"`
	Step  float64 `json:"step"`
}

// MaxSamples is the most time samples a property may have.
const MaxSamples = 1 << 16

// Time is the time of sample k: Start + k*Step, the product rounded
// before the sum (no fused multiply-add), as every reader computes it.
func (s Samples) Time(k int) float64 { return s.Start + float64(float64(k)*s.Step) }

// Times lists the sample times (nil when Count is 0).
func (s Samples) Times() []float64 {
	if s.Count <= 0 {
		return nil
	}
	ts := make([]float64, s.Count)
	for k := range ts {
		ts[k] = s.Time(k)
	}
	return ts
}

// Check verifies that the times are finite, ascending and distinct.
func (s Samples) Check() error {
	switch {
	case s.Count < 0 || s.Count > MaxSamples:
		return fmt.Errorf("%d time samples: the count must be from 0 to %d", s.Count, MaxSamples)
	case s.Count == 0:
		return nil
	case math.IsNaN(s.Start) || math.IsInf(s.Start, 0) || math.IsNaN(s.Step) || math.IsInf(s.Step, 0):
		return fmt.Errorf("time samples start %v, step %v: both must be finite", s.Start, s.Step)
	case s.Count > 1 && s.Step <= 0:
		return fmt.Errorf("time samples step %v: must be more than 0", s.Step)
	}
	last := s.Time(s.Count - 1)
	if math.IsInf(last, 0) {
		return fmt.Errorf("time samples: the last time overflows")
	}
	for k := 1; k < s.Count; k++ {
		if s.Time(k) <= s.Time(k-1) {
			return fmt.Errorf("time samples step %v is too small at time %v: two samples share a time", s.Step, s.Time(k))
		}
	}
	return nil
}

// Writer consumes a scene in batches. Close finalises the file; a writer whose
// Write or Close failed leaves a file the caller must delete.
type Writer interface {
	Write(b *Batch) error
	Close() error
}

// Reader answers reads of one opened file. All methods are safe for
// concurrent use. Get on a value that is already decoded must not allocate.
type Reader interface {
	// Properties lists the properties the file carries, in column order.
	// A name with values of several types lists once per type.
	Properties() []Property
	// Prims lists the paths of the prims that carry properties, in layer
	// order. It may do I/O on first call (for lazily indexed formats).
	Prims() ([]string, error)
	// Get reads one property of one prim into dst, of whatever type the
	// prim's value has (dst.Type). dst's slices may be reused; the values
	// it points to stay valid until Close. A prim without a value for a
	// property the file has gives an error wrapping ErrNoValue; an unknown
	// prim or property one wrapping ErrNotFound.
	Get(prim, property string, dst *Value) error
	// Close releases the file and every cached block.
	Close() error
}

// Format is one storage format: its declared options, how to write a scene
// to a file, and how to open one.
type Format interface {
	// Name is the format type used in specs ("parquet", "usdc").
	Name() string
	// Extension is the file name suffix including the dot (".parquet").
	Extension() string
	// Options declares the options a spec may set for this format.
	Options() []Option
	// Create starts writing a scene to path. opts is complete: every
	// declared option is present, normalised by Normalize.
	Create(path string, opts Options, info SceneInfo) (Writer, error)
	// Open opens a file written by Create (or by the format's reference
	// implementation) for reading.
	Open(path string, opts Options) (Reader, error)
}

var (
	registryMu sync.RWMutex
	registry   = map[string]Format{}
)

// Register makes a format available by its name. It panics on a duplicate
// name, which is a programming error caught at init time.
func Register(f Format) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[f.Name()]; dup {
		panic("formats: duplicate registration of " + f.Name())
	}
	registry[f.Name()] = f
}

// Lookup returns the format registered under name.
func Lookup(name string) (Format, bool) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	f, ok := registry[name]
	return f, ok
}

// Names lists the registered format names, sorted.
func Names() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	return sortedNames()
}

// sortedNames lists the registered names, sorted; the caller holds
// registryMu.
func sortedNames() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ErrNotFound is wrapped by Reader.Get errors for an unknown prim or property.
var ErrNotFound = fmt.Errorf("not found")

// NotFoundError reports a prim or property the file does not have.
type NotFoundError struct {
	File, Prim, Property string
}

func (e *NotFoundError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: ", e.File)
	switch {
	case e.Property == "":
		fmt.Fprintf(&b, "no prim %q", e.Prim)
	case e.Prim == "":
		fmt.Fprintf(&b, "no property %q", e.Property)
	default:
		fmt.Fprintf(&b, "prim %q has no property %q", e.Prim, e.Property)
	}
	return b.String()
}

func (e *NotFoundError) Unwrap() error { return ErrNotFound }

// ErrNoValue is wrapped by Reader.Get errors for a prim that has no value
// for a property the file has: the prim lacks the property, declares it
// without a default value (only time samples or connections, or a blocked
// value), or holds a value the scene model does not carry. Traversals
// skip such pairs: they are not digested.
var ErrNoValue = errors.New("no value")

// NoValueError reports a prim without a value for a property.
type NoValueError struct {
	File, Prim, Property string
	// Why, when set, says more ("declared without a default value").
	Why string
}

func (e *NoValueError) Error() string {
	msg := fmt.Sprintf("%s: prim %q has no value for %q", e.File, e.Prim, e.Property)
	if e.Why != "" {
		msg += " (" + e.Why + ")"
	}
	return msg
}

func (e *NoValueError) Unwrap() error { return ErrNoValue }

// A Note says what a reader left out of the scene it presents: attributes
// of types the scene model does not carry, values inside variants, time
// samples without a default. Count is the number of attributes (or values)
// concerned.
type Note struct {
	Count int    `json:"count"`
	What  string `json:"what"`
}

// String reads "attributes of type quatf[], which ... (12)".
func (n Note) String() string { return fmt.Sprintf("%s (%d)", n.What, n.Count) }

// Noter is implemented by readers that can say what they left out.
type Noter interface {
	Notes() []Note
}
