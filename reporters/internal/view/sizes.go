package view

import (
	"maps"
	"slices"
	"strings"

	"github.com/scenebench/runner/internal/units"
)

// SizeRow is one variant's file.
type SizeRow struct {
	Variant     *Variant
	Bytes       int64
	Ratio       string // against the baseline's file
	Compression string // uncompressed size / this size, "–" when unknown
	Winner      bool
}

func (r *Report) sizes(d *Dataset) {
	if d.Info == nil {
		return
	}
	files := map[string]int64{}
	for _, fl := range d.Info.Files {
		if _, ok := files[fl.Format]; !ok {
			files[fl.Format] = fl.Bytes
		}
	}
	baseBytes, hasBase := files[r.Baseline]
	best := -1
	for _, v := range r.Variants {
		b, ok := files[v.Label]
		if !ok || v.Control {
			continue // the control reads the baseline's file
		}
		row := SizeRow{Variant: v, Bytes: b, Compression: "–"}
		if hasBase {
			if v.Baseline {
				row.Ratio = "baseline"
			} else {
				row.Ratio = SizeRatio(float64(b), float64(baseBytes))
			}
		}
		if u := r.uncompressed(v); u != nil {
			if ub, ok := files[u.Label]; ok && b > 0 {
				row.Compression = units.Factor(float64(ub) / float64(b))
			}
		}
		d.Sizes = append(d.Sizes, row)
		if best < 0 || b < d.Sizes[best].Bytes {
			best = len(d.Sizes) - 1
		}
	}
	// Sizes are exact: the smallest file wins, with no interval to clear.
	d.SizeWinner.Candidates = len(d.Sizes)
	if len(d.Sizes) >= 2 {
		d.Sizes[best].Winner = true
		d.SizeWinner.Winner = d.Sizes[best].Variant.Label
	}
}

// uncompressedValues are the axis values that name no compression.
var uncompressedValues = []string{"none", "uncompressed", "off"}

// uncompressed finds v's uncompressed counterpart: a variant of the same
// format whose value on one axis names no compression and which agrees
// with v on every other axis (v itself when its own value does). The axis
// is recognised by that value alone, whatever the format calls its codec
// option (parquet's compression = "none"); with several such axes the
// first in name order counts.
func (r *Report) uncompressed(v *Variant) *Variant {
	axes := slices.Sorted(maps.Keys(v.Axes))
	for _, k := range axes {
		for _, u := range r.Variants {
			if u.FormatName != v.FormatName || len(u.Axes) != len(v.Axes) ||
				!slices.Contains(uncompressedValues, strings.ToLower(u.Axes[k])) {
				continue
			}
			same := true
			for _, other := range axes {
				if other != k && u.Axes[other] != v.Axes[other] {
					same = false
				}
			}
			if same {
				return u
			}
		}
	}
	return nil
}
