package parquet

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/parquet/compress"
)

// A reader of the Thrift compact protocol, as much of it as the Parquet
// page header needs (https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md).
// Page headers are decoded on every cold read: decoding them in place from
// the column chunk's bytes costs no allocation, where the generic Thrift
// library allocates a protocol and a transport per header.

// Compact protocol type ids.
const (
	tStop   = 0
	tTrue   = 1
	tFalse  = 2
	tByte   = 3
	tI16    = 4
	tI32    = 5
	tI64    = 6
	tDouble = 7
	tBinary = 8
	tList   = 9
	tSet    = 10
	tMap    = 11
	tStruct = 12
)

var errThrift = errors.New("malformed page header")

// compact reads a Thrift compact encoding from b, starting at pos.
type compact struct {
	b   []byte
	pos int
}

func (c *compact) byte() (byte, error) {
	if c.pos >= len(c.b) {
		return 0, errThrift
	}
	v := c.b[c.pos]
	c.pos++
	return v, nil
}

func (c *compact) uvarint() (uint64, error) {
	v, n := binary.Uvarint(c.b[c.pos:])
	if n <= 0 {
		return 0, errThrift
	}
	c.pos += n
	return v, nil
}

// int reads a zigzag varint (i16, i32 or i64).
func (c *compact) int() (int64, error) {
	u, err := c.uvarint()
	return int64(u>>1) ^ -int64(u&1), err
}

// i32 reads an i32 field value.
func (c *compact) i32() (int32, error) {
	v, err := c.int()
	if err == nil && (v < -1<<31 || v > 1<<31-1) {
		err = errThrift
	}
	return int32(v), err
}

// field reads a field header: its type and id, given the id of the previous
// field of the struct. typ is tStop at the end of the struct.
func (c *compact) field(last int16) (typ byte, id int16, err error) {
	h, err := c.byte()
	if err != nil || h == tStop {
		return tStop, 0, err
	}
	typ = h & 0x0f
	if d := h >> 4; d != 0 {
		return typ, last + int16(d), nil
	}
	v, err := c.int()
	if err != nil || v < -1<<15 || v > 1<<15-1 {
		return 0, 0, errThrift
	}
	return typ, int16(v), nil
}

// skip skips a value of type typ; depth bounds the nesting a corrupt
// header can make it recurse into.
func (c *compact) skip(typ byte, depth int) error {
	if depth > 16 {
		return errThrift
	}
	switch typ {
	case tTrue, tFalse:
		return nil // a bool field carries its value in its type
	case tByte:
		_, err := c.byte()
		return err
	case tI16, tI32, tI64:
		_, err := c.uvarint()
		return err
	case tDouble:
		if len(c.b)-c.pos < 8 {
			return errThrift
		}
		c.pos += 8
		return nil
	case tBinary:
		n, err := c.uvarint()
		if err != nil || n > uint64(len(c.b)-c.pos) {
			return errThrift
		}
		c.pos += int(n)
		return nil
	case tList, tSet:
		h, err := c.byte()
		if err != nil {
			return err
		}
		n, et := uint64(h>>4), h&0x0f
		if n == 15 {
			if n, err = c.uvarint(); err != nil {
				return err
			}
		}
		if n > uint64(len(c.b)-c.pos) { // every element takes a byte at least
			return errThrift
		}
		for range n {
			if et == tTrue || et == tFalse {
				et = tByte // in a list a bool is a byte
			}
			if err := c.skip(et, depth+1); err != nil {
				return err
			}
		}
		return nil
	case tMap:
		n, err := c.uvarint()
		if err != nil || n > uint64(len(c.b)-c.pos) {
			return errThrift
		}
		if n == 0 {
			return nil
		}
		kv, err := c.byte()
		if err != nil {
			return err
		}
		for range n {
			if err := c.skip(kv>>4, depth+1); err != nil {
				return err
			}
			if err := c.skip(kv&0x0f, depth+1); err != nil {
				return err
			}
		}
		return nil
	case tStruct:
		var last int16
		for {
			t, id, err := c.field(last)
			if err != nil {
				return err
			}
			if t == tStop {
				return nil
			}
			if err := c.skip(t, depth+1); err != nil {
				return err
			}
			last = id
		}
	}
	return fmt.Errorf("%w (type %d)", errThrift, typ)
}

// Parquet page types and encodings (parquet.thrift).
const (
	pageData       = 0
	pageIndex      = 1
	pageDictionary = 2
	pageDataV2     = 3

	encPlain          = 0
	encPlainDict      = 2
	encRLE            = 3
	encRLEDictionary  = 8
	maxPageHeaderSize = 16 << 20
)

// pageHeader is what decoding needs of a PageHeader.
type pageHeader struct {
	typ              int32
	uncompressedSize int32
	compressedSize   int32
	numValues        int32
	encoding         int32
	defLevelEncoding int32 // data page v1
	repLevelEncoding int32 // data page v1
	// data page v2
	numNulls     int32
	defLevelsLen int32
	repLevelsLen int32
	compressed   bool // v2: whether the values are compressed
	hasData      bool // a data, data v2 or dictionary page header was present
}

// fields walks the struct at c's position to its stop, calling fn with
// each field's type and id; fn reads the fields it knows and returns true
// for them, and every other field is skipped (at nesting depth depth).
func (c *compact) fields(depth int, fn func(t byte, id int16) (bool, error)) error {
	var last int16
	for {
		t, id, err := c.field(last)
		if err != nil {
			return err
		}
		if t == tStop {
			return nil
		}
		last = id
		read, err := fn(t, id)
		if err != nil {
			return err
		}
		if !read {
			if err := c.skip(t, depth); err != nil {
				return err
			}
		}
	}
}

// readPageHeader decodes the PageHeader at the start of b and returns its
// length.
func readPageHeader(b []byte, h *pageHeader) (int, error) {
	c := compact{b: b[:min(len(b), maxPageHeaderSize)]}
	*h = pageHeader{typ: -1, uncompressedSize: -1, compressedSize: -1, compressed: true}
	err := c.fields(0, func(t byte, id int16) (read bool, err error) {
		switch {
		case id == 1 && t == tI32:
			h.typ, err = c.i32()
		case id == 2 && t == tI32:
			h.uncompressedSize, err = c.i32()
		case id == 3 && t == tI32:
			h.compressedSize, err = c.i32()
		case (id == 5 || id == 7 || id == 8) && t == tStruct:
			h.hasData = true
			err = c.subHeader(id, h)
		default:
			return false, nil
		}
		return true, err
	})
	if err != nil {
		return 0, err
	}
	if h.typ < 0 || h.uncompressedSize < 0 || h.compressedSize < 0 {
		return 0, errThrift
	}
	return c.pos, nil
}

// subHeader decodes a DataPageHeader (field 5), DictionaryPageHeader (7)
// or DataPageHeaderV2 (8).
func (c *compact) subHeader(which int16, h *pageHeader) error {
	return c.fields(1, func(t byte, id int16) (bool, error) {
		var dst *int32
		switch {
		case id == 1 && t == tI32:
			dst = &h.numValues
		case which == 5 && id == 2 && t == tI32, which == 7 && id == 2 && t == tI32, which == 8 && id == 4 && t == tI32:
			dst = &h.encoding
		case which == 5 && id == 3 && t == tI32:
			dst = &h.defLevelEncoding
		case which == 5 && id == 4 && t == tI32:
			dst = &h.repLevelEncoding
		case which == 8 && id == 2 && t == tI32:
			dst = &h.numNulls
		case which == 8 && id == 5 && t == tI32:
			dst = &h.defLevelsLen
		case which == 8 && id == 6 && t == tI32:
			dst = &h.repLevelsLen
		case which == 8 && id == 7 && (t == tTrue || t == tFalse):
			h.compressed = t == tTrue
			return true, nil
		}
		if dst == nil {
			return false, nil
		}
		var err error
		*dst, err = c.i32()
		return true, err
	})
}

// rowGroupChunks decodes the locations of the column chunks, and the row
// count, from a RowGroup struct (parquet.thrift) and nothing else: the
// statistics, encodings and paths it skips are most of its bytes.
func rowGroupChunks(b []byte) (chunks []chunkInfo, rows int64, err error) {
	c := compact{b: b}
	rows = -1
	err = c.fields(0, func(t byte, id int16) (bool, error) {
		switch {
		case id == 1 && t == tList:
			h, err := c.byte()
			if err != nil {
				return true, err
			}
			n := uint64(h >> 4)
			if n == 15 {
				if n, err = c.uvarint(); err != nil {
					return true, err
				}
			}
			if h&0x0f != tStruct || n > uint64(len(b)) {
				return true, errThrift
			}
			chunks = make([]chunkInfo, n)
			for i := range chunks {
				if chunks[i], err = c.columnChunk(); err != nil {
					return true, err
				}
			}
			return true, nil
		case id == 3 && t == tI64:
			var err error
			rows, err = c.int()
			return true, err
		}
		return false, nil
	})
	if err != nil {
		return nil, 0, err
	}
	if chunks == nil || rows < 0 {
		return nil, 0, errors.New("row group without columns or row count")
	}
	return chunks, rows, nil
}

// rowGroupColumns finds, in the encoding of a RowGroup struct that starts
// with its list of columns (field 1, as arrow-go and parquet-mr write
// it), where the list's first ColumnChunk begins and how many it holds;
// ok is false for a struct that starts otherwise.
func rowGroupColumns(b []byte) (pos, n int, ok bool, err error) {
	c := compact{b: b}
	t, id, err := c.field(0)
	if err != nil || id != 1 || t != tList {
		return 0, 0, false, err
	}
	h, err := c.byte()
	if err != nil {
		return 0, 0, false, err
	}
	count := uint64(h >> 4)
	if count == 15 {
		if count, err = c.uvarint(); err != nil {
			return 0, 0, false, err
		}
	}
	if h&0x0f != tStruct || count > uint64(len(b)) {
		return 0, 0, false, errThrift
	}
	return c.pos, int(count), true, nil
}

// columnChunk decodes a ColumnChunk struct's location fields.
func (c *compact) columnChunk() (chunkInfo, error) {
	var ci chunkInfo
	dict := int64(-1)
	found := false
	err := c.fields(1, func(t byte, id int16) (bool, error) {
		if id != 3 || t != tStruct { // 3: meta_data
			return false, nil
		}
		found = true
		return true, c.fields(2, func(mt byte, mid int16) (bool, error) {
			var dst *int64
			switch {
			case mid == 4 && mt == tI32:
				v, err := c.i32()
				ci.codec = compress.Compression(v)
				return true, err
			case mid == 6 && mt == tI64:
				dst = &ci.uncompressed
			case mid == 7 && mt == tI64:
				dst = &ci.size
			case mid == 9 && mt == tI64:
				dst = &ci.start
			case mid == 11 && mt == tI64:
				dst = &dict
			}
			if dst == nil {
				return false, nil
			}
			var err error
			*dst, err = c.int()
			return true, err
		})
	})
	if err != nil {
		return ci, err
	}
	if !found {
		return ci, errors.New("column chunk without metadata")
	}
	if dict > 0 && dict < ci.start {
		ci.start = dict
	}
	return ci, nil
}
