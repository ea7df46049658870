package ingest

import (
	"strings"

	"golang.org/x/net/html"
)

// PlainText turns an item's HTML (or plain text, which reads the same)
// into the text a person would see: tags and scripts dropped, entities
// decoded, one line per block, blanks within lines squeezed and empty
// lines dropped.
func PlainText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return squeeze(s)
	}
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	hidden := 0 // depth inside script/style, whose text is not prose
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return squeeze(b.String())
		case html.TextToken:
			if hidden == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style":
				if tt == html.StartTagToken {
					hidden++
				} else if tt == html.EndTagToken && hidden > 0 {
					hidden--
				}
			case "br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol", "table":
				b.WriteByte('\n')
			}
		}
	}
}

// squeeze collapses blanks within lines and drops empty lines.
func squeeze(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
