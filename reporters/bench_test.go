package reporters

import (
	"fmt"
	"io"
	"testing"

	"github.com/scenebench/runner/reporters/internal/fixture"
)

// BenchmarkRender renders the fixture (2 datasets x 3 formats x 6
// scenarios, 36 cells, 90 steps) in every format.
func BenchmarkRender(b *testing.B) {
	f := fixture.File(fixture.Options{Seed: 1})
	for _, format := range []string{"json", "md", "table", "benchfmt", "html"} {
		b.Run(format, func(b *testing.B) {
			for b.Loop() {
				if err := Render(io.Discard, f, format, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCompare compares the fixture with a second draw of itself.
func BenchmarkCompare(b *testing.B) {
	old := fixture.File(fixture.Options{Seed: 1})
	new := fixture.File(fixture.Options{Seed: 2})
	for b.Loop() {
		if _, err := Compare(io.Discard, old, new, CompareOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderLarge renders a run ten times the fixture's size (the
// fixture's cells repeated under ten dataset names).
func BenchmarkRenderLarge(b *testing.B) {
	base := fixture.File(fixture.Options{Seed: 1})
	f := *base
	f.Cells, f.Datasets = nil, nil
	for i := range 10 {
		for _, d := range base.Datasets {
			d.Name = fmt.Sprintf("%s-%d", d.Name, i)
			f.Datasets = append(f.Datasets, d)
		}
		for _, c := range base.Cells {
			c.Dataset = fmt.Sprintf("%s-%d", c.Dataset, i)
			c.ID = c.Dataset + "/" + c.Format + "/" + c.Scenario
			f.Cells = append(f.Cells, c)
		}
	}
	for _, format := range []string{"md", "html"} {
		b.Run(format, func(b *testing.B) {
			for b.Loop() {
				if err := Render(io.Discard, &f, format, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
