package report

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Renderers write a Report in each format. Package report/render has them;
// it imports this package, so the caller passes them in (internal/pipeline
// does).
type Renderers struct {
	PDF  func(w io.Writer, r *Report, lang string) error
	HTML func(w io.Writer, r *Report, lang string) error
	XLSX func(w io.Writer, r *Report, lang string) error
	CSV  func(dir string, r *Report, lang string) ([]string, error) // one file per table
}

// Job is one report to make and where it goes.
type Job struct {
	Brand   string
	Month   time.Time // any instant in the month; the UTC calendar month is reported
	Formats []string  // pdf | xlsx | csv | html
	Lang    string    // en | id
	OutDir  string    // "" = not written to a directory
	Email   Email     // delivered by e-mail when Email.Enabled()
	Gather  Options
	Render  Renderers
	Log     *slog.Logger
}

// Outcome says what a run delivered: a failed channel is missing here and
// named in the error, so a caller can retry only that one.
type Outcome struct {
	Report  *Report
	Saved   []string // final paths in OutDir (a CSV directory counts as one)
	Emailed bool
	// Delivered names the channels that got the whole report: ChannelDir,
	// ChannelEmail.
	Delivered []string
}

// Delivery channels.
const (
	ChannelDir   = "dir"
	ChannelEmail = "email"
)

// Run gathers the report, renders every requested format and delivers
// them. Every channel is tried even when another failed.
func Run(ctx context.Context, st Querier, job Job) (*Outcome, error) {
	if job.Log == nil {
		job.Log = slog.New(slog.DiscardHandler)
	}
	if job.OutDir == "" && !job.Email.Enabled() {
		return nil, errors.New("report: nowhere to deliver: give an output directory (--out, report.out_dir) or configure report.email")
	}
	start := time.Now()
	r, err := Gather(ctx, st, job.Brand, job.Month, job.Gather)
	if err != nil {
		return nil, err
	}
	// Rendering into the output directory keeps the final renames on one
	// file system, where they are atomic.
	tmpParent := job.OutDir
	if tmpParent != "" {
		if err := os.MkdirAll(tmpParent, 0o755); err != nil {
			return nil, fmt.Errorf("report: output directory: %w", err)
		}
	}
	rd, err := RenderAll(r, job.Render, job.Formats, job.Lang, tmpParent)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	out := &Outcome{Report: r}
	var errs []error
	// E-mail first: saving moves the files out of the temporary directory.
	if job.Email.Enabled() {
		if err := SendEmail(ctx, job.Email, rd); err != nil {
			errs = append(errs, err)
		} else {
			out.Emailed = true
			out.Delivered = append(out.Delivered, ChannelEmail)
		}
	}
	if job.OutDir != "" {
		saved, err := rd.SaveTo(job.OutDir)
		out.Saved = saved
		if err != nil {
			errs = append(errs, err)
		} else {
			out.Delivered = append(out.Delivered, ChannelDir)
		}
	}
	job.Log.Info("report done", "brand", r.Brand, "month", r.Month.Format("2006-01"), "formats", job.Formats,
		"saved", out.Saved, "emailed", out.Emailed, "took", time.Since(start).Round(time.Millisecond))
	return out, errors.Join(errs...)
}

// Rendered is a report rendered into a temporary directory.
type Rendered struct {
	Report *Report
	Base   string   // file name stem, e.g. earshot-acme-2026-10
	Dir    string   // the temporary directory
	Names  []string // entries of Dir in format order: files, and the CSV directory
	CSV    []string // the CSV files, relative to Dir
}

// RenderAll renders r in every format into a new temporary directory under
// parent (os.TempDir when empty). Close removes it.
func RenderAll(r *Report, rs Renderers, formats []string, lang string, parent string) (*Rendered, error) {
	if len(formats) == 0 {
		return nil, errors.New("report: no format requested: use pdf, xlsx, csv or html")
	}
	for _, f := range formats {
		if !slices.Contains(Formats, f) {
			return nil, fmt.Errorf("report: format %q: use pdf, xlsx, csv or html", f)
		}
	}
	dir, err := os.MkdirTemp(parent, ".earshot-report-")
	if err != nil {
		return nil, fmt.Errorf("report: temporary directory: %w", err)
	}
	rd := &Rendered{Report: r, Base: BaseName(r.Brand, r.Month), Dir: dir}
	for _, f := range Formats {
		if !slices.Contains(formats, f) {
			continue
		}
		if err := rd.render(rs, f, lang); err != nil {
			rd.Close()
			return nil, fmt.Errorf("report: render %s: %w", f, err)
		}
	}
	return rd, nil
}

func (rd *Rendered) render(rs Renderers, format, lang string) error {
	if format == FormatCSV {
		name := rd.Base + "-csv"
		sub := filepath.Join(rd.Dir, name)
		if err := os.Mkdir(sub, 0o755); err != nil {
			return err
		}
		if rs.CSV == nil {
			return errors.New("no CSV renderer")
		}
		paths, err := rs.CSV(sub, rd.Report, lang)
		if err != nil {
			return err
		}
		for _, p := range paths {
			rel, err := filepath.Rel(rd.Dir, p)
			if err != nil || strings.HasPrefix(rel, "..") {
				return fmt.Errorf("CSV file %s is outside %s", p, sub)
			}
			rd.CSV = append(rd.CSV, rel)
		}
		rd.Names = append(rd.Names, name)
		return nil
	}
	fn := map[string]func(io.Writer, *Report, string) error{
		FormatPDF: rs.PDF, FormatXLSX: rs.XLSX, FormatHTML: rs.HTML,
	}[format]
	if fn == nil {
		return fmt.Errorf("no %s renderer", format)
	}
	name := rd.Base + "." + format
	f, err := os.Create(filepath.Join(rd.Dir, name))
	if err != nil {
		return err
	}
	if err := fn(f, rd.Report, lang); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	rd.Names = append(rd.Names, name)
	return nil
}

// Attachments are the files an e-mail carries: every rendered file and
// each CSV file, as absolute paths.
func (rd *Rendered) Attachments() []string {
	var out []string
	for _, n := range rd.Names {
		if n == rd.Base+"-csv" {
			for _, c := range rd.CSV {
				out = append(out, filepath.Join(rd.Dir, c))
			}
			continue
		}
		out = append(out, filepath.Join(rd.Dir, n))
	}
	return out
}

// SaveTo moves every rendered entry into dir. Each arrives whole, by
// rename: a reader of dir sees the old file or the new one, never half of
// one. A CSV directory replacing an older one is swapped in the same way;
// the old one is removed afterwards.
func (rd *Rendered) SaveTo(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("report: output directory: %w", err)
	}
	var saved []string
	for _, n := range rd.Names {
		src, dst := filepath.Join(rd.Dir, n), filepath.Join(dir, n)
		if fi, err := os.Stat(dst); err == nil && fi.IsDir() {
			old := filepath.Join(rd.Dir, ".old-"+n)
			if err := os.Rename(dst, old); err != nil {
				return saved, fmt.Errorf("report: replace %s: %w", dst, err)
			}
		}
		if err := os.Rename(src, dst); err != nil {
			return saved, fmt.Errorf("report: save %s: %w", dst, err)
		}
		saved = append(saved, dst)
	}
	// The moved files are gone from rd.Dir; attachments must not be sought there.
	rd.CSV, rd.Names = nil, nil
	return saved, nil
}

// Close removes the temporary directory and anything left in it.
func (rd *Rendered) Close() error { return os.RemoveAll(rd.Dir) }

// BaseName is the file name stem of a brand's month:
// earshot-<brand>-<YYYY-MM>, the brand lower-cased with anything but
// letters and digits turned into '-'.
func BaseName(brand string, month time.Time) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(brand) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	slug := strings.TrimSuffix(b.String(), "-")
	if slug == "" {
		slug = "brand"
	}
	return "earshot-" + slug + "-" + MonthStart(month).Format("2006-01")
}
