package dashboards

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/store"
)

// scenario is one choice of template variable values and interval. nil is
// All. brand is single-valued: when a dashboard's brand variable does not
// offer it, the first option is taken, as Grafana does.
type scenario struct {
	name        string
	interval    time.Duration
	brand       string
	competitors []string
	network     []string
	campaign    []string
}

var scenarios = []scenario{
	{name: "own brand, everything", interval: 10 * time.Minute, brand: "Acme"},
	{name: "one competitor, one network, one campaign", interval: 2 * time.Hour, brand: "Acme",
		competitors: []string{"Globex"}, network: []string{"mastodon"}, campaign: []string{"spring"}},
	{name: "a competitor against one with a quote", interval: 30 * time.Minute, brand: "Globex",
		competitors: []string{"O'Reilly Auto"}},
}

func sel(values []string) selection {
	return selection{all: values == nil, values: values}
}

// run is one dashboard under one scenario: the variables as resolved, and
// the brands the comparison panels show.
type run struct {
	sc       scenario
	e        expansion
	brand    string
	compared []string // brand + competitors
}

// resolve runs the dashboard's variable queries in order, as Grafana does
// on load, and fixes every variable's value.
func resolve(ctx context.Context, t *testing.T, d dashboard, sc scenario) *run {
	t.Helper()
	r := &run{sc: sc, e: expansion{
		from: rangeFrom, to: rangeTo, interval: sc.interval,
		vars: map[string]selection{}, options: map[string][]string{},
	}}
	want := map[string][]string{"competitors": sc.competitors, "network": sc.network, "campaign": sc.campaign}
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		res := runQuery(ctx, t, r.e, "variable "+v.Name, v.sql())
		if res == nil {
			continue
		}
		if len(res.Rows) == 0 {
			t.Errorf("variable %s: no options", v.Name)
			continue
		}
		var opts []string
		for _, row := range res.Rows {
			opts = append(opts, row[0])
		}
		r.e.options[v.Name] = opts
		switch {
		case v.Multi:
			if v.Name == "brand" {
				t.Fatalf("variable brand is multi-valued; the dashboards are about one brand")
			}
			r.e.vars[v.Name] = sel(want[v.Name])
		case v.Name == "brand":
			b := sc.brand
			if !slices.Contains(opts, b) {
				b = opts[0]
			}
			r.brand = b
			r.e.vars[v.Name] = selection{values: []string{b}}
		default:
			r.e.vars[v.Name] = selection{values: opts[:1]}
		}
	}
	if r.brand != "" {
		r.compared = []string{r.brand}
		if c, ok := r.e.vars["competitors"]; ok {
			if c.all {
				r.compared = append(r.compared, r.e.options["competitors"]...)
			} else {
				r.compared = append(r.compared, c.values...)
			}
		}
	}
	return r
}

func TestQueriesRunOnEngine(t *testing.T) {
	ctx := context.Background()
	checked := map[string]bool{}
	for _, df := range loadDashboards(t) {
		d := df.dash
		if !d.hasClickHouse() {
			continue
		}
		t.Run(df.name, func(t *testing.T) {
			for _, sc := range scenarios {
				t.Run(sc.name, func(t *testing.T) {
					r := resolve(ctx, t, d, sc)
					for _, an := range d.Annotations.List {
						if an.Target.RawSQL == "" {
							continue
						}
						res := runQuery(ctx, t, r.e, "annotation "+an.Name, an.Target.RawSQL)
						if res == nil {
							continue
						}
						if len(res.Columns) < 3 || res.Columns[0] != "time" || res.Columns[2] != "text" {
							t.Errorf("annotation %s: columns %v, want time, timeEnd, text, tags", an.Name, res.Columns)
						}
						// One alert on Acme is seeded.
						if want := btoi(slices.Contains(r.compared, "Acme")); len(res.Rows) != want {
							t.Errorf("annotation %s: %d rows, want %d", an.Name, len(res.Rows), want)
						}
					}
					for _, p := range d.allPanels() {
						for _, tg := range p.Targets {
							if !isClickHouse(tg.Datasource) {
								continue
							}
							where := fmt.Sprintf("panel %q target %s", p.Title, tg.RefID)
							res := runQuery(ctx, t, r.e, where, tg.RawSQL)
							if res == nil {
								continue
							}
							if len(res.Rows) == 0 {
								t.Errorf("%s: no rows, though the fixture has data for every scenario", where)
								continue
							}
							if tg.QueryType == "timeseries" && (len(res.Columns) == 0 || res.Columns[0] != "time") {
								t.Errorf("%s: a time series query must return a first column named time, got %v", where, res.Columns)
							}
							if cols, ok := panelColumns[d.UID+"/"+p.Title]; ok && !slices.Equal(res.Columns, cols) {
								t.Errorf("%s: columns %v, want %v", where, res.Columns, cols)
							}
							if check, ok := valueChecks[d.UID+"/"+p.Title]; ok {
								checked[d.UID+"/"+p.Title] = true
								check(t, r, res)
							}
						}
					}
				})
			}
		})
	}
	for key := range valueChecks {
		if !checked[key] {
			t.Errorf("value check %q matched no panel (renamed?)", key)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestVariableOptions checks the template variables list what was seeded.
func TestVariableOptions(t *testing.T) {
	ctx := context.Background()
	want := map[string]map[string][]string{
		"earshot-overview":        {"brand": brands, "competitors": {"Globex", "O'Reilly Auto"}, "network": networks},
		"earshot-listening":       {"brand": brands, "network": networks, "campaign": {"launch", "spring"}},
		"earshot-share-of-voice":  {"brand": brands, "competitors": {"Globex", "O'Reilly Auto"}, "network": networks},
		"earshot-engagement":      {"network": networks, "campaign": {"launch", "spring"}},
		"earshot-audience":        {"network": networks},
		"earshot-conversions-roi": {"brand": {"Acme"}, "network": networks, "campaign": {"launch", "spring"}},
		"earshot-care-queue":      {"brand": brands, "network": networks},
	}
	seen := 0
	for _, df := range loadDashboards(t) {
		w, ok := want[df.dash.UID]
		if !ok {
			continue
		}
		seen++
		for _, v := range df.dash.Templating.List {
			e := expansion{from: rangeFrom, to: rangeTo, interval: time.Minute}
			res := runQuery(ctx, t, e, "variable "+v.Name, v.sql())
			if res == nil {
				continue
			}
			var got []string
			for _, r := range res.Rows {
				got = append(got, r[0])
			}
			if v.Name == "brand" && len(got) > 0 && roles[got[0]] != "own" {
				t.Errorf("%s: variable brand lists %q first; the own brand must come first (it is the default)", df.name, got[0])
			}
			slices.Sort(got)
			if !slices.Equal(got, w[v.Name]) {
				t.Errorf("%s: variable %s lists %q, want %q", df.name, v.Name, got, w[v.Name])
			}
		}
	}
	if seen != len(want) {
		t.Errorf("found %d of the %d dashboards with variables", seen, len(want))
	}
}

func runQuery(ctx context.Context, t testing.TB, e expansion, where, raw string) *store.Result {
	t.Helper()
	sql, err := e.expand(raw)
	if err != nil {
		t.Errorf("%s: %v", where, err)
		return nil
	}
	res, err := engine.Query(ctx, sql)
	if err != nil {
		t.Errorf("%s: query failed: %v\n%s", where, err, sql)
		return nil
	}
	return res
}

// ---------------------------------------------------------------------------
// Values: the numbers some panels show, computed independently from the
// fixture. Keyed by dashboard uid / panel title.

// panelColumns are the columns panels that Grafana reads by name return.
var panelColumns = map[string][]string{
	"earshot-overview/Mentions":                     {"mentions", "vs_previous_pct"},
	"earshot-overview/Net sentiment":                {"net_sentiment", "vs_previous_points"},
	"earshot-overview/Share of voice":               {"share_of_voice", "vs_previous_points"},
	"earshot-overview/Engagement rate (own posts)":  {"engagement_rate", "vs_previous_points"},
	"earshot-overview/Latest mentions":              {"time", "network", "author", "text", "sentiment", "mentioned_brands", "url"},
	"earshot-listening/Sentiment over time":         {"time", "positive", "neutral", "negative"},
	"earshot-listening/Top mentions by reach":       {"time", "network", "author", "reach", "engagement", "sentiment", "text", "url"},
	"earshot-share-of-voice/Share of voice summary": {"brand", "role", "mentions", "sov_mentions", "reach", "sov_reach", "engagement", "sov_engagement"},
	"earshot-engagement/Engagement rate":            {"by_reach", "by_impressions", "by_followers"},
	"earshot-audience/Followers":                    {"followers", "growth_pct"},
	"earshot-care-queue/Queue":                      {"time", "waiting", "network", "author", "followers", "intent", "sentiment", "text", "url"},
	"earshot-conversions-roi/ROI by month":          {"month", "currency", "conversions", "attributed_value", "ad_spend", "tool_cost", "total_cost", "roi_pct"},
}

// everything is true in the first scenario, where hand-computed totals over
// the whole fixture apply.
func (r *run) everything() bool { return r.sc.name == scenarios[0].name }

var valueChecks = map[string]func(*testing.T, *run, *store.Result){
	"earshot-overview/Mentions per brand": func(t *testing.T, r *run, res *store.Result) {
		got := sumBy(t, res, "brand", "mentions")
		for b, brand := range brands {
			if !slices.Contains(r.compared, brand) {
				if _, ok := got[brand]; ok {
					t.Errorf("%s is not compared but has a series", brand)
				}
				continue
			}
			if want := brandMentions(r, b); got[brand] != want {
				t.Errorf("%s totals %v, want %v (FINAL, time filter)", brand, got[brand], want)
			}
		}
	},
	"earshot-overview/Mentions": func(t *testing.T, r *run, res *store.Result) {
		b := slices.Index(brands, r.brand)
		cur := brandMentions(r, b)
		var prev float64
		if r.brand == "Acme" && selected(r.e.vars["network"], "bluesky") {
			prev = float64(prevPeriodMentions)
		}
		want := []string{num(cur), `\N`}
		if prev > 0 {
			want[1] = num(round(100*(cur-prev)/prev, 1))
		}
		wantRow(t, res, want)
	},
	"earshot-overview/Share of voice (mentions)": func(t *testing.T, r *run, res *store.Result) {
		got := sumBy(t, res, "brand", "share_of_voice")
		var total float64
		for b, brand := range brands {
			if slices.Contains(r.compared, brand) {
				total += sovTotal(b)
			}
		}
		for b, brand := range brands {
			if !slices.Contains(r.compared, brand) {
				continue
			}
			if want := round(100*sovTotal(b)/total, 1); got[brand] != want {
				t.Errorf("%s = %v%%, want %v%% of the compared brands", brand, got[brand], want)
			}
		}
	},
	"earshot-overview/Net sentiment per brand": func(t *testing.T, r *run, res *store.Result) {
		got := sumBy(t, res, "brand", "net_sentiment")
		for b, brand := range brands {
			if !slices.Contains(r.compared, brand) {
				continue
			}
			var pos, neg, all float64
			for n, network := range networks {
				if selected(r.e.vars["network"], network) {
					for h := range hours {
						hr := hourlyRow(b, n, h)
						pos, neg, all = pos+float64(hr.positive), neg+float64(hr.negative), all+float64(hr.mentions)
					}
				}
			}
			if want := round(100*(pos-neg)/all, 1); got[brand] != want {
				t.Errorf("%s = %v, want %v", brand, got[brand], want)
			}
		}
	},
	"earshot-overview/Potential and unique reach per brand": func(t *testing.T, r *run, res *store.Result) {
		got := sumBy(t, res, "brand", "unique_reach")
		for _, brand := range brands {
			if !slices.Contains(r.compared, brand) {
				continue
			}
			authors := map[string]uint64{}
			for _, m := range mentionRows {
				if slices.Contains(m.brands, brand) && selected(r.e.vars["network"], m.network) {
					authors[m.network+"/"+m.author] = m.followers
				}
			}
			var want float64
			for _, f := range authors {
				want += float64(f)
			}
			if got[brand] != want {
				t.Errorf("unique reach of %s = %v, want %v (each author once)", brand, got[brand], want)
			}
		}
	},
	"earshot-overview/Latest mentions": func(t *testing.T, r *run, res *store.Result) {
		want := 0
		for _, m := range mentionRows {
			if selected(r.e.vars["network"], m.network) && slices.ContainsFunc(m.brands, func(b string) bool { return slices.Contains(r.compared, b) }) {
				want++
			}
		}
		if len(res.Rows) != want {
			t.Errorf("%d rows, want %d (one per mention id)", len(res.Rows), want)
		}
		for _, row := range col(t, res, "text") {
			if row == "stale text" {
				t.Error("shows a superseded version of a mention (FINAL missing?)")
			}
		}
	},
	// P1 30/300, P2 5/50, P3 20/100 → 55/450 = 12.22 %; before: P4 8/80 = 10 %.
	"earshot-overview/Engagement rate (own posts)": func(t *testing.T, r *run, res *store.Result) {
		if r.everything() {
			wantRow(t, res, []string{"12.22", "2.22"})
		}
	},
	// 3 + 2 + 1 = 6 against 4 before: +50 %.
	"earshot-overview/Conversions": func(t *testing.T, r *run, res *store.Result) {
		if r.everything() {
			wantRow(t, res, []string{"6", "50"})
		}
	},
	"earshot-listening/Mentions over time": func(t *testing.T, r *run, res *store.Result) {
		got := sumBy(t, res, "network", "mentions")
		var total float64
		for _, v := range got {
			total += v
		}
		if want := brandMentions(r, slices.Index(brands, r.brand)); total != want {
			t.Errorf("%v mentions in all buckets, want %v", total, want)
		}
	},
	// Acme's mentions: acme ×4 (1, 2, 3, 4), outage ×2 (1, 9), globex ×1 (4).
	"earshot-listening/Top hashtags": func(t *testing.T, r *run, res *store.Result) {
		if r.everything() {
			wantRows(t, res, [][]string{{"acme", "4"}, {"outage", "2"}, {"globex", "1"}})
		}
	},
	"earshot-share-of-voice/Share of voice summary": func(t *testing.T, r *run, res *store.Result) {
		got := sumBy(t, res, "brand", "sov_mentions")
		var total float64
		for b, brand := range brands {
			if slices.Contains(r.compared, brand) {
				total += sovTotal(b)
			}
		}
		if len(got) != len(r.compared) {
			t.Errorf("brands %v, want %v", got, r.compared)
		}
		for b, brand := range brands {
			if slices.Contains(r.compared, brand) {
				if want := round(100*sovTotal(b)/total, 1); got[brand] != want {
					t.Errorf("%s = %v%%, want %v%%", brand, got[brand], want)
				}
			}
		}
	},
	// 55 ÷ 450, 55 ÷ 730, 55 ÷ 1810; the stale P1 row (999) must not count.
	"earshot-engagement/Engagement rate": func(t *testing.T, r *run, res *store.Result) {
		if r.everything() {
			wantRow(t, res, []string{"12.22", "7.53", "3.04"})
		}
	},
	// Every post starts in the range, so the gains add up to the last totals.
	"earshot-engagement/Impressions and reach gained per day": func(t *testing.T, r *run, res *store.Result) {
		if r.everything() {
			got := sumBy(t, res, "time", "impressions")
			wantSum(t, got, 730)
			want := map[string]float64{"2026-11-02 00:00:00": 200, "2026-11-03 00:00:00": 80, "2026-11-04 00:00:00": 300, "2026-11-05 00:00:00": 150}
			for day, w := range want {
				if got[day] != w {
					t.Errorf("impressions gained on %s = %v, want %v", day, got[day], w)
				}
			}
		}
	},
	"earshot-engagement/Top posts": func(t *testing.T, r *run, res *store.Result) {
		if r.everything() {
			ids, urls := col(t, res, "post_id"), col(t, res, "url")
			if !slices.Equal(ids, []string{"P1", "P3", "P2"}) {
				t.Errorf("posts %v, want P1, P3, P2 by engagement (P4 is before the range)", ids)
			}
			if len(urls) > 0 && urls[0] != "https://example.test/posts/P1" {
				t.Errorf("url of P1 = %q", urls[0])
			}
		}
	},
	// End 1030 + 420, before the range 990 + 380: (1450 − 1370) ÷ 1370.
	"earshot-audience/Followers": func(t *testing.T, r *run, res *store.Result) {
		if r.everything() {
			wantRow(t, res, []string{"1450", "5.84"})
		}
	},
	"earshot-audience/Followers gained": func(t *testing.T, r *run, res *store.Result) {
		if r.everything() {
			wantRow(t, res, []string{"40", "40", "0"})
		}
	},
	"earshot-care-queue/Queue": func(t *testing.T, r *run, res *store.Result) {
		var want []string
		for _, m := range mentionRows { // in time order within the fixture's hours
			if m.needsResponse && !m.ownAuthor && m.id != "bluesky:12" &&
				slices.Contains(m.brands, r.brand) && selected(r.e.vars["network"], m.network) {
				want = append(want, "https://example.test/"+m.id)
			}
		}
		slices.SortStableFunc(want, func(a, b string) int { return mentionAt(a).Compare(mentionAt(b)) })
		if got := col(t, res, "url"); !slices.Equal(got, want) {
			t.Errorf("queue %v, want %v (oldest first; bluesky:12 was answered)", got, want)
		}
	},
	// Acme: bluesky:9 (complaint) and mastodon:10 (question); bluesky:12 was answered.
	"earshot-care-queue/Waiting": func(t *testing.T, r *run, res *store.Result) {
		if r.everything() {
			if len(res.Rows) != 1 || !slices.Equal(res.Rows[0][:3], []string{"2", "1", "1"}) {
				t.Errorf("rows %q, want 2 waiting: 1 complaint, 1 question", res.Rows)
			}
			if w := col(t, res, "oldest_wait"); len(w) == 1 && w[0] == "0" {
				t.Error("oldest_wait is 0")
			}
		}
	},
	// spring: clicks 50 + 20, spend 30, 5 conversions worth 55.50;
	// launch: 5 clicks, spend 5, 1 conversion worth 10.25.
	"earshot-conversions-roi/By campaign": func(t *testing.T, r *run, res *store.Result) {
		if r.everything() {
			wantRows(t, res, [][]string{
				{"spring", "EUR", "70", "30", "5", "55.5", "6", "1.85", "85"},
				{"launch", "EUR", "5", "5", "1", "10.25", "5", "2.05", "105"},
			})
		}
	},
	"earshot-conversions-roi/ROI by month": func(t *testing.T, r *run, res *store.Result) {
		wantRows(t, res, [][]string{{"2026-11-01", "EUR", "6", "65.75", "35", "100", "135", "-51.3"}})
	},
	"earshot-conversions-roi/ROI": func(t *testing.T, r *run, res *store.Result) {
		wantRows(t, res, [][]string{{"EUR", "-51.3"}})
	},
}

func mentionAt(url string) time.Time {
	for _, m := range mentionRows {
		if "https://example.test/"+m.id == url {
			return m.at
		}
	}
	return time.Time{}
}

// brandMentions is brand b's mentions in the range on the selected networks.
func brandMentions(r *run, b int) float64 {
	var want float64
	for n, network := range networks {
		if selected(r.e.vars["network"], network) {
			for h := range hours {
				want += float64(hourlyRow(b, n, h).mentions)
			}
		}
	}
	return want
}

// sovTotal is brand b's share_of_voice_daily mentions over the range, per
// network (every network row carries the same numbers).
func sovTotal(b int) float64 {
	var m float64
	for day := range 3 {
		m += float64(sovMentions(b, day))
	}
	return m
}

func selected(s selection, v string) bool {
	return s.all || slices.Contains(s.values, v)
}

func round(v float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(v*p) / p
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func wantRow(t *testing.T, res *store.Result, want []string) {
	t.Helper()
	wantRows(t, res, [][]string{want})
}

func wantRows(t *testing.T, res *store.Result, want [][]string) {
	t.Helper()
	if !slices.EqualFunc(res.Rows, want, slices.Equal[[]string]) {
		t.Errorf("rows %q, want %q (columns %v)", res.Rows, want, res.Columns)
	}
}

func wantSum(t *testing.T, got map[string]float64, want float64) {
	t.Helper()
	var s float64
	for _, v := range got {
		s += v
	}
	if s != want {
		t.Errorf("total %v, want %v", s, want)
	}
}

func col(t *testing.T, res *store.Result, name string) []string {
	t.Helper()
	i := slices.Index(res.Columns, name)
	if i < 0 {
		t.Fatalf("no column %q in %v", name, res.Columns)
	}
	var out []string
	for _, r := range res.Rows {
		out = append(out, r[i])
	}
	return out
}

// sumBy adds column val per value of column key.
func sumBy(t *testing.T, res *store.Result, key, val string) map[string]float64 {
	t.Helper()
	k, v := slices.Index(res.Columns, key), slices.Index(res.Columns, val)
	if k < 0 || v < 0 {
		t.Fatalf("want columns %q and %q, got %v", key, val, res.Columns)
	}
	out := map[string]float64{}
	for _, r := range res.Rows {
		f, err := strconv.ParseFloat(r[v], 64)
		if err != nil {
			t.Fatalf("column %s: %q is not a number", val, r[v])
		}
		out[r[k]] += f
	}
	return out
}
