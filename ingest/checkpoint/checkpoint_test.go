package checkpoint

import (
	"context"
	"fmt"
	"log/slog"
	"testing"

	"github.com/earshot-dev/earshot/bus"
)

// TestKafkaSurvivesReopen saves cursors to a real (embedded) broker and
// reads them back through a new store, as a restarted collector does.
func TestKafkaSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	b, err := bus.StartEmbedded(ctx, t.TempDir(), 0, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	cfg := bus.Config{Brokers: b.Addrs()}
	const topic = "earshot.checkpoints"
	if err := bus.EnsureTopics(ctx, cfg, []bus.TopicSpec{{Name: topic, Partitions: 1, Compacted: true}}); err != nil {
		t.Fatal(err)
	}
	w := bus.NewWriter(cfg, "checkpoint", nil)
	defer w.Close()

	first, err := OpenKafka(ctx, cfg, w, topic)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := first.Load(ctx, "hn/acme"); ok {
		t.Fatal("a new topic has no cursor")
	}
	for i := range 5 {
		if err := first.Save(ctx, "hn/acme", fmt.Appendf(nil, `{"newest":%d}`, i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := first.Save(ctx, "rss/feed", []byte(`{"etag":"x"}`)); err != nil {
		t.Fatal(err)
	}

	second, err := OpenKafka(ctx, cfg, w, topic)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ key, want string }{
		{"hn/acme", `{"newest":4}`}, // the latest save wins
		{"rss/feed", `{"etag":"x"}`},
	}
	for _, tt := range tests {
		got, ok, err := second.Load(ctx, tt.key)
		if err != nil || !ok || string(got) != tt.want {
			t.Errorf("Load(%s) = %s, %v, %v; want %s", tt.key, got, ok, err, tt.want)
		}
	}
}

func TestMemoryCopiesValues(t *testing.T) {
	var m Memory
	v := []byte("a")
	if err := m.Save(context.Background(), "k", v); err != nil {
		t.Fatal(err)
	}
	v[0] = 'b'
	if got, ok, _ := m.Load(context.Background(), "k"); !ok || string(got) != "a" {
		t.Fatalf("Load = %q, %v: a caller's later change leaked into the store", got, ok)
	}
}
