package report

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/internal/testenv"
	"github.com/earshot-dev/earshot/rollup"
	"github.com/earshot-dev/earshot/store"
)

// TestStore is the package's one embedded engine (libchdb allows one per
// process), with the schema applied. Exported for the external tests.
var TestStore store.Store

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	st, done, err := testenv.Store()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer done()
	TestStore = st
	return m.Run()
}

// fixtureTables are every table the fixture fills or the rollups write.
var fixtureTables = []string{"mentions", "post_metrics", "audience_snapshots", "conversions", "ad_spend",
	"mentions_hourly", "share_of_voice_daily", "post_engagement_daily", "audience_daily",
	"conversions_daily", "ad_spend_daily", "roi_monthly", "alerts", "report_deliveries"}

func ts(s string) time.Time {
	t, err := time.Parse(time.DateTime, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func insert(t testing.TB, table string, cols []string, rows ...[]any) {
	t.Helper()
	for i := range rows {
		rows[i] = append(rows[i], uint16(0), uint64(i))
	}
	cols = append(cols, "kafka_partition", "kafka_offset")
	if err := TestStore.Insert(context.Background(), table, cols, rows, ""); err != nil {
		t.Fatalf("insert into %s: %v", table, err)
	}
}

var mentionCols = []string{"id", "source", "network", "kind", "url", "author_id", "author_handle", "author_followers",
	"text", "reach", "likes", "shares", "comments", "sentiment_label", "brands", "brand_roles",
	"created_at", "collected_at", "enriched_at"}

func mention(id, network, author string, reach uint64, label, at string, brands ...string) []any {
	roles := make([]string, len(brands))
	for i, b := range brands {
		roles[i] = "competitor"
		if b == "Acme" {
			roles[i] = "own"
		}
	}
	return []any{id, "test", network, "post", "https://example.com/" + id, author, "@" + author, reach,
		"text of " + id, reach, uint64(1), uint64(0), uint64(0), label, brands, roles, ts(at), ts(at), ts(at)}
}

var postCols = []string{"id", "source", "network", "account", "post_id", "url", "campaign", "published_at", "observed_at",
	"impressions", "reach", "likes", "comments", "shares", "saves", "clicks", "video_views"}

func postObs(network, postID, campaign, published, observed string, impressions, reach, likes, comments, shares, saves, clicks uint64) []any {
	return []any{network + ":" + postID + ":" + observed, "test", network, "acmehq", postID, "https://" + network + ".example/" + postID,
		campaign, ts(published), ts(observed), impressions, reach, likes, comments, shares, saves, clicks, uint64(0)}
}

func snapshot(network string, followers uint64, at string) []any {
	return []any{network + ":" + at, "test", network, "acmehq", followers, ts(at)}
}

// LoadFixture empties the tables, inserts the hand-computable fixture
// (October 2026 against September 2026 for the own brand Acme) into the
// fact tables and runs the real rollup job over it. The expected figures
// are worked out next to TestGatherFixture.
func LoadFixture(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	for _, tbl := range fixtureTables {
		if err := TestStore.Exec(ctx, "TRUNCATE TABLE "+tbl); err != nil {
			t.Fatal(err)
		}
	}
	insert(t, "mentions", mentionCols,
		mention("m1", "x", "a1", 1000, "positive", "2026-10-01 10:00:00", "Acme"),
		mention("m2", "x", "a1", 1200, "negative", "2026-10-02 11:00:00", "Acme"),
		mention("m3", "instagram", "a2", 500, "positive", "2026-10-05 09:00:00", "Acme"),
		mention("m4", "x", "a3", 300, "neutral", "2026-10-05 12:00:00", "Acme", "Globex"),
		mention("m5", "x", "a4", 2000, "positive", "2026-10-10 08:00:00", "Globex"),
		mention("m6", "x", "a5", 100, "negative", "2026-10-11 08:00:00", "Globex"),
		mention("m7", "facebook", "a6", 50, "neutral", "2026-10-12 08:00:00", "Initech"),
		mention("p1", "x", "a1", 800, "positive", "2026-09-15 08:00:00", "Acme"),
		mention("p2", "x", "a7", 200, "positive", "2026-09-16 08:00:00", "Acme"),
		mention("p3", "x", "a4", 1000, "negative", "2026-09-16 09:00:00", "Globex"),
	)
	insert(t, "audience_snapshots", []string{"id", "source", "network", "account", "followers", "observed_at"},
		snapshot("x", 900, "2026-08-31 12:00:00"),
		snapshot("x", 1000, "2026-09-30 12:00:00"),
		snapshot("x", 1040, "2026-10-10 12:00:00"),
		snapshot("x", 1050, "2026-10-15 12:00:00"),
		snapshot("x", 1100, "2026-10-31 12:00:00"),
		snapshot("instagram", 450, "2026-09-30 12:00:00"),
		snapshot("instagram", 500, "2026-10-31 12:00:00"),
		snapshot("linkedin", 200, "2026-10-20 12:00:00"),
	)
	insert(t, "post_metrics", postCols,
		postObs("x", "xp1", "autumn", "2026-10-03 08:00:00", "2026-10-03 20:00:00", 1000, 800, 50, 5, 10, 5, 20),
		postObs("x", "xp1", "autumn", "2026-10-03 08:00:00", "2026-10-10 20:00:00", 2000, 1500, 100, 10, 20, 10, 40),
		postObs("instagram", "ip1", "", "2026-10-05 08:00:00", "2026-10-06 20:00:00", 500, 400, 30, 10, 99, 7, 5),
		postObs("x", "xp0", "summer", "2026-09-20 08:00:00", "2026-09-21 20:00:00", 600, 500, 20, 5, 5, 0, 10),
		postObs("x", "xp0", "summer", "2026-09-20 08:00:00", "2026-10-01 20:00:00", 700, 550, 25, 5, 5, 0, 12),
	)
	insert(t, "conversions", []string{"id", "source", "occurred_at", "type", "value", "currency", "utm_source", "utm_medium", "utm_campaign"},
		[]any{"c1", "shop", ts("2026-10-05 10:00:00"), "purchase", 100.10, "USD", "fb", "paid", "autumn"},
		[]any{"c2", "shop", ts("2026-10-06 10:00:00"), "purchase", 49.95, "USD", "ig", "social", "autumn"},
		[]any{"c3", "shop", ts("2026-10-07 10:00:00"), "purchase", 30.0, "USD", "newsletter", "email", "autumn"},
		[]any{"c4", "shop", ts("2026-10-08 10:00:00"), "purchase", 20.0, "EUR", "x", "paid", "launch"},
		[]any{"c5", "shop", ts("2026-09-10 10:00:00"), "purchase", 10.0, "USD", "facebook", "paid", "summer"},
	)
	insert(t, "ad_spend", []string{"id", "source", "date", "network", "campaign", "spend", "currency", "impressions", "clicks"},
		[]any{"s1", "ads", ts("2026-10-01 00:00:00"), "meta", "autumn", 50.25, "USD", uint64(1000), uint64(30)},
		[]any{"s2", "ads", ts("2026-10-02 00:00:00"), "google", "autumn", 20.0, "USD", uint64(500), uint64(10)},
		[]any{"s3", "ads", ts("2026-10-03 00:00:00"), "x", "launch", 15.0, "EUR", uint64(300), uint64(5)},
		[]any{"s4", "ads", ts("2026-09-05 00:00:00"), "facebook", "summer", 5.50, "USD", uint64(100), uint64(3)},
	)
	alertCols := []string{"group_key", "state", "revision", "brand", "metric", "time_window", "started_at", "ended_at",
		"observed", "expected", "score", "summary", "payload", "updated_at"}
	alerts := [][]any{
		{"g1", "firing", uint32(1), "Acme", "mentions", "1h", ts("2026-10-05 12:00:00"), ts("2026-10-05 13:00:00"), 40.0, 4.0, 9.0, "spike", "{}", ts("2026-10-05 13:00:00")},
		{"g1", "resolved", uint32(2), "Acme", "mentions", "1h", ts("2026-10-05 12:00:00"), ts("2026-10-05 15:00:00"), 40.0, 4.0, 9.0, "spike over", "{}", ts("2026-10-05 15:00:00")},
		{"g2", "firing", uint32(1), "Acme", "negative", "5m", ts("2026-10-20 07:00:00"), ts("2026-10-20 07:05:00"), 12.0, 1.5, 7.0, "negative spike", "{}", ts("2026-10-20 07:05:00")},
		{"g3", "firing", uint32(1), "Acme", "mentions", "1h", ts("2026-09-30 12:00:00"), ts("2026-09-30 13:00:00"), 30.0, 3.0, 8.0, "september", "{}", ts("2026-09-30 13:00:00")},
		{"g4", "firing", uint32(1), "Globex", "mentions", "1h", ts("2026-10-06 12:00:00"), ts("2026-10-06 13:00:00"), 30.0, 3.0, 8.0, "globex", "{}", ts("2026-10-06 13:00:00")},
	}
	if err := TestStore.Insert(ctx, "alerts", alertCols, alerts, ""); err != nil {
		t.Fatal(err)
	}
	job := &rollup.Job{Store: TestStore, Owned: []string{"Acme"}, MonthlyCost: 100, Currency: "USD",
		Log: slog.New(slog.DiscardHandler)}
	if err := job.Recompute(ctx, ts("2026-08-01 00:00:00"), ts("2026-11-01 00:00:00")); err != nil {
		t.Fatalf("rollup: %v", err)
	}
}

// FixtureMonth is the month LoadFixture's expectations are for.
var FixtureMonth = ts("2026-10-01 00:00:00")
