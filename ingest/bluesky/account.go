package bluesky

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/goccy/go-json"

	"github.com/earshot-dev/earshot/event"
)

// maxOwnPages bounds how far back one poll reads the own feed.
const maxOwnPages = 10

// feedOutput is app.bsky.feed.getAuthorFeed's output.
type feedOutput struct {
	Cursor string            `json:"cursor"`
	Feed   []json.RawMessage `json:"feed"`
}

// feedItem is app.bsky.feed.defs#feedViewPost; reason says why a post is
// in the feed when the author did not just post it (a repost, a pin).
type feedItem struct {
	Post   json.RawMessage `json:"post"`
	Reason *struct {
		Type string `json:"$type"`
	} `json:"reason"`
}

// pollAccount observes the own account: its follower count and the
// counters of its posts published within the posts window.
func (r *run) pollAccount(ctx context.Context) error {
	var raw json.RawMessage
	if err := r.query(ctx, "app.bsky.actor.getProfile", url.Values{"actor": {r.cfg.Actor}}, &raw); err != nil {
		return err
	}
	var prof profileDetailed
	if err := json.Unmarshal(raw, &prof); err != nil || prof.DID == "" {
		r.reject(ctx, "app.bsky.actor.getProfile?actor="+r.cfg.Actor, raw, "invalid", "profile without did")
		return fmt.Errorf("getProfile %s: %w", r.cfg.Actor, errRejected)
	}
	now := r.now()
	aud, err := r.audience(prof, now)
	if err != nil {
		return err
	}
	envs := []event.Envelope{aud}
	account := accountName(prof.profileBasic)
	horizon := now.Add(-r.cfg.PostsWindow)
	params := url.Values{"actor": {prof.DID}, "limit": {strconv.Itoa(pageLimit)}, "filter": {"posts_with_replies"}}
	for range maxOwnPages {
		var out feedOutput
		if err := r.query(ctx, "app.bsky.feed.getAuthorFeed", params, &out); err != nil {
			return err
		}
		key := "app.bsky.feed.getAuthorFeed?" + params.Encode()
		old := false
		for i, raw := range out.Feed {
			pm, isOld, err := r.ownPost(raw, prof.DID, account, horizon, now)
			if err != nil {
				r.reject(ctx, key+"#"+strconv.Itoa(i), raw, "invalid", err.Error())
				continue
			}
			old = old || isOld
			if pm != nil {
				envs = append(envs, *pm)
			}
		}
		if old || out.Cursor == "" || len(out.Feed) == 0 {
			break
		}
		params.Set("cursor", out.Cursor)
	}
	if err := r.pub.Publish(ctx, envs...); err != nil {
		return fmt.Errorf("publish %d own-account events: %w", len(envs), err)
	}
	return nil
}

// ownPost turns a feed item into post metrics, or nil for an item that is
// not an own post in the window; old says the feed has gone past it.
func (r *run) ownPost(raw []byte, did, account string, horizon, now time.Time) (pm *event.Envelope, old bool, err error) {
	var item feedItem
	if err := json.Unmarshal(raw, &item); err != nil {
		return nil, false, fmt.Errorf("feed item: %w", err)
	}
	pinned := false
	if item.Reason != nil {
		// A repost is someone else's post; a pinned post is the
		// author's own, shown first whatever its age.
		if item.Reason.Type != "app.bsky.feed.defs#reasonPin" {
			return nil, false, nil
		}
		pinned = true
	}
	p, err := decodePost(item.Post)
	if err != nil {
		return nil, false, err
	}
	if p.view.Author.DID != did {
		return nil, false, nil
	}
	if p.created.Before(horizon) {
		return nil, !pinned, nil
	}
	env, err := r.postMetrics(p, account, now)
	if err != nil {
		return nil, false, err
	}
	return &env, false, nil
}
