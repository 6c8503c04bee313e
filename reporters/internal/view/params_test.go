package view

import (
	"encoding/json"
	"testing"
)

// Params reach the view straight from a run (typed Go values) or through
// results.json (lists as []any, numbers as float64): both read alike.
func TestParams(t *testing.T) {
	tests := []struct {
		name   string
		op     string
		values int64
		params map[string]any
		props  int64
		limit  int64
		order  string
	}{
		{"from a run", "get", 2, map[string]any{"properties": []string{"a", "b"}, "limit": 7}, 2, 7, ""},
		{"from JSON", "get", 2, map[string]any{"properties": []any{"a", "b"}, "limit": 7.0}, 2, 7, ""},
		{"json.Number", "traverse", 0, map[string]any{"limit": json.Number("12"), "order": "random"}, 0, 12, "random"},
		{"int64", "traverse", 0, map[string]any{"limit": int64(3)}, 0, 3, ""},
		{"every property of 10 prims", "traverse", 30, map[string]any{"order": "layer"}, 3, 0, "layer"},
		{"every property, limited", "traverse", 30, map[string]any{"limit": 5.0}, 0, 5, ""},
		{"no params", "traverse", 30, nil, 3, 0, ""},
		{"get without params", "get", 30, nil, 0, 0, ""},
	}
	for _, tt := range tests {
		st := &StepTable{Op: tt.op, Values: tt.values, Params: tt.params}
		if got := st.PropertyCount(10); got != tt.props {
			t.Errorf("%s: PropertyCount = %d, want %d", tt.name, got, tt.props)
		}
		if got := st.IntParam("limit"); got != tt.limit {
			t.Errorf("%s: limit = %d, want %d", tt.name, got, tt.limit)
		}
		if got := st.Order(); got != tt.order {
			t.Errorf("%s: order = %q, want %q", tt.name, got, tt.order)
		}
	}
}
