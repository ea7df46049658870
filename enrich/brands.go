package enrich

import "strings"

// BrandQuery is a brand and what names it: a listening query, or keywords
// (any of them, as a plain word, phrase, #hashtag or @handle).
type BrandQuery struct {
	Name     string
	Role     string
	Keywords []string
	Query    string
}

// Source is the query a brand compiles to: its Query, else the OR of its
// keywords.
func (b BrandQuery) Source() string {
	if strings.TrimSpace(b.Query) != "" {
		return b.Query
	}
	parts := make([]string, 0, len(b.Keywords))
	for _, kw := range b.Keywords {
		kw = strings.TrimSpace(kw)
		if strings.ContainsAny(kw, " \t-.'") {
			// Several words (or punctuated ones) are a phrase.
			kw = `"` + strings.ReplaceAll(kw, `"`, "") + `"`
		}
		parts = append(parts, kw)
	}
	return strings.Join(parts, " OR ")
}
