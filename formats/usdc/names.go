package usdc

import (
	"strings"

	"github.com/scenebench/runner/formats"
)

// validIdentifier reports whether s is a USD identifier.
func validIdentifier(s string) bool { return formats.IsIdentifier(s) }

// validPropertyName accepts identifiers and namespaced identifiers
// ("primvars:displayColor").
func validPropertyName(s string) bool {
	for part := range strings.SplitSeq(s, ":") {
		if !validIdentifier(part) {
			return false
		}
	}
	return true
}
