package view

import (
	"fmt"

	"github.com/scenebench/runner/internal/units"
	"github.com/scenebench/runner/runner/results"
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
	Winner string
}

// figureNames are the words for the results.GlanceMetrics other than time.
var figureNames = map[string]string{
	results.MetricPeakRSS:   "peak RSS",
	results.MetricRSSAfter:  "RSS after",
	results.MetricReadBytes: "bytes read",
}

// figure is a step's median of one of the memory figures.
func figure(s *results.Step, metric string) float64 {
	switch metric {
	case results.MetricPeakRSS:
		return s.Memory.PeakRSSBytes.Median
	case results.MetricRSSAfter:
		return s.Memory.RSSAfterBytes.Median
	case results.MetricReadBytes:
		return s.Memory.ReadBytes.Median
	}
	return 0
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
			Values: r.absentValues()}
		for _, s := range d.Sizes {
			m.Values[s.Variant.Index] = Value{Variant: s.Variant, Present: true, Has: true,
				Status: results.StatusOK, V: float64(s.Bytes), Ratio: s.Ratio, Winner: s.Winner}
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
		Winner: t.Winner}
	for _, row := range t.Rows {
		m.Values[row.Variant.Index] = row.Value()
	}
	return m
}

// figureMetric turns one memory figure of a step table into a headline
// row, with ratios to the baseline and a winner as for times: lower is
// better, and only cells that ended ok win.
func (r *Report) figureMetric(name, metric string, t *StepTable) *Metric {
	m := &Metric{Name: name, Kind: Size, Scenario: t.Scenario, Step: t.Name, Figure: figureNames[metric],
		Source: fmt.Sprintf("%s of scenario %s, step %s", figureNames[metric], t.Scenario, t.Name),
		Values: r.absentValues()}
	base := Value{}
	for _, row := range t.Rows {
		v := Value{Variant: row.Variant, Present: true, Status: row.Cell.Status}
		if row.Usable() {
			v.Has, v.V = true, figure(row.Step, metric)
		}
		m.Values[row.Variant.Index] = v
		if row.Variant.Baseline && v.Has {
			base = v
		}
	}
	best, candidates := -1, 0
	for i := range m.Values {
		v := &m.Values[i]
		if !v.Has {
			continue
		}
		if base.Has {
			if v.Variant.Baseline {
				v.Ratio = "baseline"
			} else {
				v.Ratio = units.SizeRatio(v.V, base.V)
			}
		}
		if v.Status != results.StatusOK {
			continue
		}
		candidates++
		if best < 0 || v.V < m.Values[best].V {
			best = i
		}
	}
	if candidates >= 2 {
		m.Values[best].Winner = true
		m.Winner = m.Values[best].Variant.Label
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
