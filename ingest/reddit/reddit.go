// Package reddit collects posts that match search queries, and the
// comments under them, through Reddit's OAuth API with application-only
// (client credentials) tokens.
//
// Posts come from GET [/r/{subs}]/search?sort=new&type=link, paged back
// with "after" until the checkpointed newest post (or, on a first run,
// the backfill horizon). Reddit's documented search finds links only,
// not comments, so comments are read from GET /comments/{id} of matching
// posts: new posts with comments, and posts followed for a while
// (comment_window) whose num_comments went up, checked in batches of 100
// with GET /by_id/{fullnames}.
package reddit

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

const network = "reddit"

// maxPages bounds one search's paging. Reddit stops listings at about
// 1000 items (10 pages); this only guards against an API that keeps
// answering with a next page.
const maxPages = 50

// Source is one configured Reddit collector.
type Source struct {
	cfg     Config
	ckpt    ingest.Checkpoints
	metrics *telemetry.Metrics
	log     *slog.Logger
	now     func() time.Time
	http    *fetch.Client
	auth    *auth
}

// New builds a collector from its config; it fails on an invalid config.
func New(c Config, deps ingest.Deps) (ingest.Source, error) {
	if ps := c.Validate(); len(ps) > 0 {
		return nil, ingest.InvalidConfig(network, c.Name, ps)
	}
	if deps.Checkpoints == nil {
		return nil, fmt.Errorf("reddit %s: no checkpoint store", c.Name)
	}
	c = c.withDefaults(deps.Backfill)
	deps = deps.WithDefaults()
	s := &Source{cfg: c, ckpt: deps.Checkpoints, metrics: deps.Metrics, log: deps.Log.With("source", c.Name), now: deps.Now}
	opts := deps.FetchOptions(c.RequestsPerMinute, s.log)
	if c.UserAgent != "" {
		opts.UserAgent = c.UserAgent
	}
	s.http = fetch.New(c.Name, opts)
	s.auth = &auth{url: c.AuthURL, id: c.ClientID, secret: c.ClientSecret, http: s.http, now: s.now}
	return s, nil
}

// Name implements ingest.Source.
func (s *Source) Name() string { return s.cfg.Name }

// Run implements ingest.Source: it polls every interval until ctx ends.
// A failed poll is logged and counted; the next one retries.
func (s *Source) Run(ctx context.Context, pub ingest.Publisher) error {
	return ingest.PollEvery(ctx, s.cfg.Interval, func(ctx context.Context) { s.poll(ctx, pub) })
}

func (s *Source) poll(ctx context.Context, pub ingest.Publisher) {
	ok := true
	for _, q := range s.cfg.Queries {
		if err := s.pollQuery(ctx, pub, q); err != nil {
			if ctx.Err() != nil {
				return
			}
			ok = false
			s.metrics.SourceError(s.cfg.Name)
			s.log.Warn("reddit poll failed; retrying next interval", "query", q, "err", err)
		}
	}
	if ok {
		s.metrics.SourceOK(s.cfg.Name, s.now())
	}
}

// pollQuery collects one query's new posts and comments, then moves its
// cursor: only after everything it covers was published.
func (s *Source) pollQuery(ctx context.Context, pub ingest.Publisher, query string) error {
	key := s.cfg.Name + "/" + query
	if sc := s.cfg.scope(); sc != "" {
		key = s.cfg.Name + "/" + sc + ":" + query
	}
	cur, _, err := ingest.LoadCursor[cursor](ctx, s.ckpt, s.log, key)
	if err != nil {
		return err
	}
	now := s.now()
	posts, newest, err := s.search(ctx, pub, query, cur.Newest, now)
	if err != nil {
		return err
	}
	cur.Newest = newest
	var threadErr error
	if *s.cfg.Comments {
		threadErr = s.followThreads(ctx, pub, &cur, posts, now)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if err := ingest.SaveCursor(ctx, s.ckpt, key, cur); err != nil {
		return errors.Join(threadErr, err)
	}
	return threadErr
}

// search pages back through the newest matches until it reaches what the
// cursor covers (on a first run: the backfill horizon), publishing page
// by page. It returns the new posts and the mark covering them.
func (s *Source) search(ctx context.Context, pub ingest.Publisher, query string, seen mark, now time.Time) ([]item, mark, error) {
	path := "/search"
	q := url.Values{"q": {query}, "sort": {"new"}, "type": {"link"}, "limit": {"100"}}
	if sc := s.cfg.scope(); sc != "" {
		path = "/" + sc + "/search"
		q.Set("restrict_sr", "1")
	}
	first := seen.zero()
	horizon := float64(now.Add(-s.cfg.Backfill).Unix())
	newest := seen
	var found []item
	after := ""
	for range maxPages {
		if after != "" {
			q.Set("after", after)
		}
		var l listing
		if err := s.get(ctx, pub, path, q, &l); err != nil {
			return nil, seen, fmt.Errorf("search %q: %w", query, err)
		}
		var envs []event.Envelope
		done := false
		for _, c := range l.Data.Children {
			if c.Kind != "t3" {
				continue
			}
			it := c.Data
			if p := it.problem("t3"); p != "" {
				s.rejectItem(ctx, pub, c, p)
				continue
			}
			// sort=new: past the cursor or the horizon, the rest is older still.
			if it.CreatedUTC < seen.At || (first && s.cfg.Backfill > 0 && it.CreatedUTC < horizon) {
				done = true
				break
			}
			if !seen.fresh(it.CreatedUTC, it.Name) {
				continue
			}
			env, err := s.wrap(it.postMention(), now)
			if err != nil {
				return nil, seen, err
			}
			envs = append(envs, env)
			found = append(found, it)
			newest.advance(it.CreatedUTC, it.Name)
		}
		if err := s.publish(ctx, pub, envs); err != nil {
			return nil, seen, err
		}
		next := l.Data.After
		if done || next == "" || next == after || (first && s.cfg.Backfill <= 0) {
			break
		}
		after = next
	}
	return found, newest, nil
}

// get fetches an API path with the bearer token. A 401 means the token
// lapsed or was revoked early: it fetches a new one and tries once more.
// A malformed answer is dead-lettered here, once, with its raw body.
func (s *Source) get(ctx context.Context, pub ingest.Publisher, path string, q url.Values, v any) error {
	q.Set("raw_json", "1") // text as written, not HTML-escaped
	u := s.cfg.BaseURL + path + "?" + q.Encode()
	for retried := false; ; retried = true {
		tok, err := s.auth.bearer(ctx)
		if err != nil {
			return err
		}
		_, err = s.http.GetJSON(ctx, u, http.Header{"Authorization": {"bearer " + tok}}, v)
		var se *fetch.StatusError
		if !retried && errors.As(err, &se) && se.Code == http.StatusUnauthorized {
			s.auth.reset()
			continue
		}
		var bad *fetch.MalformedError
		if errors.As(err, &bad) {
			s.reject(ctx, pub, ingest.Rejected{Key: u, Body: bad.Body, Class: "malformed", Reason: bad.Err.Error()})
		}
		return err
	}
}

func (s *Source) rejectItem(ctx context.Context, pub ingest.Publisher, t thing, reason string) {
	// The decoded item re-encoded: the fields earshot reads, as received.
	body, _ := json.Marshal(t)
	s.reject(ctx, pub, ingest.Rejected{Key: t.Data.Name, Body: body, Class: "invalid", Reason: reason})
}

func (s *Source) reject(ctx context.Context, pub ingest.Publisher, r ingest.Rejected) {
	r.Source = s.cfg.Name
	s.log.Warn("reddit answer unusable; dead-lettered", "key", r.Key, "class", r.Class, "reason", r.Reason)
	if err := pub.Reject(ctx, r); err != nil {
		s.log.Error("dead-letter reddit answer", "key", r.Key, "err", err)
	}
}

func (s *Source) wrap(m event.Mention, now time.Time) (event.Envelope, error) {
	return event.Wrap(event.SchemaMention, event.ID(network, m.NativeID), s.cfg.Name, now, m)
}

func (s *Source) publish(ctx context.Context, pub ingest.Publisher, envs []event.Envelope) error {
	if len(envs) == 0 {
		return nil
	}
	if err := pub.Publish(ctx, envs...); err != nil {
		return fmt.Errorf("publish %d reddit events: %w", len(envs), err)
	}
	return nil
}
