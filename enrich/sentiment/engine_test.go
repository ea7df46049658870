package sentiment

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/earshot-dev/earshot/event"
)

// router is compiled once per test binary; it is read-only.
var router = func() *Router {
	r, err := NewRouter()
	if err != nil {
		panic(err)
	}
	return r
}()

func score(lang, text string) float64 { return router.For(lang).Score(text) }

func TestLabels(t *testing.T) {
	tests := []struct {
		lang, text, want string
	}{
		{"en", "I love this phone", event.Positive},
		{"en", "I don't love this phone", event.Negative},
		{"en", "The store opens at nine.", event.Neutral},
		{"en", "", event.Neutral},
		{"en", "Not good at all.", event.Negative},
		{"en", "not bad at all", event.Positive},
		{"en", "Solid phone, no complaints", event.Positive}, // "no" negates, is not negative itself
		{"en", "can't wait for the launch", event.Positive},
		{"en", "never again", event.Negative},
		{"en", "this is the bomb", event.Positive},
		{"en", "meh :(", event.Negative},
		{"en", "thanks :)", event.Positive},
		{"en", "gr8 service", event.Positive},
		{"en", "good af", event.Positive},
		{"en", "ok 😡", event.Negative},
		{"en", "new phone 👎", event.Negative},
		{"en", "new phone ❤️", event.Positive},
		{"en", "the new menu 🔥🔥", event.Positive},
		{"en", "shouldn't've liked it", event.Negative}, // n't suffix negates
		{"id", "barangnya bagus banget", event.Positive},
		{"id", "gak bagus", event.Negative},
		{"id", "tdk memuaskan", event.Negative},
		{"id", "kecewa parah", event.Negative},
		{"id", "keren parah", event.Positive},
		{"id", "parah sih ini", event.Negative},
		{"id", "bagussss bgt", event.Positive},
		{"id", "mantul kak", event.Positive},
		{"id", "lemot", event.Negative},
		{"id", "kurang ramah", event.Negative},
		{"id", "nggak nyesel beli di sini", event.Positive},
		{"id", "ga sabar nunggu rilisnya", event.Positive},
		{"id", "tidak ada masalah", event.Positive},
		{"id", "hp terburuk", event.Negative},        // ter- prefix
		{"id", "kemahalan", event.Negative},          // ke-…-an
		{"id", "kecewanya", event.Negative},          // -nya suffix
		{"id", "recommended seller", event.Positive}, // English fallback
		{"id", "ban motor baru", event.Neutral},      // ban is a tyre, not a ban
		{"id", "harga naik terus 😡", event.Negative},
		{"id", "Kapan tokonya buka?", event.Neutral},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.text, func(t *testing.T) {
			got := router.Score(tt.text, tt.lang)
			if got.Label != tt.want {
				t.Errorf("Score(%q, %s) = %+.3f %s, want %s", tt.text, tt.lang, got.Score, got.Label, tt.want)
			}
		})
	}
}

// TestRules checks each rule by comparing a text with its variant.
func TestRules(t *testing.T) {
	tests := []struct {
		name, lang, weaker, stronger string // |score(stronger)| > |score(weaker)|, same sign
	}{
		{"booster", "en", "good", "very good"},
		{"caps", "en", "the food is good here", "the food is GOOD here"},
		{"exclamation", "en", "great", "great!!!"},
		{"stretched", "en", "good", "soooo good"},
		{"dampener", "en", "kind of good", "good"},
		{"id booster", "id", "bagus", "sangat bagus"},
		{"id post-booster", "id", "bagus", "bagus banget"},
		{"id softener", "id", "lumayan bagus", "bagus"},
		{"id parah as booster", "id", "lemot", "lemot parah"},
		{"emoji repeat", "en", "😡", "😡😡😡"},
	}
	for _, tt := range tests {
		w, s := score(tt.lang, tt.weaker), score(tt.lang, tt.stronger)
		if w == 0 || math.Signbit(w) != math.Signbit(s) || math.Abs(s) <= math.Abs(w) {
			t.Errorf("%s: score(%q) = %.3f should be weaker than score(%q) = %.3f", tt.name, tt.weaker, w, tt.stronger, s)
		}
	}
	// Contrast: the clause after "but" / "tapi" decides.
	for _, tt := range []struct{ lang, text, want string }{
		{"en", "The camera is great but the battery is terrible", event.Negative},
		{"en", "The battery is terrible but the camera is great", event.Positive},
		{"id", "barangnya bagus tapi pengirimannya lambat banget", event.Negative},
		{"id", "agak mahal sih tapi kualitasnya mantap", event.Positive},
	} {
		if got := router.Score(tt.text, tt.lang).Label; got != tt.want {
			t.Errorf("contrast: Score(%q) = %s, want %s", tt.text, got, tt.want)
		}
	}
	// Negation does not cross a sentence end.
	if a, b := score("en", "Not now. Great phone"), score("en", "Great phone"); a != b {
		t.Errorf("negation crossed a full stop: %.3f vs %.3f", a, b)
	}
}

// TestEmojiOverrides pins the polarities govader gets wrong (measured:
// 😡 👎 💩 🤬 ❤️ 👍 🙏 score 0 there, 🔥 negative) and logs govader's
// score for comparison.
func TestEmojiOverrides(t *testing.T) {
	vader := newVaderBaseline()
	for _, tt := range []struct {
		emoji string
		sign  int
	}{
		{"😡", -1}, {"😭", -1}, {"🙄", -1}, {"👎", -1}, {"💩", -1}, {"🤬", -1},
		{"❤️", 1}, {"❤", 1}, {"🔥", 1}, {"😍", 1}, {"👍", 1}, {"🙏", 1}, {"👍🏽", 1},
	} {
		text := "the new store " + tt.emoji
		got := score("en", text)
		if got*float64(tt.sign) < PosThreshold {
			t.Errorf("%s: score %.3f, want sign %d", tt.emoji, got, tt.sign)
		}
		t.Logf("%s ours %+.3f govader %+.3f", tt.emoji, got, vader(text))
	}
}

func TestScoreBounds(t *testing.T) {
	long := strings.Repeat("AMAZING!!! 😍 love love love ", 200)
	for _, text := range []string{long, strings.Repeat("terrible 😡 ", 500), strings.Repeat("x", 10000)} {
		for _, lang := range []string{"en", "id", "de"} {
			if s := score(lang, text); s < -1 || s > 1 || math.IsNaN(s) {
				t.Errorf("score out of bounds: %v", s)
			}
		}
	}
}

func TestCompileErrors(t *testing.T) {
	for name, spec := range map[string]Spec{
		"alias to unknown": {Aliases: map[string]string{"bgs": "bagus"}},
		"alias shadows":    {Words: map[string]float64{"a": 1, "b": 2}, Aliases: map[string]string{"a": "b"}},
		"three-word":       {Phrases: map[string]float64{"to die for": 3}},
	} {
		if _, err := Compile(spec); err == nil {
			t.Errorf("%s: Compile succeeded", name)
		}
	}
}

func TestRouter(t *testing.T) {
	if router.For("id") != router.For("ms") || router.For("id") == router.For("en") {
		t.Error("id and ms should share the Indonesian lexicon")
	}
	if router.For("de") != router.For("en") || router.For("") != router.For("en") {
		t.Error("other languages should fall back to English")
	}
	// Indonesian words are unknown to English, English words known to
	// Indonesian through the fallback.
	if router.For("en").Known("mantap") || !router.For("id").Known("mantap") || !router.For("id").Known("awesome") {
		t.Error("lexicon routing is off")
	}
}

func FuzzScore(f *testing.F) {
	for _, s := range []string{"", "good", "not bad!!!", "gak bagus bgt 😡", ":) <3", "’", "don’t", "a\nb", "\xff\xfe", strings.Repeat("ö", 60)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, lang := range []string{"en", "id"} {
			v := score(lang, s)
			if v < -1 || v > 1 || math.IsNaN(v) {
				t.Fatalf("score(%q) = %v", s, v)
			}
		}
	})
}

// TestConcurrent scores from several goroutines at once; run with -race.
func TestConcurrent(t *testing.T) {
	texts := []string{"I love it 😍", "gak bagus bgt", "not bad!!!", "kecewa parah 😡", "The store opens at nine."}
	want := make([]float64, len(texts))
	for i, s := range texts {
		want[i] = score("id", s)
	}
	done := make(chan error, 8)
	for g := range 8 {
		go func() {
			for i := range 200 {
				k := (g + i) % len(texts)
				if got := score("id", texts[k]); got != want[k] {
					done <- fmt.Errorf("score(%q) = %v, want %v", texts[k], got, want[k])
					return
				}
			}
			done <- nil
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
