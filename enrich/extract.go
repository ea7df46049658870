package enrich

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"net/url"
	"path"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"

	"github.com/earshot-dev/earshot/event"
)

// stopwordFiles are the words keywords never are: English and Indonesian
// (always, since posts mix them) and the common words of the other
// languages the detector knows, applied when a mention is in one of them.
//
//go:embed stopwords/*.txt
var stopwordFiles embed.FS

// Keyword limits.
const (
	maxKeywords   = 5
	minKeywordLen = 3 // runes; shorter words are mostly particles and typos
)

// ExtractStep finds hashtags, @handles, links with their domain and UTM
// tags, emojis and the top keywords of a mention's text, in one hand-written
// scan: no regular expressions and, for most posts, no allocation besides
// the output lists.
type ExtractStep struct {
	base  map[string]struct{}            // en + id
	extra map[string]map[string]struct{} // other languages, by ISO 639-1 code
	pool  sync.Pool                      // *extractScratch
}

// NewExtractStep loads the embedded stopword lists.
func NewExtractStep() (*ExtractStep, error) {
	s := &ExtractStep{base: map[string]struct{}{}, extra: map[string]map[string]struct{}{}}
	files, err := stopwordFiles.ReadDir("stopwords")
	if err != nil {
		return nil, fmt.Errorf("read stopword lists: %w", err)
	}
	for _, f := range files {
		lang := strings.TrimSuffix(f.Name(), path.Ext(f.Name()))
		b, err := stopwordFiles.ReadFile("stopwords/" + f.Name())
		if err != nil {
			return nil, fmt.Errorf("read stopwords for %s: %w", lang, err)
		}
		set := s.base
		if lang != "en" && lang != "id" {
			set = map[string]struct{}{}
			s.extra[lang] = set
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "#") {
				continue
			}
			for _, w := range strings.Fields(line) {
				set[w] = struct{}{}
			}
		}
	}
	s.pool.New = func() any { return &extractScratch{table: make([]int32, 256)} }
	return s, nil
}

// Name implements Step.
func (*ExtractStep) Name() string { return StepExtract }

// kwEntry is one distinct keyword candidate of a document.
type kwEntry struct {
	off, n int32 // the lower-cased word in extractScratch.lower
	os, oe int32 // its first occurrence in the text
	count  int32
	hash   uint32
}

// extractScratch is reused across documents so counting words does not
// allocate.
type extractScratch struct {
	lower []byte
	words []kwEntry
	table []int32 // open addressing over words: index+1, 0 is empty
}

func (sc *extractScratch) reset() {
	sc.lower = sc.lower[:0]
	sc.words = sc.words[:0]
	clear(sc.table)
}

// Apply sets Hashtags, Handles, Links, Emojis and Keywords.
func (s *ExtractStep) Apply(d *Doc) error {
	sc := s.pool.Get().(*extractScratch)
	defer s.pool.Put(sc)
	sc.reset()
	stop := s.extra[d.Out.Lang]
	text := d.Text
	out := &d.Out
	for i := 0; i < len(text); {
		c := text[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(text[i:])
			if emojiStart(r, text[i+size:]) {
				cluster, _, _, _ := uniseg.FirstGraphemeClusterInString(text[i:], -1)
				out.Emojis = appendNew(out.Emojis, cluster)
				i += len(cluster)
				continue
			}
			if isWordRune(r) {
				i = s.word(sc, text, i, stop)
				continue
			}
			i += size
			continue
		}
		if n := keycapLen(text[i:]); n > 0 {
			out.Emojis = appendNew(out.Emojis, text[i:i+n])
			i += n
			continue
		}
		switch {
		case c == '#':
			i = hashtag(out, text, i)
		case c == '@':
			i = handle(out, text, i)
		case (c == 'h' || c == 'H' || c == 'w' || c == 'W') && !wordBefore(text, i):
			if n := linkLen(text[i:]); n > 0 {
				out.Links = appendLink(out.Links, text[i:i+n])
				i += n
				continue
			}
			i = s.word(sc, text, i, stop)
		case isASCIIAlnum(c) || c == '_':
			i = s.word(sc, text, i, stop)
		default:
			i++
		}
	}
	out.Keywords = topKeywords(out.Keywords, sc, text)
	return nil
}

// appendNew appends v unless list holds it: lists are short, so a scan
// beats a map.
func appendNew(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return isASCIIAlnum(byte(r)) || r == '_'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.In(r, unicode.Mn, unicode.Mc)
}

// wordBefore reports whether the rune before text[i] is a word rune: then
// a '#' or '@' at i is inside a word (C#, an e-mail address), not a tag.
func wordBefore(text string, i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	return isWordRune(r)
}

// wordEnd returns the end of the run of word runes starting at i, and
// whether the run holds a letter.
func wordEnd(text string, i int) (j int, letter bool) {
	j = i
	for j < len(text) {
		if c := text[j]; c < utf8.RuneSelf {
			if !isASCIIAlnum(c) && c != '_' {
				break
			}
			letter = letter || c > '9'
			j++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[j:])
		if !isWordRune(r) {
			break
		}
		letter = letter || unicode.IsLetter(r)
		j += size
	}
	return j, letter
}

// hashtag reads a #tag at text[i] and returns where scanning goes on.
// Tags of digits only ("#1 fan") are not hashtags on any network.
func hashtag(out *event.EnrichedMention, text string, i int) int {
	if wordBefore(text, i) {
		return i + 1
	}
	j, letter := wordEnd(text, i+1)
	if letter {
		out.Hashtags = appendNew(out.Hashtags, strings.ToLower(text[i+1:j]))
	}
	return max(j, i+1)
}

// handle reads an @handle at text[i]. Dots and hyphens may join parts, as
// in Bluesky handles (alice.bsky.social); a Mastodon handle keeps its
// server (alice@mastodon.social). A trailing dot ends the sentence.
func handle(out *event.EnrichedMention, text string, i int) int {
	if wordBefore(text, i) {
		return i + 1
	}
	j := handleEnd(text, i+1)
	if j == i+1 {
		return i + 1
	}
	if j+1 < len(text) && text[j] == '@' {
		if k := handleEnd(text, j+1); k > j+1 && strings.IndexByte(text[j+1:k], '.') >= 0 {
			j = k
		}
	}
	out.Handles = appendNew(out.Handles, strings.ToLower(text[i+1:j]))
	return j
}

func handleEnd(text string, i int) int {
	j := i
	for j < len(text) {
		end, _ := wordEnd(text, j)
		if end == j {
			break
		}
		j = end
		if j+1 < len(text) && (text[j] == '.' || text[j] == '-') {
			if next, _ := wordEnd(text, j+1); next > j+1 {
				j++
				continue
			}
		}
		break
	}
	return j
}

// keycapLen returns the length of a keycap emoji (1️⃣, #️⃣) at the start
// of s, or 0.
func keycapLen(s string) int {
	if len(s) < 4 || !(s[0] >= '0' && s[0] <= '9' || s[0] == '#' || s[0] == '*') {
		return 0
	}
	const vs16, keycap = "\uFE0F", "\u20E3"
	switch {
	case strings.HasPrefix(s[1:], vs16+keycap):
		return 1 + len(vs16) + len(keycap)
	case strings.HasPrefix(s[1:], keycap):
		return 1 + len(keycap)
	}
	return 0
}

// emojiStart reports whether r begins an emoji. Go's unicode tables have
// no Extended_Pictographic property and uniseg does not export its own, so
// the emoji blocks are listed here; uniseg then finds where the emoji's
// grapheme cluster (ZWJ sequence, skin tone, flag, tags) ends. Symbols
// that are text by default (©, ™, ↔) count only with the emoji variation
// selector U+FE0F after them.
func emojiStart(r rune, rest string) bool {
	switch {
	case r < 0xA9:
		return false
	case r >= 0x1F000 && r <= 0x1FAFF, r >= 0x1FC00 && r <= 0x1FFFD:
		return true
	case r >= 0x2600 && r <= 0x27BF:
		return r < 0x2776 || r > 0x2793 // not the dingbat circled digits
	}
	switch r {
	case 0x231A, 0x231B, 0x23E9, 0x23EA, 0x23EB, 0x23EC, 0x23F0, 0x23F3, 0x25FD, 0x25FE, 0x2B1B, 0x2B1C,
		0x2B50, 0x2B55:
		return true
	case 0xA9, 0xAE, 0x203C, 0x2049, 0x2122, 0x2139, 0x2194, 0x2195, 0x2196, 0x2197, 0x2198, 0x2199,
		0x21A9, 0x21AA, 0x2328, 0x23CF, 0x23ED, 0x23EE, 0x23EF, 0x23F1, 0x23F2, 0x23F8, 0x23F9, 0x23FA,
		0x24C2, 0x25AA, 0x25AB, 0x25B6, 0x25C0, 0x25FB, 0x25FC, 0x2934, 0x2935, 0x2B05, 0x2B06, 0x2B07,
		0x3030, 0x303D, 0x3297, 0x3299:
		return strings.HasPrefix(rest, "\uFE0F")
	}
	return false
}

// linkLen returns the length of the http(s):// or www. link at the start
// of s, trailing punctuation trimmed, or 0 when there is none.
func linkLen(s string) int {
	var host int // where the host starts
	switch {
	case hasPrefixFold(s, "https://"):
		host = len("https://")
	case hasPrefixFold(s, "http://"):
		host = len("http://")
	case hasPrefixFold(s, "www."):
		host = 0
	default:
		return 0
	}
	n := host
	for n < len(s) {
		c := s[n]
		if c < utf8.RuneSelf {
			if c <= ' ' || c == '<' || c == '>' || c == '"' || c == 0x7F {
				break
			}
			n++
			continue
		}
		// Non-ASCII letters may be in a path; an emoji or a full-width
		// stop right after a link is not.
		r, size := utf8.DecodeRuneInString(s[n:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			break
		}
		n += size
	}
	// A closing bracket ends the link when it closes nothing opened inside
	// it: (see https://x.io) but https://en.wikipedia.org/wiki/Acme_(company).
	paren := strings.Count(s[:n], "(") - strings.Count(s[:n], ")")
	square := strings.Count(s[:n], "[") - strings.Count(s[:n], "]")
trim:
	for n > host {
		switch c := s[n-1]; {
		case strings.IndexByte(".,;:!?'*", c) >= 0:
		case c == ')' && paren < 0:
			paren++
		case c == ']' && square < 0:
			square++
		default:
			break trim
		}
		n--
	}
	h := linkHost(s[:n])
	if h == "" || (strings.IndexByte(h, '.') < 0 && h != "localhost") || strings.HasPrefix(h, ".") {
		return 0
	}
	return n
}

func hasPrefixFold(s, p string) bool { return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) }

// linkHost returns the host of a link as written: no scheme, user, port
// or path.
func linkHost(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.IndexAny(u, "/?#\\"); i >= 0 {
		u = u[:i]
	}
	if i := strings.LastIndexByte(u, '@'); i >= 0 {
		u = u[i+1:]
	}
	if i := strings.LastIndexByte(u, ':'); i >= 0 && !strings.HasSuffix(u, "]") {
		u = u[:i]
	}
	return strings.TrimSuffix(u, ".")
}

// linkDomain is the lower-case host without "www.".
func linkDomain(u string) string {
	h := strings.ToLower(linkHost(u))
	return strings.TrimPrefix(h, "www.")
}

// appendLink adds a link unless it is there already. UTM tags are parsed
// with net/url, only for the links that carry them.
func appendLink(links []event.Link, u string) []event.Link {
	for _, l := range links {
		if l.URL == u {
			return links
		}
	}
	l := event.Link{URL: u, Domain: linkDomain(u)}
	if strings.Contains(u, "utm_") {
		raw := u
		if !strings.Contains(raw, "://") {
			raw = "http://" + raw
		}
		if pu, err := url.Parse(raw); err == nil {
			q := pu.Query()
			l.UTMSource, l.UTMMedium, l.UTMCampaign = q.Get("utm_source"), q.Get("utm_medium"), q.Get("utm_campaign")
		}
	}
	return append(links, l)
}

// word reads the word at text[i], counts it as a keyword candidate when it
// may be one, and returns where scanning goes on. An e-mail address is
// skipped whole.
func (s *ExtractStep) word(sc *extractScratch, text string, i int, stop map[string]struct{}) int {
	j, letter := wordEnd(text, i)
	if j == i {
		_, size := utf8.DecodeRuneInString(text[i:])
		return i + size
	}
	if j+1 < len(text) && text[j] == '@' {
		if k, _ := wordEnd(text, j+1); k > j+1 { // an e-mail address
			for k < len(text) && text[k] > ' ' {
				k++
			}
			return k
		}
	}
	if !letter || text[i] >= '0' && text[i] <= '9' || j-i < minKeywordLen { // numbers, 3pm, 2x, short words
		return j
	}
	w := text[i:j]
	off := len(sc.lower)
	runes := 0
	for k := 0; k < len(w); {
		c := w[k]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			sc.lower = append(sc.lower, c)
			k++
		} else {
			r, size := utf8.DecodeRuneInString(w[k:])
			sc.lower = utf8.AppendRune(sc.lower, unicode.ToLower(r))
			k += size
		}
		runes++
	}
	lw := sc.lower[off:]
	if runes < minKeywordLen || laughter(lw) {
		sc.lower = sc.lower[:off]
		return j
	}
	_, common := s.base[string(lw)]
	if !common && stop != nil {
		_, common = stop[string(lw)]
	}
	if common {
		sc.lower = sc.lower[:off]
		return j
	}
	sc.count(off, i, j)
	return j
}

// count adds one occurrence of the word just appended to sc.lower at off.
func (sc *extractScratch) count(off, os, oe int) {
	lw := sc.lower[off:]
	h := uint32(2166136261) // FNV-1a
	for _, c := range lw {
		h = (h ^ uint32(c)) * 16777619
	}
	mask := uint32(len(sc.table) - 1)
	for p := h & mask; ; p = (p + 1) & mask {
		idx := sc.table[p]
		if idx == 0 {
			sc.words = append(sc.words, kwEntry{off: int32(off), n: int32(len(lw)), os: int32(os), oe: int32(oe), count: 1, hash: h})
			sc.table[p] = int32(len(sc.words))
			if 2*len(sc.words) > len(sc.table) {
				sc.grow()
			}
			return
		}
		e := &sc.words[idx-1]
		if e.hash == h && string(sc.lower[e.off:e.off+e.n]) == string(lw) {
			e.count++
			sc.lower = sc.lower[:off] // the word is stored once
			return
		}
	}
}

// grow doubles the hash table; only long articles get here.
func (sc *extractScratch) grow() {
	sc.table = make([]int32, 2*len(sc.table))
	mask := uint32(len(sc.table) - 1)
	for i, e := range sc.words {
		p := e.hash & mask
		for sc.table[p] != 0 {
			p = (p + 1) & mask
		}
		sc.table[p] = int32(i + 1)
	}
}

// laughter reports whether w is "haha", "wkwkwk", "hehe" and the like: a
// two-letter unit repeated.
func laughter(w []byte) bool {
	if len(w) < 4 {
		return false
	}
	switch string(w[:2]) {
	case "ha", "he", "hi", "wk", "kw", "xi", "ah":
	default:
		return false
	}
	for k := 2; k < len(w); k++ {
		if w[k] != w[k%2] {
			return false
		}
	}
	return true
}

// topKeywords appends the most frequent candidates, earlier first among
// equals. A keyword already lower case in the text is a substring of it,
// so most keywords cost no allocation.
func topKeywords(dst []string, sc *extractScratch, text string) []string {
	var top [maxKeywords]int
	n := 0
	for i := range sc.words {
		e := &sc.words[i]
		// Insert i into top, ordered by count desc then first position;
		// words are in first-seen order, so a tie never displaces.
		k := n
		for k > 0 && sc.words[top[k-1]].count < e.count {
			k--
		}
		if k >= maxKeywords {
			continue
		}
		if n < maxKeywords {
			n++
		}
		copy(top[k+1:n], top[k:n-1])
		top[k] = i
	}
	if n > 0 && dst == nil {
		dst = make([]string, 0, n)
	}
	for _, i := range top[:n] {
		e := &sc.words[i]
		lw := sc.lower[e.off : e.off+e.n]
		if orig := text[e.os:e.oe]; orig == string(lw) {
			dst = append(dst, orig)
		} else {
			dst = append(dst, string(lw))
		}
	}
	return dst
}
