package fileimport

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Format is how a file is written.
type Format int

// Formats an import reads.
const (
	CSV Format = iota
	JSONL
)

// DetectFormat tells CSV from JSONL by the file name, else by the first
// character.
func DetectFormat(path string, head []byte) Format {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".ndjson", ".json":
		return JSONL
	case ".csv", ".tsv", ".txt":
		return CSV
	}
	if t := bytes.TrimLeft(head, " \t\r\n\ufeff"); len(t) > 0 && t[0] == '{' {
		return JSONL
	}
	return CSV
}

// rawRow is one row as read, before conversion.
type rawRow struct {
	line  int
	cells []string // CSV
	raw   []byte   // JSONL
}

// headerSearch is how many leading rows may be a title block above the
// header (Google Ads puts two, LinkedIn one).
const headerSearch = 30

// rowReader yields the rows of a file.
type rowReader struct {
	f      *os.File
	format Format
	spec   *Spec
	// CSV: the column of each field, -1 for none, and its header as
	// written.
	index  [numFields]int
	column [numFields]string
	csv    *csv.Reader
	// JSONL
	lines  *bufio.Reader
	lineNo int
	// a row read while looking for the header, given out first
	pending []rawRow
}

// countingReader reports bytes read, for the progress bar.
type countingReader struct {
	r   io.Reader
	add func(int)
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 && c.add != nil {
		c.add(n)
	}
	return n, err
}

// openRows opens path and, for CSV, finds and binds its header. The
// returned spec is s with what the header told (a currency in a column
// name).
func openRows(path string, s *Spec, progress func(int)) (*rowReader, *Spec, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", path, err)
	}
	r := &rowReader{f: f}
	br := bufio.NewReaderSize(countingReader{f, progress}, 256<<10)
	head, _ := br.Peek(4)
	var text io.Reader = br
	switch {
	case bytes.HasPrefix(head, []byte{0xff, 0xfe}), bytes.HasPrefix(head, []byte{0xfe, 0xff}):
		// Google Ads' "CSV (Excel)" download is UTF-16 with tabs.
		text = transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder())
	case bytes.HasPrefix(head, []byte{0xef, 0xbb, 0xbf}):
		br.Discard(3)
	}
	tb := bufio.NewReaderSize(text, 256<<10)
	peek, _ := tb.Peek(64 << 10)
	r.format = DetectFormat(path, peek)
	if r.format == JSONL {
		r.lines, r.spec = tb, s
		return r, s, nil
	}
	cr := csv.NewReader(tb)
	cr.Comma = s.delim
	if cr.Comma == 0 {
		cr.Comma = detectDelimiter(peek, s.comment)
	}
	cr.Comment = s.comment
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	r.csv = cr
	spec, err := r.findHeader(s)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	r.spec = spec
	return r, spec, nil
}

// detectDelimiter picks the separator that splits the first lines most.
func detectDelimiter(head []byte, comment rune) rune {
	counts := map[rune]int{}
	lines := 0
	for _, l := range bytes.Split(head, []byte("\n")) {
		l = bytes.TrimSpace(l)
		if len(l) == 0 || (comment != 0 && l[0] == byte(comment)) {
			continue
		}
		for _, d := range []rune{',', ';', '\t', '|'} {
			counts[d] += bytes.Count(l, []byte(string(d)))
		}
		if lines++; lines == 10 {
			break
		}
	}
	best := ','
	for _, d := range []rune{';', '\t', '|'} {
		if counts[d] > counts[best] {
			best = d
		}
	}
	return best
}

// findHeader reads until a row holds the spec's required columns.
func (r *rowReader) findHeader(s *Spec) (*Spec, error) {
	var first []string
	var firstMissing []field
	for range headerSearch {
		rec, err := r.csv.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading the header: %w", err)
		}
		if blankRecord(rec) {
			continue
		}
		spec, missing := r.bind(s, rec)
		if len(missing) == 0 {
			return spec, nil
		}
		if first == nil {
			first, firstMissing = rec, missing
		}
	}
	if first == nil {
		return nil, errors.New("no rows: the file is empty")
	}
	var what []string
	for _, f := range firstMissing {
		if s.cols[f] == nil {
			what = append(what, fmt.Sprintf("%s (%s)", f, s.fixFor(f)))
			continue
		}
		what = append(what, fmt.Sprintf("%s (a column named %s)", f, quoteAll(s.cols[f])))
	}
	return nil, fmt.Errorf("no header row with the columns %s needs in the first %d rows; missing: %s. The first row has: %s",
		s.Name, headerSearch, strings.Join(what, "; "), quoteAll(first))
}

func quoteAll(xs []string) string {
	qs := make([]string, len(xs))
	for i, x := range xs {
		qs[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(qs, " or ")
}

func blankRecord(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// bind matches a header row against the spec: which column each field
// reads, and which required fields have neither a column nor a value.
func (r *rowReader) bind(s *Spec, header []string) (*Spec, []field) {
	norm := make([]string, len(header))
	for i, h := range header {
		norm[i] = normHeader(h)
	}
	spec := *s
	for f := range numFields {
		r.index[f], r.column[f] = -1, ""
		for _, cand := range s.cols[f] {
			if i := slices.Index(norm, cand); i >= 0 {
				r.index[f], r.column[f] = i, strings.TrimPrefix(header[i], "\ufeff")
				break
			}
		}
	}
	if s.currencyHeader != nil && r.index[fSpend] < 0 {
		for i, h := range norm {
			if m := s.currencyHeader.FindStringSubmatch(h); m != nil {
				r.index[fSpend], r.column[fSpend] = i, header[i]
				if r.index[fCurrency] < 0 && spec.values[fCurrency] == "" {
					spec.values[fCurrency] = strings.ToUpper(m[1])
				}
				break
			}
		}
	}
	var missing []field
	for _, f := range kindFields[s.Kind].required {
		if r.index[f] < 0 && spec.values[f] == "" && !slices.Contains(s.derived, f) {
			missing = append(missing, f)
		}
	}
	return &spec, missing
}

// next returns the next row, or io.EOF.
func (r *rowReader) next() (rawRow, error) {
	if r.format == JSONL {
		for {
			l, err := r.lines.ReadBytes('\n')
			if len(l) == 0 && err != nil {
				return rawRow{}, err
			}
			r.lineNo++
			if t := bytes.TrimSpace(l); len(t) > 0 {
				return rawRow{line: r.lineNo, raw: t}, nil
			}
		}
	}
	for {
		rec, err := r.csv.Read()
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return rawRow{}, fmt.Errorf("line %d: %w", pe.StartLine, err)
			}
			return rawRow{}, err
		}
		if blankRecord(rec) {
			continue
		}
		line, _ := r.csv.FieldPos(0)
		return rawRow{line: line, cells: rec}, nil
	}
}

func (r *rowReader) Close() error { return r.f.Close() }

// values fills a CSV row's cells by field.
func (r *rowReader) values(row rawRow, v *rowValues) {
	v.column = &r.column
	for f := range numFields {
		if i := r.index[f]; i >= 0 && i < len(row.cells) {
			v.v[f], v.ok[f] = row.cells[i], true
		}
	}
}

// skipped reports a summary row the export adds (totals).
func (s *Spec) skipped(row rawRow, v *rowValues) bool {
	for _, c := range row.cells {
		c = strings.TrimSpace(c)
		for _, p := range s.skip {
			if strings.HasPrefix(c, p) {
				return true
			}
		}
	}
	for _, f := range s.skipIfEmpty {
		if !v.has(f) {
			return true
		}
	}
	return false
}

// csvLine renders cells back into one CSV line, for the dead-letter topic.
func csvLine(cells []string, comma rune) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = comma
	w.Write(cells)
	w.Flush()
	return bytes.TrimRight(b.Bytes(), "\n")
}
