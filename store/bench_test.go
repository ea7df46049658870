package store

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

const benchBatch = 50_000

// mentionRows builds n rows shaped like enriched mentions: 12 columns,
// ~200-character texts, a few brands per row.
func mentionRows(n int) [][]any {
	networks := []string{"x", "bluesky", "mastodon", "reddit", "youtube", "instagram"}
	brands := [][]string{{"acme"}, {"acme", "globex"}, {"initech"}, {"globex", "initech", "acme"}}
	words := strings.Fields("the new acme rocket skates are great but shipping took forever and support " +
		"never answered my email so I am switching to globex unless someone fixes this fast 🚀 #acme @acmehq")
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	rows := make([][]any, n)
	for i := range rows {
		var text strings.Builder
		for j := 0; text.Len() < 200; j++ {
			text.WriteString(words[(i+j*7)%len(words)])
			text.WriteByte(' ')
		}
		rows[i] = []any{
			"x:" + strconv.Itoa(1_000_000+i),                    // id
			brands[i%len(brands)],                               // brand
			networks[i%len(networks)],                           // network
			"user" + strconv.Itoa(i%5000),                       // author
			uint64(i * 37 % 1_000_000),                          // followers
			text.String(),                                       // text
			float32(i%200-100) / 100,                            // sentiment
			base.Add(time.Duration(i) * 173 * time.Millisecond), // created_at
			[]string{"en", "id", "de"}[i%3],                     // lang
			uint64(i % 1000),                                    // likes
			"https://example.social/p/" + strconv.Itoa(i),       // url
			i%4 == 0, // is_reply
		}
	}
	return rows
}

var mentionCols = []string{"id", "brand", "network", "author", "followers", "text", "sentiment",
	"created_at", "lang", "likes", "url", "is_reply"}

// mentionDDL is the benchmark table; modern engines get the types the real
// schema uses, 18.16 the closest it has.
func mentionDDL(table string, modern bool) string {
	network, created := "String", "DateTime"
	settings := ""
	if modern {
		network, created = "LowCardinality(String)", "DateTime64(3)"
		settings = " SETTINGS non_replicated_deduplication_window = 0"
	}
	return "CREATE TABLE " + table + " (id String, brand Array(String), network " + network +
		", author String, followers UInt64, text String, sentiment Float32, created_at " + created +
		", lang " + network + ", likes UInt64, url String, is_reply UInt8) ENGINE = MergeTree ORDER BY (network, created_at, id)" + settings
}

func benchmarkInsert(b *testing.B, s Store, modern bool) {
	table := uniqueTable("bench_mentions")
	mustExec(b, s, mentionDDL(table, modern))
	b.Cleanup(func() { mustExec(b, s, "DROP TABLE IF EXISTS "+table) })
	rows := mentionRows(benchBatch)
	ctx := testCtx(b)
	b.ReportAllocs()
	b.ResetTimer()
	batches := 0
	for b.Loop() {
		if err := s.Insert(ctx, table, mentionCols, rows, ""); err != nil {
			b.Fatal(err)
		}
		batches++
	}
	b.ReportMetric(float64(batches*benchBatch)/b.Elapsed().Seconds(), "rows/s")
	b.StopTimer()
	if n := scalar(b, s, "SELECT count() FROM "+table); n != strconv.Itoa(batches*benchBatch) {
		b.Fatalf("table has %s rows, want %d", n, batches*benchBatch)
	}
}

// BenchmarkEncodeMentions measures our share of an embedded insert: turning
// Go rows into JSONCompactEachRow, without the engine.
func BenchmarkEncodeMentions(b *testing.B) {
	rows := mentionRows(benchBatch)
	cols := make([]colEncoding, len(mentionCols))
	for i, c := range mentionCols {
		cols[i].name = c
	}
	cols[7].time, cols[7].precision = timeDateTime64, 3
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = buf[:0]
		for _, r := range rows {
			var err error
			if buf, err = appendJSONRow(buf, cols, r); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.SetBytes(int64(len(buf)))
	b.ReportMetric(float64(b.N*benchBatch)/b.Elapsed().Seconds(), "rows/s")
}
