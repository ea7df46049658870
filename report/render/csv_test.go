package render

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/report"
)

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// RFC 4180: CRLF after every record, the last one included.
	if !bytes.HasSuffix(b, []byte("\r\n")) || bytes.Count(b, []byte("\n")) != bytes.Count(b, []byte("\r\n"))+countQuotedLF(b) {
		t.Errorf("%s: records not ended by CRLF", path)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

// countQuotedLF counts bare line feeds inside quoted fields (a mention's
// own line breaks), which RFC 4180 keeps as they are.
func countQuotedLF(b []byte) int {
	n, quoted := 0, false
	for i, c := range b {
		switch {
		case c == '"':
			quoted = !quoted
		case c == '\n' && quoted && (i == 0 || b[i-1] != '\r'):
			n++
		}
	}
	return n
}

// num parses a machine number field; "" is missing.
func num(t *testing.T, s string) *float64 {
	t.Helper()
	if s == "" {
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q is not a machine number: %v", s, err)
	}
	return &v
}

func sameNum(t *testing.T, what string, got, want *float64) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil:
		t.Errorf("%s: got %v, want %v", what, deref(got), deref(want))
	case *got != *want:
		t.Errorf("%s: got %v, want %v (not exact)", what, *got, *want)
	}
}

func TestCSV(t *testing.T) {
	for _, lang := range languages {
		t.Run(lang, func(t *testing.T) {
			r := fixtureReport()
			r.TopMentions[1].Text = "line one\nline \"two\", with comma"
			l := mustLocale(t, lang)
			dir := filepath.Join(t.TempDir(), "out", "csv") // created by CSV
			paths, err := CSV(dir, r, lang)
			if err != nil {
				t.Fatal(err)
			}
			names := []string{"kpis.csv", "daily_mentions.csv", "share_of_voice.csv", "followers.csv", "engagement_by_network.csv",
				"campaigns.csv", "top_posts.csv", "top_mentions.csv", "alerts.csv"}
			if len(paths) != len(names) {
				t.Fatalf("files %q", paths)
			}
			files := map[string][][]string{}
			for i, p := range paths {
				if filepath.Base(p) != names[i] || filepath.Dir(p) != dir {
					t.Errorf("file %d is %s, want %s in %s", i, p, names[i], dir)
				}
				files[names[i]] = readCSV(t, p)
			}

			kpis := files["kpis.csv"]
			if kpis[0][1] != l.T("col.kpi") || kpis[0][5] != l.T("col.value") {
				t.Errorf("kpis.csv header %q not in %s", kpis[0], lang)
			}
			if len(kpis) != len(r.KPIs)+1 {
				t.Fatalf("kpis.csv has %d rows, want %d", len(kpis)-1, len(r.KPIs))
			}
			for i, k := range r.KPIs {
				row := kpis[i+1]
				if row[0] != k.Key || row[2] != k.Qualifier || row[3] != k.Unit {
					t.Errorf("kpis.csv row %d: %q", i+1, row)
				}
				sameNum(t, k.Key+" value", num(t, row[5]), k.Value)
				sameNum(t, k.Key+" prev", num(t, row[6]), k.Prev)
				sameNum(t, k.Key+" change", num(t, row[7]), k.Change())
				sameNum(t, k.Key+" change %", num(t, row[8]), k.ChangePct())
			}

			daily := files["daily_mentions.csv"]
			for i, d := range r.Mentions {
				row := daily[i+1]
				if row[0] != d.Day.Format(time.DateOnly) {
					t.Errorf("day %q, want %s", row[0], d.Day.Format(time.DateOnly))
				}
				for j, v := range []uint64{d.Mentions, d.Positive, d.Neutral, d.Negative} {
					if row[1+j] != strconv.FormatUint(v, 10) {
						t.Errorf("daily row %d col %d: %q, want %d", i+1, j+1, row[1+j], v)
					}
				}
				sameNum(t, "net sentiment", num(t, row[5]), &d.NetSentiment)
				if row[6] != strconv.FormatUint(d.PotentialReach, 10) {
					t.Errorf("reach %q", row[6])
				}
			}
			for i, s := range r.ShareOfVoice {
				row := files["share_of_voice.csv"][i+1]
				if row[1] != s.Brand || row[2] != s.Role {
					t.Errorf("share row %q", row)
				}
				sameNum(t, "share", num(t, row[3]), &s.Share)
			}
			for i, f := range r.Followers {
				row := files["followers.csv"][i+1]
				if row[1] != f.Network || row[2] != f.Account || row[3] != strconv.FormatUint(f.Followers, 10) {
					t.Errorf("followers row %q", row)
				}
			}
			for i, n := range r.NetworkEngage {
				row := files["engagement_by_network.csv"][i+1]
				if row[0] != n.Network || row[2] != strconv.FormatUint(n.Impressions, 10) {
					t.Errorf("engagement row %q", row)
				}
				sameNum(t, n.Network+" ER reach", num(t, row[5]), n.EngagementRateReach)
				sameNum(t, n.Network+" ER impressions", num(t, row[6]), n.EngagementRateImpressions)
				sameNum(t, n.Network+" ER followers", num(t, row[7]), n.EngagementRateFollowers)
				sameNum(t, n.Network+" prev ER", num(t, row[8]), n.PrevEngagementRateReach)
			}
			for i, c := range r.CampaignTotals {
				row := files["campaigns.csv"][i+1]
				if row[0] != c.Campaign || row[2] != strconv.FormatUint(c.Clicks, 10) || row[3] != strconv.FormatUint(c.Conversions, 10) {
					t.Errorf("campaign row %q", row)
				}
				sameNum(t, "spend", num(t, row[1]), &c.Spend)
				sameNum(t, "value", num(t, row[4]), &c.Value)
				sameNum(t, "roi", num(t, row[5]), c.ROI)
			}
			for i, p := range r.TopPosts {
				row := files["top_posts.csv"][i+1]
				if row[0] != p.PublishedAt.Format(time.RFC3339) || row[3] != p.PostID || row[9] != p.URL {
					t.Errorf("post row %q", row)
				}
				sameNum(t, "post ER", num(t, row[8]), p.EngagementRateReach)
			}
			for i, m := range r.TopMentions {
				row := files["top_mentions.csv"][i+1]
				if row[5] != plain(m.Text) || row[4] != m.Sentiment || row[6] != m.URL || row[3] != strconv.FormatUint(m.Reach, 10) {
					t.Errorf("mention row %q", row)
				}
			}
			for i, a := range r.Alerts {
				row := files["alerts.csv"][i+1]
				ended := ""
				if !a.EndedAt.IsZero() {
					ended = a.EndedAt.Format(time.RFC3339)
				}
				if row[0] != a.StartedAt.Format(time.RFC3339) || row[1] != ended || row[6] != a.Summary {
					t.Errorf("alert row %q", row)
				}
				sameNum(t, "observed", num(t, row[4]), &a.Observed)
				sameNum(t, "expected", num(t, row[5]), &a.Expected)
			}
		})
	}
}

// TestCSVNumbersExact: numbers that a formatter with fixed decimals or
// grouping would change come back bit for bit.
func TestCSVNumbersExact(t *testing.T) {
	values := []float64{0.1 + 0.2, 1e-9, 123456789.123456789, -0.0000123, 1e21, 5e-324, 2.0 / 3.0}
	r := &report.Report{Brand: "Acme", Currency: "IDR"}
	for _, v := range values {
		r.KPIs = append(r.KPIs, report.KPI{Key: "roi", Unit: report.UnitRatio, Value: f64(v), Prev: f64(v / 3)})
	}
	paths, err := CSV(t.TempDir(), r, "id") // Indonesian writes "1.234,5" for people, never here
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, paths[0])
	for i, v := range values {
		sameNum(t, "value", num(t, rows[i+1][5]), &v)
		p := v / 3
		sameNum(t, "prev", num(t, rows[i+1][6]), &p)
	}
}

func TestCSVBadDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := CSV(filepath.Join(file, "sub"), fixtureReport(), "en"); err == nil {
		t.Fatal("no error writing under a file")
	}
}
