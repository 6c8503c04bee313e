package ops

import (
	"fmt"
	"time"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/internal/param"
	"github.com/scenebench/runner/runner/protocol"
	"github.com/scenebench/runner/runner/results"
)

// Open opens the cell's data file; a later open closes the reader and opens
// the file again (a cold start). Its time is the reader's whole open.
//
// Request: "path" (absolute or relative to the runner's directory),
// "format" (the format's name) and "options" (the variant's options, an
// object).
type Open struct{}

// Name implements Op.
func (Open) Name() string { return "open" }

// Doc implements Op.
func (Open) Doc() string { return "open the data file (again, after the first: a cold start)" }

// Attrs implements Op.
func (Open) Attrs() []Attr { return nil }

// Traits implements Op.
func (Open) Traits() []string { return []string{results.TraitOpen} }

// Check implements Op.
func (Open) Check(args param.Values) (param.Values, error) { return args, nil }

// Request implements Op.
func (Open) Request(_ *Step, t *Target) (param.Values, error) {
	return param.Values{"path": t.Path, "format": t.Format, "options": t.Options}, nil
}

// Expect implements Op.
func (Open) Expect(*protocol.Step, *Target) protocol.Expect { return protocol.Expect{Ops: 1} }

// Start implements Op: the reader already open is closed here, outside the
// timing.
func (Open) Start(env *Env, req *protocol.Step) (*Run, error) {
	path, name := req.Params.String("path"), req.Params.String("format")
	if path == "" || name == "" {
		return nil, fmt.Errorf("open needs a path and a format")
	}
	f, ok := formats.Lookup(name)
	if !ok {
		return nil, fmt.Errorf("unknown format %q (this reader has %v)", name, formats.Names())
	}
	opts, _ := req.Params["options"].(param.Values)
	if err := formats.CheckOptions(f, opts); err != nil {
		return nil, err
	}
	if env.Reader != nil {
		if err := env.Reader.Close(); err != nil {
			return nil, fmt.Errorf("close before reopening %s: %w", env.Path, err)
		}
		env.Reader = nil
	}
	env.Format, env.Options, env.Path = f, opts, path
	return &Run{Timed: func() (Timing, error) {
		t0 := time.Now()
		r, err := f.Open(path, opts)
		d := time.Since(t0)
		if err != nil {
			return Timing{}, fmt.Errorf("open %s: %w", path, err)
		}
		env.Reader = r
		return Timing{NS: env.Elapsed(d), Ops: 1}, nil
	}}, nil
}
