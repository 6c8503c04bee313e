// Package all registers every format the runner ships; import it for its
// side effect.
package all

import (
	_ "github.com/scenebench/runner/formats/parquet" // registers "parquet"
	_ "github.com/scenebench/runner/formats/usda"    // registers "usda"
	_ "github.com/scenebench/runner/formats/usdc"    // registers "usdc"
)
