package alert

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/earshot-dev/earshot/alert/detect"
	"github.com/earshot-dev/earshot/store"
)

// Querier is the part of the store the alerter reads with.
type Querier interface {
	Query(ctx context.Context, query string) (*store.Result, error)
}

// Metrics the alerter watches.
const (
	MetricMentions = "mentions"
	MetricNegative = "negative"
	MetricReach    = "reach"
	// MetricShareOfVoice is the brand's share of the mentions of all
	// configured brands, watched for drops.
	MetricShareOfVoice = "share_of_voice"
)

const sqlTime = "2006-01-02 15:04:05"

// filter selects one brand's mentions, and for the negative metric only
// the negative ones.
func filter(brand, metric string, from, to time.Time) string {
	f := fmt.Sprintf("has(brands, %s) AND created_at >= toDateTime64('%s', 3, 'UTC') AND created_at < toDateTime64('%s', 3, 'UTC')",
		store.Quote(brand), from.UTC().Format(sqlTime), to.UTC().Format(sqlTime))
	if metric == MetricNegative {
		f += " AND sentiment_label = 'negative'"
	}
	return f
}

// series returns one value per step-sized bucket in [from, to), zero-filled:
// a bucket without mentions is a zero the baseline must see, not a gap.
func series(ctx context.Context, q Querier, brand, metric string, step time.Duration, from, to time.Time) ([]detect.Point, error) {
	value, where := "count()", filter(brand, metric, from, to)
	switch metric {
	case MetricReach:
		value = "sum(reach)"
	case MetricShareOfVoice:
		// Of the mentions naming any configured brand, the share naming
		// this one: the same definition as share_of_voice_daily.
		value = fmt.Sprintf("countIf(has(brands, %s)) / count()", store.Quote(brand))
		where = strings.Replace(where, "has(brands, "+store.Quote(brand)+")", "notEmpty(brands)", 1)
	}
	sql := fmt.Sprintf(`SELECT toUnixTimestamp(toStartOfInterval(created_at, INTERVAL %d SECOND)) AS t, %s
FROM mentions FINAL
WHERE %s
GROUP BY t ORDER BY t`, int(step.Seconds()), value, where)
	res, err := q.Query(ctx, sql)
	if err != nil {
		return nil, fmt.Errorf("alert: %s %s series: %w", brand, metric, err)
	}
	got := make(map[int64]float64, len(res.Rows))
	for _, r := range res.Rows {
		t, err1 := strconv.ParseInt(r[0], 10, 64)
		v, err2 := strconv.ParseFloat(r[1], 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("alert: %s %s series: bad row %v", brand, metric, r)
		}
		got[t] = v
	}
	// Zero-fill from the first bucket with data: before the brand was
	// watched there is no history, and zeros there would make a seasonal
	// baseline of nothing.
	// A bucket without any mention has no share of voice at all, rather
	// than a share of zero: it is left out, or every quiet night would
	// read as a collapse.
	var out []detect.Point
	for t := from.UTC().Truncate(step); t.Before(to); t = t.Add(step) {
		v, ok := got[t.Unix()]
		if (metric != MetricShareOfVoice && len(out) > 0) || ok {
			out = append(out, detect.Point{T: t, V: v})
		}
	}
	return out, nil
}

// Context is what an alert says about its window beyond the numbers.
type Context struct {
	Positive, Neutral, Negative int
	NegativeBefore              float64 // share of negative mentions in the week before
	Top                         []TopMention
	Terms                       []string
	Networks                    []NameCount
}

// TopMention is one of the most-reached mentions of the window.
type TopMention struct {
	Network, Author, Text, URL string
	Reach                      uint64
}

// NameCount is a network and its mentions in the window.
type NameCount struct {
	Name string
	N    int
}

// describe reads what the window's mentions were about: the cause is in
// the top posts, the hashtags and where the talk happens (Meltwater's
// anchor for a spike alert).
func describe(ctx context.Context, q Querier, brand, metric string, from, to time.Time) (Context, error) {
	var c Context
	where := filter(brand, metric, from, to)
	all := filter(brand, MetricMentions, from, to)
	queries := []struct {
		sql  string
		read func([]string) error
	}{
		{fmt.Sprintf("SELECT countIf(sentiment_label = 'positive'), countIf(sentiment_label = 'neutral'), countIf(sentiment_label = 'negative') FROM mentions FINAL WHERE %s", all),
			func(r []string) error {
				c.Positive, c.Neutral, c.Negative = atoi(r[0]), atoi(r[1]), atoi(r[2])
				return nil
			}},
		{fmt.Sprintf("SELECT if(count() = 0, 0, countIf(sentiment_label = 'negative') / count()) FROM mentions FINAL WHERE %s", filter(brand, MetricMentions, from.Add(-7*24*time.Hour), from)),
			func(r []string) error {
				c.NegativeBefore, _ = strconv.ParseFloat(r[0], 64)
				return nil
			}},
		{fmt.Sprintf("SELECT network, author_handle, text, url, reach FROM mentions FINAL WHERE %s ORDER BY reach DESC, created_at DESC LIMIT 5", where),
			func(r []string) error {
				reach, _ := strconv.ParseUint(r[4], 10, 64)
				c.Top = append(c.Top, TopMention{Network: r[0], Author: r[1], Text: r[2], URL: r[3], Reach: reach})
				return nil
			}},
		{fmt.Sprintf("SELECT tag FROM (SELECT arrayJoin(extractAll(lower(text), '#[\\\\p{L}\\\\p{N}_]+')) AS tag FROM mentions FINAL WHERE %s) GROUP BY tag ORDER BY count() DESC, tag LIMIT 8", where),
			func(r []string) error {
				c.Terms = append(c.Terms, r[0])
				return nil
			}},
		{fmt.Sprintf("SELECT network, count() AS n FROM mentions FINAL WHERE %s GROUP BY network ORDER BY n DESC, network LIMIT 5", where),
			func(r []string) error {
				c.Networks = append(c.Networks, NameCount{Name: r[0], N: atoi(r[1])})
				return nil
			}},
	}
	for _, qq := range queries {
		res, err := q.Query(ctx, qq.sql)
		if err != nil {
			return c, fmt.Errorf("alert: describe %s window: %w", brand, err)
		}
		for _, r := range res.Rows {
			if err := qq.read(r); err != nil {
				return c, err
			}
		}
	}
	return c, nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
