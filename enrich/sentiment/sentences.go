package sentiment

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Span is a sentence's byte range in a text.
type Span struct{ Start, End int }

// Sentences appends the sentences of text to dst. A sentence ends at a
// newline or after a run of . ! ? … followed by a space, an emoji or the
// end; emoji and emoticon-like symbols right after the end belong to the
// sentence they close ("Love it! 😍 Battery is bad."), and an emoji after
// a few words followed by a capital ends one too. A full stop
// between letters or digits ("3.5", "acme.com") ends nothing. Spans are
// trimmed and never empty.
func Sentences(text string, dst []Span) []Span {
	start := 0
	emit := func(end int) {
		seg := strings.TrimLeftFunc(text[start:end], unicode.IsSpace)
		s := end - len(seg)
		e := s + len(strings.TrimRightFunc(seg, unicode.IsSpace))
		if s < e {
			dst = append(dst, Span{s, e})
		}
		start = end
	}
	words := 0 // words since the sentence start
	for i := 0; i < len(text); {
		c := text[i]
		if c == '\n' {
			emit(i)
			words = 0
			i++
			continue
		}
		if (i == 0 || isSpaceByte(text[i-1])) && !isSpaceByte(c) {
			words++
		}
		if n := symbolLen(text[i:]); n > 0 && words > 3 && i > 0 && isSpaceByte(text[i-1]) {
			// An emoji after a few words, then a capital: the emoji ended
			// the sentence ("lost my parcel 🤬 Acme was fast"), unlike
			// "I ❤️ Acme".
			k := i + n
			for k < len(text) && (text[k] == ' ' || text[k] == '\t' || symbolLen(text[k:]) > 0) {
				k += max(1, symbolLen(text[k:]))
			}
			if k > i+n && k < len(text) {
				if r, _ := utf8.DecodeRuneInString(text[k:]); unicode.IsUpper(r) {
					end := k
					for end > i && isSpaceByte(text[end-1]) {
						end--
					}
					emit(end)
					words = 0
					i = k
					continue
				}
			}
		}
		if !isTerminal(text, i) {
			if c < utf8.RuneSelf {
				i++
			} else {
				_, n := utf8.DecodeRuneInString(text[i:])
				i += n
			}
			continue
		}
		j := i
		for j < len(text) && isTerminal(text, j) {
			if text[j] < utf8.RuneSelf {
				j++
			} else {
				j += len("…")
			}
		}
		if j < len(text) && !isSpaceByte(text[j]) && !startsSymbol(text[j:]) {
			i = j // "3.5", "acme.com", "?!x"
			continue
		}
		// Take closing emoji and symbols, and spaces between them.
		k := j
		for k < len(text) {
			if isSpaceByte(text[k]) && text[k] != '\n' {
				k++
				continue
			}
			if n := symbolLen(text[k:]); n > 0 {
				k += n
				j = k
				continue
			}
			break
		}
		emit(j)
		words = 0
		i = j
	}
	emit(len(text))
	return dst
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func isTerminal(s string, i int) bool {
	switch s[i] {
	case '.', '!', '?':
		return true
	}
	return len(s)-i >= len("…") && s[i:i+len("…")] == "…"
}

func startsSymbol(s string) bool { return symbolLen(s) > 0 }

// symbolLen is the length of the emoji or pictographic symbol (with its
// modifiers and joiners) at the start of s, or 0.
func symbolLen(s string) int {
	r, n := utf8.DecodeRuneInString(s)
	if r < utf8.RuneSelf || !isPictograph(r) {
		return 0
	}
	for n < len(s) {
		r, m := utf8.DecodeRuneInString(s[n:])
		if !isModifier(r) && !(isPictograph(r) && r != '…') {
			break
		}
		n += m
	}
	return n
}

func isPictograph(r rune) bool {
	return unicode.Is(unicode.So, r) || r >= 0x1F000 && r <= 0x1FAFF || r >= 0x2600 && r <= 0x27BF
}

func isModifier(r rune) bool {
	return r == 0xFE0F || r == 0x200D || r >= 0x1F3FB && r <= 0x1F3FF
}
