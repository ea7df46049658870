package render

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/report"
)

// The PDF tests run poppler-utils (Debian package "poppler-utils"): a
// missing tool fails the test, it does not skip it.
func popplerTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found: install the Debian package poppler-utils (apt-get install poppler-utils)", name)
	}
	return p
}

// rasterize writes the PDF to dir and turns it into PNG pages at dpi with
// pdftoppm, returning the decoded pages in order.
func rasterize(t *testing.T, pdf []byte, dpi int) []image.Image {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(popplerTool(t, "pdftoppm"), "-r", fmt.Sprint(dpi), "-png", in, filepath.Join(dir, "page")).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	if len(bytes.TrimSpace(out)) > 0 {
		// poppler prints syntax errors and missing glyph warnings but exits 0.
		t.Fatalf("pdftoppm complained: %s", out)
	}
	files, err := filepath.Glob(filepath.Join(dir, "page-*.png"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files) // page-1 … page-9 sort right while there are fewer than 10 pages
	var pages []image.Image
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		pages = append(pages, img)
	}
	return pages
}

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	cmd := exec.Command(popplerTool(t, "pdftotext"), "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// inkShare is the share of pixels in the box (mm on an A4 page) that are
// not near-white.
func inkShare(img image.Image, x, y, w, h float64) float64 {
	b := img.Bounds()
	sx, sy := float64(b.Dx())/pageW, float64(b.Dy())/pageH
	x0, y0 := b.Min.X+int(x*sx), b.Min.Y+int(y*sy)
	x1, y1 := b.Min.X+int((x+w)*sx), b.Min.Y+int((y+h)*sy)
	ink, all := 0, 0
	for py := y0; py < y1 && py < b.Max.Y; py++ {
		for px := x0; px < x1 && px < b.Max.X; px++ {
			r, g, bl, _ := img.At(px, py).RGBA()
			if r < 0xe000 || g < 0xe000 || bl < 0xe000 {
				ink++
			}
			all++
		}
	}
	if all == 0 {
		return 0
	}
	return float64(ink) / float64(all)
}

func TestPDF(t *testing.T) {
	for _, lang := range languages {
		t.Run(lang, func(t *testing.T) {
			var buf bytes.Buffer
			lay, err := writePDF(&buf, fixtureReport(), lang)
			if err != nil {
				t.Fatal(err)
			}
			placed := lay.charts
			if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
				t.Fatalf("not a PDF: %q", buf.Bytes()[:min(16, buf.Len())])
			}
			const dpi = 50
			pages := rasterize(t, buf.Bytes(), dpi)
			// Title page with KPIs, two pages of charts, two and a half of
			// tables, the appendix.
			if len(pages) < 5 || len(pages) > 9 {
				t.Fatalf("%d pages", len(pages))
			}
			pw, ph := pageW/25.4*dpi, pageH/25.4*dpi
			wantW, wantH := int(pw+0.5), int(ph+0.5)
			for i, p := range pages {
				b := p.Bounds()
				if abs(b.Dx()-wantW) > 1 || abs(b.Dy()-wantH) > 1 {
					t.Errorf("page %d is %dx%d px, want A4 %dx%d at %d dpi", i+1, b.Dx(), b.Dy(), wantW, wantH, dpi)
				}
			}
			if len(placed) != 5 {
				t.Fatalf("%d charts placed, want 5: %+v", len(placed), placed)
			}
			for _, c := range placed {
				if c.page < 1 || c.page > len(pages) {
					t.Fatalf("chart %s on page %d of %d", c.id, c.page, len(pages))
				}
				if c.y+c.h > pageH-bottomMargin+0.01 {
					t.Errorf("chart %s runs into the footer: ends at %.1f mm", c.id, c.y+c.h)
				}
				// A chart is bars and lines on white: a few percent of ink
				// at least, and not a solid block.
				share := inkShare(pages[c.page-1], c.x, c.y, c.w, c.h)
				if share < 0.03 || share > 0.8 {
					t.Errorf("chart %s on page %d: %.1f%% ink", c.id, c.page, share*100)
				}
			}
			// The margin beside a chart stays white: the measure can tell.
			c := placed[0]
			if share := inkShare(pages[c.page-1], 0, c.y, margin-3, c.h); share > 0.001 {
				t.Errorf("left margin has %.2f%% ink", share*100)
			}

			text := pdfText(t, buf.Bytes())
			want := map[string][]string{
				"en": {"Social media report — Acme", "Nov 2026 compared with Oct 2026", "Page 1 of ", "no data",
					"Conversion value rose 13.4% to USD 45,210.50", "No post metrics for tiktok this month.",
					"USD 45,210.50", "3,069,648", "Alerts raised this month", "déjà", "Engagement rate (by followers)"},
				"id": {"Laporan media sosial — Acme", "November 2026 dibandingkan dengan Oktober 2026", "Halaman 1 dari ", "tidak ada data",
					"Nilai konversi naik 13,4% menjadi USD 45.210,50", "Tidak ada metrik postingan untuk tiktok bulan ini.",
					"USD 45.210,50", "3.069.648", "Peringatan bulan ini", "déjà", "Engagement rate (per pengikut)"},
			}[lang]
			for _, s := range want {
				if !strings.Contains(text, s) {
					t.Errorf("PDF text lacks %q", s)
				}
			}
			// The 25 top mentions run over a page: the header row is
			// repeated on the next one.
			hp := lay.headers["top_mentions"]
			if len(hp) < 2 || hp[1] == hp[0] {
				t.Errorf("top mentions header on pages %v, want repeated on a second page", hp)
			} else {
				out, err := exec.Command(popplerTool(t, "pdftotext"), "-f", fmt.Sprint(hp[1]), "-l", fmt.Sprint(hp[1]), "-enc", "UTF-8",
					writeTemp(t, buf.Bytes()), "-").Output()
				if err != nil {
					t.Fatal(err)
				}
				if h := mustLocale(t, lang).T("col.author"); !strings.Contains(string(out), h) {
					t.Errorf("page %d lacks the repeated header %q", hp[1], h)
				}
			}
			if strings.Contains(text, "{nb}") {
				t.Error("page count alias left in the text")
			}
		})
	}
}

func writeTemp(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// TestPDFOddText puts hostile text in every free-text field: the PDF
// renders, poppler reads it without complaint, and the text that the font
// can draw is still there.
func TestPDFOddText(t *testing.T) {
	r := fixtureReport()
	r.Brand = "Acme 🚀 東京"
	r.Competitors = []string{oddText}
	for i := range r.TopMentions {
		r.TopMentions[i].Text = oddText + strings.Repeat(" word", i*40)
		r.TopMentions[i].Author = "\u202e@evil\x00"
	}
	r.TopMentions[0].Text = strings.Repeat("x", 5000) // one unbreakable word
	r.CampaignTotals[0].Campaign = oddText
	r.TopPosts[0].Campaign = "\xff\xfe"
	r.TopPosts[1].URL = "javascript:alert(1)"
	r.Alerts[0].Summary = oddText
	r.ShareOfVoice[0].Brand = oddText
	r.Followers[0].Network = "\x07"
	r.Missing = append(r.Missing, report.Missing{Key: "followers", Qualifier: oddText})
	var buf bytes.Buffer
	if err := PDF(&buf, r, "id"); err != nil {
		t.Fatal(err)
	}
	pages := rasterize(t, buf.Bytes(), 30)
	if len(pages) < 5 {
		t.Fatalf("%d pages", len(pages))
	}
	text := pdfText(t, buf.Bytes())
	for _, s := range []string{"déjà", "rusak lagi!!", "Acme ?"} {
		if !strings.Contains(text, s) {
			t.Errorf("PDF text lacks %q", s)
		}
	}
	if strings.Contains(text, "javascript:") {
		t.Error("unsafe link text in the PDF")
	}
}

// TestPDFEmptyReport is a month with no data at all: every chart and
// table says so, and the document still renders.
func TestPDFEmptyReport(t *testing.T) {
	r := &report.Report{
		Brand: "Acme", Month: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), PrevMonth: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Currency: "IDR",
		KPIs:     []report.KPI{{Key: "mentions", Unit: report.UnitCount}, {Key: "roi", Unit: report.UnitRatio}},
		Missing:  []report.Missing{{Key: "mentions"}, {Key: "post_metrics"}},
	}
	for _, lang := range languages {
		var buf bytes.Buffer
		lay, err := writePDF(&buf, r, lang)
		if err != nil {
			t.Fatal(err)
		}
		if len(lay.charts) != 0 {
			t.Errorf("%s: charts drawn without data: %+v", lang, lay.charts)
		}
		rasterize(t, buf.Bytes(), 20)
		text := pdfText(t, buf.Bytes())
		nodata := map[string]string{"en": "No data for this chart this month.", "id": "Tidak ada data untuk grafik ini bulan ini."}[lang]
		if n := strings.Count(text, nodata); n != 5 {
			t.Errorf("%s: %q said %d times, want 5 (one per chart)", lang, nodata, n)
		}
		empty := mustLocale(t, lang).T("table.empty")
		if n := strings.Count(text, empty); n != 6 {
			t.Errorf("%s: %q said %d times, want 6 (four detail tables, two appendix tables)", lang, empty, n)
		}
		if n := strings.Count(text, mustLocale(t, lang).T("nodata")); n < 8 {
			t.Errorf("%s: %d no-data cells, want 8 (two KPIs × four columns)", lang, n)
		}
		month := map[string]string{"en": "Feb 2026", "id": "Februari 2026"}[lang]
		if !strings.Contains(text, month) {
			t.Errorf("%s: no %q in the text", lang, month)
		}
	}
}
