package formats

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// A Sniffer is a Format that recognises its own files by their first bytes.
// Formats declare their signature this way, so detection needs no table of
// magic numbers kept anywhere else.
type Sniffer interface {
	// Sniff reports whether head, the first bytes of a file (HeadSize of
	// them, or the whole file if it is shorter), begins a file of this
	// format.
	Sniff(head []byte) bool
}

// HeadSize is how many leading bytes of a file Detect hands to Sniff.
const HeadSize = 64

// ErrUnknownFormat is wrapped by Detect's error for a file that no
// registered format recognises by its contents or its extension.
var ErrUnknownFormat = errors.New("unknown file format")

// DetectBytes names the registered format of a file from its leading bytes,
// else from the extension of its name (compared case-insensitively).
func DetectBytes(head []byte, name string) (Format, bool) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	names := sortedNames()
	for _, n := range names {
		if s, ok := registry[n].(Sniffer); ok && s.Sniff(head) {
			return registry[n], true
		}
	}
	ext := strings.ToLower(filepath.Ext(name))
	for _, n := range names {
		if registry[n].Extension() == ext {
			return registry[n], true
		}
	}
	return nil, false
}

// Detect opens the file at path and names its format as DetectBytes does.
// A file no format recognises gives an error wrapping ErrUnknownFormat.
func Detect(path string) (Format, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var head [HeadSize]byte
	n, err := io.ReadFull(f, head[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if format, ok := DetectBytes(head[:n], path); ok {
		return format, nil
	}
	return nil, fmt.Errorf("%s: %w", path, ErrUnknownFormat)
}
