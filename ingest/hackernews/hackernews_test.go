package hackernews

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest/checkpoint"
	"github.com/earshot-dev/earshot/ingest/ingesttest"
)

func TestHitShape(t *testing.T) {
	var query url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		query = r.URL.Query()
		http.ServeFile(w, r, "testdata/search_by_date.json")
	}))
	defer srv.Close()
	h := ingesttest.NewHarnessAt(t, testNow, nil)
	rec := ingesttest.NewRecorder(t)
	h.Collect(t, newSource(t, h, Config{BaseURL: srv.URL + "/api/v1/"}), rec, nil)

	wantQuery := url.Values{
		"query": {"acme"}, "tags": {"(story,comment)"}, "hitsPerPage": {"100"}, "page": {"0"},
		"numericFilters": {"created_at_i>1771761600"}, // testNow less the harness's 7-day backfill
	}
	for k, v := range wantQuery {
		if !slices.Equal(query[k], v) {
			t.Errorf("%s = %q, want %q", k, query[k], v)
		}
	}
	want := map[string]event.Mention{
		"hackernews:43210009": {
			Network: "hackernews", NativeID: "43210009", Kind: "comment",
			URL:    "https://news.ycombinator.com/item?id=43210009",
			Author: event.Author{ID: "rocketeer", Handle: "rocketeer"},
			Text:   "I switched to Acme last month & their support answered in minutes.\nCompare that with Zenith, where I waited a week. Really.",
			Site:   "news.ycombinator.com", ParentID: "43210005",
			CreatedAt: time.Date(2026, 2, 28, 18, 30, 0, 0, time.UTC),
		},
		"hackernews:43210002": {
			Network: "hackernews", NativeID: "43210002", Kind: "post",
			URL:    "https://news.ycombinator.com/item?id=43210002",
			Author: event.Author{ID: "founder", Handle: "founder"},
			Title:  "Show HN: Acme Rocket 2.0", Text: "We rebuilt the Acme Rocket engine from scratch.\nHappy to answer questions.",
			Site: "news.ycombinator.com", Likes: 57, Comments: 2,
			CreatedAt: time.Date(2026, 2, 28, 12, 0, 0, 0, time.UTC),
		},
		"hackernews:43210001": {
			Network: "hackernews", NativeID: "43210001", Kind: "post",
			URL:    "https://news.ycombinator.com/item?id=43210001",
			Author: event.Author{ID: "newsbot", Handle: "newsbot"},
			Title:  "Acme raises $10M for reusable rockets", Text: "Acme raises $10M for reusable rockets",
			Site: "news.ycombinator.com", Likes: 412, Comments: 143,
			CreatedAt: time.Date(2026, 2, 27, 9, 0, 0, 0, time.UTC),
		},
	}
	got := ingesttest.Mentions(t, rec)
	if len(got) != len(want) {
		t.Errorf("published %v, want %d", rec.IDs(), len(want))
	}
	for id, w := range want {
		g := got[id]
		if !g.CreatedAt.Equal(w.CreatedAt) {
			t.Errorf("%s: created_at %v, want %v", id, g.CreatedAt, w.CreatedAt)
		}
		g.CreatedAt = w.CreatedAt
		if g != w {
			t.Errorf("%s:\n got %+v\nwant %+v", id, g, w)
		}
	}
	rj := rec.Rejects()
	if len(rj) != 1 || rj[0].Class != "invalid" || !strings.Contains(string(rj[0].Body), `"43210000"`) {
		t.Errorf("rejects = %+v, want the deleted comment without author", rj)
	}
}

func TestPaging(t *testing.T) {
	tests := []struct {
		name     string
		hits     int
		step     time.Duration
		cfg      Config
		want     int // newest hits published
		requests int
	}{
		{"pages to nbPages", 250, time.Minute, Config{}, 250, 3},
		{"past Algolia's 1000 hits", 1500, time.Minute, Config{HitsPerPage: 200}, 1500, 8}, // 5 pages, then 501 hits below the oldest: 3
		{"first run reaches back the backfill", 240, time.Hour, Config{}, 167, 2},          // the harness: 7 days; created_at_i > now-168h
		{"config backfill wins", 240, time.Hour, Config{Backfill: 24 * time.Hour}, 23, 1},
		{"nothing found", 0, time.Hour, Config{}, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeAlgolia(t)
			ids := f.add(1000, tt.hits, testNow.Add(-tt.step), tt.step, "acme rockets")
			f.add(900000, 5, testNow.Add(-time.Minute), time.Minute, "zenith") // matches no query
			cfg := tt.cfg
			cfg.BaseURL = f.URL + "/api/v1"
			h := ingesttest.NewHarnessAt(t, testNow, nil)
			rec := ingesttest.NewRecorder(t)
			h.Collect(t, newSource(t, h, cfg), rec, nil)

			got := rec.IDs()
			var want []string
			for _, id := range ids[:tt.want] {
				want = append(want, "hackernews:"+id)
			}
			if !slices.Equal(got, want) {
				t.Errorf("published %d hits, want the newest %d", len(got), tt.want)
			}
			if n := len(f.requests()); n != tt.requests {
				t.Errorf("%d requests, want %d: %v", n, tt.requests, f.requests())
			}
		})
	}
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name    string
		script  []func(http.ResponseWriter)
		errors  float64
		rejects []string // raw bodies dead-lettered
	}{
		{name: "429 with Retry-After", script: []func(http.ResponseWriter){ingesttest.Answer(http.StatusTooManyRequests, `{"message":"Too many requests","status":429}`, "Retry-After", "1")}},
		{name: "500 then the results", script: []func(http.ResponseWriter){ingesttest.Answer(http.StatusInternalServerError, "oops"), ingesttest.Answer(http.StatusBadGateway, "bad gateway")}},
		{
			name:    "a malformed page is dead-lettered, the poll retried",
			script:  []func(http.ResponseWriter){nil, ingesttest.Answer(http.StatusOK, `{"hits":[{"objectID":"1",`)},
			errors:  1,
			rejects: []string{`{"hits":[{"objectID":"1",`},
		},
		{
			name:    "a JSON body without hits",
			script:  []func(http.ResponseWriter){ingesttest.Answer(http.StatusOK, `{"message":"Index does not exist","status":404}`)},
			errors:  1,
			rejects: []string{`{"message":"Index does not exist","status":404}`},
		},
		{name: "400 fails the poll, the next one collects", script: []func(http.ResponseWriter){ingesttest.Answer(http.StatusBadRequest, `{"message":"invalid","status":400}`)}, errors: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeAlgolia(t, tt.script...)
			ids := f.add(1, 150, testNow.Add(-time.Minute), time.Minute, "acme")
			h := ingesttest.NewHarnessAt(t, testNow, nil)
			rec := ingesttest.NewRecorder(t)
			h.Collect(t, newSource(t, h, Config{BaseURL: f.URL + "/api/v1", Interval: time.Millisecond}), rec, nil)

			var want []string
			for _, id := range ids {
				want = append(want, "hackernews:"+id)
			}
			// A failed poll may have published its first page already;
			// the retry publishes it again, which the store deduplicates.
			if got := ingesttest.Distinct(rec.IDs()); !slices.Equal(got, ingesttest.Distinct(want)) {
				t.Errorf("published %d distinct hits, want %d", len(got), len(want))
			}
			var rejects []ingesttest.WantReject // malformed pages, keyed by their URL
			for _, body := range tt.rejects {
				rejects = append(rejects, ingesttest.WantReject{Source: "hn", Class: "malformed", Body: body, Key: "search_by_date?"})
			}
			ingesttest.CheckRejects(t, rec.Rejects(), rejects...)
			if n := h.Errors("hn"); n != tt.errors {
				t.Errorf("source errors = %v, want %v", n, tt.errors)
			}
		})
	}
}

func TestRestartResumes(t *testing.T) {
	f := newFakeAlgolia(t)
	store := &checkpoint.Memory{}
	rec := ingesttest.NewRecorder(t)
	cfg := Config{BaseURL: f.URL + "/api/v1", Queries: []string{"acme", "rocket"}}
	var all []string
	keep := func(ids []string) {
		for _, id := range ids {
			all = append(all, "hackernews:"+id)
		}
	}
	newest := testNow.Add(-2 * 24 * time.Hour)
	keep(f.add(1, 50, newest, time.Hour, "acme"))
	keep(f.add(100, 5, newest, time.Hour, "rocket"))
	steps := []func(){
		nil,
		func() {
			keep(f.add(200, 20, testNow.Add(-time.Hour), time.Minute, "acme"))
			// A straggler: created before the newest hit the last run saw,
			// indexed only after that run.
			keep(f.add(300, 1, newest.Add(-5*time.Minute), time.Minute, "acme"))
		},
		nil, // nothing new: nothing published
	}
	for run, step := range steps {
		if step != nil {
			step()
		}
		before := len(f.requests())
		h := ingesttest.NewHarnessAt(t, testNow, store)
		h.Collect(t, newSource(t, h, cfg), rec, nil)
		if n := len(f.requests()) - before; n != 2 {
			t.Errorf("run %d: %d requests, want one per query", run, n)
		}
	}
	ingesttest.NoDuplicates(t, rec.IDs())
	if got := ingesttest.Distinct(rec.IDs()); !slices.Equal(got, ingesttest.Distinct(all)) {
		t.Errorf("published %d distinct hits, want %d once each: %v", len(got), len(all), got)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		keys []string
	}{
		{"minimal", Config{Name: "hn", Queries: []string{"acme"}}, nil},
		{"full", Config{Name: "hn", Queries: []string{"acme", `"acme rocket"`}, Interval: time.Minute, RequestsPerMinute: 30, Backfill: 72 * time.Hour, HitsPerPage: 1000, BaseURL: "http://proxy.internal/api/v1"}, nil},
		{"nothing", Config{}, []string{"name", "queries"}},
		{"bad values", Config{Name: "h/n", Queries: []string{"acme", " ", "acme"}, Interval: time.Second, RequestsPerMinute: -1, Backfill: -time.Hour, HitsPerPage: 5000, BaseURL: "hn.algolia.com"},
			[]string{"name", "queries[1]", "queries[2]", "base_url", "interval", "requests_per_minute", "backfill", "hits_per_page"}},
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
	if _, err := New(Config{Name: "hn"}, ingesttest.NewHarnessAt(t, testNow, nil).Deps()); err == nil || !strings.Contains(err.Error(), "queries") {
		t.Errorf("New without queries = %v, want an error naming queries", err)
	}
}

// FuzzResult sends arbitrary bodies through the result decoder and the
// mapping: a body is refused, or each hit maps to a mention that passes
// the schema, or is refused.
func FuzzResult(f *testing.F) {
	b, err := os.ReadFile("testdata/search_by_date.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"hits":[],"nbHits":0,"nbPages":0}`))
	f.Add([]byte(`{"hits":[{"objectID":"7","author":"a","created_at":"2026-01-01T00:00:00Z","_tags":["story"],"points":-3}]}`))
	v := ingesttest.Validator(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		res, err := decodeResult(body)
		if err != nil {
			return
		}
		for _, raw := range *res.Hits {
			var h hit
			if json.Unmarshal(raw, &h) != nil {
				continue
			}
			m, _, err := mention(h)
			if err != nil {
				continue
			}
			env, err := event.Wrap(event.SchemaMention, event.ID("hackernews", m.NativeID), "fuzz", testNow, m)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := env.Encode()
			if err := v.Validate(b); err != nil {
				t.Errorf("hit %s: %v", raw, err)
			}
		}
	})
}
