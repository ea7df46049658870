package fileimport

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/ingest/ingesttest"
)

// byID is what rec published, by event id; an id published twice in one
// import fails the test.
func byID(t testing.TB, rec *ingesttest.Recorder) map[string]event.Envelope {
	t.Helper()
	out := map[string]event.Envelope{}
	for _, e := range rec.Envelopes() {
		if _, dup := out[e.ID]; dup {
			t.Errorf("event %s published twice in one import", e.ID)
		}
		out[e.ID] = e
	}
	return out
}

var observed = time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)

func newImporter(t testing.TB, pub ingest.Publisher) *Importer {
	return &Importer{Pub: pub, Validator: ingesttest.Validator(t), Now: func() time.Time { return observed }}
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
