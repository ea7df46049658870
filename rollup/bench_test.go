package rollup

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/bus"
	"github.com/earshot-dev/earshot/event"
)

// The 10M benchmarks run only when asked for by name:
//
//	go test -run '^$' -bench 10M -benchtime 3x ./rollup/
//
// They share one data set: 10M mentions over the 30 days of bench10MFrom,
// generated in the engine with INSERT … SELECT FROM numbers() (a couple of
// minutes), rolled up once. The views fill as the rows go in.
const bench10M = 10_000_000

var (
	bench10MFrom = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	bench10MTo   = bench10MFrom.AddDate(0, 0, 30)
)

var bench10MSeed struct {
	once                 sync.Once
	err                  error
	insert, rollup30days time.Duration
}

// seed10M fills mentions with realistic distributions: brands Acme (own)
// 45 %, Globex 20 %, Initech 12 %, Umbrella 8 %, two brands 5 %, none 10 %;
// six networks with x the largest; 400k authors with a skewed activity
// (a few post a lot) and log-uniform followers up to ~160k; sentiment 35 %
// positive, 45 % neutral, 20 % negative; hashtags, keywords and links from
// small vocabularies; campaigns on a fifth; 2 % complaints and questions
// needing a response, 0.1 % replies by an own account. Ids are hashes, as
// real event ids are; rows go in in time order, as a live sink writes them.
func seed10M(b *testing.B) {
	b.Helper()
	s := &bench10MSeed
	s.once.Do(func() {
		ctx := context.Background()
		for _, tbl := range []string{"mentions", "mentions_hourly", "share_of_voice_daily", "mentions_5m", "mention_terms_daily", "author_reach_monthly"} {
			if s.err = testStore.Exec(ctx, "TRUNCATE TABLE "+tbl); s.err != nil {
				return
			}
		}
		secs := int64(bench10MTo.Sub(bench10MFrom).Seconds())
		q := fmt.Sprintf(`INSERT INTO mentions (id, source, network, kind, url, author_id, author_handle, author_followers,
    text, lang, likes, shares, comments, reach, sentiment, sentiment_label, brands, brand_roles,
    created_at, collected_at, enriched_at, native_id, hashtags, keywords, links, link_domains, kafka_partition, kafka_offset,
    campaigns, intent, needs_response, own_author, parent_id)
SELECT concat(net, ':', toString(h)), net, net, 'post', concat('https://', net, '.example/', toString(h)),
       concat('u', toString(author)), concat('user', toString(author)), followers,
       concat('bench mention ', toString(number)), ['en', 'en', 'en', 'id', 'de'][h %% 5 + 1],
       likes, intDiv(likes, 4), intDiv(likes, 3), followers,
       multiIf(r < 0.35, 0.6, r < 0.80, 0., -0.6), multiIf(r < 0.35, 'positive', r < 0.80, 'neutral', 'negative'),
       brs, arrayMap(x -> if(x = 'Acme', 'own', 'competitor'), brs),
       at, at + INTERVAL 20 SECOND, at + INTERVAL 21 SECOND, toString(h),
       arraySlice([concat('tag', toString(h %% 97)), concat('tag', toString(h %% 13)), 'launch'], 1, h %% 4),
       arraySlice([concat('kw', toString(h %% 211)), concat('kw', toString(h %% 17))], 1, h %% 3),
       if(h %% 5 = 0, [concat('https://site', toString(h %% 40), '.example/a')], []),
       if(h %% 5 = 0, [concat('site', toString(h %% 40), '.example')], []),
       toUInt16(number %% 6), intDiv(number, 6),
       multiIf(h %% 7 = 0, ['spring'], h %% 11 = 0, ['launch'], CAST([], 'Array(String)')),
       multiIf(h %% 100 = 1, 'complaint', h %% 100 = 2, 'question', 'other'), h %% 100 IN (1, 2), h %% 1000 = 3,
       if(h %% 1000 = 3, toString(cityHash64(number - 1)), '')
FROM
(
    SELECT number, cityHash64(number) AS h, (h %% 1000000) / 1e6 AS u, (bitShiftRight(h, 20) %% 1000000) / 1e6 AS r,
           ['x', 'x', 'x', 'mastodon', 'bluesky', 'bluesky', 'reddit', 'youtube', 'news', 'news'][bitShiftRight(h, 40) %% 10 + 1] AS net,
           toUInt64(pow(u, 3) * 400000) AS author,
           toUInt64(exp((bitShiftRight(h, 30) %% 1000) / 1000 * 12)) AS followers,
           toUInt64(exp((bitShiftRight(h, 10) %% 1000) / 1000 * 6)) - 1 AS likes,
           multiIf(r < 0.45, ['Acme'], r < 0.65, ['Globex'], r < 0.77, ['Initech'], r < 0.85, ['Umbrella'],
                   r < 0.90, ['Acme', 'Globex'], CAST([], 'Array(String)')) AS brs,
           fromUnixTimestamp64Milli(toInt64((%d + intDiv(number * %d, %d)) * 1000 + number %% 1000)) AS at
    FROM numbers(%d)
)`, bench10MFrom.Unix(), secs, bench10M, bench10M)
		start := time.Now()
		if s.err = testStore.Exec(ctx, q); s.err != nil {
			return
		}
		s.insert = time.Since(start)
		start = time.Now()
		s.err = benchJob().Recompute(ctx, bench10MFrom, bench10MTo)
		s.rollup30days = time.Since(start)
	})
	if s.err != nil {
		b.Fatal(s.err)
	}
	b.Logf("seeded %d mentions in %s (%.0f rows/s, views included); 30-day rollup %s",
		bench10M, s.insert.Round(time.Millisecond), float64(bench10M)/s.insert.Seconds(), s.rollup30days.Round(time.Millisecond))
}

func benchJob() *Job {
	return &Job{Store: testStore, Owned: []string{"Acme"}, MonthlyCost: 1000, Currency: "USD", Log: slog.New(slog.DiscardHandler)}
}

// BenchmarkRollupDay10M recomputes one full day (about 333k mentions) of
// every rollup over a table of 10M mentions. Target: ≤ 10 s.
func BenchmarkRollupDay10M(b *testing.B) {
	seed10M(b)
	ctx := context.Background()
	j := benchJob()
	day := bench10MFrom.AddDate(0, 0, 14)
	perDay := float64(bench10M) / 30
	b.ResetTimer()
	for b.Loop() {
		if err := j.Recompute(ctx, day, day.AddDate(0, 0, 1)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/day")
	b.ReportMetric(perDay*float64(b.N)/b.Elapsed().Seconds(), "mentions/s")
}

// BenchmarkRebuildViewsDay10M rebuilds one day of the view tables, as an
// erasure does.
func BenchmarkRebuildViewsDay10M(b *testing.B) {
	seed10M(b)
	ctx := context.Background()
	j := benchJob()
	day := bench10MFrom.AddDate(0, 0, 15)
	b.ResetTimer()
	for b.Loop() {
		if err := j.RebuildViews(ctx, day, day.AddDate(0, 0, 1)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/day")
}

// BenchmarkViewQueries10M reads 30 days from the incremental view tables
// the way a Listening panel would.
func BenchmarkViewQueries10M(b *testing.B) {
	seed10M(b)
	from, to := bench10MFrom.Format(time.DateTime), bench10MTo.Format(time.DateTime)
	day := bench10MTo.Add(-24 * time.Hour).Format(time.DateTime)
	queries := map[string]string{
		"mentions_5m last 24h by 5 minutes": fmt.Sprintf(`SELECT bucket, network, countMerge(mentions), uniqMerge(authors),
       sumMerge(reach), sumMerge(positive), sumMerge(negative)
FROM mentions_5m WHERE brand = 'Acme' AND bucket >= '%s' AND bucket < '%s' GROUP BY bucket, network ORDER BY bucket, network`, day, to),
		"mentions_5m 30 days by hour": fmt.Sprintf(`SELECT toStartOfHour(bucket) AS t, network, countMerge(mentions), uniqMerge(authors),
       sumMerge(reach), sumMerge(positive), sumMerge(negative)
FROM mentions_5m WHERE brand = 'Acme' AND bucket >= '%s' AND bucket < '%s' GROUP BY t, network ORDER BY t, network`, from, to),
		"top hashtags": fmt.Sprintf(`SELECT term, countMerge(mentions) AS n, sumMerge(positive), sumMerge(negative)
FROM mention_terms_daily WHERE brand = 'Acme' AND kind = 'hashtag' AND day >= toDate('%s') AND day < toDate('%s')
GROUP BY term ORDER BY n DESC, term LIMIT 20`, from, to),
		"languages": fmt.Sprintf(`SELECT term, countMerge(mentions) AS n FROM mention_terms_daily
WHERE brand = 'Acme' AND kind = 'lang' AND day >= toDate('%s') AND day < toDate('%s') GROUP BY term ORDER BY n DESC`, from, to),
	}
	runQueries(b, queries)
}

// BenchmarkDashboardPanels10M runs every ClickHouse panel and template
// variable query of dashboards/json/*.json over the 30 days (brand Acme,
// every network, campaign and competitor) and reports each one's p95.
func BenchmarkDashboardPanels10M(b *testing.B) {
	seed10M(b)
	files, err := filepath.Glob(filepath.Join("..", "dashboards", "json", "*.json"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no dashboards found: %v", err)
	}
	queries := map[string]string{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		var d struct {
			Panels     []benchPanel `json:"panels"`
			Templating struct {
				List []struct {
					Name  string `json:"name"`
					Query struct {
						RawSQL string `json:"rawSql"`
					} `json:"query"`
				} `json:"list"`
			} `json:"templating"`
		}
		if err := json.Unmarshal(raw, &d); err != nil {
			b.Fatalf("%s: %v", f, err)
		}
		// Variables run when a dashboard opens, before its panels.
		for _, v := range d.Templating.List {
			if strings.TrimSpace(v.Query.RawSQL) != "" {
				name := fmt.Sprintf("%s/variable_%s", strings.TrimSuffix(filepath.Base(f), ".json"), v.Name)
				queries[name] = expandPanel(v.Query.RawSQL, bench10MFrom, bench10MTo)
			}
		}
		for _, p := range flattenPanels(d.Panels) {
			for i, t := range p.Targets {
				if strings.TrimSpace(t.RawSQL) == "" {
					continue
				}
				name := fmt.Sprintf("%s/%s#%d", strings.TrimSuffix(filepath.Base(f), ".json"), p.Title, i)
				queries[name] = expandPanel(t.RawSQL, bench10MFrom, bench10MTo)
			}
		}
	}
	runQueries(b, queries)
}

type benchPanel struct {
	Title   string       `json:"title"`
	Panels  []benchPanel `json:"panels"`
	Targets []struct {
		RawSQL string `json:"rawSql"`
	} `json:"targets"`
}

func flattenPanels(ps []benchPanel) []benchPanel {
	var out []benchPanel
	for _, p := range ps {
		out = append(out, p)
		out = append(out, flattenPanels(p.Panels)...)
	}
	return out
}

// runQueries runs each query as a sub-benchmark and reports its p95.
func runQueries(b *testing.B, queries map[string]string) {
	names := make([]string, 0, len(queries))
	for n := range queries {
		names = append(names, n)
	}
	sort.Strings(names)
	ctx := context.Background()
	for _, name := range names {
		q := queries[name]
		b.Run(strings.ReplaceAll(name, " ", "_"), func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				if _, err := testStore.Query(ctx, q); err != nil {
					b.Fatalf("%v\n%s", err, q)
				}
				took = append(took, time.Since(start))
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[(len(took)*95+99)/100-1].Microseconds())/1000, "p95-ms")
		})
	}
}

var (
	benchCondAll  = regexp.MustCompile(`\$__conditionalAll\(`)
	benchMacroArg = regexp.MustCompile(`\$__(timeFilter_ms|timeFilter|dateFilter|timeInterval_ms|timeInterval)\(([^()]*)\)`)
)

// expandPanel expands the Grafana ClickHouse plugin's macros the way the
// plugin does for brand Acme, all competitors, and All for every other
// variable. The dashboards package's tests hold the full expander; this
// one covers what the panels use, and fails loudly on anything else.
func expandPanel(sql string, from, to time.Time) string {
	// $__conditionalAll(cond, $var) with var = All becomes 1=1.
	for {
		loc := benchCondAll.FindStringIndex(sql)
		if loc == nil {
			break
		}
		depth, end := 0, -1
		for i := loc[1] - 1; i < len(sql) && end < 0; i++ {
			switch sql[i] {
			case '(', '[':
				depth++
			case ')', ']':
				depth--
				if depth == 0 {
					end = i + 1
				}
			}
		}
		args := sql[loc[1] : end-1]
		v := strings.TrimSpace(args[strings.LastIndex(args, ",")+1:])
		repl := "1=1"
		if v == "$brand" || v == "${brand}" {
			repl = strings.TrimSpace(args[:strings.LastIndex(args, ",")])
		}
		sql = sql[:loc[0]] + repl + sql[end:]
	}
	sql = strings.NewReplacer(
		"${brand:singlequote}", "'Acme'",
		"${competitors:singlequote}", "'Globex','Initech','Umbrella'",
		"${network:singlequote}", "'x','mastodon','bluesky','reddit','youtube','news'",
		"${campaign:singlequote}", "''",
		"$__fromTime_ms", fmt.Sprintf("fromUnixTimestamp64Milli(%d)", from.UnixMilli()),
		"$__toTime_ms", fmt.Sprintf("fromUnixTimestamp64Milli(%d)", to.UnixMilli()),
		"$__fromTime", fmt.Sprintf("toDateTime(%d)", from.Unix()),
		"$__toTime", fmt.Sprintf("toDateTime(%d)", to.Unix()),
		"$__interval_s", "3600",
		"$__interval_ms", "3600000",
	).Replace(sql)
	sql = benchMacroArg.ReplaceAllStringFunc(sql, func(m string) string {
		p := benchMacroArg.FindStringSubmatch(m)
		c := strings.TrimSpace(p[2])
		switch p[1] {
		case "timeFilter":
			return fmt.Sprintf("%s >= toDateTime(%d) AND %s <= toDateTime(%d)", c, from.Unix(), c, to.Unix())
		case "timeFilter_ms":
			return fmt.Sprintf("%s >= fromUnixTimestamp64Milli(%d) AND %s <= fromUnixTimestamp64Milli(%d)", c, from.UnixMilli(), c, to.UnixMilli())
		case "dateFilter":
			return fmt.Sprintf("%s >= toDate('%s') AND %s <= toDate('%s')", c, from.Format(time.DateOnly), c, to.Format(time.DateOnly))
		case "timeInterval":
			return fmt.Sprintf("toStartOfInterval(toDateTime(%s), INTERVAL 3600 second)", c)
		}
		return fmt.Sprintf("toStartOfInterval(toDateTime64(%s, 3), INTERVAL 3600000 millisecond)", c)
	})
	return sql
}

// BenchmarkSinkRollup10M is the sustained path on top of the 10M table:
// the real sink inserts batches of 20k enriched mentions (decoding
// included) into the seeded month's partition. Variants: the sink alone;
// the sink with the two views detached (their cost); the sink while the
// rollup job recomputes the window every 5 s (the rollup stage's default
// rollup.interval is 15 s), and back to back (the worst case).
func BenchmarkSinkRollup10M(b *testing.B) {
	seed10M(b)
	const batch, batches = 20_000, 30
	base := bench10MTo.Add(-6 * time.Hour) // inside the seeded month: same partition
	msgs := make([]bus.Message, batch*batches)
	for i := range msgs {
		at := base.Add(time.Duration(i) * 10 * time.Millisecond)
		em := event.EnrichedMention{
			Mention: event.Mention{Network: []string{"x", "mastodon", "bluesky"}[i%3], NativeID: fmt.Sprint(i), Kind: event.KindPost,
				Author: event.Author{ID: fmt.Sprintf("s%d", i%50000), Handle: fmt.Sprintf("s%d", i%50000), Followers: uint64(i % 9000)},
				Text:   "sustained acme mention", Likes: uint64(i % 11), CreatedAt: at},
			Lang: "en", Sentiment: event.Sentiment{Score: 0.5, Label: event.Positive},
			Brands:   []event.BrandMatch{{Name: []string{"Acme", "Globex"}[i%2], Role: []string{"own", "competitor"}[i%2]}},
			Hashtags: []string{fmt.Sprintf("tag%d", i%40)}, Reach: uint64(i % 9000), EnrichedAt: at,
		}
		env, err := event.Wrap(event.SchemaEnrichedMention, event.ID("s", fmt.Sprint(i)), "s", at, em)
		if err != nil {
			b.Fatal(err)
		}
		raw, _ := env.Encode()
		// Partitions 6-11: the seed's rows hold high offsets of 0-5, which the sink would skip.
		msgs[i] = bus.Message{Topic: enrichedTopic, Partition: 6 + i%6, Offset: int64(i / 6), Key: []byte(env.ID), Value: raw}
	}
	window := [2]time.Time{base, base.Add(time.Duration(len(msgs)) * 10 * time.Millisecond)}
	b.Run("sink", func(b *testing.B) { sustain(b, msgs, batch, window, -1) })
	b.Run("sink-without-views", func(b *testing.B) {
		ctx := context.Background()
		for _, v := range []string{"mentions_5m_mv", "mention_terms_daily_mv"} {
			if err := testStore.Exec(ctx, "DETACH TABLE "+v); err != nil {
				b.Fatal(err)
			}
			defer func() {
				if err := testStore.Exec(ctx, "ATTACH TABLE "+v); err != nil {
					b.Error(err)
				}
			}()
		}
		sustain(b, msgs, batch, window, -1)
	})
	b.Run("sink+rollup-every-5s", func(b *testing.B) { sustain(b, msgs, batch, window, 5*time.Second) })
	b.Run("sink+rollup-back-to-back", func(b *testing.B) { sustain(b, msgs, batch, window, 0) })
}

// sustain sends msgs through a fresh sink per round and meanwhile runs the
// rollup job over window every interval (0: back to back; negative: never);
// each round checks the window's rollup counts every mention.
func sustain(b *testing.B, msgs []bus.Message, batch int, window [2]time.Time, every time.Duration) {
	rollup := every >= 0
	ctx := context.Background()
	j := benchJob()
	var rollupRuns int
	var rollupTook time.Duration
	for b.Loop() {
		b.StopTimer()
		if err := testStore.Exec(ctx, "ALTER TABLE mentions DELETE WHERE kafka_partition >= 6 SETTINGS mutations_sync = 2"); err != nil {
			b.Fatal(err)
		}
		// New offsets every round: the batches' deduplication tokens name
		// their offset ranges, and the engine remembers the last round's.
		for i := range msgs {
			msgs[i].Offset += int64(len(msgs))
		}
		s := newSink(b)
		b.StartTimer()
		done := make(chan error, 1)
		go func() {
			for i := 0; i < len(msgs); i += batch {
				if err := s.Process(ctx, msgs[i:i+batch]); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
		var sinkErr error
		for waiting := true; waiting; {
			select {
			case sinkErr = <-done:
				waiting = false
				continue
			default:
			}
			if !rollup {
				sinkErr, waiting = <-done, false
				continue
			}
			if every > 0 {
				select {
				case sinkErr = <-done:
					waiting = false
					continue
				case <-time.After(every):
				}
			}
			start := time.Now()
			if err := j.Recompute(ctx, window[0], window[1]); err != nil {
				b.Fatal(err)
			}
			rollupTook += time.Since(start)
			rollupRuns++
		}
		if sinkErr != nil {
			b.Fatal(sinkErr)
		}
		b.StopTimer()
		if n := count(b, "SELECT count() FROM mentions WHERE kafka_partition >= 6"); n != int64(len(msgs)) {
			b.Fatalf("sink stored %d mentions, want %d", n, len(msgs))
		}
		if rollup {
			// The last run sees everything: the window's hours count every mention in them.
			if err := j.Recompute(ctx, window[0], window[1]); err != nil {
				b.Fatal(err)
			}
			from, to := window[0].Truncate(time.Hour).Format(sqlTime), window[1].Add(time.Hour).Truncate(time.Hour).Format(sqlTime)
			want := count(b, fmt.Sprintf("SELECT count() FROM mentions FINAL ARRAY JOIN brands WHERE created_at >= '%s' AND created_at < '%s'", from, to))
			if got := count(b, fmt.Sprintf("SELECT sum(mentions) FROM mentions_hourly FINAL WHERE hour >= '%s' AND hour < '%s'", from, to)); got != want {
				b.Fatalf("rolled up %d brand mentions, the window holds %d", got, want)
			}
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(len(msgs)*b.N)/b.Elapsed().Seconds(), "mentions/s")
	if rollupRuns > 0 {
		b.ReportMetric(rollupTook.Seconds()/float64(rollupRuns), "s/rollup-run")
	}
}

// hourlyWindowSQL is an alternative to the job's hourlySQL that reads each
// mention's latest version among the window's rows only (argMax per id by
// enriched_at, then Kafka offset) instead of FINAL, which merges the whole
// month's partition because mentions is ordered by id. Measured here to
// see whether that is worth it: it was not (same time on 10M).
func hourlyWindowSQL(from, to time.Time) string {
	return fmt.Sprintf(`INSERT INTO mentions_hourly
    (hour, brand, role, network, mentions, unique_authors, potential_reach, unique_reach, engagement,
     positive, neutral, negative, computed_at)
SELECT hour, brand, any(role), network, sum(n), count(), sum(reach_sum), sum(reach_max), sum(eng),
       sum(pos), sum(neu), sum(neg), now64(3)
FROM
(
    SELECT toStartOfHour(m.1) AS hour, brand, role, m.2 AS network, m.3 AS author_id,
           count() AS n, sum(m.4) AS reach_sum, max(m.4) AS reach_max, sum(m.5) AS eng,
           countIf(m.6 = 'positive') AS pos, countIf(m.6 = 'neutral') AS neu, countIf(m.6 = 'negative') AS neg
    FROM
    (
        SELECT argMax((created_at, network, author_id, reach, likes + shares + comments, sentiment_label, brands, brand_roles),
                      (enriched_at, kafka_offset)) AS m
        FROM mentions
        WHERE created_at >= toDateTime64('%s', 3, 'UTC') AND created_at < toDateTime64('%s', 3, 'UTC')
        GROUP BY id
    )
    ARRAY JOIN m.7 AS brand, m.8 AS role
    GROUP BY hour, brand, role, network, author_id
)
GROUP BY hour, brand, network`, from.Format(sqlTime), to.Format(sqlTime))
}

// BenchmarkHourlyDay10M compares the two ways of reading one day's latest
// mention versions out of 10M: FINAL over the partition (what the job
// runs), and argMax per id over the day's rows. Both give the same rows.
func BenchmarkHourlyDay10M(b *testing.B) {
	seed10M(b)
	ctx := context.Background()
	day := bench10MFrom.AddDate(0, 0, 10)
	q := fmt.Sprintf("SELECT hour, brand, network, mentions, unique_authors, potential_reach, unique_reach, engagement, positive, neutral, negative FROM mentions_hourly FINAL WHERE toDate(hour) = '%s' ORDER BY hour, brand, network", day.Format(time.DateOnly))
	var results [][]string
	for _, v := range []struct {
		name string
		sql  func(from, to time.Time) string
	}{{"final", hourlySQL}, {"window", hourlyWindowSQL}} {
		b.Run(v.name, func(b *testing.B) {
			for b.Loop() {
				if err := testStore.Exec(ctx, v.sql(day, day.AddDate(0, 0, 1))); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/day")
			res, err := testStore.Query(ctx, q)
			if err != nil {
				b.Fatal(err)
			}
			var rows []string
			for _, r := range res.Rows {
				rows = append(rows, strings.Join(r, " "))
			}
			results = append(results, rows)
		})
	}
	if len(results) == 2 && (len(results[0]) == 0 || !slices.Equal(results[0], results[1])) {
		b.Errorf("final and window rollups differ (%d and %d rows)", len(results[0]), len(results[1]))
	}
}
