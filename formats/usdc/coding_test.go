package usdc

import (
	"bytes"
	"encoding/hex"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Vectors from a file OpenUSD wrote (see CRATE-NOTES.md).
func TestIntegerCodingVectors(t *testing.T) {
	const T = 0xFFFFFFFF
	cases := []struct {
		name    string
		vals    []uint32
		encoded string
	}{
		{"fieldsets", []uint32{0, T, 1, 2, T, 1, 3, 4, T, 1, 5, T}, "02000000 454151 00ff01fd01fb04fa"},
		{"spec types", []uint32{7, 6, 6, 6}, "00000000 05 07ff"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := unhex(t, tc.encoded)
			got := appendEncodedInts(nil, tc.vals)
			if !bytes.Equal(got, want) {
				t.Fatalf("encoded % x, want % x", got, want)
			}
			out := make([]uint32, len(tc.vals))
			if err := decodeInts(got, out); err != nil {
				t.Fatal(err)
			}
			for i := range out {
				if out[i] != tc.vals[i] {
					t.Fatalf("decoded %v, want %v", out, tc.vals)
				}
			}
			// OpenUSD's framed form decodes too.
			framed := append([]byte{0}, lz4Literals(want)...)
			dec, err := decodeCompressedInts[uint32](framed, 0, int64(len(framed)), uint64(len(framed)), len(tc.vals))
			if err != nil {
				t.Fatal(err)
			}
			for i := range dec {
				if dec[i] != tc.vals[i] {
					t.Fatalf("decoded framed %v, want %v", dec, tc.vals)
				}
			}
		})
	}
}

// lz4Literals encodes b as one literals-only LZ4 block (as OpenUSD's LZ4
// does for short incompressible input).
func lz4Literals(b []byte) []byte {
	n := len(b)
	if n < 15 {
		return append([]byte{byte(n << 4)}, b...)
	}
	out := []byte{0xF0}
	r := n - 15
	for ; r >= 255; r -= 255 {
		out = append(out, 255)
	}
	out = append(out, byte(r))
	return append(out, b...)
}

func TestIntegerCodingRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	// Half the cases step by a common delta with a few breaks, so that
	// whole bytes of common codes alternate with mixed ones.
	for c, n := range []int{0, 1, 2, 3, 4, 5, 17, 1000, 40000, 1, 4, 5, 17, 1000, 40000} {
		steps := c >= 9
		v32 := make([]int32, n)
		v64 := make([]int64, n)
		for i := range v32 {
			if steps && i > 0 && rng.IntN(10) > 0 {
				v32[i], v64[i] = v32[i-1]+5, v64[i-1]+5
				continue
			}
			switch rng.IntN(5) {
			case 0:
				v32[i], v64[i] = math.MinInt32, math.MinInt64
			case 1:
				v32[i], v64[i] = math.MaxInt32, math.MaxInt64
			case 2:
				v32[i], v64[i] = int32(rng.IntN(300)), int64(rng.IntN(70000))
			default:
				v32[i], v64[i] = int32(rng.Uint32()), int64(rng.Uint64())
			}
		}
		var z compressor
		var scratch []byte
		b32, err := z.appendCompressedInts(nil, v32, &scratch)
		if err != nil {
			t.Fatal(err)
		}
		got32, err := decodeCompressedInts[int32](b32, 8, int64(len(b32)), le64(b32), n)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		b64, err := z.appendCompressedInts(nil, v64, &scratch)
		if err != nil {
			t.Fatal(err)
		}
		got64, err := decodeCompressedInts[int64](b64, 8, int64(len(b64)), le64(b64), n)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		for i := range n {
			if got32[i] != v32[i] || got64[i] != v64[i] {
				t.Fatalf("n=%d: value %d differs", n, i)
			}
		}
	}
}

func TestLZ4Framing(t *testing.T) {
	var z compressor
	empty, err := z.appendCompressed(nil, nil)
	if err != nil || !bytes.Equal(empty, []byte{0, 0}) {
		t.Fatalf("empty input framed as % x (%v), want 00 00", empty, err)
	}
	if n, err := decompress(empty, nil); n != 0 || err != nil {
		t.Fatalf("decompress(00 00) = %d, %v", n, err)
	}
	src := bytes.Repeat([]byte("crate "), 5000)
	framed, err := z.appendCompressed(nil, src)
	if err != nil {
		t.Fatal(err)
	}
	if framed[0] != 0 || len(framed) > wrappedBound(len(src)) {
		t.Fatalf("bad frame: first byte %d, %d bytes (bound %d)", framed[0], len(framed), wrappedBound(len(src)))
	}
	out := make([]byte, len(src))
	if n, err := decompress(framed, out); err != nil || n != len(src) || !bytes.Equal(out, src) {
		t.Fatalf("round trip: %d bytes, %v", n, err)
	}
	// Multi-chunk framing as OpenUSD writes it for huge inputs.
	chunked := []byte{2}
	for _, part := range [][]byte{src[:100], src[100:]} {
		blk := lz4Literals(part)
		chunked = append(chunked, byte(len(blk)), byte(len(blk)>>8), byte(len(blk)>>16), 0)
		chunked = append(chunked, blk...)
	}
	if n, err := decompress(chunked, out); err != nil || n != len(src) || !bytes.Equal(out, src) {
		t.Fatalf("chunked: %d bytes, %v", n, err)
	}
	// Corruption is an error, not a panic.
	for _, bad := range [][]byte{{}, {0}, {0, 0xF0}, {0x80}, {3, 1, 0, 0}, append([]byte{0}, 0x1F, 'a', 0xFF, 0xFF)} {
		if _, err := decompress(bad, out); err == nil {
			t.Errorf("decompress(% x) succeeded", bad)
		}
	}
}

func TestBootstrap(t *testing.T) {
	// The header of a 0.9.0 file OpenUSD wrote (TOC at 534).
	hdr := unhex(t, "505852 2d55534443 0009000000000000 1602000000000000")
	hdr = append(hdr, make([]byte, 64)...)
	data := append(hdr, make([]byte, 600)...)
	v, toc, err := readBootstrap(data)
	if err != nil || v != (version{0, 9, 0}) || toc != 534 {
		t.Fatalf("readBootstrap = %v, %d, %v", v, toc, err)
	}
	if got := appendBootstrap(nil, version{0, 9, 0}, 534); !bytes.Equal(got, hdr) {
		t.Fatalf("appendBootstrap = % x", got)
	}
}

// TestIntegerCodingDeltaWidths round-trips 32-bit values whose deltas mix
// every code (the common delta, one, two and four bytes) at every position
// in a code byte, in runs of each length up to 40, so that decoding four
// values at a time and one at a time near the end are both exercised.
func TestIntegerCodingDeltaWidths(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := range 41 {
		for rep := 0; rep < 20; rep++ {
			vals := make([]uint32, n)
			var cur uint32
			for i := range vals {
				switch rng.IntN(4) {
				case 0:
					cur += 3 // the common delta, mostly
				case 1:
					cur += uint32(int32(rng.IntN(256) - 128))
				case 2:
					cur += uint32(int32(rng.IntN(65536) - 32768))
				default:
					cur = rng.Uint32()
				}
				vals[i] = cur
			}
			enc := appendEncodedInts(nil, vals)
			got := make([]uint32, n)
			if err := decodeInts(enc, got); err != nil {
				t.Fatalf("n=%d: %v", n, err)
			}
			for i := range vals {
				if got[i] != vals[i] {
					t.Fatalf("n=%d: value %d = %d, want %d (values %v)", n, i, got[i], vals[i], vals)
				}
			}
			// Every truncation is an error, never a panic or a wrong value
			// passed off as whole.
			for cut := 0; cut < len(enc); cut++ {
				if err := decodeInts(enc[:cut], got); err == nil {
					ok := true
					for i := range vals {
						ok = ok && got[i] == vals[i]
					}
					if !ok {
						t.Fatalf("n=%d: truncated to %d of %d bytes, decoded wrong values without an error", n, cut, len(enc))
					}
				}
			}
		}
	}
}

// BenchmarkDecodeInts decodes a million 32-bit values whose deltas mix
// every width, as a section's path and spec indexes do.
func BenchmarkDecodeInts(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	vals := make([]uint32, 1<<20)
	var cur uint32
	for i := range vals {
		switch rng.IntN(4) {
		case 0:
			cur++
		case 1:
			cur += uint32(int32(rng.IntN(256) - 128))
		case 2:
			cur += uint32(int32(rng.IntN(65536) - 32768))
		default:
			cur = rng.Uint32()
		}
		vals[i] = cur
	}
	enc := appendEncodedInts(nil, vals)
	out := make([]uint32, len(vals))
	b.SetBytes(int64(4 * len(vals)))
	for b.Loop() {
		if err := decodeInts(enc, out); err != nil {
			b.Fatal(err)
		}
	}
}
