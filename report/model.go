// Package report builds the monthly report managers read: what social
// media did for the business in one month, against the month before. The
// Report value is gathered from the rollup tables (gather.go) and rendered
// to PDF, XLSX, CSV and HTML (render/). Numbers come only from the store;
// a series with no data is reported missing, never shown as zero.
package report

import "time"

// Report is one brand's month. Every slice is in display order.
type Report struct {
	Brand       string    // the own brand
	Competitors []string  // competitors in the share-of-voice tables
	Month       time.Time // first instant of the month, UTC
	PrevMonth   time.Time // first instant of the month before
	Currency    string    // of every money value
	GeneratedAt time.Time

	KPIs []KPI

	// Daily series of the month, one point per day (days without data are
	// present with zero counts; a whole series without data is in Missing).
	Mentions       []DailyMentions
	ShareOfVoice   []DailyShare     // one point per day × brand (own and competitors)
	Followers      []DailyFollowers // one point per day × network × account
	NetworkEngage  []NetworkEngagement
	CampaignTotals []Campaign

	TopPosts    []Post
	TopMentions []TopMention
	Alerts      []Alert

	// Missing states, in plain words, each series or network with no data
	// in the month (e.g. a network with no post metrics).
	Missing []Missing
	// Summary is a few generated sentences about what changed most; every
	// number in them comes from KPIs.
	Summary []Sentence
}

// Units tell renderers how to format a value.
const (
	UnitCount   = "count"
	UnitRatio   = "ratio"   // 0.123 → 12.3 %
	UnitMoney   = "money"   // in Report.Currency
	UnitScore   = "score"   // net sentiment, -1 … 1
	UnitPercent = "percent" // already in percent points (growth %)
)

// KPI is one headline number with the previous month's. Value or Prev is
// nil when there is no data for it; Change and ChangePct are then nil too.
type KPI struct {
	Key       string // stable id, e.g. "mentions", "sov_mentions", "followers"; renderers translate it
	Qualifier string // what it is about when the key repeats: a competitor, a network; "" otherwise
	Unit      string
	Value     *float64
	Prev      *float64
	Appendix  bool // shown in the appendix only (engagement rate by impressions and by followers)
}

// Change is Value − Prev, nil when either is missing.
func (k KPI) Change() *float64 {
	if k.Value == nil || k.Prev == nil {
		return nil
	}
	d := *k.Value - *k.Prev
	return &d
}

// ChangePct is the relative change in percent, nil when either is missing
// or Prev is zero.
func (k KPI) ChangePct() *float64 {
	if k.Value == nil || k.Prev == nil || *k.Prev == 0 {
		return nil
	}
	p := (*k.Value - *k.Prev) / *k.Prev * 100
	return &p
}

// DailyMentions is one day of the own brand's mentions.
type DailyMentions struct {
	Day            time.Time
	Mentions       uint64
	Positive       uint64
	Neutral        uint64
	Negative       uint64
	NetSentiment   float64 // (positive − negative) / mentions; 0 on a day without mentions
	PotentialReach uint64
}

// DailyShare is one brand's share of voice on one day, by mentions.
type DailyShare struct {
	Day   time.Time
	Brand string
	Role  string
	Share float64 // 0 … 1
}

// DailyFollowers is one own account's followers at the end of one day.
type DailyFollowers struct {
	Day       time.Time
	Network   string
	Account   string
	Followers uint64
}

// NetworkEngagement is one network's own-post totals in the month and the
// month before.
type NetworkEngagement struct {
	Network                   string
	Posts                     uint64
	Impressions               uint64
	Reach                     uint64
	Engagement                uint64
	EngagementRateReach       *float64 // nil when reach is 0
	EngagementRateImpressions *float64
	EngagementRateFollowers   *float64
	PrevEngagementRateReach   *float64
}

// Campaign is one campaign's month.
type Campaign struct {
	Campaign    string
	Spend       float64
	Clicks      uint64
	Conversions uint64
	Value       float64
	ROI         *float64 // (value − spend) / spend; nil without spend
}

// Post is one own post.
type Post struct {
	Network             string
	Account             string
	PostID              string
	URL                 string
	Campaign            string
	PublishedAt         time.Time
	Impressions         uint64
	Reach               uint64
	Engagement          uint64
	EngagementRateReach *float64
}

// TopMention is one of the month's mentions with the most potential reach.
type TopMention struct {
	CreatedAt time.Time
	Network   string
	Author    string
	Text      string // truncated for display
	URL       string
	Reach     uint64
	Sentiment string
}

// Alert is one alert raised during the month.
type Alert struct {
	StartedAt time.Time
	EndedAt   time.Time // zero while open
	Metric    string
	Window    string
	Observed  float64
	Expected  float64
	Summary   string
}

// Missing is a statement that some data is absent: Key names what
// ("post_metrics", "followers", "conversions", "ad_spend", "mentions",
// "share_of_voice"), Qualifier the network or brand when it concerns one.
type Missing struct {
	Key       string
	Qualifier string
}

// Sentence is one generated summary sentence, kept as a template key and
// its arguments so each renderer can write it in the report's language.
type Sentence struct {
	Key  string // e.g. "kpi_up", "kpi_down", "kpi_new"
	KPI  KPI    // the KPI the sentence is about
	Rank int    // 1 = the biggest change
}

// KPI keys Gather produces, in display order. Renderers translate each;
// Qualifier names the competitor (sov_mentions) or the network (followers,
// followers_growth, followers_growth_pct) when it is not empty.
const (
	KeyMentions                  = "mentions"
	KeyPotentialReach            = "potential_reach"
	KeyUniqueReach               = "unique_reach"
	KeyShareOfVoice              = "sov_mentions" // Qualifier "": the own brand; else that competitor's share
	KeyNetSentiment              = "net_sentiment"
	KeyFollowers                 = "followers"
	KeyFollowersGrowth           = "followers_growth"
	KeyFollowersGrowthPct        = "followers_growth_pct"
	KeyPostsPublished            = "posts_published"
	KeyImpressions               = "impressions"
	KeyPostReach                 = "post_reach"
	KeyEngagement                = "engagement"
	KeyEngagementRate            = "engagement_rate" // by reach
	KeyWebsiteClicks             = "website_clicks"
	KeyConversions               = "conversions"
	KeyConversionValue           = "conversion_value"
	KeyAdSpend                   = "ad_spend"
	KeyToolCost                  = "tool_cost"
	KeyROI                       = "roi"
	KeyEngagementRateImpressions = "engagement_rate_impressions" // appendix
	KeyEngagementRateFollowers   = "engagement_rate_followers"   // appendix
)

// Missing keys, beside those listed on Missing.
const (
	// MissingOtherCurrency: money in a currency other than Report.Currency
	// exists for the month and is left out (nothing is converted);
	// Qualifier is that currency.
	MissingOtherCurrency = "other_currency"
)
