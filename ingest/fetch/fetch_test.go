package fetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/earshot-dev/earshot/internal/telemetry"
)

// script serves the listed answers in turn, then 200 {"ok":true}.
func script(t *testing.T, answers ...func(w http.ResponseWriter)) (*httptest.Server, *atomic.Int32, chan string) {
	t.Helper()
	var n atomic.Int32
	agents := make(chan string, 100)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		agents <- r.Header.Get("User-Agent")
		i := int(n.Add(1)) - 1
		if i < len(answers) {
			answers[i](w)
			return
		}
		w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &n, agents
}

func status(code int, headers ...string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(code)
		w.Write([]byte(`{"error":"nope"}`))
	}
}

func TestGetJSON(t *testing.T) {
	type out struct {
		OK bool `json:"ok"`
	}
	tests := []struct {
		name      string
		answers   []func(w http.ResponseWriter)
		wantCalls int32
		wantErr   func(error) bool
		minWait   time.Duration
	}{
		{"ok", nil, 1, nil, 0},
		{"429 with Retry-After seconds", []func(http.ResponseWriter){status(429, "Retry-After", "1")}, 2, nil, time.Second},
		{"500 then success", []func(http.ResponseWriter){status(500), status(503)}, 3, nil, 0},
		{"429 with X-RateLimit-Reset seconds", []func(http.ResponseWriter){status(429, "X-Ratelimit-Reset", "1")}, 2, nil, time.Second},
		{"404 is final", []func(http.ResponseWriter){status(404)}, 1, func(err error) bool {
			var se *StatusError
			return errors.As(err, &se) && se.Code == 404
		}, 0},
		{"500 forever gives up", []func(http.ResponseWriter){status(500), status(500), status(500), status(500), status(500)}, 3, func(err error) bool {
			var se *StatusError
			return errors.As(err, &se) && se.Code == 500
		}, 0},
		{"malformed body", []func(http.ResponseWriter){func(w http.ResponseWriter) { w.Write([]byte(`{"ok":tru`)) }}, 1, IsMalformed, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, calls, agents := script(t, tt.answers...)
			m := telemetry.New(nil)
			c := New("test", Options{MaxRetries: 2, BaseBackoff: 10 * time.Millisecond, Metrics: m})
			var got out
			start := time.Now()
			_, err := c.GetJSON(context.Background(), srv.URL, nil, &got)
			if tt.wantErr == nil && (err != nil || !got.OK) {
				t.Fatalf("err = %v, got %+v", err, got)
			}
			if tt.wantErr != nil && !tt.wantErr(err) {
				t.Fatalf("err = %v (%T)", err, err)
			}
			if calls.Load() != tt.wantCalls {
				t.Errorf("calls = %d, want %d", calls.Load(), tt.wantCalls)
			}
			if time.Since(start) < tt.minWait {
				t.Errorf("returned after %v, before the server's %v", time.Since(start), tt.minWait)
			}
			if ua := <-agents; ua != DefaultUserAgent {
				t.Errorf("User-Agent = %q", ua)
			}
			var counted float64
			for _, code := range []int{200, 404, 429, 500, 503} {
				counted += testutil.ToFloat64(m.SourceReqs.WithLabelValues("test", strconv.Itoa(code)))
			}
			if counted != float64(tt.wantCalls) {
				t.Errorf("requests counted %v, want %d", counted, tt.wantCalls)
			}
		})
	}
}

func TestRemainingZeroPausesNextRequest(t *testing.T) {
	srv, _, _ := script(t, func(w http.ResponseWriter) {
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(2*time.Second).Unix(), 10))
		w.Write([]byte(`{}`))
	})
	c := New("test", Options{})
	var v map[string]any
	if _, err := c.GetJSON(context.Background(), srv.URL, nil, &v); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := c.GetJSON(context.Background(), srv.URL, nil, &v); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) < 900*time.Millisecond {
		t.Errorf("second request after %v: the exhausted budget was not waited out", time.Since(start))
	}
}

func TestContextEndsBackoff(t *testing.T) {
	srv, _, _ := script(t, status(429, "Retry-After", "3600"))
	c := New("test", Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	var v map[string]any
	if _, err := c.GetJSON(ctx, srv.URL, nil, &v); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the context's deadline", err)
	}
}

func TestBudget(t *testing.T) {
	srv, calls, _ := script(t)
	c := New("test", Options{RequestsPerMinute: 600}) // one per 100 ms
	start := time.Now()
	var v map[string]any
	for range 4 {
		if _, err := c.GetJSON(context.Background(), srv.URL, nil, &v); err != nil {
			t.Fatal(err)
		}
	}
	if calls.Load() != 4 || time.Since(start) < 250*time.Millisecond {
		t.Errorf("4 requests in %v with a budget of 10/s", time.Since(start))
	}
}
