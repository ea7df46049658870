package main

// Months that intersect the time range, for roi_monthly.month (the first
// day of each month).
const monthFilter = "month >= toStartOfMonth($__fromTime) AND month <= toStartOfMonth($__toTime)"

// In these queries a computed column refers to the aliases of the sums
// beside it: an alias that shadows a column (sum(conversions) AS
// conversions) would otherwise nest one aggregate in another.

// conversions answers "what is it worth?": clicks, conversions and their
// value, ad spend, and ROI by month and by campaign. Money is never added
// across currencies: every money panel groups by currency.
func conversions() *dashboard {
	d := newDashboard("earshot-conversions-roi", "earshot — conversions & ROI",
		"Ad clicks, conversions and their value attributed by UTM, ad spend, and ROI per month (with the tool cost) and per campaign (ad spend only).",
		"now-90d", "business")
	d.Templating.List = []variable{
		queryVariable("brand", "Brand", "The own brand ROI is reported for.", `
			SELECT DISTINCT brand
			FROM roi_monthly FINAL
			ORDER BY brand`, false, refreshOnLoad),
		networkVariable(`
			SELECT DISTINCT network
			FROM
			(
			  SELECT network FROM conversions_daily FINAL
			  UNION ALL
			  SELECT network FROM ad_spend_daily FINAL
			)
			WHERE network != ''
			ORDER BY network`),
		campaignVariable(`
			SELECT DISTINCT campaign
			FROM
			(
			  SELECT campaign FROM conversions_daily FINAL
			  UNION ALL
			  SELECT campaign FROM ad_spend_daily FINAL
			)
			WHERE campaign != ''
			ORDER BY campaign`, refreshOnLoad),
	}

	l := d.layout()
	l.add(stat("Clicks and conversions", "Ad clicks (ad_spend_daily) and conversions attributed to the selected networks and campaigns (conversions_daily).", "short", `
		SELECT
		  (SELECT sum(clicks) FROM ad_spend_daily FINAL
		   WHERE $__dateFilter(day) AND `+networkFilter+` AND `+campaignFilter+`) AS ad_clicks,
		  (SELECT sum(conversions) FROM conversions_daily FINAL
		   WHERE $__dateFilter(day) AND `+networkFilter+` AND `+campaignFilter+`) AS conversions`), 8, 4)
	money := stat("Value and spend", "Attributed conversion value and ad spend per currency, and return on ad spend (value ÷ spend).", "short", `
		SELECT
		  currency,
		  sum(value) AS conversion_value,
		  sum(spend) AS ad_spend,
		  round(sum(value) / nullIf(sum(spend), 0), 2) AS return_on_ad_spend
		FROM
		(
		  SELECT currency, toDecimal64(value, 4) AS value, toDecimal64(0, 4) AS spend
		  FROM conversions_daily FINAL
		  WHERE $__dateFilter(day) AND `+networkFilter+` AND `+campaignFilter+`
		  UNION ALL
		  SELECT currency, toDecimal64(0, 4) AS value, toDecimal64(spend, 4) AS spend
		  FROM ad_spend_daily FINAL
		  WHERE $__dateFilter(day) AND `+networkFilter+` AND `+campaignFilter+`
		)
		GROUP BY currency
		ORDER BY currency`)
	money.Options["reduceOptions"] = defaults("values", true, "calcs", []string{}, "fields", "/^(conversion_value|ad_spend|return_on_ad_spend)$/")
	l.add(money, 8, 4)
	l.add(stat("ROI", "(attributed value − ad spend − tool cost) ÷ (ad spend + tool cost) × 100 over the months the range touches (roi_monthly, whole months), per currency.", "percent", `
		SELECT
		  currency,
		  round(100 * (toFloat64(sum(attributed_value)) - toFloat64(sum(total_cost))) / nullIf(toFloat64(sum(total_cost)), 0), 1) AS roi_pct
		FROM roi_monthly FINAL
		WHERE `+monthFilter+`
		  AND `+inBrand+`
		GROUP BY currency
		ORDER BY currency`), 8, 4)

	l.add(timeseries("Conversions per day", "Conversions per day and network, attributed by UTM source.", "short", `
		SELECT
		  toDateTime(day) AS time,
		  network,
		  sum(conversions) AS conversions
		FROM conversions_daily FINAL
		WHERE $__dateFilter(day)
		  AND `+networkFilter+`
		  AND `+campaignFilter+`
		GROUP BY day, network
		ORDER BY time, network`).stacked(true), 12, 8)
	l.add(timeseries("Value and spend per day", "Attributed conversion value and ad spend per day and currency.", "short", `
		SELECT
		  toDateTime(day) AS time,
		  currency,
		  sum(value) AS value,
		  sum(spend) AS spend
		FROM
		(
		  SELECT day, currency, toDecimal64(value, 4) AS value, toDecimal64(0, 4) AS spend
		  FROM conversions_daily FINAL
		  WHERE $__dateFilter(day) AND `+networkFilter+` AND `+campaignFilter+`
		  UNION ALL
		  SELECT day, currency, toDecimal64(0, 4) AS value, toDecimal64(spend, 4) AS spend
		  FROM ad_spend_daily FINAL
		  WHERE $__dateFilter(day) AND `+networkFilter+` AND `+campaignFilter+`
		)
		GROUP BY day, currency
		ORDER BY time, currency`), 12, 8)

	l.add(table("ROI by month", "roi_monthly: attributed value, ad spend, the monthly tool cost from config, and ROI = (value − cost) ÷ cost. Every own brand gets the same figures: never add brands up.", `
		SELECT
		  month,
		  currency,
		  sum(conversions) AS conversions,
		  sum(attributed_value) AS attributed_value,
		  sum(ad_spend) AS ad_spend,
		  sum(tool_cost) AS tool_cost,
		  sum(total_cost) AS total_cost,
		  round(100 * (toFloat64(attributed_value) - toFloat64(total_cost)) / nullIf(toFloat64(total_cost), 0), 1) AS roi_pct
		FROM roi_monthly FINAL
		WHERE `+monthFilter+`
		  AND `+inBrand+`
		GROUP BY month, currency
		ORDER BY month, currency`).withUnit("roi_pct", "percent"), 24, 7)

	l.add(table("By campaign", "Per campaign and currency over the range: ad clicks and spend, conversions and their value, cost per conversion, and return on ad spend (value ÷ spend). Campaign ROI leaves out the tool cost, which is per month.", `
		SELECT
		  if(campaign = '', '(none)', campaign) AS campaign,
		  currency,
		  sum(clicks) AS ad_clicks,
		  sum(spend) AS ad_spend,
		  sum(conversions) AS conversions,
		  sum(value) AS conversion_value,
		  round(toFloat64(ad_spend) / nullIf(conversions, 0), 2) AS cost_per_conversion,
		  round(toFloat64(conversion_value) / nullIf(toFloat64(ad_spend), 0), 2) AS return_on_ad_spend,
		  round(100 * (toFloat64(conversion_value) - toFloat64(ad_spend)) / nullIf(toFloat64(ad_spend), 0), 1) AS roi_pct
		FROM
		(
		  SELECT campaign, currency, 0 AS clicks, toDecimal64(0, 4) AS spend, conversions, toDecimal64(value, 4) AS value
		  FROM conversions_daily FINAL
		  WHERE $__dateFilter(day) AND `+networkFilter+` AND `+campaignFilter+`
		  UNION ALL
		  SELECT campaign, currency, clicks, toDecimal64(spend, 4) AS spend, 0 AS conversions, toDecimal64(0, 4) AS value
		  FROM ad_spend_daily FINAL
		  WHERE $__dateFilter(day) AND `+networkFilter+` AND `+campaignFilter+`
		)
		GROUP BY campaign, currency
		ORDER BY conversion_value DESC, campaign`).withUnit("roi_pct", "percent"), 24, 9)
	return d
}
