package enrich

import (
	"fmt"
	"strings"

	"github.com/jonreiter/govader"

	"github.com/earshot-dev/earshot/enrich/query"
	"github.com/earshot-dev/earshot/enrich/sentiment"
	"github.com/earshot-dev/earshot/event"
)

// Scorer gives a text's sentiment in [-1, 1] and its label. It is the seam
// a better model (a trained classifier, a transformer) replaces later.
type Scorer interface {
	Score(text, lang string) event.Sentiment
}

// NewScorer returns the default scorer: the English and Indonesian
// lexicons and rules of package sentiment, chosen by language.
func NewScorer() (Scorer, error) {
	r, err := sentiment.NewRouter()
	if err != nil {
		return nil, fmt.Errorf("sentiment lexicons: %w", err)
	}
	return r, nil
}

// Vader scores with govader as it comes: VADER's lexicon and rules,
// English only, with VADER's emoji handling. It is the baseline the
// default scorer is measured against, not the default.
type Vader struct {
	sia *govader.SentimentIntensityAnalyzer
}

// NewVader builds the lexicon once; it is read-only afterwards.
func NewVader() *Vader { return &Vader{sia: govader.NewSentimentIntensityAnalyzer()} }

// Score implements Scorer.
func (v *Vader) Score(text, _ string) event.Sentiment {
	c := v.sia.PolarityScores(text).Compound
	return event.Sentiment{Score: c, Label: sentiment.Label(c)}
}

// SentimentStep scores the whole text, then each matched brand on the
// sentences that name it: a post can praise one brand and attack
// another. It runs after the match step.
type SentimentStep struct {
	Scorer Scorer
	// Match finds the brands of one sentence. Without it every brand gets
	// the overall score.
	Match *MatchStep
}

func (SentimentStep) Name() string { return StepSentiment }

// Apply sets Out.Sentiment and the Sentiment of every Out.Brands entry.
func (s SentimentStep) Apply(d *Doc) error {
	overall := s.Scorer.Score(d.Text, d.Out.Lang)
	d.Out.Sentiment = overall
	brands := d.Out.Brands
	if len(brands) == 0 {
		return nil
	}
	var spans []sentiment.Span
	if len(brands) > 1 && s.Match != nil {
		var arr [16]sentiment.Span
		spans = sentiment.Sentences(d.Text, arr[:0])
	}
	if len(spans) < 2 {
		// One brand or one sentence: the brand's sentences are the whole
		// text, so the overall score is the brand's.
		for i := range brands {
			sc := overall
			brands[i].Sentiment = &sc
		}
		return nil
	}
	texts := make([]strings.Builder, len(brands))
	for _, sp := range spans {
		sentence := d.Text[sp.Start:sp.End]
		for _, name := range s.Match.BrandsIn(d, sentence) {
			for i := range brands {
				if brands[i].Name == name {
					if texts[i].Len() > 0 {
						texts[i].WriteByte('\n')
					}
					texts[i].WriteString(sentence)
				}
			}
		}
	}
	for i := range brands {
		sc := overall
		if texts[i].Len() > 0 {
			// A query can need words from several sentences (acme AND
			// phone), or the title; such a brand keeps the overall score.
			sc = s.Scorer.Score(texts[i].String(), d.Out.Lang)
		}
		brands[i].Sentiment = &sc
	}
	return nil
}

// BrandsIn returns the brands whose queries match one sentence of d: a
// document with the mention's fields (language, network, author, site…)
// and the sentence as its only text, so title: terms never match here.
func (s *MatchStep) BrandsIn(d *Doc, sentence string) []string {
	q := d.Query()
	sd := query.NewDocument(query.Document{
		Text: sentence, Lang: q.Lang, Network: q.Network, Source: q.Source,
		Author: q.Author, Site: q.Site, Country: q.Country, Rating: q.Rating,
	})
	names := s.m.Match(sd)
	out := names[:0]
	for _, n := range names {
		if b, ok := strings.CutPrefix(n, brandPrefix); ok {
			out = append(out, b)
		}
	}
	return out
}

// matchStepIn returns the match step among steps built so far, or nil.
func matchStepIn(steps []Step) *MatchStep {
	for _, s := range steps {
		if m, ok := s.(*MatchStep); ok {
			return m
		}
	}
	return nil
}
