package ingest

import (
	"context"
	"testing"
	"time"
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
