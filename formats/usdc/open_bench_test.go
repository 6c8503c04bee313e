package usdc

import (
	"os"
	"strconv"
	"testing"
)

// BenchmarkOpen measures opening a file (every structural section decoded
// and the prim table built) and, as "floor", the least any open must do:
// open the file and read its structural sections (as the table of
// contents gives them) from the page cache. Run both in one invocation to
// compare them under the same load.
func BenchmarkOpen(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		name := "flat" + strconv.Itoa(n/1000) + "K"
		b.Run(name+"/open", func(b *testing.B) {
			p := benchFile(b, "flat", n, false)
			defer reportCPU(b)()
			for b.Loop() {
				r, err := Open(p)
				if err != nil {
					b.Fatal(err)
				}
				r.Close()
			}
		})
		b.Run(name+"/floor", func(b *testing.B) {
			p := benchFile(b, "flat", n, false)
			secs := structuralSections(b, p)
			var size int64
			for _, s := range secs {
				size += s.size
			}
			buf := make([]byte, size)
			b.SetBytes(size)
			defer reportCPU(b)()
			for b.Loop() {
				f, err := os.Open(p)
				if err != nil {
					b.Fatal(err)
				}
				at := int64(0)
				for _, s := range secs {
					if _, err := f.ReadAt(buf[at:at+s.size], s.start); err != nil {
						b.Fatal(err)
					}
					at += s.size
				}
				f.Close()
			}
		})
	}
}

// structuralSections reads the table of contents of the crate at path and
// returns the sections open decodes.
func structuralSections(b *testing.B, path string) []section {
	b.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	_, tocOff, err := readBootstrap(data)
	if err != nil {
		b.Fatal(err)
	}
	toc, err := readTOC(data, tocOff)
	if err != nil {
		b.Fatal(err)
	}
	var secs []section
	for _, s := range toc {
		switch s.name {
		case secTokens, secStrings, secFields, secFieldSets, secPaths, secSpecs:
			secs = append(secs, s)
		}
	}
	return secs
}
