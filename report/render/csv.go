package render

import (
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/earshot-dev/earshot/report"
)

// CSV writes one RFC 4180 file per table into dir (created if needed) and
// returns their paths. Headers are in the report language; values are for
// machines whatever the language: "." decimals without grouping, numbers
// exactly as in the report (ratios as ratios), days as 2006-01-02,
// instants as RFC 3339 UTC, missing values as empty fields.
func CSV(dir string, r *report.Report, lang string) ([]string, error) {
	l, err := newLocale(lang)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, fmt.Errorf("render CSV: no report")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("render CSV: output directory: %w", err)
	}
	var paths []string
	for _, t := range machineTables(l, r) {
		path := filepath.Join(dir, t.id+".csv")
		if err := writeCSV(path, l, t); err != nil {
			return nil, fmt.Errorf("render CSV: %w", err)
		}
		paths = append(paths, path)
	}
	return paths, nil
}

func writeCSV(path string, l *locale, t table) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("close %s: %w", path, cerr))
		}
	}()
	w := csv.NewWriter(f)
	w.UseCRLF = true // RFC 4180 line breaks
	header := make([]string, len(t.cols))
	for i, c := range t.cols {
		header[i] = l.T(c.header)
	}
	if err := w.Write(header); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	rec := make([]string, len(t.cols))
	for _, row := range t.rows {
		for i, c := range row {
			rec[i] = machineText(c)
		}
		if err := w.Write(rec); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// machineText is a cell as a program reads it.
func machineText(c cell) string {
	switch c.kind {
	case kText, kWord, kURL:
		return c.text
	case kDate:
		if c.t.IsZero() {
			return ""
		}
		return c.t.UTC().Format(time.DateOnly)
	case kDateTime:
		if c.t.IsZero() {
			return ""
		}
		return c.t.UTC().Format(time.RFC3339)
	}
	if c.num == nil {
		return ""
	}
	return machineNumber(*c.num)
}
