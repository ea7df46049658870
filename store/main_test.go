package store

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"testing"
	"time"
)

// libchdb allows one engine per process, so the whole test binary shares
// one embedded store, opened here.
var (
	sharedEmbedded    Store
	sharedEmbeddedErr error
)

const embeddedTestDB = "earshot_test"

func TestMain(m *testing.M) {
	code := runTests(m)
	os.Exit(code)
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "earshot-store-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "temp dir:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	sharedEmbedded, sharedEmbeddedErr = Open(ctx, Config{DataDir: dir, Database: embeddedTestDB}, quietLogger())
	cancel()
	if sharedEmbedded != nil {
		defer sharedEmbedded.Close()
	}
	return m.Run()
}

func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
}

// embeddedStore returns the shared embedded store, failing (never skipping)
// when libchdb is not installed.
func embeddedStore(tb testing.TB) Store {
	tb.Helper()
	if sharedEmbeddedErr != nil {
		tb.Fatalf("embedded engine unavailable: %v\n(install it with: bash scripts/install-libchdb.sh)", sharedEmbeddedErr)
	}
	return sharedEmbedded
}

const (
	envServerAddr = "TEST_CLICKHOUSE_ADDR"
	envServerDir  = "TEST_CLICKHOUSE_DIR"
)

// serverAddr returns the test ClickHouse server's address, failing (never
// skipping) when none is configured: CI always starts one.
func serverAddr(tb testing.TB) string {
	tb.Helper()
	addr := os.Getenv(envServerAddr)
	if addr == "" {
		tb.Fatalf("%s is not set: start a server with `bash scripts/clickhouse-server.sh start /tmp/ch-test 19000` "+
			"and run with %s=127.0.0.1:19000 %s=/tmp/ch-test", envServerAddr, envServerAddr, envServerDir)
	}
	return addr
}

// serverStore opens a store on a database of its own on the test server, so
// runs never see each other's tables, and drops that database afterwards.
func serverStore(tb testing.TB) Store {
	tb.Helper()
	return serverStoreAt(tb, serverAddr(tb))
}

func serverStoreAt(tb testing.TB, addr string) Store {
	tb.Helper()
	db := "earshot_test_" + strconv.FormatInt(time.Now().UnixNano(), 36)
	ctx := context.Background()
	s, err := Open(ctx, Config{Addrs: []string{addr}, Database: db, DialTimeout: 3 * time.Second}, quietLogger())
	if err != nil {
		tb.Fatalf("open server store at %s: %v", addr, err)
	}
	tb.Cleanup(func() {
		if err := s.Exec(context.Background(), "DROP DATABASE IF EXISTS "+quoteIdent(db)); err != nil {
			tb.Logf("drop test database %s: %v", db, err)
		}
		if err := s.Close(); err != nil {
			tb.Logf("close: %v", err)
		}
	})
	return s
}

// testCtx bounds every test's engine calls so a hang fails instead of
// stalling the run.
func testCtx(tb testing.TB) context.Context {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	tb.Cleanup(cancel)
	return ctx
}

func mustExec(tb testing.TB, s Store, q string) {
	tb.Helper()
	if err := s.Exec(testCtx(tb), q); err != nil {
		tb.Fatal(err)
	}
}

func mustQuery(tb testing.TB, s Store, q string) *Result {
	tb.Helper()
	res, err := s.Query(testCtx(tb), q)
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

// scalar runs a query returning one value.
func scalar(tb testing.TB, s Store, q string) string {
	tb.Helper()
	res := mustQuery(tb, s, q)
	if len(res.Rows) != 1 || len(res.Rows[0]) != 1 {
		tb.Fatalf("%s: want one value, got %v", q, res.Rows)
	}
	return res.Rows[0][0]
}

// uniqueTable names a table no earlier test or run has used.
func uniqueTable(prefix string) string {
	return prefix + "_" + strconv.FormatInt(time.Now().UnixNano(), 36)
}
