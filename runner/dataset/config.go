// Package dataset generates deterministic synthetic scenes (schema presets,
// custom properties, flat, deep and balanced hierarchies) and caches them as
// files per format variant, so that a file on disk is only ever served when
// its manifest proves it complete.
package dataset

// Config is one fully resolved dataset: a single point of any sweep in the
// spec (sweeps are expanded before a Config is built).
type Config struct {
	// Name is the dataset's name in the plan; for sweeps it carries the
	// swept values ("flat-prims10000").
	Name string `json:"name"`
	// Prims is the number of prims that carry properties.
	Prims int `json:"prims"`
	// Hierarchy is "flat" (default), "deep" or "balanced".
	Hierarchy string `json:"hierarchy"`
	// Depth and Fanout shape a "balanced" hierarchy.
	Depth  int `json:"depth,omitempty"`
	Fanout int `json:"fanout,omitempty"`
	// Seed makes values reproducible; the same seed gives the same bytes.
	Seed uint64 `json:"seed"`
	// Schema is a preset name ("building20", the default, or "none").
	Schema string `json:"schema"`
	// Payload adds the 1,000-character payload string (building20 only).
	Payload bool `json:"payload"`
	// Properties are custom properties added to (or, with Schema "none",
	// replacing) the preset's.
	Properties []PropertyConfig `json:"properties,omitempty"`
}

// PropertyConfig declares one custom property.
type PropertyConfig struct {
	Name string `json:"name"`
	// Type is a USD type name (formats.ParseType).
	Type string `json:"type"`
	// Length is the element count for array types.
	Length int `json:"length,omitempty"`
	// Generator draws the values, written as a call:
	//
	//	uniform(lo, hi)  normal(mean, sd)  choice(["a", "b"])  choice([1, 2])
	//	sequence(start, step)  pattern("SUP-####")  random_string(n)
	//	constant(v)
	//
	// The dataset package parses and validates it (ParseGenerator).
	Generator string `json:"generator"`
}
