// Package rss collects the items of RSS, Atom and JSON feeds as mentions.
// It polls each feed with a conditional GET (ETag / Last-Modified), so an
// unchanged feed costs one 304, and remembers the items it has published
// so a feed that did change republishes only its new items.
package rss

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/ingest/fetch"
)

// Source polls one feed.
type Source struct {
	cfg    Config
	deps   ingest.Deps
	client *fetch.Client
	log    *slog.Logger
	key    string // checkpoint key
}

// New returns the collector of one feed.
func New(c Config, deps ingest.Deps) (ingest.Source, error) {
	// Validate also holds interval and budget to policy, which tests and
	// one-off runs may bend.
	if err := ingest.ConfigError("rss", c.Name, c.Validate(), "interval", "requests_per_minute"); err != nil {
		return nil, err
	}
	c = c.withDefaults()
	if deps.Checkpoints == nil {
		return nil, fmt.Errorf("rss source %q: no checkpoint store", c.Name)
	}
	deps = deps.WithDefaults()
	log := deps.Log.With("source", c.Name, "feed", c.URL)
	return &Source{cfg: c, deps: deps, client: fetch.New(c.Name, deps.FetchOptions(c.RequestsPerMinute, log)), log: log, key: c.Name + "/" + c.URL}, nil
}

// Name implements ingest.Source.
func (s *Source) Name() string { return s.cfg.Name }

// Run implements ingest.Source: it polls now and then every interval until
// ctx ends. A failed poll is logged and counted, and the next one retries.
func (s *Source) Run(ctx context.Context, pub ingest.Publisher) error {
	return ingest.PollEvery(ctx, s.cfg.Interval, func(ctx context.Context) {
		if err := s.poll(ctx, pub); err != nil && ctx.Err() == nil {
			s.deps.Metrics.SourceError(s.cfg.Name)
			s.log.Error("poll failed", "err", err)
		}
	})
}

// poll fetches the feed once and publishes its new items.
func (s *Source) poll(ctx context.Context, pub ingest.Publisher) error {
	cur, ok, err := ingest.LoadCursor[cursor](ctx, s.deps.Checkpoints, s.log, s.key)
	if err != nil {
		return err
	}
	fresh := !ok
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.cfg.URL, nil)
	if err != nil {
		return fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")
	if cur.ETag != "" {
		req.Header.Set("If-None-Match", cur.ETag)
	}
	if cur.LastModified != "" {
		req.Header.Set("If-Modified-Since", cur.LastModified)
	}
	resp, err := s.client.Do(req)
	var se *fetch.StatusError
	if errors.As(err, &se) && se.Code == http.StatusNotModified {
		s.deps.Metrics.SourceOK(s.cfg.Name, s.deps.Now())
		return nil
	}
	if err != nil {
		return err
	}
	body, err := s.client.ReadBody(resp)
	resp.Body.Close()
	if err != nil {
		var mal *fetch.MalformedError
		if errors.As(err, &mal) {
			return s.reject(ctx, pub, mal.Body, "malformed", err)
		}
		return err
	}
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		return s.reject(ctx, pub, body, "malformed", fmt.Errorf("parse feed: %w", err))
	}

	now := s.deps.Now()
	envs, next, err := s.fresh(ctx, pub, feed, cur, fresh, now)
	if err != nil {
		return err
	}
	next.ETag = resp.Header.Get("ETag")
	next.LastModified = resp.Header.Get("Last-Modified")
	if len(envs) > 0 {
		if err := pub.Publish(ctx, envs...); err != nil {
			return fmt.Errorf("publish %d items: %w", len(envs), err)
		}
	}
	if fresh || !next.same(cur) {
		if err := ingest.SaveCursor(ctx, s.deps.Checkpoints, s.key, next); err != nil {
			return err
		}
	}
	s.deps.Metrics.SourceOK(s.cfg.Name, now)
	s.log.Debug("polled", "items", len(feed.Items), "new", len(envs))
	return nil
}

// fresh turns the feed's items not published before into envelopes and
// returns the cursor to save once they are published.
func (s *Source) fresh(ctx context.Context, pub ingest.Publisher, feed *gofeed.Feed, cur cursor, first bool, now time.Time) ([]event.Envelope, cursor, error) {
	known := cur.seenSet()
	horizon := cur.Newest.Add(-resurfaceHorizon)
	next := cursor{Newest: cur.Newest}
	var envs []event.Envelope
	batch := map[string]bool{}
	for _, it := range feed.Items {
		m, err := s.mention(feed, it, now)
		if err != nil {
			// Remembered like an item, so a feed that keeps it is not
			// dead-lettered again at every poll.
			raw := itemJSON(it)
			if h := seenHash(string(raw)); !batch[h] {
				batch[h] = true
				next.Seen = append(next.Seen, h)
				if !known[h] {
					if err := s.rejectItem(ctx, pub, it.Title, raw, err); err != nil {
						return nil, cursor{}, err
					}
				}
			}
			continue
		}
		h := seenHash(m.NativeID)
		if batch[h] {
			continue
		}
		batch[h] = true
		next.Seen = append(next.Seen, h)
		dated := itemTime(it) != nil
		if dated && m.CreatedAt.After(next.Newest) {
			next.Newest = m.CreatedAt
		}
		// An item already published, or one older than anything we could
		// still remember that the feed brought back, is not news.
		if known[h] || (!first && dated && m.CreatedAt.Before(horizon)) {
			continue
		}
		env, err := event.Wrap(event.SchemaMention, event.ID(idPrefix, m.NativeID), s.cfg.Name, now, m)
		if err != nil {
			return nil, cursor{}, err
		}
		envs = append(envs, env)
	}
	next.remember(cur.Seen, batch)
	return envs, next, nil
}

func (s *Source) reject(ctx context.Context, pub ingest.Publisher, body []byte, class string, cause error) error {
	if err := pub.Reject(ctx, ingest.Rejected{Source: s.cfg.Name, Key: s.cfg.URL, Body: body, Class: class, Reason: cause.Error()}); err != nil {
		return fmt.Errorf("%w (and dead-lettering it failed: %v)", cause, err)
	}
	return cause
}
