package youtube

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
)

// stream is one commentThreads.list filter with its own cursor.
type stream struct {
	param string // allThreadsRelatedToChannelId or videoId
	id    string
}

func (st stream) String() string {
	if st.param == "videoId" {
		return "video:" + st.id
	}
	return "channel:" + st.id
}

func (s *Source) streams() []stream {
	var out []stream
	if s.cfg.ChannelID != "" {
		out = append(out, stream{"allThreadsRelatedToChannelId", s.cfg.ChannelID})
	}
	for _, v := range s.cfg.Videos {
		out = append(out, stream{"videoId", v})
	}
	return out
}

// mark is the newest publishedAt collected and the comment ids published
// at that instant, so a second comment with the same time is not lost.
type mark struct {
	At  time.Time `json:"at"`
	IDs []string  `json:"ids,omitempty"`
}

func (m mark) fresh(t time.Time, id string) bool {
	return t.After(m.At) || (t.Equal(m.At) && !slices.Contains(m.IDs, id))
}

func (m *mark) advance(t time.Time, id string) {
	switch {
	case t.After(m.At):
		m.At, m.IDs = t, []string{id}
	case t.Equal(m.At) && !slices.Contains(m.IDs, id):
		m.IDs = append(m.IDs, id)
	}
}

// cursor is a stream's checkpoint.
type cursor struct {
	Newest mark `json:"newest"`
}

// comments pages back through a stream's newest comment threads until
// the cursor (on a first run: the backfill horizon), publishing page by
// page, then saves the cursor.
func (s *Source) comments(ctx context.Context, pub ingest.Publisher, st stream, now time.Time) error {
	key := s.cfg.Name + "/" + st.String()
	cur, _, err := ingest.LoadCursor[cursor](ctx, s.ckpt, s.log, key)
	if err != nil {
		return err
	}
	first := cur.Newest.At.IsZero()
	horizon := now.Add(-s.cfg.Backfill)
	q := url.Values{"part": {"snippet"}, st.param: {st.id}, "order": {"time"}, "maxResults": {"100"}, "textFormat": {"plainText"}}
	newest := cur.Newest
	token := ""
	for range maxPages {
		if token != "" {
			q.Set("pageToken", token)
		}
		var page commentThreadList
		if err := s.get(ctx, pub, "/commentThreads", q, &page); err != nil {
			if hasReason(err, "commentsDisabled") {
				s.log.Info("comments are disabled on a watched video", "video", st.id)
				return nil
			}
			return fmt.Errorf("comments of %s: %w", st, err)
		}
		var envs []event.Envelope
		done := false
		for _, th := range page.Items {
			c := th.Snippet.TopLevelComment
			if c.ID == "" || c.Snippet.PublishedAt.IsZero() {
				s.rejectItem(ctx, pub, "commentThread/"+th.ID, th, "comment thread without a top-level comment id or publishedAt")
				continue
			}
			at := c.Snippet.PublishedAt
			// order=time: past the cursor or the horizon, the rest is older still.
			if at.Before(cur.Newest.At) || (first && s.cfg.Backfill > 0 && at.Before(horizon)) {
				done = true
				break
			}
			if !cur.Newest.fresh(at, c.ID) {
				continue
			}
			env, err := event.Wrap(event.SchemaMention, event.ID(network, c.ID), s.cfg.Name, now, th.mention())
			if err != nil {
				return err
			}
			envs = append(envs, env)
			newest.advance(at, c.ID)
		}
		if err := s.publish(ctx, pub, envs); err != nil {
			return err
		}
		next := page.NextPageToken
		if done || next == "" || next == token || (first && s.cfg.Backfill <= 0) {
			break
		}
		token = next
	}
	return ingest.SaveCursor(ctx, s.ckpt, key, cursor{Newest: newest})
}

func (th commentThread) mention() event.Mention {
	c := th.Snippet.TopLevelComment
	vid := th.Snippet.VideoID
	if vid == "" {
		vid = c.Snippet.VideoID
	}
	text := c.Snippet.TextOriginal
	// textOriginal is only guaranteed to the comment's author; with
	// textFormat=plainText, textDisplay is the same text.
	if text == "" {
		text = c.Snippet.TextDisplay
	}
	author := event.Author{ID: c.Snippet.AuthorChannelID.Value, Handle: c.Snippet.AuthorDisplayName}
	if author.ID == "" {
		author.ID = c.Snippet.AuthorDisplayName
	}
	if author.ID == "" {
		author.ID = "unknown"
	}
	m := event.Mention{
		Network:   network,
		NativeID:  c.ID,
		Kind:      event.KindComment,
		Author:    author,
		Text:      text,
		ParentID:  vid,
		Likes:     uint64(c.Snippet.LikeCount),
		Comments:  uint64(th.Snippet.TotalReplyCount),
		CreatedAt: c.Snippet.PublishedAt.UTC(),
	}
	if vid != "" {
		m.URL = "https://www.youtube.com/watch?v=" + url.QueryEscape(vid) + "&lc=" + url.QueryEscape(c.ID)
	}
	return m
}
