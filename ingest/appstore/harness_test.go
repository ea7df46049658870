package appstore

import (
	"cmp"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/ingest/ingesttest"
)

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const app = "555000111"

// newSource builds a source of c for the app, named acme-ios unless c
// says otherwise, with a budget that never waits (the budget is fetch's,
// tested there).
func newSource(t *testing.T, h *ingesttest.Harness, c Config) ingest.Source {
	t.Helper()
	c.Name, c.AppID = cmp.Or(c.Name, "acme-ios"), app
	c.RequestsPerMinute = cmp.Or(c.RequestsPerMinute, 60000)
	return ingesttest.Build(t, New, c, h.Deps())
}
