package bus

import (
	"context"
	"errors"
	"fmt"

	"github.com/segmentio/kafka-go"
)

// TopicSpec describes a topic for EnsureTopics. Zero Partitions or
// ReplicationFactor take the Config defaults.
type TopicSpec struct {
	Name              string
	Partitions        int
	ReplicationFactor int
	// Compacted topics keep the latest message per key (cleanup.policy
	// compact): state such as collector checkpoints, not event streams.
	Compacted bool
}

// EnsureTopics creates the topics that don't exist. Existing ones are left
// alone, even when their partition count differs from the spec: changing
// partitions moves keys between partitions and is an operator's decision.
func EnsureTopics(ctx context.Context, cfg Config, topics []TopicSpec) error {
	if len(topics) == 0 {
		return nil
	}
	addr, err := cfg.addr()
	if err != nil {
		return err
	}
	// A fresh transport: a cached one may not know topics created since.
	tr := cfg.transport()
	defer tr.CloseIdleConnections()
	client := &kafka.Client{Addr: addr, Transport: tr}

	names := make([]string, 0, len(topics))
	for _, t := range topics {
		if t.Name == "" {
			return errors.New("bus: ensure topics: empty topic name")
		}
		names = append(names, t.Name)
	}
	meta, err := client.Metadata(ctx, &kafka.MetadataRequest{Topics: names})
	if err != nil {
		return fmt.Errorf("bus: ensure topics: read metadata: %w", err)
	}
	exists := make(map[string]bool, len(meta.Topics))
	for _, t := range meta.Topics {
		if t.Error == nil {
			exists[t.Name] = true
		}
	}

	var create []kafka.TopicConfig
	for _, t := range topics {
		if exists[t.Name] {
			continue
		}
		exists[t.Name] = true // a name listed twice is created once
		p, rf := t.Partitions, t.ReplicationFactor
		if p <= 0 {
			p = cfg.partitions()
		}
		if rf <= 0 {
			rf = cfg.replicationFactor()
		}
		tc := kafka.TopicConfig{Topic: t.Name, NumPartitions: p, ReplicationFactor: rf}
		if t.Compacted {
			tc.ConfigEntries = []kafka.ConfigEntry{{ConfigName: "cleanup.policy", ConfigValue: "compact"}}
		}
		create = append(create, tc)
	}
	if len(create) == 0 {
		return nil
	}

	resp, err := client.CreateTopics(ctx, &kafka.CreateTopicsRequest{Topics: create})
	if err != nil {
		return fmt.Errorf("bus: ensure topics: create: %w", err)
	}
	var errs []error
	for _, t := range create {
		// Another process may have created it between our metadata read
		// and the create: that is success too.
		if err := resp.Errors[t.Topic]; err != nil && !errors.Is(err, kafka.TopicAlreadyExists) {
			errs = append(errs, fmt.Errorf("bus: create topic %s (%d partitions, rf %d): %w",
				t.Topic, t.NumPartitions, t.ReplicationFactor, err))
		}
	}
	return errors.Join(errs...)
}
