// Package enrich tags mentions: language, sentiment, and the brands they
// name. The Enricher is pure (no I/O); Stage runs it between Kafka topics.
package enrich

import (
	"time"

	"github.com/earshot-dev/earshot/event"
)

// Enricher turns mentions into enriched mentions.
type Enricher struct {
	Lang   *LangDetector
	Scorer Scorer
	Brands *KeywordMatcher
	Now    func() time.Time
}

// Enrich tags one mention.
func (e *Enricher) Enrich(m event.Mention) event.EnrichedMention {
	text := m.Text
	if m.Title != "" {
		text = m.Title + ". " + m.Text
	}
	lang := e.Lang.Detect(text, m.Lang)
	brands := e.Brands.Match(text)
	if brands == nil {
		brands = []event.BrandMatch{}
	}
	return event.EnrichedMention{
		Mention:    m,
		Lang:       lang,
		Sentiment:  e.Scorer.Score(text, lang),
		Brands:     brands,
		Reach:      m.Author.Followers,
		EnrichedAt: e.Now().UTC(),
	}
}
