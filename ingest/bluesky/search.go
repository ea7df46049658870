package bluesky

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/goccy/go-json"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
)

const (
	// pageLimit is the most posts searchPosts and getAuthorFeed return.
	pageLimit = 100
	// maxPages bounds one poll of one query.
	maxPages = 100
	// lookback is how far before the newest post seen a poll searches
	// again: posts are ordered by when they were made, and one indexed a
	// little late lands behind posts already collected. The checkpoint
	// keeps the posts of that stretch so they are not published twice.
	lookback = 5 * time.Minute
)

// searchOutput is app.bsky.feed.searchPosts's output.
type searchOutput struct {
	Cursor string            `json:"cursor"`
	Posts  []json.RawMessage `json:"posts"`
}

// cursorValue is a query's checkpoint: the newest post's time and the
// posts seen within lookback of it.
type cursorValue struct {
	Newest time.Time  `json:"newest"`
	Seen   []seenPost `json:"seen,omitempty"`
}

type seenPost struct {
	URI string    `json:"uri"`
	At  time.Time `json:"at"`
}

// pollSearch collects a query's posts since its checkpoint, or over the
// backfill window on a first run. Results come newest first (sort=latest)
// from since onwards; with a session it pages with the cursor, without one
// it pages back with until, because the public AppView refuses cursors of
// unauthenticated searches. The checkpoint moves once the whole stretch is
// published.
func (r *run) pollSearch(ctx context.Context, q string) error {
	key := r.cfg.Name + "/search:" + q
	cur, ok, err := r.loadCursor(ctx, key)
	if err != nil {
		return err
	}
	since := r.now().Add(-r.cfg.Backfill)
	seen := map[string]time.Time{}
	if ok {
		since = cur.Newest.Add(-lookback)
		for _, sp := range cur.Seen {
			seen[sp.URI] = sp.At
		}
	}
	params := url.Values{"q": {q}, "sort": {"latest"}, "limit": {strconv.Itoa(pageLimit)}, "since": {formatTime(since)}}
	authed := r.cfg.Identifier != ""
	newest := cur.Newest
	var prevOldest time.Time
	for range maxPages {
		var out searchOutput
		if err := r.query(ctx, "app.bsky.feed.searchPosts", params, &out); err != nil {
			return err
		}
		if len(out.Posts) == 0 {
			break
		}
		posts := r.decodePosts(ctx, "app.bsky.feed.searchPosts?"+params.Encode(), out.Posts)
		var fresh []post
		var oldest time.Time
		reachedSince := false
		for _, p := range posts {
			if oldest.IsZero() || p.sortAt.Before(oldest) {
				oldest = p.sortAt
			}
			if p.sortAt.Before(since) {
				reachedSince = true
				continue
			}
			if _, dup := seen[p.view.URI]; dup {
				continue
			}
			seen[p.view.URI] = p.sortAt
			fresh = append(fresh, p)
			if p.sortAt.After(newest) {
				newest = p.sortAt
			}
		}
		if err := r.publishMentions(ctx, fresh); err != nil {
			return err
		}
		if reachedSince || oldest.IsZero() {
			break
		}
		if authed {
			if out.Cursor == "" {
				break
			}
			params.Set("cursor", out.Cursor)
			continue
		}
		// until is exclusive: a millisecond past the oldest post asks for
		// the posts sharing its time again (deduplicated above) rather
		// than skip those the page had no room for.
		if !prevOldest.IsZero() && !oldest.Before(prevOldest) {
			break
		}
		prevOldest = oldest
		params.Set("until", formatTime(oldest.Add(time.Millisecond)))
	}
	if newest.IsZero() || (ok && !newest.After(cur.Newest) && len(seen) == len(cur.Seen)) {
		return nil
	}
	next := cursorValue{Newest: newest}
	for uri, at := range seen {
		if !at.Before(newest.Add(-lookback)) {
			next.Seen = append(next.Seen, seenPost{URI: uri, At: at})
		}
	}
	return ingest.SaveCursor(ctx, r.deps.Checkpoints, key, next)
}

// decodePosts decodes posts one by one: one the collector cannot use is
// dead-lettered on its own instead of losing the page.
func (r *run) decodePosts(ctx context.Context, key string, raws []json.RawMessage) []post {
	out := make([]post, 0, len(raws))
	for i, raw := range raws {
		p, err := decodePost(raw)
		if err != nil {
			r.reject(ctx, key+"#"+strconv.Itoa(i), raw, "invalid", err.Error())
			continue
		}
		out = append(out, p)
	}
	return out
}

// publishMentions publishes posts as mentions, with their authors'
// follower counts when those are looked up.
func (r *run) publishMentions(ctx context.Context, posts []post) error {
	posts = slices.DeleteFunc(slices.Clone(posts), func(p post) bool { return r.recent.Has(p.view.URI) })
	if len(posts) == 0 {
		return nil
	}
	followers := r.authorFollowers(ctx, posts)
	now := r.now()
	envs := make([]event.Envelope, 0, len(posts))
	for _, p := range posts {
		env, err := r.mention(p, followers[p.view.Author.DID], now)
		if err != nil {
			return err
		}
		envs = append(envs, env)
	}
	if err := r.pub.Publish(ctx, envs...); err != nil {
		return fmt.Errorf("publish %d mentions: %w", len(envs), err)
	}
	for _, p := range posts {
		r.recent.Add(p.view.URI)
	}
	return nil
}

// loadCursor loads a query's checkpoint. A cursor that does not parse, or
// names no newest post, is as good as none: backfill again rather than
// stop collecting.
func (r *run) loadCursor(ctx context.Context, key string) (cursorValue, bool, error) {
	c, ok, err := ingest.LoadCursor[cursorValue](ctx, r.deps.Checkpoints, r.log, key)
	if ok && c.Newest.IsZero() {
		r.log.Warn("checkpoint without a newest post; starting over", "key", key)
		return cursorValue{}, false, nil
	}
	return c, ok, err
}

// formatTime writes an atproto datetime, to the millisecond.
func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
