package rollup

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/internal/fixturemonth"
	"github.com/earshot-dev/earshot/schema"
)

const (
	view5mDayQ = `SELECT toDate(bucket) AS day, brand, countMerge(mentions), uniqMerge(authors), sumMerge(reach),
       sumMerge(engagement), sumMerge(positive), sumMerge(neutral), sumMerge(negative)
FROM mentions_5m WHERE bucket < '2026-11-01' GROUP BY day, brand ORDER BY day, brand`
	viewTermsQ = `SELECT day, brand, kind, term, countMerge(mentions), sumMerge(reach)
FROM mention_terms_daily WHERE day = '2026-10-03' GROUP BY day, brand, kind, term ORDER BY brand, kind, term`
)

// The views as the sink's inserts fill them: each item once, as first
// seen — m05, collected twice, counts once, with its first version's
// counters (8 likes: engagement 13, where the latest version has 15).
var (
	// day brand mentions authors reach engagement positive neutral negative
	wantView5m = [][]any{
		{"2026-09-29", "Acme", 1, 1, 1000, 3, 1, 0, 0},
		{"2026-09-29", "Globex", 1, 1, 200, 0, 0, 1, 0},
		{"2026-09-30", "Acme", 2, 2, 5050, 4, 1, 0, 1},
		{"2026-10-03", "Acme", 6, 5, 7550, 30 - 15 + 13, 3, 1, 2}, // m05's first version
		{"2026-10-03", "Globex", 3, 3, 15200, 36, 1, 1, 1},
		{"2026-10-03", "Initech", 1, 1, 300, 3, 0, 1, 0},
		{"2026-10-10", "Acme", 2, 1, 20000, 75, 2, 0, 0},
		{"2026-10-10", "Globex", 1, 1, 50, 0, 0, 1, 0},
		{"2026-10-10", "Initech", 1, 1, 5000, 2, 0, 0, 1},
		{"2026-10-31", "Acme", 1, 1, 200, 0, 0, 0, 1},
		{"2026-10-31", "Initech", 1, 1, 300, 3, 1, 0, 0},
	}
	// 10-03: m20 names no brand and counts nowhere.
	wantTerms = [][]any{
		{"2026-10-03", "Acme", "domain", "acme.com", 2, 1000 + 50},             // m05, m09
		{"2026-10-03", "Acme", "hashtag", "acme", 3, 1000 + 1000 + 5000},       // m05, m06, m08
		{"2026-10-03", "Acme", "hashtag", "globex", 1, 5000},                   // m08
		{"2026-10-03", "Acme", "hashtag", "launch", 2, 1000 + 50},              // m05, m09
		{"2026-10-03", "Acme", "keyword", "outage", 1, 200},                    // m07
		{"2026-10-03", "Acme", "lang", "en", 5, 1000 + 1000 + 200 + 5000 + 50}, // all but m10
		{"2026-10-03", "Acme", "lang", "id", 1, 300},                           // m10
		{"2026-10-03", "Acme", "source", "mastodon", 2, 350},                   // m09 m10
		{"2026-10-03", "Acme", "source", "x", 4, 1000 + 1000 + 200 + 5000},     // m05, m06, m07, m08
		{"2026-10-03", "Globex", "hashtag", "acme", 1, 5000},                   // m08
		{"2026-10-03", "Globex", "hashtag", "globex", 2, 15000},                // m08 m11
		{"2026-10-03", "Globex", "keyword", "price", 1, 200},                   // m12
		{"2026-10-03", "Globex", "lang", "en", 3, 15200},                       //
		{"2026-10-03", "Globex", "source", "x", 3, 15200},                      //
		{"2026-10-03", "Initech", "lang", "en", 1, 300},                        // m13
		{"2026-10-03", "Initech", "source", "bluesky", 1, 300},                 //
	}
)

func TestListeningViews(t *testing.T) {
	loadFixture(t)
	ctx := context.Background()
	// No rollup run: the views follow the inserts by themselves.
	assertTable(t, "mentions_5m per day", view5mDayQ, wantView5m)
	assertTable(t, "mention_terms_daily on 10-03", viewTermsQ, wantTerms)
	// Per network with sentiment, for "top hashtags by sentiment": #launch for Acme on 10-03 is
	// m05 (x, positive) and m09 (mastodon, positive).
	assertTable(t, "launch by network", `SELECT network, countMerge(mentions), sumMerge(positive), sumMerge(negative)
FROM mention_terms_daily WHERE day = '2026-10-03' AND brand = 'Acme' AND kind = 'hashtag' AND term = 'launch'
GROUP BY network ORDER BY network`, [][]any{{"mastodon", 1, 1, 0}, {"x", 1, 1, 0}})
	// #globex on 10-03 for Globex: m08 (neutral) and m11 (positive), both on x.
	assertTable(t, "globex sentiment", `SELECT countMerge(mentions), sumMerge(positive), sumMerge(negative)
FROM mention_terms_daily WHERE day = '2026-10-03' AND brand = 'Globex' AND term = 'globex'`, [][]any{{2, 1, 0}})
	buckets := lines(t, `SELECT bucket, countMerge(mentions) FROM mentions_5m WHERE brand = 'Acme' AND toDate(bucket) = '2026-10-03'
GROUP BY bucket ORDER BY bucket`)
	assertLines(t, "Acme 5-minute buckets on 10-03", buckets, []string{
		"2026-10-03 10:05:00 1", "2026-10-03 10:20:00 1", "2026-10-03 10:40:00 1", "2026-10-03 10:50:00 1",
		"2026-10-03 11:10:00 1", "2026-10-03 11:30:00 1",
	})

	t.Run("sink replay is not counted again", func(t *testing.T) {
		envs, err := fixturemonth.Envelopes()
		if err != nil {
			t.Fatal(err)
		}
		// The same offsets again, to a fresh sink (a restart after a crash
		// between insert and commit).
		if err := fixtureSink(t).Process(ctx, messages(t, envs, map[string]int64{})); err != nil {
			t.Fatal(err)
		}
		assertTable(t, "mentions_5m after replay", view5mDayQ, wantView5m)
		assertTable(t, "mention_terms_daily after replay", viewTermsQ, wantTerms)
	})

	t.Run("a block inserted again with its token is not counted again", func(t *testing.T) {
		em := event.EnrichedMention{
			Mention: event.Mention{Network: "x", NativeID: "tok1", Kind: event.KindPost, Author: event.Author{ID: "zed"},
				Text: "token test", CreatedAt: time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)},
			Sentiment: event.Sentiment{Label: event.Neutral}, Brands: []event.BrandMatch{{Name: "Zeta", Role: event.RoleOwn}},
			Hashtags: []string{"zeta"}, Reach: 7, EnrichedAt: time.Date(2026, 12, 5, 10, 1, 0, 0, time.UTC),
		}
		env, err := event.Wrap(event.SchemaEnrichedMention, "x:tok1", "x", em.EnrichedAt, em)
		if err != nil {
			t.Fatal(err)
		}
		row, err := mentionsTable.row(env)
		if err != nil {
			t.Fatal(err)
		}
		row = append(row, uint16(9), uint64(0))
		for range 3 {
			if err := testStore.Insert(ctx, "mentions", mentionsTable.columns, [][]any{row}, "mentions/9:0-0"); err != nil {
				t.Fatal(err)
			}
		}
		assertTable(t, "view after three inserts", `SELECT countMerge(mentions), sumMerge(reach) FROM mentions_5m WHERE brand = 'Zeta'`,
			[][]any{{1, 7}})
		assertTable(t, "terms after three inserts", `SELECT countMerge(mentions) FROM mention_terms_daily WHERE brand = 'Zeta' AND term = 'zeta'`,
			[][]any{{1}})
	})

	t.Run("campaigns, unknown language, and an item collected again", func(t *testing.T) {
		next := loadFixture(t)
		at := time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC)
		env := func(likes uint64) event.Envelope {
			em := event.EnrichedMention{
				Mention: event.Mention{Network: "x", NativeID: "camp1", Kind: event.KindPost, Author: event.Author{ID: "cam", Followers: 40},
					Text: "campaign test", CreatedAt: at, Likes: likes},
				Sentiment: event.Sentiment{Label: event.Positive}, Brands: []event.BrandMatch{{Name: "Zeta", Role: event.RoleOwn}},
				Campaigns: []string{"spring", "launch", "spring"}, Hashtags: []string{"zeta"}, Reach: 40, EnrichedAt: at.Add(time.Duration(likes) * time.Second),
			}
			e, err := event.Wrap(event.SchemaEnrichedMention, "x:camp1", "x", em.EnrichedAt, em)
			if err != nil {
				t.Fatal(err)
			}
			return e
		}
		s := fixtureSink(t)
		// Twice in one batch, then once more in a later one: new offsets each time.
		if err := s.Process(ctx, messages(t, []event.Envelope{env(1), env(2)}, next)); err != nil {
			t.Fatal(err)
		}
		if err := s.Process(ctx, messages(t, []event.Envelope{env(3)}, next)); err != nil {
			t.Fatal(err)
		}
		assertTable(t, "versions in mentions", `SELECT recollected, likes FROM mentions WHERE id = 'x:camp1' ORDER BY likes`,
			[][]any{{0, 1}, {1, 2}, {1, 3}})
		assertTable(t, "5m view counts it once, as first seen", `SELECT countMerge(mentions), sumMerge(engagement) FROM mentions_5m WHERE brand = 'Zeta'`,
			[][]any{{1, 1}})
		// Campaign '' counts every mention once; each campaign of the mention once more.
		assertTable(t, "terms per campaign", `SELECT campaign, kind, term, countMerge(mentions) FROM mention_terms_daily
WHERE brand = 'Zeta' GROUP BY campaign, kind, term ORDER BY campaign, kind, term`, [][]any{
			{"", "hashtag", "zeta", 1}, {"", "lang", "unknown", 1}, {"", "source", "x", 1},
			{"launch", "hashtag", "zeta", 1}, {"launch", "lang", "unknown", 1}, {"launch", "source", "x", 1},
			{"spring", "hashtag", "zeta", 1}, {"spring", "lang", "unknown", 1}, {"spring", "source", "x", 1},
		})
		// Day 7 of December is bit 6.
		assertTable(t, "author reach", `SELECT month, network, author = cityHash64('cam'), days, followers FROM author_reach_monthly FINAL WHERE brand = 'Zeta'`,
			[][]any{{"2026-12-01", "x", 1, 1 << 6, 40}})
	})

	t.Run("rebuild matches the views and takes the latest version", func(t *testing.T) {
		j := fixtureJob()
		// A rebuild of 10-10 (no duplicates there) gives what the view built.
		before := lines(t, `SELECT bucket, brand, network, countMerge(mentions), uniqMerge(authors), sumMerge(reach), sumMerge(engagement)
FROM mentions_5m WHERE toDate(bucket) = '2026-10-10' GROUP BY bucket, brand, network ORDER BY bucket, brand, network`)
		termsBefore := lines(t, `SELECT brand, kind, term, countMerge(mentions), sumMerge(reach) FROM mention_terms_daily
WHERE day = '2026-10-10' GROUP BY brand, kind, term ORDER BY brand, kind, term`)
		at := time.Date(2026, 10, 10, 12, 0, 0, 0, time.UTC)
		if err := j.RebuildViews(ctx, at, at.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		assertLines(t, "mentions_5m rebuilt 10-10", lines(t, `SELECT bucket, brand, network, countMerge(mentions), uniqMerge(authors), sumMerge(reach), sumMerge(engagement)
FROM mentions_5m WHERE toDate(bucket) = '2026-10-10' GROUP BY bucket, brand, network ORDER BY bucket, brand, network`), before)
		assertLines(t, "mention_terms_daily rebuilt 10-10", lines(t, `SELECT brand, kind, term, countMerge(mentions), sumMerge(reach) FROM mention_terms_daily
WHERE day = '2026-10-10' GROUP BY brand, kind, term ORDER BY brand, kind, term`), termsBefore)
		if len(before) != 4 || len(termsBefore) == 0 {
			t.Fatalf("10-10 should hold 4 buckets and some terms, got %d and %d", len(before), len(termsBefore))
		}

		// 10-03 rebuilt from mentions FINAL counts m05 once, with its later counters.
		at = time.Date(2026, 10, 3, 0, 0, 0, 0, time.UTC)
		if err := j.RebuildViews(ctx, at, at.Add(24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		want := make([][]any, len(wantView5m))
		copy(want, wantView5m)
		want[3] = []any{"2026-10-03", "Acme", fixturemonth.OctAcmeMentions - 3, 5, 7550, 30, 3, 1, 2}
		assertTable(t, "mentions_5m after rebuilding 10-03", view5mDayQ, want)
		assertTable(t, "acme hashtag after rebuild", `SELECT countMerge(mentions) FROM mention_terms_daily
WHERE day = '2026-10-03' AND brand = 'Acme' AND kind = 'hashtag' AND term = 'acme'`, [][]any{{3}})
	})
}

// The views (defined in the migrations) and RebuildViews (the Go SELECTs)
// compute the same thing: the Go SELECTs over the rows the views saw (not
// the recollected ones) give the same rows.
func TestViewSelectsMatchMigration(t *testing.T) {
	ctx := context.Background()
	loadFixture(t)
	merged := map[string]string{
		"mentions_5m": `SELECT bucket, brand, role, network, countMerge(mentions), uniqMerge(authors), sumMerge(reach),
       sumMerge(engagement), sumMerge(positive), sumMerge(neutral), sumMerge(negative) FROM mentions_5m GROUP BY ALL ORDER BY ALL`,
		"mention_terms_daily": `SELECT day, brand, campaign, network, kind, term, countMerge(mentions), sumMerge(reach), sumMerge(positive), sumMerge(negative)
FROM mention_terms_daily GROUP BY ALL ORDER BY ALL`,
		"author_reach_monthly": `SELECT month, brand, network, author, groupBitOr(days), max(followers) FROM author_reach_monthly GROUP BY ALL ORDER BY ALL`,
	}
	for _, v := range viewTargets {
		want := lines(t, merged[v.table])
		if len(want) < 10 {
			t.Fatalf("%s holds %d rows, want the fixture month's", v.table, len(want))
		}
		truncate(t, v.table)
		if err := testStore.Exec(ctx, "INSERT INTO "+v.table+" "+fmt.Sprintf(v.sel, "(SELECT * FROM mentions WHERE recollected = 0)")); err != nil {
			t.Fatal(err)
		}
		assertLines(t, v.table+" from the Go SELECT", lines(t, merged[v.table]), want)
	}
}

// The migrations backfill the views from what mentions held before them,
// once: running their INSERTs again (a migration replayed after a crash)
// adds nothing. A view table created again by a later migration is
// backfilled by that one.
func TestViewBackfill(t *testing.T) {
	ctx := context.Background()
	loadFixture(t)
	inserts := map[string]string{}
	files, err := fs.Glob(schema.Migrations, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		src, err := fs.ReadFile(schema.Migrations, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, stmt := range strings.Split(string(src), ";\n") {
			var kept []string
			for _, l := range strings.Split(stmt, "\n") {
				if !strings.HasPrefix(strings.TrimSpace(l), "--") {
					kept = append(kept, l)
				}
			}
			s := strings.TrimSpace(strings.Join(kept, "\n"))
			for _, v := range viewTargets {
				if strings.HasPrefix(s, "INSERT INTO "+v.table+"\n") {
					inserts[v.table] = s
				}
			}
		}
	}
	if len(inserts) != len(viewTargets) {
		t.Fatalf("found backfill INSERTs for %d view tables, want %d", len(inserts), len(viewTargets))
	}
	truncate(t, "mentions_5m", "mention_terms_daily", "author_reach_monthly")
	for range 2 {
		for _, v := range viewTargets {
			if err := testStore.Exec(ctx, inserts[v.table]); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Backfilled from mentions FINAL: m05 counts once.
	want := make([][]any, len(wantView5m))
	copy(want, wantView5m)
	want[3] = []any{"2026-10-03", "Acme", 6, 5, 7550, 30, 3, 1, 2}
	assertTable(t, "mentions_5m backfilled", view5mDayQ, want)
	assertTable(t, "terms backfilled", `SELECT countMerge(mentions) FROM mention_terms_daily
WHERE day = '2026-10-03' AND brand = 'Acme' AND kind = 'hashtag' AND term = 'acme' AND campaign = ''`, [][]any{{3}})
	// One row per author, brand, network and month of the mentions.
	assertTable(t, "author reach backfilled", `SELECT count(), sum(followers) FROM author_reach_monthly FINAL`,
		[][]any{{count(t, `SELECT count() FROM (SELECT DISTINCT toStartOfMonth(created_at), brand, network, author_id
FROM mentions FINAL ARRAY JOIN brands AS brand)`), count(t, `SELECT sum(f) FROM (SELECT max(author_followers) AS f
FROM mentions FINAL ARRAY JOIN brands AS brand GROUP BY toStartOfMonth(created_at), brand, network, author_id)`)}})
}
