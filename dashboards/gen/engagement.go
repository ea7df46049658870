package main

// postsInRange is each own post once, with its last observation in the
// range: post_engagement_daily holds lifetime totals per day, so summing
// days would count a post again every day it was observed. The filters sit
// in an inner query because the aggregates take the columns' names, and
// ClickHouse resolves a WHERE identifier to a SELECT alias first.
const postsInRange = `
		  SELECT
		    network, account, post_id,
		    argMax(campaign, day) AS campaign,
		    argMax(engagement, day) AS engagement,
		    argMax(reach, day) AS reach,
		    argMax(impressions, day) AS impressions,
		    argMax(followers, day) AS followers,
		    argMax(clicks, day) AS clicks
		  FROM
		  (
		    SELECT *
		    FROM post_engagement_daily FINAL
		    WHERE $__dateFilter(day)
		      AND ` + networkFilter + `
		      AND ` + campaignFilter + `
		  )
		  GROUP BY network, account, post_id`

// engagement answers "are people engaging with our posts, and how many do
// we reach?": the three engagement rates (Σ ÷ Σ), impressions, reach and
// the best posts.
func engagement() *dashboard {
	d := newDashboard("earshot-engagement", "earshot — engagement & reach",
		"Own posts: engagement rate by reach (the default), by impressions and by followers, impressions and reach, and the top posts.",
		"now-30d", "own-posts")
	d.Templating.List = []variable{
		networkVariable(`
			SELECT DISTINCT network
			FROM post_engagement_daily FINAL
			ORDER BY network`),
		campaignVariable(`
			SELECT DISTINCT campaign
			FROM post_engagement_daily FINAL
			WHERE campaign != ''
			ORDER BY campaign`, refreshOnLoad),
	}

	l := d.layout()
	rates := stat("Engagement rate", "Σ engagement ÷ Σ reach, impressions and followers × 100 over the posts observed in the range, each with its last observation (never an average of per-post rates).", "percent", `
		SELECT
		  round(100 * sum(engagement) / nullIf(sum(reach), 0), 2) AS by_reach,
		  round(100 * sum(engagement) / nullIf(sum(impressions), 0), 2) AS by_impressions,
		  round(100 * sum(engagement) / nullIf(sum(followers), 0), 2) AS by_followers
		FROM
		(`+postsInRange+`
		)`)
	l.add(rates, 12, 4)
	l.add(stat("Totals", "Posts observed in the range and their impressions, reach, engagement and clicks as of their last observation.", "short", `
		SELECT
		  count() AS posts,
		  sum(impressions) AS impressions,
		  sum(reach) AS reach,
		  sum(engagement) AS engagement,
		  sum(clicks) AS clicks
		FROM
		(`+postsInRange+`
		)`), 12, 4)

	l.add(timeseries("Engagement rate over time", "Per day, Σ engagement ÷ Σ reach (impressions, followers) × 100 over the posts observed that day, from their lifetime totals as of that day.", "percent", `
		SELECT
		  toDateTime(day) AS time,
		  round(100 * sum(engagement) / nullIf(sum(reach), 0), 2) AS by_reach,
		  round(100 * sum(engagement) / nullIf(sum(impressions), 0), 2) AS by_impressions,
		  round(100 * sum(engagement) / nullIf(sum(followers), 0), 2) AS by_followers
		FROM post_engagement_daily FINAL
		WHERE $__dateFilter(day)
		  AND `+networkFilter+`
		  AND `+campaignFilter+`
		GROUP BY day
		ORDER BY time`), 12, 8)
	// The day's growth of each post's lifetime counters. The previous day is
	// looked up over all earlier days, so a post's first day in the range
	// counts only what it gained that day, not its whole history.
	l.add(timeseries("Impressions and reach gained per day", "Per day, the growth of the own posts' impressions and reach since their previous observation (a new post counts its first totals).", "short", `
		SELECT
		  toDateTime(day) AS time,
		  sum(impressions_gained) AS impressions,
		  sum(reach_gained) AS reach
		FROM
		(
		  SELECT
		    day,
		    toInt64(impressions) - toInt64(lagInFrame(impressions, 1, 0) OVER w) AS impressions_gained,
		    toInt64(reach) - toInt64(lagInFrame(reach, 1, 0) OVER w) AS reach_gained
		  FROM post_engagement_daily FINAL
		  WHERE day <= toDate($__toTime)
		    AND `+networkFilter+`
		    AND `+campaignFilter+`
		  WINDOW w AS (PARTITION BY network, account, post_id ORDER BY day ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
		)
		WHERE $__dateFilter(day)
		GROUP BY day
		ORDER BY time`).stacked(true), 12, 8)

	l.add(barChart("Engagement rate by network", "Σ engagement ÷ Σ reach (impressions, followers) × 100 per network over the range.", "percent", "network", `
		SELECT
		  network,
		  round(100 * sum(engagement) / nullIf(sum(reach), 0), 2) AS by_reach,
		  round(100 * sum(engagement) / nullIf(sum(impressions), 0), 2) AS by_impressions,
		  round(100 * sum(engagement) / nullIf(sum(followers), 0), 2) AS by_followers
		FROM
		(`+postsInRange+`
		)
		GROUP BY network
		ORDER BY network`), 8, 9)
	l.add(barChart("Impressions and reach by network", "Impressions and reach of the own posts per network, as of their last observation in the range.", "short", "network", `
		SELECT
		  network,
		  sum(impressions) AS impressions,
		  sum(reach) AS reach
		FROM
		(`+postsInRange+`
		)
		GROUP BY network
		ORDER BY impressions DESC`), 8, 9)
	l.add(barChart("Engagement rate by campaign", "Σ engagement ÷ Σ reach × 100 per campaign (posts without a campaign under \"(none)\").", "percent", "campaign", `
		SELECT
		  if(campaign = '', '(none)', campaign) AS campaign,
		  round(100 * sum(engagement) / nullIf(sum(reach), 0), 2) AS by_reach
		FROM
		(`+postsInRange+`
		)
		GROUP BY campaign
		ORDER BY by_reach DESC`), 8, 9)

	l.add(table("Top posts", "The own posts with the most engagement, as of their last observation in the range, with their rates.", `
		SELECT
		  p.network AS network,
		  p.account AS account,
		  p.post_id AS post_id,
		  p.campaign AS campaign,
		  p.engagement AS engagement,
		  p.reach AS reach,
		  p.impressions AS impressions,
		  p.clicks AS clicks,
		  round(100 * p.engagement / nullIf(p.reach, 0), 2) AS rate_by_reach,
		  round(100 * p.engagement / nullIf(p.impressions, 0), 2) AS rate_by_impressions,
		  u.url AS url
		FROM
		(`+postsInRange+`
		) AS p
		LEFT JOIN
		(
		  SELECT network, account, post_id, url
		  FROM post_metrics FINAL
		  WHERE `+networkFilter+`
		) AS u ON p.network = u.network AND p.account = u.account AND p.post_id = u.post_id
		ORDER BY engagement DESC, post_id
		LIMIT 20`).withUnit("rate_by_reach", "percent").withUnit("rate_by_impressions", "percent").withLink("url", "Open post"), 24, 10)
	return d
}
