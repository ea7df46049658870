package telemetry

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServer(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reg := NewRegistry()
	m := New(reg)
	s, err := Listen(ctx, "127.0.0.1:0", reg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + s.Addr()

	if code, _ := get(t, base+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d", code)
	}
	if code, _ := get(t, base+"/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz before ready = %d, want 503", code)
	}
	s.SetReady(true)
	if code, _ := get(t, base+"/readyz"); code != http.StatusOK {
		t.Errorf("/readyz when ready = %d", code)
	}

	m.In("enrich", "earshot.raw.mentions", 3)
	m.Out("sink", "mentions", 2)
	m.Dead("enrich", "schema")
	m.Batch("sink", 2)
	m.Inserted("mentions", 2, 15*time.Millisecond)
	m.Lag("earshot-sink", "earshot.enriched.mentions", "0", 7)
	_, body := get(t, base+"/metrics")
	for _, want := range []string{
		`earshot_events_in_total{stage="enrich",topic="earshot.raw.mentions"} 3`,
		`earshot_events_out_total{stage="sink",topic="mentions"} 2`,
		`earshot_dead_letters_total{reason="schema",stage="enrich"} 1`,
		`earshot_insert_duration_seconds_count{table="mentions"} 1`,
		`earshot_rows_inserted_total{table="mentions"} 2`,
		`earshot_consumer_lag_messages{group="earshot-sink",partition="0",topic="earshot.enriched.mentions"} 7`,
		`earshot_batch_size_count{stage="sink"} 1`,
		"go_goroutines",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestNilMetricsRecordNothing(t *testing.T) {
	var m *Metrics
	m.In("s", "t", 1)
	m.Out("s", "t", 1)
	m.Dead("s", "r")
	m.Batch("s", 1)
	m.Inserted("t", 1, time.Second)
	m.Lag("g", "t", "0", 1)
	m.SourceError("x")
}

func TestNewLoggerFormat(t *testing.T) {
	var b strings.Builder
	NewLogger(&b, "info", "auto").Info("hello", "k", 1)
	if !strings.HasPrefix(b.String(), `{"time":`) {
		t.Errorf("auto on a non-terminal must log JSON, got %q", b.String())
	}
	b.Reset()
	NewLogger(&b, "warn", "text").Info("hidden")
	if b.Len() != 0 {
		t.Errorf("info logged at level warn: %q", b.String())
	}
}
