package enrich

import (
	"bufio"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/earshot-dev/earshot/event"
)

func TestSpamRules(t *testing.T) {
	tests := []struct {
		text   string
		author event.Author
		want   []string // rules and terms that must fire
		not    []string // and must not
	}{
		{"https://bit.ly/3xYz", event.Author{}, []string{"link_only"}, []string{"short_text_with_link"}},
		{"look https://a.example/x https://b.example/y", event.Author{}, []string{"mostly_links", "short_text_with_link"}, []string{"link_only"}},
		{"wow https://bit.ly/x", event.Author{}, []string{"short_text_with_link"}, nil},
		{"a long enough sentence with five words and a link https://x.example/a", event.Author{}, nil, []string{"short_text_with_link", "mostly_links"}},
		{"#a #b #c #d #e #f text", event.Author{}, []string{"many_hashtags"}, []string{"hashtag_flood"}},
		{"#a #b #c #d #e", event.Author{}, nil, []string{"many_hashtags"}},
		{"#a #b #c #d #e #f #g #h #i #j #k", event.Author{}, []string{"many_hashtags", "hashtag_flood"}, nil},
		{"@a @b @c @d @e @f hi", event.Author{}, []string{"many_handles"}, nil},
		{"soooooo good", event.Author{}, []string{"repeated_characters"}, nil},
		{"sooo good!!!", event.Author{}, nil, []string{"repeated_characters"}},
		{"buy buy buy buy now", event.Author{}, []string{"repeated_words"}, nil},
		{"please please please fix it", event.Author{}, nil, []string{"repeated_words"}},
		{"one two one two one two one two", event.Author{}, []string{"repeated_words"}, nil},
		{"one two three four five six seven eight", event.Author{}, nil, []string{"repeated_words"}},
		{"THIS IS ALL CAPS SHOUTING", event.Author{}, []string{"all_caps"}, nil},
		{"NASA and ESA work with ACME on it", event.Author{}, nil, []string{"all_caps"}},
		{"🔥🔥🔥🔥🔥🔥🔥🔥🔥🔥 ok", event.Author{}, []string{"emoji_flood"}, nil},
		{"❤️❤️❤️ love it", event.Author{}, nil, []string{"emoji_flood", "repeated_words"}},
		{"WA 0812-3456-7890 ya", event.Author{}, []string{"mobile_number"}, nil},
		{"hubungi 0857 1122 3344", event.Author{}, []string{"mobile_number"}, nil},
		{"call +6281234567890", event.Author{}, []string{"mobile_number"}, nil},
		{"harga Rp 12.999.000 dan 1.500.000.000", event.Author{}, nil, []string{"mobile_number"}},
		{"CS Acme 021-5550123 atau 0215550123", event.Author{}, nil, []string{"mobile_number"}},
		{"order 123456789012 shipped", event.Author{}, nil, []string{"mobile_number"}},
		{"hi", event.Author{Handle: "user83749283"}, []string{"zero_followers_generated_handle"}, []string{"generated_handle"}},
		{"hi", event.Author{Handle: "rina_sari8812", Followers: 40}, []string{"generated_handle"}, nil},
		{"hi", event.Author{Handle: "bob20261.bsky.social"}, []string{"zero_followers_generated_handle"}, nil},
		{"hi", event.Author{Handle: "rizky1998"}, nil, []string{"zero_followers_generated_handle"}},
		{"hi", event.Author{Handle: "rizky7712"}, []string{"zero_followers_generated_handle"}, nil},
		{"hi", event.Author{Handle: "r2d2"}, nil, []string{"generated_handle", "zero_followers_generated_handle"}},
		{"hi", event.Author{Handle: "12345"}, nil, []string{"zero_followers_generated_handle"}},
		{"Slot GACOR maxwin", event.Author{}, []string{"term:slot gacor", "term:gacor", "term:maxwin"}, nil},
		{"ikut #SlotGacor sekarang", event.Author{}, []string{"term:slotgacor"}, nil},
		{"jual followers, follow back!", event.Author{}, []string{"term:jual followers", "term:follow back"}, nil},
		{"followers jual", event.Author{}, nil, []string{"term:jual followers"}},
		{"18+ only", event.Author{}, []string{"term:18+"}, nil},
		{"gacor gacor", event.Author{}, []string{"term:gacor"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			score, reasons := ExplainSpam(tt.text, tt.author)
			var names []string
			clean := 1.0
			for _, r := range reasons {
				names = append(names, r.Rule)
				clean *= 1 - r.Weight
			}
			for _, w := range tt.want {
				if !slices.Contains(names, w) {
					t.Errorf("%q: %s did not fire; got %v", tt.text, w, names)
				}
			}
			for _, w := range tt.not {
				if slices.Contains(names, w) {
					t.Errorf("%q: %s fired; got %v", tt.text, w, names)
				}
			}
			if math.Abs(score-(1-clean)) > 1e-9 || score < 0 || score > 1 {
				t.Errorf("%q: score %v does not combine its reasons %v", tt.text, score, reasons)
			}
			d := NewDoc("x:1", "x", event.Mention{Text: tt.text, Author: tt.author})
			_ = SpamStep{}.Apply(d)
			if d.Out.SpamScore != score {
				t.Errorf("%q: step scored %v, explain %v", tt.text, d.Out.SpamScore, score)
			}
		})
	}
}

func TestSpamVocabulary(t *testing.T) {
	for k, w := range spamVocabulary {
		if k != strings.ToLower(k) || w <= 0 || w >= 1 || strings.Count(k, " ") > 1 {
			t.Errorf("vocabulary %q: %v; terms are lower case, one or two words, weights in (0, 1)", k, w)
		}
	}
}

type spamExample struct {
	spam   bool
	text   string
	author event.Author
}

func loadSpamSet(t testing.TB) []spamExample {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "spam", "labelled.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var set []spamExample
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		if sc.Text() == "" || strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 3 || cols[0] != "spam" && cols[0] != "ham" {
			t.Fatalf("labelled.tsv:%d: want spam|ham TAB text TAB followers [TAB handle]", line)
		}
		n, err := strconv.ParseUint(cols[2], 10, 64)
		if err != nil {
			t.Fatalf("labelled.tsv:%d: followers: %v", line, err)
		}
		ex := spamExample{spam: cols[0] == "spam", text: cols[1], author: event.Author{ID: "a", Followers: n}}
		if len(cols) > 3 {
			ex.author.Handle = cols[3]
		}
		set = append(set, ex)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return set
}

// TestSpamLabelled guards precision and recall on the labelled set at the
// default threshold and at a looser one; the floors sit a little below
// what was measured (the set was written alongside the weights, so these
// are optimistic numbers, not a benchmark).
func TestSpamLabelled(t *testing.T) {
	set := loadSpamSet(t)
	if len(set) < 150 {
		t.Fatalf("%d labelled examples, want ≥ 150", len(set))
	}
	for _, tc := range []struct {
		threshold, precision, recall float64
	}{
		{DefaultConfig().Spam.Threshold, 0.97, 0.65}, // measured 1.00, 0.70
		{0.5, 0.92, 0.88}, // measured 0.96, 0.93
	} {
		var tp, fp, fn int
		for _, ex := range set {
			score, reasons := ExplainSpam(ex.text, ex.author)
			got := score >= tc.threshold
			switch {
			case got && ex.spam:
				tp++
			case got && !ex.spam:
				fp++
				t.Logf("at %.2f, false positive %.2f %v: %s", tc.threshold, score, reasons, ex.text)
			case !got && ex.spam:
				fn++
			}
		}
		precision := float64(tp) / float64(tp+fp)
		recall := float64(tp) / float64(tp+fn)
		t.Logf("threshold %.2f: precision %.3f, recall %.3f (%d examples, %d spam)", tc.threshold, precision, recall, len(set), tp+fn)
		if precision < tc.precision || recall < tc.recall {
			t.Errorf("threshold %.2f: precision %.3f (floor %.2f), recall %.3f (floor %.2f)", tc.threshold, precision, tc.precision, recall, tc.recall)
		}
	}
}

func FuzzSpamScore(f *testing.F) {
	for _, s := range []string{"slot gacor https://x.y/z", "#", "@", "🔥🔥", "0812-3456-7890", "\xff\xfe", "a\u00a0b", "❤️"} {
		f.Add(s, "user1234", uint64(0))
	}
	f.Fuzz(func(t *testing.T, text, handle string, followers uint64) {
		score, reasons := ExplainSpam(text, event.Author{Handle: handle, Followers: followers})
		if !(score >= 0 && score <= 1) {
			t.Fatalf("score %v", score)
		}
		if (score > 0) != (len(reasons) > 0) {
			t.Fatalf("score %v with reasons %v", score, reasons)
		}
	})
}

func BenchmarkSpam(b *testing.B) {
	docs := []*Doc{
		NewDoc("x:1", "x", event.Mention{Text: "Worst customer service ever, Acme. Still waiting for my refund 😡 switching to Globex #fail", Author: event.Author{ID: "a", Handle: "mark_t", Followers: 120}}),
		NewDoc("x:2", "x", event.Mention{Text: "Situs slot gacor terpercaya, bonus new member 100% langsung WD. Link alternatif: bit.ly/gcr88 #slotgacor", Author: event.Author{ID: "b", Handle: "slot88official"}}),
		NewDoc("x:3", "x", event.Mention{Text: "Pesanan saya dari Acme belum sampai juga, udah seminggu. Tolong dicek @acmeid https://acme.example.com/order/123", Author: event.Author{ID: "c", Handle: "dewi", Followers: 210}}),
	}
	b.ReportAllocs()
	i := 0
	cpu := procCPU()
	for b.Loop() {
		_ = SpamStep{}.Apply(docs[i%len(docs)])
		i++
	}
	b.ReportMetric(float64(procCPU()-cpu)/float64(b.N), "cpu-ns/op")
}
