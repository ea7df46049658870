package mastodon

import (
	"net/url"
	"slices"
	"strings"

	"golang.org/x/net/html"
)

// content is what a status's HTML says, as plain text, and the links it
// carries to elsewhere (mentions and hashtags are links too, but to
// profiles and tag pages, not to anything a campaign would tag).
type content struct {
	Text  string
	Links []string
}

// parseContent turns Mastodon's status HTML (paragraphs, line breaks,
// links whose text hides part of the URL in invisible spans) into plain
// text. Hidden spans are kept: they complete the URLs, which the enricher
// and site: filters need whole.
func parseContent(src string) content {
	var c content
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(src))
	skip := 0 // inside <script> or <style>, which a sanitised status never has
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			c.Text = tidy(b.String())
			return c
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "br":
				b.WriteByte('\n')
			case "p":
				if b.Len() > 0 {
					b.WriteString("\n\n")
				}
			case "script", "style":
				if tt == html.StartTagToken {
					skip++
				}
			case "a":
				if hasAttr {
					if href, ok := externalHref(z); ok {
						c.Links = append(c.Links, href)
					}
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style":
				skip = max(0, skip-1)
			}
		}
	}
}

// externalHref reads an <a>'s href unless the link is a mention or a
// hashtag, which Mastodon marks with class "mention"/"hashtag" or rel="tag".
func externalHref(z *html.Tokenizer) (string, bool) {
	var href string
	for {
		k, v, more := z.TagAttr()
		key, val := string(k), string(v)
		switch key {
		case "href":
			href = val
		case "class":
			f := strings.Fields(val)
			if slices.Contains(f, "mention") || slices.Contains(f, "hashtag") {
				return "", false
			}
		case "rel":
			if slices.Contains(strings.Fields(val), "tag") {
				return "", false
			}
		}
		if !more {
			break
		}
	}
	if u, err := url.Parse(href); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return "", false
	}
	return href, true
}

// tidy trims each line's trailing blanks and the text's ends, and keeps at
// most one empty line in a row.
func tidy(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\u00a0", " "), "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
