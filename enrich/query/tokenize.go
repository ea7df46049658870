package query

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Token is one normalized token of a document.
type Token struct {
	Norm string   // lower-case, accents folded, without a leading # or @
	Orig string   // as written, without a leading # or @
	Kind TermKind // Word, Hashtag, Mention or URL
}

// itok is a token as offsets: into the source (orig) and into the folded
// text (norm). ns < 0 means the token is its own normal form (lower-case
// ASCII, most tokens of most posts): norm is then src[os:oe], and nothing
// was copied. It holds no pointers, so token slices cost the GC nothing.
type itok struct {
	ns, ne, os, oe int32
	kind           TermKind
}

// tokens is a tokenized text.
type tokens struct {
	src, norm string
	toks      []itok
}

func (ts *tokens) normOf(t *itok) string {
	if t.ns < 0 {
		return ts.src[t.os:t.oe]
	}
	return ts.norm[t.ns:t.ne]
}
func (ts *tokens) origOf(t *itok) string { return ts.src[t.os:t.oe] }

// Document is what queries match against. Prepare (or the first Match)
// tokenizes it once; after that it is read-only and may be shared by
// goroutines.
type Document struct {
	Text, Title                                  string
	Lang, Network, Source, Author, Site, Country string
	Rating                                       float64 // 0 = none

	prepared   bool
	text       tokens
	title      tokens
	fieldsNorm [numKeyFields]string
}

// Keyword fields, in the order of Document.fieldsNorm.
const (
	kLang = iota
	kNetwork
	kSource
	kAuthor
	kSite
	kCountry
	numKeyFields
)

var keyFieldIndex = map[string]int{
	FieldLang: kLang, FieldNetwork: kNetwork, FieldSource: kSource,
	FieldAuthor: kAuthor, FieldSite: kSite, FieldCountry: kCountry,
}

// NewDocument returns a prepared copy of d.
func NewDocument(d Document) *Document {
	d.prepared = false
	d.Prepare()
	return &d
}

// Prepare tokenizes the text and title and normalizes the filter fields.
// It is idempotent.
func (d *Document) Prepare() {
	if d.prepared {
		return
	}
	d.text = lex(d.Text, false)
	d.title = lex(d.Title, false)
	d.fieldsNorm[kLang] = fold(strings.TrimSpace(d.Lang))
	d.fieldsNorm[kNetwork] = fold(strings.TrimSpace(d.Network))
	d.fieldsNorm[kSource] = fold(strings.TrimSpace(d.Source))
	d.fieldsNorm[kAuthor] = normValue(FieldAuthor, d.Author)
	d.fieldsNorm[kSite] = normValue(FieldSite, d.Site)
	d.fieldsNorm[kCountry] = fold(strings.TrimSpace(d.Country))
	d.prepared = true
}

// Tokens returns the tokens of the text (after Prepare).
func (d *Document) Tokens() []Token { d.Prepare(); return d.text.export(nil) }

func (ts *tokens) export(dst []Token) []Token {
	for i := range ts.toks {
		t := &ts.toks[i]
		dst = append(dst, Token{Norm: ts.normOf(t), Orig: ts.origOf(t), Kind: t.kind})
	}
	return dst
}

// Tokenize splits s the way documents are split: words of letters, digits
// and _, a leading # or @ kept as the token's kind, URLs kept whole.
func Tokenize(s string) []Token { return tokenize(s, false, nil) }

func isSpace(r rune) bool { return unicode.IsSpace(r) }

var asciiWord = func() (t [128]bool) {
	for c := range 128 {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
	}
	return t
}()

// Byte classes inside a word, so the inner loop of lex does one table
// load per byte.
const (
	cBreak byte = 0 // ends the word
	cLower byte = 1 // a-z, 0-9, _ (and * ? in query phrases)
	cUpper byte = 2 // A-Z: the word must be folded
	cHigh  byte = 4 // a byte of a multi-byte character: decode it
)

var wordClass, wildClass = func() (w, q [256]byte) {
	for c := range 256 {
		switch {
		case c >= utf8.RuneSelf:
			w[c] = cHigh
		case 'A' <= c && c <= 'Z':
			w[c] = cUpper
		case asciiWord[c]:
			w[c] = cLower
		}
	}
	q = w
	q['*'], q['?'] = cLower, cLower
	return w, q
}()

func isWordRune(r rune, wild bool) bool {
	if r < utf8.RuneSelf {
		return asciiWord[r] || wild && (r == '*' || r == '?')
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || unicode.Is(unicode.Mn, r) ||
		(wild && (r == '*' || r == '?'))
}

func hasPrefixFold(s, p string) bool {
	return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p)
}

func urlLen(s string) int {
	if len(s) < 5 || s[3] != '.' && s[3] != 'p' && s[3] != 'P' {
		return 0
	}
	if !hasPrefixFold(s, "http://") && !hasPrefixFold(s, "https://") && !hasPrefixFold(s, "www.") {
		return 0
	}
	n := strings.IndexFunc(s, isSpace)
	if n < 0 {
		n = len(s)
	}
	for n > 0 && strings.IndexByte(".,;:!?)]}'\"", s[n-1]) >= 0 {
		n--
	}
	if n <= 4 {
		return 0
	}
	return n
}

// tokenize appends the tokens of s to dst. With wild, * and ? are word
// characters (query phrases).
func tokenize(s string, wild bool, dst []Token) []Token {
	ts := lex(s, wild)
	return ts.export(dst)
}

func lex(s string, wild bool) tokens {
	ts := tokens{src: s}
	if s == "" {
		return ts
	}
	// Tokens are about as many as the spaces; punctuation inside words
	// (it's, coca-cola) adds a few.
	n := strings.Count(s, " ")
	ts.toks = make([]itok, 0, n+n/4+2)
	// Only tokens that change when folded are written to nb; it is grown
	// on the first such token.
	var nb strings.Builder
	cls := &wordClass
	if wild {
		cls = &wildClass
	}
	i := 0
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf && !asciiWord[c] && c != '#' && c != '@' && !(wild && (c == '*' || c == '?')) {
			i++ // fast path: ASCII space and punctuation
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == 'h' || r == 'H' || r == 'w' || r == 'W' {
			if n := urlLen(s[i:]); n > 0 {
				u := s[i : i+n]
				if isLowerASCII(u) {
					ts.toks = append(ts.toks, itok{ns: -1, ne: -1, os: int32(i), oe: int32(i + n), kind: URL})
				} else {
					grow(&nb, len(s)-i)
					ns := nb.Len()
					for _, r := range u {
						nb.WriteRune(unicode.ToLower(r))
					}
					ts.toks = append(ts.toks, itok{ns: int32(ns), ne: int32(nb.Len()), os: int32(i), oe: int32(i + n), kind: URL})
				}
				i += n
				continue
			}
		}
		kind := Word
		start := i
		if r == '#' || r == '@' {
			if r == '#' {
				kind = Hashtag
			} else {
				kind = Mention
			}
			start = i + 1
			r2, _ := utf8.DecodeRuneInString(s[start:])
			if start >= len(s) || !isWordRune(r2, wild) {
				i += size
				continue
			}
		} else if !isWordRune(r, wild) {
			i += size
			continue
		}
		j := start
		var seen byte // byte classes met: cUpper or cHigh mean not plain
		for j < len(s) {
			k := cls[s[j]]
			if k == cBreak {
				break
			}
			seen |= k
			if k != cHigh {
				j++
				continue
			}
			r, size := utf8.DecodeRuneInString(s[j:])
			if !isWordRune(r, wild) {
				break
			}
			j += size
		}
		i = j
		if seen&(cUpper|cHigh) == 0 { // ASCII without upper case: already folded
			ts.toks = append(ts.toks, itok{ns: -1, ne: -1, os: int32(start), oe: int32(j), kind: kind})
			continue
		}
		grow(&nb, len(s)-start)
		ns := nb.Len()
		foldTo(&nb, s[start:j])
		if nb.Len() == ns { // only combining marks
			continue
		}
		ts.toks = append(ts.toks, itok{ns: int32(ns), ne: int32(nb.Len()), os: int32(start), oe: int32(j), kind: kind})
	}
	ts.norm = nb.String()
	return ts
}

// grow makes room for the folded rest of a text on the first write: one
// allocation, as folding rarely lengthens a text.
func grow(b *strings.Builder, rest int) {
	if b.Cap() == 0 {
		b.Grow(rest + 8)
	}
}

func isLowerASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return false
		}
	}
	return true
}

// foldTo writes fold(s) to b.
func foldTo(b *strings.Builder, s string) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
			i++
			continue
		}
		props := norm.NFD.PropertiesString(s[i:])
		r, size := utf8.DecodeRuneInString(s[i:])
		if d := props.Decomposition(); len(d) > 0 {
			for _, dr := range string(d) {
				if !unicode.Is(unicode.Mn, dr) {
					b.WriteRune(unicode.ToLower(dr))
				}
			}
		} else if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(unicode.ToLower(r))
		}
		i += size
	}
}

// fold lower-cases s and removes accents (é→e): each character is
// replaced by its canonical decomposition (Unicode NFD) less the combining
// marks. ASCII input is fast and does not allocate when already lower-case.
func fold(s string) string {
	ascii, upper := true, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if 'A' <= c && c <= 'Z' {
			upper = true
		}
	}
	if ascii {
		if upper {
			return strings.ToLower(s)
		}
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	foldTo(&b, s)
	return b.String()
}

// plainValue reports whether v is already a normal value: lower-case
// ASCII letters, digits and _ . - only (no space, @, scheme or path).
func plainValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// normValue normalizes a keyword field value, of a query or a document.
func normValue(field, v string) string {
	if plainValue(v) && (field != FieldSite || !strings.HasPrefix(v, "www.")) {
		return v // the common case: a lower-case handle or bare domain
	}
	return normValueFull(field, v)
}

func normValueFull(field, v string) string {
	v = fold(strings.TrimSpace(v))
	if strings.ContainsFunc(v, unicode.IsSpace) {
		v = strings.Join(strings.Fields(v), " ")
	}
	switch field {
	case FieldAuthor:
		v = strings.TrimPrefix(v, "@")
	case FieldSite:
		for _, p := range []string{"https://", "http://"} {
			v = strings.TrimPrefix(v, p)
		}
		if i := strings.IndexAny(v, "/?#"); i >= 0 {
			v = v[:i]
		}
		v = strings.TrimPrefix(v, "www.")
	}
	return v
}
