package ingest

import (
	"context"
	"time"
)

// PollEvery calls poll at once and then interval after each call ends,
// until ctx ends; it returns nil then, as Source.Run does on cancel.
func PollEvery(ctx context.Context, interval time.Duration, poll func(context.Context)) error {
	for {
		poll(ctx)
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}
