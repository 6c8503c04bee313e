package usdc

import (
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenebench/runner/formats"
)

// smallFile writes a small scene of every type (opts are the writer's), or
// with opts {"animated": true} one of animated properties.
func smallFile(t testing.TB, opts formats.Options) []byte {
	t.Helper()
	var p string
	if opts["animated"] == true { // a scene with time samples
		p = writeAnim(t, t.TempDir(), animScene{"deep", 4, animProps, 9}, nil, 3)
	} else {
		p = writeScene(t, t.TempDir(), testScene{"deep", 30, allTypesProps, 9}, opts)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readAll opens data and reads every value, returning the first error.
func readAll(name string, data []byte) error {
	r, err := openBytes(name, data)
	if err != nil {
		return err
	}
	// The whole layer, as runner cat reads it.
	if l, err := r.Layer(); err != nil {
		return err
	} else if err := l.JSON(io.Discard); err != nil {
		return err
	} else if err := l.Text(io.Discard); err != nil {
		return err
	}
	prims, err := r.Prims()
	if err != nil {
		return err
	}
	var v formats.Value
	var first error
	for _, p := range prims {
		for _, prop := range r.Properties() {
			if err := r.Get(p, prop.Name, &v); err != nil && first == nil {
				first = err
			}
		}
	}
	// The same values by handles, and as one scan.
	var hs []formats.PropertyHandle
	for _, prop := range r.Properties() {
		h, err := r.ResolveProperty(prop.Name)
		if err != nil {
			return err
		}
		hs = append(hs, h)
	}
	for _, p := range prims {
		ph, err := r.ResolvePrim(p)
		if err != nil {
			return err
		}
		for _, h := range hs {
			if err := r.GetHandle(ph, h, &v); err != nil && first == nil {
				first = err
			}
		}
	}
	err = r.Scan(hs, 0, formats.PrimHandle(len(prims)), func(formats.PrimHandle, []formats.Value, []bool) error { return nil })
	if err != nil && first == nil {
		first = err
	}
	// Time samples: the first samples of each attribute, and values
	// resolved between them. (A corrupt file can give every attribute
	// thousands of samples that share one huge compressed array: reading
	// them all would test patience, not the decoder.)
	const maxSamples = 16
	tr := formats.NewTimeReader(r)
	for ph := range formats.PrimHandle(len(prims)) {
		for _, h := range hs {
			times, err := tr.Times(ph, h)
			if err != nil {
				continue // GetHandle's error, seen above
			}
			for k, at := range times[:min(len(times), maxSamples)] {
				if err := tr.Sample(ph, h, k, &v); err != nil && first == nil {
					first = err
				}
				if err := tr.GetAt(ph, h, at+0.25, &v); err != nil && first == nil {
					first = err
				}
			}
		}
	}
	return first
}

func TestBadInput(t *testing.T) {
	good := smallFile(t, nil)
	if err := readAll("good.usdc", good); err != nil {
		t.Fatalf("unmodified file: %v", err)
	}
	le := binary.LittleEndian
	mod := func(f func(b []byte) []byte) []byte {
		return f(append([]byte(nil), good...))
	}
	r, err := openBytes("good.usdc", good)
	if err != nil {
		t.Fatal(err)
	}
	sec := func(name string) section {
		s, err := r.c.section(name)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "shorter than the 88-byte crate header"},
		{"wrong magic", mod(func(b []byte) []byte { copy(b, "PXR-USDA"); return b }), "not a crate file"},
		{"version 0.3.0", mod(func(b []byte) []byte { b[9] = 3; return b }), "unsupported crate version 0.3.0"},
		{"version 0.17.0", mod(func(b []byte) []byte { b[9] = 17; return b }), "unsupported crate version 0.17.0"},
		{"version 1.8.0", mod(func(b []byte) []byte { b[8] = 1; return b }), "unsupported crate version 1.8.0"},
		{"toc past end", mod(func(b []byte) []byte { le.PutUint64(b[16:], uint64(len(b))); return b }), "table of contents at"},
		{"truncated", good[:len(good)-40], "table of contents"},
		{"huge section count", mod(func(b []byte) []byte { le.PutUint64(b[le.Uint64(b[16:]):], 1<<60); return b }), "claims"},
		{"token count", mod(func(b []byte) []byte { le.PutUint64(b[sec(secTokens).start:], 1<<50); return b }), "TOKENS"},
		{"string count", mod(func(b []byte) []byte { le.PutUint64(b[sec(secStrings).start:], 1<<40); return b }), "STRINGS"},
		{"field count", mod(func(b []byte) []byte { le.PutUint64(b[sec(secFields).start:], 1<<45); return b }), "FIELDS"},
		{"path count", mod(func(b []byte) []byte { le.PutUint64(b[sec(secPaths).start:], 1<<45); return b }), "PATHS"},
		{"spec count", mod(func(b []byte) []byte { le.PutUint64(b[sec(secSpecs).start:], 1<<45); return b }), "SPECS"},
		{"corrupt tokens", mod(func(b []byte) []byte {
			s := sec(secTokens)
			for i := s.start + 25; i < s.start+s.size; i++ {
				b[i] = 0xEE
			}
			return b
		}), "TOKENS"},
		{"corrupt fieldsets", mod(func(b []byte) []byte {
			s := sec(secFieldSets)
			for i := s.start + 17; i < s.start+s.size; i++ {
				b[i] ^= 0x5A
			}
			return b
		}), "FIELDSETS"},
		{"missing section", mod(func(b []byte) []byte {
			toc := le.Uint64(b[16:])
			for i := 0; i < 6; i++ {
				rec := b[toc+8+uint64(i)*32:]
				if string(rec[:5]) == "PATHS" {
					copy(rec, "XATHS")
				}
			}
			return b
		}), "missing PATHS section"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := openBytes("bad.usdc", tc.data)
			if err == nil {
				t.Fatal("opened without error")
			}
			if !strings.Contains(err.Error(), "bad.usdc") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not name the file and %q", err, tc.want)
			}
		})
	}
}

// TestTruncationsAndBitFlips: every prefix and many single-byte changes
// either fail cleanly or read; none panics.
func TestTruncationsAndBitFlips(t *testing.T) {
	t.Parallel() // beside the OpenUSD interop cases, which mostly wait on Python
	cutStep, flipStep := 7, 3
	if testing.Short() {
		cutStep, flipStep = 151, 41
	}
	for _, opts := range []formats.Options{nil, {"compress": false}, {"animated": true}} {
		good := smallFile(t, opts)
		for n := 0; n < len(good); n += cutStep {
			if err := readAll("cut.usdc", good[:n]); err == nil {
				t.Fatalf("prefix of %d bytes opened", n)
			}
		}
		buf := make([]byte, len(good))
		for i := 0; i < len(good); i += flipStep {
			copy(buf, good)
			buf[i] ^= 0xA5
			if err := readAll("flip.usdc", buf); err != nil && !strings.Contains(err.Error(), "flip.usdc") {
				t.Fatalf("flip at %d: error %q does not name the file", i, err)
			}
		}
	}
}

func TestArrayEditAndAnimationBlockRejected(t *testing.T) {
	c := &crate{name: "new.usdc", ver: version{0, 14, 0}}
	var v formats.Value
	for _, rep := range []valueRep{arrayRep(tDouble, 100) | repArrayEdit, inlineRep(tAnimationBlock, 0)} {
		err := c.decodeValue(rep, &v)
		if err == nil || !strings.Contains(err.Error(), "0.14.0") {
			t.Fatalf("rep %x: error %v", uint64(rep), err)
		}
	}
}

func TestNotFound(t *testing.T) {
	p := writeScene(t, t.TempDir(), testScene{"flat", 3, allTypesProps, 1}, nil)
	r, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	var v formats.Value
	for _, q := range [][2]string{{"/World/Nope", "cost"}, {"/World/Prim_1", "nope"}, {"/World", "cost"}} {
		if err := r.Get(q[0], q[1], &v); !errors.Is(err, formats.ErrNotFound) {
			t.Errorf("Get(%s, %s) = %v, want not found", q[0], q[1], err)
		}
	}
	r.Close()
	if err := r.Get("/World/Prim_1", "cost", &v); err == nil {
		t.Fatal("Get after Close succeeded")
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing.usdc")); err == nil || !strings.Contains(err.Error(), "missing.usdc") {
		t.Fatalf("open of a missing file: %v", err)
	}
}

// TestDuplicatePrimChild: a primChildren list naming a child twice fails
// the open (OpenUSD rejects it too) instead of visiting the subtree twice.
func TestDuplicatePrimChild(t *testing.T) {
	good := smallFile(t, nil)
	r, err := openBytes("dup.usdc", good)
	if err != nil {
		t.Fatal(err)
	}
	c := r.c
	// Find /World's spec and its primChildren vector.
	var off uint64
	for s, p := range c.specPath {
		if c.specType[s] == specPrim && c.pathString(p) == "/World/Zone_0/Level_0" {
			rep, ok := c.field(c.specFS[s], fPrimChildren)
			if !ok {
				t.Fatal("no primChildren")
			}
			off = rep.payload()
		}
	}
	if off == 0 {
		t.Fatal("prim not found")
	}
	bad := append([]byte(nil), good...)
	copy(bad[off+12:off+16], bad[off+8:off+12]) // second child = first
	_, err = openBytes("dup.usdc", bad)
	if err == nil || !strings.Contains(err.Error(), "listed twice") {
		t.Fatalf("open: %v", err)
	}
}

// A section must decode exactly the bytes its table-of-contents entry
// gives it. A NUL inside a token makes one token two: with the header's
// count of tokens taken, bytes are left over, which would otherwise shift
// every later name by one without any error.
func TestSectionsConsumeTheirBytes(t *testing.T) {
	var z compressor
	tokens := func(num int, text string) []byte {
		le := binary.LittleEndian
		comp, err := z.appendCompressed(nil, []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		b := le.AppendUint64(nil, uint64(num))
		b = le.AppendUint64(b, uint64(len(text)))
		b = le.AppendUint64(b, uint64(len(comp)))
		return append(b, comp...)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"well formed", tokens(3, "World\x00Prim_0\x00cost\x00"), ""},
		{"NUL inside a token", tokens(3, "World\x00Pr\x00m_0\x00cost\x00"), "TOKENS: 5 bytes after the 3 tokens the header declares"},
	} {
		c := &crate{name: "t.usdc", data: tc.data}
		err := c.readTokens(c.cursorFor(section{name: secTokens, size: int64(len(tc.data))}))
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	// A section given more bytes than its contents fill.
	good := smallFile(t, nil)
	bad := append([]byte(nil), good...)
	le := binary.LittleEndian
	toc := le.Uint64(bad[16:])
	for i := uint64(0); i < le.Uint64(bad[toc:]); i++ {
		rec := bad[toc+8+i*32:]
		if string(rec[:7]) == secStrings {
			le.PutUint64(rec[24:], le.Uint64(rec[24:])+4)
		}
	}
	if _, err := openBytes("bad.usdc", bad); err == nil || !strings.Contains(err.Error(), "STRINGS: 4 bytes after its contents") {
		t.Errorf("a section with bytes left over: %v", err)
	}
}
