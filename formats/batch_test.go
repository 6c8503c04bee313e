package formats_test

import (
	"reflect"
	"testing"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/formatstest"
)

// TestColumnStores: for every type, Len, Slice and Value agree on where the
// column keeps its values.
func TestColumnStores(t *testing.T) {
	s := formatstest.AllTypes(5, false)
	ext := formatstest.Extended(5)
	s.Cols = append(s.Cols, ext.Cols...)
	seen := map[formats.Type]bool{}
	for i := range s.Cols {
		c := &s.Cols[i]
		typ := c.Property.Type
		seen[typ] = true
		if c.Len() != 5 {
			t.Errorf("%s: Len = %d, want 5", typ, c.Len())
		}
		part := c.Slice(2, 4)
		if part.Len() != 2 || part.Property != c.Property {
			t.Errorf("%s: Slice(2, 4) has %d values of %v", typ, part.Len(), part.Property)
		}
		var want, got formats.Value
		for row := 2; row < 4; row++ {
			c.Value(row, &want)
			part.Value(row-2, &got)
			if got.Type != typ || !got.Equal(&want) {
				t.Errorf("%s: Slice(2, 4) row %d = %s, want %s", typ, row-2, got.String(), want.String())
			}
		}
		rows := 5
		if typ.IsTuple() && !typ.IsArray() && typ != formats.Float3 && typ != formats.Double3 {
			rows *= typ.Width() // Tuples holds the components, flat
		}
		if vals := reflect.ValueOf(c.Values()); vals.Kind() != reflect.Slice || vals.Len() != rows {
			t.Errorf("%s: Values() = %T of %d", typ, c.Values(), vals.Len())
		}
		b := formats.Batch{Paths: s.Paths, Columns: []formats.Column{*c}}
		if err := b.Check([]formats.Property{c.Property}); err != nil {
			t.Errorf("%s: %v", typ, err)
		}
		b.Paths = s.Paths[:4]
		if err := b.Check([]formats.Property{c.Property}); err == nil {
			t.Errorf("%s: Check accepts 5 values for 4 prims", typ)
		}
	}
	for _, name := range formats.TypeNames() {
		if typ, _ := formats.ParseType(name); !seen[typ] {
			t.Errorf("AllTypes and Extended have no %s column", typ)
		}
	}
	var empty formats.Column
	if part := empty.Slice(0, 0); empty.Len() != 0 || part.Len() != 0 || empty.Values() != nil {
		t.Error("a column of no type has values")
	}
}
