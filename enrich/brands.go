package enrich

import (
	"strings"
	"unicode"

	"github.com/earshot-dev/earshot/event"
)

// BrandQuery is a brand and the keywords that name it.
type BrandQuery struct {
	Name     string
	Role     string
	Keywords []string
}

// KeywordMatcher finds brands by keyword on whole tokens. It is the first,
// simple listening query: any keyword matches. A keyword of several words
// matches them in sequence; "#tag" matches only the hashtag, "@handle" only
// the mention, and a plain word matches the word, its hashtag and its handle.
type KeywordMatcher struct {
	brands []compiled
}

type compiled struct {
	match   event.BrandMatch
	phrases [][]string // each a token sequence
}

// NewKeywordMatcher compiles the queries once.
func NewKeywordMatcher(qs []BrandQuery) *KeywordMatcher {
	m := &KeywordMatcher{}
	for _, q := range qs {
		c := compiled{match: event.BrandMatch{Name: q.Name, Role: q.Role}}
		for _, kw := range q.Keywords {
			if toks := tokenize(kw); len(toks) > 0 {
				c.phrases = append(c.phrases, toks)
			}
		}
		m.brands = append(m.brands, c)
	}
	return m
}

// Match returns the brands text mentions, in configuration order.
func (m *KeywordMatcher) Match(text string) []event.BrandMatch {
	toks := tokenize(text)
	var out []event.BrandMatch
	for _, b := range m.brands {
		for _, p := range b.phrases {
			if containsPhrase(toks, p) {
				out = append(out, b.match)
				break
			}
		}
	}
	return out
}

func containsPhrase(toks, phrase []string) bool {
	for i := 0; i+len(phrase) <= len(toks); i++ {
		ok := true
		for j, p := range phrase {
			if !tokenMatches(toks[i+j], p) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func tokenMatches(tok, kw string) bool {
	if tok == kw {
		return true
	}
	// A plain keyword also matches its #hashtag and @handle.
	if kw[0] != '#' && kw[0] != '@' && (tok[0] == '#' || tok[0] == '@') {
		return tok[1:] == kw
	}
	return false
}

// tokenize lower-cases text and splits it into words, keeping a leading
// # or @ on a word.
func tokenize(s string) []string {
	var toks []string
	start := -1
	for i, r := range s {
		word := unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || ((r == '#' || r == '@') && start == -1)
		if word {
			if start == -1 {
				start = i
			}
			continue
		}
		if start != -1 {
			toks = appendTok(toks, s[start:i])
			start = -1
		}
	}
	if start != -1 {
		toks = appendTok(toks, s[start:])
	}
	return toks
}

func appendTok(toks []string, t string) []string {
	if t == "#" || t == "@" {
		return toks
	}
	return append(toks, strings.ToLower(t))
}
