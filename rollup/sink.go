// Package rollup moves events from Kafka into ClickHouse (Sink) and turns
// the fact tables into the rollup tables dashboards read (Job).
package rollup

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/goccy/go-json"

	"github.com/earshot-dev/earshot/bus"
	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/internal/telemetry"
	"github.com/earshot-dev/earshot/store"
)

type batchReader interface {
	FetchBatch(ctx context.Context, max int, wait time.Duration) ([]bus.Message, error)
	Commit(ctx context.Context, msgs []bus.Message) error
}

type deadLetterer interface {
	Send(ctx context.Context, failures ...bus.Failure) error
}

// Inserter is the part of the store the sink needs.
type Inserter interface {
	Insert(ctx context.Context, table string, columns []string, rows [][]any, token string) error
	Query(ctx context.Context, query string) (*store.Result, error)
}

// Sink writes events from Kafka into the fact tables.
//
// Exactly once, without extra state: every row carries the Kafka partition
// and offset it came from, and each insert is one block, so it lands whole
// or not at all. The sink remembers, per table and partition, the highest
// offset the table holds; whenever a partition's offsets do not continue
// where the sink left them (a restart, a replay after a crash between insert
// and commit, a rebalance that handed the partition over) it reloads that
// mark from the table and skips what is already there.
type Sink struct {
	In        batchReader
	Store     Inserter
	DLQ       deadLetterer
	Validator *event.Validator
	// Topics maps each input topic to the tables its events may go to. A
	// table must be fed by one topic only: its offsets are that topic's.
	Topics   map[string][]string
	BatchMax int
	Wait     time.Duration
	Metrics  *telemetry.Metrics
	Log      *slog.Logger

	next map[topicPartition]int64 // offset expected next
	done map[tablePartition]int64 // highest offset already in the table
}

type topicPartition struct {
	topic     string
	partition int
}

type tablePartition struct {
	table     string
	partition int
}

// Run inserts batches until ctx ends. Fetching and decoding the next batch
// overlaps with inserting the current one: decoding is the sink's own CPU
// work and the insert is mostly the engine's, so the two share the cores.
func (s *Sink) Run(ctx context.Context) error {
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	ready := make(chan decodedBatch, 1)
	go func() {
		defer close(ready)
		s.fetchLoop(ctx, ready)
	}()
	for b := range ready {
		// A fetched batch is finished even during shutdown, so its offsets
		// are committed and a restart does not redo it.
		done, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		err := s.apply(done, b.msgs, b.rows)
		cancel()
		if err != nil {
			stop()
			for range ready { // let the fetcher see the cancel and exit
			}
			return err
		}
	}
	return nil
}

type decodedBatch struct {
	msgs []bus.Message
	rows []decodedRow
}

// fetchLoop fetches and decodes batches until ctx ends.
func (s *Sink) fetchLoop(ctx context.Context, ready chan<- decodedBatch) {
	for {
		msgs, err := s.In.FetchBatch(ctx, s.BatchMax, s.Wait)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			// kafka-go reconnects in the background; a fetch error is
			// usually a broker restart or a rebalance, so wait and retry.
			s.Log.Warn("fetch failed, retrying", "err", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
			continue
		}
		select {
		case ready <- decodedBatch{msgs, s.decodeAll(msgs)}:
		case <-ctx.Done():
			return // not committed: a later run reads it again
		}
	}
}

type pending struct {
	t      *table
	rows   [][]any
	ranges map[int][2]int64 // partition → first, last offset
}

// Process decodes and inserts one batch and commits it.
func (s *Sink) Process(ctx context.Context, msgs []bus.Message) error {
	return s.apply(ctx, msgs, s.decodeAll(msgs))
}

// apply inserts a decoded batch, skipping what the tables already hold,
// and commits it.
func (s *Sink) apply(ctx context.Context, msgs []bus.Message, decoded []decodedRow) error {
	if s.next == nil {
		s.next = map[topicPartition]int64{}
		s.done = map[tablePartition]int64{}
	}
	if err := s.syncMarks(ctx, msgs); err != nil {
		return err
	}
	batches := map[string]*pending{}
	var failed []bus.Failure
	for i, m := range msgs {
		d := decoded[i]
		if d.err != nil {
			class, reason := event.Classify(d.err, "decode")
			failed = append(failed, bus.Failure{Msg: m, Class: class, Reason: reason})
			continue
		}
		if m.Offset <= s.done[tablePartition{d.t.name, m.Partition}] {
			continue // already in the table: a replay
		}
		p := batches[d.t.name]
		if p == nil {
			p = &pending{t: d.t, ranges: map[int][2]int64{}}
			batches[d.t.name] = p
		}
		p.rows = append(p.rows, d.row)
		r, ok := p.ranges[m.Partition]
		if !ok {
			r[0] = m.Offset
		}
		r[1] = m.Offset
		p.ranges[m.Partition] = r
	}
	if err := s.DLQ.Send(ctx, failed...); err != nil {
		return fmt.Errorf("sink: %w", err)
	}
	for _, p := range batches {
		cols, rows := p.t.columns, p.rows
		if p.t == &mentionsTable {
			var err error
			if cols, rows, err = s.withRecollected(ctx, p.rows); err != nil {
				return err
			}
		}
		start := time.Now()
		if err := s.Store.Insert(ctx, p.t.name, cols, rows, token(p)); err != nil {
			return fmt.Errorf("sink: insert %d rows into %s: %w", len(p.rows), p.t.name, err)
		}
		s.Metrics.Inserted(p.t.name, len(p.rows), time.Since(start))
		s.Metrics.Out("sink", p.t.name, len(p.rows))
		for part, r := range p.ranges {
			s.done[tablePartition{p.t.name, part}] = r[1]
		}
	}
	for _, m := range msgs {
		s.next[topicPartition{m.Topic, m.Partition}] = m.Offset + 1
	}
	if err := s.In.Commit(ctx, msgs); err != nil {
		return fmt.Errorf("sink: commit: %w", err)
	}
	return nil
}

type decodedRow struct {
	t   *table
	row []any
	err error
}

// decodeAll turns messages into rows on every core; decoding is most of
// the sink's own CPU and messages are independent.
func (s *Sink) decodeAll(msgs []bus.Message) []decodedRow {
	out := make([]decodedRow, len(msgs))
	workers := min(runtime.GOMAXPROCS(0), (len(msgs)+255)/256)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(msgs); i += workers {
				d := &out[i]
				var env event.Envelope
				if d.t, env, d.err = s.route(msgs[i]); d.err == nil {
					d.row, d.err = s.row(d.t, env, msgs[i])
				}
			}
		})
	}
	wg.Wait()
	return out
}

// syncMarks reloads the stored offset marks of every partition whose
// offsets in msgs do not continue where this sink left them.
func (s *Sink) syncMarks(ctx context.Context, msgs []bus.Message) error {
	checked := map[topicPartition]bool{}
	for _, m := range msgs {
		tp := topicPartition{m.Topic, m.Partition}
		if checked[tp] {
			continue
		}
		checked[tp] = true
		if next, ok := s.next[tp]; ok && next == m.Offset {
			continue
		}
		for _, name := range s.Topics[m.Topic] {
			mark, err := s.storedMark(ctx, name, m.Partition)
			if err != nil {
				return err
			}
			s.done[tablePartition{name, m.Partition}] = mark
			if mark >= m.Offset {
				s.Log.Info("skipping events already in the table", "table", name, "topic", m.Topic,
					"partition", m.Partition, "from", m.Offset, "through", mark)
			}
		}
	}
	return nil
}

func (s *Sink) storedMark(ctx context.Context, table string, partition int) (int64, error) {
	q := fmt.Sprintf("SELECT max(kafka_offset), count() FROM %s WHERE kafka_partition = %d", table, partition)
	res, err := s.Store.Query(ctx, q)
	if err != nil {
		return 0, fmt.Errorf("sink: read offset mark of %s partition %d: %w", table, partition, err)
	}
	if len(res.Rows) != 1 || len(res.Rows[0]) != 2 {
		return 0, fmt.Errorf("sink: offset mark of %s: unexpected result %v", table, res.Rows)
	}
	if res.Rows[0][1] == "0" {
		return -1, nil
	}
	mark, err := strconv.ParseInt(res.Rows[0][0], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("sink: offset mark of %s: %w", table, err)
	}
	return mark, nil
}

// route decodes a message's envelope and finds its table.
func (s *Sink) route(m bus.Message) (*table, event.Envelope, error) {
	var env event.Envelope
	if err := json.Unmarshal(m.Value, &env); err != nil {
		return nil, env, &event.InvalidError{Class: "json", Reason: fmt.Sprintf("not JSON: %v", err)}
	}
	t, ok := tableFor(env.Schema)
	if !ok {
		return nil, env, &event.InvalidError{Class: "schema", Reason: fmt.Sprintf("unknown schema %q", env.Schema)}
	}
	if !slices.Contains(s.Topics[m.Topic], t.name) {
		return nil, env, &event.InvalidError{Class: "topic", Reason: fmt.Sprintf("%s does not belong on %s", env.Schema, m.Topic)}
	}
	return t, env, nil
}

func (s *Sink) row(t *table, env event.Envelope, m bus.Message) ([]any, error) {
	// Enriched mentions come from our own enricher, which validated the
	// mention; the raw topics may be written by anyone.
	if t != &mentionsTable {
		if _, err := s.Validator.Parse(m.Value); err != nil {
			return nil, err
		}
	}
	row, err := t.row(env)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", env.Schema, env.ID, err)
	}
	return append(row, uint16(m.Partition), uint64(m.Offset)), nil
}

// withRecollected adds the recollected column to a batch of mention rows:
// 1 for an item the table already holds (collected again, or enriched
// again) or that came earlier in the batch. The materialized views skip
// those rows, so they count each item once, as first seen; mentions
// itself keeps every version and FINAL picks the latest. A replayed batch
// never gets here (its offsets are skipped), so the flags of a batch are
// the same on every attempt that inserts it.
func (s *Sink) withRecollected(ctx context.Context, rows [][]any) ([]string, [][]any, error) {
	type key struct {
		hour int64
		id   string
	}
	keys := make([]key, len(rows))
	for i, r := range rows {
		id, _ := r[mentionIDCol].(string)
		at, _ := r[mentionCreatedCol].(time.Time)
		keys[i] = key{at.UTC().Truncate(time.Hour).Unix(), id}
	}
	held := map[key]bool{}
	// Chunks keep each query under the engine's 256 KiB query size limit.
	for start := 0; start < len(keys); {
		hours := map[int64]bool{}
		var ids strings.Builder
		end := start
		for ; end < len(keys) && ids.Len() < 192<<10; end++ {
			hours[keys[end].hour] = true
			if ids.Len() > 0 {
				ids.WriteString(", ")
			}
			ids.WriteString(store.Quote(keys[end].id))
		}
		hourList := make([]string, 0, len(hours))
		for h := range hours {
			hourList = append(hourList, fmt.Sprintf("toDateTime(%d, 'UTC')", h))
		}
		q := fmt.Sprintf("SELECT DISTINCT toUnixTimestamp(toStartOfHour(created_at)), id FROM mentions WHERE toStartOfHour(created_at) IN (%s) AND id IN (%s)",
			strings.Join(hourList, ", "), ids.String())
		res, err := s.Store.Query(ctx, q)
		if err != nil {
			return nil, nil, fmt.Errorf("sink: look up mentions already held: %w", err)
		}
		for _, r := range res.Rows {
			h, err := strconv.ParseInt(r[0], 10, 64)
			if err != nil {
				return nil, nil, fmt.Errorf("sink: look up mentions already held: hour %q: %w", r[0], err)
			}
			held[key{h, r[1]}] = true
		}
		start = end
	}
	out := make([][]any, len(rows))
	for i, r := range rows {
		flag := uint8(0)
		if held[keys[i]] {
			flag = 1
		}
		held[keys[i]] = true
		out[i] = append(r, flag)
	}
	return append(slices.Clip(mentionsTable.columns), "recollected"), out, nil
}

// token names a batch by its offset ranges, so the engine drops an exact
// replay of it even if two sinks raced on one partition.
func token(p *pending) string {
	parts := make([]int, 0, len(p.ranges))
	for part := range p.ranges {
		parts = append(parts, part)
	}
	slices.Sort(parts)
	var b strings.Builder
	b.WriteString(p.t.name)
	for _, part := range parts {
		r := p.ranges[part]
		fmt.Fprintf(&b, "/%d:%d-%d", part, r[0], r[1])
	}
	return b.String()
}
