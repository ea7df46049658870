package hackernews

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
)

// result is one page of a search. Hits is a pointer so that a body
// without it (an error document) is told apart from an empty page; each
// hit is kept raw so that one unusable hit can be dead-lettered as it came.
type result struct {
	Hits        *[]json.RawMessage `json:"hits"`
	NbHits      int                `json:"nbHits"`
	Page        int                `json:"page"`
	NbPages     int                `json:"nbPages"`
	HitsPerPage int                `json:"hitsPerPage"`
}

// hit is a story or a comment. Fields a kind does not have are null.
type hit struct {
	ObjectID    string   `json:"objectID"`
	CreatedAt   string   `json:"created_at"`
	CreatedAtI  int64    `json:"created_at_i"`
	Author      string   `json:"author"`
	Title       *string  `json:"title"`
	StoryText   *string  `json:"story_text"`
	CommentText *string  `json:"comment_text"`
	Points      *int64   `json:"points"`
	NumComments *int64   `json:"num_comments"`
	ParentID    *int64   `json:"parent_id"`
	Tags        []string `json:"_tags"`
}

var errNotResult = errors.New("not an HN Search result")

// decodeResult decodes a page; an error means the body is not a result.
func decodeResult(body []byte) (result, error) {
	var r result
	if err := json.Unmarshal(body, &r); err != nil {
		return r, fmt.Errorf("%w: %w", errNotResult, err)
	}
	if r.Hits == nil {
		return r, fmt.Errorf("%w: no hits", errNotResult)
	}
	return r, nil
}

// Field limits of the mention schema.
const (
	maxText   = 100000
	maxAuthor = 256
)

var itemID = regexp.MustCompile(`^[0-9]{1,20}$`)

// mention maps a hit; at is its created_at_i.
func mention(h hit) (m event.Mention, at int64, err error) {
	if !itemID.MatchString(h.ObjectID) {
		return m, 0, fmt.Errorf("objectID %q is not an item id", h.ObjectID)
	}
	author := strings.TrimSpace(h.Author)
	if author == "" || utf8.RuneCountInString(author) > maxAuthor {
		return m, 0, fmt.Errorf("item %s: author %q unusable", h.ObjectID, h.Author)
	}
	at = h.CreatedAtI
	if at <= 0 {
		t, err := time.Parse(time.RFC3339, h.CreatedAt)
		if err != nil {
			return m, 0, fmt.Errorf("item %s: no creation time: %w", h.ObjectID, err)
		}
		at = t.Unix()
	}
	m = event.Mention{
		Network:   "hackernews",
		NativeID:  h.ObjectID,
		Kind:      event.KindPost,
		URL:       "https://news.ycombinator.com/item?id=" + h.ObjectID,
		Author:    event.Author{ID: author, Handle: author},
		Site:      "news.ycombinator.com",
		Likes:     count(h.Points),
		Comments:  count(h.NumComments),
		CreatedAt: time.Unix(at, 0).UTC(),
	}
	if slices.Contains(h.Tags, "comment") {
		m.Kind = event.KindComment
		m.Text = ingest.Truncate(ingest.PlainText(deref(h.CommentText)), maxText)
		if h.ParentID != nil {
			m.ParentID = strconv.FormatInt(*h.ParentID, 10)
		}
		return m, at, nil
	}
	m.Title = ingest.Truncate(ingest.PlainText(deref(h.Title)), maxText)
	// A link story's words are its title; an Ask or Show HN has a body.
	m.Text = ingest.Truncate(ingest.PlainText(deref(h.StoryText)), maxText)
	if m.Text == "" {
		m.Text = m.Title
	}
	return m, at, nil
}

func count(n *int64) uint64 {
	if n == nil || *n < 0 {
		return 0
	}
	return uint64(*n)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
