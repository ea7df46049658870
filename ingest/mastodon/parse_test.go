package mastodon

import (
	"errors"
	"io"
	"maps"
	"net/http"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/earshot-dev/earshot/ingest/ingesttest"
)

func TestParseLink(t *testing.T) {
	tests := []struct {
		name   string
		header string
		want   map[string]string
	}{
		{"empty", "", map[string]string{}},
		{"mastodon next and prev",
			`<https://m.example/api/v1/timelines/tag/acme?max_id=10>; rel="next", <https://m.example/api/v1/timelines/tag/acme?min_id=20>; rel="prev"`,
			map[string]string{"next": "https://m.example/api/v1/timelines/tag/acme?max_id=10", "prev": "https://m.example/api/v1/timelines/tag/acme?min_id=20"}},
		{"unquoted rel and extra params", `<https://a/1>; title="a, b; c"; rel=next,<https://a/2>;rel=prev`,
			map[string]string{"next": "https://a/1", "prev": "https://a/2"}},
		{"several rels in one", `<https://a/x>; rel="next last"`, map[string]string{"next": "https://a/x", "last": "https://a/x"}},
		{"comma inside the target", `<https://a/x?tags=a,b>; rel="next"`, map[string]string{"next": "https://a/x?tags=a,b"}},
		{"first link of a rel wins", `<https://a/1>; rel=next, <https://a/2>; rel=next`, map[string]string{"next": "https://a/1"}},
		{"escaped quote", `<https://a/1>; title="say \"hi\""; rel="NEXT"`, map[string]string{"next": "https://a/1"}},
		{"garbage before a link", `junk; rel=next, <https://a/1>; rel=prev`, map[string]string{"prev": "https://a/1"}},
		{"unterminated target", `<https://a/1; rel=next`, map[string]string{}},
		{"no rel", `<https://a/1>; title=x`, map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseLink(tt.header); !maps.Equal(got, tt.want) {
				t.Errorf("parseLink(%q) = %v, want %v", tt.header, got, tt.want)
			}
		})
	}
}

func FuzzParseLink(f *testing.F) {
	f.Add(`<https://m.example/a?max_id=1>; rel="next", <https://m.example/a?min_id=2>; rel="prev"`)
	f.Add(`<x>; rel="a b"; t="\"", <y>;rel=c`)
	f.Add(`<<>>;;,,"`)
	f.Fuzz(func(t *testing.T, header string) {
		for rel, target := range parseLink(header) {
			// Every target is text that stood between <> in the header, and
			// every rel one word, from the header lower-cased (once quoted
			// escapes are undone).
			if !strings.Contains(header, target) || strings.ContainsRune(target, '>') {
				t.Errorf("target %q is not in %q", target, header)
			}
			if rel == "" || strings.ContainsAny(rel, " \t") {
				t.Errorf("rel %q from %q", rel, header)
			}
			if !strings.Contains(header, `\`) && !strings.Contains(strings.ToLower(header), rel) {
				t.Errorf("rel %q is not in %q", rel, header)
			}
		}
	})
}

func TestFollowStaysOnTheInstance(t *testing.T) {
	s := &Source{cfg: Config{Instance: "https://m.example"}}
	tests := []struct {
		link, want string
	}{
		{`<https://m.example/api/v1/x?max_id=1>; rel="next"`, "https://m.example/api/v1/x?max_id=1"},
		{`</api/v1/x?max_id=2>; rel="next"`, "https://m.example/api/v1/x?max_id=2"},
		{`<https://evil.example/api/v1/x?max_id=1>; rel="next"`, "fallback"},
		{`<http://m.example/api/v1/x?max_id=1>; rel="next"`, "fallback"},
		{`<https://m.example/api/v1/x?min_id=1>; rel="prev"`, "fallback"},
	}
	for _, tt := range tests {
		h := http.Header{"Link": {tt.link}}
		if got := s.follow(h, "next", "fallback"); got != tt.want {
			t.Errorf("follow(%s) = %q, want %q", tt.link, got, tt.want)
		}
	}
}

func TestSSE(t *testing.T) {
	stream := ":)\n\nevent: update\ndata: {\"id\":\"1\"}\n\n:thump\r\nevent: delete\r\ndata: 1\r\n\r\n" +
		"event: update\rdata: {\"a\":\rdata: 2}\r\r" +
		"data: no name\n\n" +
		"event: update\ndata: cut off"
	var lines int
	r := newSSEReader(strings.NewReader(stream), func() { lines++ })
	var got []sseEvent
	for {
		ev, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ev)
	}
	want := []sseEvent{
		{"update", []byte(`{"id":"1"}`)},
		{"delete", []byte("1")},
		{"update", []byte("{\"a\":\n2}")},
		{"", []byte("no name")},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d events %q, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i].Name != want[i].Name || string(got[i].Data) != string(want[i].Data) {
			t.Errorf("event %d = %q %q, want %q %q", i, got[i].Name, got[i].Data, want[i].Name, want[i].Data)
		}
	}
	if lines < 10 {
		t.Errorf("seen called %d times, want once per line", lines)
	}
}

func FuzzSSE(f *testing.F) {
	f.Add("event: update\ndata: {}\n\n")
	f.Add(":x\r\n\r\nevent:a\rdata:b\r\rdata\n\n")
	f.Fuzz(func(t *testing.T, stream string) {
		r := newSSEReader(strings.NewReader(stream), nil)
		for range len(stream) + 1 {
			ev, err := r.Next()
			if err != nil {
				return
			}
			if strings.ContainsAny(ev.Name, "\r\n") || strings.ContainsRune(string(ev.Data), '\r') {
				t.Fatalf("line break leaked into %q %q", ev.Name, ev.Data)
			}
		}
		t.Fatal("more events than bytes")
	})
}

func TestParseContent(t *testing.T) {
	tests := []struct {
		name, html, text string
		links            []string
	}{
		{"paragraphs and breaks", "<p>one<br>two</p><p>three</p>", "one\ntwo\n\nthree", nil},
		{"entities", "<p>a &amp; b &lt;3 &#39;c&#39;</p>", "a & b <3 'c'", nil},
		{"hidden url parts are kept", `<p><a href="https://ex.example/a/very/long?utm_campaign=x"><span class="invisible">https://</span><span class="ellipsis">ex.example/a/ve</span><span class="invisible">ry/long?utm_campaign=x</span></a></p>`,
			"https://ex.example/a/very/long?utm_campaign=x", []string{"https://ex.example/a/very/long?utm_campaign=x"}},
		{"mentions and hashtags are not links", `<p><a href="https://m/@a" class="u-url mention">@a</a> <a href="https://m/tags/x" rel="tag">#x</a> <a href="https://m/tags/y" class="mention hashtag">#y</a></p>`,
			"@a #x #y", nil},
		{"non-web links ignored", `<a href="mailto:a@b">mail</a><a href="javascript:x">j</a>`, "mailj", nil},
		{"scripts dropped", "<p>hi</p><script>alert(1)</script>", "hi", nil},
		{"plain text", "just text", "just text", nil},
		{"broken html", "<p>unclosed <a href=", "unclosed", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := parseContent(tt.html)
			if c.Text != tt.text {
				t.Errorf("text = %q, want %q", c.Text, tt.text)
			}
			if strings.Join(c.Links, " ") != strings.Join(tt.links, " ") {
				t.Errorf("links = %q, want %q", c.Links, tt.links)
			}
		})
	}
}

func FuzzParseContent(f *testing.F) {
	f.Add(`<p>hi <a href="https://a.example/?utm_campaign=x">x</a><br/>there</p>`)
	f.Add(`<p><span class="invisible">https://</span>&amp;&#x1F600;</p>`)
	f.Fuzz(func(t *testing.T, src string) {
		c := parseContent(src)
		if utf8.ValidString(src) && !utf8.ValidString(c.Text) {
			t.Errorf("valid input gave invalid UTF-8 text %q", c.Text)
		}
		if c.Text != strings.TrimSpace(c.Text) || strings.Contains(c.Text, "\n\n\n") {
			t.Errorf("text not tidied: %q", c.Text)
		}
		for _, l := range c.Links {
			if !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") && !strings.HasPrefix(strings.ToLower(l), "http") {
				t.Errorf("link %q is not a web link", l)
			}
		}
	})
}

func TestNewerID(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"110", "109", true},
		{"109", "110", false},
		{"1000", "999", true},
		{"999", "1000", false},
		{"5", "5", false},
	}
	for _, tt := range tests {
		if got := newerID(tt.a, tt.b); got != tt.want {
			t.Errorf("newerID(%s, %s) = %v", tt.a, tt.b, got)
		}
	}
}

func FuzzStatusToMention(f *testing.F) {
	raw, err := os.ReadFile("testdata/status_reply.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(raw))
	f.Add(`{"id":"1","created_at":"2026-01-01T00:00:00+14:00","account":{"acct":"a@b","followers_count":-1},"content":"<p>x</p>","language":"zh-Hant-TW","spoiler_text":"cw","in_reply_to_id":"0"}`)
	v := ingesttest.Validator(f)
	s := &Source{cfg: Config{Name: "fuzz"}, host: "m.example", domain: "m.example"}
	f.Fuzz(func(t *testing.T, raw string) {
		st, err := decodeStatus([]byte(raw))
		if err != nil {
			return
		}
		// A status decodeStatus accepts must make a mention the schemas accept.
		env, err := s.mention(st, st.CreatedAt)
		if err != nil {
			t.Fatalf("mention: %v", err)
		}
		enc, err := env.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if err := v.Validate(enc); err != nil {
			t.Fatalf("mention of %s is invalid: %v", raw, err)
		}
	})
}
