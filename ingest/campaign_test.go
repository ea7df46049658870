package ingest

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCampaignFromURL(t *testing.T) {
	tests := []struct{ link, want string }{
		{"", ""},
		{"https://acme.example/", ""},
		{"https://acme.example/r?utm_source=mastodon&utm_campaign=launch-q4", "launch-q4"},
		{"https://acme.example/?utm_campaign=black%20friday&x=1", "black friday"},
		{"https://acme.example/?utm_campaign=%20padded%20", "padded"},
		{"https://acme.example/?utm_campaign=bad%C3%28utf8", "bad(utf8"},
		{"https://acme.example/?utm_campaign=" + strings.Repeat("é", 300), strings.Repeat("é", MaxCampaign)},
		{"https://[::1", ""},
		{"acme.example/sale?utm_campaign=no-scheme", "no-scheme"},
	}
	for _, tt := range tests {
		if got := CampaignFromURL(tt.link); got != tt.want {
			t.Errorf("CampaignFromURL(%q) = %q, want %q", tt.link, got, tt.want)
		}
	}
}

func TestCampaignFromText(t *testing.T) {
	tests := []struct{ text, want string }{
		{"", ""},
		{"no links at all", ""},
		{"Shop: https://acme.example/x?utm_source=yt&utm_campaign=launch-q4 now", "launch-q4"},
		{"first https://acme.example/a then https://acme.example/b?utm_campaign=second", ""},
		{"ends a sentence https://acme.example/?utm_campaign=bf24.", "bf24"},
		{"(see https://acme.example/?utm_campaign=bf24)", "bf24"},
		{"HTTP://ACME.example/?utm_campaign=Upper", "Upper"},
		{"encoded https://acme.example/?utm_campaign=black%20friday&x=1", "black friday"},
		{`<a href="https://acme.example/?utm_campaign=html">`, "html"},
		{"İİİ https://acme.example/?utm_campaign=after-wide-runes", "after-wide-runes"},
		{"http://acme.example/?utm_campaign=" + strings.Repeat("x", 300), strings.Repeat("x", 256)},
	}
	for _, tt := range tests {
		if got := CampaignFromText(tt.text); got != tt.want {
			t.Errorf("CampaignFromText(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestFirstLink(t *testing.T) {
	tests := []struct{ text, want string }{
		{"", ""},
		{"see acme.example", ""},
		{"see https://acme.example/a, then https://acme.example/b", "https://acme.example/a"},
		{"HtTpS://acme.example/x?y=1!", "HtTpS://acme.example/x?y=1"},
		{"'http://acme.example/q'", "http://acme.example/q"},
		{"ftp://acme.example/ then http://acme.example/", "http://acme.example/"},
	}
	for _, tt := range tests {
		if got := firstLink(tt.text); got != tt.want {
			t.Errorf("firstLink(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func FuzzCampaignFromText(f *testing.F) {
	for _, s := range []string{"https://a.example/?utm_campaign=x", "x http://a?utm_campaign=%zz", "İhttps://", "https://[::1", "hTtPs://a/?utm_campaign=%C3%28"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		c := CampaignFromText(text)
		if !utf8.ValidString(c) || utf8.RuneCountInString(c) > MaxCampaign || c != strings.TrimSpace(c) {
			t.Errorf("CampaignFromText(%q) = %q: want valid UTF-8, trimmed, at most %d characters", text, c, MaxCampaign)
		}
		if c != "" && linkStart(text) < 0 {
			t.Errorf("campaign %q from a text without a link", c)
		}
	})
}
