package view

import (
	"encoding/json"
	"slices"
)

// What a step is, from the traits and params its op declared (results
// written before traits existed carry none, and the reports fall back to
// reading names). Params come straight from the executor or through JSON,
// so lists may be []string or []any and numbers any numeric type.

// Is reports whether the step carries trait (results.TraitOpen, ...).
func (t *StepTable) Is(trait string) bool { return slices.Contains(t.Traits, trait) }

// Order is the traversal order its params name ("layer", "random",
// "reverse"), or "".
func (t *StepTable) Order() string {
	s, _ := t.Params["order"].(string)
	return s
}

// Properties are the properties its params name (none when they name none:
// a traversal of every property, or results without params).
func (t *StepTable) Properties() []string {
	switch ps := t.Params["properties"].(type) {
	case []string:
		return ps
	case []any:
		var out []string
		for _, p := range ps {
			if s, ok := p.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// IntParam is a numeric param as an integer (0 when absent).
func (t *StepTable) IntParam(name string) int64 {
	switch v := t.Params[name].(type) {
	case int:
		return int64(v)
	case int64:
		return v
	case uint64:
		return int64(v)
	case float64:
		return int64(v)
	case json.Number:
		n, _ := v.Int64()
		return n
	}
	return 0
}

// PropertyCount is how many properties the step reads per prim: as many
// as its params name, else (a traversal of every property, or no params)
// its values per prim when they divide evenly, else 0 for unknown.
func (t *StepTable) PropertyCount(prims int64) int64 {
	if ps := t.Properties(); len(ps) > 0 {
		return int64(len(ps))
	}
	if t.Op == "traverse" && prims > 0 && t.Values > 0 && t.Values%prims == 0 && t.IntParam("limit") == 0 {
		return t.Values / prims
	}
	return 0
}

// hasTraits reports whether any step of d carries traits: then the
// headline rows are chosen by traits and params rather than by names.
func (d *Dataset) hasTraits() bool {
	for _, s := range d.Scenarios {
		for _, t := range s.Steps {
			if len(t.Traits) > 0 {
				return true
			}
		}
	}
	return false
}
