package render

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/earshot-dev/earshot/report"
)

// xlsxCell reads one cell back: its raw value, type and number format.
type xlsxBook struct {
	t *testing.T
	f *excelize.File
}

func (b xlsxBook) raw(sheet string, col, row int) string {
	b.t.Helper()
	ref, _ := excelize.CoordinatesToCellName(col, row)
	v, err := b.f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
	if err != nil {
		b.t.Fatalf("%s!%s: %v", sheet, ref, err)
	}
	return v
}

func (b xlsxBook) format(sheet string, col, row int) string {
	b.t.Helper()
	ref, _ := excelize.CoordinatesToCellName(col, row)
	id, err := b.f.GetCellStyle(sheet, ref)
	if err != nil {
		b.t.Fatalf("%s!%s: %v", sheet, ref, err)
	}
	st, err := b.f.GetStyle(id)
	if err != nil {
		b.t.Fatalf("%s!%s style %d: %v", sheet, ref, id, err)
	}
	if st.CustomNumFmt == nil {
		return ""
	}
	return *st.CustomNumFmt
}

// number checks that a cell is a number cell equal to want, exactly, with
// the number format wantFmt.
func (b xlsxBook) number(sheet string, col, row int, want float64, wantFmt string) {
	b.t.Helper()
	ref, _ := excelize.CoordinatesToCellName(col, row)
	typ, err := b.f.GetCellType(sheet, ref)
	if err != nil {
		b.t.Fatal(err)
	}
	if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		b.t.Errorf("%s!%s: type %v, want a number", sheet, ref, typ)
	}
	raw := b.raw(sheet, col, row)
	got, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		b.t.Errorf("%s!%s: %q is not a number", sheet, ref, raw)
		return
	}
	if got != want {
		b.t.Errorf("%s!%s: %v, want %v", sheet, ref, got, want)
	}
	if f := b.format(sheet, col, row); f != wantFmt {
		b.t.Errorf("%s!%s: number format %q, want %q", sheet, ref, f, wantFmt)
	}
}

func (b xlsxBook) text(sheet string, col, row int, want string) {
	b.t.Helper()
	if got := b.raw(sheet, col, row); got != want {
		ref, _ := excelize.CoordinatesToCellName(col, row)
		b.t.Errorf("%s!%s: %q, want %q", sheet, ref, got, want)
	}
}

// date checks a date cell: an Excel serial day number with a date format.
func (b xlsxBook) date(sheet string, col, row int, want time.Time, wantFmt string) {
	b.t.Helper()
	raw := b.raw(sheet, col, row)
	serial, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		b.t.Errorf("%s r%d c%d: date %q is not a number", sheet, row, col, raw)
		return
	}
	got, err := excelize.ExcelDateToTime(serial, false)
	if err != nil {
		b.t.Fatal(err)
	}
	if d := got.Sub(want); d > time.Second || d < -time.Second {
		b.t.Errorf("%s r%d c%d: date %v, want %v", sheet, row, col, got, want)
	}
	if f := b.format(sheet, col, row); f != wantFmt {
		b.t.Errorf("%s r%d c%d: date format %q, want %q", sheet, row, col, f, wantFmt)
	}
}

func openXLSX(t *testing.T, r *report.Report, lang string) xlsxBook {
	t.Helper()
	var buf bytes.Buffer
	if err := XLSX(&buf, r, lang); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("the XLSX does not open: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return xlsxBook{t: t, f: f}
}

var unitFormat = map[string]string{
	report.UnitCount:   "#,##0",
	report.UnitRatio:   "0.0%",
	report.UnitMoney:   `"USD "#,##0.00`,
	report.UnitScore:   "+0.0%;-0.0%;0.0%",
	report.UnitPercent: `0.0"%"`,
}

func TestXLSX(t *testing.T) {
	for _, lang := range languages {
		t.Run(lang, func(t *testing.T) {
			r := fixtureReport()
			b := openXLSX(t, r, lang)
			l := mustLocale(t, lang)
			sheets := b.f.GetSheetList()
			wantSheets := []string{"kpis", "daily_mentions", "share_of_voice", "followers", "engagement_by_network",
				"campaigns", "top_posts", "top_mentions", "alerts", "notes"}
			if len(sheets) != len(wantSheets) {
				t.Fatalf("sheets %q", sheets)
			}
			for i, id := range wantSheets {
				if want := l.T("sheet." + id); sheets[i] != want {
					t.Errorf("sheet %d is %q, want %q", i, sheets[i], want)
				}
			}
			for _, s := range sheets[:len(sheets)-1] {
				p, err := b.f.GetPanes(s)
				if err != nil {
					t.Fatal(err)
				}
				if !p.Freeze || p.YSplit != 1 {
					t.Errorf("%s: header row not frozen: %+v", s, p)
				}
				id, _ := b.f.GetCellStyle(s, "A1")
				st, _ := b.f.GetStyle(id)
				if st == nil || st.Font == nil || !st.Font.Bold {
					t.Errorf("%s: header not bold", s)
				}
			}
			nodata := l.T("nodata")

			// KPIs: every value, previous value, change and change % equal
			// to the model, in its unit's format; missing ones say so.
			kpis := sheets[0]
			b.text(kpis, 2, 1, l.T("col.kpi"))
			for i, k := range r.KPIs {
				row := i + 2
				b.text(kpis, 1, row, k.Key)
				b.text(kpis, 2, row, l.kpiBase(k.Key))
				b.text(kpis, 3, row, k.Qualifier)
				b.text(kpis, 4, row, k.Unit)
				appendix := 0.0
				if k.Appendix {
					appendix = 1
				}
				b.number(kpis, 5, row, appendix, "#,##0")
				for j, v := range []*float64{k.Value, k.Prev} {
					if v == nil {
						b.text(kpis, 6+j, row, nodata)
						continue
					}
					b.number(kpis, 6+j, row, *v, unitFormat[k.Unit])
				}
				if c := k.Change(); c == nil {
					b.text(kpis, 8, row, nodata)
				} else {
					want := map[string]string{
						report.UnitCount: "+#,##0;-#,##0;#,##0", report.UnitRatio: "+0.0%;-0.0%;0.0%",
						report.UnitMoney:   `"USD "+#,##0.00;"USD "-#,##0.00;"USD "#,##0.00`,
						report.UnitScore:   "+0.0%;-0.0%;0.0%",
						report.UnitPercent: `+0.0"%";-0.0"%";0.0"%"`,
					}[k.Unit]
					b.number(kpis, 8, row, *c, want)
				}
				if p := k.ChangePct(); p == nil {
					b.text(kpis, 9, row, nodata)
				} else {
					b.number(kpis, 9, row, *p, `+0.0"%";-0.0"%";0.0"%"`)
				}
			}

			// The daily series, row by row.
			daily := sheets[1]
			for i, d := range r.Mentions {
				row := i + 2
				b.date(daily, 1, row, d.Day, "yyyy-mm-dd")
				for j, v := range []uint64{d.Mentions, d.Positive, d.Neutral, d.Negative} {
					b.number(daily, 2+j, row, float64(v), "#,##0")
				}
				b.number(daily, 6, row, d.NetSentiment, "+0.0%;-0.0%;0.0%")
				b.number(daily, 7, row, float64(d.PotentialReach), "#,##0")
			}
			sov := sheets[2]
			for i, s := range r.ShareOfVoice {
				b.date(sov, 1, i+2, s.Day, "yyyy-mm-dd")
				b.text(sov, 2, i+2, s.Brand)
				b.text(sov, 3, i+2, s.Role)
				b.number(sov, 4, i+2, s.Share, "0.0%")
			}
			fol := sheets[3]
			for i, f := range r.Followers {
				b.text(fol, 2, i+2, f.Network)
				b.number(fol, 4, i+2, float64(f.Followers), "#,##0")
			}
			eng := sheets[4]
			for i, n := range r.NetworkEngage {
				b.number(eng, 3, i+2, float64(n.Impressions), "#,##0")
				for j, v := range []*float64{n.EngagementRateReach, n.EngagementRateImpressions, n.EngagementRateFollowers, n.PrevEngagementRateReach} {
					if v == nil {
						b.text(eng, 6+j, i+2, nodata)
					} else {
						b.number(eng, 6+j, i+2, *v, "0.0%")
					}
				}
			}
			camp := sheets[5]
			for i, c := range r.CampaignTotals {
				b.text(camp, 1, i+2, c.Campaign)
				b.number(camp, 2, i+2, c.Spend, `"USD "#,##0.00`)
				b.number(camp, 3, i+2, float64(c.Clicks), "#,##0")
				b.number(camp, 4, i+2, float64(c.Conversions), "#,##0")
				b.number(camp, 5, i+2, c.Value, `"USD "#,##0.00`)
				if c.ROI == nil {
					b.text(camp, 6, i+2, nodata)
				} else {
					b.number(camp, 6, i+2, *c.ROI, "0.0%")
				}
			}
			posts := sheets[6]
			for i, p := range r.TopPosts {
				b.date(posts, 1, i+2, p.PublishedAt, "yyyy-mm-dd hh:mm")
				b.text(posts, 4, i+2, p.PostID)
				ref, _ := excelize.CoordinatesToCellName(4, i+2)
				if ok, link, _ := b.f.GetCellHyperLink(posts, ref); !ok || link != p.URL {
					t.Errorf("%s!%s links to %q, want %q", posts, ref, link, p.URL)
				}
				b.number(posts, 8, i+2, float64(p.Engagement), "#,##0")
				b.text(posts, 10, i+2, p.URL)
			}
			ments := sheets[7]
			for i, m := range r.TopMentions {
				b.number(ments, 4, i+2, float64(m.Reach), "#,##0")
				b.text(ments, 5, i+2, m.Sentiment)
				b.text(ments, 6, i+2, plain(m.Text))
			}
			alerts := sheets[8]
			for i, a := range r.Alerts {
				b.date(alerts, 1, i+2, a.StartedAt, "yyyy-mm-dd hh:mm")
				if a.EndedAt.IsZero() {
					b.text(alerts, 2, i+2, l.T("open"))
				} else {
					b.date(alerts, 2, i+2, a.EndedAt, "yyyy-mm-dd hh:mm")
				}
				b.number(alerts, 5, i+2, a.Observed, "#,##0.00")
				b.number(alerts, 6, i+2, a.Expected, "#,##0.00")
			}
			notes, err := b.f.GetRows(sheets[9])
			if err != nil {
				t.Fatal(err)
			}
			joined := fmt.Sprint(notes)
			for _, s := range append(summaryText(l, r), missingText(l, r)...) {
				if !bytes.Contains([]byte(joined), []byte(s)) {
					t.Errorf("notes sheet lacks %q", s)
				}
			}
		})
	}
}

// TestXLSXOddValues: text that XML cannot hold and numbers that are
// extreme still make a workbook that opens and reads back.
func TestXLSXOddValues(t *testing.T) {
	r := fixtureReport()
	r.Currency = `US"D;@`
	r.CampaignTotals[0].Campaign = oddText
	r.CampaignTotals[0].Value = math.MaxFloat64
	r.CampaignTotals[1].Spend = 5e-324
	r.TopMentions[0].Text = "=HYPERLINK(\"https://evil.example\")"
	b := openXLSX(t, r, "en")
	camp := b.f.GetSheetList()[5]
	b.text(camp, 1, 2, plain(oddText))
	b.number(camp, 5, 2, math.MaxFloat64, `"USD "#,##0.00`)
	b.number(camp, 2, 3, 5e-324, `"USD "#,##0.00`)
	ments := b.f.GetSheetList()[7]
	ref, _ := excelize.CoordinatesToCellName(6, 2)
	if formula, _ := b.f.GetCellFormula(ments, ref); formula != "" {
		t.Errorf("mention text became a formula: %q", formula)
	}
	b.text(ments, 6, 2, r.TopMentions[0].Text)
}
