// Package usdparquet_test proves the OpenUSD file-format plugin in this
// folder against runner's own Parquet reader: files written by runner's Go
// writer, in every codec, with several row groups, flat and deep, with every
// value type, are opened through SdfLayer::FindOrOpen (by sdfdump, with
// index=eager and index=lazy) and must print exactly what `runner cat -json`
// prints; broken and foreign files must fail with an error naming the file.
//
// It needs the plugin built (`make usd-parquet`); without it the tests skip,
// and under CI=true they fail.
package usdparquet_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	pq "github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/formats/formatstest"
	_ "github.com/scenebench/runner/formats/parquet"
	_ "github.com/scenebench/runner/formats/usdc"
	"github.com/scenebench/runner/internal/testenv"
	"github.com/scenebench/runner/runner/cat"
	"github.com/scenebench/runner/runner/dataset"
)

// The codecs runner writes (lz4 is LZ4_RAW).
var codecs = []string{"none", "snappy", "zstd", "gzip", "brotli", "lz4"}

var indexes = []string{"eager", "lazy"}

type plugin struct {
	bin    string // sdfdump
	folder string // the folder for PXR_PLUGINPATH_NAME
}

// built finds the plugin and sdfdump under drivers/usd-parquet/build (or
// $USD_PARQUET_BUILD).
func built(t *testing.T) plugin {
	t.Helper()
	dir := os.Getenv("USD_PARQUET_BUILD")
	if dir == "" {
		dir = filepath.Join(testenv.RepoRoot(), "drivers", "usd-parquet", "build")
	}
	p := plugin{bin: filepath.Join(dir, "sdfdump"), folder: filepath.Join(dir, "plugin")}
	for _, f := range []string{p.bin, filepath.Join(p.folder, "plugInfo.json"), filepath.Join(p.folder, "libusdParquet.so")} {
		if _, err := os.Stat(f); err != nil {
			msg := "the usd-parquet plugin is not built (run `make usd-parquet`): " + err.Error()
			if testenv.InCI() {
				t.Fatal("prerequisite missing under CI=true: " + msg)
			}
			t.Skip(msg)
		}
	}
	return p
}

// run runs sdfdump with the plugin loaded. It returns stdout, stderr and the
// exit code; a crash (a signal) or a hang fails the test.
func (p plugin) run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, p.bin, args...)
	cmd.Env = append(os.Environ(), "PXR_PLUGINPATH_NAME="+p.folder)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("sdfdump %s: hung (killed after 3 minutes)", strings.Join(args, " "))
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
		return o.String(), e.String(), 0
	case errors.As(err, &ee) && ee.Exited():
		return o.String(), e.String(), ee.ExitCode()
	}
	t.Fatalf("sdfdump %s: %v (a crash, not an error exit)\nstderr:\n%s", strings.Join(args, " "), err, e.String())
	return
}

// dump runs sdfdump in a mode and fails the test on an error exit.
func (p plugin) dump(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := p.run(t, args...)
	if code != 0 {
		t.Fatalf("sdfdump %s: exit %d\n%s", strings.Join(args, " "), code, errOut)
	}
	return out
}

// goJSON is the scene of the file at path as `runner cat -json` prints a
// scene (one line per value), through the Go API.
func goJSON(t *testing.T, path string) string {
	t.Helper()
	r := openScene(t, path)
	defer r.Close()
	var b bytes.Buffer
	if err := cat.JSON(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// openScene opens the file at path as a scene with its format's defaults.
func openScene(t *testing.T, path string) formats.Reader {
	t.Helper()
	f, err := formats.Detect(path)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := formats.Normalize(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// goPaths lists every prim the layer must have, in layer order: each row's
// path preceded by those of its ancestors not yet listed.
func goPaths(t *testing.T, path string) string {
	t.Helper()
	r := openScene(t, path)
	defer r.Close()
	prims, err := r.Prims()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var b strings.Builder
	for _, p := range prims {
		for i := 1; i <= len(p); i++ {
			if i == len(p) || p[i] == '/' {
				if q := p[:i]; !seen[q] {
					seen[q] = true
					b.WriteString(q + "\n")
				}
			}
		}
	}
	return b.String()
}

// sameLines fails with the first differing line.
func sameLines(t *testing.T, what, got, want string) {
	t.Helper()
	if got == want {
		return
	}
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			t.Fatalf("%s: line %d of %d/%d differs\n got: %s\nwant: %s", what, i+1, len(g), len(w), gl, wl)
		}
	}
}

func writeScene(t *testing.T, s *formatstest.Scene, format, path string, opts map[string]any) {
	t.Helper()
	f, _ := formats.Lookup(format)
	o, err := formats.Normalize(f, opts)
	if err != nil {
		t.Fatal(err)
	}
	s.Write(t, f, path, o, 257)
}

// Every type, every codec, row groups of 100 and 333 rows (10 and 4 of them,
// the last one short), flat and deep: both indexes print what runner prints.
// -short (the race run of make test) keeps two codecs and one row group size.
func TestEveryTypeCodecAndIndex(t *testing.T) {
	p := built(t)
	dir := t.TempDir()
	codecs, rgs := codecs, []int{100, 333}
	if testing.Short() {
		codecs, rgs = []string{"snappy", "zstd"}, []int{100}
	}
	for _, deep := range []bool{false, true} {
		hier := map[bool]string{false: "flat", true: "deep"}[deep]
		scene := formatstest.AllTypes(1000, deep)
		for _, codec := range codecs {
			for _, rg := range rgs {
				name := fmt.Sprintf("%s-%s-rg%d", hier, codec, rg)
				t.Run(name, func(t *testing.T) {
					path := filepath.Join(dir, name+".parquet")
					writeScene(t, scene, "parquet", path, map[string]any{"compression": codec, "row_group_size": rg})
					want := goJSON(t, path)
					if n := strings.Count(want, "\n"); n != 13000 {
						t.Fatalf("runner cat printed %d values, want 13000", n)
					}
					for _, idx := range indexes {
						sameLines(t, idx, p.dump(t, "-a", "index="+idx, path), want)
					}
					// A budget below one block: every block but the newest
					// is evicted, and values still come out right.
					sameLines(t, "lazy, cache_budget=1", p.dump(t, "-a", "index=lazy", "-a", "cache_budget=1", path), want)
					// Each value read 3 times in a row (the later reads copy
					// the value the thread kept): the same values.
					for _, idx := range indexes {
						sameLines(t, idx+", -reads 3", p.dump(t, "-reads", "3", "-a", "index="+idx, path), want)
					}
				})
			}
		}
	}
}

// The layer's hierarchy: every prim (intermediate ones included) in layer
// order, and every spec SdfLayer::Traverse visits.
func TestHierarchy(t *testing.T) {
	p := built(t)
	dir := t.TempDir()
	for _, deep := range []bool{false, true} {
		path := filepath.Join(dir, fmt.Sprintf("deep-%v.parquet", deep))
		writeScene(t, formatstest.AllTypes(700, deep), "parquet", path, map[string]any{"row_group_size": 64})
		want := goPaths(t, path)
		for _, idx := range indexes {
			sameLines(t, fmt.Sprintf("deep=%v index=%s: -paths", deep, idx), p.dump(t, "-a", "index="+idx, "-paths", path), want)
			specs := strings.Split(strings.TrimSpace(p.dump(t, "-a", "index="+idx, "-specs", path)), "\n")
			// the pseudo-root, every prim, 13 attributes per row
			if n := 1 + strings.Count(want, "\n") + 13*700; len(specs) != n {
				t.Errorf("deep=%v index=%s: Traverse visited %d specs, want %d", deep, idx, len(specs), n)
			}
			if specs[len(specs)-1] != "/" {
				t.Errorf("deep=%v index=%s: Traverse ended at %q, want the pseudo-root", deep, idx, specs[len(specs)-1])
			}
		}
	}
}

// Several threads reading one fresh layer at once (the hierarchy, index
// buckets, row group entries and blocks loaded and evicted under contention)
// all read runner's values.
func TestConcurrentReads(t *testing.T) {
	p := built(t)
	path := filepath.Join(t.TempDir(), "s.parquet")
	writeScene(t, formatstest.AllTypes(2000, true), "parquet", path, map[string]any{"row_group_size": 100, "compression": "lz4"})
	want := goJSON(t, path)
	for _, idx := range indexes {
		for _, budget := range []string{"0", "4000"} {
			got := p.dump(t, "-threads", "4", "-a", "index="+idx, "-a", "cache_budget="+budget, path)
			sameLines(t, "index="+idx+" cache_budget="+budget, got, want)
			got = p.dump(t, "-threads", "4", "-reads", "3", "-a", "index="+idx, "-a", "cache_budget="+budget, path)
			sameLines(t, "index="+idx+" cache_budget="+budget+" -reads 3", got, want)
		}
	}
}

// building20 datasets as runner generates them (flat and the deep
// Zone/Level/Room/Component hierarchy, with the 1,000-character payload).
func TestBuilding20(t *testing.T) {
	p := built(t)
	if testing.Short() {
		t.Skip("-short")
	}
	dir := t.TempDir()
	f, _ := formats.Lookup("parquet")
	for _, c := range []struct {
		hier, codec string
		rg          int
	}{{"flat", "zstd", 1000}, {"deep", "snappy", 512}} {
		t.Run(c.hier, func(t *testing.T) {
			o, err := formats.Normalize(f, map[string]any{"compression": c.codec, "row_group_size": c.rg})
			if err != nil {
				t.Fatal(err)
			}
			cfg := dataset.Config{Name: c.hier, Prims: 4000, Hierarchy: c.hier, Seed: 42, Payload: true}
			file, err := dataset.Ensure(context.Background(), dir, cfg, f, o, dataset.EnsureOptions{})
			if err != nil {
				t.Fatal(err)
			}
			want := goJSON(t, file.Path)
			for _, idx := range indexes {
				sameLines(t, idx, p.dump(t, "-a", "index="+idx, file.Path), want)
			}
			sameLines(t, "paths", p.dump(t, "-a", "index=lazy", "-paths", file.Path), goPaths(t, file.Path))
		})
	}
}

// sdfdump itself prints what runner prints: OpenUSD's own crate reader on
// the same scene written as usdc gives the same lines.
func TestSdfdumpMatchesRunnerOnUsdc(t *testing.T) {
	p := built(t)
	dir := t.TempDir()
	s := formatstest.AllTypes(500, true)
	usdc, pqt := filepath.Join(dir, "s.usdc"), filepath.Join(dir, "s.parquet")
	writeScene(t, s, "usdc", usdc, nil)
	writeScene(t, s, "parquet", pqt, nil)
	want := goJSON(t, pqt)
	sameLines(t, "usdc through OpenUSD", p.dump(t, usdc), want)
	sameLines(t, "runner cat of the usdc", goJSON(t, usdc), want)
}

// The layer is read-only: edits and saves are refused with errors; export
// to usda and usdc works, and the usdc holds every value.
func TestReadOnly(t *testing.T) {
	p := built(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "s.parquet")
	writeScene(t, formatstest.AllTypes(50, false), "parquet", path, nil)
	for _, idx := range indexes {
		_, errOut, code := p.run(t, "-a", "index="+idx, "-edit", path)
		if code != 1 || !strings.Contains(errOut, "is not editable") {
			t.Errorf("index=%s: edit: exit %d, want 1 with 'is not editable'\n%s", idx, code, errOut)
		}
		_, errOut, code = p.run(t, "-a", "index="+idx, "-export", filepath.Join(dir, "copy.parquet"), path)
		if code != 1 || !strings.Contains(errOut, "does not support writing") {
			t.Errorf("index=%s: export to .parquet: exit %d, want 1 with 'does not support writing'\n%s", idx, code, errOut)
		}
		usda := filepath.Join(dir, "copy-"+idx+".usda")
		p.dump(t, "-a", "index="+idx, "-export", usda, path)
		if b, err := os.ReadFile(usda); err != nil || !bytes.Contains(b, []byte(`over "Prim_49"`)) {
			t.Errorf("index=%s: exported usda lacks the prims: %v", idx, err)
		}
		// OpenUSD writes a crate from the layer, and reads back every value.
		usdc := filepath.Join(dir, "copy-"+idx+".usdc")
		p.dump(t, "-a", "index="+idx, "-export", usdc, path)
		sameLines(t, "index="+idx+": exported usdc", p.dump(t, usdc), goJSON(t, path))
	}
}

// writeArrow writes a file the way other tools do (plain pqarrow, nullable
// columns): cost has a null at row 1. scene, when set, is stored as the
// scenebench.scene metadata; withPath adds the path column.
func writeArrow(t *testing.T, path string, withPath bool, scene string, paths []string) {
	t.Helper()
	var fields []arrow.Field
	if withPath {
		fields = append(fields, arrow.Field{Name: "path", Type: arrow.BinaryTypes.String, Nullable: true})
	}
	fields = append(fields,
		arrow.Field{Name: "cost", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		arrow.Field{Name: "lifespan", Type: arrow.PrimitiveTypes.Int32, Nullable: true})
	var md *arrow.Metadata
	if scene != "" {
		m := arrow.NewMetadata([]string{"scenebench.scene"}, []string{scene})
		md = &m
	}
	sc := arrow.NewSchema(fields, md)
	rb := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer rb.Release()
	i := 0
	if withPath {
		rb.Field(0).(*array.StringBuilder).AppendValues(paths, nil)
		i = 1
	}
	rb.Field(i).(*array.Float64Builder).AppendValues([]float64{1.5, 0, 3.5}, []bool{true, false, true})
	rb.Field(i+1).(*array.Int32Builder).AppendValues([]int32{7, 8, 9}, nil)
	rec := rb.NewRecordBatch()
	defer rec.Release()
	tbl := array.NewTableFromRecords(sc, []arrow.RecordBatch{rec})
	defer tbl.Release()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	props := pq.NewWriterProperties(pq.WithCompression(compress.Codecs.Snappy))
	if err := pqarrow.WriteTable(tbl, f, 2, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema())); err != nil {
		t.Fatal(err)
	}
}

// Broken, foreign and mismatched files fail through OpenUSD's error
// mechanism, naming the file: sdfdump exits 1 (never a crash or a hang).
func TestBadInput(t *testing.T) {
	p := built(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.parquet")
	writeScene(t, formatstest.AllTypes(300, false), "parquet", good, map[string]any{"row_group_size": 100, "dictionary": false})
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	footerLen := int(binary.LittleEndian.Uint32(data[len(data)-8:]))
	footerStart := len(data) - 8 - footerLen
	variant := func(name string, edit func(b []byte) []byte) string {
		b := edit(bytes.Clone(data))
		path := filepath.Join(dir, name+".parquet")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	const abc = `{"schema":"custom","prims":3,"properties":[{"name":"cost","type":"double"},{"name":"lifespan","type":"int"}]}`
	abcPaths := []string{"/A", "/B", "/C"}
	foreign := filepath.Join(dir, "foreign.parquet")
	writeArrow(t, foreign, true, "", abcPaths)
	noPath := filepath.Join(dir, "nopath.parquet")
	writeArrow(t, noPath, false, abc, nil)
	mismatch := filepath.Join(dir, "mismatch.parquet")
	writeArrow(t, mismatch, true, strings.Replace(abc, `"double"`, `"int"`, 1), abcPaths)
	missingCol := filepath.Join(dir, "missingcol.parquet")
	writeArrow(t, missingCol, true, strings.Replace(abc, `"cost"`, `"mass"`, 1), abcPaths)
	badPath := filepath.Join(dir, "badpath.parquet")
	writeArrow(t, badPath, true, abc, []string{"/A", "B/x", "/C"})
	dupPath := filepath.Join(dir, "duppath.parquet")
	writeArrow(t, dupPath, true, abc, []string{"/A", "/B", "/A"})
	notParquet := filepath.Join(dir, "notes.parquet")
	os.WriteFile(notParquet, []byte("just some text, long enough to have a tail\n"), 0o644)
	empty := filepath.Join(dir, "empty.parquet")
	os.WriteFile(empty, nil, 0o644)
	// A scene with value types beyond the plugin's (half, matrix4d, ...):
	// runner writes and reads it, the plugin refuses it by name.
	extended := filepath.Join(dir, "extended.parquet")
	writeScene(t, formatstest.Extended(50), "parquet", extended, nil)

	cases := []struct {
		name, path string
		index      string // "" = both
		args       []string
		wantErr    string
	}{
		{name: "missing file", path: filepath.Join(dir, "nope.parquet"), wantErr: "nope.parquet"},
		{name: "empty file", path: empty, wantErr: "not a Parquet file"},
		{name: "not parquet", path: notParquet, wantErr: "not a Parquet file"},
		{name: "truncated", path: variant("truncated", func(b []byte) []byte { return b[:len(b)/2] }), wantErr: "not a Parquet file"},
		{name: "footer length too large", path: variant("footerlen", func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[len(b)-8:], uint32(len(b)))
			return b
		}), wantErr: "truncated"},
		{name: "footer garbled", path: variant("garbled", func(b []byte) []byte {
			for i := footerStart; i < len(b)-8; i++ {
				b[i] = 0xff
			}
			return b
		}), wantErr: "footer"},
		{name: "index trailer corrupt", index: "lazy", path: variant("trailer", func(b []byte) []byte {
			b[footerStart-96+10] ^= 0xff
			return b
		}), wantErr: "prim index trailer is corrupt"},
		{name: "not our layout", path: foreign, wantErr: `no "scenebench.scene" key/value metadata`},
		{name: "no path column", path: noPath, wantErr: `no "path" column`},
		{name: "type mismatch", path: mismatch, wantErr: `property "cost" is declared int but its column holds double`},
		{name: "unsupported type", path: extended, wantErr: `property "h" has type "half", which this plugin does not read`},
		{name: "declared property missing", path: missingCol, wantErr: `property "mass" (double) has no column`},
		{name: "invalid prim path", path: badPath, wantErr: `"B/x", which is not an absolute prim path`},
		{name: "duplicate prim path", path: dupPath, wantErr: `prim "/A" appears at rows 0 and 2`},
		{name: "bad index argument", path: good, args: []string{"-a", "index=sideways"}, wantErr: "expected eager or lazy"},
		{name: "bad cache_budget argument", path: good, args: []string{"-a", "cache_budget=-1"}, wantErr: "cache_budget"},
	}
	for _, tc := range cases {
		for _, idx := range indexes {
			if tc.index != "" && tc.index != idx {
				continue
			}
			t.Run(tc.name+"/"+idx, func(t *testing.T) {
				args := append([]string{"-a", "index=" + idx}, tc.args...)
				out, errOut, code := p.run(t, append(args, tc.path)...)
				if code != 1 {
					t.Fatalf("exit %d, want 1\nstdout: %.300s\nstderr: %s", code, out, errOut)
				}
				if !strings.Contains(errOut, tc.path) || !strings.Contains(errOut, tc.wantErr) {
					t.Fatalf("stderr should name %s and say %q:\n%s", tc.path, tc.wantErr, errOut)
				}
			})
		}
	}

	// Opens, but the reads of broken data fail, naming file, prim and
	// property.
	t.Run("null value", func(t *testing.T) {
		nulls := writeNullScene(t, dir)
		for _, idx := range indexes {
			_, errOut, code := p.run(t, "-a", "index="+idx, "-get", "/B", "cost", nulls)
			if code != 1 || !strings.Contains(errOut, "</B> property 'cost': value is null") {
				t.Errorf("index=%s: exit %d\n%s", idx, code, errOut)
			}
			// A failed read is not remembered: each read fails and says so.
			_, errOut, code = p.run(t, "-reads", "3", "-a", "index="+idx, "-get", "/B", "cost", nulls)
			if n := strings.Count(errOut, "</B> property 'cost': value is null"); code != 1 || n != 3 {
				t.Errorf("index=%s, -reads 3: exit %d, %d errors, want 3\n%s", idx, code, n, errOut)
			}
		}
	})
	t.Run("corrupt column chunk", func(t *testing.T) {
		bad := corruptChunk(t, good, dir, 1, "cost")
		for _, idx := range indexes {
			_, errOut, code := p.run(t, "-a", "index="+idx, "-get", "/World/Prim_150", "cost", bad)
			if code != 1 || !strings.Contains(errOut, bad) || !strings.Contains(errOut, "</World/Prim_150> property 'cost'") {
				t.Errorf("index=%s: exit %d, want 1 naming the file, prim and property\n%s", idx, code, errOut)
			}
			// Other columns of that row group still read.
			if out := p.dump(t, "-a", "index="+idx, "-get", "/World/Prim_150", "lifespan", bad); !strings.Contains(out, `"value":-25`) {
				t.Errorf("index=%s: lifespan of Prim_150: %s", idx, out)
			}
		}
	})
}

// Randomly damaged files (bytes changed anywhere or near the end, where the
// footer and the index live, or the file cut short) open or fail cleanly:
// exit 0 or 1, never a crash or a hang.
func TestCorruptionNeverCrashes(t *testing.T) {
	p := built(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.parquet")
	writeScene(t, formatstest.AllTypes(300, true), "parquet", good, map[string]any{"row_group_size": 64, "compression": "zstd"})
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	n := 30
	if testing.Short() {
		n = 5
	}
	for _, path := range damagedCopies(t, data, dir, n, 1, 2) {
		for _, idx := range indexes {
			if _, errOut, code := p.run(t, "-a", "index="+idx, path); code != 0 && code != 1 {
				t.Errorf("%s index=%s: exit %d\n%s", path, idx, code, errOut)
			}
		}
	}
}

// writeNullScene writes a file in our layout (with scene metadata) whose
// cost column holds a null at /B.
func writeNullScene(t *testing.T, dir string) string {
	path := filepath.Join(dir, "null.parquet")
	writeArrow(t, path, true, `{"schema":"custom","prims":3,"properties":[{"name":"cost","type":"double"},{"name":"lifespan","type":"int"}]}`,
		[]string{"/A", "/B", "/C"})
	return path
}

// corruptChunk copies src with the data pages of a column chunk scrambled.
func corruptChunk(t *testing.T, src, dir string, rowGroup int, column string) string {
	t.Helper()
	r, err := file.OpenParquetFile(src, false)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	leaf := r.MetaData().Schema.ColumnIndexByName(column)
	cc, err := r.MetaData().RowGroup(rowGroup).ColumnChunk(leaf)
	if err != nil || leaf < 0 {
		t.Fatalf("column %s: %v", column, err)
	}
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	start := cc.DataPageOffset()
	for i := start + 20; i < start+cc.TotalCompressedSize(); i++ {
		data[i] ^= 0x5a
	}
	bad := filepath.Join(dir, "badchunk.parquet")
	if err := os.WriteFile(bad, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return bad
}

// damagedCopies writes n damaged copies of data into dir, drawn from
// PCG(seed1, seed2): in turn a few random bytes changed anywhere, a few
// in the last 4,000 bytes (the footer), and a truncation.
func damagedCopies(t *testing.T, data []byte, dir string, n int, seed1, seed2 uint64) []string {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed1, seed2))
	var paths []string
	for i := 0; i < n; i++ {
		b := bytes.Clone(data)
		switch i % 3 {
		case 0:
			for k := 0; k < 1+rng.IntN(8); k++ {
				b[rng.IntN(len(b))] = byte(rng.IntN(256))
			}
		case 1:
			for k := 0; k < 1+rng.IntN(8); k++ {
				b[len(b)-1-rng.IntN(min(len(b), 4000))] = byte(rng.IntN(256))
			}
		case 2:
			b = b[:rng.IntN(len(b))]
		}
		path := filepath.Join(dir, fmt.Sprintf("damaged-%d.parquet", i))
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	return paths
}
