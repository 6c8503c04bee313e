package plan

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Label joins a block's name with the fragments of the axes that vary across
// the block's expansions: Label("parquet", "zstd", "rg1000") is
// "parquet-zstd-rg1000" and Label("flat") is "flat". It is the one naming
// rule for format variants and swept datasets, so names stay stable when
// values are added to a sweep.
func Label(base string, fragments ...string) string {
	if len(fragments) == 0 {
		return base
	}
	return base + "-" + strings.Join(fragments, "-")
}

// Fragment renders one swept value the way labels show it: strings bare,
// numbers after prefix ("prims" + 1000 = "prims1000"), booleans as the
// prefix or "no-" and the prefix ("payload", "no-payload").
func Fragment(prefix string, v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		if x {
			return prefix
		}
		return "no-" + prefix
	case int:
		return prefix + strconv.Itoa(x)
	case int64:
		return prefix + strconv.FormatInt(x, 10)
	case uint64:
		return prefix + strconv.FormatUint(x, 10)
	}
	return prefix + fmt.Sprint(v)
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.+-]*$`)

// CheckName reports whether s may name a dataset, format variant or
// scenario: it becomes part of cell ids, file names and filter globs, so it
// is limited to letters, digits and "_.+-", not starting with a punctuation
// character other than "_".
func CheckName(s string) error {
	if !nameRE.MatchString(s) {
		return fmt.Errorf("%q is not a valid name: use letters, digits, '_', '.', '+' and '-', starting with a letter, digit or '_'", s)
	}
	return nil
}

// Product calls fn with every combination of indexes into lists of the
// given lengths, the first list varying slowest (like nested loops in
// declaration order). With no lists, fn is called once with an empty slice.
// The slice passed to fn is reused.
func Product(lengths []int, fn func(idx []int)) {
	idx := make([]int, len(lengths))
	for _, n := range lengths {
		if n == 0 {
			return
		}
	}
	for {
		fn(idx)
		i := len(idx) - 1
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < lengths[i] {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			return
		}
	}
}

// ProductSize returns the number of combinations Product would produce,
// saturating at limit+1 so callers can reject oversized sweeps without
// overflowing.
func ProductSize(lengths []int, limit int) int {
	n := 1
	for _, l := range lengths {
		if l == 0 {
			return 0
		}
		if n > limit/l {
			return limit + 1
		}
		n *= l
	}
	return n
}
