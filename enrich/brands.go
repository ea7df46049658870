package enrich

import (
	"fmt"
	"strings"

	"github.com/earshot-dev/earshot/enrich/query"
	"github.com/earshot-dev/earshot/event"
)

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

// BrandMatcher finds the brands a mention names. All brands' queries are
// compiled into one matcher, so a mention is tokenized once.
type BrandMatcher struct {
	m     *query.Matcher
	roles map[string]string
	order map[string]int // configuration order, for stable output
}

// NewBrandMatcher parses and compiles the brands' queries; an error names
// the brand and the position in its query.
func NewBrandMatcher(qs []BrandQuery) (*BrandMatcher, error) {
	named := make(map[string]query.Node, len(qs))
	bm := &BrandMatcher{roles: map[string]string{}, order: map[string]int{}}
	for i, b := range qs {
		n, err := query.Parse(b.Source())
		if err != nil {
			return nil, fmt.Errorf("brand %s: %w", b.Name, err)
		}
		named[b.Name] = n
		bm.roles[b.Name] = b.Role
		bm.order[b.Name] = i
	}
	m, err := query.Compile(named)
	if err != nil {
		return nil, fmt.Errorf("compile brand queries: %w", err)
	}
	bm.m = m
	return bm, nil
}

// Match returns the brands doc names, in configuration order.
func (bm *BrandMatcher) Match(doc *query.Document) []event.BrandMatch {
	names := bm.m.Match(doc)
	out := make([]event.BrandMatch, 0, len(names))
	for _, n := range names {
		out = append(out, event.BrandMatch{Name: n, Role: bm.roles[n]})
	}
	for i := 1; i < len(out); i++ { // few brands per mention: insertion sort
		for j := i; j > 0 && bm.order[out[j].Name] < bm.order[out[j-1].Name]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
