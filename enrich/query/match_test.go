package query

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

func TestQueryTokenize(t *testing.T) {
	got := Tokenize("Loving #Acme's new café, @AcmeHQ! see https://acme.com/promo?x=1. coca-cola")
	var s []string
	for _, tk := range got {
		s = append(s, fmt.Sprintf("%d:%s/%s", tk.Kind, tk.Norm, tk.Orig))
	}
	want := []string{"0:loving/Loving", "1:acme/Acme", "0:s/s", "0:new/new", "0:cafe/café",
		"2:acmehq/AcmeHQ", "0:see/see", "3:https://acme.com/promo?x=1/https://acme.com/promo?x=1", "0:coca/coca", "0:cola/cola"}
	if !reflect.DeepEqual(s, want) {
		t.Fatalf("Tokenize =\n%v\nwant\n%v", s, want)
	}
}

func TestQueryMatch(t *testing.T) {
	doc := Document{
		Text:    "Just tried the new Acme Corp phone from @AcmeHQ, the battery is amazing! #AcmeLaunch Café in Jakarta sells it: https://acme.com/promo",
		Title:   "Acme launches a phone",
		Lang:    "en-US",
		Network: "Twitter",
		Source:  "twitter",
		Author:  "@JaneDoe",
		Site:    "https://blog.acme.co.id/post/1",
		Country: "ID",
		Rating:  4,
	}
	cases := []struct {
		q    string
		want bool
	}{
		{"acme", true},
		{"ACME", true},
		{"samsung", false},
		{"acme AND phone", true},
		{"acme phone", true},
		{"acme AND samsung", false},
		{"acme OR samsung", true},
		{"samsung OR nokia", false},
		{"NOT samsung", true},
		{"NOT acme", false},
		{"acme -samsung", true},
		{"acme -phone", false},
		{"samsung OR acme AND phone", true},
		{"(samsung OR acme) AND NOT battery", false},
		// phrases
		{`"acme corp"`, true},
		{`"corp acme"`, false},
		{`"acme phone"`, false},
		{`"new acme corp phone"`, true},
		{`"battery amazing"`, false},
		// proximity phrase: all words in any order within len+n tokens
		{`"acme phone"~1`, true},
		{`"phone acme"~1`, true},
		{`"acme battery"~3`, false},
		{`"acme battery"~7`, true},
		// NEAR/ONEAR: n tokens between
		{"new NEAR/0 acme", true},
		{"acme NEAR/0 new", true},
		{"acme ONEAR/0 new", false},
		{"new ONEAR/0 acme", true},
		{"acme NEAR/0 phone", false},
		{"acme NEAR/1 phone", true},
		{"phone ONEAR/1 acme", false},
		{"acme ONEAR/1 phone", true},
		{"acme NEAR/2 battery", false},
		{`"acme corp" NEAR/0 phone`, true},
		{`(nokia OR phone) NEAR/3 battery`, true},
		{"(new NEAR/0 acme) NEAR/1 phone", true},
		{"acme NEAR/3 acme", false}, // one occurrence is not near itself
		// wildcards
		{"acm*", true},
		{"bat*ry", true},
		{"phon?", true},
		{"phon??", false},
		{"jakart?", true},
		{"*mazing", true},
		{"samsu*", false},
		// hashtags and mentions
		{"#acmelaunch", true},
		{"acmelaunch", true},
		{"@acmelaunch", false},
		{"@acmehq", true},
		{"acmehq", true},
		{"#acmehq", false},
		{"#acme", false},
		{"#acme*", true},
		{"@acme*", true},
		// case-sensitive
		{"{Acme}", true},
		{"{ACME}", false},
		{"{acme}", false},
		{"{Acme Corp}", true},
		{"{AcmeHQ}", true},
		{"{@AcmeHQ}", true},
		{"{#AcmeHQ}", false},
		{"{Café}", true},
		{"{Cafe}", false},
		// accents
		{"cafe", true},
		{"café", true},
		{"CAFÉ", true},
		// URLs kept whole
		{`"https://acme.com/promo"`, true},
		{`"https://acme.com"`, false},
		{"promo", false},
		// field filters
		{"acme lang:en", true},
		{"acme lang:en-us", true},
		{"acme lang:id", false},
		{"acme lang:(id OR en)", true},
		{"acme lang:-en", false},
		{"acme network:twitter", true},
		{"acme network:facebook", false},
		{"acme source:twit*", true},
		{"acme author:janedoe", true},
		{"acme author:@JaneDoe", true},
		{"acme author:john", false},
		{"acme site:acme.co.id", true},
		{"acme site:blog.acme.co.id", true},
		{"acme site:co.id", true},
		{"acme site:me.co.id", false},
		{"acme site:*.co.id", true},
		{"acme country:id", true},
		{"acme country:us", false},
		{"title:launches", true},
		{"title:battery", false},
		{"title:acme ONEAR/0 title:launches", true},
		{`title:"a phone"`, true},
		{"title:{Acme}", true},
		{"rating:[1 TO 3]", false},
		{"rating:[3 TO 5]", true},
		{"rating:[4 TO 4]", true},
		{"rating:4", true},
		{"rating:[* TO 3.5]", false},
		{"rating:[4.5 TO *]", false},
		{"rating:[* TO *]", true},
	}
	for _, c := range cases {
		n, err := Parse(c.q)
		if err != nil {
			t.Fatalf("Parse(%q): %v", c.q, err)
		}
		d := doc
		if got := Eval(n, &d); got != c.want {
			t.Errorf("Eval(%s) = %v, want %v", c.q, got, c.want)
		}
		m, err := Compile(map[string]Node{"q": n})
		if err != nil {
			t.Fatal(err)
		}
		d = doc
		if got := len(m.Match(&d)) == 1; got != c.want {
			t.Errorf("Matcher(%s) = %v, want %v", c.q, got, c.want)
		}
	}
}

func TestQueryMatchNoRating(t *testing.T) {
	n, _ := Parse("rating:[* TO *]")
	if Eval(n, &Document{Text: "x"}) {
		t.Fatal("a document without a rating matched a rating filter")
	}
	n, _ = Parse("lang:en")
	if Eval(n, &Document{Text: "x"}) || !Eval(n, &Document{Lang: "EN"}) {
		t.Fatal("lang filter on empty/upper-case lang")
	}
}

func TestQueryMatcherManyNamed(t *testing.T) {
	named := map[string]Node{}
	for _, q := range []string{"acme", "NOT acme", "lang:id", "rating:[4 TO 5]", "samsung OR nokia", "acm*"} {
		n, err := Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		named[q] = n
	}
	m, err := Compile(named)
	if err != nil {
		t.Fatal(err)
	}
	got := m.Match(&Document{Text: "Acme rocks", Lang: "en", Rating: 5})
	want := []string{"acm*", "acme", "rating:[4 TO 5]"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Match = %v, want %v", got, want)
	}
	got = m.Match(&Document{Text: "Samsung bagus", Lang: "id"})
	want = []string{"NOT acme", "lang:id", "samsung OR nokia"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Match = %v, want %v", got, want)
	}
	if _, err := Compile(map[string]Node{"x": nil}); err == nil {
		t.Fatal("Compile accepted a nil query")
	}
}

// corpus generation shared by the agreement test and the benchmark.

var (
	brands   = []string{"acme", "globex", "initech", "umbrella", "hooli", "piedpiper", "soylent", "wonka", "stark", "wayne", "tokopedia", "gojek", "indomie", "telkomsel", "shopee", "grab", "traveloka", "bukalapak", "samsung", "xiaomi"}
	products = []string{"phone", "laptop", "noodles", "promo", "delivery", "app", "update", "battery", "camera", "signal", "paket", "kuota", "ongkir", "diskon", "driver"}
	enWords  = []string{"the", "new", "is", "really", "great", "terrible", "love", "hate", "my", "order", "arrived", "late", "customer", "service", "why", "does", "not", "work", "again", "thanks", "best", "worst", "price", "today", "job", "hiring", "offer", "review", "amazing", "broken"}
	idWords  = []string{"yang", "dan", "tidak", "banget", "sangat", "murah", "mahal", "pesanan", "saya", "belum", "sampai", "kenapa", "gak", "bisa", "mantap", "kecewa", "terima", "kasih", "cepat", "lambat", "harga", "hari", "ini", "lowongan", "kerja", "sudah", "pakai", "bagus", "jelek", "ribet"}
	langs    = []string{"en", "id", "en", "id", "es", ""}
	networks = []string{"twitter", "instagram", "facebook", "tiktok", "news", "playstore"}
)

func genPost(r *rand.Rand) Document {
	n := 8 + r.IntN(25)
	id := r.IntN(2) == 0
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		switch x := r.IntN(100); {
		case x < 8:
			w := brands[r.IntN(len(brands))]
			switch r.IntN(5) {
			case 0:
				w = "#" + w
			case 1:
				w = "@" + w
			case 2:
				w = strings.ToUpper(w[:1]) + w[1:]
			}
			b.WriteString(w)
		case x < 15:
			b.WriteString(products[r.IntN(len(products))])
		case x < 17:
			b.WriteString("café")
		case x < 18:
			b.WriteString("https://example.com/p/" + fmt.Sprint(r.IntN(100)))
		default:
			if id {
				b.WriteString(idWords[r.IntN(len(idWords))])
			} else {
				b.WriteString(enWords[r.IntN(len(enWords))])
			}
		}
		if r.IntN(10) == 0 {
			b.WriteString([]string{",", ".", "!", "?", "!!", " :)"}[r.IntN(6)])
		}
	}
	d := Document{Text: b.String(), Lang: langs[r.IntN(len(langs))], Network: networks[r.IntN(len(networks))],
		Author: fmt.Sprintf("user%d", r.IntN(50)), Site: []string{"", "detik.com", "news.kompas.com", "twitter.com"}[r.IntN(4)],
		Country: []string{"id", "us", "sg", ""}[r.IntN(4)]}
	if r.IntN(5) == 0 {
		d.Rating = float64(1 + r.IntN(5))
	}
	if r.IntN(8) == 0 {
		d.Title = brands[r.IntN(len(brands))] + " " + products[r.IntN(len(products))] + " review"
	}
	return d
}

// genQuery makes realistic brand/topic queries, plus some exotic ones.
func genQuery(r *rand.Rand, i int) string {
	b := brands[i%len(brands)]
	p := products[r.IntN(len(products))]
	p2 := products[r.IntN(len(products))]
	w := enWords[r.IntN(len(enWords))]
	v := idWords[r.IntN(len(idWords))]
	switch i % 10 {
	case 0:
		return fmt.Sprintf(`(%s OR #%s OR @%s) AND NOT (hiring OR lowongan OR "job offer")`, b, b, b)
	case 1:
		return fmt.Sprintf(`%s AND (%s OR %s) AND lang:(en OR id)`, b, p, p2)
	case 2:
		return fmt.Sprintf(`%s NEAR/3 (%s OR %s)`, b, w, v)
	case 3:
		return fmt.Sprintf(`"%s %s" OR "%s %s"~2`, w, p, b, p2)
	case 4:
		return fmt.Sprintf(`%s* AND %s -%s`, b[:3+r.IntN(2)], p, w)
	case 5:
		return fmt.Sprintf(`{%s%s} OR (%s ONEAR/2 %s)`, strings.ToUpper(b[:1]), b[1:], p, b)
	case 6:
		return fmt.Sprintf(`(%s OR %s) AND network:%s AND NOT author:user%d`, b, p, networks[r.IntN(len(networks))], r.IntN(50))
	case 7:
		return fmt.Sprintf(`title:%s OR (%s AND rating:[1 TO 2])`, b, b)
	case 8:
		return fmt.Sprintf(`caf? %s site:kompas.com`, v)
	default:
		if r.IntN(3) == 0 {
			return fmt.Sprintf(`NOT %s AND lang:es`, b)
		}
		return fmt.Sprintf(`(%s %s) OR (%s AND %s) country:id`, b, v, p, w)
	}
}

func genQueries(r *rand.Rand, n int) map[string]Node {
	named := map[string]Node{}
	for i := range n {
		q := genQuery(r, i)
		node, err := Parse(q)
		if err != nil {
			panic(fmt.Sprintf("%s: %v", q, err))
		}
		named[fmt.Sprintf("q%03d", i)] = node
	}
	return named
}

func TestQueryMatcherAgreesWithEval(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	named := genQueries(r, 200)
	m, err := Compile(named)
	if err != nil {
		t.Fatal(err)
	}
	matched := 0
	for range 2000 {
		d := genPost(r)
		got := m.Match(&d)
		var want []string
		for _, name := range m.Names() {
			if Eval(named[name], &d) {
				want = append(want, name)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("doc %+v\nmatcher %v\neval    %v", d, got, want)
		}
		matched += len(got)
	}
	if matched < 500 {
		t.Fatalf("only %d matches: the corpus does not exercise the queries", matched)
	}
}

func FuzzMatch(f *testing.F) {
	f.Add("acme NEAR/2 phone", "the new Acme phone #acme")
	f.Add(`"a b"~2 OR c*`, "b x a c")
	f.Add("{Café} -x", "Café x")
	f.Add("title:x lang:en rating:[1 TO 3]", "")
	f.Fuzz(func(t *testing.T, q, text string) {
		n, err := Parse(q)
		if err != nil {
			return
		}
		d := Document{Text: text, Title: text, Lang: "en", Rating: 2}
		want := Eval(n, &d)
		m, err := Compile(map[string]Node{"q": n, "other": &Term{Text: "x"}})
		if err != nil {
			t.Fatal(err)
		}
		got := false
		for _, name := range m.Match(&d) {
			got = got || name == "q"
		}
		if got != want {
			t.Fatalf("query %s on %q: matcher %v, eval %v", n, text, got, want)
		}
	})
}

func BenchmarkMatch200(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	m, err := Compile(genQueries(r, 200))
	if err != nil {
		b.Fatal(err)
	}
	corpus := make([]Document, 4096)
	for i := range corpus {
		corpus[i] = genPost(r)
	}
	var out []string
	matches := 0
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	for i := 0; b.Loop(); i++ {
		d := corpus[i%len(corpus)] // a fresh copy: tokenization is measured
		out = m.MatchAppend(out[:0], &d)
		matches += len(out)
	}
	b.ReportMetric(float64(b.N)/(cpuTime()-start).Seconds(), "mentions/cpu-s")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "mentions/s")
	b.ReportMetric(float64(matches)/float64(b.N), "matches/mention")
}

func TestQueryFoldMatchesNFDReference(t *testing.T) {
	ref := func(s string) string {
		out, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), s)
		if err != nil {
			t.Fatal(err)
		}
		return strings.ToLower(out)
	}
	for _, s := range []string{"Café", "ÉLÈVE", "naïve", "São Paulo", "Ærø", "Straße", "İstanbul", "Đà Nẵng", "ñandú", "acme", "ACME"} {
		if got, want := fold(s), ref(s); got != want {
			t.Errorf("fold(%q) = %q, want %q", s, got, want)
		}
	}
}

func BenchmarkTokenize(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	corpus := make([]Document, 4096)
	for i := range corpus {
		corpus[i] = genPost(r)
	}
	b.ReportAllocs()
	start := cpuTime()
	for i := 0; b.Loop(); i++ {
		d := corpus[i%len(corpus)]
		d.Prepare()
	}
	b.ReportMetric(float64(b.N)/(cpuTime()-start).Seconds(), "mentions/cpu-s")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "mentions/s")
}

func TestQueryMatcherConcurrent(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	named := genQueries(r, 50)
	m, err := Compile(named)
	if err != nil {
		t.Fatal(err)
	}
	docs := make([]*Document, 200)
	want := make([][]string, len(docs))
	for i := range docs {
		docs[i] = NewDocument(genPost(r))
		want[i] = m.Match(docs[i])
	}
	done := make(chan error, 4)
	for range 4 {
		go func() {
			for i, d := range docs {
				if got := m.Match(d); !reflect.DeepEqual(got, want[i]) {
					done <- fmt.Errorf("doc %d: %v, want %v", i, got, want[i])
					return
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
