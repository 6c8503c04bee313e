package usdc

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// The bootstrap header: magic, version, table-of-contents offset, reserved.
const (
	bootstrapSize = 88
	magic         = "PXR-USDC"
	tocRecordSize = 32
	sectionNameSz = 16
)

// Section names.
const (
	secTokens    = "TOKENS"
	secStrings   = "STRINGS"
	secFields    = "FIELDS"
	secFieldSets = "FIELDSETS"
	secPaths     = "PATHS"
	secSpecs     = "SPECS"
)

// version is a crate file version (major, minor, patch).
type version struct{ major, minor, patch uint8 }

func (v version) String() string { return fmt.Sprintf("%d.%d.%d", v.major, v.minor, v.patch) }

func (v version) atLeast(minor uint8) bool { return v.minor >= minor }

// Oldest and newest versions this package reads.
var (
	minReadVersion = version{0, 4, 0}
	maxReadVersion = version{0, 16, 0}
)

func parseVersion(s string) (version, error) {
	var v version
	if _, err := fmt.Sscanf(s, "%d.%d.%d", &v.major, &v.minor, &v.patch); err != nil {
		return v, fmt.Errorf("bad crate version %q", s)
	}
	return v, nil
}

// section is one table-of-contents record.
type section struct {
	name        string
	start, size int64
}

// readBootstrap checks the header and returns the version and TOC offset.
func readBootstrap(data []byte) (version, int64, error) {
	if len(data) < bootstrapSize {
		return version{}, 0, fmt.Errorf("file is %d bytes, shorter than the %d-byte crate header", len(data), bootstrapSize)
	}
	if string(data[:8]) != magic {
		return version{}, 0, fmt.Errorf("offset 0: not a crate file (magic %q, want %q)", data[:8], magic)
	}
	v := version{data[8], data[9], data[10]}
	if v.major != 0 || v.minor < minReadVersion.minor || v.minor > maxReadVersion.minor {
		return v, 0, fmt.Errorf("offset 8: unsupported crate version %s (this reader supports %s to %s)", v, minReadVersion, maxReadVersion)
	}
	toc := int64(binary.LittleEndian.Uint64(data[16:]))
	if toc < bootstrapSize || toc >= int64(len(data)) {
		return v, 0, fmt.Errorf("offset 16: table of contents at %d outside the file (size %d): truncated or corrupt", toc, len(data))
	}
	return v, toc, nil
}

// readTOC parses the table of contents at off.
func readTOC(data []byte, off int64) ([]section, error) {
	rest := int64(len(data)) - off
	if rest < 8 {
		return nil, fmt.Errorf("offset %d: table of contents truncated", off)
	}
	n := binary.LittleEndian.Uint64(data[off:])
	if n > uint64((rest-8)/tocRecordSize) {
		return nil, fmt.Errorf("offset %d: table of contents claims %d sections, the file has room for %d", off, n, (rest-8)/tocRecordSize)
	}
	secs := make([]section, n)
	p := off + 8
	for i := range secs {
		rec := data[p : p+tocRecordSize]
		name := rec[:sectionNameSz]
		if k := bytes.IndexByte(name, 0); k >= 0 {
			name = name[:k]
		}
		s := section{
			name:  string(name),
			start: int64(binary.LittleEndian.Uint64(rec[16:])),
			size:  int64(binary.LittleEndian.Uint64(rec[24:])),
		}
		if s.start < 0 || s.size < 0 || s.start > int64(len(data)) || s.size > int64(len(data))-s.start {
			return nil, fmt.Errorf("offset %d: section %q [%d, +%d) lies outside the file (size %d)", p, s.name, s.start, s.size, len(data))
		}
		secs[i] = s
		p += tocRecordSize
	}
	return secs, nil
}

// appendBootstrap writes the header for version v and the given TOC offset.
func appendBootstrap(dst []byte, v version, tocOffset int64) []byte {
	dst = append(dst, magic...)
	dst = append(dst, v.major, v.minor, v.patch, 0, 0, 0, 0, 0)
	dst = binary.LittleEndian.AppendUint64(dst, uint64(tocOffset))
	return append(dst, make([]byte, 64)...)
}

// appendTOC writes the table of contents.
func appendTOC(dst []byte, secs []section) []byte {
	dst = binary.LittleEndian.AppendUint64(dst, uint64(len(secs)))
	for _, s := range secs {
		var name [sectionNameSz]byte
		copy(name[:], s.name)
		dst = append(dst, name[:]...)
		dst = binary.LittleEndian.AppendUint64(dst, uint64(s.start))
		dst = binary.LittleEndian.AppendUint64(dst, uint64(s.size))
	}
	return dst
}
