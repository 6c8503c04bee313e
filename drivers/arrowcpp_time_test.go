package drivers_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/formatstest"
	"github.com/scenebench/runner/formats/parquet"
	"github.com/scenebench/runner/internal/testenv"
)

// animatedScene is formatstest.AllTypes(n) (the 13 generated types) and
// "radius", a double on every fourth prim and a float on the next (two
// sparse columns of one name), every property with 4 time samples from
// its own start by 1 (weights by 5e-7): sample k of a row is the default of row
// row+5(k+1) of a longer AllTypes scene. The radius columns' sample 1 is
// blocked (null) on every third prim that has a value.
func animatedScene(n int) *formatstest.Scene {
	s := formatstest.AllTypes(n, false)
	s.Info.Properties = append(s.Info.Properties,
		formats.Property{Name: "radius", Type: formats.Double, Sparse: true},
		formats.Property{Name: "radius", Type: formats.Float, Sparse: true})
	s.Cols = append(s.Cols, formats.Column{Property: s.Info.Properties[13]}, formats.Column{Property: s.Info.Properties[14]})
	radius := func(c *formats.Column, shift, mod int) {
		for i := range n {
			c.Doubles = append(c.Doubles, 1.5+float64(i+shift))
			c.Floats = append(c.Floats, 0.3*float32(i+shift))
			c.Present = append(c.Present, i%4 == mod)
		}
		if c.Property.Type == formats.Double {
			c.Floats = nil
		} else {
			c.Doubles = nil
		}
	}
	radius(&s.Cols[13], 0, 0)
	radius(&s.Cols[14], 0, 1)
	const count = 4
	for ci := range s.Cols {
		c := &s.Cols[ci]
		step := 1.0
		if ci == 10 {
			step = 5e-7 // weights: samples closer than GfIsClose's 1e-6, held
		}
		sm := formats.Samples{Count: count, Start: 1 + 0.25*float64(ci), Step: step}
		s.Info.Properties[ci].Samples = sm
		c.Property.Samples = sm
		c.Samples = make([]formats.Column, count)
		for k := range count {
			shift := 5 * (k + 1)
			p := c.Property
			p.Samples = formats.Samples{}
			sc := formats.Column{Property: p}
			if ci < 13 {
				sc = formatstest.AllTypes(n+shift, false).Cols[ci].Slice(shift, n+shift)
				sc.Property = p
			} else {
				radius(&sc, shift, ci-13)
				sc.Present = nil
				if k == 1 {
					for i := range n {
						sc.Present = append(sc.Present, c.Has(i) && i%3 != 2)
					}
				}
			}
			c.Samples[k] = sc
		}
	}
	return s
}

// goDigest reads every property of every prim (or only the prim at path
// only) in layer order at time at
// (a float64, or "all") through formats.TimeReader, as runner's get and
// traverse do, and digests the values with the time (formats.Digest.AddAt).
func goDigest(t *testing.T, r formats.Reader, names []string, at any, only string) (string, int) {
	t.Helper()
	res, err := formats.Resolve(r)
	if err != nil {
		t.Fatal(err)
	}
	prims, err := r.Prims()
	if err != nil {
		t.Fatal(err)
	}
	tr := formats.NewTimeReader(res)
	var d formats.Digest
	d.Reset() // the zero Digest is not XXH64's initial state
	var v formats.Value
	for ph, path := range prims {
		if only != "" && path != only {
			continue
		}
		for _, name := range names {
			q, err := res.ResolveProperty(name)
			if err != nil {
				t.Fatal(err)
			}
			p := formats.PrimHandle(ph)
			if tt, ok := at.(float64); ok {
				if err := tr.GetAt(p, q, tt, &v); err == nil {
					d.AddAt(path, name, tt, &v)
				} else if !errors.Is(err, formats.ErrNoValue) {
					t.Fatal(err)
				}
				continue
			}
			times, err := tr.Times(p, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(times) == 0 {
				if err := tr.GetAt(p, q, 0, &v); err == nil {
					d.Add(path, name, &v)
				} else if !errors.Is(err, formats.ErrNoValue) {
					t.Fatal(err)
				}
				continue
			}
			for k, tk := range times {
				if err := tr.Sample(p, q, k, &v); err == nil {
					d.AddAt(path, name, tk, &v)
				} else if !errors.Is(err, formats.ErrNoValue) {
					t.Fatal(err)
				}
			}
		}
	}
	return d.Hex(), d.Count()
}

// arrowDriver is one arrow-cpp process spoken to line by line.
type arrowDriver struct {
	t   *testing.T
	in  *json.Encoder
	out *bufio.Scanner
}

func (d *arrowDriver) recv() map[string]any {
	d.t.Helper()
	if !d.out.Scan() {
		d.t.Fatalf("driver ended: %v", d.out.Err())
	}
	var m map[string]any
	if err := json.Unmarshal(d.out.Bytes(), &m); err != nil {
		d.t.Fatalf("driver line %q: %v", d.out.Text(), err)
	}
	return m
}

// step runs one step through ready, go, measured, go and returns its
// result (or error) message.
func (d *arrowDriver) step(step map[string]any) map[string]any {
	d.t.Helper()
	if err := d.in.Encode(map[string]any{"type": "step", "step": step}); err != nil {
		d.t.Fatal(err)
	}
	for {
		m := d.recv()
		switch m["type"] {
		case "ready", "measured":
			d.in.Encode(map[string]any{"type": "go"})
		default:
			return m
		}
	}
}

// The arrow-cpp driver declares time and reads values at times and every
// sample exactly as runner's Go Parquet reader with formats.TimeReader
// does: the same digests and value counts at sample times, between them
// (interpolated), before the first and after the last, and with "all",
// over both indexes, for every type it reads, a name of two types and
// blocked samples.
func TestArrowCppTime(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a C++ driver process")
	}
	bin := testenv.Driver(t, "arrow-cpp")
	s := animatedScene(120)
	path := filepath.Join(t.TempDir(), "anim.parquet")
	o, err := formats.Normalize(parquet.Format{}, map[string]any{"row_group_size": 50})
	if err != nil {
		t.Fatal(err)
	}
	s.Write(t, parquet.Format{}, path, o, 40)
	var names []string
	for _, p := range s.Info.Properties[:14] {
		names = append(names, p.Name)
	}

	d := startArrowDriver(t, bin)
	hello := d.recv()
	if caps, _ := hello["capabilities"].(map[string]any); caps["time"] != true {
		t.Fatalf("hello does not declare time: %v", hello)
	}
	times := []any{1.0, 2.0, 2.5, 2.6, 3.75, 2.3, 3.1, 4.9, 5.35, 3.50000025, 0.0, -7.0, 4.25, 100.0, "all"}
	for _, idx := range []string{"eager", "lazy"} {
		ro, _ := formats.Normalize(parquet.Format{}, map[string]any{"index": idx})
		r, err := parquet.Format{}.Open(path, ro)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if m := d.step(map[string]any{"op": "open", "name": "open", "path": path, "format": "parquet", "options": map[string]any{"index": idx}}); m["type"] != "result" {
			t.Fatalf("open: %v", m)
		}
		for i, at := range times {
			want, n := goDigest(t, r, names, at, "")
			m := d.step(map[string]any{"op": "traverse", "name": fmt.Sprint("t", i), "properties": names, "order": "layer", "time": at})
			if m["type"] != "result" || m["digest"] != want || m["values"] != float64(n) {
				t.Errorf("%s traverse at %v: driver %v %v (%v), Go %s %d", idx, at, m["digest"], m["values"], m["message"], want, n)
			}
			// One prim by get, cold then warm: the digest of its values.
			prim := "/World/Prim_17"
			want, n = goDigest(t, r, names, at, prim)
			for _, cold := range []bool{true, false} {
				m := d.step(map[string]any{"op": "get", "name": fmt.Sprint("g", i), "prim": prim, "properties": names, "times": 3, "cold": cold, "time": at})
				if m["type"] != "result" || m["digest"] != want || m["values"] != float64(n) {
					t.Errorf("%s get (cold %v) at %v: driver %v %v (%v), Go %s %d", idx, cold, at, m["digest"], m["values"], m["message"], want, n)
				}
			}
		}
		// A bad time is an error, and the driver goes on serving.
		if m := d.step(map[string]any{"op": "traverse", "name": "bad", "properties": names, "time": "first"}); m["type"] != "error" {
			t.Errorf("time \"first\": %v", m)
		}
	}
}

// A file whose scene metadata declares more time samples, or fewer, than
// it has columns fails arrow-cpp's open with a message naming the column,
// and the driver goes on serving.
func TestArrowCppSampleColumns(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a C++ driver process")
	}
	bin := testenv.Driver(t, "arrow-cpp")
	s := animatedScene(20)
	dir := t.TempDir()
	path := filepath.Join(dir, "anim.parquet")
	o, _ := formats.Normalize(parquet.Format{}, nil)
	s.Write(t, parquet.Format{}, path, o, 20)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d := startArrowDriver(t, bin)
	d.recv()
	for _, c := range []struct{ count, want string }{
		{"3", `column "cost@3" lies beyond the 3 time samples of "cost"`},
		{"5", `time sample 4 of "cost" has no column "cost@4"`},
	} {
		edited := bytes.ReplaceAll(data, []byte(`"name":"cost","type":"double","samples":{"count":4`),
			[]byte(`"name":"cost","type":"double","samples":{"count":`+c.count))
		if bytes.Equal(edited, data) {
			t.Fatal("the scene metadata was not found")
		}
		p := filepath.Join(dir, "count"+c.count+".parquet")
		if err := os.WriteFile(p, edited, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, idx := range []string{"eager", "lazy"} {
			m := d.step(map[string]any{"op": "open", "name": "open", "path": p, "format": "parquet", "options": map[string]any{"index": idx}})
			msg, _ := m["message"].(string)
			if m["type"] != "error" || !strings.Contains(msg, c.want) || !strings.Contains(msg, p) {
				t.Errorf("count %s, %s: %v; want an error naming the file and saying %s", c.count, idx, m, c.want)
			}
		}
	}
	if m := d.step(map[string]any{"op": "open", "name": "open", "path": path, "format": "parquet"}); m["type"] != "result" {
		t.Errorf("the good file after the bad: %v", m)
	}
}

// startArrowDriver starts the arrow-cpp driver at bin for the test's
// length, talking to it over its standard input and output (lines up to
// 1 MiB).
func startArrowDriver(t *testing.T, bin string) *arrowDriver {
	t.Helper()
	cmd := exec.Command(bin)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	sc.Buffer(nil, 1<<20)
	return &arrowDriver{t: t, in: json.NewEncoder(stdin), out: sc}
}
