// Package ingest runs collectors. A collector is a Source: it turns a
// platform's items into event envelopes and hands them to a Publisher, which
// validates them against the event schemas and writes them to the raw topic
// of their kind.
package ingest

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/earshot-dev/earshot/bus"
	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/internal/telemetry"
)

// Source is one collector.
type Source interface {
	// Name labels the source in metrics and logs and prefixes its event ids.
	Name() string
	// Run collects until ctx ends or the source is exhausted, publishing
	// as it goes. It returns nil when ctx was cancelled.
	Run(ctx context.Context, pub Publisher) error
}

// Publisher takes a collector's events.
type Publisher interface {
	// Publish validates the envelopes and writes them; it returns once
	// they are acknowledged, so a caller may then advance its checkpoint.
	Publish(ctx context.Context, envs ...event.Envelope) error
	// Reject keeps something a source received but could not turn into
	// events (a malformed API body, an item missing its id) in the
	// dead-letter topic, so it is seen rather than dropped.
	Reject(ctx context.Context, r Rejected) error
}

// Rejected is input a collector could not use.
type Rejected struct {
	Source string // the collector's name
	Key    string // what it was, e.g. the request URL or the item's id
	Body   []byte // the raw input
	Class  string // short label: "malformed", "invalid", …
	Reason string
}

// Topics names the raw topics events are routed to.
type Topics struct {
	Mentions string // mentions and reviews
	Metrics  string // post metrics and audience snapshots
	Business string // conversions and ad spend
}

// For returns the topic of an envelope's schema.
func (t Topics) For(schema string) (string, error) {
	switch schema {
	case event.SchemaMention:
		return t.Mentions, nil
	case event.SchemaPostMetrics, event.SchemaAudience:
		return t.Metrics, nil
	case event.SchemaConversion, event.SchemaAdSpend:
		return t.Business, nil
	}
	return "", fmt.Errorf("no raw topic for schema %q", schema)
}

type messageWriter interface {
	Write(ctx context.Context, msgs ...bus.Message) error
}

type deadLetterer interface {
	Send(ctx context.Context, failures ...bus.Failure) error
}

// KafkaPublisher validates envelopes and writes them keyed by event id, so
// the same item always lands in the same partition. An envelope that fails
// validation is a collector bug or a platform surprise: it goes to the
// dead-letter topic with its reason instead of stopping the collector.
type KafkaPublisher struct {
	W         messageWriter
	DLQ       deadLetterer
	Validator *event.Validator
	Topics    Topics
	Metrics   *telemetry.Metrics
}

// Reject implements Publisher. The letter names no original topic: it
// never was on one, so 'deadletter replay' leaves it alone.
func (p *KafkaPublisher) Reject(ctx context.Context, r Rejected) error {
	msg := bus.Message{Key: []byte(r.Source + ":" + r.Key), Value: r.Body, Partition: -1, Offset: -1}
	if err := p.DLQ.Send(ctx, bus.Failure{Msg: msg, Class: r.Class, Reason: r.Source + ": " + r.Reason}); err != nil {
		return fmt.Errorf("dead-letter rejected input of %s: %w", r.Source, err)
	}
	return nil
}

// Publish implements Publisher. Envelopes that are not Checked are
// validated, on every core for large batches.
func (p *KafkaPublisher) Publish(ctx context.Context, envs ...event.Envelope) error {
	msgs := make([]bus.Message, len(envs))
	errs := make([]error, len(envs))
	check := func(i int) {
		env := envs[i]
		raw, err := env.Encode()
		if err != nil {
			errs[i] = err
			return
		}
		topic, err := p.Topics.For(env.Schema)
		msgs[i] = bus.Message{Topic: topic, Key: []byte(env.ID), Value: raw}
		if err == nil && !env.Checked() {
			err = p.Validator.Validate(raw)
		}
		errs[i] = err
	}
	workers := min(runtime.GOMAXPROCS(0), (len(envs)+63)/64)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(envs); i += workers {
				check(i)
			}
		})
	}
	wg.Wait()

	good := msgs[:0:0]
	var failed []bus.Failure
	for i, env := range envs {
		if errs[i] != nil {
			class, reason := event.Classify(errs[i], "schema")
			failed = append(failed, bus.Failure{Msg: msgs[i], Class: class, Reason: reason})
			continue
		}
		good = append(good, msgs[i])
		p.Metrics.SourceEvent(env.Source, env.Schema, 1)
	}
	if err := p.DLQ.Send(ctx, failed...); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	if err := p.W.Write(ctx, good...); err != nil {
		return fmt.Errorf("publish %d events: %w", len(good), err)
	}
	return nil
}

// Problem is one invalid setting of a collector, reported by its config's
// Validate. Key is relative to the collector's entry ("instance",
// "hashtags[0]"); the configuration loader prefixes where the entry is.
type Problem struct {
	Key   string
	Value any
	Fix   string
}
