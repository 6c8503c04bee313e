package formats

import "strings"

// IsIdentifier reports whether s is a USD identifier: a letter or '_'
// followed by letters, digits and '_' (ASCII). Prim names and property
// names of the scenes runner generates are identifiers.
func IsIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		c := s[i]
		switch {
		case c == '_', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// IsPropertyName reports whether s is a property name every format
// writes: identifiers joined by ':' namespaces ("primvars:st").
func IsPropertyName(s string) bool {
	for part := range strings.SplitSeq(s, ":") {
		if !IsIdentifier(part) {
			return false
		}
	}
	return true
}
