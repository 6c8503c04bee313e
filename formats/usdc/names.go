package usdc

import "strings"

// validIdentifier reports whether s is a USD identifier: a letter or
// underscore followed by letters, digits and underscores.
func validIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
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
