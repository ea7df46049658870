package enrich

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/event"
)

var intentBrands = []BrandQuery{
	{Name: "Acme", Role: event.RoleOwn, Query: "acme OR @acmehq OR @acmeid OR @acme"},
	{Name: "Globex", Role: event.RoleCompetitor, Query: "globex"},
}

// intentDoc runs match (and sentiment when scorer is set) and then the
// intent step on one text, the way the default pipeline does.
func intentDoc(t testing.TB, s *IntentStep, scorer Scorer, lang string, m event.Mention) *Doc {
	t.Helper()
	match, err := NewMatchStep(intentBrands, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := NewDoc("test:1", "test", m)
	d.Out.Lang = lang
	if err := match.Apply(d); err != nil {
		t.Fatal(err)
	}
	if scorer != nil {
		if err := (SentimentStep{Scorer: scorer}).Apply(d); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Apply(d); err != nil {
		t.Fatal(err)
	}
	return d
}

func mustIntent(t testing.TB, crisis, own []string) *IntentStep {
	t.Helper()
	s, err := NewIntentStep(crisis, own)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestIntentLabels(t *testing.T) {
	s := mustIntent(t, nil, nil)
	tests := []struct {
		text, want string
	}{
		{"@acmehq my order still hasn't arrived, this is ridiculous", event.IntentComplaint},
		{"why is my acme order still not here??", event.IntentComplaint}, // a complaint asked as a question
		{"@acme do you ship to Canada?", event.IntentQuestion},
		{"how do I reset my acme password", event.IntentQuestion}, // no '?' but a question start and cue
		{"where can I buy the acme x2?", event.IntentPurchase},    // purchase wins over question
		{"I love my new acme headphones", event.IntentPraise},
		{"thanks acme! when does the store open?", event.IntentQuestion},   // a question to answer despite thanks
		{"thanks acme! what's the price of the x2?", event.IntentPurchase}, // asking a price is wanting to buy
		{"acme prices went up again", event.IntentOther},                   // a price, not asked, is not
		{"Acme announces a new CEO", event.IntentOther},
		{"see https://acme.com/p?utm_source=x", event.IntentOther}, // a URL's '?' is no question
		{"paket acme belum sampai udah seminggu", event.IntentComplaint},
		{"min, kapan acme restock ukuran 42", event.IntentPurchase},
		{"min, kapan acme buka cabang di medan", event.IntentQuestion}, // Indonesian questions often lack '?'
		{"mantap acme, pengiriman cepat", event.IntentPraise},
		{"acme tidak puas sama sekali", event.IntentComplaint}, // negation turns praise around
		{"harga acme pro berapa ya?", event.IntentPurchase},
		{"acme ganti logo lagi", event.IntentOther},
		{"acme 😡😡", event.IntentComplaint},
		{"", event.IntentOther},
	}
	for _, tt := range tests {
		d := intentDoc(t, s, nil, "", event.Mention{Text: tt.text})
		if d.Out.Intent != tt.want {
			t.Errorf("%q: intent %s, want %s", tt.text, d.Out.Intent, tt.want)
		}
	}
}

func TestIntentCare(t *testing.T) {
	s := mustIntent(t, []string{`"data breach"`, "recall*", "bocor AND lang:id"}, []string{"@AcmeHQ", "acme.bsky.social", " 12345 "})
	tests := []struct {
		name      string
		m         event.Mention
		lang      string
		needs     bool
		own       bool
		crisis    []string
		wantLabel string
	}{
		{"complaint to own brand", event.Mention{Text: "@acmehq still waiting for my refund", Author: event.Author{Handle: "bob"}},
			"en", true, false, nil, event.IntentComplaint},
		{"question to own brand", event.Mention{Text: "@acme do you ship to Bali?", Author: event.Author{Handle: "ann"}},
			"en", true, false, nil, event.IntentQuestion},
		{"complaint about a competitor only", event.Mention{Text: "globex refund still not here, worst", Author: event.Author{Handle: "bob"}},
			"en", false, false, nil, event.IntentComplaint},
		{"praise needs no response", event.Mention{Text: "love acme", Author: event.Author{Handle: "bob"}},
			"en", false, false, nil, event.IntentPraise},
		{"own account's question", event.Mention{Text: "acme fans, what should we build next?", Author: event.Author{Handle: "AcmeHQ"}},
			"en", false, true, nil, event.IntentQuestion},
		{"own account by id", event.Mention{Text: "acme news", Author: event.Author{ID: "12345"}},
			"en", false, true, nil, event.IntentOther},
		{"own bluesky handle with @", event.Mention{Text: "acme update", Author: event.Author{Handle: "@Acme.Bsky.Social"}},
			"en", false, true, nil, event.IntentOther},
		{"crisis terms in configuration order", event.Mention{Text: "Acme recalls heaters after a data breach"},
			"en", false, false, []string{`"data breach"`, "recall*"}, event.IntentOther},
		{"crisis filtered by language", event.Mention{Text: "data acme bocor"},
			"id", true, false, []string{"bocor AND lang:id"}, event.IntentComplaint},
		{"crisis filter not met", event.Mention{Text: "data acme bocor"},
			"en", true, false, nil, event.IntentComplaint},
	}
	for _, tt := range tests {
		d := intentDoc(t, s, nil, tt.lang, tt.m)
		if d.Out.NeedsResponse != tt.needs || d.Out.OwnAuthor != tt.own || !reflect.DeepEqual(d.Out.Crisis, tt.crisis) || d.Out.Intent != tt.wantLabel {
			t.Errorf("%s: needs %v own %v crisis %q intent %s; want %v %v %q %s", tt.name,
				d.Out.NeedsResponse, d.Out.OwnAuthor, d.Out.Crisis, d.Out.Intent, tt.needs, tt.own, tt.crisis, tt.wantLabel)
		}
	}
}

func TestIntentUsesSentiment(t *testing.T) {
	s := mustIntent(t, nil, nil)
	// One weak cue ("slow") is not enough; with a negative sentiment it
	// is a complaint.
	text := "acme checkout is slow"
	d := NewDoc("t:1", "t", event.Mention{Text: text})
	if err := s.Apply(d); err != nil {
		t.Fatal(err)
	}
	if d.Out.Intent != event.IntentOther {
		t.Fatalf("without sentiment: %s, want other", d.Out.Intent)
	}
	d = NewDoc("t:1", "t", event.Mention{Text: text})
	d.Out.Sentiment = event.Sentiment{Score: -0.3, Label: event.Negative}
	if err := s.Apply(d); err != nil {
		t.Fatal(err)
	}
	if d.Out.Intent != event.IntentComplaint {
		t.Fatalf("with negative sentiment: %s, want complaint", d.Out.Intent)
	}
}

func TestIntentBadCrisis(t *testing.T) {
	_, err := NewIntentStep([]string{"ok", `"unclosed`}, nil)
	if err == nil || !strings.Contains(err.Error(), "enrich.crisis[1]") {
		t.Fatalf("error %v, want one naming enrich.crisis[1]", err)
	}
}

func TestIntentCuesParse(t *testing.T) {
	// Every cue must be a query of its own: an unquoted phrase would
	// silently become an AND of words.
	for _, g := range intentCues {
		for _, c := range g.Cues {
			if strings.Contains(c, " ") && !strings.HasPrefix(c, `"`) && !strings.Contains(c, " NEAR/") {
				t.Errorf("cue %s: quote phrases", c)
			}
		}
	}
	if _, err := NewIntentStep(nil, nil); err != nil {
		t.Fatal(err)
	}
}

func TestLeadingQuestion(t *testing.T) {
	tests := []struct {
		text string
		want float64
	}{
		{"how do I", whStartWeight},
		{"@acme @bob, What is this", whStartWeight},
		{"What's up", whStartWeight},
		{"Min, kapan restock", whStartWeight},
		{"hey @acme can you help", auxStartWeight},
		{"can't believe it", 0},
		{"I know what you did", 0},
		{"#acme why", whStartWeight},
		{"¿qué?", 0},
		{"", 0},
		{"supercalifragilisticexpialidocious", 0},
	}
	for _, tt := range tests {
		if got := leadingQuestion(tt.text); got != tt.want {
			t.Errorf("leadingQuestion(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// labelled reads a label<TAB>text file.
func labelled(t testing.TB, path string) (labels, texts []string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		label, text, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("%s:%d: want label<TAB>text", path, n)
		}
		labels, texts = append(labels, label), append(texts, text)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return labels, texts
}

// prScores is per-class precision and recall, and accuracy.
type prScores struct {
	accuracy          float64
	precision, recall map[string]float64
	report            string
}

func scoreLabels(want, got []string) prScores {
	classes := []string{event.IntentComplaint, event.IntentQuestion, event.IntentPraise, event.IntentPurchase, event.IntentOther}
	tp, fp, fn := map[string]int{}, map[string]int{}, map[string]int{}
	right := 0
	for i := range want {
		if want[i] == got[i] {
			tp[want[i]]++
			right++
		} else {
			fp[got[i]]++
			fn[want[i]]++
		}
	}
	s := prScores{accuracy: float64(right) / float64(len(want)), precision: map[string]float64{}, recall: map[string]float64{}}
	var b strings.Builder
	fmt.Fprintf(&b, "%-16s %9s %6s %4s\n", "class", "precision", "recall", "n")
	for _, c := range classes {
		if tp[c]+fp[c] > 0 {
			s.precision[c] = float64(tp[c]) / float64(tp[c]+fp[c])
		}
		if tp[c]+fn[c] > 0 {
			s.recall[c] = float64(tp[c]) / float64(tp[c]+fn[c])
		}
		fmt.Fprintf(&b, "%-16s %9.2f %6.2f %4d\n", c, s.precision[c], s.recall[c], tp[c]+fn[c])
	}
	fmt.Fprintf(&b, "accuracy %.3f over %d", s.accuracy, len(want))
	s.report = b.String()
	return s
}

// TestIntentLabelledSets measures the cue rules on the hand-labelled sets
// and guards floors a little below what they measure, so a cue change that
// costs accuracy fails here.
func TestIntentLabelledSets(t *testing.T) {
	s := mustIntent(t, nil, nil)
	scorer, err := NewScorer() // the default pipeline's sentiment
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		file, lang string
		scorer     Scorer
		min        int // labelled posts the file must hold
		// Floors: accuracy, and precision and recall of every class.
		acc, pr float64
	}{
		// The dev sets, which the cue tables were tuned on.
		{"en", "en", nil, 200, 0.85, 0.70},
		{"en", "en", scorer, 200, 0.87, 0.75},
		{"id", "id", nil, 200, 0.88, 0.75},
		{"id", "id", scorer, 200, 0.88, 0.75},
		// The held-out sets, written after the last change to the cues and
		// never tuned on: the honest numbers, much lower. Floors on
		// accuracy only, the classes have 8–10 posts each.
		{"en_holdout", "en", nil, 40, 0.60, 0},
		{"en_holdout", "en", scorer, 40, 0.65, 0},
		{"id_holdout", "id", nil, 40, 0.60, 0},
		{"id_holdout", "id", scorer, 40, 0.60, 0},
	}
	for _, tt := range tests {
		labels, texts := labelled(t, filepath.Join("testdata", "intent", tt.file+".tsv"))
		if len(labels) < tt.min {
			t.Fatalf("%s: %d labelled posts, want at least %d", tt.file, len(labels), tt.min)
		}
		got := make([]string, len(texts))
		for i, text := range texts {
			got[i] = intentDoc(t, s, tt.scorer, tt.lang, event.Mention{Text: text}).Out.Intent
			if testing.Verbose() && got[i] != labels[i] {
				t.Logf("%s: got %s want %s: %s", tt.file, got[i], labels[i], text)
			}
		}
		sc := scoreLabels(labels, got)
		name := tt.file + " cues only"
		if tt.scorer != nil {
			name = tt.file + " with sentiment"
		}
		t.Logf("%s:\n%s", name, sc.report)
		if sc.accuracy < tt.acc {
			t.Errorf("%s: accuracy %.3f below the floor %.2f", name, sc.accuracy, tt.acc)
		}
		for c, r := range sc.recall {
			if p := sc.precision[c]; p < tt.pr || r < tt.pr {
				t.Errorf("%s: %s precision %.2f recall %.2f, floor %.2f", name, c, p, r, tt.pr)
			}
		}
	}
}

// BenchmarkIntent measures the intent step alone on documents the match
// step already tokenized, as in the pipeline, with a few crisis queries.
func BenchmarkIntent(b *testing.B) {
	s := mustIntent(b, []string{`"data breach"`, "recall*", "lawsuit", `"food poisoning"`, "bocor", `"keracunan"`}, []string{"acmehq", "acmeid"})
	ms := mixedCorpus(b)
	docs := make([]*Doc, len(ms))
	for i, m := range ms {
		docs[i] = NewDoc("b:1", "b", m)
		docs[i].Out.Brands = []event.BrandMatch{{Name: "Acme", Role: event.RoleOwn}}
		docs[i].Out.Sentiment = event.Sentiment{Score: -0.4, Label: event.Negative}
		docs[i].Query()
	}
	b.ReportAllocs()
	cpu := procCPU()
	for i := 0; b.Loop(); i++ {
		d := docs[i%len(docs)]
		d.Out.Crisis = nil
		if err := s.Apply(d); err != nil {
			b.Fatal(err)
		}
	}
	reportStepCPU(b, cpu)
}

func FuzzIntent(f *testing.F) {
	for _, seed := range []string{"why is my acme order still not here??", "min, kapan restock", "Hi @acme how do I", "harga berapa？", "\xff?😡", "@@@ # ?x"} {
		f.Add(seed)
	}
	s := mustIntent(f, []string{`"data breach"`, "recall*"}, []string{"acmehq"})
	labels := map[string]bool{event.IntentComplaint: true, event.IntentQuestion: true, event.IntentPraise: true, event.IntentPurchase: true, event.IntentOther: true}
	f.Fuzz(func(t *testing.T, text string) {
		d := NewDoc("f:1", "f", event.Mention{Text: text, Author: event.Author{Handle: text}})
		d.Out.Brands = []event.BrandMatch{{Name: "Acme", Role: event.RoleOwn}}
		if err := s.Apply(d); err != nil {
			t.Fatal(err)
		}
		if !labels[d.Out.Intent] {
			t.Fatalf("intent %q", d.Out.Intent)
		}
		if d.Out.NeedsResponse && (d.Out.OwnAuthor || (d.Out.Intent != event.IntentComplaint && d.Out.Intent != event.IntentQuestion)) {
			t.Fatalf("needs_response with intent %s, own %v", d.Out.Intent, d.Out.OwnAuthor)
		}
	})
}

func TestIntentCuesUnique(t *testing.T) {
	// A cue listed twice for one intent would count twice.
	seen := map[string]bool{}
	for _, g := range intentCues {
		for _, c := range g.Cues {
			key := fmt.Sprint(g.Intent, g.Weight > 0, c)
			if seen[key] {
				t.Errorf("cue %s listed twice for intent %d", c, g.Intent)
			}
			seen[key] = true
		}
	}
}

// TestE2BuildSteps runs the configured pipeline (Config.Build) end to end
// on mentions the intent, extract and exclude steps all touch.
func TestE2BuildSteps(t *testing.T) {
	c := DefaultConfig()
	c.Languages = []string{"en", "id"}
	c.Crisis = []string{`"data breach"`}
	c.OwnHandles = []string{"@AcmeHQ"}
	c.Exclude = Exclude{Authors: []string{"spambot"}, Domains: []string{"contentfarm.net"}}
	steps, err := c.Build([]BrandQuery{{Name: "Acme", Role: event.RoleOwn, Query: "acme OR @acmehq"}})
	if err != nil {
		t.Fatal(err)
	}
	e := &Enricher{Steps: steps, Now: time.Now}
	out, err := e.Enrich("x:1", "x", event.Mention{Network: "x", Lang: "en", Author: event.Author{Handle: "bob"},
		Text: "@acmehq my order still hasn't arrived after a data breach 😡 #fail https://acme.com/o?utm_source=x"})
	if err != nil {
		t.Fatal(err)
	}
	if out.Intent != event.IntentComplaint || !out.NeedsResponse || out.OwnAuthor ||
		!reflect.DeepEqual(out.Crisis, []string{`"data breach"`}) || !reflect.DeepEqual(out.Hashtags, []string{"fail"}) ||
		!reflect.DeepEqual(out.Handles, []string{"acmehq"}) || !reflect.DeepEqual(out.Emojis, []string{"😡"}) ||
		len(out.Links) != 1 || out.Links[0].UTMSource != "x" || len(out.Keywords) == 0 {
		t.Fatalf("enriched: %+v", out)
	}
	for _, m := range []event.Mention{
		{Network: "x", Author: event.Author{Handle: "SpamBot"}, Text: "acme"},
		{Network: "web", Site: "www.contentfarm.net", Text: "acme"},
	} {
		if _, err := e.Enrich("x:2", "x", m); !IsExcluded(err) {
			t.Errorf("%+v: %v, want excluded", m, err)
		}
	}
}
