package view

import "encoding/json"

// FloatParam is a numeric param as a float (0 when absent).
func (t *StepTable) FloatParam(name string) float64 {
	switch v := t.Params[name].(type) {
	case float64:
		return v
	case int:
		return float64(v)
	case int64:
		return float64(v)
	case uint64:
		return float64(v)
	case json.Number:
		f, _ := v.Float64()
		return f
	}
	return 0
}

// Sparse reports whether the step reads only a fraction of the prims (a
// traversal with fraction < 1).
func (t *StepTable) Sparse() bool {
	f := t.FloatParam("fraction")
	return f > 0 && f < 1
}
