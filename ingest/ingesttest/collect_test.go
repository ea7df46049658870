package ingesttest

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/ingest/checkpoint"
)

func TestNewHarnessAt(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	h := NewHarnessAt(t, at, nil)
	if h.Store == nil || !h.Deps().Now().Equal(at) || h.Backfill != 7*24*time.Hour {
		t.Errorf("harness at %v: store %v, now %v, backfill %v", at, h.Store, h.Deps().Now(), h.Backfill)
	}
	store := &checkpoint.Memory{}
	if h := NewHarnessAt(t, at, store); h.Store != store || h.Deps().Checkpoints != store {
		t.Error("the given store is not the harness's")
	}
}

// poller is a fake source that publishes one mention, records a poll,
// then waits for ctx.
type poller struct {
	h       *Harness
	env     event.Envelope
	stopped atomic.Bool
}

func (p *poller) Name() string { return "poller" }

func (p *poller) Run(ctx context.Context, pub ingest.Publisher) error {
	if err := pub.Publish(ctx, p.env); err != nil {
		return err
	}
	p.h.Metrics.SourceOK(p.Name(), time.Now())
	<-ctx.Done()
	p.stopped.Store(true)
	return nil
}

func TestCollect(t *testing.T) {
	t.Run("until a poll", func(t *testing.T) {
		h := NewHarness(t)
		rec := NewRecorder(t)
		src := &poller{h: h, env: validMention(t, "reddit:1")}
		h.Collect(t, src, rec, nil)
		if !src.stopped.Load() || !h.PolledOK("poller") || len(rec.IDs()) != 1 {
			t.Errorf("stopped %v, polled %v, ids %v", src.stopped.Load(), h.PolledOK("poller"), rec.IDs())
		}
	})
	t.Run("until a condition", func(t *testing.T) {
		rec := NewRecorder(t)
		src := &poller{h: NewHarness(t), env: validMention(t, "reddit:1")}
		Collect(t, src, rec, func() bool { return len(rec.IDs()) == 1 })
		if !src.stopped.Load() {
			t.Error("source not stopped")
		}
	})
	t.Run("never there", func(t *testing.T) {
		shortPatience(t)
		ft := &fakeTB{TB: t}
		src := &poller{h: NewHarness(t), env: validMention(t, "reddit:1")}
		if !ft.run(func() { Collect(ft, src, NewRecorder(t), func() bool { return false }) }) || !strings.Contains(ft.fatal, "poller to get there") {
			t.Errorf("fatal %q", ft.fatal)
		}
		for _, c := range ft.cleanups {
			c()
		}
		if !src.stopped.Load() {
			t.Error("source not stopped by the cleanup")
		}
	})
}

func TestMentions(t *testing.T) {
	rec := NewRecorder(t)
	audience, err := event.Wrap(event.SchemaAudience, "reddit:aud1", "test", time.Now(), event.AudienceSnapshot{
		Network: "reddit", Account: "acme", Followers: 3, ObservedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	_ = rec.Publish(t.Context(), validMention(t, "reddit:1"), audience, validMention(t, "reddit:2"))
	got := Mentions(t, rec)
	if len(got) != 2 || got["reddit:1"].NativeID != "reddit:1" || got["reddit:2"].Text != "acme" {
		t.Errorf("Mentions = %+v", got)
	}

	bad := NewRecorder(t)
	broken := validMention(t, "reddit:3")
	broken.Data = []byte(`"not a mention"`)
	bad.envs = append(bad.envs, broken)
	ft := &fakeTB{TB: t}
	if !ft.run(func() { Mentions(ft, bad) }) || !strings.Contains(ft.fatal, "reddit:3") {
		t.Errorf("an undecodable mention: fatal %q", ft.fatal)
	}
}

func TestRecorderFail(t *testing.T) {
	rec := NewRecorder(t)
	down := errors.New("broker down")
	rec.Fail(down)
	if err := rec.Publish(t.Context(), validMention(t, "reddit:1")); !errors.Is(err, down) {
		t.Errorf("Publish after Fail = %v, want %v", err, down)
	}
	rec.Fail(nil)
	if err := rec.Publish(t.Context(), validMention(t, "reddit:2")); err != nil {
		t.Fatal(err)
	}
	if got := rec.IDs(); len(got) != 1 || got[0] != "reddit:2" {
		t.Errorf("IDs = %v, want only what was published while up", got)
	}
}
