package ingest

import (
	"bytes"
	"log/slog"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/ingest/fetch"
	"github.com/earshot-dev/earshot/internal/telemetry"
)

func TestWithDefaults(t *testing.T) {
	d := Deps{}.WithDefaults()
	if d.Now == nil || d.Log == nil {
		t.Fatalf("defaults left Now or Log nil: %+v", d)
	}
	d.Log.Info("goes nowhere")

	now := func() time.Time { return time.Unix(1, 0) }
	log := slog.New(slog.DiscardHandler)
	d = Deps{Now: now, Log: log, Backfill: time.Hour}.WithDefaults()
	if d.Now().Unix() != 1 || d.Log != log || d.Backfill != time.Hour {
		t.Errorf("defaults replaced what was set: %+v", d)
	}
}

func TestFetchOptions(t *testing.T) {
	pipeline := telemetry.New(nil)
	own := telemetry.New(nil)
	srcLog := slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	fetchLog := slog.New(slog.DiscardHandler)
	tests := []struct {
		name        string
		fetch       fetch.Options
		wantMetrics *telemetry.Metrics
		wantLog     *slog.Logger
	}{
		{"pipeline's metrics, source's log", fetch.Options{UserAgent: "ua", MaxRetries: 2}, pipeline, srcLog},
		{"the options' own", fetch.Options{UserAgent: "ua", MaxRetries: 2, Metrics: own, Log: fetchLog}, own, fetchLog},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Deps{Fetch: tt.fetch, Metrics: pipeline}
			o := d.FetchOptions(90, srcLog)
			if o.RequestsPerMinute != 90 || o.UserAgent != "ua" || o.MaxRetries != 2 {
				t.Errorf("options %+v: want the budget set and the rest kept", o)
			}
			if o.Metrics != tt.wantMetrics || o.Log != tt.wantLog {
				t.Errorf("metrics %p log %p, want %p %p", o.Metrics, o.Log, tt.wantMetrics, tt.wantLog)
			}
			if d.Fetch.RequestsPerMinute != 0 {
				t.Error("FetchOptions changed the pipeline's options")
			}
		})
	}
}
