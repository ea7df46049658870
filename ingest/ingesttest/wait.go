package ingesttest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/ingest"
)

// Patience is how long a wait polls before it fails the test. It only
// bounds a hung test, generously for a loaded machine: nothing is
// asserted about speed.
const Patience = time.Minute

// patience is Patience, shortened by this package's own tests of giving up.
var patience = Patience

// Eventually polls cond until it holds, and fails the test when it still
// does not after Patience; what says what was awaited.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	await(t, cond, func() string { return what })
}

// WaitForEnvelopes waits until r holds at least n envelopes of the given
// schemas (of any schema when none are given).
func WaitForEnvelopes(t testing.TB, r *Recorder, n int, schemas ...string) {
	t.Helper()
	await(t, func() bool { return len(r.IDs(schemas...)) >= n }, func() string {
		what := "envelopes"
		if len(schemas) > 0 {
			what = fmt.Sprintf("envelopes of %v", schemas)
		}
		return fmt.Sprintf("%d %s (%d published)", n, what, len(r.IDs(schemas...)))
	})
}

// WaitForIDs waits until r holds an envelope of each id.
func WaitForIDs(t testing.TB, r *Recorder, ids ...string) {
	t.Helper()
	missing := func() []string {
		got := r.IDs()
		return slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return slices.Contains(got, id) })
	}
	await(t, func() bool { return len(missing()) == 0 }, func() string {
		return fmt.Sprintf("events %v (still missing %v)", ids, missing())
	})
}

// WaitForCheckpoint waits until a checkpoint is saved under key, and
// returns it.
func WaitForCheckpoint(t testing.TB, store ingest.Checkpoints, key string) []byte {
	t.Helper()
	var saved []byte
	await(t, func() bool {
		raw, ok, err := store.Load(context.Background(), key)
		if err != nil {
			t.Fatalf("load checkpoint %s: %v", key, err)
		}
		saved = raw
		return ok
	}, func() string { return "checkpoint " + key })
	return saved
}

func await(t testing.TB, cond func() bool, what func() string) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %v waiting for %s", patience, what())
		}
		time.Sleep(5 * time.Millisecond)
	}
}
