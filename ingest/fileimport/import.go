package fileimport

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
)

// Progress shows how far an import is; the command line draws a bar.
type Progress interface {
	// Phase starts a pass over the file of total bytes.
	Phase(name string, total int64)
	Add(bytes int)
	Done()
}

// Importer reads files into events and publishes them.
type Importer struct {
	Pub       ingest.Publisher // may be nil for dry runs
	Validator *event.Validator
	BatchSize int // events per Publish; default 1000
	Workers   int // rows converted and validated in parallel; default GOMAXPROCS
	// MaxKept is how many checked events an all-or-nothing import holds in
	// memory to publish without a second pass; default 200,000 (~100 MB).
	MaxKept  int
	Now      func() time.Time
	Progress Progress
	Log      *slog.Logger
}

// Options are the choices of one import.
type Options struct {
	Spec      *Spec
	Overrides Overrides
	// SkipInvalid publishes the good rows and dead-letters the bad ones;
	// by default one bad row stops the whole file.
	SkipInvalid bool
	// DryRun reads and validates, publishing nothing.
	DryRun bool
}

// Report is what an import did.
type Report struct {
	File        string
	Kind        Kind
	Spec        string
	Rows        int // good data rows
	Skipped     int // summary rows the export adds (totals)
	Events      int // events the good rows make
	Published   int
	Rejected    []RowError // by line
	Elapsed     time.Duration
	DryRun      bool
	SkipInvalid bool
}

// ErrInvalidRows means rows were rejected and, without --skip-invalid,
// nothing was published.
var ErrInvalidRows = errors.New("invalid rows")

// Import reads path under o and publishes its events: all of them, or
// none when a row is bad (unless o.SkipInvalid).
func (im *Importer) Import(ctx context.Context, path string, o Options) (*Report, error) {
	start := time.Now()
	if im.Now == nil {
		im.Now = time.Now
	}
	if im.Log == nil {
		im.Log = slog.New(slog.DiscardHandler)
	}
	if im.BatchSize <= 0 {
		im.BatchSize = 1000
	}
	if im.Workers <= 0 {
		im.Workers = runtime.GOMAXPROCS(0)
	}
	if !o.DryRun && im.Pub == nil {
		return nil, errors.New("import: no publisher")
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	if o.Overrides.ObservedAt.IsZero() {
		// An export's counts were true when it was downloaded, which its
		// modification time says closely enough.
		o.Overrides.ObservedAt = info.ModTime()
	}
	spec, err := o.Spec.apply(o.Overrides)
	if err != nil {
		return nil, err
	}
	rep := &Report{File: path, Kind: spec.Kind, Spec: spec.Name, DryRun: o.DryRun, SkipInvalid: o.SkipInvalid}
	defer func() { rep.Elapsed = time.Since(start) }()

	mode := passMode{validate: true, publish: o.SkipInvalid && !o.DryRun, reject: o.SkipInvalid && !o.DryRun, phase: "checking"}
	mode.keep = !mode.publish && !o.DryRun
	if mode.publish {
		mode.phase = "importing"
	}
	res, err := im.pass(ctx, path, spec, info.Size(), mode)
	rep.fill(res)
	if err != nil {
		return rep, err
	}
	if len(rep.Rejected) > 0 && !o.SkipInvalid {
		return rep, ErrInvalidRows
	}
	if o.DryRun || o.SkipInvalid {
		return rep, nil
	}
	// The first pass found every row good. A small file's events were kept
	// (checked: the publisher does not validate them again); a large one
	// is read again, which keeps memory flat for any file size.
	if !res.overflow {
		// Several batches in flight: each Publish waits for the broker's
		// acknowledgement, and waiting one at a time left the cores idle.
		// Order between batches does not matter: ids deduplicate and the
		// latest observation wins by its own timestamp.
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(publishInFlight)
		var published atomic.Int64
		for lo := 0; lo < len(res.kept); lo += im.BatchSize {
			chunk := res.kept[lo:min(lo+im.BatchSize, len(res.kept))]
			g.Go(func() error {
				if err := im.Pub.Publish(gctx, chunk...); err != nil {
					return fmt.Errorf("publish %d events from %s: %w (events published before this may be in Kafka; import the file again once it is reachable: ids repeat, nothing is counted twice)", len(chunk), path, err)
				}
				published.Add(int64(len(chunk)))
				return nil
			})
		}
		err := g.Wait()
		rep.Published = int(published.Load())
		return rep, err
	}
	res, err = im.pass(ctx, path, spec, info.Size(), passMode{publish: true, phase: "importing"})
	if err == nil && len(res.rejected) > 0 {
		err = fmt.Errorf("%s changed while it was imported (%s): import it again", path, res.rejected[0].Error())
	}
	rep.Published = res.published
	return rep, err
}

func (r *Report) fill(res passResult) {
	r.Rows, r.Skipped, r.Events, r.Published = res.rows, res.skipped, res.events, res.published
	r.Rejected = res.rejected
	sort.Slice(r.Rejected, func(i, j int) bool { return r.Rejected[i].Line < r.Rejected[j].Line })
}

type passMode struct {
	validate, publish, reject bool
	// keep holds the checked events in memory (up to MaxKept), so a
	// file found all good is published without reading and validating it
	// a second time.
	keep  bool
	phase string
}

// defaultMaxKept bounds the events a checking pass keeps (~0.5 KiB
// each); a larger file is read again to publish, keeping memory flat.
const defaultMaxKept = 200_000

type passResult struct {
	rows, skipped, events, published int
	rejected                         []RowError
	kept                             []event.Envelope
	overflow                         bool // more than keepLimit events: kept is empty
}

// publishInFlight is how many batches an import publishes at once.
const publishInFlight = 4

// rowsPerBatch is how many rows a worker converts at a time.
const rowsPerBatch = 1000

// pass reads the file once: one goroutine reads rows, workers convert,
// validate and (in mode.publish) publish them in batches.
func (im *Importer) pass(ctx context.Context, path string, spec *Spec, size int64, mode passMode) (passResult, error) {
	var add func(int)
	if im.Progress != nil {
		im.Progress.Phase(mode.phase, size)
		defer im.Progress.Done()
		add = im.Progress.Add
	}
	rr, spec, err := openRows(path, spec, add)
	if err != nil {
		return passResult{}, err
	}
	defer rr.Close()

	g, ctx := errgroup.WithContext(ctx)
	batches := make(chan []rawRow, im.Workers)
	g.Go(func() error {
		defer close(batches)
		batch := make([]rawRow, 0, rowsPerBatch)
		for {
			row, err := rr.next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			if batch = append(batch, row); len(batch) == rowsPerBatch {
				select {
				case batches <- batch:
				case <-ctx.Done():
					return ctx.Err()
				}
				batch = make([]rawRow, 0, rowsPerBatch)
			}
		}
		if len(batch) > 0 {
			select {
			case batches <- batch:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	var (
		mu  sync.Mutex
		res passResult
	)
	for range im.Workers {
		g.Go(func() error {
			conv := converter{s: spec, now: im.Now()}
			if mode.validate {
				conv.v = im.Validator
			}
			for batch := range batches {
				b := im.convertBatch(&conv, rr, batch, mode.validate)
				published := 0
				if mode.publish {
					for lo := 0; lo < len(b.envs); lo += im.BatchSize {
						chunk := b.envs[lo:min(lo+im.BatchSize, len(b.envs))]
						if err := im.Pub.Publish(ctx, chunk...); err != nil {
							// Earlier batches may be in: importing the file again
							// is safe, its rows keep their ids.
							return fmt.Errorf("publish %d events from %s: %w (events published before this may be in Kafka; import the file again once it is reachable: ids repeat, nothing is counted twice)", len(chunk), path, err)
						}
						published += len(chunk)
					}
				}
				if mode.reject {
					for _, re := range b.bad {
						rej := ingest.Rejected{Source: SourceName, Key: fmt.Sprintf("%s:%d", filepath.Base(path), re.Line), Body: re.Raw, Class: "invalid", Reason: re.Error()}
						if err := im.Pub.Reject(ctx, rej); err != nil {
							return fmt.Errorf("dead-letter line %d of %s: %w", re.Line, path, err)
						}
					}
				}
				mu.Lock()
				if mode.keep && !res.overflow {
					if len(res.kept)+len(b.envs) <= cmp.Or(im.MaxKept, defaultMaxKept) {
						res.kept = append(res.kept, b.envs...)
					} else {
						res.overflow, res.kept = true, nil
					}
				}
				res.rows += b.rows
				res.skipped += b.skipped
				res.events += len(b.envs)
				res.published += published
				res.rejected = append(res.rejected, b.bad...)
				mu.Unlock()
			}
			return nil
		})
	}
	err = g.Wait()
	return res, err
}

type batchResult struct {
	envs          []event.Envelope
	bad           []RowError
	rows, skipped int
}

func (im *Importer) convertBatch(conv *converter, rr *rowReader, rows []rawRow, validate bool) batchResult {
	var b batchResult
	b.envs = make([]event.Envelope, 0, len(rows))
	for _, row := range rows {
		var envs []event.Envelope
		var bad *RowError
		if rr.format == CSV {
			var v rowValues
			rr.values(row, &v)
			if conv.s.skipped(row, &v) {
				b.skipped++
				continue
			}
			envs, bad = conv.convert(&v)
		} else {
			envs, bad = im.jsonRow(conv, row.raw)
		}
		if bad == nil && validate {
			for i := range envs {
				if envs[i].Checked() {
					continue
				}
				if err := im.Validator.Check(&envs[i]); err != nil {
					bad = &RowError{Reason: schemaReason(err)}
					break
				}
			}
		}
		if bad != nil {
			bad.Line = row.line
			if rr.format == CSV {
				bad.Raw = csvLine(row.cells, rr.csv.Comma)
			} else {
				bad.Raw = row.raw
			}
			b.bad = append(b.bad, *bad)
			continue
		}
		b.rows++
		b.envs = append(b.envs, envs...)
	}
	return b
}

// schemaReason makes a validation error read as the row's problem.
func schemaReason(err error) string {
	_, reason := event.Classify(err, "schema")
	return "fails the event schema: " + reason
}

// jsonRow converts one JSONL line: an earshot envelope, a bare payload of
// the kind (generic spec), or a flat object mapped like a CSV row.
func (im *Importer) jsonRow(conv *converter, raw []byte) ([]event.Envelope, *RowError) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return nil, &RowError{Reason: "not a JSON object"}
	}
	if _, isEnv := obj["schema"]; isEnv && obj["data"] != nil {
		env, err := im.Validator.Parse(raw)
		if err != nil {
			return nil, &RowError{Reason: schemaReason(err)}
		}
		if env.Schema != conv.s.Kind.Schema() {
			return nil, &RowError{Field: "schema", Value: env.Schema, Reason: fmt.Sprintf("a %s envelope in a %s import: import it with --kind matching its schema", env.Schema, conv.s.Kind)}
		}
		return []event.Envelope{env}, nil
	}
	flat := make(map[string]string, len(obj))
	for k, v := range obj {
		flat[normHeader(k)] = scalar(v)
	}
	if conv.s.generic {
		return conv.bare(obj, flat)
	}
	var v rowValues
	var column [numFields]string
	v.column = &column
	for f := range numFields {
		for _, cand := range conv.s.cols[f] {
			if s, ok := flat[cand]; ok {
				v.v[f], v.ok[f], column[f] = s, true, cand
				break
			}
		}
	}
	return conv.convert(&v)
}

// scalar is a JSON value as a cell: strings unquoted, everything else as
// written.
func scalar(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	if string(v) == "null" {
		return ""
	}
	return string(v)
}

// bareKeys are the natural keys of bare payloads, by kind.
var bareKeys = map[Kind][]string{
	PostMetrics: {"network", "account", "post_id"},
	Audience:    {"network", "account", "observed_at"},
	Conversions: {"occurred_at", "type", "utm_source", "utm_medium", "utm_campaign"},
	AdSpend:     {"network", "account", "date", "campaign"},
	Mentions:    {"network", "native_id"},
}

// bare wraps a payload of the kind as it is (minus its "id", which keys
// it), for the schema to judge.
func (c *converter) bare(obj map[string]json.RawMessage, flat map[string]string) ([]event.Envelope, *RowError) {
	key := ""
	if id := flat["id"]; id != "" {
		key = "id\x00" + id
	} else {
		parts := make([]string, 0, 5)
		for _, k := range bareKeys[c.s.Kind] {
			parts = append(parts, flat[k])
		}
		key = strings.Join(parts, "\x00")
	}
	delete(obj, "id")
	data, err := json.Marshal(obj)
	if err != nil {
		return nil, &RowError{Reason: err.Error()}
	}
	env := event.Envelope{Schema: c.s.Kind.Schema(), ID: c.id(key), Source: SourceName, CollectedAt: c.now.UTC(), Data: data}
	return []event.Envelope{env}, nil
}

var en = message.NewPrinter(language.English)

// Summary is the one line printed at the end of an import.
func (r *Report) Summary() string {
	name := filepath.Base(r.File)
	var b strings.Builder
	switch {
	case r.DryRun:
		en.Fprintf(&b, "checked %d %s in %s in %.1fs (%d rejected); nothing published: --dry-run", r.Events, r.Kind.Noun(r.Events), name, r.Elapsed.Seconds(), len(r.Rejected))
	case r.SkipInvalid:
		en.Fprintf(&b, "imported %d %s from %s in %.1fs (%d rejected", r.Published, r.Kind.Noun(r.Published), name, r.Elapsed.Seconds(), len(r.Rejected))
		if len(r.Rejected) > 0 {
			b.WriteString(" and sent to the dead-letter topic: --skip-invalid")
		}
		b.WriteString(")")
	default:
		en.Fprintf(&b, "imported %d %s from %s in %.1fs (%d rejected)", r.Published, r.Kind.Noun(r.Published), name, r.Elapsed.Seconds(), len(r.Rejected))
	}
	if r.Rows != r.Events {
		en.Fprintf(&b, "; %d rows", r.Rows)
	}
	if r.Skipped > 0 {
		en.Fprintf(&b, "; %d summary rows skipped", r.Skipped)
	}
	return b.String()
}

// Failure explains an all-or-nothing import that published nothing.
func (r *Report) Failure() string {
	total := r.Rows + len(r.Rejected)
	return en.Sprintf("%s: %d of %d rows are invalid, so nothing was imported: fix them and import the file again, or rerun with --skip-invalid to import the %d good rows and send the bad ones to the dead-letter topic",
		filepath.Base(r.File), len(r.Rejected), total, r.Rows)
}

// WriteRejected prints the rejected rows, at most max of them.
func (r *Report) WriteRejected(w io.Writer, max int) {
	if len(r.Rejected) == 0 {
		return
	}
	fmt.Fprintf(w, "%d rejected row(s) in %s:\n", len(r.Rejected), r.File)
	for i, e := range r.Rejected {
		if i == max {
			fmt.Fprintf(w, "  … and %d more\n", len(r.Rejected)-max)
			break
		}
		fmt.Fprintf(w, "  %s\n", e.Error())
	}
}
