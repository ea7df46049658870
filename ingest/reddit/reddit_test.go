package reddit

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/ingest/fetch"
	"github.com/earshot-dev/earshot/ingest/ingesttest"
)

// world fills the fake API: five posts match "acme" within the backfill,
// one is older than it and one does not match; three comments, one a
// reply, and a "more" stub.
func world(f *fakeReddit, now time.Time) {
	ago := func(d time.Duration) int64 { return now.Add(-d).Unix() }
	f.addPost(&fakePost{id: "p1", sub: "gadgets", title: "Acme rocket skates review", selftext: "Fast. Too fast.", author: "wile", created: ago(time.Hour), score: 52, more: true,
		comments: []*fakeComment{
			{id: "c1", parent: "t3_p1", body: "Mine caught fire", author: "rr", created: ago(50 * time.Minute), score: 4},
			{id: "c2", parent: "t1_c1", body: "Same, acme support was kind though", author: "marvin", created: ago(40 * time.Minute), score: -2},
		}})
	f.addPost(&fakePost{id: "p2", sub: "tools", title: "Love my acme anvil", selftext: "Heavy & solid", author: "bugs", created: ago(2 * time.Hour), score: 10})
	f.addPost(&fakePost{id: "p3", sub: "gadgets", title: "acme vs globex", author: "daffy", created: ago(3 * time.Hour), score: 3,
		comments: []*fakeComment{{id: "c3", parent: "t3_p3", body: "globex any day", author: "elmer", created: ago(2 * time.Hour), score: 1}}})
	// p4 and p5 share a second: the cursor must keep both.
	f.addPost(&fakePost{id: "p4", sub: "misc", title: "Acme support is slow", author: "taz", created: ago(5 * time.Hour)})
	f.addPost(&fakePost{id: "p5", sub: "tools", title: "acme delivery took a week", author: "porky", created: ago(5 * time.Hour)})
	f.addPost(&fakePost{id: "p6", sub: "tools", title: "acme in the old days", author: "yosemite", created: ago(30 * 24 * time.Hour)})
	f.addPost(&fakePost{id: "p7", sub: "tools", title: "globex launches", author: "sylvester", created: ago(time.Hour)})
}

var everything = []string{"reddit:t3_p1", "reddit:t3_p2", "reddit:t3_p3", "reddit:t3_p4", "reddit:t3_p5",
	"reddit:t1_c1", "reddit:t1_c2", "reddit:t1_c3"}

func config(f *fakeReddit) Config {
	return Config{
		Name: "reddit-test", ClientID: f.id, ClientSecret: f.pass, Queries: []string{"acme"},
		Interval: 20 * time.Millisecond, RequestsPerMinute: 60000,
		BaseURL: f.srv.URL, AuthURL: f.srv.URL + "/api/v1/access_token",
	}
}

func TestCollect(t *testing.T) {
	malformed := `{"kind": "Listing", "data": {"after": null, "children": [{"kind": "t3", "data": {"id": "p1", "name": "t3_p`
	tests := []struct {
		name   string
		config func(*Config)
		deps   func(*ingest.Deps)
		faults []fault
		want   []string
		errors float64 // source error metric at the end
		check  func(t *testing.T, f *fakeReddit, h *ingesttest.Harness, r *ingesttest.Recorder)
	}{
		{name: "pages to the end", want: everything, check: func(t *testing.T, f *fakeReddit, h *ingesttest.Harness, r *ingesttest.Recorder) {
			if f.count("search") < 2 {
				t.Errorf("%d search requests, want paging over several pages", f.count("search"))
			}
			if !f.agents[fetch.DefaultUserAgent] {
				t.Errorf("user agents %v, want the pipeline's %q", f.agents, fetch.DefaultUserAgent)
			}
		}},
		{name: "429 with Retry-After", want: everything,
			faults: []fault{{"search", ingesttest.Answer(429, `{"message": "Too Many Requests", "error": 429}`, "Retry-After", "1")}},
			check: func(t *testing.T, f *fakeReddit, h *ingesttest.Harness, r *ingesttest.Recorder) {
				if n := h.Requests("reddit-test", "429"); n != 1 {
					t.Errorf("429 answers counted %v, want 1", n)
				}
			}},
		{name: "500 then success", want: everything,
			faults: []fault{{"comments", ingesttest.Answer(500, `<html>upstream error</html>`)}, {"search", ingesttest.Answer(503, ``)}},
			check: func(t *testing.T, f *fakeReddit, h *ingesttest.Harness, r *ingesttest.Recorder) {
				if h.Requests("reddit-test", "500") != 1 || h.Requests("reddit-test", "503") != 1 {
					t.Error("want one 500 and one 503 counted")
				}
			}},
		{name: "expired token is renewed", want: everything,
			faults: []fault{{"comments", ingesttest.Answer(401, `{"message": "Unauthorized", "error": 401}`)}},
			check: func(t *testing.T, f *fakeReddit, h *ingesttest.Harness, r *ingesttest.Recorder) {
				if n := f.count("token"); n != 2 {
					t.Errorf("%d token requests, want 2: the first and one after the 401", n)
				}
			}},
		{name: "malformed search body", want: everything, errors: 1,
			faults: []fault{{"search", ingesttest.Answer(200, malformed)}},
			check: func(t *testing.T, f *fakeReddit, h *ingesttest.Harness, r *ingesttest.Recorder) {
				// The raw body of the search answer.
				ingesttest.CheckRejects(t, r.Rejects(), ingesttest.WantReject{Source: "reddit-test", Class: "malformed", Body: malformed, Key: "/search?"})
			}},
		{name: "malformed comment page is retried next poll", want: everything, errors: 1,
			faults: []fault{{"comments", ingesttest.Answer(200, `[{"kind": "Listing", "data": {"children": []}}]`)}},
			check: func(t *testing.T, f *fakeReddit, h *ingesttest.Harness, r *ingesttest.Recorder) {
				if rejects := r.Rejects(); len(rejects) != 1 {
					t.Errorf("%d rejects, want 1", len(rejects))
				}
			}},
		{name: "restricted to subreddits",
			config: func(c *Config) {
				c.Subreddits = []string{"gadgets", "tools"}
				c.UserAgent = "linux:earshot-test:0.1 (by /u/tester)"
			},
			want: []string{"reddit:t3_p1", "reddit:t3_p2", "reddit:t3_p3", "reddit:t3_p5", "reddit:t1_c1", "reddit:t1_c2", "reddit:t1_c3"},
			check: func(t *testing.T, f *fakeReddit, h *ingesttest.Harness, r *ingesttest.Recorder) {
				if !f.agents["linux:earshot-test:0.1 (by /u/tester)"] {
					t.Errorf("user agents %v, want the configured one", f.agents)
				}
			}},
		{name: "own backfill stops paging at its horizon", config: func(c *Config) { c.Backfill = 4 * time.Hour },
			want: []string{"reddit:t3_p1", "reddit:t3_p2", "reddit:t3_p3", "reddit:t1_c1", "reddit:t1_c2", "reddit:t1_c3"}},
		{name: "no backfill takes the first page", deps: func(d *ingest.Deps) { d.Backfill = 0 },
			want: []string{"reddit:t3_p1", "reddit:t3_p2", "reddit:t3_p3", "reddit:t1_c1", "reddit:t1_c2", "reddit:t1_c3"},
			check: func(t *testing.T, f *fakeReddit, h *ingesttest.Harness, r *ingesttest.Recorder) {
				if strings.Contains(strings.Join(f.queries, " "), "after=") {
					t.Error("paged back without a backfill")
				}
			}},
		{name: "comments off", config: func(c *Config) { off := false; c.Comments = &off },
			want: []string{"reddit:t3_p1", "reddit:t3_p2", "reddit:t3_p3", "reddit:t3_p4", "reddit:t3_p5"},
			check: func(t *testing.T, f *fakeReddit, h *ingesttest.Harness, r *ingesttest.Recorder) {
				if f.count("comments")+f.count("by_id") != 0 {
					t.Error("comments read though turned off")
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeReddit(t)
			world(f, time.Now())
			f.inject(tt.faults...)
			h := ingesttest.NewHarness(t)
			cfg := config(f)
			if tt.config != nil {
				tt.config(&cfg)
			}
			deps := h.Deps()
			if tt.deps != nil {
				tt.deps(&deps)
			}
			rec := ingesttest.NewRecorder(t)
			run := ingesttest.Start(t, ingesttest.Build(t, New, cfg, deps), rec)
			ingesttest.WaitForIDs(t, rec, tt.want...)
			ingesttest.Eventually(t, "a complete poll", func() bool { return h.PolledOK(cfg.Name) })
			// One more poll must add nothing.
			polls := f.count("search")
			ingesttest.Eventually(t, "one more poll", func() bool { return f.count("search") > polls })
			run.Stop()

			got := rec.IDs()
			ingesttest.NoDuplicates(t, got)
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tt.want))
			if !slices.Equal(got, want) {
				t.Errorf("published %v\nwant %v", got, want)
			}
			if n := h.Errors(cfg.Name); n != tt.errors {
				t.Errorf("source errors = %v, want %v", n, tt.errors)
			}
			if tt.check != nil {
				tt.check(t, f, h, rec)
			}
		})
	}
}

func TestRestartResumes(t *testing.T) {
	f := newFakeReddit(t)
	now := time.Now()
	world(f, now)
	h := ingesttest.NewHarness(t)
	cfg := config(f)
	first := ingesttest.NewRecorder(t)
	run := ingesttest.Start(t, ingesttest.Build(t, New, cfg, h.Deps()), first)
	ingesttest.WaitForIDs(t, first, everything...)
	// A poll is complete (cursor saved) when the success gauge is set.
	ingesttest.Eventually(t, "first run's poll", func() bool { return h.PolledOK(cfg.Name) })
	run.Stop()
	pagedBefore := strings.Count(strings.Join(f.queries, "\n"), "after=")

	// While stopped: a new post, a new comment on a followed thread and a
	// reply deep in another.
	f.addPost(&fakePost{id: "p8", sub: "tools", title: "acme again", author: "bugs", created: now.Add(-10 * time.Minute).Unix()})
	f.addComment("p3", &fakeComment{id: "c4", parent: "t3_p3", body: "acme for me", author: "lola", created: now.Add(-5 * time.Minute).Unix()})
	f.addComment("p1", &fakeComment{id: "c5", parent: "t1_c2", body: "agreed", author: "rr", created: now.Add(-4 * time.Minute).Unix()})

	second := ingesttest.NewRecorder(t)
	run = ingesttest.Start(t, ingesttest.Build(t, New, cfg, h.Deps()), second)
	added := []string{"reddit:t3_p8", "reddit:t1_c4", "reddit:t1_c5"}
	ingesttest.WaitForIDs(t, second, added...)
	// Two more polls must add nothing.
	polls := f.count("search")
	ingesttest.Eventually(t, "two more polls", func() bool { return f.count("search") >= polls+2 })
	run.Stop()

	got := second.IDs()
	slices.Sort(got)
	if want := slices.Sorted(slices.Values(added)); !slices.Equal(got, want) {
		t.Errorf("second run published %v, want only the new %v", got, want)
	}
	if paged := strings.Count(strings.Join(f.queries, "\n"), "after="); paged != pagedBefore {
		t.Errorf("second run paged back %d times; it should stop at the cursor on the first page", paged-pagedBefore)
	}
	ingesttest.NoDuplicates(t, append(first.IDs(), second.IDs()...))
}

// Reddit's X-Ratelimit-Remaining: 0 with X-Ratelimit-Reset in seconds to
// go must make the client wait for the reset before the next request.
func TestHonoursRateLimitHeaders(t *testing.T) {
	f := newFakeReddit(t)
	world(f, time.Now())
	exhausted := func(w http.ResponseWriter) {
		w.Header().Set("X-Ratelimit-Used", "600")
		w.Header().Set("X-Ratelimit-Remaining", "0.0")
		w.Header().Set("X-Ratelimit-Reset", "1")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte(`{"kind": "Listing", "data": {"after": null, "children": []}}`))
	}
	f.inject(fault{"search", exhausted})
	h := ingesttest.NewHarness(t)
	rec := ingesttest.NewRecorder(t)
	run := ingesttest.Start(t, ingesttest.Build(t, New, config(f), h.Deps()), rec)
	ingesttest.WaitForIDs(t, rec, everything...)
	run.Stop()
	if !strings.Contains(h.Logs.String(), "rate limit exhausted") {
		t.Errorf("the client did not pause for X-Ratelimit-Reset; log:\n%s", h.Logs)
	}
}

func TestMapping(t *testing.T) {
	f := newFakeReddit(t)
	now := time.Now()
	world(f, now)
	h := ingesttest.NewHarness(t)
	rec := ingesttest.NewRecorder(t)
	run := ingesttest.Start(t, ingesttest.Build(t, New, config(f), h.Deps()), rec)
	ingesttest.WaitForIDs(t, rec, everything...)
	run.Stop()
	envs := rec.Envelopes()
	byID := map[string]event.Mention{}
	for _, e := range envs {
		var m event.Mention
		if err := e.Decode(&m); err != nil {
			t.Fatal(err)
		}
		if e.Source != "reddit-test" || e.Schema != event.SchemaMention {
			t.Errorf("%s: source %q schema %q", e.ID, e.Source, e.Schema)
		}
		byID[e.ID] = m
	}
	p1, c2 := byID["reddit:t3_p1"], byID["reddit:t1_c2"]
	wantP1 := event.Mention{Network: "reddit", NativeID: "t3_p1", Kind: "post",
		URL: "https://www.reddit.com/r/gadgets/comments/p1/x/", Author: event.Author{ID: "t2_wile", Handle: "wile"},
		Title: "Acme rocket skates review", Text: "Acme rocket skates review\n\nFast. Too fast.", Site: "r/gadgets",
		Likes: 52, Comments: 2, CreatedAt: time.Unix(now.Add(-time.Hour).Unix(), 0).UTC()}
	if p1 != wantP1 {
		t.Errorf("p1 = %+v\nwant %+v", p1, wantP1)
	}
	if c2.Kind != "comment" || c2.ParentID != "t1_c1" || c2.Likes != 0 || c2.Text != "Same, acme support was kind though" || c2.Title != "Acme rocket skates review" {
		t.Errorf("c2 = %+v", c2)
	}
}
