package exec

import (
	"context"
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
	"github.com/scenebench/runner/runner/measure"
	"github.com/scenebench/runner/runner/plan"
	"github.com/scenebench/runner/runner/results"
)

// runRequest asks for one run of a scenario on one data file. It is what
// the parent sends a worker, and what an in-process run receives.
type runRequest struct {
	Path    string         `json:"path"`
	Format  string         `json:"format"`
	Options map[string]any `json:"options"`
	Steps   []plan.Step    `json:"steps"`
	// Batch carries the calibrated batch size of each batched step from an
	// earlier run of the cell, so all runs time the same number of ops.
	Batch map[string]int64 `json:"batch,omitempty"`
}

// runResult is one run's measurements of every step.
type runResult struct {
	Steps []stepResult `json:"steps"`
	// PeakRSS is the process's VmHWM at the end of the run: for a worker,
	// the peak of the run and its start-up.
	PeakRSS uint64 `json:"peak_rss"`
	// Unavailable lists the probes this system does not offer.
	Unavailable []string `json:"unavailable,omitempty"`
}

// stepResult is one step's measurements in one run.
type stepResult struct {
	Name string `json:"name"`
	Op   string `json:"op"`
	// NS is the time of one operation; Ops how many operations the timing
	// covered (batched and repeated gets), so NS*Ops is the step's time.
	NS      float64 `json:"ns"`
	Ops     int64   `json:"ops"`
	Batched bool    `json:"batched,omitempty"`
	Digest  string  `json:"digest,omitempty"`
	Values  int64   `json:"values,omitempty"`

	RSSBefore   uint64          `json:"rss_before"`
	RSSAfter    uint64          `json:"rss_after"`
	PeakRSS     uint64          `json:"peak_rss"`
	RChar       uint64          `json:"rchar"`
	ReadBytes   uint64          `json:"read_bytes"`
	MajorFaults uint64          `json:"major_faults"`
	MinorFaults uint64          `json:"minor_faults"`
	GoHeap      uint64          `json:"go_heap"`
	Probes      []results.Probe `json:"probes,omitempty"`
}

// ctxCheckEvery is how many prims a traversal reads between checks for
// cancellation (a check costs a few nanoseconds; a prim far more).
const ctxCheckEvery = 1024

// scenarioRun executes the steps of one run in this process.
type scenarioRun struct {
	ctx    context.Context
	prober *measure.Prober
	clock  time.Duration // measure.ClockOverhead, subtracted from timings
	format formats.Format
	opts   formats.Options
	path   string
	batch  map[string]int64

	reader        formats.Reader
	getsSinceOpen int
	// verify, when set by a step, digests what the step read; it runs
	// after the step's probes.
	verify func() (digest string, values int64, err error)
}

// runScenario runs req's steps in order on one reader, which the
// scenario's open step opens; the reader is closed at the end, outside the
// timings.
func runScenario(ctx context.Context, prober *measure.Prober, clock time.Duration, req *runRequest) (rr runResult, err error) {
	f, ok := formats.Lookup(req.Format)
	if !ok {
		return rr, fmt.Errorf("unknown format %q (registered: %v)", req.Format, formats.Names())
	}
	opts, err := formats.Normalize(f, req.Options)
	if err != nil {
		return rr, err
	}
	s := &scenarioRun{ctx: ctx, prober: prober, clock: clock, format: f, opts: opts, path: req.Path, batch: req.Batch}
	defer func() {
		if s.reader != nil {
			if cerr := s.reader.Close(); cerr != nil && err == nil {
				err = fmt.Errorf("close %s: %w", s.path, cerr)
			}
		}
	}()
	for i := range req.Steps {
		step := &req.Steps[i]
		if err := ctx.Err(); err != nil {
			return rr, err
		}
		sr, err := s.measureStep(step)
		if err != nil {
			return rr, fmt.Errorf("step %s: %w", step.Name, err)
		}
		rr.Steps = append(rr.Steps, sr)
	}
	rr.PeakRSS = prober.PeakRSS()
	rr.Unavailable = prober.Unavailable()
	return rr, nil
}

// measureStep wraps one step in probes, which stay outside its timing.
func (s *scenarioRun) measureStep(step *plan.Step) (stepResult, error) {
	s.prober.ResetPeak()
	before := s.prober.Before()
	var sr stepResult
	var err error
	switch step.Op {
	case "open":
		sr, err = s.open()
	case "get":
		sr, err = s.get(step)
	case "traverse":
		sr, err = s.traverse(step)
	default:
		err = fmt.Errorf("unknown op %q", step.Op)
	}
	if err != nil {
		return sr, err
	}
	after := s.prober.After()
	sr.PeakRSS = max(s.prober.PeakRSS(), after.RSS)
	if s.verify != nil {
		sr.Digest, sr.Values, err = s.verify()
		s.verify = nil
		if err != nil {
			return sr, err
		}
	}
	sr.Name, sr.Op = step.Name, step.Op
	sr.RSSBefore, sr.RSSAfter = before.RSS, after.RSS
	sr.RChar, sr.ReadBytes = after.ReadSince(before)
	sr.MajorFaults = after.MajorFaults - before.MajorFaults
	sr.MinorFaults = after.MinorFaults - before.MinorFaults
	sr.GoHeap = after.GoHeap
	return sr, nil
}

// elapsed turns a raw timing into the work's time: the clock's own cost
// taken off, never below zero.
func (s *scenarioRun) elapsed(d time.Duration) float64 {
	return float64(max(d-s.clock, 0))
}

func (s *scenarioRun) open() (stepResult, error) {
	if s.reader != nil {
		if err := s.reader.Close(); err != nil {
			return stepResult{}, fmt.Errorf("close before reopening %s: %w", s.path, err)
		}
		s.reader = nil
	}
	t0 := time.Now()
	r, err := s.format.Open(s.path, s.opts)
	d := time.Since(t0)
	if err != nil {
		return stepResult{}, fmt.Errorf("open %s: %w", s.path, err)
	}
	s.reader, s.getsSinceOpen = r, 0
	return stepResult{NS: s.elapsed(d), Ops: 1}, nil
}

func (s *scenarioRun) need() (formats.Reader, error) {
	if s.reader == nil {
		return nil, errors.New("no open reader: the scenario must open the file first")
	}
	return s.reader, nil
}

// resolvePrim turns "first", "middle", "last" and "random" into a path,
// outside any timing. "random" draws with PCG(seed, 0), so every format
// reads the same prim.
func (s *scenarioRun) resolvePrim(r formats.Reader, step *plan.Step) (string, error) {
	switch step.Prim {
	case "first", "middle", "last", "random":
	default:
		if step.Prim == "" {
			return "", errors.New("no prim given")
		}
		return step.Prim, nil
	}
	prims, err := r.Prims()
	if err != nil {
		return "", fmt.Errorf("list prims of %s: %w", s.path, err)
	}
	if len(prims) == 0 {
		return "", fmt.Errorf("%s has no prims", s.path)
	}
	switch step.Prim {
	case "first":
		return prims[0], nil
	case "middle":
		return prims[len(prims)/2], nil
	case "last":
		return prims[len(prims)-1], nil
	}
	return prims[rand.New(rand.NewPCG(step.Seed, 0)).IntN(len(prims))], nil
}

// get reads the step's properties of one prim Times times. The first get
// after an open is the cold one and is timed once as it is; later gets
// that take under measure.BatchThreshold are batched. The digest covers
// each property once, from the values of the last read.
func (s *scenarioRun) get(step *plan.Step) (stepResult, error) {
	r, err := s.need()
	if err != nil {
		return stepResult{}, err
	}
	if len(step.Properties) == 0 {
		return stepResult{}, errors.New("get names no properties")
	}
	prim, err := s.resolvePrim(r, step)
	if err != nil {
		return stepResult{}, err
	}
	cold := s.getsSinceOpen == 0
	s.getsSinceOpen++
	props := step.Properties
	vals := make([]formats.Value, len(props))
	var readErr error
	loop := func(n int64) time.Duration {
		t0 := time.Now()
		for range n {
			for j, p := range props {
				if err := r.Get(prim, p, &vals[j]); err != nil {
					d := time.Since(t0)
					if readErr == nil {
						readErr = fmt.Errorf("get %s %s: %w", prim, p, err)
					}
					return d
				}
			}
		}
		return time.Since(t0)
	}
	n := int64(max(step.Times, 1))
	d := loop(n)
	if readErr != nil {
		return stepResult{}, readErr
	}
	// One timing of a short step is at the mercy of a cache miss or a
	// preemption: a warm get near the threshold is timed once more and
	// batched when either timing is under it. Once a run of the cell has
	// batched the step, later runs use its batch size as they are.
	batched := false
	if !cold {
		if b := s.batch[step.Name]; b > n {
			batched = true
			n, d = b, loop(b)
		} else if d < 10*measure.BatchThreshold {
			if fastest := min(d, loop(n)); fastest < measure.BatchThreshold {
				batched = true
				n, d = measure.Calibrate(measure.BatchGoal, n, fastest, loop)
			}
		}
		if readErr != nil {
			return stepResult{}, readErr
		}
	}
	var dg formats.Digest
	dg.Reset()
	for j, p := range props {
		dg.Add(prim, p, &vals[j])
	}
	return stepResult{NS: s.elapsed(d) / float64(n), Ops: n, Batched: batched, Digest: dg.Hex(), Values: int64(dg.Count())}, nil
}

// traversalOrder returns prims in the step's order, limited: layer order,
// reversed, or shuffled with PCG(seed, 0). The input is not modified.
func traversalOrder(prims []string, step *plan.Step) ([]string, error) {
	var out []string
	switch step.Order {
	case "", "layer":
		out = prims
	case "reverse":
		out = slices.Clone(prims)
		slices.Reverse(out)
	case "random":
		out = slices.Clone(prims)
		rand.New(rand.NewPCG(step.Seed, 0)).Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	default:
		return nil, fmt.Errorf("unknown order %q (layer, random or reverse)", step.Order)
	}
	if step.Limit > 0 && step.Limit < len(out) {
		out = out[:step.Limit]
	}
	return out, nil
}

// probePoints returns the prim counts after which a traversal of n prims
// records a probe: n/k, 2n/k, ..., n (deduplicated for k > n).
func probePoints(n, k int) []int {
	if k <= 0 || n <= 0 {
		return nil
	}
	var pts []int
	for i := 1; i <= k; i++ {
		p := i * n / k
		if p > 0 && (len(pts) == 0 || pts[len(pts)-1] != p) {
			pts = append(pts, p)
		}
	}
	return pts
}

// chunks splits n items into k contiguous ranges of near-equal size, the
// first n%k one longer.
func chunks(n, k int) [][2]int {
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

// combineDigests is the digest of a traversal split over threads: XXH64 of
// the chunk digests as little-endian u64s, in chunk order.
func combineDigests(sums []uint64) string {
	buf := make([]byte, 8*len(sums))
	for i, s := range sums {
		binary.LittleEndian.PutUint64(buf[8*i:], s)
	}
	return fmt.Sprintf("%016x", xxhash.Sum64(buf))
}

// traverse reads the step's properties (all when none are named) of every
// prim in the step's order. Listing the prims is part of the timing;
// ordering them is not, nor are probes. The timed pass only reads; the
// digest comes from a second pass over the same reads in the same order,
// run after the step's probes (see verifyTraversal), so hashing stays out
// of the time and the memory figures.
func (s *scenarioRun) traverse(step *plan.Step) (stepResult, error) {
	r, err := s.need()
	if err != nil {
		return stepResult{}, err
	}
	props := step.Properties
	if len(props) == 0 {
		for _, p := range r.Properties() {
			props = append(props, p.Name)
		}
	}
	t0 := time.Now()
	prims, err := r.Prims()
	dList := time.Since(t0)
	if err != nil {
		return stepResult{}, fmt.Errorf("list prims of %s: %w", s.path, err)
	}
	order, err := traversalOrder(prims, step)
	if err != nil {
		return stepResult{}, err
	}
	tr := &traversal{
		ctx: s.ctx, r: r, props: props, order: order, prober: s.prober,
		points: probePoints(len(order), step.Probes), base: dList,
	}
	ranges := chunks(len(order), max(step.Threads, 1))
	var d time.Duration
	if len(ranges) == 1 {
		d, err = tr.runSingle()
	} else {
		d, err = tr.runParallel(ranges)
	}
	if err != nil {
		return stepResult{}, err
	}
	s.verify = func() (string, int64, error) { return tr.digest(ranges) }
	return stepResult{NS: s.elapsed(dList + d), Ops: 1, Probes: tr.probes}, nil
}

// traversal is one traverse step in progress.
type traversal struct {
	ctx    context.Context
	r      formats.Reader
	props  []string
	order  []string
	prober *measure.Prober
	points []int         // prim counts at which to probe
	base   time.Duration // time already spent listing prims

	// parallel traversals keep probing time in: the other threads go on
	// while one probes.
	parallel bool
	mu       sync.Mutex
	paused   atomic.Int64 // ns spent probing, kept out of single-thread timings
	probes   []results.Probe
	start    time.Time
}

// probe records elapsed time (without earlier probes) and RSS after done
// prims, and keeps its own cost out of the timing.
func (t *traversal) probe(done int) {
	tp := time.Now()
	t.mu.Lock()
	elapsed := tp.Sub(t.start) - time.Duration(t.paused.Load()) + t.base
	rss := t.prober.RSS()
	t.probes = append(t.probes, results.Probe{Prims: done, ElapsedNS: float64(elapsed), RSSBytes: float64(rss)})
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
		if i%ctxCheckEvery == 0 && t.ctx.Err() != nil {
			return 0, t.ctx.Err()
		}
		for _, p := range t.props {
			if err := t.r.Get(prim, p, &v); err != nil {
				return 0, fmt.Errorf("get %s %s: %w", prim, p, err)
			}
		}
		if next < len(t.points) && i+1 == t.points[next] {
			t.probe(i + 1)
			next++
		}
	}
	return time.Since(t.start) - time.Duration(t.paused.Load()), nil
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
				if i%ctxCheckEvery == 0 && t.ctx.Err() != nil {
					errs[c] = t.ctx.Err()
					return
				}
				for _, p := range t.props {
					if err := t.r.Get(prim, p, &v); err != nil {
						errs[c] = fmt.Errorf("get %s %s: %w", prim, p, err)
						return
					}
				}
				if len(t.points) > 0 {
					n := int(done.Add(1))
					if _, hit := slices.BinarySearch(t.points, n); hit {
						t.probe(n)
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
	slices.SortFunc(t.probes, func(a, b results.Probe) int { return a.Prims - b.Prims })
	return d, nil
}

// digest reads the traversal again, untimed, and digests it: one digest in
// read order for one chunk; for more, each chunk on its own goroutine as
// the timed pass read it, combined by combineDigests.
func (t *traversal) digest(ranges [][2]int) (string, int64, error) {
	sums := make([]uint64, len(ranges))
	counts := make([]int64, len(ranges))
	errs := make([]error, len(ranges))
	chunk := func(c int) {
		var v formats.Value
		var dg formats.Digest
		dg.Reset()
		for i, prim := range t.order[ranges[c][0]:ranges[c][1]] {
			if i%ctxCheckEvery == 0 && t.ctx.Err() != nil {
				errs[c] = t.ctx.Err()
				return
			}
			for _, p := range t.props {
				if err := t.r.Get(prim, p, &v); err != nil {
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
	return combineDigests(sums), values, nil
}
