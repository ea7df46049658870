package ingest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/earshot-dev/earshot/internal/telemetry"
)

func TestPollEvery(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	polls := 0
	err := PollEvery(ctx, time.Millisecond, func(pctx context.Context) {
		if pctx != ctx {
			t.Error("poll got another context")
		}
		polls++
		if polls == 3 {
			cancel()
		}
	})
	if err != nil || polls != 3 {
		t.Errorf("PollEvery = %v after %d polls, want nil after 3", err, polls)
	}
}

func TestPollEveryPollsFirstThenWaits(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	polls := 0
	done := make(chan error)
	go func() { done <- PollEvery(ctx, time.Hour, func(context.Context) { polls++ }) }()
	cancel()
	if err := <-done; err != nil {
		t.Errorf("PollEvery = %v, want nil on cancel", err)
	}
	if polls != 1 {
		t.Errorf("%d polls, want the first one only", polls)
	}
}

func TestPollParts(t *testing.T) {
	tests := []struct {
		name       string
		fail       map[string]bool
		wantErrors float64
		wantOK     bool
	}{
		{"all succeed", nil, 0, true},
		{"one fails, the rest go on", map[string]bool{"b": true}, 1, false},
		{"all fail", map[string]bool{"a": true, "b": true, "c": true}, 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := telemetry.New(nil)
			deps := Deps{Metrics: m}.WithDefaults()
			var polled []string
			PollParts(context.Background(), deps, "src", "query", []string{"a", "b", "c"}, func(_ context.Context, p string) error {
				polled = append(polled, p)
				if tt.fail[p] {
					return errors.New("boom")
				}
				return nil
			})
			if len(polled) != 3 {
				t.Errorf("polled %v, want every part", polled)
			}
			if got := testutil.ToFloat64(m.SourceErrors.WithLabelValues("src")); got != tt.wantErrors {
				t.Errorf("errors = %v, want %v", got, tt.wantErrors)
			}
			if ok := testutil.ToFloat64(m.SourceSuccess.WithLabelValues("src")) > 0; ok != tt.wantOK {
				t.Errorf("success recorded = %v, want %v", ok, tt.wantOK)
			}
		})
	}
}
