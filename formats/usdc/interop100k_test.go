package usdc

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/formatstest"
	"github.com/scenebench/runner/internal/testenv"
)

// TestOpenUSDReads100K is the 100K-prim proof that runs in every full test
// pass: OpenUSD opens our 100K-prim files (flat with payload, deep), lists
// every prim that carries attributes in our layer order, and dumps every
// 499th of them, whose attribute types and values must match the dataset
// exactly; its re-save of the whole layer must then read back with our
// reader identical to the dataset, prim by prim. (The exhaustive dump of
// every prim through OpenUSD's Python API is USDC_LARGE=1's
// TestOpenUSDReadsOurFiles.)
func TestOpenUSDReads100K(t *testing.T) {
	if testing.Short() {
		t.Skip("100K-prim OpenUSD interop runs in the full suite, not -short")
	}
	// Most of the time is OpenUSD's (its re-save above all), one Python
	// process per case: the cases run side by side, and beside the
	// package's other tests.
	t.Parallel()
	py := testenv.Python(t, "pxr")
	cases := []struct {
		name  string
		scene testScene
		opts  formats.Options
		spec  string
	}{
		{"flat building20 payload", testScene{"flat", 100_000, formatstest.Building20(true), 16}, nil, "Sdf.SpecifierOver"},
		{"deep building20", testScene{"deep", 100_000, formatstest.Building20(false), 17}, formats.Options{"specifier": "def"}, "Sdf.SpecifierDef"},
	}
	const every = 499
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := writeScene(t, dir, tc.scene, tc.opts)
			resaved := filepath.Join(dir, "resaved.usdc")
			out := testenv.RunPython(t, py, filepath.Join("testdata", "sample_layer.py"), path, strconv.Itoa(every), resaved)
			var d struct {
				AttrPrims  []string       `json:"attr_prims"`
				Specifiers map[string]int `json:"specifiers"`
				Sampled    []dumpPrim     `json:"sampled"`
			}
			if err := json.Unmarshal(out, &d); err != nil {
				t.Fatalf("sample_layer.py output: %v", err)
			}
			wantOrder := scenePrimOrder(tc.scene)
			if !reflect.DeepEqual(d.AttrPrims, wantOrder) {
				t.Fatalf("OpenUSD lists %d prims with attributes, want %d in layer order", len(d.AttrPrims), len(wantOrder))
			}
			if len(d.Specifiers) != 1 || d.Specifiers[tc.spec] == 0 {
				t.Fatalf("specifiers %v, want every prim %s", d.Specifiers, tc.spec)
			}
			want := expectedDumpOf(t, tc.scene, func(i int) bool { return i%every == 0 })
			if len(d.Sampled) != (len(wantOrder)+every-1)/every {
				t.Fatalf("OpenUSD dumped %d prims, want %d", len(d.Sampled), (len(wantOrder)+every-1)/every)
			}
			sampledOrder := make([]string, len(d.Sampled))
			got := map[string][]dumpAttr{}
			for i, p := range d.Sampled {
				sampledOrder[i] = p.Path
				got[p.Path] = p.Attrs
			}
			var wantSampled []string
			for i := 0; i < len(wantOrder); i += every {
				wantSampled = append(wantSampled, wantOrder[i])
			}
			compareDumps(t, "OpenUSD reading ours (sampled)", wantSampled, want, got, sampledOrder)

			compareScene(t, "ours reading OpenUSD's re-save", resaved, tc.scene)
		})
	}
}
