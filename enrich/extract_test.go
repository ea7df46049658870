package enrich

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/earshot-dev/earshot/event"
)

func mustExtract(t testing.TB) *ExtractStep {
	t.Helper()
	s, err := NewExtractStep()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func extracted(t testing.TB, s *ExtractStep, lang, text string) event.EnrichedMention {
	t.Helper()
	d := NewDoc("t:1", "t", event.Mention{Text: text})
	d.Out.Lang = lang
	if err := s.Apply(d); err != nil {
		t.Fatal(err)
	}
	return d.Out
}

func TestExtractTags(t *testing.T) {
	s := mustExtract(t)
	tests := []struct {
		text     string
		hashtags []string
		handles  []string
	}{
		{"Love #Acme and #acme and #ACMELove", []string{"acme", "acmelove"}, nil},
		{"#kopi_susu #KopiSusu #1 #2024", []string{"kopi_susu", "kopisusu"}, nil}, // digits only are no tags
		{"#café #Ñandú #日本", []string{"café", "ñandú", "日本"}, nil},
		{"C# and F# are languages; x#y is not a tag", nil, nil},
		{"@AcmeHQ @acmehq thanks", nil, []string{"acmehq"}},
		{"cc @alice.bsky.social, @bob-smith.bsky.social.", nil, []string{"alice.bsky.social", "bob-smith.bsky.social"}},
		{"ping @carol@mastodon.social and @dave.", nil, []string{"carol@mastodon.social", "dave"}},
		{"mail me at bob@example.com", nil, nil},
		{"@ alone, @@ and @_", nil, []string{"_"}},
		{"#️⃣ is a keycap, not a tag", nil, nil},
	}
	for _, tt := range tests {
		out := extracted(t, s, "en", tt.text)
		if !reflect.DeepEqual(out.Hashtags, tt.hashtags) || !reflect.DeepEqual(out.Handles, tt.handles) {
			t.Errorf("%q: hashtags %q handles %q, want %q %q", tt.text, out.Hashtags, out.Handles, tt.hashtags, tt.handles)
		}
	}
}

func TestExtractLinks(t *testing.T) {
	s := mustExtract(t)
	tests := []struct {
		text  string
		links []event.Link
	}{
		{"see https://Shop.Acme.com/x?utm_source=twitter&utm_medium=social&utm_campaign=bf24.",
			[]event.Link{{URL: "https://Shop.Acme.com/x?utm_source=twitter&utm_medium=social&utm_campaign=bf24",
				Domain: "shop.acme.com", UTMSource: "twitter", UTMMedium: "social", UTMCampaign: "bf24"}}},
		{"(via www.acme.co.id/promo) and http://www.acme.com:8080/a",
			[]event.Link{{URL: "www.acme.co.id/promo", Domain: "acme.co.id"}, {URL: "http://www.acme.com:8080/a", Domain: "acme.com"}}},
		{"wiki https://en.wikipedia.org/wiki/Acme_(company) rocks",
			[]event.Link{{URL: "https://en.wikipedia.org/wiki/Acme_(company)", Domain: "en.wikipedia.org"}}},
		{"dup https://a.io https://a.io!", []event.Link{{URL: "https://a.io", Domain: "a.io"}}},
		{"emoji after https://acme.com/🔥", []event.Link{{URL: "https://acme.com/", Domain: "acme.com"}}},
		{"user https://u:p@acme.com/x", []event.Link{{URL: "https://u:p@acme.com/x", Domain: "acme.com"}}},
		{"not links: http:// www. https://nodot wwwacme.com", nil},
		{"UTM=%zz https://a.io/?utm_source=%zz&utm_medium=m", []event.Link{{URL: "https://a.io/?utm_source=%zz&utm_medium=m", Domain: "a.io", UTMMedium: "m"}}},
	}
	for _, tt := range tests {
		out := extracted(t, s, "en", tt.text)
		if !reflect.DeepEqual(out.Links, tt.links) {
			t.Errorf("%q:\n got %+v\nwant %+v", tt.text, out.Links, tt.links)
		}
	}
}

func TestExtractEmojis(t *testing.T) {
	s := mustExtract(t)
	tests := []struct {
		text   string
		emojis []string
	}{
		{"love it 😍😍🔥", []string{"😍", "🔥"}},
		{"family 👨‍👩‍👧‍👦 and thumbs 👍🏽 👍", []string{"👨‍👩‍👧‍👦", "👍🏽", "👍"}},
		{"flags 🇮🇩🇺🇸", []string{"🇮🇩", "🇺🇸"}},
		{"heart ❤️ and plain ❤ differ", []string{"❤️", "❤"}},
		{"keycap 1️⃣ #️⃣", []string{"1️⃣", "#️⃣"}},
		{"scotland 🏴󠁧󠁢󠁳󠁣󠁴󠁿", []string{"🏴󠁧󠁢󠁳󠁣󠁴󠁿"}},
		{"text symbols © ™ ↔ stay text, ™️ does not", []string{"™️"}},
		{"no emoji: é ü 日本 ❶", nil},
	}
	for _, tt := range tests {
		out := extracted(t, s, "en", tt.text)
		if !reflect.DeepEqual(out.Emojis, tt.emojis) {
			t.Errorf("%q: emojis %q, want %q", tt.text, out.Emojis, tt.emojis)
		}
	}
}

func TestExtractKeywords(t *testing.T) {
	s := mustExtract(t)
	tests := []struct {
		lang, text string
		want       []string
	}{
		{"en", "The battery of the Acme phone is great. Battery life beats Globex, battery!", []string{"battery", "acme", "phone", "great", "life"}},
		{"id", "Kopi susu acme enak banget, kopinya wangi dan susu nya pas. Kopi terbaik!", []string{"kopi", "susu", "acme", "enak", "kopinya"}},
		{"en", "I'm at #acme with @bob https://acme.com/shop 2024 3pm 100k", []string{}},
		{"en", "wkwkwk hahaha hehe lol acme", []string{"acme"}},
		{"es", "el café de acme es muy bueno para todos", []string{"café", "acme", "bueno"}},
		{"en", "Ünïcode ÜNÏCODE words", []string{"ünïcode", "words"}},
		{"en", "mail bob@example.com about pricing", []string{"mail", "pricing"}},
	}
	for _, tt := range tests {
		out := extracted(t, s, tt.lang, tt.text)
		got := out.Keywords
		if got == nil {
			got = []string{}
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s %q: keywords %q, want %q", tt.lang, tt.text, got, tt.want)
		}
	}
}

func TestExtractKeywordsLongText(t *testing.T) {
	// Enough distinct words to grow the scratch hash table several times.
	s := mustExtract(t)
	var b strings.Builder
	for i := range 3000 {
		b.WriteString("word")
		for n := i; n > 0; n /= 26 {
			b.WriteByte(byte('a' + n%26))
		}
		b.WriteByte(' ')
	}
	b.WriteString("zebra zebra zebra quokka quokka")
	out := extracted(t, s, "en", b.String())
	if len(out.Keywords) != maxKeywords || out.Keywords[0] != "zebra" || out.Keywords[1] != "quokka" || out.Keywords[2] != "word" {
		t.Fatalf("keywords %q", out.Keywords)
	}
	// The scratch is reused: a second, short document is not polluted.
	out = extracted(t, s, "en", "quokka")
	if !reflect.DeepEqual(out.Keywords, []string{"quokka"}) {
		t.Fatalf("after reuse: %q", out.Keywords)
	}
}

func TestLaughter(t *testing.T) {
	for w, want := range map[string]bool{"haha": true, "wkwkwk": true, "wkwkw": true, "hehehe": true, "hah": false, "hahah": true, "habit": false, "hahb": false} {
		if got := laughter([]byte(w)); got != want {
			t.Errorf("laughter(%q) = %v", w, got)
		}
	}
}

// checkExtracted asserts what the extractor promises for any text: every
// output is a substring of the text or of its lower-cased form, lists have
// no duplicates, and keywords are few.
func checkExtracted(t *testing.T, text string, out event.EnrichedMention) {
	lower := strings.ToLower(text)
	in := func(what, v string, hay string) {
		if v == "" || !strings.Contains(hay, v) {
			t.Fatalf("%s %q is not in the text %q", what, v, text)
		}
	}
	uniq := func(what string, vs []string) {
		seen := map[string]bool{}
		for _, v := range vs {
			if seen[v] {
				t.Fatalf("%s %q twice in %q", what, v, vs)
			}
			seen[v] = true
		}
	}
	for _, h := range out.Hashtags {
		in("hashtag", "#"+h, lower)
	}
	for _, h := range out.Handles {
		in("handle", "@"+h, lower)
	}
	for _, e := range out.Emojis {
		in("emoji", e, text)
	}
	for _, k := range out.Keywords {
		in("keyword", k, lower)
		if utf8.RuneCountInString(k) < minKeywordLen {
			t.Fatalf("keyword %q is too short", k)
		}
	}
	var urls []string
	for _, l := range out.Links {
		in("link", l.URL, text)
		in("domain", l.Domain, strings.ToLower(l.URL))
		urls = append(urls, l.URL)
	}
	uniq("hashtag", out.Hashtags)
	uniq("handle", out.Handles)
	uniq("emoji", out.Emojis)
	uniq("keyword", out.Keywords)
	uniq("link", urls)
	if len(out.Keywords) > maxKeywords {
		t.Fatalf("%d keywords", len(out.Keywords))
	}
}

func FuzzExtract(f *testing.F) {
	for _, seed := range []string{
		"Love #Acme @acmehq https://acme.com/x?utm_source=a 😍 👨‍👩‍👧‍👦 🇮🇩 1️⃣",
		"@alice.bsky.social @a@b.c bob@example.com www.acme.co.id/(x)",
		"kopi susu enak banget wkwkwk #kopi_susu",
		"#️⃣#️⃣ @.. #_ http://[::1]:80/ https://a.b/%zz?utm_campaign=%",
		"\xff\xfe#\xff @\xff https://\xff.com",
	} {
		f.Add(seed)
	}
	s := mustExtract(f)
	f.Fuzz(func(t *testing.T, text string) {
		d := NewDoc("f:1", "f", event.Mention{Text: text})
		d.Out.Lang = "en"
		if err := s.Apply(d); err != nil {
			t.Fatal(err)
		}
		checkExtracted(t, d.Text, d.Out)
	})
}

// mixedCorpus is a realistic mix of English and Indonesian posts for the
// benchmarks of the intent, extract and exclude steps.
func mixedCorpus(tb testing.TB) []event.Mention {
	tb.Helper()
	var ms []event.Mention
	for _, f := range []string{"en", "id"} {
		_, texts := labelled(tb, "testdata/intent/"+f+".tsv")
		for i, text := range texts {
			m := event.Mention{Text: text, Network: "x", Author: event.Author{Handle: "user" + f, ID: "id" + f}}
			switch i % 5 { // links, tags and emojis as social posts carry them
			case 0:
				m.Text += " https://shop.acme.com/p/123?utm_source=x&utm_medium=social&utm_campaign=bf #acme"
			case 1:
				m.Text += " 😍🔥 #AcmeLove @acmehq"
			case 2:
				m.URL, m.Site = "https://news.example.co.id/2026/11/acme", "news.example.co.id"
			}
			ms = append(ms, m)
		}
	}
	return ms
}

func BenchmarkExtract(b *testing.B) {
	s := mustExtract(b)
	ms := mixedCorpus(b)
	docs := make([]*Doc, len(ms))
	for i, m := range ms {
		docs[i] = NewDoc("b:1", "b", m)
	}
	b.ReportAllocs()
	cpu := procCPU()
	for i := 0; b.Loop(); i++ {
		d := docs[i%len(docs)]
		d.Out = event.EnrichedMention{Mention: d.Out.Mention, Lang: "en"}
		if err := s.Apply(d); err != nil {
			b.Fatal(err)
		}
	}
	reportStepCPU(b, cpu)
}

// TestE2StepsConcurrent runs the intent, extract and exclude steps from
// several goroutines on different documents, as the enricher does, and
// checks each result against a sequential run (go test -race checks the
// sharing).
func TestE2StepsConcurrent(t *testing.T) {
	in := mustIntent(t, []string{"recall*", `"data breach"`}, []string{"acmehq"})
	ex := mustExtract(t)
	xs := NewExcludeStep(Exclude{Authors: []string{"spambot"}, Domains: []string{"junk.io"}})
	steps := []Step{xs, in, ex}
	ms := mixedCorpus(t)
	run := func(m event.Mention) event.EnrichedMention {
		d := NewDoc("t:1", "t", m)
		d.Out.Lang = "en"
		for _, s := range steps {
			if err := s.Apply(d); err != nil {
				t.Error(err)
			}
		}
		return d.Out
	}
	want := make([]event.EnrichedMention, len(ms))
	for i, m := range ms {
		want[i] = run(m)
	}
	const workers = 4
	got := make([]event.EnrichedMention, len(ms))
	done := make(chan struct{})
	for w := range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := w; i < len(ms); i += workers {
				got[i] = run(ms[i])
			}
		}()
	}
	for range workers {
		<-done
	}
	for i := range ms {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("mention %d differs when run concurrently:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}
