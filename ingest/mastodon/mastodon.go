// Package mastodon collects from one Mastodon instance: public hashtag
// timelines (polled, or followed live over the streaming API), full-text
// status search, and the own account's followers and post metrics.
//
// Every status becomes a Mention whose id is the instance host and the
// status id, so re-collection never double-counts. The newest status id
// per hashtag and query is checkpointed after the events it covers are
// published; a first run pages back over the backfill window.
package mastodon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/goccy/go-json"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/ingest/fetch"
)

// Source collects from one instance. It implements ingest.Source.
type Source struct {
	cfg    Config
	deps   ingest.Deps
	api    *fetch.Client
	stream *http.Client
	log    *slog.Logger
	now    func() time.Time
	host   string // instance host (with a port, if any): prefixes native ids
	domain string // instance host without a port: qualifies local accounts

	// Reconnect backoff of the streaming API and how long a stream may
	// stay silent (Mastodon sends a heartbeat comment every few seconds)
	// before it is taken for dead. Fields, so tests can shorten them.
	reconnectBase, reconnectMax, idleTimeout time.Duration
}

// New builds the collector of one instance entry.
func New(c Config, deps ingest.Deps) (ingest.Source, error) {
	if ps := c.Validate(); len(ps) > 0 {
		return nil, ingest.InvalidConfig(Network, c.Name, ps)
	}
	c = c.withDefaults(deps)
	u, err := url.Parse(c.Instance)
	if err != nil {
		return nil, fmt.Errorf("mastodon %q: instance: %w", c.Name, err)
	}
	deps = deps.WithDefaults()
	s := &Source{
		cfg:  c,
		deps: deps,
		api:  fetch.New(c.Name, deps.FetchOptions(c.RequestsPerMinute, deps.Log)),
		// The stream is one long response: no overall timeout, the idle
		// timer in stream.go notices a dead connection instead.
		stream:        &http.Client{Transport: deps.Fetch.Transport},
		log:           deps.Log.With("source", c.Name),
		now:           deps.Now,
		host:          strings.ToLower(u.Host),
		domain:        strings.ToLower(u.Hostname()),
		reconnectBase: time.Second,
		reconnectMax:  5 * time.Minute,
		idleTimeout:   2 * time.Minute,
	}
	return s, nil
}

// Name implements ingest.Source.
func (s *Source) Name() string { return s.cfg.Name }

// Run implements ingest.Source: it polls every interval, and with stream
// set follows the hashtags live, until ctx ends.
func (s *Source) Run(ctx context.Context, pub ingest.Publisher) error {
	r := &run{Source: s, pub: pub, cursors: map[string]string{}, up: map[string]bool{}, covered: map[string]bool{}, recent: ingest.NewRecentIDs(4096)}
	msgs := make(chan streamMsg, 64)
	var streams sync.WaitGroup
	// Streams send with ctx in their select, so they end with ctx even
	// when this loop no longer reads msgs.
	defer streams.Wait()
	if s.cfg.Stream {
		base := s.streamingBase(ctx, pub)
		for _, tag := range s.cfg.Hashtags {
			streams.Go(func() { s.followTag(ctx, base, tag, msgs) })
		}
	}
	tick := time.NewTicker(s.cfg.Interval)
	defer tick.Stop()
	r.pollAll(ctx)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			r.pollAll(ctx)
		case m := <-msgs:
			r.onStream(ctx, m)
		}
	}
}

// run is the state of one Run: cursors read from and written to the
// checkpoint store, which hashtags have a stream up and which a stream
// covers (up, and the gap before it filled), and the ids published lately
// (a stream and its gap fill overlap).
type run struct {
	*Source
	pub     ingest.Publisher
	cursors map[string]string
	up      map[string]bool
	covered map[string]bool
	recent  *ingest.RecentIDs
}

// pollAll polls every hashtag no stream covers, every query and the own
// account. A poll that fails is counted and logged; the others go on and
// the next interval tries again.
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
	for _, tag := range r.cfg.Hashtags {
		if r.covered[tag] {
			continue
		}
		err := r.pollTag(ctx, tag)
		note("#"+tag, err)
		if err == nil && r.up[tag] {
			r.covered[tag] = true
		}
	}
	for _, q := range r.cfg.Queries {
		note("search "+q, r.pollSearch(ctx, q))
	}
	if r.cfg.Account != "" {
		note("account "+r.cfg.Account, r.pollAccount(ctx))
	}
	if failed == 0 && ctx.Err() == nil {
		r.deps.Metrics.SourceOK(r.cfg.Name, r.now())
	}
}

// cursor returns the checkpointed newest status id of key, if any.
func (r *run) cursor(ctx context.Context, key string) (string, bool, error) {
	if c, ok := r.cursors[key]; ok {
		return c, true, nil
	}
	raw, ok, err := r.deps.Checkpoints.Load(ctx, key)
	if err != nil {
		return "", false, fmt.Errorf("load checkpoint %s: %w", key, err)
	}
	if !ok {
		return "", false, nil
	}
	c, err := decodeCursor(raw)
	if err != nil {
		// A cursor that does not parse is as good as none: backfill
		// again rather than stop collecting.
		r.log.Warn("ignoring unreadable checkpoint", "key", key, "err", err)
		return "", false, nil
	}
	r.cursors[key] = c
	return c, true, nil
}

// advance saves id as key's cursor if it is newer. Call it only once the
// events up to id are published.
func (r *run) advance(ctx context.Context, key, id string) error {
	if old, ok := r.cursors[key]; ok && !newerID(id, old) {
		return nil
	}
	if err := r.deps.Checkpoints.Save(ctx, key, encodeCursor(id)); err != nil {
		return fmt.Errorf("save checkpoint %s: %w", key, err)
	}
	r.cursors[key] = id
	return nil
}

func (r *run) key(kind, what string) string { return r.cfg.Name + "/" + kind + ":" + what }

// publish sends the mentions of sts not published lately.
func (r *run) publish(ctx context.Context, sts []status) error {
	now := r.now()
	envs := make([]event.Envelope, 0, len(sts))
	var ids []string
	for _, st := range sts {
		if isReblog(st) || r.recent.Has(st.ID) {
			continue
		}
		env, err := r.mention(st, now)
		if err != nil {
			return err
		}
		envs = append(envs, env)
		ids = append(ids, st.ID)
	}
	if len(envs) == 0 {
		return nil
	}
	if err := r.pub.Publish(ctx, envs...); err != nil {
		return fmt.Errorf("publish %d mentions: %w", len(envs), err)
	}
	for _, id := range ids {
		r.recent.Add(id)
	}
	return nil
}

// cursorValue is a checkpoint's JSON: the newest status id published.
type cursorValue struct {
	NewestID string `json:"newest_id"`
}

func encodeCursor(id string) []byte {
	b, _ := json.Marshal(cursorValue{NewestID: id}) // a struct of one string always encodes
	return b
}

func decodeCursor(raw []byte) (string, error) {
	var c cursorValue
	if err := json.Unmarshal(raw, &c); err != nil {
		return "", err
	}
	if c.NewestID == "" {
		return "", errors.New("no newest_id")
	}
	return c.NewestID, nil
}
