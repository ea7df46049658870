package appstore

import (
	"cmp"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/ingest/checkpoint"
	"github.com/earshot-dev/earshot/ingest/ingesttest"
)

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const app = "555000111"

// newHarness is the shared collector harness at testNow, with its 7-day
// backfill; store, unless nil, holds the checkpoints of earlier runs.
func newHarness(t *testing.T, store *checkpoint.Memory) *ingesttest.Harness {
	h := ingesttest.NewHarness(t)
	h.Now = func() time.Time { return testNow }
	if store != nil {
		h.Store = store
	}
	return h
}

// newSource builds a source of c for the app, named acme-ios unless c
// says otherwise, with a budget that never waits (the budget is fetch's,
// tested there).
func newSource(t *testing.T, h *ingesttest.Harness, c Config) ingest.Source {
	t.Helper()
	c.Name, c.AppID = cmp.Or(c.Name, "acme-ios"), app
	c.RequestsPerMinute = cmp.Or(c.RequestsPerMinute, 60000)
	return ingesttest.Build(t, New, c, h.Deps())
}

// collect runs src until done holds (by default: until it has completed
// a poll), then stops it.
func collect(t *testing.T, h *ingesttest.Harness, src ingest.Source, pub ingest.Publisher, done ...func() bool) {
	t.Helper()
	run := ingesttest.Start(t, src, pub)
	done = append(done, func() bool { return h.PolledOK(src.Name()) })
	ingesttest.Eventually(t, "the source to get there", done[0])
	run.Stop()
}

// mentions decodes the mentions r holds, by event id.
func mentions(t *testing.T, r *ingesttest.Recorder) map[string]event.Mention {
	t.Helper()
	out := map[string]event.Mention{}
	for _, e := range r.Envelopes(event.SchemaMention) {
		var m event.Mention
		if err := e.Decode(&m); err != nil {
			t.Fatal(err)
		}
		out[e.ID] = m
	}
	return out
}
