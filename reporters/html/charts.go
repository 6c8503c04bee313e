package html

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"regexp"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// palette gives each format variant the same colour in every chart
// (Okabe-Ito, distinguishable with colour-blindness).
var palette = []color.RGBA{
	{0x00, 0x72, 0xb2, 0xff}, {0xe6, 0x9f, 0x00, 0xff}, {0x00, 0x9e, 0x73, 0xff}, {0xcc, 0x79, 0xa7, 0xff},
	{0x56, 0xb4, 0xe9, 0xff}, {0xd5, 0x5e, 0x00, 0xff}, {0xf0, 0xe4, 0x42, 0xff}, {0x00, 0x00, 0x00, 0xff},
}

func colorOf(i int) color.RGBA { return palette[i%len(palette)] }

// CSSColor is the hex colour of variant i (for legends in tables).
func cssColor(i int) string {
	c := colorOf(i)
	return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B)
}

var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

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
	setFont(&p.Title.TextStyle, 11)
	setFont(&p.X.Label.TextStyle, 9)
	setFont(&p.Y.Label.TextStyle, 9)
	setFont(&p.X.Tick.Label, 8)
	setFont(&p.Y.Tick.Label, 8)
	setFont(&p.Legend.TextStyle, 8)
	p.Legend.Top = true
	p.Y.Min = 0
	p.Add(plotter.NewGrid())
	return p
}

// svgPrologue matches what vgsvg writes before the <svg> element.
var svgPrologue = regexp.MustCompile(`(?s)^<\?xml[^>]*\?>\s*<!--[^>]*-->\s*`)

// render draws p as inline SVG of the given size in points.
func render(p *plot.Plot, w, h float64, label string) (svg string, err error) {
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
	s = strings.Replace(s, "<svg ", fmt.Sprintf(`<svg class="chart" role="img" aria-label="%s" `, attr(label)), 1)
	return s, nil
}

func attr(s string) string {
	r := strings.NewReplacer(`&`, "&amp;", `"`, "&quot;", `<`, "&lt;", `>`, "&gt;")
	return r.Replace(s)
}

// bar is one bar of a bar chart.
type bar struct {
	label     string
	color     int
	value     float64 // NaN when the cell has no figure
	low, high float64 // absolute interval ends; 0 when absent
	note      string  // shown under the label when value is NaN
	text      string  // the value as printed above its bar
}

// barChart draws one bar per entry with optional error bars, values
// divided by scale.
func barChart(title, yLabel string, bars []bar, scale float64) (string, error) {
	p := newPlot(title, "", yLabel)
	var names []string
	var errPts errPoints
	var labels plotter.XYLabels
	top := 0.0
	width := vg.Points(math.Max(8, math.Min(40, 360/float64(len(bars)+1))))
	for i, b := range bars {
		v := b.value / scale
		name := b.label
		if math.IsNaN(v) {
			v = 0
			name += "\n(" + b.note + ")"
		}
		names = append(names, name)
		bc, err := plotter.NewBarChart(plotter.Values{v}, width)
		if err != nil {
			return "", fmt.Errorf("chart %q: %w", title, err)
		}
		bc.XMin = float64(i)
		bc.Color = colorOf(b.color)
		bc.LineStyle.Width = 0
		p.Add(bc)
		if !math.IsNaN(b.value) && b.text != "" {
			labels.XYs = append(labels.XYs, plotter.XY{X: float64(i), Y: v})
			labels.Labels = append(labels.Labels, b.text)
		}
		top = math.Max(top, v)
		if !math.IsNaN(b.value) && b.high > 0 && b.high >= b.low {
			top = math.Max(top, b.high/scale)
		}
		if !math.IsNaN(b.value) && (b.low > 0 || b.high > 0) && b.high >= b.low {
			errPts.XYs = append(errPts.XYs, plotter.XY{X: float64(i), Y: v})
			errPts.YErrors = append(errPts.YErrors, struct{ Low, High float64 }{
				Low: math.Max(0, v-b.low/scale), High: math.Max(0, b.high/scale-v)})
		}
	}
	if len(errPts.XYs) > 0 {
		eb, err := plotter.NewYErrorBars(errPts)
		if err != nil {
			return "", fmt.Errorf("chart %q: %w", title, err)
		}
		eb.LineStyle.Width = vg.Points(1)
		eb.CapWidth = vg.Points(6)
		p.Add(eb)
	}
	if len(labels.XYs) > 0 {
		lb, err := plotter.NewLabels(labels)
		if err != nil {
			return "", fmt.Errorf("chart %q: %w", title, err)
		}
		for i := range lb.TextStyle {
			lb.TextStyle[i].Font.Size = vg.Points(7)
			lb.TextStyle[i].Font.Typeface, lb.TextStyle[i].Font.Variant = sans.Typeface, sans.Variant
			lb.TextStyle[i].XAlign = draw.XCenter
		}
		lb.Offset = vg.Point{Y: vg.Points(3)}
		p.Add(lb)
	}
	if top > 0 {
		p.Y.Max = top * 1.15 // room for the value labels
	}
	p.X.Min, p.X.Max = -0.5, float64(len(bars))-0.5
	p.NominalX(names...)
	rotate(p, names)
	return render(p, 420, 230, title)
}

type errPoints struct {
	plotter.XYs
	plotter.YErrors
}

// rotate tilts long category labels so they do not overlap.
func rotate(p *plot.Plot, names []string) {
	long := 0
	for _, n := range names {
		long = max(long, len(n))
	}
	if long*len(names) > 60 {
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
}

// groupedBarChart draws categories on X with one bar per series in each.
func groupedBarChart(title, yLabel string, categories []string, series []group, scale float64, refLine float64) (string, error) {
	p := newPlot(title, "", yLabel)
	n := float64(len(series))
	width := vg.Points(math.Max(4, math.Min(24, 300/(n*float64(len(categories))+1))))
	top := refLine
	for i, s := range series {
		vals := make(plotter.Values, len(s.values))
		for j, v := range s.values {
			if math.IsNaN(v) {
				v = 0
			}
			vals[j] = v / scale
			top = math.Max(top, vals[j])
		}
		bc, err := plotter.NewBarChart(vals, width)
		if err != nil {
			return "", fmt.Errorf("chart %q: %w", title, err)
		}
		bc.Color = colorOf(s.color)
		bc.LineStyle.Width = 0
		bc.Offset = vg.Length(float64(i)-(n-1)/2) * width
		p.Add(bc)
		p.Legend.Add(s.label, bc)
	}
	if refLine > 0 {
		ref := plotter.NewFunction(func(float64) float64 { return refLine })
		ref.Color = color.Gray{0x60}
		ref.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
		ref.XMin, ref.XMax = -0.5, float64(len(categories))-0.5
		p.Add(ref)
	}
	if top > 0 {
		p.Y.Max = top * 1.3 // room for the legend
	}
	p.X.Min, p.X.Max = -0.5, float64(len(categories))-0.5
	p.NominalX(categories...)
	rotate(p, categories)
	return render(p, 520, 260, title)
}

// line is one series of a line chart.
type line struct {
	label string
	color int
	xs    []float64
	ys    []float64
}

// lineChart draws lines with points; log axes need positive values, so
// points that are not are left out.
func lineChart(title, xLabel, yLabel string, lines []line, xScale, yScale float64, logX, logY bool) (string, error) {
	p := newPlot(title, xLabel, yLabel)
	xr, yr := newRange(), newRange()
	any := false
	for _, l := range lines {
		var pts plotter.XYs
		for i := range l.xs {
			x, y := l.xs[i]/xScale, l.ys[i]/yScale
			if math.IsNaN(x) || math.IsNaN(y) || (logX && x <= 0) || (logY && y <= 0) {
				continue
			}
			pts = append(pts, plotter.XY{X: x, Y: y})
			xr.add(x)
			yr.add(y)
		}
		if len(pts) == 0 {
			continue
		}
		any = true
		ln, sc, err := plotter.NewLinePoints(pts)
		if err != nil {
			return "", fmt.Errorf("chart %q: %w", title, err)
		}
		ln.Color = colorOf(l.color)
		ln.Width = vg.Points(1.5)
		sc.Color = colorOf(l.color)
		p.Add(ln, sc)
		p.Legend.Add(l.label, ln, sc)
	}
	if !any {
		return "", nil
	}
	if logX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
		p.X.Min, p.X.Max = xr.logBounds()
	}
	if logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
		p.Y.Min, p.Y.Max = yr.logBounds()
	} else if yr.max > 0 {
		p.Y.Max = yr.max * 1.25 // room for the legend
	}
	return render(p, 520, 280, title)
}

// dotChart draws points per category on a log Y axis (ratios).
func dotChart(title, yLabel string, categories []string, points [][]float64, colors []int) (string, error) {
	p := newPlot(title, "", yLabel)
	yr := newRange()
	yr.add(1)
	any := false
	for i, ys := range points {
		var pts plotter.XYs
		for j, y := range ys {
			if y > 0 && !math.IsInf(y, 0) {
				// Spread the dots a little so equal ratios stay visible.
				off := (float64(j%7) - 3) * 0.04
				pts = append(pts, plotter.XY{X: float64(i) + off, Y: y})
				yr.add(y)
			}
		}
		if len(pts) == 0 {
			continue
		}
		any = true
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return "", fmt.Errorf("chart %q: %w", title, err)
		}
		sc.Color = colorOf(colors[i])
		sc.Radius = vg.Points(2.5)
		p.Add(sc)
	}
	if !any {
		return "", nil
	}
	ref := plotter.NewFunction(func(float64) float64 { return 1 })
	ref.Color = color.Gray{0x60}
	ref.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
	p.Add(ref)
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Y.Min, p.Y.Max = yr.logBounds()
	p.X.Min, p.X.Max = -0.5, float64(len(categories))-0.5
	p.NominalX(categories...)
	rotate(p, categories)
	return render(p, 520, 280, title)
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
