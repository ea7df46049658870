package rss

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/schema"
)

var eventID = regexp.MustCompile(`^[a-z0-9_.-]+:.+$`)

func TestNativeID(t *testing.T) {
	long := "https://example.com/" + strings.Repeat("x", 300)
	tests := []struct{ guid, link, site, want string }{
		{"https://a.example/?p=1", "https://a.example/post", "a.example", "https://a.example/?p=1"},
		{"  42 ", "https://a.example/post", "a.example", "a.example/42"},
		{"", "https://a.example/post", "a.example", "https://a.example/post"},
		{"urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a", "", "", "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a"},
		{long, "", "", "sha256:"},
		{"line\nbreak:1", "", "", "sha256:"},
	}
	for _, tt := range tests {
		got, err := nativeID(tt.guid, tt.link, tt.site)
		if err != nil || !strings.HasPrefix(got, tt.want) || (!strings.HasSuffix(tt.want, ":") && got != tt.want) {
			t.Errorf("nativeID(%q, %q) = %q, %v; want %q", tt.guid, tt.link, got, err, tt.want)
		}
	}
	if _, err := nativeID(" ", "", "a.example"); err == nil {
		t.Error("an item without guid and link got an id")
	}
}

func FuzzNativeID(f *testing.F) {
	f.Add("https://a.example/?p=1", "", "a.example")
	f.Add("42", "https://a.example/p", "a.example")
	f.Add("", "", "")
	f.Add("\xff\xfe", "", "x")
	f.Fuzz(func(t *testing.T, guid, link, site string) {
		id, err := nativeID(guid, link, site)
		if err != nil {
			return
		}
		full := event.ID(idPrefix, id)
		if len(id) > maxNativeID || !utf8.ValidString(id) || !eventID.MatchString(full) {
			t.Errorf("nativeID(%q, %q, %q) = %q: not a valid id", guid, link, site, id)
		}
	})
}

// FuzzFeed feeds arbitrary documents through the parser and the mapping:
// whatever an item holds, its mention must pass the schema or be rejected.
func FuzzFeed(f *testing.F) {
	for _, name := range []string{"blog.rss.xml", "youtube.atom.xml", "alerts.atom.xml"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add(`{"version":"https://jsonfeed.org/version/1.1","title":"j","items":[{"id":"1","content_text":"hi","url":"/a"}]}`)
	v, err := event.NewValidator(schema.Events)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		feed, err := gofeed.NewParser().Parse(bytes.NewReader([]byte(doc)))
		if err != nil {
			return
		}
		src := &Source{cfg: Config{Name: "fuzz", URL: "https://feed.example/rss"}.withDefaults()}
		for _, it := range feed.Items {
			m, err := src.mention(feed, it, testNow)
			if err != nil {
				continue
			}
			env, err := event.Wrap(event.SchemaMention, event.ID(idPrefix, m.NativeID), "fuzz", testNow, m)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := env.Encode()
			if err := v.Validate(raw); err != nil {
				t.Errorf("item %+v: %v", it, err)
			}
		}
	})
}
