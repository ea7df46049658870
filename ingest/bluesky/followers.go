package bluesky

import (
	"context"
	"net/url"
	"time"
)

const (
	// profilesPerCall is getProfiles' limit on actors per request.
	profilesPerCall = 25
	// followersTTL is how long an author's follower count is reused:
	// reach needs its order of magnitude, not today's exact value.
	followersTTL = 6 * time.Hour
	// maxCached bounds the follower cache; past it the cache starts over.
	maxCached = 50000
)

// authorFollowers returns the follower counts of the posts' authors,
// looking up those not known lately. A failed lookup leaves counts out
// rather than holding the mentions back.
func (r *run) authorFollowers(ctx context.Context, posts []post) map[string]uint64 {
	if !*r.cfg.AuthorFollowers {
		return nil
	}
	now := r.now()
	var missing []string
	want := map[string]bool{}
	for _, p := range posts {
		did := p.view.Author.DID
		if want[did] {
			continue
		}
		want[did] = true
		if c, ok := r.followers[did]; !ok || now.Sub(c.at) >= followersTTL {
			missing = append(missing, did)
		}
	}
	if len(r.followers)+len(missing) > maxCached {
		clear(r.followers)
	}
	for i := 0; i < len(missing); i += profilesPerCall {
		chunk := missing[i:min(i+profilesPerCall, len(missing))]
		var out struct {
			Profiles []profileDetailed `json:"profiles"`
		}
		if err := r.query(ctx, "app.bsky.actor.getProfiles", url.Values{"actors": chunk}, &out); err != nil {
			if ctx.Err() == nil {
				r.deps.Metrics.SourceError(r.cfg.Name)
				r.log.Warn("author follower lookup failed; mentions go out without follower counts", "err", err)
			}
			break
		}
		for _, p := range out.Profiles {
			r.followers[p.DID] = cached{n: count(p.FollowersCount), at: now}
		}
	}
	got := make(map[string]uint64, len(want))
	for did := range want {
		got[did] = r.followers[did].n
	}
	return got
}
