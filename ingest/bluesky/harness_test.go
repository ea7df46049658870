package bluesky

import (
	"fmt"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/ingest/ingesttest"
)

var t0 = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// harness is the shared collector harness with a fake Bluesky, at a
// fixed time t0 and with a 48h backfill.
type harness struct {
	*ingesttest.Harness
	t    *testing.T
	fake *fakeBsky
}

func newHarness(t *testing.T) *harness {
	h := &harness{Harness: ingesttest.NewHarness(t), t: t, fake: newFake(t)}
	h.Now = func() time.Time { return t0 }
	h.Backfill = 48 * time.Hour
	return h
}

// config is a test entry: fast polls and a budget that never waits.
func (h *harness) config() Config {
	return Config{Name: "bsky-test", BaseURL: h.fake.srv.URL, PDSURL: h.fake.srv.URL, Queries: []string{"acme"},
		Interval: 20 * time.Millisecond, RequestsPerMinute: 600000}
}

// login makes cfg log in as the fake's account.
func (h *harness) login(cfg Config) Config {
	cfg.Identifier, cfg.AppPassword = "acme.test", h.fake.password
	// Unauthenticated reads go nowhere useful, so a read that skipped the
	// session would fail loudly.
	cfg.BaseURL = "http://127.0.0.1:1"
	return cfg
}

// start runs a new source for cfg until the returned handle is stopped.
func (h *harness) start(cfg Config, pub ingest.Publisher) *ingesttest.Running {
	h.t.Helper()
	return ingesttest.Start(h.t, ingesttest.Build(h.t, New, cfg, h.Deps()), pub)
}

// postsFrom makes n posts containing text, one a minute going back from
// start, by authors cycling through a few profiles.
func postsFrom(prefix string, start time.Time, n int, text string) []fpost {
	out := make([]fpost, n)
	for i := range out {
		a := fprofile{DID: fmt.Sprintf("did:plc:author%02d", i%7), Handle: fmt.Sprintf("author%02d.bsky.social", i%7), Name: "Author", Followers: 100 * (i%7 + 1)}
		created := start.Add(-time.Duration(i) * time.Minute)
		out[i] = fpost{Rkey: fmt.Sprintf("%s%05d", prefix, i), Author: a, Text: fmt.Sprintf("%s number %d", text, i),
			Created: created, Indexed: created.Add(time.Second), Langs: []string{"en"}, Likes: i % 9, Reposts: i % 4, Replies: i % 3, Quotes: i % 2}
	}
	return out
}

func mentionID(p fpost) string { return event.ID(Network, p.uri()) }
