package pipeline_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/ingest/rss"
	"github.com/earshot-dev/earshot/internal/pipeline"
)

// feed serves an RSS 2.0 document whose items name the demo brands;
// items() grows it, as a news site's feed grows.
type feed struct {
	n       atomic.Int32
	fetches atomic.Int32
}

func (f *feed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.fetches.Add(1)
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Tech news</title><link>https://news.example.com/</link><description>d</description>`)
	base := time.Now().UTC().Add(-time.Hour)
	for i := int(f.n.Load()); i >= 1; i-- {
		fmt.Fprintf(&b, `<item><title>Acme story %d</title><link>https://news.example.com/a/%d</link><guid>https://news.example.com/a/%d</guid><pubDate>%s</pubDate><description>Acme and Globex shipped something great, part %d.</description></item>`,
			i, i, i, base.Add(time.Duration(i)*time.Minute).Format(time.RFC1123Z), i)
	}
	b.WriteString(`</channel></rss>`)
	w.Header().Set("Content-Type", "application/rss+xml")
	w.Write([]byte(b.String()))
}

// TestRealCollectorThroughPipeline runs a real collector (RSS, against a
// feed served over HTTP) through Kafka, the enricher and the sink, stops
// it, lets the feed grow, and starts it again: the checkpoint it kept in
// the Kafka checkpoints topic must make the second run publish only the
// new items.
func TestRealCollectorThroughPipeline(t *testing.T) {
	f := &feed{}
	f.n.Store(5)
	srv := httptest.NewServer(f)
	defer srv.Close()

	cfg := testConfig(t)
	cfg.Synthetic.Enabled = false
	cfg.Sources.RSS = []rss.Config{{Name: "technews", URL: srv.URL, Interval: time.Hour}}
	if errs := cfg.Validate(); len(errs) > 0 {
		t.Fatal(errs)
	}
	p := open(t, cfg)
	stop := startStages(t, p.Enrich(), p.Sink())

	// collectUntil runs the collector until the store holds want mentions:
	// by then its one poll (the interval is an hour) has long saved its
	// checkpoint, which happens right after the publish.
	collectUntil := func(want int64) {
		t.Helper()
		deps, closeDeps, err := p.CollectorDeps(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer closeDeps()
		srcs, err := p.Sources(deps)
		if err != nil {
			t.Fatal(err)
		}
		if len(srcs) != 1 || srcs[0].Name() != "technews" {
			t.Fatalf("sources = %v", srcs)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- pipeline.Run(ctx, p.Collect(srcs...)) }()
		waitFor(t, p.Store, "SELECT count() FROM mentions", want)
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}

	collectUntil(5)
	f.n.Store(8)
	collectUntil(8)
	stop()
	if got := f.fetches.Load(); got != 2 {
		t.Errorf("feed fetched %d times, want once per run", got)
	}

	if got := queryInt(t, p.Store, "SELECT count() FROM mentions"); got != 8 {
		t.Errorf("mentions rows = %d, want 8: the restarted collector republished items", got)
	}
	if got := queryInt(t, p.Store, "SELECT countIf(has(brands, 'Acme') AND has(brands, 'Globex') AND network = 'news' AND kind = 'article') FROM mentions"); got != 8 {
		t.Errorf("%d of 8 feed items enriched as news articles naming Acme and Globex", got)
	}
}
