package html

import (
	"fmt"
	"image/color"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Every chart draws its marks (bars, dots, intervals, lines) through a
// markLayer, which knows where each lands on the canvas; after drawing,
// an invisible shape with an SVG <title> is laid over every mark, so that
// hovering anything in a chart says what it is (the browser's tooltip).
// gonum's own plotters cannot carry a title.

type markKind int

const (
	dotMark  markKind = iota // a filled circle at (x, y), radius size
	ringMark                 // an open circle
	rectMark                 // a filled rectangle (x, y)-(x2, y2), or width size around x
	lineMark                 // a segment (x, y)-(x2, y2) of width size
)

// mark is one drawn thing, in data coordinates. For rectangles and lines
// dx shifts x (and x2) by a canvas length, and a rectangle whose x2 is
// NaN is size wide, centred on x.
type mark struct {
	kind       markKind
	x, y       float64
	x2, y2     float64
	dx         vg.Length
	size       vg.Length
	color      color.Color
	tip        string
	attrs      string // extra attributes for the tooltip shape (data-*)
	noTip      bool
	dashes     []vg.Length
	underneath bool // drawn before the other marks (bands)
}

// markLayer is a plot.Plotter that draws its marks and records where their
// tooltips go (canvas points, y up).
type markLayer struct {
	marks  []mark
	placed []placedTip
}

type placedTip struct {
	x0, y0, x1, y1 vg.Length
	round          bool
	text, attrs    string
}

func (l *markLayer) add(m mark) { l.marks = append(l.marks, m) }

// Plot implements plot.Plotter.
func (l *markLayer) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	order := make([]int, len(l.marks))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return l.marks[order[a]].underneath && !l.marks[order[b]].underneath })
	for _, i := range order {
		m := l.marks[i]
		x, y := trX(m.x)+m.dx, trY(m.y)
		switch m.kind {
		case dotMark, ringMark:
			sty := draw.GlyphStyle{Color: m.color, Radius: m.size, Shape: draw.CircleGlyph{}}
			if m.kind == ringMark {
				sty.Shape = thickRing{}
			}
			c.DrawGlyphNoClip(sty, vg.Point{X: x, Y: y})
			pad := max(m.size, 4)
			l.place(m, x-pad, y-pad, x+pad, y+pad, true)
		case rectMark:
			x0, x1 := x-m.size/2, x+m.size/2
			if !math.IsNaN(m.x2) {
				x0, x1 = x, trX(m.x2)+m.dx
			}
			y0, y1 := y, trY(m.y2)
			if x0 > x1 {
				x0, x1 = x1, x0
			}
			if y0 > y1 {
				y0, y1 = y1, y0
			}
			if m.color != nil { // a rectangle without colour only carries a tooltip
				c.FillPolygon(m.color, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
			}
			l.place(m, x0, y0, max(x1, x0+3), max(y1, y0+3), false)
		case lineMark:
			x1, y1 := trX(m.x2)+m.dx, trY(m.y2)
			sty := draw.LineStyle{Color: m.color, Width: m.size, Dashes: m.dashes}
			c.StrokeLine2(sty, x, y, x1, y1)
			pad := max(m.size/2, 3)
			l.place(m, min(x, x1)-pad, min(y, y1)-pad, max(x, x1)+pad, max(y, y1)+pad, false)
		}
	}
}

func (l *markLayer) place(m mark, x0, y0, x1, y1 vg.Length, round bool) {
	if m.noTip || m.tip == "" {
		return
	}
	l.placed = append(l.placed, placedTip{x0: x0, y0: y0, x1: x1, y1: y1, round: round, text: m.tip, attrs: m.attrs})
}

// DataRange implements plot.DataRanger over the marks' coordinates.
func (l *markLayer) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for _, m := range l.marks {
		for _, x := range []float64{m.x, m.x2} {
			if !math.IsNaN(x) && !math.IsInf(x, 0) && (m.kind != dotMark && m.kind != ringMark || x == m.x) {
				xmin, xmax = math.Min(xmin, x), math.Max(xmax, x)
			}
		}
		for _, y := range []float64{m.y, m.y2} {
			if !math.IsNaN(y) && !math.IsInf(y, 0) && (m.kind != dotMark && m.kind != ringMark || y == m.y) {
				ymin, ymax = math.Min(ymin, y), math.Max(ymax, y)
			}
		}
	}
	if xmin > xmax {
		xmin, xmax = 0, 1
	}
	if ymin > ymax {
		ymin, ymax = 0, 1
	}
	return
}

// thickRing is an open circle whose outline is thick enough to read as a
// mark: the hollow dot of a comparison without a clear verdict.
type thickRing struct{}

func (thickRing) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	var p vg.Path
	p.Move(vg.Point{X: pt.X + sty.Radius, Y: pt.Y})
	p.Arc(pt, sty.Radius, 0, 2*math.Pi)
	p.Close()
	c.SetColor(color.White)
	c.Fill(p)
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: vg.Points(1.6)})
	c.Stroke(p)
}

// tipsSVG is the tooltip shapes of the layers as SVG, for a canvas h
// points high (SVG's y runs down).
func tipsSVG(h float64, layers ...*markLayer) string {
	var b strings.Builder
	b.WriteString(`<g class="tips">`)
	for _, l := range layers {
		for _, t := range l.placed {
			x0, x1 := float64(t.x0), float64(t.x1)
			y0, y1 := h-float64(t.y1), h-float64(t.y0)
			attrs := t.attrs
			if attrs != "" {
				attrs = " " + attrs
			}
			if t.round {
				fmt.Fprintf(&b, `<circle class="tip" cx="%.2f" cy="%.2f" r="%.2f"%s><title>%s</title></circle>`,
					(x0+x1)/2, (y0+y1)/2, (x1-x0)/2, attrs, esc(t.text))
			} else {
				fmt.Fprintf(&b, `<rect class="tip" x="%.2f" y="%.2f" width="%.2f" height="%.2f"%s><title>%s</title></rect>`,
					x0, y0, x1-x0, y1-y0, attrs, esc(t.text))
			}
		}
	}
	b.WriteString(`</g>`)
	return b.String()
}

func esc(s string) string {
	return strings.NewReplacer(`&`, "&amp;", `<`, "&lt;", `>`, "&gt;", `"`, "&quot;").Replace(s)
}
