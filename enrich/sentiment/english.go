package sentiment

import (
	"strings"

	"github.com/jonreiter/govader"
)

// EnglishSpec is VADER's lexicon, negators, boosters and idioms as govader
// ships them, plus what social posts need that VADER lacks: a few
// two-word expressions, post-boosters and common spellings. The emoji
// table replaces VADER's description-based emoji handling.
func EnglishSpec() Spec {
	sia := govader.NewSentimentIntensityAnalyzer()
	s := Spec{
		Words:          map[string]float64{},
		Emoticons:      map[string]float64{},
		Boosters:       map[string]float64{},
		PhraseBoosters: map[string]float64{},
		Phrases: map[string]float64{
			// Meaning not carried by the words: "wait" and "again" are
			// neutral, "rip" is not about tearing here.
			"can't wait": 2, "cant wait": 2, "cannot wait": 2,
			"never again": -2.2, "rip off": -2.5, "ripped off": -2.5,
			"well done": 2, "on point": 2, "shout out": 1.5,
			"no problem": 1, "no issues": 1.5, "not worth": -1.8,
			"waste of": -2, "fell apart": -2, "broke down": -1.8,
			"stopped working": -2, "gave up": -1.2, "let down": -2,
			// VADER's three-word idiom "to die for", by its last two.
			"die for": 3,
		},
		PostBoosters: map[string]float64{"af": boostIncr, "asf": boostIncr},
		Contrast:     []string{"but", "however"},
		// "no" right before a sentiment word negates it (VADER's rule).
		Negators: append([]string{"no"}, sia.Constants.NegateList...),
		// Words written without the apostrophe are listed by VADER; the
		// mark catches the rest ("shouldn't've").
		NegatorMark: "n't",
		Aliases: map[string]string{
			"gr8": "great", "gud": "good", "awsome": "awesome", "luv": "love",
			"thx": "thanks", "tysm": "thanks",
		},
	}
	for w, v := range sia.Lexicon {
		if strings.ContainsAny(w, ":;=<") && !isPlainWord(w) {
			s.Emoticons[strings.ToLower(w)] = v
			continue
		}
		if isPlainWord(w) {
			s.Words[strings.ToLower(w)] = v
		}
	}
	for w, v := range sia.Constants.BoosterDict {
		w = strings.ReplaceAll(w, "-", " ")
		if strings.Contains(w, " ") {
			s.PhraseBoosters[w] = v
		} else {
			s.Boosters[w] = v
		}
	}
	for p, v := range sia.Constants.SpecialCaseIdioms {
		if len(strings.Fields(p)) == 2 {
			s.Phrases[p] = v
		}
	}
	for p, v := range sia.Constants.LadenIdioms {
		if len(strings.Fields(p)) == 2 {
			s.Phrases[p] = v
		}
	}
	// Aliases must not shadow VADER's own entries.
	for a := range s.Aliases {
		if _, ok := s.Words[a]; ok {
			delete(s.Aliases, a)
		}
	}
	return s
}

// isPlainWord reports whether w is letters with inner apostrophes only,
// the way the tokenizer yields words.
func isPlainWord(w string) bool {
	if w == "" {
		return false
	}
	for i, r := range w {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case r == '\'' && i > 0 && i < len(w)-1:
		default:
			return false
		}
	}
	return true
}

// NewEnglish compiles EnglishSpec.
func NewEnglish() (*Lexicon, error) { return Compile(EnglishSpec()) }
