package reddit

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/goccy/go-json"

	"github.com/earshot-dev/earshot/event"
)

// listing is Reddit's paged collection: {"kind":"Listing","data":{...}}.
type listing struct {
	Kind string `json:"kind"`
	Data struct {
		After    string  `json:"after"`
		Before   string  `json:"before"`
		Children []thing `json:"children"`
	} `json:"data"`
}

// thing is one listing child; kind t3 is a link (post), t1 a comment and
// "more" a stub for comments the answer left out.
type thing struct {
	Kind string `json:"kind"`
	Data item   `json:"data"`
}

// item holds the fields of links and comments earshot uses.
type item struct {
	ID                    string  `json:"id"`
	Name                  string  `json:"name"` // fullname: kind + "_" + id
	Title                 string  `json:"title"`
	Selftext              string  `json:"selftext"`
	Body                  string  `json:"body"`
	Author                string  `json:"author"`
	AuthorFullname        string  `json:"author_fullname"`
	Subreddit             string  `json:"subreddit"`
	SubredditNamePrefixed string  `json:"subreddit_name_prefixed"`
	Permalink             string  `json:"permalink"`
	CreatedUTC            float64 `json:"created_utc"`
	Score                 float64 `json:"score"`
	NumComments           float64 `json:"num_comments"`
	ParentID              string  `json:"parent_id"`
	LinkID                string  `json:"link_id"`
	Replies               replies `json:"replies"`
}

// replies is a comment's answers: a listing, or "" when there are none.
type replies struct{ listing *listing }

// UnmarshalJSON accepts both shapes Reddit sends.
func (r *replies) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] == '"' || bytes.Equal(b, []byte("null")) {
		r.listing = nil
		return nil
	}
	var l listing
	if err := json.Unmarshal(b, &l); err != nil {
		return fmt.Errorf("comment replies: %w", err)
	}
	r.listing = &l
	return nil
}

// created is when the item was posted.
func (it item) created() time.Time {
	sec, frac := math.Modf(it.CreatedUTC)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC()
}

// count turns a platform number into a schema count: scores can be
// negative and a count cannot.
func count(f float64) uint64 {
	if f <= 0 || math.IsNaN(f) {
		return 0
	}
	if f >= math.MaxUint64 {
		return math.MaxUint64
	}
	return uint64(f)
}

func (it item) author() event.Author {
	a := event.Author{ID: it.AuthorFullname, Handle: it.Author}
	// Deleted accounts keep no fullname; the handle ("[deleted]") is the
	// only name left.
	if a.ID == "" {
		a.ID = it.Author
	}
	if a.ID == "" {
		a.ID = "unknown"
	}
	return a
}

func permalink(p string) string {
	if p == "" {
		return ""
	}
	return "https://www.reddit.com" + p
}

// problem names what makes an item unusable, or "" if nothing does.
func (it item) problem(kind string) string {
	switch {
	case it.Name == "" || !strings.HasPrefix(it.Name, kind+"_"):
		return fmt.Sprintf("%s without a %s_ fullname", kind, kind)
	case it.CreatedUTC <= 0:
		return fmt.Sprintf("%s %s without created_utc", kind, it.Name)
	}
	return ""
}

// postMention maps a link: the title leads the text so a query matches
// either; the title field keeps it apart for display.
func (it item) postMention() event.Mention {
	text := it.Title
	if s := strings.TrimSpace(it.Selftext); s != "" {
		text += "\n\n" + s
	}
	return event.Mention{
		Network:   network,
		NativeID:  it.Name,
		Kind:      event.KindPost,
		URL:       permalink(it.Permalink),
		Author:    it.author(),
		Title:     it.Title,
		Text:      text,
		Site:      it.SubredditNamePrefixed,
		Likes:     count(it.Score),
		Comments:  count(it.NumComments),
		CreatedAt: it.created(),
	}
}

func (it item) commentMention(post item) event.Mention {
	site := it.SubredditNamePrefixed
	if site == "" && it.Subreddit != "" {
		site = "r/" + it.Subreddit
	}
	return event.Mention{
		Network:   network,
		NativeID:  it.Name,
		Kind:      event.KindComment,
		URL:       permalink(it.Permalink),
		Author:    it.author(),
		Title:     post.Title,
		Text:      it.Body,
		Site:      site,
		ParentID:  it.ParentID,
		Likes:     count(it.Score),
		CreatedAt: it.created(),
	}
}

// flatten walks a comment tree depth first, skipping "more" stubs: their
// comments would cost one more request each, and the next poll of a busy
// thread sees the newest comments at the top anyway.
func flatten(children []thing, out []item) []item {
	for _, c := range children {
		if c.Kind != "t1" {
			continue
		}
		out = append(out, c.Data)
		if r := c.Data.Replies.listing; r != nil {
			out = flatten(r.Data.Children, out)
		}
	}
	return out
}
