package usdc

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/pierrec/lz4/v4"
)

// OpenUSD's TfFastCompression frames raw LZ4 blocks: a leading byte of 0
// followed by one block, or a chunk count followed by (int32 size, block)
// pairs when the input exceeds what one LZ4 block may hold.
const lz4MaxInput = 0x7E000000

// lz4Bound is LZ4_compressBound.
func lz4Bound(n int) int { return n + n/255 + 16 }

// wrappedBound is the largest framed size for n input bytes.
func wrappedBound(n int) int {
	if n <= lz4MaxInput {
		return lz4Bound(n) + 1
	}
	whole, part := n/lz4MaxInput, n%lz4MaxInput
	sz := 1 + whole*(lz4Bound(lz4MaxInput)+4)
	if part > 0 {
		sz += lz4Bound(part) + 4
	}
	return sz
}

// maxLZ4Expansion bounds how many bytes a compressed stream of n bytes can
// decode to (LZ4's best case is about 255:1), so that an untrusted count can
// be checked against the bytes that actually back it.
func maxLZ4Expansion(n int) int { return 255*n + 64 }

// compressor frames data the way TfFastCompression does.
type compressor struct {
	c lz4.Compressor
}

// appendCompressed appends the framed compression of src to dst.
func (z *compressor) appendCompressed(dst, src []byte) ([]byte, error) {
	if len(src) == 0 {
		// An empty LZ4 block is a single zero token.
		return append(dst, 0, 0), nil
	}
	if len(src) <= lz4MaxInput {
		dst = append(dst, 0)
		return z.appendBlock(dst, src)
	}
	chunks := (len(src) + lz4MaxInput - 1) / lz4MaxInput
	if chunks > 127 {
		return nil, fmt.Errorf("lz4: %d bytes exceed the framing's limit", len(src))
	}
	dst = append(dst, byte(chunks))
	for len(src) > 0 {
		n := min(len(src), lz4MaxInput)
		at := len(dst)
		dst = append(dst, 0, 0, 0, 0)
		var err error
		dst, err = z.appendBlock(dst, src[:n])
		if err != nil {
			return nil, err
		}
		binary.LittleEndian.PutUint32(dst[at:], uint32(len(dst)-at-4))
		src = src[n:]
	}
	return dst, nil
}

func (z *compressor) appendBlock(dst, src []byte) ([]byte, error) {
	at := len(dst)
	dst = grow(dst, lz4Bound(len(src)))
	n, err := z.c.CompressBlock(src, dst[at:at+lz4Bound(len(src))])
	if err != nil {
		return nil, fmt.Errorf("lz4: %w", err)
	}
	if n == 0 {
		return nil, errors.New("lz4: block did not compress within its bound")
	}
	return dst[:at+n], nil
}

// grow extends b by n bytes (contents of the new bytes unspecified).
func grow(b []byte, n int) []byte {
	if cap(b)-len(b) < n {
		nb := make([]byte, len(b), 2*cap(b)+n)
		copy(nb, b)
		b = nb
	}
	return b[:len(b)+n]
}

var errCorruptLZ4 = errors.New("corrupt LZ4 data")

// decompress decodes a TfFastCompression frame into dst and returns the
// number of bytes produced. It never writes beyond len(dst).
func decompress(src, dst []byte) (int, error) {
	if len(src) < 1 {
		return 0, fmt.Errorf("%w: empty frame", errCorruptLZ4)
	}
	chunks := int(int8(src[0]))
	src = src[1:]
	if chunks == 0 {
		return uncompressBlock(src, dst)
	}
	if chunks < 0 {
		return 0, fmt.Errorf("%w: chunk count %d", errCorruptLZ4, chunks)
	}
	total := 0
	for i := 0; i < chunks; i++ {
		if len(src) < 4 {
			return 0, fmt.Errorf("%w: chunk %d header truncated", errCorruptLZ4, i)
		}
		sz := int64(int32(binary.LittleEndian.Uint32(src)))
		src = src[4:]
		if sz < 0 || sz > int64(len(src)) {
			return 0, fmt.Errorf("%w: chunk %d size %d exceeds %d remaining bytes", errCorruptLZ4, i, sz, len(src))
		}
		out := dst[total:]
		if len(out) > lz4MaxInput {
			out = out[:lz4MaxInput]
		}
		n, err := uncompressBlock(src[:sz], out)
		if err != nil {
			return 0, err
		}
		total += n
		src = src[sz:]
	}
	return total, nil
}

func uncompressBlock(src, dst []byte) (int, error) {
	if len(src) == 0 {
		return 0, fmt.Errorf("%w: empty block", errCorruptLZ4)
	}
	if len(src) == 1 && src[0] == 0 {
		return 0, nil
	}
	if len(dst) == 0 {
		return 0, fmt.Errorf("%w: data where none expected", errCorruptLZ4)
	}
	n, err := lz4.UncompressBlock(src, dst)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", errCorruptLZ4, err)
	}
	return n, nil
}
