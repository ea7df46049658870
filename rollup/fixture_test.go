package rollup

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/bus"
	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/internal/fixturemonth"
	"github.com/earshot-dev/earshot/schema"
)

// Every table the fixture month touches.
var fixtureTables = []string{"mentions", "post_metrics", "audience_snapshots", "conversions", "ad_spend",
	"mentions_hourly", "share_of_voice_daily", "post_engagement_daily", "audience_daily",
	"conversions_daily", "ad_spend_daily", "roi_monthly", "mentions_5m", "mention_terms_daily", "author_reach_monthly", "care_queue"}

// Topics as the pipeline wires them: one topic per group of tables.
var fixtureTopics = map[string][]string{
	"enriched": {"mentions"},
	"metrics":  {"post_metrics", "audience_snapshots"},
	"business": {"conversions", "ad_spend"},
}

func topicOf(schemaName string) string {
	switch schemaName {
	case event.SchemaEnrichedMention:
		return "enriched"
	case event.SchemaPostMetrics, event.SchemaAudience:
		return "metrics"
	}
	return "business"
}

// fixtureSink is the real sink over the test store, fed by hand.
func fixtureSink(t testing.TB) *Sink {
	t.Helper()
	v, err := event.NewValidator(schema.Events)
	if err != nil {
		t.Fatal(err)
	}
	return &Sink{In: &noCommit{}, Store: testStore, DLQ: &collectDLQ{}, Validator: v, Topics: fixtureTopics,
		Log: slog.New(slog.DiscardHandler)}
}

// messages turns envelopes into Kafka messages on partition 0 of their
// topic, with offsets counting on from next (per topic).
func messages(t testing.TB, envs []event.Envelope, next map[string]int64) []bus.Message {
	t.Helper()
	msgs := make([]bus.Message, 0, len(envs))
	for _, env := range envs {
		raw, err := env.Encode()
		if err != nil {
			t.Fatal(err)
		}
		topic := topicOf(env.Schema)
		msgs = append(msgs, bus.Message{Topic: topic, Partition: 0, Offset: next[topic], Key: []byte(env.ID), Value: raw})
		next[topic]++
	}
	return msgs
}

func fixtureJob() *Job {
	return &Job{Store: testStore, Owned: []string{fixturemonth.Own}, MonthlyCost: fixturemonth.MonthlyCost,
		Currency: fixturemonth.Currency, Log: slog.New(slog.DiscardHandler)}
}

// loadFixture sends the fixture month through the sink in batches of
// seven messages, as a consumer would fetch them, and returns the offsets
// to continue from.
func loadFixture(t *testing.T) map[string]int64 {
	t.Helper()
	truncate(t, fixtureTables...)
	envs, err := fixturemonth.Envelopes()
	if err != nil {
		t.Fatal(err)
	}
	next := map[string]int64{}
	msgs := messages(t, envs, next)
	s := fixtureSink(t)
	for i := 0; i < len(msgs); i += 7 {
		if err := s.Process(context.Background(), msgs[i:min(i+7, len(msgs))]); err != nil {
			t.Fatal(err)
		}
	}
	if dl := s.DLQ.(*collectDLQ).got; len(dl) > 0 {
		t.Fatalf("fixture events dead-lettered: %v", dl)
	}
	return next
}

// cell compares a query value with an expectation: a float64 to 1e-9
// (rates and shares are quotients), anything else by its text.
func cellMatches(got string, want any) bool {
	if f, ok := want.(float64); ok {
		g, err := strconv.ParseFloat(got, 64)
		return err == nil && math.Abs(g-f) <= 1e-9*math.Max(1, math.Abs(f))
	}
	return got == fmt.Sprint(want)
}

func assertTable(t *testing.T, what, q string, want [][]any) {
	t.Helper()
	res, err := testStore.Query(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	ok := len(res.Rows) == len(want)
	for i := 0; ok && i < len(want); i++ {
		ok = len(res.Rows[i]) == len(want[i])
		for j := 0; ok && j < len(want[i]); j++ {
			ok = cellMatches(res.Rows[i][j], want[i][j])
		}
	}
	if !ok {
		var g, w strings.Builder
		for _, r := range res.Rows {
			fmt.Fprintln(&g, "  "+strings.Join(r, " "))
		}
		for _, r := range want {
			fmt.Fprintln(&w, "  "+strings.TrimSpace(fmt.Sprintln(r...)))
		}
		t.Errorf("%s:\ngot\n%swant\n%s", what, g.String(), w.String())
	}
}

const (
	fixtureHourlyQ = `SELECT hour, brand, role, network, mentions, unique_authors, potential_reach, unique_reach, engagement,
       positive, neutral, negative FROM mentions_hourly FINAL ORDER BY hour, brand, network`
	fixtureSoVQ = `SELECT day, brand, network, mentions, reach, engagement, total_mentions, total_reach, total_engagement,
       sov_mentions, sov_reach, sov_engagement FROM share_of_voice_daily FINAL ORDER BY day, network, brand`
	fixturePostsQ = `SELECT day, network, post_id, campaign, impressions, reach, engagement, clicks, video_views, followers,
       engagement_rate_reach, engagement_rate_impressions, engagement_rate_followers
FROM post_engagement_daily FINAL ORDER BY day, network, post_id`
	fixtureAudienceQ = `SELECT day, network, account, followers, prev_followers, delta, growth_pct
FROM audience_daily FINAL ORDER BY network, day`
)

// Hand-computed from internal/fixturemonth (authors' followers: a1 1000,
// a2 200, a3 5000, a4 50, a5 300, a6 10000).
// hour brand role network mentions authors potential_reach unique_reach engagement pos neu neg
var wantHourly = [][]any{
	{"2026-09-29 10:00:00", "Acme", "own", "x", 1, 1, 1000, 1000, 3, 1, 0, 0},        // m01
	{"2026-09-29 11:00:00", "Globex", "competitor", "x", 1, 1, 200, 200, 0, 0, 1, 0}, // m02
	{"2026-09-30 09:00:00", "Acme", "own", "mastodon", 1, 1, 5000, 5000, 3, 0, 0, 1}, // m03
	{"2026-09-30 14:00:00", "Acme", "own", "x", 1, 1, 50, 50, 1, 1, 0, 0},            // m04
	// m05 m06 (a1 twice: unique reach counts 1000 once) m07 m08; engagement 15+5+1+5.
	{"2026-10-03 10:00:00", "Acme", "own", "x", 4, 3, 7200, 6200, 26, 2, 1, 1},
	{"2026-10-03 10:00:00", "Globex", "competitor", "x", 1, 1, 5000, 5000, 5, 0, 1, 0},       // m08
	{"2026-10-03 11:00:00", "Acme", "own", "mastodon", 2, 2, 350, 350, 4, 1, 0, 1},           // m09 m10
	{"2026-10-03 12:00:00", "Globex", "competitor", "x", 2, 2, 10200, 10200, 31, 1, 0, 1},    // m11 m12
	{"2026-10-03 15:00:00", "Initech", "competitor", "bluesky", 1, 1, 300, 300, 3, 0, 1, 0},  // m13
	{"2026-10-10 09:00:00", "Acme", "own", "bluesky", 2, 1, 20000, 10000, 75, 2, 0, 0},       // m14 m15, one author
	{"2026-10-10 13:00:00", "Globex", "competitor", "x", 1, 1, 50, 50, 0, 0, 1, 0},           // m17
	{"2026-10-10 13:00:00", "Initech", "competitor", "x", 1, 1, 5000, 5000, 2, 0, 0, 1},      // m16
	{"2026-10-31 23:00:00", "Acme", "own", "x", 1, 1, 200, 200, 0, 0, 0, 1},                  // m18
	{"2026-10-31 23:00:00", "Initech", "competitor", "mastodon", 1, 1, 300, 300, 3, 1, 0, 0}, // m19
}

// day brand network mentions reach engagement totals… sov_mentions sov_reach sov_engagement
var wantSoV = [][]any{
	{"2026-09-29", "Acme", "all", 1, 1000, 3, 2, 1200, 3, 0.5, 1000.0 / 1200, 1.0},
	{"2026-09-29", "Globex", "all", 1, 200, 0, 2, 1200, 3, 0.5, 200.0 / 1200, 0.0},
	{"2026-09-29", "Acme", "x", 1, 1000, 3, 2, 1200, 3, 0.5, 1000.0 / 1200, 1.0},
	{"2026-09-29", "Globex", "x", 1, 200, 0, 2, 1200, 3, 0.5, 200.0 / 1200, 0.0},
	{"2026-09-30", "Acme", "all", 2, 5050, 4, 2, 5050, 4, 1.0, 1.0, 1.0},
	{"2026-09-30", "Acme", "mastodon", 1, 5000, 3, 1, 5000, 3, 1.0, 1.0, 1.0},
	{"2026-09-30", "Acme", "x", 1, 50, 1, 1, 50, 1, 1.0, 1.0, 1.0},
	// 10-03 overall: Acme 6/10 = 0.6 by mentions, 7550/23050 by reach, 30/69 by engagement.
	{"2026-10-03", "Acme", "all", 6, 7550, 30, 10, 23050, 69, 0.6, 7550.0 / 23050, 30.0 / 69},
	{"2026-10-03", "Globex", "all", 3, 15200, 36, 10, 23050, 69, 0.3, 15200.0 / 23050, 36.0 / 69},
	{"2026-10-03", "Initech", "all", 1, 300, 3, 10, 23050, 69, 0.1, 300.0 / 23050, 3.0 / 69},
	{"2026-10-03", "Initech", "bluesky", 1, 300, 3, 1, 300, 3, 1.0, 1.0, 1.0},
	{"2026-10-03", "Acme", "mastodon", 2, 350, 4, 2, 350, 4, 1.0, 1.0, 1.0},
	{"2026-10-03", "Acme", "x", 4, 7200, 26, 7, 22400, 62, 4.0 / 7, 7200.0 / 22400, 26.0 / 62},
	{"2026-10-03", "Globex", "x", 3, 15200, 36, 7, 22400, 62, 3.0 / 7, 15200.0 / 22400, 36.0 / 62},
	{"2026-10-10", "Acme", "all", 2, 20000, 75, 4, 25050, 77, 0.5, 20000.0 / 25050, 75.0 / 77},
	{"2026-10-10", "Globex", "all", 1, 50, 0, 4, 25050, 77, 0.25, 50.0 / 25050, 0.0},
	{"2026-10-10", "Initech", "all", 1, 5000, 2, 4, 25050, 77, 0.25, 5000.0 / 25050, 2.0 / 77},
	{"2026-10-10", "Acme", "bluesky", 2, 20000, 75, 2, 20000, 75, 1.0, 1.0, 1.0},
	{"2026-10-10", "Globex", "x", 1, 50, 0, 2, 5050, 2, 0.5, 50.0 / 5050, 0.0},
	{"2026-10-10", "Initech", "x", 1, 5000, 2, 2, 5050, 2, 0.5, 5000.0 / 5050, 1.0},
	// m18 has no engagement: Acme's share of 10-31's engagement on x is 0 of 0, stored as 0.
	{"2026-10-31", "Acme", "all", 1, 200, 0, 2, 500, 3, 0.5, 0.4, 0.0},
	{"2026-10-31", "Initech", "all", 1, 300, 3, 2, 500, 3, 0.5, 0.6, 1.0},
	{"2026-10-31", "Initech", "mastodon", 1, 300, 3, 1, 300, 3, 1.0, 1.0, 1.0},
	{"2026-10-31", "Acme", "x", 1, 200, 0, 1, 200, 0, 1.0, 1.0, 0.0},
}

// day network post campaign impressions reach engagement clicks video_views followers rate_reach rate_impressions rate_followers
var wantPosts = [][]any{
	// x: shares + likes + comments + saves = 3 + 10 + 2 + 0; no x snapshot on 09-29: followers 0, rate 0.
	{"2026-09-29", "x", "P0", "teaser", 800, 500, 15, 10, 0, 0, 3.0, 1.875, 0.0},
	// The 20:00 observation replaces 12:00; x followers 2100 (22:00 snapshot).
	{"2026-10-02", "x", "P1", "launch", 2000, 1500, 80, 50, 0, 2100, 80.0 / 1500 * 100, 4.0, 80.0 / 2100 * 100},
	{"2026-10-03", "instagram", "P2", "launch", 4000, 2500, 250, 0, 1200, 5000, 10.0, 6.25, 5.0},
	{"2026-10-03", "x", "P1", "launch", 3000, 2000, 100, 70, 0, 2205, 5.0, 100.0 / 3000 * 100, 100.0 / 2205 * 100},
	{"2026-10-10", "facebook", "P3", "", 500, 400, 20, 8, 0, 8000, 5.0, 4.0, 0.25},
	{"2026-10-11", "facebook", "P3", "", 1000, 800, 40, 15, 0, 8080, 5.0, 4.0, 40.0 / 8080 * 100},
}

// day network account followers prev delta growth_pct
var wantAudience = [][]any{
	{"2026-10-10", "facebook", "acmehq", 8000, `\N`, `\N`, `\N`},
	{"2026-10-11", "facebook", "acmehq", 8080, 8000, 80, 1.0},
	{"2026-10-02", "instagram", "acmehq", 4000, `\N`, `\N`, `\N`},
	{"2026-10-03", "instagram", "acmehq", 5000, 4000, 1000, 25.0},
	{"2026-10-31", "instagram", "acmehq", 5200, `\N`, `\N`, `\N`}, // 10-30 has no snapshot: a gap
	{"2026-09-30", "x", "acmehq", 2000, `\N`, `\N`, `\N`},
	{"2026-10-01", "x", "acmehq", 2000, 2000, 0, 0.0},
	{"2026-10-02", "x", "acmehq", 2100, 2000, 100, 5.0},
	{"2026-10-03", "x", "acmehq", 2205, 2100, 105, 5.0},
	{"2026-10-31", "x", "acmehq", 2500, `\N`, `\N`, `\N`},
}

var wantConversions = [][]any{
	{"2026-09-30", "x", "launch", "x", "social", "purchase", "EUR", 1, "10"},
	{"2026-10-02", "facebook", "launch", "fb", "paid", "purchase", "EUR", 1, "49.99"},
	{"2026-10-03", "instagram", "launch", "IG", "social", "signup", "EUR", 1, "0"},
	{"2026-10-03", "x", "launch", "twitter", "social", "purchase", "EUR", 1, "100"},
	{"2026-10-10", "newsletter", "october", "newsletter", "email", "purchase", "EUR", 1, "25.5"},
	{"2026-10-20", "instagram", "launch", "instagram", "paid", "purchase", "EUR", 1, "74.51"},
}

var wantSpend = [][]any{
	{"2026-09-30", "x", "launch", "EUR", "5", 500, 5},
	{"2026-10-02", "facebook", "launch", "EUR", "30", 3000, 60},
	{"2026-10-03", "x", "launch", "EUR", "20.5", 2000, 25},
	{"2026-10-10", "google", "search", "EUR", "15", 1000, 20},
	{"2026-10-20", "facebook", "launch", "EUR", "10", 800, 12}, // exported as meta
}

// month brand currency conversions attributed_value ad_spend tool_cost total_cost roi roi_pct
var wantROI = [][]any{
	{"2026-09-01", "Acme", "EUR", fixturemonth.SepConversions, "10", "5", "100", "105", fixturemonth.SepROI, fixturemonth.SepROI * 100},
	{"2026-10-01", "Acme", "EUR", fixturemonth.OctConversions, "224.5", "60.5", "100", "160.5", fixturemonth.OctROI, fixturemonth.OctROI * 100},
}

func assertFixtureRollups(t *testing.T) {
	t.Helper()
	assertTable(t, "mentions_hourly", fixtureHourlyQ, wantHourly)
	assertTable(t, "share_of_voice_daily", fixtureSoVQ, wantSoV)
	assertTable(t, "post_engagement_daily", fixturePostsQ, wantPosts)
	assertTable(t, "audience_daily", fixtureAudienceQ, wantAudience)
	assertTable(t, "conversions_daily", convDailyQ, wantConversions)
	assertTable(t, "ad_spend_daily", spendDailyQ, wantSpend)
	assertTable(t, "roi_monthly", roiQ, wantROI)
}

// rollupSnapshot is every rollup table's content, for comparing runs.
func rollupSnapshot(t *testing.T) [][]string {
	t.Helper()
	var out [][]string
	for _, q := range []string{fixtureHourlyQ, fixtureSoVQ, fixturePostsQ, fixtureAudienceQ, convDailyQ, spendDailyQ, roiQ} {
		out = append(out, businessRows(t, q))
	}
	return out
}

func TestFixtureMonth(t *testing.T) {
	next := loadFixture(t)
	ctx := context.Background()
	j := fixtureJob()
	if err := j.Recompute(ctx, fixturemonth.From, fixturemonth.To); err != nil {
		t.Fatal(err)
	}
	assertFixtureRollups(t)

	// The month's KPIs as a dashboard or the report reads them: Σ ÷ Σ
	// over the daily rows equals the hand-computed month.
	monthQ := `SELECT sum(mentions), sum(reach), sum(engagement),
       sum(mentions) / sum(total_mentions), sum(reach) / sum(total_reach), sum(engagement) / sum(total_engagement)
FROM share_of_voice_daily FINAL WHERE brand = 'Acme' AND network = 'all' AND day >= '2026-10-01' AND day < '2026-11-01'`
	assertTable(t, "October share of voice", monthQ, [][]any{{fixturemonth.OctAcmeMentions, fixturemonth.OctAcmeReach,
		fixturemonth.OctAcmeEngagement, fixturemonth.OctAcmeSoVMentions, fixturemonth.OctAcmeSoVReach, fixturemonth.OctAcmeSoVEngagement}})
	sentimentQ := `SELECT sum(positive), sum(neutral), sum(negative),
       (toInt64(sum(positive)) - toInt64(sum(negative))) / sum(mentions) * 100
FROM mentions_hourly FINAL WHERE brand = 'Acme' AND hour >= '2026-10-01' AND hour < '2026-11-01'`
	assertTable(t, "October net sentiment", sentimentQ, [][]any{{fixturemonth.OctAcmePositive, fixturemonth.OctAcmeNeutral,
		fixturemonth.OctAcmeNegative, fixturemonth.OctAcmeNetSentiment}})
	rateQ := `SELECT sum(engagement), sum(reach), sum(engagement) / sum(reach) * 100, sum(engagement) / sum(impressions) * 100, sum(clicks)
FROM post_engagement_daily FINAL
WHERE (network, post_id, day) IN (SELECT network, post_id, max(day) FROM post_engagement_daily FINAL
                                  WHERE day >= '2026-10-01' AND day < '2026-11-01' GROUP BY network, post_id)`
	assertTable(t, "October engagement rate", rateQ, [][]any{{fixturemonth.OctPostEngagement, fixturemonth.OctPostReach,
		fixturemonth.OctEngagementRateReach, fixturemonth.OctEngagementRateImpressions, fixturemonth.OctPostClicks}})

	t.Run("rerun is identical", func(t *testing.T) {
		before := rollupSnapshot(t)
		if err := j.Recompute(ctx, fixturemonth.From, fixturemonth.To); err != nil {
			t.Fatal(err)
		}
		if after := rollupSnapshot(t); !reflect.DeepEqual(before, after) {
			t.Errorf("second run changed the rollups:\nbefore %v\nafter  %v", before, after)
		}
	})

	t.Run("late event is picked up", func(t *testing.T) {
		// Initech on x at 10-03 10:30 by dave (50 followers), arriving
		// after 10-03 was rolled up. A run over one hour of that day
		// rebuilds the hour and the day's share of voice.
		late := event.EnrichedMention{
			Mention: event.Mention{Network: "x", NativeID: "m21", Kind: event.KindPost,
				Author: event.Author{ID: "a4", Handle: "dave", Followers: 50}, Text: "late initech mention",
				CreatedAt: time.Date(2026, 10, 3, 10, 30, 0, 0, time.UTC)},
			Lang: "en", Sentiment: event.Sentiment{Score: 0.6, Label: event.Positive},
			Brands: []event.BrandMatch{{Name: "Initech", Role: event.RoleCompetitor}},
			Reach:  50, EnrichedAt: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC),
		}
		env, err := event.Wrap(event.SchemaEnrichedMention, event.ID("x", "m21"), "x", late.EnrichedAt, late)
		if err != nil {
			t.Fatal(err)
		}
		if err := fixtureSink(t).Process(ctx, messages(t, []event.Envelope{env}, next)); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 10, 3, 10, 0, 0, 0, time.UTC)
		if err := j.Recompute(ctx, at, at.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		assertTable(t, "late hour", `SELECT mentions, potential_reach, positive FROM mentions_hourly FINAL
WHERE hour = '2026-10-03 10:00:00' AND brand = 'Initech' AND network = 'x'`, [][]any{{1, 50, 1}})
		// Acme's share of 10-03 drops from 6/10 to 6/11; by reach 7550/23100.
		assertTable(t, "late share of voice", `SELECT total_mentions, sov_mentions, total_reach, sov_reach
FROM share_of_voice_daily FINAL WHERE day = '2026-10-03' AND brand = 'Acme' AND network = 'all'`,
			[][]any{{11, 6.0 / 11, 23100, 7550.0 / 23100}})
		// Other days are untouched.
		assertTable(t, "10-10 unchanged", `SELECT total_mentions FROM share_of_voice_daily FINAL
WHERE day = '2026-10-10' AND brand = 'Acme' AND network = 'all'`, [][]any{{4}})
	})
}

// The hourly rollup picks each mention's latest version as FINAL does:
// highest enriched_at, and on a tie the later offset (the later insert).
func TestHourlyLatestVersion(t *testing.T) {
	truncate(t, "mentions", "mentions_hourly")
	ctx := context.Background()
	at := time.Date(2026, 12, 1, 10, 15, 0, 0, time.UTC)
	insert := func(id string, likes uint64, enriched time.Time, offset uint64, label string) {
		em := event.EnrichedMention{
			Mention: event.Mention{Network: "x", NativeID: id, Kind: event.KindPost, Author: event.Author{ID: "a"},
				Text: "t", Likes: likes, CreatedAt: at},
			Sentiment: event.Sentiment{Label: label}, Brands: []event.BrandMatch{{Name: "Acme", Role: event.RoleOwn}},
			EnrichedAt: enriched,
		}
		env, err := event.Wrap(event.SchemaEnrichedMention, "x:"+id, "x", enriched, em)
		if err != nil {
			t.Fatal(err)
		}
		row, err := mentionsTable.row(env)
		if err != nil {
			t.Fatal(err)
		}
		if err := testStore.Insert(ctx, "mentions", mentionsTable.columns, [][]any{append(row, uint16(0), offset)}, ""); err != nil {
			t.Fatal(err)
		}
	}
	t1, t2 := at.Add(time.Minute), at.Add(2*time.Minute)
	insert("tie", 1, t1, 0, event.Negative)
	insert("tie", 2, t1, 1, event.Positive) // same enriched_at, later offset: wins
	insert("newer", 30, t2, 2, event.Positive)
	insert("newer", 10, t1, 3, event.Negative) // later offset but older enrichment: loses
	if err := fixtureJob().Recompute(ctx, at, at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	assertTable(t, "latest versions", `SELECT mentions, engagement, positive, negative FROM mentions_hourly FINAL`, [][]any{{2, 32, 2, 0}})
	assertTable(t, "FINAL agrees", `SELECT count(), sum(likes), countIf(sentiment_label = 'positive') FROM mentions FINAL`, [][]any{{2, 32, 2}})
}
