package render

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/report"
)

func mustLocale(t testing.TB, lang string) *locale {
	t.Helper()
	l, err := newLocale(lang)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestUnknownLanguage(t *testing.T) {
	r := fixtureReport()
	var buf bytes.Buffer
	calls := map[string]func(lang string) error{
		"PDF":  func(lang string) error { return PDF(&buf, r, lang) },
		"HTML": func(lang string) error { return HTML(&buf, r, lang) },
		"XLSX": func(lang string) error { return XLSX(&buf, r, lang) },
		"CSV":  func(lang string) error { _, err := CSV(t.TempDir(), r, lang); return err },
	}
	for name, call := range calls {
		for _, lang := range []string{"", "fr", "EN", "id-ID"} {
			err := call(lang)
			if err == nil {
				t.Fatalf("%s(%q): no error", name, lang)
			}
			if msg := err.Error(); !strings.Contains(msg, `"en"`) || !strings.Contains(msg, `"id"`) {
				t.Errorf("%s(%q): error %q does not name the valid values", name, lang, msg)
			}
		}
	}
}

func TestValueFormats(t *testing.T) {
	cases := []struct {
		unit   string
		v      *float64
		en, id string
	}{
		{report.UnitCount, f64(1234.5), "1,234.5", "1.234,5"},
		{report.UnitCount, f64(3069648), "3,069,648", "3.069.648"},
		{report.UnitCount, f64(0), "0", "0"},
		{report.UnitRatio, f64(0.123), "12.3%", "12,3%"},
		{report.UnitRatio, f64(2.014), "201.4%", "201,4%"},
		{report.UnitMoney, f64(45210.5), "USD 45,210.50", "USD 45.210,50"},
		{report.UnitMoney, f64(0), "USD 0.00", "USD 0,00"},
		{report.UnitScore, f64(0.046), "+4.6%", "+4,6%"},
		{report.UnitScore, f64(-0.121), "-12.1%", "-12,1%"},
		{report.UnitScore, f64(0.0001), "0.0%", "0,0%"},
		{report.UnitPercent, f64(6.155), "6.2%", "6,2%"},
		{report.UnitCount, nil, "no data", "tidak ada data"},
		{report.UnitMoney, nil, "no data", "tidak ada data"},
	}
	en, id := mustLocale(t, "en"), mustLocale(t, "id")
	for _, c := range cases {
		if got := minus(en.value(c.unit, "USD", c.v)); got != c.en {
			t.Errorf("en %s %v: got %q, want %q", c.unit, deref(c.v), got, c.en)
		}
		if got := minus(id.value(c.unit, "USD", c.v)); got != c.id {
			t.Errorf("id %s %v: got %q, want %q", c.unit, deref(c.v), got, c.id)
		}
	}
}

// minus folds the typographic minus x/text writes into "-" for comparison.
func minus(s string) string { return strings.ReplaceAll(s, "\u2212", "-") }

func deref(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

func TestChangeFormats(t *testing.T) {
	cases := []struct {
		name             string
		k                report.KPI
		enChange, enPct  string
		idChange, idPct  string
		enSize           string
		sentenceEN       string
		sentenceIDPrefix string
	}{
		{"count up", report.KPI{Key: "mentions", Unit: report.UnitCount, Value: f64(3134), Prev: f64(2871)},
			"+263", "+9.2%", "+263", "+9,2%", "9.2%", "Mentions rose 9.2% to 3,134 (from 2,871).", "Sebutan naik 9,2% menjadi 3.134"},
		{"money down", report.KPI{Key: "ad_spend", Unit: report.UnitMoney, Value: f64(11500), Prev: f64(12000.5)},
			"USD -500.50", "-4.2%", "USD -500,50", "-4,2%", "4.2%", "Ad spend fell 4.2% to USD 11,500.00 (from USD 12,000.50).", "Biaya iklan turun 4,2% menjadi USD 11.500,00"},
		{"ratio in points", report.KPI{Key: "sov_mentions", Qualifier: "Globex", Unit: report.UnitRatio, Value: f64(0.8023), Prev: f64(0.7712)},
			"+3.1 pp", "+4.0%", "+3,1 pp", "+4,0%", "3.1 pp", "Share of voice (mentions) — Globex rose 3.1 pp to 80.2% (from 77.1%).", "Share of voice (sebutan) — Globex naik 3,1 pp"},
		{"own share", report.KPI{Key: "sov_mentions", Unit: report.UnitRatio, Value: f64(0.5), Prev: f64(0.55)},
			"-5.0 pp", "-9.1%", "-5,0 pp", "-9,1%", "5.0 pp", "Share of voice (mentions) fell 5.0 pp to 50.0% (from 55.0%).", "Share of voice (sebutan) turun 5,0 pp"},
		{"previous zero", report.KPI{Key: "posts_published", Unit: report.UnitCount, Value: f64(42), Prev: f64(0)},
			"+42", "n/a", "+42", "t/a", "42", "Posts published rose to 42 from 0.", "Postingan diterbitkan naik menjadi 42 dari 0."},
		{"no previous", report.KPI{Key: "website_clicks", Unit: report.UnitCount, Value: f64(9120)},
			"no data", "no data", "tidak ada data", "tidak ada data", "no data", "Website clicks: 9,120, with no data the month before.", "Klik ke situs web: 9.120, tanpa data"},
		{"no value", report.KPI{Key: "followers", Qualifier: "TikTok", Unit: report.UnitCount, Prev: f64(5400)},
			"no data", "no data", "tidak ada data", "tidak ada data", "no data", "Followers — TikTok has no data this month (previous month 5,400).", "Pengikut — TikTok tidak ada datanya"},
	}
	en, id := mustLocale(t, "en"), mustLocale(t, "id")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			check := func(what, got, want string) {
				t.Helper()
				if minus(got) != want {
					t.Errorf("%s: got %q, want %q", what, got, want)
				}
			}
			check("en change", en.change(c.k, "USD"), c.enChange)
			check("en pct", en.changePct(c.k), c.enPct)
			check("id change", id.change(c.k, "USD"), c.idChange)
			check("id pct", id.changePct(c.k), c.idPct)
			check("en size", en.changeSize(c.k, "USD"), c.enSize)
			// "kpi_up" on purpose: the sentence must follow the numbers,
			// not the key the summary picked.
			check("en sentence", en.sentence(report.Sentence{Key: "kpi_up", KPI: c.k}, "USD"), c.sentenceEN)
			if got := minus(id.sentence(report.Sentence{Key: "kpi_up", KPI: c.k}, "USD")); !strings.HasPrefix(got, c.sentenceIDPrefix) {
				t.Errorf("id sentence %q does not start with %q", got, c.sentenceIDPrefix)
			}
		})
	}
}

func TestSentenceTemplates(t *testing.T) {
	k := report.KPI{Key: "conversion_value", Unit: report.UnitMoney, Value: f64(45210.5), Prev: f64(39870.25)}
	gone := report.KPI{Key: "followers", Qualifier: "TikTok", Unit: report.UnitCount, Prev: f64(5400)}
	fresh := report.KPI{Key: "website_clicks", Unit: report.UnitCount, Value: f64(9120)}
	fromZero := report.KPI{Key: "posts_published", Unit: report.UnitCount, Value: f64(42), Prev: f64(0)}
	down := report.KPI{Key: "conversion_value", Unit: report.UnitMoney, Value: f64(39870.25), Prev: f64(45210.5)}
	flat := report.KPI{Key: "conversion_value", Unit: report.UnitMoney, Value: f64(45210.5), Prev: f64(45210.5)}
	cases := []struct {
		key  string
		k    report.KPI
		lang string
		want string
	}{
		{"kpi_up", k, "en", "Conversion value rose 13.4% to USD 45,210.50 (from USD 39,870.25)."},
		{"kpi_up", k, "id", "Nilai konversi naik 13,4% menjadi USD 45.210,50 (dari USD 39.870,25)."},
		{"kpi_down", down, "en", "Conversion value fell 11.8% to USD 39,870.25 (from USD 45,210.50)."},
		{"kpi_down", down, "id", "Nilai konversi turun 11,8% menjadi USD 39.870,25 (dari USD 45.210,50)."},
		{"kpi_down", k, "en", "Conversion value rose 13.4% to USD 45,210.50 (from USD 39,870.25)."},
		{"kpi_new", fresh, "en", "Website clicks: 9,120, with no data the month before."},
		{"kpi_new", fresh, "id", "Klik ke situs web: 9.120, tanpa data pada bulan sebelumnya."},
		{"kpi_new", fromZero, "en", "Posts published rose to 42 from 0."},
		{"kpi_new", fromZero, "id", "Postingan diterbitkan naik menjadi 42 dari 0."},
		{"kpi_gone", gone, "en", "Followers — TikTok has no data this month (previous month 5,400)."},
		{"kpi_gone", gone, "id", "Pengikut — TikTok tidak ada datanya bulan ini (bulan sebelumnya 5.400)."},
		{"kpi_up", flat, "en", "Conversion value held at USD 45,210.50."},
		{"kpi_up", flat, "id", "Nilai konversi tetap USD 45.210,50."},
		{"something_new", k, "en", "Conversion value: USD 45,210.50 (previous month USD 39,870.25)."},
		{"something_new", k, "id", "Nilai konversi: USD 45.210,50 (bulan sebelumnya USD 39.870,25)."},
	}
	for _, c := range cases {
		l := mustLocale(t, c.lang)
		got := l.sentence(report.Sentence{Key: c.key, KPI: c.k, Rank: 1}, "USD")
		if got != c.want {
			t.Errorf("%s %s: got %q, want %q", c.lang, c.key, got, c.want)
		}
		if strings.Contains(got, "%!") {
			t.Errorf("%s %s: formatting error in %q", c.lang, c.key, got)
		}
	}
}

func TestMissingStatements(t *testing.T) {
	cases := []struct {
		m      report.Missing
		en, id string
	}{
		{report.Missing{Key: "post_metrics", Qualifier: "tiktok"}, "No post metrics for tiktok this month.", "Tidak ada metrik postingan untuk tiktok bulan ini."},
		{report.Missing{Key: "conversions"}, "No conversions recorded this month.", "Tidak ada konversi tercatat bulan ini."},
		{report.Missing{Key: "share_of_voice", Qualifier: "Globex"}, "No share-of-voice data for Globex this month.", "Tidak ada data share of voice untuk Globex bulan ini."},
		{report.Missing{Key: report.MissingOtherCurrency, Qualifier: "EUR"}, "Money in EUR is left out: nothing is converted to the report's currency.", "Nilai uang dalam EUR tidak dihitung: tidak ada konversi ke mata uang laporan."},
		{report.Missing{Key: "reviews", Qualifier: "appstore"}, "No data for reviews (appstore) this month.", "Tidak ada data reviews (appstore) bulan ini."},
		{report.Missing{Key: "followers", Qualifier: "100% %s %d"}, "No follower counts for 100% %s %d this month.", "Tidak ada jumlah pengikut untuk 100% %s %d bulan ini."},
	}
	en, id := mustLocale(t, "en"), mustLocale(t, "id")
	for _, c := range cases {
		if got := en.missing(c.m); got != c.en {
			t.Errorf("en %v: got %q, want %q", c.m, got, c.en)
		}
		if got := id.missing(c.m); got != c.id {
			t.Errorf("id %v: got %q, want %q", c.m, got, c.id)
		}
	}
}

func TestDates(t *testing.T) {
	nov := time.Date(2026, 11, 2, 14, 5, 0, 0, time.UTC)
	aug := time.Date(2026, 8, 17, 9, 0, 0, 0, time.UTC)
	en, id := mustLocale(t, "en"), mustLocale(t, "id")
	cases := []struct{ what, got, want string }{
		{"en month", en.monthYear(nov), "Nov 2026"},
		{"id month", id.monthYear(nov), "November 2026"},
		{"id month Aug", id.monthYear(aug), "Agustus 2026"},
		{"en long", en.monthLong(aug), "August 2026"},
		{"en date", en.date(nov), "2 Nov 2026"},
		{"id date", id.date(aug), "17 Agu 2026"},
		{"en datetime", en.dateTime(nov), "2 Nov 2026 14:05 UTC"},
		{"id datetime", id.dateTime(nov), "2 Nov 2026 14.05 UTC"},
		{"non-UTC input", en.dateTime(nov.In(time.FixedZone("WIB", 7*3600))), "2 Nov 2026 14:05 UTC"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.what, c.got, c.want)
		}
	}
}

// TestCatalogComplete: every key in both languages, once, with the same
// placeholders, and every key the renderers ask for exists.
func TestCatalogComplete(t *testing.T) {
	verbs := regexp.MustCompile(`%(\[\d+\])?[sdv]|%%`)
	seen := map[string]bool{}
	for _, e := range entries {
		if seen[e.key] {
			t.Errorf("key %q twice", e.key)
		}
		seen[e.key] = true
		if e.en == "" || e.id == "" {
			t.Errorf("key %q: empty translation", e.key)
		}
		a, b := verbs.FindAllString(e.en, -1), verbs.FindAllString(e.id, -1)
		if len(a) != len(b) {
			t.Errorf("key %q: placeholders differ: en %v, id %v", e.key, a, b)
		}
	}
	r := fixtureReport()
	for _, lang := range languages {
		l := mustLocale(t, lang)
		for _, tb := range append(machineTables(l, r), kpiPeopleTable(l, r, true)) {
			for _, key := range append([]string{tb.title, "sheet." + tb.id}, headers(tb)...) {
				if !l.has(key) {
					t.Errorf("%s: table %s: key %q not in the catalog", lang, tb.id, key)
				}
			}
		}
		for _, k := range []string{report.KeyMentions, report.KeyPotentialReach, report.KeyUniqueReach, report.KeyShareOfVoice,
			report.KeyNetSentiment, report.KeyFollowers, report.KeyFollowersGrowth, report.KeyFollowersGrowthPct,
			report.KeyPostsPublished, report.KeyImpressions, report.KeyPostReach, report.KeyEngagement, report.KeyEngagementRate,
			report.KeyWebsiteClicks, report.KeyConversions, report.KeyConversionValue, report.KeyAdSpend, report.KeyToolCost,
			report.KeyROI, report.KeyEngagementRateImpressions, report.KeyEngagementRateFollowers} {
			if !l.has("kpi." + k) {
				t.Errorf("%s: KPI %q has no label", lang, k)
			}
		}
		if got := l.kpiBase("brand_new_metric"); got != "Brand new metric" {
			t.Errorf("%s: unknown KPI label %q", lang, got)
		}
		names := monthNames[lang]
		for _, s := range []string{"Agustus", "Desember"} {
			if lang == "id" && !strings.Contains(strings.Join(names[:], " "), s) {
				t.Errorf("id month names lack %s", s)
			}
		}
	}
}

func headers(t table) []string {
	var out []string
	for _, c := range t.cols {
		out = append(out, c.header)
	}
	return out
}

func TestPlainAndGlyphs(t *testing.T) {
	if got := plain("a\x07b\x00c\td\ne\xff"); got != "abc\td\ne\uFFFD" {
		t.Errorf("plain: got %q", got)
	}
	g, err := newGlyphs()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ in, want string }{
		{"plain ascii", "plain ascii"},
		{"déjà vu — “quoted” €5", "déjà vu — “quoted” €5"},
		{"e\u0301", "é"},                   // composed
		{"fire 🔥🔥 end", "fire ? end"},      // a run of missing glyphs is one "?"
		{"東京 ok", "? ok"},                  // CJK not in the Go fonts
		{"a\u200bb\u202ec\u2066d", "abcd"}, // zero-width and bidi controls dropped
		{"tab\there\nnew\rline", "tab here new line"},
		{"bad \xff\xfe utf8", "bad ? utf8"},
		{"Привет Ελλάδα", "Привет Ελλάδα"}, // Cyrillic and Greek are in the font
		{"❤️👍🏽", "?"},                      // variation selector and skin tone
	}
	for _, c := range cases {
		if got := g.clean(c.in); got != c.want {
			t.Errorf("clean(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
