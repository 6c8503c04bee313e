// Package cat prints any file the runner can read (usdc, usda, parquet) the
// way usdcat does: as USDA-like text, or as one JSON object per property
// value for scripts. It is the logic behind `runner cat`; the formats
// themselves say which files are theirs (formats.Detect).
package cat

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/scenebench/runner/formats"
	_ "github.com/scenebench/runner/formats/all" // every format the runner ships
	"github.com/scenebench/runner/formats/usda"
)

// Open recognises the format of the file at path (formats.Detect: by its
// first bytes, else its extension) and opens it with the format's default
// options. It returns the format's name with the reader.
func Open(path string) (formats.Reader, string, error) {
	f, err := formats.Detect(path)
	if errors.Is(err, formats.ErrUnknownFormat) {
		return nil, "", fmt.Errorf("%s: unknown file format (not usdc, usda or parquet by its contents or extension)", path)
	}
	if err != nil {
		return nil, "", err
	}
	opts, err := formats.Normalize(f, nil)
	if err != nil {
		return nil, f.Name(), err
	}
	r, err := f.Open(path, opts)
	if err != nil {
		return nil, f.Name(), err
	}
	return r, f.Name(), nil
}

// sceneInfoReader is implemented by readers that recover the scene
// description their file records.
type sceneInfoReader interface {
	SceneInfo() (formats.SceneInfo, bool)
}

// Text prints every prim and property value of r as a USDA layer, like
// usdcat: prims in layer order as "over" specs, properties in OpenUSD's
// order, and the scene description as layer data when the file records
// one (usda and parquet files runner writes do; a usdc file records none,
// and OpenUSD prints none for it either).
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
			present[i] = err == nil
			if err != nil && !errors.Is(err, formats.ErrNotFound) {
				return err
			}
		}
		if err := enc.Prim(p, vals, present); err != nil {
			return err
		}
	}
	return enc.Close()
}

// JSON prints one JSON object per line for every property value of r, in
// layer order: {"path": ..., "property": ..., "type": ..., "value": ...}.
// Floats print in shortest round-trip form; NaN and infinities, which JSON
// lacks, print as the strings "nan", "inf" and "-inf".
func JSON(w io.Writer, r formats.Reader) error {
	prims, err := r.Prims()
	if err != nil {
		return err
	}
	props := r.Properties()
	var v formats.Value
	buf := make([]byte, 0, 64<<10)
	for _, p := range prims {
		for _, prop := range props {
			if err := r.Get(p, prop.Name, &v); err != nil {
				if errors.Is(err, formats.ErrNotFound) {
					continue
				}
				return err
			}
			buf = append(buf, `{"path":`...)
			buf = appendJSONString(buf, p)
			buf = append(buf, `,"property":`...)
			buf = appendJSONString(buf, prop.Name)
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

func appendJSONFloat(b []byte, x float64, bits int) []byte {
	switch {
	case math.IsNaN(x):
		return append(b, `"nan"`...)
	case math.IsInf(x, 1):
		return append(b, `"inf"`...)
	case math.IsInf(x, -1):
		return append(b, `"-inf"`...)
	}
	return strconv.AppendFloat(b, x, 'g', -1, bits)
}

// jsonNotation writes values as JSON: numbers in shortest round-trip form,
// vectors and arrays as arrays.
var jsonNotation = &formats.Notation{
	Float:   appendJSONFloat,
	String:  appendJSONString,
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
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, `\n`...)
			case c == '\r':
				b = append(b, `\r`...)
			case c == '\t':
				b = append(b, `\t`...)
			case c < 0x20 || c == 0x7f:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else if r == '\u2028' || r == '\u2029' {
			b = append(b, `\u202`...)
			b = append(b, hex[r&15])
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
