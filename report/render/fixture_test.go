package render

import (
	"fmt"
	"math"
	"time"

	"github.com/earshot-dev/earshot/report"
)

func f64(v float64) *float64 { return &v }

// oddText is mention text a collector can hand us: emoji, CJK, RTL,
// combining marks, zero-width and control characters, invalid UTF-8.
const oddText = "Acme 🔥🔥 rusak lagi!! 😡 déjà vu — 東京で壊れた 🇮🇩 مرحبا e\u0301\u200b\u202e\x07 tab\there \xff\xfe end"

// fixtureReport is a realistic month for Acme against two competitors:
// November 2026, USD, four networks (TikTok without post metrics), three
// campaigns, an alert still open, and KPIs with every kind of gap.
func fixtureReport() *report.Report {
	month := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	r := &report.Report{
		Brand:       "Acme",
		Competitors: []string{"Globex", "Initech"},
		Month:       month,
		PrevMonth:   time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC),
		Currency:    "USD",
		GeneratedAt: time.Date(2026, 12, 1, 8, 0, 3, 0, time.UTC),
	}
	kpi := func(key, qual, unit string, v, p *float64) report.KPI {
		return report.KPI{Key: key, Qualifier: qual, Unit: unit, Value: v, Prev: p}
	}
	r.KPIs = []report.KPI{
		kpi("mentions", "", report.UnitCount, f64(3134), f64(2871)),
		kpi("potential_reach", "", report.UnitCount, f64(3069648), f64(3312004)),
		kpi("unique_reach", "", report.UnitCount, f64(1204113), f64(1199800)),
		kpi("sov_mentions", "", report.UnitRatio, f64(0.5423), f64(0.5112)),
		kpi("sov_mentions", "Globex", report.UnitRatio, f64(0.2493), f64(0.2601)),
		kpi("sov_mentions", "Initech", report.UnitRatio, f64(0.2084), f64(0.2287)),
		kpi("net_sentiment", "", report.UnitScore, f64(0.046), f64(0.121)),
		kpi("followers", "Instagram", report.UnitCount, f64(128450), f64(121002)),
		kpi("followers_growth_pct", "Instagram", report.UnitPercent, f64(6.155), f64(4.2)),
		kpi("followers", "TikTok", report.UnitCount, nil, f64(5400)),
		kpi("posts_published", "", report.UnitCount, f64(42), f64(0)),
		kpi("impressions", "", report.UnitCount, f64(1850233), f64(1620110)),
		kpi("engagement", "", report.UnitCount, f64(48211), f64(45007)),
		kpi("engagement_rate", "", report.UnitRatio, f64(0.0412), f64(0.0398)),
		kpi("website_clicks", "", report.UnitCount, f64(9120), nil),
		kpi("conversions", "", report.UnitCount, f64(311), f64(287)),
		kpi("conversion_value", "", report.UnitMoney, f64(45210.5), f64(39870.25)),
		kpi("ad_spend", "", report.UnitMoney, f64(12000), f64(11500)),
		kpi("tool_cost", "", report.UnitMoney, f64(3000), f64(3000)),
		kpi("roi", "", report.UnitRatio, f64(2.014), f64(1.758)),
		kpi("brand_new_metric", "", report.UnitCount, f64(1234.5), f64(1000)),
	}
	r.KPIs = append(r.KPIs,
		report.KPI{Key: "engagement_rate_impressions", Unit: report.UnitRatio, Value: f64(0.0261), Prev: f64(0.0278), Appendix: true},
		report.KPI{Key: "engagement_rate_followers", Unit: report.UnitRatio, Value: f64(0.0093), Prev: nil, Appendix: true},
	)

	for d := 0; d < 30; d++ {
		day := month.AddDate(0, 0, d)
		base := 90 + 20*math.Sin(float64(d)/3)
		neg := uint64(10 + d%7)
		if d == 17 || d == 18 { // the outage
			neg += 140
		}
		pos, neu := uint64(base*0.35), uint64(base*0.5)
		total := pos + neu + neg
		r.Mentions = append(r.Mentions, report.DailyMentions{
			Day: day, Mentions: total, Positive: pos, Neutral: neu, Negative: neg,
			NetSentiment:   (float64(pos) - float64(neg)) / float64(total),
			PotentialReach: total * 987,
		})
		own := 0.55 + 0.1*math.Cos(float64(d)/4)
		r.ShareOfVoice = append(r.ShareOfVoice,
			report.DailyShare{Day: day, Brand: "Acme", Role: "own", Share: own},
			report.DailyShare{Day: day, Brand: "Globex", Role: "competitor", Share: (1 - own) * 0.55},
			report.DailyShare{Day: day, Brand: "Initech", Role: "competitor", Share: (1 - own) * 0.45},
		)
		r.Followers = append(r.Followers,
			report.DailyFollowers{Day: day, Network: "instagram", Account: "@acme", Followers: 121002 + uint64(d)*248},
			report.DailyFollowers{Day: day, Network: "x", Account: "@acmehq", Followers: 80400 + uint64(d*d)},
			report.DailyFollowers{Day: day, Network: "linkedin", Account: "Acme Corp", Followers: 15800 + uint64(d)*31},
		)
	}
	r.NetworkEngage = []report.NetworkEngagement{
		{Network: "instagram", Posts: 18, Impressions: 912000, Reach: 640000, Engagement: 31200, EngagementRateReach: f64(0.04875), EngagementRateImpressions: f64(0.0342), EngagementRateFollowers: f64(0.243), PrevEngagementRateReach: f64(0.0451)},
		{Network: "x", Posts: 16, Impressions: 701000, Reach: 420000, Engagement: 11011, EngagementRateReach: f64(0.0262), EngagementRateImpressions: f64(0.0157), EngagementRateFollowers: nil, PrevEngagementRateReach: f64(0.0301)},
		{Network: "linkedin", Posts: 8, Impressions: 237233, Reach: 110000, Engagement: 6000, EngagementRateReach: f64(0.0545), EngagementRateImpressions: f64(0.0253), EngagementRateFollowers: f64(0.379), PrevEngagementRateReach: nil},
		{Network: "tiktok", Posts: 0},
	}
	r.CampaignTotals = []report.Campaign{
		{Campaign: "black-friday-2026", Spend: 7000, Clicks: 5210, Conversions: 201, Value: 30110.5, ROI: f64(3.3015)},
		{Campaign: "autumn-launch", Spend: 5000, Clicks: 3010, Conversions: 98, Value: 14100, ROI: f64(1.82)},
		{Campaign: "organic", Spend: 0, Clicks: 900, Conversions: 12, Value: 1000, ROI: nil},
	}
	for i := 0; i < 10; i++ {
		r.TopPosts = append(r.TopPosts, report.Post{
			Network: []string{"instagram", "x", "linkedin"}[i%3], Account: "@acme", PostID: fmt.Sprintf("post-%03d", i),
			URL: fmt.Sprintf("https://social.example/acme/%d", i), Campaign: []string{"black-friday-2026", "", "autumn-launch"}[i%3],
			PublishedAt: month.AddDate(0, 0, i*3).Add(10 * time.Hour), Impressions: 50000 - uint64(i)*3000,
			Reach: 30000 - uint64(i)*1500, Engagement: 2400 - uint64(i)*150, EngagementRateReach: f64(0.08 - float64(i)*0.003),
		})
	}
	r.TopPosts[9].EngagementRateReach = nil
	for i := 0; i < 25; i++ {
		txt := fmt.Sprintf("Mention %d about Acme: the new release is really good, battery lasts two days and the screen is bright even outdoors.", i)
		if i == 3 {
			txt = oddText
		}
		r.TopMentions = append(r.TopMentions, report.TopMention{
			CreatedAt: month.AddDate(0, 0, i).Add(time.Duration(i) * time.Hour), Network: "x", Author: fmt.Sprintf("@user%d", i),
			Text: txt, URL: fmt.Sprintf("https://x.example/status/%d", 1000+i), Reach: 900000 - uint64(i)*30000,
			Sentiment: []string{"positive", "neutral", "negative"}[i%3],
		})
	}
	r.Alerts = []report.Alert{
		{StartedAt: month.AddDate(0, 0, 17).Add(9*time.Hour + 15*time.Minute), EndedAt: month.AddDate(0, 0, 18).Add(22 * time.Hour), Metric: "negative", Window: "1h", Observed: 141, Expected: 11.25, Summary: "Negative mentions of Acme 12× the usual: app outage"},
		{StartedAt: month.AddDate(0, 0, 28).Add(14 * time.Hour), Metric: "mentions", Window: "1h", Observed: 310, Expected: 95.5, Summary: "Mentions spike: Black Friday"},
	}
	r.Missing = []report.Missing{
		{Key: "post_metrics", Qualifier: "tiktok"},
		{Key: "followers", Qualifier: "tiktok"},
		{Key: "ad_spend", Qualifier: "organic"},
	}
	r.Summary = []report.Sentence{
		{Key: "kpi_up", KPI: findKPI(r, "conversion_value", ""), Rank: 1},
		{Key: "kpi_down", KPI: findKPI(r, "net_sentiment", ""), Rank: 2},
		{Key: "kpi_new", KPI: report.KPI{Key: "website_clicks", Unit: report.UnitCount, Value: f64(9120)}, Rank: 3},
		{Key: "kpi_gone", KPI: findKPI(r, "followers", "TikTok"), Rank: 4},
	}
	return r
}

func findKPI(r *report.Report, key, qualifier string) report.KPI {
	for _, k := range r.KPIs {
		if k.Key == key && k.Qualifier == qualifier {
			return k
		}
	}
	panic("fixture has no KPI " + key + "/" + qualifier)
}
