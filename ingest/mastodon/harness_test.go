package mastodon

import (
	"testing"
	"time"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/ingest/ingesttest"
)

var t0 = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// harness is the shared collector harness with a fake instance, at a
// fixed time t0 and with a 48h backfill.
type harness struct {
	*ingesttest.Harness
	t    *testing.T
	fake *fakeInstance
}

func newHarness(t *testing.T) *harness {
	h := &harness{Harness: ingesttest.NewHarness(t), t: t, fake: newFake(t)}
	h.Now = func() time.Time { return t0 }
	h.Backfill = 48 * time.Hour
	return h
}

// config is a test entry: fast polls and a budget that never waits.
func (h *harness) config() Config {
	return Config{Name: "masto-test", Instance: h.fake.srv.URL, Hashtags: []string{"acme"},
		Interval: 20 * time.Millisecond, RequestsPerMinute: 600000}
}

// start runs a new source for cfg, with short stream reconnects, until
// the returned handle is stopped.
func (h *harness) start(cfg Config, pub ingest.Publisher) *ingesttest.Running {
	h.t.Helper()
	src := ingesttest.Build(h.t, New, cfg, h.Deps())
	s := src.(*Source)
	s.reconnectBase, s.reconnectMax = 5*time.Millisecond, 50*time.Millisecond
	return ingesttest.Start(h.t, src, pub)
}

// statusesFrom makes n statuses tagged tag, one a minute going back from
// start, ids ascending with time from idBase.
func statusesFrom(idBase uint64, start time.Time, n int, tags ...string) []fstatus {
	out := make([]fstatus, n)
	for i := range out {
		out[i] = fstatus{
			ID: idBase + uint64(n-i)*1000, Created: start.Add(-time.Duration(i) * time.Minute),
			Tags: tags, Acct: "fan" + string(rune('a'+i%26)), Followers: 10 * i, Likes: i % 7, Boosts: i % 3, Replies: i % 5,
			Lang: "en",
		}
	}
	return out
}

func mentionID(f *fakeInstance, id uint64) string {
	return event.ID(Network, f.host()+"/"+uitoa(id))
}
