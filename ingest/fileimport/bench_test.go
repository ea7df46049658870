package fileimport

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/bus"
	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/ingest/ingesttest"
	"github.com/earshot-dev/earshot/internal/telemetry"
)

// BenchmarkImportCSV imports a 20,000-row post-metrics CSV into the
// embedded broker through the real validating KafkaPublisher, all or
// nothing (a checking pass, then a publishing pass), and reports rows/s.
func BenchmarkImportCSV(b *testing.B) {
	const rows = 20000
	ctx := context.Background()
	br, err := bus.StartEmbedded(ctx, "", 0, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	defer br.Close()
	cfg := bus.Config{Brokers: br.Addrs(), Partitions: 6, Log: slog.New(slog.DiscardHandler)}
	topics := ingest.Topics{Mentions: "b.raw.mentions", Metrics: "b.raw.metrics", Business: "b.raw.business"}
	var specs []bus.TopicSpec
	for _, t := range []string{topics.Mentions, topics.Metrics, topics.Business, "b.deadletter"} {
		specs = append(specs, bus.TopicSpec{Name: t})
	}
	if err := bus.EnsureTopics(ctx, cfg, specs); err != nil {
		b.Fatal(err)
	}
	m := telemetry.New(nil)
	w := bus.NewWriter(cfg, "import", m)
	defer w.Close()
	pub := &ingest.KafkaPublisher{W: w, DLQ: bus.NewDeadLetters(w, "b.deadletter", "import", m), Validator: ingesttest.Validator(b), Topics: topics, Metrics: m}

	var sb strings.Builder
	sb.WriteString("Post ID,Page ID,Page name,Description,Publish time,Permalink,Impressions,Reach,Reactions,Comments,Shares,Total clicks\n")
	for i := range rows {
		fmt.Fprintf(&sb, "123_%d,123,Acme,\"Post %d https://acme.example/?utm_campaign=c%d\",11/03/2026 09:15,https://www.facebook.com/123/posts/%d,\"%d\",\"%d\",%d,%d,%d,%d\n",
			i, i, i%7, i, 10000+i, 8000+i, i%500, i%40, i%9, i%300)
	}
	path := filepath.Join(b.TempDir(), "posts.csv")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	spec := mustSpec(b, "facebook-posts", PostMetrics, Config{})
	im := &Importer{Pub: pub, Validator: ingesttest.Validator(b)}
	b.SetBytes(int64(sb.Len()))
	b.ResetTimer()
	for b.Loop() {
		rep, err := im.Import(ctx, path, Options{Spec: spec, Overrides: Overrides{ObservedAt: time.Now()}})
		if err != nil || rep.Published != rows {
			b.Fatalf("import: %v (%d published)", err, rep.Published)
		}
	}
	b.ReportMetric(float64(b.N*rows)/b.Elapsed().Seconds(), "rows/s")
}
