package ingest

import (
	"context"
	"log/slog"
	"time"

	"github.com/earshot-dev/earshot/ingest/fetch"
	"github.com/earshot-dev/earshot/internal/telemetry"
)

// Checkpoints keeps a collector's cursors across restarts (see package
// checkpoint). Keys are "<collector name>/<query>".
type Checkpoints interface {
	Load(ctx context.Context, key string) (value []byte, ok bool, err error)
	Save(ctx context.Context, key string, value []byte) error
}

// Deps is what the pipeline hands every collector it builds.
type Deps struct {
	Checkpoints Checkpoints
	// Fetch is the base of each collector's HTTP client options: the
	// collector sets its own RequestsPerMinute and calls fetch.New.
	Fetch fetch.Options
	// Backfill is how far back a collector's first run reaches when the
	// platform lets it page into the past.
	Backfill time.Duration
	Metrics  *telemetry.Metrics
	Log      *slog.Logger
	Now      func() time.Time
}
