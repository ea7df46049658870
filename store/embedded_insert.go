package store

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Buffer reuse bounds: how many idle buffers a store keeps, and the size
// above which one giant batch's buffer is dropped instead of kept forever.
const (
	maxIdleBufs  = 2
	maxPooledBuf = 256 << 20
)

// Insert encodes rows as JSONCompactEachRow and inserts them in one query
// that ClickHouse turns into one block: all rows land or none do (a
// partitioned table still gets one part per partition).
//
// The rows travel through a spool file read with file(): measured on
// 26.7, parsing the same 17 MB batch inline in the query text took about
// twice as long (~240 ms vs ~105 ms for 50k mention rows). Inline is the
// fallback when there is no usable spool directory.
func (s *embedded) Insert(ctx context.Context, table string, columns []string, rows [][]any, token string) error {
	if err := s.usable(ctx); err != nil {
		return err
	}
	if err := checkShape(columns, rows); err != nil {
		return fmt.Errorf("insert into %s: %w", table, err)
	}
	if len(rows) == 0 {
		return nil // ClickHouse rejects an insert without data
	}
	db, name, err := tableRef(s.database, table)
	if err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	qualified := quoteIdent(db) + "." + quoteIdent(name)
	cols, err := s.columnEncodings(db, name, columns)
	if err != nil {
		return fmt.Errorf("insert into %s: %w", qualified, err)
	}

	b := s.getBuf()
	defer func() { s.putBuf(b) }()

	var query string
	if s.spoolDir == "" {
		query = insertInlineHeader(qualified, columns, len(rows), token)
		b = append(b, query...)
		b = append(b, '\n')
	}
	for i, row := range rows {
		b, err = appendJSONRow(b, cols, row)
		if err != nil {
			return fmt.Errorf("insert into %s: row %d: %w", qualified, i, err)
		}
	}
	if s.spoolDir != "" {
		path, err := s.spool(b)
		if err != nil {
			return fmt.Errorf("insert into %s: %w", qualified, err)
		}
		defer os.Remove(path)
		query = insertFromFile(qualified, cols, path, len(rows), token)
		b = append(b[:0], query...)
	}
	b = append(b, 0) // chdb_query takes a C string; this saves a copy

	if err := s.conn.run(b, tableQueryFormat, nil); err != nil {
		// The table may have changed under the cached column types.
		s.forgetTypes(db, name)
		return fmt.Errorf("insert %d rows %q: %w", len(rows), snippet(query), err)
	}
	return nil
}

func (s *embedded) getBuf() []byte {
	select {
	case b := <-s.bufs:
		return b[:0]
	default:
		return nil
	}
}

func (s *embedded) putBuf(b []byte) {
	if cap(b) > maxPooledBuf {
		return
	}
	select {
	case s.bufs <- b:
	default:
	}
}

// spool writes one batch to a file of its own for file() to read.
func (s *embedded) spool(data []byte) (string, error) {
	f, err := os.CreateTemp(s.spoolDir, "batch-*.jsonl")
	if err != nil {
		return "", fmt.Errorf("create spool file: %w", err)
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr != nil || cerr != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("write spool file %s: %w", f.Name(), firstErr(werr, cerr))
	}
	return f.Name(), nil
}

// insertSettings are shared by both transports. Squashing up to exactly
// the batch's row count (and no byte limit) makes the batch one block even
// beyond the default ~1M rows / 256 MB thresholds.
func insertSettings(rows int, token string, fromSelect bool) string {
	var h strings.Builder
	h.WriteString("SETTINGS min_insert_block_size_rows = ")
	h.WriteString(strconv.Itoa(rows))
	h.WriteString(", min_insert_block_size_bytes = 1099511627776")
	// Replacing/Collapsing tables would otherwise merge each inserted
	// block on the way in; callers that deduplicate read with FINAL, and
	// this pre-merge more than halved insert speed (107k → 184k+ rows/s
	// for a 27-column ReplacingMergeTree, 50k-row batches).
	h.WriteString(", optimize_on_insert = 0")
	if token != "" {
		h.WriteString(", insert_deduplication_token = ")
		h.WriteString(quoteString(token))
		if fromSelect {
			// The default, enable_when_possible, would silently skip
			// deduplication if ClickHouse judged the SELECT unstable; we
			// would rather fail loudly than count a replay twice.
			h.WriteString(", deduplicate_insert_select = 'force_enable'")
		}
	}
	return h.String()
}

func insertInlineHeader(qualified string, columns []string, rows int, token string) string {
	// 26.7 accepts SETTINGS between the column list and FORMAT.
	return "INSERT INTO " + qualified + " " + columnList(columns) + " " +
		insertSettings(rows, token, false) + " FORMAT JSONCompactEachRow"
}

// insertFromFile reads the spool with file(). Its structure declares
// LowCardinality columns as their plain type: parsing straight into
// LowCardinality measured ~30% slower than converting on insert.
func insertFromFile(qualified string, cols []colEncoding, path string, rows int, token string) string {
	var structure strings.Builder
	names := make([]string, len(cols))
	for i, c := range cols {
		if i > 0 {
			structure.WriteString(", ")
		}
		structure.WriteString(quoteIdent(c.name))
		structure.WriteByte(' ')
		structure.WriteString(withoutLowCardinality(c.typ))
		names[i] = c.name
	}
	return "INSERT INTO " + qualified + " " + columnList(names) + " " + insertSettings(rows, token, true) +
		" SELECT * FROM file(" + quoteString(path) + ", 'JSONCompactEachRow', " + quoteString(structure.String()) + ")"
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func checkShape(columns []string, rows [][]any) error {
	if len(columns) == 0 {
		return fmt.Errorf("no columns listed")
	}
	for i, r := range rows {
		if len(r) != len(columns) {
			return fmt.Errorf("row %d has %d values for %d columns", i, len(r), len(columns))
		}
	}
	return nil
}

// columnEncodings looks up the listed columns' types, which the encoder
// needs for time values (Date takes YYYY-MM-DD only, DateTime64 keeps its
// precision). Types are cached per table and dropped when an insert fails.
func (s *embedded) columnEncodings(db, table string, columns []string) ([]colEncoding, error) {
	types, err := s.tableTypes(db, table)
	if err != nil {
		return nil, err
	}
	out := make([]colEncoding, len(columns))
	for i, c := range columns {
		name := strings.Trim(c, "`")
		t, ok := types[name]
		if !ok {
			return nil, fmt.Errorf("table has no column %q", name)
		}
		kind, prec := timeType(t)
		out[i] = colEncoding{name: name, typ: t, time: kind, precision: prec}
	}
	return out, nil
}

func (s *embedded) tableTypes(db, table string) (map[string]string, error) {
	key := db + "\x00" + table
	s.typesMu.Lock()
	types, ok := s.types[key]
	s.typesMu.Unlock()
	if ok {
		return types, nil
	}
	q := "SELECT name, type FROM system.columns WHERE database = " + quoteString(db) + " AND table = " + quoteString(table)
	var res *Result
	err := s.conn.run(nulTerminated(q), tableQueryFormat, func(out []byte) error {
		var err error
		res, err = parseTSVWithNamesAndTypes(out)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("look up columns: %w", err)
	}
	if len(res.Rows) == 0 {
		return nil, fmt.Errorf("table %s.%s does not exist", db, table)
	}
	types = make(map[string]string, len(res.Rows))
	for _, r := range res.Rows {
		types[r[0]] = r[1]
	}
	s.typesMu.Lock()
	s.types[key] = types
	s.typesMu.Unlock()
	return types, nil
}

func (s *embedded) forgetTypes(db, table string) {
	s.typesMu.Lock()
	delete(s.types, db+"\x00"+table)
	s.typesMu.Unlock()
}
