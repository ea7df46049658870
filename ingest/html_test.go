package ingest

import (
	"strings"
	"testing"
)

func TestPlainText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain text squeezed", "plain   words\n\n\nnext", "plain words\nnext"},
		{"paragraphs and entities", "<p>Hello <b>Acme</b> &amp; co</p><p>Bye&nbsp;now</p>", "Hello Acme & co\nBye now"},
		{"line breaks", "a<br>b<br/>c", "a\nb\nc"},
		{"script and style dropped", "<style>p{color:red}</style>text<script>alert(1)</script>", "text"},
		{"bare ampersand and angle", "AT&T < Verizon", "AT&T < Verizon"},
		{"link text kept", `<p>see <a href="https://acme.example/x">the post</a></p>`, "see the post"},
		{"list items", "<ul><li>one</li><li>two</li></ul>", "one\ntwo"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PlainText(tt.in); got != tt.want {
				t.Errorf("PlainText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzPlainText(f *testing.F) {
	for _, s := range []string{"<p>a</p>", "<script>x", "&amp;&#x1F600;", "a\n\n b", "<<>>", "</style>", "<a href=\"x\">y</a>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := PlainText(s)
		if got != strings.TrimSpace(got) || strings.Contains(got, "\n\n") || strings.Contains(got, "  ") {
			t.Errorf("PlainText(%q) = %q: blanks not squeezed", s, got)
		}
	})
}
