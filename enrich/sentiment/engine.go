// Package sentiment scores the sentiment of short social posts with
// lexicons and rules in the manner of VADER (Hutto & Gilbert, 2014): each
// known word, emoji or emoticon carries a valence on a −4…4 scale, which
// boosters, negators, capitals, contrastive conjunctions and exclamation
// marks adjust; the sum is normalized into [−1, 1].
//
// One engine serves every language; a language is a Spec of words and rule
// words, compiled once into a read-only Lexicon that is safe for concurrent
// use. English takes VADER's lexicon (through govader); Indonesian has the
// project's own. Router picks the lexicon by language and is what the
// enricher holds behind its Scorer interface, so a trained model can
// replace the whole package later.
package sentiment

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// VADER's empirically derived constants.
const (
	boostIncr    = 0.293 // a booster word's push ("very good")
	capsIncr     = 0.733 // an ALL-CAPS sentiment word among lower-case ones
	negScalar    = -0.74 // a negated word flips and weakens
	contrastPre  = 0.5   // words before "but" weigh half…
	contrastPost = 1.5   // …and words after it half again
	exclIncr     = 0.292 // per exclamation mark, up to maxExcl
	maxExcl      = 4
	questIncr    = 0.18 // per question mark beyond the first, up to 3
	maxQuest     = 0.96
	alpha        = 15 // normalization: x/sqrt(x²+alpha)
	negWindow    = 3  // words before a sentiment word searched for negators and boosters
	postWindow   = 2  // words after it searched for post-boosters ("bagus banget")
	maxWordBytes = 48 // longer "words" are URLs or noise and carry no sentiment
)

// Spec is the raw material of a language's lexicon.
type Spec struct {
	// Words maps lower-case words to their valence, −4 (worst) … 4 (best).
	Words map[string]float64
	// Negators flip and weaken the sentiment word up to three words after
	// them ("not good", "tidak bagus").
	Negators []string
	// NegatorMark, when set, makes every word containing it a negator
	// (English "n't", as in "shouldn't've").
	NegatorMark string
	// Boosters strengthen (positive scalar) or soften (negative) the
	// sentiment word after them ("very", "sangat", "agak"). A word that is
	// also in Words boosts when a sentiment word follows it and otherwise
	// carries its own valence.
	Boosters map[string]float64
	// PostBoosters strengthen the sentiment word before them ("bagus
	// banget", "good af"). A word also in Words ("parah") boosts right
	// after a sentiment word and otherwise carries its own valence.
	PostBoosters map[string]float64
	// Contrast words ("but", "tapi"): the words after the last one weigh
	// more than the words before it.
	Contrast []string
	// Phrases are two-word expressions whose meaning is not the sum of
	// their words ("can't wait", "kurang ajar"); the pair scores as one.
	Phrases map[string]float64
	// PhraseBoosters are two-word boosters ("kind of").
	PhraseBoosters map[string]float64
	// Aliases maps slang and spellings to a word listed above ("bgt" →
	// "banget"); the target must be known.
	Aliases map[string]string
	// Suffixes are stripped from a word that is not found ("bagusnya").
	Suffixes []string
	// Prefixes are stripped from a word that is not found, before the
	// suffixes ("terburuk", "kemahalan").
	Prefixes []string
	// Emoticons maps emoticons such as ":)" (lower case) to valences; they
	// are recognized as whole whitespace-separated chunks.
	Emoticons map[string]float64
}

const (
	fNeg      uint8 = 1 << iota // negator
	fContrast                   // "but"
	fHead                       // first word of a phrase
)

// entry is everything known about one lower-case word.
type entry struct {
	val   float64 // valence
	pre   float64 // booster scalar for the next words
	post  float64 // booster scalar for the word before
	flags uint8
	id    uint32 // phrase key half; 0 is never used
}

// Lexicon is a compiled Spec. It is read-only and safe for concurrent use.
type Lexicon struct {
	words     map[string]*entry
	phrases   map[uint64]*entry
	emoticons map[string]float64
	suffixes  []string
	prefixes  []string
	negMark   []byte
	negEntry  *entry
	// fallback is consulted for words this lexicon does not know: posts
	// in Indonesian mix in English words ("recommended", "worth it").
	fallback *Lexicon
}

// blank replaces the first word of a recognized phrase.
var blank = &entry{}

// Compile builds a Lexicon; it fails on an alias to an unknown word or a
// phrase that is not two words.
func Compile(s Spec) (*Lexicon, error) {
	lx := &Lexicon{
		words:     map[string]*entry{},
		phrases:   map[uint64]*entry{},
		emoticons: s.Emoticons,
		suffixes:  s.Suffixes,
		prefixes:  s.Prefixes,
		negMark:   []byte(s.NegatorMark),
		negEntry:  &entry{flags: fNeg},
	}
	get := func(w string) *entry {
		w = strings.ToLower(w)
		e, ok := lx.words[w]
		if !ok {
			e = &entry{id: uint32(len(lx.words) + 1)}
			lx.words[w] = e
		}
		return e
	}
	for w, v := range s.Words {
		get(w).val = v
	}
	for _, w := range s.Negators {
		get(w).flags |= fNeg
	}
	for w, v := range s.Boosters {
		get(w).pre = v
	}
	for w, v := range s.PostBoosters {
		get(w).post = v
	}
	for _, w := range s.Contrast {
		get(w).flags |= fContrast
	}
	addPhrase := func(p string, e *entry) error {
		ws := strings.Fields(strings.ToLower(p))
		if len(ws) != 2 {
			return fmt.Errorf("phrase %q: want two words", p)
		}
		a, b := get(ws[0]), get(ws[1])
		a.flags |= fHead
		lx.phrases[uint64(a.id)<<32|uint64(b.id)] = e
		return nil
	}
	for p, v := range s.Phrases {
		if err := addPhrase(p, &entry{val: v}); err != nil {
			return nil, err
		}
	}
	for p, v := range s.PhraseBoosters {
		if err := addPhrase(p, &entry{pre: v}); err != nil {
			return nil, err
		}
	}
	for alias, target := range s.Aliases {
		e, ok := lx.words[strings.ToLower(target)]
		if !ok {
			return nil, fmt.Errorf("alias %q: target %q is not a known word", alias, target)
		}
		if old, ok := lx.words[strings.ToLower(alias)]; ok && old != e {
			return nil, fmt.Errorf("alias %q: already a word of its own", alias)
		}
		lx.words[strings.ToLower(alias)] = e
	}
	return lx, nil
}

// WithFallback returns a copy of lx that looks up unknown words in fb.
func (lx *Lexicon) WithFallback(fb *Lexicon) *Lexicon {
	c := *lx
	c.fallback = fb
	return &c
}

// Known reports whether the lexicon (or its fallback) knows the word.
func (lx *Lexicon) Known(w string) bool {
	return lx.lookup([]byte(strings.ToLower(w))) != nil
}

const (
	kWord  uint8 = iota
	kEmo         // emoji or emoticon: valence in val
	kBreak       // end of a clause: . ! ? ; newline
)

type tok struct {
	e    *entry // known word, else nil
	val  float64
	kind uint8
	caps bool
}

// Score returns the compound sentiment of text in [−1, 1].
func (lx *Lexicon) Score(text string) float64 { return Normalize(lx.Valence(text)) }

// Normalize maps a valence sum into [−1, 1] as VADER does.
func Normalize(sum float64) float64 {
	if sum == 0 {
		return 0
	}
	return math.Max(-1, math.Min(1, sum/math.Sqrt(sum*sum+alpha)))
}

// Valence returns the rule-adjusted valence sum of text, before
// normalization.
func (lx *Lexicon) Valence(text string) float64 {
	var arr [64]tok
	toks, st := lx.tokenize(text, arr[:0])
	if len(toks) == 0 {
		return 0
	}
	capDiff := st.caps > 0 && st.caps < st.words
	lastContrast := -1
	for i := range toks {
		t := &toks[i]
		if t.e == nil {
			continue
		}
		if t.e.flags&fHead != 0 && i+1 < len(toks) && toks[i+1].e != nil {
			if p, ok := lx.phrases[uint64(t.e.id)<<32|uint64(toks[i+1].e.id)]; ok {
				t.e, toks[i+1].e = blank, p
			}
		}
		if t.e.flags&fContrast != 0 {
			lastContrast = i
		}
	}
	sum := 0.0
	for i := range toks {
		t := &toks[i]
		var v float64
		switch {
		case t.kind == kEmo:
			v = t.val
		case t.e == nil || t.e.val == 0:
			continue
		case t.e.post != 0 && sentimentBefore(toks, i):
			continue // "parah" right after "lemot": a booster, not a word of its own
		case t.e.pre != 0 && i+1 < len(toks) && isSentiment(&toks[i+1]):
			continue // "lumayan bagus": a softener
		case t.e.flags&fNeg != 0 && sentimentAfter(toks, i):
			continue // "no complaints": "no" negates, it is not a complaint itself (VADER's rule)
		default:
			v = lx.wordValence(toks, i, capDiff)
		}
		if lastContrast >= 0 {
			if i < lastContrast {
				v *= contrastPre
			} else if i > lastContrast {
				v *= contrastPost
			}
		}
		sum += v
	}
	if sum == 0 {
		return 0
	}
	emph := float64(min(st.excl, maxExcl)) * exclIncr
	if st.quest > 1 {
		emph += math.Min(float64(st.quest)*questIncr, maxQuest)
	}
	if sum > 0 {
		return sum + emph
	}
	return sum - emph
}

func isSentiment(t *tok) bool {
	return t.kind == kEmo || t.e != nil && t.e.val != 0 && t.e.post == 0 && t.e.pre == 0
}

// sentimentBefore reports whether a sentiment word or emoji precedes
// toks[i] closely, in the same clause.
func sentimentBefore(toks []tok, i int) bool {
	for k := 1; k <= postWindow && i-k >= 0; k++ {
		p := &toks[i-k]
		if p.kind == kBreak {
			return false
		}
		if isSentiment(p) {
			return true
		}
	}
	return false
}

// sentimentAfter reports whether a sentiment word follows toks[i] within
// two words, in the same clause.
func sentimentAfter(toks []tok, i int) bool {
	for k := 1; k <= 2 && i+k < len(toks); k++ {
		p := &toks[i+k]
		if p.kind == kBreak {
			return false
		}
		if p.kind == kWord && p.e != nil && p.e.val != 0 {
			return true
		}
	}
	return false
}

// wordValence applies capitals, boosters before and after, and negation
// to the sentiment word toks[i].
func (lx *Lexicon) wordValence(toks []tok, i int, capDiff bool) float64 {
	t := &toks[i]
	v := t.e.val
	sign := 1.0
	if v < 0 {
		sign = -1
	}
	if t.caps && capDiff {
		v += sign * capsIncr
	}
	negated := false
	for k := 1; k <= negWindow && i-k >= 0; k++ {
		p := &toks[i-k]
		if p.kind == kBreak {
			break
		}
		if p.e == nil {
			continue
		}
		if p.e.pre != 0 {
			s := p.e.pre * sign
			if p.caps && capDiff {
				s += sign * capsIncr
			}
			switch k {
			case 2:
				s *= 0.95
			case 3:
				s *= 0.9
			}
			v += s
		}
		if p.e.flags&fNeg != 0 {
			negated = true
		}
	}
	for k := 1; k <= postWindow && i+k < len(toks); k++ {
		p := &toks[i+k]
		if p.kind == kBreak || isSentiment(p) {
			break
		}
		if p.e != nil && p.e.post != 0 {
			v += p.e.post * sign
		}
	}
	if negated {
		v *= negScalar
	}
	return v
}

type stats struct {
	words, caps, excl, quest int
}

// tokenize splits text into words (looked up), emoji, emoticons and
// clause breaks, by hand: this runs for every mention.
func (lx *Lexicon) tokenize(s string, toks []tok) ([]tok, stats) {
	var st stats
	var buf [maxWordBytes]byte
	chunkStart := true
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case ' ', '\t', '\r':
				i++
				chunkStart = true
				continue
			case '\n':
				toks = append(toks, tok{kind: kBreak})
				i++
				chunkStart = true
				continue
			}
			if chunkStart && lx.emoticons != nil {
				if n, v, ok := lx.emoticon(s[i:]); ok {
					toks = append(toks, tok{kind: kEmo, val: v})
					i += n
					continue
				}
			}
			chunkStart = false
			if isASCIIWord(c) {
				var t tok
				t, i = lx.word(s, i, &buf, &st)
				toks = append(toks, t)
				continue
			}
			switch c {
			case '!':
				st.excl++
				toks = appendBreak(toks)
			case '?':
				st.quest++
				toks = appendBreak(toks)
			case '.', ';':
				toks = appendBreak(toks)
			}
			i++
			continue
		}
		chunkStart = false
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsLetter(r) {
			var t tok
			t, i = lx.word(s, i, &buf, &st)
			toks = append(toks, t)
			continue
		}
		if v, ok := emojiValence[r]; ok {
			toks = append(toks, tok{kind: kEmo, val: v})
		} else if r == '…' {
			toks = appendBreak(toks)
		}
		i += n
	}
	return toks, st
}

func appendBreak(toks []tok) []tok {
	if len(toks) > 0 && toks[len(toks)-1].kind == kBreak {
		return toks
	}
	return append(toks, tok{kind: kBreak})
}

func isASCIIWord(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// emoticon recognizes a short all-ASCII chunk such as ":)" or "<3".
func (lx *Lexicon) emoticon(s string) (n int, v float64, ok bool) {
	mark := false
	for n < len(s) && n <= 6 && s[n] > ' ' && s[n] < utf8.RuneSelf {
		switch s[n] {
		case ':', ';', '=', '<':
			mark = true
		}
		n++
	}
	if !mark || n < 2 || n > 6 || n < len(s) && s[n] > ' ' {
		return 0, 0, false
	}
	chunk := s[:n]
	var buf [8]byte
	for j := 0; j < n; j++ {
		c := chunk[j]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[j] = c
	}
	v, ok = lx.emoticons[string(buf[:n])]
	return n, v, ok
}

// word reads the word starting at s[i], lower-cased into buf, and looks
// it up. Apostrophes inside a word are kept ("don't").
func (lx *Lexicon) word(s string, i int, buf *[maxWordBytes]byte, st *stats) (tok, int) {
	n := 0
	upper, lower, long := false, false, false
scan:
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
				lower = lower || c >= 'a'
			case 'A' <= c && c <= 'Z':
				upper = true
				c += 'a' - 'A'
			case c == '\'' && i+1 < len(s) && isASCIIWord(s[i+1]) && n > 0:
			default:
				break scan
			}
			if n < len(buf) {
				buf[n] = c
				n++
			} else {
				long = true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == '’' && n > 0 && i+size < len(s) && isASCIIWord(s[i+size]) {
			r = '\''
		} else if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) {
			break
		}
		upper = upper || unicode.IsUpper(r)
		lower = lower || unicode.IsLower(r)
		if n+utf8.UTFMax <= len(buf) {
			n += utf8.EncodeRune(buf[n:], unicode.ToLower(r))
		} else {
			long = true
		}
		i += size
	}
	st.words++
	t := tok{kind: kWord}
	if upper && !lower {
		st.caps++
		t.caps = true
	}
	if !long {
		t.e = lx.lookup(buf[:n])
	}
	return t, i
}

// lookup finds a lower-case word: as written, with stretched letters
// squeezed ("bagusss", "soooo"), without a suffix ("bagusnya"), then in
// the fallback lexicon.
func (lx *Lexicon) lookup(w []byte) *entry {
	if e, ok := lx.words[string(w)]; ok {
		return e
	}
	if len(lx.negMark) > 0 && bytes.Contains(w, lx.negMark) {
		return lx.negEntry
	}
	if hasRun3(w) {
		var sq [maxWordBytes]byte
		for _, keep := range [...]int{2, 1} {
			if e, ok := lx.words[string(squeeze(w, keep, &sq))]; ok {
				return e
			}
		}
	}
	if e := lx.suffixed(w); e != nil {
		return e
	}
	for _, pre := range lx.prefixes {
		if len(w) > len(pre)+3 && string(w[:len(pre)]) == pre {
			stem := w[len(pre):]
			if e, ok := lx.words[string(stem)]; ok {
				return e
			}
			if e := lx.suffixed(stem); e != nil {
				return e
			}
		}
	}
	if lx.fallback != nil {
		return lx.fallback.lookup(w)
	}
	return nil
}

// suffixed finds w without one of the suffixes.
func (lx *Lexicon) suffixed(w []byte) *entry {
	for _, suf := range lx.suffixes {
		if len(w) > len(suf)+2 && string(w[len(w)-len(suf):]) == suf {
			if e, ok := lx.words[string(w[:len(w)-len(suf)])]; ok {
				return e
			}
		}
	}
	return nil
}

// hasRun3 reports whether w has three equal letters in a row ("sooo").
func hasRun3(w []byte) bool {
	for i := 2; i < len(w); i++ {
		if w[i] == w[i-1] && w[i] == w[i-2] && w[i] >= 'a' && w[i] <= 'z' {
			return true
		}
	}
	return false
}

// squeeze shortens runs of three or more equal letters to keep letters.
func squeeze(w []byte, keep int, dst *[maxWordBytes]byte) []byte {
	n := 0
	for i := 0; i < len(w); {
		j := i + 1
		for j < len(w) && w[j] == w[i] {
			j++
		}
		run := j - i
		if run >= 3 && w[i] >= 'a' && w[i] <= 'z' {
			run = keep
		}
		for range run {
			dst[n] = w[i]
			n++
		}
		i = j
	}
	return dst[:n]
}
