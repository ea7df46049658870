package enrich

import (
	"strings"

	"github.com/abadojack/whatlanggo"
)

// LangDetector picks a language from a whitelist. The language a source
// reports wins: platforms know their users' settings better than trigrams
// know a 10-word post.
type LangDetector struct {
	opts    whatlanggo.Options
	allowed map[string]bool
}

// NewLangDetector restricts detection to ISO 639-1 codes.
func NewLangDetector(codes []string) *LangDetector {
	d := &LangDetector{opts: whatlanggo.Options{Whitelist: map[whatlanggo.Lang]bool{}}, allowed: map[string]bool{}}
	for _, c := range codes {
		d.allowed[c] = true
	}
	// whatlanggo names languages by ISO 639-3 ("eng"); the configuration
	// uses ISO 639-1 ("en"), as platforms report them. An empty whitelist
	// would make it score every language it knows, 20× slower.
	for l := whatlanggo.Afr; l <= whatlanggo.Zul; l++ {
		if d.allowed[l.Iso6391()] {
			d.opts.Whitelist[l] = true
		}
	}
	return d
}

// Detect returns the language of text, or "" when it cannot tell.
func (d *LangDetector) Detect(text, reported string) string {
	if reported != "" {
		return strings.ToLower(reported)
	}
	info := whatlanggo.DetectWithOptions(text, d.opts)
	code := info.Lang.Iso6391()
	if !d.allowed[code] {
		return ""
	}
	return code
}
