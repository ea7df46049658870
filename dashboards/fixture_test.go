package dashboards

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/earshot-dev/earshot/store"
)

// Test data. Three brands on two networks, in a range the queries use
// (2026-11-01 … 2026-11-08), plus rows that FINAL or the time filter must
// drop, and rows in the previous period (2026-10-25 … 2026-11-01) for the
// KPI deltas. Every number a value check expects follows from these rows
// by hand; the comments give the sums.

var (
	rangeFrom = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	rangeTo   = time.Date(2026, 11, 8, 0, 0, 0, 0, time.UTC)
	computed  = time.Date(2026, 11, 9, 0, 0, 0, 0, time.UTC)

	brands   = []string{"Acme", "Globex", "O'Reilly Auto"} // a quote, to prove the escaping
	roles    = map[string]string{"Acme": "own", "Globex": "competitor", "O'Reilly Auto": "competitor"}
	networks = []string{"bluesky", "mastodon"}
	hours    = []time.Time{
		time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 3, 15, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 5, 8, 0, 0, 0, time.UTC),
	}
	// prevPeriodMentions is an Acme/bluesky hour in the previous period.
	prevPeriodMentions uint64 = 5000
)

// hourly is the rollup row for brand b, network n, hour h.
type hourly struct{ mentions, positive, neutral, negative, potentialReach uint64 }

func hourlyRow(b, n, h int) hourly {
	m := uint64(10*(b+1) + 3*n + h)
	pos, neg := m/2, m/5
	return hourly{m, pos, m - pos - neg, neg, m * 100}
}

// sovMentions is a brand's mentions on one day and network in
// share_of_voice_daily.
func sovMentions(b, day int) uint64 { return uint64(20*(b+1) + day) }

// A mention: the same author twice for Acme (unique reach counts once), one
// mention of two brands, one id collected twice (FINAL keeps one), and a
// care queue: complaints and questions, one answered by an own account.
type mention struct {
	id, network, author string
	followers           uint64
	brands              []string
	at                  time.Time
	hashtags, keywords  []string
	campaigns           []string
	lang                string
	// Care.
	intent         string
	needsResponse  bool
	ownAuthor      bool
	parentNativeID string
}

func (m mention) nativeID() string { _, id, _ := strings.Cut(m.id, ":"); return id }

var mentionRows = []mention{
	{id: "bluesky:1", network: "bluesky", author: "a1", followers: 1000, brands: []string{"Acme"}, at: hours[0],
		hashtags: []string{"acme", "outage"}, keywords: []string{"outage", "login"}, campaigns: []string{"spring"}, lang: "en"},
	{id: "bluesky:2", network: "bluesky", author: "a1", followers: 1000, brands: []string{"Acme"}, at: hours[1],
		hashtags: []string{"acme"}, keywords: []string{"launch"}, campaigns: []string{"launch"}, lang: "en"},
	{id: "mastodon:3", network: "mastodon", author: "a2", followers: 500, brands: []string{"Acme"}, at: hours[1],
		hashtags: []string{"acme"}, keywords: []string{"login"}, campaigns: []string{"spring"}, lang: "de"},
	{id: "bluesky:4", network: "bluesky", author: "a3", followers: 200, brands: []string{"Acme", "Globex"}, at: hours[2],
		hashtags: []string{"acme", "globex"}, keywords: []string{"pricing"}, lang: "en"},
	{id: "mastodon:5", network: "mastodon", author: "a4", followers: 300, brands: []string{"Globex"}, at: hours[0],
		hashtags: []string{"globex"}, keywords: []string{"pricing"}, lang: "en"},
	{id: "bluesky:6", network: "bluesky", author: "a5", followers: 50, brands: []string{"O'Reilly Auto"}, at: hours[2], lang: "en"},
	{id: "mastodon:7", network: "mastodon", author: "a6", followers: 70, brands: []string{"O'Reilly Auto"}, at: hours[1], lang: "en"},
	{id: "bluesky:8", network: "bluesky", author: "a7", followers: 80, brands: []string{"Globex"}, at: hours[1], lang: "en"},
	{id: "bluesky:9", network: "bluesky", author: "a8", followers: 40, brands: []string{"Acme"}, at: hours[0],
		hashtags: []string{"outage"}, lang: "en", intent: "complaint", needsResponse: true},
	{id: "mastodon:10", network: "mastodon", author: "a9", followers: 60, brands: []string{"Acme"}, at: hours[1],
		campaigns: []string{"spring"}, lang: "en", intent: "question", needsResponse: true},
	// An own reply to bluesky:12: answered, off the queue.
	{id: "bluesky:11", network: "bluesky", author: "acmehq", followers: 5000, brands: []string{"Acme"}, at: hours[2],
		lang: "en", ownAuthor: true, parentNativeID: "12"},
	{id: "bluesky:12", network: "bluesky", author: "a10", followers: 30, brands: []string{"Acme"}, at: hours[1],
		lang: "en", intent: "complaint", needsResponse: true},
	// An own reply on bluesky to native id 10, which is a mastodon id:
	// mastodon:10 stays open (parents are matched within one source).
	{id: "bluesky:13", network: "bluesky", author: "acmehq", followers: 5000, brands: []string{"Acme"}, at: hours[2],
		lang: "en", ownAuthor: true, parentNativeID: "10"},
	{id: "mastodon:14", network: "mastodon", author: "a11", followers: 20, brands: []string{"Globex"}, at: hours[2],
		lang: "en", intent: "complaint", needsResponse: true},
	// Enriched again: its first version was a complaint needing a
	// response (seedMentions), this one is not. Off the queue.
	{id: "mastodon:15", network: "mastodon", author: "a12", followers: 10, brands: []string{"Acme"}, at: hours[2],
		lang: "en", intent: "other"},
}

// Own posts (post_engagement_daily), account acmehq. In the range, each
// post's last day: P1 30/300/500 (engagement/reach/impressions, 1010
// followers), P2 5/50/80 (400), P3 20/100/150 (400): Σ 55/450/730/1810.
// P4 is only in the previous period: 8/80.
var postRows = []string{
	// day, network, post_id, campaign, impressions, reach, engagement, clicks, followers
	"('2026-11-02', 'bluesky', 'P1', 'spring', 200, 100, 10, 4, 1000)",
	"('2026-11-04', 'bluesky', 'P1', 'spring', 500, 300, 30, 9, 1010)",
	"('2026-11-03', 'mastodon', 'P2', 'spring', 80, 50, 5, 1, 400)",
	"('2026-11-05', 'mastodon', 'P3', '', 150, 100, 20, 2, 400)",
	"('2026-10-30', 'bluesky', 'P4', 'launch', 100, 80, 8, 1, 990)",
}

func seed(ctx context.Context, st store.Store) error {
	if err := seedRollups(ctx, st); err != nil {
		return err
	}
	if err := seedMentions(ctx, st); err != nil {
		return err
	}
	return seedOwnAndBusiness(ctx, st)
}

func seedRollups(ctx context.Context, st store.Store) error {
	hourlyCols := []string{"hour", "brand", "role", "network", "mentions", "unique_authors", "potential_reach",
		"unique_reach", "engagement", "positive", "neutral", "negative", "computed_at"}
	var rows [][]any
	for b, brand := range brands {
		for n, network := range networks {
			for h, hour := range hours {
				r := hourlyRow(b, n, h)
				rows = append(rows, []any{hour, brand, roles[brand], network, r.mentions, r.mentions / 2, r.potentialReach,
					r.potentialReach / 2, r.mentions * 3, r.positive, r.neutral, r.negative, computed})
			}
		}
	}
	// A stale version of one row (older computed_at, separate part) and a
	// row in the previous period: neither may count in the range.
	stale := [][]any{
		{hours[0], "Acme", "own", "bluesky", uint64(999), uint64(1), uint64(99900), uint64(1), uint64(1), uint64(999), uint64(0), uint64(0), computed.Add(-time.Hour)},
		{rangeFrom.Add(-72 * time.Hour), "Acme", "own", "bluesky", prevPeriodMentions, uint64(1), uint64(1), uint64(1), uint64(1), uint64(0), uint64(0), prevPeriodMentions, computed},
	}
	if err := st.Insert(ctx, "mentions_hourly", hourlyCols, stale, ""); err != nil {
		return fmt.Errorf("mentions_hourly: %w", err)
	}
	if err := st.Insert(ctx, "mentions_hourly", hourlyCols, rows, ""); err != nil {
		return fmt.Errorf("mentions_hourly: %w", err)
	}

	sovCols := []string{"day", "brand", "role", "network", "mentions", "reach", "engagement",
		"total_mentions", "total_reach", "total_engagement", "sov_mentions", "sov_reach", "sov_engagement", "computed_at"}
	rows = nil
	for day := range 3 {
		d := hours[day].Format("2006-01-02")
		var total uint64
		for b := range brands {
			total += sovMentions(b, day)
		}
		for _, network := range append([]string{"all"}, networks...) {
			for b, brand := range brands {
				m := sovMentions(b, day)
				share := float64(m) / float64(total)
				rows = append(rows, []any{d, brand, roles[brand], network, m, m * 10, m * 2, total, total * 10, total * 2,
					share, share, share, computed})
			}
		}
	}
	if err := st.Insert(ctx, "share_of_voice_daily", sovCols, rows, ""); err != nil {
		return fmt.Errorf("share_of_voice_daily: %w", err)
	}
	// A spike alert on the own brand, for the overview's annotations.
	return st.Exec(ctx, `INSERT INTO alerts (group_key, state, revision, brand, metric, time_window, started_at, ended_at, summary, updated_at)
		VALUES ('acme-volume', 'firing', 1, 'Acme', 'mentions', '1h', '2026-11-03 15:00:00', '2026-11-03 16:00:00', 'Mentions of Acme 4× the usual', '2026-11-03 16:00:00')`)
}

func seedMentions(ctx context.Context, st store.Store) error {
	cols := []string{"id", "source", "network", "kind", "url", "author_id", "author_handle", "author_followers",
		"text", "lang", "sentiment", "sentiment_label", "brands", "brand_roles", "created_at", "collected_at", "enriched_at",
		"native_id", "parent_id", "hashtags", "keywords", "campaigns", "intent", "needs_response", "own_author", "recollected"}
	row := func(m mention, text, label string, enriched time.Time, recollected bool) []any {
		var mroles []string
		for _, b := range m.brands {
			mroles = append(mroles, roles[b])
		}
		return []any{m.id, m.network, m.network, "post", "https://example.test/" + m.id, m.author, "@" + m.author,
			m.followers, text, m.lang, float32(0.5), label, m.brands, mroles, m.at, m.at, enriched,
			m.nativeID(), m.parentNativeID, nonNil(m.hashtags), nonNil(m.keywords), nonNil(m.campaigns), m.intent, m.needsResponse, m.ownAuthor,
			recollected}
	}
	// An older enrichment of bluesky:1, in its own part: FINAL drops it.
	// It came first, so the sink marks the later version recollected (the
	// views count the item once).
	old := row(mentionRows[0], "stale text", "negative", computed.Add(-time.Hour), false)
	// The first version of mastodon:15, before it was enriched again.
	complaint := mentionRows[len(mentionRows)-1]
	complaint.intent, complaint.needsResponse = "complaint", true
	old15 := row(complaint, "text of "+complaint.id, "negative", computed.Add(-time.Hour), false)
	var rows [][]any
	for i, m := range mentionRows {
		rows = append(rows, row(m, "text of "+m.id, "positive", computed, i == 0 || m.id == complaint.id))
	}
	if err := st.Insert(ctx, "mentions", cols, [][]any{old, old15}, ""); err != nil {
		return fmt.Errorf("mentions: %w", err)
	}
	if err := st.Insert(ctx, "mentions", cols, rows, ""); err != nil {
		return fmt.Errorf("mentions: %w", err)
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func seedOwnAndBusiness(ctx context.Context, st store.Store) error {
	stmts := []string{
		`INSERT INTO post_engagement_daily (day, network, account, post_id, campaign, impressions, reach, engagement, clicks, followers, computed_at)
		SELECT day, network, 'acmehq', post_id, campaign, impressions, reach, engagement, clicks, followers, '2026-11-09 00:00:00'
		FROM values('day Date, network String, post_id String, campaign String, impressions UInt64, reach UInt64, engagement UInt64, clicks UInt64, followers UInt64', ` + strings.Join(postRows, ", ") + `)`,
		// A stale version of P1's last day: FINAL drops it.
		`INSERT INTO post_engagement_daily (day, network, account, post_id, campaign, impressions, reach, engagement, clicks, followers, computed_at)
		VALUES ('2026-11-04', 'bluesky', 'acmehq', 'P1', 'spring', 999, 999, 999, 999, 999, '2026-11-08 00:00:00')`,
		`INSERT INTO post_metrics (id, source, network, account, post_id, url, campaign, published_at, observed_at)
		VALUES ('bluesky:P1', 'bluesky', 'bluesky', 'acmehq', 'P1', 'https://example.test/posts/P1', 'spring', '2026-11-02 00:00:00', '2026-11-04 12:00:00'),
		       ('mastodon:P2', 'mastodon', 'mastodon', 'acmehq', 'P2', 'https://example.test/posts/P2', 'spring', '2026-11-03 00:00:00', '2026-11-03 12:00:00'),
		       ('mastodon:P3', 'mastodon', 'mastodon', 'acmehq', 'P3', 'https://example.test/posts/P3', '', '2026-11-05 00:00:00', '2026-11-05 12:00:00'),
		       ('bluesky:P4', 'bluesky', 'bluesky', 'acmehq', 'P4', 'https://example.test/posts/P4', 'launch', '2026-10-30 00:00:00', '2026-10-30 12:00:00')`,
		// Followers. bluesky: 990 before the range, 1030 at its end; mastodon:
		// 380 before, 420 at the end. Deltas in the range: +10, +20, +10.
		`INSERT INTO audience_daily (day, network, account, followers, prev_followers, delta, growth_pct, computed_at)
		VALUES ('2026-10-31', 'bluesky', 'acmehq', 990, NULL, NULL, NULL, '2026-11-09 00:00:00'),
		       ('2026-11-01', 'bluesky', 'acmehq', 1000, 990, 10, 1.0101, '2026-11-09 00:00:00'),
		       ('2026-11-03', 'bluesky', 'acmehq', 1010, NULL, NULL, NULL, '2026-11-09 00:00:00'),
		       ('2026-11-04', 'bluesky', 'acmehq', 1030, 1010, 20, 1.9802, '2026-11-09 00:00:00'),
		       ('2026-10-30', 'mastodon', 'acmehq', 380, NULL, NULL, NULL, '2026-11-09 00:00:00'),
		       ('2026-11-04', 'mastodon', 'acmehq', 410, NULL, NULL, NULL, '2026-11-09 00:00:00'),
		       ('2026-11-05', 'mastodon', 'acmehq', 420, 410, 10, 2.439, '2026-11-09 00:00:00')`,
		// Conversions in the range: 3 + 2 + 1 = 6 worth 65.75 EUR; 4 in the
		// previous period. The deleted row must not count.
		`INSERT INTO conversions_daily (day, network, campaign, utm_source, utm_medium, type, currency, conversions, value, is_deleted, computed_at)
		VALUES ('2026-11-02', 'bluesky', 'spring', 'bluesky', 'social', 'purchase', 'EUR', 3, 30.00, 0, '2026-11-09 00:00:00'),
		       ('2026-11-03', 'mastodon', 'spring', 'mastodon', 'social', 'purchase', 'EUR', 2, 25.50, 0, '2026-11-09 00:00:00'),
		       ('2026-11-04', 'mastodon', 'launch', 'mastodon', 'social', 'signup', 'EUR', 1, 10.25, 0, '2026-11-09 00:00:00'),
		       ('2026-10-28', 'bluesky', 'spring', 'bluesky', 'social', 'purchase', 'EUR', 4, 40.00, 0, '2026-11-09 00:00:00')`,
		`INSERT INTO conversions_daily (day, network, campaign, utm_source, utm_medium, type, currency, conversions, value, is_deleted, computed_at)
		VALUES ('2026-11-05', 'bluesky', 'spring', 'bluesky', 'social', 'purchase', 'EUR', 100, 1000, 0, '2026-11-08 00:00:00'),
		       ('2026-11-05', 'bluesky', 'spring', 'bluesky', 'social', 'purchase', 'EUR', 100, 1000, 1, '2026-11-09 00:00:00')`,
		// Ad spend in the range: 20 + 10 + 5 = 35 EUR, 75 clicks.
		`INSERT INTO ad_spend_daily (day, network, campaign, currency, spend, impressions, clicks, is_deleted, computed_at)
		VALUES ('2026-11-02', 'bluesky', 'spring', 'EUR', 20.00, 1000, 50, 0, '2026-11-09 00:00:00'),
		       ('2026-11-03', 'mastodon', 'spring', 'EUR', 10.00, 500, 20, 0, '2026-11-09 00:00:00'),
		       ('2026-11-04', 'mastodon', 'launch', 'EUR', 5.00, 100, 5, 0, '2026-11-09 00:00:00')`,
		// November: (65.75 − 135) ÷ 135 = −51.3 %.
		`INSERT INTO roi_monthly (month, brand, currency, conversions, attributed_value, ad_spend, tool_cost, total_cost, roi, roi_pct, is_deleted, computed_at)
		VALUES ('2026-11-01', 'Acme', 'EUR', 6, 65.75, 35, 100, 135, -0.512962963, -51.2962963, 0, '2026-11-09 00:00:00'),
		       ('2026-10-01', 'Acme', 'EUR', 4, 40, 0, 100, 100, -0.6, -60, 0, '2026-11-09 00:00:00')`,
	}
	for _, s := range stmts {
		if err := st.Exec(ctx, s); err != nil {
			return fmt.Errorf("seed: %w\n%s", err, s)
		}
	}
	return nil
}
