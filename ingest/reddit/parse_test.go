package reddit

import (
	"os"
	"testing"
	"time"

	"github.com/goccy/go-json"

	"github.com/earshot-dev/earshot/event"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The fixtures carry the full field set Reddit documents and sends.
func TestParseDocumentedShapes(t *testing.T) {
	var l listing
	if err := json.Unmarshal(readFixture(t, "search.json"), &l); err != nil {
		t.Fatal(err)
	}
	if l.Data.After != "t3_1h2k9zb" || len(l.Data.Children) != 2 {
		t.Fatalf("listing = %+v", l.Data)
	}
	tests := []struct {
		name string
		got  event.Mention
		want event.Mention
	}{
		{"self post", l.Data.Children[0].Data.postMention(), event.Mention{
			Network: "reddit", NativeID: "t3_1h2kb7q", Kind: "post",
			URL:    "https://www.reddit.com/r/BuyItForLife/comments/1h2kb7q/acme_anvil_five_years_later/",
			Author: event.Author{ID: "t2_8x1qpa", Handle: "wile_e"},
			Title:  "Acme anvil, five years later",
			Text:   "Acme anvil, five years later\n\nBought the Acme anvil in 2019 & it still looks new. <3\n\nAnyone else?",
			Site:   "r/BuyItForLife", Likes: 412, Comments: 37, CreatedAt: time.Unix(1732871103, 0).UTC(),
		}},
		{"link post by a deleted account with a negative score", l.Data.Children[1].Data.postMention(), event.Mention{
			Network: "reddit", NativeID: "t3_1h2k9zb", Kind: "post",
			URL:    "https://www.reddit.com/r/gadgets/comments/1h2k9zb/acme_recalls_rocket_skates/",
			Author: event.Author{ID: "[deleted]", Handle: "[deleted]"},
			Title:  "Acme recalls rocket skates", Text: "Acme recalls rocket skates",
			Site: "r/gadgets", CreatedAt: time.Unix(1732870001, 0).UTC(),
		}},
	}

	var page commentPage
	if err := json.Unmarshal(readFixture(t, "comments.json"), &page); err != nil {
		t.Fatal(err)
	}
	post := page.post.Data.Children[0].Data
	cs := flatten(page.comments.Data.Children, nil)
	if len(cs) != 2 {
		t.Fatalf("flattened %d comments, want 2 (the \"more\" stubs skipped)", len(cs))
	}
	tests = append(tests,
		struct {
			name string
			got  event.Mention
			want event.Mention
		}{"top-level comment", cs[0].commentMention(post), event.Mention{
			Network: "reddit", NativeID: "t1_lzb1x9k", Kind: "comment",
			URL:    "https://www.reddit.com/r/BuyItForLife/comments/1h2kb7q/acme_anvil_five_years_later/lzb1x9k/",
			Author: event.Author{ID: "t2_4k2j", Handle: "coyote_fan"}, Title: "Acme anvil, five years later",
			Text: "Same here &amp; no rust at all.", Site: "r/BuyItForLife", ParentID: "t3_1h2kb7q",
			Likes: 21, CreatedAt: time.Unix(1732872000, 0).UTC(),
		}},
		struct {
			name string
			got  event.Mention
			want event.Mention
		}{"reply", cs[1].commentMention(post), event.Mention{
			Network: "reddit", NativeID: "t1_lzb2c01", Kind: "comment",
			URL:    "https://www.reddit.com/r/BuyItForLife/comments/1h2kb7q/acme_anvil_five_years_later/lzb2c01/",
			Author: event.Author{ID: "t2_1mep", Handle: "roadrunner"}, Title: "Acme anvil, five years later",
			Text: "Mine cracked. Acme support never answered.", Site: "r/BuyItForLife", ParentID: "t1_lzb1x9k",
			Likes: 3, CreatedAt: time.Unix(1732873300, 0).UTC(),
		}},
	)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got  %+v\nwant %+v", tt.got, tt.want)
			}
		})
	}
}

func TestMark(t *testing.T) {
	var m mark
	steps := []struct {
		at    float64
		id    string
		fresh bool
	}{
		{100, "a", true},
		{100, "b", true}, // same second, other item
		{100, "a", false},
		{99, "z", false},
		{101, "c", true},
		{100, "b", false},
	}
	for i, s := range steps {
		if got := m.fresh(s.at, s.id); got != s.fresh {
			t.Errorf("step %d: fresh(%v, %s) = %v, want %v (mark %+v)", i, s.at, s.id, got, s.fresh, m)
		}
		m.advance(s.at, s.id)
	}
}

func TestPrune(t *testing.T) {
	c := cursor{Threads: map[string]thread{"t3_a": {Created: 10}, "t3_b": {Created: 20}, "t3_c": {Created: 30}, "t3_d": {Created: 5}}}
	c.prune(8, 2)
	if len(c.Threads) != 2 || c.Threads["t3_b"].Created != 20 || c.Threads["t3_c"].Created != 30 {
		t.Errorf("threads = %v, want the two newest within the window", c.Threads)
	}
}

// FuzzCommentPage feeds the hand-written decoding of comment pages
// (replies as "" or a listing, the two-listing array) arbitrary bytes.
func FuzzCommentPage(f *testing.F) {
	f.Add(readFixture(f, "comments.json"))
	f.Add([]byte(`[{"kind":"Listing","data":{}},{"kind":"Listing","data":{"children":[{"kind":"t1","data":{"replies":""}}]}}]`))
	f.Add([]byte(`[{},{"data":{"children":[{"kind":"t1","data":{"replies":{"data":{"children":[{"kind":"t1","data":{"replies":null}}]}}}}]}}]`))
	f.Add([]byte(`[1,2]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var p commentPage
		if err := json.Unmarshal(b, &p); err != nil {
			return
		}
		for _, c := range flatten(p.comments.Data.Children, nil) {
			_ = c.problem("t1")
			_ = c.commentMention(item{})
		}
	})
}
