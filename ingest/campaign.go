package ingest

import (
	"net/url"
	"strings"
	"unicode"
)

// MaxCampaign is the longest campaign the post metrics schema takes.
const MaxCampaign = 256

// CampaignFromURL returns the utm_campaign of link, or "" when it has
// none or does not parse. The result fits the post metrics schema: valid
// UTF-8, trimmed, at most MaxCampaign characters.
func CampaignFromURL(link string) string {
	// Most links carry no UTM tags; parsing them would be most of an
	// import's cost per row.
	if link == "" || !strings.Contains(link, "utm_campaign") {
		return ""
	}
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	c := strings.TrimSpace(strings.ToValidUTF8(u.Query().Get("utm_campaign"), ""))
	return Truncate(c, MaxCampaign)
}

// CampaignFromText returns the utm_campaign of the first http(s) link in
// text (see CampaignFromURL), or "" when that link has none: a post's or
// a description's first link is the one it promotes; later links are
// usually references.
func CampaignFromText(text string) string {
	return CampaignFromURL(firstLink(text))
}

// firstLink returns the first http:// or https:// link (scheme in any
// case) in text, without the sentence punctuation that may follow it, or
// "" when there is none.
func firstLink(text string) string {
	i := linkStart(text)
	if i < 0 {
		return ""
	}
	link := text[i:]
	if end := strings.IndexFunc(link, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(`"'<>`, r)
	}); end >= 0 {
		link = link[:end]
	}
	// Sentence punctuation after a link is not part of it.
	return strings.TrimRight(link, ".,;:!?)]}")
}

// linkStart is the index of the first "http://" or "https://" in any
// case. Lower-casing the text first would shift indexes: some runes
// change length when lowered.
func linkStart(text string) int {
	for i := range len(text) {
		if text[i]|0x20 != 'h' { // a scheme starts with h or H
			continue
		}
		for _, scheme := range []string{"http://", "https://"} {
			if i+len(scheme) <= len(text) && strings.EqualFold(text[i:i+len(scheme)], scheme) {
				return i
			}
		}
	}
	return -1
}
