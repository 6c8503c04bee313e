package usdc

import (
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/scenebench/runner/formats"
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
			buf := make([]byte, sectionBytes(secs))
			b.SetBytes(int64(len(buf)))
			defer reportCPU(b)()
			for b.Loop() {
				readSections(b, p, secs, buf, nil)
			}
		})
		// Time to first value: the open, then a read of cost of the
		// middle prim by path.
		b.Run(name+"/first", func(b *testing.B) {
			p := benchFile(b, "flat", n, false)
			mid := middlePrim(b, p)
			var v formats.Value
			defer reportCPU(b)()
			for b.Loop() {
				r, err := Open(p)
				if err != nil {
					b.Fatal(err)
				}
				if err := r.Get(mid, "cost", &v); err != nil {
					b.Fatal(err)
				}
				r.Close()
			}
		})
		// The first read after an open alone (the cold get), timed
		// without the open: the metric is get-ns/op (ns/op includes
		// the open). Not b.StopTimer, which stops the world to read
		// memory statistics, a millisecond on a loaded machine.
		b.Run(name+"/coldget", func(b *testing.B) {
			p := benchFile(b, "flat", n, false)
			mid := middlePrim(b, p)
			var v formats.Value
			var get time.Duration
			for b.Loop() {
				r, err := Open(p)
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				err = r.Get(mid, "cost", &v)
				get += time.Since(start)
				if err != nil {
					b.Fatal(err)
				}
				r.Close()
			}
			b.ReportMetric(float64(get.Nanoseconds())/float64(b.N), "get-ns/op")
		})
		b.Run(name+"/decode", func(b *testing.B) {
			p := benchFile(b, "flat", n, false)
			secs := structuralSections(b, p)
			buf := make([]byte, sectionBytes(secs))
			var d structureDecoder
			defer reportCPU(b)()
			for b.Loop() {
				readSections(b, p, secs, buf, d.decode)
			}
		})
	}
}

// sectionBytes is the size of secs together.
func sectionBytes(secs []section) int64 {
	var n int64
	for _, s := range secs {
		n += s.size
	}
	return n
}

// readSections opens the file at path and reads each of secs into buf, one
// after another, handing each to each (when not nil) as it is read.
func readSections(b *testing.B, path string, secs []section, buf []byte, each func(name string, data []byte) error) {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	at := int64(0)
	for _, s := range secs {
		data := buf[at : at+s.size]
		if _, err := f.ReadAt(data, s.start); err != nil {
			b.Fatal(err)
		}
		if each != nil {
			if err := each(s.name, data); err != nil {
				b.Fatal(err)
			}
		}
		at += s.size
	}
}

// middlePrim is the path of the middle prim of the file at path.
func middlePrim(b *testing.B, path string) string {
	b.Helper()
	r, prims := openPrims(b, path)
	defer r.Close()
	return prims[len(prims)/2]
}

// structureDecoder decompresses and integer-decodes the structural
// sections into buffers it reuses, building nothing from them: the work
// any reader that knows a file's structure at open must do, on top of
// reading the bytes (BenchmarkOpen's "decode").
type structureDecoder struct {
	text, reps, scratch []byte
	ints                [3][]uint32
}

func (d *structureDecoder) decode(name string, sec []byte) error {
	le := binary.LittleEndian
	end := int64(len(sec))
	off := int64(0)
	u64 := func() uint64 {
		v := le.Uint64(sec[off:])
		off += 8
		return v
	}
	ints := func(k, n int) error {
		size := u64()
		out, err := decodeCompressedIntsInto(sec, off, end, size, n, d.ints[k], &d.scratch)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		d.ints[k] = out
		off += int64(size)
		return nil
	}
	unpack := func(dst *[]byte, n int, size uint64) error {
		if cap(*dst) < n {
			*dst = make([]byte, n)
		}
		got, err := decompress(sec[off:off+int64(size)], (*dst)[:n])
		if err != nil || got != n {
			return fmt.Errorf("%s: %d of %d bytes: %v", name, got, n, err)
		}
		off += int64(size)
		return nil
	}
	switch name {
	case secTokens:
		u64()
		usize, csize := u64(), u64()
		return unpack(&d.text, int(usize), csize)
	case secStrings:
		return nil // raw token indexes: nothing to decode
	case secFields:
		n := int(u64())
		if err := ints(0, n); err != nil {
			return err
		}
		size := u64()
		return unpack(&d.reps, 8*n, size)
	case secFieldSets:
		return ints(0, int(u64()))
	case secPaths:
		u64()
		n := int(u64())
		for k := range 3 {
			if err := ints(k, n); err != nil {
				return err
			}
		}
	case secSpecs:
		n := int(u64())
		for k := range 3 {
			if err := ints(k, n); err != nil {
				return err
			}
		}
	}
	return nil
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
