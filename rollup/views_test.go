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

// The views as the sink's inserts fill them: exact counts, with the one
// documented overcount — m05, collected twice, counts twice (its first
// version had 8 likes: engagement 13), while authors stay exact.
var (
	// day brand mentions authors reach engagement positive neutral negative
	wantView5m = [][]any{
		{"2026-09-29", "Acme", 1, 1, 1000, 3, 1, 0, 0},
		{"2026-09-29", "Globex", 1, 1, 200, 0, 0, 1, 0},
		{"2026-09-30", "Acme", 2, 2, 5050, 4, 1, 0, 1},
		{"2026-10-03", "Acme", 7, 5, 7550 + 1000, 30 + 13, 3 + 1, 1, 2}, // m05 twice
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
		{"2026-10-03", "Acme", "domain", "acme.com", 3, 1000 + 1000 + 50},             // m05 ×2, m09
		{"2026-10-03", "Acme", "hashtag", "acme", 4, 1000 + 1000 + 1000 + 5000},       // m05 ×2, m06, m08
		{"2026-10-03", "Acme", "hashtag", "globex", 1, 5000},                          // m08
		{"2026-10-03", "Acme", "hashtag", "launch", 3, 1000 + 1000 + 50},              // m05 ×2, m09
		{"2026-10-03", "Acme", "keyword", "outage", 1, 200},                           // m07
		{"2026-10-03", "Acme", "lang", "en", 6, 1000 + 1000 + 1000 + 200 + 5000 + 50}, // all but m10
		{"2026-10-03", "Acme", "lang", "id", 1, 300},                                  // m10
		{"2026-10-03", "Acme", "source", "mastodon", 2, 350},                          // m09 m10
		{"2026-10-03", "Acme", "source", "x", 5, 1000 + 1000 + 1000 + 200 + 5000},     // m05 ×2, m06, m07, m08
		{"2026-10-03", "Globex", "hashtag", "acme", 1, 5000},                          // m08
		{"2026-10-03", "Globex", "hashtag", "globex", 2, 15000},                       // m08 m11
		{"2026-10-03", "Globex", "keyword", "price", 1, 200},                          // m12
		{"2026-10-03", "Globex", "lang", "en", 3, 15200},                              //
		{"2026-10-03", "Globex", "source", "x", 3, 15200},                             //
		{"2026-10-03", "Initech", "lang", "en", 1, 300},                               // m13
		{"2026-10-03", "Initech", "source", "bluesky", 1, 300},                        //
	}
)

func TestListeningViews(t *testing.T) {
	loadFixture(t)
	ctx := context.Background()
	// No rollup run: the views follow the inserts by themselves.
	assertTable(t, "mentions_5m per day", view5mDayQ, wantView5m)
	assertTable(t, "mention_terms_daily on 10-03", viewTermsQ, wantTerms)
	// Per network with sentiment, for "top hashtags by sentiment": #launch for Acme on 10-03 is
	// m05 twice (x, positive) and m09 (mastodon, positive).
	assertTable(t, "launch by network", `SELECT network, countMerge(mentions), sumMerge(positive), sumMerge(negative)
FROM mention_terms_daily WHERE day = '2026-10-03' AND brand = 'Acme' AND kind = 'hashtag' AND term = 'launch'
GROUP BY network ORDER BY network`, [][]any{{"mastodon", 1, 1, 0}, {"x", 2, 2, 0}})
	// #globex on 10-03 for Globex: m08 (neutral) and m11 (positive), both on x.
	assertTable(t, "globex sentiment", `SELECT countMerge(mentions), sumMerge(positive), sumMerge(negative)
FROM mention_terms_daily WHERE day = '2026-10-03' AND brand = 'Globex' AND term = 'globex'`, [][]any{{2, 1, 0}})
	buckets := lines(t, `SELECT bucket, countMerge(mentions) FROM mentions_5m WHERE brand = 'Acme' AND toDate(bucket) = '2026-10-03'
GROUP BY bucket ORDER BY bucket`)
	assertLines(t, "Acme 5-minute buckets on 10-03", buckets, []string{
		"2026-10-03 10:05:00 2", "2026-10-03 10:20:00 1", "2026-10-03 10:40:00 1", "2026-10-03 10:50:00 1",
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

	t.Run("rebuild matches the views and drops the double count", func(t *testing.T) {
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

// The views (defined in the migration) and RebuildViews (the Go SELECTs)
// compute the same thing: the Go SELECTs over the raw table, where m05's
// two versions both count as they did for the views, give the same rows.
func TestViewSelectsMatchMigration(t *testing.T) {
	ctx := context.Background()
	loadFixture(t)
	merged := map[string]string{
		"mentions_5m": `SELECT bucket, brand, role, network, countMerge(mentions), uniqMerge(authors), sumMerge(reach),
       sumMerge(engagement), sumMerge(positive), sumMerge(neutral), sumMerge(negative) FROM mentions_5m GROUP BY ALL ORDER BY ALL`,
		"mention_terms_daily": `SELECT day, brand, network, kind, term, countMerge(mentions), sumMerge(reach), sumMerge(positive), sumMerge(negative)
FROM mention_terms_daily GROUP BY ALL ORDER BY ALL`,
	}
	for _, v := range viewTargets {
		want := lines(t, merged[v.table])
		if len(want) < 10 {
			t.Fatalf("%s holds %d rows, want the fixture month's", v.table, len(want))
		}
		truncate(t, v.table)
		if err := testStore.Exec(ctx, "INSERT INTO "+v.table+" "+fmt.Sprintf(v.sel, "mentions")); err != nil {
			t.Fatal(err)
		}
		assertLines(t, v.table+" from the Go SELECT", lines(t, merged[v.table]), want)
	}
}

// The migration backfills the views from what mentions held before it, once:
// running its INSERTs again (a migration replayed after a crash) adds nothing.
func TestViewBackfill(t *testing.T) {
	ctx := context.Background()
	loadFixture(t)
	src, err := fs.ReadFile(schema.Migrations, "0007_listening_views.sql")
	if err != nil {
		t.Fatal(err)
	}
	var inserts []string
	for _, stmt := range strings.Split(string(src), ";\n") {
		var kept []string
		for _, l := range strings.Split(stmt, "\n") {
			if !strings.HasPrefix(strings.TrimSpace(l), "--") {
				kept = append(kept, l)
			}
		}
		if s := strings.TrimSpace(strings.Join(kept, "\n")); strings.HasPrefix(s, "INSERT INTO") {
			inserts = append(inserts, s)
		}
	}
	if len(inserts) != len(viewTargets) {
		t.Fatalf("found %d backfill INSERTs in 0007, want %d", len(inserts), len(viewTargets))
	}
	truncate(t, "mentions_5m", "mention_terms_daily")
	for range 2 {
		for _, ins := range inserts {
			if err := testStore.Exec(ctx, ins); err != nil {
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
WHERE day = '2026-10-03' AND brand = 'Acme' AND kind = 'hashtag' AND term = 'acme'`, [][]any{{3}})
}
