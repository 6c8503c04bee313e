package exec

import (
	"fmt"
	"sort"
	"strings"

	"github.com/scenebench/runner/runner/results"
)

// crossCheck compares the digests of every read step across the cells of
// one dataset and scenario (one per format variant) and marks the cells
// that disagree as mismatched. Only cells that finished ok take part.
//
// Which side is wrong: the digest most cells agree on is taken as right. On
// a tie the baseline variant's digest is taken when the baseline is among
// the tied; otherwise no one can be trusted and every cell of the step is
// marked. The error names the expected digest and who read it.
func CrossCheck(cells []results.Cell, baseline string) {
	type group struct{ idx []int }
	groups := map[string]*group{}
	var keys []string
	for i := range cells {
		c := &cells[i]
		if c.Status != results.StatusOK {
			continue
		}
		k := c.Dataset + "\x00" + c.Scenario
		g := groups[k]
		if g == nil {
			g = &group{}
			groups[k] = g
			keys = append(keys, k)
		}
		g.idx = append(g.idx, i)
	}
	for _, k := range keys {
		g := groups[k]
		if len(g.idx) < 2 {
			continue
		}
		for _, stepName := range stepNames(cells, g.idx) {
			checkStep(cells, g.idx, stepName, baseline)
		}
	}
}

func stepNames(cells []results.Cell, idx []int) []string {
	seen := map[string]bool{}
	var names []string
	for _, i := range idx {
		for _, s := range cells[i].Steps {
			if s.Digest != "" && !seen[s.Name] {
				seen[s.Name] = true
				names = append(names, s.Name)
			}
		}
	}
	return names
}

func stepDigest(c *results.Cell, name string) string {
	for _, s := range c.Steps {
		if s.Name == name {
			return s.Digest
		}
	}
	return ""
}

func checkStep(cells []results.Cell, idx []int, name, baseline string) {
	readers := map[string][]string{} // digest -> variant labels
	for _, i := range idx {
		if d := stepDigest(&cells[i], name); d != "" {
			readers[d] = append(readers[d], cells[i].Format)
		}
	}
	if len(readers) < 2 {
		return
	}
	digests := make([]string, 0, len(readers))
	for d := range readers {
		digests = append(digests, d)
	}
	sort.Slice(digests, func(a, b int) bool {
		if la, lb := len(readers[digests[a]]), len(readers[digests[b]]); la != lb {
			return la > lb
		}
		return digests[a] < digests[b]
	})
	want := ""
	if len(readers[digests[0]]) > len(readers[digests[1]]) {
		want = digests[0]
	} else {
		top := len(readers[digests[0]])
		for _, d := range digests {
			if len(readers[d]) != top {
				break
			}
			for _, label := range readers[d] {
				if label == baseline {
					want = d
				}
			}
		}
	}
	for _, i := range idx {
		c := &cells[i]
		got := stepDigest(c, name)
		if got == "" || got == want {
			continue
		}
		c.Status = results.StatusMismatch
		var msg string
		if want == "" {
			msg = fmt.Sprintf("step %s: digests disagree with no majority (%s)", name, describeReaders(digests, readers))
		} else {
			msg = fmt.Sprintf("step %s: read digest %s, but %s read %s", name, got, strings.Join(readers[want], ", "), want)
		}
		c.Error = joinErr(c.Error, msg)
	}
}

func describeReaders(digests []string, readers map[string][]string) string {
	parts := make([]string, len(digests))
	for i, d := range digests {
		parts[i] = strings.Join(readers[d], ", ") + ": " + d
	}
	return strings.Join(parts, "; ")
}

func joinErr(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
