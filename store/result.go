package store

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

// nullText is how TabSeparated prints NULL; Result uses it too.
const nullText = `\N`

// Result is the outcome of Query: every value as ClickHouse's TabSeparated
// would print it, before TSV escaping (a String holding a tab holds a real
// tab here). NULL is `\N`.
type Result struct {
	Columns []string
	Types   []string // ClickHouse type names
	Rows    [][]string
}

// WriteTSV writes the result as TSV with a header line (used by `earshot sql`).
// The output matches ClickHouse's TabSeparatedWithNames byte for byte:
// string values and names are escaped, composite literals are not (their
// strings are already quoted), NULL prints as \N.
func (r *Result) WriteTSV(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var line []byte
	for i, c := range r.Columns {
		if i > 0 {
			line = append(line, '\t')
		}
		line = appendTSVEscaped(line, c)
	}
	line = append(line, '\n')
	if _, err := bw.Write(line); err != nil {
		return fmt.Errorf("write tsv header: %w", err)
	}
	escape := make([]bool, len(r.Columns))
	nullable := make([]bool, len(r.Columns))
	for i := range escape {
		// Unknown types are escaped: that always yields valid TSV.
		escape[i] = i >= len(r.Types) || isStringLike(r.Types[i])
		nullable[i] = i < len(r.Types) && isNullable(r.Types[i])
	}
	for n, row := range r.Rows {
		line = line[:0]
		for i, v := range row {
			if i > 0 {
				line = append(line, '\t')
			}
			switch {
			case i < len(escape) && nullable[i] && v == nullText:
				line = append(line, v...)
			case i >= len(escape) || escape[i]:
				line = appendTSVEscaped(line, v)
			default:
				line = append(line, v...)
			}
		}
		line = append(line, '\n')
		if _, err := bw.Write(line); err != nil {
			return fmt.Errorf("write tsv row %d: %w", n+1, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write tsv: %w", err)
	}
	return nil
}

// appendTSVEscaped escapes s the way ClickHouse writes strings in
// TabSeparated (and inside quoted literals): \b \f \n \r \t \0 \\ and \'.
// Other bytes, including invalid UTF-8, pass through unchanged.
func appendTSVEscaped(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		var esc byte
		switch s[i] {
		case '\b':
			esc = 'b'
		case '\f':
			esc = 'f'
		case '\n':
			esc = 'n'
		case '\r':
			esc = 'r'
		case '\t':
			esc = 't'
		case 0:
			esc = '0'
		case '\\':
			esc = '\\'
		case '\'':
			esc = '\''
		default:
			continue
		}
		dst = append(dst, s[start:i]...)
		dst = append(dst, '\\', esc)
		start = i + 1
	}
	return append(dst, s[start:]...)
}

// appendQuoted writes s as a ClickHouse single-quoted literal, as it appears
// inside printed arrays and tuples.
func appendQuoted(dst []byte, s string) []byte {
	dst = append(dst, '\'')
	dst = appendTSVEscaped(dst, s)
	return append(dst, '\'')
}

// unescapeTSV reverses ClickHouse's TSV string escaping.
func unescapeTSV(field []byte) string {
	i := bytes.IndexByte(field, '\\')
	if i < 0 {
		return string(field)
	}
	out := make([]byte, 0, len(field))
	out = append(out, field[:i]...)
	for ; i < len(field); i++ {
		c := field[i]
		if c != '\\' || i+1 == len(field) {
			out = append(out, c)
			continue
		}
		i++
		switch e := field[i]; e {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case '0':
			out = append(out, 0)
		case 'a':
			out = append(out, '\a')
		case 'v':
			out = append(out, '\v')
		case 'x':
			if i+2 < len(field) {
				if h, ok := unhex2(field[i+1], field[i+2]); ok {
					out = append(out, h)
					i += 2
					continue
				}
			}
			out = append(out, e)
		default:
			// \\, \', \" and any other escaped byte stand for themselves.
			out = append(out, e)
		}
	}
	return string(out)
}

func unhex2(a, b byte) (byte, bool) {
	hi, ok1 := unhex(a)
	lo, ok2 := unhex(b)
	return hi<<4 | lo, ok1 && ok2
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// parseTSVWithNamesAndTypes reads ClickHouse TabSeparatedWithNamesAndTypes
// output. Raw newlines and tabs only ever separate rows and fields: inside
// values they are escaped (strings) or quoted (composites).
func parseTSVWithNamesAndTypes(out []byte) (*Result, error) {
	res := &Result{}
	if len(out) == 0 {
		// Statements without a result set print nothing at all.
		return res, nil
	}
	line, rest := nextLine(out)
	for _, f := range bytes.Split(line, []byte{'\t'}) {
		res.Columns = append(res.Columns, unescapeTSV(f))
	}
	if len(rest) == 0 {
		return nil, fmt.Errorf("result has a names line but no types line")
	}
	line, rest = nextLine(rest)
	for _, f := range bytes.Split(line, []byte{'\t'}) {
		res.Types = append(res.Types, unescapeTSV(f))
	}
	if len(res.Types) != len(res.Columns) {
		return nil, fmt.Errorf("result has %d names but %d types", len(res.Columns), len(res.Types))
	}
	unescape := make([]bool, len(res.Types))
	for i, t := range res.Types {
		unescape[i] = isStringLike(t)
	}
	ncol := len(res.Columns)
	res.Rows = make([][]string, 0, bytes.Count(rest, []byte{'\n'}))
	for n := 1; len(rest) > 0; n++ {
		line, rest = nextLine(rest)
		row := make([]string, 0, ncol)
		for len(row) < ncol {
			f := line
			if j := bytes.IndexByte(line, '\t'); j >= 0 {
				f, line = line[:j], line[j+1:]
			} else {
				line = nil
			}
			if unescape[len(row)] && !bytes.Equal(f, []byte(nullText)) {
				row = append(row, unescapeTSV(f))
			} else {
				row = append(row, string(f))
			}
			if line == nil {
				break
			}
		}
		if len(row) != ncol || line != nil {
			return nil, fmt.Errorf("result row %d has a different number of fields than the %d columns (more than one statement in the query?)", n, ncol)
		}
		res.Rows = append(res.Rows, row)
	}
	return res, nil
}

func nextLine(b []byte) (line, rest []byte) {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i], b[i+1:]
	}
	return b, nil
}
