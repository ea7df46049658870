// Package fixturemonth is a month of social listening and analytics data
// small enough to compute every metric by hand: October 2026, with the last
// days of September 2026 as the previous period. Tests push it through the
// real sink and rollup job (rollup/fixture_test.go) and the report renderer,
// and compare what comes out with the hand-computed values in expected.go.
//
// The data: one own brand (Acme) and two competitors (Globex, Initech),
// mentioned on x, mastodon and bluesky by six authors; own posts of the
// account acmehq on x, instagram and facebook with several metric
// observations each (a later one replaces an earlier one); follower
// snapshots; conversions with UTM tags; ad spend per campaign. One mention
// (m05) is collected twice, the second time with more likes: every
// expected value counts it once, with the later counters.
//
// Every value is built here by hand, not generated: change one and the
// expectations in expected.go must be recomputed.
package fixturemonth

import (
	"fmt"
	"time"

	"github.com/earshot-dev/earshot/event"
)

// Brands of the fixture, as they would be configured.
const (
	Own         = "Acme"
	Competitor1 = "Globex"
	Competitor2 = "Initech"
	// Account is the own brand's account on every network.
	Account = "acmehq"
	// Currency of every amount, and of MonthlyCost.
	Currency = "EUR"
	// MonthlyCost is the tool and staff cost per month (rollup.monthly_cost).
	MonthlyCost = 100.0
)

// Brand is a configured brand and its role (event.RoleOwn or event.RoleCompetitor).
type Brand struct {
	Name string
	Role string
}

// Brands returns the fixture's brands, the own one first.
func Brands() []Brand {
	return []Brand{{Own, event.RoleOwn}, {Competitor1, event.RoleCompetitor}, {Competitor2, event.RoleCompetitor}}
}

var (
	// Month is the first day of the fixture month, October 2026 (UTC).
	Month = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	// Prev is the first day of the previous month; only its last days have data.
	Prev = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	// From and To bound every event of the fixture: [From, To).
	From = time.Date(2026, 9, 28, 0, 0, 0, 0, time.UTC)
	To   = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
)

type author struct {
	handle    string
	followers uint64
}

// authors: potential reach of a mention is its author's followers.
var authors = map[string]author{
	"a1": {"alice", 1000},
	"a2": {"bob", 200},
	"a3": {"carol", 5000},
	"a4": {"dave", 50},
	"a5": {"erin", 300},
	"a6": {"frank", 10000},
}

type mention struct {
	id, at, network, author string
	brands                  []string
	label                   string
	likes, shares, comments uint64
	hashtags                []string
	keywords                []string
	handles                 []string // @handles the text names
	domain                  string
	lang                    string
	collected               string // when empty: a minute after at
}

// mentions, in the order they are published. Engagement (likes + shares +
// comments) is written after each row; expected.go adds these up.
var mentions = []mention{
	// The previous period.
	{id: "m01", at: "2026-09-29 10:15:00", network: "x", author: "a1", brands: []string{Own}, label: event.Positive, likes: 2, shares: 1}, // eng 3
	{id: "m02", at: "2026-09-29 11:00:00", network: "x", author: "a2", brands: []string{Competitor1}, label: event.Neutral},               // eng 0
	{id: "m03", at: "2026-09-30 09:30:00", network: "mastodon", author: "a3", brands: []string{Own}, label: event.Negative, comments: 3},  // eng 3
	{id: "m04", at: "2026-09-30 14:00:00", network: "x", author: "a4", brands: []string{Own}, label: event.Positive, likes: 1},            // eng 1

	// 2026-10-03: Acme 6, Globex 3, Initech 1.
	// m05 is first collected with 8 likes; its re-collection below has 10.
	{id: "m05", at: "2026-10-03 10:05:00", network: "x", author: "a1", brands: []string{Own}, label: event.Positive, likes: 8, shares: 2, comments: 3,
		hashtags: []string{"acme", "launch"}, domain: "acme.com"},
	{id: "m06", at: "2026-10-03 10:20:00", network: "x", author: "a1", brands: []string{Own}, label: event.Positive, likes: 5, hashtags: []string{"acme"}},      // eng 5
	{id: "m07", at: "2026-10-03 10:40:00", network: "x", author: "a2", brands: []string{Own}, label: event.Negative, comments: 1, keywords: []string{"outage"}}, // eng 1
	{id: "m08", at: "2026-10-03 10:50:00", network: "x", author: "a3", brands: []string{Own, Competitor1}, label: event.Neutral, likes: 4, shares: 1,
		hashtags: []string{"acme", "globex"}, handles: []string{"bob"}}, // eng 5, for both brands; names @bob
	{id: "m05", at: "2026-10-03 10:05:00", network: "x", author: "a1", brands: []string{Own}, label: event.Positive, likes: 10, shares: 2, comments: 3,
		hashtags: []string{"acme", "launch"}, domain: "acme.com", collected: "2026-10-03 10:35:00"}, // re-collected: eng 15 replaces 13
	{id: "m09", at: "2026-10-03 11:10:00", network: "mastodon", author: "a4", brands: []string{Own}, label: event.Positive, likes: 2, shares: 1, comments: 1,
		hashtags: []string{"launch"}, domain: "acme.com"}, // eng 4
	{id: "m10", at: "2026-10-03 11:30:00", network: "mastodon", author: "a5", brands: []string{Own}, label: event.Negative, lang: "id"}, // eng 0
	{id: "m11", at: "2026-10-03 12:00:00", network: "x", author: "a6", brands: []string{Competitor1}, label: event.Positive, likes: 20, shares: 5, comments: 5,
		hashtags: []string{"globex"}}, // eng 30
	{id: "m12", at: "2026-10-03 12:30:00", network: "x", author: "a2", brands: []string{Competitor1}, label: event.Negative, likes: 1, keywords: []string{"price"}}, // eng 1
	{id: "m13", at: "2026-10-03 15:00:00", network: "bluesky", author: "a5", brands: []string{Competitor2}, label: event.Neutral, likes: 3},                         // eng 3
	{id: "m20", at: "2026-10-03 16:00:00", network: "x", author: "a1", label: event.Neutral, hashtags: []string{"acme"}},                                            // names no brand: in no rollup

	// 2026-10-10.
	{id: "m14", at: "2026-10-10 09:00:00", network: "bluesky", author: "a6", brands: []string{Own}, label: event.Positive, likes: 50, shares: 10, comments: 5,
		hashtags: []string{"acme", "launch"}, domain: "news.example.com"}, // eng 65
	{id: "m15", at: "2026-10-10 09:45:00", network: "bluesky", author: "a6", brands: []string{Own}, label: event.Positive, likes: 10},     // eng 10
	{id: "m16", at: "2026-10-10 13:00:00", network: "x", author: "a3", brands: []string{Competitor2}, label: event.Negative, comments: 2}, // eng 2
	{id: "m17", at: "2026-10-10 13:10:00", network: "x", author: "a4", brands: []string{Competitor1}, label: event.Neutral},               // eng 0

	// The month's last hour.
	{id: "m18", at: "2026-10-31 23:30:00", network: "x", author: "a2", brands: []string{Own}, label: event.Negative},                                                  // eng 0
	{id: "m19", at: "2026-10-31 23:59:59", network: "mastodon", author: "a5", brands: []string{Competitor2}, label: event.Positive, likes: 1, shares: 1, comments: 1}, // eng 3
}

type post struct {
	network, id, campaign, published, observed string
	impressions, reach, likes, comments        uint64
	shares, saves, clicks, videoViews          uint64
}

// posts are the own posts' metric observations; engagement per network is
// written after each (DESIGN §4).
var posts = []post{
	// P0 (x): eng = shares + likes + comments + saves = 3 + 10 + 2 + 0 = 15.
	{"x", "P0", "teaser", "2026-09-29 09:00:00", "2026-09-29 12:00:00", 800, 500, 10, 2, 3, 0, 10, 0},
	// P1 (x): 10-02 12:00 is replaced by 10-02 20:00 (eng 40+10+20+10 = 80),
	// then 10-03 12:00 (eng 60+10+20+10 = 100).
	{"x", "P1", "launch", "2026-10-02 09:00:00", "2026-10-02 12:00:00", 1000, 800, 20, 5, 10, 5, 30, 0},
	{"x", "P1", "launch", "2026-10-02 09:00:00", "2026-10-02 20:00:00", 2000, 1500, 40, 10, 20, 10, 50, 0},
	{"x", "P1", "launch", "2026-10-02 09:00:00", "2026-10-03 12:00:00", 3000, 2000, 60, 10, 20, 10, 70, 0},
	// P2 (instagram): eng = likes + comments = 200 + 50 = 250.
	{"instagram", "P2", "launch", "2026-10-03 08:00:00", "2026-10-03 18:00:00", 4000, 2500, 200, 50, 30, 40, 0, 1200},
	// P3 (facebook): eng = shares + likes + comments = 6 + 10 + 4 = 20, then 10 + 20 + 10 = 40.
	{"facebook", "P3", "", "2026-10-10 08:00:00", "2026-10-10 10:00:00", 500, 400, 10, 4, 6, 0, 8, 0},
	{"facebook", "P3", "", "2026-10-10 08:00:00", "2026-10-11 10:00:00", 1000, 800, 20, 10, 10, 0, 15, 0},
}

type snapshot struct {
	network, observed string
	followers         uint64
}

var snapshots = []snapshot{
	{"x", "2026-09-30 23:00:00", 2000},
	{"x", "2026-10-01 12:00:00", 2000},
	{"x", "2026-10-02 08:00:00", 2050},
	{"x", "2026-10-02 22:00:00", 2100}, // the day's last snapshot wins
	{"x", "2026-10-03 12:00:00", 2205},
	{"x", "2026-10-31 12:00:00", 2500},
	{"instagram", "2026-10-02 12:00:00", 4000},
	{"instagram", "2026-10-03 12:00:00", 5000},
	{"instagram", "2026-10-31 12:00:00", 5200},
	{"facebook", "2026-10-10 12:00:00", 8000},
	{"facebook", "2026-10-11 12:00:00", 8080},
}

type conversion struct {
	id, at, typ                    string
	value                          float64
	utmSource, utmMedium, campaign string
}

var conversions = []conversion{
	{"c6", "2026-09-30 12:00:00", "purchase", 10, "x", "social", "launch"},
	{"c1", "2026-10-02 13:00:00", "purchase", 49.99, "fb", "paid", "launch"},
	{"c2", "2026-10-03 09:00:00", "purchase", 100, "twitter", "social", "launch"},
	{"c3", "2026-10-03 10:00:00", "signup", 0, "IG", "social", "launch"},
	{"c4", "2026-10-10 15:00:00", "purchase", 25.50, "newsletter", "email", "october"}, // not social
	{"c5", "2026-10-20 11:00:00", "purchase", 74.51, "instagram", "paid", "launch"},
}

type spend struct {
	id, date, network, campaign string
	amount                      float64
	impressions, clicks         uint64
}

var spends = []spend{
	{"s5", "2026-09-30", "x", "launch", 5, 500, 5},
	{"s1", "2026-10-02", "facebook", "launch", 30, 3000, 60},
	{"s2", "2026-10-03", "x", "launch", 20.50, 2000, 25},
	{"s3", "2026-10-10", "google", "search", 15, 1000, 20}, // not social
	{"s4", "2026-10-20", "meta", "launch", 10, 800, 12},    // meta is facebook
}

// Envelopes returns every event of the fixture wrapped as a collector
// would publish it, in publishing order: the previous period first, and m05
// twice (same id, later collected_at and enriched_at). Mentions are
// enriched mentions (earshot/enriched_mention/v1) with the sentiment label,
// brands and reach (= author followers) set by hand.
func Envelopes() ([]event.Envelope, error) {
	var out []event.Envelope
	add := func(schema, id, source string, collected time.Time, data any) error {
		env, err := event.Wrap(schema, id, source, collected, data)
		if err != nil {
			return fmt.Errorf("fixture month: %w", err)
		}
		out = append(out, env)
		return nil
	}
	roles := map[string]string{}
	for _, b := range Brands() {
		roles[b.Name] = b.Role
	}
	for _, m := range mentions {
		at := parse(m.at)
		collected := at.Add(time.Minute)
		if m.collected != "" {
			collected = parse(m.collected)
		}
		a := authors[m.author]
		em := event.EnrichedMention{
			Mention: event.Mention{
				Network: m.network, NativeID: m.id, Kind: event.KindPost,
				URL:    "https://" + m.network + ".example/" + m.id,
				Author: event.Author{ID: m.author, Handle: a.handle, Followers: a.followers},
				Text:   "fixture mention " + m.id, Likes: m.likes, Shares: m.shares, Comments: m.comments, CreatedAt: at,
			},
			Lang:       "en",
			Sentiment:  event.Sentiment{Score: score(m.label), Label: m.label},
			Brands:     []event.BrandMatch{},
			Hashtags:   m.hashtags,
			Keywords:   m.keywords,
			Handles:    m.handles,
			Reach:      a.followers,
			ReachBasis: event.ReachFollowers,
			EnrichedAt: collected.Add(time.Second),
		}
		if m.lang != "" {
			em.Lang = m.lang
		}
		for _, b := range m.brands {
			em.Brands = append(em.Brands, event.BrandMatch{Name: b, Role: roles[b]})
		}
		if m.domain != "" {
			em.Links = []event.Link{{URL: "https://" + m.domain + "/" + m.id, Domain: m.domain}}
		}
		if err := add(event.SchemaEnrichedMention, event.ID(m.network, m.id), m.network, collected, em); err != nil {
			return nil, err
		}
	}
	for _, p := range posts {
		obs := parse(p.observed)
		pm := event.PostMetrics{
			Network: p.network, Account: Account, PostID: p.id, URL: "https://" + p.network + ".example/acmehq/" + p.id,
			Campaign: p.campaign, PublishedAt: parse(p.published), ObservedAt: obs,
			Impressions: p.impressions, Reach: p.reach, Likes: p.likes, Comments: p.comments, Shares: p.shares,
			Saves: p.saves, Clicks: p.clicks, VideoViews: p.videoViews,
		}
		id := event.ID("import", fmt.Sprintf("post:%s:%s:%d", p.network, p.id, obs.Unix()))
		if err := add(event.SchemaPostMetrics, id, "import", obs, pm); err != nil {
			return nil, err
		}
	}
	for _, s := range snapshots {
		obs := parse(s.observed)
		a := event.AudienceSnapshot{Network: s.network, Account: Account, Followers: s.followers, ObservedAt: obs}
		id := event.ID("import", fmt.Sprintf("audience:%s:%s:%d", s.network, Account, obs.Unix()))
		if err := add(event.SchemaAudience, id, "import", obs, a); err != nil {
			return nil, err
		}
	}
	for _, c := range conversions {
		at := parse(c.at)
		cv := event.Conversion{OccurredAt: at, Type: c.typ, Value: c.value, Currency: Currency,
			UTMSource: c.utmSource, UTMMedium: c.utmMedium, UTMCampaign: c.campaign}
		if err := add(event.SchemaConversion, event.ID("shop", c.id), "shop", at, cv); err != nil {
			return nil, err
		}
	}
	for _, s := range spends {
		day := parse(s.date + " 00:00:00")
		as := event.AdSpend{Date: s.date, Network: s.network, Campaign: s.campaign, Spend: s.amount, Currency: Currency,
			Impressions: s.impressions, Clicks: s.clicks}
		if err := add(event.SchemaAdSpend, event.ID("ads", s.id), "ads", day.Add(24*time.Hour), as); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func score(label string) float64 {
	switch label {
	case event.Positive:
		return 0.6
	case event.Negative:
		return -0.6
	}
	return 0
}

func parse(s string) time.Time {
	t, err := time.Parse(time.DateTime, s)
	if err != nil {
		panic("fixture month: bad time " + s) // the tables above are constants: a typo is a programming error
	}
	return t.UTC()
}
