// Package store talks to ClickHouse, either embedded in the process (chDB,
// loaded from libchdb.so at run time) or as a server over the native protocol.
// Both backends run the same SQL; callers see one small interface and never
// learn which engine they have beyond Kind.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Store is one ClickHouse engine: embedded chDB or a server.
type Store interface {
	// Exec runs one statement that returns no rows (DDL, INSERT … SELECT, OPTIMIZE, ALTER).
	Exec(ctx context.Context, query string) error
	// Query runs one SELECT; values come back as strings, formatted as ClickHouse's
	// TabSeparated would print them (numbers plain, DateTime 'YYYY-MM-DD hh:mm:ss', arrays ['a','b']).
	// A NULL comes back as `\N`, as TabSeparated prints it.
	Query(ctx context.Context, query string) (*Result, error)
	// Insert writes rows into table's listed columns as ONE block (atomic on MergeTree).
	// rows[i][j] is a Go value for columns[j]: string, bool, int*/uint*, float32/64, time.Time,
	// []string, []float64, []uint64 (others may return an error).
	// token, when not empty, is sent as insert_deduplication_token so a replayed batch is a no-op
	// (server backend: only when the server version supports that setting, i.e. ≥ 22.x; 18.16 does not).
	Insert(ctx context.Context, table string, columns []string, rows [][]any, token string) error
	// Kind is "embedded" or "server".
	Kind() string
	Close() error
}

// Backend kinds reported by Store.Kind.
const (
	KindEmbedded = "embedded"
	KindServer   = "server"
)

// DefaultDatabase is used when Config.Database is empty.
const DefaultDatabase = "earshot"

const defaultDialTimeout = 5 * time.Second

// Config selects the backend. Addrs empty => embedded.
type Config struct {
	Addrs              []string // ClickHouse server native addresses host:9000; empty = embedded
	Database           string   // default "earshot"
	Username, Password string
	DataDir            string        // embedded: engine data directory (created if missing)
	LibPath            string        // embedded: explicit libchdb.so path (else CHDB_LIB_PATH, else search)
	DialTimeout        time.Duration // server: per-connection dial timeout (default 5s)
	Cluster            string        // server: tables are Distributed over this cluster (docs/scaling.md)
}

// ErrLibraryMissing is returned (wrapped) when libchdb cannot be found.
var ErrLibraryMissing = errors.New("libchdb.so not found: run scripts/install-libchdb.sh, or set CHDB_LIB_PATH to libchdb.so")

// Open connects to the engine cfg selects and makes sure cfg.Database exists,
// so Migrate and callers can rely on it.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Database == "" {
		cfg.Database = DefaultDatabase
	}
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = defaultDialTimeout
	}
	if len(cfg.Addrs) == 0 {
		s, err := openEmbedded(ctx, cfg, log)
		if err != nil {
			return nil, fmt.Errorf("open embedded store: %w", err)
		}
		return s, nil
	}
	s, err := openServer(ctx, cfg, log)
	if err != nil {
		return nil, fmt.Errorf("open clickhouse server store %v: %w", cfg.Addrs, err)
	}
	return s, nil
}
