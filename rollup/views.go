package rollup

import (
	"context"
	"fmt"
	"time"
)

// The SELECTs of the materialized views (schema/0007_listening_views.sql,
// redefined by 0010_time_ordered_mentions.sql), with the source left
// open: the views read each inserted block of mentions, a rebuild reads
// mentions FINAL over a window. A test holds the two to the same results.
const (
	mentions5mSelect = `SELECT toStartOfFiveMinutes(toDateTime(created_at, 'UTC')) AS bucket, brand, role, network,
       countState() AS mentions, uniqState(author_id) AS authors, sumState(reach) AS reach,
       sumState(likes + shares + comments) AS engagement,
       sumState(toUInt64(sentiment_label = 'positive')) AS positive,
       sumState(toUInt64(sentiment_label = 'neutral')) AS neutral,
       sumState(toUInt64(sentiment_label = 'negative')) AS negative
FROM %s
ARRAY JOIN brands AS brand, arrayResize(brand_roles, length(brands)) AS role
GROUP BY bucket, brand, role, network`
	termsDailySelect = `SELECT toDate(created_at) AS day, brand, campaign, network, t.1 AS kind, t.2 AS term, countState() AS mentions,
       sumState(reach) AS reach,
       sumState(toUInt64(sentiment_label = 'positive')) AS positive, sumState(toUInt64(sentiment_label = 'negative')) AS negative
FROM %s
ARRAY JOIN brands AS brand
ARRAY JOIN arrayConcat([''], arrayDistinct(campaigns)) AS campaign
ARRAY JOIN arrayFilter(x -> x.2 != '', arrayConcat(
    arrayMap(h -> ('hashtag', h), arrayDistinct(hashtags)),
    arrayMap(k -> ('keyword', k), arrayDistinct(keywords)),
    arrayMap(d -> ('domain', toString(d)), arrayDistinct(link_domains)),
    [('lang', if(lang = '', 'unknown', toString(lang))), ('source', toString(source))])) AS t
GROUP BY day, brand, campaign, network, kind, term`
	authorReachSelect = `SELECT toStartOfMonth(created_at) AS month, brand, network, cityHash64(author_id) AS author,
       groupBitOr(bitShiftLeft(toUInt32(1), toDayOfMonth(created_at) - 1)) AS days, max(author_followers) AS followers
FROM %s
ARRAY JOIN brands AS brand
GROUP BY month, brand, network, author`
)

// viewTargets are the tables the materialized views fill, with the column
// their window is cut on. author_reach_monthly is not rebuilt: its max and
// bit-or do not count an item collected twice twice, and an erasure
// deletes the person's rows from it directly (erase), which is cheaper
// than recomputing a month.
var viewTargets = []struct {
	table, timeCol, sel string
	rebuilt             bool
}{
	{"mentions_5m", "bucket", mentions5mSelect, true},
	{"mention_terms_daily", "day", termsDailySelect, true},
	{"author_reach_monthly", "month", authorReachSelect, false},
}

// RebuildViews recomputes the view tables for every UTC day touching
// [from, to) from each mention's latest version: it deletes the days' rows and inserts
// them again. That drops whatever the views counted that the facts no
// longer hold: erased mentions, and the double counts of items collected
// twice. Rows the views add for those days between the delete and the
// insert would be counted twice, so rebuild days the sink is no longer
// writing to (erasure, backfill), not the live ones.
func (j *Job) RebuildViews(ctx context.Context, from, to time.Time) error {
	from, to = from.UTC(), to.UTC()
	if !from.Before(to) {
		return nil
	}
	wFrom, wTo := day(from), ceil(to, 24*time.Hour)
	for _, v := range viewTargets {
		if !v.rebuilt {
			continue
		}
		// Each mention's latest version among the window's rows, as FINAL
		// would pick it: the highest enriched_at, on a tie the later Kafka
		// offset (the later insert; one id always lands in one partition).
		src := fmt.Sprintf(`(SELECT * FROM mentions
    WHERE created_at >= toDateTime64('%s', 3, 'UTC') AND created_at < toDateTime64('%s', 3, 'UTC')
    ORDER BY id, enriched_at DESC, kafka_offset DESC LIMIT 1 BY id)`,
			wFrom.Format(sqlTime), wTo.Format(sqlTime))
		del := fmt.Sprintf("ALTER TABLE %s DELETE WHERE %s >= toDateTime('%s', 'UTC') AND %s < toDateTime('%s', 'UTC') SETTINGS mutations_sync = 2",
			v.table, v.timeCol, wFrom.Format(sqlTime), v.timeCol, wTo.Format(sqlTime))
		if err := j.Store.Exec(ctx, del); err != nil {
			return fmt.Errorf("rebuild %s %s..%s: delete: %w", v.table, wFrom.Format(time.DateOnly), wTo.Format(time.DateOnly), err)
		}
		ins := "INSERT INTO " + v.table + " " + fmt.Sprintf(v.sel, src)
		if err := j.Store.Exec(ctx, ins); err != nil {
			return fmt.Errorf("rebuild %s %s..%s: insert: %w", v.table, wFrom.Format(time.DateOnly), wTo.Format(time.DateOnly), err)
		}
	}
	return nil
}
