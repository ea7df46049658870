package bus

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

// payload returns a 1 KiB JSON-ish value that compresses like real events
// (words repeat, ids do not).
func payload(rng *rand.Rand) []byte {
	words := []string{"acme", "love", "the", "new", "release", "support", "never", "again", "great", "price", "#acme", "@acmehq"}
	var sb strings.Builder
	fmt.Fprintf(&sb, `{"schema":"earshot/mention/v1","id":"x:%d","data":{"text":"`, rng.Uint64())
	for sb.Len() < 1021 {
		sb.WriteString(words[rng.IntN(len(words))])
		sb.WriteByte(' ')
	}
	sb.WriteString(`"}}`)
	return []byte(sb.String()[:1024-3] + `"}}`)
}

func benchMessages(topic string, n int) []Message {
	rng := rand.New(rand.NewPCG(1, 1))
	msgs := make([]Message, n)
	for i := range msgs {
		msgs[i] = Message{Topic: topic, Key: fmt.Appendf(nil, "src:%d", rng.Uint64()), Value: payload(rng)}
	}
	return msgs
}

// BenchmarkWrite measures produce throughput to the embedded broker (on
// disk, in this process, as in `earshot demo`) with 1 KiB messages.
// perWrite=1 shows why callers must batch: each synchronous Write waits
// for the 5 ms linger.
func BenchmarkWrite(b *testing.B) {
	for _, bc := range []struct{ perWrite, writers int }{
		{1000, 1}, {1000, 4}, {100, 4}, {1, 16},
	} {
		b.Run(fmt.Sprintf("perWrite=%d/writers=%d", bc.perWrite, bc.writers), func(b *testing.B) {
			_, cfg := startBroker(b, b.TempDir())
			topic := topicName(b, "in")
			mustEnsure(b, cfg, TopicSpec{Name: topic, Partitions: 6})
			w := NewWriter(cfg, "bench", nil)
			defer w.Close()
			ctx := context.Background()
			pool := benchMessages(topic, 10_000)
			b.SetBytes(1024)
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			per := (b.N + bc.writers - 1) / bc.writers
			for g := range bc.writers {
				wg.Go(func() {
					for sent := 0; sent < per; {
						n := min(bc.perWrite, per-sent)
						off := (g*per + sent) % (len(pool) - n)
						if err := w.Write(ctx, pool[off:off+n]...); err != nil {
							b.Error(err)
							return
						}
						sent += n
					}
				})
			}
			wg.Wait()
			b.ReportMetric(float64(per*bc.writers)/time.Since(start).Seconds(), "msg/s")
		})
	}
}

// BenchmarkFetchBatch measures consume throughput of one group member:
// FetchBatch of up to 1000 plus a Commit per batch, 1 KiB messages over 6
// partitions, group join excluded.
func BenchmarkFetchBatch(b *testing.B) {
	_, cfg := startBroker(b, b.TempDir())
	topic := topicName(b, "in")
	mustEnsure(b, cfg, TopicSpec{Name: topic, Partitions: 6})
	ctx := context.Background()
	w := NewWriter(cfg, "bench", nil)
	defer w.Close()
	pool := benchMessages(topic, 10_000)
	if err := w.Write(ctx, pool[0]); err != nil {
		b.Fatal(err)
	}
	r := NewReader(cfg, ReaderOptions{Group: "g-" + topic, Topics: []string{topic}, Stage: "bench"}, nil)
	defer r.Close()
	warm, err := r.FetchBatch(ctx, 1, 0) // join the group outside the timer
	if err != nil {
		b.Fatal(err)
	}
	if err := r.Commit(ctx, warm); err != nil {
		b.Fatal(err)
	}
	for sent := 0; sent < b.N; sent += 1000 {
		n := min(1000, b.N-sent)
		if err := w.Write(ctx, pool[sent%9000:sent%9000+n]...); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(1024)
	b.ResetTimer()
	start := time.Now()
	batches := 0
	for got := 0; got < b.N; {
		msgs, err := r.FetchBatch(ctx, 1000, 5*time.Millisecond)
		if err != nil {
			b.Fatal(err)
		}
		if err := r.Commit(ctx, msgs); err != nil {
			b.Fatal(err)
		}
		got += len(msgs)
		batches++
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msg/s")
	b.ReportMetric(float64(b.N)/float64(batches), "msg/batch")
}
