package html

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"
	"math"
	"regexp"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/scenebench/runner/internal/units"
	"github.com/scenebench/runner/reporters/internal/view"
)

// One convention holds on the whole page: a chart of ratios puts better
// (faster, smaller) to the right or up, on a log axis centred on 1, so
// that "1000x slower" is as far from the middle as "1000x faster"; a chart
// of times or sizes has its axis say "lower is better".

// palette gives each format variant the same colour in every chart
// (Okabe-Ito, distinguishable with colour-blindness).
var palette = []color.RGBA{
	{0x00, 0x72, 0xb2, 0xff}, {0xe6, 0x9f, 0x00, 0xff}, {0x00, 0x9e, 0x73, 0xff}, {0xcc, 0x79, 0xa7, 0xff},
	{0x56, 0xb4, 0xe9, 0xff}, {0xd5, 0x5e, 0x00, 0xff}, {0xf0, 0xe4, 0x42, 0xff}, {0x00, 0x00, 0x00, 0xff},
}

func colorOf(i int) color.RGBA { return palette[i%len(palette)] }

// cssColor is the hex colour of variant i (for legends in tables).
func cssColor(i int) string {
	c := colorOf(i)
	return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B)
}

// faint is c with alpha a (0..255), for bands and boxes behind marks.
func faint(c color.RGBA, a uint8) color.NRGBA { return color.NRGBA{R: c.R, G: c.G, B: c.B, A: a} }

var (
	grey      = color.Gray{0x60}
	black     = color.Gray{0x20}
	floorTint = color.NRGBA{0x80, 0x80, 0x80, 0x30}
)

// chart is one rendered chart and its legend (drawn in HTML under it, so
// it never covers the data).
type chart struct {
	SVG    template.HTML
	Legend []legendItem
	Note   string
}

type legendItem struct{ Label, Color, Style string }

var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// Label sizes in points; charts are drawn at about their CSS size, so a
// point is about a pixel and a third.
const (
	titleSize = 12
	labelSize = 10.5
	tickSize  = 9.5
	valueSize = 9
)

func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	setFont := func(s *text.Style, size float64) {
		f := sans
		f.Size = vg.Points(size)
		s.Font = f
	}
	setFont(&p.Title.TextStyle, titleSize)
	setFont(&p.X.Label.TextStyle, labelSize)
	setFont(&p.Y.Label.TextStyle, labelSize)
	setFont(&p.X.Tick.Label, tickSize)
	setFont(&p.Y.Tick.Label, tickSize)
	setFont(&p.Legend.TextStyle, tickSize)
	p.Title.Padding = vg.Points(6)
	p.Add(plotter.NewGrid())
	return p
}

// svgPrologue matches what vgsvg writes before the <svg> element.
var svgPrologue = regexp.MustCompile(`(?s)^<\?xml[^>]*\?>\s*<!--[^>]*-->\s*`)

// render draws p as inline SVG of the given size in points, with the
// tooltips of its mark layers laid over it; kind names the chart for
// scripts and tests (data-chart).
func render(p *plot.Plot, w, h float64, label, kind string, layers ...*markLayer) (svg template.HTML, err error) {
	// The plotting library panics on degenerate axes (extreme figures a
	// hand-edited results file can hold); report that as an error.
	defer func() {
		if r := recover(); r != nil {
			svg, err = "", fmt.Errorf("chart %q: %v", label, r)
		}
	}()
	c := vgsvg.New(vg.Points(w), vg.Points(h))
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return "", fmt.Errorf("chart %q: %w", label, err)
	}
	s := svgPrologue.ReplaceAllString(buf.String(), "")
	s = strings.Replace(s, "<svg ", fmt.Sprintf(`<svg class="chart" data-chart="%s" role="img" aria-label="%s" `, attr(kind), attr(label)), 1)
	i := strings.LastIndex(s, "</svg>")
	if i < 0 {
		return "", fmt.Errorf("chart %q: no </svg>", label)
	}
	s = s[:i] + tipsSVG(h, layers...) + s[i:]
	return template.HTML(s), nil
}

func attr(s string) string {
	r := strings.NewReplacer(`&`, "&amp;", `"`, "&quot;", `<`, "&lt;", `>`, "&gt;")
	return r.Replace(s)
}

// bar is one bar of a bar chart.
type bar struct {
	label string
	color int
	value float64 // NaN when the cell has no figure
	note  string  // shown under the label when value is NaN
	text  string  // the value as printed above its bar
	tip   string
}

// barChart draws one bar per entry, values divided by scale, each labelled
// with its figure.
func barChart(title, yLabel string, bars []bar, scale float64) (template.HTML, error) {
	p := newPlot(title, "", yLabel)
	l := &markLayer{}
	var names []string
	var labels plotter.XYLabels
	top := 0.0
	width := vg.Points(math.Max(10, math.Min(48, 400/float64(len(bars)+1))))
	for i, b := range bars {
		v := b.value / scale
		name := b.label
		if math.IsNaN(v) {
			name += "\n(" + b.note + ")"
			names = append(names, name)
			continue
		}
		names = append(names, name)
		l.add(mark{kind: rectMark, x: float64(i), y: 0, x2: math.NaN(), y2: v, size: width, color: colorOf(b.color), tip: b.tip})
		if b.text != "" {
			labels.XYs = append(labels.XYs, plotter.XY{X: float64(i), Y: v})
			labels.Labels = append(labels.Labels, b.text)
		}
		top = math.Max(top, v)
	}
	p.Add(l)
	if len(labels.XYs) > 0 {
		lb, err := plotter.NewLabels(labels)
		if err != nil {
			return "", fmt.Errorf("chart %q: %w", title, err)
		}
		for i := range lb.TextStyle {
			lb.TextStyle[i].Font.Size = vg.Points(valueSize)
			lb.TextStyle[i].Font.Typeface, lb.TextStyle[i].Font.Variant = sans.Typeface, sans.Variant
			lb.TextStyle[i].XAlign = draw.XCenter
		}
		lb.Offset = vg.Point{Y: vg.Points(3)}
		p.Add(lb)
	}
	p.Y.Min = 0
	if top > 0 {
		p.Y.Max = top * 1.18 // room for the value labels
	}
	p.X.Min, p.X.Max = -0.5, float64(len(bars))-0.5
	nominalX(p, names)
	return render(p, 460, 250, title, "bars", l)
}

// nominalX names the categories of the X axis, tilting long names so they
// do not overlap. (gonum pads the Y axis by half the first name's width,
// which leaves a band of nothing over the data; a few points do.)
func nominalX(p *plot.Plot, names []string) {
	p.NominalX(names...)
	p.Y.Padding = vg.Points(4)
	rotate(p, names)
}

// rotate tilts long category labels so they do not overlap.
func rotate(p *plot.Plot, names []string) {
	long := 0
	for _, n := range names {
		long = max(long, len(n))
	}
	if long*len(names) > 56 {
		p.X.Tick.Label.Rotation = math.Pi / 8
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YCenter
	}
}

// group is one series of a grouped bar chart.
type group struct {
	label  string
	color  int
	values []float64 // per category; NaN when absent
	texts  []string  // per category, for the tooltips
}

// groupedBarChart draws categories on X with one bar per series in each.
func groupedBarChart(title, yLabel string, categories []string, series []group, scale float64) (chart, error) {
	p := newPlot(title, "", yLabel)
	l := &markLayer{}
	n := float64(len(series))
	width := vg.Points(math.Max(5, math.Min(28, 360/(n*float64(len(categories))+1))))
	top := 0.0
	var legend []legendItem
	for i, s := range series {
		for j, v := range s.values {
			if math.IsNaN(v) {
				continue
			}
			tip := s.label + ", " + categories[j]
			if j < len(s.texts) {
				tip += ": " + s.texts[j]
			}
			l.add(mark{kind: rectMark, x: float64(j), y: 0, x2: math.NaN(), y2: v / scale,
				dx: vg.Length(float64(i)-(n-1)/2) * width, size: width, color: colorOf(s.color), tip: tip})
			top = math.Max(top, v/scale)
		}
		legend = append(legend, legendItem{Label: s.label, Color: cssColor(s.color)})
	}
	p.Add(l)
	p.Y.Min = 0
	if top > 0 {
		p.Y.Max = top * 1.08
	}
	p.X.Min, p.X.Max = -0.5, float64(len(categories))-0.5
	nominalX(p, categories)
	svg, err := render(p, 520, 260, title, "grouped-bars", l)
	return chart{SVG: svg, Legend: legend}, err
}

// line is one series of a line chart.
type line struct {
	label string
	color int
	xs    []float64
	ys    []float64
	tips  []string // per point
}

// lineChart draws lines with points; log axes need positive values, so
// points that are not are left out.
func lineChart(title, xLabel, yLabel string, lines []line, xScale, yScale float64, logX, logY bool) (chart, error) {
	p := newPlot(title, xLabel, yLabel)
	l := &markLayer{}
	xr, yr := newRange(), newRange()
	var legend []legendItem
	for _, ln := range lines {
		prevX, prevY, have := 0.0, 0.0, false
		drew := false
		for i := range ln.xs {
			x, y := ln.xs[i]/xScale, ln.ys[i]/yScale
			if math.IsNaN(x) || math.IsNaN(y) || (logX && x <= 0) || (logY && y <= 0) {
				continue
			}
			if have {
				l.add(mark{kind: lineMark, x: prevX, y: prevY, x2: x, y2: y, size: vg.Points(1.6), color: colorOf(ln.color), noTip: true})
			}
			tip := ""
			if i < len(ln.tips) {
				tip = ln.tips[i]
			}
			l.add(mark{kind: dotMark, x: x, y: y, size: vg.Points(2.6), color: colorOf(ln.color), tip: tip})
			prevX, prevY, have, drew = x, y, true, true
			xr.add(x)
			yr.add(y)
		}
		if drew {
			legend = append(legend, legendItem{Label: ln.label, Color: cssColor(ln.color)})
		}
	}
	if len(legend) == 0 {
		return chart{}, nil
	}
	p.Add(l)
	if logX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
		p.X.Min, p.X.Max = xr.logBounds()
	}
	if logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
		p.Y.Min, p.Y.Max = yr.logBounds()
	} else {
		p.Y.Min = 0
		if yr.max > 0 {
			p.Y.Max = yr.max * 1.08
		}
	}
	svg, err := render(p, 520, 280, title, "lines", l)
	return chart{SVG: svg, Legend: legend}, err
}

// ratioPoint is one comparison with the baseline on a ratio chart.
type ratioPoint struct {
	label string // the row's name (forest chart) or "" (step chart)
	color int
	cmp   *view.Comparison
	exact float64 // a ratio without an interval (file sizes), when cmp is nil
	tip   string
}

// speedups turns a comparison into "times better than the baseline": the
// estimate and interval ends of baseline/variant, better above 1.
func (rp ratioPoint) speedups() (est, lo, hi float64, ok bool) {
	if rp.cmp == nil {
		if rp.exact > 0 {
			return 1 / rp.exact, 0, 0, true
		}
		return 0, 0, 0, false
	}
	r := rp.cmp.Ratio
	if !(r.Estimate > 0) {
		return 0, 0, 0, false
	}
	est = 1 / r.Estimate
	if r.HasInterval() {
		lo, hi = 1/r.High, 1/r.Low
	}
	return est, lo, hi, true
}

// symmetricLogBounds is a log axis centred on 1 reaching past every value:
// [1/L, L] with L from 2, 5, 10, 100, 1000, ...
func symmetricLogBounds(values ...float64) float64 {
	reach := 1.0
	for _, v := range values {
		if v > 0 && !math.IsInf(v, 0) {
			reach = math.Max(reach, math.Max(v, 1/v))
		}
	}
	reach *= 1.15
	for _, l := range []float64{2, 5, 10} {
		if reach <= l {
			return l
		}
	}
	return math.Pow(10, math.Ceil(math.Log10(reach)))
}

// ratioTicks marks a symmetric log axis: 1 in the middle, then 1.5x, 2x,
// 5x or powers of ten both ways, each labelled with how many times; with
// words, "10x faster" and "10x slower" (for a vertical axis, which has
// the room).
func ratioTicks(limit float64, words bool) plot.Ticker {
	return plot.TickerFunc(func(min, max float64) []plot.Tick {
		var cands []float64
		switch {
		case limit <= 2:
			cands = []float64{1.25, 1.5, 2}
		case limit <= 5:
			cands = []float64{1.5, 2, 3, 5}
		case limit <= 10:
			cands = []float64{2, 5, 10}
		default:
			for v := 10.0; v <= limit*1.001; v *= 10 {
				cands = append(cands, v)
			}
			if len(cands) <= 2 {
				cands = append([]float64{3}, cands...)
			}
		}
		ticks := []plot.Tick{{Value: 1, Label: "1x"}}
		if words {
			ticks[0].Label = "same"
		}
		for _, v := range cands {
			up, down := ratioTickLabel(v), ratioTickLabel(v)
			if words {
				up, down = up+" faster", down+" slower"
			}
			ticks = append(ticks, plot.Tick{Value: v, Label: up}, plot.Tick{Value: 1 / v, Label: down})
		}
		// Minor ticks between decades.
		if limit > 10 {
			for d := 1.0; d < limit; d *= 10 {
				for k := 2.0; k < 10; k++ {
					if v := d * k; v < limit {
						ticks = append(ticks, plot.Tick{Value: v}, plot.Tick{Value: 1 / v})
					}
				}
			}
		}
		return ticks
	})
}

func ratioTickLabel(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64) + "x"
}

// forestChart draws comparisons with the baseline as rows: a dot at the
// estimate (filled for a clear verdict, hollow for ~), a line across its
// interval, the A/A floor shaded grey, on a log axis centred on 1 with
// faster (or smaller) to the right.
func forestChart(title string, rows []ratioPoint, floors []float64) (chart, error) {
	// A short axis label: gonum keeps room for a label as wide again to
	// its right.
	p := newPlot(title, "◀ slower  ·  faster ▶", "")
	l := &markLayer{}
	var names []string
	var all []float64
	n := len(rows)
	for i, rp := range rows {
		y := float64(n - 1 - i) // first row on top
		names = append(names, rp.label)
		est, lo, hi, ok := rp.speedups()
		if !ok {
			continue
		}
		all = append(all, est)
		if lo > 0 {
			all = append(all, lo, hi)
		}
		if i < len(floors) && floors[i] > 1 {
			f := floors[i]
			l.add(mark{kind: rectMark, x: 1 / f, y: y - 0.42, x2: f, y2: y + 0.42, color: floorTint, underneath: true,
				tip: fmt.Sprintf("%s: the A/A noise floor, %sx either way", rp.label, view.FactorNumber(f))})
			all = append(all, f)
		}
		c := colorOf(rp.color)
		if lo > 0 {
			l.add(mark{kind: lineMark, x: lo, y: y, x2: hi, y2: y, size: vg.Points(2), color: c, noTip: true})
			l.add(mark{kind: lineMark, x: lo, y: y - 0.2, x2: lo, y2: y + 0.2, size: vg.Points(1.5), color: c, noTip: true})
			l.add(mark{kind: lineMark, x: hi, y: y - 0.2, x2: hi, y2: y + 0.2, size: vg.Points(1.5), color: c, noTip: true})
		}
		kind := dotMark
		if rp.cmp != nil && !rp.cmp.Clear() {
			kind = ringMark
		}
		l.add(mark{kind: kind, x: est, y: y, size: vg.Points(4), color: c, tip: rp.tip,
			attrs: fmt.Sprintf(`data-ratio="%s"`, strconv.FormatFloat(est, 'g', 6, 64))})
	}
	if len(all) == 0 {
		return chart{}, nil
	}
	limit := symmetricLogBounds(all...)
	l.add(mark{kind: lineMark, x: 1, y: -0.5, x2: 1, y2: float64(n) - 0.5, size: vg.Points(1.2), color: grey,
		dashes: []vg.Length{vg.Points(4), vg.Points(3)}, underneath: true,
		tip: "1x: the baseline", attrs: `data-ratio="1" data-ref="1"`})
	area := &markLayer{}
	area.add(mark{kind: rectMark, x: 1 / limit, y: -0.5, x2: limit, y2: float64(n) - 0.5,
		tip: title, attrs: `data-area="1"`})
	p.Add(area, l)
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = ratioTicks(limit, false)
	p.X.Min, p.X.Max = 1/limit, limit
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	rev := make([]string, n)
	for i, s := range names {
		rev[n-1-i] = s
	}
	p.NominalY(rev...)
	h := math.Max(160, 70+18*float64(n))
	svg, err := render(p, 640, h, title, "ratio", area, l)
	return chart{SVG: svg, Note: "Filled dot: a clear difference; hollow: ~ (no clear difference); line: the 95% interval; grey band: the step's A/A noise floor. Log scale centred on 1x."}, err
}

// stepRatioChart draws every step's comparison with the baseline, one
// column of dots per variant, on a log axis centred on 1 with faster up.
func stepRatioChart(title string, categories []string, colors []int, points [][]ratioPoint) (template.HTML, error) {
	// Axis labels stay short: gonum keeps room above a Y label's middle
	// for its whole length, which would leave a band of nothing over the
	// data.
	p := newPlot(title, "", "vs baseline (log)")
	l := &markLayer{}
	var all []float64
	for i, pts := range points {
		for j, rp := range pts {
			est, _, _, ok := rp.speedups()
			if !ok {
				continue
			}
			all = append(all, est)
			// Spread the dots a little so equal ratios stay visible.
			off := (float64(j%7) - 3) * 0.05
			kind := dotMark
			if rp.cmp != nil && !rp.cmp.Clear() {
				kind = ringMark
			}
			l.add(mark{kind: kind, x: float64(i) + off, y: est, size: vg.Points(3), color: colorOf(colors[i]), tip: rp.tip,
				attrs: fmt.Sprintf(`data-ratio="%s"`, strconv.FormatFloat(est, 'g', 6, 64))})
		}
	}
	if len(all) == 0 {
		return "", nil
	}
	limit := symmetricLogBounds(all...)
	l.add(mark{kind: lineMark, x: -0.5, y: 1, x2: float64(len(categories)) - 0.5, y2: 1, size: vg.Points(1.2), color: grey,
		dashes: []vg.Length{vg.Points(4), vg.Points(3)}, underneath: true, tip: "1x: the baseline", attrs: `data-ratio="1" data-ref="1"`})
	p.Add(l)
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = ratioTicks(limit, true)
	p.Y.Min, p.Y.Max = 1/limit, limit
	p.X.Min, p.X.Max = -0.5, float64(len(categories))-0.5
	nominalX(p, categories)
	return render(p, 560, 320, title, "step-ratios", l)
}

// strip is one variant's runs of a step.
type strip struct {
	label     string
	color     int
	samples   []float64 // ns, in run order
	median    float64
	low, high float64 // the median's 95% interval (0 when absent)
	note      string  // shown under the label when there are no samples
	summary   string  // the tooltip of the interval box
}

// stripChart draws every run of a step as a dot, per variant, with the
// median as a bar and its 95% interval as a box behind: the raw samples
// beside the summary. The time axis is logarithmic when the variants
// differ by more than 20x.
func stripChart(title string, strips []strip) (template.HTML, error) {
	maxV, minV := 0.0, math.Inf(1)
	for _, s := range strips {
		for _, v := range s.samples {
			if v > 0 {
				maxV, minV = math.Max(maxV, v), math.Min(minV, v)
			}
		}
	}
	unit, scale := units.DurationUnit(maxV)
	logY := maxV > 0 && maxV/minV > 20
	yLabel := unit // short: see stepRatioChart
	if logY {
		yLabel += " (log)"
	}
	p := newPlot(title, "", yLabel)
	l := &markLayer{}
	yr := newRange()
	var names []string
	for i, s := range strips {
		name := s.label
		if len(s.samples) == 0 {
			name += "\n(" + s.note + ")"
		}
		names = append(names, name)
		c := colorOf(s.color)
		x := float64(i)
		if s.low > 0 && s.high >= s.low {
			l.add(mark{kind: rectMark, x: x - 0.3, y: s.low / scale, x2: x + 0.3, y2: s.high / scale, color: faint(c, 0x40),
				underneath: true, tip: s.summary})
			yr.add(s.low / scale)
			yr.add(s.high / scale)
		}
		n := len(s.samples)
		for j, v := range s.samples {
			if logY && v <= 0 {
				continue
			}
			off := 0.0
			if n > 1 {
				off = -0.22 + 0.44*float64(j)/float64(n-1)
			}
			l.add(mark{kind: dotMark, x: x + off, y: v / scale, size: vg.Points(2.6), color: c,
				tip: fmt.Sprintf("%s, run %d of %d: %s", s.label, j+1, n, view.Format(view.Time, v))})
			yr.add(v / scale)
		}
		if n > 0 && s.median > 0 {
			l.add(mark{kind: lineMark, x: x - 0.34, y: s.median / scale, x2: x + 0.34, y2: s.median / scale, size: vg.Points(2.4),
				color: black, tip: s.summary})
		}
	}
	if yr.max < yr.min {
		return "", nil
	}
	p.Add(l)
	if logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
		p.Y.Min, p.Y.Max = yr.logBounds()
	} else {
		p.Y.Min = 0
		p.Y.Max = yr.max * 1.08
	}
	p.X.Min, p.X.Max = -0.5, float64(len(strips))-0.5
	nominalX(p, names)
	return render(p, 520, 260, title, "strip", l)
}

// valueRange tracks the extent of positive values for log axes.
type valueRange struct{ min, max float64 }

func newRange() *valueRange { return &valueRange{math.Inf(1), math.Inf(-1)} }

func (r *valueRange) add(v float64) {
	r.min = math.Min(r.min, v)
	r.max = math.Max(r.max, v)
}

// logBounds pads the range a little and widens it to at least a decade,
// so a log axis always has a labelled power of ten.
func (r *valueRange) logBounds() (float64, float64) {
	lo, hi := r.min/1.3, r.max*1.3
	if hi/lo < 10 {
		c := math.Sqrt(lo * hi)
		lo, hi = c/math.Sqrt(10), c*math.Sqrt(10)
	}
	return lo, hi
}
