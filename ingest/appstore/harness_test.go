package appstore

import (
	"context"
	"log/slog"
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
