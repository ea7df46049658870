package rollup

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// recomputeBusiness rebuilds conversions_daily and ad_spend_daily for every
// UTC day touching [from, to), and roi_monthly for every UTC month touching
// it, for each brand in owned. monthlyCost is the tool/staff cost of one
// month, in currency; it is charged in full to every month, the current one
// included. With no owned brand there is nobody to attribute ROI to, so
// roi_monthly is left alone and the daily tables are still rebuilt.
func (j *Job) recomputeBusiness(ctx context.Context, from, to time.Time, owned []string, monthlyCost float64, currency string) error {
	from, to = from.UTC(), to.UTC()
	if !from.Before(to) {
		return nil
	}
	if math.IsNaN(monthlyCost) || math.IsInf(monthlyCost, 0) || monthlyCost < 0 {
		return fmt.Errorf("rollup roi_monthly: monthly cost %v is not a non-negative amount", monthlyCost)
	}
	dFrom, dTo := day(from), ceil(to, 24*time.Hour)
	if err := j.Store.Exec(ctx, conversionsDailySQL(dFrom, dTo)); err != nil {
		return fmt.Errorf("rollup conversions_daily %s..%s: %w", dFrom.Format(time.DateOnly), dTo.Format(time.DateOnly), err)
	}
	if err := j.Store.Exec(ctx, adSpendDailySQL(dFrom, dTo)); err != nil {
		return fmt.Errorf("rollup ad_spend_daily %s..%s: %w", dFrom.Format(time.DateOnly), dTo.Format(time.DateOnly), err)
	}
	if len(owned) == 0 {
		return nil
	}
	mFrom, mTo := businessMonth(from), businessMonth(to.Add(-time.Nanosecond)).AddDate(0, 1, 0)
	q, err := roiMonthlySQL(mFrom, mTo, owned, monthlyCost, currency)
	if err != nil {
		return fmt.Errorf("rollup roi_monthly %s..%s: %w", mFrom.Format(time.DateOnly), mTo.Format(time.DateOnly), err)
	}
	if err := j.Store.Exec(ctx, q); err != nil {
		return fmt.Errorf("rollup roi_monthly %s..%s: %w", mFrom.Format(time.DateOnly), mTo.Format(time.DateOnly), err)
	}
	return nil
}

func businessMonth(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// utmNetworkExpr maps a UTM source (or an ad platform's network name) to the
// network it stands for, case-insensitively: the spellings campaigns use for
// the social networks collapse to the network names the collectors use, and
// anything else (newsletter, google, partner sites) stays itself, lowercased
// and trimmed so "Newsletter" and "newsletter " are one source. Mastodon,
// Bluesky and Reddit need no entry: their usual spelling is already the
// network name.
func utmNetworkExpr(col string) string {
	return fmt.Sprintf(`transform(lowerUTF8(trimBoth(toString(%[1]s))),
        ['facebook', 'fb', 'meta', 'instagram', 'ig', 'linkedin', 'twitter', 'x', 't.co', 'youtube'],
        ['facebook', 'facebook', 'facebook', 'instagram', 'instagram', 'linkedin', 'x', 'x', 'x', 'youtube'],
        lowerUTF8(trimBoth(toString(%[1]s))))`, col)
}

// SocialNetworks is the SQL tuple of the networks whose conversions and
// spend count towards ROI: paid search, e-mail and referrals are not social
// media's doing. The monthly report filters with the same list, so its
// campaign table adds up to roi_monthly.
const SocialNetworks = `('facebook', 'instagram', 'linkedin', 'x', 'youtube', 'mastodon', 'bluesky', 'reddit')`

// moneyExpr turns a Float64 amount into Decimal(18, 4) through its shortest
// decimal text: converting the float directly truncates, so 19.99 (stored as
// 19.98999…) would become 19.9899. Decimal sums are exact and do not depend
// on summation order, which keeps reruns identical to the cent.
func moneyExpr(col string) string {
	return fmt.Sprintf("toDecimal64(toString(round(%s, 4)), 4)", col)
}

// conversionsDailySQL recomputes the days [from, to). The second half of the
// UNION retires keys the window's rollup holds but the facts no longer
// produce (a conversion corrected to another UTM, or erased), so a rerun
// leaves exactly what the facts say.
func conversionsDailySQL(from, to time.Time) string {
	return fmt.Sprintf(`INSERT INTO conversions_daily
    (day, network, campaign, utm_source, utm_medium, type, currency, conversions, value, is_deleted, computed_at)
WITH fresh AS
(
    SELECT toDate(occurred_at) AS day, %[3]s AS network, utm_campaign AS campaign, utm_source, utm_medium,
           type, currency, count() AS conversions, sum(%[4]s) AS value
    FROM conversions FINAL
    WHERE occurred_at >= toDateTime64('%[1]s', 3, 'UTC') AND occurred_at < toDateTime64('%[2]s', 3, 'UTC')
    GROUP BY day, network, campaign, utm_source, utm_medium, type, currency
)
SELECT day, network, campaign, utm_source, utm_medium, type, currency, conversions, value, 0, now64(3)
FROM fresh
UNION ALL
SELECT day, network, campaign, utm_source, utm_medium, type, currency, 0, 0, 1, now64(3)
FROM conversions_daily FINAL
WHERE day >= toDate('%[1]s') AND day < toDate('%[2]s')
  AND (day, network, campaign, utm_source, utm_medium, type, currency) NOT IN
      (SELECT day, network, campaign, utm_source, utm_medium, type, currency FROM fresh)`,
		from.Format(sqlTime), to.Format(sqlTime), utmNetworkExpr("utm_source"), moneyExpr("value"))
}

// adSpendDailySQL recomputes the days [from, to). ad_spend is already daily;
// FINAL collapses a day re-exported under the same id, and the GROUP BY adds
// up several rows of one campaign and day (ad sets, ads). The network name
// goes through the UTM mapping too, so spend exported as "meta" or
// "twitter" lines up with conversions.
func adSpendDailySQL(from, to time.Time) string {
	return fmt.Sprintf(`INSERT INTO ad_spend_daily
    (day, network, campaign, currency, spend, impressions, clicks, is_deleted, computed_at)
WITH fresh AS
(
    SELECT date AS day, %[3]s AS network, campaign, currency,
           sum(%[4]s) AS spend, sum(impressions) AS impressions, sum(clicks) AS clicks
    FROM ad_spend FINAL
    WHERE date >= toDate('%[1]s') AND date < toDate('%[2]s')
    GROUP BY day, network, campaign, currency
)
SELECT day, network, campaign, currency, spend, impressions, clicks, 0, now64(3)
FROM fresh
UNION ALL
SELECT day, network, campaign, currency, 0, 0, 0, 1, now64(3)
FROM ad_spend_daily FINAL
WHERE day >= toDate('%[1]s') AND day < toDate('%[2]s')
  AND (day, network, campaign, currency) NOT IN (SELECT day, network, campaign, currency FROM fresh)`,
		from.Format(time.DateOnly), to.Format(time.DateOnly), utmNetworkExpr("network"), moneyExpr("spend"))
}

// roiMonthlySQL recomputes the months [from, to) (first days of months) for
// every owned brand. It reads the fact tables, not the daily rollups, so a
// month is whole even when the run's day window covers only part of it.
// Every month gets a row in the configured currency, which carries the tool
// cost even in a month with no conversion or spend; amounts in other
// currencies get their own rows without tool cost (nothing is converted).
func roiMonthlySQL(from, to time.Time, owned []string, monthlyCost float64, currency string) (string, error) {
	if len(owned) == 0 {
		return "", errors.New("no owned brand")
	}
	var months []string
	for m := from; m.Before(to); m = m.AddDate(0, 1, 0) {
		months = append(months, "toDate('"+m.Format(time.DateOnly)+"')")
	}
	brands := make([]string, len(owned))
	for i, b := range owned {
		brands[i] = businessString(b)
	}
	cost := strconv.FormatFloat(monthlyCost, 'f', -1, 64)
	return fmt.Sprintf(`INSERT INTO roi_monthly
    (month, brand, currency, conversions, attributed_value, ad_spend, tool_cost, total_cost, roi, roi_pct,
     is_deleted, computed_at)
WITH fresh AS
(
    SELECT month, brand, currency, conversions, attributed_value, ad_spend, tool_cost,
           ad_spend + tool_cost AS total_cost,
           if(total_cost = 0, NULL, (toFloat64(attributed_value) - toFloat64(total_cost)) / toFloat64(total_cost)) AS roi,
           roi * 100 AS roi_pct
    FROM
    (
        SELECT month, currency, sum(n) AS conversions,
               toDecimal64(sum(v), 4) AS attributed_value, toDecimal64(sum(s), 4) AS ad_spend,
               if(currency = %[5]s, %[6]s, toDecimal64(0, 4)) AS tool_cost
        FROM
        (
            SELECT toStartOfMonth(occurred_at) AS month, currency, count() AS n,
                   sum(%[7]s) AS v, toDecimal128(0, 4) AS s
            FROM conversions FINAL
            WHERE occurred_at >= toDateTime64('%[1]s', 3, 'UTC') AND occurred_at < toDateTime64('%[2]s', 3, 'UTC')
              AND %[8]s IN %[9]s
            GROUP BY month, currency
            UNION ALL
            SELECT toStartOfMonth(date) AS month, currency, toUInt64(0) AS n,
                   toDecimal128(0, 4) AS v, sum(%[10]s) AS s
            FROM ad_spend FINAL
            WHERE date >= toDate('%[1]s') AND date < toDate('%[2]s')
              AND %[11]s IN %[9]s
            GROUP BY month, currency
            UNION ALL
            SELECT arrayJoin([%[3]s]) AS month, %[5]s AS currency, toUInt64(0) AS n,
                   toDecimal128(0, 4) AS v, toDecimal128(0, 4) AS s
        )
        GROUP BY month, currency
    )
    ARRAY JOIN [%[4]s] AS brand
)
SELECT month, brand, currency, conversions, attributed_value, ad_spend, tool_cost, total_cost, roi, roi_pct,
       0, now64(3)
FROM fresh
UNION ALL
SELECT month, brand, currency, 0, 0, 0, 0, 0, NULL, NULL, 1, now64(3)
FROM roi_monthly FINAL
WHERE month >= toDate('%[1]s') AND month < toDate('%[2]s')
  AND (month, brand, currency) NOT IN (SELECT month, brand, currency FROM fresh)`,
		from.Format(time.DateOnly), to.Format(time.DateOnly),
		strings.Join(months, ", "), strings.Join(brands, ", "),
		businessString(currency), moneyExpr("toFloat64("+cost+")"),
		moneyExpr("value"), utmNetworkExpr("utm_source"), SocialNetworks,
		moneyExpr("spend"), utmNetworkExpr("network")), nil
}

// businessString quotes s as a ClickHouse string literal: brand names and
// the currency come from config, not from code.
func businessString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
