// Package hackernews collects Hacker News stories and comments that
// mention configured queries, through the public Algolia HN Search API
// (search_by_date), from where the last poll left off.
package hackernews

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/url"
	"strconv"
	"time"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/ingest/fetch"
)

// Source polls the configured searches.
type Source struct {
	cfg    Config
	deps   ingest.Deps
	client *fetch.Client
	log    *slog.Logger
}

// New returns the collector of the configured searches.
func New(c Config, deps ingest.Deps) (ingest.Source, error) {
	// Validate also holds interval and budget to policy, which tests and
	// one-off runs may bend.
	if err := ingest.ConfigError("hackernews", c.Name, c.Validate(), "interval", "requests_per_minute"); err != nil {
		return nil, err
	}
	c = c.withDefaults(deps.Backfill)
	if deps.Checkpoints == nil {
		return nil, fmt.Errorf("hackernews source %q: no checkpoint store", c.Name)
	}
	deps = deps.WithDefaults()
	log := deps.Log.With("source", c.Name)
	return &Source{cfg: c, deps: deps, client: fetch.New(c.Name, deps.FetchOptions(c.RequestsPerMinute, log)), log: log}, nil
}

// Name implements ingest.Source.
func (s *Source) Name() string { return s.cfg.Name }

// Run implements ingest.Source: it polls now and then every interval until
// ctx ends. A query whose poll fails is logged and counted, and the next
// poll retries it; the other queries go on.
func (s *Source) Run(ctx context.Context, pub ingest.Publisher) error {
	return ingest.PollEvery(ctx, s.cfg.Interval, func(ctx context.Context) { s.poll(ctx, pub) })
}

func (s *Source) poll(ctx context.Context, pub ingest.Publisher) {
	ingest.PollParts(ctx, s.deps, s.cfg.Name, "query", s.cfg.Queries, func(ctx context.Context, part string) error {
		return s.pollQuery(ctx, pub, part)
	})
}

// pollQuery reads every hit of q created since the checkpoint (on the
// first run: since the backfill), newest first, publishing page by page,
// and moves the checkpoint once all are published.
//
// Algolia serves at most 1000 hits of one search, however many pages it
// counts; when more match, the sweep goes on below the oldest hit served.
func (s *Source) pollQuery(ctx context.Context, pub ingest.Publisher, q string) error {
	key := s.cfg.Name + "/" + q
	cur, ok, err := ingest.LoadCursor[cursor](ctx, s.deps.Checkpoints, s.log, key)
	if err != nil {
		return err
	}
	if ok && cur.Newest <= 0 {
		s.log.Warn("unreadable checkpoint; starting over", "key", key, "newest", cur.Newest)
		cur, ok = cursor{}, false
	}
	fresh := !ok
	now := s.deps.Now()
	since := now.Add(-s.cfg.Backfill).Unix()
	if !fresh {
		// Items reach the index a little after they are created; looking
		// back a while catches the stragglers, and the ids remembered
		// from that while keep them from being published twice.
		since = cur.Newest - overlap
	}
	sweep := map[string]int64{} // published this poll, by id
	var below int64             // upper bound (exclusive) of the window; 0: none
	for {
		served, oldest, total, err := s.window(ctx, pub, q, since, below, now, cur, sweep)
		if err != nil {
			return err
		}
		if served == 0 || total <= served || (below != 0 && oldest+1 >= below) {
			break
		}
		below = oldest + 1 // the oldest second again: its other hits may not all have been served
	}
	if len(sweep) == 0 {
		return nil
	}
	if err := ingest.SaveCursor(ctx, s.deps.Checkpoints, key, cur.advance(sweep)); err != nil {
		return err
	}
	s.log.Debug("polled", "query", q, "new", len(sweep))
	return nil
}

// window pages through one search and returns how many hits it served,
// the oldest hit's time and how many hits the search counted.
func (s *Source) window(ctx context.Context, pub ingest.Publisher, q string, since, below int64, now time.Time, cur cursor, sweep map[string]int64) (served int, oldest int64, total int, err error) {
	oldest = math.MaxInt64
	for page := 0; ; page++ {
		u := s.searchURL(q, since, below, page)
		var raw json.RawMessage
		if _, err := s.client.GetJSON(ctx, u, nil, &raw); err != nil {
			var mal *fetch.MalformedError
			if errors.As(err, &mal) {
				return 0, 0, 0, s.reject(ctx, pub, u, mal.Body, "malformed", err)
			}
			return 0, 0, 0, err
		}
		res, err := decodeResult(raw)
		if err != nil {
			return 0, 0, 0, s.reject(ctx, pub, u, raw, "malformed", fmt.Errorf("%s: %w", u, err))
		}
		hits := *res.Hits
		var envs []event.Envelope
		var ids []string
		var ats []int64
		for _, rawHit := range hits {
			var h hit
			if err := json.Unmarshal(rawHit, &h); err != nil {
				if err := s.deadLetter(ctx, pub, u, rawHit, "invalid", fmt.Errorf("hit: %w", err)); err != nil {
					return 0, 0, 0, err
				}
				continue
			}
			m, at, err := mention(h)
			if err != nil {
				if err := s.deadLetter(ctx, pub, u, rawHit, "invalid", err); err != nil {
					return 0, 0, 0, err
				}
				continue
			}
			oldest = min(oldest, at)
			if _, done := sweep[m.NativeID]; done || cur.Recent[m.NativeID] != 0 {
				continue
			}
			env, err := event.Wrap(event.SchemaMention, event.ID("hackernews", m.NativeID), s.cfg.Name, now, m)
			if err != nil {
				return 0, 0, 0, err
			}
			envs = append(envs, env)
			ids, ats = append(ids, m.NativeID), append(ats, at)
		}
		served += len(hits)
		if len(envs) > 0 {
			if err := pub.Publish(ctx, envs...); err != nil {
				return 0, 0, 0, fmt.Errorf("publish %d hits of %q: %w", len(envs), q, err)
			}
			for i, id := range ids {
				sweep[id] = ats[i]
			}
		}
		if len(hits) == 0 || page+1 >= res.NbPages {
			return served, oldest, res.NbHits, nil
		}
	}
}

func (s *Source) searchURL(q string, since, below int64, page int) string {
	filters := "created_at_i>" + strconv.FormatInt(since, 10)
	if below != 0 {
		filters += ",created_at_i<" + strconv.FormatInt(below, 10)
	}
	v := url.Values{
		"query":          {q},
		"tags":           {"(story,comment)"},
		"numericFilters": {filters},
		"hitsPerPage":    {strconv.Itoa(s.cfg.HitsPerPage)},
		"page":           {strconv.Itoa(page)},
	}
	return s.cfg.BaseURL + "/search_by_date?" + v.Encode()
}

// reject dead-letters a page that is not a search result and returns
// cause, so the poll fails and is reported; a failure to dead-letter
// joins it.
func (s *Source) reject(ctx context.Context, pub ingest.Publisher, key string, body []byte, class string, cause error) error {
	if err := s.deadLetter(ctx, pub, key, body, class, cause); err != nil {
		return fmt.Errorf("%w (%v)", cause, err)
	}
	return cause
}

// deadLetter keeps unusable input where people can see it.
func (s *Source) deadLetter(ctx context.Context, pub ingest.Publisher, key string, body []byte, class string, cause error) error {
	if class == "invalid" {
		s.log.Warn("hit rejected", "url", key, "err", cause)
	}
	if err := pub.Reject(ctx, ingest.Rejected{Source: s.cfg.Name, Key: key, Body: body, Class: class, Reason: cause.Error()}); err != nil {
		return fmt.Errorf("dead-letter %s input of %s: %w", class, key, err)
	}
	return nil
}
