package view

import (
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/scenebench/runner/runner/results"
)

// The wish list's views: how throughput grows with threads, mixed
// workloads as a whole and per kind, and how formats degrade as memory
// shrinks. Each is computed on demand from the results file, so reports
// that do not show them pay nothing.

// Swept attributes the curves follow.
const (
	AxisThreads     = "threads"
	AxisMemoryLimit = "memory_limit"
	AxisCacheBudget = "cache_budget"
)

// scenarioInfo finds a scenario's description in the results.
func (r *Report) scenarioInfo(name string) results.Scenario {
	for _, s := range r.File.Scenarios {
		if s.Name == name {
			return s
		}
	}
	return results.Scenario{Name: name}
}

// scenarioFamily is what a scenario is without its swept value of axis:
// its block and its other swept values, as a scenario name would read
// ("scan-mem128MiB" for scan-t4-mem128MiB without threads), so that the
// scenarios of one sweep fall together. A scenario that does not sweep
// axis is its own family.
func (r *Report) scenarioFamily(name, axis string) string {
	s := r.scenarioInfo(name)
	if _, swept := s.Axes[axis]; !swept || s.Base == "" {
		return name
	}
	keys := mapKeys(s.Axes)
	slices.Sort(keys)
	parts := []string{s.Base}
	for _, k := range keys {
		if k != axis {
			parts = append(parts, s.Axes[k])
		}
	}
	return strings.Join(parts, "-")
}

// variantFamily is a cell's variant label without its fragment of a
// variant axis (the label is the block's label and the fragments, joined
// by "-").
func variantFamily(c *results.Cell, axis string) string {
	label := CellLabel(c)
	frag, ok := c.Variant[axis]
	if !ok || frag == "" {
		return label
	}
	if i := strings.LastIndex(label, "-"+frag); i >= 0 && (i+1+len(frag) == len(label) || label[i+1+len(frag)] == '-') {
		return label[:i] + label[i+1+len(frag):]
	}
	return label
}

func mapKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Throughput is the values a step read per second: its values over the
// time of one operation (a whole traversal or mix; one get of its
// properties, by one thread).
func Throughput(s *results.Step) float64 {
	if s == nil || s.Values <= 0 || !(s.Stats.MedianNS > 0) {
		return 0
	}
	return float64(s.Values) / s.Stats.MedianNS * 1e9
}

// ThreadCurve is one step over a sweep of threads: a series per variant.
type ThreadCurve struct {
	Dataset string
	// Scenario is the scenario family (its block and any other swept
	// values), Step the step's name.
	Scenario, Step, Op string
	Threads            []int64 // every thread count, ascending
	Series             []*ThreadSeries
}

// ThreadSeries is one variant's points.
type ThreadSeries struct {
	Variant string
	Color   int // the variant's index, for its colour
	Points  []ThreadPoint
}

// ThreadPoint is one thread count's figures.
type ThreadPoint struct {
	Threads  int64
	Scenario string  // the scenario measured
	MedianNS float64 // time of one operation
	// Throughput is values per second; SpeedUp is the throughput against
	// the series' one-thread point (its fewest threads when it has none);
	// Efficiency is SpeedUp per thread.
	Throughput, SpeedUp, Efficiency float64
}

// ThreadCurves lists the steps read at several thread counts: a step of
// one name in the scenarios of one sweep (or steps the spec gave different
// threads to), per dataset.
func (r *Report) ThreadCurves() []*ThreadCurve {
	type key struct{ dataset, scenario, step string }
	curves := map[key]*ThreadCurve{}
	var order []key
	for i := range r.File.Cells {
		c := &r.File.Cells[i]
		if c.Status != results.StatusOK && c.Status != results.StatusMismatch {
			continue
		}
		for j := range c.Steps {
			s := &c.Steps[j]
			threads := intParam(s.Params, AxisThreads)
			if threads < 1 || s.Values == 0 || len(s.SamplesNS) == 0 {
				continue
			}
			k := key{c.Dataset, r.scenarioFamily(c.Scenario, AxisThreads), s.Name}
			cv, ok := curves[k]
			if !ok {
				cv = &ThreadCurve{Dataset: k.dataset, Scenario: k.scenario, Step: k.step, Op: s.Op}
				curves[k] = cv
				order = append(order, k)
			}
			label := CellLabel(c)
			var ser *ThreadSeries
			for _, x := range cv.Series {
				if x.Variant == label {
					ser = x
				}
			}
			if ser == nil {
				ser = &ThreadSeries{Variant: label, Color: r.colorOf(label)}
				cv.Series = append(cv.Series, ser)
			}
			ser.Points = append(ser.Points, ThreadPoint{Threads: threads, Scenario: c.Scenario, MedianNS: s.Stats.MedianNS, Throughput: Throughput(s)})
		}
	}
	var out []*ThreadCurve
	for _, k := range order {
		cv := curves[k]
		seen := map[int64]bool{}
		for _, ser := range cv.Series {
			sort.SliceStable(ser.Points, func(i, j int) bool { return ser.Points[i].Threads < ser.Points[j].Threads })
			base := ser.Points[0]
			for i := range ser.Points {
				p := &ser.Points[i]
				seen[p.Threads] = true
				if base.Throughput > 0 {
					p.SpeedUp = p.Throughput / base.Throughput
					p.Efficiency = p.SpeedUp * float64(base.Threads) / float64(p.Threads)
				}
			}
		}
		if len(seen) < 2 {
			continue
		}
		for t := range seen {
			cv.Threads = append(cv.Threads, t)
		}
		slices.Sort(cv.Threads)
		sort.SliceStable(cv.Series, func(i, j int) bool { return cv.Series[i].Color < cv.Series[j].Color })
		out = append(out, cv)
	}
	return out
}

// At returns the series' point at threads.
func (s *ThreadSeries) At(threads int64) (ThreadPoint, bool) {
	for _, p := range s.Points {
		if p.Threads == threads {
			return p, true
		}
	}
	return ThreadPoint{}, false
}

func (r *Report) colorOf(label string) int {
	if v := r.variant(label); v != nil {
		return v.Index
	}
	return len(r.Variants)
}

func intParam(p map[string]any, name string) int64 {
	t := StepTable{Params: p}
	return t.IntParam(name)
}

// MixTable is a step that mixes kinds of work, over every variant.
type MixTable struct {
	Dataset, Scenario, Step string
	Parts                   []string // part names in order
	Rows                    []MixRow
}

// MixRow is one variant's mix: the whole and each part.
type MixRow struct {
	Variant string
	Color   int
	Status  string
	Whole   float64 // median time of the whole step, ns (0 when absent)
	Values  int64
	Parts   []MixPart // by MixTable.Parts; zero when absent
}

// MixPart is one kind of work within a mix.
type MixPart struct {
	Has      bool
	Ops      int64
	MedianNS float64 // per operation
	// Share is the part's time in the whole (median per op x ops over
	// the whole's median).
	Share float64
}

// Mixes lists the steps whose results carry parts, per dataset and
// scenario.
func (r *Report) Mixes() []*MixTable {
	type key struct{ dataset, scenario, step string }
	tables := map[key]*MixTable{}
	var order []key
	for i := range r.File.Cells {
		c := &r.File.Cells[i]
		for j := range c.Steps {
			s := &c.Steps[j]
			if len(s.Parts) == 0 {
				continue
			}
			k := key{c.Dataset, c.Scenario, s.Name}
			t, ok := tables[k]
			if !ok {
				t = &MixTable{Dataset: c.Dataset, Scenario: c.Scenario, Step: s.Name}
				tables[k] = t
				order = append(order, k)
			}
			for _, p := range s.Parts {
				if !slices.Contains(t.Parts, p.Name) {
					t.Parts = append(t.Parts, p.Name)
				}
			}
		}
	}
	var out []*MixTable
	for _, k := range order {
		t := tables[k]
		for i := range r.File.Cells {
			c := &r.File.Cells[i]
			if c.Dataset != k.dataset || c.Scenario != k.scenario {
				continue
			}
			row := MixRow{Variant: CellLabel(c), Color: r.colorOf(CellLabel(c)), Status: c.Status, Parts: make([]MixPart, len(t.Parts))}
			if s := findStep(c, k.step); s != nil && len(s.SamplesNS) > 0 && (c.Status == results.StatusOK || c.Status == results.StatusMismatch) {
				row.Whole, row.Values = s.Stats.MedianNS, s.Values
				for _, p := range s.Parts {
					i := slices.Index(t.Parts, p.Name)
					mp := MixPart{Has: len(p.SamplesNS) > 0, Ops: p.Ops, MedianNS: p.Stats.MedianNS}
					if row.Whole > 0 {
						mp.Share = p.Stats.MedianNS * float64(p.Ops) / row.Whole
					}
					row.Parts[i] = mp
				}
			}
			t.Rows = append(t.Rows, row)
		}
		sort.SliceStable(t.Rows, func(i, j int) bool { return t.Rows[i].Color < t.Rows[j].Color })
		out = append(out, t)
	}
	return out
}

// MemoryCurve is one step of a scenario over a sweep of memory: the
// memory limit (Axis AxisMemoryLimit) or Parquet's cache budget
// (AxisCacheBudget), a series per variant family.
type MemoryCurve struct {
	Axis              string
	Dataset, Scenario string // the scenario family
	Step, Op          string
	Series            []*MemorySeries
	Limits            []float64 // every x, ascending (0: none)
}

// MemorySeries is one variant family's points.
type MemorySeries struct {
	Family string
	Color  int
	Points []MemoryPoint // ascending X, unlimited (0) last
}

// MemoryPoint is one limit's cell.
type MemoryPoint struct {
	X        float64 // bytes; 0 = unlimited
	Cell     string  // the cell's id
	Status   string
	Has      bool // the step has figures
	MedianNS float64
	PeakRSS  float64 // the step's peak RSS, median over runs
	// Applied, Reached and Runs describe the memory limit: whether it was
	// applied, and in how many of the runs the group reached it.
	Applied       bool
	Reached, Runs int
	GroupPeak     float64 // the group's peak usage, median (0 unknown)
}

// LimitText is how a point's X reads: "256 MiB", or "none".
func (p MemoryPoint) LimitText(format func(float64) string) string {
	if p.X <= 0 {
		return "none"
	}
	return format(p.X)
}

// MemoryCurves lists the steps measured at several memory limits (a sweep
// of memory_limit in a format or scenario block), per dataset, scenario
// family and step, a series per variant family, so Parquet's cache
// budgets are series of their own. A cell that ended oom is a point with
// its status and no figures. A run that sweeps no memory limit but
// Parquet's cache_budget gets the reading steps against the budget
// instead.
func (r *Report) MemoryCurves() []*MemoryCurve {
	if out := r.memoryCurves(AxisMemoryLimit); len(out) > 0 {
		return out
	}
	var out []*MemoryCurve
	for _, cv := range r.memoryCurves(AxisCacheBudget) {
		if cv.Op != "open" {
			out = append(out, cv)
		}
	}
	return out
}

func (r *Report) memoryCurves(axis string) []*MemoryCurve {
	type key struct{ dataset, scenario string }
	type cellAt struct {
		c      *results.Cell
		x      float64
		family string
	}
	groups := map[key][]cellAt{}
	var order []key
	for i := range r.File.Cells {
		c := &r.File.Cells[i]
		x, ok := r.memoryX(c, axis)
		if !ok {
			continue
		}
		k := key{c.Dataset, r.scenarioFamily(c.Scenario, axis)}
		if _, seen := groups[k]; !seen {
			order = append(order, k)
		}
		groups[k] = append(groups[k], cellAt{c, x, variantFamily(c, axis)})
	}
	var out []*MemoryCurve
	for _, k := range order {
		cells := groups[k]
		xs := map[string]map[float64]bool{}
		for _, ca := range cells {
			if xs[ca.family] == nil {
				xs[ca.family] = map[float64]bool{}
			}
			xs[ca.family][ca.x] = true
		}
		swept := false
		for _, m := range xs {
			swept = swept || len(m) > 1
		}
		if !swept {
			continue
		}
		// The steps, in the order of the first cell that has them.
		var steps []string
		ops := map[string]string{}
		for _, ca := range cells {
			for _, s := range ca.c.Steps {
				if _, ok := ops[s.Name]; !ok && s.Op != results.OpFirstValue {
					ops[s.Name] = s.Op
					steps = append(steps, s.Name)
				}
			}
		}
		for _, step := range steps {
			cv := &MemoryCurve{Axis: axis, Dataset: k.dataset, Scenario: k.scenario, Step: step, Op: ops[step]}
			allX := map[float64]bool{}
			for _, ca := range cells {
				var ser *MemorySeries
				for _, s := range cv.Series {
					if s.Family == ca.family {
						ser = s
					}
				}
				if ser == nil {
					ser = &MemorySeries{Family: ca.family, Color: r.colorOf(CellLabel(ca.c))}
					cv.Series = append(cv.Series, ser)
				}
				ser.Color = min(ser.Color, r.colorOf(CellLabel(ca.c)))
				p := MemoryPoint{X: ca.x, Cell: ca.c.ID, Status: ca.c.Status}
				if s := findStep(ca.c, step); s != nil && len(s.SamplesNS) > 0 && (ca.c.Status == results.StatusOK || ca.c.Status == results.StatusMismatch) {
					p.Has, p.MedianNS, p.PeakRSS = true, s.Stats.MedianNS, s.Memory.PeakRSSBytes.Median
				}
				if ml := ca.c.MemoryLimit; ml != nil {
					p.Applied, p.Reached, p.Runs = ml.Applied, ml.LimitReachedRuns, ml.Runs
					if ml.PeakBytes != nil {
						p.GroupPeak = ml.PeakBytes.Median
					}
				}
				ser.Points = append(ser.Points, p)
				allX[ca.x] = true
			}
			for x := range allX {
				cv.Limits = append(cv.Limits, x)
			}
			sortLimits(cv.Limits)
			for _, s := range cv.Series {
				sort.SliceStable(s.Points, func(i, j int) bool { return limitLess(s.Points[i].X, s.Points[j].X) })
			}
			sort.SliceStable(cv.Series, func(i, j int) bool { return cv.Series[i].Color < cv.Series[j].Color })
			out = append(out, cv)
		}
	}
	return out
}

// memoryX is a cell's place on a memory axis: its memory limit (0 for
// none), or its cache budget parsed from its variant axis (0 = unlimited).
// ok is false when the cell is not on the axis.
func (r *Report) memoryX(c *results.Cell, axis string) (float64, bool) {
	switch axis {
	case AxisMemoryLimit:
		_, variantAxis := c.Variant[axis]
		_, scenarioAxis := r.scenarioInfo(c.Scenario).Axes[axis]
		if !variantAxis && !scenarioAxis {
			return 0, false
		}
		if c.MemoryLimit == nil {
			return 0, true
		}
		return float64(c.MemoryLimit.Bytes), true
	case AxisCacheBudget:
		frag, ok := c.Variant[axis]
		if !ok {
			return 0, false
		}
		return trailingNumber(frag)
	}
	return 0, false
}

// trailingNumber reads the number a label fragment ends with ("cache4096").
func trailingNumber(s string) (float64, bool) {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	n, err := strconv.ParseFloat(s[i:], 64)
	return n, err == nil
}

// limitLess orders limits ascending with none (0) last: the most memory.
func limitLess(a, b float64) bool {
	if a <= 0 || b <= 0 {
		return a > 0 && b <= 0
	}
	return a < b
}

func sortLimits(xs []float64) {
	sort.SliceStable(xs, func(i, j int) bool { return limitLess(xs[i], xs[j]) })
}

// At returns the series' point at x.
func (s *MemorySeries) At(x float64) (MemoryPoint, bool) {
	for _, p := range s.Points {
		if p.X == x || (math.IsNaN(p.X) && math.IsNaN(x)) {
			return p, true
		}
	}
	return MemoryPoint{}, false
}

// RateText formats values per second with a metric prefix: "12.3 M/s".
func RateText(v float64) string {
	if !(v > 0) || math.IsInf(v, 0) {
		return "–"
	}
	for _, u := range []struct {
		name string
		size float64
	}{{"G", 1e9}, {"M", 1e6}, {"k", 1e3}} {
		if v >= u.size*0.9995 {
			return sig3(v/u.size) + " " + u.name + "/s"
		}
	}
	return sig3(v) + " /s"
}

// sig3 writes v (>= 0) with about three significant digits.
func sig3(v float64) string {
	switch {
	case v >= 99.95:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 9.995:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// PercentText writes a share as a whole percentage: "61%".
func PercentText(share float64) string {
	if !(share >= 0) || math.IsInf(share, 0) {
		return "–"
	}
	return strconv.FormatFloat(share*100, 'f', 0, 64) + "%"
}
