package rollup

import (
	"context"
	"fmt"
	"time"
)

// recomputeSocial rebuilds post_engagement_daily and audience_daily for
// every UTC day touching [from, to). audience_daily is also rebuilt for the
// day after the window: its previous-day columns read the window's last
// day, so a late snapshot there must reach the next day's delta too.
func (j *Job) recomputeSocial(ctx context.Context, from, to time.Time) error {
	from, to = from.UTC(), to.UTC()
	if !from.Before(to) {
		return nil
	}
	dFrom, dTo := day(from), ceil(to, 24*time.Hour)
	if err := j.Store.Exec(ctx, postEngagementSQL(dFrom, dTo)); err != nil {
		return fmt.Errorf("rollup post_engagement_daily %s..%s: %w", dFrom.Format(time.DateOnly), dTo.Format(time.DateOnly), err)
	}
	aTo := dTo.AddDate(0, 0, 1)
	if err := j.Store.Exec(ctx, audienceSQL(dFrom, aTo)); err != nil {
		return fmt.Errorf("rollup audience_daily %s..%s: %w", dFrom.Format(time.DateOnly), aTo.Format(time.DateOnly), err)
	}
	return nil
}

// engagementExpr is engagement by the per-network definitions of DESIGN §4
// (Talkwalker/Hootsuite). The collectors map each platform's counters onto
// likes/shares/comments/saves: Facebook reactions are likes; X reposts and
// quotes are shares, replies comments and bookmarks saves; Mastodon
// favourites and boosts, Bluesky likes and reposts, are likes and shares.
// Instagram and YouTube count only likes and comments, so their shares and
// saves stay out. Any other network gets likes + shares + comments.
const engagementExpr = `multiIf(
        network = 'facebook', shares + likes + comments,
        network = 'instagram', likes + comments,
        network = 'linkedin', likes + shares + comments,
        network IN ('x', 'twitter'), shares + likes + comments + saves,
        network = 'youtube', likes + comments,
        likes + shares + comments)`

// postEngagementSQL takes each post's last observation of each day.
// post_metrics is read without FINAL on purpose: FINAL would collapse a post
// to its newest observation and leave no value for the earlier days. Once
// ClickHouse merges a post's older observations away, a rerun over those
// days finds no rows for the post and inserts nothing, so the day's row
// computed earlier stays as it was. The whole tuple comes from one argMax so
// all counters belong to the same observation even when two share a time.
func postEngagementSQL(from, to time.Time) string {
	return fmt.Sprintf(`INSERT INTO post_engagement_daily
    (day, network, account, post_id, campaign, impressions, reach, likes, comments, shares, saves,
     engagement, clicks, video_views, followers,
     engagement_rate_reach, engagement_rate_impressions, engagement_rate_followers, computed_at)
SELECT p.day, p.network, p.account, p.post_id, p.campaign, p.impressions, p.reach, p.likes, p.comments,
       p.shares, p.saves, p.engagement, p.clicks, p.video_views, a.followers,
       if(p.reach = 0, 0, p.engagement / p.reach * 100),
       if(p.impressions = 0, 0, p.engagement / p.impressions * 100),
       if(a.followers = 0, 0, p.engagement / a.followers * 100),
       now64(3)
FROM
(
    SELECT day, network, account, post_id,
           s.1 AS campaign, s.2 AS impressions, s.3 AS reach, s.4 AS likes, s.5 AS comments,
           s.6 AS shares, s.7 AS saves, s.8 AS clicks, s.9 AS video_views,
           %[3]s AS engagement
    FROM
    (
        SELECT toDate(observed_at) AS day, network, account, post_id,
               argMax((campaign, impressions, reach, likes, comments, shares, saves, clicks, video_views),
                      observed_at) AS s
        FROM post_metrics
        WHERE observed_at >= toDateTime64('%[1]s', 3, 'UTC') AND observed_at < toDateTime64('%[2]s', 3, 'UTC')
        GROUP BY day, network, account, post_id
    )
) AS p
LEFT JOIN
(
    SELECT toDate(observed_at) AS day, network, account, argMax(followers, observed_at) AS followers
    FROM audience_snapshots FINAL
    WHERE observed_at >= toDateTime64('%[1]s', 3, 'UTC') AND observed_at < toDateTime64('%[2]s', 3, 'UTC')
    GROUP BY day, network, account
) AS a ON a.day = p.day AND a.network = p.network AND a.account = p.account
SETTINGS join_use_nulls = 0`, from.Format(sqlTime), to.Format(sqlTime), engagementExpr)
}

// audienceSQL reads one day before the window so the window's first day has
// its previous day, and takes the previous row per account with lagInFrame.
// The previous row only counts when it is the previous calendar day: across
// a gap the columns are NULL rather than a two-day change posing as one.
func audienceSQL(from, to time.Time) string {
	return fmt.Sprintf(`INSERT INTO audience_daily
    (day, network, account, followers, prev_followers, delta, growth_pct, computed_at)
SELECT day, network, account, followers, prev,
       toInt64(followers) - toInt64(prev),
       if(prev > 0, (toInt64(followers) - toInt64(prev)) / prev * 100, NULL),
       now64(3)
FROM
(
    SELECT day, network, account, followers,
           if(lagInFrame(toNullable(day)) OVER w = day - 1, lagInFrame(toNullable(followers)) OVER w, NULL) AS prev
    FROM
    (
        SELECT toDate(observed_at) AS day, network, account, argMax(followers, observed_at) AS followers
        FROM audience_snapshots FINAL
        WHERE observed_at >= toDateTime64('%[1]s', 3, 'UTC') - INTERVAL 1 DAY
          AND observed_at < toDateTime64('%[2]s', 3, 'UTC')
        GROUP BY day, network, account
    )
    WINDOW w AS (PARTITION BY network, account ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
)
WHERE day >= toDate('%[3]s')`, from.Format(sqlTime), to.Format(sqlTime), from.Format(time.DateOnly))
}
