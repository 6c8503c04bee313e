package usda

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/sdf"
)

// TestFullGrammar reads a layer in the forms only the full grammar takes
// (the same text the OpenUSD corpus test has OpenUSD read): ';' between
// statements, comments, sublayer offsets, arcs with prim paths and
// offsets, relocates, time samples, connections, relationships, variants.
func TestFullGrammar(t *testing.T) {
	path := filepath.Join("testdata", "full_grammar.usda")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := parseLayerBytes(path, data); err == nil {
		t.Fatal("the fast parser took a layer it does not handle")
	}
	l, err := ReadLayer(path)
	if err != nil {
		t.Fatal(err)
	}
	hello := l.Prims[0]
	refs := sdf.FieldOf(hello.Metadata, "references")
	if refs == nil || refs.Ops[0].Op != "prepended" || refs.Ops[0].Items[0].Asset != "a.usda" ||
		refs.Ops[0].Items[0].Prim != "/Path" || refs.Ops[0].Items[0].Offset != -10 {
		t.Errorf("references: %+v", refs)
	}
	if pl := sdf.FieldOf(hello.Metadata, "payload"); pl == nil || len(pl.Ops[0].Items) != 2 || pl.Ops[0].Items[0].Scale != 0.5 {
		t.Errorf("payload: %+v", pl)
	}
	if rel := sdf.FieldOf(l.Metadata, "layerRelocates"); rel == nil || rel.Items[0].Items[1].Str != "/hello/new" {
		t.Errorf("relocates: %+v", rel)
	}
	if offs := sdf.FieldOf(l.Metadata, "subLayerOffsets"); offs == nil || offs.Items[0].Offset != 5 || offs.Items[0].Scale != 2 {
		t.Errorf("sublayer offsets: %+v", offs)
	}
	if len(hello.VariantSets) != 1 || len(hello.VariantSets[0].Variants) != 2 || hello.VariantSets[0].Variants[0].Children[0].Path != "/hello{look=shiny}Extra" {
		t.Errorf("variants: %+v", hello.VariantSets)
	}
	world := hello.Children[0]
	props := map[string]*sdf.Property{}
	for _, p := range world.Properties {
		props[p.Name] = p
	}
	if p := props["xformOp:translate"]; p == nil || p.Default != nil || len(p.TimeSamples) != 3 || p.TimeSamples[2].Value.Kind != sdf.Block {
		t.Errorf("time samples: %+v", p)
	}
	if p := props["inputs:f"]; p == nil || p.Connections.Ops[0].Op != "prepended" || len(p.Connections.Ops[0].Items) != 2 {
		t.Errorf("connections: %+v", p)
	}
	if p := props["proxy"]; p == nil || !p.Relationship || p.Targets.Ops[0].Op != "prepended" {
		t.Errorf("relationship: %+v", p)
	}

	// As a scene: the prims with values, the rest counted.
	r, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	prims, _ := r.Prims()
	if strings.Join(prims, " ") != "/hello/world /hello/over_child /_class" {
		t.Errorf("prims %v", prims)
	}
	var v formats.Value
	if err := r.Get("/hello/world", "radius", &v); err != nil || v.Num != 1.2 {
		t.Errorf("radius = %s, %v", v.String(), err)
	}
	if err := r.Get("/hello/world", "declared", &v); !errors.Is(err, formats.ErrNoValue) {
		t.Errorf("declared: %v", err)
	}
	notes := map[string]int{}
	for _, n := range r.(formats.Noter).Notes() {
		notes[n.What] = n.Count
	}
	if notes[formats.NoteVariants] != 3 || notes[formats.NoteRelationships] != 2 || notes[formats.NoteTimeSamplesOnly] != 1 {
		t.Errorf("notes %v", notes)
	}
	// The time samples, carried: resolved at times as OpenUSD resolves them.
	if err := r.Get("/hello/world", "xformOp:translate", &v); !errors.Is(err, formats.ErrNoValue) {
		t.Errorf("default of samples only: %v", err)
	}
	res, err := formats.Resolve(r)
	if err != nil {
		t.Fatal(err)
	}
	ph, _ := res.ResolvePrim("/hello/world")
	h, _ := res.ResolveProperty("xformOp:translate")
	tr := formats.NewTimeReader(res)
	for _, c := range []struct {
		t    float64
		want string
	}{{-1, "(1, 2, 3)"}, {0.75, "(2.5, 3.5, 4.5)"}, {1.5, "(4, 5, 6)"}, {2, "(4, 5, 6)"}, {3, "no value"}, {9, "no value"}} {
		got := "no value"
		if err := tr.GetAt(ph, h, c.t, &v); err == nil {
			got = formats.FormatUSDA(&v)
		} else if !errors.Is(err, formats.ErrNoValue) {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("xformOp:translate at %v = %s, want %s", c.t, got, c.want)
		}
	}
}

// TestFullErrors: what OpenUSD rejects fails with a position, naming the
// prim, the attribute and the type.
func TestFullErrors(t *testing.T) {
	const hdr = "#usda 1.0\n"
	cases := []struct{ text, want string }{
		{hdr + "def \"A\" {\n  vector4 x = (1, 2, 3, 4)\n}", `bad.usda:3:3: attribute /A.x has unknown value type "vector4"`},
		{hdr + "def \"A\" {\n  def \"B\" {\n    quatf q = (1, 2)\n  }\n}", `bad.usda:4:20: attribute /A/B.q (quatf): expected ',' in a 4-tuple, found ")"`},
		{hdr + "def \"A\" {\n  int[] n = [1, 2.5]\n}", `bad.usda:3:17: attribute /A.n (int[]): "2.5]" is not an integer`},
		{hdr + "def \"A\" (\n  references = @@\n) {\n}", "references asset path must not be empty"},
		{hdr + "def \"A\" {\n  double x.spline = {\n", "block is not closed"},
		{hdr + "def \"A\" {\n  rel r[</B>] {}\n}", "relational attributes (rel name[<target>]) are not supported"},
		{"#usda 2.0\n", "not a usda layer"},
		{hdr + "def \"A\" {\n}\nover \"A\" {\n}", `bad.usda:4:6: prim /A is declared twice`},
	}
	for _, c := range cases {
		_, err := parseFull("bad.usda", []byte(c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q:\n got %v\nwant %s", c.text, err, c.want)
		}
	}
}
