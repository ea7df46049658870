package render

import (
	"fmt"
	"math"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"

	"github.com/earshot-dev/earshot/report"
)

// Languages the report is written in, in the order error messages list them.
var languages = []string{"en", "id"}

// msg is one catalog entry: the same key in every language. Sentence
// templates take positional arguments (label, value, previous, change).
type msg struct{ key, en, id string }

// entries is the whole catalog. Keeping both languages on one line makes a
// missing translation visible in review; TestCatalogComplete checks it too.
var entries = []msg{
	// Document.
	{"title", "Social media report", "Laporan media sosial"},
	{"subtitle", "%[1]s · %[2]s compared with %[3]s", "%[1]s · %[2]s dibandingkan dengan %[3]s"},
	{"generated", "Generated %[1]s", "Dibuat %[1]s"},
	{"page", "Page %[1]d of %[2]s", "Halaman %[1]d dari %[2]s"},
	{"section.summary", "Summary", "Ringkasan"},
	{"section.missing", "Missing data", "Data yang tidak tersedia"},
	{"section.kpis", "Key figures", "Angka utama"},
	{"section.charts", "Charts", "Grafik"},
	{"section.tables", "Details", "Rincian"},
	{"section.appendix", "Appendix", "Lampiran"},
	{"summary.none", "No figure changed enough to report.", "Tidak ada angka yang berubah cukup signifikan untuk dilaporkan."},
	{"missing.none", "Every series has data for this month.", "Semua data tersedia untuk bulan ini."},
	{"nodata", "no data", "tidak ada data"},
	{"na", "n/a", "t/a"},
	{"open", "open", "masih berlangsung"},
	{"pp", "pp", "pp"},

	// Tables (titles) and their machine ids.
	{"table.kpis", "Key figures", "Angka utama"},
	{"table.daily_mentions", "Mentions per day", "Sebutan per hari"},
	{"table.share_of_voice", "Share of voice per day", "Share of voice per hari"},
	{"table.followers", "Followers per day", "Pengikut per hari"},
	{"table.engagement_by_network", "Engagement by network", "Engagement per jaringan"},
	{"table.campaigns", "Campaigns", "Kampanye"},
	{"table.top_posts", "Top own posts by engagement rate", "Postingan sendiri teratas menurut engagement rate"},
	{"table.top_mentions", "Top mentions by reach", "Sebutan teratas menurut jangkauan"},
	{"table.alerts", "Alerts raised this month", "Peringatan bulan ini"},
	{"table.appendix_kpis", "Other engagement rates", "Engagement rate lainnya"},
	{"table.empty", "No rows this month.", "Tidak ada baris bulan ini."},

	// XLSX sheet names (at most 31 characters).
	{"sheet.kpis", "KPIs", "KPI"},
	{"sheet.daily_mentions", "Daily mentions", "Sebutan harian"},
	{"sheet.share_of_voice", "Share of voice", "Share of voice"},
	{"sheet.followers", "Followers", "Pengikut"},
	{"sheet.engagement_by_network", "Engagement by network", "Engagement per jaringan"},
	{"sheet.campaigns", "Campaigns", "Kampanye"},
	{"sheet.top_posts", "Top posts", "Postingan teratas"},
	{"sheet.top_mentions", "Top mentions", "Sebutan teratas"},
	{"sheet.alerts", "Alerts", "Peringatan"},
	{"sheet.notes", "Summary", "Ringkasan"},

	// Column headers.
	{"col.key", "Key", "Kunci"},
	{"col.kpi", "Figure", "Angka"},
	{"col.qualifier", "Of", "Untuk"},
	{"col.unit", "Unit", "Satuan"},
	{"col.value", "This month", "Bulan ini"},
	{"col.prev", "Previous month", "Bulan sebelumnya"},
	{"col.change", "Change", "Perubahan"},
	{"col.change_pct", "Change %%", "Perubahan %%"},
	{"col.day", "Day", "Tanggal"},
	{"col.mentions", "Mentions", "Sebutan"},
	{"col.positive", "Positive", "Positif"},
	{"col.neutral", "Neutral", "Netral"},
	{"col.negative", "Negative", "Negatif"},
	{"col.net_sentiment", "Net sentiment", "Sentimen bersih"},
	{"col.potential_reach", "Potential reach", "Jangkauan potensial"},
	{"col.brand", "Brand", "Merek"},
	{"col.role", "Role", "Peran"},
	{"col.share", "Share of voice", "Share of voice"},
	{"col.network", "Network", "Jaringan"},
	{"col.account", "Account", "Akun"},
	{"col.followers", "Followers", "Pengikut"},
	{"col.posts", "Posts", "Postingan"},
	{"col.impressions", "Impressions", "Tayangan"},
	{"col.reach", "Reach", "Jangkauan"},
	{"col.engagement", "Engagement", "Engagement"},
	{"col.er_reach", "Engagement rate (reach)", "Engagement rate (jangkauan)"},
	{"col.er_impressions", "Engagement rate (impressions)", "Engagement rate (tayangan)"},
	{"col.er_followers", "Engagement rate (followers)", "Engagement rate (pengikut)"},
	{"col.prev_er_reach", "Previous engagement rate (reach)", "Engagement rate bulan sebelumnya (jangkauan)"},
	{"col.campaign", "Campaign", "Kampanye"},
	{"col.spend", "Spend", "Biaya iklan"},
	{"col.clicks", "Clicks", "Klik"},
	{"col.conversions", "Conversions", "Konversi"},
	{"col.conv_value", "Value", "Nilai"},
	{"col.roi", "ROI", "ROI"},
	{"col.published", "Published", "Diterbitkan"},
	{"col.post_id", "Post", "Postingan"},
	{"col.url", "URL", "URL"},
	{"col.created", "Date", "Tanggal"},
	{"col.author", "Author", "Penulis"},
	{"col.text", "Text", "Teks"},
	{"col.sentiment", "Sentiment", "Sentimen"},
	{"col.started", "Started", "Mulai"},
	{"col.ended", "Ended", "Selesai"},
	{"col.metric", "Metric", "Metrik"},
	{"col.window", "Window", "Jendela"},
	{"col.observed", "Observed", "Teramati"},
	{"col.expected", "Expected", "Diharapkan"},
	{"col.alert_summary", "What happened", "Yang terjadi"},

	// Values that are words.
	{"val.positive", "positive", "positif"},
	{"val.neutral", "neutral", "netral"},
	{"val.negative", "negative", "negatif"},
	{"val.own", "own", "sendiri"},
	{"val.competitor", "competitor", "pesaing"},

	// KPI labels, by KPI.Key (report.Key…).
	{"kpi.mentions", "Mentions", "Sebutan"},
	{"kpi.potential_reach", "Potential reach", "Jangkauan potensial"},
	{"kpi.unique_reach", "Unique reach", "Jangkauan unik"},
	{"kpi.sov_mentions", "Share of voice (mentions)", "Share of voice (sebutan)"},
	{"kpi.net_sentiment", "Net sentiment", "Sentimen bersih"},
	{"kpi.followers", "Followers", "Pengikut"},
	{"kpi.followers_growth", "Follower growth", "Pertumbuhan pengikut"},
	{"kpi.followers_growth_pct", "Follower growth %%", "Pertumbuhan pengikut %%"},
	{"kpi.posts_published", "Posts published", "Postingan diterbitkan"},
	{"kpi.impressions", "Impressions", "Tayangan"},
	{"kpi.post_reach", "Post reach", "Jangkauan postingan"},
	{"kpi.engagement", "Engagement", "Engagement"},
	{"kpi.engagement_rate", "Engagement rate (by reach)", "Engagement rate (per jangkauan)"},
	{"kpi.engagement_rate_impressions", "Engagement rate (by impressions)", "Engagement rate (per tayangan)"},
	{"kpi.engagement_rate_followers", "Engagement rate (by followers)", "Engagement rate (per pengikut)"},
	{"kpi.website_clicks", "Website clicks", "Klik ke situs web"},
	{"kpi.conversions", "Conversions", "Konversi"},
	{"kpi.conversion_value", "Conversion value", "Nilai konversi"},
	{"kpi.ad_spend", "Ad spend", "Biaya iklan"},
	{"kpi.tool_cost", "Tool and staff cost", "Biaya alat dan staf"},
	{"kpi.roi", "ROI", "ROI"},

	// Missing-data statements, by Missing.Key; the .of form names the qualifier.
	{"missing.post_metrics", "No post metrics this month.", "Tidak ada metrik postingan bulan ini."},
	{"missing.post_metrics.of", "No post metrics for %[1]s this month.", "Tidak ada metrik postingan untuk %[1]s bulan ini."},
	{"missing.followers", "No follower counts this month.", "Tidak ada jumlah pengikut bulan ini."},
	{"missing.followers.of", "No follower counts for %[1]s this month.", "Tidak ada jumlah pengikut untuk %[1]s bulan ini."},
	{"missing.conversions", "No conversions recorded this month.", "Tidak ada konversi tercatat bulan ini."},
	{"missing.conversions.of", "No conversions recorded for %[1]s this month.", "Tidak ada konversi tercatat untuk %[1]s bulan ini."},
	{"missing.ad_spend", "No ad spend recorded this month.", "Tidak ada biaya iklan tercatat bulan ini."},
	{"missing.ad_spend.of", "No ad spend recorded for %[1]s this month.", "Tidak ada biaya iklan tercatat untuk %[1]s bulan ini."},
	{"missing.mentions", "No mentions this month.", "Tidak ada sebutan bulan ini."},
	{"missing.mentions.of", "No mentions of %[1]s this month.", "Tidak ada sebutan tentang %[1]s bulan ini."},
	{"missing.share_of_voice", "No share-of-voice data this month.", "Tidak ada data share of voice bulan ini."},
	{"missing.share_of_voice.of", "No share-of-voice data for %[1]s this month.", "Tidak ada data share of voice untuk %[1]s bulan ini."},
	{"missing.other_currency", "Money in other currencies is left out: nothing is converted.", "Nilai uang dalam mata uang lain tidak dihitung: tidak ada konversi."},
	{"missing.other_currency.of", "Money in %[1]s is left out: nothing is converted to the report's currency.", "Nilai uang dalam %[1]s tidak dihitung: tidak ada konversi ke mata uang laporan."},
	{"missing.other", "No data for %[1]s this month.", "Tidak ada data %[1]s bulan ini."},

	// Summary sentences, by Sentence.Key: 1 label, 2 value, 3 previous, 4 change.
	{"sentence.kpi_up", "%[1]s rose %[4]s to %[2]s (from %[3]s).", "%[1]s naik %[4]s menjadi %[2]s (dari %[3]s)."},
	{"sentence.kpi_down", "%[1]s fell %[4]s to %[2]s (from %[3]s).", "%[1]s turun %[4]s menjadi %[2]s (dari %[3]s)."},
	{"sentence.kpi_flat", "%[1]s held at %[2]s.", "%[1]s tetap %[2]s."},
	{"sentence.kpi_new", "%[1]s rose to %[2]s from %[3]s.", "%[1]s naik menjadi %[2]s dari %[3]s."},
	{"sentence.kpi_first", "%[1]s: %[2]s, with no data the month before.", "%[1]s: %[2]s, tanpa data pada bulan sebelumnya."},
	{"sentence.kpi_gone", "%[1]s has no data this month (previous month %[3]s).", "%[1]s tidak ada datanya bulan ini (bulan sebelumnya %[3]s)."},
	{"sentence.other", "%[1]s: %[2]s (previous month %[3]s).", "%[1]s: %[2]s (bulan sebelumnya %[3]s)."},

	// Charts.
	{"chart.mentions", "Mentions and sentiment per day", "Sebutan dan sentimen per hari"},
	{"chart.share_of_voice", "Share of voice over the month", "Share of voice sepanjang bulan"},
	{"chart.followers", "Followers per network", "Pengikut per jaringan"},
	{"chart.engagement", "Engagement rate (by reach) per network", "Engagement rate (per jangkauan) per jaringan"},
	{"chart.campaigns", "Conversions and value per campaign", "Konversi dan nilai per kampanye"},
	{"chart.nodata", "No data for this chart this month.", "Tidak ada data untuk grafik ini bulan ini."},
	{"chart.this_month", "This month", "Bulan ini"},
	{"chart.prev_month", "Previous month", "Bulan sebelumnya"},
}

var monthNames = map[string][12]string{
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	"id": {"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"},
}

var monthAbbr = map[string][12]string{
	"en": {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
	"id": {"Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"},
}

// locale formats text and numbers in one of the report's languages.
type locale struct {
	lang  string
	p     *message.Printer
	known map[string]bool
}

func newLocale(lang string) (*locale, error) {
	var tag language.Tag
	switch lang {
	case "en":
		tag = language.English
	case "id":
		tag = language.Indonesian
	default:
		return nil, fmt.Errorf("report language %q: valid values are %q", lang, languages)
	}
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	known := make(map[string]bool, len(entries))
	for _, e := range entries {
		if err := b.SetString(language.English, e.key, e.en); err != nil {
			return nil, fmt.Errorf("catalog entry %q (en): %w", e.key, err)
		}
		if err := b.SetString(language.Indonesian, e.key, e.id); err != nil {
			return nil, fmt.Errorf("catalog entry %q (id): %w", e.key, err)
		}
		known[e.key] = true
	}
	return &locale{lang: lang, p: message.NewPrinter(tag, message.Catalog(b)), known: known}, nil
}

// T translates a catalog key with arguments.
func (l *locale) T(key string, args ...any) string {
	return l.p.Sprintf(key, args...)
}

// has reports whether the catalog knows key.
func (l *locale) has(key string) bool { return l.known[key] }

// kpiLabel is the KPI's label with its qualifier, e.g. "Followers — Instagram".
// An unknown key still gets a readable label, so a KPI added to the
// gatherer before the catalog shows up rather than failing the report.
func (l *locale) kpiLabel(k kpiName) string {
	label := l.kpiBase(k.Key)
	if k.Qualifier != "" {
		label += " — " + k.Qualifier
	}
	return label
}

type kpiName struct{ Key, Qualifier string }

func (l *locale) kpiBase(key string) string {
	if l.has("kpi." + key) {
		return l.T("kpi." + key)
	}
	s := strings.ReplaceAll(key, "_", " ")
	if s == "" {
		return "?"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// word translates a value that is a word (sentiment, role); unknown words
// pass through unchanged.
func (l *locale) word(v string) string {
	if l.has("val." + v) {
		return l.T("val." + v)
	}
	return v
}

// monthYear is the report month as people write it: "Nov 2026" in English,
// "November 2026" in Indonesian.
func (l *locale) monthYear(t time.Time) string {
	if l.lang == "id" {
		return monthNames[l.lang][t.Month()-1] + " " + fmt.Sprint(t.Year())
	}
	return monthAbbr[l.lang][t.Month()-1] + " " + fmt.Sprint(t.Year())
}

// monthLong is the month in full, for titles: "November 2026".
func (l *locale) monthLong(t time.Time) string {
	return monthNames[l.lang][t.Month()-1] + " " + fmt.Sprint(t.Year())
}

// date is a day: "2 Nov 2026" / "2 Nov 2026" with Indonesian abbreviations.
func (l *locale) date(t time.Time) string {
	return fmt.Sprintf("%d %s %d", t.Day(), monthAbbr[l.lang][t.Month()-1], t.Year())
}

// dayMonth is a short axis label: "2 Nov".
func (l *locale) dayMonth(t time.Time) string {
	return fmt.Sprintf("%d %s", t.Day(), monthAbbr[l.lang][t.Month()-1])
}

// dateTime is a day and a time in UTC; Indonesian writes the time with a dot.
func (l *locale) dateTime(t time.Time) string {
	t = t.UTC()
	sep := ":"
	if l.lang == "id" {
		sep = "."
	}
	return fmt.Sprintf("%s %02d%s%02d UTC", l.date(t), t.Hour(), sep, t.Minute())
}

// sentence writes one summary sentence. The change is said as a size
// ("rose 12.3%"), its direction is in the template: points for ratios and
// scores, percent for counts and money, the amount when the previous month
// was zero.
func (l *locale) sentence(s report.Sentence, currency string) string {
	k := s.KPI
	key := "sentence." + sentenceKey(s)
	if !l.has(key) {
		key = "sentence.other"
	}
	return l.T(key, l.kpiLabel(kpiName{k.Key, k.Qualifier}),
		l.value(k.Unit, currency, k.Value), l.value(k.Unit, currency, k.Prev), l.changeSize(k, currency))
}

// sentenceKey checks the direction a sentence claims against the numbers:
// "rose" is written only for a rise, whatever key the summary chose.
func sentenceKey(s report.Sentence) string {
	switch s.Key {
	case report.SentenceUp, report.SentenceDown, report.SentenceNew, "kpi_flat", "kpi_gone", "kpi_first":
	default:
		return s.Key
	}
	k := s.KPI
	switch {
	case k.Value != nil && k.Prev == nil:
		return "kpi_first"
	case k.Value == nil && k.Prev != nil:
		return "kpi_gone"
	case k.Value == nil:
		return "other"
	case *k.Value > *k.Prev && *k.Prev == 0:
		return report.SentenceNew // no percent change from zero
	case *k.Value > *k.Prev:
		return report.SentenceUp
	case *k.Value < *k.Prev:
		return report.SentenceDown
	}
	return "kpi_flat"
}

func (l *locale) changeSize(k report.KPI, currency string) string {
	c := k.Change()
	if c == nil {
		return l.T("nodata")
	}
	x := math.Abs(*c)
	switch k.Unit {
	case report.UnitRatio, report.UnitScore:
		return l.fixed(x*100, 1) + " " + l.T("pp")
	case report.UnitPercent:
		return l.fixed(x, 1) + " " + l.T("pp")
	}
	if p := k.ChangePct(); p != nil {
		return l.fixed(math.Abs(*p), 1) + "%"
	}
	if k.Unit == report.UnitMoney {
		return currency + " " + l.fixed(x, 2)
	}
	return l.num(x, 1)
}

// missing writes one Missing statement.
func (l *locale) missing(m report.Missing) string {
	key := "missing." + m.Key
	if !l.has(key) {
		what := strings.ReplaceAll(m.Key, "_", " ")
		if m.Qualifier != "" {
			what += " (" + m.Qualifier + ")"
		}
		return l.T("missing.other", what)
	}
	if m.Qualifier != "" {
		return l.T(key+".of", m.Qualifier)
	}
	return l.T(key)
}
