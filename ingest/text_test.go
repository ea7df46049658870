package ingest

import "testing"

func TestTruncate(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"", 3, ""},
		{"abc", 3, "abc"},
		{"abcd", 3, "abc"},
		{"Rina 🌻 says", 6, "Rina 🌻"},
		{"ééé", 2, "éé"},
		{"abc", 0, ""},
	}
	for _, tt := range tests {
		if got := Truncate(tt.s, tt.n); got != tt.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
}

func TestPrimaryLang(t *testing.T) {
	tests := []struct{ tag, want string }{
		{"", ""},
		{"en", "en"},
		{"pt-BR", "pt"},
		{" DE-at ", "de"},
		{"zh-Hant-TW", "zh"},
		{"averyveryverylongtag-x", ""},
	}
	for _, tt := range tests {
		if got := PrimaryLang(tt.tag); got != tt.want {
			t.Errorf("PrimaryLang(%q) = %q, want %q", tt.tag, got, tt.want)
		}
	}
}

func TestPrintable(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"", true},
		{"https://blog.example.com/?p=101", true},
		{"Rina 🌻 says", true},
		{"tab\there", false},
		{"line\nbreak", false},
		{"zero\u200bwidth", false},
		{"bad \xff utf8", false},
	}
	for _, tt := range tests {
		if got := Printable(tt.s); got != tt.want {
			t.Errorf("Printable(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}
