package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/earshot-dev/earshot/enrich"
	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/internal/pipeline"
	"github.com/earshot-dev/earshot/schema"
)

// withOffline adds --offline to the enrich command: the same steps over a
// JSONL file, without a broker.
func (a *app) withOffline(cmd *cobra.Command) *cobra.Command {
	var offline bool
	online := cmd.RunE
	cmd.Use = "enrich [--offline < in.jsonl > out.jsonl]"
	cmd.Example = `  earshot enrich --config earshot.yaml                          # the stage, between Kafka topics
  earshot enrich --offline --config earshot.yaml < in.jsonl > out.jsonl  # a file, no broker`
	cmd.Flags().BoolVar(&offline, "offline", false, `enrich mention envelopes (or bare mention objects), one JSON a line, from standard input
to enriched envelopes on standard output; bad lines go to standard error as JSON`)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if !offline {
			return online(cmd, args)
		}
		cfg, err := a.load()
		if err != nil {
			return err
		}
		en, err := pipeline.NewEnricher(cfg)
		if err != nil {
			return err
		}
		v, err := event.NewValidator(schema.Events)
		if err != nil {
			return err
		}
		o := offlineRun{en: en, v: v, now: time.Now}
		return o.run(cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr())
	}
	return cmd
}

// offlineRun enriches a stream of JSON lines. Mentions go through the
// enricher one at a time in input order, so the stateful steps (duplicate
// detection) see what the stage would see.
type offlineRun struct {
	en  *enrich.Enricher
	v   *event.Validator
	now func() time.Time
}

// maxLine bounds one input line; a longer line is reported, not read into
// memory whole.
const maxLine = 8 << 20

// badLine is what a failed line prints on standard error.
type badLine struct {
	Line   int    `json:"line"`
	Class  string `json:"class"` // json, schema, step:<name> …, as dead letters name them
	Reason string `json:"reason"`
}

func (o *offlineRun) run(in io.Reader, out, errOut io.Writer) error {
	start := time.Now()
	r := bufio.NewReaderSize(in, 1<<20)
	w := bufio.NewWriterSize(out, 1<<20)
	errEnc := json.NewEncoder(errOut)
	var enriched, excluded, failed int
	fail := func(n int, class, reason string) error {
		failed++
		if err := errEnc.Encode(badLine{Line: n, Class: class, Reason: reason}); err != nil {
			return fmt.Errorf("write to standard error: %w", err)
		}
		return nil
	}
	for n := 1; ; n++ {
		line, tooLong, err := readLine(r)
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("read line %d: %w", n, err)
		}
		if tooLong {
			if err := fail(n, "json", fmt.Sprintf("line longer than %d MB", maxLine>>20)); err != nil {
				return err
			}
			continue
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		b, err := o.enrichLine(line)
		switch {
		case enrich.IsExcluded(err):
			excluded++
		case err != nil:
			class, reason := event.Classify(err, "enrich")
			var se *enrich.StepError
			if errors.As(err, &se) {
				class = "step:" + se.Step
			}
			if err := fail(n, class, reason); err != nil {
				return err
			}
		default:
			enriched++
			w.Write(b)
			if err := w.WriteByte('\n'); err != nil {
				return fmt.Errorf("write standard output: %w", err)
			}
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write standard output: %w", err)
	}
	took := time.Since(start)
	fmt.Fprintf(errOut, "earshot enrich --offline: %d enriched, %d excluded, %d failed in %s (%.0f lines/s)\n",
		enriched, excluded, failed, took.Round(time.Millisecond), float64(enriched+excluded+failed)/max(took.Seconds(), 1e-9))
	if failed > 0 {
		return fmt.Errorf("%d of %d lines failed; each is on standard error with its line number and reason", failed, enriched+excluded+failed)
	}
	return nil
}

// readLine returns the next line without its newline; tooLong is set (and
// the line skipped) when it exceeds maxLine.
func readLine(r *bufio.Reader) (line []byte, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if len(buf)+len(chunk) > maxLine {
			tooLong = true
		} else if !tooLong {
			buf = append(buf, chunk...)
		}
		switch err {
		case nil:
			return bytes.TrimSuffix(buf, []byte("\n")), tooLong, nil
		case bufio.ErrBufferFull:
			continue
		case io.EOF:
			if len(buf) == 0 && !tooLong {
				return nil, false, io.EOF
			}
			return buf, tooLong, nil
		default:
			return nil, false, err
		}
	}
}

// enrichLine turns one input line into an enriched envelope.
func (o *offlineRun) enrichLine(line []byte) ([]byte, error) {
	env, err := o.envelope(line)
	if err != nil {
		return nil, err
	}
	var m event.Mention
	if err := env.Decode(&m); err != nil {
		return nil, &event.InvalidError{Class: "json", Reason: err.Error()}
	}
	out, err := o.en.Enrich(env.ID, env.Source, m)
	if err != nil {
		return nil, err
	}
	enc, err := event.Wrap(event.SchemaEnrichedMention, env.ID, env.Source, env.CollectedAt, out)
	if err != nil {
		return nil, err
	}
	return enc.Encode()
}

// envelope reads a mention envelope, or wraps a bare mention object in one
// (id network:native_id, collected now) and validates it the same way.
func (o *offlineRun) envelope(line []byte) (event.Envelope, error) {
	var probe struct {
		Schema *string `json:"schema"`
	}
	if err := json.Unmarshal(line, &probe); err != nil {
		return event.Envelope{}, &event.InvalidError{Class: "json", Reason: err.Error()}
	}
	if probe.Schema != nil {
		env, err := o.v.Parse(line)
		if err != nil {
			return env, err
		}
		if env.Schema != event.SchemaMention {
			return env, &event.InvalidError{Class: "schema", Reason: fmt.Sprintf("%s: only %s envelopes (or bare mention objects) can be enriched", env.Schema, event.SchemaMention)}
		}
		return env, nil
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields() // a typo in a hand-written file is an error, not a lost field
	var m event.Mention
	if err := dec.Decode(&m); err != nil {
		return event.Envelope{}, &event.InvalidError{Class: "json", Reason: "not a mention envelope nor a mention: " + err.Error()}
	}
	if strings.TrimSpace(m.Network) == "" || strings.TrimSpace(m.NativeID) == "" {
		return event.Envelope{}, &event.InvalidError{Class: "schema", Reason: "a bare mention needs network and native_id (its id is network:native_id)"}
	}
	env, err := event.Wrap(event.SchemaMention, event.ID(m.Network, m.NativeID), m.Network, o.now(), m)
	if err != nil {
		return env, err
	}
	if err := o.v.Check(&env); err != nil {
		return env, err
	}
	return env, nil
}
