package render

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/earshot-dev/earshot/report"
)

// A4 portrait in millimetres. Body text is 9.5 pt and nothing is smaller
// than 9 pt, so the printed page reads without glasses.
const (
	pageW        = 210.0
	pageH        = 297.0
	margin       = 15.0
	bottomMargin = 18.0
	textW        = pageW - 2*margin
	lineH        = 4.4 // mm per line of 9 pt text
	bodyPt       = 9.5
	smallPt      = 9.0
	maxCellLines = 14 // a cell longer than this is cut with "…"
	fontFamily   = "go"
)

// PDF writes the report as an A4 PDF: summary, missing data and key
// figures first, then the charts, the detail tables and the appendix.
func PDF(w io.Writer, r *report.Report, lang string) error {
	_, err := writePDF(w, r, lang)
	return err
}

// layout is where things landed, for tests that look at the pages.
type layout struct {
	charts  []placement
	headers map[string][]int // table id → pages its header row is on
}

// placement is where a chart landed: page (from 1) and box in mm.
type placement struct {
	id         string
	page       int
	x, y, w, h float64
}

func writePDF(w io.Writer, r *report.Report, lang string) (layout, error) {
	l, err := newLocale(lang)
	if err != nil {
		return layout{}, err
	}
	if r == nil {
		return layout{}, fmt.Errorf("render PDF: no report")
	}
	charts, err := renderCharts(l, r, chartFormats{png: true})
	if err != nil {
		return layout{}, fmt.Errorf("render PDF: %w", err)
	}
	g, err := newGlyphs()
	if err != nil {
		return layout{}, fmt.Errorf("render PDF: %w", err)
	}
	d := &pdfDoc{pdf: fpdf.New("P", "mm", "A4", ""), l: l, g: g, r: r, placed: layout{headers: map[string][]int{}}}
	d.build(charts)
	if err := d.pdf.Output(w); err != nil {
		return layout{}, fmt.Errorf("render PDF: %w", err)
	}
	return d.placed, nil
}

type pdfDoc struct {
	pdf *fpdf.Fpdf
	l   *locale
	g   *glyphs
	r   *report.Report

	placed layout
}

func (d *pdfDoc) build(charts []chart) {
	p, l, r := d.pdf, d.l, d.r
	p.AddUTF8FontFromBytes(fontFamily, "", goregular.TTF)
	p.AddUTF8FontFromBytes(fontFamily, "B", gobold.TTF)
	p.AddUTF8FontFromBytes(fontFamily, "I", goitalic.TTF)
	p.SetMargins(margin, margin, margin)
	p.SetAutoPageBreak(true, bottomMargin)
	p.SetTitle(d.txt(l.T("title")+" — "+r.Brand+" — "+l.monthLong(r.Month)), true)
	p.SetAuthor("earshot", true)
	p.SetCreator("earshot", true)
	p.SetLang(l.lang)
	// Dates from the report, not the clock.
	p.SetCatalogSort(true)
	if !r.GeneratedAt.IsZero() {
		p.SetCreationDate(r.GeneratedAt)
		p.SetModificationDate(r.GeneratedAt)
	}
	p.SetTextColor(0, 0, 0)
	p.SetDrawColor(0, 0, 0)
	p.AliasNbPages("{nb}")
	p.SetFooterFunc(func() {
		p.SetY(-12)
		p.SetFont(fontFamily, "", smallPt)
		p.CellFormat(textW/2, 5, d.txt(r.Brand+" · "+l.monthYear(r.Month)), "", 0, "L", false, 0, "")
		p.CellFormat(textW/2, 5, l.T("page", p.PageNo(), "{nb}"), "", 0, "R", false, 0, "")
	})
	p.AddPage()

	p.SetFont(fontFamily, "B", 18)
	p.CellFormat(textW, 9, d.txt(l.T("title")+" — "+r.Brand), "", 1, "L", false, 0, "")
	p.SetFont(fontFamily, "", 12)
	p.CellFormat(textW, 7, d.txt(l.T("subtitle", r.Brand, l.monthYear(r.Month), l.monthYear(r.PrevMonth))), "", 1, "L", false, 0, "")
	p.SetFont(fontFamily, "", smallPt)
	if !r.GeneratedAt.IsZero() {
		p.CellFormat(textW, 5, l.T("generated", l.dateTime(r.GeneratedAt)), "", 1, "L", false, 0, "")
	}
	p.Ln(3)

	d.heading(l.T("section.summary"))
	sentences := summaryText(l, r)
	if len(sentences) == 0 {
		sentences = []string{l.T("summary.none")}
	}
	d.bullets(sentences)

	d.heading(l.T("section.missing"))
	missing := missingText(l, r)
	if len(missing) == 0 {
		missing = []string{l.T("missing.none")}
	}
	d.bullets(missing)

	d.heading(l.T("section.kpis"))
	d.table(kpiPeopleTable(l, r, false), false)

	p.AddPage()
	d.heading(l.T("section.charts"))
	for _, c := range charts {
		d.chart(c)
	}

	p.AddPage()
	d.heading(l.T("section.tables"))
	for _, t := range []table{campaignsTable(r), topPostsTable(r), topMentionsTable(r), alertsTable(l, r)} {
		d.table(t, true)
	}

	p.AddPage()
	d.heading(l.T("section.appendix"))
	d.table(kpiPeopleTable(l, r, true), true)
	d.table(engagementTable(r), true)
}

// txt is text made safe for the embedded font.
func (d *pdfDoc) txt(s string) string { return d.g.clean(s) }

// need starts a new page unless h millimetres fit on this one.
func (d *pdfDoc) need(h float64) bool {
	if d.pdf.GetY()+h > pageH-bottomMargin {
		d.pdf.AddPage()
		return true
	}
	return false
}

func (d *pdfDoc) heading(s string) {
	d.need(18) // a heading never ends a page alone
	d.pdf.SetFont(fontFamily, "B", 13)
	d.pdf.CellFormat(textW, 8, d.txt(s), "", 1, "L", false, 0, "")
}

func (d *pdfDoc) subheading(s string) {
	d.pdf.SetFont(fontFamily, "B", 11)
	d.pdf.CellFormat(textW, 6.5, d.txt(s), "", 1, "L", false, 0, "")
}

func (d *pdfDoc) bullets(items []string) {
	p := d.pdf
	p.SetFont(fontFamily, "", bodyPt)
	for _, it := range items {
		lines := p.SplitText(d.txt(it), textW-5)
		d.need(float64(len(lines)) * lineH)
		for i, line := range lines {
			mark := ""
			if i == 0 {
				mark = "•"
			}
			p.CellFormat(5, lineH, mark, "", 0, "L", false, 0, "")
			p.CellFormat(textW-5, lineH, line, "", 1, "L", false, 0, "")
		}
	}
	p.Ln(3)
}

func (d *pdfDoc) chart(c chart) {
	p := d.pdf
	h := float64(chartH / 72 * 25.4) // vg points to mm
	if c.empty {
		d.need(16)
		d.subheading(c.title)
		p.SetFont(fontFamily, "I", bodyPt)
		p.CellFormat(textW, lineH, d.l.T("chart.nodata"), "", 1, "L", false, 0, "")
		p.Ln(4)
		return
	}
	d.need(7 + h)
	d.subheading(c.title)
	name := "chart-" + c.id
	opts := fpdf.ImageOptions{ImageType: "PNG"}
	p.RegisterImageOptionsReader(name, opts, bytes.NewReader(c.png))
	y := p.GetY()
	p.ImageOptions(name, margin, y, textW, h, false, opts, 0, "")
	d.placed.charts = append(d.placed.charts, placement{id: c.id, page: p.PageNo(), x: margin, y: y, w: textW, h: h})
	p.SetY(y + h + 5)
}

// table draws t across pages, repeating the header on each page. Machine
// columns (ids, URLs) are left out; a linked cell links to its URL.
func (d *pdfDoc) table(t table, withTitle bool) {
	p, l := d.pdf, d.l
	var cols []column
	var idx []int
	total := 0.0
	for i, c := range t.cols {
		if c.machine {
			continue
		}
		cols = append(cols, c)
		idx = append(idx, i)
		total += c.width
	}
	widths := d.columnWidths(t, cols, idx, total)
	if withTitle {
		d.need(7 + 2*lineH + 4)
		d.subheading(l.T(t.title))
	}
	if len(t.rows) == 0 {
		p.SetFont(fontFamily, "I", bodyPt)
		p.CellFormat(textW, lineH, l.T("table.empty"), "", 1, "L", false, 0, "")
		p.Ln(4)
		return
	}
	header := func() {
		p.SetFont(fontFamily, "B", smallPt)
		cells := make([][]string, len(cols))
		n := 1
		for i, c := range cols {
			cells[i] = p.SplitText(l.T(c.header), widths[i])
			n = max(n, len(cells[i]))
		}
		h := float64(n)*lineH + 1.5
		y := p.GetY()
		d.placed.headers[t.id] = append(d.placed.headers[t.id], p.PageNo())
		p.SetFillColor(225, 225, 225)
		p.Rect(margin, y, textW, h, "F")
		d.rowText(cols, widths, cells, nil, y+0.75)
		p.SetY(y + h)
	}
	d.need(2*lineH + 4)
	header()
	for _, row := range t.rows {
		cells := make([][]string, len(cols))
		links := make([]string, len(cols))
		n := 1
		p.SetFont(fontFamily, "", smallPt)
		for i, j := range idx {
			c := row[j]
			s := d.txt(l.cellText(c, d.r.Currency))
			lines := p.SplitText(s, widths[i])
			if len(lines) > maxCellLines {
				lines = append(lines[:maxCellLines-1], lines[maxCellLines-1]+" …")
			}
			if len(lines) == 0 {
				lines = []string{""}
			}
			cells[i] = lines
			n = max(n, len(lines))
			if c.kind == kURL && safeURL(c.url) {
				links[i] = c.url
			}
		}
		h := float64(n)*lineH + 1.5
		if d.need(h) {
			header()
		}
		y := p.GetY()
		p.SetFont(fontFamily, "", smallPt)
		d.rowText(cols, widths, cells, links, y+0.75)
		p.SetLineWidth(0.1)
		p.SetDrawColor(150, 150, 150)
		p.Line(margin, y+h, margin+textW, y+h)
		p.SetDrawColor(0, 0, 0)
		p.SetY(y + h)
	}
	p.Ln(5)
}

// columnWidths shares the text width among columns by their weights, but
// first gives each column room for its longest word (header or cell), so
// a word is split across lines only when the table cannot fit otherwise.
func (d *pdfDoc) columnWidths(t table, cols []column, idx []int, total float64) []float64 {
	p, l := d.pdf, d.l
	const pad = 2.5 // cell margins and a little air
	minW := make([]float64, len(cols))
	longest := func(s string) float64 {
		w := 0.0
		for _, word := range strings.Fields(s) {
			w = max(w, p.GetStringWidth(word))
		}
		return w + pad
	}
	p.SetFont(fontFamily, "B", smallPt)
	for i, c := range cols {
		minW[i] = longest(l.T(c.header))
	}
	p.SetFont(fontFamily, "", smallPt)
	for _, row := range t.rows {
		for i, j := range idx {
			s := d.txt(l.cellText(row[j], d.r.Currency))
			switch row[j].kind {
			case kText, kWord, kURL:
				minW[i] = max(minW[i], longest(s))
			default: // numbers and dates never wrap
				minW[i] = max(minW[i], p.GetStringWidth(s)+pad)
			}
		}
	}
	sum := 0.0
	for i := range minW {
		minW[i] = min(minW[i], textW*0.35)
		sum += minW[i]
	}
	widths := make([]float64, len(cols))
	if sum > textW {
		for i, c := range cols {
			widths[i] = textW * c.width / total
		}
		return widths
	}
	for i, c := range cols {
		widths[i] = minW[i] + (textW-sum)*c.width/total
	}
	return widths
}

func (d *pdfDoc) rowText(cols []column, widths []float64, cells [][]string, links []string, y float64) {
	p := d.pdf
	x := margin
	for i, c := range cols {
		align := "L"
		if c.right {
			align = "R"
		}
		link := ""
		if links != nil {
			link = links[i]
		}
		for k, line := range cells[i] {
			p.SetXY(x, y+float64(k)*lineH)
			p.CellFormat(widths[i], lineH, line, "", 0, align, false, 0, link)
		}
		x += widths[i]
	}
}

// safeURL accepts only web links: a javascript: or file: URL from a
// mention must not become a live link.
func safeURL(u string) bool {
	lu := strings.ToLower(u)
	return strings.HasPrefix(lu, "https://") || strings.HasPrefix(lu, "http://")
}

// summaryText writes the summary sentences in the report's language.
func summaryText(l *locale, r *report.Report) []string {
	out := make([]string, 0, len(r.Summary))
	for _, s := range r.Summary {
		out = append(out, plain(l.sentence(s, r.Currency)))
	}
	return out
}

// missingText writes the Missing statements.
func missingText(l *locale, r *report.Report) []string {
	out := make([]string, 0, len(r.Missing))
	for _, m := range r.Missing {
		out = append(out, plain(l.missing(m)))
	}
	return out
}
