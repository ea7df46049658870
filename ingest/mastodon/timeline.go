package mastodon

import (
	"context"
	"net/url"
	"strconv"

	"github.com/goccy/go-json"
)

// pollTag collects a hashtag's public timeline since its cursor, or over
// the backfill window when it has none yet.
func (r *run) pollTag(ctx context.Context, tag string) error {
	key := r.key("tag", tag)
	since, ok, err := r.cursor(ctx, key)
	if err != nil {
		return err
	}
	path := "/api/v1/timelines/tag/" + url.PathEscape(tag)
	if !ok {
		return r.backfill(ctx, key, path)
	}
	return r.forward(ctx, key, path, since)
}

// forward pages from the cursor towards the present with min_id, which
// returns the statuses immediately newer than it, following rel="prev".
// Going oldest-first lets the cursor advance after every page, so a
// restart mid-way repeats at most one page.
func (r *run) forward(ctx context.Context, key, path, since string) error {
	page := func(after string) string {
		return r.endpoint(path, url.Values{"min_id": {after}, "limit": {strconv.Itoa(pageLimit)}})
	}
	u := page(since)
	for range maxPages {
		var raws []json.RawMessage
		h, err := r.getJSON(ctx, r.pub, u, &raws)
		if err != nil {
			return err
		}
		if len(raws) == 0 {
			return nil
		}
		sts, ids := r.statuses(ctx, r.pub, u, raws)
		if err := r.publish(ctx, sts); err != nil {
			return err
		}
		newest := maxID(ids)
		if newest == "" {
			// Nothing on the page had an id to move past: stop here
			// rather than fetch the same page forever.
			return nil
		}
		if err := r.advance(ctx, key, newest); err != nil {
			return err
		}
		if len(raws) < pageLimit {
			return nil
		}
		u = r.follow(h, "prev", page(newest))
	}
	return nil
}

// backfill is a first run: it pages from the newest status back with
// max_id, following rel="next", until statuses are older than the
// backfill window, and then sets the cursor to the newest status seen.
func (r *run) backfill(ctx context.Context, key, path string) error {
	horizon := r.now().Add(-r.cfg.Backfill)
	u := r.endpoint(path, url.Values{"limit": {strconv.Itoa(pageLimit)}})
	var newest string
	for range maxPages {
		var raws []json.RawMessage
		h, err := r.getJSON(ctx, r.pub, u, &raws)
		if err != nil {
			return err
		}
		if len(raws) == 0 {
			break
		}
		sts, ids := r.statuses(ctx, r.pub, u, raws)
		keep := sts[:0:0]
		for _, st := range sts {
			if !st.CreatedAt.Before(horizon) {
				keep = append(keep, st)
			}
		}
		if err := r.publish(ctx, keep); err != nil {
			return err
		}
		if m := maxID(ids); newest == "" || (m != "" && newerID(m, newest)) {
			newest = m
		}
		oldest := minID(ids)
		if len(keep) < len(sts) || len(raws) < pageLimit || oldest == "" {
			break
		}
		u = r.follow(h, "next", r.endpoint(path, url.Values{"max_id": {oldest}, "limit": {strconv.Itoa(pageLimit)}}))
	}
	if newest == "" {
		return nil
	}
	return r.advance(ctx, key, newest)
}

// pollSearch collects a full-text search's statuses newer than its
// cursor. Search answers carry no Link header: it pages back with max_id
// from the newest result (Mastodon sorts status search newest first) and
// stops at the cursor or, on a first run, at the backfill window. The
// cursor moves once the whole gap is published.
func (r *run) pollSearch(ctx context.Context, q string) error {
	key := r.key("search", q)
	since, ok, err := r.cursor(ctx, key)
	if err != nil {
		return err
	}
	horizon := r.now().Add(-r.cfg.Backfill)
	params := url.Values{"q": {q}, "type": {"statuses"}, "limit": {strconv.Itoa(pageLimit)}}
	var newest string
	for range maxPages {
		u := r.endpoint("/api/v2/search", params)
		var res searchResult
		if _, err := r.getJSON(ctx, r.pub, u, &res); err != nil {
			return err
		}
		if len(res.Statuses) == 0 {
			break
		}
		sts, ids := r.statuses(ctx, r.pub, u, res.Statuses)
		fresh := sts[:0:0]
		for _, st := range sts {
			if (ok && newerID(st.ID, since)) || (!ok && !st.CreatedAt.Before(horizon)) {
				fresh = append(fresh, st)
			}
		}
		if err := r.publish(ctx, fresh); err != nil {
			return err
		}
		if m := maxID(ids); newest == "" || (m != "" && newerID(m, newest)) {
			newest = m
		}
		oldest := minID(ids)
		if len(fresh) < len(sts) || len(res.Statuses) < pageLimit || oldest == "" {
			break
		}
		params.Set("max_id", oldest)
	}
	if newest == "" || (ok && !newerID(newest, since)) {
		return nil
	}
	return r.advance(ctx, key, newest)
}
