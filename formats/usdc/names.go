package usdc

import (
	"fmt"
	"strings"
)

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

// splitPrimPath checks an absolute prim path and returns its elements.
func splitPrimPath(p string) ([]string, error) {
	if len(p) < 2 || p[0] != '/' {
		return nil, fmt.Errorf("prim path %q is not absolute", p)
	}
	elems := strings.Split(p[1:], "/")
	for _, e := range elems {
		if !validIdentifier(e) {
			return nil, fmt.Errorf("prim path %q has invalid element %q", p, e)
		}
	}
	return elems, nil
}
