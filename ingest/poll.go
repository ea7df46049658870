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

// PollParts polls each part of a collector (a query, a country, a video)
// in turn. A part that fails is logged and counted as a source error and
// the others go on; the next poll retries it. The poll counts as a
// success only when every part succeeded. It stops early when ctx ends.
func PollParts(ctx context.Context, deps Deps, name, kind string, parts []string, poll func(ctx context.Context, part string) error) {
	ok := true
	for _, part := range parts {
		if err := poll(ctx, part); err != nil {
			if ctx.Err() != nil {
				return
			}
			ok = false
			deps.Metrics.SourceError(name)
			deps.Log.Error("poll failed; retrying next interval", "source", name, kind, part, "err", err)
		}
	}
	if ok {
		deps.Metrics.SourceOK(name, deps.Now())
	}
}
