// Package enrich tags mentions: language, sentiment, and the brands they
// name. The Enricher is pure (no I/O); Stage runs it between Kafka topics.
package enrich

import (
	"time"

	"github.com/earshot-dev/earshot/enrich/query"
	"github.com/earshot-dev/earshot/event"
)

// Enricher turns mentions into enriched mentions.
type Enricher struct {
	Lang   *LangDetector
	Scorer Scorer
	Brands *BrandMatcher
	Now    func() time.Time
}

// Enrich tags one mention collected by source.
func (e *Enricher) Enrich(source string, m event.Mention) event.EnrichedMention {
	text := m.Text
	if m.Title != "" {
		text = m.Title + ". " + m.Text
	}
	lang := e.Lang.Detect(text, m.Lang)
	var rating float64
	if m.Rating != nil {
		rating = *m.Rating
	}
	author := m.Author.Handle
	if author == "" {
		author = m.Author.ID
	}
	brands := e.Brands.Match(query.NewDocument(query.Document{
		// Words in a headline name a brand as much as words in the body;
		// title: restricts a term to the headline.
		Text: text, Title: m.Title, Lang: lang, Network: m.Network, Source: source,
		Author: author, Site: m.Site, Country: m.Country, Rating: rating,
	}))
	return event.EnrichedMention{
		Mention:    m,
		Lang:       lang,
		Sentiment:  e.Scorer.Score(text, lang),
		Brands:     brands,
		Reach:      m.Author.Followers,
		EnrichedAt: e.Now().UTC(),
	}
}
