package ingest

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Truncate cuts s to at most n characters (runes), on a character
// boundary, so a field fits its schema's maxLength.
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:max(n, 0)])
}

// PrimaryLang keeps the language subtag of a BCP 47 tag ("pt-BR" → "pt"),
// the form the enricher's language list uses; "" for what cannot be one.
func PrimaryLang(tag string) string {
	l, _, _ := strings.Cut(tag, "-")
	l = strings.ToLower(strings.TrimSpace(l))
	if len(l) > 16 {
		return ""
	}
	return l
}

// Printable reports whether s is valid UTF-8 of printable characters
// only (spaces allowed, no control or format characters), as a native id
// must be to serve in an event id.
func Printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}
