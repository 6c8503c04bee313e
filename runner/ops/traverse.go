package ops

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cespare/xxhash/v2"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/internal/param"
	"github.com/scenebench/runner/runner/protocol"
	"github.com/scenebench/runner/runner/results"
)

// Traverse reads properties (every property without a list) of every prim
// in an order. Its time includes listing the prims; ordering them,
// resolving the properties' handles, probing and digesting are not. A
// reader that resolves handles itself (formats.Resolver) is read through
// them, as OpenUSD's callers hold paths and tokens; one that also reads
// columns (formats.Scanner) is scanned column-wise when the order is layer
// order, still digested per prim. The timed pass only reads; the digest comes from
// a second pass over the same reads in the same order, after the step's
// probes, so hashing costs neither time nor memory in the figures. Over K
// threads the ordered prims are cut into K contiguous chunks (the first n%K
// one prim longer), each digested the same way, and the step's digest is
// XXH64 of the chunk digests as little-endian u64s in chunk order.
//
// Spec: property or properties (default: every property), order ("layer",
// "random", "reverse"), seed (for "random" and fraction), fraction (a
// seeded random share of the prims, read in the order asked: a sparse
// traversal), limit (only the first limit prims of the order; 0 = all),
// probes (time and RSS recorded that many times along the way), threads.
// A list of threads or fractions sweeps the scenario (see Attr.Sweep).
//
// Request: "properties" (names, never empty), "order" ("layer", "reverse"
// or "indices"), "indices" (for "indices": positions in layer order, read
// in this order), "limit" (0 = all), "threads", "probe_at" (ascending prim
// counts after which to pause for a probe).
type Traverse struct{}

// Traverse's orders and limits.
var Orders = []string{"layer", "random", "reverse"}

const (
	MaxProbes  = 1 << 20
	MaxThreads = 1024
	MaxLimit   = 1 << 31
)

// ctxCheckEvery is how many prims a traversal reads between checks for
// cancellation (a check costs a few nanoseconds; a prim far more).
const ctxCheckEvery = 1024

// Name implements Op.
func (Traverse) Name() string { return "traverse" }

// Doc implements Op.
func (Traverse) Doc() string { return "read properties of every prim in an order" }

// Attrs implements Op.
func (Traverse) Attrs() []Attr {
	return slices.Concat([]Attr{}, propertyAttrs("the properties to read (default: every property)"), []Attr{
		{Decl: param.Decl{Name: "order", Kind: param.String, Default: "layer", Allowed: Orders,
			Doc: "layer order, a random permutation, or reversed"}},
		{Decl: param.Decl{Name: "seed", Kind: param.Uint, Default: uint64(0), Doc: `seed of order = "random" and of fraction`}},
		{Decl: param.Decl{Name: "fraction", Kind: param.Float, Default: float64(1), FMin: 0, FMax: 1, FMinOpen: true, LabelPrefix: "f",
			Doc: "read only this share of the prims, a seeded random subset (a sparse traversal)"}, Sweep: true},
		{Decl: param.Decl{Name: "limit", Kind: param.Int, Default: int64(0), Min: 0, Max: MaxLimit,
			Doc: "read only the first limit prims of the order (0 = all)"}},
		{Decl: param.Decl{Name: "probes", Kind: param.Int, Default: int64(0), Min: 0, Max: MaxProbes,
			Doc: "record time and RSS this many times along the way"}},
		threadsAttr("split the prims over this many threads"),
		timeAttr(),
	})
}

// Traits implements Op.
func (Traverse) Traits() []string { return []string{results.TraitTraversal} }

// Needs implements Needer.
func (Traverse) Needs(s *Step) Needs {
	return Needs{Threads: s.Args.Int("threads") > 1, Time: timeNeeds(s)}
}

// Check implements Op.
func (Traverse) Check(args param.Values) (param.Values, error) {
	return oneOrMany(args, false, "traverse")
}

// Request implements Op: every property when none is named, the random
// order as explicit indices (a PCG(seed, 0) shuffle of layer order), a
// fraction as the indices of its subset (the first prims of that same
// shuffle, in the order asked) and the probe points.
func (Traverse) Request(s *Step, t *Target) (param.Values, error) {
	props := orEvery(s.Args.Strings("properties"), t)
	n := t.Scene.Prims()
	sparse := SparseCount(n, fractionOf(s.Args))
	limit := int(s.Args.Int("limit"))
	count := sparse
	if limit > 0 && limit < count {
		count = limit
	}
	req := param.Values{
		"properties": props,
		"order":      s.Args.String("order"),
		"limit":      int64(limit),
		"threads":    s.Args.Int("threads"),
		"probe_at":   probePoints(count, int(s.Args.Int("probes"))),
	}
	if v, ok := s.Args["time"]; ok {
		req["time"] = v
	}
	if req.String("order") == "random" || sparse < n {
		idx := Shuffled(n, s.Args.Uint("seed"))[:sparse]
		switch req.String("order") {
		case "layer":
			slices.Sort(idx)
		case "reverse":
			slices.Sort(idx)
			slices.Reverse(idx)
		}
		req["order"], req["indices"] = "indices", idx[:count]
	}
	return req, nil
}

// fractionOf is a step's fraction, 1 when it has none (steps planned before
// traversals had one).
func fractionOf(args param.Values) float64 {
	if f := args.Float("fraction"); f > 0 && f < 1 {
		return f
	}
	return 1
}

// SparseCount is how many of n prims a fraction f of them is: rounded to
// the nearest, at least one (of a non-empty scene).
func SparseCount(n int, f float64) int {
	if f >= 1 || n == 0 {
		return n
	}
	return min(max(int(math.Round(float64(n)*f)), 1), n)
}

// Shuffled is the permutation of 0..n-1 every random choice of prims draws
// from: a PCG(seed, 0) shuffle of layer order.
func Shuffled(n int, seed uint64) []int64 {
	perm := make([]int64, n)
	for i := range perm {
		perm[i] = int64(i)
	}
	rand.New(rand.NewPCG(seed, 0)).Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
	return perm
}

// Expect implements Op.
func (Traverse) Expect(req *protocol.Step, t *Target) protocol.Expect {
	n := int64(t.Scene.Prims())
	if req.Params.String("order") == "indices" {
		n = int64(len(req.Params.Ints("indices")))
	}
	if l := req.Params.Int("limit"); l > 0 && l < n {
		n = l
	}
	at, _ := timeOf(req.Params)
	return protocol.Expect{Digest: true, Ops: 1, MaxValues: n * valuesAt(at, req.Params.Strings("properties"), t)}
}

// probePoints returns the prim counts after which a traversal of n prims
// records a probe: n/k, 2n/k, ..., n (deduplicated for k > n).
func probePoints(n, k int) []int64 {
	pts := []int64{}
	if k <= 0 || n <= 0 {
		return pts
	}
	for i := 1; i <= k; i++ {
		p := int64(i * n / k)
		if p > 0 && (len(pts) == 0 || pts[len(pts)-1] != p) {
			pts = append(pts, p)
		}
	}
	return pts
}

// Chunks splits n items into k contiguous ranges of near-equal size, the
// first n%k one longer: how a traversal over k threads divides its prims.
func Chunks(n, k int) [][2]int {
	k = max(min(k, n), 1)
	out := make([][2]int, k)
	lo := 0
	for i := range k {
		size := n / k
		if i < n%k {
			size++
		}
		out[i] = [2]int{lo, lo + size}
		lo += size
	}
	return out
}

// CombineDigests is the digest of a traversal split over threads: XXH64 of
// the chunk digests as little-endian u64s, in chunk order.
func CombineDigests(sums []uint64) string {
	buf := make([]byte, 8*len(sums))
	for i, s := range sums {
		binary.LittleEndian.PutUint64(buf[8*i:], s)
	}
	return fmt.Sprintf("%016x", xxhash.Sum64(buf))
}

// order returns prims in the request's order, limited. The input is not
// modified.
func order(prims []string, req *protocol.Step) ([]string, error) {
	var out []string
	switch o := req.Params.String("order"); o {
	case "", "layer":
		out = prims
	case "reverse":
		out = slices.Clone(prims)
		slices.Reverse(out)
	case "indices":
		idx := req.Params.Ints("indices")
		out = make([]string, len(idx))
		for i, k := range idx {
			if k < 0 || k >= int64(len(prims)) {
				return nil, fmt.Errorf("index %d is outside the %d prims", k, len(prims))
			}
			out[i] = prims[k]
		}
	default:
		return nil, fmt.Errorf("unknown order %q (layer, reverse or indices)", o)
	}
	if l := int(req.Params.Int("limit")); l > 0 && l < len(out) {
		out = out[:l]
	}
	return out, nil
}

// Start implements Op.
func (Traverse) Start(env *Env, req *protocol.Step) (*Run, error) {
	r, err := env.NeedReader()
	if err != nil {
		return nil, err
	}
	props := req.Params.Strings("properties")
	if len(props) == 0 {
		return nil, errors.New("traverse needs properties")
	}
	at, err := timeOf(req.Params)
	if err != nil {
		return nil, err
	}
	tr := &traversal{env: env, r: r, props: props, points: req.Params.Ints("probe_at"), at: at}
	threads := max(int(req.Params.Int("threads")), 1)
	var ranges [][2]int
	run := &Run{}
	run.Timed = func() (Timing, error) {
		t0 := time.Now()
		prims, err := r.Prims()
		dList := time.Since(t0)
		if err != nil {
			return Timing{}, fmt.Errorf("list prims of %s: %w", env.Path, err)
		}
		if tr.order, err = order(prims, req); err != nil {
			return Timing{}, err
		}
		tr.n = len(tr.order)
		if err := tr.resolve(len(prims), req); err != nil {
			return Timing{}, err
		}
		tr.base = dList
		ranges = Chunks(tr.n, threads)
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
	run.Digest = func() (string, int64, error) { return tr.digest(ranges) }
	return run, nil
}

// traversal is one traverse (or scan) step in progress.
type traversal struct {
	env    *Env
	r      formats.Reader
	props  []string
	order  []string      // prim paths in read order (a scan's, layer order, only for its digest)
	n      int           // prims to read: len(order), or a scan's count
	points []int64       // prim counts at which to probe
	base   time.Duration // time already spent listing prims

	// With a reader that resolves handles itself, a traversal reads
	// through them: res, the properties' handles, and the prims of order
	// as handles (their positions in layer order). scan says order is
	// layer order and the reader reads columns (formats.Scanner): each
	// chunk is then one column-wise scan.
	res    formats.Resolver
	hprops []formats.PropertyHandle
	horder []formats.PrimHandle
	scan   bool
	prims  int // the reader's prims, for scans

	// at, when set, reads values at a time (or every sample) through
	// handles, each chunk with its own formats.TimeReader.
	at *atTime

	// parallel traversals keep probing time in: the other threads go on
	// while one probes.
	parallel bool
	mu       sync.Mutex
	paused   atomic.Int64 // ns spent probing, kept out of single-thread timings
	start    time.Time
	probeErr error
}

// resolve sets up reads through handles when the reader resolves them
// itself (a string-keyed reader is read by strings: emulating handles over
// it would time the emulation). n is the number of the reader's prims.
// Reads at a time always go through handles (formats.Resolve emulates
// them over a string-keyed reader, the only way it reads time samples),
// and fail on a property that does not resolve.
func (t *traversal) resolve(n int, req *protocol.Step) error {
	res, ok := t.r.(formats.Resolver)
	if t.at != nil && !ok {
		var err error
		if res, err = formats.Resolve(t.r); err != nil {
			return fmt.Errorf("resolve handles of %s: %w", t.env.Path, err)
		}
		ok = true
	}
	if !ok || n > formats.MaxPrimHandles {
		if t.at != nil {
			return fmt.Errorf("%d prims: more than handles can address (%d)", n, formats.MaxPrimHandles)
		}
		return nil
	}
	hprops, err := formats.ResolveProperties(res, t.props)
	if err != nil {
		if t.at != nil {
			return err
		}
		return nil // read by strings, so the error is Get's
	}
	horder := make([]formats.PrimHandle, len(t.order))
	switch req.Params.String("order") {
	case "", "layer":
		for i := range horder {
			horder[i] = formats.PrimHandle(i)
		}
		_, t.scan = res.(formats.Scanner)
		t.scan = t.scan && t.at == nil
	case "reverse":
		for i := range horder {
			horder[i] = formats.PrimHandle(n - 1 - i)
		}
	case "indices":
		for i, k := range req.Params.Ints("indices")[:len(t.order)] {
			horder[i] = formats.PrimHandle(k) // checked by order
		}
	default:
		return fmt.Errorf("unknown order %q", req.Params.String("order"))
	}
	t.res, t.hprops, t.horder, t.prims = res, hprops, horder, n
	return nil
}

// read reads the properties of the prims t.order[lo:hi], calling fn with
// each prim's position in t.order and its values (has[j] false for a
// property the prim has no value of): one column-wise scan, reads through
// handles, or reads by strings, whichever the reader allows. It checks for
// cancellation every ctxCheckEvery prims.
func (t *traversal) read(lo, hi int, fn func(i int, vals []formats.Value, has []bool) error) error {
	ctx := t.env.Ctx
	if t.at != nil {
		return t.readAt(lo, hi, func(i int) error { return fn(i, nil, nil) }, nil)
	}
	if t.scan {
		return formats.Scan(t.res, t.prims, t.hprops, formats.PrimHandle(lo), formats.PrimHandle(hi),
			func(p formats.PrimHandle, vals []formats.Value, has []bool) error {
				i := int(p)
				if (i-lo)%ctxCheckEvery == 0 && ctx.Err() != nil {
					return ctx.Err()
				}
				return fn(i, vals, has)
			})
	}
	vals := make([]formats.Value, len(t.props))
	has := make([]bool, len(t.props))
	for i := lo; i < hi; i++ {
		if (i-lo)%ctxCheckEvery == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		for j, p := range t.props {
			var err error
			if t.res != nil {
				err = t.res.GetHandle(t.horder[i], t.hprops[j], &vals[j])
			} else {
				err = t.r.Get(t.order[i], p, &vals[j])
			}
			has[j] = err == nil
			if err != nil && !errors.Is(err, formats.ErrNoValue) {
				return fmt.Errorf("get %s %s: %w", t.order[i], p, err)
			}
		}
		if err := fn(i, vals, has); err != nil {
			return err
		}
	}
	return nil
}

// readAt reads the properties of the prims t.order[lo:hi] at the step's
// time, calling fn after each prim and emit (when not nil) once per value
// read with the prim's position in t.order, the property's index, and the
// time read at (atTime.read). It checks for cancellation every
// ctxCheckEvery prims.
func (t *traversal) readAt(lo, hi int, fn func(i int) error, emit func(i, j int, at float64, timed bool, v *formats.Value)) error {
	ctx := t.env.Ctx
	tr := formats.NewTimeReader(t.res)
	var v formats.Value
	for i := lo; i < hi; i++ {
		if (i-lo)%ctxCheckEvery == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		for j, p := range t.props {
			var each func(at float64, timed bool, v *formats.Value)
			if emit != nil {
				each = func(at float64, timed bool, v *formats.Value) { emit(i, j, at, timed, v) }
			}
			if err := t.at.read(tr, t.horder[i], t.hprops[j], &v, each); err != nil {
				return fmt.Errorf("get %s %s: %w", t.order[i], p, err)
			}
		}
		if err := fn(i); err != nil {
			return err
		}
	}
	return nil
}

// probe pauses for a probe after done prims, and keeps its own cost out of
// a single-thread timing.
func (t *traversal) probe(done int) {
	if t.env.Probe == nil {
		return
	}
	tp := time.Now()
	t.mu.Lock()
	elapsed := tp.Sub(t.start) - time.Duration(t.paused.Load()) + t.base
	if err := t.env.Probe(done, elapsed); err != nil && t.probeErr == nil {
		t.probeErr = err
	}
	t.mu.Unlock()
	if !t.parallel {
		t.paused.Add(int64(time.Since(tp)))
	}
}

func (t *traversal) runSingle() (time.Duration, error) {
	next := 0
	t.start = time.Now()
	err := t.read(0, t.n, func(i int, _ []formats.Value, _ []bool) error {
		if next < len(t.points) && int64(i+1) == t.points[next] {
			t.probe(i + 1)
			next++
		}
		return nil
	})
	d := time.Since(t.start) - time.Duration(t.paused.Load())
	if err != nil {
		return 0, err
	}
	return d, t.probeErr
}

func (t *traversal) runParallel(ranges [][2]int) (time.Duration, error) {
	t.parallel = true
	errs := make([]error, len(ranges))
	var done atomic.Int64
	var wg sync.WaitGroup
	t.start = time.Now()
	for c, rg := range ranges {
		wg.Go(func() {
			errs[c] = t.read(rg[0], rg[1], func(int, []formats.Value, []bool) error {
				if len(t.points) > 0 {
					n := done.Add(1)
					if _, hit := slices.BinarySearch(t.points, n); hit {
						t.probe(int(n))
					}
				}
				return nil
			})
		})
	}
	wg.Wait()
	d := time.Since(t.start)
	if err := errors.Join(errs...); err != nil {
		return 0, err
	}
	return d, t.probeErr
}

// digest reads the traversal again, untimed, and digests it: one digest in
// read order for one chunk; for more, each chunk on its own goroutine as
// the timed pass read it, combined by CombineDigests. Pairs without a
// value are not digested.
func (t *traversal) digest(ranges [][2]int) (string, int64, error) {
	sums := make([]uint64, len(ranges))
	counts := make([]int64, len(ranges))
	errs := make([]error, len(ranges))
	chunk := func(c int) {
		var dg formats.Digest
		dg.Reset()
		var err error
		if t.at != nil {
			err = t.readAt(ranges[c][0], ranges[c][1], func(int) error { return nil },
				func(i, j int, at float64, timed bool, v *formats.Value) {
					digestAt(&dg, t.order[i], t.props[j], at, timed, v)
				})
		} else {
			err = t.read(ranges[c][0], ranges[c][1], func(i int, vals []formats.Value, has []bool) error {
				for j, p := range t.props {
					if has[j] {
						dg.Add(t.order[i], p, &vals[j])
					}
				}
				return nil
			})
		}
		if err != nil {
			errs[c] = fmt.Errorf("digest pass: %w", err)
			return
		}
		sums[c], counts[c] = dg.Sum(), int64(dg.Count())
	}
	if len(ranges) == 1 {
		chunk(0)
	} else {
		var wg sync.WaitGroup
		for c := range ranges {
			wg.Go(func() { chunk(c) })
		}
		wg.Wait()
	}
	if err := errors.Join(errs...); err != nil {
		return "", 0, err
	}
	var values int64
	for _, n := range counts {
		values += n
	}
	if len(ranges) == 1 {
		return fmt.Sprintf("%016x", sums[0]), values, nil
	}
	return CombineDigests(sums), values, nil
}
