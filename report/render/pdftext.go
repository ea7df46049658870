package render

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
)

// glyphs tells which runes the PDF's font can draw. The PDF embeds the Go
// fonts (Latin, Greek, Cyrillic and common symbols); mention text can hold
// anything, so a rune the font lacks is written as "?" rather than as an
// invisible or broken glyph.
type glyphs struct {
	font *sfnt.Font
	buf  sfnt.Buffer
	seen map[rune]bool
}

func newGlyphs() (*glyphs, error) {
	f, err := sfnt.Parse(goregular.TTF)
	if err != nil {
		return nil, fmt.Errorf("parse the PDF font: %w", err)
	}
	return &glyphs{font: f, seen: map[rune]bool{}}, nil
}

func (g *glyphs) has(r rune) bool {
	if ok, cached := g.seen[r]; cached {
		return ok
	}
	i, err := g.font.GlyphIndex(&g.buf, r)
	ok := err == nil && i != 0
	g.seen[r] = ok
	return ok
}

// clean makes s safe to draw: valid UTF-8, composed (NFC, so "e"+accent
// becomes one glyph the font has), without control and formatting
// characters (bidi overrides, zero-width joiners), whitespace as plain
// spaces, and each run of runes the font lacks as a single "?".
func (g *glyphs) clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	lastMissing := false
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t' || unicode.IsSpace(r):
			b.WriteByte(' ')
			lastMissing = false
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Mn, r) && !g.has(r):
			// Invisible: dropped.
		case r == utf8.RuneError || !g.has(r):
			if !lastMissing {
				b.WriteByte('?')
			}
			lastMissing = true
		default:
			b.WriteRune(r)
			lastMissing = false
		}
	}
	return b.String()
}
