package enrich

import (
	"slices"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/event"
)

func TestExclude(t *testing.T) {
	s := NewExcludeStep(Exclude{
		Authors: []string{"@SpamBot", " 998877 ", ""},
		Domains: []string{"Spam.example.com", "https://www.junk.io/path", "press.", " "},
	})
	tests := []struct {
		name   string
		m      event.Mention
		reason string // "" = kept
	}{
		{"clean", event.Mention{Author: event.Author{Handle: "alice", ID: "1"}, Site: "news.example.com", URL: "https://news.example.com/a"}, ""},
		{"handle, any case, with @", event.Mention{Author: event.Author{Handle: "@spambot"}}, "author @spambot"},
		{"handle upper case", event.Mention{Author: event.Author{Handle: "SPAMBOT"}}, "author SPAMBOT"},
		{"author id", event.Mention{Author: event.Author{Handle: "nice", ID: "998877"}}, "author 998877"},
		{"site", event.Mention{Site: "spam.example.com"}, "domain spam.example.com"},
		{"subdomain of a site", event.Mention{Site: "a.b.Spam.Example.com"}, "domain spam.example.com"},
		{"parent of an excluded domain is kept", event.Mention{Site: "example.com"}, ""},
		{"lookalike is kept", event.Mention{Site: "notjunk.io"}, ""},
		{"URL host", event.Mention{URL: "https://blog.junk.io/x?y=1"}, "domain junk.io"},
		{"URL with www, port and user", event.Mention{URL: "http://u@WWW.JUNK.IO:8080/"}, "domain junk.io"},
		{"trailing-dot config", event.Mention{URL: "https://press/x"}, "domain press"},
		{"non-ASCII host", event.Mention{Site: "bücher.junk.io"}, "domain junk.io"},
		{"empty", event.Mention{}, ""},
	}
	for _, tt := range tests {
		d := NewDoc("t:1", "t", tt.m)
		err := s.Apply(d)
		switch {
		case tt.reason == "" && err != nil:
			t.Errorf("%s: excluded (%v), want kept", tt.name, err)
		case tt.reason != "" && !IsExcluded(err):
			t.Errorf("%s: %v, want excluded for %s", tt.name, err, tt.reason)
		case tt.reason != "" && err.(*ExcludedError).Reason != tt.reason:
			t.Errorf("%s: reason %q, want %q", tt.name, err.(*ExcludedError).Reason, tt.reason)
		}
	}
}

func TestExcludeNothingConfigured(t *testing.T) {
	s := NewExcludeStep(Exclude{})
	d := NewDoc("t:1", "t", event.Mention{Author: event.Author{Handle: "x"}, Site: "x.com"})
	if err := s.Apply(d); err != nil {
		t.Fatal(err)
	}
}

func TestExcludeDoesNotAllocate(t *testing.T) {
	s := NewExcludeStep(Exclude{Authors: []string{"spambot"}, Domains: []string{"junk.io"}})
	d := NewDoc("t:1", "t", event.Mention{Author: event.Author{Handle: "Alice", ID: "123"}, Site: "News.Example.com",
		URL: "https://News.Example.com/2026/11/a?b=c"})
	if n := testing.AllocsPerRun(100, func() { _ = s.Apply(d) }); n != 0 {
		t.Fatalf("%v allocations per kept mention, want 0", n)
	}
}

func BenchmarkExclude(b *testing.B) {
	s := NewExcludeStep(Exclude{
		Authors: []string{"spambot", "998877", "promo_acc", "bot1", "bot2"},
		Domains: []string{"spam.example.com", "junk.io", "contentfarm.net"},
	})
	ms := mixedCorpus(b)
	docs := make([]*Doc, len(ms))
	for i, m := range ms {
		docs[i] = NewDoc("b:1", "b", m)
	}
	b.ReportAllocs()
	cpu := procCPU()
	for i := 0; b.Loop(); i++ {
		if err := s.Apply(docs[i%len(docs)]); err != nil {
			b.Fatal(err)
		}
	}
	reportStepCPU(b, cpu)
}

// reportStepCPU reports CPU time per mention and the mentions per second
// of one core it implies, besides the wall-clock ns/op: on a machine
// shared with other jobs the wall clock measures the neighbours too.
func reportStepCPU(b *testing.B, start time.Duration) {
	per := float64(procCPU()-start) / float64(b.N)
	b.ReportMetric(per, "cpu-ns/op")
	if per > 0 {
		b.ReportMetric(1e9/per, "mentions/cpu-s")
	}
}

func FuzzExclude(f *testing.F) {
	for _, seed := range []string{"https://u@WWW.JUNK.IO:8080/", "a.b.junk.io", "[::1]:80", "\xff.junk.io", "junk.io.", "@SpamBot"} {
		f.Add(seed)
	}
	s := NewExcludeStep(Exclude{Authors: []string{"spambot"}, Domains: []string{"junk.io"}})
	f.Fuzz(func(t *testing.T, v string) {
		d := NewDoc("f:1", "f", event.Mention{Author: event.Author{Handle: v, ID: v}, Site: v, URL: v})
		if err := s.Apply(d); err != nil && !IsExcluded(err) {
			t.Fatalf("%q: %v", v, err)
		}
	})
}

func TestValidateExcludeDomains(t *testing.T) {
	c := DefaultConfig()
	c.Exclude.Domains = []string{"spam.example.com", "https://www.ads.example/x", "http://", " "}
	var keys []string
	for _, p := range c.Validate() {
		keys = append(keys, p.Key)
	}
	if want := []string{"exclude.domains[2]", "exclude.domains[3]"}; !slices.Equal(keys, want) {
		t.Fatalf("problems at %v, want %v", keys, want)
	}
}
