// Package ops holds the step operations a scenario is made of. Each op is
// one registered unit that declares, in its own file, everything the rest
// of runner needs of it: its spec attributes with kinds, defaults and
// validation; what it asks of a reader for one run (its request, with
// random choices resolved so every reader does the same work); how the Go
// reader executes and digests it; what a correct answer looks like; and
// what it is for the reports (its traits).
//
// Adding an op is a new file with a type implementing Op, a line in the
// registration below (or a Register call from another package, as the
// tests do), and its documentation in examples/README.md and
// drivers/PROTOCOL.md.
package ops

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/internal/param"
	"github.com/scenebench/runner/runner/protocol"
	"github.com/scenebench/runner/runner/results"
)

// Op is one kind of step.
type Op interface {
	// Name is the op as specs write it: step "NAME" { ... }.
	Name() string
	// Doc is one line for help texts.
	Doc() string
	// Attrs declares the attributes a step block of this op accepts
	// ("name" is common to every op and not listed).
	Attrs() []Attr
	// Traits says what the op is for the reports: results.TraitOpen,
	// TraitRead or TraitTraversal. TraitFirstRead is placed by Place.
	Traits() []string
	// Check validates the attributes together, after each passed its own
	// checks, and returns them complete (defaults filled in). An
	// *ArgError points at the attribute at fault.
	Check(args param.Values) (param.Values, error)
	// Request is what one run of the step asks of a reader, resolved
	// against the data: prim selectors become paths, random orders
	// explicit indices, "every property" the dataset's list.
	Request(s *Step, t *Target) (param.Values, error)
	// Expect says what a correct result of req looks like.
	Expect(req *protocol.Step, t *Target) protocol.Expect
	// Start prepares req in the Go reader, outside any timing, and
	// returns its timed part and its digest.
	Start(env *Env, req *protocol.Step) (*Run, error)
}

// Attr declares one attribute of a step block.
type Attr struct {
	param.Decl
	// Check validates a value (a string or an element of a list) beyond
	// its kind, e.g. that it is a prim path.
	Check func(v string) error
	// Properties marks attributes whose values name properties: the spec
	// loader checks them against the datasets.
	Properties bool
	// Sweep marks attributes a spec may give a list of values: the
	// scenario then expands into one scenario per value, named with the
	// value's label fragment (threads = [1, 2] makes "scan-t1" and
	// "scan-t2"). Every step of a scenario that sweeps the same attribute
	// takes the same value in each.
	Sweep bool
}

// ArgError is a problem with a step's attributes. Attr names the attribute
// at fault ("" for the block as a whole); AtName points at the attribute's
// name rather than its value.
type ArgError struct {
	Attr    string
	AtName  bool
	Summary string
	Detail  string
}

func (e *ArgError) Error() string { return e.Detail }

// Step is one step of a planned scenario.
type Step struct {
	Op string `json:"op"`
	// Name is unique within the scenario: the op, numbered when repeated
	// ("get", "get#2"), unless the spec names it.
	Name string `json:"name"`
	// Args are the op's attributes, checked and complete.
	Args param.Values `json:"args,omitempty"`
	// Traits are the op's traits plus TraitFirstRead where Place put it.
	Traits []string `json:"traits,omitempty"`
}

// Has reports whether the step carries trait t.
func (s *Step) Has(t string) bool { return slices.Contains(s.Traits, t) }

// Scene is what the runner knows of a dataset without reading a data file:
// the prims that carry properties, in layer order, and their properties.
type Scene interface {
	Prims() int
	PrimPath(i int) string
	Properties() []string
}

// Target is the data one cell reads: the file, its format and options, the
// scene it holds, the base layer a composed open puts it under, and the
// options of the driver that reads it.
type Target struct {
	Path    string
	Format  string
	Options param.Values
	Scene   Scene
	// Base is the dataset's base layer ("" when no step composes).
	Base string
	// DriverOptions are the reader's driver options (nil for none).
	DriverOptions map[string]string
}

// Needs are what a step asks of a reader beyond supporting its op.
type Needs struct {
	// Compose is the composition mode its open uses ("" for none).
	Compose string
	// Threads says the step reads on several threads.
	Threads bool
	// Time says the step reads values at a time.
	Time bool
}

// Needer is implemented by ops whose steps can need more than the op
// itself of a reader (a composed open, parallel reads).
type Needer interface {
	Needs(s *Step) Needs
}

// StepNeeds returns what s needs of a reader.
func StepNeeds(s *Step) Needs {
	if op, ok := Lookup(s.Op); ok {
		if n, ok := op.(Needer); ok {
			return n.Needs(s)
		}
	}
	return Needs{}
}

// Env is the Go reader's state through one run's steps.
type Env struct {
	Ctx context.Context
	// Reader is the open reader (nil before the first open).
	Reader formats.Reader
	// Format and Options are what open opens with.
	Format  formats.Format
	Options formats.Options
	Path    string
	// Clock is the clock's own cost, subtracted from every timing.
	Clock time.Duration
	// Probe pauses the step while runner probes the process: prims read
	// so far and the step's time so far. Nil when nobody probes.
	Probe func(prims int, elapsed time.Duration) error
}

// Elapsed turns a raw timing into the work's time: the clock's own cost
// taken off, never below zero.
func (e *Env) Elapsed(d time.Duration) float64 { return float64(max(d-e.Clock, 0)) }

// NeedReader returns the open reader or says the scenario did not open.
func (e *Env) NeedReader() (formats.Reader, error) {
	if e.Reader == nil {
		return nil, fmt.Errorf("no open reader: the scenario must open the file first")
	}
	return e.Reader, nil
}

// Run is a prepared step: its timed part, then its digest.
type Run struct {
	// Timed runs the measured part and returns its timing.
	Timed func() (Timing, error)
	// Digest digests what the step read, after the measurement; nil for
	// steps that read nothing.
	Digest func() (digest string, values int64, err error)
}

// Timing is the measured part of a step: NS per operation over Ops
// operations, Batched when a short read was repeated as a batch.
type Timing struct {
	NS      float64
	Ops     int64
	Batched bool
	// Parts time the kinds of work a mixed step does, within NS*Ops.
	Parts []protocol.Part
}

var (
	mu       sync.RWMutex
	registry []Op
)

func init() { Register(Open{}, Get{}, Traverse{}, Scan{}, Mix{}) }

// Register adds ops. It panics on a duplicate name, a programming error
// caught at init time.
func Register(ops ...Op) {
	mu.Lock()
	defer mu.Unlock()
	for _, op := range ops {
		for _, o := range registry {
			if o.Name() == op.Name() {
				panic("ops: duplicate registration of " + op.Name())
			}
		}
		registry = append(registry, op)
	}
}

// Lookup returns the op registered under name.
func Lookup(name string) (Op, bool) {
	mu.RLock()
	defer mu.RUnlock()
	for _, o := range registry {
		if o.Name() == name {
			return o, true
		}
	}
	return nil, false
}

// Names lists the registered ops in registration order.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	names := make([]string, len(registry))
	for i, o := range registry {
		names[i] = o.Name()
	}
	return names
}

// ThreadOps lists the registered ops that take threads: those with a
// "threads" attribute, which the Go reader runs on parallel goroutines.
func ThreadOps() []string {
	mu.RLock()
	defer mu.RUnlock()
	var out []string
	for _, o := range registry {
		for _, a := range o.Attrs() {
			if a.Name == "threads" {
				out = append(out, o.Name())
				break
			}
		}
	}
	return out
}

// Place sets each step's traits: its op's, plus TraitFirstRead on the first
// point read after each open, which pays for whatever the open left to do.
// Steps of unknown ops keep no traits.
func Place(steps []Step) {
	first := false
	for i := range steps {
		s := &steps[i]
		op, ok := Lookup(s.Op)
		if !ok {
			continue
		}
		s.Traits = slices.Clone(op.Traits())
		switch {
		case s.Has(results.TraitOpen):
			first = true
		case s.Has(results.TraitRead) && first:
			s.Traits = append(s.Traits, results.TraitFirstRead)
			first = false
		}
	}
}

// Request builds the request of one run of s against t.
func Request(s *Step, t *Target) (*protocol.Step, error) {
	op, ok := Lookup(s.Op)
	if !ok {
		return nil, fmt.Errorf("unknown op %q (registered: %v)", s.Op, Names())
	}
	params, err := op.Request(s, t)
	if err != nil {
		return nil, fmt.Errorf("step %s: %w", s.Name, err)
	}
	return &protocol.Step{Op: s.Op, Name: s.Name, Params: params}, nil
}

// Describe summarises a step for plan listings: its name and, in brackets,
// the arguments that differ from their defaults in declaration order —
// strings bare, lists space-separated, numbers as name=value:
// "cold(middle, payload)", "warm(middle, payload, times=50)".
func Describe(s *Step) string {
	op, ok := Lookup(s.Op)
	if !ok {
		return s.Name
	}
	var parts []string
	for _, a := range op.Attrs() {
		v, set := s.Args[a.Name]
		if !set || (a.Default != nil && fmt.Sprint(v) == fmt.Sprint(a.Default)) {
			continue
		}
		switch x := v.(type) {
		case string:
			if a.Kind == param.Float { // a word of a number (time = "all")
				x = a.Name + "=" + x
			}
			parts = append(parts, x)
		case []string:
			parts = append(parts, strings.Join(x, " "))
		default:
			parts = append(parts, fmt.Sprintf("%s=%v", a.Name, x))
		}
	}
	if len(parts) == 0 {
		return s.Name
	}
	return s.Name + "(" + strings.Join(parts, ", ") + ")"
}

// NewStep builds a step of op from Go values, checked as the spec loader
// checks a step block (kinds, bounds, defaults, the op's own rules), for
// callers that plan without a spec. Place the steps of a scenario once
// they are all built.
func NewStep(op, name string, args map[string]any) (Step, error) {
	o, ok := Lookup(op)
	if !ok {
		return Step{}, fmt.Errorf("unknown op %q (registered: %v)", op, Names())
	}
	vals := param.Values{}
	known := map[string]bool{}
	for _, a := range o.Attrs() {
		known[a.Name] = true
		v, set := args[a.Name]
		if !set {
			if a.Default != nil {
				vals[a.Name] = a.Default
			}
			continue
		}
		nv, err := a.Decl.Check(v)
		if err != nil {
			return Step{}, fmt.Errorf("step %s: %w", name, err)
		}
		if a.Check != nil {
			list, _ := nv.([]string)
			if s, one := nv.(string); one {
				list = []string{s}
			}
			for _, s := range list {
				if err := a.Check(s); err != nil {
					return Step{}, fmt.Errorf("step %s: %w", name, err)
				}
			}
		}
		vals[a.Name] = nv
	}
	for k := range args {
		if !known[k] {
			return Step{}, fmt.Errorf("step %s: op %s has no attribute %q", name, op, k)
		}
	}
	checked, err := o.Check(vals)
	if err != nil {
		return Step{}, fmt.Errorf("step %s: %w", name, err)
	}
	return Step{Op: op, Name: name, Args: checked}, nil
}

// MustSteps builds and places a scenario's steps from (op, name, args)
// triples, panicking on a mistake: for tests and fixed tables.
func MustSteps(specs ...StepSpec) []Step {
	out := make([]Step, len(specs))
	for i, sp := range specs {
		s, err := NewStep(sp.Op, sp.Name, sp.Args)
		if err != nil {
			panic(err)
		}
		out[i] = s
	}
	Place(out)
	return out
}

// StepSpec is a step to build with MustSteps.
type StepSpec struct {
	Op, Name string
	Args     map[string]any
}
