package render

import (
	"bytes"
	"image/png"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/report"
)

func TestChartsEdgeCases(t *testing.T) {
	day := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	oneDay := &report.Report{
		Brand: "Acme", Month: day, Currency: "IDR",
		Mentions:       []report.DailyMentions{{Day: day, Mentions: 3, Positive: 1, Neutral: 1, Negative: 1}},
		ShareOfVoice:   []report.DailyShare{{Day: day, Brand: "Acme", Role: "own", Share: math.NaN()}},
		Followers:      []report.DailyFollowers{{Day: day, Network: "x", Followers: 0}},
		NetworkEngage:  []report.NetworkEngagement{{Network: "x", EngagementRateReach: f64(math.Inf(1))}},
		CampaignTotals: []report.Campaign{{Campaign: "c", Spend: 10, Value: math.NaN(), ROI: f64(-1)}},
	}
	many := fixtureReport()
	for i := 0; i < 12; i++ {
		many.NetworkEngage = append(many.NetworkEngage, report.NetworkEngagement{Network: strings.Repeat("n", i+1), EngagementRateReach: f64(float64(i) / 100)})
		many.CampaignTotals = append(many.CampaignTotals, report.Campaign{Campaign: strings.Repeat("campaign ", 6), Conversions: uint64(i)})
	}
	allZero := fixtureReport()
	for i := range allZero.Mentions {
		allZero.Mentions[i] = report.DailyMentions{Day: allZero.Mentions[i].Day}
	}
	cases := []struct {
		name  string
		r     *report.Report
		empty int
	}{
		{"one day, NaN and Inf", oneDay, 0},
		{"many networks and campaigns", many, 0},
		{"days without mentions", allZero, 0},
		{"nothing", &report.Report{Brand: "Acme", Month: day}, 5},
	}
	wantW, wantH := int(math.Round(float64(chartW)/72*chartDPI)), int(math.Round(float64(chartH)/72*chartDPI))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, lang := range languages {
				charts, err := renderCharts(mustLocale(t, lang), c.r, chartFormats{svg: true, png: true})
				if err != nil {
					t.Fatal(err)
				}
				if len(charts) != 5 {
					t.Fatalf("%d charts", len(charts))
				}
				empty := 0
				for _, ch := range charts {
					if ch.empty {
						empty++
						if ch.png != nil || ch.svg != nil {
							t.Errorf("%s: empty chart drawn", ch.id)
						}
						continue
					}
					img, err := png.Decode(bytes.NewReader(ch.png))
					if err != nil {
						t.Fatalf("%s: PNG: %v", ch.id, err)
					}
					if b := img.Bounds(); abs(b.Dx()-wantW) > 1 || abs(b.Dy()-wantH) > 1 {
						t.Errorf("%s: PNG %dx%d, want %dx%d", ch.id, b.Dx(), b.Dy(), wantW, wantH)
					}
					if !bytes.HasPrefix(ch.svg, []byte("<svg")) || !bytes.HasSuffix(bytes.TrimSpace(ch.svg), []byte("</svg>")) {
						t.Errorf("%s: SVG is not one <svg> element: %.60q", ch.id, ch.svg)
					}
					if bytes.Contains(ch.svg, []byte("NaN")) || bytes.Contains(ch.svg, []byte("Inf")) {
						t.Errorf("%s: SVG has NaN or Inf coordinates", ch.id)
					}
				}
				if empty != c.empty {
					t.Errorf("%d empty charts, want %d", empty, c.empty)
				}
			}
		})
	}
}

// TestDeterministic: the same report renders to the same HTML, so a
// report can be compared with a golden file. (Not the PDF: fpdf writes
// images of equal width in map order, even with SetCatalogSort.)
func TestDeterministic(t *testing.T) {
	r := fixtureReport()
	for name, fn := range map[string]func(*bytes.Buffer) error{
		"html": func(b *bytes.Buffer) error { return HTML(b, r, "id") },
	} {
		var a, b bytes.Buffer
		if err := fn(&a); err != nil {
			t.Fatal(err)
		}
		if err := fn(&b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: two renderings differ", name)
		}
	}
}
