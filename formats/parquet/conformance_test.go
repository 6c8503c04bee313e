package parquet

import (
	"fmt"
	"testing"

	"github.com/scenebench/runner/formats/formatstest"
)

// The shared conformance suite, over both indexes, a budgeted cache and
// row groups that do not divide the prim count.
func TestConformance(t *testing.T) {
	for _, opts := range []map[string]any{
		{"index": "eager"},
		{"index": "lazy", "row_group_size": 64, "compression": "zstd"},
		{"index": "lazy", "cache_budget": 2048, "row_group_size": 10, "dictionary": false},
	} {
		t.Run(fmt.Sprint(opts["index"], opts["row_group_size"], opts["cache_budget"]), func(t *testing.T) {
			formatstest.Run(t, Format{}, opts)
		})
	}
}
