package render

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/earshot-dev/earshot/report"
)

// XLSX writes the report as a workbook for analysts: the KPI sheet, one
// sheet per table and the raw daily series, every number a real number
// with a number format (so it sums and charts), headers frozen, and a
// last sheet with the summary and the missing-data statements.
func XLSX(w io.Writer, r *report.Report, lang string) error {
	l, err := newLocale(lang)
	if err != nil {
		return err
	}
	if r == nil {
		return fmt.Errorf("render XLSX: no report")
	}
	f := excelize.NewFile()
	defer f.Close()
	x := &xlsxDoc{f: f, l: l, r: r, styles: map[string]int{}}
	if err := x.build(); err != nil {
		return fmt.Errorf("render XLSX: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("render XLSX: %w", err)
	}
	return nil
}

type xlsxDoc struct {
	f      *excelize.File
	l      *locale
	r      *report.Report
	styles map[string]int
}

func (x *xlsxDoc) build() error {
	f, l, r := x.f, x.l, x.r
	if !r.GeneratedAt.IsZero() {
		ts := r.GeneratedAt.UTC().Format(time.RFC3339)
		if err := f.SetDocProps(&excelize.DocProperties{
			Title: plain(l.T("title") + " — " + r.Brand + " — " + l.monthLong(r.Month)), Creator: "earshot",
			Created: ts, Modified: ts, Language: l.lang,
		}); err != nil {
			return fmt.Errorf("document properties: %w", err)
		}
	}
	for i, t := range machineTables(l, r) {
		name := sheetName(l.T("sheet." + t.id))
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return fmt.Errorf("sheet %s: %w", t.id, err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return fmt.Errorf("sheet %s: %w", t.id, err)
		}
		if err := x.table(name, t); err != nil {
			return fmt.Errorf("sheet %s: %w", t.id, err)
		}
	}
	if err := x.notes(); err != nil {
		return fmt.Errorf("notes sheet: %w", err)
	}
	f.SetActiveSheet(0)
	return nil
}

// sheetName fits Excel's rules: at most 31 characters, none of []:*?/\.
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, plain(s))
	if rs := []rune(s); len(rs) > 31 {
		s = string(rs[:31])
	}
	return s
}

func (x *xlsxDoc) table(sheet string, t table) error {
	f, l := x.f, x.l
	headerStyle, err := x.style("header", &excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E1E1E1"}},
		Border:    []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "bottom"},
	})
	if err != nil {
		return err
	}
	for i, c := range t.cols {
		ref, err := excelize.CoordinatesToCellName(i+1, 1)
		if err != nil {
			return err
		}
		if err := f.SetCellStr(sheet, ref, l.T(c.header)); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, ref, ref, headerStyle); err != nil {
			return err
		}
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, columnWidth(c)); err != nil {
			return err
		}
	}
	for ri, row := range t.rows {
		for ci, c := range row {
			ref, err := excelize.CoordinatesToCellName(ci+1, ri+2)
			if err != nil {
				return err
			}
			if err := x.cell(sheet, ref, c, t.cols[ci]); err != nil {
				return fmt.Errorf("cell %s: %w", ref, err)
			}
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if len(t.rows) > 0 {
		last, err := excelize.CoordinatesToCellName(len(t.cols), len(t.rows)+1)
		if err != nil {
			return err
		}
		if err := f.AutoFilter(sheet, "A1:"+last, nil); err != nil {
			return err
		}
	}
	return nil
}

func columnWidth(c column) float64 {
	switch c.header {
	case "col.text", "col.alert_summary", "col.url":
		return 60
	case "col.kpi":
		return 32
	}
	if c.width > 0 {
		return 8 + 7*c.width
	}
	return 14
}

// cell writes one typed cell: numbers and dates as numbers with a format,
// missing numbers as the words "no data" (an empty cell would read as 0
// in a sum's neighbourhood and says nothing).
func (x *xlsxDoc) cell(sheet, ref string, c cell, col column) error {
	f := x.f
	switch c.kind {
	case kText, kWord:
		return f.SetCellStr(sheet, ref, c.text)
	case kURL:
		if err := f.SetCellStr(sheet, ref, c.text); err != nil {
			return err
		}
		if safeURL(c.url) {
			return f.SetCellHyperLink(sheet, ref, c.url, "External")
		}
		return nil
	case kDate, kDateTime:
		if c.t.IsZero() {
			return f.SetCellStr(sheet, ref, c.text)
		}
		if err := f.SetCellValue(sheet, ref, c.t.UTC()); err != nil {
			return err
		}
		format := "yyyy-mm-dd"
		if c.kind == kDateTime {
			format = "yyyy-mm-dd hh:mm"
		}
		return x.setFormat(sheet, ref, format)
	}
	if c.num == nil {
		st, err := x.style("nodata", &excelize.Style{Font: &excelize.Font{Italic: true, Color: "555555"}, Alignment: &excelize.Alignment{Horizontal: "right"}})
		if err != nil {
			return err
		}
		if err := f.SetCellStr(sheet, ref, x.l.T("nodata")); err != nil {
			return err
		}
		return f.SetCellStyle(sheet, ref, ref, st)
	}
	if err := f.SetCellFloat(sheet, ref, *c.num, exactDecimals(*c.num), 64); err != nil {
		return err
	}
	return x.setFormat(sheet, ref, numberFormat(c.kind, col.signed, x.r.Currency))
}

// exactDecimals is how many decimals write v exactly (shortest form that
// reads back as the same float64). excelize's automatic precision cuts
// numbers to Excel's 15 displayed digits; the file keeps all 17, as Excel's
// own files do, so a cell equals the report's number.
func exactDecimals(v float64) int {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return len(s) - i - 1
	}
	return 0
}

func (x *xlsxDoc) setFormat(sheet, ref, format string) error {
	st, err := x.style("fmt:"+format, &excelize.Style{CustomNumFmt: &format})
	if err != nil {
		return err
	}
	return x.f.SetCellStyle(sheet, ref, ref, st)
}

// style creates a style once per workbook.
func (x *xlsxDoc) style(key string, s *excelize.Style) (int, error) {
	if id, ok := x.styles[key]; ok {
		return id, nil
	}
	id, err := x.f.NewStyle(s)
	if err != nil {
		return 0, fmt.Errorf("style %s: %w", key, err)
	}
	x.styles[key] = id
	return id, nil
}

// numberFormat is the Excel number format of a kind of number. Changes
// (signed) show their sign. Excel applies the reader's own separators.
func numberFormat(k kind, signed bool, currency string) string {
	both := func(pos string) string {
		if !signed {
			return pos
		}
		return "+" + pos + ";-" + pos + ";" + pos
	}
	switch k {
	case kRatio:
		return both("0.0%")
	case kScore:
		return "+0.0%;-0.0%;0.0%"
	case kPercent:
		return both(`0.0"%"`)
	case kMoney:
		cur := currencyCode(currency)
		if cur == "" {
			return both("#,##0.00")
		}
		pos := "#,##0.00"
		if !signed {
			return `"` + cur + ` "` + pos
		}
		return `"` + cur + ` "+` + pos + `;"` + cur + ` "-` + pos + `;"` + cur + ` "` + pos
	case kFloat:
		return both("#,##0.00")
	default:
		return both("#,##0")
	}
}

// currencyCode keeps only the letters of a currency code, so it cannot
// break out of the quoted text of a number format.
func currencyCode(c string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' {
			return r
		}
		return -1
	}, c)
}

// notes is the last sheet: what the report says in words.
func (x *xlsxDoc) notes() error {
	f, l, r := x.f, x.l, x.r
	name := sheetName(l.T("sheet.notes"))
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	bold, err := x.style("bold", &excelize.Style{Font: &excelize.Font{Bold: true, Size: 12}})
	if err != nil {
		return err
	}
	summary := summaryText(l, r)
	if len(summary) == 0 {
		summary = []string{l.T("summary.none")}
	}
	missing := missingText(l, r)
	if len(missing) == 0 {
		missing = []string{l.T("missing.none")}
	}
	type line struct {
		s    string
		bold bool
	}
	lines := []line{
		{l.T("title") + " — " + r.Brand, true},
		{l.T("subtitle", r.Brand, l.monthYear(r.Month), l.monthYear(r.PrevMonth)), false},
		{"", false},
		{l.T("section.summary"), true},
	}
	for _, s := range summary {
		lines = append(lines, line{s, false})
	}
	lines = append(lines, line{"", false}, line{l.T("section.missing"), true})
	for _, s := range missing {
		lines = append(lines, line{s, false})
	}
	for i, ln := range lines {
		ref := fmt.Sprintf("A%d", i+1)
		if err := f.SetCellStr(name, ref, plain(ln.s)); err != nil {
			return err
		}
		if ln.bold {
			if err := f.SetCellStyle(name, ref, ref, bold); err != nil {
				return err
			}
		}
	}
	return f.SetColWidth(name, "A", "A", 110)
}
