package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// chdbProcess is the one piece of package-level state in store, and it has
// to be: libchdb allows a single engine per process (a second chdb_connect
// replaces the first), so the process, not a Store, owns it. Stores opened on
// the same data directory and database share the engine; the last Close
// shuts it down.
var chdbProcess struct {
	mu       sync.Mutex
	lib      *chdbLib // loaded once and never unloaded: dlclose of ClickHouse is not safe
	conn     *chdbConn
	dataDir  string
	spoolDir string
	database string
	refs     int
}

// embedded is a Store backed by libchdb in this process.
type embedded struct {
	conn     *chdbConn
	database string
	dataDir  string
	spoolDir string // where Insert stages batches for file(); "" = send inline
	log      *slog.Logger
	closed   atomic.Bool

	// bufs keeps a few encode buffers across inserts. Not a sync.Pool: a
	// 20 MB batch triggers GCs that empty a Pool, so every insert regrew
	// its buffer from scratch.
	bufs chan []byte

	typesMu sync.Mutex
	types   map[string]map[string]string // qualified table → column → type
}

// tableQueryFormat is the output format Query asks chDB for: byte-exact
// values (unlike JSON, which would mangle invalid UTF-8) plus the types we
// need to know which fields were escaped.
const tableQueryFormat = "TabSeparatedWithNamesAndTypes"

func openEmbedded(ctx context.Context, cfg Config, log *slog.Logger) (*embedded, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("no data directory configured for the embedded engine (set Config.DataDir / --data-dir)")
	}
	dir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("resolve data dir %s: %w", cfg.DataDir, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	p := &chdbProcess
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conn != nil {
		if p.dataDir != dir || p.database != cfg.Database {
			return nil, fmt.Errorf("libchdb allows one engine per process and it is already open on %s (database %q); close that store before opening %s (database %q)",
				p.dataDir, p.database, dir, cfg.Database)
		}
		p.refs++
		return newEmbedded(p.conn, dir, p.spoolDir, cfg.Database, log), nil
	}
	if p.lib == nil {
		start := time.Now()
		lib, err := loadChdb(cfg.LibPath)
		if err != nil {
			return nil, err
		}
		p.lib = lib
		log.Debug("libchdb loaded", "path", lib.path, "took", time.Since(start))
	}
	conn, err := connectChdb(p.lib, dir)
	if err != nil {
		return nil, err
	}
	// chDB locks its data directory, so nothing else is using the spool:
	// whatever is in it was left by a crash.
	spool := prepareSpool(dir, log)
	s := newEmbedded(conn, dir, spool, cfg.Database, log)
	// UTC for the session, so DateTime columns print and parse the same on
	// every developer machine as on a server configured with UTC.
	setup := []string{
		"SET session_timezone = 'UTC'",
		"CREATE DATABASE IF NOT EXISTS " + quoteIdent(cfg.Database),
		"USE " + quoteIdent(cfg.Database),
	}
	for _, q := range setup {
		if err := s.exec(q); err != nil {
			conn.close()
			return nil, fmt.Errorf("prepare session: %w", err)
		}
	}
	p.conn, p.dataDir, p.spoolDir, p.database, p.refs = conn, dir, spool, cfg.Database, 1
	log.Info("embedded ClickHouse engine open", "data_dir", dir, "database", cfg.Database, "lib", p.lib.path)
	return s, nil
}

func newEmbedded(conn *chdbConn, dir, spool, database string, log *slog.Logger) *embedded {
	return &embedded{
		conn:     conn,
		database: database,
		dataDir:  dir,
		spoolDir: spool,
		log:      log,
		bufs:     make(chan []byte, maxIdleBufs),
		types:    map[string]map[string]string{},
	}
}

func (s *embedded) Kind() string { return KindEmbedded }

// Close releases this handle; the engine stops when the last one closes.
func (s *embedded) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	p := &chdbProcess
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conn != s.conn {
		return nil
	}
	p.refs--
	if p.refs > 0 {
		return nil
	}
	p.conn.close()
	p.conn, p.dataDir, p.spoolDir, p.database = nil, "", "", ""
	s.log.Info("embedded ClickHouse engine closed", "data_dir", s.dataDir)
	return nil
}

// Exec runs a statement. libchdb cannot interrupt a running query, so ctx is
// honoured only before the statement starts.
func (s *embedded) Exec(ctx context.Context, query string) error {
	if err := s.usable(ctx); err != nil {
		return err
	}
	return s.exec(query)
}

func (s *embedded) exec(query string) error {
	if err := s.conn.run(nulTerminated(query), tableQueryFormat, nil); err != nil {
		return fmt.Errorf("exec %q: %w", snippet(query), err)
	}
	return nil
}

// Query runs a SELECT; like Exec it cannot be interrupted once started.
func (s *embedded) Query(ctx context.Context, query string) (*Result, error) {
	if err := s.usable(ctx); err != nil {
		return nil, err
	}
	var res *Result
	err := s.conn.run(nulTerminated(query), tableQueryFormat, func(out []byte) error {
		var err error
		res, err = parseTSVWithNamesAndTypes(out)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("query %q: %w", snippet(query), err)
	}
	return res, nil
}

func (s *embedded) usable(ctx context.Context) error {
	if s.closed.Load() {
		return errors.New("embedded store is closed")
	}
	return ctx.Err()
}

func nulTerminated(q string) []byte {
	b := make([]byte, len(q)+1)
	copy(b, q)
	return b
}

// spoolDirName is created inside the engine's data directory.
const spoolDirName = "earshot_inserts"

// prepareSpool empties and returns the insert spool directory, or "" when
// it cannot be used: file() treats * ? { } [ ] in a path as globs.
func prepareSpool(dataDir string, log *slog.Logger) string {
	spool := filepath.Join(dataDir, spoolDirName)
	if strings.ContainsAny(spool, "*?{}[]") {
		log.Info("data directory path has glob characters; inserts go inline (slower)", "dir", dataDir)
		return ""
	}
	if err := os.RemoveAll(spool); err != nil {
		log.Warn("cannot clear insert spool; inserts go inline (slower)", "dir", spool, "err", err)
		return ""
	}
	if err := os.MkdirAll(spool, 0o700); err != nil {
		log.Warn("cannot create insert spool; inserts go inline (slower)", "dir", spool, "err", err)
		return ""
	}
	return spool
}
