// Package cat prints any file the runner can read (usdc, usda, parquet) the
// way usdcat does: as USDA-like text, or as JSON lines for scripts. A USD
// layer prints whole, everything Sdf holds (sdf.Layer: metadata,
// composition arcs, every value type, time samples, connections,
// relationships, variants); a Parquet file prints its scene. It is the
// logic behind `runner cat`; the formats themselves say which files are
// theirs (formats.Detect).
package cat

import (
	"errors"
	"fmt"
	"io"

	"github.com/scenebench/runner/formats"
	_ "github.com/scenebench/runner/formats/all" // every format the runner ships
	"github.com/scenebench/runner/formats/sdf"
	"github.com/scenebench/runner/formats/usda"
)

// File is an opened file: a whole layer (usda, usdc) or a scene
// (parquet).
type File struct {
	// Format is the format's name ("usdc").
	Format string
	// Layer is the layer of a USD file, nil otherwise.
	Layer *sdf.Layer
	// Scene is the scene of any other file, nil for a USD file.
	Scene formats.Reader

	release func() error
}

// Open recognises the format of the file at path (formats.Detect: by its
// first bytes, else its extension) and reads it: a USD layer whole, any
// other file as a scene opened with the format's default options.
func Open(path string) (*File, error) {
	f, err := formats.Detect(path)
	if errors.Is(err, formats.ErrUnknownFormat) {
		return nil, fmt.Errorf("%s: unknown file format (not usdc, usda or parquet by its contents or extension)", path)
	}
	if err != nil {
		return nil, err
	}
	if lo, ok := f.(sdf.LayerOpener); ok {
		l, release, err := lo.OpenLayer(path)
		if err != nil {
			return nil, err
		}
		return &File{Format: f.Name(), Layer: l, release: release}, nil
	}
	opts, err := formats.Normalize(f, nil)
	if err != nil {
		return nil, err
	}
	r, err := f.Open(path, opts)
	if err != nil {
		return nil, err
	}
	return &File{Format: f.Name(), Scene: r}, nil
}

// Text prints the file as USDA text.
func (f *File) Text(w io.Writer) error {
	if f.Layer != nil {
		return f.Layer.Text(w)
	}
	return Text(w, f.Scene)
}

// JSON prints the file as JSON lines: a layer's specs (sdf.Layer.JSON), a
// scene's values (JSON).
func (f *File) JSON(w io.Writer) error {
	if f.Layer != nil {
		return f.Layer.JSON(w)
	}
	return JSON(w, f.Scene)
}

// Close releases the file.
func (f *File) Close() error {
	if f.Scene != nil {
		return f.Scene.Close()
	}
	if f.release != nil {
		return f.release()
	}
	return nil
}

// sceneInfoReader is implemented by readers that recover the scene
// description their file records.
type sceneInfoReader interface {
	SceneInfo() (formats.SceneInfo, bool)
}

// Text prints every prim and property value of a scene as a USDA layer,
// like usdcat: prims in layer order as "over" specs, properties in
// OpenUSD's order, the scene description (when the file records one) as
// layer data. A prim without a value for a property has no attribute.
func Text(w io.Writer, r formats.Reader) error {
	prims, err := r.Prims()
	if err != nil {
		return err
	}
	props := r.Properties()
	info := formats.SceneInfo{Prims: len(prims), Properties: props}
	recorded := false
	if ir, ok := r.(sceneInfoReader); ok {
		if i, ok := ir.SceneInfo(); ok {
			info.Schema, info.Hierarchy, info.Seed = i.Schema, i.Hierarchy, i.Seed
			recorded = true
		}
	}
	enc, err := usda.NewEncoder(w, usda.EncoderOptions{OmitSceneInfo: !recorded}, info)
	if err != nil {
		return err
	}
	vals := make([]formats.Value, len(props))
	present := make([]bool, len(props))
	an, err := newAnimation(r, props)
	if err != nil {
		return err
	}
	for pi, p := range prims {
		for i, prop := range props {
			err := r.Get(p, prop.Name, &vals[i])
			// One name of several types: the prim's value is one of them.
			present[i] = err == nil && vals[i].Type == prop.Type
			if err != nil && !errors.Is(err, formats.ErrNotFound) && !errors.Is(err, formats.ErrNoValue) {
				return err
			}
		}
		if an == nil {
			err = enc.Prim(p, vals, present)
		} else {
			var samples [][]formats.Value
			if samples, err = an.read(formats.PrimHandle(pi), present); err == nil {
				err = enc.AnimatedPrim(p, vals, samples, present)
			}
		}
		if err != nil {
			return err
		}
	}
	return enc.Close()
}

// animation reads the time samples of a scene's animated properties
// (formats.Property.Samples), through the reader's handles.
type animation struct {
	s       formats.Sampler
	props   []formats.Property
	handles []formats.PropertyHandle
	samples [][]formats.Value
}

// newAnimation prepares the reads of r's animated properties; nil when it
// has none or cannot read time samples.
func newAnimation(r formats.Reader, props []formats.Property) (*animation, error) {
	res, s, err := samplerOf(r, props, false)
	if s == nil || err != nil {
		return nil, err
	}
	a := &animation{s: s, props: props, handles: make([]formats.PropertyHandle, len(props)), samples: make([][]formats.Value, len(props))}
	for i, p := range props {
		if p.Samples.Count == 0 {
			continue
		}
		if a.handles[i], err = res.ResolveProperty(p.Name); err != nil {
			return nil, err
		}
		a.samples[i] = make([]formats.Value, p.Samples.Count)
	}
	return a, nil
}

// read reads prim's samples of every animated property it has a value of
// (present), one per time of its Samples; a prim whose samples differ
// from the scene's times is an error (the layer text could not say so).
func (a *animation) read(prim formats.PrimHandle, present []bool) ([][]formats.Value, error) {
	for i, p := range a.props {
		if p.Samples.Count == 0 || !present[i] {
			continue
		}
		times, err := a.s.SampleTimes(prim, a.handles[i])
		if err != nil {
			return nil, err
		}
		if len(times) != p.Samples.Count {
			return nil, fmt.Errorf("prim %d: %d time samples of %s, the scene declares %d", prim, len(times), p.Name, p.Samples.Count)
		}
		for k := range times {
			if err := a.s.GetSample(prim, a.handles[i], k, &a.samples[i][k]); err != nil {
				return nil, fmt.Errorf("sample %d of %s: %w", k, p.Name, err)
			}
		}
	}
	return a.samples, nil
}

// JSON prints one JSON object per line for every property value of a
// scene, in layer order: {"path": ..., "property": ..., "type": ...,
// "value": ...}. Floats print in shortest round-trip form; NaN and
// infinities, which JSON lacks, print as the strings "nan", "inf" and
// "-inf". A prim without a value for a property has no line.
func JSON(w io.Writer, r formats.Reader) error {
	prims, err := r.Prims()
	if err != nil {
		return err
	}
	var names []string // one name of several types is read once
	seen := map[string]bool{}
	for _, p := range r.Properties() {
		if !seen[p.Name] {
			seen[p.Name] = true
			names = append(names, p.Name)
		}
	}
	an, err := newTimes(r)
	if err != nil {
		return err
	}
	var v formats.Value
	buf := make([]byte, 0, 64<<10)
	for pi, p := range prims {
		for _, name := range names {
			if err := r.Get(p, name, &v); err != nil {
				if errors.Is(err, formats.ErrNotFound) || errors.Is(err, formats.ErrNoValue) {
					continue
				}
				return err
			}
			buf = append(buf, `{"path":`...)
			buf = appendJSONString(buf, p)
			buf = append(buf, `,"property":`...)
			buf = appendJSONString(buf, name)
			buf = append(buf, `,"type":"`...)
			buf = append(buf, v.Type.String()...)
			buf = append(buf, `","value":`...)
			buf = appendJSONValue(buf, &v)
			buf = append(buf, "}\n"...)
			if buf, err = an.appendJSON(buf, formats.PrimHandle(pi), p, name); err != nil {
				return err
			}
			if len(buf) > 60<<10 {
				if _, err := w.Write(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
		}
	}
	_, err = w.Write(buf)
	return err
}

// times reads every time sample of a scene's properties for JSON.
type times struct {
	res formats.Resolver
	s   formats.Sampler
	v   formats.Value
}

// newTimes prepares reads of r's time samples; nil when it has none.
func newTimes(r formats.Reader) (*times, error) {
	res, s, err := samplerOf(r, r.Properties(), true)
	if s == nil || err != nil {
		return nil, err
	}
	return &times{res: res, s: s}, nil
}

// samplerOf gives r's handles and time samples when it has samples to
// show: a property of props declared animated or, with anySamples, any
// sample a Sampler may hold (a user's layer, whose times need not be
// regular). Both are nil otherwise.
func samplerOf(r formats.Reader, props []formats.Property, anySamples bool) (formats.Resolver, formats.Sampler, error) {
	animated := false
	for _, p := range props {
		animated = animated || p.Samples.Count > 0
	}
	if _, ok := r.(formats.Sampler); !animated && !(anySamples && ok) {
		return nil, nil, nil
	}
	res, err := formats.Resolve(r)
	if err != nil {
		return nil, nil, err
	}
	s, ok := res.(formats.Sampler)
	if !ok {
		return nil, nil, nil
	}
	return res, s, nil
}

// appendJSON appends a line per time sample of (prim, name), with its
// "time" after the property.
func (t *times) appendJSON(buf []byte, prim formats.PrimHandle, path, name string) ([]byte, error) {
	if t == nil {
		return buf, nil
	}
	q, err := t.res.ResolveProperty(name)
	if err != nil {
		return buf, err
	}
	ts, err := t.s.SampleTimes(prim, q)
	if err != nil {
		return buf, err
	}
	for k, at := range ts {
		if err := t.s.GetSample(prim, q, k, &t.v); err != nil {
			if errors.Is(err, formats.ErrNoValue) {
				continue // blocked
			}
			return buf, err
		}
		buf = append(buf, `{"path":`...)
		buf = appendJSONString(buf, path)
		buf = append(buf, `,"property":`...)
		buf = appendJSONString(buf, name)
		buf = append(buf, `,"time":`...)
		buf = sdf.AppendJSONFloat(buf, at, 64)
		buf = append(buf, `,"type":"`...)
		buf = append(buf, t.v.Type.String()...)
		buf = append(buf, `","value":`...)
		buf = appendJSONValue(buf, &t.v)
		buf = append(buf, "}\n"...)
	}
	return buf, nil
}

// jsonNotation writes values as JSON: numbers in shortest round-trip form,
// vectors and arrays as arrays.
var jsonNotation = &formats.Notation{
	Float:   sdf.AppendJSONFloat,
	String:  appendJSONString,
	Asset:   appendJSONString,
	Bool:    [2]string{"false", "true"},
	Tuple:   [2]byte{'[', ']'},
	Array:   [2]byte{'[', ']'},
	Sep:     ',',
	Invalid: "null",
}

func appendJSONValue(b []byte, v *formats.Value) []byte {
	return jsonNotation.AppendValue(b, v)
}

// appendJSONString quotes s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte { return sdf.AppendJSONString(b, s) }
