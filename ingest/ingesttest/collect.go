package ingesttest

import (
	"testing"
	"time"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/ingest/checkpoint"
)

// NewHarnessAt returns a Harness for t whose clock stands still at now;
// store, unless nil, holds the checkpoints of earlier runs.
func NewHarnessAt(t testing.TB, now time.Time, store *checkpoint.Memory) *Harness {
	h := NewHarness(t)
	h.Now = func() time.Time { return now }
	if store != nil {
		h.Store = store
	}
	return h
}

// Collect runs src, publishing to pub, until until holds, then stops it
// (see Running.Stop); it fails the test when until does not hold within
// Patience.
func Collect(t testing.TB, src ingest.Source, pub ingest.Publisher, until func() bool) {
	t.Helper()
	run := Start(t, src, pub)
	Eventually(t, src.Name()+" to get there", until)
	run.Stop()
}

// Collect is Collect with a default for until: a nil until waits for src
// to complete a poll (see PolledOK).
func (h *Harness) Collect(t testing.TB, src ingest.Source, pub ingest.Publisher, until func() bool) {
	t.Helper()
	if until == nil {
		until = func() bool { return h.PolledOK(src.Name()) }
	}
	Collect(t, src, pub, until)
}

// Mentions decodes the mentions r holds, by event id; it fails the test
// on one that does not decode.
func Mentions(t testing.TB, r *Recorder) map[string]event.Mention {
	t.Helper()
	out := map[string]event.Mention{}
	for _, e := range r.Envelopes(event.SchemaMention) {
		var m event.Mention
		if err := e.Decode(&m); err != nil {
			t.Fatalf("mention %s: %v", e.ID, err)
		}
		out[e.ID] = m
	}
	return out
}
