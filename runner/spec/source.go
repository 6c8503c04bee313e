package spec

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
)

// ReadFile reads a spec or variables file. Only a regular file of at most
// MaxFileBytes is read: a directory, named pipe, device or socket is
// refused from its metadata, before anything could block reading it, and
// the file is opened non-blocking and checked again once open, in case it
// was replaced in between.
func ReadFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := checkRegular(path, fi); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, err
	}
	if err := checkRegular(path, fi); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileBytes {
		return nil, &fs.PathError{Op: "read", Path: path, Err: errTooLarge(int64(len(b)), true)}
	}
	return b, nil
}

func checkRegular(path string, fi fs.FileInfo) error {
	var what string
	switch m := fi.Mode(); {
	case m.IsRegular():
		if fi.Size() > MaxFileBytes {
			return &fs.PathError{Op: "read", Path: path, Err: errTooLarge(fi.Size(), false)}
		}
		return nil
	case m.IsDir():
		what = "a directory"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case m&fs.ModeCharDevice != 0:
		what = "a character device"
	case m&fs.ModeDevice != 0:
		what = "a device"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	default:
		what = "not a regular file"
	}
	if what != "not a regular file" {
		what += ", not a regular file"
	}
	return &fs.PathError{Op: "read", Path: path, Err: errors.New("it is " + what)}
}

func errTooLarge(n int64, atLeast bool) error {
	size := humanSize(n)
	if atLeast {
		size = "more than " + humanSize(MaxFileBytes)
	}
	return fmt.Errorf("it is %s, and a spec or variables file may be at most %s", size, humanSize(MaxFileBytes))
}

// humanSize renders a byte count in binary units, as the limits are set.
func humanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/(1<<20))) + " MiB"
	case n >= 1<<10:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/(1<<10))) + " KiB"
	}
	return fmt.Sprintf("%d bytes", n)
}

func trimZero(s string) string {
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		return s[:len(s)-2]
	}
	return s
}

// CheckSource reports what makes src unfit to be parsed as a spec file
// named name: more than MaxFileBytes, not UTF-8 text (a NUL or another
// control character, or invalid UTF-8: binary input gets one diagnostic,
// not one per byte), or nesting, a literal or a number beyond the limits.
// Only the first problem is reported; nothing in src is parsed.
func CheckSource(name string, src []byte) hcl.Diagnostics {
	return checkSource(name, src, false)
}

func checkSource(name string, src []byte, expr bool) hcl.Diagnostics {
	tooLarge, notText := "File too large", "Not a text file"
	if expr {
		tooLarge, notText = "Value too large", "Value is not text"
	}
	if len(src) > MaxFileBytes {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  tooLarge,
			Detail:   fmt.Sprintf("%s is %s; a spec or variables file may be at most %s.", name, humanSize(int64(len(src))), humanSize(MaxFileBytes)),
		}}
	}
	if at, what := firstNonText(src); at >= 0 {
		pos := posAt(src, at)
		// No source snippet: the line would be binary.
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  notText,
			Detail: fmt.Sprintf("%s has %s at line %d, column %d (byte %d); specs are UTF-8 text without control characters other than tab and newline.",
				name, what, pos.Line, pos.Column, at),
		}}
	}
	if p := scanSource(src, expr); p != nil {
		pos := posAt(src, p.offset)
		end := pos
		end.Byte++
		end.Column++
		// The position is in the detail too: a long line is cut when shown.
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  p.summary,
			Detail:   fmt.Sprintf(p.detail, fmt.Sprintf("line %d, column %d", pos.Line, pos.Column)),
			Subject:  &hcl.Range{Filename: name, Start: pos, End: end},
		}}
	}
	return nil
}

// firstNonText returns the offset of the first byte that makes src binary
// and a description of it, or -1.
func firstNonText(src []byte) (int, string) {
	for i := 0; i < len(src); {
		c := src[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
				if c == 0 {
					return i, "a NUL byte"
				}
				return i, fmt.Sprintf("a control character (0x%02x)", c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && n <= 1 {
			return i, fmt.Sprintf("a byte that is not UTF-8 (0x%02x)", c)
		}
		i += n
	}
	return -1, ""
}

// posAt is the line and column (in characters) of byte offset at.
func posAt(src []byte, at int) hcl.Pos {
	p := hcl.Pos{Line: 1, Column: 1, Byte: at}
	lineStart := 0
	for i := 0; i < at && i < len(src); i++ {
		if src[i] == '\n' {
			p.Line++
			lineStart = i + 1
		}
	}
	if at > len(src) {
		at = len(src)
	}
	p.Column = utf8.RuneCount(src[lineStart:at]) + 1
	return p
}
