// Package appstore collects an app's App Store customer reviews from
// Apple's public customer-reviews feed, one storefront (country) at a
// time, newest first, reading back to the last review it published.
package appstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/ingest/fetch"
)

// Source polls one app's reviews in its configured countries.
type Source struct {
	cfg    Config
	deps   ingest.Deps
	client *fetch.Client
	log    *slog.Logger
}

// New returns the collector of one app's reviews.
func New(c Config, deps ingest.Deps) (ingest.Source, error) {
	// Validate also holds interval and budget to policy, which tests and
	// one-off runs may bend.
	if err := ingest.ConfigError("appstore", c.Name, c.Validate(), "interval", "requests_per_minute"); err != nil {
		return nil, err
	}
	c = c.withDefaults(deps.Backfill)
	if deps.Checkpoints == nil {
		return nil, fmt.Errorf("appstore source %q: no checkpoint store", c.Name)
	}
	deps = deps.WithDefaults()
	log := deps.Log.With("source", c.Name, "app_id", c.AppID)
	return &Source{cfg: c, deps: deps, client: fetch.New(c.Name, deps.FetchOptions(c.RequestsPerMinute, log)), log: log}, nil
}

// Name implements ingest.Source.
func (s *Source) Name() string { return s.cfg.Name }

// Run implements ingest.Source: it polls now and then every interval until
// ctx ends. A country whose poll fails is logged and counted, and the next
// poll retries it; the other countries go on.
func (s *Source) Run(ctx context.Context, pub ingest.Publisher) error {
	return ingest.PollEvery(ctx, s.cfg.Interval, func(ctx context.Context) { s.poll(ctx, pub) })
}

func (s *Source) poll(ctx context.Context, pub ingest.Publisher) {
	ingest.PollParts(ctx, s.deps, s.cfg.Name, "country", s.cfg.Countries, func(ctx context.Context, part string) error {
		return s.pollCountry(ctx, pub, part)
	})
}

// pollCountry reads pages newest first until it reaches a review it
// published before (or, on the first run, one older than the backfill),
// then publishes what it read and moves the checkpoint.
func (s *Source) pollCountry(ctx context.Context, pub ingest.Publisher, cc string) error {
	key := s.cfg.Name + "/" + s.cfg.AppID + "/" + cc
	cur, ok, err := ingest.LoadCursor[cursor](ctx, s.deps.Checkpoints, s.log, key)
	if err != nil {
		return err
	}
	fresh := !ok
	now := s.deps.Now()
	floor := now.Add(-s.cfg.Backfill)
	known := cur.known()
	var envs []event.Envelope
	var got []review
	batch := map[string]bool{}
pages:
	for n := 1; n <= s.cfg.MaxPages; n++ {
		url := fmt.Sprintf("%s/%s/rss/customerreviews/page=%d/id=%s/sortby=mostrecent/json", s.cfg.BaseURL, cc, n, s.cfg.AppID)
		var raw json.RawMessage
		if _, err := s.client.GetJSON(ctx, url, nil, &raw); err != nil {
			var mal *fetch.MalformedError
			if errors.As(err, &mal) {
				return s.reject(ctx, pub, url, mal.Body, "malformed", err)
			}
			return err
		}
		list, err := decodePage(raw)
		if err != nil {
			return s.reject(ctx, pub, url, raw, "malformed", fmt.Errorf("%s: %w", url, err))
		}
		if len(list) == 0 {
			break
		}
		for _, rawEntry := range list {
			var e entry
			if err := json.Unmarshal(rawEntry, &e); err != nil {
				if err := s.deadLetter(ctx, pub, url, rawEntry, "invalid", fmt.Errorf("entry: %w", err)); err != nil {
					return err
				}
				continue
			}
			if !e.isReview() {
				continue
			}
			id := strings.TrimSpace(e.ID.Label)
			if known[id] {
				break pages
			}
			m, at, err := s.mention(e, cc, now)
			if err != nil {
				if err := s.deadLetter(ctx, pub, url, rawEntry, "invalid", err); err != nil {
					return err
				}
				// Remembered like a review, so that it is dead-lettered
				// once, not at every poll while it is the newest.
				if id != "" && len(id) <= maxID && !batch[id] {
					batch[id] = true
					got = append(got, review{id: id})
				}
				continue
			}
			dated := !at.IsZero()
			if (!fresh && dated && at.Before(cur.Newest)) || (fresh && dated && at.Before(floor)) {
				break pages
			}
			// New reviews arriving while we page push older ones onto
			// the next page, where we would meet them again.
			if batch[m.NativeID] {
				continue
			}
			batch[m.NativeID] = true
			env, err := event.Wrap(event.SchemaMention, event.ID("appstore", m.NativeID), s.cfg.Name, now, m)
			if err != nil {
				return err
			}
			envs = append(envs, env)
			got = append(got, review{id: m.NativeID, at: at})
		}
	}
	if len(got) == 0 {
		return nil
	}
	if len(envs) > 0 {
		if err := pub.Publish(ctx, envs...); err != nil {
			return fmt.Errorf("publish %d reviews (%s): %w", len(envs), cc, err)
		}
	}
	if err := ingest.SaveCursor(ctx, s.deps.Checkpoints, key, cur.advance(got)); err != nil {
		return err
	}
	s.log.Debug("polled", "country", cc, "new", len(envs))
	return nil
}

// reject dead-letters a page that is not the feed and returns cause, so
// the poll fails and is reported; a failure to dead-letter joins it.
func (s *Source) reject(ctx context.Context, pub ingest.Publisher, key string, body []byte, class string, cause error) error {
	if err := s.deadLetter(ctx, pub, key, body, class, cause); err != nil {
		return fmt.Errorf("%w (%v)", cause, err)
	}
	return cause
}

// deadLetter keeps unusable input where people can see it.
func (s *Source) deadLetter(ctx context.Context, pub ingest.Publisher, key string, body []byte, class string, cause error) error {
	if class == "invalid" {
		s.log.Warn("review rejected", "url", key, "err", cause)
	}
	if err := pub.Reject(ctx, ingest.Rejected{Source: s.cfg.Name, Key: key, Body: body, Class: class, Reason: cause.Error()}); err != nil {
		return fmt.Errorf("dead-letter %s input of %s: %w", class, key, err)
	}
	return nil
}
