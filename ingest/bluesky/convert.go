package bluesky

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/goccy/go-json"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
)

// Network is the network name on every event this collector makes, and
// the prefix of its event ids.
const Network = "bluesky"

// maxText is the event schema's limit on a mention's text, and maxID on
// its native and author ids, in characters.
const (
	maxText = 100000
	maxID   = 256
)

// profileBasic is app.bsky.actor.defs#profileViewBasic, as posts carry it.
type profileBasic struct {
	DID         string `json:"did"`
	Handle      string `json:"handle"`
	DisplayName string `json:"displayName"`
}

// profileDetailed is app.bsky.actor.defs#profileViewDetailed.
type profileDetailed struct {
	profileBasic
	FollowersCount int64 `json:"followersCount"`
}

// postView is app.bsky.feed.defs#postView.
type postView struct {
	URI         string          `json:"uri"`
	CID         string          `json:"cid"`
	Author      profileBasic    `json:"author"`
	Record      json.RawMessage `json:"record"`
	Embed       json.RawMessage `json:"embed"`
	ReplyCount  int64           `json:"replyCount"`
	RepostCount int64           `json:"repostCount"`
	LikeCount   int64           `json:"likeCount"`
	QuoteCount  int64           `json:"quoteCount"`
	IndexedAt   string          `json:"indexedAt"`
}

// postRecord is the app.bsky.feed.post record a postView carries.
type postRecord struct {
	Text      string   `json:"text"`
	CreatedAt string   `json:"createdAt"`
	Langs     []string `json:"langs"`
	Reply     *struct {
		Parent struct {
			URI string `json:"uri"`
		} `json:"parent"`
	} `json:"reply"`
	Facets []struct {
		Index struct {
			ByteStart int `json:"byteStart"`
		} `json:"index"`
		Features []struct {
			Type string `json:"$type"`
			URI  string `json:"uri"`
		} `json:"features"`
	} `json:"facets"`
	Embed *embed `json:"embed"`
}

// embed is the part of a record's embed that can hold a link card: an
// app.bsky.embed.external, or one inside recordWithMedia's media.
type embed struct {
	External *struct {
		URI string `json:"uri"`
	} `json:"external"`
	Media *embed `json:"media"`
}

// post is a postView with its record decoded and its times parsed.
type post struct {
	view    postView
	rec     postRecord
	created time.Time
	// sortAt is when the post counts as posted for search ordering and
	// the since/until filters: the earlier of createdAt and indexedAt, so
	// a post dated in the future does not jump the queue.
	sortAt time.Time
}

func decodePost(raw []byte) (post, error) {
	var p post
	if err := json.Unmarshal(raw, &p.view); err != nil {
		return p, err
	}
	if p.view.URI == "" || p.view.Author.DID == "" {
		return p, errors.New("post without uri or author did")
	}
	if utf8.RuneCountInString(p.view.URI) > maxID || utf8.RuneCountInString(p.view.Author.DID) > maxID {
		return p, errors.New("post uri or author did longer than an event id may be")
	}
	if err := json.Unmarshal(p.view.Record, &p.rec); err != nil {
		return p, errors.New("post record is not an app.bsky.feed.post")
	}
	indexed, ierr := parseTime(p.view.IndexedAt)
	created, cerr := parseTime(p.rec.CreatedAt)
	switch {
	case cerr == nil && ierr == nil:
		p.created, p.sortAt = created, created
		if indexed.Before(created) {
			p.sortAt = indexed
		}
	case cerr == nil:
		p.created, p.sortAt = created, created
	case ierr == nil:
		p.created, p.sortAt = indexed, indexed
	default:
		return p, errors.New("post without a valid createdAt or indexedAt")
	}
	return p, nil
}

// parseTime reads an atproto datetime: RFC 3339 with a time zone, fraction
// of a second optional. Years that would not survive JSON in UTC are
// refused with the rest.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, err
	}
	t = t.UTC()
	if t.Year() < 1 || t.Year() > 9999 {
		return time.Time{}, errors.New("datetime out of range")
	}
	return t, nil
}

func (r *run) mention(p post, followers uint64, collected time.Time) (event.Envelope, error) {
	m := event.Mention{
		Network:   Network,
		NativeID:  p.view.URI,
		Kind:      event.KindPost,
		URL:       postURL(p.view.Author, p.view.URI),
		Author:    author(p.view.Author, followers),
		Text:      ingest.Truncate(p.rec.Text, maxText),
		Likes:     count(p.view.LikeCount),
		Shares:    count(p.view.RepostCount) + count(p.view.QuoteCount),
		Comments:  count(p.view.ReplyCount),
		CreatedAt: p.created,
	}
	if len(p.rec.Langs) > 0 {
		m.Lang = ingest.PrimaryLang(p.rec.Langs[0])
	}
	if p.rec.Reply != nil {
		m.Kind = event.KindReply
		m.ParentID = ingest.Truncate(p.rec.Reply.Parent.URI, 256)
	}
	return event.Wrap(event.SchemaMention, event.ID(Network, p.view.URI), r.cfg.Name, collected, m)
}

func (r *run) postMetrics(p post, account string, observed time.Time) (event.Envelope, error) {
	campaign := r.cfg.Campaign
	if campaign == "" {
		campaign = ingest.CampaignFromURL(firstLink(p))
	}
	pm := event.PostMetrics{
		Network:     Network,
		Account:     account,
		PostID:      p.view.URI,
		URL:         postURL(p.view.Author, p.view.URI),
		Campaign:    campaign,
		PublishedAt: p.created,
		ObservedAt:  observed.UTC(),
		Likes:       count(p.view.LikeCount),
		// A quote is a repost with a comment: both spread the post.
		Shares:   count(p.view.RepostCount) + count(p.view.QuoteCount),
		Comments: count(p.view.ReplyCount),
	}
	// One event per observation: later ones replace earlier ones in the
	// store, which keeps the newest observed_at per post.
	id := event.ID(Network, p.view.URI+"@"+stamp(observed))
	return event.Wrap(event.SchemaPostMetrics, id, r.cfg.Name, observed, pm)
}

func (r *run) audience(p profileDetailed, observed time.Time) (event.Envelope, error) {
	as := event.AudienceSnapshot{
		Network:    Network,
		Account:    accountName(p.profileBasic),
		Followers:  count(p.FollowersCount),
		ObservedAt: observed.UTC(),
	}
	id := event.ID(Network, p.DID+"/followers@"+stamp(observed))
	return event.Wrap(event.SchemaAudience, id, r.cfg.Name, observed, as)
}

func author(a profileBasic, followers uint64) event.Author {
	return event.Author{
		ID:        a.DID,
		Handle:    ingest.Truncate(a.Handle, 256),
		Name:      ingest.Truncate(a.DisplayName, 512),
		Followers: followers,
	}
}

// accountName is how an own account is labelled: its handle, or its DID
// when the handle does not resolve (the AppView then says handle.invalid).
func accountName(a profileBasic) string {
	if a.Handle == "" || a.Handle == "handle.invalid" {
		return a.DID
	}
	return a.Handle
}

// postURL is the post's page on bsky.app, from the record key that ends
// its at:// URI (at://did/app.bsky.feed.post/rkey).
func postURL(a profileBasic, uri string) string {
	rest, ok := strings.CutPrefix(uri, "at://")
	if !ok {
		return ""
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 || parts[1] != "app.bsky.feed.post" || parts[2] == "" {
		return ""
	}
	who := accountName(a)
	if who == "" {
		who = parts[0]
	}
	return "https://bsky.app/profile/" + url.PathEscape(who) + "/post/" + url.PathEscape(parts[2])
}

// firstLink is a post's first link: links live in facets (byte ranges of
// the text), so the first is the one that starts earliest; a post with no
// link in its text may carry one as a link card.
func firstLink(p post) string {
	type at struct {
		start int
		uri   string
	}
	var links []at
	for _, f := range p.rec.Facets {
		for _, feat := range f.Features {
			if feat.Type == "app.bsky.richtext.facet#link" && feat.URI != "" {
				links = append(links, at{f.Index.ByteStart, feat.URI})
			}
		}
	}
	if len(links) > 0 {
		slices.SortStableFunc(links, func(a, b at) int { return a.start - b.start })
		return links[0].uri
	}
	for e := p.rec.Embed; e != nil; e = e.Media {
		if e.External != nil && e.External.URI != "" {
			return e.External.URI
		}
	}
	return ""
}

func stamp(t time.Time) string { return t.UTC().Format("20060102T150405.000") }

func count(n int64) uint64 { return uint64(max(n, 0)) }
