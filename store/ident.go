package store

import (
	"errors"
	"fmt"
	"strings"
)

// quoteIdent makes name safe to splice into SQL as an identifier; backticks
// work on every ClickHouse version we support (18.16 and 26.7).
func quoteIdent(name string) string {
	var b strings.Builder
	b.Grow(len(name) + 2)
	b.WriteByte('`')
	for i := 0; i < len(name); i++ {
		switch c := name[i]; c {
		case '`', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('`')
	return b.String()
}

// quoteString makes s a single-quoted SQL string literal.
func quoteString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case 0:
			// libchdb takes the query as a C string: a raw NUL would end it.
			b.WriteString(`\0`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// tableRef resolves table ("name", "db.name", optionally backquoted parts)
// against the store's database.
func tableRef(database, table string) (db, name string, err error) {
	parts, err := splitIdents(table)
	if err != nil {
		return "", "", fmt.Errorf("table name %q: %w", table, err)
	}
	switch len(parts) {
	case 1:
		return database, parts[0], nil
	case 2:
		return parts[0], parts[1], nil
	}
	return "", "", fmt.Errorf("table name %q: want name or database.name", table)
}

// splitIdents splits a dotted identifier path, undoing backquotes.
func splitIdents(s string) ([]string, error) {
	var parts []string
	var cur []byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '`':
			closed := false
			for i++; i < len(s); i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
					cur = append(cur, s[i])
					continue
				}
				if s[i] == '`' {
					closed = true
					break
				}
				cur = append(cur, s[i])
			}
			if !closed {
				return nil, errors.New("unterminated backquote")
			}
		case c == '.':
			if len(cur) == 0 {
				return nil, errors.New("empty name part")
			}
			parts = append(parts, string(cur))
			cur = cur[:0]
		default:
			cur = append(cur, c)
		}
	}
	if len(cur) == 0 {
		return nil, errors.New("empty name")
	}
	return append(parts, string(cur)), nil
}

// columnList renders "(`a`, `b`)"; the list is mandatory on every insert
// because 18.16 silently drops batches prepared without one.
func columnList(columns []string) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, c := range columns {
		if i > 0 {
			b.WriteString(", ")
		}
		if strings.Contains(c, "`") {
			b.WriteString(c)
		} else {
			b.WriteString(quoteIdent(c))
		}
	}
	b.WriteByte(')')
	return b.String()
}

// snippet shortens a query for error messages: enough to recognise it,
// not the 20 MB of an inline insert.
func snippet(query string) string {
	const max = 200
	q := strings.Join(strings.Fields(query), " ")
	if len(q) <= max {
		return q
	}
	cut := max
	// Don't split a UTF-8 sequence.
	for cut > 0 && q[cut]&0xC0 == 0x80 {
		cut--
	}
	return q[:cut] + "…"
}

// Quote makes s a single-quoted ClickHouse string literal, for values that
// must be spliced into SQL (brand names in generated queries).
func Quote(s string) string { return quoteString(s) }
