package ingesttest

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/ingest/checkpoint"
	"github.com/earshot-dev/earshot/ingest/fetch"
	"github.com/earshot-dev/earshot/internal/telemetry"
)

// Harness is what a collector under test is built with: a checkpoint
// store in memory, metrics of its own and a log kept for assertions.
// Set Backfill and Now before calling Deps to change them.
type Harness struct {
	Store   *checkpoint.Memory
	Metrics *telemetry.Metrics
	// Logs has everything the source logged, at debug level and up; it
	// goes to the test's output too, shown when the test fails.
	Logs *LockedBuffer
	// Backfill is Deps().Backfill: a week, unless changed.
	Backfill time.Duration
	// Now is Deps().Now: time.Now, unless changed (to a fixed instant,
	// say).
	Now func() time.Time

	t testing.TB
}

// NewHarness returns a Harness for t.
func NewHarness(t testing.TB) *Harness {
	return &Harness{
		Store:    &checkpoint.Memory{},
		Metrics:  telemetry.New(nil),
		Logs:     &LockedBuffer{},
		Backfill: 7 * 24 * time.Hour,
		Now:      time.Now,
		t:        t,
	}
}

// Deps returns the dependencies of a source under test. Fetch backs off
// for milliseconds, not seconds, so retries of 5xx answers stay short
// (a server's Retry-After is still honoured, up to 2 s).
func (h *Harness) Deps() ingest.Deps {
	out := io.MultiWriter(h.Logs, h.t.Output())
	return ingest.Deps{
		Checkpoints: h.Store,
		Fetch:       fetch.Options{BaseBackoff: 5 * time.Millisecond, MaxBackoff: 2 * time.Second, MaxRetries: 3},
		Backfill:    h.Backfill,
		Metrics:     h.Metrics,
		Log:         slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:         h.Now,
	}
}

// Errors is the source's error count (failed polls, malformed answers).
func (h *Harness) Errors(name string) float64 {
	return testutil.ToFloat64(h.Metrics.SourceErrors.WithLabelValues(name))
}

// Requests counts the source's HTTP answers with status ("200", "429",
// or "error" for a request that got no answer).
func (h *Harness) Requests(name, status string) float64 {
	return testutil.ToFloat64(h.Metrics.SourceReqs.WithLabelValues(name, status))
}

// PolledOK reports whether the source has completed a poll without
// error; collectors record that after the poll's checkpoints are saved.
func (h *Harness) PolledOK(name string) bool {
	return testutil.ToFloat64(h.Metrics.SourceSuccess.WithLabelValues(name)) > 0
}

// LockedBuffer is a bytes.Buffer safe for concurrent use: a source's
// goroutine writes to it while the test reads it.
type LockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write implements io.Writer.
func (b *LockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *LockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Answer is a canned HTTP answer for a fake API: status code, body
// (served as JSON) and headers given as name, value pairs, which may
// override the Content-Type.
func Answer(code int, body string, headers ...string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(code)
		_, _ = w.Write([]byte(body))
	}
}
