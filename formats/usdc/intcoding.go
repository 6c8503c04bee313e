package usdc

import (
	"encoding/binary"
	"fmt"
	"unsafe"
)

// Integer coding (OpenUSD's Usd_IntegerCompression and its 64-bit twin):
// values become wrapping deltas from the previous value; the most common
// delta is stored once and every value gets a 2-bit code saying whether its
// delta is that common value or a signed integer of a quarter, half or the
// full width. The encoded bytes then go through the LZ4 framing.

type codedInt interface {
	~int32 | ~uint32 | ~int64 | ~uint64
}

// commonSample is how many leading deltas are counted to choose the common
// delta. The choice only affects the encoded size, never the values.
const commonSample = 1 << 14

// encodedIntsBound is the largest encoding of n integers of width w.
func encodedIntsBound(n, w int) int {
	if n == 0 {
		return 0
	}
	return w + (2*n+7)/8 + n*w
}

func delta[T codedInt](cur, prev T) int64 {
	if unsafe.Sizeof(cur) == 4 {
		return int64(int32(uint32(cur) - uint32(prev)))
	}
	return int64(uint64(cur) - uint64(prev))
}

// appendEncodedInts appends the integer coding of vals to dst.
func appendEncodedInts[T codedInt](dst []byte, vals []T) []byte {
	n := len(vals)
	if n == 0 {
		return dst
	}
	w := int(unsafe.Sizeof(vals[0]))
	common := commonDelta(vals)
	start := len(dst)
	codesLen := (2*n + 7) / 8
	dst = grow(dst, w+codesLen)
	if w == 4 {
		binary.LittleEndian.PutUint32(dst[start:], uint32(common))
	} else {
		binary.LittleEndian.PutUint64(dst[start:], uint64(common))
	}
	codes := start + w
	clear(dst[codes : codes+codesLen])
	var prev T
	for i, v := range vals {
		d := delta(v, prev)
		prev = v
		var code byte
		switch {
		case d == common:
			code = 0
		case w == 4 && d >= -128 && d <= 127, w == 8 && d >= -32768 && d <= 32767:
			code = 1
			if w == 4 {
				dst = append(dst, byte(int8(d)))
			} else {
				dst = binary.LittleEndian.AppendUint16(dst, uint16(int16(d)))
			}
		case w == 4 && d >= -32768 && d <= 32767, w == 8 && d >= -1<<31 && d <= 1<<31-1:
			code = 2
			if w == 4 {
				dst = binary.LittleEndian.AppendUint16(dst, uint16(int16(d)))
			} else {
				dst = binary.LittleEndian.AppendUint32(dst, uint32(int32(d)))
			}
		default:
			code = 3
			if w == 4 {
				dst = binary.LittleEndian.AppendUint32(dst, uint32(int32(d)))
			} else {
				dst = binary.LittleEndian.AppendUint64(dst, uint64(d))
			}
		}
		dst[codes+i/4] |= code << (2 * (i % 4))
	}
	return dst
}

// commonDelta picks the most frequent delta (the larger on ties) among the
// first commonSample values.
func commonDelta[T codedInt](vals []T) int64 {
	counts := make(map[int64]int, 64)
	var prev T
	best, bestN := int64(0), 0
	for i, v := range vals {
		if i == commonSample {
			break
		}
		d := delta(v, prev)
		prev = v
		c := counts[d] + 1
		counts[d] = c
		if c > bestN || (c == bestN && d > best) {
			best, bestN = d, c
		}
	}
	return best
}

// decodeInts decodes len(out) integers from their integer coding.
func decodeInts[T codedInt](enc []byte, out []T) error {
	n := len(out)
	if n == 0 {
		return nil
	}
	w := int(unsafe.Sizeof(out[0]))
	codesLen := (2*n + 7) / 8
	if len(enc) < w+codesLen {
		return fmt.Errorf("integer coding of %d values needs at least %d bytes, has %d", n, w+codesLen, len(enc))
	}
	le := binary.LittleEndian
	var common int64
	if w == 4 {
		common = int64(int32(le.Uint32(enc)))
	} else {
		common = int64(le.Uint64(enc))
	}
	codes := enc[w : w+codesLen]
	data := enc[w+codesLen:]
	p := 0
	var prev int64
	i := 0
	if w == 4 {
		// Four values (one code byte) at a time: each delta is a 4-byte
		// load shifted to its width and sign, with no branch on the
		// code, which in real data changes unpredictably, while the data
		// surely holds four of the widest.
		// The code byte gives where each of the four deltas starts
		// (codeBlocks32), so the four loads do not wait on each other;
		// a byte of common deltas, frequent in spec and path tables,
		// needs no load at all, nor any data left: a table whose deltas
		// are all common (a spec's path indexes 0, 1, 2, ...) has no
		// data bytes and stays on this path to the end.
		c32, prev32 := int32(common), int32(0)
		for ; i+4 <= n; i += 4 {
			cb := codes[i>>2]
			o := out[i : i+4 : i+4]
			if cb == 0 {
				o[0] = T(prev32 + c32)
				o[1] = T(prev32 + 2*c32)
				o[2] = T(prev32 + 3*c32)
				prev32 += 4 * c32
				o[3] = T(prev32)
				continue
			}
			if p+16 > len(data) {
				// Near the end of the data (or in a table with
				// almost none): these four one by one, checked.
				for k := range 4 {
					d := c32
					switch (cb >> (2 * k)) & 3 {
					case 1:
						if p+1 > len(data) {
							return errShortInts(i + k)
						}
						d = int32(int8(data[p]))
						p++
					case 2:
						if p+2 > len(data) {
							return errShortInts(i + k)
						}
						d = int32(int16(le.Uint16(data[p:])))
						p += 2
					case 3:
						if p+4 > len(data) {
							return errShortInts(i + k)
						}
						d = int32(le.Uint32(data[p:]))
						p += 4
					}
					prev32 += d
					o[k] = T(prev32)
				}
				continue
			}
			blk := data[p : p+16 : p+16]
			b := &codeBlocks32[cb]
			p += int(b.size)
			// Unrolled: a common delta's shift of 32 loads 0, and its
			// mask adds the common value instead.
			d0 := int32(le.Uint32(blk[b.at[0]&15:])<<b.shift[0])>>b.shift[0] + c32&b.common[0]
			d1 := int32(le.Uint32(blk[b.at[1]&15:])<<b.shift[1])>>b.shift[1] + c32&b.common[1]
			d2 := int32(le.Uint32(blk[b.at[2]&15:])<<b.shift[2])>>b.shift[2] + c32&b.common[2]
			d3 := int32(le.Uint32(blk[b.at[3]&15:])<<b.shift[3])>>b.shift[3] + c32&b.common[3]
			o[0] = T(prev32 + d0)
			o[1] = T(prev32 + d0 + d1)
			o[2] = T(prev32 + d0 + d1 + d2)
			prev32 += d0 + d1 + d2 + d3
			o[3] = T(prev32)
		}
		prev = int64(prev32)
	}
	for ; i < n; i++ {
		var d int64
		switch (codes[i/4] >> (2 * (i % 4))) & 3 {
		case 0:
			d = common
		case 1:
			if w == 4 {
				if p+1 > len(data) {
					return errShortInts(i)
				}
				d = int64(int8(data[p]))
				p++
			} else {
				if p+2 > len(data) {
					return errShortInts(i)
				}
				d = int64(int16(le.Uint16(data[p:])))
				p += 2
			}
		case 2:
			if w == 4 {
				if p+2 > len(data) {
					return errShortInts(i)
				}
				d = int64(int16(le.Uint16(data[p:])))
				p += 2
			} else {
				if p+4 > len(data) {
					return errShortInts(i)
				}
				d = int64(int32(le.Uint32(data[p:])))
				p += 4
			}
		case 3:
			if w == 4 {
				if p+4 > len(data) {
					return errShortInts(i)
				}
				d = int64(int32(le.Uint32(data[p:])))
				p += 4
			} else {
				if p+8 > len(data) {
					return errShortInts(i)
				}
				d = int64(le.Uint64(data[p:]))
				p += 8
			}
		}
		prev += d
		out[i] = T(prev)
	}
	return nil
}

// codeBytes32 is the size in bytes of a 32-bit value's delta by its code.
var codeBytes32 = [4]uint32{0, 1, 2, 4}

// codeBlock says, for one byte of four codes of 32-bit values, where each
// delta starts in the data (at), the shift that sign-extends a 4-byte
// load to its width (32 for a common delta, which has no bytes), and the
// bytes the four take (size); common marks the common deltas.
type codeBlock struct {
	at     [4]uint8
	shift  [4]uint32
	common [4]int32 // -1 for a common delta, else 0
	size   uint8
}

var codeBlocks32 = func() (t [256]codeBlock) {
	for cb := range t {
		at := uint8(0)
		for k := range 4 {
			size := codeBytes32[(cb>>(2*k))&3]
			t[cb].at[k] = at
			t[cb].shift[k] = 32 - 8*size
			if size == 0 {
				t[cb].common[k] = -1
			}
			at += uint8(size)
		}
		t[cb].size = at
	}
	return t
}()

func errShortInts(i int) error {
	return fmt.Errorf("integer coding truncated at value %d", i)
}

// appendCompressedInts appends a u64 byte count and the LZ4-framed integer
// coding of vals, the "compressed ints" OpenUSD writes. scratch is reused.
func (z *compressor) appendCompressedInts(dst []byte, vals any, scratch *[]byte) ([]byte, error) {
	enc := (*scratch)[:0]
	switch v := vals.(type) {
	case []uint32:
		enc = appendEncodedInts(enc, v)
	case []int32:
		enc = appendEncodedInts(enc, v)
	case []int64:
		enc = appendEncodedInts(enc, v)
	default:
		panic("usdc: unsupported integer slice") // programming error
	}
	*scratch = enc
	at := len(dst)
	dst = append(dst, make([]byte, 8)...)
	dst, err := z.appendCompressed(dst, enc)
	if err != nil {
		return nil, err
	}
	binary.LittleEndian.PutUint64(dst[at:], uint64(len(dst)-at-8))
	return dst, nil
}
