// Package checkpoint keeps collectors' cursors (the newest id seen, a
// paging cursor, an ETag) so a restarted collector resumes where it
// stopped instead of collecting everything again or missing a gap.
//
// Cursors live in a compacted Kafka topic keyed by source and query: the
// collectors need no store, and Kafka keeps the latest cursor per key.
package checkpoint

import (
	"context"
	"fmt"
	"sync"

	"github.com/earshot-dev/earshot/bus"
)

// Store loads and saves cursors. Keys are "source/query"; values are
// opaque to the store (collectors usually save JSON).
type Store interface {
	Load(ctx context.Context, key string) (value []byte, ok bool, err error)
	Save(ctx context.Context, key string, value []byte) error
}

type messageWriter interface {
	Write(ctx context.Context, msgs ...bus.Message) error
}

// Kafka is a Store on a compacted topic. It reads the topic once when
// opened and serves loads from memory; saves write through.
type Kafka struct {
	w     messageWriter
	topic string

	mu     sync.Mutex
	latest map[string][]byte
}

// OpenKafka reads every saved cursor from topic.
func OpenKafka(ctx context.Context, cfg bus.Config, w messageWriter, topic string) (*Kafka, error) {
	msgs, err := bus.ReadAll(ctx, cfg, topic)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: read %s: %w", topic, err)
	}
	k := &Kafka{w: w, topic: topic, latest: make(map[string][]byte, len(msgs))}
	for _, m := range msgs {
		// ReadAll returns each partition in offset order and a key always
		// lands in one partition, so the last message per key wins.
		k.latest[string(m.Key)] = m.Value
	}
	return k, nil
}

// Load implements Store.
func (k *Kafka) Load(_ context.Context, key string) ([]byte, bool, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.latest[key]
	return v, ok, nil
}

// Save implements Store. It returns once the cursor is acknowledged.
func (k *Kafka) Save(ctx context.Context, key string, value []byte) error {
	if err := k.w.Write(ctx, bus.Message{Topic: k.topic, Key: []byte(key), Value: value}); err != nil {
		return fmt.Errorf("checkpoint: save %s: %w", key, err)
	}
	k.mu.Lock()
	k.latest[key] = value
	k.mu.Unlock()
	return nil
}

// Memory is a Store in a map, for one-off runs and tests of collectors.
type Memory struct {
	mu sync.Mutex
	m  map[string][]byte
}

// Load implements Store.
func (s *Memory) Load(_ context.Context, key string) ([]byte, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[key]
	return v, ok, nil
}

// Save implements Store.
func (s *Memory) Save(_ context.Context, key string, value []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string][]byte{}
	}
	s.m[key] = append([]byte(nil), value...)
	return nil
}
