package rss

import (
	"net/http"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest/checkpoint"
	"github.com/earshot-dev/earshot/ingest/ingesttest"
)

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFeeds(t *testing.T) {
	tests := []struct {
		name, file string
		cfg        Config
		want       map[string]event.Mention // by event id; CreatedAt and the fields set are compared
		rejects    int
	}{
		{
			name: "RSS 2.0 blog", file: "blog.rss.xml",
			want: map[string]event.Mention{
				"rss:https://blog.example.com/?p=101": {
					Network: "news", Kind: "article", NativeID: "https://blog.example.com/?p=101",
					URL: "https://blog.example.com/2026/02/acme-launch", Site: "blog.example.com",
					Author: event.Author{ID: "Jane Doe", Name: "Jane Doe"}, Lang: "en-us",
					Title: "Acme & friends launch Rocket", Text: "Acme & friends launched Rocket today.\nIt is fast.",
					CreatedAt: time.Date(2026, 2, 23, 10, 0, 0, 0, time.UTC),
				},
				// A GUID that is no URI is qualified by its site; a
				// relative link is resolved against the channel link.
				"rss:blog.example.com/102": {
					Network: "news", Kind: "article", NativeID: "blog.example.com/102",
					URL: "https://blog.example.com/2026/02/second", Site: "blog.example.com",
					Author: event.Author{ID: "blog.example.com", Name: "Example Blog"}, Lang: "en-us",
					Title: "Second post", Text: "Acme keeps shipping.",
					CreatedAt: time.Date(2026, 2, 24, 8, 30, 0, 0, time.UTC),
				},
				// No GUID: the link is the id; no text: the title is.
				"rss:https://other.example.org/news/3": {
					Network: "news", Kind: "article", NativeID: "https://other.example.org/news/3",
					URL: "https://other.example.org/news/3", Site: "other.example.org",
					Author: event.Author{ID: "other.example.org", Name: "Example Blog"}, Lang: "en-us",
					Title: "Headline only about Acme", Text: "Headline only about Acme",
					CreatedAt: time.Date(2026, 2, 25, 12, 0, 0, 0, time.UTC),
				},
			},
			rejects: 1, // the item with neither guid nor link
		},
		{
			name: "YouTube channel Atom", file: "youtube.atom.xml", cfg: Config{Network: "youtube", Kind: "post"},
			want: map[string]event.Mention{
				"rss:yt:video:abc123": {
					Network: "youtube", Kind: "post", NativeID: "yt:video:abc123",
					URL: "https://www.youtube.com/watch?v=abc123", Site: "www.youtube.com",
					Author: event.Author{ID: "Acme Channel", Name: "Acme Channel"},
					Title:  "Rocket unboxing", Text: "We unbox the new Acme Rocket.",
					CreatedAt: time.Date(2026, 2, 20, 15, 0, 0, 0, time.UTC),
				},
			},
		},
		{
			name: "Google Alerts Atom", file: "alerts.atom.xml", cfg: Config{Network: "web"},
			want: map[string]event.Mention{
				"rss:tag:google.com,2013:googlealerts/feed:11111111111111111111": {
					Network: "web", Kind: "article", NativeID: "tag:google.com,2013:googlealerts/feed:11111111111111111111",
					URL: "https://news.example.net/2026/acme-plant", Site: "news.example.net",
					Author: event.Author{ID: "news.example.net", Name: "Google Alert - acme"},
					Title:  "Acme opens a plant in Ohio", Text: "The Acme plant will employ 300 people ...",
					CreatedAt: time.Date(2026, 2, 26, 6, 40, 0, 0, time.UTC),
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, serve(http.StatusOK, fixture(t, tt.file)))
			cfg := tt.cfg
			cfg.Name, cfg.URL = "feed", srv.URL+"/feed"
			cfg.Interval, cfg.RequestsPerMinute = time.Millisecond, 60000
			h := ingesttest.NewHarnessAt(t, testNow, nil)
			rec := ingesttest.NewRecorder(t)
			// The third request proves the second poll of the unchanged
			// feed (no validators) finished: it must add nothing, and
			// dead-letter nothing again.
			ingesttest.Collect(t, ingesttest.Build(t, New, cfg, h.Deps()), rec, func() bool { return srv.answered() >= 3 })

			got := ingesttest.Mentions(t, rec)
			if len(got) != len(tt.want) || len(rec.IDs()) != len(tt.want) {
				t.Errorf("published %v, want %d events once", rec.IDs(), len(tt.want))
			}
			for id, want := range tt.want {
				m, ok := got[id]
				if !ok {
					t.Errorf("no event %s among %v", id, rec.IDs())
					continue
				}
				if !m.CreatedAt.Equal(want.CreatedAt) {
					t.Errorf("%s: created_at %v, want %v", id, m.CreatedAt, want.CreatedAt)
				}
				m.CreatedAt = want.CreatedAt
				if m != want {
					t.Errorf("%s:\n got %+v\nwant %+v", id, m, want)
				}
			}
			if rj := rec.Rejects(); len(rj) != tt.rejects {
				t.Errorf("rejects = %+v, want %d", rj, tt.rejects)
			}
		})
	}
}

func TestConditionalGet(t *testing.T) {
	feed := rssFeed(item{"1", "one", testNow.Add(-time.Hour)}, item{"2", "two", testNow.Add(-2 * time.Hour)})
	srv := newServer(t,
		serve(http.StatusOK, feed, "ETag", `"v1"`, "Last-Modified", "Sat, 28 Feb 2026 10:00:00 GMT"),
		serve(http.StatusNotModified, ""),
	)
	h := ingesttest.NewHarnessAt(t, testNow, nil)
	rec := ingesttest.NewRecorder(t)
	src := ingesttest.Build(t, New, Config{Name: "news", URL: srv.URL, Interval: time.Millisecond, RequestsPerMinute: 60000}, h.Deps())
	// Three answers: the third request proves the poll after the 304
	// finished.
	ingesttest.Collect(t, src, rec, func() bool { return srv.answered() >= 3 })

	reqs := srv.requests()
	if h := reqs[0].Header.Get("If-None-Match"); h != "" {
		t.Errorf("first poll sent If-None-Match %q", h)
	}
	if h := reqs[1].Header.Get("If-None-Match"); h != `"v1"` {
		t.Errorf("second poll If-None-Match = %q, want the saved ETag", h)
	}
	if h := reqs[1].Header.Get("If-Modified-Since"); h != "Sat, 28 Feb 2026 10:00:00 GMT" {
		t.Errorf("second poll If-Modified-Since = %q, want the saved Last-Modified", h)
	}
	if ids := rec.IDs(); len(ids) != 2 {
		t.Errorf("published %v, want the two items once", ids)
	}
	if n := h.Errors("news"); n != 0 {
		t.Errorf("a 304 counted %v errors", n)
	}
}

func TestPolls(t *testing.T) {
	one, two, three := item{"1", "one", testNow.Add(-3 * time.Hour)}, item{"2", "two", testNow.Add(-2 * time.Hour)}, item{"3", "three", testNow.Add(-time.Hour)}
	// resurfaced is an old item the feed brings back after we first saw
	// the feed, dated long before anything we remember.
	resurfaced := item{"0", "zero", testNow.Add(-30 * 24 * time.Hour)}
	tests := []struct {
		name       string
		script     []http.HandlerFunc
		polls      int // answers to wait for, besides a successful poll
		want       []string
		rejects    int
		errors     float64
		rejectBody string
	}{
		{
			name:   "a changed feed republishes only new items",
			script: []http.HandlerFunc{serve(http.StatusOK, rssFeed(two, one)), serve(http.StatusOK, rssFeed(three, two, one, resurfaced))},
			polls:  3, want: []string{"1", "2", "3"},
		},
		{
			name: "an item dated in the future does not hold newer ones back",
			script: []http.HandlerFunc{
				serve(http.StatusOK, rssFeed(item{"f", "future", testNow.Add(365 * 24 * time.Hour)}, one)),
				serve(http.StatusOK, rssFeed(three, item{"f", "future", testNow.Add(365 * 24 * time.Hour)}, one)),
			},
			polls: 3, want: []string{"1", "3", "f"},
		},
		{
			name:   "429 with Retry-After, then the feed",
			script: []http.HandlerFunc{serve(http.StatusTooManyRequests, "slow down", "Retry-After", "1"), serve(http.StatusOK, rssFeed(one))},
			polls:  2, want: []string{"1"},
		},
		{
			name:   "500 then the feed",
			script: []http.HandlerFunc{serve(http.StatusInternalServerError, "oops"), serve(http.StatusOK, rssFeed(one, two))},
			polls:  2, want: []string{"1", "2"},
		},
		{
			name:       "a malformed body is dead-lettered and the next poll goes on",
			script:     []http.HandlerFunc{serve(http.StatusOK, "<html><body>Service unavailable"), serve(http.StatusOK, rssFeed(one))},
			polls:      2,
			want:       []string{"1"},
			rejects:    1,
			errors:     1,
			rejectBody: "<html><body>Service unavailable",
		},
		{
			name:   "404 is an error, not a crash",
			script: []http.HandlerFunc{serve(http.StatusNotFound, "gone"), serve(http.StatusOK, rssFeed(two))},
			polls:  2, want: []string{"2"}, errors: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, tt.script...)
			h := ingesttest.NewHarnessAt(t, testNow, nil)
			rec := ingesttest.NewRecorder(t)
			src := ingesttest.Build(t, New, Config{Name: "news", URL: srv.URL, Interval: time.Millisecond, RequestsPerMinute: 60000}, h.Deps())
			ingesttest.Collect(t, src, rec, func() bool { return srv.answered() >= tt.polls && h.PolledOK("news") })

			var want []string
			for _, g := range tt.want {
				want = append(want, "rss:https://news.example.com/a/"+g)
			}
			got := rec.IDs()
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("published %v, want %v", got, want)
			}
			rj := rec.Rejects()
			if len(rj) != tt.rejects {
				t.Fatalf("rejects = %+v, want %d", rj, tt.rejects)
			}
			if tt.rejectBody != "" && (string(rj[0].Body) != tt.rejectBody || rj[0].Class != "malformed" || rj[0].Source != "news") {
				t.Errorf("reject = %+v, want the raw body as malformed", rj[0])
			}
			if n := h.Errors("news"); n != tt.errors {
				t.Errorf("source errors = %v, want %v", n, tt.errors)
			}
		})
	}
}

func TestRestartResumes(t *testing.T) {
	items := make([]item, 6)
	for i := range items {
		items[i] = item{guid: string(rune('a' + i)), title: "item", at: testNow.Add(-time.Duration(10-i) * time.Hour)}
	}
	store := &checkpoint.Memory{}
	rec := ingesttest.NewRecorder(t)
	var body atomic.Value
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { serve(http.StatusOK, body.Load().(string))(w, r) })
	// The feed shows its newest three items, as feeds do, and moves on
	// while the collector is down.
	for run, window := range [][]item{items[0:3], items[2:5], items[3:6]} {
		window = slices.Clone(window)
		slices.Reverse(window)
		body.Store(rssFeed(window...))
		before := len(srv.requests())
		h := ingesttest.NewHarnessAt(t, testNow, store)
		h.Collect(t, ingesttest.Build(t, New, Config{Name: "news", URL: srv.URL}, h.Deps()), rec, nil)
		if n := len(srv.requests()) - before; n != 1 {
			t.Fatalf("run %d: %d requests, want one poll", run, n)
		}
	}
	ids := rec.IDs()
	seen := map[string]int{}
	for _, id := range ids {
		seen[id]++
	}
	for _, it := range items {
		id := "rss:https://news.example.com/a/" + it.guid
		if seen[id] != 1 {
			t.Errorf("%s published %d times, want once (all: %v)", id, seen[id], ids)
		}
	}
	if len(ids) != len(items) {
		t.Errorf("published %d events, want %d", len(ids), len(items))
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		keys []string
	}{
		{"minimal", Config{Name: "blog", URL: "https://blog.example.com/feed"}, nil},
		{"full", Config{Name: "reviews", URL: "http://r.example/rss", Kind: "review", Network: "web", Interval: time.Hour, RequestsPerMinute: 2}, nil},
		{"nothing", Config{}, []string{"name", "url"}},
		{"bad values", Config{Name: "a/b", URL: "feed.xml", Kind: "tweet", Network: "News!", Interval: time.Second, RequestsPerMinute: -1},
			[]string{"name", "url", "kind", "network", "interval", "requests_per_minute"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var keys []string
			for _, p := range tt.cfg.Validate() {
				keys = append(keys, p.Key)
				if p.Fix == "" {
					t.Errorf("%s: no fix given", p.Key)
				}
			}
			if !slices.Equal(keys, tt.keys) {
				t.Errorf("problems at %v, want %v", keys, tt.keys)
			}
		})
	}
	if _, err := New(Config{Name: "x", URL: "not a url"}, ingesttest.NewHarnessAt(t, testNow, nil).Deps()); err == nil || !strings.Contains(err.Error(), "url") {
		t.Errorf("New with a bad URL = %v, want an error naming url", err)
	}
}
