package mastodon

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/goccy/go-json"

	"github.com/earshot-dev/earshot/event"
)

// maxOwnPages bounds how far back one poll reads the own timeline.
const maxOwnPages = 25

// pollAccount observes the own account: its follower count and the
// counters of its posts published within the posts window.
func (r *run) pollAccount(ctx context.Context) error {
	u := r.endpoint("/api/v1/accounts/lookup", url.Values{"acct": {r.cfg.Account}})
	var raw json.RawMessage
	if _, err := r.getJSON(ctx, r.pub, u, &raw); err != nil {
		return err
	}
	var a account
	if err := json.Unmarshal(raw, &a); err != nil || a.ID == "" || a.Acct == "" {
		r.reject(ctx, r.pub, u, raw, "invalid", "account without id or acct")
		return fmt.Errorf("%s: %w", u, errRejected)
	}
	now := r.now()
	aud, err := r.audience(a, now)
	if err != nil {
		return err
	}
	envs := []event.Envelope{aud}
	acct := r.fullAcct(a.Acct)
	horizon := now.Add(-r.cfg.PostsWindow)
	path := "/api/v1/accounts/" + url.PathEscape(a.ID) + "/statuses"
	page := func(q url.Values) string {
		q.Set("limit", strconv.Itoa(pageLimit))
		// Boosts are others' posts: their counters are not the brand's.
		q.Set("exclude_reblogs", "true")
		return r.endpoint(path, q)
	}
	u = page(url.Values{})
	for range maxOwnPages {
		var raws []json.RawMessage
		h, err := r.getJSON(ctx, r.pub, u, &raws)
		if err != nil {
			return err
		}
		sts, ids := r.statuses(ctx, r.pub, u, raws)
		old := false
		for _, st := range sts {
			if st.CreatedAt.Before(horizon) {
				old = true
				continue
			}
			if isReblog(st) {
				continue
			}
			pm, err := r.postMetrics(st, acct, now)
			if err != nil {
				return err
			}
			envs = append(envs, pm)
		}
		oldest := minID(ids)
		if old || len(raws) < pageLimit || oldest == "" {
			break
		}
		u = r.follow(h, "next", page(url.Values{"max_id": {oldest}}))
	}
	if err := r.pub.Publish(ctx, envs...); err != nil {
		return fmt.Errorf("publish %d own-account events: %w", len(envs), err)
	}
	return nil
}
