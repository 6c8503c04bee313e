package usdc

import (
	"testing"

	"github.com/scenebench/runner/formats/formatstest"
)

// TestConformance runs the suite every format passes: every property type,
// layer order, not-found errors and concurrent reads.
func TestConformance(t *testing.T) {
	formatstest.Run(t, Format{}, nil)
}

func TestConformanceUncompressed(t *testing.T) {
	formatstest.Run(t, Format{}, map[string]any{"compress": false, "specifier": "def", "type_name": "Xform"})
}
