package pipeline_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/bus"
	"github.com/earshot-dev/earshot/internal/config"
	"github.com/earshot-dev/earshot/internal/pipeline"
	"github.com/earshot-dev/earshot/store"
)

// One broker and one engine serve the whole package: libchdb allows one
// engine per process. Each test gets its own topic prefix and empties the
// tables first, so tests run one after another without seeing each other.
var (
	shared struct {
		brokers []string
		dataDir string
	}
	prefixSeq atomic.Int64
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "earshot-pipeline-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	b, err := bus.StartEmbedded(context.Background(), dir+"/kafka", 0, slog.New(slog.DiscardHandler))
	if err != nil {
		fmt.Fprintln(os.Stderr, "start broker:", err)
		return 1
	}
	defer b.Close()
	shared.brokers, shared.dataDir = b.Addrs(), dir
	return m.Run()
}

func testLog(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// testConfig returns a configuration on the shared broker and engine with
// topics of its own.
func testConfig(t testing.TB) config.Config {
	cfg := config.Default()
	cfg.DataDir = shared.dataDir
	cfg.HTTP.Listen = ""
	cfg.Kafka.Brokers = shared.brokers
	cfg.Kafka.TopicPrefix = fmt.Sprintf("t%d-%s.", prefixSeq.Add(1), strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-")))
	cfg.Kafka.Partitions = 4
	cfg.Sink.FlushInterval = 200 * time.Millisecond
	cfg.Synthetic.Rate = 5000
	cfg.Synthetic.SpikeAfter, cfg.Synthetic.SpikeFor = 0, 0
	return cfg
}

// open opens a pipeline and empties the fact and rollup tables.
func open(t testing.TB, cfg config.Config) *pipeline.Pipeline {
	t.Helper()
	ctx := context.Background()
	p, err := pipeline.Open(ctx, cfg, testLog(t), pipeline.Needs{Broker: true, Store: true})
	if err != nil {
		t.Fatalf("open pipeline: %v", err)
	}
	t.Cleanup(func() { p.Close() })
	for _, tbl := range []string{"mentions", "post_metrics", "audience_snapshots", "conversions", "ad_spend", "mentions_hourly", "share_of_voice_daily"} {
		if err := p.Store.Exec(ctx, "TRUNCATE TABLE "+tbl); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func queryInt(t testing.TB, st store.Store, q string) int64 {
	t.Helper()
	res, err := st.Query(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	if len(res.Rows) != 1 || len(res.Rows[0]) != 1 {
		t.Fatalf("%s: want one value, got %v", q, res.Rows)
	}
	n, err := strconv.ParseInt(res.Rows[0][0], 10, 64)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// collect publishes exactly n synthetic mentions (plus the metrics the
// generator interleaves) and returns when they are acknowledged.
func collect(t testing.TB, p *pipeline.Pipeline, n int) {
	t.Helper()
	src, err := p.SyntheticSource(n)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := pipeline.Run(ctx, p.Collect(src)); err != nil {
		t.Fatalf("collect: %v", err)
	}
}

// startStages runs stages in the background; the returned stop cancels
// them and waits, failing the test on an error.
func startStages(t testing.TB, stages ...pipeline.Stage) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- pipeline.Run(ctx, stages...) }()
	var stopped bool
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("stages: %v", err)
		}
	}
	t.Cleanup(stop)
	return stop
}

// waitFor polls until q returns at least want, or fails after a minute.
func waitFor(t testing.TB, st store.Store, q string, want int64) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	var got int64
	for time.Now().Before(deadline) {
		if got = queryInt(t, st, q); got >= want {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s = %d after 90s, want %d", q, got, want)
}

func TestEndToEndExactCounts(t *testing.T) {
	const n = 5000
	p := open(t, testConfig(t))
	collect(t, p, n)
	stop := startStages(t, p.Enrich(), p.Sink())
	waitFor(t, p.Store, "SELECT uniqExact(id) FROM mentions", n)
	stop()

	st := p.Store
	if got := queryInt(t, st, "SELECT count() FROM mentions"); got != n {
		t.Errorf("mentions rows = %d, want exactly %d (no loss, no duplicates)", got, n)
	}
	if got := queryInt(t, st, "SELECT count() FROM mentions WHERE length(brands) = 0"); got != 0 {
		t.Errorf("%d synthetic mentions matched no brand", got)
	}
	if got := queryInt(t, st, "SELECT count() FROM post_metrics"); got == 0 {
		t.Error("no post metrics stored")
	}
	if got := queryInt(t, st, "SELECT count() FROM audience_snapshots"); got == 0 {
		t.Error("no audience snapshots stored")
	}

	job := p.RollupJob()
	now := time.Now()
	if err := job.Recompute(context.Background(), now.Add(-2*time.Hour), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	// Running a window twice changes nothing.
	if err := job.Recompute(context.Background(), now.Add(-2*time.Hour), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name        string
		rollup, raw string
	}{
		{"mentions per brand", "SELECT sum(mentions) FROM mentions_hourly FINAL",
			"SELECT sum(length(brands)) FROM mentions FINAL"},
		{"potential reach", "SELECT sum(potential_reach) FROM mentions_hourly FINAL",
			"SELECT sum(reach * length(brands)) FROM mentions FINAL"},
		{"negative", "SELECT sum(negative) FROM mentions_hourly FINAL",
			"SELECT sum(length(brands)) FROM mentions FINAL WHERE sentiment_label = 'negative'"},
		{"sentiment labels add up", "SELECT sum(positive + neutral + negative) FROM mentions_hourly FINAL",
			"SELECT sum(mentions) FROM mentions_hourly FINAL"},
		{"unique authors per hour", "SELECT sum(unique_authors) FROM mentions_hourly FINAL",
			"SELECT count() FROM (SELECT DISTINCT toStartOfHour(created_at), brand, network, author_id FROM mentions FINAL ARRAY JOIN brands AS brand)"},
		{"share of voice mentions", "SELECT sum(mentions) FROM share_of_voice_daily FINAL WHERE network = 'all'",
			"SELECT sum(length(brands)) FROM mentions FINAL"},
		{"one rollup row per key", "SELECT count() FROM mentions_hourly FINAL",
			"SELECT count() FROM (SELECT DISTINCT toStartOfHour(created_at), brand, network FROM mentions FINAL ARRAY JOIN brands AS brand)"},
	}
	for _, c := range checks {
		if got, want := queryInt(t, st, c.rollup), queryInt(t, st, c.raw); got != want || got == 0 {
			t.Errorf("%s: rollup %d, raw %d", c.name, got, want)
		}
	}
	// Share of voice adds up to 100% per day and network.
	if bad := queryInt(t, st, "SELECT count() FROM (SELECT day, network, sum(sov_mentions) AS s FROM share_of_voice_daily FINAL GROUP BY day, network HAVING abs(s - 1) > 1e-9)"); bad != 0 {
		t.Errorf("%d day×network groups whose share of voice does not sum to 1", bad)
	}
}

func TestRestartMidStreamLosesAndDuplicatesNothing(t *testing.T) {
	const n = 20000
	cfg := testConfig(t)
	cfg.Sink.BatchSize = 1000 // many small batches, so stops land mid-stream
	p := open(t, cfg)
	collect(t, p, n)

	// Stop and restart the enricher and the sink three times while they
	// work through the backlog, then let them finish.
	for i, at := range []int64{n / 8, n / 3, n / 2} {
		stop := startStages(t, p.Enrich(), p.Sink())
		waitFor(t, p.Store, "SELECT count() FROM mentions", at)
		stop()
		t.Logf("restart %d after %d rows", i+1, queryInt(t, p.Store, "SELECT count() FROM mentions"))
	}
	stop := startStages(t, p.Enrich(), p.Sink())
	waitFor(t, p.Store, "SELECT uniqExact(id) FROM mentions", n)
	stop()
	if got := queryInt(t, p.Store, "SELECT count() FROM mentions FINAL"); got != n {
		t.Fatalf("mentions = %d after restarts, want exactly %d", got, n)
	}
	// The sink never inserts an offset twice.
	if dup := queryInt(t, p.Store, "SELECT count() FROM (SELECT kafka_partition, kafka_offset FROM mentions GROUP BY kafka_partition, kafka_offset HAVING count() > 1)"); dup != 0 {
		t.Fatalf("%d Kafka offsets stored more than once", dup)
	}
}

func TestPoisonGoesToDeadLetters(t *testing.T) {
	const n = 500
	cfg := testConfig(t)
	p := open(t, cfg)
	w := bus.NewWriter(p.Bus, "test", nil)
	defer w.Close()
	ctx := context.Background()
	poison := []bus.Message{
		{Topic: cfg.Kafka.Topic(pipeline.TopicRawMentions), Key: []byte("bad:1"), Value: []byte(`{"schema": "earshot/mention/v1", "id": `)},
		{Topic: cfg.Kafka.Topic(pipeline.TopicRawMentions), Key: []byte("bad:2"), Value: []byte(`{"schema":"earshot/mention/v1","id":"bad:2","source":"bad","collected_at":"2026-11-01T00:00:00Z","data":{"network":"x","native_id":"2","kind":"post","author":{"id":"a"},"created_at":"2026-11-01T00:00:00Z"}}`)},
		{Topic: cfg.Kafka.Topic(pipeline.TopicRawMentions), Key: []byte("bad:3"), Value: []byte(`{"schema":"earshot/audience/v1","id":"bad:3","source":"bad","collected_at":"2026-11-01T00:00:00Z","data":{"network":"x","account":"a","followers":1,"observed_at":"2026-11-01T00:00:00Z"}}`)},
		{Topic: cfg.Kafka.Topic(pipeline.TopicRawMetrics), Key: []byte("bad:4"), Value: []byte(`{"schema":"earshot/audience/v1","id":"bad:4","source":"bad","collected_at":"2026-11-01T00:00:00Z","data":{"network":"x","account":"a","followers":-1,"observed_at":"2026-11-01T00:00:00Z"}}`)},
		{Topic: cfg.Kafka.Topic(pipeline.TopicRawBusiness), Key: []byte("bad:5"), Value: []byte(`not json at all`)},
	}
	if err := w.Write(ctx, poison...); err != nil {
		t.Fatal(err)
	}
	collect(t, p, n)
	stop := startStages(t, p.Enrich(), p.Sink())
	waitFor(t, p.Store, "SELECT uniqExact(id) FROM mentions", n)

	want := map[string]struct{ stage, class, reason string }{
		"bad:1": {"enrich", "json", "not JSON"},
		"bad:2": {"enrich", "schema", "text"},
		"bad:3": {"enrich", "schema", "only earshot/mention/v1 belongs here"},
		"bad:4": {"sink", "schema", "/followers"},
		"bad:5": {"sink", "json", "not JSON"},
	}
	var letters []bus.DeadLetter
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		msgs, err := bus.ReadAll(ctx, p.Bus, cfg.Kafka.Topic(pipeline.TopicDeadLetter))
		if err != nil {
			t.Fatal(err)
		}
		letters = letters[:0]
		for _, m := range msgs {
			letters = append(letters, bus.ParseDeadLetter(m))
		}
		if len(letters) >= len(want) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	stop()
	if len(letters) != len(want) {
		t.Fatalf("got %d dead letters, want %d: %+v", len(letters), len(want), letters)
	}
	for _, d := range letters {
		w, ok := want[string(d.Msg.Key)]
		if !ok {
			t.Errorf("unexpected dead letter %q: %+v", d.Msg.Key, d)
			continue
		}
		if d.Stage != w.stage || d.Class != w.class || !strings.Contains(d.Reason, w.reason) {
			t.Errorf("%s: got stage %s class %s reason %q; want %s %s containing %q", d.Msg.Key, d.Stage, d.Class, d.Reason, w.stage, w.class, w.reason)
		}
		if d.Topic == "" || d.Offset < 0 {
			t.Errorf("%s: origin not recorded: %+v", d.Msg.Key, d)
		}
	}
	if got := queryInt(t, p.Store, "SELECT count() FROM mentions"); got != n {
		t.Errorf("mentions = %d, want %d: poison must not stop or duplicate the stream", got, n)
	}
}
