package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestEmbeddedOpenCreatesDatabase(t *testing.T) {
	s := embeddedStore(t)
	if s.Kind() != KindEmbedded {
		t.Errorf("Kind() = %q", s.Kind())
	}
	if n := scalar(t, s, "SELECT count() FROM system.databases WHERE name = '"+embeddedTestDB+"'"); n != "1" {
		t.Errorf("database %s not created", embeddedTestDB)
	}
	if db := scalar(t, s, "SELECT currentDatabase()"); db != embeddedTestDB {
		t.Errorf("current database %q, want %q", db, embeddedTestDB)
	}
	// Unqualified names land in the configured database.
	table := uniqueTable("unqualified")
	mustExec(t, s, "CREATE TABLE "+table+" (a UInt8) ENGINE = Memory")
	if n := scalar(t, s, "SELECT count() FROM system.tables WHERE database = '"+embeddedTestDB+"' AND name = '"+table+"'"); n != "1" {
		t.Errorf("table not in %s", embeddedTestDB)
	}
	if tz := scalar(t, s, "SELECT timezone()"); tz != "UTC" {
		t.Errorf("session time zone %q, want UTC", tz)
	}
}

func TestEmbeddedOneEnginePerProcess(t *testing.T) {
	s := embeddedStore(t)
	dir := chdbProcess.dataDir
	ctx := testCtx(t)

	// Same directory and database: a second handle on the shared engine,
	// and closing it leaves the first one working.
	s2, err := Open(ctx, Config{DataDir: dir, Database: embeddedTestDB}, quietLogger())
	if err != nil {
		t.Fatalf("second handle: %v", err)
	}
	if v := scalar(t, s2, "SELECT 1"); v != "1" {
		t.Errorf("second handle query: %q", v)
	}
	if err := s2.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s2.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := s2.Exec(ctx, "SELECT 1"); err == nil {
		t.Error("closed handle still runs queries")
	}
	if v := scalar(t, s, "SELECT 2"); v != "2" {
		t.Errorf("shared handle broken after closing another: %q", v)
	}

	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"other data dir", Config{DataDir: t.TempDir(), Database: embeddedTestDB}},
		{"other database", Config{DataDir: dir, Database: "another"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(ctx, tc.cfg, quietLogger())
			if err == nil || !strings.Contains(err.Error(), "one engine per process") {
				t.Fatalf("want a one-engine-per-process error, got %v", err)
			}
		})
	}
}

func TestEmbeddedOpenRequiresDataDir(t *testing.T) {
	_, err := Open(testCtx(t), Config{}, quietLogger())
	if err == nil || !strings.Contains(err.Error(), "data directory") {
		t.Fatalf("want a data directory error, got %v", err)
	}
}

func TestEmbeddedMigrate(t *testing.T) {
	testMigrate(t, embeddedStore(t))
}

func TestEmbeddedRoundtrip(t *testing.T) {
	testRoundtrip(t, embeddedStore(t), true)
}

func TestEmbeddedDedupToken(t *testing.T) {
	testDedupToken(t, embeddedStore(t))
}

// TestEmbeddedInlineTransport covers the fallback that sends rows in the
// query text when there is no spool directory.
func TestEmbeddedInlineTransport(t *testing.T) {
	shared := embeddedStore(t).(*embedded)
	// A second view on the shared engine, never closed: closing would
	// release the TestMain handle's reference.
	inline := newEmbedded(shared.conn, shared.dataDir, "", shared.database, quietLogger())
	t.Run("roundtrip", func(t *testing.T) { testRoundtrip(t, inline, true) })
	t.Run("dedup", func(t *testing.T) { testDedupToken(t, inline) })
}

// TestEmbeddedInsertOneBlock checks a large batch becomes a single part,
// and that nothing is left in the spool.
func TestEmbeddedInsertOneBlock(t *testing.T) {
	s := embeddedStore(t)
	table := uniqueTable("oneblock")
	mustExec(t, s, "CREATE TABLE "+table+" (n UInt64, s String) ENGINE = MergeTree ORDER BY n "+
		"SETTINGS non_replicated_deduplication_window = 100")
	rows := make([][]any, 200_000)
	for i := range rows {
		rows[i] = []any{uint64(i), "row"}
	}
	for range 2 {
		if err := s.Insert(testCtx(t), table, []string{"n", "s"}, rows, "big-batch"); err != nil {
			t.Fatal(err)
		}
	}
	res := mustQuery(t, s, "SELECT count(), uniqExact(_part), sum(n) FROM "+table)
	if want := []string{"200000", "1", "19999900000"}; !slices.Equal(res.Rows[0], want) {
		t.Errorf("count, parts, sum = %v, want %v", res.Rows[0], want)
	}
	spooled, err := os.ReadDir(s.(*embedded).spoolDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(spooled) != 0 {
		t.Errorf("spool not cleaned: %d files left", len(spooled))
	}
}

func testDedupToken(t *testing.T, s Store) {
	t.Helper()
	table := uniqueTable("dedup")
	mustExec(t, s, "CREATE TABLE "+table+" (id String, n UInt64) ENGINE = MergeTree ORDER BY id "+
		"SETTINGS non_replicated_deduplication_window = 1000")
	rows := make([][]any, 100)
	for i := range rows {
		rows[i] = []any{"id-" + strconv.Itoa(i), uint64(i)}
	}
	cols := []string{"id", "n"}
	for range 3 {
		if err := s.Insert(testCtx(t), table, cols, rows, "partition-0:offsets-0-99"); err != nil {
			t.Fatal(err)
		}
	}
	if n := scalar(t, s, "SELECT count() FROM "+table); n != "100" {
		t.Fatalf("same token 3×: %s rows, want 100", n)
	}
	// A different token is a different batch, even with the same rows.
	if err := s.Insert(testCtx(t), table, cols, rows, "partition-0:offsets-100-199"); err != nil {
		t.Fatal(err)
	}
	if n := scalar(t, s, "SELECT count() FROM "+table); n != "200" {
		t.Fatalf("second token: %s rows, want 200", n)
	}
}

func TestEmbeddedInsertErrors(t *testing.T) {
	s := embeddedStore(t)
	table := uniqueTable("errs")
	mustExec(t, s, "CREATE TABLE "+table+" (a String, n UInt64) ENGINE = MergeTree ORDER BY a")
	for _, tc := range []struct {
		name    string
		table   string
		cols    []string
		rows    [][]any
		wantErr string
	}{
		{"unsupported type", table, []string{"a", "n"}, [][]any{{"x", struct{}{}}}, "column n: unsupported Go type struct {}"},
		{"short row", table, []string{"a", "n"}, [][]any{{"x"}}, "row 0 has 1 values for 2 columns"},
		{"no columns", table, nil, [][]any{{}}, "no columns"},
		{"unknown column", table, []string{"a", "nope"}, [][]any{{"x", 1}}, `no column "nope"`},
		{"missing table", "no_such_table", []string{"a"}, [][]any{{"x"}}, "does not exist"},
		{"engine rejects value", table, []string{"a", "n"}, [][]any{{"x", -1}}, "INSERT INTO"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Insert(testCtx(t), tc.table, tc.cols, tc.rows, "")
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("want error containing %q, got %v", tc.wantErr, err)
			}
		})
	}
	if n := scalar(t, s, "SELECT count() FROM "+table); n != "0" {
		t.Errorf("failed inserts left %s rows", n)
	}
	if err := s.Insert(testCtx(t), table, []string{"a"}, nil, ""); err != nil {
		t.Errorf("empty insert: %v", err)
	}
}

func TestEmbeddedErrorsCarryQuery(t *testing.T) {
	s := embeddedStore(t)
	long := "SELECT no_such_column FROM system.one WHERE " + strings.Repeat("1 = 1 AND ", 3000) + "1"
	err := s.Exec(testCtx(t), long)
	if err == nil {
		t.Fatal("want an error")
	}
	msg := err.Error()
	prefix, rest, ok := strings.Cut(msg, "…\": ")
	if !ok || !strings.HasPrefix(prefix, `exec "SELECT no_such_column FROM system.one`) || len(prefix) > 220 {
		t.Errorf("error lacks a short query context: %.300s", msg)
	}
	if !strings.Contains(rest, "no_such_column") {
		t.Errorf("error lacks the engine's reason: %.300s", rest)
	}
	if len(msg) > 5000 {
		t.Errorf("error is %d bytes long; want it capped", len(msg))
	}
	_, err = s.Query(testCtx(t), "SELEC 1")
	if err == nil || !strings.Contains(err.Error(), "SELEC 1") {
		t.Errorf("query error lacks query: %v", err)
	}
}

func TestEmbeddedCanceledContext(t *testing.T) {
	s := embeddedStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Exec(ctx, "SELECT 1"); !errors.Is(err, context.Canceled) {
		t.Errorf("Exec: %v", err)
	}
	if _, err := s.Query(ctx, "SELECT 1"); !errors.Is(err, context.Canceled) {
		t.Errorf("Query: %v", err)
	}
	if err := s.Insert(ctx, "t", []string{"a"}, [][]any{{"x"}}, ""); !errors.Is(err, context.Canceled) {
		t.Errorf("Insert: %v", err)
	}
}

// TestEmbeddedConcurrent drives the one engine from several goroutines at
// once; run with -race.
func TestEmbeddedConcurrent(t *testing.T) {
	s := embeddedStore(t)
	table := uniqueTable("concurrent")
	mustExec(t, s, "CREATE TABLE "+table+" (w UInt32, i UInt32, at DateTime64(3)) ENGINE = MergeTree ORDER BY (w, i)")
	const workers, batches, perBatch = 4, 5, 200
	var wg sync.WaitGroup
	errs := make(chan error, workers*batches*2)
	for w := range workers {
		wg.Go(func() {
			for b := range batches {
				rows := make([][]any, perBatch)
				for i := range rows {
					rows[i] = []any{uint32(w), uint32(b*perBatch + i), time.Now()}
				}
				if err := s.Insert(context.Background(), table, []string{"w", "i", "at"}, rows, ""); err != nil {
					errs <- err
				}
				res, err := s.Query(context.Background(), fmt.Sprintf("SELECT count() FROM %s WHERE w = %d", table, w))
				if err != nil {
					errs <- err
					continue
				}
				if got, want := res.Rows[0][0], strconv.Itoa((b+1)*perBatch); got != want {
					errs <- fmt.Errorf("worker %d after batch %d sees %s rows, want %s", w, b, got, want)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := scalar(t, s, "SELECT count() FROM "+table); n != strconv.Itoa(workers*batches*perBatch) {
		t.Errorf("total %s rows", n)
	}
}

// TestEmbeddedWriteTSVMatchesEngine checks WriteTSV against ClickHouse's own
// TabSeparatedWithNames rendering of the same result, byte for byte.
func TestEmbeddedWriteTSVMatchesEngine(t *testing.T) {
	s := embeddedStore(t)
	table := uniqueTable("tsv")
	mustExec(t, s, "CREATE TABLE "+table+" (`we'ird\tname` String, arr Array(String), n Nullable(String), "+
		"f Float64, d DateTime, tup Tuple(UInt8, String), lc LowCardinality(Nullable(String))) ENGINE = MergeTree ORDER BY tuple()")
	mustExec(t, s, "INSERT INTO "+table+" SELECT 'plain', ['a'], 'b', 1e21, toDateTime('2024-01-01 00:00:00'), (1, 'q\\'s'), NULL")
	// tup has no Go type in Insert's list, so the Go rows leave it out.
	cols := []string{"`we'ird\tname`", "arr", "n", "f", "d", "lc"}
	rows := [][]any{
		{"tab\there\nnewline\\slash'quote\x00nul\rcr\b\f", []string{"x\ty", "it's", `back\slash`}, nil, 1.5, leap, "lc\tv"},
		{`\N`, []string{}, "not null", math.Copysign(0, -1), leap, nil},
	}
	if err := s.Insert(testCtx(t), table, cols, rows, ""); err != nil {
		t.Fatal(err)
	}
	q := "SELECT * FROM " + table + " ORDER BY f"
	res := mustQuery(t, s, q)
	var got bytes.Buffer
	if err := res.WriteTSV(&got); err != nil {
		t.Fatal(err)
	}
	var want []byte
	err := s.(*embedded).conn.run(nulTerminated(q), "TabSeparatedWithNames", func(out []byte) error {
		want = append(want, out...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("WriteTSV differs from ClickHouse:\n got %q\nwant %q", got.Bytes(), want)
	}
	// Values in Result are unescaped.
	if res.Rows[1][0] != "tab\there\nnewline\\slash'quote\x00nul\rcr\b\f" {
		t.Errorf("Result value still escaped: %q", res.Rows[1][0])
	}
}

func BenchmarkEmbeddedInsert(b *testing.B) {
	s := embeddedStore(b)
	benchmarkInsert(b, s, true)
}
