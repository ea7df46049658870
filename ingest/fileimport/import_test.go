package fileimport

import (
	"context"
	"errors"
	"github.com/earshot-dev/earshot/ingest/ingesttest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"

	"github.com/earshot-dev/earshot/event"
)

// badCSV is a generic post-metrics file with three bad rows among good
// ones; line numbers count the header and a quoted multi-line cell.
const badCSV = `network,account,post_id,published_at,impressions,likes,text
x,acme,1,2026-11-01T10:00:00Z,"1,200",5,plain
x,acme,2,2026-11-01T11:00:00Z,12a,5,bad number
x,acme,3,2026-11-01T12:00:00Z,300,6,"two
lines"
x,acme,4,yesterday,300,6,bad date
x,,5,2026-11-01T13:00:00Z,300,6,missing account
X Corp,acme,6,2026-11-01T14:00:00Z,300,6,network fails the schema
x,acme,7,2026-11-01T15:00:00Z,-4,6,negative
x,acme,8,2026-11-01T16:00:00Z,50%,6,percentage as a count
x,acme,9,2026-11-01T17:00:00Z,900,1,fine
`

var badLines = []struct {
	line  int
	field string
	part  string
}{
	{3, "impressions", `"12a" is not a number`},
	{6, "published_at", `"yesterday" does not match the date format`},
	{7, "account", "empty"},
	{8, "", "/network"},
	{9, "impressions", "must not be negative"},
	{10, "impressions", "percentage"},
}

func TestBadRowsAllOrNothing(t *testing.T) {
	path := writeFile(t, "posts.csv", badCSV)
	rec := ingesttest.NewRecorder(t)
	rep, err := newImporter(t, rec).Import(context.Background(), path, Options{Spec: Generic(PostMetrics), Overrides: withObserved(Overrides{})})
	if !errors.Is(err, ErrInvalidRows) {
		t.Fatalf("err = %v, want ErrInvalidRows", err)
	}
	if len(rec.Envelopes()) != 0 || len(rec.Rejects()) != 0 {
		t.Fatalf("all-or-nothing published %d events and %d rejects", len(rec.Envelopes()), len(rec.Rejects()))
	}
	checkBadLines(t, rep.Rejected)
	if rep.Rows != 3 {
		t.Errorf("good rows = %d, want 3", rep.Rows)
	}
	if msg := rep.Failure(); !strings.Contains(msg, "6 of 9 rows are invalid, so nothing was imported") || !strings.Contains(msg, "--skip-invalid") {
		t.Errorf("failure message: %s", msg)
	}
	var b strings.Builder
	rep.WriteRejected(&b, 2)
	if !strings.Contains(b.String(), "line 3: impressions (column \"impressions\"): \"12a\" is not a number") || !strings.Contains(b.String(), "… and 4 more") {
		t.Errorf("report:\n%s", b.String())
	}
}

func TestBadRowsSkipInvalid(t *testing.T) {
	path := writeFile(t, "posts.csv", badCSV)
	rec := ingesttest.NewRecorder(t)
	rep, err := newImporter(t, rec).Import(context.Background(), path, Options{Spec: Generic(PostMetrics), Overrides: withObserved(Overrides{}), SkipInvalid: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Envelopes()) != 3 || rep.Published != 3 {
		t.Fatalf("published %d (report %d), want the 3 good rows", len(rec.Envelopes()), rep.Published)
	}
	checkBadLines(t, rep.Rejected)
	if len(rec.Rejects()) != len(badLines) {
		t.Fatalf("%d rows dead-lettered, want %d", len(rec.Rejects()), len(badLines))
	}
	for _, r := range rec.Rejects() {
		if r.Source != SourceName || r.Class != "invalid" || !strings.HasPrefix(r.Key, "posts.csv:") || len(r.Body) == 0 || r.Reason == "" {
			t.Errorf("reject %+v", r)
		}
		if r.Key == "posts.csv:3" && string(r.Body) != "x,acme,2,2026-11-01T11:00:00Z,12a,5,bad number" {
			t.Errorf("raw row of line 3 = %q", r.Body)
		}
	}
	if s := rep.Summary(); !strings.Contains(s, "imported 3 post metrics from posts.csv") || !strings.Contains(s, "6 rejected and sent to the dead-letter topic: --skip-invalid") {
		t.Errorf("summary: %s", s)
	}
}

func TestDryRunPublishesNothing(t *testing.T) {
	rep, err := newImporter(t, nil).Import(context.Background(), testdata("x_tweet_activity.csv"),
		Options{Spec: mustSpec(t, "x-tweets", PostMetrics, Config{}), DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Events != 3 || rep.Published != 0 || !strings.Contains(rep.Summary(), "checked 3 post metrics") {
		t.Errorf("report %+v: %s", rep, rep.Summary())
	}
}

func checkBadLines(t *testing.T, got []RowError) {
	t.Helper()
	if len(got) != len(badLines) {
		t.Fatalf("rejected %d rows, want %d: %v", len(got), len(badLines), got)
	}
	for i, want := range badLines {
		g := got[i]
		if g.Line != want.line || g.Field != want.field || !strings.Contains(g.Reason, want.part) {
			t.Errorf("rejected[%d] = %s (field %q), want line %d field %q saying %q", i, g.Error(), g.Field, want.line, want.field, want.part)
		}
	}
}

// TestReimportIsIdempotent imports the same files twice: the same ids,
// so the store's dedup counts each row once.
func TestReimportIsIdempotent(t *testing.T) {
	for _, tc := range []struct{ preset, file string }{
		{"facebook-posts", "facebook_posts.csv"}, {"ga4-conversions", "ga4_conversions.csv"}, {"google-ads", "google_ads_campaigns.csv"},
	} {
		t.Run(tc.preset, func(t *testing.T) {
			kind, _ := PresetDoc(tc.preset)
			// The second run keeps no event from its checking pass, so it
			// publishes from a second read of the file: both paths must
			// give the same events.
			var runs [2]map[string]event.Envelope
			for i := range runs {
				rec := ingesttest.NewRecorder(t)
				im := newImporter(t, rec)
				im.Now = func() time.Time { return observed.Add(time.Duration(i) * time.Hour) }
				if i == 1 {
					im.MaxKept = 1
				}
				if _, err := im.Import(context.Background(), testdata(tc.file), Options{Spec: mustSpec(t, tc.preset, kind, Config{}), Overrides: Overrides{Currency: "EUR"}}); err != nil {
					t.Fatal(err)
				}
				runs[i] = byID(t, rec)
			}
			if len(runs[0]) == 0 || len(runs[0]) != len(runs[1]) {
				t.Fatalf("runs have %d and %d ids", len(runs[0]), len(runs[1]))
			}
			for id := range runs[0] {
				if _, ok := runs[1][id]; !ok {
					t.Errorf("id %s not produced again", id)
				}
			}
		})
	}
}

// TestCustomMappingFromConfig reads a mapping the way the configuration
// loader would and imports a semicolon file with European numbers.
func TestCustomMappingFromConfig(t *testing.T) {
	yml := `
mappings:
  shop-orders:
    kind: conversions
    columns:
      id: Bestellnummer
      occurred_at: Datum
      value: Umsatz
      utm_source: Quelle
      utm_campaign: Kampagne
    values:
      type: purchase
      currency: eur
    date_format: DD.MM.YYYY HH:mm
    time_zone: Europe/Berlin
    decimal: ","
    skip_prefixes: [Summe]
`
	cfgPath := writeFile(t, "earshot.yaml", yml)
	k := koanf.New(".")
	if err := k.Load(file.Provider(cfgPath), yaml.Parser()); err != nil {
		t.Fatal(err)
	}
	var c Config
	if err := k.UnmarshalWithConf("", &c, koanf.UnmarshalConf{DecoderConfig: &mapstructure.DecoderConfig{ErrorUnused: true, WeaklyTypedInput: true, Result: &c}}); err != nil {
		t.Fatal(err)
	}
	if ps := c.Validate(); len(ps) > 0 {
		t.Fatalf("problems: %+v", ps)
	}
	csv := "Bestellnummer;Datum;Umsatz;Quelle;Kampagne\nA-1001;03.11.2026 10:15;1.234,50 €;instagram;winter\nA-1002;03.11.2026 23:30;19,99;newsletter;\nSumme;;1.254,49;;\n"
	path := writeFile(t, "orders.csv", csv)
	rec := ingesttest.NewRecorder(t)
	rep, err := newImporter(t, rec).Import(context.Background(), path, Options{Spec: mustSpec(t, "shop-orders", Conversions, c)})
	if err != nil {
		t.Fatalf("%v: %v", err, rep.Rejected)
	}
	if len(rec.Envelopes()) != 2 || rep.Skipped != 1 {
		t.Fatalf("published %d, skipped %d; want 2 and 1", len(rec.Envelopes()), rep.Skipped)
	}
	var cv event.Conversion
	rec.Envelopes()[0].Decode(&cv)
	if rec.Envelopes()[1].ID < rec.Envelopes()[0].ID {
		rec.Envelopes()[1].Decode(&cv)
	}
	for _, env := range rec.Envelopes() {
		var x event.Conversion
		env.Decode(&x)
		if x.Value == 1234.5 {
			cv = x
		}
	}
	if cv.Value != 1234.5 || cv.Currency != "EUR" || cv.Type != "purchase" || !cv.OccurredAt.Equal(date("2026-11-03T09:15:00Z")) || cv.UTMCampaign != "winter" {
		t.Errorf("got %+v", cv)
	}
}

func TestMappingProblems(t *testing.T) {
	tests := []struct {
		m    Mapping
		part string
	}{
		{Mapping{Kind: "tweets"}, "unknown kind"},
		{Mapping{Kind: "audience", Columns: map[string]string{"followers": "Followers", "likes": "Likes"}}, "likes is no field of audience"},
		{Mapping{Kind: "audience", Columns: map[string]string{"followers": "Followers"}}, "network has no column and no value"},
		{Mapping{Kind: "audience", Columns: map[string]string{"followers": "F", "network": "N", "account": "A"}, DateFormat: "DD/MM"}, "no year"},
		{Mapping{Kind: "audience", Columns: map[string]string{"followers": "F", "network": "N", "account": "A"}, TimeZone: "Mars/Olympus"}, "time_zone"},
		{Mapping{Kind: "audience", Columns: map[string]string{"followers": "F", "network": "N", "account": "A"}, Delimiter: "::"}, "delimiter"},
	}
	for _, tc := range tests {
		ps := Config{Mappings: map[string]Mapping{"m": tc.m}}.Validate()
		if len(ps) != 1 || !strings.Contains(ps[0].Fix, tc.part) {
			t.Errorf("%+v: problems %+v, want one saying %q", tc.m, ps, tc.part)
		}
	}
	if ps := (Config{Mappings: map[string]Mapping{"Bad Name": {Kind: "audience", Values: map[string]string{"network": "x", "account": "a", "followers": "1"}}}}).Validate(); len(ps) != 1 {
		t.Errorf("bad name: %+v", ps)
	}
}

// TestHeaderErrors names what is missing and how to fix it.
func TestHeaderErrors(t *testing.T) {
	for _, tc := range []struct {
		preset, content string
		kind            Kind
		part            string
	}{
		{"facebook-posts", "Post ID,Permalink\n1,http://x\n", PostMetrics, `published_at (a column named "publish time")`},
		{"linkedin-updates", "Post title,Post link,Created date\na,b,11/02/2026\n", PostMetrics, "account (this file has no account column: pass --account)"},
		{"", "", Audience, "file is empty"},
	} {
		path := writeFile(t, "f.csv", tc.content)
		_, err := newImporter(t, ingesttest.NewRecorder(t)).Import(context.Background(), path, Options{Spec: mustSpec(t, tc.preset, tc.kind, Config{}), Overrides: withObserved(Overrides{})})
		if err == nil || !strings.Contains(err.Error(), tc.part) {
			t.Errorf("%s: err %v, want it to say %q", tc.preset, err, tc.part)
		}
	}
	if _, err := Resolve("google-ads", PostMetrics, Config{}); err == nil || !strings.Contains(err.Error(), "--kind ad-spend") {
		t.Errorf("kind mismatch: %v", err)
	}
	if _, err := Resolve("tiktok", PostMetrics, Config{}); err == nil || !strings.Contains(err.Error(), "facebook-posts") {
		t.Errorf("unknown preset: %v", err)
	}
}

// TestJSONL imports envelopes, bare payloads and mapped flat objects.
func TestJSONL(t *testing.T) {
	env, _ := event.Wrap(event.SchemaAudience, "crm:acme-2026-11-01", "crm", observed, event.AudienceSnapshot{Network: "x", Account: "acme", Followers: 5, ObservedAt: observed})
	envLine, _ := env.Encode()
	content := string(envLine) + "\n\n" +
		`{"network":"instagram","account":"acmehq","followers":10450,"observed_at":"2026-11-01T00:00:00Z"}` + "\n" +
		`{"id":"snap-7","network":"linkedin","account":"acme-inc","followers":"3100","observed_at":"2026-11-01T00:00:00Z"}` + "\n" +
		`{"network":"instagram","account":"acmehq","followers":-1,"observed_at":"2026-11-02T00:00:00Z"}` + "\n" +
		"not json\n"
	path := writeFile(t, "audience.jsonl", content)
	rec := ingesttest.NewRecorder(t)
	rep, err := newImporter(t, rec).Import(context.Background(), path, Options{Spec: Generic(Audience), SkipInvalid: true})
	if err != nil {
		t.Fatal(err)
	}
	ids := byID(t, rec)
	if len(ids) != 2 || rep.Published != 2 {
		t.Fatalf("published %v", ids)
	}
	if _, ok := ids["crm:acme-2026-11-01"]; !ok {
		t.Error("envelope id not kept")
	}
	// "followers":"3100" is a string: the schema refuses it, as it would
	// from any sender.
	if len(rep.Rejected) != 3 || rep.Rejected[0].Line != 4 || rep.Rejected[1].Line != 5 || rep.Rejected[2].Line != 6 {
		t.Errorf("rejected %v, want lines 4, 5, 6", rep.Rejected)
	}

	mapped := writeFile(t, "export.jsonl", `{"Page":"acme","Fans":"1,204","Day":"2026-11-01"}`+"\n")
	spec := mustSpec(t, "fans", Audience, Config{Mappings: map[string]Mapping{"fans": {Kind: "audience",
		Columns: map[string]string{"account": "Page", "followers": "Fans", "observed_at": "Day"}, Values: map[string]string{"network": "facebook"}}}})
	rec = ingesttest.NewRecorder(t)
	if _, err := newImporter(t, rec).Import(context.Background(), mapped, Options{Spec: spec}); err != nil {
		t.Fatal(err)
	}
	var a event.AudienceSnapshot
	if len(rec.Envelopes()) != 1 || rec.Envelopes()[0].Decode(&a) != nil || a.Followers != 1204 || a.Network != "facebook" || !a.ObservedAt.Equal(date("2026-11-01T00:00:00Z")) {
		t.Errorf("mapped JSONL: %+v", a)
	}
}

// TestUTF16TabExport reads Google Ads' "CSV (Excel)" download: UTF-16
// with tabs.
func TestUTF16TabExport(t *testing.T) {
	src, err := os.ReadFile(testdata("google_ads_campaigns.csv"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(src), ",", "\t")
	text = strings.ReplaceAll(text, "\"3\t412\"", "3412") // undo what the comma swap did inside quotes
	text = strings.ReplaceAll(text, "\"3\t980\"", "3980")
	text = strings.ReplaceAll(text, "\"8\t294\"", "8294")
	text = strings.ReplaceAll(text, "\"November 1\t 2026 - November 2\t 2026\"", "November 1 2026 - November 2 2026")
	utf16 := []byte{0xff, 0xfe}
	for _, r := range text {
		utf16 = append(utf16, byte(r), byte(r>>8))
	}
	path := filepath.Join(t.TempDir(), "campaigns.csv")
	os.WriteFile(path, utf16, 0o644)
	rec := ingesttest.NewRecorder(t)
	rep, err := newImporter(t, rec).Import(context.Background(), path, Options{Spec: mustSpec(t, "google-ads", AdSpend, Config{})})
	if err != nil {
		t.Fatalf("%v %v", err, rep.Rejected)
	}
	if rep.Published != 4 || rep.Skipped != 2 {
		t.Errorf("report %+v", rep)
	}
}

func TestParseNumbers(t *testing.T) {
	counts := []struct {
		in   string
		dec  byte
		want uint64
		err  bool
	}{
		{"1,234", '.', 1234, false}, {"1.234", ',', 1234, false}, {" 12 ", '.', 12, false}, {"12.0", '.', 12, false},
		{"1 234", '.', 1234, false}, {"1'234'567", '.', 1234567, false}, {"+7", '.', 7, false}, {"1e3", '.', 1000, false},
		{"12.5", '.', 0, true}, {"-3", '.', 0, true}, {"1,23", '.', 0, true}, {"1,2345", '.', 0, true}, {"abc", '.', 0, true},
		{"5%", '.', 0, true}, {"", '.', 0, true}, {"1e30", '.', 0, true},
	}
	for _, tc := range counts {
		got, err := parseCount(tc.in, tc.dec)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("parseCount(%q, %c) = %d, %v", tc.in, tc.dec, got, err)
		}
	}
	amounts := []struct {
		in   string
		dec  byte
		want float64
		err  bool
	}{
		{"$1,234.56", '.', 1234.56, false}, {"1.234,56 €", ',', 1234.56, false}, {"12.5%", '.', 0.125, false}, {"-3.5", '.', -3.5, false},
		{"€ 0,99", ',', 0.99, false}, {"1.2.3", '.', 0, true}, {"NaN", '.', 0, true}, {"Inf", '.', 0, true}, {"12-3", '.', 0, true},
	}
	for _, tc := range amounts {
		got, err := parseAmount(tc.in, tc.dec)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("parseAmount(%q, %c) = %v, %v", tc.in, tc.dec, got, err)
		}
	}
}

func TestLayout(t *testing.T) {
	for in, want := range map[string]string{
		"YYYY-MM-DD": "2006-01-02", "MM/DD/YYYY HH:mm": "01/02/2006 15:04", "DD.MM.YYYY": "02.01.2006",
		"D MMM YYYY": "2 Jan 2006", "YYYY-MM-DDTHH:mm:ssZ": "2006-01-02T15:04:05-07:00", "2006-01-02": "2006-01-02",
		"M/D/YY h:mm A": "1/2/06 3:04 PM",
	} {
		got, err := Layout(in)
		if err != nil || got != want {
			t.Errorf("Layout(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "DD/MM", "YYYY-MM-DD q", "YYYY 7"} {
		if _, err := Layout(bad); err == nil {
			t.Errorf("Layout(%q) accepted", bad)
		}
	}
}

// TestMentionsCSV imports reviews in the generic layout, and an --account
// override beats what a preset would derive.
func TestMentionsCSV(t *testing.T) {
	path := writeFile(t, "reviews.csv", "network,native_id,kind,author_id,author_name,text,created_at,rating,likes\n"+
		"appstore,r-1,Review,u-9,Kim,\"Great app, crashes on login though\",2026-11-02 08:00:00,3.5,4\n")
	rec := ingesttest.NewRecorder(t)
	if _, err := newImporter(t, rec).Import(context.Background(), path, Options{Spec: Generic(Mentions)}); err != nil {
		t.Fatal(err)
	}
	var m event.Mention
	if len(rec.Envelopes()) != 1 || rec.Envelopes()[0].Decode(&m) != nil {
		t.Fatalf("published %d", len(rec.Envelopes()))
	}
	if m.Kind != event.KindReview || m.Rating == nil || *m.Rating != 3.5 || m.Likes != 4 || m.Author.Name != "Kim" || !m.CreatedAt.Equal(date("2026-11-02T08:00:00Z")) {
		t.Errorf("got %+v", m)
	}

	rec = ingesttest.NewRecorder(t)
	if _, err := newImporter(t, rec).Import(context.Background(), testdata("x_tweet_activity.csv"),
		Options{Spec: mustSpec(t, "x-tweets", PostMetrics, Config{}), Overrides: Overrides{Account: "acme-global"}}); err != nil {
		t.Fatal(err)
	}
	if pm := postMetrics(t, rec.Envelopes(), "1853000000000000002"); pm.Account != "acme-global" {
		t.Errorf("account %q, want the --account override", pm.Account)
	}
}
