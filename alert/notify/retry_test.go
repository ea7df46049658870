package notify

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"
)

// sleeps records the waits Retrying asked for instead of waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return nil
}

func TestRetrying(t *testing.T) {
	tests := []struct {
		name      string
		script    []func(http.ResponseWriter)
		wantCalls int
		wantErr   int // status of the returned error, 0 for none
		wantWaits []time.Duration
	}{
		{"500 then 200: one delivery", []func(http.ResponseWriter){status(500), status(200)}, 2, 0, nil},
		{"400: no retry", []func(http.ResponseWriter){status(400)}, 1, 400, []time.Duration{}},
		{"404: no retry", []func(http.ResponseWriter){status(404)}, 1, 404, []time.Duration{}},
		{"429 honours Retry-After seconds", []func(http.ResponseWriter){status(429, "Retry-After", "7"), status(200)}, 2, 0, []time.Duration{7 * time.Second}},
		{"Retry-After is capped", []func(http.ResponseWriter){status(503, "Retry-After", "86400"), status(200)}, 2, 0, []time.Duration{time.Minute}},
		{"5xx until out of attempts", []func(http.ResponseWriter){status(502), status(503), status(500)}, 3, 500, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, srv := serve(t, tt.script...)
			var s sleeps
			r := Retrying{Notifier: Webhook{URL: srv.URL}, Attempts: 3, Base: 10 * time.Millisecond, MaxWait: time.Minute, sleep: s.sleep}
			err := r.Notify(context.Background(), sample())
			if got := len(rec.requests()); got != tt.wantCalls {
				t.Errorf("%d requests, want %d", got, tt.wantCalls)
			}
			var se *StatusError
			switch {
			case tt.wantErr == 0 && err != nil:
				t.Errorf("error %v, want delivery", err)
			case tt.wantErr != 0 && (!errors.As(err, &se) || se.Code != tt.wantErr):
				t.Errorf("error %v, want status %d", err, tt.wantErr)
			}
			if len(s.d) != tt.wantCalls-1 {
				t.Errorf("%d waits, want one between each of %d tries", len(s.d), tt.wantCalls)
			}
			if tt.wantWaits != nil {
				for i, w := range tt.wantWaits {
					if s.d[i] != w {
						t.Errorf("wait %d = %v, want %v", i, s.d[i], w)
					}
				}
			}
			for i, d := range s.d {
				if ceiling := r.Base << i; tt.wantWaits == nil && (d < 0 || d > ceiling) {
					t.Errorf("backoff %d = %v, outside [0, %v]", i, d, ceiling)
				}
			}
		})
	}
}

// fails is a notifier that fails with err every time.
type fails struct {
	err   error
	calls int
}

func (f *fails) Name() string { return "fails" }
func (f *fails) Notify(context.Context, Alert) error {
	f.calls++
	return f.err
}

func TestRetryingClassifies(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		wantCalls int
	}{
		{"transport error retried", errors.New("connection reset"), 4},
		{"permanent not retried", Permanent(errors.New("bad config")), 1},
		{"wrapped permanent not retried", errors.Join(errors.New("ctx"), Permanent(errors.New("bad"))), 1},
		{"cancelled not retried", context.Canceled, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fails{err: tt.err}
			var s sleeps
			err := Retrying{Notifier: f, sleep: s.sleep}.Notify(context.Background(), sample())
			if !errors.Is(err, tt.err) {
				t.Errorf("error %v does not wrap %v", err, tt.err)
			}
			if f.calls != tt.wantCalls {
				t.Errorf("%d calls, want %d", f.calls, tt.wantCalls)
			}
		})
	}
}

// A cancelled context ends the wait instead of sleeping it out.
func TestRetryingStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f := &fails{err: errors.New("down")}
	r := Retrying{Notifier: f, Base: time.Hour, sleep: func(ctx context.Context, d time.Duration) error {
		cancel()
		return sleepCtx(ctx, d)
	}}
	err := r.Notify(ctx, sample())
	if !errors.Is(err, context.Canceled) || f.calls != 1 {
		t.Errorf("error %v after %d calls, want context.Canceled after 1", err, f.calls)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 3, 14, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"12", 12 * time.Second},
		{"-3", 0},
		{"Tue, 03 Nov 2026 14:00:30 GMT", 30 * time.Second},
		{"Tue, 03 Nov 2026 13:00:00 GMT", 0},
		{"soon", 0},
	}
	for _, tt := range tests {
		if got := retryAfter(tt.in, now); got != tt.want {
			t.Errorf("retryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
