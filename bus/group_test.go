package bus

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"
)

// TestGroupRebalance has a second member join a busy group: both must end
// up with partitions, and between them see every message. It logs the join
// latencies (kfake has no initial rebalance delay; members notice a
// rebalance at their next heartbeat).
func TestGroupRebalance(t *testing.T) {
	t.Parallel()
	_, cfg := startBroker(t, "")
	ctx := testCtx(t)
	const parts = 6
	topic := topicName(t, "in")
	group := "g-" + topic
	mustEnsure(t, cfg, TopicSpec{Name: topic, Partitions: parts})
	w := NewWriter(cfg, "test", nil)
	defer w.Close()
	write := func(from, n int) {
		t.Helper()
		if err := w.Write(ctx, numberedFrom(topic, from, n, strconv.Itoa)...); err != nil {
			t.Fatalf("Write: %v", err)
		}
	}
	write(0, 600)

	start := time.Now()
	a := newTestReader(t, cfg, group, topic)
	got := readN(ctx, t, a, 1)
	t.Logf("fresh group: first message %v after NewReader", time.Since(start))
	got = append(got, readN(ctx, t, a, 599)...)
	if err := a.Commit(ctx, got); err != nil {
		t.Fatalf("Commit: %v", err)
	}

	// b joins; a keeps fetching so it sees the rebalance and rejoins.
	start = time.Now()
	b := newTestReader(t, cfg, group, topic)
	seen := map[*Reader]map[int]bool{a: {}, b: {}}
	next := 600
	for len(seen[a]) == 0 || len(seen[b]) == 0 {
		write(next, parts*10)
		next += parts * 10
		for _, r := range []*Reader{a, b} {
			// Poll: a member whose partitions hold nothing new blocks.
			pctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
			msgs, err := r.FetchBatch(pctx, 1000, 20*time.Millisecond)
			cancel()
			if err != nil && !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("FetchBatch: %v", err)
			}
			for _, m := range msgs {
				seen[r][m.Partition] = true
			}
			if err := r.Commit(ctx, msgs); err != nil {
				t.Logf("commit during rebalance: %v", err) // expected while generations change
			}
		}
		if ctx.Err() != nil {
			t.Fatal("second member never got a partition")
		}
	}
	t.Logf("second member: both members consuming %v after it joined (a: %d partitions, b: %d)",
		time.Since(start), len(seen[a]), len(seen[b]))
}
