package plan

import (
	"fmt"
	"path"
	"strings"
)

// Filter selects cells by glob patterns (path.Match syntax) on the dataset
// name, the format variant and the scenario name. Patterns for the same key
// are alternatives; different keys must all match. The format key matches
// either the variant label ("parquet-zstd") or the format type ("parquet").
type Filter struct {
	Dataset, Format, Scenario []string
}

// FilterKeys are the keys a filter expression may use.
var FilterKeys = []string{"dataset", "format", "scenario"}

// ParseFilter parses "key=glob,key=glob,..." such as
// "format=parquet-*,scenario=open". An empty expression selects every cell.
func ParseFilter(expr string) (Filter, error) {
	var f Filter
	if strings.TrimSpace(expr) == "" {
		return f, nil
	}
	for _, term := range strings.Split(expr, ",") {
		term = strings.TrimSpace(term)
		key, pat, ok := strings.Cut(term, "=")
		if !ok || term == "" {
			return Filter{}, fmt.Errorf("filter term %q is not KEY=GLOB (keys: %s)", term, strings.Join(FilterKeys, ", "))
		}
		key, pat = strings.TrimSpace(key), strings.TrimSpace(pat)
		if pat == "" {
			return Filter{}, fmt.Errorf("filter term %q has an empty pattern", term)
		}
		if _, err := path.Match(pat, ""); err != nil {
			return Filter{}, fmt.Errorf("filter term %q: malformed glob %q", term, pat)
		}
		switch key {
		case "dataset":
			f.Dataset = append(f.Dataset, pat)
		case "format":
			f.Format = append(f.Format, pat)
		case "scenario":
			f.Scenario = append(f.Scenario, pat)
		default:
			return Filter{}, fmt.Errorf("filter term %q: unknown key %q (keys: %s)", term, key, strings.Join(FilterKeys, ", "))
		}
	}
	return f, nil
}

// Empty reports whether f selects every cell.
func (f Filter) Empty() bool {
	return len(f.Dataset) == 0 && len(f.Format) == 0 && len(f.Scenario) == 0
}

// Match reports whether c is selected.
func (f Filter) Match(c Cell) bool {
	return matchAny(f.Dataset, c.Dataset.Name) &&
		(matchAny(f.Format, c.Format.Label) || (len(f.Format) > 0 && matchAny(f.Format, c.Format.Format))) &&
		matchAny(f.Scenario, c.Scenario.Name)
}

func matchAny(pats []string, s string) bool {
	if len(pats) == 0 {
		return true
	}
	for _, p := range pats {
		if ok, _ := path.Match(p, s); ok {
			return true
		}
	}
	return false
}

// Select keeps only the cells f matches and returns how many remain.
// Datasets, formats and scenarios stay as declared so that names in reports
// and the baseline keep their meaning.
func (p *Plan) Select(f Filter) int {
	if f.Empty() {
		return len(p.Cells)
	}
	kept := p.Cells[:0]
	for _, c := range p.Cells {
		if f.Match(c) {
			kept = append(kept, c)
		}
	}
	p.Cells = kept
	return len(kept)
}
