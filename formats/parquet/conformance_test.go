package parquet

import (
	"testing"

	"github.com/scenebench/runner/formats/formatstest"
)

// TestConformance runs the suite every format passes: every property type,
// layer order, not-found errors and concurrent reads.
func TestConformance(t *testing.T) {
	formatstest.Run(t, Format{}, nil)
}

func TestConformanceLazyIndexSmallCache(t *testing.T) {
	formatstest.Run(t, Format{}, map[string]any{
		"index": "lazy", "cache_budget": int64(4096), "row_group_size": int64(64), "compression": "zstd",
	})
}
