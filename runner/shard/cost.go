package shard

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"sort"

	"github.com/scenebench/runner/runner/plan"
	"github.com/scenebench/runner/runner/results"
)

// The cost model, used when no earlier results say what a cell costs: a
// run costs its prims times its steps times a factor for the format and
// reader, plus a fixed cost per run (starting a worker, opening a file),
// and a cell makes warmup+repeat runs. It only has to rank groups and
// weigh them roughly against each other; measured times (-estimate) do
// better.
const (
	// runOverhead is the fixed cost of one run, in prim-steps: a worker
	// process starts in about 17 ms, what a reader spends on some 2,000
	// prims of an open.
	runOverhead = 2000
	// factorScale is the scale of formatFactors (100 = 1x).
	factorScale = 100
)

// formatFactors weigh a prim-step of each format against usdc's, from the
// README's measurements: usda parses text at open (about 1.5x usdc at 1M
// prims, more with the reads), parquet opens faster but decodes whole
// column chunks on a first read, which evens out over a scenario.
var formatFactors = map[string]int64{
	"usdc":    100,
	"usda":    200,
	"parquet": 100,
}

// driverFactor weighs a prim-step read by a driver (a process in another
// language, OpenUSD through Python) against runner's own Go reader.
const driverFactor = 200

// Estimate holds measured times from an earlier results file, per cell id:
// the wall time of one run (every step's median times its ops, plus the
// reader's start-up), in nanoseconds.
type Estimate struct {
	Source string
	PerRun map[string]int64
}

// LoadEstimate reads measured times from the results file at path.
func LoadEstimate(path string) (*Estimate, error) {
	f, err := results.ReadFile(path)
	if err != nil {
		return nil, err
	}
	est := FromResults(f)
	est.Source = path
	if len(est.PerRun) == 0 {
		return nil, fmt.Errorf("%s: no cell ran to the end, so it estimates nothing", path)
	}
	return est, nil
}

// FromResults takes the measured time of every cell of f that ran to the
// end (ok or mismatch).
func FromResults(f *results.File) *Estimate {
	est := &Estimate{PerRun: map[string]int64{}}
	for i := range f.Cells {
		c := &f.Cells[i]
		if (c.Status != results.StatusOK && c.Status != results.StatusMismatch) || len(c.Steps) == 0 {
			continue
		}
		var ns int64
		for _, s := range c.Steps {
			if s.Op == results.OpFirstValue {
				continue // derived from the open and a read, counted already
			}
			ns = addSat(ns, roundNS(s.Stats.MedianNS*float64(max(s.Ops, 1))))
		}
		if c.Startup != nil {
			ns = addSat(ns, roundNS(c.Startup.Stats.MedianNS))
		}
		est.PerRun[c.ID] = ns
	}
	return est
}

func roundNS(v float64) int64 {
	switch {
	case v != v || v <= 0:
		return 0
	case v >= math.MaxInt64:
		return math.MaxInt64
	}
	return int64(math.Round(v))
}

// modelPerRun is the model's cost of one run of c.
func modelPerRun(c *plan.Cell) int64 {
	f, ok := formatFactors[c.Format.Format]
	if !ok {
		f = factorScale
	}
	if c.Format.ReaderName() != plan.GoReader {
		f = mulSat(f, driverFactor) / factorScale
	}
	work := mulSat(mulSat(int64(c.Dataset.Prims), int64(len(c.Scenario.Steps))), f) / factorScale
	return addSat(runOverhead, work)
}

// ErrNoOverlap is wrapped when an estimate file shares no cell with the plan.
var ErrNoOverlap = errors.New("the estimate shares no cell with the plan")

// cellCosts is the estimated cost of every cell of p, and its unit. With
// an estimate, a cell it measured costs its measured time per run; the
// others cost the model's figure scaled by measured/model over the cells
// it did measure, so that both are in nanoseconds.
func cellCosts(p *plan.Plan, est *Estimate) ([]int64, string, error) {
	runs := int64(max(p.Settings.Warmup, 0) + max(p.Settings.Repeat, 1))
	costs := make([]int64, len(p.Cells))
	if est == nil {
		for i := range p.Cells {
			costs[i] = mulSat(runs, modelPerRun(&p.Cells[i]))
		}
		return costs, UnitModel, nil
	}
	measured, model := new(big.Int), new(big.Int)
	for i := range p.Cells {
		if ns, ok := est.PerRun[p.Cells[i].ID]; ok {
			measured.Add(measured, big.NewInt(ns))
			model.Add(model, big.NewInt(modelPerRun(&p.Cells[i])))
		}
	}
	if model.Sign() == 0 {
		return nil, "", fmt.Errorf("-estimate %s: %w (another spec, or other -var or -filter?)", est.Source, ErrNoOverlap)
	}
	for i := range p.Cells {
		ns, ok := est.PerRun[p.Cells[i].ID]
		if !ok {
			// model x measured / model, in exact integers
			v := new(big.Int).Mul(big.NewInt(modelPerRun(&p.Cells[i])), measured)
			v.Quo(v, model)
			ns = math.MaxInt64
			if v.IsInt64() {
				ns = v.Int64()
			}
		}
		costs[i] = mulSat(runs, ns)
	}
	return costs, UnitNS, nil
}

// addSat and mulSat saturate at math.MaxInt64 instead of wrapping; costs
// are never negative.
func addSat(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

func mulSat(a, b int64) int64 {
	if a == 0 || b == 0 {
		return 0
	}
	if a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}

// File writes the estimate as the smallest results file that LoadEstimate
// reads back to the same figures: one ok cell per measured cell, with one
// step whose median is the cell's time per run. runner export ships it to
// the pods in place of a whole results file.
func (e *Estimate) File() *results.File {
	f := &results.File{SchemaVersion: results.SchemaVersion, Title: "estimate from " + e.Source, Cells: []results.Cell{}}
	ids := make([]string, 0, len(e.PerRun))
	for id := range e.PerRun {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		f.Cells = append(f.Cells, results.Cell{ID: id, Status: results.StatusOK, Variant: map[string]string{},
			Steps: []results.Step{{Name: "run", Op: "run", Ops: 1, SamplesNS: []float64{}, Stats: results.Stats{MedianNS: float64(e.PerRun[id])}}}})
	}
	return f
}
