// Package youtube collects from the YouTube Data API v3 with an API key:
// comments on the own channel's videos and on watched videos as
// mentions, the own recent uploads' statistics as post metrics, and the
// own channel's subscriber count as audience snapshots.
//
// Comments come from commentThreads.list (order=time), for the own
// channel with allThreadsRelatedToChannelId (one stream covering every
// video, cheaper in quota than one stream per video) and for each
// watched video with videoId; each stream keeps its own cursor: the
// newest comment's publishedAt. Top-level comments only: replies would
// cost a comments.list call per thread.
//
// Impressions and reach are not public (YouTube Analytics, with OAuth,
// has them), so post metrics carry 0 there; public subscriber counts are
// rounded by YouTube to three significant figures.
package youtube

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/goccy/go-json"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/ingest/fetch"
	"github.com/earshot-dev/earshot/internal/telemetry"
)

const network = "youtube"

// maxPages bounds one stream's paging per poll.
const maxPages = 100

// Source is one configured YouTube collector.
type Source struct {
	cfg     Config
	ckpt    ingest.Checkpoints
	metrics *telemetry.Metrics
	log     *slog.Logger
	now     func() time.Time
	http    *fetch.Client
}

// New builds a collector from its config; it fails on an invalid config.
func New(c Config, deps ingest.Deps) (ingest.Source, error) {
	if ps := c.Validate(); len(ps) > 0 {
		return nil, ingest.InvalidConfig(network, c.Name, ps)
	}
	if deps.Checkpoints == nil {
		return nil, fmt.Errorf("youtube %s: no checkpoint store", c.Name)
	}
	c = c.withDefaults(deps.Backfill)
	deps = deps.WithDefaults()
	s := &Source{cfg: c, ckpt: deps.Checkpoints, metrics: deps.Metrics, log: deps.Log.With("source", c.Name), now: deps.Now}
	s.http = fetch.New(c.Name, deps.FetchOptions(c.RequestsPerMinute, s.log))
	return s, nil
}

// Name implements ingest.Source.
func (s *Source) Name() string { return s.cfg.Name }

// Run implements ingest.Source: it polls every interval until ctx ends.
func (s *Source) Run(ctx context.Context, pub ingest.Publisher) error {
	return ingest.PollEvery(ctx, s.cfg.Interval, func(ctx context.Context) { s.poll(ctx, pub) })
}

// poll runs every part of a poll. A part that fails is counted and the
// others still run, except when the quota is gone: every later call
// would fail too, so the poll ends there and the next interval retries.
func (s *Source) poll(ctx context.Context, pub ingest.Publisher) {
	now := s.now()
	type part struct {
		what string
		run  func() error
	}
	var parts []part
	if s.cfg.ChannelID != "" {
		parts = append(parts, part{"own channel " + s.cfg.ChannelID, func() error { return s.ownChannel(ctx, pub, now) }})
	}
	for _, st := range s.streams() {
		parts = append(parts, part{st.String(), func() error { return s.comments(ctx, pub, st, now) }})
	}
	ok := true
	for _, p := range parts {
		err := p.run()
		if err == nil {
			continue
		}
		if ctx.Err() != nil {
			return
		}
		ok = false
		s.metrics.SourceError(s.cfg.Name)
		if outOfQuota(err) {
			s.log.Warn("YouTube quota or rate limit exhausted; waiting for the next interval", "at", p.what, "err", err)
			return
		}
		s.log.Warn("YouTube poll failed; retrying next interval", "at", p.what, "err", err)
	}
	if ok {
		s.metrics.SourceOK(s.cfg.Name, s.now())
	}
}

// get fetches an API path. The key travels in the X-Goog-Api-Key header,
// which Google's APIs accept like the key parameter, so it never shows
// in a URL that is logged or dead-lettered. A malformed answer is
// dead-lettered here with its raw body.
func (s *Source) get(ctx context.Context, pub ingest.Publisher, path string, q url.Values, v any) error {
	u := s.cfg.BaseURL + path + "?" + q.Encode()
	_, err := s.http.GetJSON(ctx, u, http.Header{"X-Goog-Api-Key": {s.cfg.APIKey}}, v)
	var bad *fetch.MalformedError
	if errors.As(err, &bad) {
		s.reject(ctx, pub, ingest.Rejected{Key: u, Body: bad.Body, Class: "malformed", Reason: bad.Err.Error()})
		return err
	}
	var se *fetch.StatusError
	if errors.As(err, &se) {
		return asAPIError(se)
	}
	return err
}

func (s *Source) reject(ctx context.Context, pub ingest.Publisher, r ingest.Rejected) {
	r.Source = s.cfg.Name
	s.log.Warn("YouTube answer unusable; dead-lettered", "key", r.Key, "class", r.Class, "reason", r.Reason)
	if err := pub.Reject(ctx, r); err != nil {
		s.log.Error("dead-letter YouTube answer", "key", r.Key, "err", err)
	}
}

func (s *Source) rejectItem(ctx context.Context, pub ingest.Publisher, key string, item any, reason string) {
	// The decoded item re-encoded: the fields earshot reads, as received.
	body, _ := json.Marshal(item)
	s.reject(ctx, pub, ingest.Rejected{Key: key, Body: body, Class: "invalid", Reason: reason})
}

func (s *Source) publish(ctx context.Context, pub ingest.Publisher, envs []event.Envelope) error {
	if len(envs) == 0 {
		return nil
	}
	if err := pub.Publish(ctx, envs...); err != nil {
		return fmt.Errorf("publish %d youtube events: %w", len(envs), err)
	}
	return nil
}
