package enrich

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/event"
)

// entitiesStep shares one step between the tests of this binary: the
// model takes a second to decode.
var entitiesStep = sync.OnceValue(func() *EntitiesStep { return NewEntitiesStep() })

func entitiesOf(t testing.TB, s *EntitiesStep, text, lang string) []event.Entity {
	t.Helper()
	d := &Doc{Text: text}
	d.Out.Lang = lang
	if err := s.Apply(d); err != nil {
		t.Fatalf("Apply(%q): %v", text, err)
	}
	return d.Out.Entities
}

func TestEntitiesStep(t *testing.T) {
	s := entitiesStep()
	tests := []struct {
		name, text, lang string
		want             []event.Entity // each must be among the entities
		none             bool           // no entities at all
	}{
		{"people and places", "Tim Cook visited Jakarta on Monday to meet Joko Widodo.", "en",
			[]event.Entity{{Text: "Tim Cook", Label: "PERSON"}, {Text: "Jakarta", Label: "GPE"}, {Text: "Joko Widodo", Label: "PERSON"}}, false},
		{"cities", "I flew from London to New York last week", "en-US",
			[]event.Entity{{Text: "London", Label: "GPE"}, {Text: "New York", Label: "GPE"}}, false},
		{"undetected language counts as English", "Barack Obama spoke in Berlin", "",
			[]event.Entity{{Text: "Barack Obama", Label: "PERSON"}}, false},
		{"no names", "the app is broken again lol", "en", nil, true},
		{"other languages are skipped", "Tim Cook mengunjungi Jakarta hari Senin", "id", nil, true},
		{"empty", "", "en", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := entitiesOf(t, s, tt.text, tt.lang)
			if tt.none && len(got) > 0 {
				t.Fatalf("entities %v, want none", got)
			}
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("entities %v lack %v", got, w)
				}
			}
		})
	}
}

func TestEntitiesLimits(t *testing.T) {
	s := entitiesStep()
	// The same name many times is one entity; a long text is cut (here
	// mid-way through a multi-byte character) and still works.
	text := strings.Repeat("Barack Obama met Angela Merkel in Paris. ", 200) + "café ☕"
	got := entitiesOf(t, s, text, "en")
	if len(got) == 0 || len(got) > maxEntities {
		t.Fatalf("%d entities, want 1..%d: %v", len(got), maxEntities, got)
	}
	seen := map[event.Entity]bool{}
	for _, e := range got {
		if seen[e] {
			t.Fatalf("entity %v twice", e)
		}
		seen[e] = true
	}
}

// prose's tagger and extractor only read the shared model; the race
// detector checks that claim (go test -race).
func TestEntitiesConcurrent(t *testing.T) {
	s := entitiesStep()
	texts := []string{"Tim Cook visited Jakarta.", "Angela Merkel spoke in Paris.", "Acme hired John Smith in Berlin.", "nothing here"}
	want := make([][]event.Entity, len(texts))
	for i, x := range texts {
		want[i] = entitiesOf(t, s, x, "en")
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4*len(texts))
	for range 4 {
		wg.Go(func() {
			for i, x := range texts {
				d := &Doc{Text: x}
				d.Out.Lang = "en"
				if err := s.Apply(d); err != nil || fmt.Sprint(d.Out.Entities) != fmt.Sprint(want[i]) {
					errs <- fmt.Sprintf("%q: %v %v, want %v", x, d.Out.Entities, err, want[i])
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestEntitiesBuiltFromConfig(t *testing.T) {
	c := DefaultConfig()
	c.Steps = append(c.Steps, StepEntities)
	steps, err := c.Build(nil)
	if err != nil {
		t.Fatal(err)
	}
	e := &Enricher{Steps: steps, Now: time.Now}
	out, err := e.Enrich("x:1", "x", event.Mention{Text: "Tim Cook visited Jakarta on Monday to meet the team at the office"})
	if err != nil {
		t.Fatal(err)
	}
	if out.Lang != "en" || !slices.Contains(out.Entities, event.Entity{Text: "Tim Cook", Label: "PERSON"}) {
		t.Fatalf("lang %q, entities %v", out.Lang, out.Entities)
	}
}

func FuzzEntities(f *testing.F) {
	for _, s := range []string{"Tim Cook visited Jakarta.", ":) :( <3 #tag @x http://a.b/c", "\xff\xfe", "Mr. A. B. C. D.", "- - -", "U.S.A. vs E.U."} {
		f.Add(s)
	}
	s := entitiesStep()
	f.Fuzz(func(t *testing.T, text string) {
		d := &Doc{Text: text}
		d.Out.Lang = "en"
		_ = s.Apply(d) // must not panic; an error is a dead letter
		if len(d.Out.Entities) > maxEntities {
			t.Fatalf("%d entities", len(d.Out.Entities))
		}
	})
}

// BenchmarkEntities runs the step over the English mentions of the
// corpus (run with -cpu 1).
func BenchmarkEntities(b *testing.B) {
	corpus := loadCorpus(b)
	lang := NewLangDetector([]string{"en", "id", "es", "pt", "fr", "de"})
	var docs []*Doc
	for i := range corpus {
		m := &corpus[i]
		d := NewDoc(m.ID, m.Source, m.Mention)
		if d.Out.Lang = lang.Detect(d.Text, m.Mention.Lang); d.Out.Lang == "en" {
			docs = append(docs, d)
		}
	}
	s := entitiesStep()
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU()
	for i := 0; b.Loop(); i++ {
		d := *docs[i%len(docs)]
		_ = s.Apply(&d)
	}
	cpu.report(b, b.N)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "mentions/s")
}
