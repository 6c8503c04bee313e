package drivercheck

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scenebench/runner/internal/testenv"
	"github.com/scenebench/runner/runner/driver"
	"github.com/scenebench/runner/runner/protocol"
)

// modeEnv makes the test binary a driver: the Go reader, spoiled by mode.
const modeEnv = "SCENEBENCH_CHECK_TEST_DRIVER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(modeEnv); mode != "" {
		os.Exit(serve(mode))
	}
	if len(os.Args) > 1 && os.Args[1] == "worker" {
		// The suite's Go reader cells start this binary as runner's worker.
		if err := driver.Serve(context.Background(), os.Stdin, os.Stdout); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// serve answers like the Go reader, except: "digest" spoils the digest of
// every step named first; "die-on-error" exits instead of answering an
// error.
func serve(mode string) int {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(driver.Serve(context.Background(), os.Stdin, pw)) }()
	sc := bufio.NewScanner(pr)
	enc := json.NewEncoder(os.Stdout)
	for sc.Scan() {
		var r protocol.Response
		json.Unmarshal(sc.Bytes(), &r)
		switch {
		case mode == "digest" && r.Type == protocol.TypeResult && r.Step == "first":
			r.Digest = "00000000000000ff"
		case mode == "die-on-error" && r.Type == protocol.TypeError:
			os.Exit(7)
		}
		enc.Encode(&r)
	}
	return 0
}

func check(t *testing.T, mode string) *Report {
	t.Helper()
	exe, _ := os.Executable()
	r, err := Run(context.Background(), Options{Command: []string{exe}, Env: map[string]string{modeEnv: mode},
		Formats: []string{"usda"}, DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func statuses(r *Report) map[string]string {
	out := map[string]string{}
	for _, c := range r.Checks {
		out[c.Name] = c.Status + ": " + c.Detail
	}
	return out
}

func TestConformingDriverPasses(t *testing.T) {
	r := check(t, "ok")
	if r.Failed() > 0 || r.Driver != "go" {
		t.Errorf("driver %q: %d failed: %v", r.Driver, r.Failed(), statuses(r))
	}
	s := statuses(r)
	for _, name := range []string{"hello", "types/usda/points", "deep/usda/traversals", "types/usda/threads", "errors/missing prim", "errors/unknown op"} {
		if !strings.HasPrefix(s[name], Pass) {
			t.Errorf("%s: %s", name, s[name])
		}
	}
	if !strings.HasPrefix(s["types/usda/composed"], Skip) {
		t.Errorf("composed: %s", s["types/usda/composed"])
	}
}

func TestWrongValuesFail(t *testing.T) {
	s := statuses(check(t, "digest"))
	if got := s["types/usda/points"]; !strings.HasPrefix(got, Fail) || !strings.Contains(got, "mismatch") {
		t.Errorf("points with a wrong digest: %s", got)
	}
	if got := s["types/usda/traversals"]; !strings.HasPrefix(got, Pass) {
		t.Errorf("traversals: %s", got)
	}
}

func TestErrorsMustBeAnswered(t *testing.T) {
	s := statuses(check(t, "die-on-error"))
	if got := s["errors/missing prim"]; !strings.HasPrefix(got, Fail) || !strings.Contains(got, "exited") {
		t.Errorf("a driver that dies on a missing prim: %s", got)
	}
}

func TestMissingDriver(t *testing.T) {
	r, err := Run(context.Background(), Options{Command: []string{"/nonexistent/driver"}, DataDir: t.TempDir()})
	if err != nil || r.Failed() != 1 || !strings.Contains(r.Checks[0].Detail, "/nonexistent/driver") {
		t.Errorf("missing driver: %v %+v", err, r)
	}
}

// The example driver in examples/driver (pyarrow through Python) passes the
// suite on every Parquet codec and index: the protocol as documented is
// enough to write a conforming driver.
func TestExampleDriverConforms(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Python process per run")
	}
	py := testenv.Python(t, "pyarrow", "xxhash")
	r, err := Run(context.Background(), Options{Command: []string{py, filepath.Join(testenv.RepoRoot(), "examples", "driver", "pyarrow_driver.py")},
		Formats: []string{"parquet"}, DataDir: t.TempDir(), Quick: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Failed() > 0 || r.Driver != "pyarrow-example" {
		t.Errorf("%s: %d checks failed: %v", r.Driver, r.Failed(), statuses(r))
	}
}

// The shipped drivers pass their own conformance suite (make drivers
// builds them; under CI=true a missing one fails).
func TestShippedDriversConform(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a driver process per run")
	}
	for _, c := range []struct {
		label, name string
		options     map[string]string
		quick       bool
	}{
		{"openusd-cpp", "openusd-cpp", nil, false},
		// Parquet in every codec with both indexes, digests against the
		// Go reader's.
		{"arrow-cpp", "arrow-cpp", nil, false},
		{"openusd-py-sdf", "openusd-py", nil, true},
		{"openusd-py-usd", "openusd-py", map[string]string{"api": "usd"}, true},
	} {
		t.Run(c.label, func(t *testing.T) {
			testenv.Driver(t, c.name)
			r, err := Run(context.Background(), Options{Name: c.name, Options: c.options, DataDir: t.TempDir(), Quick: c.quick})
			if err != nil {
				t.Fatal(err)
			}
			if r.Failed() > 0 || r.Driver != c.name {
				t.Errorf("%s: %d checks failed: %v", r.Driver, r.Failed(), statuses(r))
			}
		})
	}
}
