package mastodon

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/goccy/go-json"

	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/ingest/fetch"
)

// account is the part of Mastodon's Account entity earshot uses.
type account struct {
	ID             string `json:"id"`
	Username       string `json:"username"`
	Acct           string `json:"acct"` // user for local accounts, user@domain for remote ones
	DisplayName    string `json:"display_name"`
	URL            string `json:"url"`
	FollowersCount int64  `json:"followers_count"`
}

// status is the part of Mastodon's Status entity earshot uses.
type status struct {
	ID              string          `json:"id"`
	CreatedAt       time.Time       `json:"created_at"`
	InReplyToID     *string         `json:"in_reply_to_id"`
	Language        *string         `json:"language"`
	URI             string          `json:"uri"`
	URL             *string         `json:"url"`
	SpoilerText     string          `json:"spoiler_text"`
	Content         string          `json:"content"`
	Visibility      string          `json:"visibility"`
	RepliesCount    int64           `json:"replies_count"`
	ReblogsCount    int64           `json:"reblogs_count"`
	FavouritesCount int64           `json:"favourites_count"`
	Account         account         `json:"account"`
	Reblog          json.RawMessage `json:"reblog"`
	Card            *struct {
		URL string `json:"url"`
	} `json:"card"`
}

// searchResult is Mastodon's Search entity; only statuses are asked for.
type searchResult struct {
	Statuses []json.RawMessage `json:"statuses"`
}

// instanceInfo is the part of /api/v2/instance that names the streaming
// server, which large instances run on a host of its own.
type instanceInfo struct {
	Configuration struct {
		URLs struct {
			Streaming string `json:"streaming"`
		} `json:"urls"`
	} `json:"configuration"`
}

// pageLimit is the most statuses Mastodon returns per page.
const pageLimit = 40

// maxPages bounds one poll of one hashtag or query, so a very busy tag or
// a server that pages forever cannot keep a poll from ending.
const maxPages = 100

// errRejected marks a poll that stopped on a body already dead-lettered.
var errRejected = errors.New("malformed answer dead-lettered")

func (s *Source) header() http.Header {
	h := http.Header{}
	if s.cfg.AccessToken != "" {
		h.Set("Authorization", "Bearer "+s.cfg.AccessToken)
	}
	return h
}

func (s *Source) endpoint(path string, q url.Values) string {
	u := s.cfg.Instance + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// getJSON fetches u into v. A body that is not the documented JSON is
// dead-lettered here, so callers only decide whether to go on.
func (s *Source) getJSON(ctx context.Context, pub ingest.Publisher, u string, v any) (http.Header, error) {
	resp, err := s.api.GetJSON(ctx, u, s.header(), v)
	if err != nil {
		var m *fetch.MalformedError
		if errors.As(err, &m) {
			s.reject(ctx, pub, u, m.Body, "malformed", m.Err.Error())
			return nil, fmt.Errorf("%s: %w", u, errRejected)
		}
		return nil, err
	}
	return resp.Header, nil
}

// statuses decodes a page item by item: one status the collector cannot
// use is dead-lettered on its own instead of losing the page. ids has the
// id of every item that has one, usable or not, so paging and cursors move
// past unusable items instead of fetching them again and again.
func (s *Source) statuses(ctx context.Context, pub ingest.Publisher, u string, raws []json.RawMessage) (out []status, ids []string) {
	out = make([]status, 0, len(raws))
	for i, raw := range raws {
		st, err := decodeStatus(raw)
		if st.ID != "" {
			ids = append(ids, st.ID)
		}
		if err != nil {
			s.reject(ctx, pub, u+"#"+strconv.Itoa(i), raw, "invalid", err.Error())
			continue
		}
		out = append(out, st)
	}
	return out, ids
}

// decodeStatus decodes one status and checks it has what a mention needs.
// A status that fails still comes back with its id when it had one.
func decodeStatus(raw []byte) (status, error) {
	var st status
	if err := json.Unmarshal(raw, &st); err != nil {
		return st, err
	}
	switch {
	case st.ID == "":
		return st, errors.New("status without id")
	case st.CreatedAt.IsZero():
		return st, errors.New("status without created_at")
	case st.CreatedAt.UTC().Year() < 1 || st.CreatedAt.UTC().Year() > 9999:
		return st, errors.New("status created_at out of range")
	case st.Account.Acct == "":
		return st, errors.New("status without account.acct")
	case len(st.ID) > 64 || len(st.Account.Acct) > 200:
		return st, errors.New("status id or account acct too long for an event id")
	}
	return st, nil
}

func (s *Source) reject(ctx context.Context, pub ingest.Publisher, key string, body []byte, class, reason string) {
	s.log.Warn("unusable answer dead-lettered", "key", key, "class", class, "reason", reason)
	if err := pub.Reject(ctx, ingest.Rejected{Source: s.cfg.Name, Key: key, Body: body, Class: class, Reason: reason}); err != nil {
		s.log.Error("dead-lettering failed", "key", key, "err", err)
	}
}

// newerID orders Mastodon ids, which are decimal strings of 64-bit
// snowflakes ("cast from an integer, but not guaranteed to be a number"):
// longer is newer, and equal lengths compare as text.
func newerID(a, b string) bool {
	if len(a) != len(b) {
		return len(a) > len(b)
	}
	return a > b
}

func maxID(ids []string) string {
	var m string
	for _, id := range ids {
		if m == "" || newerID(id, m) {
			m = id
		}
	}
	return m
}

func minID(ids []string) string {
	var m string
	for _, id := range ids {
		if m == "" || newerID(m, id) {
			m = id
		}
	}
	return m
}

// follow returns the page a Link rel points to, or fallback when there is
// none. A link to another origin is not followed: the request would carry
// the access token to a host the user never configured.
func (s *Source) follow(h http.Header, rel, fallback string) string {
	target, ok := parseLink(h.Get("Link"))[rel]
	if !ok {
		return fallback
	}
	base, err := url.Parse(s.cfg.Instance)
	if err != nil {
		return fallback
	}
	u, err := base.Parse(target)
	if err != nil || u.Scheme != base.Scheme || u.Host != base.Host {
		return fallback
	}
	return u.String()
}
