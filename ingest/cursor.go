package ingest

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/goccy/go-json"
)

// LoadCursor reads the JSON cursor saved under key. ok is false when none
// was saved, and also when the saved one does not decode: that is logged,
// and the collector starts over, which re-collects what the lost cursor
// covered (the store deduplicates by id, so that costs requests, not
// counts) rather than stopping.
func LoadCursor[T any](ctx context.Context, store Checkpoints, log *slog.Logger, key string) (cur T, ok bool, err error) {
	raw, ok, err := store.Load(ctx, key)
	if err != nil {
		return cur, false, fmt.Errorf("load checkpoint %s: %w", key, err)
	}
	if !ok {
		return cur, false, nil
	}
	if err := json.Unmarshal(raw, &cur); err != nil {
		log.Warn("unreadable checkpoint; starting over", "key", key, "err", err)
		var zero T
		return zero, false, nil
	}
	return cur, true, nil
}

// SaveCursor saves cur as JSON under key. Call it only once the events it
// covers are published.
func SaveCursor(ctx context.Context, store Checkpoints, key string, cur any) error {
	raw, err := json.Marshal(cur)
	if err != nil {
		return fmt.Errorf("encode checkpoint %s: %w", key, err)
	}
	if err := store.Save(ctx, key, raw); err != nil {
		return fmt.Errorf("save checkpoint %s: %w", key, err)
	}
	return nil
}
