package rollup

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// Execer is the part of the store the rollup job needs.
type Execer interface {
	Exec(ctx context.Context, query string) error
}

// Job recomputes rollup windows from the fact tables. A window is always
// recomputed whole and re-inserted with a newer computed_at, which the
// ReplacingMergeTree rollup tables keep as the current answer: running a
// window twice gives the same numbers, and a late event is picked up by the
// next run whose window covers it.
type Job struct {
	Store    Execer
	Interval time.Duration // between runs over recent windows
	Lookback time.Duration // how far back each run goes
	// Owned are the own brands ROI is reported for; MonthlyCost is the
	// tool and staff cost per month, in Currency.
	Owned       []string
	MonthlyCost float64
	Currency    string
	Now         func() time.Time
	Log         *slog.Logger
}

// Run recomputes the last Lookback every Interval until ctx ends.
func (j *Job) Run(ctx context.Context) error {
	t := time.NewTicker(j.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		now := j.Now()
		if err := j.Recompute(ctx, now.Add(-j.Lookback), now); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			// A failed run is retried by the next tick over the same window.
			j.Log.Error("rollup run failed", "err", err)
		}
	}
}

// Recompute rebuilds every hour touching [from, to) and every day touching
// it.
func (j *Job) Recompute(ctx context.Context, from, to time.Time) error {
	hFrom, hTo := from.UTC().Truncate(time.Hour), ceil(to.UTC(), time.Hour)
	dFrom, dTo := day(from.UTC()), day(to.UTC()).AddDate(0, 0, 1)
	start := time.Now()
	if err := j.Store.Exec(ctx, hourlySQL(hFrom, hTo)); err != nil {
		return fmt.Errorf("rollup mentions_hourly %s..%s: %w", hFrom, hTo, err)
	}
	if err := j.Store.Exec(ctx, shareOfVoiceSQL(dFrom, dTo)); err != nil {
		return fmt.Errorf("rollup share_of_voice_daily %s..%s: %w", dFrom, dTo, err)
	}
	if err := j.recomputeSocial(ctx, from, to); err != nil {
		return err
	}
	if err := j.recomputeBusiness(ctx, from, to, j.Owned, j.MonthlyCost, j.Currency); err != nil {
		return err
	}
	j.Log.Debug("rollup done", "from", dFrom, "to", dTo, "took", time.Since(start))
	return nil
}

func ceil(t time.Time, d time.Duration) time.Time {
	if tr := t.Truncate(d); !tr.Equal(t) {
		return tr.Add(d)
	}
	return t
}

func day(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }

const sqlTime = "2006-01-02 15:04:05"

// hourlySQL aggregates per author first so unique reach counts each author
// once per hour, with the largest follower count seen in that hour.
func hourlySQL(from, to time.Time) string {
	return fmt.Sprintf(`INSERT INTO mentions_hourly
    (hour, brand, role, network, mentions, unique_authors, potential_reach, unique_reach, engagement,
     positive, neutral, negative, computed_at)
SELECT hour, brand, any(role), network, sum(n), count(), sum(reach_sum), sum(reach_max), sum(eng),
       sum(pos), sum(neu), sum(neg), now64(3)
FROM
(
    SELECT toStartOfHour(created_at) AS hour, brand, role, network, author_id,
           count() AS n, sum(reach) AS reach_sum, max(reach) AS reach_max,
           sum(likes + shares + comments) AS eng,
           countIf(sentiment_label = 'positive') AS pos,
           countIf(sentiment_label = 'neutral') AS neu,
           countIf(sentiment_label = 'negative') AS neg
    FROM mentions FINAL
    ARRAY JOIN brands AS brand, brand_roles AS role
    WHERE created_at >= toDateTime64('%s', 3, 'UTC') AND created_at < toDateTime64('%s', 3, 'UTC')
    GROUP BY hour, brand, role, network, author_id
)
GROUP BY hour, brand, network`, from.Format(sqlTime), to.Format(sqlTime))
}

// shareOfVoiceSQL: brand ÷ (brand + competitors) per day, per network and
// over all networks (network = 'all'). A mention naming two brands counts
// for both, as in Brandwatch and Talkwalker.
func shareOfVoiceSQL(from, to time.Time) string {
	return fmt.Sprintf(`INSERT INTO share_of_voice_daily
    (day, brand, role, network, mentions, reach, engagement, total_mentions, total_reach, total_engagement,
     sov_mentions, sov_reach, sov_engagement, computed_at)
SELECT day, brand, role, network, mentions, reach, engagement,
       sum(mentions) OVER w AS tm, sum(reach) OVER w AS tr, sum(engagement) OVER w AS te,
       if(tm = 0, 0, mentions / tm), if(tr = 0, 0, reach / tr), if(te = 0, 0, engagement / te),
       now64(3)
FROM
(
    SELECT toDate(hour) AS day, brand, any(role) AS role, network,
           sum(mentions) AS mentions, sum(potential_reach) AS reach, sum(engagement) AS engagement
    FROM mentions_hourly FINAL
    WHERE hour >= toDateTime('%[1]s', 'UTC') AND hour < toDateTime('%[2]s', 'UTC')
    GROUP BY day, brand, network
    UNION ALL
    SELECT toDate(hour) AS day, brand, any(role) AS role, 'all' AS network,
           sum(mentions) AS mentions, sum(potential_reach) AS reach, sum(engagement) AS engagement
    FROM mentions_hourly FINAL
    WHERE hour >= toDateTime('%[1]s', 'UTC') AND hour < toDateTime('%[2]s', 'UTC')
    GROUP BY day, brand
)
WINDOW w AS (PARTITION BY day, network)`, from.Format(sqlTime), to.Format(sqlTime))
}
