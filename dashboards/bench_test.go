package dashboards

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The benchmark's data lives in its own 30-day window, before the test
// fixture's, so it never changes what the tests see; tests run before
// benchmarks in one `go test` anyway.
var (
	benchFrom = time.Date(2026, 8, 10, 0, 0, 0, 0, time.UTC)
	benchTo   = benchFrom.Add(30 * 24 * time.Hour)
)

// benchMentions is the number of mentions the benchmark generates; set
// EARSHOT_BENCH_MENTIONS for another size (the target is 10M).
func benchMentions(b *testing.B) int {
	n := 1_000_000
	if s := os.Getenv("EARSHOT_BENCH_MENTIONS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			b.Fatalf("EARSHOT_BENCH_MENTIONS=%q: want a positive number of mentions", s)
		}
		n = v
	}
	return n
}

var benchSeed struct {
	once sync.Once
	err  error
	took time.Duration
}

// seedBench generates n mentions spread over the window (4 brands, 6
// networks, 200k authors, hashtags, terms, campaigns, a care queue with
// replies), rolls them up into mentions_hourly and share_of_voice_daily
// the way the rollup job defines them, and adds own posts, audience,
// conversions, spend and ROI rows at a realistic scale.
func seedBench(ctx context.Context, n int) error {
	secs := int64(benchTo.Sub(benchFrom).Seconds())
	from := benchFrom.Unix()
	v := strings.NewReplacer("{N}", strconv.Itoa(n), "{FROM}", strconv.FormatInt(from, 10), "{SECS}", strconv.FormatInt(secs, 10),
		"{DAY0}", benchFrom.Format("2006-01-02"))
	stmts := []string{
		`INSERT INTO mentions (id, source, network, kind, url, author_id, author_handle, author_followers, text, lang,
		  likes, shares, comments, sentiment, sentiment_label, brands, brand_roles, created_at, collected_at, enriched_at,
		  native_id, parent_id, hashtags, keywords, campaigns, intent, needs_response, own_author)
		SELECT
		  concat(net, ':b', toString(number)), net, net, 'post', concat('https://example.test/b/', toString(number)),
		  concat('u', toString(number % 200000)), concat('@u', toString(number % 200000)), (number * 2654435761) % 20000,
		  concat('bench mention ', toString(number)), ['en', 'de', 'id', 'fr'][number % 4 + 1],
		  number % 13, number % 5, number % 7, 0, ['positive', 'neutral', 'negative'][number % 3 + 1],
		  brs, arrayMap(x -> if(x = 'Acme', 'own', 'competitor'), brs),
		  at, at, at,
		  concat('b', toString(number)), if(own, concat('b', toString(number - 1)), ''),
		  [concat('tag', toString(number % 50)), concat('tag', toString(number % 7))], [concat('kw', toString(number % 300))],
		  if(number % 7 = 0, ['spring'], if(number % 11 = 0, ['launch'], [])),
		  if(care, ['complaint', 'question'][number % 2 + 1], 'other'), care, own
		FROM
		(
		  SELECT
		    number,
		    ['bluesky', 'mastodon', 'reddit', 'youtube', 'x', 'hackernews'][number % 6 + 1] AS net,
		    [['Acme'], ['Acme'], ['Acme'], ['Acme'], ['Acme', 'Globex'], ['Globex'], ['Globex'], ['O''Reilly Auto'], ['O''Reilly Auto'], ['Initech']][number % 10 + 1] AS brs,
		    fromUnixTimestamp64Milli(toInt64(({FROM} + intDiv(number * {SECS}, {N})) * 1000 + number % 1000)) AS at,
		    number % 50 = 0 AS care,
		    number % 1000 = 1 AS own
		  FROM numbers({N})
		)`,
		`INSERT INTO mentions_hourly (hour, brand, role, network, mentions, unique_authors, potential_reach, unique_reach,
		  engagement, positive, neutral, negative, computed_at)
		SELECT toStartOfHour(created_at), brand, role, network, count(), uniqExact(author_id), sum(author_followers), 0,
		  sum(likes + shares + comments), countIf(sentiment_label = 'positive'), countIf(sentiment_label = 'neutral'),
		  countIf(sentiment_label = 'negative'), now64(3)
		FROM mentions
		ARRAY JOIN brands AS brand, brand_roles AS role
		WHERE created_at >= fromUnixTimestamp64Milli({FROM} * 1000) AND created_at < fromUnixTimestamp64Milli(({FROM} + {SECS}) * 1000)
		GROUP BY 1, brand, role, network`,
		`INSERT INTO share_of_voice_daily (day, brand, role, network, mentions, reach, engagement, total_mentions, total_reach,
		  total_engagement, sov_mentions, sov_reach, sov_engagement, computed_at)
		SELECT day, brand, role, network, m, r, e, tm, tr, te, m / tm, r / greatest(tr, 1), e / greatest(te, 1), now64(3)
		FROM
		(
		  SELECT day, brand, role, network, m, r, e,
		    sum(m) OVER (PARTITION BY day, network) AS tm, sum(r) OVER (PARTITION BY day, network) AS tr,
		    sum(e) OVER (PARTITION BY day, network) AS te
		  FROM
		  (
		    SELECT toDate(hour) AS day, brand, role, network, sum(mentions) AS m, sum(potential_reach) AS r, sum(engagement) AS e
		    FROM mentions_hourly FINAL
		    WHERE hour >= toDateTime({FROM}) AND hour < toDateTime({FROM} + {SECS})
		    GROUP BY day, brand, role, network
		    UNION ALL
		    SELECT toDate(hour) AS day, brand, role, 'all' AS network, sum(mentions), sum(potential_reach), sum(engagement)
		    FROM mentions_hourly FINAL
		    WHERE hour >= toDateTime({FROM}) AND hour < toDateTime({FROM} + {SECS})
		    GROUP BY day, brand, role
		  )
		)`,
		// 2000 own posts, each observed on the 10 days after it was published.
		`INSERT INTO post_engagement_daily (day, network, account, post_id, campaign, impressions, reach, likes, comments, shares,
		  engagement, clicks, followers, engagement_rate_reach, engagement_rate_impressions, engagement_rate_followers, computed_at)
		SELECT day, net, 'acmehq', concat('bp', toString(p)), ['spring', 'launch', ''][p % 3 + 1],
		  imp, reach, eng, 0, 0, eng, intDiv(eng, 3), 10000 + p, 100 * eng / reach, 100 * eng / imp, 100 * eng / (10000 + p), now64(3)
		FROM
		(
		  SELECT intDiv(number, 10) AS p, number % 10 AS age,
		    toDate('{DAY0}') + toIntervalDay(intDiv(p * 30, 2000) + age) AS day,
		    ['bluesky', 'mastodon', 'reddit', 'youtube', 'x', 'hackernews'][p % 6 + 1] AS net,
		    (p % 500 + 100) * (age + 1) AS imp, (p % 400 + 50) * (age + 1) AS reach, (p % 37 + 1) * (age + 1) AS eng
		  FROM numbers(20000)
		)
		WHERE day < toDate('{DAY0}') + 30`,
		`INSERT INTO audience_daily (day, network, account, followers, prev_followers, delta, growth_pct, computed_at)
		SELECT toDate('{DAY0}') + d, net, acct, 1000 + 10 * d, if(d = 0, NULL, 990 + 10 * d), if(d = 0, NULL, 10), if(d = 0, NULL, 1000 / (990 + 10 * d)), now64(3)
		FROM (SELECT number % 30 AS d, ['bluesky', 'mastodon', 'reddit', 'youtube', 'x', 'hackernews'][intDiv(number, 30) % 6 + 1] AS net,
		  concat('acct', toString(intDiv(number, 180))) AS acct FROM numbers(540))`,
		`INSERT INTO conversions_daily (day, network, campaign, utm_source, utm_medium, type, currency, conversions, value, is_deleted, computed_at)
		SELECT toDate('{DAY0}') + d, net, camp, net, 'social', typ, 'EUR', 1 + number % 9, toDecimal64(12.5 * (1 + number % 9), 4), 0, now64(3)
		FROM (SELECT number, number % 30 AS d, ['bluesky', 'mastodon', 'reddit', 'youtube', 'x', 'hackernews'][intDiv(number, 30) % 6 + 1] AS net,
		  ['spring', 'launch', 'summer', 'brand', ''][intDiv(number, 180) % 5 + 1] AS camp, ['purchase', 'signup'][intDiv(number, 900) % 2 + 1] AS typ
		  FROM numbers(1800))`,
		`INSERT INTO ad_spend_daily (day, network, campaign, currency, spend, impressions, clicks, is_deleted, computed_at)
		SELECT toDate('{DAY0}') + d, net, camp, 'EUR', toDecimal64(20 + number % 13, 4), 1000 + number, 30 + number % 17, 0, now64(3)
		FROM (SELECT number, number % 30 AS d, ['bluesky', 'mastodon', 'reddit', 'youtube', 'x', 'hackernews'][intDiv(number, 30) % 6 + 1] AS net,
		  ['spring', 'launch', 'summer', 'brand'][intDiv(number, 180) % 4 + 1] AS camp FROM numbers(720))`,
		`INSERT INTO roi_monthly (month, brand, currency, conversions, attributed_value, ad_spend, tool_cost, total_cost, roi, roi_pct, is_deleted, computed_at)
		VALUES ('2026-08-01', 'Acme', 'EUR', 4000, 50000, 12000, 500, 12500, 3, 300, 0, now64(3)),
		       ('2026-09-01', 'Acme', 'EUR', 1200, 15000, 4000, 500, 4500, 2.33, 233, 0, now64(3))`,
	}
	for _, s := range stmts {
		if err := engine.Exec(ctx, v.Replace(s)); err != nil {
			return fmt.Errorf("bench seed: %w\n%s", err, v.Replace(s))
		}
	}
	return nil
}

// BenchmarkDashboards runs every ClickHouse panel query of each dashboard
// once per iteration over the last 30 days of a large fixture, with the own
// brand, all competitors, networks and campaigns, and reports the p95 and
// the slowest panel query of the dashboard. Run with
//
//	go test -run '^$' -bench Dashboards -benchtime 5x ./dashboards/
func BenchmarkDashboards(b *testing.B) {
	ctx := context.Background()
	n := benchMentions(b)
	benchSeed.once.Do(func() {
		start := time.Now()
		benchSeed.err = seedBench(ctx, n)
		benchSeed.took = time.Since(start)
	})
	if benchSeed.err != nil {
		b.Fatal(benchSeed.err)
	}
	b.Logf("%d mentions over 30 days, generated and rolled up in %v", n, benchSeed.took.Round(time.Millisecond))

	for _, df := range loadDashboards(b) {
		d := df.dash
		if !d.hasClickHouse() {
			continue
		}
		b.Run(d.UID, func(b *testing.B) {
			e := expansion{from: benchFrom, to: benchTo, interval: 30 * time.Minute, vars: map[string]selection{}, options: map[string][]string{}}
			for _, v := range d.Templating.List {
				res := runQuery(ctx, b, e, "variable "+v.Name, v.sql())
				if res == nil || len(res.Rows) == 0 {
					b.Fatalf("variable %s: no options", v.Name)
				}
				for _, r := range res.Rows {
					e.options[v.Name] = append(e.options[v.Name], r[0])
				}
				if v.Multi {
					e.vars[v.Name] = selection{all: true}
				} else {
					e.vars[v.Name] = selection{values: e.options[v.Name][:1]}
				}
			}
			type query struct{ title, sql string }
			var queries []query
			for _, p := range d.allPanels() {
				for _, tg := range p.Targets {
					if isClickHouse(tg.Datasource) {
						sql, err := e.expand(tg.RawSQL)
						if err != nil {
							b.Fatal(err)
						}
						queries = append(queries, query{p.Title, sql})
					}
				}
			}
			var all []time.Duration
			perPanel := map[string][]time.Duration{}
			b.ResetTimer()
			for range b.N {
				for _, q := range queries {
					start := time.Now()
					if _, err := engine.Query(ctx, q.sql); err != nil {
						b.Fatalf("%s: %v", q.title, err)
					}
					d := time.Since(start)
					all = append(all, d)
					perPanel[q.title] = append(perPanel[q.title], d)
				}
			}
			b.StopTimer()
			slowest, slowestP95 := "", time.Duration(0)
			for title, ds := range perPanel {
				if p := p95(ds); p > slowestP95 {
					slowest, slowestP95 = title, p
				}
			}
			b.ReportMetric(float64(p95(all).Microseconds())/1000, "p95-ms")
			b.ReportMetric(float64(slowestP95.Microseconds())/1000, "slowest-panel-p95-ms")
			b.ReportMetric(float64(len(queries)), "panels")
			b.Logf("slowest panel: %q, p95 %v", slowest, slowestP95.Round(time.Millisecond))
		})
	}
}

// p95 is the 95th percentile (nearest rank) of ds.
func p95(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*95 + 99) / 100
	return s[max(i-1, 0)]
}
