package report

import (
	"context"
	"math"
	"reflect"
	"testing"
	"time"
)

func f(v float64) *float64 { return &v }

// want is one KPI's expected month and month before; nil = no data.
type want struct {
	key, qual string
	cur, prev *float64
}

// fixtureKPIs are the fixture's KPIs worked out by hand (see LoadFixture).
var fixtureKPIs = []want{
	// Acme: m1–m4 in October (m4 also names Globex), p1–p2 in September.
	{KeyMentions, "", f(4), f(2)},
	{KeyPotentialReach, "", f(1000 + 1200 + 500 + 300), f(800 + 200)},
	// a1 posted twice (1000, 1200): counted once with 1200.
	{KeyUniqueReach, "", f(1200 + 500 + 300), f(800 + 200)},
	// October: Acme 4, Globex 3 (m4, m5, m6), Initech 1 of 8; September: Acme 2, Globex 1 of 3.
	{KeyShareOfVoice, "", f(4.0 / 8), f(2.0 / 3)},
	{KeyShareOfVoice, "Globex", f(3.0 / 8), f(1.0 / 3)},
	{KeyShareOfVoice, "Initech", f(1.0 / 8), f(0)},
	// October: 2 positive, 1 negative of 4; September: 2 positive of 2.
	{KeyNetSentiment, "", f((2.0 - 1) / 4), f(1)},
	{KeyFollowers, "instagram", f(500), f(450)},
	{KeyFollowersGrowth, "instagram", f(50), nil}, // no August snapshot
	{KeyFollowersGrowthPct, "instagram", f(50.0 / 450 * 100), nil},
	{KeyFollowers, "linkedin", f(200), nil},
	{KeyFollowersGrowth, "linkedin", nil, nil},
	{KeyFollowersGrowthPct, "linkedin", nil, nil},
	{KeyFollowers, "x", f(1100), f(1000)},
	{KeyFollowersGrowth, "x", f(100), f(100)},
	{KeyFollowersGrowthPct, "x", f(100.0 / 1000 * 100), f(100.0 / 900 * 100)},
	{KeyPostsPublished, "", f(2), f(1)}, // xp1, ip1; xp0
	// October: xp1 as of Oct 10, ip1 as of Oct 6, xp0 as of Oct 1; September: xp0 as of Sep 21.
	{KeyImpressions, "", f(2000 + 500 + 700), f(600)},
	{KeyPostReach, "", f(1500 + 400 + 550), f(500)},
	// x: shares+likes+comments+saves; instagram: likes+comments.
	{KeyEngagement, "", f(140 + 40 + 35), f(30)},
	{KeyEngagementRate, "", f(215.0 / 2450), f(30.0 / 500)},
	// Organic post clicks + ad clicks on social networks (meta → facebook, x in EUR).
	{KeyWebsiteClicks, "", f(40 + 5 + 12 + 30 + 5), f(10 + 3)},
	// Social networks, USD: c1 (fb) and c2 (ig); c3 is a newsletter, c4 is in EUR.
	{KeyConversions, "", f(2), f(1)},
	{KeyConversionValue, "", f(150.05), f(10)},
	{KeyAdSpend, "", f(50.25), f(5.5)},
	{KeyToolCost, "", f(100), f(100)},
	{KeyROI, "", f((150.05 - 150.25) / 150.25), f((10 - 105.5) / 105.5)},
	{KeyEngagementRateImpressions, "", f(215.0 / 3200), f(30.0 / 600)},
	// Only xp1 has a followers figure on its day (1040 on Oct 10).
	{KeyEngagementRateFollowers, "", f(140.0 / 1040), nil},
}

func assertKPIs(t *testing.T, got []KPI, want []want) {
	t.Helper()
	if len(got) != len(want) {
		for _, k := range got {
			t.Logf("got %s/%s", k.Key, k.Qualifier)
		}
		t.Fatalf("got %d KPIs, want %d", len(got), len(want))
	}
	for i, w := range want {
		k := got[i]
		if k.Key != w.key || k.Qualifier != w.qual {
			t.Errorf("KPI %d is %s/%s, want %s/%s", i, k.Key, k.Qualifier, w.key, w.qual)
			continue
		}
		check := func(what string, g, e *float64) {
			switch {
			case g == nil && e == nil:
			case g == nil || e == nil:
				t.Errorf("%s/%s %s: got %v, want %v", w.key, w.qual, what, fmtPtr(g), fmtPtr(e))
			case k.Unit == UnitCount || k.Unit == UnitMoney:
				if *g != *e {
					t.Errorf("%s/%s %s: got %v, want %v", w.key, w.qual, what, *g, *e)
				}
			default:
				if math.Abs(*g-*e) > 1e-12*math.Max(1, math.Abs(*e)) {
					t.Errorf("%s/%s %s: got %v, want %v", w.key, w.qual, what, *g, *e)
				}
			}
		}
		check("value", k.Value, w.cur)
		check("previous", k.Prev, w.prev)
		if appendix := w.key == KeyEngagementRateImpressions || w.key == KeyEngagementRateFollowers; k.Appendix != appendix {
			t.Errorf("%s appendix = %v", w.key, k.Appendix)
		}
	}
}

func fmtPtr(p *float64) any {
	if p == nil {
		return "nil"
	}
	return *p
}

func TestGatherFixture(t *testing.T) {
	LoadFixture(t)
	now := ts("2026-11-01 08:00:00")
	r, err := Gather(context.Background(), TestStore, "Acme", ts("2026-10-17 13:00:00"),
		Options{Currency: "USD", Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Month.Equal(FixtureMonth) || !r.PrevMonth.Equal(ts("2026-09-01 00:00:00")) || r.Currency != "USD" || !r.GeneratedAt.Equal(now) {
		t.Errorf("header: month %v prev %v currency %s generated %v", r.Month, r.PrevMonth, r.Currency, r.GeneratedAt)
	}
	if !reflect.DeepEqual(r.Competitors, []string{"Globex", "Initech"}) {
		t.Errorf("competitors %v", r.Competitors)
	}
	assertKPIs(t, r.KPIs, fixtureKPIs)

	wantMissing := []Missing{{"post_metrics", "linkedin"}, {MissingOtherCurrency, "EUR"}}
	if !reflect.DeepEqual(r.Missing, wantMissing) {
		t.Errorf("missing %v, want %v", r.Missing, wantMissing)
	}

	if len(r.Mentions) != 31 {
		t.Fatalf("%d days of mentions, want 31", len(r.Mentions))
	}
	days := map[int]DailyMentions{
		1: {Mentions: 1, Positive: 1, NetSentiment: 1, PotentialReach: 1000},
		2: {Mentions: 1, Negative: 1, NetSentiment: -1, PotentialReach: 1200},
		5: {Mentions: 2, Positive: 1, Neutral: 1, NetSentiment: 0.5, PotentialReach: 800},
	}
	for i, d := range r.Mentions {
		w := days[i+1]
		w.Day = FixtureMonth.AddDate(0, 0, i)
		if d != w {
			t.Errorf("day %d: %+v, want %+v", i+1, d, w)
		}
	}

	if len(r.ShareOfVoice) != 31*3 {
		t.Fatalf("%d share-of-voice points, want 93", len(r.ShareOfVoice))
	}
	sov := map[string]float64{}
	for _, s := range r.ShareOfVoice {
		sov[s.Day.Format("02")+s.Brand] = s.Share
	}
	for k, v := range map[string]float64{"05Acme": 2.0 / 3, "05Globex": 1.0 / 3, "05Initech": 0, "01Acme": 1, "10Acme": 0, "10Globex": 1, "12Initech": 1, "20Acme": 0} {
		if math.Abs(sov[k]-v) > 1e-12 {
			t.Errorf("share of voice %s = %v, want %v", k, sov[k], v)
		}
	}

	wantFollowers := []DailyFollowers{
		{ts("2026-10-31 00:00:00"), "instagram", "acmehq", 500},
		{ts("2026-10-20 00:00:00"), "linkedin", "acmehq", 200},
		{ts("2026-10-10 00:00:00"), "x", "acmehq", 1040},
		{ts("2026-10-15 00:00:00"), "x", "acmehq", 1050},
		{ts("2026-10-31 00:00:00"), "x", "acmehq", 1100},
	}
	if !reflect.DeepEqual(r.Followers, wantFollowers) {
		t.Errorf("followers %+v", r.Followers)
	}

	wantNets := []NetworkEngagement{
		{Network: "instagram", Posts: 1, Impressions: 500, Reach: 400, Engagement: 40,
			EngagementRateReach: f(40.0 / 400), EngagementRateImpressions: f(40.0 / 500)},
		{Network: "x", Posts: 1, Impressions: 2700, Reach: 2050, Engagement: 175,
			EngagementRateReach: f(175.0 / 2050), EngagementRateImpressions: f(175.0 / 2700),
			EngagementRateFollowers: f(140.0 / 1040), PrevEngagementRateReach: f(30.0 / 500)},
	}
	if !reflect.DeepEqual(r.NetworkEngage, wantNets) {
		t.Errorf("networks:\n%+v\nwant\n%+v", r.NetworkEngage, wantNets)
	}

	// Float arithmetic at run time, as the code does it (constants would be exact).
	value, spend := 150.05, 50.25
	wantCampaigns := []Campaign{{Campaign: "autumn", Spend: spend, Clicks: 30, Conversions: 2, Value: value, ROI: f((value - spend) / spend)}}
	if !reflect.DeepEqual(r.CampaignTotals, wantCampaigns) {
		t.Errorf("campaigns %+v", r.CampaignTotals)
	}

	wantPosts := []Post{
		{Network: "instagram", Account: "acmehq", PostID: "ip1", URL: "https://instagram.example/ip1", PublishedAt: ts("2026-10-05 08:00:00"),
			Impressions: 500, Reach: 400, Engagement: 40, EngagementRateReach: f(40.0 / 400)},
		{Network: "x", Account: "acmehq", PostID: "xp1", URL: "https://x.example/xp1", Campaign: "autumn", PublishedAt: ts("2026-10-03 08:00:00"),
			Impressions: 2000, Reach: 1500, Engagement: 140, EngagementRateReach: f(140.0 / 1500)},
		{Network: "x", Account: "acmehq", PostID: "xp0", URL: "https://x.example/xp0", Campaign: "summer", PublishedAt: ts("2026-09-20 08:00:00"),
			Impressions: 700, Reach: 550, Engagement: 35, EngagementRateReach: f(35.0 / 550)},
	}
	if !reflect.DeepEqual(r.TopPosts, wantPosts) {
		t.Errorf("top posts:\n%+v\nwant\n%+v", r.TopPosts, wantPosts)
	}

	var ids []string
	for _, m := range r.TopMentions {
		ids = append(ids, m.Text)
	}
	if !reflect.DeepEqual(ids, []string{"text of m2", "text of m1", "text of m3", "text of m4"}) {
		t.Errorf("top mentions %v", ids)
	}
	if m := r.TopMentions[0]; m.Reach != 1200 || m.Author != "@a1" || m.Network != "x" || m.Sentiment != "negative" ||
		!m.CreatedAt.Equal(ts("2026-10-02 11:00:00")) || m.URL != "https://example.com/m2" {
		t.Errorf("top mention %+v", m)
	}

	wantAlerts := []Alert{
		{StartedAt: ts("2026-10-05 12:00:00"), EndedAt: ts("2026-10-05 15:00:00"), Metric: "mentions", Window: "1h", Observed: 40, Expected: 4, Summary: "spike over"},
		{StartedAt: ts("2026-10-20 07:00:00"), Metric: "negative", Window: "5m", Observed: 12, Expected: 1.5, Summary: "negative spike"},
	}
	if !reflect.DeepEqual(r.Alerts, wantAlerts) {
		t.Errorf("alerts %+v", r.Alerts)
	}

	// Biggest changes with a base: value +1400.5 %, impressions +433 %, post reach +390 %.
	var keys []string
	for _, s := range r.Summary {
		keys = append(keys, s.Key+" "+s.KPI.Key)
	}
	if !reflect.DeepEqual(keys, []string{"kpi_up conversion_value", "kpi_up impressions", "kpi_up post_reach"}) {
		t.Errorf("summary %v", keys)
	}
}

// TestGatherEmptyMonth: a month without any data is all missing, never zero.
func TestGatherEmptyMonth(t *testing.T) {
	LoadFixture(t)
	r, err := Gather(context.Background(), TestStore, "Acme", ts("2027-03-01 00:00:00"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range r.KPIs {
		if k.Value != nil || k.Prev != nil {
			t.Errorf("%s/%s has a value in an empty month: %v %v", k.Key, k.Qualifier, fmtPtr(k.Value), fmtPtr(k.Prev))
		}
	}
	want := []Missing{{"mentions", ""}, {"share_of_voice", ""}, {"post_metrics", ""}, {"followers", ""}, {"conversions", ""}, {"ad_spend", ""}}
	if !reflect.DeepEqual(r.Missing, want) {
		t.Errorf("missing %v, want %v", r.Missing, want)
	}
	if len(r.Mentions) != 31 || len(r.ShareOfVoice) != 0 || len(r.TopPosts) != 0 || len(r.Summary) != 0 {
		t.Errorf("series in an empty month: %d days, %d shares, %d posts, %d sentences", len(r.Mentions), len(r.ShareOfVoice), len(r.TopPosts), len(r.Summary))
	}
}

// TestGatherQuotesBrand: a brand name is data, not SQL.
func TestGatherQuotesBrand(t *testing.T) {
	LoadFixture(t)
	r, err := Gather(context.Background(), TestStore, `Acme' OR 1=1 --\`, FixtureMonth, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.KPIs[0].Value != nil {
		t.Errorf("a brand with quotes matched mentions: %v", *r.KPIs[0].Value)
	}
	if _, err := Gather(context.Background(), TestStore, " ", FixtureMonth, Options{}); err == nil {
		t.Error("an empty brand gathered a report")
	}
}
