// Package bluesky collects from Bluesky through XRPC: post search
// (app.bsky.feed.searchPosts), and the own account's followers
// (app.bsky.actor.getProfile) and post metrics (app.bsky.feed.getAuthorFeed).
//
// Reads go to the public AppView unless credentials are configured; then a
// session is created with an app password, refreshed when its access token
// expires, and reads go through the account's PDS. Every post becomes a
// Mention whose id is its at:// URI, so re-collection never double-counts.
package bluesky

import (
	"context"
	"log/slog"
	"time"

	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/ingest/fetch"
)

// Source is one Bluesky collector. It implements ingest.Source.
type Source struct {
	cfg  Config
	deps ingest.Deps
	api  *fetch.Client
	log  *slog.Logger
	now  func() time.Time
}

// New builds the collector of one entry.
func New(c Config, deps ingest.Deps) (ingest.Source, error) {
	if ps := c.Validate(); len(ps) > 0 {
		return nil, ingest.InvalidConfig(Network, c.Name, ps)
	}
	c = c.withDefaults(deps)
	deps = deps.WithDefaults()
	api := fetch.New(c.Name, deps.FetchOptions(c.RequestsPerMinute, deps.Log))
	return &Source{cfg: c, deps: deps, api: api, log: deps.Log.With("source", c.Name), now: deps.Now}, nil
}

// Name implements ingest.Source.
func (s *Source) Name() string { return s.cfg.Name }

// Run implements ingest.Source: it polls every interval until ctx ends.
func (s *Source) Run(ctx context.Context, pub ingest.Publisher) error {
	r := &run{Source: s, pub: pub, followers: map[string]cached{}, recent: ingest.NewRecentIDs(4096)}
	return ingest.PollEvery(ctx, s.cfg.Interval, r.pollAll)
}

// run is the state of one Run: the session, the author follower counts
// looked up lately, and the posts published lately (one post can match
// several queries).
type run struct {
	*Source
	pub        ingest.Publisher
	sess       *session
	loginAfter time.Time // a refused login holds the next one back until then
	followers  map[string]cached
	recent     *ingest.RecentIDs
}

// cached is an author's follower count and when it was looked up.
type cached struct {
	n  uint64
	at time.Time
}

// pollAll polls every query and the own account. A poll that fails is
// counted and logged; the others go on and the next interval tries again.
func (r *run) pollAll(ctx context.Context) {
	failed := 0
	note := func(what string, err error) {
		if err == nil || ctx.Err() != nil {
			return
		}
		failed++
		r.deps.Metrics.SourceError(r.cfg.Name)
		r.log.Warn("poll failed", "what", what, "err", err)
	}
	for _, q := range r.cfg.Queries {
		note("search "+q, r.pollSearch(ctx, q))
	}
	if r.cfg.Actor != "" {
		note("account "+r.cfg.Actor, r.pollAccount(ctx))
	}
	if failed == 0 && ctx.Err() == nil {
		r.deps.Metrics.SourceOK(r.cfg.Name, r.now())
	}
}

func (r *run) reject(ctx context.Context, key string, body []byte, class, reason string) {
	r.log.Warn("unusable answer dead-lettered", "key", key, "class", class, "reason", reason)
	if err := r.pub.Reject(ctx, ingest.Rejected{Source: r.cfg.Name, Key: key, Body: body, Class: class, Reason: reason}); err != nil {
		r.log.Error("dead-lettering failed", "key", key, "err", err)
	}
}
