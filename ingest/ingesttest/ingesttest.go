// Package ingesttest is shared support for the tests of collectors (the
// packages under ingest/): a Publisher that records what a source
// publishes and holds every envelope to the real event schemas, a Harness
// that builds a source's ingest.Deps and reads its metrics, Start to run a
// source until the test stops it, and waits that poll for a condition.
//
// It is for collector tests only: production code must not import it.
package ingesttest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/ingest"
)

// Build calls newSource, a collector's New, and fails the test when it
// refuses cfg.
func Build[C any](t testing.TB, newSource func(C, ingest.Deps) (ingest.Source, error), cfg C, deps ingest.Deps) ingest.Source {
	t.Helper()
	src, err := newSource(cfg, deps)
	if err != nil {
		t.Fatalf("new source: %v", err)
	}
	return src
}

// Running is a source's Run in its own goroutine.
type Running struct {
	t    testing.TB
	name string
	stop func()
	once sync.Once
	done chan error
}

// Start runs src.Run(ctx, pub) in a goroutine until Stop cancels ctx.
// Stop is also registered as a cleanup of t, so a source never outlives
// its test.
func Start(t testing.TB, src ingest.Source, pub ingest.Publisher) *Running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &Running{t: t, name: src.Name(), stop: cancel, done: make(chan error, 1)}
	go func() { r.done <- src.Run(ctx, pub) }()
	t.Cleanup(r.Stop)
	return r
}

// Stop cancels the source and waits for Run to return; it fails the test
// when Run returns an error, as Run must return nil on cancel, or does
// not return within Patience. Only the first call does anything. Call it
// from the test's goroutine.
func (r *Running) Stop() {
	r.t.Helper()
	r.once.Do(func() {
		r.stop()
		select {
		case err := <-r.done:
			if err != nil {
				r.t.Errorf("%s: Run returned %v after cancel, want nil", r.name, err)
			}
		case <-time.After(patience):
			r.t.Fatalf("%s: Run did not return within %v of cancel", r.name, patience)
		}
	})
}
