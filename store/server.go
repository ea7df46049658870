package store

import (
	"context"
	sqldriver "database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"reflect"
	"regexp"
	"syscall"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// server is a Store backed by a ClickHouse server over the native protocol.
type server struct {
	conn     driver.Conn
	database string
	version  string
	// tokenOK: insert_deduplication_token exists (22.2+); older servers
	// reject unknown settings, so we only send it when it will work.
	tokenOK bool
	// cluster: tables are Distributed, whose inserts return before the
	// shards have the rows unless asked to wait.
	cluster bool
	log     *slog.Logger
}

// Pool sizing: the pipeline has a handful of writers and readers per
// process, and each open connection costs the server a thread.
const (
	serverMaxOpenConns = 8
	serverMaxIdleConns = 4
	serverConnLifetime = 30 * time.Minute
)

func openServer(ctx context.Context, cfg Config, log *slog.Logger) (*server, error) {
	opts := func(database string) *clickhouse.Options {
		return &clickhouse.Options{
			Protocol: clickhouse.Native,
			Addr:     cfg.Addrs,
			Auth: clickhouse.Auth{
				Database: database,
				Username: cfg.Username,
				Password: cfg.Password,
			},
			DialTimeout:     cfg.DialTimeout,
			MaxOpenConns:    serverMaxOpenConns,
			MaxIdleConns:    serverMaxIdleConns,
			ConnMaxLifetime: serverConnLifetime,
			Compression:     &clickhouse.Compression{Method: clickhouse.CompressionLZ4},
			Logger:          slog.New(debugOnly{log.Handler()}).With("component", "clickhouse-go"),
		}
	}

	// The handshake fails for a database that does not exist yet, so create
	// it over a throwaway connection to the server's default database.
	boot, err := clickhouse.Open(opts(""))
	if err != nil {
		return nil, fmt.Errorf("configure client: %w", err)
	}
	err = boot.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+quoteIdent(cfg.Database))
	if cerr := boot.Close(); cerr != nil {
		log.Debug("close bootstrap connection", "err", cerr)
	}
	if err != nil {
		return nil, fmt.Errorf("create database %s: %w", cfg.Database, err)
	}

	conn, err := clickhouse.Open(opts(cfg.Database))
	if err != nil {
		return nil, fmt.Errorf("configure client: %w", err)
	}
	if err := conn.Ping(ctx); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("ping: %w", err)
	}
	v, err := conn.ServerVersion()
	if err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("server version: %w", err)
	}
	s := &server{
		conn:     conn,
		database: cfg.Database,
		version:  fmt.Sprintf("%d.%d.%d", v.Version.Major, v.Version.Minor, v.Version.Patch),
		tokenOK:  v.Version.Major > 22 || v.Version.Major == 22 && v.Version.Minor >= 2,
		cluster:  cfg.Cluster != "",
		log:      log,
	}
	log.Info("ClickHouse server connected", "addrs", cfg.Addrs, "database", cfg.Database,
		"version", s.version, "dedup_token", s.tokenOK)
	if !s.tokenOK {
		log.Warn("server too old for insert_deduplication_token; replayed batches rely on ReplacingMergeTree alone",
			"version", s.version)
	}
	return s, nil
}

func (s *server) Kind() string { return KindServer }

func (s *server) Close() error {
	if err := s.conn.Close(); err != nil {
		return fmt.Errorf("close clickhouse connections: %w", err)
	}
	return nil
}

// insertValues matches INSERT … VALUES, which hangs in Exec against 18.16.
var insertValues = regexp.MustCompile(`(?is)^\s*INSERT\s+INTO\s+[^\s(]+\s*(\([^)]*\))?\s*(SETTINGS\s[^']*?)?VALUES\b`)

// Exec is not retried on a broken connection: a statement such as
// INSERT … SELECT may have run before the connection died.
func (s *server) Exec(ctx context.Context, query string) error {
	if insertValues.MatchString(query) {
		return fmt.Errorf("exec %q: INSERT … VALUES through Exec is not supported by the native driver; use Store.Insert", snippet(query))
	}
	if err := s.conn.Exec(ctx, query); err != nil {
		return fmt.Errorf("exec %q: %w", snippet(query), err)
	}
	return nil
}

// Query reads a result generically and prints every value the way
// TabSeparated would. A SELECT is retried once on a broken connection (a
// server restart leaves dead connections in the pool).
func (s *server) Query(ctx context.Context, query string) (*Result, error) {
	res, err := s.query(ctx, query)
	if err != nil && isConnError(err) && ctx.Err() == nil {
		s.log.Debug("query on broken connection, retrying once", "err", err)
		res, err = s.query(ctx, query)
	}
	if err != nil {
		return nil, fmt.Errorf("query %q: %w", snippet(query), err)
	}
	return res, nil
}

func (s *server) query(ctx context.Context, query string) (*Result, error) {
	rows, err := s.conn.Query(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cts := rows.ColumnTypes()
	res := &Result{
		Columns: make([]string, len(cts)),
		Types:   make([]string, len(cts)),
	}
	dest := make([]any, len(cts))
	for i, ct := range cts {
		res.Columns[i] = ct.Name()
		res.Types[i] = ct.DatabaseTypeName()
		dest[i] = reflect.New(ct.ScanType()).Interface()
	}
	var buf []byte
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("scan row %d: %w", len(res.Rows)+1, err)
		}
		row := make([]string, len(dest))
		for i, d := range dest {
			buf = appendPrinted(buf[:0], reflect.ValueOf(d).Elem(), res.Types[i], true)
			row[i] = string(buf)
		}
		res.Rows = append(res.Rows, row)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return res, nil
}

// Insert prepares one batch with an explicit column list (18.16 silently
// drops a batch prepared without one) and sends it as one block.
func (s *server) Insert(ctx context.Context, table string, columns []string, rows [][]any, token string) error {
	if err := checkShape(columns, rows); err != nil {
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	if len(rows) == 0 {
		return nil
	}
	db, name, err := tableRef(s.database, table)
	if err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	stmt := "INSERT INTO " + quoteIdent(db) + "." + quoteIdent(name) + " " + columnList(columns)
	settings := clickhouse.Settings{}
	if token != "" && s.tokenOK {
		settings["insert_deduplication_token"] = token
		settings["optimize_on_insert"] = 0 // see insertSettings
	}
	if s.cluster {
		// The sink commits Kafka offsets when Insert returns: the rows
		// must be on their shards by then, not queued on this node.
		settings["insert_distributed_sync"] = 1
	}
	if len(settings) > 0 {
		ctx = clickhouse.Context(ctx, clickhouse.WithSettings(settings))
	}

	// Nothing has been sent when PrepareBatch fails, so one retry on a dead
	// pooled connection cannot duplicate rows.
	batch, err := s.conn.PrepareBatch(ctx, stmt)
	if err != nil && isConnError(err) && ctx.Err() == nil {
		s.log.Debug("prepare batch on broken connection, retrying once", "err", err)
		batch, err = s.conn.PrepareBatch(ctx, stmt)
	}
	if err != nil {
		return fmt.Errorf("insert %q: prepare: %w", stmt, err)
	}
	for i, row := range rows {
		if err := batch.Append(row...); err != nil {
			_ = batch.Abort()
			return fmt.Errorf("insert %q: row %d: %w", stmt, i, err)
		}
	}
	if err := batch.Send(); err != nil {
		return fmt.Errorf("insert %d rows %q: %w", len(rows), stmt, err)
	}
	return nil
}

// isConnError reports errors that mean the connection, not the statement,
// failed.
func isConnError(err error) bool {
	var netErr *net.OpError
	return errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, sqldriver.ErrBadConn) ||
		errors.Is(err, clickhouse.ErrConnectionClosed) ||
		errors.As(err, &netErr)
}

// debugOnly demotes the driver's records to Debug: it warns on every
// connection to an old server and logs query errors that we return (and
// the caller reports) anyway.
type debugOnly struct{ slog.Handler }

func (h debugOnly) Enabled(ctx context.Context, _ slog.Level) bool {
	return h.Handler.Enabled(ctx, slog.LevelDebug)
}

func (h debugOnly) Handle(ctx context.Context, r slog.Record) error {
	r.Level = slog.LevelDebug
	return h.Handler.Handle(ctx, r)
}

func (h debugOnly) WithAttrs(attrs []slog.Attr) slog.Handler {
	return debugOnly{h.Handler.WithAttrs(attrs)}
}

func (h debugOnly) WithGroup(name string) slog.Handler {
	return debugOnly{h.Handler.WithGroup(name)}
}
