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
	for _, p := range prims {
		for i, prop := range props {
			err := r.Get(p, prop.Name, &vals[i])
			// One name of several types: the prim's value is one of them.
			present[i] = err == nil && vals[i].Type == prop.Type
			if err != nil && !errors.Is(err, formats.ErrNotFound) && !errors.Is(err, formats.ErrNoValue) {
				return err
			}
		}
		if err := enc.Prim(p, vals, present); err != nil {
			return err
		}
	}
	return enc.Close()
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
	var v formats.Value
	buf := make([]byte, 0, 64<<10)
	for _, p := range prims {
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
