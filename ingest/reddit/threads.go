package reddit

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-json"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
)

// byIDBatch is how many fullnames one GET /by_id asks about.
const byIDBatch = 100

// followThreads reads the comments of threads that have new ones: new
// posts with comments, and followed posts whose num_comments went up.
// A thread that fails keeps its old state, so the next poll retries it.
func (s *Source) followThreads(ctx context.Context, pub ingest.Publisher, cur *cursor, posts []item, now time.Time) error {
	if cur.Threads == nil {
		cur.Threads = map[string]thread{}
	}
	oldest := float64(now.Add(-s.cfg.CommentWindow).Unix())
	cur.prune(oldest, s.cfg.MaxThreads)

	var errs []error
	due := map[string]float64{} // fullname → num_comments now
	counts, err := s.commentCounts(ctx, pub, slices.Sorted(maps.Keys(cur.Threads)))
	if err != nil {
		errs = append(errs, err)
	}
	for name, n := range counts {
		if n > cur.Threads[name].Comments {
			due[name] = n
		}
	}
	for _, p := range posts {
		if p.CreatedUTC < oldest {
			continue
		}
		t, ok := cur.Threads[p.Name]
		if !ok {
			t = thread{Created: p.CreatedUTC}
			cur.Threads[p.Name] = t
		}
		if p.NumComments > t.Comments {
			due[p.Name] = p.NumComments
		}
	}
	cur.prune(oldest, s.cfg.MaxThreads)

	for _, name := range slices.Sorted(maps.Keys(due)) {
		t, ok := cur.Threads[name]
		if !ok {
			continue // pruned: too many newer threads
		}
		t, err := s.readThread(ctx, pub, name, t, due[name], now)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			errs = append(errs, err)
			continue
		}
		cur.Threads[name] = t
	}
	return errors.Join(errs...)
}

// commentCounts asks for the current num_comments of followed posts.
func (s *Source) commentCounts(ctx context.Context, pub ingest.Publisher, names []string) (map[string]float64, error) {
	out := make(map[string]float64, len(names))
	for batch := range slices.Chunk(names, byIDBatch) {
		var l listing
		if err := s.get(ctx, pub, "/by_id/"+strings.Join(batch, ","), url.Values{}, &l); err != nil {
			return out, fmt.Errorf("comment counts of %d followed posts: %w", len(batch), err)
		}
		for _, c := range l.Data.Children {
			if c.Kind == "t3" && c.Data.Name != "" {
				out[c.Data.Name] = c.Data.NumComments
			}
		}
	}
	return out, nil
}

// commentPage is GET /comments/{id}: an array of two listings, the post
// and its comment tree.
type commentPage struct {
	post     listing
	comments listing
}

// UnmarshalJSON rejects any other shape, so it surfaces as malformed.
func (p *commentPage) UnmarshalJSON(b []byte) error {
	var ls []listing
	if err := json.Unmarshal(b, &ls); err != nil {
		return err
	}
	if len(ls) != 2 {
		return fmt.Errorf("want [post listing, comment listing], got %d listings", len(ls))
	}
	p.post, p.comments = ls[0], ls[1]
	return nil
}

// readThread publishes a thread's comments newer than its mark.
func (s *Source) readThread(ctx context.Context, pub ingest.Publisher, name string, t thread, count float64, now time.Time) (thread, error) {
	var page commentPage
	q := url.Values{"sort": {"new"}, "limit": {"500"}}
	if err := s.get(ctx, pub, "/comments/"+strings.TrimPrefix(name, "t3_"), q, &page); err != nil {
		return t, fmt.Errorf("comments of %s: %w", name, err)
	}
	var post item
	for _, c := range page.post.Data.Children {
		if c.Kind == "t3" {
			post = c.Data
			count = c.Data.NumComments
		}
	}
	newest := t.Newest
	var envs []event.Envelope
	for _, c := range flatten(page.comments.Data.Children, nil) {
		if p := c.problem("t1"); p != "" {
			s.rejectItem(ctx, pub, thing{Kind: "t1", Data: c}, p)
			continue
		}
		if !t.Newest.fresh(c.CreatedUTC, c.Name) {
			continue
		}
		env, err := s.wrap(c.commentMention(post), now)
		if err != nil {
			return t, err
		}
		envs = append(envs, env)
		newest.advance(c.CreatedUTC, c.Name)
	}
	if err := s.publish(ctx, pub, envs); err != nil {
		return t, err
	}
	t.Newest, t.Comments = newest, count
	return t, nil
}
