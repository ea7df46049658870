package store

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"sort"
	"strings"
	"time"
)

const migrationsTable = "schema_migrations"

// migration is one *.sql file of a migrations fs.FS.
type migration struct {
	file       string // as named in the FS, for error messages
	version    string // file name without .sql
	checksum   string // sha256 of the file, hex
	statements []string
}

// Migrate applies the ordered *.sql files of fsys (names like 0001_name.sql,
// sorted by name), each split into statements on ';' at end of line (ignore --
// comment lines, empty statements), tracked in a schema_migrations table
// (version String, checksum String (sha256 of file), applied_at DateTime) in
// the configured database. Already applied with same checksum: skipped.
// Applied but checksum changed: an error naming the file. Safe to run twice
// and from two processes in sequence. Creates the database first. Returns the
// versions it applied now.
//
// A migration is recorded only after all its statements succeed; if one
// fails halfway, the next run replays the file from the top, so write
// statements that tolerate that (IF NOT EXISTS, IF EXISTS).
func Migrate(ctx context.Context, s Store, fsys fs.FS, log *slog.Logger) ([]string, error) {
	return migrate(ctx, s, fsys, nil, log)
}

// MigrateCluster is Migrate for a sharded, replicated cluster: each
// statement runs in the form Cluster.Rewrite gives it, ON CLUSTER, and
// schema_migrations is replicated to every node.
func MigrateCluster(ctx context.Context, s Store, fsys fs.FS, c Cluster, log *slog.Logger) ([]string, error) {
	return migrate(ctx, s, fsys, &c, log)
}

func migrate(ctx context.Context, s Store, fsys fs.FS, cluster *Cluster, log *slog.Logger) ([]string, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	migs, err := readMigrations(fsys)
	if err != nil {
		return nil, err
	}
	db, err := currentDatabase(ctx, s)
	if err != nil {
		return nil, err
	}
	createDB := "CREATE DATABASE IF NOT EXISTS " + quoteIdent(db)
	table := quoteIdent(db) + "." + quoteIdent(migrationsTable)
	// Plain MergeTree with the "ORDER BY" syntax: it exists on 18.16 too.
	ddl := "CREATE TABLE IF NOT EXISTS " + table +
		" (version String, checksum String, applied_at DateTime) ENGINE = MergeTree ORDER BY version"
	if cluster != nil {
		if cluster.Database == "" {
			cluster.Database = db
		}
		createDB += " ON CLUSTER " + cluster.quotedName()
		ddl = cluster.migrationsDDL(table)
		// Rewrite every migration, applied or not: a view or ALTER in a
		// new migration refers to tables an old one created.
		var tables ClusterTables
		for i := range migs {
			var out []string
			for _, stmt := range migs[i].statements {
				r, err := cluster.Rewrite(stmt, &tables)
				if err != nil {
					return nil, fmt.Errorf("migrate: %s: %w", migs[i].file, err)
				}
				out = append(out, r...)
			}
			migs[i].statements = out
		}
	}
	if err := s.Exec(ctx, createDB); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if err := s.Exec(ctx, ddl); err != nil {
		return nil, fmt.Errorf("migrate: create %s: %w", migrationsTable, err)
	}
	applied, err := appliedMigrations(ctx, s, table)
	if err != nil {
		return nil, err
	}

	var done []string
	for _, m := range migs {
		if sum, ok := applied[m.version]; ok {
			if sum != m.checksum {
				return done, fmt.Errorf("migration %s was already applied with checksum %s but the file now has %s: "+
					"applied migrations must not be edited; revert the change and add a new migration instead",
					m.file, short(sum), short(m.checksum))
			}
			continue
		}
		start := time.Now()
		for i, stmt := range m.statements {
			if err := s.Exec(ctx, stmt); err != nil {
				return done, fmt.Errorf("migration %s, statement %d of %d: %w", m.file, i+1, len(m.statements), err)
			}
		}
		row := []any{m.version, m.checksum, time.Now().UTC()}
		if err := s.Insert(ctx, table, []string{"version", "checksum", "applied_at"}, [][]any{row}, ""); err != nil {
			return done, fmt.Errorf("migration %s ran but could not be recorded: %w", m.file, err)
		}
		log.Info("migration applied", "version", m.version, "statements", len(m.statements), "took", time.Since(start))
		done = append(done, m.version)
	}
	if len(done) == 0 {
		log.Debug("schema up to date", "migrations", len(migs))
	}
	return done, nil
}

func currentDatabase(ctx context.Context, s Store) (string, error) {
	res, err := s.Query(ctx, "SELECT currentDatabase()")
	if err != nil {
		return "", fmt.Errorf("migrate: %w", err)
	}
	if len(res.Rows) != 1 || len(res.Rows[0]) != 1 || res.Rows[0][0] == "" {
		return "", fmt.Errorf("migrate: cannot tell the current database (got %v)", res.Rows)
	}
	return res.Rows[0][0], nil
}

func appliedMigrations(ctx context.Context, s Store, table string) (map[string]string, error) {
	// Two processes migrating at once could both record a version; the
	// earliest record wins, any later duplicate carries the same checksum.
	res, err := s.Query(ctx, "SELECT version, checksum FROM "+table+" ORDER BY applied_at")
	if err != nil {
		return nil, fmt.Errorf("migrate: read %s: %w", migrationsTable, err)
	}
	applied := make(map[string]string, len(res.Rows))
	for _, r := range res.Rows {
		if _, seen := applied[r[0]]; !seen {
			applied[r[0]] = r[1]
		}
	}
	return applied, nil
}

// readMigrations loads the *.sql files at the root of fsys in name order.
func readMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, fmt.Errorf("migrate: list migrations: %w", err)
	}
	sort.Strings(names)
	migs := make([]migration, 0, len(names))
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("migrate: read %s: %w", name, err)
		}
		sum := sha256.Sum256(data)
		stmts, err := splitStatements(string(data))
		if err != nil {
			return nil, fmt.Errorf("migrate: %s: %w", name, err)
		}
		migs = append(migs, migration{
			file:       name,
			version:    strings.TrimSuffix(path.Base(name), ".sql"),
			checksum:   hex.EncodeToString(sum[:]),
			statements: stmts,
		})
	}
	return migs, nil
}

// splitStatements cuts a migration file into statements at lines ending in
// ';'. Whole-line -- comments are dropped; a ';' inside a line (in a string
// literal, say) does not end a statement.
func splitStatements(src string) ([]string, error) {
	var (
		stmts []string
		cur   []string
	)
	flush := func() {
		stmt := strings.TrimSpace(strings.Join(cur, "\n"))
		stmt = strings.TrimSpace(strings.TrimRight(stmt, ";"))
		if stmt != "" {
			stmts = append(stmts, stmt)
		}
		cur = cur[:0]
	}
	sc := bufio.NewScanner(strings.NewReader(src))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), " \t\r")
		if strings.HasPrefix(strings.TrimSpace(line), "--") {
			continue
		}
		cur = append(cur, line)
		if strings.HasSuffix(line, ";") {
			flush()
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("split statements: %w", err)
	}
	flush()
	return stmts, nil
}

func short(sum string) string {
	if len(sum) > 12 {
		return sum[:12]
	}
	return sum
}
