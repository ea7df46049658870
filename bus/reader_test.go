package bus

import (
	"context"
	"errors"

	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
)

func TestAtLeastOnce(t *testing.T) {
	t.Parallel()
	_, cfg := startBroker(t, "")
	const n, parts = 300, 6
	topic := topicName(t, "in")
	group := "g-" + topic
	mustEnsure(t, cfg, TopicSpec{Name: topic, Partitions: parts})
	ctx := testCtx(t)
	w := NewWriter(cfg, "test", nil)
	defer w.Close()
	if err := w.Write(ctx, numbered(topic, n, func(i int) string { return strconv.Itoa(i) })...); err != nil {
		t.Fatalf("Write: %v", err)
	}

	// First member reads everything and dies without committing.
	r1 := NewReader(cfg, ReaderOptions{Group: group, Topics: []string{topic}}, nil)
	first := values(readN(ctx, t, r1, n))
	start := time.Now()
	if err := r1.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	t.Logf("reader Close took %v", time.Since(start))

	// The next member of the group gets the same messages again.
	start = time.Now()
	r2 := newTestReader(t, cfg, group, topic)
	again := readN(ctx, t, r2, n)
	t.Logf("second member got its first %d messages %v after the first left", n, time.Since(start))
	if got := values(again); !equalSets(first, got) {
		t.Fatalf("redelivered set differs: %d vs %d distinct values", len(first), len(got))
	}
	if err := r2.Commit(ctx, again); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if err := r2.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for p, off := range committedOffsets(t, cfg, group, topic, parts) {
		if want := countPart(again, p); off != want {
			t.Errorf("partition %d committed at %d, want %d", p, off, want)
		}
	}

	// After the commit, a third member sees only what comes next: one
	// sentinel per partition, each behind the committed messages. Any
	// redelivered message would arrive before its partition's sentinel.
	sentinels := sentinelsPerPartition(topic, parts)
	if err := w.Write(ctx, sentinels...); err != nil {
		t.Fatalf("Write sentinels: %v", err)
	}
	r3 := newTestReader(t, cfg, group, topic)
	for _, m := range readN(ctx, t, r3, parts) {
		if string(m.Value) != "sentinel" {
			t.Errorf("committed message %s/%d@%d delivered again", m.Topic, m.Partition, m.Offset)
		}
	}
}

// sentinelsPerPartition returns one message per partition, keyed so that
// murmur2 puts one in each.
func sentinelsPerPartition(topic string, parts int) []Message {
	ps := make([]int, parts)
	for i := range ps {
		ps[i] = i
	}
	var out []Message
	have := make(map[int]bool)
	for i := 0; len(have) < parts; i++ {
		m := Message{Topic: topic, Key: []byte("sentinel-" + strconv.Itoa(i)), Value: []byte("sentinel")}
		p := (kafka.Murmur2Balancer{}).Balance(m, ps...)
		if !have[p] {
			have[p] = true
			out = append(out, m)
		}
	}
	return out
}

func TestFetchBatchCancelLosesNothing(t *testing.T) {
	t.Parallel()
	_, cfg := startBroker(t, "")
	const n = 2000
	topic := topicName(t, "in")
	mustEnsure(t, cfg, TopicSpec{Name: topic, Partitions: 3})
	ctx := testCtx(t)
	w := NewWriter(cfg, "test", nil)
	defer w.Close()
	if err := w.Write(ctx, numbered(topic, n, func(i int) string { return strconv.Itoa(i) })...); err != nil {
		t.Fatalf("Write: %v", err)
	}
	r := newTestReader(t, cfg, "g-"+topic, topic)

	// Cancel FetchBatch at random moments, including before it starts and
	// while it collects. Every message must still arrive exactly once: one
	// lost would keep this loop waiting until the test timeout.
	rng := rand.New(rand.NewPCG(1, 2))
	seen := make(map[string]bool, n)
	cancelled := 0
	for len(seen) < n {
		if ctx.Err() != nil {
			t.Fatalf("gave up with %d of %d messages: one was lost", len(seen), n)
		}
		cctx, cancel := context.WithCancel(ctx)
		switch rng.IntN(4) {
		case 0:
			cancel()
		case 1:
			d := time.Duration(rng.IntN(200)) * time.Microsecond
			go func() {
				time.Sleep(d)
				cancel()
			}()
		}
		batch, err := r.FetchBatch(cctx, 1+rng.IntN(50), time.Duration(rng.IntN(3))*time.Millisecond)
		cancel()
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("FetchBatch: %v", err)
			}
			cancelled++
			continue
		}
		for _, m := range batch {
			if seen[string(m.Value)] {
				t.Fatalf("message %s delivered twice", m.Value)
			}
			seen[string(m.Value)] = true
		}
	}
	t.Logf("%d messages, %d fetches cancelled", n, cancelled)
}

func TestCommitHighestPerPartition(t *testing.T) {
	t.Parallel()
	_, cfg := startBroker(t, "")
	const parts = 3
	a, b := topicName(t, "a"), topicName(t, "b")
	mustEnsure(t, cfg, TopicSpec{Name: a, Partitions: parts}, TopicSpec{Name: b, Partitions: parts})
	ctx := testCtx(t)
	w := NewWriter(cfg, "test", nil)
	defer w.Close()
	msgs := append(numbered(a, 60, strconv.Itoa), numbered(b, 60, strconv.Itoa)...)
	if err := w.Write(ctx, msgs...); err != nil {
		t.Fatalf("Write: %v", err)
	}
	group := "g-" + a
	r := newTestReader(t, cfg, group, a, b)
	got := readN(ctx, t, r, len(msgs))
	// Commit in shuffled order: the highest offset must win, not the last.
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(got), func(i, j int) { got[i], got[j] = got[j], got[i] })
	if err := r.Commit(ctx, got); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	for _, topic := range []string{a, b} {
		for p, off := range committedOffsets(t, cfg, group, topic, parts) {
			var want int64
			for _, m := range got {
				if m.Topic == topic && m.Partition == p {
					want = max(want, m.Offset+1)
				}
			}
			if off != want {
				t.Errorf("%s/%d committed %d, want %d", topic, p, off, want)
			}
		}
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	good := Config{Brokers: []string{"127.0.0.1:1"}}
	readers := []struct {
		name string
		cfg  Config
		opts ReaderOptions
	}{
		{"no brokers", Config{}, ReaderOptions{Group: "g", Topics: []string{"t"}}},
		{"no group", good, ReaderOptions{Topics: []string{"t"}}},
		{"no topics", good, ReaderOptions{Group: "g"}},
		{"min over max", good, ReaderOptions{Group: "g", Topics: []string{"t"}, MinBytes: 10, MaxBytes: 5}},
	}
	for _, tc := range readers {
		t.Run("reader/"+tc.name, func(t *testing.T) {
			r := NewReader(tc.cfg, tc.opts, nil)
			defer r.Close()
			if _, err := r.FetchBatch(ctx, 1, 0); err == nil {
				t.Error("FetchBatch: no error")
			}
			if err := r.Commit(ctx, []Message{{Topic: "t"}}); err == nil {
				t.Error("Commit: no error")
			}
		})
	}
	writes := []struct {
		name string
		cfg  Config
		msgs []Message
	}{
		{"no brokers", Config{}, []Message{{Topic: "t"}}},
		{"no topic", good, []Message{{Value: []byte("x")}}},
	}
	for _, tc := range writes {
		t.Run("writer/"+tc.name, func(t *testing.T) {
			w := NewWriter(tc.cfg, "s", nil)
			defer w.Close()
			if err := w.Write(ctx, tc.msgs...); err == nil {
				t.Error("Write: no error")
			}
		})
	}
	if err := EnsureTopics(ctx, Config{}, []TopicSpec{{Name: "t"}}); err == nil {
		t.Error("EnsureTopics without brokers: no error")
	}
	if _, err := ReadAll(ctx, Config{}, "t"); err == nil {
		t.Error("ReadAll without brokers: no error")
	}
}

func TestWriteUnknownTopicFails(t *testing.T) {
	t.Parallel()
	_, cfg := startBroker(t, "")
	w := NewWriter(cfg, "test", nil)
	defer w.Close()
	// The embedded broker does not auto-create topics: a typo is an error,
	// not a new topic.
	err := w.Write(testCtx(t), Message{Topic: topicName(t, "missing"), Value: []byte("x")})
	if !errors.Is(err, kafka.UnknownTopicOrPartition) {
		t.Fatalf("Write to a missing topic: %v, want UnknownTopicOrPartition", err)
	}
}

func TestWriterSeesTopicCreatedLater(t *testing.T) {
	t.Parallel()
	_, cfg := startBroker(t, "")
	ctx := testCtx(t)
	first, later := topicName(t, "first"), topicName(t, "later")
	mustEnsure(t, cfg, TopicSpec{Name: first})
	w := NewWriter(cfg, "test", nil)
	defer w.Close()
	// Warm the writer's metadata cache, then create a topic it has not seen.
	if err := w.Write(ctx, Message{Topic: first, Value: []byte("x")}); err != nil {
		t.Fatalf("Write: %v", err)
	}
	mustEnsure(t, cfg, TopicSpec{Name: later})
	if err := w.Write(ctx, Message{Topic: later, Value: []byte("y")}); err != nil {
		t.Fatalf("Write to a topic created after the writer's first write: %v", err)
	}
}

func values(msgs []Message) map[string]bool {
	out := make(map[string]bool, len(msgs))
	for _, m := range msgs {
		out[string(m.Value)] = true
	}
	return out
}

func equalSets(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func countPart(msgs []Message, p int) int64 {
	var n int64
	for _, m := range msgs {
		if m.Partition == p {
			n++
		}
	}
	return n
}
