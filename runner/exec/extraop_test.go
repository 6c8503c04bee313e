package exec

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/internal/param"
	"github.com/scenebench/runner/runner/ops"
	"github.com/scenebench/runner/runner/protocol"
	"github.com/scenebench/runner/runner/results"
	"github.com/scenebench/runner/runner/spec"
)

// sumOp is an op defined outside package ops, registered through the
// registry alone: it adds up one double property over every prim and
// digests the sum as a value of /World.
type sumOp struct{}

func init() { ops.Register(sumOp{}) }

func (sumOp) Name() string { return "sum" }
func (sumOp) Doc() string  { return "add up a double property over every prim" }
func (sumOp) Attrs() []ops.Attr {
	return []ops.Attr{{Decl: param.Decl{Name: "property", Kind: param.String}, Properties: true}}
}
func (sumOp) Traits() []string { return []string{results.TraitTraversal} }
func (sumOp) Check(args param.Values) (param.Values, error) {
	if !args.Has("property") {
		return nil, &ops.ArgError{Summary: "Missing required argument", Detail: "A sum step needs property."}
	}
	return args, nil
}
func (sumOp) Request(s *ops.Step, t *ops.Target) (param.Values, error) {
	return param.Values{"property": s.Args.String("property")}, nil
}
func (sumOp) Expect(*protocol.Step, *ops.Target) protocol.Expect {
	return protocol.Expect{Digest: true, Ops: 1, MaxValues: 1}
}
func (sumOp) Start(env *ops.Env, req *protocol.Step) (*ops.Run, error) {
	r, err := env.NeedReader()
	if err != nil {
		return nil, err
	}
	prop := req.Params.String("property")
	var sum float64
	return &ops.Run{
		Timed: func() (ops.Timing, error) {
			t0 := time.Now()
			prims, err := r.Prims()
			if err != nil {
				return ops.Timing{}, err
			}
			var v formats.Value
			for _, p := range prims {
				if err := r.Get(p, prop, &v); err != nil {
					return ops.Timing{}, err
				}
				sum += v.Num
			}
			return ops.Timing{NS: env.Elapsed(time.Since(t0)), Ops: 1}, nil
		},
		Digest: func() (string, int64, error) {
			var d formats.Digest
			d.Reset()
			d.Add("/World", prop, &formats.Value{Type: formats.Double, Num: sum})
			return d.Hex(), 1, nil
		},
	}, nil
}

const sumSpec = `
settings {
  repeat = 2
  isolate = "%s"
}
dataset "tiny" {
  prims  = 20
  schema = "none"
  property "cost" {
    type      = "double"
    generator = "uniform(0, 1)"
  }
}
format "fake" {}
scenario "total" {
  step "open" {}
  step "sum" {
    property = "%s"
  }
}
`

// An op registered from this test package validates, plans and runs like
// a built-in one, in process and in worker processes.
func TestExtraOpThroughRegistry(t *testing.T) {
	if _, d := spec.LoadSources([]spec.Source{{Name: "bad.hcl", Bytes: fmt.Appendf(nil, sumSpec, "none", "weight")}}, spec.Options{}); !d.HasErrors() ||
		!strings.Contains(d.String(), `No dataset has a property named "weight"`) {
		t.Errorf("unknown property in an extra op: %s", d)
	}
	var want formats.Digest
	want.Reset()
	sum := 0.0
	for i := range 20 {
		sum += float64(i) * 1.5 // the fake reader's cost
	}
	want.Add("/World", "cost", &formats.Value{Type: formats.Double, Num: sum})
	for _, isolate := range []string{"none", "process"} {
		p, d := spec.LoadSources([]spec.Source{{Name: "sum.hcl", Bytes: fmt.Appendf(nil, sumSpec, isolate, "cost")}}, spec.Options{})
		if d.HasErrors() {
			t.Fatalf("%s: %s", isolate, d)
		}
		if got := ops.Describe(&p.Cells[0].Scenario.Steps[1]); got != "sum(cost)" {
			t.Errorf("plan describes the step as %q", got)
		}
		f := mustRun(t, p, Options{Out: t.TempDir()})
		c := &f.Cells[0]
		if c.Status != results.StatusOK {
			t.Fatalf("%s: %s %s %s", isolate, c.Status, c.Error, c.Stderr)
		}
		s := c.Steps[1]
		if s.Op != "sum" || s.Digest != want.Hex() || s.Values != 1 || len(s.SamplesNS) != 2 {
			t.Errorf("%s: step %+v, want digest %s", isolate, s, want.Hex())
		}
		if len(s.Traits) != 1 || s.Traits[0] != results.TraitTraversal {
			t.Errorf("%s: traits %v", isolate, s.Traits)
		}
	}
}
