package youtube

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
)

// videosBatch is the most ids videos.list takes in one call.
const videosBatch = 50

// ownChannel publishes the channel's subscriber count and the metrics of
// its recent uploads. Both are observations, not items: each poll makes
// new ones, with ids carrying the observation time, and nothing to
// checkpoint.
func (s *Source) ownChannel(ctx context.Context, pub ingest.Publisher, now time.Time) error {
	var chs channelList
	q := url.Values{"part": {"contentDetails,statistics"}, "id": {s.cfg.ChannelID}}
	if err := s.get(ctx, pub, "/channels", q, &chs); err != nil {
		return fmt.Errorf("channel %s: %w", s.cfg.ChannelID, err)
	}
	if len(chs.Items) == 0 {
		return fmt.Errorf("channel %s not found: check channel_id", s.cfg.ChannelID)
	}
	ch := chs.Items[0]
	stamp := now.UTC().Format("20060102T150405.000Z")
	if !ch.Statistics.HiddenSubscriberCount {
		a := event.AudienceSnapshot{Network: network, Account: s.cfg.Account,
			Followers: uint64(ch.Statistics.SubscriberCount), ObservedAt: now.UTC()}
		env, err := event.Wrap(event.SchemaAudience, event.ID(network, s.cfg.ChannelID+"@"+stamp), s.cfg.Name, now, a)
		if err != nil {
			return err
		}
		if err := s.publish(ctx, pub, []event.Envelope{env}); err != nil {
			return err
		}
	}
	uploads := ch.ContentDetails.RelatedPlaylists.Uploads
	if uploads == "" {
		return fmt.Errorf("channel %s lists no uploads playlist", s.cfg.ChannelID)
	}
	ids, err := s.recentUploads(ctx, pub, uploads, now)
	if err != nil {
		return err
	}
	for batch := range slices.Chunk(ids, videosBatch) {
		var vs videoList
		q := url.Values{"part": {"statistics,snippet"}, "id": {strings.Join(batch, ",")}, "maxResults": {fmt.Sprint(videosBatch)}}
		if err := s.get(ctx, pub, "/videos", q, &vs); err != nil {
			return fmt.Errorf("statistics of %d videos: %w", len(batch), err)
		}
		envs := make([]event.Envelope, 0, len(vs.Items))
		for _, v := range vs.Items {
			if v.ID == "" || v.Snippet.PublishedAt.IsZero() {
				s.rejectItem(ctx, pub, "video/"+v.ID, v, "video without an id or publishedAt")
				continue
			}
			env, err := event.Wrap(event.SchemaPostMetrics, event.ID(network, v.ID+"@"+stamp), s.cfg.Name, now, s.metricsOf(v, now))
			if err != nil {
				return err
			}
			envs = append(envs, env)
		}
		if err := s.publish(ctx, pub, envs); err != nil {
			return err
		}
	}
	return nil
}

// recentUploads lists the uploads playlist, newest first, down to the
// video window or max_videos.
func (s *Source) recentUploads(ctx context.Context, pub ingest.Publisher, playlist string, now time.Time) ([]string, error) {
	cutoff := now.Add(-s.cfg.VideoWindow)
	q := url.Values{"part": {"contentDetails"}, "playlistId": {playlist}, "maxResults": {"50"}}
	var ids []string
	token := ""
	for range maxPages {
		if token != "" {
			q.Set("pageToken", token)
		}
		var page playlistItemList
		if err := s.get(ctx, pub, "/playlistItems", q, &page); err != nil {
			return nil, fmt.Errorf("uploads of %s: %w", s.cfg.ChannelID, err)
		}
		for _, it := range page.Items {
			cd := it.ContentDetails
			if cd.VideoID == "" || slices.Contains(ids, cd.VideoID) {
				continue
			}
			// Private and deleted videos have no videoPublishedAt; their
			// statistics are not public either, so they are skipped.
			published, err := time.Parse(time.RFC3339, cd.VideoPublishedAt)
			if err != nil {
				continue
			}
			if published.Before(cutoff) {
				return ids, nil
			}
			ids = append(ids, cd.VideoID)
			if len(ids) >= s.cfg.MaxVideos {
				return ids, nil
			}
		}
		if page.NextPageToken == "" || page.NextPageToken == token {
			break
		}
		token = page.NextPageToken
	}
	return ids, nil
}

// metricsOf maps a video's public statistics. Impressions and reach are
// only in YouTube Analytics (OAuth, the channel owner's consent): 0 here.
func (s *Source) metricsOf(v video, now time.Time) event.PostMetrics {
	campaign := s.cfg.Campaign
	if campaign == "" {
		campaign = ingest.CampaignFromText(v.Snippet.Description)
	}
	return event.PostMetrics{
		Network:     network,
		Account:     s.cfg.Account,
		PostID:      v.ID,
		URL:         "https://www.youtube.com/watch?v=" + url.QueryEscape(v.ID),
		Campaign:    campaign,
		PublishedAt: v.Snippet.PublishedAt.UTC(),
		ObservedAt:  now.UTC(),
		Likes:       uint64(v.Statistics.LikeCount),
		Comments:    uint64(v.Statistics.CommentCount),
		VideoViews:  uint64(v.Statistics.ViewCount),
	}
}
