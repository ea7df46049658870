package enrich

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/earshot-dev/earshot/enrich/sentiment/eval"
	"github.com/earshot-dev/earshot/event"
)

var sentimentBrands = []BrandQuery{
	{Name: "Acme", Role: event.RoleOwn, Keywords: []string{"acme"}},
	{Name: "Globex", Role: event.RoleCompetitor, Keywords: []string{"globex"}},
	{Name: "Zentro", Role: event.RoleCompetitor, Query: "zentro AND phone"},
}

func mustScorer(t testing.TB) Scorer {
	t.Helper()
	sc, err := NewScorer()
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// sentimentDoc runs match and sentiment on one text.
func sentimentDoc(t testing.TB, step SentimentStep, match *MatchStep, lang, text string) *Doc {
	t.Helper()
	d := NewDoc("test:1", "test", event.Mention{Text: text})
	d.Out.Lang = lang
	if err := match.Apply(d); err != nil {
		t.Fatal(err)
	}
	if err := step.Apply(d); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestSentimentPerBrand(t *testing.T) {
	match := mustBrands(t, sentimentBrands...)
	step := SentimentStep{Scorer: mustScorer(t), Match: match}
	tests := []struct {
		name, lang, text string
		want             map[string]string // brand → label; "overall" = same score as the mention
	}{
		{"praise one, attack the other", "en", "I love my Acme phone. Globex support is terrible 😡",
			map[string]string{"Acme": event.Positive, "Globex": event.Negative}},
		{"emoji closes the sentence", "en", "Globex lost my parcel again 🤬 Acme delivered in a day, great service!",
			map[string]string{"Acme": event.Positive, "Globex": event.Negative}},
		{"indonesian", "id", "Acme mantap banget, pengiriman cepet!\nGlobex lemot parah, nyesel.",
			map[string]string{"Acme": event.Positive, "Globex": event.Negative}},
		{"neutral brand beside an angry one", "en", "Globex opens a store in Bandung. Acme support is awful.",
			map[string]string{"Acme": event.Negative, "Globex": event.Neutral}},
		{"both in one sentence", "en", "Acme is much better than Globex. Love it.",
			map[string]string{"Acme": event.Positive, "Globex": event.Positive}},
		{"one brand keeps the overall score", "en", "Acme is great. Shipping was awful.",
			map[string]string{"Acme": "overall"}},
		{"query across sentences keeps the overall score", "en", "Zentro launched today. The phone is awful. Acme is great!",
			map[string]string{"Zentro": "overall", "Acme": event.Positive}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := sentimentDoc(t, step, match, tt.lang, tt.text)
			if len(d.Out.Brands) != len(tt.want) {
				t.Fatalf("brands %+v, want %v", d.Out.Brands, tt.want)
			}
			for _, b := range d.Out.Brands {
				if b.Sentiment == nil {
					t.Fatalf("%s: no sentiment", b.Name)
				}
				want := tt.want[b.Name]
				if want == "overall" {
					if *b.Sentiment != d.Out.Sentiment {
						t.Errorf("%s: %+v, want the overall %+v", b.Name, *b.Sentiment, d.Out.Sentiment)
					}
					continue
				}
				if b.Sentiment.Label != want {
					t.Errorf("%s: %+v, want %s (overall %+v)", b.Name, *b.Sentiment, want, d.Out.Sentiment)
				}
			}
		})
	}
	// Each brand holds its own copy of the score.
	d := sentimentDoc(t, step, match, "en", "Acme and Globex are fine")
	if d.Out.Brands[0].Sentiment == d.Out.Brands[1].Sentiment {
		t.Error("brands share one Sentiment")
	}
}

func TestSentimentWithoutMatch(t *testing.T) {
	match := mustBrands(t, sentimentBrands...)
	step := SentimentStep{Scorer: mustScorer(t)} // no match step: overall for all
	d := sentimentDoc(t, step, match, "en", "I love Acme. Globex is terrible.")
	for _, b := range d.Out.Brands {
		if b.Sentiment == nil || *b.Sentiment != d.Out.Sentiment {
			t.Errorf("%s: %+v, want overall %+v", b.Name, b.Sentiment, d.Out.Sentiment)
		}
	}
	d = sentimentDoc(t, SentimentStep{Scorer: mustScorer(t), Match: match}, match, "id", "Barangnya bagus banget")
	if len(d.Out.Brands) != 0 || d.Out.Sentiment.Label != event.Positive {
		t.Errorf("no brands: %+v %+v", d.Out.Brands, d.Out.Sentiment)
	}
}

func TestBuildSentiment(t *testing.T) {
	c := DefaultConfig()
	steps, err := c.Build(sentimentBrands)
	if err != nil {
		t.Fatal(err)
	}
	var match *MatchStep
	var sent *SentimentStep
	for _, s := range steps {
		switch s := s.(type) {
		case *MatchStep:
			match = s
		case SentimentStep:
			sent = &s
		}
	}
	if match == nil || sent == nil || sent.Match != match {
		t.Fatalf("sentiment step %+v not wired to match step %p", sent, match)
	}
	if _, ok := sent.Scorer.(*Vader); ok {
		t.Error("default scorer is the govader baseline")
	}
	// Sentiment listed before match: no per-brand matching, still builds.
	c.Steps = []string{StepLang, StepSentiment, StepMatch}
	steps, err = c.Build(sentimentBrands)
	if err != nil {
		t.Fatal(err)
	}
	if s := steps[1].(SentimentStep); s.Match != nil {
		t.Error("sentiment before match got a match step")
	}
}

// TestSentimentDevSetsThroughStep runs the dev sets through the step the
// enricher uses, so the wiring (language routing) is what is measured.
func TestSentimentDevSetsThroughStep(t *testing.T) {
	step := SentimentStep{Scorer: mustScorer(t)}
	for _, tt := range []struct {
		lang  string
		floor float64
	}{{"en", 0.77}, {"id", 0.85}} {
		f, err := os.Open(filepath.Join("testdata", "sentiment", tt.lang+".tsv"))
		if err != nil {
			t.Fatal(err)
		}
		exs, err := eval.ParseTSV(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		rep, _ := eval.Run(exs, func(s string) string {
			d := NewDoc("t:1", "t", event.Mention{Text: s})
			d.Out.Lang = tt.lang
			_ = step.Apply(d)
			return d.Out.Sentiment.Label
		})
		if rep.Accuracy < tt.floor {
			t.Errorf("%s: accuracy %.3f under %.2f", tt.lang, rep.Accuracy, tt.floor)
		}
	}
}

// BenchmarkSentimentStep measures the step on the dev-set posts with no
// brand, one brand and two brands in separate sentences (the slow path:
// sentences are split and matched). Run with -cpu 1.
func BenchmarkSentimentStep(b *testing.B) {
	match := mustBrands(b, sentimentBrands...)
	step := SentimentStep{Scorer: mustScorer(b), Match: match}
	var texts, langs []string
	for _, lang := range []string{"en", "id"} {
		f, err := os.Open(filepath.Join("testdata", "sentiment", lang+".tsv"))
		if err != nil {
			b.Fatal(err)
		}
		exs, err := eval.ParseTSV(f)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		for _, ex := range exs {
			texts, langs = append(texts, ex.Text), append(langs, lang)
		}
	}
	for _, bc := range []struct {
		name   string
		suffix string
	}{{"brands=0", ""}, {"brands=1", " Acme."}, {"brands=2", " Acme is ok. Globex is not."}} {
		b.Run(bc.name, func(b *testing.B) {
			docs := make([]*Doc, len(texts))
			for i := range texts {
				d := NewDoc("t:1", "t", event.Mention{Text: texts[i] + bc.suffix})
				d.Out.Lang = langs[i]
				if err := match.Apply(d); err != nil {
					b.Fatal(err)
				}
				docs[i] = d
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if err := step.Apply(docs[i%len(docs)]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "mentions/s")
		})
	}
}
