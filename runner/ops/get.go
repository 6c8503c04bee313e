package ops

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/internal/param"
	"github.com/scenebench/runner/internal/words"
	"github.com/scenebench/runner/runner/measure"
	"github.com/scenebench/runner/runner/protocol"
	"github.com/scenebench/runner/runner/results"
)

// Get reads properties of one prim, times times. The first get after an
// open is the cold one and is timed once as it is; later gets shorter than
// measure.BatchThreshold are batched, calibrated like testing.B. The digest
// covers each property once, from the values of the last read.
//
// With threads = K, K threads each make the same reads at once (times
// each, or the batch divided by K) and one timing covers them all, from
// starting the threads to the last one's end; an operation is one read by
// one thread, so the time per operation is the inverse of the throughput.
// Each thread digests its own last read; the threads must agree, and the
// step's digest is that digest, the same as on one thread.
//
// Spec: prim (a path or "first", "middle", "last", "random"; default
// "first"), property or properties (required), times (default 1), seed
// (for "random"), threads (default 1; a list sweeps the scenario).
//
// Request: "prim" (a path), "properties" (names), "times", "threads",
// "cold" (true: never batch), "batch" (when set, exactly this many
// operations over all threads: the size an earlier run of the cell
// calibrated, a multiple of threads).
type Get struct{}

// Prim selectors a get accepts besides a path.
var PrimKeywords = []string{"first", "middle", "last", "random"}

// Get's limits.
const (
	MaxTimes = 1 << 30
)

// Name implements Op.
func (Get) Name() string { return "get" }

// Doc implements Op.
func (Get) Doc() string { return "read properties of one prim (cold after an open, warm after)" }

// Attrs implements Op.
func (Get) Attrs() []Attr {
	return slices.Concat([]Attr{
		{Decl: param.Decl{Name: "prim", Kind: param.String, Default: "first",
			Doc: `a prim path, or "first", "middle", "last" or "random" (in layer order)`}, Check: checkPrim},
	}, propertyAttrs("the properties to read"), []Attr{
		{Decl: param.Decl{Name: "times", Kind: param.Int, Default: int64(1), Min: 1, Max: MaxTimes,
			Doc: "reads of the same values in one timing"}},
		{Decl: param.Decl{Name: "seed", Kind: param.Uint, Default: uint64(0),
			Doc: `seed of prim = "random"`}},
		threadsAttr("make the reads on this many threads at once"),
		timeAttr(),
	})
}

// Needs implements Needer.
func (Get) Needs(s *Step) Needs {
	return Needs{Threads: s.Args.Int("threads") > 1, Time: timeNeeds(s)}
}

// Traits implements Op.
func (Get) Traits() []string { return []string{results.TraitRead} }

// Check implements Op: property and properties become one list.
func (Get) Check(args param.Values) (param.Values, error) {
	return oneOrMany(args, true, "get")
}

// oneOrMany folds property (one name) and properties (a list) into
// properties; required says the step cannot do without.
func oneOrMany(args param.Values, required bool, op string) (param.Values, error) {
	one, many := args.Has("property"), args.Has("properties")
	switch {
	case one && many:
		return nil, &ArgError{Attr: "properties", AtName: true, Summary: "Conflicting arguments",
			Detail: "Give either property (one name) or properties (a list), not both."}
	case one:
		args["properties"] = []string{args.String("property")}
		delete(args, "property")
	case !many && required:
		return nil, &ArgError{Summary: "Missing required argument",
			Detail: fmt.Sprintf(`A %s step needs property = "NAME" or properties = ["A", "B"].`, op)}
	}
	return args, nil
}

// propertyAttrs are the property (one name) and properties (a list)
// attributes of an op that reads named properties; listDoc says what the
// list reads, and what its absence reads.
func propertyAttrs(listDoc string) []Attr {
	return []Attr{
		{Decl: param.Decl{Name: "property", Kind: param.String, Doc: "the property to read"},
			Check: checkProperty, Properties: true},
		{Decl: param.Decl{Name: "properties", Kind: param.Strings, Doc: listDoc},
			Check: checkProperty, Properties: true},
	}
}

// threadsAttr is the threads attribute (a list sweeps); doc says what the
// threads do.
func threadsAttr(doc string) Attr {
	return Attr{Decl: param.Decl{Name: "threads", Kind: param.Int, Default: int64(1), Min: 1, Max: MaxThreads, LabelPrefix: "t",
		Doc: doc}, Sweep: true}
}

// orEvery is names, or every property of t's scene when names is empty.
func orEvery(names []string, t *Target) []string {
	if len(names) == 0 {
		return t.Scene.Properties()
	}
	return names
}

// Request implements Op: the prim selector becomes a path; "random" draws
// with PCG(seed, 0), so every reader reads the same prim.
func (Get) Request(s *Step, t *Target) (param.Values, error) {
	prim := s.Args.String("prim")
	if slices.Contains(PrimKeywords, prim) {
		n := t.Scene.Prims()
		if n == 0 {
			return nil, errors.New("the dataset has no prims")
		}
		i := 0
		switch prim {
		case "middle":
			i = n / 2
		case "last":
			i = n - 1
		case "random":
			i = rand.New(rand.NewPCG(s.Args.Uint("seed"), 0)).IntN(n)
		}
		prim = t.Scene.PrimPath(i)
	}
	req := param.Values{
		"prim":       prim,
		"properties": s.Args.Strings("properties"),
		"times":      s.Args.Int("times"),
		"threads":    max(s.Args.Int("threads"), 1),
		"cold":       s.Has(results.TraitFirstRead),
	}
	if v, ok := s.Args["time"]; ok {
		req["time"] = v
	}
	return req, nil
}

// Expect implements Op.
func (Get) Expect(req *protocol.Step, t *Target) protocol.Expect {
	at, _ := timeOf(req.Params)
	e := protocol.Expect{Digest: true, MaxValues: valuesAt(at, req.Params.Strings("properties"), t)}
	times := max(req.Params.Int("times"), 1) * max(req.Params.Int("threads"), 1)
	switch b := req.Params.Int("batch"); {
	case req.Params.Bool("cold"):
		e.Ops = times
	case b > times:
		e.Ops = b
	default:
		e.MinOps = times
	}
	return e
}

// Start implements Op.
func (Get) Start(env *Env, req *protocol.Step) (*Run, error) {
	r, err := env.NeedReader()
	if err != nil {
		return nil, err
	}
	prim, props := req.Params.String("prim"), req.Params.Strings("properties")
	if prim == "" || len(props) == 0 {
		return nil, errors.New("get needs a prim and properties")
	}
	cold := req.Params.Bool("cold")
	n := max(req.Params.Int("times"), 1)
	threads := max(req.Params.Int("threads"), 1)
	if threads > MaxThreads {
		return nil, fmt.Errorf("threads %d is more than %d", threads, MaxThreads)
	}
	// batch counts operations over every thread; each thread makes its
	// share.
	batch := req.Params.Int("batch") / threads
	vals := make([][]formats.Value, threads)
	has := make([][]bool, threads) // the prim has a value (sparse scenes may not)
	for k := range vals {
		vals[k] = make([]formats.Value, len(props))
		has[k] = make([]bool, len(props))
	}
	at, err := timeOf(req.Params)
	if err != nil {
		return nil, err
	}
	// A read repeated in the loop goes through handles resolved here, as
	// OpenUSD's callers hold an SdfPath and TfTokens, when the reader
	// resolves them itself; a cold get is a one-off read by strings.
	res, ph, hs := handlesOf(r, prim, props, !cold)
	var readErr error
	var reads func(k int, n int64) error
	var digestThread func(k int, dg *formats.Digest) error
	if at != nil {
		reads, digestThread, err = readsAt(r, prim, props, at, cold, int(threads))
		if err != nil {
			return nil, err
		}
	}
	if reads == nil && res != nil {
		// Through handles: the loop calls the reader and nothing else.
		reads = func(k int, n int64) error {
			vk, hk := vals[k], has[k]
			for range n {
				for j, q := range hs {
					err := res.GetHandle(ph, q, &vk[j])
					hk[j] = err == nil
					if err != nil && !errors.Is(err, formats.ErrNoValue) {
						return fmt.Errorf("get %s %s: %w", prim, props[j], err)
					}
				}
			}
			return nil
		}
	}
	if reads == nil {
		reads = func(k int, n int64) error {
			vk, hk := vals[k], has[k]
			for range n {
				for j, p := range props {
					err := r.Get(prim, p, &vk[j])
					hk[j] = err == nil
					if err != nil && !errors.Is(err, formats.ErrNoValue) {
						return fmt.Errorf("get %s %s: %w", prim, p, err)
					}
				}
			}
			return nil
		}
	}
	loop := func(n int64) time.Duration {
		if threads == 1 {
			t0 := time.Now()
			err := reads(0, n)
			d := time.Since(t0)
			if err != nil && readErr == nil {
				readErr = err
			}
			return d
		}
		errs := make([]error, threads)
		var wg sync.WaitGroup
		t0 := time.Now()
		for k := range int(threads) {
			wg.Go(func() { errs[k] = reads(k, n) })
		}
		wg.Wait()
		d := time.Since(t0)
		if err := errors.Join(errs...); err != nil && readErr == nil {
			readErr = err
		}
		return d
	}
	timed := func() (Timing, error) {
		d := loop(n)
		if readErr != nil {
			return Timing{}, readErr
		}
		// One timing of a short step is at the mercy of a cache miss or a
		// preemption: a warm get near the threshold is timed once more
		// and batched when either timing is under it. Once a run of the
		// cell has batched the step, later runs use its batch size.
		batched, ops := false, n
		if !cold {
			if batch > n {
				batched = true
				ops, d = batch, loop(batch)
			} else if d < 10*measure.BatchThreshold {
				if fastest := min(d, loop(n)); fastest < measure.BatchThreshold {
					batched = true
					ops, d = measure.Calibrate(measure.BatchGoal, n, fastest, loop)
				}
			}
			if readErr != nil {
				return Timing{}, readErr
			}
		}
		ops *= threads
		return Timing{NS: env.Elapsed(d) / float64(ops), Ops: ops, Batched: batched}, nil
	}
	digest := func() (string, int64, error) {
		var first string
		var count int64
		for k := range vals {
			var dg formats.Digest
			dg.Reset()
			if digestThread != nil {
				if err := digestThread(k, &dg); err != nil {
					return "", 0, err
				}
			}
			for j, p := range props {
				if digestThread == nil && has[k][j] { // a pair without a value is not digested
					dg.Add(prim, p, &vals[k][j])
				}
			}
			if k == 0 {
				first, count = dg.Hex(), int64(dg.Count())
			} else if dg.Hex() != first {
				return "", 0, fmt.Errorf("threads read different values of %s: thread 1 digests %s, thread %d %s", prim, first, k+1, dg.Hex())
			}
		}
		return first, count, nil
	}
	return &Run{Timed: timed, Digest: digest}, nil
}

// readsAt gives a get's reads at a time, on each of threads threads, and
// the digest of thread k's reads, made by reading again after the timing
// (a read of "all" leaves no single value per property to digest). Reads
// at a time go through handles (formats.Resolve), each thread with its
// own formats.TimeReader; a cold get resolves them within its timing.
func readsAt(r formats.Reader, prim string, props []string, at *atTime, cold bool, threads int) (
	reads func(k int, n int64) error, digest func(k int, dg *formats.Digest) error, err error) {
	var (
		once sync.Once
		rerr error
		ph   formats.PrimHandle
		hs   []formats.PropertyHandle
		trs  = make([]*formats.TimeReader, threads)
		vals = make([]formats.Value, threads)
	)
	resolve := func() error {
		once.Do(func() {
			res, err := formats.Resolve(r)
			if err == nil {
				ph, err = res.ResolvePrim(prim)
			}
			if err == nil {
				hs, err = formats.ResolveProperties(res, props)
			}
			if err != nil {
				rerr = fmt.Errorf("get %s: %w", prim, err)
				return
			}
			for k := range trs {
				trs[k] = formats.NewTimeReader(res)
			}
		})
		return rerr
	}
	if !cold {
		if err := resolve(); err != nil {
			return nil, nil, err
		}
	}
	reads = func(k int, n int64) error {
		if err := resolve(); err != nil {
			return err
		}
		for range n {
			for j := range props {
				if err := at.read(trs[k], ph, hs[j], &vals[k], nil); err != nil {
					return fmt.Errorf("get %s %s: %w", prim, props[j], err)
				}
			}
		}
		return nil
	}
	digest = func(k int, dg *formats.Digest) error {
		if err := resolve(); err != nil {
			return err
		}
		for j, p := range props {
			err := at.read(trs[k], ph, hs[j], &vals[k], func(t float64, timed bool, v *formats.Value) {
				digestAt(dg, prim, p, t, timed, v)
			})
			if err != nil {
				return fmt.Errorf("get %s %s: %w", prim, p, err)
			}
		}
		return nil
	}
	return reads, digest, nil
}

// handlesOf resolves prim and props into handles when handles is set and
// r resolves them itself; res is nil otherwise, and also when the prim or
// a property does not resolve, so that such a read goes by strings and
// its error is Get's.
func handlesOf(r formats.Reader, prim string, props []string, handles bool) (res formats.Resolver, ph formats.PrimHandle, hs []formats.PropertyHandle) {
	res, ok := r.(formats.Resolver)
	if !handles || !ok {
		return nil, 0, nil
	}
	ph, err := res.ResolvePrim(prim)
	if err == nil {
		hs, err = formats.ResolveProperties(res, props)
	}
	if err != nil {
		return nil, 0, nil
	}
	return res, ph, hs
}

func checkProperty(s string) error {
	if !formats.IsPropertyName(s) {
		return fmt.Errorf("%q is not a property name", s)
	}
	return nil
}

// checkPrim accepts an absolute prim path or a selector keyword.
func checkPrim(s string) error {
	if slices.Contains(PrimKeywords, s) {
		return nil
	}
	if !strings.HasPrefix(s, "/") || s == "/" {
		return fmt.Errorf("prim must be an absolute prim path such as \"/World/Prim_0\" or one of %s, not %q", words.QuoteOr(PrimKeywords), s)
	}
	for _, part := range strings.Split(s[1:], "/") {
		if !formats.IsIdentifier(part) {
			return fmt.Errorf("%q is not a valid prim path: %q is not a prim name", s, part)
		}
	}
	return nil
}
