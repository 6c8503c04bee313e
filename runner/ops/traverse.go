package ops

import (
	"encoding/binary"
	"errors"
	"fmt"
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
// in an order. Its time includes listing the prims; ordering them, probing
// and digesting are not. The timed pass only reads; the digest comes from
// a second pass over the same reads in the same order, after the step's
// probes, so hashing costs neither time nor memory in the figures. Over K
// threads the ordered prims are cut into K contiguous chunks (the first n%K
// one prim longer), each digested the same way, and the step's digest is
// XXH64 of the chunk digests as little-endian u64s in chunk order.
//
// Spec: property or properties (default: every property), order ("layer",
// "random", "reverse"), seed (for "random"), limit (only the first limit
// prims of the order; 0 = all), probes (time and RSS recorded that many
// times along the way), threads.
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
	return []Attr{
		{Decl: param.Decl{Name: "property", Kind: param.String, Doc: "the property to read"},
			Check: checkProperty, Properties: true},
		{Decl: param.Decl{Name: "properties", Kind: param.Strings, Doc: "the properties to read (default: every property)"},
			Check: checkProperty, Properties: true},
		{Decl: param.Decl{Name: "order", Kind: param.String, Default: "layer", Allowed: Orders,
			Doc: "layer order, a random permutation, or reversed"}},
		{Decl: param.Decl{Name: "seed", Kind: param.Uint, Default: uint64(0), Doc: `seed of order = "random"`}},
		{Decl: param.Decl{Name: "limit", Kind: param.Int, Default: int64(0), Min: 0, Max: MaxLimit,
			Doc: "read only the first limit prims of the order (0 = all)"}},
		{Decl: param.Decl{Name: "probes", Kind: param.Int, Default: int64(0), Min: 0, Max: MaxProbes,
			Doc: "record time and RSS this many times along the way"}},
		{Decl: param.Decl{Name: "threads", Kind: param.Int, Default: int64(1), Min: 1, Max: MaxThreads,
			Doc: "split the prims over this many threads"}},
	}
}

// Traits implements Op.
func (Traverse) Traits() []string { return []string{results.TraitTraversal} }

// Needs implements Needer.
func (Traverse) Needs(s *Step) Needs { return Needs{Threads: s.Args.Int("threads") > 1} }

// Check implements Op.
func (Traverse) Check(args param.Values) (param.Values, error) {
	return oneOrMany(args, false, "traverse")
}

// Request implements Op: every property when none is named, the random
// order as explicit indices (a PCG(seed, 0) shuffle of layer order) and
// the probe points.
func (Traverse) Request(s *Step, t *Target) (param.Values, error) {
	props := s.Args.Strings("properties")
	if len(props) == 0 {
		props = t.Scene.Properties()
	}
	n := t.Scene.Prims()
	limit := int(s.Args.Int("limit"))
	count := n
	if limit > 0 && limit < n {
		count = limit
	}
	req := param.Values{
		"properties": props,
		"order":      s.Args.String("order"),
		"limit":      int64(limit),
		"threads":    s.Args.Int("threads"),
		"probe_at":   probePoints(count, int(s.Args.Int("probes"))),
	}
	if req.String("order") == "random" {
		perm := make([]int64, n)
		for i := range perm {
			perm[i] = int64(i)
		}
		rand.New(rand.NewPCG(s.Args.Uint("seed"), 0)).Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		req["order"], req["indices"] = "indices", perm[:count]
	}
	return req, nil
}

// Expect implements Op.
func (Traverse) Expect(req *protocol.Step, t *Target) protocol.Expect {
	n := int64(t.Scene.Prims())
	if l := req.Params.Int("limit"); l > 0 && l < n {
		n = l
	}
	return protocol.Expect{Digest: true, Ops: 1, MaxValues: n * int64(len(req.Params.Strings("properties")))}
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
	tr := &traversal{env: env, r: r, props: props, points: req.Params.Ints("probe_at")}
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
		tr.base = dList
		ranges = Chunks(len(tr.order), threads)
		var d time.Duration
		if len(ranges) == 1 {
			d, err = tr.runSingle()
		} else {
			d, err = tr.runParallel(ranges)
		}
		if err != nil {
			return Timing{}, err
		}
		return Timing{NS: env.Elapsed(dList + d), Ops: 1}, nil
	}
	run.Digest = func() (string, int64, error) { return tr.digest(ranges) }
	return run, nil
}

// traversal is one traverse step in progress.
type traversal struct {
	env    *Env
	r      formats.Reader
	props  []string
	order  []string
	points []int64       // prim counts at which to probe
	base   time.Duration // time already spent listing prims

	// parallel traversals keep probing time in: the other threads go on
	// while one probes.
	parallel bool
	mu       sync.Mutex
	paused   atomic.Int64 // ns spent probing, kept out of single-thread timings
	start    time.Time
	probeErr error
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
	var v formats.Value
	next := 0
	t.start = time.Now()
	for i, prim := range t.order {
		if i%ctxCheckEvery == 0 && t.env.Ctx.Err() != nil {
			return 0, t.env.Ctx.Err()
		}
		for _, p := range t.props {
			if err := t.r.Get(prim, p, &v); err != nil && !errors.Is(err, formats.ErrNoValue) {
				return 0, fmt.Errorf("get %s %s: %w", prim, p, err)
			}
		}
		if next < len(t.points) && int64(i+1) == t.points[next] {
			t.probe(i + 1)
			next++
		}
	}
	d := time.Since(t.start) - time.Duration(t.paused.Load())
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
			var v formats.Value
			for i, prim := range t.order[rg[0]:rg[1]] {
				if i%ctxCheckEvery == 0 && t.env.Ctx.Err() != nil {
					errs[c] = t.env.Ctx.Err()
					return
				}
				for _, p := range t.props {
					if err := t.r.Get(prim, p, &v); err != nil && !errors.Is(err, formats.ErrNoValue) {
						errs[c] = fmt.Errorf("get %s %s: %w", prim, p, err)
						return
					}
				}
				if len(t.points) > 0 {
					n := done.Add(1)
					if _, hit := slices.BinarySearch(t.points, n); hit {
						t.probe(int(n))
					}
				}
			}
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
// the timed pass read it, combined by CombineDigests.
func (t *traversal) digest(ranges [][2]int) (string, int64, error) {
	sums := make([]uint64, len(ranges))
	counts := make([]int64, len(ranges))
	errs := make([]error, len(ranges))
	chunk := func(c int) {
		var v formats.Value
		var dg formats.Digest
		dg.Reset()
		for i, prim := range t.order[ranges[c][0]:ranges[c][1]] {
			if i%ctxCheckEvery == 0 && t.env.Ctx.Err() != nil {
				errs[c] = t.env.Ctx.Err()
				return
			}
			for _, p := range t.props {
				err := t.r.Get(prim, p, &v)
				if errors.Is(err, formats.ErrNoValue) {
					continue // a pair without a value is not digested
				}
				if err != nil {
					errs[c] = fmt.Errorf("get %s %s (digest pass): %w", prim, p, err)
					return
				}
				dg.Add(prim, p, &v)
			}
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
