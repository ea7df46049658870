package appstore

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest/checkpoint"
	"github.com/earshot-dev/earshot/ingest/ingesttest"
)

func stars(f float64) *float64 { return &f }

func TestFeedShape(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	requests := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(paths)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		m := feedPath.FindStringSubmatch(r.URL.Path)
		if m == nil || m[1] != "us" || m[3] != app {
			http.NotFound(w, r)
			return
		}
		http.ServeFile(w, r, "testdata/page"+m[2]+".json")
	}))
	defer srv.Close()
	h := ingesttest.NewHarnessAt(t, testNow, nil)
	rec := ingesttest.NewRecorder(t)
	src := newSource(t, h, Config{BaseURL: srv.URL + "/", Backfill: 30 * 24 * time.Hour, Interval: time.Millisecond})
	// Pages 1-3, then one page of the second poll, which meets the newest
	// review; the fifth request proves that poll finished.
	ingesttest.Collect(t, src, rec, func() bool { return len(requests()) >= 5 })

	want := map[string]event.Mention{
		"appstore:11800000002": {
			Network: "appstore", NativeID: "11800000002", Kind: "review",
			URL:    "https://apps.apple.com/us/app/id555000111?see-all=reviews",
			Author: event.Author{ID: "98765432", Handle: "rocketfan", Name: "rocketfan"},
			Title:  "Crashes on launch (v4.2.1)", Text: "Since the update the app crashes\nevery time I open it.",
			Country: "us", Site: "apps.apple.com", Rating: stars(2), Likes: 3,
			CreatedAt: time.Date(2026, 2, 27, 16, 15, 0, 0, time.UTC),
		},
		"appstore:11800000001": {
			Network: "appstore", NativeID: "11800000001", Kind: "review",
			URL:    "https://apps.apple.com/us/app/id555000111?see-all=reviews",
			Author: event.Author{ID: "12345", Handle: "Dana", Name: "Dana"},
			Title:  "Love it (v4.2.0)", Text: "Best rocket app, better than Zenith.",
			Country: "us", Site: "apps.apple.com", Rating: stars(5),
			CreatedAt: time.Date(2026, 2, 27, 3, 0, 0, 0, time.UTC),
		},
		// page 2 holds a single review, which the feed renders as an
		// object rather than an array.
		"appstore:11799999990": {
			Network: "appstore", NativeID: "11799999990", Kind: "review",
			URL:    "https://apps.apple.com/us/app/id555000111?see-all=reviews",
			Author: event.Author{ID: "4242", Handle: "quiet user", Name: "quiet user"},
			Title:  "Solid (v4.1.9)", Text: "Does what it says.",
			Country: "us", Site: "apps.apple.com", Rating: stars(4),
			CreatedAt: time.Date(2026, 2, 20, 15, 0, 0, 0, time.UTC),
		},
	}
	got := ingesttest.Mentions(t, rec)
	if len(got) != len(want) || len(rec.IDs()) != len(want) {
		t.Errorf("published %v, want %d reviews once", rec.IDs(), len(want))
	}
	for id, w := range want {
		g, ok := got[id]
		if !ok {
			t.Errorf("no %s among %v", id, rec.IDs())
			continue
		}
		if *g.Rating != *w.Rating || !g.CreatedAt.Equal(w.CreatedAt) {
			t.Errorf("%s: rating %v at %v, want %v at %v", id, *g.Rating, g.CreatedAt, *w.Rating, w.CreatedAt)
		}
		g.Rating, w.Rating, g.CreatedAt = nil, nil, w.CreatedAt
		if g != w {
			t.Errorf("%s:\n got %+v\nwant %+v", id, g, w)
		}
	}
	rj := rec.Rejects()
	if len(rj) != 1 || rj[0].Class != "invalid" || !strings.Contains(string(rj[0].Body), `"five"`) {
		t.Errorf("%d rejects, want only the entry with rating \"five\"", len(rj))
	}
	page := func(n string) string {
		return "/us/rss/customerreviews/page=" + n + "/id=555000111/sortby=mostrecent/json"
	}
	wantPaths := []string{page("1"), page("2"), page("3"), page("1")}
	if got := requests()[:4]; !slices.Equal(got, wantPaths) {
		t.Errorf("requested %v, want %v", got, wantPaths)
	}
}

func TestPaging(t *testing.T) {
	tests := []struct {
		name     string
		reviews  int
		cfg      Config
		want     int // reviews published: the newest ones
		requests int
	}{
		{"to the last page", 120, Config{}, 120, 4},
		{"first run stops at the backfill", 300, Config{}, 168, 4}, // the harness backfills 7 days; one review an hour
		{"config backfill wins", 300, Config{Backfill: 24 * time.Hour}, 24, 1},
		{"Apple's ten pages at most", 600, Config{Backfill: 60 * 24 * time.Hour}, 500, 10},
		{"max_pages", 600, Config{Backfill: 60 * 24 * time.Hour, MaxPages: 2}, 100, 2},
		{"no reviews", 0, Config{}, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeApple(t)
			ids := f.add("us", 1000, tt.reviews, testNow.Add(-time.Hour))
			cfg := tt.cfg
			cfg.BaseURL = f.URL
			h := ingesttest.NewHarnessAt(t, testNow, nil)
			rec := ingesttest.NewRecorder(t)
			h.Collect(t, newSource(t, h, cfg), rec, nil)

			var want []string
			for _, id := range ids[:tt.want] {
				want = append(want, "appstore:"+id)
			}
			if got := rec.IDs(); !slices.Equal(got, want) {
				t.Errorf("published %d reviews %v…, want the newest %d", len(got), got[:min(3, len(got))], tt.want)
			}
			if n := len(f.requests()); n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
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
		{name: "429 with Retry-After", script: []func(http.ResponseWriter){ingesttest.Answer(http.StatusTooManyRequests, "Too Many Requests", "Retry-After", "1")}},
		{name: "500 then the feed", script: []func(http.ResponseWriter){ingesttest.Answer(http.StatusInternalServerError, "oops"), ingesttest.Answer(http.StatusServiceUnavailable, "busy")}},
		{
			name:    "a malformed page is dead-lettered, the poll retried",
			script:  []func(http.ResponseWriter){nil, ingesttest.Answer(http.StatusOK, `{"feed":{"entry":[{"id":`)},
			errors:  1,
			rejects: []string{`{"feed":{"entry":[{"id":`},
		},
		{
			name:    "a JSON body that is no feed",
			script:  []func(http.ResponseWriter){ingesttest.Answer(http.StatusOK, `{"errorMessage":"Invalid value(s) for key(s): [resourceType]","queryParameters":{"output":"json"}}`)},
			errors:  1,
			rejects: []string{`{"errorMessage":"Invalid value(s) for key(s): [resourceType]","queryParameters":{"output":"json"}}`},
		},
		{name: "403 fails the poll, the next one collects", script: []func(http.ResponseWriter){ingesttest.Answer(http.StatusForbidden, "Forbidden")}, errors: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeApple(t, tt.script...)
			ids := f.add("us", 1, 60, testNow.Add(-time.Hour))
			h := ingesttest.NewHarnessAt(t, testNow, nil)
			rec := ingesttest.NewRecorder(t)
			h.Collect(t, newSource(t, h, Config{BaseURL: f.URL, Interval: time.Millisecond}), rec, nil)

			got := rec.IDs()
			if len(got) != len(ids) {
				t.Errorf("published %d reviews, want %d once", len(got), len(ids))
			}
			var rejects []ingesttest.WantReject // malformed pages, keyed by their URL
			for _, body := range tt.rejects {
				rejects = append(rejects, ingesttest.WantReject{Source: "acme-ios", Class: "malformed", Body: body, Key: "/customerreviews/"})
			}
			ingesttest.CheckRejects(t, rec.Rejects(), rejects...)
			if n := h.Errors("acme-ios"); n != tt.errors {
				t.Errorf("source errors = %v, want %v", n, tt.errors)
			}
		})
	}
}

func TestRestartResumes(t *testing.T) {
	f := newFakeApple(t)
	store := &checkpoint.Memory{}
	rec := ingesttest.NewRecorder(t)
	cfg := Config{BaseURL: f.URL, Countries: []string{"us", "gb"}, Backfill: 30 * 24 * time.Hour}
	var all []string
	steps := []struct {
		add      map[string]int // new reviews per country
		requests int            // the run's requests
	}{
		{map[string]int{"us": 60, "gb": 10}, 5}, // us: pages 1, 2 and the empty 3; gb: 1 and the empty 2
		{map[string]int{"us": 30}, 2},           // one page each: us meets a known review, gb its newest
		{nil, 2},
	}
	next := 1
	for run, st := range steps {
		for _, cc := range cfg.Countries {
			if n := st.add[cc]; n > 0 {
				// Each run's reviews are newer than the last run's.
				newest := testNow.Add(-time.Duration(5-2*run) * 24 * time.Hour)
				for _, id := range f.add(cc, next, n, newest) {
					all = append(all, "appstore:"+id)
				}
				next += n
			}
		}
		before := len(f.requests())
		h := ingesttest.NewHarnessAt(t, testNow, store)
		h.Collect(t, newSource(t, h, cfg), rec, nil)
		if n := len(f.requests()) - before; n != st.requests {
			t.Errorf("run %d: %d requests, want %d", run, n, st.requests)
		}
	}
	ingesttest.NoDuplicates(t, rec.IDs())
	if got := ingesttest.Distinct(rec.IDs()); !slices.Equal(got, ingesttest.Distinct(all)) {
		t.Errorf("published %d distinct reviews, want %d once each: %v", len(got), len(all), got)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		keys []string
	}{
		{"minimal", Config{Name: "acme-ios", AppID: "284882215"}, nil},
		{"full", Config{Name: "acme-ios", AppID: "284882215", Countries: []string{"us", "id"}, Interval: 2 * time.Hour, RequestsPerMinute: 10, Backfill: time.Hour, MaxPages: 3, BaseURL: "http://proxy.internal:8080"}, nil},
		{"nothing", Config{}, []string{"name", "app_id"}},
		{"bad values", Config{Name: "a b", AppID: "id284882215", Countries: []string{"US", "usa"}, Interval: time.Second, RequestsPerMinute: -1, Backfill: -time.Hour, MaxPages: 11, BaseURL: "itunes.apple.com"},
			[]string{"name", "app_id", "countries[0]", "countries[1]", "base_url", "interval", "requests_per_minute", "backfill", "max_pages"}},
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
	if _, err := New(Config{Name: "x", AppID: "abc"}, ingesttest.NewHarnessAt(t, testNow, nil).Deps()); err == nil || !strings.Contains(err.Error(), "app_id") {
		t.Errorf("New with a bad app id = %v, want an error naming app_id", err)
	}
}

// FuzzPage sends arbitrary bodies through the page decoder and the
// mapping: a body is either refused or each of its reviews maps to a
// mention that passes the schema or is refused.
func FuzzPage(f *testing.F) {
	for _, name := range []string{"page1.json", "page2.json", "page3.json"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"feed":{"entry":null}}`))
	f.Add([]byte(`{"feed":{"entry":{"id":{"label":"1"},"im:rating":{"label":"5"},"updated":{"label":"2026-01-01T00:00:00Z"}}}}`))
	v := ingesttest.Validator(f)
	src := &Source{cfg: Config{Name: "fuzz", AppID: app}}
	f.Fuzz(func(t *testing.T, body []byte) {
		list, err := decodePage(body)
		if err != nil {
			return
		}
		for _, raw := range list {
			var e entry
			if json.Unmarshal(raw, &e) != nil || !e.isReview() {
				continue
			}
			m, _, err := src.mention(e, "us", testNow)
			if err != nil {
				continue
			}
			env, err := event.Wrap(event.SchemaMention, event.ID("appstore", m.NativeID), "fuzz", testNow, m)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := env.Encode()
			if err := v.Validate(b); err != nil {
				t.Errorf("entry %s: %v", raw, err)
			}
		}
	})
}
