package enrich

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/earshot-dev/earshot/event"
)

// Spam rules. Each is an explainable sign of spam or a bot with a weight;
// a mention's score combines the weights of the signs it shows as
// 1 − Π(1 − w) (noisy-OR): independent signs add up, no weak sign alone
// makes spam, and the score stays in [0, 1]. The weights were tuned on
// testdata/spam (see docs/enrichment.md for the measured precision and
// recall).
const (
	ruleLinkOnly     = iota // nothing but links (and tags)
	ruleMostlyLinks         // two or more links, as many as words
	ruleShortLink           // fewer than five words and a link
	ruleHashtags            // more than five hashtags
	ruleHashtagFlood        // more than ten hashtags, on top of ruleHashtags
	ruleHandles             // more than five @handles
	ruleRepeatChars         // one character six times in a row
	ruleRepeatWords         // a word four times in a row, or few distinct words
	ruleAllCaps             // shouting: at least 12 letters, 80% upper case
	ruleEmojiFlood          // ten or more emoji, more than words
	rulePhone               // a mobile number (WhatsApp orders, loan and gambling agents)
	ruleGenerated           // author handle ending in a long number
	ruleNewBot              // the same with no followers
	numSpamRules
)

// SpamRule is one sign of spam and its weight.
type SpamRule struct {
	Name   string
	Weight float64
}

// SpamRules lists the rules in the order of the rule constants.
var SpamRules = [numSpamRules]SpamRule{
	ruleLinkOnly:     {"link_only", 0.5},
	ruleMostlyLinks:  {"mostly_links", 0.3},
	ruleShortLink:    {"short_text_with_link", 0.25},
	ruleHashtags:     {"many_hashtags", 0.35},
	ruleHashtagFlood: {"hashtag_flood", 0.3},
	ruleHandles:      {"many_handles", 0.45},
	ruleRepeatChars:  {"repeated_characters", 0.1},
	ruleRepeatWords:  {"repeated_words", 0.4},
	ruleAllCaps:      {"all_caps", 0.25},
	ruleEmojiFlood:   {"emoji_flood", 0.2},
	rulePhone:        {"mobile_number", 0.4},
	ruleGenerated:    {"generated_handle", 0.15},
	ruleNewBot:       {"zero_followers_generated_handle", 0.4},
}

// spamVocabulary: words and two-word phrases of spam in English and
// Indonesian with their weights, matched on lower-case words (a hashtag
// counts as its word: #slotgacor). Common promotional words that real
// customers use too ("promo", "diskon", "giveaway") weigh little.
var spamVocabulary = map[string]float64{
	// Online gambling, the bulk of Indonesian spam.
	"slot gacor": 0.7, "slotgacor": 0.7, "gacor": 0.5, "maxwin": 0.6, "judi online": 0.6, "judionline": 0.6,
	"judol": 0.5, "togel": 0.6, "situs slot": 0.6, "slot online": 0.5, "new member": 0.25, "rtp live": 0.5,
	"link alternatif": 0.5, "daftar sekarang": 0.3, "deposit": 0.15, "depo": 0.3, "jackpot": 0.3, "scatter": 0.2,
	"casino": 0.35, "slot": 0.2, "betting": 0.4,
	// Follower and engagement selling.
	"jual followers": 0.7, "beli followers": 0.6, "followers murah": 0.6, "jasa followers": 0.7, "free followers": 0.6,
	"buy followers": 0.6, "followers instan": 0.6, "jasa like": 0.5, "auto followers": 0.6, "follow back": 0.4,
	"followback": 0.35, "f4f": 0.4, "l4l": 0.4, "sub4sub": 0.4, "likes murah": 0.5,
	// Money, crypto and loan scams.
	"airdrop": 0.35, "giveaway": 0.15, "crypto": 0.15, "nft": 0.2, "presale": 0.3, "100x": 0.45,
	"passive income": 0.55, "earn money": 0.4, "make money": 0.35, "double your": 0.55, "forex": 0.3,
	"trading signals": 0.55, "signals": 0.15, "cuan": 0.2, "modal kecil": 0.4, "penghasilan tambahan": 0.35,
	"kerja dari": 0.15, "work from": 0.1, "free iphone": 0.5, "claim your": 0.4, "claim now": 0.4,
	"pinjol": 0.4, "pinjaman online": 0.45, "dana cair": 0.5, "tanpa jaminan": 0.4, "cair cepat": 0.45, "tanpa modal": 0.35, "saldo gratis": 0.5, "dana gratis": 0.5, "voucher gratis": 0.3,
	"recovery service": 0.5, "recover lost": 0.4, "my channel": 0.2,
	"investasi": 0.15, "profit": 0.2, "guaranteed": 0.3, "dijamin": 0.2, "usdt": 0.35, "wallet": 0.15, "btc": 0.15, "bitcoin": 0.1, "collab": 0.15,
	// Calls to leave the platform, the spammer's goal.
	"dm me": 0.4, "dm for": 0.35, "inbox me": 0.35, "chat admin": 0.35, "hubungi admin": 0.35, "wa admin": 0.4,
	"link in": 0.2, "in bio": 0.3, "cek bio": 0.5, "check bio": 0.3, "klik link": 0.4, "click here": 0.3,
	"click link": 0.3, "visit my": 0.35, "check my": 0.3, "my profile": 0.3, "subscribe my": 0.4, "order sekarang": 0.15,
	"limited offer": 0.25, "promo": 0.05, "whatsapp": 0.15, "telegram": 0.2,
	// Adult spam.
	"onlyfans": 0.5, "open bo": 0.7, "vcs": 0.5, "18+": 0.3,
}

// spamIndex is the vocabulary by word: a term's weight, and whether the
// word starts a two-word phrase, so the phrase lookup runs only after one.
var spamIndex = func() map[string]spamWord {
	idx := map[string]spamWord{}
	for k, w := range spamVocabulary {
		if i := strings.IndexByte(k, ' '); i > 0 {
			e := idx[k[:i]]
			e.head = true
			idx[k[:i]] = e
			continue
		}
		e := idx[k]
		e.weight = w
		idx[k] = e
	}
	return idx
}()

type spamWord struct {
	weight float64 // 0 when the word only starts phrases
	head   bool
}

// SpamStep scores how much a mention looks like spam or a bot.
type SpamStep struct{}

func (SpamStep) Name() string { return StepSpam }

// Apply sets Out.SpamScore.
func (SpamStep) Apply(d *Doc) error {
	var sc spamScan
	sc.run(d.Text, d.Out.Mention.Author)
	d.Out.SpamScore = sc.score()
	return nil
}

// SpamReason is a rule or vocabulary term that fired, with its weight.
type SpamReason struct {
	Rule   string
	Weight float64
}

// ExplainSpam scores a text like SpamStep and says why.
func ExplainSpam(text string, author event.Author) (float64, []SpamReason) {
	var sc spamScan
	sc.explain = true
	sc.run(text, author)
	var rs []SpamReason
	for r := range numSpamRules {
		if sc.rules&(1<<r) != 0 {
			rs = append(rs, SpamReason{SpamRules[r].Name, SpamRules[r].Weight})
		}
	}
	for _, t := range sc.terms {
		rs = append(rs, SpamReason{"term:" + t, spamVocabulary[t]})
	}
	return sc.score(), rs
}

// spamScan gathers the signs in one pass over the text.
type spamScan struct {
	words, links, hashtags, handles, emojis int
	letters, upper                          int
	rules                                   uint32
	clean                                   float64 // Π(1 − w) over the vocabulary terms found
	termSeen                                [8]string
	nTerms                                  int
	explain                                 bool
	terms                                   []string
}

func (sc *spamScan) score() float64 {
	clean := sc.clean
	for r := range numSpamRules {
		if sc.rules&(1<<r) != 0 {
			clean *= 1 - SpamRules[r].Weight
		}
	}
	return 1 - clean
}

// term records a vocabulary hit once per text. Callers look the word up
// first: converting bytes to a string for a map index does not allocate,
// passing the string on does.
func (sc *spamScan) term(key string, w float64) {
	for _, t := range sc.termSeen[:min(sc.nTerms, len(sc.termSeen))] {
		if t == key {
			return
		}
	}
	if sc.nTerms < len(sc.termSeen) {
		sc.termSeen[sc.nTerms] = key
	}
	sc.nTerms++
	sc.clean *= 1 - w
	if sc.explain {
		sc.terms = append(sc.terms, key)
	}
}

// wordSet counts distinct words up to a bound without allocating.
type wordSet struct {
	slots [128]uint64
	n     int
}

func (s *wordSet) add(h uint64) {
	if h == 0 {
		h = 1
	}
	for i := h & 127; ; i = (i + 1) & 127 {
		switch s.slots[i] {
		case h:
			return
		case 0:
			if s.n < 96 { // keep the table sparse; beyond 96 words the ratio is moot
				s.slots[i] = h
				s.n++
			}
			return
		}
	}
}

func fnv1a(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// spamState is what the scan carries from one word to the next.
type spamState struct {
	buf       [256]byte // the current word, lower case
	prev      [64]byte  // the previous word when it starts a phrase
	prevLen   int
	pair      [128]byte
	lastHash  uint64 // of the previous word, for repeats
	repeat    int
	distinct  wordSet
	run       int  // length of the current run of one ASCII byte
	last      byte // that byte; 0 after a space or non-ASCII
	digits    int  // digits in the current number
	phoneLike bool // the number starts like a mobile number
	plus      bool // the number starts with +
}

func (sc *spamScan) run(text string, author event.Author) {
	sc.clean = 1
	var st spamState
	for i := 0; i < len(text); {
		c := text[i]
		if c == ' ' || c == '\n' || c == '\t' || c == '\r' {
			st.last = 0
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			if r, size := utf8.DecodeRuneInString(text[i:]); unicode.IsSpace(r) {
				st.last = 0
				i += size
				continue
			}
		}
		i = sc.word(text, i, &st)
	}
	sc.endNumber(&st)
	sc.finish(author, st.distinct.n)
}

// endNumber closes a digit run: 10 to 14 digits that start like a mobile
// number (08…, or + and a country code). Landlines and prices do not
// count: shops and support lines publish those.
func (sc *spamScan) endNumber(st *spamState) {
	if st.digits >= 10 && st.digits <= 14 && st.phoneLike {
		sc.rules |= 1 << rulePhone
	}
	st.digits = 0
}

// word scans the space-delimited word starting at text[i] and returns
// where it ends.
func (sc *spamScan) word(text string, i int, st *spamState) int {
	// First pass, bytes: where the word ends, runs of one character, and
	// numbers (a number's groups may be split by spaces, dots or dashes, so
	// it spans words).
	start, maybeLink := i, false
	for i < len(text) {
		c := text[i]
		if c >= utf8.RuneSelf {
			if r, size := utf8.DecodeRuneInString(text[i:]); unicode.IsSpace(r) {
				break
			} else if size > 1 {
				st.last, st.run = 0, 0
				sc.endNumber(st)
				i += size
				continue
			}
		}
		if c == ' ' || c == '\n' || c == '\t' || c == '\r' {
			break
		}
		if c == st.last {
			if st.run++; st.run >= 6 {
				sc.rules |= 1 << ruleRepeatChars
			}
		} else {
			st.run, st.last = 1, c
		}
		switch {
		case c-'0' < 10:
			switch {
			case st.digits == 0:
				st.plus = i > start && text[i-1] == '+'
				st.phoneLike = c == '0' || st.plus
			case st.digits == 1 && !st.plus:
				st.phoneLike = c == '8'
			}
			st.digits++
		case c == '.' || c == ':':
			maybeLink = true
			fallthrough
		case c == '-':
			if st.digits == 0 {
				break
			}
		default:
			if st.digits > 0 {
				sc.endNumber(st)
			}
		}
		i++
	}
	sc.wordBody(text[start:i], maybeLink, st)
	return i
}

// wordBody reads the tokens of one word.
func (sc *spamScan) wordBody(w string, maybeLink bool, st *spamState) {
	if maybeLink && (isLinkWord(w) || hasPrefixFoldASCII(w, "wa.me")) {
		sc.links++
		st.prevLen = 0
		return
	}
	switch w[0] {
	case '#', '@':
		k := 1
		for k < len(w) {
			r, size := utf8.DecodeRuneInString(w[k:])
			if !isSpamWordRune(r) {
				break
			}
			k += size
		}
		if k > 1 {
			if w[0] == '@' {
				sc.handles++
			} else {
				sc.hashtags++
				if e, ok := spamIndex[string(lowerWord(st.buf[:0], w[1:k]))]; ok && e.weight > 0 { // #slotgacor
					sc.term(string(lowerWord(st.buf[:0], w[1:k])), e.weight)
				}
			}
		}
		st.prevLen = 0
		return
	}
	// Words inside: letters, digits, and + for "18+".
	for k := 0; k < len(w); {
		if c := w[k]; c < utf8.RuneSelf {
			if !spamWordByte[c] {
				k++
				continue
			}
		} else if r, size := utf8.DecodeRuneInString(w[k:]); !isSpamWordRune(r) {
			if r >= 0x1f000 || unicode.Is(unicode.So, r) {
				sc.emojis++
			}
			k += size
			continue
		}
		b := st.buf[:0]
		for k < len(w) {
			c := w[k]
			if c < utf8.RuneSelf {
				if !spamWordByte[c] {
					break
				}
				if 'A' <= c && c <= 'Z' {
					sc.upper++
					sc.letters++
				} else if 'a' <= c && c <= 'z' {
					sc.letters++
				}
				if len(b) < cap(b) {
					b = append(b, asciiLower[c])
				}
				k++
				continue
			}
			r, size := utf8.DecodeRuneInString(w[k:])
			if !isSpamWordRune(r) {
				break
			}
			if unicode.IsLetter(r) {
				sc.letters++
				if unicode.IsUpper(r) {
					sc.upper++
				}
			}
			if len(b)+utf8.UTFMax <= cap(b) {
				b = utf8.AppendRune(b, unicode.ToLower(r))
			}
			k += size
		}
		sc.token(b, st)
	}
}

// token handles one lower-case word: repeats and vocabulary.
func (sc *spamScan) token(b []byte, st *spamState) {
	sc.words++
	h := fnv1a(b)
	st.distinct.add(h)
	if h == st.lastHash {
		// Three in a row is emphasis ("please please please").
		if st.repeat++; st.repeat >= 4 {
			sc.rules |= 1 << ruleRepeatWords
		}
	} else {
		st.lastHash, st.repeat = h, 1
	}
	if st.prevLen > 0 {
		p := append(append(append(st.pair[:0], st.prev[:st.prevLen]...), ' '), b...)
		if w, ok := spamVocabulary[string(p)]; ok {
			sc.term(string(p), w)
		}
	}
	st.prevLen = 0
	e, ok := spamIndex[string(b)]
	if !ok {
		return
	}
	if e.weight > 0 {
		sc.term(string(b), e.weight)
	}
	if e.head && len(b) <= len(st.prev) {
		st.prevLen = copy(st.prev[:], b)
	}
}

func (sc *spamScan) finish(author event.Author, distinct int) {
	set := func(r int, on bool) {
		if on {
			sc.rules |= 1 << r
		}
	}
	set(ruleLinkOnly, sc.links > 0 && sc.words == 0)
	set(ruleMostlyLinks, sc.links >= 2 && sc.links >= sc.words)
	set(ruleShortLink, sc.links > 0 && sc.words > 0 && sc.words < 5)
	set(ruleHashtags, sc.hashtags > 5)
	set(ruleHashtagFlood, sc.hashtags > 10)
	set(ruleHandles, sc.handles > 5)
	set(ruleRepeatWords, sc.words >= 8 && distinct*2 < min(sc.words, 96))
	set(ruleAllCaps, sc.letters >= 12 && sc.upper*5 >= sc.letters*4)
	set(ruleEmojiFlood, sc.emojis >= 10 && sc.emojis > sc.words)
	if generatedHandle(author.Handle) {
		if author.Followers == 0 {
			sc.rules |= 1 << ruleNewBot
		} else {
			sc.rules |= 1 << ruleGenerated
		}
	}
}

// generatedHandle: a name ending in five or more digits, as platforms
// suggest for new accounts and bot farms register (user83749283). Four
// digits are often a birth year (rizky1998), so only count when they are
// not one.
func generatedHandle(h string) bool {
	h = strings.TrimPrefix(h, "@")
	if i := strings.IndexByte(h, '.'); i > 0 { // bluesky: name.bsky.social
		h = h[:i]
	}
	n := 0
	for n < len(h) && h[len(h)-1-n] >= '0' && h[len(h)-1-n] <= '9' {
		n++
	}
	if n == 4 {
		y := h[len(h)-4:]
		return !(strings.HasPrefix(y, "19") || strings.HasPrefix(y, "20"))
	}
	return n >= 5 && n < len(h)
}

func isSpaceRune(r rune) bool {
	return r == ' ' || r == '\n' || r == '\t' || r == '\r' || r >= utf8.RuneSelf && unicode.IsSpace(r)
}

var spamWordByte = func() (t [128]bool) {
	for c := range t {
		t[c] = asciiDedupWord[c] || c == '+'
	}
	return t
}()

func isSpamWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return spamWordByte[r]
	}
	// Variation selectors are marks too, but belong to emoji (❤️).
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) && !(r >= 0xfe00 && r <= 0xfe0f)
}

// lowerWord appends w in lower case to dst, up to dst's capacity.
func lowerWord(dst []byte, w string) []byte {
	for _, r := range w {
		if r < utf8.RuneSelf {
			if len(dst) == cap(dst) {
				break
			}
			dst = append(dst, asciiLower[r])
			continue
		}
		if len(dst)+utf8.UTFMax > cap(dst) {
			break
		}
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
	}
	return dst
}
