// Package words joins lists into English for messages: "a", "b" or "c".
package words

import (
	"strconv"
	"strings"
)

// QuoteOr quotes ss as a choice: `"a", "b" or "c"`.
func QuoteOr(ss []string) string { return join(ss, "or") }

// QuoteAnd quotes ss as an enumeration: `"a", "b" and "c"`.
func QuoteAnd(ss []string) string { return join(ss, "and") }

func join(ss []string, conj string) string {
	switch len(ss) {
	case 0:
		return "nothing"
	case 1:
		return strconv.Quote(ss[0])
	}
	var b strings.Builder
	for i, s := range ss {
		switch {
		case i == len(ss)-1:
			b.WriteString(" " + conj + " ")
		case i > 0:
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(s))
	}
	return b.String()
}
