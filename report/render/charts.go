package render

import (
	"bytes"
	"fmt"
	"image/color"
	"image/png"
	"math"
	"regexp"
	"runtime"
	"time"

	"golang.org/x/sync/errgroup"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/earshot-dev/earshot/report"
)

// Chart size on the page: the PDF's text width (A4 less margins) by a
// height that fits two charts on a page with their titles.
const (
	chartW   = 180 * vg.Millimeter
	chartH   = 78 * vg.Millimeter
	chartDPI = 150
)

// chart is one rendered chart. A chart whose data is missing is still
// listed (empty=true) so the report says so where the chart would be.
type chart struct {
	id    string
	title string
	empty bool
	svg   []byte
	png   []byte
}

// Print-friendly colours: dark enough to read in greyscale, told apart by
// dash pattern as well in the line charts.
var (
	colPositive = color.RGBA{R: 0x2e, G: 0x7d, B: 0x32, A: 0xff}
	colNeutral  = color.RGBA{R: 0xa0, G: 0xa0, B: 0xa0, A: 0xff}
	colNegative = color.RGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}
	colThis     = color.RGBA{R: 0x1f, G: 0x4e, B: 0x9a, A: 0xff}
	colPrev     = color.RGBA{R: 0x9e, G: 0xb8, B: 0xdc, A: 0xff}
	palette     = []color.Color{
		color.RGBA{R: 0x1f, G: 0x4e, B: 0x9a, A: 0xff},
		color.RGBA{R: 0xd9, G: 0x5f, B: 0x02, A: 0xff},
		color.RGBA{R: 0x1b, G: 0x9e, B: 0x77, A: 0xff},
		color.RGBA{R: 0x75, G: 0x70, B: 0xb3, A: 0xff},
		color.RGBA{R: 0xe7, G: 0x29, B: 0x8a, A: 0xff},
		color.RGBA{R: 0x66, G: 0x66, B: 0x66, A: 0xff},
		color.RGBA{R: 0xa6, G: 0x76, B: 0x1d, A: 0xff},
	}
	dashes = [][]vg.Length{nil, {vg.Points(6), vg.Points(3)}, {vg.Points(2), vg.Points(2)}, {vg.Points(8), vg.Points(3), vg.Points(2), vg.Points(3)}}
)

type chartFormats struct{ svg, png bool }

// renderCharts draws the report's charts in the formats asked for.
func renderCharts(l *locale, r *report.Report, f chartFormats) ([]chart, error) {
	builders := []struct {
		id, title string
		build     func(*locale, *report.Report) (drawFunc, error)
	}{
		{"mentions", "chart.mentions", mentionsChart},
		{"share_of_voice", "chart.share_of_voice", shareChart},
		{"followers", "chart.followers", followersChart},
		{"engagement", "chart.engagement", engagementChart},
		{"campaigns", "chart.campaigns", campaignsChart},
	}
	// Charts are independent and rasterizing is most of a PDF's time:
	// draw them in parallel.
	out := make([]chart, len(builders))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, b := range builders {
		g.Go(func() error {
			c := chart{id: b.id, title: l.T(b.title)}
			fn, err := b.build(l, r)
			if err != nil {
				return fmt.Errorf("chart %s: %w", b.id, err)
			}
			if fn == nil {
				c.empty = true
			}
			if fn != nil && f.svg {
				if c.svg, err = drawSVG(fn); err != nil {
					return fmt.Errorf("chart %s as SVG: %w", b.id, err)
				}
			}
			if fn != nil && f.png {
				if c.png, err = drawPNG(fn); err != nil {
					return fmt.Errorf("chart %s as PNG: %w", b.id, err)
				}
			}
			out[i] = c
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// drawFunc draws a chart on a canvas; nil means there is nothing to draw.
type drawFunc func(draw.Canvas)

func singlePlot(p *plot.Plot) drawFunc { return func(dc draw.Canvas) { p.Draw(dc) } }

// The SVG is inlined in HTML, so its XML prolog is dropped (the page's CSS
// scales it to the page width).
var (
	svgProlog = regexp.MustCompile(`(?s)^.*?(<svg\b)`)
	svgFont   = regexp.MustCompile(`font-family:([^;"]+)`)
)

func drawSVG(fn drawFunc) ([]byte, error) {
	c := vgsvg.New(chartW, chartH)
	fn(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, err
	}
	out := svgProlog.ReplaceAll(buf.Bytes(), []byte("$1"))
	// The reader's machine may not have the plotting font: fall back to
	// its own sans-serif rather than fetching one.
	out = svgFont.ReplaceAll(out, []byte("font-family:$1,Arial,Helvetica,sans-serif"))
	return out, nil
}

func drawPNG(fn drawFunc) ([]byte, error) {
	c := vgimg.NewWith(vgimg.UseWH(chartW, chartH), vgimg.UseDPI(chartDPI), vgimg.UseBackgroundColor(color.White))
	fn(draw.New(c))
	var buf bytes.Buffer
	// Fast compression: the PDF deflates the image again anyway, and the
	// default level is half the time of a whole report.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, c.Image()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// newPlot is a plot with the report's look: no title (the document has
// it), legend above the data.
func newPlot() *plot.Plot {
	p := plot.New()
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.XOffs = vg.Points(6)
	p.Legend.Padding = vg.Points(2)
	// The chart is placed at its own size in the PDF: these are printed
	// points, and nothing is under 9.
	p.Legend.TextStyle.Font = sans(9.5)
	p.X.Tick.Label.Font = sans(9)
	p.Y.Tick.Label.Font = sans(9)
	p.X.Label.TextStyle.Font = sans(10)
	p.Y.Label.TextStyle.Font = sans(10)
	return p
}

// sans is the plotting font: gonum's default is a serif, which prints
// poorly at small sizes.
func sans(size float64) font.Font {
	return font.Font{Typeface: "Liberation", Variant: "Sans", Size: vg.Points(size)}
}

// headroom leaves the top of the plot free for the legend.
func headroom(max float64) float64 {
	if max <= 0 {
		return 1
	}
	return max * 1.3
}

// localTicks relabels gonum's default ticks with the report's number
// format (and a suffix such as "%").
func localTicks(l *locale, suffix string) plot.Ticker {
	return plot.TickerFunc(func(min, max float64) []plot.Tick {
		ticks := plot.DefaultTicks{}.Ticks(min, max)
		for i := range ticks {
			if ticks[i].Label != "" {
				ticks[i].Label = l.num(ticks[i].Value, 2) + suffix
			}
		}
		return ticks
	})
}

// dayTicks labels day indexes 0…n-1 with "2 Nov" every few days.
func dayTicks(l *locale, days []dayLabel) plot.Ticker {
	return dayTicksEvery(l, days, 5)
}

// dayTicksEvery labels every step-th day (every day in a short series).
func dayTicksEvery(l *locale, days []dayLabel, step int) plot.Ticker {
	if len(days) <= 10 {
		step = 1
	}
	return plot.TickerFunc(func(min, max float64) []plot.Tick {
		var ts []plot.Tick
		for i, d := range days {
			t := plot.Tick{Value: float64(i)}
			if i%step == 0 {
				t.Label = l.dayMonth(d.t)
			}
			ts = append(ts, t)
		}
		return ts
	})
}

type dayLabel struct{ t time.Time }

func mentionsChart(l *locale, r *report.Report) (drawFunc, error) {
	if len(r.Mentions) == 0 {
		return nil, nil
	}
	n := len(r.Mentions)
	pos, neu, neg := make(plotter.Values, n), make(plotter.Values, n), make(plotter.Values, n)
	days := make([]dayLabel, n)
	for i, d := range r.Mentions {
		pos[i], neu[i], neg[i] = float64(d.Positive), float64(d.Neutral), float64(d.Negative)
		days[i] = dayLabel{d.Day}
	}
	p := newPlot()
	w := barWidth(n, 1)
	var below *plotter.BarChart
	for _, s := range []struct {
		v   plotter.Values
		c   color.Color
		key string
	}{{neg, colNegative, "val.negative"}, {neu, colNeutral, "val.neutral"}, {pos, colPositive, "val.positive"}} {
		b, err := plotter.NewBarChart(s.v, w)
		if err != nil {
			return nil, err
		}
		b.Color = s.c
		b.LineStyle.Width = 0
		if below != nil {
			b.StackOn(below)
		}
		below = b
		p.Add(b)
		p.Legend.Add(l.T(s.key), b)
	}
	p.Y.Label.Text = l.T("col.mentions")
	p.Y.Tick.Marker = localTicks(l, "")
	p.X.Tick.Marker = dayTicks(l, days)
	p.X.Min, p.X.Max = -0.6, float64(n)-0.4
	top := 0.0
	for i := range pos {
		top = math.Max(top, pos[i]+neu[i]+neg[i])
	}
	p.Y.Min, p.Y.Max = 0, headroom(top)
	return singlePlot(p), nil
}

// barWidth fits groups bars per slot across n slots of the plot area.
func barWidth(n, groups int) vg.Length {
	if n < 1 {
		n = 1
	}
	w := (chartW - 25*vg.Millimeter) / vg.Length(n) * 0.7 / vg.Length(groups)
	return vg.Length(math.Min(float64(w), float64(12*vg.Millimeter)))
}

func shareChart(l *locale, r *report.Report) (drawFunc, error) {
	if len(r.ShareOfVoice) == 0 {
		return nil, nil
	}
	// One line per brand, own brand first; x is the day's index.
	dayIndex := map[int64]int{}
	var days []dayLabel
	var brands []string
	series := map[string]plotter.XYs{}
	for _, s := range r.ShareOfVoice {
		k := s.Day.Unix()
		if _, ok := dayIndex[k]; !ok {
			dayIndex[k] = len(days)
			days = append(days, dayLabel{s.Day})
		}
		if _, ok := series[s.Brand]; !ok {
			brands = append(brands, s.Brand)
		}
		series[s.Brand] = append(series[s.Brand], plotter.XY{X: float64(dayIndex[k]), Y: finite(s.Share * 100)})
	}
	p := newPlot()
	for i, b := range brands {
		line, err := plotter.NewLine(series[b])
		if err != nil {
			return nil, err
		}
		line.Color = palette[i%len(palette)]
		line.Width = vg.Points(1.6)
		line.Dashes = dashes[i%len(dashes)]
		p.Add(line)
		p.Legend.Add(plain(b), line)
	}
	p.Y.Min, p.Y.Max = 0, 100
	p.Legend.Left = false
	p.Legend.XOffs = -vg.Points(6)
	p.Y.Label.Text = l.T("col.share")
	p.Y.Tick.Marker = localTicks(l, "%")
	p.X.Tick.Marker = dayTicks(l, days)
	p.X.Min, p.X.Max = 0, math.Max(1, float64(len(days)-1))
	return singlePlot(p), nil
}

func followersChart(l *locale, r *report.Report) (drawFunc, error) {
	if len(r.Followers) == 0 {
		return nil, nil
	}
	dayIndex := map[int64]int{}
	var days []dayLabel
	var names []string
	series := map[string]plotter.XYs{}
	for _, f := range r.Followers {
		k := f.Day.Unix()
		if _, ok := dayIndex[k]; !ok {
			dayIndex[k] = len(days)
			days = append(days, dayLabel{f.Day})
		}
		name := f.Network
		if f.Account != "" {
			name += " " + f.Account
		}
		if _, ok := series[name]; !ok {
			names = append(names, name)
		}
		series[name] = append(series[name], plotter.XY{X: float64(dayIndex[k]), Y: float64(f.Followers)})
	}
	// One small plot per account, each on its own scale: on a shared axis
	// from zero a 6% growth is a flat line, and a small network is a line
	// on the floor.
	n := len(names)
	cols := min(n, 4)
	rows := (n + cols - 1) / cols
	plots := make([][]*plot.Plot, rows)
	for i := range plots {
		plots[i] = make([]*plot.Plot, cols)
	}
	for i, name := range names {
		p := newPlot()
		line, err := plotter.NewLine(series[name])
		if err != nil {
			return nil, err
		}
		line.Color = palette[i%len(palette)]
		line.Width = vg.Points(1.6)
		p.Add(line)
		p.Title.Text = plain(name)
		p.Title.TextStyle.Font = sans(9.5)
		p.Title.Padding = vg.Points(3)
		p.Y.Tick.Marker = localTicks(l, "")
		p.X.Tick.Marker = dayTicksEvery(l, days, 10)
		p.X.Min, p.X.Max = 0, math.Max(1, float64(len(days)-1))
		lo, hi := yRange(series[name])
		p.Y.Min, p.Y.Max = lo, hi
		plots[i/cols][i%cols] = p
	}
	return func(dc draw.Canvas) {
		tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: 6 * vg.Millimeter, PadY: 3 * vg.Millimeter}
		cs := plot.Align(plots, tiles, dc)
		for i := range plots {
			for j, p := range plots[i] {
				if p != nil {
					p.Draw(cs[i][j])
				}
			}
		}
	}, nil
}

// yRange pads a series' range so a flat line sits mid-plot and a rising
// one does not touch the frame.
func yRange(xys plotter.XYs) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, p := range xys {
		lo, hi = math.Min(lo, p.Y), math.Max(hi, p.Y)
	}
	pad := (hi - lo) * 0.15
	if pad == 0 {
		pad = math.Max(1, math.Abs(hi)*0.05)
	}
	return math.Max(0, lo-pad), hi + pad
}

func engagementChart(l *locale, r *report.Report) (drawFunc, error) {
	// A network without a rate this month is in Missing; drawing it as a
	// zero bar would say the opposite.
	var names []string
	var this, prev plotter.Values
	var prevMissing []int
	for _, n := range r.NetworkEngage {
		if n.EngagementRateReach == nil {
			continue
		}
		names = append(names, plain(n.Network))
		this = append(this, finite(*n.EngagementRateReach*100))
		if n.PrevEngagementRateReach == nil {
			prevMissing = append(prevMissing, len(prev))
			prev = append(prev, 0)
		} else {
			prev = append(prev, finite(*n.PrevEngagementRateReach*100))
		}
	}
	if len(names) == 0 {
		return nil, nil
	}
	p := newPlot()
	w := barWidth(len(names), 2)
	bp, err := plotter.NewBarChart(prev, w)
	if err != nil {
		return nil, err
	}
	bp.Color, bp.Offset, bp.LineStyle.Width = colPrev, -w/2, 0
	bt, err := plotter.NewBarChart(this, w)
	if err != nil {
		return nil, err
	}
	bt.Color, bt.Offset, bt.LineStyle.Width = colThis, w/2, 0
	p.Add(bp, bt)
	p.Legend.Add(l.T("chart.prev_month"), bp)
	p.Legend.Add(l.T("chart.this_month"), bt)
	if len(prevMissing) > 0 {
		lb := plotter.XYLabels{}
		for _, i := range prevMissing {
			lb.XYs = append(lb.XYs, plotter.XY{X: float64(i), Y: 0})
			lb.Labels = append(lb.Labels, l.T("nodata"))
		}
		labels, err := plotter.NewLabels(lb)
		if err != nil {
			return nil, err
		}
		for i := range labels.TextStyle {
			labels.TextStyle[i].Font = sans(9)
			labels.TextStyle[i].XAlign = draw.XCenter
		}
		labels.Offset = vg.Point{X: -w / 2, Y: vg.Points(3)}
		p.Add(labels)
	}
	top := 0.0
	for i := range this {
		top = math.Max(top, math.Max(this[i], prev[i]))
	}
	p.Y.Max = headroom(top)
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.5, float64(len(names))-0.5
	p.Y.Min = 0
	p.Y.Label.Text = l.T("col.er_reach")
	p.Y.Tick.Marker = localTicks(l, "%")
	return singlePlot(p), nil
}

func campaignsChart(l *locale, r *report.Report) (drawFunc, error) {
	if len(r.CampaignTotals) == 0 {
		return nil, nil
	}
	n := len(r.CampaignTotals)
	names := make([]string, n)
	conv, value := make(plotter.Values, n), make(plotter.Values, n)
	// Horizontal bars, first campaign on top: long names read left to right.
	for i, c := range r.CampaignTotals {
		j := n - 1 - i
		names[j] = plain(c.Campaign)
		conv[j], value[j] = float64(c.Conversions), finite(c.Value)
	}
	mk := func(v plotter.Values, col color.Color, label, suffix string) (*plot.Plot, error) {
		p := newPlot()
		w := vg.Length(math.Min(float64((chartH-20*vg.Millimeter)/vg.Length(n)*0.7), float64(10*vg.Millimeter)))
		b, err := plotter.NewBarChart(v, w)
		if err != nil {
			return nil, err
		}
		b.Horizontal, b.Color, b.LineStyle.Width = true, col, 0
		p.Add(b)
		p.NominalY(names...)
		p.X.Min = 0
		p.X.Label.Text = label
		p.X.Tick.Marker = localTicks(l, suffix)
		return p, nil
	}
	pc, err := mk(conv, colThis, l.T("col.conversions"), "")
	if err != nil {
		return nil, err
	}
	pv, err := mk(value, palette[2], l.T("col.conv_value")+" ("+r.Currency+")", "")
	if err != nil {
		return nil, err
	}
	pv.HideY()
	return func(dc draw.Canvas) {
		tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 2}
		plots := [][]*plot.Plot{{pc, pv}}
		cs := plot.Align(plots, tiles, dc)
		pc.Draw(cs[0][0])
		pv.Draw(cs[0][1])
	}, nil
}

// finite keeps NaN and ±Inf (a division by zero upstream) out of the
// plotter, which refuses them.
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}
