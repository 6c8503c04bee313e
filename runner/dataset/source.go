package dataset

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/sdf"
	"github.com/scenebench/runner/internal/units"
)

// Datasets imported from a user's layer (Config.Source).
//
// A source layer (usda, usdc, or .usd of either, recognised by its
// contents) is read through runner's own readers, and its scene — the
// prims that hold attribute values of types the scene model carries, in
// layer order, with those values — becomes the dataset: every format of
// the spec is written from it, so every scenario runs on the user's data.
// What the scene leaves out is counted per attribute (the readers' notes:
// unsupported types, attributes without a default, time samples, variants,
// relationships), and so are names not every format can write.
//
// The layer is read whole into memory: the import holds every value, and
// the reader its own copy while it runs, about ImportMemoryFactor times
// the file's size; a source needing more than the memory available is
// refused up front.

// ImportVersion identifies the import rules. It is part of the cache key
// of imported datasets, with the source file's SHA-256: bump it whenever a
// change here changes what a layer imports as.
const ImportVersion = 1

// ImportMemoryFactor is the memory an import takes per byte of the source
// file, an upper estimate (a text layer parses into columns of about its
// size, the import copies them once more).
const ImportMemoryFactor = 4

// Imported is what a source layer gave a dataset.
type Imported struct {
	// Path is the source file (absolute), Format its format ("usda",
	// "usdc"), Bytes its size and SHA256 the hash of its contents.
	Path   string `json:"path"`
	Format string `json:"format"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
	// Prims is the number of prims with values, Values the number of
	// attribute values imported.
	Prims  int `json:"prims"`
	Values int `json:"values"`
	// Properties are the imported properties: a name and type each (one
	// name of several types is one per type), with the number of prims
	// that have a value.
	Properties []ImportedProperty `json:"properties"`
	// LeftOut counts what the import did not carry, and why.
	LeftOut []formats.Note `json:"left_out"`

	info  formats.SceneInfo
	paths []string
	cols  []formats.Column
}

// ImportedProperty is one imported property.
type ImportedProperty struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Prims int    `json:"prims"`
}

// Summary describes the import in a line: "1,234 prims, 5,678 values of
// 12 properties (double, float3[], token); left out: 3 attributes of type
// quatf[], which ..."
func (im *Imported) Summary() string {
	types := map[string]bool{}
	for _, p := range im.Properties {
		types[p.Type] = true
	}
	var ts []string
	for t := range types {
		ts = append(ts, t)
	}
	sort.Strings(ts)
	s := fmt.Sprintf("%s from %s (%s, %s): %s prims, %s values of %d properties (%s)",
		"imported", im.Path, im.Format, units.Bytes(float64(im.Bytes)), units.Count(int64(im.Prims)),
		units.Count(int64(im.Values)), len(im.Properties), strings.Join(ts, ", "))
	if len(im.LeftOut) == 0 {
		return s + "; nothing left out"
	}
	var out []string
	for _, n := range im.LeftOut {
		out = append(out, n.String())
	}
	return s + "; left out: " + strings.Join(out, "; ")
}

// Import reads cfg's source layer (cached for the process while the file
// is unchanged).
func Import(cfg Config) (*Imported, error) {
	if cfg.Source == "" {
		return nil, fmt.Errorf("dataset %q has no source", cfg.Name)
	}
	return importSource(cfg.Source)
}

type importKey struct {
	path  string
	size  int64
	mtime int64
}

var (
	importMu    sync.Mutex
	importCache = map[importKey]*importEntry{}
)

type importEntry struct {
	once sync.Once
	im   *Imported
	err  error
}

// importSource reads a source layer once per process (per path, size and
// modification time).
func importSource(path string) (*Imported, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", path, unwrapPath(err))
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("source %s is not a regular file", path)
	}
	k := importKey{path, st.Size(), st.ModTime().UnixNano()}
	importMu.Lock()
	e := importCache[k]
	if e == nil {
		e = &importEntry{}
		importCache[k] = e
	}
	importMu.Unlock()
	e.once.Do(func() { e.im, e.err = readSource(path, st.Size()) })
	return e.im, e.err
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// readSource imports a layer: its scene through the format's reader.
func readSource(path string, size int64) (*Imported, error) {
	f, err := formats.Detect(path)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", path, err)
	}
	switch f.Name() {
	case "usda", "usdc":
	default:
		return nil, fmt.Errorf("source %s is a %s file; a source is a USD layer (usda, usdc or .usd of either)", path, f.Name())
	}
	if avail, err := availableMemory(); err == nil && ImportMemoryFactor*size > avail {
		return nil, fmt.Errorf("%w: source %s is %s; importing reads it whole into memory, about %d times its size (%s), and %s is available",
			ErrNoRoom, path, units.Bytes(float64(size)), ImportMemoryFactor,
			units.Bytes(float64(ImportMemoryFactor*size)), units.Bytes(float64(avail)))
	}
	sum, err := fileSHA256(path)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", path, err)
	}
	opts, err := formats.Normalize(f, nil)
	if err != nil {
		return nil, err
	}
	r, err := f.Open(path, opts)
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	defer r.Close()
	im := &Imported{Path: path, Format: f.Name(), Bytes: size, SHA256: sum}
	if err := im.read(r); err != nil {
		return nil, fmt.Errorf("source %s: %w", path, err)
	}
	if im.Prims == 0 {
		return nil, fmt.Errorf("source %s holds no attribute value the scene model carries (%s)", path, im.leftOutText())
	}
	return im, nil
}

func (im *Imported) leftOutText() string {
	if len(im.LeftOut) == 0 {
		return "it has no attributes"
	}
	var out []string
	for _, n := range im.LeftOut {
		out = append(out, n.String())
	}
	return "left out: " + strings.Join(out, "; ")
}

func fileSHA256(path string) (string, error) {
	fh, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer fh.Close()
	h := sha256.New()
	if _, err := io.CopyBuffer(h, fh, make([]byte, 1<<20)); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writableName reports whether every format can write a property or prim
// name: identifiers (ASCII letters, digits, '_'), namespaced with ':' for
// properties; not "path", which Parquet's layout keeps for prim paths.
func writableName(name string, property bool) bool {
	if property && name == "path" {
		return false
	}
	if !property {
		return formats.IsIdentifier(name)
	}
	return formats.IsPropertyName(name)
}

// read takes the scene of r: prims in layer order, one column per (name,
// type) with presence (names sorted as OpenUSD prints them), values copied out of the reader.
func (im *Imported) read(r formats.Reader) error {
	var notes formats.NoteCounter
	if n, ok := r.(formats.Noter); ok {
		for _, note := range n.Notes() {
			notes.Add(note.What, note.Count)
		}
	}
	prims, err := r.Prims()
	if err != nil {
		return err
	}
	var names []string
	seen := map[string]bool{}
	for _, p := range r.Properties() {
		if seen[p.Name] {
			continue
		}
		seen[p.Name] = true
		if !writableName(p.Name, true) {
			continue
		}
		names = append(names, p.Name)
	}
	// Columns in the order OpenUSD prints properties (sorted by name), so
	// a layer and its text twin (usdcat's output) import the same dataset.
	slices.SortFunc(names, func(a, b string) int {
		switch {
		case sdf.DictionaryLess(a, b):
			return -1
		case sdf.DictionaryLess(b, a):
			return 1
		}
		return 0
	})
	colOf := map[formats.Property]int{}
	var counts []int
	var v formats.Value
	badPrims, badNames := 0, map[string]int{}
	for name := range seen {
		if !writableName(name, true) {
			badNames[name] = 0
		}
	}
	for _, p := range prims {
		if !writablePath(p) {
			badPrims++
			continue
		}
		row := len(im.paths)
		added := false
		for _, name := range names {
			err := r.Get(p, name, &v)
			if errors.Is(err, formats.ErrNoValue) || errors.Is(err, formats.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			key := formats.Property{Name: name, Type: v.Type}
			ci, ok := colOf[key]
			if !ok {
				ci = len(im.cols)
				colOf[key] = ci
				im.cols = append(im.cols, formats.Column{Property: key})
				counts = append(counts, 0)
			}
			c := &im.cols[ci]
			for c.Len() < row {
				appendValue(c, nil)
			}
			appendValue(c, &v)
			counts[ci]++
			im.Values++
			added = true
		}
		if !added {
			continue
		}
		im.paths = append(im.paths, p)
	}
	for name := range badNames {
		for _, p := range prims {
			if r.Get(p, name, &v) == nil {
				badNames[name]++
			}
		}
	}
	for name, n := range badNames {
		notes.Add(fmt.Sprintf("values of %q, a name not every format can write", name), n)
	}
	notes.Add("prims whose paths hold names other than ASCII identifiers, which not every format can write", badPrims)
	im.Prims = len(im.paths)
	for i := range im.cols {
		c := &im.cols[i]
		for c.Len() < im.Prims {
			appendValue(c, nil)
		}
		c.Property.Sparse = counts[i] < im.Prims
		if !c.Property.Sparse {
			c.Present = nil
		}
		im.Properties = append(im.Properties, ImportedProperty{Name: c.Property.Name, Type: c.Property.Type.String(), Prims: counts[i]})
	}
	im.info = formats.SceneInfo{Schema: "source", Hierarchy: HierarchySource, Prims: im.Prims}
	for _, c := range im.cols {
		im.info.Properties = append(im.info.Properties, c.Property)
	}
	im.LeftOut = notes.Notes()
	return nil
}

// writablePath reports whether every prim name of path is writable.
func writablePath(path string) bool {
	if len(path) < 2 || path[0] != '/' {
		return false
	}
	for _, name := range strings.Split(path[1:], "/") {
		if !writableName(name, false) {
			return false
		}
	}
	return true
}

// appendValue appends v to column c (a copy of its arrays), or, when v is
// nil, a row without a value.
func appendValue(c *formats.Column, v *formats.Value) {
	present := v != nil
	if !present || c.Present != nil {
		for len(c.Present) < c.Len() {
			c.Present = append(c.Present, true)
		}
		c.Present = append(c.Present, present)
	}
	var zero formats.Value
	if v == nil {
		zero.Type = c.Property.Type
		v = &zero
	}
	switch c.Property.Type {
	case formats.Double:
		c.Doubles = append(c.Doubles, v.Num)
	case formats.Float:
		c.Floats = append(c.Floats, float32(v.Num))
	case formats.Half:
		c.Halfs = append(c.Halfs, formats.HalfBits(v.Num))
	case formats.Int:
		c.Ints = append(c.Ints, int32(v.Int))
	case formats.Int64:
		c.Int64s = append(c.Int64s, v.Int)
	case formats.Bool:
		c.Bools = append(c.Bools, v.Bool)
	case formats.String, formats.Token, formats.Asset:
		c.Strings = append(c.Strings, v.Str)
	case formats.Float3:
		c.Vec3f = append(c.Vec3f, [3]float32{float32(v.Vec[0]), float32(v.Vec[1]), float32(v.Vec[2])})
	case formats.Double3:
		c.Vec3d = append(c.Vec3d, v.Vec)
	case formats.DoubleArray:
		c.DoubleArrays = append(c.DoubleArrays, append([]float64{}, v.Doubles...))
	case formats.FloatArray, formats.Float2Array:
		c.FloatArrays = append(c.FloatArrays, append([]float32{}, v.Floats...))
	case formats.IntArray:
		c.IntArrays = append(c.IntArrays, append([]int32{}, v.Ints...))
	case formats.Float3Array:
		c.Vec3fArrays = append(c.Vec3fArrays, append([][3]float32{}, v.Vecs...))
	case formats.Int64Array:
		c.Int64Arrays = append(c.Int64Arrays, append([]int64{}, v.Int64s...))
	case formats.BoolArray:
		c.BoolArrays = append(c.BoolArrays, append([]bool{}, v.Bools...))
	case formats.StringArray, formats.TokenArray:
		c.StringArrays = append(c.StringArrays, append([]string{}, v.Strs...))
	case formats.HalfArray:
		c.HalfArrays = append(c.HalfArrays, append([]uint16{}, v.Halfs...))
	default: // the other tuples
		c.Tuples = append(c.Tuples, v.Tuple[:c.Property.Type.Width()]...)
	}
}

// sourceScene is the scene of an imported dataset.
func sourceScene(cfg Config) (*scene, []error) {
	fail := func(err error) (*scene, []error) {
		return nil, []error{&ConfigError{Dataset: cfg.Name, Field: "source", Err: err}}
	}
	if !filepath.IsAbs(cfg.Source) {
		return fail(fmt.Errorf("source path %q is not absolute", cfg.Source))
	}
	im, err := importSource(cfg.Source)
	if err != nil {
		return fail(err)
	}
	c := cfg
	c.Prims, c.Hierarchy, c.Schema = im.Prims, HierarchySource, "source"
	c.Depth, c.Fanout, c.Seed, c.Payload, c.Properties = 0, 0, 0, false, nil
	s := &scene{cfg: c, info: im.info, imp: im}
	s.paths = func(buf []byte, i int) []byte { return append(buf, im.paths[i]...) }
	return s, nil
}

// generateImported streams the imported scene in batches, sharing its
// memory.
func (s *scene) generateImported(batchSize int, fn func(*formats.Batch) error) error {
	im := s.imp
	if batchSize < 1 {
		batchSize = DefaultBatchSize
	}
	for lo := 0; lo < im.Prims; lo += batchSize {
		hi := min(lo+batchSize, im.Prims)
		b := &formats.Batch{Paths: im.paths[lo:hi]}
		if !s.base {
			for i := range im.cols {
				b.Columns = append(b.Columns, im.cols[i].Slice(lo, hi))
			}
		}
		if err := fn(b); err != nil {
			return err
		}
	}
	return nil
}

// importedRawSize measures the imported scene's values and paths.
func (im *Imported) rawSize() formats.RawSize {
	r := formats.RawSize{Prims: int64(im.Prims)}
	if im.Prims == 0 {
		return r
	}
	var values, paths float64
	var v formats.Value
	for i := range im.cols {
		c := &im.cols[i]
		for row := 0; row < im.Prims; row++ {
			if !c.Has(row) {
				continue
			}
			c.Value(row, &v)
			values += valueBytes(&v)
		}
	}
	for _, p := range im.paths {
		paths += float64(len(p))
	}
	r.ValueSize = values / float64(im.Prims)
	r.PathSize = paths / float64(im.Prims)
	return r
}

// valueBytes is a value's size at its types' widths.
func valueBytes(v *formats.Value) float64 {
	t := v.Type
	scalar := 8.0
	switch t.Kind() {
	case formats.KindFloat, formats.KindInt:
		scalar = 4
	case formats.KindHalf:
		scalar = 2
	case formats.KindBool:
		scalar = 1
	case formats.KindString:
		switch t {
		case formats.StringArray, formats.TokenArray:
			n := 0
			for _, s := range v.Strs {
				n += len(s)
			}
			return float64(n)
		}
		return float64(len(v.Str))
	}
	return scalar * float64(t.Width()*v.Len())
}
