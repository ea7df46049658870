package synthetic

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/schema"
)

var brands = []Brand{
	{Name: "Acme", Own: true, Keywords: []string{"acme", "#acme"}},
	{Name: "Globex", Keywords: []string{"globex"}},
}

type collected struct {
	mu   sync.Mutex
	envs []event.Envelope
}

func (c *collected) Publish(_ context.Context, envs ...event.Envelope) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.envs = append(c.envs, envs...)
	return nil
}

func (c *collected) Reject(context.Context, ingest.Rejected) error { return nil }

func run(t *testing.T, cfg Config) []event.Envelope {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var c collected
	if err := s.Run(ctx, &c); err != nil {
		t.Fatal(err)
	}
	return c.envs
}

func bySchema(envs []event.Envelope) map[string][]event.Envelope {
	out := map[string][]event.Envelope{}
	for _, e := range envs {
		out[e.Schema] = append(out[e.Schema], e)
	}
	return out
}

func TestLimitAndValidity(t *testing.T) {
	v, err := event.NewValidator(schema.Events)
	if err != nil {
		t.Fatal(err)
	}
	envs := run(t, Config{Brands: brands, Rate: 20000, Seed: 3, Limit: 1500})
	got := bySchema(envs)
	if n := len(got[event.SchemaMention]); n != 1500 {
		t.Fatalf("mentions = %d, want exactly the limit 1500", n)
	}
	if len(got[event.SchemaPostMetrics]) == 0 || len(got[event.SchemaAudience]) == 0 {
		t.Fatalf("want post metrics and audience snapshots too, got %d and %d", len(got[event.SchemaPostMetrics]), len(got[event.SchemaAudience]))
	}
	ids := map[string]bool{}
	for _, e := range envs {
		raw, _ := e.Encode()
		if err := v.Validate(raw); err != nil {
			t.Fatalf("%s does not validate: %v", e.ID, err)
		}
		if ids[e.ID] {
			t.Fatalf("duplicate id %s", e.ID)
		}
		ids[e.ID] = true
	}
	var own, langs, reviews int
	for _, e := range got[event.SchemaMention] {
		var m event.Mention
		if err := e.Decode(&m); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(strings.ToLower(m.Text), "acme") {
			own++
		}
		if m.Lang != "" {
			langs++
		}
		if m.Kind == event.KindReview {
			reviews++
			if m.Rating == nil {
				t.Errorf("review %s without rating", e.ID)
			}
		}
	}
	if own < 300 || own > 1200 {
		t.Errorf("own-brand mentions = %d of 1500, want roughly 40%%", own)
	}
	if langs == 0 || langs == 1500 || reviews == 0 {
		t.Errorf("want a mix of reported languages (%d) and some reviews (%d)", langs, reviews)
	}
}

func TestSameSeedSameStream(t *testing.T) {
	texts := func(seed uint64) []string {
		s, err := New(Config{Brands: brands, Rate: 1, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		envs, err := s.Mentions(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), 50)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range envs {
			out = append(out, e.ID+" "+string(e.Data))
		}
		return out
	}
	if a, b := texts(9), texts(9); !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave different streams")
	}
	if a, b := texts(9), texts(10); reflect.DeepEqual(a, b) {
		t.Fatal("different seeds gave the same stream")
	}
}

func TestSpikeHitsOwnBrand(t *testing.T) {
	// A clock that advances one tick per call makes the spike window
	// deterministic: ticks 20..39 are inside it.
	var now time.Time
	var mu sync.Mutex
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(tick)
		return now
	}
	envs := run(t, Config{Brands: brands, Rate: 400, Seed: 1, Limit: 1200,
		SpikeAfter: 20 * tick, SpikeFor: 20 * tick, SpikeFactor: 5, Now: clock})
	var inSpike, outside, ownIn, ownOut int
	start := envs[0].CollectedAt.Add(-tick)
	for _, e := range bySchema(envs)[event.SchemaMention] {
		el := e.CollectedAt.Sub(start)
		own := strings.Contains(strings.ToLower(string(e.Data)), "acme")
		if el >= 20*tick && el < 40*tick {
			inSpike++
			if own {
				ownIn++
			}
		} else {
			outside++
			if own {
				ownOut++
			}
		}
	}
	if inSpike == 0 || outside == 0 {
		t.Fatalf("spike %d, outside %d", inSpike, outside)
	}
	if float64(ownIn)/float64(inSpike) < float64(ownOut)/float64(outside)+0.2 {
		t.Errorf("own share in spike %.2f, outside %.2f: the spike should be about the own brand", float64(ownIn)/float64(inSpike), float64(ownOut)/float64(outside))
	}
}
