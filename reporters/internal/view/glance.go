package view

import (
	"fmt"
	"slices"

	"github.com/scenebench/runner/runner/results"
	"github.com/scenebench/runner/runner/stats"
)

// Metric is one row of "Results at a glance".
type Metric struct {
	// Key is the headline the row was chosen for (file-size, open,
	// cold-get, ...; see headlines); "" for a row the spec names.
	Key    string
	Name   string // the row's title: "cold get", or the spec's label
	Kind   Kind
	Source string // where the figures come from, in words
	// Scenario and Step locate the figures ("" for file size).
	Scenario string
	Step     string
	// Figure names what the row shows of its step when that is not its
	// time: "peak RSS", "RSS after", "bytes read".
	Figure string
	Values []Value // by Variant.Index
	Winner Contest
	// Floor is the A/A noise floor of the row's step (1 without one).
	Floor float64
}

// figureNames are the words for the results.GlanceMetrics other than time.
var figureNames = map[string]string{
	results.MetricPeakRSS:   "peak RSS",
	results.MetricRSSAfter:  "RSS after",
	results.MetricReadBytes: "bytes read",
}

// figure is a step's median of one of the memory figures.
func figure(s *results.Step, metric string) float64 { return figureSummary(s, metric).Median }

// figureSummary is the median, min and max over runs of one of a step's
// memory figures.
func figureSummary(s *results.Step, metric string) results.Summary {
	switch metric {
	case results.MetricPeakRSS:
		return s.Memory.PeakRSSBytes
	case results.MetricRSSAfter:
		return s.Memory.RSSAfterBytes
	case results.MetricReadBytes:
		return s.Memory.ReadBytes
	}
	return results.Summary{}
}

// glance fills d.Glance, the rows of "Results at a glance": the file size
// when the dataset's files are known, then the rows the spec names
// (results.Report.Glance) or, when it names none, the headline rows chosen
// by headlines. A named row whose step this dataset does not have is left
// out. The chosen headlines also feed the memory and sequential-versus-
// random sections, whichever rows the table shows.
func (r *Report) glance(d *Dataset) {
	if len(d.Sizes) > 0 {
		m := &Metric{Key: "file-size", Name: "file size", Kind: Size, Source: "dataset files",
			Values: r.absentValues(), Floor: 1}
		for _, s := range d.Sizes {
			m.Values[s.Variant.Index] = Value{Variant: s.Variant, Present: true, Has: true,
				Status: results.StatusOK, V: float64(s.Bytes), Ratio: s.Ratio, Winner: s.Winner}
			if s.Variant.Baseline {
				// The A/A control reads the baseline's own file.
				for _, v := range r.Variants {
					if v.Control {
						m.Values[v.Index] = Value{Variant: v, Present: true, Has: true, Status: results.StatusOK,
							V: float64(s.Bytes), Ratio: "the baseline's file"}
					}
				}
			}
		}
		m.Winner = d.SizeWinner
		d.Glance = append(d.Glance, m)
	}
	d.headlines = r.headlines(d)
	named := r.File.Report.Glance
	if len(named) == 0 {
		d.Glance = append(d.Glance, d.headlines...)
		return
	}
	for _, row := range named {
		t := d.stepTable(row.Scenario, row.Step)
		if t == nil {
			continue
		}
		if row.Metric == "" || row.Metric == results.MetricTime {
			d.Glance = append(d.Glance, r.stepMetric("", row.Label, t))
		} else {
			d.Glance = append(d.Glance, r.figureMetric(row.Label, row.Metric, t))
		}
	}
}

// stepMetric turns a step table's times into a headline row.
func (r *Report) stepMetric(key, name string, t *StepTable) *Metric {
	m := &Metric{Key: key, Name: name, Kind: Time, Scenario: t.Scenario, Step: t.Name,
		Source: fmt.Sprintf("scenario %s, step %s", t.Scenario, t.Name),
		Values: r.absentValues(),
		Winner: t.Winner, Floor: t.Floor}
	for _, row := range t.Rows {
		m.Values[row.Variant.Index] = row.Value()
	}
	return m
}

// figureMetric turns one memory figure of a step table into a headline
// row. Memory is kept as a median, min and max over runs, so its
// comparisons are stats.RangeRatio (a difference only when the runs of
// the two sides do not overlap), decided as times are: against the
// baseline at the floor the A/A control sets, and a winner only when it
// is clearly lower than every other contender.
func (r *Report) figureMetric(name, metric string, t *StepTable) *Metric {
	m := &Metric{Name: name, Kind: Size, Scenario: t.Scenario, Step: t.Name, Figure: figureNames[metric],
		Source: fmt.Sprintf("%s of scenario %s, step %s", figureNames[metric], t.Scenario, t.Name),
		Values: r.absentValues(), Floor: 1}
	compare := func(base, x StepRow, floor float64, aa bool) *Comparison {
		rr := stats.RangeRatio(figureSummary(base.Step, metric), figureSummary(x.Step, metric),
			len(base.Step.SamplesNS), len(x.Step.SamplesNS), stats.DefaultConfidence)
		if aa {
			floor = 1
		}
		return &Comparison{Ratio: rr, Floor: floor, Verdict: stats.Decide(rr, floor), AA: aa, Kind: Size}
	}
	base, control := t.baseAndControl()
	if base >= 0 && control >= 0 {
		m.Floor = stats.NoiseFloor(compare(t.Rows[base], t.Rows[control], 1, true).Ratio)
	}
	var contenders []int
	for i, row := range t.Rows {
		v := Value{Variant: row.Variant, Present: true, Status: row.Cell.Status}
		if row.Usable() {
			v = memoryValue(row.Variant, row.Cell.Status, figureSummary(row.Step, metric))
			if base >= 0 {
				if i == base {
					v.Ratio = "baseline"
				} else {
					v.Cmp = compare(t.Rows[base], row, m.Floor, row.Variant.Control)
					v.Ratio = v.Cmp.Text()
				}
			}
			if row.contender() {
				contenders = append(contenders, i)
			}
		}
		m.Values[row.Variant.Index] = v
	}
	m.Winner.Candidates = len(contenders)
	if len(contenders) >= 2 {
		best := slices.MinFunc(contenders, func(a, b int) int {
			return cmpFloat(figure(t.Rows[a].Step, metric), figure(t.Rows[b].Step, metric))
		})
		for _, i := range contenders {
			if i != best && compare(t.Rows[i], t.Rows[best], m.Floor, false).Verdict != stats.Lower {
				return m
			}
		}
		m.Values[t.Rows[best].Variant.Index].Winner = true
		m.Winner.Winner = t.Rows[best].Variant.Label
	}
	return m
}

// headline is the headline row chosen for key, or nil.
func (d *Dataset) headline(key string) *Metric {
	for _, m := range d.headlines {
		if m.Key == key {
			return m
		}
	}
	return nil
}
