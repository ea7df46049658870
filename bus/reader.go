package bus

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/earshot-dev/earshot/internal/telemetry"
)

// Consumer-group timing. Kafka (and kfake) reject session timeouts under
// 6 s. A member that dies without leaving holds its partitions until its
// session expires, so this is also how long a crashed stage's replacement
// waits (a member that Closes leaves at once). Live members only notice a
// rebalance at their next heartbeat, so the heartbeat sets how long a
// joining member waits: ~0.6 s measured (TestGroupRebalance). A new group
// with one member joins in tens of milliseconds; kfake has no initial
// rebalance delay.
const (
	groupSessionTimeout   = 10 * time.Second
	groupRebalanceTimeout = 10 * time.Second
	groupHeartbeat        = 500 * time.Millisecond
	groupJoinBackoff      = 500 * time.Millisecond
	// fetchMaxWait is how long a partition fetch long-polls an idle
	// partition. Close waits for in-flight fetches, so it bounds Close too.
	fetchMaxWait = 500 * time.Millisecond

	defaultMinBytes = 1
	defaultMaxBytes = 10 << 20
	// readerQueue is kafka-go's prefetch buffer, shared by all partitions.
	readerQueue = 1000
)

// Reader is a consumer-group member over one or more topics. It hands out
// batches and commits only when told to (never auto-commit), so a message
// is processed at least once: whatever was not committed when a reader
// stops is handed out again to the next member of the group.
type Reader struct {
	r     *kafka.Reader
	group string
	stage string
	m     *telemetry.Metrics
	err   error // configuration error, returned by every call
}

// ReaderOptions configure a Reader.
type ReaderOptions struct {
	Group  string
	Topics []string
	Stage  string // metrics label
	// MinBytes and MaxBytes bound one partition fetch; defaults 1 and
	// 10 MiB. MaxBytes must exceed the largest message batch.
	MinBytes, MaxBytes int
	// StartOffset applies to partitions the group has never committed:
	// kafka.FirstOffset (default, a new group reads everything) or
	// kafka.LastOffset.
	StartOffset int64
}

// NewReader joins opts.Group in the background; the first FetchBatch waits
// for the assignment. A configuration error is returned by FetchBatch.
func NewReader(cfg Config, opts ReaderOptions, m *telemetry.Metrics) *Reader {
	rd := &Reader{group: opts.Group, stage: opts.Stage, m: m}
	if opts.Group == "" {
		rd.err = errors.New("bus: reader: empty group")
		return rd
	}
	if len(opts.Topics) == 0 {
		rd.err = fmt.Errorf("bus: reader for group %s: no topics", opts.Group)
		return rd
	}
	if opts.StartOffset == 0 {
		opts.StartOffset = kafka.FirstOffset
	}
	if opts.MinBytes <= 0 {
		opts.MinBytes = defaultMinBytes
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = defaultMaxBytes
	}
	kc := kafka.ReaderConfig{
		Brokers:           cfg.Brokers,
		GroupID:           opts.Group,
		GroupTopics:       opts.Topics,
		Dialer:            cfg.dialer(),
		QueueCapacity:     readerQueue,
		MinBytes:          opts.MinBytes,
		MaxBytes:          opts.MaxBytes,
		MaxWait:           fetchMaxWait,
		HeartbeatInterval: groupHeartbeat,
		SessionTimeout:    groupSessionTimeout,
		RebalanceTimeout:  groupRebalanceTimeout,
		JoinGroupBackoff:  groupJoinBackoff,
		StartOffset:       opts.StartOffset,
		// CommitInterval 0: CommitMessages is synchronous, so Commit
		// returning nil means the offsets are stored.
		CommitInterval: 0,
		ErrorLogger:    cfg.errorLogger("kafka-reader"),
	}
	if len(cfg.Brokers) == 0 {
		rd.err = errNoBrokers
		return rd
	}
	// kafka.NewReader panics on an invalid config; report it instead.
	if err := kc.Validate(); err != nil {
		rd.err = fmt.Errorf("bus: reader for group %s: %w", opts.Group, err)
		return rd
	}
	rd.r = kafka.NewReader(kc)
	return rd
}

// FetchBatch blocks until at least one message is available (or ctx ends),
// then keeps collecting until max messages or until wait has passed since
// the first one. wait <= 0 returns the first message alone.
//
// No message is ever dropped: once one has been taken from kafka-go it is
// returned, even if ctx ends meanwhile (the error is then nil). kafka-go's
// FetchMessage either returns a message or leaves it queued; it never
// consumes one it does not return (TestFetchBatchCancelLosesNothing).
//
// An error other than ctx's is usually transient (kafka-go keeps
// reconnecting in the background): log it and call again. Messages handed
// out before a rebalance may come again to whichever member gets their
// partition next.
func (r *Reader) FetchBatch(ctx context.Context, max int, wait time.Duration) ([]Message, error) {
	if r.err != nil {
		return nil, r.err
	}
	limit := max
	if limit < 1 {
		limit = 1
	}
	first, err := r.r.FetchMessage(ctx)
	if err != nil {
		return nil, fmt.Errorf("bus: fetch from group %s: %w", r.group, err)
	}
	msgs := make([]Message, 1, min(limit, 4096))
	msgs[0] = first

	if limit > 1 && wait > 0 {
		wctx, cancel := context.WithTimeout(ctx, wait)
		for len(msgs) < limit {
			m, err := r.r.FetchMessage(wctx)
			if err != nil {
				// Timeout, cancellation or a kafka-go error: what we hold
				// must go to the caller now. A persistent error shows up
				// again on the next call, which starts with nothing held.
				break
			}
			msgs = append(msgs, m)
		}
		cancel()
	}
	r.record(msgs)
	return msgs, nil
}

// record updates the in/batch/lag metrics from one batch.
func (r *Reader) record(msgs []Message) {
	if r.m == nil {
		return
	}
	type tp struct {
		topic string
		part  int
	}
	last := make(map[tp]Message, 8)
	perTopic := make(map[string]int, 2)
	for _, m := range msgs {
		perTopic[m.Topic]++
		last[tp{m.Topic, m.Partition}] = m // offsets grow within a partition
	}
	for topic, n := range perTopic {
		r.m.In(r.stage, topic, n)
	}
	r.m.Batch(r.stage, len(msgs))
	for k, m := range last {
		r.m.Lag(r.group, k.topic, strconv.Itoa(k.part), max(m.HighWaterMark-m.Offset-1, 0))
	}
}

// Commit stores, per topic-partition, the highest offset among msgs as
// processed, in one synchronous request. Commit after the batch's output is
// written, never before: that order is what makes delivery at-least-once.
func (r *Reader) Commit(ctx context.Context, msgs []Message) error {
	if r.err != nil {
		return r.err
	}
	if len(msgs) == 0 {
		return nil
	}
	type tp struct {
		topic string
		part  int
	}
	high := make(map[tp]Message, 8)
	for _, m := range msgs {
		k := tp{m.Topic, m.Partition}
		if h, ok := high[k]; !ok || m.Offset > h.Offset {
			high[k] = m
		}
	}
	one := make([]Message, 0, len(high))
	for _, m := range high {
		one = append(one, Message{Topic: m.Topic, Partition: m.Partition, Offset: m.Offset})
	}
	if err := r.r.CommitMessages(ctx, one...); err != nil {
		return fmt.Errorf("bus: commit %d partitions for group %s: %w", len(one), r.group, err)
	}
	return nil
}

// Close leaves the group (so the partitions move to another member at once
// instead of after the session timeout) and stops fetching. Uncommitted
// messages will be handed out again.
func (r *Reader) Close() error {
	if r.r == nil {
		return nil
	}
	if err := r.r.Close(); err != nil {
		return fmt.Errorf("bus: close reader for group %s: %w", r.group, err)
	}
	return nil
}
