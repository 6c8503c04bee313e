package exec

import (
	"bufio"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/runner/dataset"
	"github.com/scenebench/runner/runner/ops"
	"github.com/scenebench/runner/runner/plan"
)

// workerEnv makes the test binary act as a worker (see TestMain).
const workerEnv = "SCENEBENCH_EXEC_TEST_WORKER"

func TestMain(m *testing.M) {
	if os.Getenv(orphanEnv) != "" {
		os.Exit(orphanParent())
	}
	if mode := os.Getenv(fakeDriverEnv); mode != "" {
		os.Exit(fakeDriver(mode))
	}
	if os.Getenv(workerEnv) == "1" {
		os.Exit(WorkerMain(os.Stdin, os.Stdout))
	}
	os.Setenv(workerEnv, "1") // inherited by the workers the tests start
	os.Exit(m.Run())
}

// The fake format serves a scene described by a small text file (one prim
// path per line). Its behavior option makes it misbehave on purpose.
func init() { formats.Register(fakeFormat{}) }

type fakeFormat struct{}

func (fakeFormat) Name() string      { return "fake" }
func (fakeFormat) Extension() string { return ".fake" }
func (fakeFormat) Options() []formats.Option {
	return []formats.Option{
		{Name: "behavior", Kind: formats.OptString, Default: "ok", ReadOnly: true,
			Allowed: []string{"ok", "crash", "hang", "wrong", "flaky", "slow", "hog"}},
		{Name: "codec", Kind: formats.OptString, Default: "none"},
	}
}

func (fakeFormat) Create(path string, opts formats.Options, info formats.SceneInfo) (formats.Writer, error) {
	return nil, fmt.Errorf("fake: no writer")
}

// hog holds the memory a "hog" reader touched.
var hog []byte

// opens counts fake opens in this process; openLog records the behavior
// option of each, in order.
var (
	opens   atomic.Int64
	logMu   sync.Mutex
	openLog []string
)

func (fakeFormat) Open(path string, opts formats.Options) (formats.Reader, error) {
	n := opens.Add(1)
	logMu.Lock()
	openLog = append(openLog, opts.String("behavior"))
	logMu.Unlock()
	switch opts.String("behavior") {
	case "hang":
		time.Sleep(time.Hour)
	case "slow":
		time.Sleep(50 * time.Millisecond)
	case "hog":
		// Touch 256 MiB, more than any memory limit of the tests allows.
		hog = make([]byte, 256<<20)
		for i := 0; i < len(hog); i += 4096 {
			hog[i] = 1
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := &fakeReader{path: path, behavior: opts.String("behavior"), index: map[string]int{}, shift: n%2 == 0}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "/") {
			r.index[line] = len(r.prims)
			r.prims = append(r.prims, line)
		}
	}
	return r, sc.Err()
}

type fakeReader struct {
	path     string
	behavior string
	prims    []string
	index    map[string]int
	shift    bool
}

var fakeProps = []formats.Property{
	{Name: "cost", Type: formats.Double},
	{Name: "lifespan", Type: formats.Int},
	{Name: "supplier_id", Type: formats.String},
}

func (r *fakeReader) Properties() []formats.Property { return fakeProps }
func (r *fakeReader) Prims() ([]string, error)       { return r.prims, nil }
func (r *fakeReader) Close() error                   { return nil }

var supplierIDs = func() []string {
	s := make([]string, 100)
	for i := range s {
		s[i] = fmt.Sprintf("SUP-%04d", i)
	}
	return s
}()

func (r *fakeReader) Get(prim, property string, dst *formats.Value) error {
	i, ok := r.index[prim]
	if !ok {
		return &formats.NotFoundError{File: r.path, Prim: prim}
	}
	if r.behavior == "crash" {
		panic("fake reader crashed on " + prim)
	}
	if r.behavior == "flaky" && r.shift {
		i++ // every other open returns the next prim's values
	}
	if r.behavior == "wrong" && i == 3 {
		i = 4
	}
	switch property {
	case "cost":
		dst.Type, dst.Num = formats.Double, float64(i)*1.5
	case "lifespan":
		dst.Type, dst.Int = formats.Int, int64(i%97)
	case "supplier_id":
		dst.Type, dst.Str = formats.String, supplierIDs[i%100]
	default:
		return &formats.NotFoundError{File: r.path, Prim: prim, Property: property}
	}
	return nil
}

// fakeEnsure writes a fake data file per dataset and file key.
func fakeEnsure(dir string, calls *atomic.Int64) EnsureFunc {
	return func(ctx context.Context, dataDir string, cfg dataset.Config, f formats.Format, opts formats.Options, eo dataset.EnsureOptions) (dataset.File, error) {
		if calls != nil {
			calls.Add(1)
		}
		key := fmt.Sprintf("%x", sha256.Sum256([]byte(formats.FileKey(f, opts))))[:12]
		path := filepath.Join(dir, cfg.Name+"-"+key+f.Extension())
		var b strings.Builder
		for i := range cfg.Prims {
			fmt.Fprintf(&b, "/World/Prim_%d\n", i)
		}
		// Pad to a few pages so cold-cache checks have something to count.
		b.WriteString(strings.Repeat("#\n", 8192))
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			return dataset.File{}, err
		}
		return dataset.File{Path: path, Bytes: int64(b.Len())}, nil
	}
}

// testPlan builds a plan with one dataset of n prims, one fake variant per
// behavior (labelled fake-<behavior>) and the given scenarios.
func testPlan(n int, settings plan.Settings, behaviors []string, scenarios ...plan.Scenario) *plan.Plan {
	ds := dataset.Config{Name: "tiny", Prims: n, Hierarchy: "flat", Seed: 1, Schema: "none", Properties: []dataset.PropertyConfig{
		{Name: "cost", Type: "double", Generator: "uniform(0, 1)"},
		{Name: "lifespan", Type: "int", Generator: "uniform(1, 50)"},
		{Name: "supplier_id", Type: "string", Generator: `pattern("SUP-####")`},
	}}
	p := &plan.Plan{Title: "test", Settings: settings, Datasets: []dataset.Config{ds}, Scenarios: scenarios,
		Report: plan.Report{Baseline: "fake-" + behaviors[0]}}
	for _, b := range behaviors {
		opts, err := formats.Normalize(fakeFormat{}, map[string]any{"behavior": b})
		if err != nil {
			panic(err)
		}
		v := plan.Variant{Label: "fake-" + b, Format: "fake", Options: opts, Axes: map[string]string{"behavior": b}}
		p.Formats = append(p.Formats, v)
	}
	for _, sc := range scenarios {
		for _, v := range p.Formats {
			p.Cells = append(p.Cells, plan.Cell{ID: ds.Name + "/" + v.Label + "/" + sc.Name, Dataset: ds, Format: v, Scenario: sc})
		}
	}
	return p
}

// fullScenario exercises every op and option.
var fullScenario = plan.Scenario{Name: "all", Steps: ops.MustSteps(
	ops.StepSpec{Op: "open", Name: "open"},
	ops.StepSpec{Op: "get", Name: "get", Args: map[string]any{"prim": "middle", "property": "cost"}},
	ops.StepSpec{Op: "get", Name: "get#2", Args: map[string]any{"prim": "middle", "property": "cost", "times": 50}},
	ops.StepSpec{Op: "get", Name: "get#3", Args: map[string]any{"prim": "random", "seed": 9, "properties": []string{"cost", "supplier_id"}}},
	ops.StepSpec{Op: "traverse", Name: "traverse", Args: map[string]any{"probes": 4}},
	ops.StepSpec{Op: "traverse", Name: "traverse#2", Args: map[string]any{"order": "random", "seed": 3, "property": "cost", "threads": 3, "probes": 2}},
	ops.StepSpec{Op: "traverse", Name: "traverse#3", Args: map[string]any{"order": "reverse", "limit": 10, "property": "lifespan"}},
)}

var openOnly = plan.Scenario{Name: "load", Steps: ops.MustSteps(ops.StepSpec{Op: "open", Name: "open"})}

var traverseScenario = plan.Scenario{Name: "scan", Steps: ops.MustSteps(
	ops.StepSpec{Op: "open", Name: "open"},
	ops.StepSpec{Op: "traverse", Name: "traverse", Args: map[string]any{"properties": []string{"cost", "lifespan"}}},
)}
