package main

// audienceChange is, per account, its followers at the end of the range and
// on its last day before the range; growth compares only accounts that have
// both, so an account added mid-range is not counted as growth.
const audienceChange = `
		  SELECT
		    network, account,
		    argMaxIf(followers, day, day <= toDate($__toTime)) AS followers_end,
		    argMaxIf(followers, day, day < toDate($__fromTime)) AS followers_start,
		    countIf(day < toDate($__fromTime)) > 0 AS has_start
		  FROM audience_daily FINAL
		  WHERE day <= toDate($__toTime)
		    AND ` + networkFilter + `
		  GROUP BY network, account`

// audience answers "is our audience growing?": followers per network over
// time, the daily change, and growth over the range per account.
func audience() *dashboard {
	d := newDashboard("earshot-audience", "earshot — audience",
		"Followers of the own accounts per network, their daily change and the growth over the range (audience_daily).",
		"now-30d", "own-posts")
	d.Templating.List = []variable{networkVariable(`
		SELECT DISTINCT network
		FROM audience_daily FINAL
		ORDER BY network`)}

	l := d.layout()
	l.add(kpi("Followers", "Followers of the selected accounts at the end of the range, and their growth since the day before the range (accounts with a snapshot before the range).",
		"short", "growth_pct", "percent", `
		SELECT
		  sum(followers_end) AS followers,
		  round(100 * (toFloat64(sumIf(followers_end, has_start)) - sumIf(followers_start, has_start)) / nullIf(sumIf(followers_start, has_start), 0), 2) AS growth_pct
		FROM
		(`+audienceChange+`
		)`), 8, 4)
	l.add(stat("Followers gained", "Σ of the daily follower changes in the range (days whose previous day has no snapshot count nothing).", "short", `
		SELECT
		  sum(delta) AS followers_gained,
		  coalesce(sumIf(delta, delta > 0), 0) AS gained_on_growing_days,
		  coalesce(sumIf(delta, delta < 0), 0) AS lost_on_shrinking_days
		FROM audience_daily FINAL
		WHERE $__dateFilter(day)
		  AND `+networkFilter), 16, 4)

	l.add(timeseries("Followers per network", "Followers per network, from each account's snapshot of the day.", "short", `
		SELECT
		  toDateTime(day) AS time,
		  network,
		  sum(followers) AS followers
		FROM audience_daily FINAL
		WHERE $__dateFilter(day)
		  AND `+networkFilter+`
		GROUP BY day, network
		ORDER BY time, network`), 12, 9)
	l.add(timeseries("Follower change per day", "Followers gained (or lost) per day and network; a day after a gap has no change.", "short", `
		SELECT
		  toDateTime(day) AS time,
		  network,
		  sum(delta) AS followers_change
		FROM audience_daily FINAL
		WHERE $__dateFilter(day)
		  AND `+networkFilter+`
		  AND delta IS NOT NULL
		GROUP BY day, network
		ORDER BY time, network`).stacked(true), 12, 9)

	l.add(table("Growth per account", "Per account: followers at the end of the range, on the day before the range, the change and the growth in % of the latter.", `
		SELECT
		  network,
		  account,
		  followers_end AS followers,
		  if(has_start, followers_start, NULL) AS followers_before,
		  if(has_start, toInt64(followers_end) - toInt64(followers_start), NULL) AS change,
		  if(has_start AND followers_start > 0, round(100 * (toFloat64(followers_end) - followers_start) / followers_start, 2), NULL) AS growth_pct
		FROM
		(`+audienceChange+`
		)
		ORDER BY network, account`).withUnit("growth_pct", "percent"), 24, 9)
	return d
}
