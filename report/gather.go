package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/earshot-dev/earshot/rollup"
	"github.com/earshot-dev/earshot/store"
)

// Querier is the part of the store the report reads through.
type Querier interface {
	Query(ctx context.Context, query string) (*store.Result, error)
}

// Options tune Gather. The zero value is usable.
type Options struct {
	// Currency of every money value: rows in other currencies are left out
	// and stated as missing (nothing is converted). Default "USD", the
	// rollup's default currency; pass rollup.currency.
	Currency    string
	TopPosts    int // rows in the top-posts table, default 10
	TopMentions int // rows in the top-mentions table, default 10
	// MentionText caps a top mention's text, in characters (default 280).
	MentionText int
	Now         func() time.Time // GeneratedAt; time.Now when nil
}

func (o Options) withDefaults() Options {
	if o.Currency == "" {
		o.Currency = "USD"
	}
	if o.TopPosts <= 0 {
		o.TopPosts = 10
	}
	if o.TopMentions <= 0 {
		o.TopMentions = 10
	}
	if o.MentionText <= 0 {
		o.MentionText = 280
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// finalInPartitions lets FINAL deduplicate each monthly partition of
// mentions on its own, in parallel. That is exact because a mention's
// partition comes from its created_at, which a re-collected or re-enriched
// copy (same id) keeps: two copies never sit in different partitions.
const finalInPartitions = "do_not_merge_across_partitions_select_final = 1"

// Gather reads brand's month (the UTC calendar month holding month) and
// the month before from the rollup tables, plus the mentions table for
// unique reach and the top mentions and post_metrics for the posts'
// publication dates and links. Definitions: docs/metrics.md, "Monthly report".
func Gather(ctx context.Context, st Querier, brand string, month time.Time, opts Options) (*Report, error) {
	if strings.TrimSpace(brand) == "" {
		return nil, fmt.Errorf("report: no brand given: name the own brand (report.brand or --brand)")
	}
	opts = opts.withDefaults()
	m := MonthStart(month)
	g := &gatherer{q: st, brand: brand, opts: opts, cur: m, prev: m.AddDate(0, -1, 0), next: m.AddDate(0, 1, 0)}
	g.r = &Report{Brand: brand, Month: g.cur, PrevMonth: g.prev, Currency: opts.Currency, GeneratedAt: opts.Now().UTC()}
	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"mentions", g.mentions},
		{"share of voice", g.shareOfVoice},
		{"audience", g.audience},
		{"own posts", g.posts},
		{"business", g.business},
		{"top mentions", g.topMentions},
		{"alerts", g.alerts},
	}
	for _, s := range steps {
		if err := s.fn(ctx); err != nil {
			return nil, fmt.Errorf("report %s %s: %s: %w", brand, g.cur.Format("2006-01"), s.name, err)
		}
	}
	g.r.KPIs = g.kpis()
	g.r.Summary = Summarize(g.r.KPIs, DefaultSummarySentences)
	return g.r, nil
}

// MonthStart is the first instant of t's calendar month, in UTC: the
// rollup tables keep UTC days.
func MonthStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// pair is one figure for the month and the month before.
type pair struct{ cur, prev *float64 }

func (p *pair) set(prev bool, v float64) {
	if prev {
		p.prev = &v
	} else {
		p.cur = &v
	}
}

type gatherer struct {
	q               Querier
	brand           string
	opts            Options
	cur, prev, next time.Time
	r               *Report
	mentionsN       pair
	potentialReach  pair
	uniqueReach     pair
	netSentiment    pair
	sov             map[string]*pair // brand → share; "" key unused
	sovOrder        []string
	followers       map[string]*pair
	growth          map[string]*pair
	growthPct       map[string]*pair
	networks        []string // networks with followers, in order
	published       pair
	impressions     pair
	postReach       pair
	engagement      pair
	erReach         pair
	erImpressions   pair
	erFollowers     pair
	postClicks      pair
	adClicks        pair
	conversions     pair
	conversionValue pair
	adSpend         pair
	toolCost        pair
	roi             pair
	hasPostData     [2]bool
	hasAdData       [2]bool
	hasConversions  [2]bool
}

// query runs q and checks each row has n fields.
func (g *gatherer) query(ctx context.Context, q string, n int) ([][]string, error) {
	res, err := g.q.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	for _, row := range res.Rows {
		if len(row) != n {
			return nil, fmt.Errorf("query returned %d columns, want %d", len(row), n)
		}
	}
	return res.Rows, nil
}

// window is the SQL condition col ∈ [from, to) for a Date or DateTime column.
func window(col string, from, to time.Time) string {
	return fmt.Sprintf("%[1]s >= toDateTime('%[2]s', 'UTC') AND %[1]s < toDateTime('%[3]s', 'UTC')",
		col, from.Format(time.DateTime), to.Format(time.DateTime))
}

func dateWindow(col string, from, to time.Time) string {
	return fmt.Sprintf("%[1]s >= toDate('%[2]s') AND %[1]s < toDate('%[3]s')", col, from.Format(time.DateOnly), to.Format(time.DateOnly))
}

// slot indexes the [2] arrays that hold a figure for the report's month
// (0) and the month before (1).
func slot(prev bool) int {
	if prev {
		return 1
	}
	return 0
}

// isPrev tells which month a toStartOfMonth value belongs to.
// monthCounts runs q, whose rows are (first day of month, count), and
// sets dst for the month and the month before; what names the count in
// errors.
func (g *gatherer) monthCounts(ctx context.Context, q, what string, dst *pair) error {
	rows, err := g.query(ctx, q, 2)
	if err != nil {
		return err
	}
	for _, row := range rows {
		prev, err := g.isPrev(row[0])
		if err != nil {
			return err
		}
		n, err := strconv.ParseUint(row[1], 10, 64)
		if err != nil {
			return fmt.Errorf("%s %q: %w", what, row[1], err)
		}
		dst.set(prev, float64(n))
	}
	return nil
}

func (g *gatherer) isPrev(day string) (bool, error) {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return false, fmt.Errorf("month %q: %w", day, err)
	}
	switch {
	case d.Equal(g.prev):
		return true, nil
	case d.Equal(g.cur):
		return false, nil
	}
	return false, fmt.Errorf("month %s is neither %s nor %s", day, g.prev.Format(time.DateOnly), g.cur.Format(time.DateOnly))
}

func (g *gatherer) mentions(ctx context.Context) error {
	b := quote(g.brand)
	rows, err := g.query(ctx, fmt.Sprintf(`SELECT toStartOfMonth(hour) AS m, sum(mentions), sum(potential_reach),
       sum(positive), sum(negative)
FROM mentions_hourly FINAL
WHERE brand = %s AND %s
GROUP BY m`, b, window("hour", g.prev, g.next)), 5)
	if err != nil {
		return err
	}
	for _, row := range rows {
		prev, err := g.isPrev(row[0])
		if err != nil {
			return err
		}
		n, reach, pos, neg, err := u4(row[1:])
		if err != nil {
			return err
		}
		if n == 0 {
			continue
		}
		g.mentionsN.set(prev, float64(n))
		g.potentialReach.set(prev, float64(reach))
		g.netSentiment.set(prev, (float64(pos)-float64(neg))/float64(n))
	}
	// Unique reach over a month: each author once, with the largest reach
	// any of their mentions had. Hourly unique reach cannot be added up.
	if err := g.monthCounts(ctx, fmt.Sprintf(`SELECT m, sum(r)
FROM
(
    SELECT toStartOfMonth(created_at) AS m, author_id, max(reach) AS r
    FROM mentions FINAL
    WHERE has(brands, %s) AND %s
    GROUP BY m, author_id
)
GROUP BY m
SETTINGS %s`, b, window("created_at", g.prev, g.next), finalInPartitions), "unique reach", &g.uniqueReach); err != nil {
		return err
	}

	rows, err = g.query(ctx, fmt.Sprintf(`SELECT toDate(hour) AS d, sum(mentions), sum(positive), sum(neutral), sum(negative),
       sum(potential_reach)
FROM mentions_hourly FINAL
WHERE brand = %s AND %s
GROUP BY d
ORDER BY d`, b, window("hour", g.cur, g.next)), 6)
	if err != nil {
		return err
	}
	byDay := map[string][]string{}
	for _, row := range rows {
		byDay[row[0]] = row[1:]
	}
	for d := g.cur; d.Before(g.next); d = d.AddDate(0, 0, 1) {
		dm := DailyMentions{Day: d}
		if row, ok := byDay[d.Format(time.DateOnly)]; ok {
			var err error
			if dm.Mentions, dm.Positive, dm.Neutral, dm.Negative, err = u4(row[:4]); err != nil {
				return err
			}
			if dm.PotentialReach, err = strconv.ParseUint(row[4], 10, 64); err != nil {
				return fmt.Errorf("potential reach %q: %w", row[4], err)
			}
			if dm.Mentions > 0 {
				dm.NetSentiment = (float64(dm.Positive) - float64(dm.Negative)) / float64(dm.Mentions)
			}
		}
		g.r.Mentions = append(g.r.Mentions, dm)
	}
	if g.mentionsN.cur == nil {
		g.missing("mentions", "")
	}
	return nil
}

// shareOfVoice takes every brand's mentions over the whole month from the
// all-networks rows: a brand's share is its Σ mentions ÷ Σ mentions of all
// brands, never an average of daily shares.
func (g *gatherer) shareOfVoice(ctx context.Context) error {
	rows, err := g.query(ctx, fmt.Sprintf(`SELECT toStartOfMonth(day) AS m, brand, any(role), sum(mentions)
FROM share_of_voice_daily FINAL
WHERE network = 'all' AND %s
GROUP BY m, brand`, dateWindow("day", g.prev, g.next)), 4)
	if err != nil {
		return err
	}
	var total [2]uint64
	counts := map[string]*[2]uint64{}
	role := map[string]string{}
	for _, row := range rows {
		prev, err := g.isPrev(row[0])
		if err != nil {
			return err
		}
		n, err := strconv.ParseUint(row[3], 10, 64)
		if err != nil {
			return fmt.Errorf("share of voice mentions %q: %w", row[3], err)
		}
		i := slot(prev)
		if counts[row[1]] == nil {
			counts[row[1]] = &[2]uint64{}
		}
		counts[row[1]][i] += n
		total[i] += n
		role[row[1]] = row[2]
	}
	g.sov = map[string]*pair{}
	share := func(b string) *pair {
		p := &pair{}
		c := counts[b]
		for i := range 2 {
			if total[i] == 0 {
				continue
			}
			var n uint64
			if c != nil {
				n = c[i]
			}
			p.set(i == 1, float64(n)/float64(total[i]))
		}
		return p
	}
	g.sov[g.brand] = share(g.brand)
	var comps []string
	for b, r := range role {
		if r == "competitor" && b != g.brand {
			comps = append(comps, b)
		}
	}
	// Biggest competitor first; ties by name so the order is stable.
	slices.SortFunc(comps, func(a, b string) int {
		if c := cmp.Compare(counts[b][0], counts[a][0]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	for _, c := range comps {
		g.sov[c] = share(c)
	}
	g.sovOrder = comps
	g.r.Competitors = comps

	rows, err = g.query(ctx, fmt.Sprintf(`SELECT day, brand, any(role), sum(mentions), sum(total_mentions)
FROM share_of_voice_daily FINAL
WHERE network = 'all' AND %s
GROUP BY day, brand`, dateWindow("day", g.cur, g.next)), 5)
	if err != nil {
		return err
	}
	type key struct{ day, brand string }
	daily := map[key]float64{}
	for _, row := range rows {
		n, err1 := strconv.ParseUint(row[3], 10, 64)
		t, err2 := strconv.ParseUint(row[4], 10, 64)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("share of voice row %v: bad counts", row)
		}
		if t > 0 {
			daily[key{row[0], row[1]}] = float64(n) / float64(t)
		}
	}
	if total[0] == 0 {
		g.missing("share_of_voice", "")
		return nil
	}
	brands := append([]string{g.brand}, comps...)
	for d := g.cur; d.Before(g.next); d = d.AddDate(0, 0, 1) {
		for _, b := range brands {
			r := role[b]
			if r == "" {
				r = "own"
			}
			g.r.ShareOfVoice = append(g.r.ShareOfVoice, DailyShare{Day: d, Brand: b, Role: r, Share: daily[key{d.Format(time.DateOnly), b}]})
		}
	}
	return nil
}

// audience reads three months so the month before has its growth too.
// Followers of a network at the end of a month = Σ over its accounts of
// each account's last daily figure in the month. Growth compares only
// accounts seen in both months, so a newly tracked account is not growth.
func (g *gatherer) audience(ctx context.Context) error {
	before := g.prev.AddDate(0, -1, 0)
	rows, err := g.query(ctx, fmt.Sprintf(`SELECT network, account, toStartOfMonth(day) AS m, argMax(followers, day)
FROM audience_daily FINAL
WHERE %s
GROUP BY network, account, m`, dateWindow("day", before, g.next)), 4)
	if err != nil {
		return err
	}
	type acct struct{ network, account string }
	end := map[acct]map[string]uint64{} // account → month → followers
	for _, row := range rows {
		f, err := strconv.ParseUint(row[3], 10, 64)
		if err != nil {
			return fmt.Errorf("followers %q: %w", row[3], err)
		}
		a := acct{row[0], row[1]}
		if end[a] == nil {
			end[a] = map[string]uint64{}
		}
		end[a][row[2]] = f
	}
	months := []string{before.Format(time.DateOnly), g.prev.Format(time.DateOnly), g.cur.Format(time.DateOnly)}
	g.followers, g.growth, g.growthPct = map[string]*pair{}, map[string]*pair{}, map[string]*pair{}
	type sums struct {
		followers  [3]uint64
		seen       [3]bool
		delta      [2]int64 // cur-over-prev, prev-over-before
		base       [2]uint64
		comparable [2]bool
	}
	per := map[string]*sums{}
	for a, byMonth := range end {
		s := per[a.network]
		if s == nil {
			s = &sums{}
			per[a.network] = s
		}
		for i, mo := range months {
			if f, ok := byMonth[mo]; ok {
				s.followers[i] += f
				s.seen[i] = true
			}
		}
		for j, pairIdx := range [][2]int{{2, 1}, {1, 0}} {
			now, ok1 := byMonth[months[pairIdx[0]]]
			then, ok2 := byMonth[months[pairIdx[1]]]
			if ok1 && ok2 {
				s.delta[j] += int64(now) - int64(then)
				s.base[j] += then
				s.comparable[j] = true
			}
		}
	}
	for n, s := range per {
		if !s.seen[1] && !s.seen[2] {
			continue // only the month before last: not this report's business
		}
		g.networks = append(g.networks, n)
		f, gr, gp := &pair{}, &pair{}, &pair{}
		for i, prev := range []bool{true, false} {
			if s.seen[i+1] {
				f.set(prev, float64(s.followers[i+1]))
			}
		}
		for j, prev := range []bool{false, true} {
			if !s.comparable[j] {
				continue
			}
			gr.set(prev, float64(s.delta[j]))
			if s.base[j] > 0 {
				gp.set(prev, float64(s.delta[j])/float64(s.base[j])*100)
			}
		}
		g.followers[n], g.growth[n], g.growthPct[n] = f, gr, gp
	}
	slices.Sort(g.networks)

	rows, err = g.query(ctx, fmt.Sprintf(`SELECT day, network, account, followers
FROM audience_daily FINAL
WHERE %s
ORDER BY network, account, day`, dateWindow("day", g.cur, g.next)), 4)
	if err != nil {
		return err
	}
	for _, row := range rows {
		d, err := time.Parse(time.DateOnly, row[0])
		if err != nil {
			return fmt.Errorf("day %q: %w", row[0], err)
		}
		f, err := strconv.ParseUint(row[3], 10, 64)
		if err != nil {
			return fmt.Errorf("followers %q: %w", row[3], err)
		}
		g.r.Followers = append(g.r.Followers, DailyFollowers{Day: d, Network: row[1], Account: row[2], Followers: f})
	}
	return nil
}

// postRow is one own post as of its last observed day in a month.
type postRow struct {
	network, account, postID, campaign                string
	impressions, reach, engagement, clicks, followers uint64
}

// posts: a month's own-post figures are the posts observed in the month,
// each as of its last observed day in it (counters are lifetime totals).
// Every rate is Σ engagement ÷ Σ denominator over the posts whose
// denominator is known (> 0).
func (g *gatherer) posts(ctx context.Context) error {
	rows, err := g.query(ctx, fmt.Sprintf(`SELECT toStartOfMonth(day) AS m, network, account, post_id,
       argMax(campaign, day), argMax(impressions, day), argMax(reach, day), argMax(engagement, day),
       argMax(clicks, day), argMax(followers, day)
FROM post_engagement_daily FINAL
WHERE %s
GROUP BY m, network, account, post_id`, dateWindow("day", g.prev, g.next)), 10)
	if err != nil {
		return err
	}
	type netSums struct{ impressions, reach, engagement, engR, engI, engF, impr, fol uint64 }
	var byNet [2]map[string]*netSums
	byNet[0], byNet[1] = map[string]*netSums{}, map[string]*netSums{}
	var cur []postRow
	for _, row := range rows {
		prev, err := g.isPrev(row[0])
		if err != nil {
			return err
		}
		p := postRow{network: row[1], account: row[2], postID: row[3], campaign: row[4]}
		nums := []*uint64{&p.impressions, &p.reach, &p.engagement, &p.clicks, &p.followers}
		for i, dst := range nums {
			if *dst, err = strconv.ParseUint(row[5+i], 10, 64); err != nil {
				return fmt.Errorf("post %s: %q: %w", p.postID, row[5+i], err)
			}
		}
		i := slot(prev)
		if !prev {
			cur = append(cur, p)
		}
		g.hasPostData[i] = true
		s := byNet[i][p.network]
		if s == nil {
			s = &netSums{}
			byNet[i][p.network] = s
		}
		s.impressions += p.impressions
		s.reach += p.reach
		s.engagement += p.engagement
		if p.reach > 0 {
			s.engR += p.engagement
		}
		if p.impressions > 0 {
			s.engI += p.engagement
			s.impr += p.impressions
		}
		if p.followers > 0 {
			s.engF += p.engagement
			s.fol += p.followers
		}
		g.postClicks.add(i == 1, float64(p.clicks))
	}

	// Publication dates come from post_metrics: the daily rollup keeps the
	// day a post was observed, not the day it was published.
	rows, err = g.query(ctx, fmt.Sprintf(`SELECT toStartOfMonth(published_at) AS m, network, count()
FROM post_metrics FINAL
WHERE %s
GROUP BY m, network`, window("published_at", g.prev, g.next)), 3)
	if err != nil {
		return err
	}
	published := [2]map[string]uint64{{}, {}}
	for _, row := range rows {
		prev, err := g.isPrev(row[0])
		if err != nil {
			return err
		}
		n, err := strconv.ParseUint(row[2], 10, 64)
		if err != nil {
			return fmt.Errorf("posts published %q: %w", row[2], err)
		}
		i := slot(prev)
		published[i][row[1]] += n
		g.published.add(prev, float64(n))
	}

	rate := func(num, den uint64) *float64 {
		if den == 0 {
			return nil
		}
		v := float64(num) / float64(den)
		return &v
	}
	for i, prev := range []bool{false, true} {
		if !g.hasPostData[i] {
			continue
		}
		if g.published.get(prev) == nil {
			g.published.set(prev, 0)
		}
		var t netSums
		for _, s := range byNet[i] {
			t.impressions += s.impressions
			t.reach += s.reach
			t.engagement += s.engagement
			t.engR += s.engR
			t.engI += s.engI
			t.impr += s.impr
			t.engF += s.engF
			t.fol += s.fol
		}
		g.impressions.set(prev, float64(t.impressions))
		g.postReach.set(prev, float64(t.reach))
		g.engagement.set(prev, float64(t.engagement))
		g.erReach.setPtr(prev, rate(t.engR, t.reach))
		g.erImpressions.setPtr(prev, rate(t.engI, t.impr))
		g.erFollowers.setPtr(prev, rate(t.engF, t.fol))
	}
	var nets []string
	for n := range byNet[0] {
		nets = append(nets, n)
	}
	slices.Sort(nets)
	for _, n := range nets {
		s, ps := byNet[0][n], byNet[1][n]
		ne := NetworkEngagement{Network: n, Posts: published[0][n], Impressions: s.impressions, Reach: s.reach,
			Engagement: s.engagement, EngagementRateReach: rate(s.engR, s.reach),
			EngagementRateImpressions: rate(s.engI, s.impr), EngagementRateFollowers: rate(s.engF, s.fol)}
		if ps != nil {
			ne.PrevEngagementRateReach = rate(ps.engR, ps.reach)
		}
		g.r.NetworkEngage = append(g.r.NetworkEngage, ne)
	}
	if !g.hasPostData[0] {
		g.missing("post_metrics", "")
	} else {
		for _, n := range g.networks {
			if byNet[0][n] == nil && g.followers[n].cur != nil {
				g.missing("post_metrics", n)
			}
		}
	}
	if len(g.networks) == 0 {
		g.missing("followers", "")
	} else {
		// Networks with posts but no follower counts, or with counts only
		// in the month before.
		seen := map[string]bool{}
		for _, n := range append(slices.Clone(nets), g.networks...) {
			if f := g.followers[n]; !seen[n] && (f == nil || f.cur == nil) {
				g.missing("followers", n)
			}
			seen[n] = true
		}
	}
	return g.topPosts(ctx, cur)
}

// topPosts ranks the month's posts by engagement rate by reach (posts with
// no reach cannot be ranked), then by engagement.
func (g *gatherer) topPosts(ctx context.Context, posts []postRow) error {
	posts = slices.DeleteFunc(posts, func(p postRow) bool { return p.reach == 0 })
	slices.SortFunc(posts, func(a, b postRow) int {
		ra, rb := float64(a.engagement)/float64(a.reach), float64(b.engagement)/float64(b.reach)
		if c := cmp.Compare(rb, ra); c != 0 {
			return c
		}
		if c := cmp.Compare(b.engagement, a.engagement); c != 0 {
			return c
		}
		return cmp.Compare(a.network+"/"+a.account+"/"+a.postID, b.network+"/"+b.account+"/"+b.postID)
	})
	if len(posts) > g.opts.TopPosts {
		posts = posts[:g.opts.TopPosts]
	}
	if len(posts) == 0 {
		return nil
	}
	keys := make([]string, len(posts))
	for i, p := range posts {
		keys[i] = fmt.Sprintf("(%s, %s, %s)", quote(p.network), quote(p.account), quote(p.postID))
	}
	rows, err := g.query(ctx, fmt.Sprintf(`SELECT network, account, post_id, url, toUnixTimestamp64Milli(published_at)
FROM post_metrics FINAL
WHERE (network, account, post_id) IN (%s)`, strings.Join(keys, ", ")), 5)
	if err != nil {
		return err
	}
	type info struct {
		url string
		at  time.Time
	}
	infos := map[string]info{}
	for _, row := range rows {
		ms, err := strconv.ParseInt(row[4], 10, 64)
		if err != nil {
			return fmt.Errorf("published_at %q: %w", row[4], err)
		}
		infos[row[0]+"\x00"+row[1]+"\x00"+row[2]] = info{row[3], time.UnixMilli(ms).UTC()}
	}
	for _, p := range posts {
		in := infos[p.network+"\x00"+p.account+"\x00"+p.postID]
		r := float64(p.engagement) / float64(p.reach)
		g.r.TopPosts = append(g.r.TopPosts, Post{Network: p.network, Account: p.account, PostID: p.postID, URL: in.url,
			Campaign: p.campaign, PublishedAt: in.at, Impressions: p.impressions, Reach: p.reach,
			Engagement: p.engagement, EngagementRateReach: &r})
	}
	return nil
}

// business reads ROI from roi_monthly (the figures the dashboards show) and
// the campaign table from the daily rollups, both over social networks only
// and in the report's currency, so the campaigns add up to the ROI inputs.
func (g *gatherer) business(ctx context.Context) error {
	cur := quote(g.opts.Currency)
	rows, err := g.query(ctx, fmt.Sprintf(`SELECT month, currency, conversions, attributed_value, ad_spend, tool_cost, roi
FROM roi_monthly FINAL
WHERE brand = %s AND %s
ORDER BY month, currency`, quote(g.brand), dateWindow("month", g.prev, g.next)), 7)
	if err != nil {
		return err
	}
	type money struct{ conv, value, spend, tool float64 }
	var have [2]*money
	roi := [2]*float64{}
	others := map[string]bool{}
	for _, row := range rows {
		prev, err := g.isPrev(row[0])
		if err != nil {
			return err
		}
		f, err := floats(row[2:6])
		if err != nil {
			return err
		}
		if row[1] != g.opts.Currency {
			if f[0] > 0 || f[2] > 0 {
				others[row[1]] = true
			}
			continue
		}
		i := slot(prev)
		have[i] = &money{f[0], f[1], f[2], f[3]}
		if row[6] != `\N` {
			v, err := strconv.ParseFloat(row[6], 64)
			if err != nil {
				return fmt.Errorf("roi %q: %w", row[6], err)
			}
			roi[i] = &v
		}
	}
	// Whether any conversion or spend was collected at all in a month: the
	// ROI rollup writes a row (tool cost) even for a month with no data,
	// where "0 conversions" would be a claim the data cannot make.
	rows, err = g.query(ctx, fmt.Sprintf(`SELECT 'c', toStartOfMonth(day) AS m, count() FROM conversions_daily FINAL WHERE %[1]s GROUP BY m
UNION ALL
SELECT 's', toStartOfMonth(day) AS m, count() FROM ad_spend_daily FINAL WHERE %[1]s GROUP BY m`, dateWindow("day", g.prev, g.next)), 3)
	if err != nil {
		return err
	}
	for _, row := range rows {
		prev, err := g.isPrev(row[1])
		if err != nil {
			return err
		}
		i := slot(prev)
		if row[0] == "c" {
			g.hasConversions[i] = true
		} else {
			g.hasAdData[i] = true
		}
	}
	for i, prev := range []bool{false, true} {
		m := have[i]
		if m == nil {
			continue
		}
		g.toolCost.set(prev, m.tool)
		if g.hasConversions[i] {
			g.conversions.set(prev, m.conv)
			g.conversionValue.set(prev, m.value)
			g.roi.setPtr(prev, roi[i])
		}
		if g.hasAdData[i] {
			g.adSpend.set(prev, m.spend)
		}
	}
	if !g.hasConversions[0] {
		g.missing("conversions", "")
	}
	if !g.hasAdData[0] {
		g.missing("ad_spend", "")
	}
	curs := make([]string, 0, len(others))
	for c := range others {
		curs = append(curs, c)
	}
	slices.Sort(curs)
	for _, c := range curs {
		g.missing(MissingOtherCurrency, c)
	}

	// Ad clicks count as website clicks in every currency: a click has none.
	social := rollup.SocialNetworks
	if err := g.monthCounts(ctx, fmt.Sprintf(`SELECT toStartOfMonth(day) AS m, sum(clicks)
FROM ad_spend_daily FINAL
WHERE network IN %s AND %s
GROUP BY m`, social, dateWindow("day", g.prev, g.next)), "ad clicks", &g.adClicks); err != nil {
		return err
	}

	rows, err = g.query(ctx, fmt.Sprintf(`SELECT campaign, sum(spend), sum(clicks), sum(conversions), sum(value)
FROM
(
    SELECT campaign, spend, clicks, toUInt64(0) AS conversions, toDecimal128(0, 4) AS value
    FROM ad_spend_daily FINAL
    WHERE network IN %[1]s AND currency = %[2]s AND %[3]s
    UNION ALL
    SELECT campaign, toDecimal128(0, 4), toUInt64(0), conversions, value
    FROM conversions_daily FINAL
    WHERE network IN %[1]s AND currency = %[2]s AND %[3]s
)
GROUP BY campaign
ORDER BY sum(value) DESC, sum(spend) DESC, campaign`, social, cur, dateWindow("day", g.cur, g.next)), 5)
	if err != nil {
		return err
	}
	for _, row := range rows {
		spend, err1 := strconv.ParseFloat(row[1], 64)
		clicks, err2 := strconv.ParseUint(row[2], 10, 64)
		conv, err3 := strconv.ParseUint(row[3], 10, 64)
		value, err4 := strconv.ParseFloat(row[4], 64)
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
			return fmt.Errorf("campaign %q: bad figures %v", row[0], row[1:])
		}
		c := Campaign{Campaign: row[0], Spend: spend, Clicks: clicks, Conversions: conv, Value: value}
		if spend > 0 {
			r := (value - spend) / spend
			c.ROI = &r
		}
		g.r.CampaignTotals = append(g.r.CampaignTotals, c)
	}
	return nil
}

func (g *gatherer) topMentions(ctx context.Context) error {
	// Candidates first, from each item's first version (recollected = 0:
	// one row per item, no FINAL, only the sort columns read); then the
	// latest version of those through FINAL, which reads only their hours
	// (the table's sort key), and the wide columns for them alone. Four
	// times the candidates absorb versions whose reach changed.
	w := window("created_at", g.cur, g.next)
	rows, err := g.query(ctx, fmt.Sprintf(`SELECT toUnixTimestamp64Milli(created_at), network, author_handle,
       leftUTF8(if(text = '', title, text), %[1]d), url, reach, sentiment_label
FROM mentions FINAL
WHERE (toStartOfHour(created_at), id) IN
(
    SELECT toStartOfHour(created_at), id FROM mentions
    WHERE has(brands, %[2]s) AND %[3]s AND recollected = 0
    ORDER BY reach DESC, created_at, id
    LIMIT %[6]d
)
  AND has(brands, %[2]s) AND %[3]s
ORDER BY reach DESC, created_at, id
LIMIT %[4]d
SETTINGS %[5]s`, g.opts.MentionText, quote(g.brand), w, g.opts.TopMentions, finalInPartitions, 4*g.opts.TopMentions), 7)
	if err != nil {
		return err
	}
	for _, row := range rows {
		ms, err1 := strconv.ParseInt(row[0], 10, 64)
		reach, err2 := strconv.ParseUint(row[5], 10, 64)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("top mention %v: bad time or reach", row)
		}
		g.r.TopMentions = append(g.r.TopMentions, TopMention{CreatedAt: time.UnixMilli(ms).UTC(), Network: row[1],
			Author: row[2], Text: row[3], URL: row[4], Reach: reach, Sentiment: row[6]})
	}
	return nil
}

// alerts lists the alerts that started in the month, each in its latest
// state; an alert not resolved yet has a zero EndedAt.
func (g *gatherer) alerts(ctx context.Context) error {
	rows, err := g.query(ctx, fmt.Sprintf(`SELECT toUnixTimestamp(started_at), toUnixTimestamp(ended_at), state, metric,
       time_window, observed, expected, summary
FROM alerts FINAL
WHERE brand = %s AND %s
ORDER BY started_at, group_key`, quote(g.brand), window("started_at", g.cur, g.next)), 8)
	if err != nil {
		return err
	}
	for _, row := range rows {
		start, err1 := strconv.ParseInt(row[0], 10, 64)
		end, err2 := strconv.ParseInt(row[1], 10, 64)
		obs, err3 := strconv.ParseFloat(row[5], 64)
		exp, err4 := strconv.ParseFloat(row[6], 64)
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
			return fmt.Errorf("alert %v: bad figures", row)
		}
		a := Alert{StartedAt: time.Unix(start, 0).UTC(), Metric: row[3], Window: row[4], Observed: obs, Expected: exp, Summary: row[7]}
		if row[2] == "resolved" {
			a.EndedAt = time.Unix(end, 0).UTC()
		}
		g.r.Alerts = append(g.r.Alerts, a)
	}
	return nil
}

func (g *gatherer) missing(key, qualifier string) {
	g.r.Missing = append(g.r.Missing, Missing{Key: key, Qualifier: qualifier})
}

// kpis lists the headline numbers in display order.
func (g *gatherer) kpis() []KPI {
	var out []KPI
	add := func(key, qual, unit string, p pair, appendix bool) {
		out = append(out, KPI{Key: key, Qualifier: qual, Unit: unit, Value: p.cur, Prev: p.prev, Appendix: appendix})
	}
	add(KeyMentions, "", UnitCount, g.mentionsN, false)
	add(KeyPotentialReach, "", UnitCount, g.potentialReach, false)
	add(KeyUniqueReach, "", UnitCount, g.uniqueReach, false)
	add(KeyShareOfVoice, "", UnitRatio, *g.sov[g.brand], false)
	for _, c := range g.sovOrder {
		add(KeyShareOfVoice, c, UnitRatio, *g.sov[c], false)
	}
	add(KeyNetSentiment, "", UnitScore, g.netSentiment, false)
	for _, n := range g.networks {
		add(KeyFollowers, n, UnitCount, *g.followers[n], false)
		add(KeyFollowersGrowth, n, UnitCount, *g.growth[n], false)
		add(KeyFollowersGrowthPct, n, UnitPercent, *g.growthPct[n], false)
	}
	add(KeyPostsPublished, "", UnitCount, g.published, false)
	add(KeyImpressions, "", UnitCount, g.impressions, false)
	add(KeyPostReach, "", UnitCount, g.postReach, false)
	add(KeyEngagement, "", UnitCount, g.engagement, false)
	add(KeyEngagementRate, "", UnitRatio, g.erReach, false)
	var clicks pair
	for i, prev := range []bool{false, true} {
		a, b := g.postClicks.get(prev), g.adClicks.get(prev)
		if a == nil && b == nil && !(g.hasPostData[i] || g.hasAdData[i]) {
			continue
		}
		var s float64
		if a != nil {
			s += *a
		}
		if b != nil {
			s += *b
		}
		clicks.set(prev, s)
	}
	add(KeyWebsiteClicks, "", UnitCount, clicks, false)
	add(KeyConversions, "", UnitCount, g.conversions, false)
	add(KeyConversionValue, "", UnitMoney, g.conversionValue, false)
	add(KeyAdSpend, "", UnitMoney, g.adSpend, false)
	add(KeyToolCost, "", UnitMoney, g.toolCost, false)
	add(KeyROI, "", UnitRatio, g.roi, false)
	add(KeyEngagementRateImpressions, "", UnitRatio, g.erImpressions, true)
	add(KeyEngagementRateFollowers, "", UnitRatio, g.erFollowers, true)
	return out
}

func (p *pair) get(prev bool) *float64 {
	if prev {
		return p.prev
	}
	return p.cur
}

func (p *pair) setPtr(prev bool, v *float64) {
	if v != nil {
		p.set(prev, *v)
	}
}

func (p *pair) add(prev bool, v float64) {
	if old := p.get(prev); old != nil {
		v += *old
	}
	p.set(prev, v)
}

func u4(f []string) (a, b, c, d uint64, err error) {
	var out [4]uint64
	for i := range 4 {
		if out[i], err = strconv.ParseUint(f[i], 10, 64); err != nil {
			return 0, 0, 0, 0, fmt.Errorf("count %q: %w", f[i], err)
		}
	}
	return out[0], out[1], out[2], out[3], nil
}

func floats(f []string) ([]float64, error) {
	out := make([]float64, len(f))
	for i, s := range f {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("amount %q: %w", s, err)
		}
		out[i] = v
	}
	return out, nil
}

// quote writes s as a ClickHouse string literal: brand names come from
// config and the command line.
func quote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
