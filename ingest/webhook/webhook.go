// Package webhook is a collector that other systems push to: an HTTP
// receiver taking earshot event envelopes, or bare payloads of one event
// kind, signed per sender with HMAC-SHA256 (see Sign). A batch is
// validated against the event schemas before anything is published, and
// answered 200 only once Kafka acknowledged it, so a sender that got 200
// may forget the batch, and one that got anything else may resend it.
package webhook

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/internal/telemetry"
	"github.com/earshot-dev/earshot/schema"
)

// shutdownGrace is how long in-flight requests get to finish (and their
// batches to be acknowledged) once the receiver is asked to stop.
const shutdownGrace = 15 * time.Second

// Source is the webhook receiver.
type Source struct {
	cfg       Config
	senders   map[string]sender
	validator *event.Validator
	metrics   *telemetry.Metrics
	log       *slog.Logger
	now       func() time.Time

	// listening, when set, receives the bound address once Run serves
	// (tests listen on port 0).
	listening chan<- net.Addr
}

type sender struct{ secret string }

// New builds a receiver from a valid, enabled configuration.
func New(c Config, deps ingest.Deps) (ingest.Source, error) {
	return newSource(c, deps)
}

func newSource(c Config, deps ingest.Deps) (*Source, error) {
	if !c.Enabled() {
		return nil, errors.New("webhook: listen is empty, so the receiver is off: set listen (e.g. :8088) to run it")
	}
	if ps := c.Validate(); len(ps) > 0 {
		return nil, fmt.Errorf("webhook %s: %s = %v: %s", c.Name, ps[0].Key, ps[0].Value, ps[0].Fix)
	}
	v, err := event.NewValidator(schema.Events)
	if err != nil {
		return nil, fmt.Errorf("webhook %s: %w", c.Name, err)
	}
	s := &Source{
		cfg: c.withDefaults(), senders: map[string]sender{}, validator: v,
		metrics: deps.Metrics, log: deps.Log, now: deps.Now,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	for _, snd := range c.Senders {
		s.senders[snd.Name] = sender{secret: snd.secret()}
	}
	return s, nil
}

// Name implements ingest.Source.
func (s *Source) Name() string { return s.cfg.Name }

// Run implements ingest.Source: it serves until ctx ends, then stops
// taking requests and lets those in flight finish.
func (s *Source) Run(ctx context.Context, pub ingest.Publisher) error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("webhook %s: listen on %s: %w", s.Name(), s.cfg.Listen, err)
	}
	srv := &http.Server{
		Handler:           s.Handler(pub),
		ReadHeaderTimeout: 10 * time.Second,
		// A 10 MiB body over a slow link still arrives; a stalled one
		// does not hold a connection forever. No write timeout: the
		// answer waits for Kafka's acknowledgement.
		ReadTimeout: 2 * time.Minute,
		IdleTimeout: 2 * time.Minute,
		ErrorLog:    slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	s.log.Info("webhook receiver listening", "source", s.Name(), "addr", ln.Addr().String(), "senders", len(s.senders))
	if s.listening != nil {
		s.listening <- ln.Addr()
	}
	select {
	case err := <-served:
		return fmt.Errorf("webhook %s: serve: %w", s.Name(), err)
	case <-ctx.Done():
	}
	// In-flight requests keep their own contexts, so their batches are
	// still published and answered while the receiver drains.
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		s.log.Warn("webhook: requests still running at shutdown were cut", "source", s.Name(), "err", err)
		srv.Close()
	}
	<-served
	return nil
}
