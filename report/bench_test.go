package report

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/rollup"
	"github.com/earshot-dev/earshot/store"
)

const benchMentions = 1_000_000

// loadBenchMentions loads the fixture plus n generated mentions
// (September and October 2026, three quarters Acme's, 200k authors),
// rolled up by the real rollup job.
func loadBenchMentions(b *testing.B, n int) {
	ctx := context.Background()
	LoadFixture(b)
	q := fmt.Sprintf(`INSERT INTO mentions (id, source, network, kind, url, author_id, author_handle, reach, text,
    sentiment_label, brands, brand_roles, created_at, collected_at, enriched_at, kafka_partition, kafka_offset)
SELECT concat('b', toString(number)), 'bench', ['x', 'instagram', 'facebook'][number %% 3 + 1], 'post',
       concat('https://example.com/', toString(number)), toString(cityHash64(number) %% 200000), '', number %% 5000,
       'benchmark mention text', ['positive', 'neutral', 'negative'][number %% 3 + 1],
       if(number %% 4 = 0, ['Globex'], ['Acme']), if(number %% 4 = 0, ['competitor'], ['own']),
       toDateTime64('2026-09-01 00:00:00', 3, 'UTC') + toIntervalSecond(number * 5270 %% 5270400) AS t, t, t, 0, number
FROM numbers(%d)`, n)
	if err := TestStore.Exec(ctx, q); err != nil {
		b.Fatal(err)
	}
	job := &rollup.Job{Store: TestStore, Owned: []string{"Acme"}, MonthlyCost: 100, Currency: "USD", Log: slog.New(slog.DiscardHandler)}
	if err := job.Recompute(ctx, ts("2026-09-01 00:00:00"), ts("2026-11-01 00:00:00")); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkGather gathers one brand-month with 1M mentions in the store,
// plus the fixture's posts, audience and business rows.
func BenchmarkGather(b *testing.B) { benchGather(b, benchMentions) }

// BenchmarkGather10M is the size: 10M mentions in the store over
// two months. Seeding and rolling up take minutes; run it alone:
// go test -run '^$' -bench Gather10M ./report/
func BenchmarkGather10M(b *testing.B) { benchGather(b, 10_000_000) }

func benchGather(b *testing.B, n int) {
	ctx := context.Background()
	loadBenchMentions(b, n)
	// One untimed run with each query's time logged: where the time goes.
	tq := &timedQuerier{q: TestStore}
	if _, err := Gather(ctx, tq, "Acme", FixtureMonth, Options{Currency: "USD"}); err != nil {
		b.Fatal(err)
	}
	for _, l := range tq.log {
		b.Log(l)
	}
	b.ResetTimer()
	for b.Loop() {
		r, err := Gather(ctx, TestStore, "Acme", FixtureMonth, Options{Currency: "USD"})
		if err != nil {
			b.Fatal(err)
		}
		if r.KPIs[0].Value == nil || *r.KPIs[0].Value < float64(n)/4 {
			b.Fatalf("mentions %v", r.KPIs[0].Value)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "mentions/s")
}

type timedQuerier struct {
	q   Querier
	log []string
}

func (t *timedQuerier) Query(ctx context.Context, q string) (*store.Result, error) {
	start := time.Now()
	res, err := t.q.Query(ctx, q)
	first, _, _ := strings.Cut(strings.Join(strings.Fields(q), " "), " WHERE")
	t.log = append(t.log, fmt.Sprintf("%6.0f ms  %.110s", float64(time.Since(start).Microseconds())/1000, first))
	return res, err
}
