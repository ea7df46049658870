package rss

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
)

// idPrefix starts every event id of this collector: "rss:<native id>".
const idPrefix = "rss"

// Field limits of the mention schema.
const (
	maxNativeID = 256
	maxURL      = 4096
	maxText     = 100000
	maxAuthor   = 256
	maxLang     = 16
)

var errNoID = errors.New("item has neither a guid nor a link")

// mention maps one feed item.
func (s *Source) mention(feed *gofeed.Feed, it *gofeed.Item, now time.Time) (event.Mention, error) {
	link := resolve(feed, s.cfg.URL, it.Link)
	site := host(link)
	if site == "" {
		site = host(s.cfg.URL)
	}
	id, err := nativeID(it.GUID, link, site)
	if err != nil {
		return event.Mention{}, err
	}
	m := event.Mention{
		Network:   s.cfg.Network,
		NativeID:  id,
		Kind:      s.cfg.Kind,
		Author:    author(feed, it, site),
		Title:     ingest.Truncate(ingest.PlainText(it.Title), maxText),
		Text:      ingest.Truncate(ingest.PlainText(body(it)), maxText),
		Site:      ingest.Truncate(site, maxAuthor),
		CreatedAt: now.UTC(),
	}
	if len(link) <= maxURL {
		m.URL = link
	}
	if m.Text == "" {
		// A headline-only item (many news and alert feeds) still says
		// what the mention is about: the enricher reads the text.
		m.Text = m.Title
	}
	if lang := strings.ToLower(strings.TrimSpace(feed.Language)); len(lang) <= maxLang {
		m.Lang = lang
	}
	// A feed that dates items in the future (a time-zone slip, a
	// scheduled post) would otherwise hold the newest time, and with it
	// what counts as news, hostage.
	if t := itemTime(it); t != nil && !t.After(now) {
		m.CreatedAt = t.UTC()
	}
	return m, nil
}

// nativeID is the item's GUID (Atom id), else its link. A GUID that is not
// a URI ("123", "t3_abc") is only unique within its site, so it is
// qualified with the site; one too long or unprintable for an event id is
// hashed.
func nativeID(guid, link, site string) (string, error) {
	id := strings.TrimSpace(guid)
	if id == "" {
		id = strings.TrimSpace(link)
	}
	if id == "" {
		return "", errNoID
	}
	if !strings.Contains(id, ":") && site != "" {
		id = site + "/" + id
	}
	if len(id) > maxNativeID || !ingest.Printable(id) {
		sum := sha256.Sum256([]byte(id))
		id = "sha256:" + hex.EncodeToString(sum[:])
	}
	return id, nil
}

// resolve makes a relative item link absolute against the feed's own link,
// else the feed URL, and unwraps Google Alerts redirects, whose links
// point at google.com with the article in the url parameter.
func resolve(feed *gofeed.Feed, feedURL, link string) string {
	link = strings.TrimSpace(link)
	if link == "" {
		return ""
	}
	u, err := url.Parse(link)
	if err != nil {
		return link
	}
	if !u.IsAbs() {
		base, err := url.Parse(feed.Link)
		if err != nil || !base.IsAbs() {
			base, err = url.Parse(feedURL)
		}
		if err == nil {
			u = base.ResolveReference(u)
		}
	}
	if h := u.Hostname(); (h == "google.com" || strings.HasSuffix(h, ".google.com")) && u.Path == "/url" {
		if target, err := url.Parse(u.Query().Get("url")); err == nil && target.IsAbs() && target.Host != "" {
			u = target
		}
	}
	return u.String()
}

func host(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// author is the item's first named author, else the feed's, else the site:
// the schema needs an author id, and for news the outlet is the voice.
func author(feed *gofeed.Feed, it *gofeed.Item, site string) event.Author {
	for _, p := range slices.Concat(it.Authors, []*gofeed.Person{it.Author}, feed.Authors, []*gofeed.Person{feed.Author}) {
		if p == nil {
			continue
		}
		name := ingest.Truncate(strings.TrimSpace(p.Name), maxAuthor)
		email := ingest.Truncate(strings.TrimSpace(p.Email), maxAuthor)
		switch {
		case name != "":
			return event.Author{ID: name, Name: name}
		case email != "":
			return event.Author{ID: email}
		}
	}
	if site == "" {
		site = "unknown"
	}
	return event.Author{ID: ingest.Truncate(site, maxAuthor), Name: ingest.Truncate(strings.TrimSpace(feed.Title), maxAuthor)}
}

// body is the item's fullest text: content, else description, else a
// YouTube entry's media:description.
func body(it *gofeed.Item) string {
	if strings.TrimSpace(it.Content) != "" {
		return it.Content
	}
	if strings.TrimSpace(it.Description) != "" {
		return it.Description
	}
	for _, g := range it.Extensions["media"]["group"] {
		for _, d := range g.Children["description"] {
			if d.Value != "" {
				return d.Value
			}
		}
	}
	return ""
}

func itemTime(it *gofeed.Item) *time.Time {
	if it.PublishedParsed != nil {
		return it.PublishedParsed
	}
	return it.UpdatedParsed
}

// clip cuts s to at most n characters.

// itemJSON is an item as gofeed parsed it: the raw XML of one item is
// not kept by the parser.
func itemJSON(it *gofeed.Item) []byte {
	raw, err := json.Marshal(it)
	if err != nil {
		return []byte(fmt.Sprintf("%+v", it))
	}
	return raw
}

// rejectItem dead-letters an item that cannot become a mention; the rest
// of the feed goes on.
func (s *Source) rejectItem(ctx context.Context, pub ingest.Publisher, title string, raw []byte, cause error) error {
	s.log.Warn("item rejected", "title", title, "err", cause)
	if err := pub.Reject(ctx, ingest.Rejected{Source: s.cfg.Name, Key: s.cfg.URL, Body: raw, Class: "invalid", Reason: cause.Error()}); err != nil {
		return fmt.Errorf("dead-letter item of %s: %w", s.cfg.URL, err)
	}
	return nil
}
