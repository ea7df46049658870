package bus

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/earshot-dev/earshot/internal/telemetry"
)

const (
	// kafka-go's defaults (1 s linger, 100 messages, no acks) make a
	// synchronous Write take a second and lose data silently. A Write's
	// messages are batched together whatever the linger, and a 1000-message
	// Write over 6 partitions never fills a batch, so every Write waits the
	// full linger: 2 ms gave ~1.4x the throughput of 5 ms for one writer and
	// still merges concurrent small Writes.
	writerBatchTimeout = 2 * time.Millisecond
	writerBatchSize    = 1000
	// metadataTTL bounds how long a writer can miss a topic created after
	// its transport last looked; unknownTopicWait covers a few refreshes.
	metadataTTL      = 2 * time.Second
	unknownTopicWait = 3 * metadataTTL
)

// Writer produces to any topic (Message.Topic is set per message) and
// returns only when the brokers acknowledged every message (acks=all).
// It is safe for concurrent use; sharing one Writer batches better.
type Writer struct {
	w     *kafka.Writer
	tr    *kafka.Transport
	stage string
	m     *telemetry.Metrics
	err   error // configuration error, returned by every Write
}

// NewWriter returns a Writer whose writes are counted as stage's output.
// A nil m records nothing.
func NewWriter(cfg Config, stage string, m *telemetry.Metrics) *Writer {
	addr, err := cfg.addr()
	if err != nil {
		return &Writer{stage: stage, m: m, err: err}
	}
	tr := cfg.transport()
	return &Writer{
		w: &kafka.Writer{
			Addr: addr,
			// murmur2 is the Java client's and librdkafka's murmur2_random
			// partitioner: a keyed event lands in the same partition
			// whichever of those clients (Connect, kcat -X
			// partitioner=murmur2_random, a Java tool) wrote it, which
			// the sink's per-partition dedup relies on. Nil keys spread
			// randomly.
			Balancer:     kafka.Murmur2Balancer{},
			RequiredAcks: kafka.RequireAll,
			// snappy: on 1 KiB JSON events it was both faster than lz4
			// (kafka-go's lz4 frames cost CPU) and smaller (4.1x vs 2.8x);
			// zstd compresses 5.5x but produced 20-40% fewer msg/s.
			Compression:  kafka.Snappy,
			BatchTimeout: writerBatchTimeout,
			BatchSize:    writerBatchSize,
			Transport:    tr,
			ErrorLogger:  cfg.errorLogger("kafka-writer"),
		},
		tr:    tr,
		stage: stage,
		m:     m,
	}
}

// Write sends msgs and returns after all are acknowledged. On error none,
// some or all may have been written: callers rely on at-least-once delivery
// and downstream dedup, so they retry the whole set.
func (w *Writer) Write(ctx context.Context, msgs ...Message) error {
	_, err := w.write(ctx, msgs)
	return err
}

// write returns how many of msgs are known to be written.
func (w *Writer) write(ctx context.Context, msgs []Message) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if len(msgs) == 0 {
		return 0, nil
	}
	for i := range msgs {
		if msgs[i].Topic == "" {
			return 0, fmt.Errorf("bus: write: message %d has no topic", i)
		}
	}

	err := w.writeRetryingUnknownTopic(ctx, msgs)
	if err == nil {
		w.count(msgs, nil)
		return len(msgs), nil
	}

	var werrs kafka.WriteErrors
	if !errors.As(err, &werrs) || len(werrs) != len(msgs) {
		return 0, fmt.Errorf("bus: write %d messages: %w", len(msgs), err)
	}
	w.count(msgs, werrs)
	failed := werrs.Count()
	// kafka.WriteErrors prints every message's error; one is enough.
	var first error
	for _, e := range werrs {
		if e != nil {
			first = e
			break
		}
	}
	return len(msgs) - failed, fmt.Errorf("bus: write %d messages: %d failed: %w", len(msgs), failed, first)
}

// writeRetryingUnknownTopic retries the case where the transport's cached
// metadata does not know a topic yet. kafka-go fails that lookup before it
// sends anything, so the retry cannot duplicate messages.
func (w *Writer) writeRetryingUnknownTopic(ctx context.Context, msgs []Message) error {
	deadline := time.Now().Add(unknownTopicWait)
	backoff := 50 * time.Millisecond
	for {
		err := w.w.WriteMessages(ctx, msgs...)
		var werrs kafka.WriteErrors
		if err == nil || errors.As(err, &werrs) || !errors.Is(err, kafka.UnknownTopicOrPartition) ||
			time.Now().Add(backoff).After(deadline) {
			return err
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		backoff = min(2*backoff, time.Second)
	}
}

// count records the written messages per topic; werrs, if set, marks the
// failed ones.
func (w *Writer) count(msgs []Message, werrs kafka.WriteErrors) {
	if w.m == nil {
		return
	}
	per := make(map[string]int, 4)
	for i := range msgs {
		if werrs == nil || werrs[i] == nil {
			per[msgs[i].Topic]++
		}
	}
	for topic, n := range per {
		w.m.Out(w.stage, topic, n)
	}
}

// Close flushes nothing (Write is synchronous) and releases connections.
func (w *Writer) Close() error {
	if w.w == nil {
		return nil
	}
	err := w.w.Close()
	w.tr.CloseIdleConnections()
	if err != nil {
		return fmt.Errorf("bus: close writer: %w", err)
	}
	return nil
}
