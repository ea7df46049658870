package enrich

import (
	"bufio"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/abadojack/whatlanggo"
)

type langSample struct{ lang, text string }

// langSamples reads testdata/lang/*.tsv: "label<TAB>text" lines, # comments.
func langSamples(t testing.TB) []langSample { return langSamplesIn(t, "testdata/lang") }

func langSamplesIn(t testing.TB, dir string) []langSample {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.tsv"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no labelled language samples in testdata/lang: %v", err)
	}
	var out []langSample
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		for ln := 1; sc.Scan(); ln++ {
			line := sc.Text()
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			label, text, ok := strings.Cut(line, "\t")
			if !ok || text == "" {
				t.Fatalf("%s:%d: want label<TAB>text", f, ln)
			}
			out = append(out, langSample{label, text})
		}
		fh.Close()
	}
	return out
}

// accuracy returns overall accuracy and per-label accuracy and the
// misclassified samples.
func accuracy(samples []langSample, detect func(string) string) (float64, map[string]float64, []string) {
	ok, okBy, allBy := 0, map[string]int{}, map[string]int{}
	var wrong []string
	for _, s := range samples {
		got := detect(s.text)
		allBy[s.lang]++
		if got == s.lang {
			ok++
			okBy[s.lang]++
		} else {
			wrong = append(wrong, s.lang+"→"+got+": "+s.text)
		}
	}
	per := map[string]float64{}
	for l, n := range allBy {
		per[l] = float64(okBy[l]) / float64(n)
	}
	return float64(ok) / float64(len(samples)), per, wrong
}

func TestLangAccuracyOnLabelledSamples(t *testing.T) {
	samples := langSamples(t)
	counts := map[string]int{}
	for _, s := range samples {
		counts[s.lang]++
	}
	for _, l := range builtinLangs {
		if counts[l] < 100 {
			t.Fatalf("only %d labelled samples for %s; the accuracy claim needs ≥ 100 per language", counts[l], l)
		}
	}
	d := NewLangDetector(DefaultConfig().Languages)
	acc, per, wrong := accuracy(samples, func(s string) string { return d.Detect(s, "") })
	keys := make([]string, 0, len(per))
	for l := range per {
		keys = append(keys, l)
	}
	sort.Strings(keys)
	for _, l := range keys {
		t.Logf("%s: %.1f%% of %d", l, 100*per[l], counts[l])
		if per[l] < 0.90 {
			t.Errorf("%s accuracy %.1f%% < 90%%", l, 100*per[l])
		}
	}
	for _, w := range wrong {
		t.Logf("wrong: %s", w)
	}
	t.Logf("earshot detector: %.1f%% of %d short posts", 100*acc, len(samples))
	if acc < 0.95 {
		t.Errorf("accuracy %.1f%% < 95%%", 100*acc)
	}

	// The held-out samples were written after the word lists and
	// thresholds were tuned on the samples above: they tell whether the
	// tuning generalizes.
	hacc, _, hwrong := accuracy(langSamplesIn(t, "testdata/lang/holdout"), func(s string) string { return d.Detect(s, "") })
	for _, w := range hwrong {
		t.Logf("held-out wrong: %s", w)
	}
	t.Logf("earshot detector, held-out: %.1f%%", 100*hacc)
	if hacc < 0.90 {
		t.Errorf("held-out accuracy %.1f%% < 90%%", 100*hacc)
	}

	// whatlanggo alone on the same samples, for the record.
	wl := whatlanggo.Options{Whitelist: map[whatlanggo.Lang]bool{}}
	for _, l := range []whatlanggo.Lang{whatlanggo.Eng, whatlanggo.Ind, whatlanggo.Spa, whatlanggo.Por, whatlanggo.Fra, whatlanggo.Deu} {
		wl.Whitelist[l] = true
	}
	wacc, _, _ := accuracy(samples, func(s string) string { return whatlanggo.DetectWithOptions(s, wl).Lang.Iso6391() })
	t.Logf("whatlanggo alone: %.1f%%", 100*wacc)
}

func TestLangDetectorWhitelist(t *testing.T) {
	tests := []struct {
		name   string
		langs  []string
		text   string
		report string
		want   string
	}{
		{"reported wins", []string{"en"}, "pesanan saya belum sampai", "ID", "id"},
		{"english", []string{"en", "id"}, "the app is not working again", "", "en"},
		{"indonesian slang", []string{"en", "id"}, "gue udah order dari kemarin tapi belum dateng", "", "id"},
		{"code-mixed stays indonesian", []string{"en", "id"}, "seriusan ini cheap banget, langsung add to cart", "", "id"},
		{"only allowed languages", []string{"en", "id"}, "meine Bestellung ist immer noch nicht da", "", ""},
		{"subset of builtin", []string{"es", "pt"}, "o pedido não chegou ainda", "", "pt"},
		{"empty", []string{"en"}, "", "", ""},
		{"no letters", []string{"en", "id"}, "🔥🔥🔥 !!!", "", ""},
		// Languages outside the word lists fall back to whatlanggo.
		{"italian via fallback", []string{"en", "es", "it"}, "il servizio clienti non risponde mai, sono molto deluso dell'ordine", "", "it"},
		{"dutch via fallback", []string{"en", "de", "nl"}, "mijn bestelling is nog steeds niet aangekomen, wat een slechte service", "", "nl"},
		{"russian script", []string{"en", "ru"}, "мой заказ до сих пор не пришёл", "", "ru"},
		{"clear builtin win with extras", []string{"en", "it"}, "the delivery was late and the support team did not answer my email", "", "en"},
		{"unknown only", []string{"xx"}, "whatever this is", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewLangDetector(tt.langs)
			if got := d.Detect(tt.text, tt.report); got != tt.want {
				t.Fatalf("Detect(%q) with %v = %q, want %q", tt.text, tt.langs, got, tt.want)
			}
		})
	}
}

func TestLangDetectorConcurrent(t *testing.T) {
	samples := langSamples(t)
	d := NewLangDetector(DefaultConfig().Languages)
	want := make([]string, len(samples))
	for i, s := range samples {
		want[i] = d.Detect(s.text, "")
	}
	done := make(chan string, 4)
	for range 4 {
		go func() {
			for i, s := range samples {
				if got := d.Detect(s.text, ""); got != want[i] {
					done <- s.text
					return
				}
			}
			done <- ""
		}()
	}
	for range 4 {
		if bad := <-done; bad != "" {
			t.Fatalf("concurrent Detect disagreed on %q", bad)
		}
	}
}

func FuzzLangDetect(f *testing.F) {
	for _, s := range []string{"the app", "pesanan saya", "¿qué?", "não", "c'est ça", "Straße", "#acme @acme https://x.y/z", "\xff\xfe", strings.Repeat("a", 100)} {
		f.Add(s)
	}
	d := NewLangDetector(append(DefaultConfig().Languages, "it"))
	f.Fuzz(func(t *testing.T, s string) {
		got := d.Detect(s, "")
		if got != "" && !d.allowed[got] {
			t.Fatalf("Detect(%q) = %q, not whitelisted", s, got)
		}
	})
}

func BenchmarkLangDetect(b *testing.B) {
	samples := langSamples(b)
	d := NewLangDetector(DefaultConfig().Languages)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		d.Detect(samples[i%len(samples)].text, "")
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "posts/s")
}

func BenchmarkLangWhatlanggo(b *testing.B) {
	samples := langSamples(b)
	d := NewLangDetector(DefaultConfig().Languages)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		whatlanggo.DetectWithOptions(samples[i%len(samples)].text, d.opts)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "posts/s")
}
