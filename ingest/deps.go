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

// WithDefaults fills what a caller left out: Now is time.Now and Log
// discards.
func (d Deps) WithDefaults() Deps {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return d
}

// FetchOptions are the HTTP client options of one collector: the
// pipeline's, with the collector's request budget, and the pipeline's
// metrics and log unless the options name their own.
func (d Deps) FetchOptions(requestsPerMinute float64, log *slog.Logger) fetch.Options {
	opts := d.Fetch
	opts.RequestsPerMinute = requestsPerMinute
	if opts.Metrics == nil {
		opts.Metrics = d.Metrics
	}
	if opts.Log == nil {
		opts.Log = log
	}
	return opts
}
