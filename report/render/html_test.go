package render

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// htmlTokens walks an HTML document and calls fn for each start tag.
func htmlTokens(t *testing.T, doc []byte, fn func(tag string, attrs map[string]string)) {
	t.Helper()
	z := html.NewTokenizer(bytes.NewReader(doc))
	for {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				t.Fatalf("HTML does not tokenize: %v", z.Err())
			}
			return
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			attrs := map[string]string{}
			for _, a := range tok.Attr {
				attrs[strings.ToLower(a.Key)] = a.Val
			}
			fn(strings.ToLower(tok.Data), attrs)
		}
	}
}

func TestHTMLSelfContained(t *testing.T) {
	for _, lang := range languages {
		t.Run(lang, func(t *testing.T) {
			r := fixtureReport()
			// Text that would be markup if it were not escaped.
			r.CampaignTotals[0].Campaign = `<script src="https://evil.example/x.js"></script>`
			r.TopMentions[0].Text = `<img src="https://evil.example/pixel.gif">`
			r.TopPosts[1].URL = "javascript:alert(1)"
			var buf bytes.Buffer
			if err := HTML(&buf, r, lang); err != nil {
				t.Fatal(err)
			}
			doc := buf.Bytes()
			svgs, links := 0, 0
			htmlTokens(t, doc, func(tag string, attrs map[string]string) {
				switch tag {
				case "script", "link", "img", "iframe", "object", "embed", "image", "use", "base", "audio", "video", "source", "form":
					t.Errorf("<%s> in a self-contained report: %v", tag, attrs)
				case "svg":
					svgs++
				case "a":
					links++
					href := attrs["href"]
					if !strings.HasPrefix(href, "https://") {
						t.Errorf("link to %q", href)
					}
					if !strings.Contains(attrs["rel"], "noopener") {
						t.Errorf("link %q without rel=noopener", href)
					}
				}
				for k, v := range attrs {
					if k == "src" || (k == "href" || k == "xlink:href") && tag != "a" || k == "srcset" || k == "poster" {
						t.Errorf("<%s %s=%q> fetches", tag, k, v)
					}
					if strings.HasPrefix(k, "on") {
						t.Errorf("<%s %s> event handler", tag, k)
					}
					if k == "style" && strings.Contains(v, "url(") {
						t.Errorf("<%s style=%q> fetches", tag, v)
					}
				}
			})
			if svgs != 5 {
				t.Errorf("%d inline SVG charts, want 5", svgs)
			}
			// 9 posts with a safe URL and 25 mentions.
			if links != 9+25 {
				t.Errorf("%d links, want %d", links, 9+25)
			}
			s := string(doc)
			for _, bad := range []string{"@import", "url(", "<?xml", "<!DOCTYPE svg", "javascript:"} {
				if strings.Contains(s, bad) {
					t.Errorf("HTML contains %q", bad)
				}
			}
			want := map[string][]string{
				"en": {`<html lang="en">`, "Social media report — Acme", "no data", "USD 45,210.50", "3,069,648",
					"Conversion value rose 13.4% to USD 45,210.50", "No post metrics for tiktok this month.",
					"Engagement rate (by followers)", "&lt;script", "Mentions and sentiment per day", "@page",
					"Nov 2026 compared with Oct 2026", "déjà vu", ">open<"},
				"id": {`<html lang="id">`, "Laporan media sosial — Acme", "tidak ada data", "USD 45.210,50", "3.069.648",
					"Nilai konversi naik 13,4% menjadi USD 45.210,50", "Tidak ada metrik postingan untuk tiktok bulan ini.",
					"Engagement rate (per pengikut)", "&lt;script", "Sebutan dan sentimen per hari", "@page",
					"November 2026 dibandingkan dengan Oktober 2026", "déjà vu", ">masih berlangsung<"},
			}[lang]
			for _, w := range want {
				if !strings.Contains(s, w) {
					t.Errorf("HTML lacks %q", w)
				}
			}
		})
	}
}
