package webhook

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/ingest/ingesttest"
)

// BenchmarkWebhookNDJSON posts signed NDJSON batches of 1000 mentions over
// real HTTP into the embedded broker, from as many concurrent senders as
// CPUs, and reports events/s and the p99 request latency.
func BenchmarkWebhookNDJSON(b *testing.B) {
	const batch = 1000
	h := ingesttest.NewHarness(b)
	k := newKafka(b, h.Metrics)
	c := testConfig()
	c.MaxBody = 10 << 20
	s := newQuietSource(b, c, h.Deps())
	srv := httptest.NewServer(s.Handler(k.pub))
	defer srv.Close()
	body := ndjson(b, mentions(b, batch))

	var (
		mu        sync.Mutex
		latencies []time.Duration
	)
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			req := signedRequest(b, srv.URL+"/v1/events/shop", testSecret, body, "application/x-ndjson", time.Now())
			start := time.Now()
			status, resp := do(b, req)
			mine = append(mine, time.Since(start))
			if status != http.StatusOK {
				b.Errorf("status %d: %s", status, resp)
				return
			}
		}
		mu.Lock()
		latencies = append(latencies, mine...)
		mu.Unlock()
	})
	elapsed := b.Elapsed()
	b.StopTimer()
	slices.Sort(latencies)
	if len(latencies) > 0 {
		p99 := latencies[min(len(latencies)-1, len(latencies)*99/100)]
		b.ReportMetric(float64(p99.Microseconds())/1000, "p99_ms")
	}
	b.ReportMetric(float64(b.N*batch)/elapsed.Seconds(), "events/s")
}
