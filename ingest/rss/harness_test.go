package rss

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/ingest/fetch"
	"github.com/earshot-dev/earshot/internal/telemetry"
	"github.com/earshot-dev/earshot/schema"
)

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// recorder stands in for Kafka: it keeps what a source publishes and
// rejects, and holds every envelope to the real event schemas.
type recorder struct {
	t       *testing.T
	v       *event.Validator
	mu      sync.Mutex
	envs    []event.Envelope
	rejects []ingest.Rejected
}

func newRecorder(t *testing.T) *recorder {
	t.Helper()
	v, err := event.NewValidator(schema.Events)
	if err != nil {
		t.Fatal(err)
	}
	return &recorder{t: t, v: v}
}

func (r *recorder) Publish(_ context.Context, envs ...event.Envelope) error {
	for _, env := range envs {
		raw, err := env.Encode()
		if err != nil {
			r.t.Errorf("encode %s: %v", env.ID, err)
			continue
		}
		if err := r.v.Validate(raw); err != nil {
			r.t.Errorf("envelope %s fails the schema: %v\n%s", env.ID, err, raw)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.envs = append(r.envs, envs...)
	return nil
}

func (r *recorder) Reject(_ context.Context, rej ingest.Rejected) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rejects = append(r.rejects, rej)
	return nil
}

func (r *recorder) ids() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids := make([]string, len(r.envs))
	for i, e := range r.envs {
		ids[i] = e.ID
	}
	return ids
}

func (r *recorder) rejected() []ingest.Rejected {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]ingest.Rejected(nil), r.rejects...)
}

func (r *recorder) mentions(t *testing.T) map[string]event.Mention {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]event.Mention{}
	for _, e := range r.envs {
		var m event.Mention
		if err := e.Decode(&m); err != nil {
			t.Fatal(err)
		}
		out[e.ID] = m
	}
	return out
}

// server answers each request with the next scripted answer, repeating the
// last one, and keeps the requests it saw.
type server struct {
	*httptest.Server
	mu      sync.Mutex
	script  []http.HandlerFunc
	reqs    []*http.Request
	answers int
}

func newServer(t *testing.T, script ...http.HandlerFunc) *server {
	s := &server{script: script}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.reqs = append(s.reqs, r)
		h := s.script[min(len(s.reqs), len(s.script))-1]
		s.mu.Unlock()
		h(w, r)
		s.mu.Lock()
		s.answers++
		s.mu.Unlock()
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) requests() []*http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*http.Request(nil), s.reqs...)
}

func (s *server) answered() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.answers
}

func serve(code int, body string, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		if code == http.StatusOK {
			w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		}
		w.WriteHeader(code)
		fmt.Fprint(w, body)
	}
}

type item struct {
	guid, title string
	at          time.Time
}

// rssFeed writes an RSS 2.0 document with the items.
func rssFeed(items ...item) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Acme News</title><link>https://news.example.com/</link>`)
	for _, it := range items {
		fmt.Fprintf(&b, `<item><title>%s</title><link>https://news.example.com/a/%s</link><guid>https://news.example.com/a/%s</guid><pubDate>%s</pubDate><description>About Acme: %s</description></item>`,
			it.title, it.guid, it.guid, it.at.Format(time.RFC1123Z), it.title)
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

func testDeps(t *testing.T, store ingest.Checkpoints) (ingest.Deps, *telemetry.Metrics) {
	m := telemetry.New(nil)
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return ingest.Deps{
		Checkpoints: store,
		Fetch:       fetch.Options{BaseBackoff: 5 * time.Millisecond, MaxRetries: 3, Metrics: m, Log: log},
		Backfill:    7 * 24 * time.Hour,
		Metrics:     m,
		Log:         log,
		Now:         func() time.Time { return testNow },
	}, m
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// runUntil runs src until done says so (or 20 s pass, which fails the
// test rather than hanging it), then stops it and checks it stopped clean.
func runUntil(t *testing.T, src ingest.Source, pub ingest.Publisher, done func() bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- src.Run(ctx, pub) }()
	deadline := time.Now().Add(20 * time.Second)
	for !done() {
		if time.Now().After(deadline) {
			cancel()
			<-errc
			t.Fatal("source did not get there in 20 s")
		}
		time.Sleep(2 * time.Millisecond)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("Run = %v, want nil after cancel", err)
	}
}

// polled reports that the named source completed a poll (SourceOK is
// recorded after the checkpoint is saved).
func polled(m *telemetry.Metrics, name string) func() bool {
	return func() bool { return testutil.ToFloat64(m.SourceSuccess.WithLabelValues(name)) > 0 }
}
