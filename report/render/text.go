package render

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// plain makes text from the outside world safe for XML and HTML: valid
// UTF-8, no control characters but tab and newline. (XML 1.0 forbids most
// C0 controls; an XLSX or SVG containing one does not open.)
func plain(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	clean := true
	for _, r := range s {
		if unicode.IsControl(r) && r != '\t' && r != '\n' || r == '\uFFFE' || r == '\uFFFF' {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\t' && r != '\n' || r == '\uFFFE' || r == '\uFFFF' {
			return -1
		}
		return r
	}, s)
}
