package ops

import (
	"errors"
	"fmt"
	"time"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/internal/param"
	"github.com/scenebench/runner/runner/protocol"
	"github.com/scenebench/runner/runner/results"
)

// Scan reads properties (every property without a list) of every prim in
// layer order, column-wise: the work of a tool that processes a property
// of the whole scene (a bounding box from every extent, a histogram of a
// primvar), which needs no prim path. A reader that stores columns
// (formats.Scanner) answers it natively, a column chunk decoded once per
// row group; any other reader through handles, one read per prim and
// property. Its time includes counting the prims and resolving the
// properties; it does not list prim paths. The digest, from a second
// untimed pass, is a traversal's in layer order of the same properties
// (prim by prim, pairs without a value skipped), so a scan and a traverse
// of one scene must agree. Over K threads the prims are cut into K
// contiguous ranges as a traversal's are.
//
// Spec: property or properties (default: every property), threads (a list
// sweeps).
//
// Request: "properties" (names, never empty), "threads".
type Scan struct{}

// Name implements Op.
func (Scan) Name() string { return "scan" }

// Doc implements Op.
func (Scan) Doc() string { return "read properties of every prim column-wise, in layer order" }

// Attrs implements Op.
func (Scan) Attrs() []Attr {
	return append(propertyAttrs("the properties to read (default: every property)"),
		threadsAttr("split the prims over this many threads"))
}

// Traits implements Op.
func (Scan) Traits() []string { return []string{results.TraitTraversal} }

// Needs implements Needer.
func (Scan) Needs(s *Step) Needs { return Needs{Threads: s.Args.Int("threads") > 1} }

// Check implements Op.
func (Scan) Check(args param.Values) (param.Values, error) {
	return oneOrMany(args, false, "scan")
}

// Request implements Op: every property when none is named.
func (Scan) Request(s *Step, t *Target) (param.Values, error) {
	return param.Values{"properties": orEvery(s.Args.Strings("properties"), t), "threads": s.Args.Int("threads")}, nil
}

// Expect implements Op.
func (Scan) Expect(req *protocol.Step, t *Target) protocol.Expect {
	n := int64(t.Scene.Prims())
	return protocol.Expect{Digest: true, Ops: 1, MaxValues: n * int64(len(req.Params.Strings("properties")))}
}

// Start implements Op. A reader without its own handles is given the
// string fallback (formats.Resolve) here, outside the timing.
func (Scan) Start(env *Env, req *protocol.Step) (*Run, error) {
	r, err := env.NeedReader()
	if err != nil {
		return nil, err
	}
	props := req.Params.Strings("properties")
	if len(props) == 0 {
		return nil, errors.New("scan needs properties")
	}
	res, err := formats.Resolve(r)
	if err != nil {
		return nil, fmt.Errorf("handles of %s: %w", env.Path, err)
	}
	threads := max(int(req.Params.Int("threads")), 1)
	tr := &traversal{env: env, r: r, props: props, res: res, scan: true}
	var ranges [][2]int
	run := &Run{}
	run.Timed = func() (Timing, error) {
		t0 := time.Now()
		n, err := formats.PrimCount(r)
		if err == nil && n > formats.MaxPrimHandles {
			err = fmt.Errorf("%d prims: more than handles can address (%d)", n, formats.MaxPrimHandles)
		}
		if err != nil {
			return Timing{}, fmt.Errorf("count prims of %s: %w", env.Path, err)
		}
		tr.prims, tr.n = n, n
		if tr.hprops, err = formats.ResolveProperties(res, props); err != nil {
			return Timing{}, fmt.Errorf("properties of %s: %w", env.Path, err)
		}
		tr.base = time.Since(t0)
		ranges = Chunks(n, threads)
		var d time.Duration
		if len(ranges) == 1 {
			d, err = tr.runSingle()
		} else {
			d, err = tr.runParallel(ranges)
		}
		if err != nil {
			return Timing{}, err
		}
		return Timing{NS: env.Elapsed(tr.base + d), Ops: 1}, nil
	}
	run.Digest = func() (string, int64, error) {
		// The digest needs the paths the timed pass did without.
		prims, err := r.Prims()
		if err != nil {
			return "", 0, fmt.Errorf("list prims of %s: %w", env.Path, err)
		}
		if len(prims) != tr.prims {
			return "", 0, fmt.Errorf("%s lists %d prims but counted %d", env.Path, len(prims), tr.prims)
		}
		tr.order = prims
		return tr.digest(ranges)
	}
	return run, nil
}
