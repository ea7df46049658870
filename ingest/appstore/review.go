package appstore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
)

// The customer-reviews feed is Atom rendered as JSON: every value is a
// string under "label", attributes under "attributes".
type label struct {
	Label string `json:"label"`
}

// page is one page of the feed. Feed is a pointer so that a body without
// it (an error document, an HTML page Apple sent with 200) is told apart
// from a feed with no reviews.
type page struct {
	Feed *struct {
		Entry entries `json:"entry"`
	} `json:"feed"`
}

// entries is feed.entry, which the feed renders as an object when it
// holds one entry, an array when several and leaves out when none. Each
// is kept raw so that one unusable entry can be dead-lettered as it came.
type entries []json.RawMessage

func (e *entries) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*e = nil
	case len(b) > 0 && b[0] == '[':
		var list []json.RawMessage
		if err := json.Unmarshal(b, &list); err != nil {
			return fmt.Errorf("feed.entry: %w", err)
		}
		*e = list
	case len(b) > 0 && b[0] == '{':
		*e = entries{append(json.RawMessage(nil), b...)}
	default:
		return fmt.Errorf("feed.entry is neither an object nor an array")
	}
	return nil
}

// entry is one review. Older feeds start with an entry describing the app
// itself, which has no rating.
type entry struct {
	ID      label  `json:"id"`
	Title   label  `json:"title"`
	Content label  `json:"content"`
	Rating  *label `json:"im:rating"`
	Version label  `json:"im:version"`
	VoteSum label  `json:"im:voteSum"`
	Updated label  `json:"updated"`
	Author  struct {
		Name label `json:"name"`
		URI  label `json:"uri"`
	} `json:"author"`
}

func (e entry) isReview() bool { return e.Rating != nil }

// Field limits of the mention schema.
const (
	maxID   = 256
	maxText = 100000
)

var reviewerID = regexp.MustCompile(`/id([0-9]+)$`)

// mention maps one review; at is when it was written (last edited), zero
// when the feed did not say.
func (s *Source) mention(e entry, cc string, now time.Time) (m event.Mention, at time.Time, err error) {
	id := strings.TrimSpace(e.ID.Label)
	if id == "" || len(id) > maxID || !ingest.Printable(id) {
		return m, at, fmt.Errorf("review id %q unusable", id)
	}
	rating, err := strconv.ParseFloat(strings.TrimSpace(e.Rating.Label), 64)
	if err != nil || rating < 0 || rating > 10 {
		return m, at, fmt.Errorf("review %s: rating %q is not a number of stars", id, e.Rating.Label)
	}
	if u := strings.TrimSpace(e.Updated.Label); u != "" {
		if at, err = time.Parse(time.RFC3339, u); err != nil {
			return m, at, fmt.Errorf("review %s: updated: %w", id, err)
		}
	}
	title := strings.TrimSpace(e.Title.Label)
	// The schema has no version field; the version a review is about is
	// what a product team filters on, so it rides in the title.
	if v := strings.TrimSpace(e.Version.Label); v != "" {
		title = strings.TrimSpace(title + " (v" + v + ")")
	}
	m = event.Mention{
		Network:   "appstore",
		NativeID:  id,
		Kind:      event.KindReview,
		URL:       fmt.Sprintf("https://apps.apple.com/%s/app/id%s?see-all=reviews", cc, s.cfg.AppID),
		Author:    reviewer(e),
		Title:     ingest.Truncate(title, maxText),
		Text:      ingest.Truncate(strings.TrimSpace(e.Content.Label), maxText),
		Country:   cc,
		Site:      "apps.apple.com",
		Rating:    &rating,
		CreatedAt: now.UTC(),
	}
	if votes, err := strconv.ParseInt(strings.TrimSpace(e.VoteSum.Label), 10, 64); err == nil && votes > 0 {
		m.Likes = uint64(votes) // readers who found the review helpful
	}
	if !at.IsZero() {
		m.CreatedAt = at.UTC()
	}
	return m, at, nil
}

// reviewer is the reviewer's stable id (from their profile URI) and
// nickname; nicknames are neither unique nor stable.
func reviewer(e entry) event.Author {
	name := ingest.Truncate(strings.TrimSpace(e.Author.Name.Label), 256)
	a := event.Author{ID: name, Handle: name, Name: name}
	if m := reviewerID.FindStringSubmatch(strings.TrimSpace(e.Author.URI.Label)); m != nil {
		a.ID = m[1]
	}
	if a.ID == "" {
		a.ID = "anonymous"
	}
	return a
}

var errNotJSON = errors.New("not an App Store customer-reviews feed")

// decodePage decodes a page; an error means the body is not the feed.
func decodePage(body []byte) (entries, error) {
	var p page
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("%w: %w", errNotJSON, err)
	}
	if p.Feed == nil {
		return nil, fmt.Errorf("%w: no feed object", errNotJSON)
	}
	return p.Feed.Entry, nil
}
