package rollup

import (
	"context"
	"log/slog"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

var businessTables = []string{"conversions", "ad_spend", "conversions_daily", "ad_spend_daily", "roi_monthly"}

func businessTime(s string) time.Time {
	t, err := time.Parse(time.DateTime, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func insertConversions(t *testing.T, rows ...[]any) {
	t.Helper()
	for i := range rows {
		rows[i] = append(rows[i], uint16(0), uint64(i))
	}
	cols := []string{"id", "source", "occurred_at", "type", "value", "currency", "utm_source", "utm_medium", "utm_campaign",
		"kafka_partition", "kafka_offset"}
	if err := testStore.Insert(context.Background(), "conversions", cols, rows, ""); err != nil {
		t.Fatal(err)
	}
}

func conv(id, at, typ string, value float64, cur, src, medium, campaign string) []any {
	return []any{id, "shop", businessTime(at), typ, value, cur, src, medium, campaign}
}

func insertSpend(t *testing.T, rows ...[]any) {
	t.Helper()
	for i := range rows {
		rows[i] = append(rows[i], uint16(0), uint64(i))
	}
	cols := []string{"id", "source", "date", "network", "campaign", "spend", "currency", "impressions", "clicks",
		"kafka_partition", "kafka_offset"}
	if err := testStore.Insert(context.Background(), "ad_spend", cols, rows, ""); err != nil {
		t.Fatal(err)
	}
}

func spend(id, date, network, campaign string, amount float64, cur string, impressions, clicks uint64) []any {
	return []any{id, "ads", businessTime(date + " 00:00:00"), network, campaign, amount, cur, impressions, clicks}
}

// businessRows returns q's rows as tab-joined lines.
func businessRows(t *testing.T, q string) []string {
	t.Helper()
	res, err := testStore.Query(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	out := []string{}
	for _, r := range res.Rows {
		out = append(out, strings.Join(r, "\t"))
	}
	return out
}

const (
	convDailyQ = `SELECT day, network, campaign, utm_source, utm_medium, type, currency, conversions, value
FROM conversions_daily FINAL ORDER BY day, network, campaign, utm_source, utm_medium, type, currency`
	spendDailyQ = `SELECT day, network, campaign, currency, spend, impressions, clicks
FROM ad_spend_daily FINAL ORDER BY day, network, campaign, currency`
	roiQ = `SELECT month, brand, currency, conversions, attributed_value, ad_spend, tool_cost, total_cost, roi, roi_pct
FROM roi_monthly FINAL ORDER BY month, brand, currency`
)

func businessJob() *Job {
	return &Job{Store: testStore, Log: slog.New(slog.DiscardHandler)}
}

func assertRows(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\ngot\n%s\nwant\n%s", what, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// assertROI checks the money columns exactly and roi/roi_pct to float
// precision against the hand-computed fractions.
func assertROI(t *testing.T, got []string, want [][]string, roi []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("roi_monthly: got %d rows, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i, line := range got {
		f := strings.Split(line, "\t")
		if !reflect.DeepEqual(f[:8], want[i]) {
			t.Errorf("roi_monthly row %d: got %v, want %v", i, f[:8], want[i])
		}
		if math.IsNaN(roi[i]) {
			if f[8] != `\N` || f[9] != `\N` {
				t.Errorf("roi_monthly row %d: roi %s, roi_pct %s, want NULL", i, f[8], f[9])
			}
			continue
		}
		r, err1 := strconv.ParseFloat(f[8], 64)
		p, err2 := strconv.ParseFloat(f[9], 64)
		if err1 != nil || err2 != nil || math.Abs(r-roi[i]) > 1e-12 || math.Abs(p-roi[i]*100) > 1e-10 {
			t.Errorf("roi_monthly row %d: roi %s, roi_pct %s, want %v and %v", i, f[8], f[9], roi[i], roi[i]*100)
		}
	}
}

func TestUTMNetwork(t *testing.T) {
	cases := map[string]string{
		"facebook": "facebook", "FB": "facebook", "Meta": "facebook", " fb ": "facebook",
		"instagram": "instagram", "IG": "instagram", "LinkedIn": "linkedin",
		"twitter": "x", "X": "x", "t.co": "x", "YouTube": "youtube",
		"mastodon": "mastodon", "Bluesky": "bluesky", "reddit": "reddit",
		"Newsletter": "newsletter", "google": "google", "": "",
	}
	for in, want := range cases {
		q := "SELECT " + utmNetworkExpr(businessString(in))
		res, err := testStore.Query(context.Background(), q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if got := res.Rows[0][0]; got != want {
			t.Errorf("utm_source %q: network %q, want %q", in, got, want)
		}
	}
}

func TestBusinessRollup(t *testing.T) {
	truncate(t, businessTables...)
	ctx := context.Background()
	j := businessJob()
	owned := []string{"acme", "acme-shop"}
	from, to := businessTime("2026-11-03 00:00:00"), businessTime("2026-11-05 12:00:00")

	insertConversions(t,
		conv("c1", "2026-11-03 10:00:00", "purchase", 19.99, "EUR", "FB", "paid", "spring"),
		conv("c1", "2026-11-03 10:00:00", "purchase", 19.99, "EUR", "FB", "paid", "spring"), // collected twice
		conv("c2", "2026-11-03 15:00:00", "purchase", 0.29, "EUR", "facebook", "paid", "spring"),
		conv("c3", "2026-11-03 16:00:00", "purchase", 10.10, "EUR", "FB", "paid", "spring"),
		conv("c4", "2026-11-04 09:00:00", "signup", 0, "EUR", "t.co", "social", "launch"),
		conv("c5", "2026-11-04 11:00:00", "purchase", 50, "EUR", "newsletter", "email", "launch"),
		conv("c6", "2026-11-05 08:00:00", "purchase", 100, "USD", "IG", "paid", "spring"),
		conv("c7", "2026-10-31 23:59:59", "purchase", 5, "EUR", "linkedin", "social", "spring"),   // month before
		conv("c8", "2026-11-20 12:00:00", "purchase", 40, "EUR", "Instagram", "social", "spring"), // same month, later day
	)
	insertSpend(t,
		spend("a1", "2026-11-03", "facebook", "spring", 12.34, "EUR", 1000, 10),
		spend("a1", "2026-11-03", "facebook", "spring", 12.34, "EUR", 1000, 10), // exported twice
		spend("a2", "2026-11-03", "meta", "spring", 0.66, "EUR", 500, 5),
		spend("a3", "2026-11-04", "google", "search", 30, "EUR", 2000, 40),
		spend("a4", "2026-11-25", "x", "launch", 7, "EUR", 300, 3),
	)
	if err := j.recomputeBusiness(ctx, from, to, owned, 100, "EUR"); err != nil {
		t.Fatal(err)
	}

	// Hand-computed: c1 + c3 = 19.99 + 10.10 = 30.09 (c1 once).
	wantConv := []string{
		"2026-11-03\tfacebook\tspring\tFB\tpaid\tpurchase\tEUR\t2\t30.09",
		"2026-11-03\tfacebook\tspring\tfacebook\tpaid\tpurchase\tEUR\t1\t0.29",
		"2026-11-04\tnewsletter\tlaunch\tnewsletter\temail\tpurchase\tEUR\t1\t50",
		"2026-11-04\tx\tlaunch\tt.co\tsocial\tsignup\tEUR\t1\t0",
		"2026-11-05\tinstagram\tspring\tIG\tpaid\tpurchase\tUSD\t1\t100",
	}
	assertRows(t, "conversions_daily", businessRows(t, convDailyQ), wantConv)
	// a1 (once) + a2 under facebook: 12.34 + 0.66 = 13, 1500 impressions, 15 clicks.
	wantSpend := []string{
		"2026-11-03\tfacebook\tspring\tEUR\t13\t1500\t15",
		"2026-11-04\tgoogle\tsearch\tEUR\t30\t2000\t40",
	}
	assertRows(t, "ad_spend_daily", businessRows(t, spendDailyQ), wantSpend)

	// November, EUR, social only: value c1+c2+c3+c4+c8 = 19.99+0.29+10.10+0+40 = 70.38 (5 conversions);
	// spend a1+a2+a4 = 12.34+0.66+7 = 20; cost 20 + 100 = 120; ROI (70.38-120)/120 = -0.4135.
	// USD: 100 of value, no cost: ROI NULL.
	eur := []string{"2026-11-01", "", "EUR", "5", "70.38", "20", "100", "120"}
	usd := []string{"2026-11-01", "", "USD", "1", "100", "0", "0", "0"}
	withBrand := func(r []string, b string) []string { r = append([]string(nil), r...); r[1] = b; return r }
	wantROI := [][]string{withBrand(eur, "acme"), withBrand(usd, "acme"), withBrand(eur, "acme-shop"), withBrand(usd, "acme-shop")}
	assertROI(t, businessRows(t, roiQ), wantROI, []float64{-49.62 / 120, math.NaN(), -49.62 / 120, math.NaN()})

	// A rerun gives identical numbers.
	before := [][]string{businessRows(t, convDailyQ), businessRows(t, spendDailyQ), businessRows(t, roiQ)}
	if err := j.recomputeBusiness(ctx, from, to, owned, 100, "EUR"); err != nil {
		t.Fatal(err)
	}
	after := [][]string{businessRows(t, convDailyQ), businessRows(t, spendDailyQ), businessRows(t, roiQ)}
	if !reflect.DeepEqual(before, after) {
		t.Errorf("rerun changed the rollups:\nbefore %v\nafter  %v", before, after)
	}

	// A late conversion, and c5 corrected from the newsletter to LinkedIn:
	// the next run picks up the first and retires the newsletter row.
	insertConversions(t,
		conv("c9", "2026-11-04 18:00:00", "purchase", 9.61, "EUR", "fb", "paid", "spring"),
		conv("c5", "2026-11-04 11:00:00", "purchase", 50, "EUR", "linkedin", "social", "launch"),
	)
	if err := j.recomputeBusiness(ctx, from, to, []string{"acme"}, 100, "EUR"); err != nil {
		t.Fatal(err)
	}
	wantConv = []string{
		"2026-11-03\tfacebook\tspring\tFB\tpaid\tpurchase\tEUR\t2\t30.09",
		"2026-11-03\tfacebook\tspring\tfacebook\tpaid\tpurchase\tEUR\t1\t0.29",
		"2026-11-04\tfacebook\tspring\tfb\tpaid\tpurchase\tEUR\t1\t9.61",
		"2026-11-04\tlinkedin\tlaunch\tlinkedin\tsocial\tpurchase\tEUR\t1\t50",
		"2026-11-04\tx\tlaunch\tt.co\tsocial\tsignup\tEUR\t1\t0",
		"2026-11-05\tinstagram\tspring\tIG\tpaid\tpurchase\tUSD\t1\t100",
	}
	assertRows(t, "conversions_daily after late rows", businessRows(t, convDailyQ), wantConv)
	// EUR value 70.38 + 9.61 + 50 = 129.99 (7 conversions); cost 120; ROI 9.99/120 = 0.08325.
	// acme-shop left the owned list: its rows are retired.
	assertROI(t, businessRows(t, roiQ), [][]string{
		{"2026-11-01", "acme", "EUR", "7", "129.99", "20", "100", "120"},
		withBrand(usd, "acme"),
	}, []float64{9.99 / 120, math.NaN()})
	if n := count(t, "SELECT count() FROM roi_monthly FINAL WHERE month = '2026-10-01'"); n != 0 {
		t.Errorf("October is outside the window, got %d roi rows", n)
	}
}

// A month with neither conversions nor spend still carries the tool cost:
// ROI is -100 %. With no cost at all, ROI is NULL rather than a division by 0.
func TestBusinessROIEmptyMonth(t *testing.T) {
	truncate(t, businessTables...)
	ctx := context.Background()
	j := businessJob()
	from, to := businessTime("2026-09-15 00:00:00"), businessTime("2026-10-01 00:00:00")
	if err := j.recomputeBusiness(ctx, from, to, []string{"o'brien"}, 250.5, "EUR"); err != nil {
		t.Fatal(err)
	}
	assertROI(t, businessRows(t, roiQ), [][]string{{"2026-09-01", "o'brien", "EUR", "0", "0", "0", "250.5", "250.5"}},
		[]float64{-1})

	if err := j.recomputeBusiness(ctx, from, to, []string{"o'brien"}, 0, "EUR"); err != nil {
		t.Fatal(err)
	}
	assertROI(t, businessRows(t, roiQ), [][]string{{"2026-09-01", "o'brien", "EUR", "0", "0", "0", "0", "0"}},
		[]float64{math.NaN()})

	if err := j.recomputeBusiness(ctx, from, to, nil, -1, "EUR"); err == nil {
		t.Error("a negative monthly cost was accepted")
	}
	if err := j.recomputeBusiness(ctx, from, to, nil, 0, "EUR"); err != nil {
		t.Errorf("no owned brand: %v", err)
	}
}
