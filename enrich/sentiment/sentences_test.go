package sentiment

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func sentenceTexts(text string) []string {
	var out []string
	for _, sp := range Sentences(text, nil) {
		out = append(out, text[sp.Start:sp.End])
	}
	return out
}

func TestSentences(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"", nil},
		{"   ", nil},
		{"One sentence", []string{"One sentence"}},
		{"I love Acme. Globex is awful!", []string{"I love Acme.", "Globex is awful!"}},
		{"Really?! Yes.", []string{"Really?!", "Yes."}},
		{"Love it! 😍 Battery is bad 😡", []string{"Love it! 😍", "Battery is bad 😡"}},
		{"Great!😍😍 next", []string{"Great!😍😍", "next"}},
		{"Thumbs up! 👍🏽 ok", []string{"Thumbs up! 👍🏽", "ok"}},
		{"Wait… what", []string{"Wait…", "what"}},
		{"line one\nline two", []string{"line one", "line two"}},
		{"3.5 stars at acme.com, ok", []string{"3.5 stars at acme.com, ok"}},
		{"Title. Body text here", []string{"Title.", "Body text here"}},
		{"...", []string{"..."}},
		{"a\n\n\nb", []string{"a", "b"}},
		{"Bagus banget!!! Tapi mahal.", []string{"Bagus banget!!!", "Tapi mahal."}},
		{"Globex lost my parcel again 🤬 Acme was fast", []string{"Globex lost my parcel again 🤬", "Acme was fast"}},
		{"Globex lost my parcel again 🤬🤬 Acme was fast", []string{"Globex lost my parcel again 🤬🤬", "Acme was fast"}},
		{"I ❤️ Acme", []string{"I ❤️ Acme"}},
		{"new phone from Acme 😍 so good", []string{"new phone from Acme 😍 so good"}},
	}
	for _, tt := range tests {
		if got := sentenceTexts(tt.text); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Sentences(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func FuzzSentences(f *testing.F) {
	for _, s := range []string{"", "a. b", "x!😍 y", "…", "a\n", "3.5", "?!?!", "\xff.", "😍😍. ."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		prev := 0
		var joined strings.Builder
		for _, sp := range Sentences(s, nil) {
			if sp.Start < prev || sp.End <= sp.Start || sp.End > len(s) {
				t.Fatalf("Sentences(%q): bad span %+v after %d", s, sp, prev)
			}
			part := s[sp.Start:sp.End]
			if strings.TrimSpace(part) != part {
				t.Fatalf("Sentences(%q): untrimmed %q", s, part)
			}
			if utf8.ValidString(s) && !utf8.ValidString(part) {
				t.Fatalf("Sentences(%q): split a character: %q", s, part)
			}
			joined.WriteString(s[prev:sp.Start])
			joined.WriteString(part)
			prev = sp.End
		}
		joined.WriteString(s[prev:])
		if joined.String() != s {
			t.Fatalf("spans do not tile the text")
		}
		// Nothing but space is left out.
		rest := s
		for i := len(Sentences(s, nil)) - 1; i >= 0; i-- {
			sp := Sentences(s, nil)[i]
			rest = rest[:sp.Start] + rest[sp.End:]
		}
		if strings.TrimSpace(rest) != "" {
			t.Fatalf("Sentences(%q) dropped %q", s, rest)
		}
	})
}
