package main

// overview answers "how is the brand doing against its competitors right
// now?": KPIs with their change against the previous period, then the
// comparison panels. Its uid is linked from alert notifications.
func overview() *dashboard {
	d := newDashboard("earshot-overview", "earshot — brand overview",
		"Mentions, share of voice, sentiment and reach of the brand and its competitors, with the own-post, audience and conversion KPIs, each against the previous period of the same length.",
		"now-7d", "social-listening")
	d.Templating.List = []variable{brandVariable(), competitorsVariable(), networkVariable(mentionNetworks)}
	d.Annotations.List = append(d.Annotations.List, annotation{
		Name: "Spike alerts", Enable: true, IconColor: "red", Datasource: clickhouse,
		Target: ptr(sqlTarget("Anno", "table", sql(`
			SELECT
			  started_at AS time,
			  ended_at AS timeEnd,
			  summary AS text,
			  brand AS tags
			FROM alerts FINAL
			WHERE $__timeFilter(started_at)
			  AND `+inCompared+`
			ORDER BY time`))),
	})

	l := d.layout()
	l.add(kpi("Mentions", "Mentions of the brand in the range (mentions_hourly), and the change against the previous period.",
		"short", "vs_previous_pct", "percent", hourlyVsPrevious("mentions")), 4, 4)
	l.add(kpi("Potential reach", "Σ author followers over the brand's mentions (an author posting twice counts twice), and the change against the previous period.",
		"short", "vs_previous_pct", "percent", hourlyVsPrevious("potential_reach")), 4, 4)
	l.add(kpi("Net sentiment", "(positive − negative) ÷ all mentions × 100 of the brand, and the change in points against the previous period.",
		"none", "vs_previous_points", "none", `
		SELECT
		  round(cur, 1) AS net_sentiment,
		  round(cur - prev, 1) AS vs_previous_points
		FROM
		(
		  SELECT
		    100 * (toInt64(sumIf(positive, hour >= $__fromTime)) - toInt64(sumIf(negative, hour >= $__fromTime))) / nullIf(sumIf(mentions, hour >= $__fromTime), 0) AS cur,
		    100 * (toInt64(sumIf(positive, hour < $__fromTime)) - toInt64(sumIf(negative, hour < $__fromTime))) / nullIf(sumIf(mentions, hour < $__fromTime), 0) AS prev
		  FROM mentions_hourly FINAL
		  WHERE hour >= `+previousFrom+` AND hour <= $__toTime
		    AND network != 'all'
		    AND `+inBrand+`
		    AND `+networkFilter+`
		)`), 4, 4)
	l.add(kpi("Share of voice", "The brand's mentions ÷ mentions of the brand and the selected competitors × 100 (share_of_voice_daily), and the change in points.",
		"percent", "vs_previous_points", "none", `
		SELECT
		  round(cur, 1) AS share_of_voice,
		  round(cur - prev, 1) AS vs_previous_points
		FROM
		(
		  SELECT
		    100 * sumIf(mentions, day >= toDate($__fromTime) AND `+inBrand+`) / nullIf(sumIf(mentions, day >= toDate($__fromTime)), 0) AS cur,
		    100 * sumIf(mentions, day < toDate($__fromTime) AND `+inBrand+`) / nullIf(sumIf(mentions, day < toDate($__fromTime)), 0) AS prev
		  FROM share_of_voice_daily FINAL
		  WHERE day >= toDate(`+previousFrom+`) AND day <= toDate($__toTime)
		    AND network != 'all'
		    AND `+inCompared+`
		    AND `+networkFilter+`
		)`), 4, 4)
	l.add(kpi("Engagement rate (own posts)", "Σ engagement ÷ Σ reach × 100 over the own posts observed in the range, each post counted once with its last observation in the range (post_engagement_daily); change in points.",
		"percent", "vs_previous_points", "none", `
		SELECT
		  round(100 * sum(cur_engagement) / nullIf(sum(cur_reach), 0), 2) AS engagement_rate,
		  round(100 * sum(cur_engagement) / nullIf(sum(cur_reach), 0) - 100 * sum(prev_engagement) / nullIf(sum(prev_reach), 0), 2) AS vs_previous_points
		FROM
		(
		  SELECT
		    argMaxIf(engagement, day, day >= toDate($__fromTime)) AS cur_engagement,
		    argMaxIf(reach, day, day >= toDate($__fromTime)) AS cur_reach,
		    argMaxIf(engagement, day, day < toDate($__fromTime)) AS prev_engagement,
		    argMaxIf(reach, day, day < toDate($__fromTime)) AS prev_reach
		  FROM post_engagement_daily FINAL
		  WHERE day >= toDate(`+previousFrom+`) AND day <= toDate($__toTime)
		    AND `+networkFilter+`
		  GROUP BY network, account, post_id
		)`), 4, 4)
	l.add(kpi("Conversions", "Conversions attributed by UTM to the selected networks (conversions_daily), and the change against the previous period.",
		"short", "vs_previous_pct", "percent", `
		SELECT
		  cur AS conversions,
		  round(100 * (toFloat64(cur) - prev) / nullIf(prev, 0), 1) AS vs_previous_pct
		FROM
		(
		  SELECT sumIf(conversions, day >= toDate($__fromTime)) AS cur, sumIf(conversions, day < toDate($__fromTime)) AS prev
		  FROM conversions_daily FINAL
		  WHERE day >= toDate(`+previousFrom+`) AND day <= toDate($__toTime)
		    AND `+networkFilter+`
		)`), 4, 4)
	l.newLine()

	l.add(timeseries("Mentions per brand",
		"Mentions per brand per time bucket (at least one hour: the rollup is hourly), from mentions_hourly.", "short", `
		SELECT
		  toStartOfInterval(hour, INTERVAL greatest($__interval_s, 3600) SECOND) AS time,
		  brand,
		  sum(mentions) AS mentions
		FROM mentions_hourly FINAL
		WHERE $__timeFilter(hour)
		  AND network != 'all'
		  AND `+inCompared+`
		  AND `+networkFilter+`
		GROUP BY time, brand
		ORDER BY time, brand`), 16, 9)
	sov := barGauge("Share of voice (mentions)",
		"Each brand's mentions ÷ mentions of the brand and the selected competitors over the range (share_of_voice_daily).",
		"percent", "share_of_voice", `
		SELECT
		  brand,
		  round(100 * sum(mentions) / nullIf(sum(sum(mentions)) OVER (), 0), 1) AS share_of_voice
		FROM share_of_voice_daily FINAL
		WHERE $__dateFilter(day)
		  AND network != 'all'
		  AND `+inCompared+`
		  AND `+networkFilter+`
		GROUP BY brand
		ORDER BY share_of_voice DESC`)
	sov.FieldConfig.Defaults["max"] = 100
	sov.FieldConfig.Defaults["decimals"] = 1
	l.add(sov, 8, 9)

	net := barGauge("Net sentiment per brand",
		"(positive − negative) ÷ all mentions × 100, from mentions_hourly: −100 all negative, +100 all positive.",
		"none", "net_sentiment", `
		SELECT
		  brand,
		  round(100 * (toInt64(sum(positive)) - toInt64(sum(negative))) / nullIf(sum(mentions), 0), 1) AS net_sentiment
		FROM mentions_hourly FINAL
		WHERE $__timeFilter(hour)
		  AND network != 'all'
		  AND `+inCompared+`
		  AND `+networkFilter+`
		GROUP BY brand
		ORDER BY net_sentiment DESC`)
	net.FieldConfig.Defaults = defaults("unit", "none", "min", -100, "max", 100, "decimals", 1,
		"color", defaults("mode", "thresholds"),
		"thresholds", defaults("mode", "absolute", "steps", []any{
			defaults("color", "red", "value", nil),
			defaults("color", "orange", "value", -10),
			defaults("color", "yellow", "value", 0),
			defaults("color", "green", "value", 10),
		}))
	net.Options["displayMode"] = "basic"
	l.add(net, 8, 8)

	l.add(barChart("Potential and unique reach per brand",
		"Potential reach: Σ author followers over all mentions (mentions_hourly). Unique reach: each author counted once over the range, with the most followers seen, over the whole UTC days the range touches; estimated from a fixed 1/16 sample of authors scaled by 16 when there are many (author_reach_monthly; about ±1.2% for a brand with 100k authors, see docs/metrics.md), because adding up millions of distinct authors exactly takes seconds.",
		"short", "brand", `
		SELECT
		  p.brand AS brand,
		  p.potential_reach AS potential_reach,
		  u.unique_reach AS unique_reach
		FROM
		(
		  SELECT brand, sum(potential_reach) AS potential_reach
		  FROM mentions_hourly FINAL
		  WHERE $__timeFilter(hour)
		    AND network != 'all'
		    AND `+inCompared+`
		    AND `+networkFilter+`
		  GROUP BY brand
		) AS p
		LEFT JOIN
		(
		  SELECT brand, sum(followers) AS unique_reach
		  FROM
		  (
		    SELECT brand, network, author, max(followers) AS followers
		    FROM author_reach_monthly
		    WHERE `+authorsInRange+`
		      AND NOT `+manyAuthors+`
		    GROUP BY brand, network, author
		    UNION ALL
		    SELECT brand, network, author, 16 * max(followers) AS followers
		    FROM author_reach_monthly SAMPLE 1/16
		    WHERE `+authorsInRange+`
		      AND `+manyAuthors+`
		    GROUP BY brand, network, author
		  )
		  GROUP BY brand
		) AS u ON p.brand = u.brand
		ORDER BY potential_reach DESC`), 10, 8)
	l.add(pieChart("Mentions by network", "Mentions of the brand and the selected competitors per network (mentions_hourly).", "mentions", `
		SELECT
		  network,
		  sum(mentions) AS mentions
		FROM mentions_hourly FINAL
		WHERE $__timeFilter(hour)
		  AND network != 'all'
		  AND `+inCompared+`
		  AND `+networkFilter+`
		GROUP BY network
		ORDER BY mentions DESC`), 6, 8)

	latest := table("Latest mentions", "The 100 newest mentions of the brand and the selected competitors (mentions, deduplicated with FINAL).", `
		SELECT
		  created_at AS time,
		  network,
		  author_handle AS author,
		  text,
		  sentiment_label AS sentiment,
		  arrayStringConcat(brands, ', ') AS mentioned_brands,
		  url
		FROM mentions FINAL
		WHERE $__timeFilter_ms(created_at)
		  AND created_at >= `+newestBuckets+`
		  AND `+hasCompared+`
		  AND `+networkFilter+`
		ORDER BY created_at DESC
		LIMIT 100`).sentimentColors("sentiment").withLink("url", "Open mention")
	latest.Options["sortBy"] = []any{defaults("displayName", "time", "desc", true)}
	l.add(latest, 24, 12)
	return d
}

func ptr[T any](v T) *T { return &v }

// hourlyVsPrevious is a KPI query over mentions_hourly: the sum of col in
// the range and its change in percent against the previous period of the
// same length.
func hourlyVsPrevious(col string) string {
	return `
		SELECT
		  cur AS ` + col + `,
		  round(100 * (toFloat64(cur) - prev) / nullIf(prev, 0), 1) AS vs_previous_pct
		FROM
		(
		  SELECT sumIf(` + col + `, hour >= $__fromTime) AS cur, sumIf(` + col + `, hour < $__fromTime) AS prev
		  FROM mentions_hourly FINAL
		  WHERE hour >= ` + previousFrom + ` AND hour <= $__toTime
		    AND network != 'all'
		    AND ` + inBrand + `
		    AND ` + networkFilter + `
		)`
}

// authorsInRange selects the author_reach_monthly rows of the compared
// brands and networks with a mention in the whole UTC days the range
// touches: their month overlaps it, and so do their days (bit 0 = the 1st).
const authorsInRange = `month >= toStartOfMonth($__fromTime) AND month <= toDate($__toTime)
		      AND ` + inCompared + `
		      AND ` + networkFilter + `
		      AND bitAnd(days, bitShiftLeft(toUInt64(1), toUInt8(least(toDate($__toTime), toLastDayOfMonth(month)) - month + 1))
		        - bitShiftLeft(toUInt64(1), toUInt8(greatest(toDate($__fromTime), month) - month))) != 0`

// manyAuthors is true when the months of the range hold more than 300k
// author rows for the compared brands: summing them exactly would take
// longer than a dashboard may (about 1 s per 4M), so unique reach is then
// estimated from the 1/16 of authors whose hash is smallest, scaled by 16.
// The scalar subquery is evaluated first, so only one branch reads.
const manyAuthors = `((SELECT count() FROM author_reach_monthly
		        WHERE month >= toStartOfMonth($__fromTime) AND month <= toDate($__toTime) AND ` + inCompared + `) > 300000)`

// newestBuckets is the start of the newest 5-minute buckets of mentions_5m
// that hold at least 100 mentions of the compared brands, so the Latest
// mentions table reads those minutes of mentions instead of the whole
// range. mentions_5m counts a mention once per brand it names (and once
// per item: the sink marks the versions it collects again), so a need of
// 100 × the number of brands is enough to find 100 distinct mentions; with
// fewer in the range it is the range's start.
const newestBuckets = `(
		    SELECT min(bucket)
		    FROM
		    (
		      SELECT bucket, n, sum(n) OVER (ORDER BY bucket DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS up_to_here
		      FROM
		      (
		        SELECT bucket, countMerge(mentions) AS n
		        FROM mentions_5m
		        WHERE bucket >= toStartOfFiveMinutes($__fromTime) AND bucket <= $__toTime
		          AND ` + inCompared + `
		          AND ` + networkFilter + `
		        GROUP BY bucket
		      )
		    )
		    WHERE up_to_here - n < 100 * length([${brand:singlequote}, ${competitors:singlequote}])
		  )`
