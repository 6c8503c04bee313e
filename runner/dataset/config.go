// Package dataset generates deterministic synthetic scenes (schema presets,
// custom properties, flat, deep and balanced hierarchies) and caches them as
// files per format variant, so that a file on disk is only ever served when
// its manifest proves it complete.
package dataset

import "github.com/scenebench/runner/formats"

// Config is one fully resolved dataset: a single point of any sweep in the
// spec (sweeps are expanded before a Config is built).
type Config struct {
	// Name is the dataset's name in the plan; for sweeps it carries the
	// swept values ("flat-prims10000").
	Name string `json:"name"`
	// Prims is the number of prims that carry properties.
	Prims int `json:"prims"`
	// Hierarchy is "flat" (the default when empty), "deep" or "balanced":
	//
	//	flat      /World/Prim_<i>
	//	deep      /World/Zone_<z>/Level_<l>/Room_<r>/Component_<c>: 10
	//	          levels of 10 rooms per zone, zones = max(1, prims/1000),
	//	          components per room cpr = max(1, prims/(zones*100)); the
	//	          first min(prims, zones*100*cpr) prims fill the rooms in
	//	          order, the rest are /World/Extra/Prim_<i> (i counts all
	//	          prims from 0)
	//	balanced  Depth levels below /World, the last holding the prims:
	//	          /World/Node_<a>/.../Node_<y>/Prim_<i>, each prim having at
	//	          most Fanout children, filled in order (so prims may not
	//	          exceed Fanout^Depth)
	//
	// Only the leaf prims carry properties; their ancestors are implied by
	// the paths.
	Hierarchy string `json:"hierarchy"`
	// Depth and Fanout shape a "balanced" hierarchy (both at least 1) and
	// must be 0 for the others.
	Depth  int `json:"depth,omitempty"`
	Fanout int `json:"fanout,omitempty"`
	// Seed makes values reproducible: the same config and seed give the
	// same values on every platform. Each property draws from its own
	// stream, seeded by (Seed, property name), so adding a property never
	// changes the others.
	Seed uint64 `json:"seed"`
	// Schema is a preset name: "building20" (the default when empty: the
	// original benchmark's 20 properties and distributions, listed by
	// Presets) or "none", which has no properties of its own so that
	// Properties alone make the scene.
	Schema string `json:"schema"`
	// Payload true includes building20's 1,000-character "payload" string
	// property (after its 20 others). The Go zero value leaves it out; the
	// spec's default is true, which the spec decoder fills in. Ignored with
	// Schema "none".
	Payload bool `json:"payload"`
	// Properties are custom properties appended, in this order, after the
	// preset's (or, with Schema "none", making up the whole scene). Their
	// names must be unique, not clash with the preset's, and not be "path".
	Properties []PropertyConfig `json:"properties,omitempty"`
	// Source, when set, is the absolute path of a USD layer (usda, usdc or
	// .usd) whose scene is the dataset (see source.go): the generator
	// settings above do not apply, and Prims, Hierarchy ("source") and
	// Schema ("source") describe the import.
	Source string `json:"source,omitempty"`
}

// PropertyConfig declares one custom property.
type PropertyConfig struct {
	Name string `json:"name"`
	// Type is a USD type name (formats.ParseType).
	Type string `json:"type"`
	// Length is the element count of every value of an array type
	// (required, at least 1, for double[], float[], int[] and float3[];
	// must be 0 otherwise).
	Length int `json:"length,omitempty"`
	// Generator draws the values, written as a call:
	//
	//	uniform(lo, hi)  normal(mean, sd)  choice(["a", "b"])  choice([1, 2])
	//	sequence(start, step)  pattern("SUP-####")  random_string(n)
	//	constant(v)
	//
	// The dataset package parses and validates it (ParseGenerator).
	Generator string `json:"generator"`
	// Samples, when Count > 0, animates the property: besides its default
	// value every prim holds Count time samples at Start, Start+Step, ...
	// Sample k's values are drawn by the same generator from their own
	// stream, seeded by (Seed, "<name>@<k>"), so adding samples never
	// changes the defaults.
	Samples formats.Samples `json:"samples,omitzero"`
}
