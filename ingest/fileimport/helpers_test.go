package fileimport

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/schema"
)

var (
	validatorOnce sync.Once
	testValidator *event.Validator
)

func mustValidator(t testing.TB) *event.Validator {
	validatorOnce.Do(func() {
		v, err := event.NewValidator(schema.Events)
		if err != nil {
			panic(err)
		}
		testValidator = v
	})
	return testValidator
}

// recorder is a test double of the Kafka boundary: it keeps what it is
// given, and checks every envelope against the real schemas.
type recorder struct {
	t       testing.TB
	mu      sync.Mutex
	envs    []event.Envelope
	rejects []ingest.Rejected
	calls   int
}

func (r *recorder) Publish(_ context.Context, envs ...event.Envelope) error {
	for _, env := range envs {
		raw, err := env.Encode()
		if err != nil {
			r.t.Error(err)
			continue
		}
		if err := mustValidator(r.t).Validate(raw); err != nil {
			r.t.Errorf("published envelope fails the schemas: %v\n%s", err, raw)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	r.envs = append(r.envs, envs...)
	return nil
}

func (r *recorder) Reject(_ context.Context, rej ingest.Rejected) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rejects = append(r.rejects, rej)
	return nil
}

func (r *recorder) byID() map[string]event.Envelope {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]event.Envelope{}
	for _, e := range r.envs {
		if _, dup := out[e.ID]; dup {
			r.t.Errorf("event %s published twice in one import", e.ID)
		}
		out[e.ID] = e
	}
	return out
}

var observed = time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)

func newImporter(t testing.TB, pub ingest.Publisher) *Importer {
	return &Importer{Pub: pub, Validator: mustValidator(t), Now: func() time.Time { return observed }}
}

func testdata(name string) string { return filepath.Join("testdata", name) }

func writeFile(t testing.TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustSpec(t testing.TB, name string, k Kind, custom Config) *Spec {
	t.Helper()
	s, err := Resolve(name, k, custom)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
