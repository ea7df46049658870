package sentiment

import (
	"fmt"

	"github.com/earshot-dev/earshot/event"
)

// VADER's published thresholds on the compound score.
const (
	PosThreshold = 0.05
	NegThreshold = -0.05
)

// Label names a compound score: positive, neutral or negative.
func Label(score float64) string {
	switch {
	case score >= PosThreshold:
		return event.Positive
	case score <= NegThreshold:
		return event.Negative
	}
	return event.Neutral
}

// Router scores a text with the lexicon of its language: English for en,
// Indonesian (with English for the English words in it) for id and ms,
// and English as a weak fallback for every other language, where only
// emoji, emoticons and borrowed English words score. It is safe for
// concurrent use.
type Router struct {
	en, id *Lexicon
}

// NewRouter compiles the lexicons once.
func NewRouter() (*Router, error) {
	en, err := NewEnglish()
	if err != nil {
		return nil, fmt.Errorf("english lexicon: %w", err)
	}
	id, err := Compile(IndonesianSpec())
	if err != nil {
		return nil, fmt.Errorf("indonesian lexicon: %w", err)
	}
	return &Router{en: en, id: id.WithFallback(en)}, nil
}

// For returns the lexicon that scores lang.
func (r *Router) For(lang string) *Lexicon {
	switch lang {
	case "id", "ms":
		return r.id
	}
	return r.en
}

// Score returns the sentiment of text written in lang (ISO 639-1).
func (r *Router) Score(text, lang string) event.Sentiment {
	s := r.For(lang).Score(text)
	return event.Sentiment{Score: s, Label: Label(s)}
}
