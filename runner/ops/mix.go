package ops

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/scenebench/runner/formats"
	"github.com/scenebench/runner/internal/param"
	"github.com/scenebench/runner/runner/protocol"
	"github.com/scenebench/runner/runner/results"
)

// Mix is an interactive session: rounds of one bulk traversal of a few
// properties (colouring a viewport by one property) followed by point
// reads of random prims (inspecting single prims), interleaved on one open
// reader. The whole step is one timing, listing the prims once included;
// the traversals and the point reads are also timed apart, as the parts
// "traversal" (one operation per traversal) and "point" (one per point
// read). The digest, from a second untimed pass, covers every value in
// the order read: each round's traversal, then its point reads.
//
// Spec: rounds (default 10), point_reads per round (default 10),
// point_properties (default: every property), traversal_properties
// (default: every property), traversal_fraction (the share of prims each
// traversal reads, a fresh seeded random subset every round in layer
// order; default 1, every prim), seed.
//
// Request: "rounds", "point_reads", "point_properties",
// "traversal_properties", "points" (rounds x point_reads positions in
// layer order: round r reads points[r*point_reads:(r+1)*point_reads]),
// "traversal" ("layer": every prim each round, or "indices"), and for
// "indices" "traversal_prims" (k) and "traversal_indices" (rounds x k
// positions: round r traverses traversal_indices[r*k:(r+1)*k]).
type Mix struct{}

// Mix's parts and limits.
const (
	PartTraversal = "traversal"
	PartPoint     = "point"
	MaxRounds     = 1 << 20
	MaxPointReads = 1 << 24
	// maxMixPositions bounds the positions a mix request carries.
	maxMixPositions = 1 << 26
)

// Name implements Op.
func (Mix) Name() string { return "mix" }

// Doc implements Op.
func (Mix) Doc() string {
	return "rounds of a bulk traversal then point reads of random prims, timed as a whole and per kind"
}

// Attrs implements Op.
func (Mix) Attrs() []Attr {
	return []Attr{
		{Decl: param.Decl{Name: "rounds", Kind: param.Int, Default: int64(10), Min: 1, Max: MaxRounds,
			Doc: "rounds of one traversal then point reads"}},
		{Decl: param.Decl{Name: "point_reads", Kind: param.Int, Default: int64(10), Min: 0, Max: MaxPointReads,
			Doc: "random prims read one at a time in each round"}},
		{Decl: param.Decl{Name: "point_properties", Kind: param.Strings, Doc: "what a point read reads of its prim (default: every property)"},
			Check: checkProperty, Properties: true},
		{Decl: param.Decl{Name: "traversal_properties", Kind: param.Strings, Doc: "what each traversal reads of every prim (default: every property)"},
			Check: checkProperty, Properties: true},
		{Decl: param.Decl{Name: "traversal_fraction", Kind: param.Float, Default: float64(1), FMin: 0, FMax: 1, FMinOpen: true,
			Doc: "the share of prims each traversal reads, a fresh random subset per round"}},
		{Decl: param.Decl{Name: "seed", Kind: param.Uint, Default: uint64(0), Doc: "seed of the point reads' prims and the traversals' subsets"}},
	}
}

// Traits implements Op.
func (Mix) Traits() []string { return []string{results.TraitMixed} }

// Check implements Op.
func (Mix) Check(args param.Values) (param.Values, error) { return args, nil }

// Request implements Op: every random choice drawn here from PCG(seed, 0),
// point reads first (rounds x point_reads draws), then each round's
// traversal subset (a shuffle of layer order, its first k, sorted).
func (Mix) Request(s *Step, t *Target) (param.Values, error) {
	n := t.Scene.Prims()
	if n == 0 {
		return nil, errors.New("the dataset has no prims")
	}
	rounds, pr := s.Args.Int("rounds"), s.Args.Int("point_reads")
	pointProps, travProps := s.Args.Strings("point_properties"), s.Args.Strings("traversal_properties")
	pointProps, travProps = orEvery(pointProps, t), orEvery(travProps, t)
	k := SparseCount(n, mixFraction(s.Args))
	if rounds*pr > maxMixPositions || (k < n && rounds*int64(k) > maxMixPositions) {
		return nil, fmt.Errorf("a mix of %d rounds reads more than %d chosen prims; use fewer rounds, point reads or a larger traversal_fraction", rounds, maxMixPositions)
	}
	rng := rand.New(rand.NewPCG(s.Args.Uint("seed"), 0))
	points := make([]int64, rounds*pr)
	for i := range points {
		points[i] = int64(rng.IntN(n))
	}
	req := param.Values{
		"rounds":               rounds,
		"point_reads":          pr,
		"point_properties":     pointProps,
		"traversal_properties": travProps,
		"points":               points,
		"traversal":            "layer",
	}
	if k < n {
		perm := make([]int64, n)
		idx := make([]int64, 0, rounds*int64(k))
		for range rounds {
			for i := range perm {
				perm[i] = int64(i)
			}
			// A partial Fisher-Yates shuffle: the first k of a random
			// permutation.
			for i := range k {
				j := i + rng.IntN(n-i)
				perm[i], perm[j] = perm[j], perm[i]
			}
			sub := slices.Clone(perm[:k])
			slices.Sort(sub)
			idx = append(idx, sub...)
		}
		req["traversal"], req["traversal_prims"], req["traversal_indices"] = "indices", int64(k), idx
	}
	return req, nil
}

func mixFraction(args param.Values) float64 {
	if f := args.Float("traversal_fraction"); f > 0 && f < 1 {
		return f
	}
	return 1
}

// Expect implements Op.
func (Mix) Expect(req *protocol.Step, t *Target) protocol.Expect {
	rounds, pr := req.Params.Int("rounds"), req.Params.Int("point_reads")
	k := int64(t.Scene.Prims())
	if req.Params.String("traversal") == "indices" {
		k = req.Params.Int("traversal_prims")
	}
	values := rounds * (k*int64(len(req.Params.Strings("traversal_properties"))) + pr*int64(len(req.Params.Strings("point_properties"))))
	return protocol.Expect{Digest: true, Ops: 1, MaxValues: values,
		Parts: map[string]int64{PartTraversal: rounds, PartPoint: rounds * pr}}
}

// mixPlan is a mix request resolved against the reader's prims.
type mixPlan struct {
	rounds, pointReads int
	pointProps, trav   []string
	points             []int64
	// travIdx holds each round's traversal positions (nil: every prim).
	travIdx []int64
	k       int
}

func parseMix(req *protocol.Step) (*mixPlan, error) {
	m := &mixPlan{
		rounds: int(req.Params.Int("rounds")), pointReads: int(req.Params.Int("point_reads")),
		pointProps: req.Params.Strings("point_properties"), trav: req.Params.Strings("traversal_properties"),
		points: req.Params.Ints("points"),
	}
	switch {
	case m.rounds < 1:
		return nil, errors.New("mix needs rounds >= 1")
	case m.pointReads < 0 || len(m.points) != m.rounds*m.pointReads:
		return nil, fmt.Errorf("mix: %d points for %d rounds of %d point reads", len(m.points), m.rounds, m.pointReads)
	case len(m.trav) == 0 || (m.pointReads > 0 && len(m.pointProps) == 0):
		return nil, errors.New("mix needs traversal_properties and point_properties")
	}
	switch tr := req.Params.String("traversal"); tr {
	case "", "layer":
	case "indices":
		m.k = int(req.Params.Int("traversal_prims"))
		m.travIdx = req.Params.Ints("traversal_indices")
		if m.k < 1 || len(m.travIdx) != m.rounds*m.k {
			return nil, fmt.Errorf("mix: %d traversal indices for %d rounds of %d prims", len(m.travIdx), m.rounds, m.k)
		}
	default:
		return nil, fmt.Errorf("unknown traversal %q (layer or indices)", tr)
	}
	return m, nil
}

// Start implements Op.
func (Mix) Start(env *Env, req *protocol.Step) (*Run, error) {
	r, err := env.NeedReader()
	if err != nil {
		return nil, err
	}
	m, err := parseMix(req)
	if err != nil {
		return nil, err
	}
	var prims []string
	check := func(idx []int64) error {
		for _, i := range idx {
			if i < 0 || i >= int64(len(prims)) {
				return fmt.Errorf("index %d is outside the %d prims", i, len(prims))
			}
		}
		return nil
	}
	// pass reads everything once, in order: timed, or digesting into dg.
	pass := func(dg *formats.Digest, travNS, pointNS *time.Duration) error {
		var v formats.Value
		get := func(prim, p string) error {
			if err := r.Get(prim, p, &v); err != nil {
				return fmt.Errorf("get %s %s: %w", prim, p, err)
			}
			if dg != nil {
				dg.Add(prim, p, &v)
			}
			return nil
		}
		for round := range m.rounds {
			if env.Ctx.Err() != nil {
				return env.Ctx.Err()
			}
			t0 := time.Now()
			if m.travIdx == nil {
				for i, prim := range prims {
					if i%ctxCheckEvery == 0 && env.Ctx.Err() != nil {
						return env.Ctx.Err()
					}
					for _, p := range m.trav {
						if err := get(prim, p); err != nil {
							return err
						}
					}
				}
			} else {
				for _, i := range m.travIdx[round*m.k : (round+1)*m.k] {
					for _, p := range m.trav {
						if err := get(prims[i], p); err != nil {
							return err
						}
					}
				}
			}
			t1 := time.Now()
			for _, i := range m.points[round*m.pointReads : (round+1)*m.pointReads] {
				for _, p := range m.pointProps {
					if err := get(prims[i], p); err != nil {
						return err
					}
				}
			}
			t2 := time.Now()
			if travNS != nil {
				*travNS += max(t1.Sub(t0)-env.Clock, 0)
				*pointNS += max(t2.Sub(t1)-env.Clock, 0)
			}
		}
		return nil
	}
	run := &Run{}
	run.Timed = func() (Timing, error) {
		var trav, point time.Duration
		t0 := time.Now()
		var err error
		if prims, err = r.Prims(); err != nil {
			return Timing{}, fmt.Errorf("list prims of %s: %w", env.Path, err)
		}
		// Positions are checked once the prims are known; the check is
		// part of the timing but costs nothing beside the reads.
		if err := errors.Join(check(m.points), check(m.travIdx)); err != nil {
			return Timing{}, err
		}
		if err := pass(nil, &trav, &point); err != nil {
			return Timing{}, err
		}
		d := time.Since(t0)
		parts := []protocol.Part{
			{Name: PartTraversal, NS: float64(trav) / float64(m.rounds), Ops: int64(m.rounds)},
			{Name: PartPoint, Ops: int64(m.rounds * m.pointReads)},
		}
		if n := m.rounds * m.pointReads; n > 0 {
			parts[1].NS = float64(point) / float64(n)
		}
		return Timing{NS: env.Elapsed(d), Ops: 1, Parts: parts}, nil
	}
	run.Digest = func() (string, int64, error) {
		var dg formats.Digest
		dg.Reset()
		if err := pass(&dg, nil, nil); err != nil {
			return "", 0, err
		}
		return dg.Hex(), int64(dg.Count()), nil
	}
	return run, nil
}
