package parquet

// The lazy index.
//
// A lazily indexed open must cost the same at a thousand prims as at a
// million. Two things in a plain Parquet file grow with the prim count: the
// path column (which the plugin reads whole at open) and the footer, whose
// row group list grows with the number of row groups. Paths written in layer
// order are not lexically sorted (/World/Prim_10 precedes /World/Prim_9), so
// per-row-group min/max statistics of the path column cannot locate a prim.
//
// The writer therefore stores an index region between the last column chunk
// and the footer. Parquet readers locate everything through the footer's
// offsets and never look at these bytes (pyarrow reads the files unchanged):
//
//	scene JSON      the fileScene, also in the key/value metadata
//	fanout          (2^k + 1) x u32: cumulative entry counts per hash bucket
//	entries         prims x (u64 XXH64(path), u32 row), by bucket, then hash
//	spans           row groups x (u32 offset, u32 length) of each RowGroup
//	                struct inside the footer's Thrift encoding
//	trailer         trailerSize bytes, ending exactly where the footer begins
//
// A lazy open reads the 8-byte Parquet tail, the trailer, the scene JSON and
// the head of the footer (its schema), a fixed amount of I/O. Locating a prim
// reads the two fanout words and the entries of one bucket (about 64
// entries, 768 bytes) and caches the bucket; reading a row group's values
// first reads its span of the footer and decodes just that RowGroup.
//
// The index costs 12 bytes per prim. A path absent from the file matches a
// stored 64-bit hash with probability below prims/2^64; two distinct paths
// of one file sharing a hash (probability below prims^2/2^65) make the write
// fail rather than produce an ambiguous index.

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math/bits"
	"slices"

	"github.com/apache/thrift/lib/go/thrift"
)

const (
	trailerMagic = "SBPQIDX1"
	trailerSize  = 96
	entrySize    = 12
	bucketTarget = 64 // average entries per bucket
	maxBucketBit = 26
)

// trailer locates the parts of the index region. Offsets are absolute file
// offsets, except footer-relative ones noted.
type trailer struct {
	prims        uint64
	rowGroupSize uint64
	rowGroups    uint32
	bucketBits   uint32
	sceneOff     uint64
	sceneLen     uint64
	fanoutOff    uint64
	entriesOff   uint64
	spansOff     uint64
	// prefixLen is the length of the footer's Thrift encoding before the
	// row_groups field (version, schema, num_rows); prefixLastField is the
	// id of the last field in it.
	prefixLen       uint64
	prefixLastField uint64
}

func (t *trailer) encode() []byte {
	b := make([]byte, trailerSize)
	le := binary.LittleEndian
	copy(b, trailerMagic)
	le.PutUint64(b[8:], t.prims)
	le.PutUint64(b[16:], t.rowGroupSize)
	le.PutUint32(b[24:], t.rowGroups)
	le.PutUint32(b[28:], t.bucketBits)
	le.PutUint64(b[32:], t.sceneOff)
	le.PutUint64(b[40:], t.sceneLen)
	le.PutUint64(b[48:], t.fanoutOff)
	le.PutUint64(b[56:], t.entriesOff)
	le.PutUint64(b[64:], t.spansOff)
	le.PutUint64(b[72:], t.prefixLen)
	le.PutUint64(b[80:], t.prefixLastField)
	le.PutUint32(b[88:], crc32.ChecksumIEEE(b[:88]))
	return b
}

var errNoTrailer = errors.New("no prim index")

// decodeTrailer parses and bounds-checks a trailer that ends at footerStart.
func decodeTrailer(b []byte, footerStart, footerLen int64) (*trailer, error) {
	if len(b) != trailerSize || string(b[:8]) != trailerMagic {
		return nil, errNoTrailer
	}
	le := binary.LittleEndian
	if crc32.ChecksumIEEE(b[:88]) != le.Uint32(b[88:]) {
		return nil, errors.New("prim index trailer is corrupt (checksum mismatch)")
	}
	t := &trailer{
		prims:           le.Uint64(b[8:]),
		rowGroupSize:    le.Uint64(b[16:]),
		rowGroups:       le.Uint32(b[24:]),
		bucketBits:      le.Uint32(b[28:]),
		sceneOff:        le.Uint64(b[32:]),
		sceneLen:        le.Uint64(b[40:]),
		fanoutOff:       le.Uint64(b[48:]),
		entriesOff:      le.Uint64(b[56:]),
		spansOff:        le.Uint64(b[64:]),
		prefixLen:       le.Uint64(b[72:]),
		prefixLastField: le.Uint64(b[80:]),
	}
	end := uint64(footerStart - trailerSize)
	bad := func(what string) error { return fmt.Errorf("prim index trailer is inconsistent: %s", what) }
	switch {
	case t.prims > 1<<32-1:
		return nil, bad("too many prims")
	case t.rowGroupSize == 0 && t.prims > 0:
		return nil, bad("zero row group size")
	case t.bucketBits > maxBucketBit:
		return nil, bad("bucket bits")
	case t.prims > 0 && uint64(t.rowGroups) != (t.prims+t.rowGroupSize-1)/t.rowGroupSize:
		return nil, bad("row group count")
	case t.sceneOff > end || t.sceneLen > end-t.sceneOff:
		return nil, bad("scene range")
	case t.fanoutOff > end || (uint64(1)<<t.bucketBits+1)*4 > end-t.fanoutOff:
		return nil, bad("fanout range")
	case t.entriesOff > end || t.prims*entrySize > end-t.entriesOff:
		return nil, bad("entries range")
	case t.spansOff > end || uint64(t.rowGroups)*8 > end-t.spansOff:
		return nil, bad("spans range")
	case t.prefixLen == 0 || t.prefixLen > uint64(footerLen):
		return nil, bad("footer prefix")
	case t.prefixLastField == 0 || t.prefixLastField >= 4:
		return nil, bad("footer prefix field")
	}
	return t, nil
}

// bucketBitsFor picks k so that buckets average about bucketTarget entries.
func bucketBitsFor(n int) uint32 {
	if n <= bucketTarget {
		return 0
	}
	k := uint32(bits.Len(uint(n-1) / bucketTarget))
	return min(k, maxBucketBit)
}

func bucketOf(h uint64, k uint32) uint64 {
	if k == 0 {
		return 0
	}
	return h >> (64 - k)
}

// buildIndex sorts the path hashes (row i has hash hashes[i]) into buckets
// and returns the fanout and entries sections.
func buildIndex(hashes []uint64, k uint32) (fanout, entries []byte, err error) {
	nb := 1 << k
	counts := make([]uint32, nb+1)
	for _, h := range hashes {
		counts[bucketOf(h, k)+1]++
	}
	for i := 1; i <= nb; i++ {
		counts[i] += counts[i-1]
	}
	fanout = make([]byte, 4*(nb+1))
	for i, c := range counts {
		binary.LittleEndian.PutUint32(fanout[4*i:], c)
	}
	type entry struct {
		h   uint64
		row uint32
	}
	sorted := make([]entry, len(hashes))
	next := counts[:nb]
	for row, h := range hashes {
		b := bucketOf(h, k)
		sorted[next[b]] = entry{h, uint32(row)}
		next[b]++
	}
	// next[b] is now the end of bucket b; sort each bucket by hash.
	start := uint32(0)
	for b := 0; b < nb; b++ {
		bucket := sorted[start:next[b]]
		slices.SortFunc(bucket, func(x, y entry) int {
			switch {
			case x.h < y.h:
				return -1
			case x.h > y.h:
				return 1
			}
			return 0
		})
		for i := 1; i < len(bucket); i++ {
			if bucket[i].h == bucket[i-1].h {
				return nil, nil, fmt.Errorf("prims at rows %d and %d have the same path hash (duplicate path?)",
					min(bucket[i].row, bucket[i-1].row), max(bucket[i].row, bucket[i-1].row))
			}
		}
		start = next[b]
	}
	entries = make([]byte, entrySize*len(sorted))
	for i, e := range sorted {
		binary.LittleEndian.PutUint64(entries[entrySize*i:], e.h)
		binary.LittleEndian.PutUint32(entries[entrySize*i+8:], e.row)
	}
	return fanout, entries, nil
}

// bucket is one decoded hash bucket: hashes ascending, rows alongside.
type bucket struct {
	hashes []uint64
	rows   []uint32
}

func (b *bucket) find(h uint64) (uint32, bool) {
	lo, hi := 0, len(b.hashes)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if b.hashes[m] < h {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(b.hashes) && b.hashes[lo] == h {
		return b.rows[lo], true
	}
	return 0, false
}

func decodeBucket(b []byte, prims uint64) (*bucket, error) {
	n := len(b) / entrySize
	bk := &bucket{hashes: make([]uint64, n), rows: make([]uint32, n)}
	for i := 0; i < n; i++ {
		bk.hashes[i] = binary.LittleEndian.Uint64(b[entrySize*i:])
		bk.rows[i] = binary.LittleEndian.Uint32(b[entrySize*i+8:])
		if uint64(bk.rows[i]) >= prims {
			return nil, fmt.Errorf("prim index entry points at row %d of %d", bk.rows[i], prims)
		}
		if i > 0 && bk.hashes[i] <= bk.hashes[i-1] {
			return nil, errors.New("prim index bucket is not sorted")
		}
	}
	return bk, nil
}

// footerLayout finds, inside the Thrift compact encoding of a FileMetaData,
// where the fields before row_groups end and where each RowGroup struct
// lies.
func footerLayout(footer []byte) (prefixLen int, lastField int16, spans [][2]uint32, err error) {
	buf := &thrift.TMemoryBuffer{Buffer: bytes.NewBuffer(footer)}
	pos := func() int { return len(footer) - buf.Len() }
	p := thrift.NewTCompactProtocolConf(buf, &thrift.TConfiguration{})
	ctx := context.Background()
	if _, err := p.ReadStructBegin(ctx); err != nil {
		return 0, 0, nil, err
	}
	for {
		start := pos()
		_, typ, id, err := p.ReadFieldBegin(ctx)
		if err != nil {
			return 0, 0, nil, err
		}
		if typ == thrift.STOP {
			return 0, 0, nil, errors.New("footer has no row_groups field")
		}
		if id != 4 {
			if id > 4 {
				return 0, 0, nil, fmt.Errorf("footer field %d precedes row_groups", id)
			}
			lastField = id
			if err := thrift.SkipDefaultDepth(ctx, p, typ); err != nil {
				return 0, 0, nil, err
			}
			continue
		}
		if typ != thrift.LIST {
			return 0, 0, nil, errors.New("footer row_groups is not a list")
		}
		prefixLen = start
		_, n, err := p.ReadListBegin(ctx)
		if err != nil {
			return 0, 0, nil, err
		}
		spans = make([][2]uint32, n)
		for i := range spans {
			s := pos()
			if err := thrift.SkipDefaultDepth(ctx, p, thrift.STRUCT); err != nil {
				return 0, 0, nil, err
			}
			spans[i] = [2]uint32{uint32(s), uint32(pos() - s)}
		}
		return prefixLen, lastField, spans, nil
	}
}

// tinyPrefix is the smallest valid head of a FileMetaData: version 1, a
// schema of one empty root, 0 rows. Joined with one RowGroup span it lets
// thrift decode that row group without re-parsing the file's schema.
var tinyPrefix = []byte{
	0x15, 0x02, // 1: version = 1
	0x19, 0x1c, // 2: schema, list of 1 struct
	0x48, 0x06, 's', 'c', 'h', 'e', 'm', 'a', // 4: name
	0x15, 0x00, // 5: num_children = 0
	0x00,       // end of SchemaElement
	0x16, 0x00, // 3: num_rows = 0
}

// rowGroupFooter assembles a FileMetaData holding the footer prefix and, if
// rg is non-nil, that single RowGroup struct; createdBy is set when given.
func rowGroupFooter(prefix []byte, lastField int16, rg []byte, createdBy string) []byte {
	b := make([]byte, 0, len(prefix)+len(rg)+len(createdBy)+16)
	b = append(b, prefix...)
	b = append(b, byte((4-lastField)<<4)|0x09) // field 4, list
	if rg == nil {
		b = append(b, 0x0c) // zero structs
	} else {
		b = append(b, 0x1c) // one struct
		b = append(b, rg...)
	}
	if createdBy != "" {
		b = append(b, 0x28) // field 6 (delta 2), binary
		b = binary.AppendUvarint(b, uint64(len(createdBy)))
		b = append(b, createdBy...)
	}
	return append(b, 0) // stop
}
