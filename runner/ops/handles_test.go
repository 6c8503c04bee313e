package ops

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/scenebench/runner/formats"
)

// sparseReader is memReader without a value of "lifespan" on every fifth
// prim.
type sparseReader struct{ memReader }

func (s *sparseReader) Properties() []formats.Property {
	var out []formats.Property
	for _, p := range flatScene(s.n).Properties() {
		out = append(out, formats.Property{Name: p, Type: formats.Double})
	}
	return out
}

func (s *sparseReader) Get(prim, prop string, dst *formats.Value) error {
	var i int
	if _, err := fmt.Sscanf(prim, "/World/Prim_%d", &i); err == nil && i%5 == 0 && prop == "lifespan" {
		s.reads.Add(1)
		return fmt.Errorf("%s %s: %w", prim, prop, formats.ErrNoValue)
	}
	return s.memReader.Get(prim, prop, dst)
}

// handleReader resolves handles itself (over sparseReader's values) and
// counts how it is read: by strings, by handles, by scans.
type handleReader struct {
	sparseReader
	props                  []string
	strings, handles, rows atomic.Int64
}

func (h *handleReader) Get(prim, prop string, dst *formats.Value) error {
	h.strings.Add(1)
	return h.sparseReader.Get(prim, prop, dst)
}

func (h *handleReader) ResolvePrim(path string) (formats.PrimHandle, error) {
	var i int
	if _, err := fmt.Sscanf(path, "/World/Prim_%d", &i); err != nil || i >= h.n {
		return 0, formats.ErrNotFound
	}
	return formats.PrimHandle(i), nil
}

func (h *handleReader) ResolveProperty(name string) (formats.PropertyHandle, error) {
	for i, p := range h.props {
		if p == name {
			return formats.PropertyHandle(i), nil
		}
	}
	return 0, formats.ErrNotFound
}

func (h *handleReader) GetHandle(p formats.PrimHandle, q formats.PropertyHandle, dst *formats.Value) error {
	if p < 0 || int(p) >= h.n || q < 0 || int(q) >= len(h.props) {
		return formats.ErrNotFound
	}
	h.handles.Add(1)
	return h.sparseReader.Get(flatScene(h.n).PrimPath(int(p)), h.props[q], dst)
}

// scanReader also reads columns.
type scanReader struct{ handleReader }

func (s *scanReader) Scan(props []formats.PropertyHandle, first, end formats.PrimHandle, fn func(formats.PrimHandle, []formats.Value, []bool) error) error {
	vals, has := make([]formats.Value, len(props)), make([]bool, len(props))
	for p := first; p < end; p++ {
		s.rows.Add(1)
		for j, q := range props {
			err := s.sparseReader.Get(flatScene(s.n).PrimPath(int(p)), s.props[q], &vals[j])
			has[j] = err == nil
			if err != nil && !errors.Is(err, formats.ErrNoValue) {
				return err
			}
		}
		if err := fn(p, vals, has); err != nil {
			return err
		}
	}
	return nil
}

// A traversal reads through handles when the reader resolves them, and
// column-wise in layer order when it scans; a scan step reads the same
// values; every path digests what reads by strings digest.
func TestTraverseAndScanPaths(t *testing.T) {
	props := []string{"cost", "lifespan", "supplier_id"}
	steps := MustSteps(StepSpec{Op: "open", Name: "open"},
		StepSpec{Op: "traverse", Name: "layer"},
		StepSpec{Op: "traverse", Name: "layer3", Args: map[string]any{"threads": 3}},
		StepSpec{Op: "traverse", Name: "limited", Args: map[string]any{"limit": 7, "properties": []string{"lifespan"}}},
		StepSpec{Op: "traverse", Name: "reverse", Args: map[string]any{"order": "reverse", "probes": 2}},
		StepSpec{Op: "traverse", Name: "random", Args: map[string]any{"order": "random", "seed": 3, "threads": 2}},
		StepSpec{Op: "traverse", Name: "sparse", Args: map[string]any{"fraction": 0.4, "seed": 3}},
		StepSpec{Op: "scan", Name: "scan"},
		StepSpec{Op: "scan", Name: "scan3", Args: map[string]any{"threads": 3}})
	const n = 23
	want := map[string]string{}
	for _, s := range steps[1:] {
		req := reqOf(t, s, n)
		_, dg, values := runStep(t, &sparseReader{memReader{n: n}}, req)
		want[s.Name] = dg
		if e := (Traverse{}).Expect(req, target(n)); s.Op == "traverse" && values > e.MaxValues {
			t.Errorf("%s: %d values, at most %d", s.Name, values, e.MaxValues)
		}
		for _, r := range []interface {
			formats.Reader
			counts() (strings, handles, rows int64)
		}{newHandleReader(n, props), newScanReader(n, props)} {
			op, _ := Lookup(req.Op)
			run, err := op.Start(&Env{Ctx: context.Background(), Reader: r}, req)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := run.Timed(); err != nil {
				t.Fatal(err)
			}
			if _, handles, rows := r.counts(); handles+rows == 0 {
				t.Errorf("%s over %T: the timed pass read nothing", s.Name, r)
			}
			_, got, gotValues := runStep(t, r, req)
			if got != dg || gotValues != values {
				t.Errorf("%s over %T: digest %s (%d values), by strings %s (%d)", s.Name, r, got, gotValues, dg, values)
			}
			strs, handles, rows := r.counts()
			_, scans := r.(*scanReader)
			layer := s.Op == "scan" || s.Name == "layer" || s.Name == "layer3" || s.Name == "limited"
			switch {
			case strs != 0:
				t.Errorf("%s over %T: %d reads by strings", s.Name, r, strs)
			case scans && layer && (rows == 0 || handles != 0):
				t.Errorf("%s over %T: %d scanned rows, %d reads by handles; want a scan", s.Name, r, rows, handles)
			case (!scans || !layer) && handles == 0:
				t.Errorf("%s over %T: no reads by handles", s.Name, r)
			}
		}
	}
	if want["scan"] != want["layer"] || want["scan3"] != want["layer3"] {
		t.Errorf("a scan digests %s / %s, the layer-order traversal %s / %s", want["scan"], want["scan3"], want["layer"], want["layer3"])
	}
}

func newHandleReader(n int, props []string) *handleReader {
	return &handleReader{sparseReader: sparseReader{memReader{n: n}}, props: props}
}

func newScanReader(n int, props []string) *scanReader {
	s := &scanReader{}
	s.n, s.props = n, props
	return s
}

func (h *handleReader) counts() (int64, int64, int64) {
	return h.strings.Load(), h.handles.Load(), h.rows.Load()
}
