package bus

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/segmentio/kafka-go"
)

// ReadAll reads topic from the beginning to the end it had when ReadAll
// started, without a consumer group and without committing, and returns the
// messages ordered by partition then offset. Messages produced meanwhile
// are not included.
//
// It assumes the last offset below each high watermark holds a record,
// which holds for earshot's (non-transactional) topics; a partition ending
// in a transaction marker would make it wait until ctx ends.
func ReadAll(ctx context.Context, cfg Config, topic string) ([]Message, error) {
	addr, err := cfg.addr()
	if err != nil {
		return nil, err
	}
	tr := cfg.transport()
	defer tr.CloseIdleConnections()
	client := &kafka.Client{Addr: addr, Transport: tr}

	meta, err := client.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return nil, fmt.Errorf("bus: read %s: metadata: %w", topic, err)
	}
	var parts []kafka.Partition
	for _, t := range meta.Topics {
		if t.Name != topic {
			continue
		}
		if t.Error != nil {
			return nil, fmt.Errorf("bus: read %s: %w", topic, t.Error)
		}
		parts = t.Partitions
	}
	if parts == nil {
		return nil, fmt.Errorf("bus: read %s: %w", topic, kafka.UnknownTopicOrPartition)
	}

	reqs := make([]kafka.OffsetRequest, 0, 2*len(parts))
	for _, p := range parts {
		reqs = append(reqs, kafka.FirstOffsetOf(p.ID), kafka.LastOffsetOf(p.ID))
	}
	offs, err := client.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: reqs}})
	if err != nil {
		return nil, fmt.Errorf("bus: read %s: list offsets: %w", topic, err)
	}

	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		all  []Message
		errs []error
	)
	for _, po := range offs.Topics[topic] {
		if po.Error != nil {
			return nil, fmt.Errorf("bus: read %s/%d: list offsets: %w", topic, po.Partition, po.Error)
		}
	}
	for _, po := range offs.Topics[topic] {
		if po.FirstOffset >= po.LastOffset {
			continue
		}
		wg.Go(func() {
			msgs, err := readPartition(ctx, cfg, topic, po.Partition, po.FirstOffset, po.LastOffset)
			mu.Lock()
			defer mu.Unlock()
			all = append(all, msgs...)
			if err != nil {
				errs = append(errs, err)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Partition != all[j].Partition {
			return all[i].Partition < all[j].Partition
		}
		return all[i].Offset < all[j].Offset
	})
	return all, nil
}

// readPartition reads offsets [from, end) of one partition.
func readPartition(ctx context.Context, cfg Config, topic string, partition int, from, end int64) ([]Message, error) {
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers:   cfg.Brokers,
		Topic:     topic,
		Partition: partition,
		Dialer:    cfg.dialer(),
		MinBytes:  defaultMinBytes,
		MaxBytes:  defaultMaxBytes,
		MaxWait:   fetchMaxWait,
		// Lag polling is for long-lived readers; ours would only log a
		// "context canceled" when closed.
		ReadLagInterval: -1,
		ErrorLogger:     cfg.errorLogger("kafka-readall"),
	})
	defer r.Close()
	if err := r.SetOffset(from); err != nil {
		return nil, fmt.Errorf("bus: read %s/%d: seek to %d: %w", topic, partition, from, err)
	}
	msgs := make([]Message, 0, min(end-from, 1<<16))
	for {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			return msgs, fmt.Errorf("bus: read %s/%d at offset %d of [%d,%d): %w", topic, partition, r.Offset(), from, end, err)
		}
		msgs = append(msgs, m)
		if m.Offset >= end-1 {
			return msgs, nil
		}
	}
}
