package ingesttest

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/schema"
)

var validator = sync.OnceValues(func() (*event.Validator, error) { return event.NewValidator(schema.Events) })

// Recorder is an ingest.Publisher standing in for the Kafka publisher: it
// keeps what a source publishes and rejects, and, as the Kafka publisher
// does, validates every published envelope against the real event
// schemas; an envelope they refuse fails the test. It is safe for
// concurrent use.
type Recorder struct {
	t testing.TB
	v *event.Validator

	mu      sync.Mutex
	envs    []event.Envelope
	rejects []ingest.Rejected
	fail    error
}

// NewRecorder returns a Recorder that fails t on an invalid envelope.
// The source publishing to it must be stopped before t ends (Start sees
// to that).
func NewRecorder(t testing.TB) *Recorder {
	t.Helper()
	return &Recorder{t: t, v: Validator(t)}
}

// Validator returns the validator of the real event schemas, compiled
// once per test binary; it fails t when they do not compile.
func Validator(t testing.TB) *event.Validator {
	t.Helper()
	v, err := validator()
	if err != nil {
		t.Fatalf("event schemas: %v", err)
	}
	return v
}

// Fail makes every later Publish return err, keeping nothing, as a
// publisher does when the broker is down; a nil err ends that.
func (r *Recorder) Fail(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail = err
}

// Publish implements ingest.Publisher. Invalid envelopes fail the test
// and are kept all the same, so counts stay what the source published.
// After Fail, it returns that error instead, and keeps nothing.
func (r *Recorder) Publish(_ context.Context, envs ...event.Envelope) error {
	r.mu.Lock()
	err := r.fail
	r.mu.Unlock()
	if err != nil {
		return err
	}
	for _, e := range envs {
		raw, err := e.Encode()
		if err == nil {
			err = r.v.Validate(raw)
		}
		if err != nil {
			r.t.Errorf("published an envelope the event schemas refuse: %s: %v\n%s", e.ID, err, raw)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.envs = append(r.envs, envs...)
	return nil
}

// Reject implements ingest.Publisher.
func (r *Recorder) Reject(_ context.Context, rj ingest.Rejected) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rejects = append(r.rejects, rj)
	return nil
}

// Envelopes returns the envelopes published with the given schemas (all
// of them when none are given), in publishing order.
func (r *Recorder) Envelopes(schemas ...string) []event.Envelope {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(schemas) == 0 {
		return slices.Clone(r.envs)
	}
	var out []event.Envelope
	for _, e := range r.envs {
		if slices.Contains(schemas, e.Schema) {
			out = append(out, e)
		}
	}
	return out
}

// IDs returns the ids of Envelopes(schemas...).
func (r *Recorder) IDs(schemas ...string) []string {
	envs := r.Envelopes(schemas...)
	ids := make([]string, len(envs))
	for i, e := range envs {
		ids[i] = e.ID
	}
	return ids
}

// Rejects returns what the source rejected, in order.
func (r *Recorder) Rejects() []ingest.Rejected {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.rejects)
}
