package enrich

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/enrich/query"
	"github.com/earshot-dev/earshot/event"
)

func mustBrands(t testing.TB, qs ...BrandQuery) *MatchStep {
	t.Helper()
	m, err := NewMatchStep(qs, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// brandNames runs the match step on a query document.
func brandNames(m *MatchStep, qd query.Document) []string {
	d := &Doc{qdoc: query.NewDocument(qd)}
	_ = m.Apply(d)
	var got []string
	for _, b := range d.Out.Brands {
		got = append(got, b.Name)
	}
	return got
}

// enricher builds the default steps for brands, reading the language
// from the whitelist langs.
func enricher(t testing.TB, now func() time.Time, langs []string, brands ...BrandQuery) *Enricher {
	t.Helper()
	c := DefaultConfig()
	c.Languages = langs
	steps, err := c.Build(brands)
	if err != nil {
		t.Fatal(err)
	}
	return &Enricher{Steps: steps, Now: now}
}

func TestBrandKeywords(t *testing.T) {
	m := mustBrands(t,
		BrandQuery{Name: "Acme", Role: event.RoleOwn, Keywords: []string{"acme", "acme corp", "#acmelove", "@acmehq"}},
		BrandQuery{Name: "Umbrella", Role: event.RoleCompetitor, Keywords: []string{"umbrella corp", "#umbrellacorp"}},
		BrandQuery{Name: "Globex", Role: event.RoleCompetitor, Keywords: []string{"globex"}},
	)
	tests := []struct {
		text string
		want []string
	}{
		{"I love Acme!", []string{"Acme"}},
		{"ACME rocks", []string{"Acme"}},
		{"#acme is trending", []string{"Acme"}},                    // plain keyword matches its hashtag
		{"thanks @acme for the help", []string{"Acme"}},            // and its handle
		{"acmes are not acme-like", []string{"Acme"}},              // "acme-like" splits into acme + like
		{"acmecorp is one word", nil},                              // whole words only
		{"#acmelove forever", []string{"Acme"}},                    // hashtag keyword
		{"acmelove without hash", nil},                             // hashtag keyword needs the hash
		{"ping @AcmeHQ please", []string{"Acme"}},                  // handle, case-insensitive
		{"an umbrella in the rain", nil},                           // phrase needs both words
		{"Umbrella Corp is evil", []string{"Umbrella"}},            // phrase
		{"umbrella, corp", []string{"Umbrella"}},                   // punctuation between words is not a word
		{"Globex vs Acme: which one?", []string{"Acme", "Globex"}}, // config order
		{"", nil},
		{"#", nil},
		{"日本語 acme テキスト", []string{"Acme"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got := brandNames(m, query.Document{Text: tt.text})
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Match(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestLangDetector(t *testing.T) {
	d := NewLangDetector([]string{"en", "id"})
	tests := []struct {
		text, reported, want string
	}{
		{"anything at all", "DE", "de"}, // the source's word wins
		{"The delivery was fast and the support team answered every question I had", "", "en"},
		{"Pelayanan cepat banget dan barangnya sampai dengan selamat, terima kasih banyak", "", "id"},
		{"", "", ""},
	}
	for _, tt := range tests {
		if got := d.Detect(tt.text, tt.reported); got != tt.want {
			t.Errorf("Detect(%q, %q) = %q, want %q", tt.text, tt.reported, got, tt.want)
		}
	}
}

func TestVaderLabels(t *testing.T) {
	v := NewVader()
	tests := []struct {
		text, want string
	}{
		{"I love this, it is great!", event.Positive},
		{"This is terrible and I hate it.", event.Negative},
		{"The store opens at nine.", event.Neutral},
		{"Not good at all.", event.Negative},
	}
	for _, tt := range tests {
		got := v.Score(tt.text, "en")
		if got.Label != tt.want || got.Score < -1 || got.Score > 1 {
			t.Errorf("Score(%q) = %+v, want label %s", tt.text, got, tt.want)
		}
	}
}

func TestEnrich(t *testing.T) {
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	e := enricher(t, func() time.Time { return at }, []string{"en"}, BrandQuery{Name: "Acme", Role: event.RoleOwn, Keywords: []string{"acme"}})
	m := event.Mention{Network: "news", Title: "Acme recalls rockets", Text: "The recall is a disaster for customers.", Author: event.Author{ID: "a", Followers: 42}}
	got, err := e.Enrich("news:1", "news", m)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Brands) != 1 || got.Brands[0].Name != "Acme" {
		t.Errorf("brand in the title not matched: %+v", got.Brands)
	}
	if got.Reach != 42 || !got.EnrichedAt.Equal(at) || got.Sentiment.Label != event.Negative || got.Lang != "en" {
		t.Errorf("got %+v", got)
	}
	if got, _ := e.Enrich("x:1", "x", event.Mention{Text: "nothing here"}); got.Brands == nil {
		t.Error("no brands must be an empty list, not null, so the schema accepts it")
	}
}

func BenchmarkEnrich(b *testing.B) {
	e := enricher(b, time.Now, []string{"en", "id", "es", "pt", "fr", "de"},
		BrandQuery{Name: "Acme", Role: event.RoleOwn, Query: `(acme OR "acme corp" OR #acme OR @acmehq) AND NOT (hiring OR "job offer")`},
		BrandQuery{Name: "Globex", Role: event.RoleCompetitor, Keywords: []string{"globex", "#globex"}},
	)
	m := event.Mention{Text: "Worst customer service ever, Acme. Still waiting for my refund 😡 switching to Globex #fail", Author: event.Author{ID: "a"}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Enrich("x:1", "x", m); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "mentions/s")
}

// TestEnrichConcurrent runs one Enricher from several goroutines, as the
// stage does, so the race detector sees any shared mutable state.
func TestEnrichConcurrent(t *testing.T) {
	e := enricher(t, time.Now, []string{"en", "id"}, BrandQuery{Name: "Acme", Role: event.RoleOwn, Keywords: []string{"acme"}})
	texts := []string{"Acme is great", "Acme lambat banget, parah", "terrible acme support 😡", "no brand here"}
	done := make(chan struct{})
	for g := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 200 {
				got, err := e.Enrich("x:1", "x", event.Mention{Text: texts[(g+i)%len(texts)]})
				if err != nil {
					t.Error(err)
					return
				}
				if (got.Brands == nil) || (len(got.Brands) == 1) != ((g+i)%len(texts) != 3) {
					t.Errorf("unexpected brands %v for %q", got.Brands, texts[(g+i)%len(texts)])
					return
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
}

func TestBrandQueries(t *testing.T) {
	m := mustBrands(t,
		BrandQuery{Name: "Acme", Role: event.RoleOwn, Query: `(acme OR "acme corp") AND NOT (hiring OR "job offer") AND lang:(en OR id)`},
		BrandQuery{Name: "Globex", Role: event.RoleCompetitor, Keywords: []string{"globex"}},
	)
	tests := []struct {
		doc  query.Document
		want []string
	}{
		{query.Document{Text: "Acme is great", Lang: "en"}, []string{"Acme"}},
		{query.Document{Text: "Acme is hiring engineers", Lang: "en"}, nil},
		{query.Document{Text: "Acme keren banget", Lang: "id"}, []string{"Acme"}},
		{query.Document{Text: "Acme est super", Lang: "fr"}, nil},
		{query.Document{Text: "acme corp vs globex", Lang: "en"}, []string{"Acme", "Globex"}},
	}
	for _, tt := range tests {
		got := brandNames(m, tt.doc)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%+v: got %v, want %v", tt.doc, got, tt.want)
		}
	}
	if _, err := NewMatchStep([]BrandQuery{{Name: "Bad", Query: "(acme OR"}}, nil, nil); err == nil || !strings.Contains(err.Error(), "brand Bad") || !strings.Contains(err.Error(), "column") {
		t.Errorf("bad query error = %v", err)
	}
}
