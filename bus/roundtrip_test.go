package bus

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/segmentio/kafka-go"

	"github.com/earshot-dev/earshot/internal/telemetry"
)

func TestRoundtrip(t *testing.T) {
	t.Parallel()
	_, cfg := startBroker(t, "")
	const n, parts, keys = 10_000, 6, 500
	topic := topicName(t, "in")
	mustEnsure(t, cfg, TopicSpec{Name: topic, Partitions: parts})

	m := telemetry.New(prometheus.NewRegistry())
	w := NewWriter(cfg, "producer", m)
	defer w.Close()
	ctx := testCtx(t)
	msgs := numbered(topic, n, func(i int) string { return "k" + strconv.Itoa(i%keys) })
	// Two calls: one big, then the rest, to cover a writer reused across Writes.
	if err := w.Write(ctx, msgs[:n-1000]...); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if err := w.Write(ctx, msgs[n-1000:]...); err != nil {
		t.Fatalf("Write: %v", err)
	}

	r := NewReader(cfg, ReaderOptions{Group: "g-roundtrip", Topics: []string{topic}, Stage: "consumer"}, m)
	defer r.Close()
	start := time.Now()
	got := readN(ctx, t, r, n)
	t.Logf("read %d messages in %v (including group join)", n, time.Since(start))
	if err := r.Commit(ctx, got); err != nil {
		t.Fatalf("Commit: %v", err)
	}

	seen := make(map[int]bool, n)
	keyPart := make(map[string]int, keys)
	partsUsed := make(map[int]int)
	for _, msg := range got {
		i, err := strconv.Atoi(string(msg.Value))
		if err != nil || i < 0 || i >= n {
			t.Fatalf("unexpected value %q", msg.Value)
		}
		if seen[i] {
			t.Fatalf("message %d delivered twice", i)
		}
		seen[i] = true
		if string(msg.Key) != "k"+strconv.Itoa(i%keys) {
			t.Errorf("message %d: key %q", i, msg.Key)
		}
		if len(msg.Headers) != 1 || msg.Headers[0].Key != "idx" || string(msg.Headers[0].Value) != fmt.Sprintf("h%d", i) {
			t.Errorf("message %d: headers %+v", i, msg.Headers)
		}
		if p, ok := keyPart[string(msg.Key)]; ok && p != msg.Partition {
			t.Errorf("key %s in partitions %d and %d", msg.Key, p, msg.Partition)
		}
		keyPart[string(msg.Key)] = msg.Partition
		partsUsed[msg.Partition]++
		// The partition must be the one Java's murmur2 partitioner picks.
		if want := (kafka.Murmur2Balancer{}).Balance(msg, 0, 1, 2, 3, 4, 5); want != msg.Partition {
			t.Errorf("key %s in partition %d, murmur2 says %d", msg.Key, msg.Partition, want)
		}
	}
	if len(partsUsed) != parts {
		t.Errorf("messages spread over %d partitions, want %d: %v", len(partsUsed), parts, partsUsed)
	}

	committed := committedOffsets(t, cfg, "g-roundtrip", topic, parts)
	for p, c := range partsUsed {
		if committed[p] != int64(c) {
			t.Errorf("partition %d: committed %d, want %d", p, committed[p], c)
		}
	}

	tests := []struct {
		name string
		c    prometheus.Collector
		want float64
	}{
		{"events_out", m.EventsOut.WithLabelValues("producer", topic), n},
		{"events_in", m.EventsIn.WithLabelValues("consumer", topic), n},
		// Everything was read: every partition's lag is 0.
		{"lag", m.ConsumerLag, 0},
	}
	for _, tc := range tests {
		if got := counterValue(t, tc.c); got != tc.want {
			t.Errorf("%s = %v, want %v", tc.name, got, tc.want)
		}
	}
}
