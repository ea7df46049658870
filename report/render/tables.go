package render

import (
	"time"

	"github.com/earshot-dev/earshot/report"
)

// Every table is built once, as typed cells, and each format writes the
// cells its own way: people's formats (PDF, HTML) as localized text,
// machines' formats (CSV, XLSX) as raw numbers. That keeps the four
// outputs in step: a number cannot be in the PDF and missing in the CSV.

type kind int

const (
	kText     kind = iota
	kWord          // a value that is a word: translated for people, raw for machines
	kCount         // integer count
	kFloat         // plain number
	kRatio         // 0.123 = 12.3 %
	kMoney         // in Report.Currency
	kScore         // -1 … 1 (net sentiment)
	kPercent       // already in percent points
	kDate          // a day
	kDateTime      // an instant; zero shows cell.text to people, nothing to machines
	kURL
)

type cell struct {
	kind kind
	num  *float64 // nil: no data
	text string
	url  string // kURL: where the text links to
	t    time.Time
}

type column struct {
	header  string // catalog key
	machine bool   // for machines only (CSV, XLSX): ids, units, URLs
	width   float64
	right   bool // numbers align right
	signed  bool // a change: XLSX shows its sign
}

type table struct {
	id    string // CSV file name (without .csv) and XLSX sheet
	title string // catalog key
	cols  []column
	rows  [][]cell
}

func text(s string) cell              { return cell{kind: kText, text: plain(s)} }
func word(s string) cell              { return cell{kind: kWord, text: plain(s)} }
func numCell(k kind, v float64) cell  { return cell{kind: k, num: &v} }
func optCell(k kind, v *float64) cell { return cell{kind: k, num: v} }
func count(v uint64) cell             { return numCell(kCount, float64(v)) }
func day(t time.Time) cell            { return cell{kind: kDate, t: t} }
func instant(t time.Time) cell        { return cell{kind: kDateTime, t: t} }

// unitKind maps a KPI unit to a cell kind.
func unitKind(unit string) kind {
	switch unit {
	case report.UnitRatio:
		return kRatio
	case report.UnitMoney:
		return kMoney
	case report.UnitScore:
		return kScore
	case report.UnitPercent:
		return kPercent
	default:
		return kCount
	}
}

// kpiTable is every KPI for machines, with its key, unit and whether it
// belongs to the appendix, plus a readable label in the report language.
func kpiTable(l *locale, r *report.Report) table {
	t := table{id: "kpis", title: "table.kpis", cols: []column{
		{header: "col.key", machine: true},
		{header: "col.kpi", width: 3},
		{header: "col.qualifier", machine: true},
		{header: "col.unit", machine: true},
		{header: "section.appendix", machine: true},
		{header: "col.value", width: 1.4, right: true},
		{header: "col.prev", width: 1.4, right: true},
		{header: "col.change", width: 1.4, right: true, signed: true},
		{header: "col.change_pct", width: 1, right: true, signed: true},
	}}
	for _, k := range r.KPIs {
		appendix := 0.0
		if k.Appendix {
			appendix = 1
		}
		t.rows = append(t.rows, []cell{
			text(k.Key), text(l.kpiBase(k.Key)), text(k.Qualifier), text(k.Unit), numCell(kCount, appendix),
			optCell(unitKind(k.Unit), k.Value), optCell(unitKind(k.Unit), k.Prev),
			optCell(unitKind(k.Unit), k.Change()), optCell(kPercent, k.ChangePct()),
		})
	}
	return t
}

// kpiPeopleTable is the KPIs of the body (appendix=false) or of the
// appendix, preformatted: a change is written in the KPI's unit and "no
// data" and "n/a" are told apart, which typed cells cannot say.
func kpiPeopleTable(l *locale, r *report.Report, appendix bool) table {
	title := "table.kpis"
	if appendix {
		title = "table.appendix_kpis"
	}
	t := table{id: "kpis", title: title, cols: []column{
		{header: "col.kpi", width: 3.2},
		{header: "col.value", width: 1.5, right: true},
		{header: "col.prev", width: 1.5, right: true},
		{header: "col.change", width: 1.5, right: true},
		{header: "col.change_pct", width: 1.1, right: true},
	}}
	for _, k := range r.KPIs {
		if k.Appendix != appendix {
			continue
		}
		t.rows = append(t.rows, []cell{
			text(l.kpiLabel(kpiName{k.Key, k.Qualifier})),
			text(l.value(k.Unit, r.Currency, k.Value)),
			text(l.value(k.Unit, r.Currency, k.Prev)),
			text(l.change(k, r.Currency)),
			text(l.changePct(k)),
		})
	}
	return t
}

func dailyMentionsTable(r *report.Report) table {
	t := table{id: "daily_mentions", title: "table.daily_mentions", cols: []column{
		{header: "col.day", width: 1.3},
		{header: "col.mentions", width: 1, right: true},
		{header: "col.positive", width: 1, right: true},
		{header: "col.neutral", width: 1, right: true},
		{header: "col.negative", width: 1, right: true},
		{header: "col.net_sentiment", width: 1, right: true},
		{header: "col.potential_reach", width: 1.3, right: true},
	}}
	for _, d := range r.Mentions {
		t.rows = append(t.rows, []cell{
			day(d.Day), count(d.Mentions), count(d.Positive), count(d.Neutral), count(d.Negative),
			numCell(kScore, d.NetSentiment), count(d.PotentialReach),
		})
	}
	return t
}

func shareOfVoiceTable(r *report.Report) table {
	t := table{id: "share_of_voice", title: "table.share_of_voice", cols: []column{
		{header: "col.day", width: 1.3},
		{header: "col.brand", width: 2},
		{header: "col.role", width: 1},
		{header: "col.share", width: 1, right: true},
	}}
	for _, s := range r.ShareOfVoice {
		t.rows = append(t.rows, []cell{day(s.Day), text(s.Brand), word(s.Role), numCell(kRatio, s.Share)})
	}
	return t
}

func followersTable(r *report.Report) table {
	t := table{id: "followers", title: "table.followers", cols: []column{
		{header: "col.day", width: 1.3},
		{header: "col.network", width: 1.2},
		{header: "col.account", width: 2},
		{header: "col.followers", width: 1.2, right: true},
	}}
	for _, f := range r.Followers {
		t.rows = append(t.rows, []cell{day(f.Day), text(f.Network), text(f.Account), count(f.Followers)})
	}
	return t
}

func engagementTable(r *report.Report) table {
	t := table{id: "engagement_by_network", title: "table.engagement_by_network", cols: []column{
		{header: "col.network", width: 1.3},
		{header: "col.posts", width: 0.8, right: true},
		{header: "col.impressions", width: 1.2, right: true},
		{header: "col.reach", width: 1.2, right: true},
		{header: "col.engagement", width: 1.1, right: true},
		{header: "col.er_reach", width: 1.2, right: true},
		{header: "col.er_impressions", width: 1.2, right: true},
		{header: "col.er_followers", width: 1.2, right: true},
		{header: "col.prev_er_reach", width: 1.3, right: true},
	}}
	for _, n := range r.NetworkEngage {
		t.rows = append(t.rows, []cell{
			text(n.Network), count(n.Posts), count(n.Impressions), count(n.Reach), count(n.Engagement),
			optCell(kRatio, n.EngagementRateReach), optCell(kRatio, n.EngagementRateImpressions),
			optCell(kRatio, n.EngagementRateFollowers), optCell(kRatio, n.PrevEngagementRateReach),
		})
	}
	return t
}

func campaignsTable(r *report.Report) table {
	t := table{id: "campaigns", title: "table.campaigns", cols: []column{
		{header: "col.campaign", width: 2.2},
		{header: "col.spend", width: 1.4, right: true},
		{header: "col.clicks", width: 1, right: true},
		{header: "col.conversions", width: 1, right: true},
		{header: "col.conv_value", width: 1.4, right: true},
		{header: "col.roi", width: 1, right: true},
	}}
	for _, c := range r.CampaignTotals {
		t.rows = append(t.rows, []cell{
			text(c.Campaign), numCell(kMoney, c.Spend), count(c.Clicks), count(c.Conversions),
			numCell(kMoney, c.Value), optCell(kRatio, c.ROI),
		})
	}
	return t
}

func topPostsTable(r *report.Report) table {
	t := table{id: "top_posts", title: "table.top_posts", cols: []column{
		{header: "col.published", width: 1.3},
		{header: "col.network", width: 1},
		{header: "col.account", width: 1.3},
		{header: "col.post_id", width: 1.3},
		{header: "col.campaign", width: 1.2},
		{header: "col.impressions", width: 1.1, right: true},
		{header: "col.reach", width: 1.1, right: true},
		{header: "col.engagement", width: 1.1, right: true},
		{header: "col.er_reach", width: 1.1, right: true},
		{header: "col.url", machine: true},
	}}
	for _, p := range r.TopPosts {
		t.rows = append(t.rows, []cell{
			instant(p.PublishedAt), text(p.Network), text(p.Account), linkCell(p.PostID, p.URL),
			text(p.Campaign), count(p.Impressions), count(p.Reach), count(p.Engagement),
			optCell(kRatio, p.EngagementRateReach), text(p.URL),
		})
	}
	return t
}

func topMentionsTable(r *report.Report) table {
	t := table{id: "top_mentions", title: "table.top_mentions", cols: []column{
		{header: "col.created", width: 1.2},
		{header: "col.network", width: 0.9},
		{header: "col.author", width: 1.2},
		{header: "col.reach", width: 1, right: true},
		{header: "col.sentiment", width: 0.9},
		{header: "col.text", width: 4},
		{header: "col.url", machine: true},
	}}
	for _, m := range r.TopMentions {
		t.rows = append(t.rows, []cell{
			instant(m.CreatedAt), text(m.Network), linkCell(m.Author, m.URL), count(m.Reach), word(m.Sentiment),
			text(m.Text), text(m.URL),
		})
	}
	return t
}

func alertsTable(l *locale, r *report.Report) table {
	t := table{id: "alerts", title: "table.alerts", cols: []column{
		{header: "col.started", width: 1.5},
		{header: "col.ended", width: 1.5},
		{header: "col.metric", width: 1},
		{header: "col.window", width: 0.8},
		{header: "col.observed", width: 0.9, right: true},
		{header: "col.expected", width: 0.9, right: true},
		{header: "col.alert_summary", width: 3.4},
	}}
	for _, a := range r.Alerts {
		ended := instant(a.EndedAt)
		ended.text = l.T("open")
		t.rows = append(t.rows, []cell{
			instant(a.StartedAt), ended, text(a.Metric), text(a.Window),
			numCell(kFloat, a.Observed), numCell(kFloat, a.Expected), text(a.Summary),
		})
	}
	return t
}

// linkCell is text that links to url in HTML; other formats show the text.
func linkCell(label, url string) cell {
	return cell{kind: kURL, text: plain(label), url: plain(url)}
}

// machineTables are the tables of the CSV files and XLSX sheets, in order.
func machineTables(l *locale, r *report.Report) []table {
	return []table{
		kpiTable(l, r),
		dailyMentionsTable(r),
		shareOfVoiceTable(r),
		followersTable(r),
		engagementTable(r),
		campaignsTable(r),
		topPostsTable(r),
		topMentionsTable(r),
		alertsTable(l, r),
	}
}

// cellText is a cell as people read it.
func (l *locale) cellText(c cell, currency string) string {
	switch c.kind {
	case kText, kURL:
		return c.text
	case kWord:
		return l.word(c.text)
	case kDate:
		if c.t.IsZero() {
			return c.text
		}
		return l.date(c.t.UTC())
	case kDateTime:
		if c.t.IsZero() {
			return c.text
		}
		return l.dateTime(c.t)
	}
	if c.num == nil {
		return l.T("nodata")
	}
	switch c.kind {
	case kCount:
		return l.num(*c.num, 0)
	case kFloat:
		return l.num(*c.num, 2)
	case kRatio:
		return l.value(report.UnitRatio, currency, c.num)
	case kMoney:
		return l.value(report.UnitMoney, currency, c.num)
	case kScore:
		return l.value(report.UnitScore, currency, c.num)
	case kPercent:
		return l.value(report.UnitPercent, currency, c.num)
	}
	return c.text
}
