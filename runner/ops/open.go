package ops

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/internal/param"
	"github.com/scenebench/runner/runner/protocol"
	"github.com/scenebench/runner/runner/results"
)

// Open opens the cell's data file; a later open closes the reader and opens
// the file again (a cold start). Its time is the reader's whole open.
//
// Spec: compose ("none", or "sublayer": the original suite's load — the
// dataset's base layer opened as a stage's root layer with the data file as
// its sublayer, composed; readers that compose only).
//
// Request: "path" (absolute), "format" (the format's name), "options" (the
// variant's options, an object), "driver_options" (the driver's, when it
// has any), and for a composed open "compose" and "base" (the base layer's
// absolute path).
type Open struct{}

// Composition modes.
var ComposeModes = []string{"none", "sublayer"}

// Name implements Op.
func (Open) Name() string { return "open" }

// Doc implements Op.
func (Open) Doc() string { return "open the data file (again, after the first: a cold start)" }

// Attrs implements Op.
func (Open) Attrs() []Attr {
	return []Attr{{Decl: param.Decl{Name: "compose", Kind: param.String, Default: "none", Allowed: ComposeModes,
		Doc: `"sublayer": open the base layer with the data file as its sublayer, composed`}}}
}

// Needs implements Needer.
func (Open) Needs(s *Step) Needs {
	if c := s.Args.String("compose"); c != "" && c != "none" {
		return Needs{Compose: c}
	}
	return Needs{}
}

// Traits implements Op.
func (Open) Traits() []string { return []string{results.TraitOpen} }

// Check implements Op.
func (Open) Check(args param.Values) (param.Values, error) { return args, nil }

// Request implements Op.
func (Open) Request(s *Step, t *Target) (param.Values, error) {
	path, err := filepath.Abs(t.Path)
	if err != nil {
		return nil, err
	}
	req := param.Values{"path": path, "format": t.Format, "options": t.Options}
	if len(t.DriverOptions) > 0 {
		do := param.Values{}
		for k, v := range t.DriverOptions {
			do[k] = v
		}
		req["driver_options"] = do
	}
	if c := (Open{}).Needs(s).Compose; c != "" {
		if t.Base == "" {
			return nil, fmt.Errorf("compose = %q needs the dataset's base layer, which was not built", c)
		}
		base, err := filepath.Abs(t.Base)
		if err != nil {
			return nil, err
		}
		req["compose"], req["base"] = c, base
	}
	return req, nil
}

// Expect implements Op.
func (Open) Expect(*protocol.Step, *Target) protocol.Expect { return protocol.Expect{Ops: 1} }

// Start implements Op: the reader already open is closed here, outside the
// timing.
func (Open) Start(env *Env, req *protocol.Step) (*Run, error) {
	if c := req.Params.String("compose"); c != "" && c != "none" {
		return nil, fmt.Errorf("the go reader does not compose (compose = %q)", c)
	}
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
