// Package drivers names the drivers that ship with runner — programs in
// other languages that read scenes and speak the driver protocol
// (PROTOCOL.md in this directory) — finds them on disk, and says which of
// them reads a format through its reference implementation (what reports
// hold runner's own readers against). Each lives in a folder of its own
// here with an executable launcher, `run`, which `make drivers` makes
// ready.
package drivers

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
)

// Shipped is one driver that comes with runner.
type Shipped struct {
	Name string
	// Launcher is its executable, relative to the drivers directory.
	Launcher string
	// Built is a file, relative to the drivers directory, that exists
	// once `make drivers` has made the driver ready (its build or venv).
	Built string
	// Doc is one line for help texts.
	Doc string
	// Reference lists the formats whose reference implementation it
	// reads through: reports set runner's own reader of such a format
	// beside it ("ours / reference").
	Reference []string
}

var shipped = []Shipped{
	{Name: "openusd-py", Launcher: "openusd-py/run", Built: "../.venv/bin/python",
		Doc: "OpenUSD from PyPI (usd-core) through Python; option api = \"sdf\" (Sdf.Layer) or \"usd\" (Usd.Stage)"},
	{Name: "openusd-cpp", Launcher: "openusd-cpp/run", Built: "openusd-cpp/build/openusd-cpp",
		Doc:       "OpenUSD's C++ libraries from the pxr-* wheels, Sdf level, composition through Pcp",
		Reference: []string{"usdc", "usda"}},
	{Name: "arrow-cpp", Launcher: "arrow-cpp/run", Built: "arrow-cpp/build/arrow-cpp",
		Doc:       "Arrow C++'s Parquet reader from the pyarrow wheel (parquet::arrow::FileReader); parquet only",
		Reference: []string{"parquet"}},
}

// Lookup returns the shipped driver called name.
func Lookup(name string) (Shipped, bool) {
	for _, s := range shipped {
		if s.Name == name {
			return s, true
		}
	}
	return Shipped{}, false
}

// ReferenceFor names the shipped driver that reads format through its
// reference implementation (OpenUSD's C++ libraries for usdc and usda,
// Arrow C++ for parquet).
func ReferenceFor(format string) (string, bool) {
	for _, s := range shipped {
		if slices.Contains(s.Reference, format) {
			return s.Name, true
		}
	}
	return "", false
}

// Names lists the shipped drivers, sorted.
func Names() []string {
	var out []string
	for _, s := range shipped {
		out = append(out, s.Name)
	}
	sort.Strings(out)
	return out
}

// DirEnv names the environment variable that points runner at the drivers
// directory.
const DirEnv = "RUNNER_DRIVERS"

// Dir is the drivers directory: $RUNNER_DRIVERS, else the drivers folder of
// the checkout the runner binary was built in (bin/runner -> drivers/),
// else ./drivers.
func Dir() string {
	if d := os.Getenv(DirEnv); d != "" {
		return d
	}
	if exe, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		d := filepath.Join(filepath.Dir(filepath.Dir(exe)), "drivers")
		if st, err := os.Stat(filepath.Join(d, "PROTOCOL.md")); err == nil && !st.IsDir() {
			return d
		}
	}
	return "drivers"
}

// ErrNotBuilt is wrapped when a shipped driver's launcher is missing.
var ErrNotBuilt = errors.New("not installed")

// Command returns the launcher of the shipped driver s, checking that it is
// there and executable.
func (s Shipped) Command() (string, error) {
	path, err := filepath.Abs(filepath.Join(Dir(), s.Launcher))
	if err != nil {
		return "", err
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode()&0o111 == 0 {
		return "", fmt.Errorf("driver %s is %w: %s is missing; run `make drivers` in the runner checkout (or set %s)", s.Name, ErrNotBuilt, path, DirEnv)
	}
	if s.Built != "" {
		built := filepath.Join(Dir(), s.Built)
		if _, err := os.Stat(built); err != nil {
			return "", fmt.Errorf("driver %s is %w: %s is missing; run `make drivers` in the runner checkout", s.Name, ErrNotBuilt, filepath.Clean(built))
		}
	}
	return path, nil
}
