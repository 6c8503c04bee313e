package html

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/scenebench/runner/internal/units"
	"github.com/scenebench/runner/reporters/internal/view"
)

// wishlist builds the tabs of the wish list's workloads, each only when the
// results hold it: threads (throughput and speed-up curves), mixed
// workloads, memory limits (time and peak RSS against the limit).
func (b *builder) wishlist() ([]*tab, error) {
	var tabs []*tab
	for _, build := range []func() (*tab, error){b.threads, b.mixes, b.memoryLimits} {
		t, err := build()
		if err != nil {
			return nil, err
		}
		if t != nil {
			tabs = append(tabs, t)
		}
	}
	return tabs, nil
}

func (b *builder) curveHeading(dataset, scenario, step string) string {
	if len(b.r.Datasets) > 1 {
		return fmt.Sprintf("%s: %s / %s", dataset, scenario, step)
	}
	return scenario + " / " + step
}

func (b *builder) threads() (*tab, error) {
	curves := b.r.ThreadCurves()
	if len(curves) == 0 {
		return nil, nil
	}
	t := &tab{ID: "threads", Label: "Threads"}
	for _, cv := range curves {
		s := &section{Heading: b.curveHeading(cv.Dataset, cv.Scenario, cv.Step), Level: 2,
			Text: fmt.Sprintf("Throughput (values read per second, from the median time) and the speed-up over one thread of the same variant; the dashed line is a perfect speed-up. The machine has %d cores.", b.r.File.Environment.Cores)}
		tbl := &table{Header: []string{"format"}}
		for _, th := range cv.Threads {
			tbl.Header = append(tbl.Header, fmt.Sprintf("%d %s", th, view.Plural(th, "thread", "threads")))
		}
		var lines []line
		for _, ser := range cv.Series {
			row := []cell{{Text: ser.Variant, Swatch: cssColor(ser.Color)}}
			l := line{label: ser.Variant, color: ser.Color}
			for _, th := range cv.Threads {
				p, ok := ser.At(th)
				if !ok {
					row = append(row, cell{Text: "–", Class: "num"})
					continue
				}
				row = append(row, cell{Text: fmt.Sprintf("%s (%s)", view.RateText(p.Throughput), units.Factor(p.SpeedUp)), Class: "num", Sort: num(p.Throughput)})
				l.xs, l.ys = append(l.xs, float64(th)), append(l.ys, p.SpeedUp)
			}
			tbl.Rows = append(tbl.Rows, row)
			lines = append(lines, l)
		}
		c, err := speedUpChart("Speed-up, "+s.Heading, lines, cv.Threads)
		if err != nil {
			return nil, err
		}
		s.addFigure(c)
		s.Tables = append(s.Tables, tbl)
		t.Sections = append(t.Sections, s)
	}
	return t, nil
}

// speedUpChart draws speed-up against threads, with the perfect speed-up
// (y = x / the fewest threads) dashed.
func speedUpChart(title string, lines []line, threads []int64) (chart, error) {
	p := newPlot(title, "threads", "speed-up over one thread")
	l := &markLayer{}
	lo, hi := float64(threads[0]), float64(threads[len(threads)-1])
	top := hi / lo
	l.add(mark{kind: lineMark, x: lo, y: 1, x2: hi, y2: hi / lo, size: vg.Points(1), color: grey,
		dashes: []vg.Length{vg.Points(3), vg.Points(3)}, noTip: true, underneath: true})
	legend := []legendItem{}
	for _, ln := range lines {
		prevX, prevY, have := 0.0, 0.0, false
		for i := range ln.xs {
			x, y := ln.xs[i], ln.ys[i]
			if !(y > 0) || math.IsInf(y, 0) {
				continue
			}
			if have {
				l.add(mark{kind: lineMark, x: prevX, y: prevY, x2: x, y2: y, size: vg.Points(1.6), color: colorOf(ln.color), noTip: true})
			}
			l.add(mark{kind: dotMark, x: x, y: y, size: vg.Points(2.6), color: colorOf(ln.color),
				tip: fmt.Sprintf("%s, %g threads: %.2fx", ln.label, x, y)})
			prevX, prevY, have = x, y, true
			top = math.Max(top, y)
		}
		if have {
			legend = append(legend, legendItem{Label: ln.label, Color: cssColor(ln.color)})
		}
	}
	if len(legend) == 0 {
		return chart{}, nil
	}
	legend = append(legend, legendItem{Label: "perfect (dashed)", Color: "#606060"})
	p.Add(l)
	var ticks []plot.Tick
	for _, th := range threads {
		ticks = append(ticks, plot.Tick{Value: float64(th), Label: fmt.Sprint(th)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = lo-0.3, hi+0.3
	p.Y.Min, p.Y.Max = 0, top*1.08
	svg, err := render(p, 520, 280, title, "speed-up", l)
	return chart{SVG: svg, Legend: legend}, err
}

func (b *builder) mixes() (*tab, error) {
	mixes := b.r.Mixes()
	if len(mixes) == 0 {
		return nil, nil
	}
	t := &tab{ID: "mixed", Label: "Mixed workloads"}
	for _, m := range mixes {
		s := &section{Heading: b.curveHeading(m.Dataset, m.Scenario, m.Step), Level: 2,
			Text: "The whole step (median over runs) and each kind of work in it: the time of one operation (one traversal, one point read), how many the step made, and their share of the whole. The chart splits the whole by kind."}
		tbl := &table{Header: []string{"format", "whole"}}
		for _, p := range m.Parts {
			tbl.Header = append(tbl.Header, p+" per op", p+" ops", p+" share")
		}
		tbl.Header = append(tbl.Header, "values")
		var cats []string
		series := make([]group, len(m.Parts))
		maxV := 0.0
		for i, p := range m.Parts {
			series[i] = group{label: p, color: i}
		}
		for _, row := range m.Rows {
			r := []cell{{Text: row.Variant, Swatch: cssColor(row.Color)}}
			if row.Whole == 0 {
				r = append(r, cell{Text: view.StatusText(row.Status), Class: "bad"})
				tbl.Rows = append(tbl.Rows, r)
				continue
			}
			r = append(r, cell{Text: units.Duration(row.Whole), Class: "num", Sort: num(row.Whole)})
			cats = append(cats, row.Variant)
			for i, p := range row.Parts {
				if !p.Has {
					r = append(r, cell{Text: "–"}, cell{Text: "–"}, cell{Text: "–"})
					series[i].values = append(series[i].values, math.NaN())
					continue
				}
				total := p.MedianNS * float64(p.Ops)
				r = append(r, cell{Text: units.Duration(p.MedianNS), Class: "num", Sort: num(p.MedianNS)},
					cell{Text: units.Count(p.Ops), Class: "num"}, cell{Text: view.PercentText(p.Share), Class: "num", Sort: num(p.Share)})
				series[i].values = append(series[i].values, total)
				maxV = math.Max(maxV, total)
			}
			r = append(r, cell{Text: units.Count(row.Values), Class: "num"})
			tbl.Rows = append(tbl.Rows, r)
		}
		if len(cats) > 0 {
			unit, scale := units.DurationUnit(maxV)
			c, err := groupedBarChart("Time by kind, "+s.Heading, "time in the step, "+unit, cats, series, scale)
			if err != nil {
				return nil, err
			}
			s.addFigure(c)
		}
		s.Tables = append(s.Tables, tbl)
		t.Sections = append(t.Sections, s)
	}
	return t, nil
}

func (b *builder) memoryLimits() (*tab, error) {
	curves := b.r.MemoryCurves()
	if len(curves) == 0 {
		return nil, nil
	}
	t := &tab{ID: "memory-limits", Label: "Memory limits"}
	for _, cv := range curves {
		what := "memory limit"
		if cv.Axis == view.AxisCacheBudget {
			what = "cache budget"
		}
		s := &section{Heading: b.curveHeading(cv.Dataset, cv.Scenario, cv.Step) + ", by " + what, Level: 2,
			Text: "Time and the step's peak RSS as memory shrinks (the unlimited run is in the table, not on the log axis). A cell the OOM killer ended has no point. Peak RSS counts every resident page, also file pages charged to another group, so it can exceed the limit; the group's peak is what the limit holds (the whole run's peak of the reader's memory, page cache it faulted in and kernel memory). \"Limit reached\" counts the runs whose group hit the limit and had to reclaim."}
		tbl := &table{Header: []string{"format", what, "status", "median", "peak RSS", "limit reached", "group peak"}}
		var timeLines, rssLines []line
		maxT, maxR := 0.0, 0.0
		for _, ser := range cv.Series {
			tl, rl := line{label: ser.Family, color: ser.Color}, line{label: ser.Family, color: ser.Color}
			for _, p := range ser.Points {
				status := cell{Text: p.Status}
				if p.Status != "ok" {
					status.Class = "bad"
				}
				r := []cell{{Text: ser.Family, Swatch: cssColor(ser.Color)}, {Text: p.LimitText(units.Bytes), Class: "num", Sort: num(p.X)}, status}
				if p.Has {
					r = append(r, cell{Text: units.Duration(p.MedianNS), Class: "num", Sort: num(p.MedianNS)},
						cell{Text: units.Bytes(p.PeakRSS), Class: "num", Sort: num(p.PeakRSS)})
					if p.X > 0 {
						tl.xs, tl.ys = append(tl.xs, p.X), append(tl.ys, p.MedianNS)
						rl.xs, rl.ys = append(rl.xs, p.X), append(rl.ys, p.PeakRSS)
						maxT, maxR = math.Max(maxT, p.MedianNS), math.Max(maxR, p.PeakRSS)
					}
				} else {
					r = append(r, cell{Text: "–"}, cell{Text: "–"})
				}
				reached, group := "–", "–"
				if p.Applied && p.Runs > 0 {
					reached = fmt.Sprintf("%d of %d runs", p.Reached, p.Runs)
				} else if !p.Applied && p.X > 0 && cv.Axis == view.AxisMemoryLimit {
					reached = "not applied"
				}
				if p.GroupPeak > 0 {
					group = units.Bytes(p.GroupPeak)
				}
				r = append(r, cell{Text: reached, Class: "num"}, cell{Text: group, Class: "num"})
				tbl.Rows = append(tbl.Rows, r)
			}
			timeLines, rssLines = append(timeLines, tl), append(rssLines, rl)
		}
		xUnit, xScale := units.BytesUnit(cv.Limits[0])
		if len(cv.Limits) > 1 && cv.Limits[len(cv.Limits)-2] > 0 {
			xUnit, xScale = units.BytesUnit(cv.Limits[len(cv.Limits)-2])
		}
		tUnit, tScale := units.DurationUnit(maxT)
		rUnit, rScale := units.BytesUnit(maxR)
		for _, c := range []struct {
			title, y string
			lines    []line
			scale    float64
		}{
			{"Time against the " + what, "median, " + tUnit, timeLines, tScale},
			{"Peak RSS against the " + what, "peak RSS, " + rUnit, rssLines, rScale},
		} {
			ch, err := lineChart(c.title+", "+s.Heading, what+", "+xUnit+" (log)", c.y, c.lines, xScale, c.scale, true, false)
			if err != nil {
				return nil, err
			}
			if ch.SVG != "" {
				s.Charts = append(s.Charts, ch)
			}
		}
		s.Tables = append(s.Tables, tbl)
		t.Sections = append(t.Sections, s)
	}
	return t, nil
}
