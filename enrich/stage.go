package enrich

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/earshot-dev/earshot/bus"
	"github.com/earshot-dev/earshot/event"
)

type batchReader interface {
	FetchBatch(ctx context.Context, max int, wait time.Duration) ([]bus.Message, error)
	Commit(ctx context.Context, msgs []bus.Message) error
}

type messageWriter interface {
	Write(ctx context.Context, msgs ...bus.Message) error
}

type deadLetterer interface {
	Send(ctx context.Context, failures ...bus.Failure) error
}

// Stage reads raw mentions, validates them a second time (a collector
// outside this process may have published them), enriches them and writes
// them to the enriched topic. Input offsets are committed only after the
// output batch is acknowledged, so a crash replays rather than loses.
type Stage struct {
	In        batchReader
	Out       messageWriter
	DLQ       deadLetterer
	Validator *event.Validator
	Enricher  *Enricher
	OutTopic  string
	BatchMax  int
	Wait      time.Duration
	Log       *slog.Logger
	// Excluded counts mentions dropped by a configured exclusion; may be nil.
	Excluded interface{ Inc() }
}

// Run processes batches until ctx ends.
func (s *Stage) Run(ctx context.Context) error {
	for {
		msgs, err := s.In.FetchBatch(ctx, s.BatchMax, s.Wait)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			// kafka-go reconnects in the background; a fetch error is
			// usually a broker restart or a rebalance, so wait and retry.
			s.Log.Warn("fetch failed, retrying", "err", err)
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(time.Second):
			}
			continue
		}
		// A fetched batch is finished even during shutdown, so its offsets
		// are committed and a restart does not redo it.
		done, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		err = s.process(done, msgs)
		cancel()
		if err != nil {
			return err
		}
	}
}

func (s *Stage) process(ctx context.Context, msgs []bus.Message) error {
	values, errs := s.enrichAll(msgs)
	out := make([]bus.Message, 0, len(msgs))
	var failed []bus.Failure
	for i, m := range msgs {
		if err := errs[i]; err != nil {
			if IsExcluded(err) {
				if s.Excluded != nil {
					s.Excluded.Inc()
				}
				continue
			}
			class, reason := event.Classify(err, "enrich")
			var se *StepError
			if errors.As(err, &se) {
				class = "step:" + se.Step
			}
			failed = append(failed, bus.Failure{Msg: m, Class: class, Reason: reason})
			continue
		}
		out = append(out, bus.Message{Topic: s.OutTopic, Key: m.Key, Value: values[i]})
	}
	if err := s.DLQ.Send(ctx, failed...); err != nil {
		return fmt.Errorf("enrich: %w", err)
	}
	if err := s.Out.Write(ctx, out...); err != nil {
		return fmt.Errorf("enrich: write %d enriched mentions: %w", len(out), err)
	}
	if err := s.In.Commit(ctx, msgs); err != nil {
		return fmt.Errorf("enrich: commit: %w", err)
	}
	return nil
}

// parallelFor runs f(i) for i in [0, n) on every core: enrichment is
// CPU-bound and a batch's messages are independent.
func parallelFor(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), (n+63)/64)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				f(i)
			}
		})
	}
	wg.Wait()
}

// enrichAll enriches a batch: the parallel steps on every core, then the
// serial steps in input order, then encoding on every core again.
func (s *Stage) enrichAll(msgs []bus.Message) ([][]byte, []error) {
	values := make([][]byte, len(msgs))
	errs := make([]error, len(msgs))
	docs := make([]*Doc, len(msgs))
	parallel, serial := s.Enricher.split()
	parallelFor(len(msgs), func(i int) {
		docs[i], errs[i] = s.decode(msgs[i])
		if errs[i] == nil {
			errs[i] = run(parallel, docs[i])
		}
	})
	if len(serial) > 0 {
		for i, d := range docs {
			if errs[i] == nil {
				errs[i] = run(serial, d)
			}
		}
	}
	parallelFor(len(msgs), func(i int) {
		if errs[i] != nil {
			return
		}
		d := docs[i]
		env, err := event.Wrap(event.SchemaEnrichedMention, d.ID, d.Source, d.collectedAt, s.Enricher.finish(d))
		if err == nil {
			values[i], err = env.Encode()
		}
		errs[i] = err
	})
	return values, errs
}

func (s *Stage) decode(m bus.Message) (*Doc, error) {
	env, err := s.Validator.Parse(m.Value)
	if err != nil {
		return nil, err
	}
	if env.Schema != event.SchemaMention {
		return nil, &event.InvalidError{Class: "schema", Reason: fmt.Sprintf("%s on the mentions topic; only %s belongs here", env.Schema, event.SchemaMention)}
	}
	var mention event.Mention
	if err := env.Decode(&mention); err != nil {
		return nil, &event.InvalidError{Class: "json", Reason: err.Error()}
	}
	d := NewDoc(env.ID, env.Source, mention)
	d.collectedAt = env.CollectedAt
	return d, nil
}
