package enrich

import (
	"testing"

	"github.com/earshot-dev/earshot/event"
)

func TestReachStep(t *testing.T) {
	s := NewReachStep(ReachConf{VisibilityRatio: 0.01, Sites: []SiteVisits{
		{Domain: "news.example.com", MonthlyVisits: 2_500_000},
		{Domain: "Example.com", MonthlyVisits: 10_000_000},
		{Domain: "www.blog.test", MonthlyVisits: 12_345},
		{Domain: "tiny.test", MonthlyVisits: 49}, // rounds to 0 reach, still site-based
	}})
	tests := []struct {
		name  string
		m     event.Mention
		reach uint64
		basis string
	}{
		{"followers win", event.Mention{Author: event.Author{ID: "a", Followers: 1200}, Site: "news.example.com"}, 1200, event.ReachFollowers},
		{"site", event.Mention{Site: "news.example.com"}, 25_000, event.ReachSiteVisits},
		{"site case and www", event.Mention{Site: "WWW.News.Example.com"}, 25_000, event.ReachSiteVisits},
		{"site written as URL", event.Mention{Site: "https://news.example.com/"}, 25_000, event.ReachSiteVisits},
		{"url host", event.Mention{URL: "https://www.news.example.com:443/2026/11/acme?utm_source=x"}, 25_000, event.ReachSiteVisits},
		{"parent domain", event.Mention{URL: "https://a.b.news.example.com/x"}, 25_000, event.ReachSiteVisits},
		{"grandparent domain", event.Mention{URL: "http://sports.example.com/x"}, 100_000, event.ReachSiteVisits},
		{"configured with www", event.Mention{URL: "https://blog.test/post"}, 123, event.ReachSiteVisits},
		{"rounds", event.Mention{Site: "tiny.test"}, 0, event.ReachSiteVisits},
		{"site beats url", event.Mention{Site: "example.com", URL: "https://news.example.com/x"}, 100_000, event.ReachSiteVisits},
		{"unknown site falls back to url", event.Mention{Site: "other.test", URL: "https://news.example.com/x"}, 25_000, event.ReachSiteVisits},
		{"unknown site", event.Mention{URL: "https://other.test/x"}, 0, ""},
		{"suffix is not a parent", event.Mention{URL: "https://notexample.com/x"}, 0, ""},
		{"no followers, no site", event.Mention{Author: event.Author{ID: "a"}}, 0, ""},
		{"bad url", event.Mention{URL: "http://[::1"}, 0, ""},
		{"trailing dot", event.Mention{Site: "news.example.com."}, 25_000, event.ReachSiteVisits},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDoc("x:1", "x", tt.m)
			if err := s.Apply(d); err != nil {
				t.Fatal(err)
			}
			if d.Out.Reach != tt.reach || d.Out.ReachBasis != tt.basis {
				t.Fatalf("reach %d %q, want %d %q", d.Out.Reach, d.Out.ReachBasis, tt.reach, tt.basis)
			}
		})
	}
}

func TestReachStepNoSites(t *testing.T) {
	d := NewDoc("x:1", "x", event.Mention{URL: "https://news.example.com/x"})
	if err := NewReachStep(ReachConf{VisibilityRatio: 0.01}).Apply(d); err != nil || d.Out.Reach != 0 || d.Out.ReachBasis != "" {
		t.Fatalf("reach %d %q err %v", d.Out.Reach, d.Out.ReachBasis, err)
	}
}

func BenchmarkReach(b *testing.B) {
	s := NewReachStep(ReachConf{VisibilityRatio: 0.01, Sites: []SiteVisits{{Domain: "example.com", MonthlyVisits: 1e7}}})
	docs := []*Doc{
		NewDoc("x:1", "x", event.Mention{Author: event.Author{ID: "a", Followers: 10}}),
		NewDoc("n:1", "news", event.Mention{URL: "https://www.news.example.com/2026/11/acme"}),
	}
	b.ReportAllocs()
	i := 0
	cpu := procCPU()
	for b.Loop() {
		_ = s.Apply(docs[i&1])
		i++
	}
	b.ReportMetric(float64(procCPU()-cpu)/float64(b.N), "cpu-ns/op")
}
