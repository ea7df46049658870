package notify

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

var (
	t0 = time.Date(2026, 11, 3, 14, 0, 0, 0, time.UTC)
	t1 = t0.Add(time.Hour)
)

// sample is a firing spike with every part an alert can carry.
func sample() Alert {
	return Alert{
		GroupKey: "acme/mentions/1h/2026-11-03T14:00:00Z",
		State:    StateFiring,
		Brand:    "Acme",
		Metric:   MetricMentions,
		Window:   "1h",
		Start:    t0,
		End:      t1,
		Observed: 412,
		Expected: 80.4, // a median need not be whole
		Score:    0.97,
		Sentiment: Sentiment{
			Positive: 100, Neutral: 56, Negative: 256, NegativeBefore: 0.18,
		},
		TopMentions: []Mention{
			{Network: "x", Author: "@bigvoice", Text: "Acme's checkout has been down for an hour <again> & nobody answers", URL: "https://x.com/bigvoice/status/1", Reach: 120000},
			{Network: "reddit", Author: "u/angry", Text: "Is Acme down for anyone else?", URL: "https://reddit.com/r/acme/1", Reach: 5400},
		},
		TopTerms:     []string{"#acmedown", "outage", "checkout"},
		TopNetworks:  []Count{{"x", 300}, {"reddit", 80}, {"mastodon", 32}},
		DashboardURL: "http://grafana.local/d/earshot-mentions?from=1793714400000&to=1793718000000",
	}
}

// request is what a test server received.
type request struct {
	Method, Path string
	Header       http.Header
	Body         []byte
}

// recorder answers with the scripted statuses in turn (200 once they run
// out) and keeps every request.
type recorder struct {
	mu     sync.Mutex
	script []func(http.ResponseWriter)
	got    []request
}

func status(code int, headers ...string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(code)
		_, _ = io.WriteString(w, http.StatusText(code))
	}
}

func serve(t *testing.T, script ...func(http.ResponseWriter)) (*recorder, *httptest.Server) {
	t.Helper()
	rec := &recorder{script: script}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("read request body: %v", err)
		}
		rec.mu.Lock()
		rec.got = append(rec.got, request{r.Method, r.URL.Path, r.Header.Clone(), body})
		answer := status(http.StatusOK)
		if len(rec.script) > 0 {
			answer, rec.script = rec.script[0], rec.script[1:]
		}
		rec.mu.Unlock()
		answer(w)
	}))
	t.Cleanup(srv.Close)
	return rec, srv
}

func (r *recorder) requests() []request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]request(nil), r.got...)
}

// only returns the one request the server got.
func (r *recorder) only(t *testing.T) request {
	t.Helper()
	got := r.requests()
	if len(got) != 1 {
		t.Fatalf("server got %d requests, want 1", len(got))
	}
	return got[0]
}
