package usda

import (
	"testing"

	"github.com/scenebench/runner/formats/formatstest"
)

func TestConformance(t *testing.T) {
	for _, opts := range []map[string]any{nil, {"specifier": "def", "type_name": "Xform"}} {
		formatstest.Run(t, Format{}, opts)
	}
}
