package formats

import (
	"fmt"
	"sort"
	"strings"
)

// roles maps the role type names of Sdf's value type registry (a type that
// says what its value means: a point, a color, a texture coordinate) to
// the plain type they store. The scene model keeps the plain type; the
// role is not part of a value.
var roles = map[string]string{
	"point3f": "float3", "vector3f": "float3", "normal3f": "float3", "color3f": "float3",
	"point3d": "double3", "vector3d": "double3", "normal3d": "double3", "color3d": "double3",
	"texCoord2f": "float2", "texCoord2d": "double2", "texCoord3f": "float3", "texCoord3d": "double3",
	"color4f": "float4", "color4d": "double4",
	"frame4d": "matrix4d",
}

// SceneTypeOf returns the scene type values of the Sdf value type named
// sdfType are read as ("texCoord2f[]" is float2[], "point3f" float3), or
// false when the scene model does not carry that type (uchar, half3,
// matrix3d, double3[], ...): such attributes are readable by `runner cat`
// but left out of a scene.
func SceneTypeOf(sdfType string) (Type, bool) {
	base, array := strings.CutSuffix(sdfType, "[]")
	if plain, ok := roles[base]; ok {
		base = plain
	}
	t, ok := ParseType(base)
	if !ok || t.IsArray() {
		return Invalid, false
	}
	if array {
		t = ArrayOf(t)
	}
	return t, t != Invalid
}

// The notes readers give for what a scene leaves out (see Note). Each
// reader counts with the same words, so that every format says the same
// of the same content.
func NoteUnsupportedType(sdfType string) string {
	return fmt.Sprintf("attributes of type %s, which the scene model does not carry", sdfType)
}

const (
	NoteNoDefault       = "attributes declared without a default value"
	NoteBlocked         = "attributes whose default value is blocked with None"
	NoteTimeSamplesOnly = "attributes with only time samples, which are not carried"
	NoteTimeSamples     = "attributes with time samples beside their default value, of which only the default is carried"
	NoteConnectionsOnly = "attributes with only connections"
	NoteVariants        = "attributes inside variants, which a scene does not hold"
	NoteRelationships   = "relationships, which a scene does not hold"
	NoteSplines         = "attributes with only a spline value, which is not carried"
	NoteArrayEdits      = "attributes whose default value is an array edit, which is not carried"
)

// NoteCounter counts what a reader leaves out, by note.
type NoteCounter struct {
	counts map[string]int
}

// Add counts n more of what.
func (c *NoteCounter) Add(what string, n int) {
	if n <= 0 {
		return
	}
	if c.counts == nil {
		c.counts = map[string]int{}
	}
	c.counts[what] += n
}

// Notes lists the counts, sorted by what they say.
func (c *NoteCounter) Notes() []Note {
	notes := make([]Note, 0, len(c.counts))
	for what, n := range c.counts {
		notes = append(notes, Note{Count: n, What: what})
	}
	sort.Slice(notes, func(i, j int) bool { return notes[i].What < notes[j].What })
	return notes
}
