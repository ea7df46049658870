package store

import (
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

func TestServerOpenCreatesDatabase(t *testing.T) {
	s := serverStore(t)
	if s.Kind() != KindServer {
		t.Errorf("Kind() = %q", s.Kind())
	}
	db := scalar(t, s, "SELECT currentDatabase()")
	if !strings.HasPrefix(db, "earshot_test_") {
		t.Fatalf("current database %q", db)
	}
	if n := scalar(t, s, "SELECT count() FROM system.databases WHERE name = '"+db+"'"); n != "1" {
		t.Errorf("database %s not created", db)
	}
}

func TestServerMigrate(t *testing.T) {
	testMigrate(t, serverStore(t))
}

// TestServerMigrateTwoClients runs Migrate from two independent connection
// pools in sequence, as two earshot processes would.
func TestServerMigrateTwoClients(t *testing.T) {
	first := serverStore(t)
	db := scalar(t, first, "SELECT currentDatabase()")
	second, err := Open(testCtx(t), Config{Addrs: []string{serverAddr(t)}, Database: db}, quietLogger())
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	fsys := fstest.MapFS{"0001_t.sql": {Data: []byte("CREATE TABLE IF NOT EXISTS two_clients (a UInt8) ENGINE = MergeTree ORDER BY a;\n")}}
	for i, tc := range []struct {
		s    Store
		want []string
	}{
		{first, []string{"0001_t"}},
		{second, nil},
		{first, nil},
	} {
		got, err := Migrate(testCtx(t), tc.s, fsys, quietLogger())
		if err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("run %d applied %v, want %v", i+1, got, tc.want)
		}
	}
}

func TestServerRoundtrip(t *testing.T) {
	s := serverStore(t)
	testRoundtrip(t, s, s.(*server).tokenOK)
}

func TestServerBatchInsert10k(t *testing.T) {
	s := serverStore(t)
	table := uniqueTable("batch")
	mustExec(t, s, "CREATE TABLE "+table+" (id String, n UInt64, f Float64, at DateTime, tags Array(String)) "+
		"ENGINE = MergeTree ORDER BY id")
	const n = 10_000
	rows := make([][]any, n)
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var wantSum uint64
	var wantLen int
	for i := range rows {
		id := "id-" + strconv.Itoa(i)
		rows[i] = []any{id, uint64(i), float64(i) / 4, base.Add(time.Duration(i) * time.Second), []string{"t" + strconv.Itoa(i%3)}}
		wantSum += uint64(i)
		wantLen += len(id)
	}
	// Columns listed out of table order: the batch must follow the list.
	cols := []string{"tags", "at", "f", "n", "id"}
	for i, r := range rows {
		rows[i] = []any{r[4], r[3], r[2], r[1], r[0]}
	}
	if err := s.Insert(testCtx(t), table, cols, rows, "batch-1"); err != nil {
		t.Fatal(err)
	}
	res := mustQuery(t, s, "SELECT count(), sum(n), sum(f), sum(length(id)), min(at), max(at), countIf(has(tags, 't0')) FROM "+table)
	want := []string{
		strconv.Itoa(n),
		strconv.FormatUint(wantSum, 10),
		strconv.FormatFloat(float64(wantSum)/4, 'f', -1, 64),
		strconv.Itoa(wantLen),
		"2026-11-01 00:00:00",
		base.Add((n - 1) * time.Second).Format(time.DateTime),
		strconv.Itoa((n + 2) / 3),
	}
	if !slices.Equal(res.Rows[0], want) {
		t.Errorf("aggregates %v, want %v", res.Rows[0], want)
	}
}

// TestServerQueryFormatting checks values computed by the server print as
// TabSeparated prints them.
func TestServerQueryFormatting(t *testing.T) {
	s := serverStore(t)
	for _, tc := range []struct {
		expr, typ, want string
	}{
		{"toUInt8(7)", "UInt8", "7"},
		{"toInt64(-42)", "Int64", "-42"},
		{"toUInt64(18446744073709551615)", "UInt64", "18446744073709551615"},
		{"toFloat64(1) / 3", "Float64", "0.3333333333333333"},
		{"toFloat32(0.1)", "Float32", "0.1"},
		{"toFloat64(100)", "Float64", "100"},
		{"1e21", "Float64", "1e21"},
		{"1.5e-7", "Float64", "1.5e-7"},
		{"-1 / 0", "Float64", "-inf"},
		{"'tab\\there'", "String", "tab\there"},
		{"toFixedString('ab', 2)", "FixedString(2)", "ab"},
		{"toDate('2024-02-29')", "Date", "2024-02-29"},
		{"toDateTime('2024-02-29 23:59:58', 'UTC')", "DateTime('UTC')", "2024-02-29 23:59:58"},
		{"toDateTime('2024-02-29 23:59:58', 'Asia/Tokyo')", "DateTime('Asia/Tokyo')", "2024-02-29 23:59:58"},
		{"['a', 'b\\'c']", "Array(String)", `['a','b\'c']`},
		{"[1, 2, 3]", "Array(UInt8)", "[1,2,3]"},
		{"[[1], []]", "Array(Array(UInt8))", "[[1],[]]"},
		{"[toDate('2024-01-01')]", "Array(Date)", "['2024-01-01']"},
		{"[NULL, 1]", "Array(Nullable(UInt8))", "[NULL,1]"},
		{"CAST(NULL AS Nullable(Int32))", "Nullable(Int32)", `\N`},
		{"toNullable('x')", "Nullable(String)", "x"},
		{"toUUID('00000000-0000-0000-0000-000000000001')", "UUID", "00000000-0000-0000-0000-000000000001"},
		{"(1, 'x')", "Tuple(UInt8, String)", "(1,'x')"},
	} {
		t.Run(tc.expr, func(t *testing.T) {
			res, err := s.Query(testCtx(t), "SELECT "+tc.expr+" AS v")
			if err != nil {
				t.Fatal(err)
			}
			if res.Types[0] != tc.typ {
				t.Errorf("type %q, want %q", res.Types[0], tc.typ)
			}
			if got := res.Rows[0][0]; got != tc.want {
				t.Errorf("value %q, want %q", got, tc.want)
			}
		})
	}
}

// TestServerWriteTSVMatchesClient compares WriteTSV with the TSV that
// clickhouse-client prints for the same query.
func TestServerWriteTSVMatchesClient(t *testing.T) {
	s := serverStore(t)
	client, err := exec.LookPath("clickhouse-client")
	if err != nil {
		t.Fatal("clickhouse-client not installed (it is the reference printer for this test): apt-get install clickhouse-client, or run scripts/test.sh")
	}
	q := "SELECT 'a\\tb\\nc\\\\d\\'e' AS `odd\\tname`, ['x\\ty', 'q\\'s'] AS arr, toNullable(1.5) AS n, " +
		"CAST(NULL AS Nullable(String)) AS z, toDateTime('2024-02-29 23:59:58', 'UTC') AS at, 1e21 AS big FORMAT TabSeparatedWithNames"
	host, port, err := net.SplitHostPort(serverAddr(t))
	if err != nil {
		t.Fatal(err)
	}
	want, err := exec.CommandContext(testCtx(t), client, "--host", host, "--port", port, "-q", q).Output()
	if err != nil {
		t.Fatalf("clickhouse-client: %v", err)
	}
	res := mustQuery(t, s, strings.TrimSuffix(q, " FORMAT TabSeparatedWithNames"))
	var got bytes.Buffer
	if err := res.WriteTSV(&got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("WriteTSV differs from clickhouse-client:\n got %q\nwant %q", got.Bytes(), want)
	}
}

func TestServerInsertToken(t *testing.T) {
	s := serverStore(t)
	table := uniqueTable("token")
	mustExec(t, s, "CREATE TABLE "+table+" (id String) ENGINE = MergeTree ORDER BY id")
	rows := [][]any{{"a"}, {"b"}}
	for range 3 {
		if err := s.Insert(testCtx(t), table, []string{"id"}, rows, "tok-1"); err != nil {
			t.Fatalf("insert with token: %v", err)
		}
	}
	want := "2"
	if !s.(*server).tokenOK {
		// 18.16 has neither the setting nor non-replicated deduplication:
		// the insert must still work, and every copy lands.
		want = "6"
	}
	if n := scalar(t, s, "SELECT count() FROM "+table); n != want {
		t.Errorf("%s rows, want %s", n, want)
	}
}

func TestServerExecRejectsInsertValues(t *testing.T) {
	s := serverStore(t)
	table := uniqueTable("vals")
	mustExec(t, s, "CREATE TABLE "+table+" (id String) ENGINE = MergeTree ORDER BY id")
	err := s.Exec(testCtx(t), "INSERT INTO "+table+" (id) VALUES ('x')")
	if err == nil || !strings.Contains(err.Error(), "use Store.Insert") {
		t.Fatalf("want a pointer to Insert, got %v", err)
	}
	// INSERT … SELECT is fine.
	mustExec(t, s, "INSERT INTO "+table+" SELECT 'values'")
	if n := scalar(t, s, "SELECT count() FROM "+table); n != "1" {
		t.Errorf("%s rows", n)
	}
}

func TestServerErrorsCarryQuery(t *testing.T) {
	s := serverStore(t)
	_, err := s.Query(testCtx(t), "SELECT no_such_column FROM system.one")
	if err == nil || !strings.Contains(err.Error(), "SELECT no_such_column FROM system.one") {
		t.Fatalf("error lacks query: %v", err)
	}
	err = s.Insert(testCtx(t), "no_such_table", []string{"a"}, [][]any{{"x"}}, "")
	if err == nil || !strings.Contains(err.Error(), "no_such_table") {
		t.Fatalf("insert error lacks table: %v", err)
	}
}

// TestServerReconnectAfterDroppedConnections cuts every pooled connection
// (as a server restart or a network blip would) through a proxy we control;
// the next calls must work on fresh connections.
func TestServerReconnectAfterDroppedConnections(t *testing.T) {
	proxy := startProxy(t, serverAddr(t))
	s := serverStoreAt(t, proxy.addr())
	table := uniqueTable("reconnect")
	mustExec(t, s, "CREATE TABLE "+table+" (id String) ENGINE = MergeTree ORDER BY id")
	insertAndCount(t, s, table, "before", 1)

	if n := proxy.dropAll(); n == 0 {
		t.Fatal("proxy had no connections to drop")
	}
	insertAndCount(t, s, table, "after-drop", 2)
	proxy.dropAll()
	if n := scalar(t, s, "SELECT count() FROM "+table); n != "2" {
		t.Errorf("query after drop: %s rows", n)
	}
}

// TestServerReconnectAfterRestart stops and starts the real server between
// two inserts. It needs to know where scripts/clickhouse-server.sh runs it.
func TestServerReconnectAfterRestart(t *testing.T) {
	addr := serverAddr(t)
	dir := os.Getenv(envServerDir)
	if dir == "" {
		t.Fatalf("%s not set: run the tests with scripts/test.sh, which starts the server and says where it runs", envServerDir)
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs(filepath.Join("..", "scripts", "clickhouse-server.sh"))
	if err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) {
		t.Helper()
		start := time.Now()
		out, err := exec.CommandContext(testCtx(t), "bash", append([]string{script}, args...)...).CombinedOutput()
		t.Logf("clickhouse-server.sh %v took %v", args, time.Since(start))
		if err != nil {
			t.Fatalf("clickhouse-server.sh %v: %v\n%s", args, err, out)
		}
	}
	s := serverStore(t)
	table := uniqueTable("restart")
	mustExec(t, s, "CREATE TABLE "+table+" (id String) ENGINE = MergeTree ORDER BY id")
	insertAndCount(t, s, table, "before", 1)

	run("stop", dir)
	// Whatever happens, leave the server running for the tests after us.
	t.Cleanup(func() {
		_ = exec.Command("bash", script, "start", dir, port).Run()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	downStart := time.Now()
	_, err = s.Query(ctx, "SELECT 1")
	cancel()
	t.Logf("query while down failed after %v: %v", time.Since(downStart), err)
	if err == nil {
		t.Fatal("query succeeded while the server was down")
	}
	run("start", dir, port)

	insertAndCount(t, s, table, "after-restart", 2)
}

func insertAndCount(t *testing.T, s Store, table, id string, want int) {
	t.Helper()
	if err := s.Insert(testCtx(t), table, []string{"id"}, [][]any{{id}}, ""); err != nil {
		t.Fatalf("insert %s: %v", id, err)
	}
	if n := scalar(t, s, "SELECT count() FROM "+table); n != strconv.Itoa(want) {
		t.Fatalf("after insert %s: %s rows, want %d", id, n, want)
	}
}

func BenchmarkServerInsert(b *testing.B) {
	s := serverStore(b)
	benchmarkInsert(b, s, s.(*server).tokenOK)
}

// tcpProxy forwards connections to a server and can cut them all at once.
type tcpProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
	wg     sync.WaitGroup
}

func startProxy(t *testing.T, target string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{ln: ln, target: target}
	p.wg.Go(p.serve)
	t.Cleanup(func() {
		ln.Close()
		p.dropAll()
		p.wg.Wait()
	})
	return p
}

func (p *tcpProxy) addr() string { return p.ln.Addr().String() }

func (p *tcpProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		p.wg.Go(func() { pipe(up, c) })
		p.wg.Go(func() { pipe(c, up) })
	}
}

// pipe copies until either side closes, then closes both: a cut on one
// side is a cut on the whole connection.
func pipe(dst, src net.Conn) {
	_, _ = io.Copy(dst, src)
	dst.Close()
	src.Close()
}

// dropAll closes every proxied connection and returns how many pairs it cut.
func (p *tcpProxy) dropAll() int {
	p.mu.Lock()
	conns := p.conns
	p.conns = nil
	p.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
	return len(conns) / 2
}
