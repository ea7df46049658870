package enrich

import (
	"github.com/earshot-dev/earshot/event"
	"github.com/jonreiter/govader"
)

// Scorer gives a text's sentiment in [-1, 1]. It is the seam a better model
// (a trained classifier, a transformer) replaces later.
type Scorer interface {
	Score(text, lang string) event.Sentiment
}

// Vader scores with the VADER lexicon and rules. It is English-only; other
// languages score through the same lexicon and mostly come out neutral
// until a lexicon of their own is added.
type Vader struct {
	sia *govader.SentimentIntensityAnalyzer
}

// NewVader builds the lexicon once; it is read-only afterwards.
func NewVader() *Vader { return &Vader{sia: govader.NewSentimentIntensityAnalyzer()} }

// VADER's published thresholds on the compound score.
const (
	posThreshold = 0.05
	negThreshold = -0.05
)

// Score implements Scorer.
func (v *Vader) Score(text, _ string) event.Sentiment {
	c := v.sia.PolarityScores(text).Compound
	return event.Sentiment{Score: c, Label: label(c)}
}

func label(score float64) string {
	switch {
	case score >= posThreshold:
		return event.Positive
	case score <= negThreshold:
		return event.Negative
	}
	return event.Neutral
}
