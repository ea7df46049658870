package bus

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/segmentio/kafka-go"
)

// testTimeout bounds every test's wait for the broker. It is a hang guard,
// not a timing assertion.
const testTimeout = 2 * time.Minute

func testLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// startBroker starts an embedded broker; dir "" keeps it in memory.
func startBroker(t testing.TB, dir string) (*Broker, Config) {
	t.Helper()
	b, err := StartEmbedded(t.Context(), dir, 0, testLogger())
	if err != nil {
		t.Fatalf("StartEmbedded: %v", err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("broker Close: %v", err)
		}
	})
	return b, Config{Brokers: b.Addrs(), ClientID: "bus-test", Log: testLogger()}
}

var nonName = regexp.MustCompile(`[^a-zA-Z0-9]+`)

// topicName derives a topic name from the test name so tests sharing a
// broker never collide.
func topicName(t testing.TB, suffix string) string {
	return "t." + strings.ToLower(nonName.ReplaceAllString(t.Name(), "-")) + "." + suffix
}

func mustEnsure(t testing.TB, cfg Config, topics ...TopicSpec) {
	t.Helper()
	if err := EnsureTopics(testCtx(t), cfg, topics); err != nil {
		t.Fatalf("EnsureTopics: %v", err)
	}
}

func newTestReader(t testing.TB, cfg Config, group string, topics ...string) *Reader {
	t.Helper()
	r := NewReader(cfg, ReaderOptions{Group: group, Topics: topics, Stage: "test"}, nil)
	t.Cleanup(func() { _ = r.Close() })
	return r
}

// readN fetches batches until it holds n messages.
func readN(ctx context.Context, t testing.TB, r *Reader, n int) []Message {
	t.Helper()
	var got []Message
	for len(got) < n {
		batch, err := r.FetchBatch(ctx, n-len(got), 50*time.Millisecond)
		if err != nil {
			t.Fatalf("FetchBatch after %d of %d messages: %v", len(got), n, err)
		}
		got = append(got, batch...)
	}
	if len(got) != n {
		t.Fatalf("read %d messages, want exactly %d", len(got), n)
	}
	return got
}

// numbered builds n messages to topic whose value is their index.
func numbered(topic string, n int, key func(i int) string) []Message {
	return numberedFrom(topic, 0, n, key)
}

// numberedFrom builds messages to topic with values from..from+n-1.
func numberedFrom(topic string, from, n int, key func(i int) string) []Message {
	msgs := make([]Message, n)
	for j := range msgs {
		i := from + j
		msgs[j] = Message{
			Topic:   topic,
			Key:     []byte(key(i)),
			Value:   []byte(fmt.Sprintf("%d", i)),
			Headers: []kafka.Header{{Key: "idx", Value: []byte(fmt.Sprintf("h%d", i))}},
		}
	}
	return msgs
}

type tp struct {
	topic string
	part  int
}

// committedOffsets asks the broker for group's committed offsets on topic.
func committedOffsets(t testing.TB, cfg Config, group, topic string, parts int) map[int]int64 {
	t.Helper()
	client := &kafka.Client{Addr: kafka.TCP(cfg.Brokers...), Transport: cfg.transport()}
	ps := make([]int, parts)
	for i := range ps {
		ps[i] = i
	}
	resp, err := client.OffsetFetch(testCtx(t), &kafka.OffsetFetchRequest{GroupID: group, Topics: map[string][]int{topic: ps}})
	if err != nil {
		t.Fatalf("OffsetFetch: %v", err)
	}
	if resp.Error != nil {
		t.Fatalf("OffsetFetch: %v", resp.Error)
	}
	out := make(map[int]int64, parts)
	for _, p := range resp.Topics[topic] {
		if p.Error != nil {
			t.Fatalf("OffsetFetch %s/%d: %v", topic, p.Partition, p.Error)
		}
		out[p.Partition] = p.CommittedOffset
	}
	return out
}

func counterValue(t testing.TB, c prometheus.Collector) float64 {
	t.Helper()
	ch := make(chan prometheus.Metric)
	go func() {
		c.Collect(ch)
		close(ch)
	}()
	var sum float64
	for m := range ch {
		var d dto.Metric
		if err := m.Write(&d); err != nil {
			t.Fatalf("metric write: %v", err)
		}
		sum += d.GetCounter().GetValue() + d.GetGauge().GetValue()
	}
	return sum
}
