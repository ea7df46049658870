package report_test

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/earshot-dev/earshot/internal/smtptest"

	"github.com/xuri/excelize/v2"

	"github.com/earshot-dev/earshot/report"
	"github.com/earshot-dev/earshot/report/render"
)

func renderers() report.Renderers {
	return report.Renderers{PDF: render.PDF, HTML: render.HTML, XLSX: render.XLSX, CSV: render.CSV}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	rows, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(rows) == 0 {
		t.Fatalf("%s is empty", path)
	}
	return rows[1:] // the header is in the report's language
}

// sqlRows runs q against the rollup tables.
func sqlRows(t *testing.T, q string) [][]string {
	t.Helper()
	res, err := report.TestStore.Query(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return res.Rows
}

// sameNumber compares a number written by a renderer with one the store
// printed: both parse to the same float64, or both are empty / NULL.
func sameNumber(t *testing.T, what, got, want string) {
	t.Helper()
	if want == `\N` {
		want = ""
	}
	if got == "" || want == "" {
		if got != want {
			t.Errorf("%s: got %q, want %q", what, got, want)
		}
		return
	}
	g, err1 := strconv.ParseFloat(got, 64)
	w, err2 := strconv.ParseFloat(want, 64)
	if err1 != nil || err2 != nil {
		t.Errorf("%s: %q or %q is not a number", what, got, want)
		return
	}
	if g != w && math.Abs(g-w) > 1e-12*math.Max(1, math.Abs(w)) {
		t.Errorf("%s: got %s, want %s", what, got, want)
	}
}

// TestRunXLSXAndCSV makes the fixture month's report into a directory and
// checks the numbers in the CSV files and the XLSX against queries over the
// rollup tables, written independently of Gather.
func TestRunXLSXAndCSV(t *testing.T) {
	report.LoadFixture(t)
	out := t.TempDir()
	res, err := report.Run(context.Background(), report.TestStore, report.Job{
		Brand: "Acme", Month: report.FixtureMonth, Formats: []string{report.FormatXLSX, report.FormatCSV}, Lang: "en",
		OutDir: out, Gather: report.Options{Currency: "USD"}, Render: renderers(),
	})
	if err != nil {
		t.Fatal(err)
	}
	checkAgainstRollups(t, res, out, "USD")
}

// checkAgainstRollups compares the numbers of the XLSX and CSV files of
// Acme's October 2026 in out with queries over the rollup tables.
func checkAgainstRollups(t *testing.T, res *report.Outcome, out, currency string) {
	t.Helper()
	xlsxPath := filepath.Join(out, "earshot-acme-2026-10.xlsx")
	csvDir := filepath.Join(out, "earshot-acme-2026-10-csv")
	if !slices.Equal(res.Saved, []string{xlsxPath, csvDir}) || !slices.Equal(res.Delivered, []string{report.ChannelDir}) {
		t.Errorf("saved %v, delivered %v", res.Saved, res.Delivered)
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != 2 {
		t.Errorf("out dir holds %d entries (a temporary directory left behind?): %v", len(entries), entries)
	}

	// KPIs straight from the rollup tables, month and month before.
	kpiSQL := map[string]string{
		report.KeyMentions: `SELECT sumIf(mentions, hour >= '2026-10-01'), sumIf(mentions, hour < '2026-10-01')
FROM mentions_hourly FINAL WHERE brand = 'Acme' AND hour >= '2026-09-01' AND hour < '2026-11-01'`,
		report.KeyPotentialReach: `SELECT sumIf(potential_reach, hour >= '2026-10-01'), sumIf(potential_reach, hour < '2026-10-01')
FROM mentions_hourly FINAL WHERE brand = 'Acme' AND hour >= '2026-09-01' AND hour < '2026-11-01'`,
		report.KeyConversions:     roiSQL("conversions", currency),
		report.KeyConversionValue: roiSQL("attributed_value", currency),
		report.KeyAdSpend:         roiSQL("ad_spend", currency),
		report.KeyToolCost:        roiSQL("tool_cost", currency),
		report.KeyROI:             roiSQL("roi", currency),
		report.KeyFollowers + "/x": `SELECT argMaxIf(followers, day, day >= '2026-10-01'), argMaxIf(followers, day, day < '2026-10-01')
FROM audience_daily FINAL WHERE network = 'x' AND day >= '2026-09-01' AND day < '2026-11-01'`,
	}
	kpis := readCSV(t, filepath.Join(csvDir, "kpis.csv"))
	if len(kpis) != len(res.Report.KPIs) {
		t.Fatalf("kpis.csv has %d rows, the report %d KPIs", len(kpis), len(res.Report.KPIs))
	}
	checked := 0
	for i, row := range kpis {
		k := res.Report.KPIs[i]
		if row[0] != k.Key || row[2] != k.Qualifier {
			t.Errorf("kpis.csv row %d is %s/%s, want %s/%s", i+1, row[0], row[2], k.Key, k.Qualifier)
			continue
		}
		id := k.Key
		if k.Qualifier != "" {
			id += "/" + k.Qualifier
		}
		q, ok := kpiSQL[id]
		if !ok {
			continue
		}
		want := sqlRows(t, q)[0]
		sameNumber(t, id+" value", row[5], want[0])
		sameNumber(t, id+" previous", row[6], want[1])
		checked++
	}
	if checked != len(kpiSQL) {
		t.Errorf("checked %d KPIs against SQL, want %d", checked, len(kpiSQL))
	}

	// Every day of mentions, and the days without any.
	days := map[string][]string{}
	for _, r := range sqlRows(t, `SELECT toDate(hour) AS d, sum(mentions), sum(positive), sum(neutral), sum(negative),
       (sum(positive) - sum(negative)) / sum(mentions), sum(potential_reach)
FROM mentions_hourly FINAL WHERE brand = 'Acme' AND hour >= '2026-10-01' AND hour < '2026-11-01' GROUP BY d`) {
		days[r[0]] = r[1:]
	}
	daily := readCSV(t, filepath.Join(csvDir, "daily_mentions.csv"))
	if len(daily) != 31 {
		t.Fatalf("daily_mentions.csv has %d rows, want 31", len(daily))
	}
	for _, row := range daily {
		want, ok := days[row[0]]
		if !ok {
			want = []string{"0", "0", "0", "0", "0", "0"}
		}
		for j := range want {
			sameNumber(t, "daily_mentions "+row[0]+" column "+strconv.Itoa(j+1), row[j+1], want[j])
		}
	}

	// Campaigns: social networks, in USD.
	campaigns := readCSV(t, filepath.Join(csvDir, "campaigns.csv"))
	wantC := sqlRows(t, strings.ReplaceAll(`SELECT campaign, sum(s), sum(c), sum(n), sum(v), if(sum(s) = 0, NULL, (sum(v) - sum(s)) / sum(s))
FROM
(
    SELECT campaign, toFloat64(spend) AS s, clicks AS c, toUInt64(0) AS n, toFloat64(0) AS v FROM ad_spend_daily FINAL
    WHERE currency = 'USD' AND network IN ('facebook', 'instagram', 'linkedin', 'x', 'youtube', 'mastodon', 'bluesky', 'reddit')
      AND day >= '2026-10-01' AND day < '2026-11-01'
    UNION ALL
    SELECT campaign, 0, 0, conversions, toFloat64(value) FROM conversions_daily FINAL
    WHERE currency = 'USD' AND network IN ('facebook', 'instagram', 'linkedin', 'x', 'youtube', 'mastodon', 'bluesky', 'reddit')
      AND day >= '2026-10-01' AND day < '2026-11-01'
)
GROUP BY campaign ORDER BY sum(v) DESC, sum(s) DESC, campaign`, "'USD'", "'"+currency+"'"))
	if len(campaigns) != len(wantC) {
		t.Fatalf("campaigns.csv has %d rows, the rollups %d", len(campaigns), len(wantC))
	}
	for i, row := range campaigns {
		if row[0] != wantC[i][0] {
			t.Errorf("campaign %d: %s, want %s", i, row[0], wantC[i][0])
		}
		for j := 1; j < len(wantC[i]); j++ {
			sameNumber(t, "campaign "+row[0]+" column "+strconv.Itoa(j), row[j], wantC[i][j])
		}
	}

	// Followers: every daily row of the month.
	followers := readCSV(t, filepath.Join(csvDir, "followers.csv"))
	wantF := sqlRows(t, `SELECT day, network, account, followers FROM audience_daily FINAL
WHERE day >= '2026-10-01' AND day < '2026-11-01' ORDER BY network, account, day`)
	if len(followers) != len(wantF) {
		t.Fatalf("followers.csv has %d rows, audience_daily %d", len(followers), len(wantF))
	}
	for i, row := range followers {
		if !slices.Equal(row[:3], wantF[i][:3]) {
			t.Errorf("followers row %d: %v, want %v", i, row, wantF[i])
		}
		sameNumber(t, "followers "+row[0]+" "+row[1], row[3], wantF[i][3])
	}

	// The XLSX holds the same numbers as real numeric cells.
	x, err := excelize.OpenFile(xlsxPath)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	// Sheets are named in the report's language (English here).
	sheets := map[string]string{"kpis": "KPIs", "daily_mentions": "Daily mentions", "campaigns": "Campaigns", "followers": "Followers"}
	for _, table := range []string{"kpis", "daily_mentions", "campaigns", "followers"} {
		want := readCSV(t, filepath.Join(csvDir, table+".csv"))
		sheet := sheets[table]
		if !slices.Contains(x.GetSheetList(), sheet) {
			t.Errorf("the XLSX has no sheet %s: %v", table, x.GetSheetList())
			continue
		}
		rows, err := x.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		rows = rows[1:]
		if len(rows) != len(want) {
			t.Errorf("sheet %s has %d rows, %s.csv %d", sheet, len(rows), table, len(want))
			continue
		}
		for i, row := range want {
			for j, v := range row {
				if _, err := strconv.ParseFloat(v, 64); err != nil {
					continue // text and dates are the renderers' business
				}
				cell, _ := excelize.CoordinatesToCellName(j+1, i+2)
				typ, err := x.GetCellType(sheet, cell)
				if err != nil {
					t.Fatal(err)
				}
				got := ""
				if j < len(rows[i]) {
					got = rows[i][j]
				}
				if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
					t.Errorf("%s!%s holds %q as type %v, not a number", sheet, cell, got, typ)
				}
				sameNumber(t, sheet+"!"+cell, got, v)
			}
		}
	}
}

func roiSQL(col, currency string) string {
	return `SELECT anyIf(` + col + `, month = '2026-10-01'), anyIf(` + col + `, month = '2026-09-01')
FROM roi_monthly FINAL WHERE brand = 'Acme' AND currency = '` + currency + `'`
}

// TestRunEmail sends the report to a real SMTP conversation and checks the
// attachments arrive whole.
func TestRunEmail(t *testing.T) {
	report.LoadFixture(t)
	srv := smtptest.Start(t)
	host, port := srv.HostPort(t)
	e := report.Email{Host: host, Port: port, From: "earshot <reports@example.com>", To: []string{"boss@example.com", "analyst@example.com"},
		Subject: "{brand} report {month}"}
	res, err := report.Run(context.Background(), report.TestStore, report.Job{
		Brand: "Acme", Month: report.FixtureMonth, Formats: []string{report.FormatXLSX, report.FormatCSV, report.FormatHTML},
		Lang: "id", Email: e, Gather: report.Options{Currency: "USD"}, Render: renderers(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Emailed || len(res.Saved) != 0 {
		t.Errorf("emailed %v, saved %v", res.Emailed, res.Saved)
	}
	mails := srv.Received()
	if len(mails) != 1 {
		t.Fatalf("%d mails arrived, want 1", len(mails))
	}
	m := mails[0]
	if m.From != "reports@example.com" || !slices.Equal(m.To, e.To) {
		t.Errorf("envelope from %s to %v", m.From, m.To)
	}
	msg := parseMail(t, m.Data)
	if msg.subject != "Acme report 2026-10" {
		t.Errorf("subject %q", msg.subject)
	}
	var names []string
	for n := range msg.attachments {
		names = append(names, n)
	}
	slices.Sort(names)
	want := []string{"alerts.csv", "campaigns.csv", "daily_mentions.csv", "earshot-acme-2026-10.html", "earshot-acme-2026-10.xlsx",
		"engagement_by_network.csv", "followers.csv", "kpis.csv", "share_of_voice.csv", "top_mentions.csv", "top_posts.csv"}
	if !slices.Equal(names, want) {
		t.Errorf("attachments %v, want %v", names, want)
	}
	// The attached XLSX opens and the CSV is the one a directory would get.
	x, err := excelize.OpenReader(strings.NewReader(string(msg.attachments["earshot-acme-2026-10.xlsx"])))
	if err != nil {
		t.Fatalf("attached XLSX: %v", err)
	}
	x.Close()
	rd, err := report.RenderAll(res.Report, renderers(), []string{report.FormatCSV}, "id", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	for _, p := range rd.Attachments() {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := msg.attachments[filepath.Base(p)]; string(got) != string(b) {
			t.Errorf("attachment %s differs from the rendered file", filepath.Base(p))
		}
	}
}

// TestRunEmailRefused: a refused recipient fails the run, names the
// server, and leaves the directory delivery standing.
func TestRunEmailRefused(t *testing.T) {
	report.LoadFixture(t)
	srv := smtptest.Start(t)
	srv.Refuse("550 no such mailbox")
	host, port := srv.HostPort(t)
	out := t.TempDir()
	res, err := report.Run(context.Background(), report.TestStore, report.Job{
		Brand: "Acme", Month: report.FixtureMonth, Formats: []string{report.FormatCSV}, Lang: "en", OutDir: out,
		Email:  report.Email{Host: host, Port: port, From: "r@example.com", To: []string{"x@example.com"}},
		Gather: report.Options{Currency: "USD"}, Render: renderers(),
	})
	if err == nil || !strings.Contains(err.Error(), host) {
		t.Fatalf("error %v, want one naming the SMTP server", err)
	}
	if res == nil || res.Emailed || !slices.Equal(res.Delivered, []string{report.ChannelDir}) {
		t.Errorf("outcome %+v", res)
	}
}
