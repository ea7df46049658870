package webhook

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sync"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
)

// maxListed bounds the per-event errors in one response: a batch of
// 100k bad events needs the first ones and a count, not a 10 MB answer.
const maxListed = 100

// EventError names one bad event of a refused batch.
type EventError struct {
	Index  int    `json:"index"`          // position in the batch, 0-based
	Line   int    `json:"line,omitempty"` // NDJSON line, 1-based
	ID     string `json:"id,omitempty"`
	Reason string `json:"reason"`
}

// ErrorResponse is the body of every 4xx and 5xx answer.
type ErrorResponse struct {
	Error   string       `json:"error"`
	Invalid int          `json:"invalid,omitempty"` // how many events were bad
	Events  []EventError `json:"events,omitempty"`  // the first maxListed of them
}

// AcceptedResponse is the body of a 200 answer.
type AcceptedResponse struct {
	Accepted int `json:"accepted"`
}

// Handler serves the receiver's routes, publishing to pub:
//
//	POST /v1/events/{source}   a signed batch of events
//	GET  /healthz              200 while serving
func (s *Source) Handler(pub ingest.Publisher) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/events/{source}", func(w http.ResponseWriter, r *http.Request) {
		s.receive(w, r, pub)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok\n")
	})
	return mux
}

func (s *Source) receive(w http.ResponseWriter, r *http.Request, pub ingest.Publisher) {
	ctx := r.Context()
	name := r.PathValue("source")
	snd, ok := s.senders[name]
	if !ok {
		s.refuse(w, s.Name(), http.StatusNotFound, fmt.Sprintf("unknown source %q: add it under the receiver's sources with its secret", name), nil)
		return
	}
	if r.ContentLength > int64(s.cfg.MaxBody) {
		s.refuse(w, name, http.StatusRequestEntityTooLarge, fmt.Sprintf("body of %d bytes is over the %s limit: split the batch", r.ContentLength, s.cfg.MaxBody), nil)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, int64(s.cfg.MaxBody)))
	if err != nil {
		if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
			s.refuse(w, name, http.StatusRequestEntityTooLarge, fmt.Sprintf("body is over the %s limit: split the batch", s.cfg.MaxBody), nil)
			return
		}
		s.refuse(w, name, http.StatusBadRequest, "reading the body: "+err.Error(), nil)
		return
	}
	now := s.now()
	if err := verify(snd.secret, r.Header.Get(HeaderTimestamp), r.Header.Get(HeaderSignature), body, now, s.cfg.Tolerance); err != nil {
		s.refuse(w, name, http.StatusUnauthorized, err.Error(), nil)
		return
	}
	b := builder{v: s.validator, sender: name, now: now}
	if q := r.URL.Query().Get("schema"); q != "" {
		if b.schema, ok = bareSchema(q); !ok {
			s.refuse(w, name, http.StatusBadRequest, fmt.Sprintf("unknown schema %q: use mention, post_metrics, audience, conversion or ad_spend, or send envelopes without ?schema=", q), nil)
			return
		}
	}
	items, err := splitBody(body, isNDJSON(r.Header.Get("Content-Type")))
	if err != nil {
		s.refuse(w, name, http.StatusBadRequest, err.Error(), nil)
		return
	}
	envs, bad := b.buildAll(items)
	if len(bad) > 0 {
		// A batch is taken whole or not at all: the sender fixes the named
		// events and resends the batch, and no half of it is left behind
		// to be published twice.
		s.refuse(w, name, http.StatusUnprocessableEntity,
			fmt.Sprintf("%d of %d events are invalid; none was accepted: fix them and resend the batch", len(bad), len(items)), bad)
		return
	}
	if err := pub.Publish(ctx, envs...); err != nil {
		s.log.Error("webhook: publish failed", "source", name, "events", len(envs), "err", err)
		s.metrics.SourceError(name)
		w.Header().Set("Retry-After", "5")
		writeJSON(w, http.StatusServiceUnavailable, ErrorResponse{Error: "events could not be stored right now; nothing was accepted: retry the same batch"})
		return
	}
	s.metrics.SourceOK(name, now)
	s.log.Debug("webhook: accepted", "source", name, "events", len(envs))
	writeJSON(w, http.StatusOK, AcceptedResponse{Accepted: len(envs)})
}

// refuse answers a request that is not accepted and records it against
// label: the sender's name once it is known, else the receiver's, so
// strangers cannot mint metric labels.
func (s *Source) refuse(w http.ResponseWriter, label string, status int, msg string, bad []EventError) {
	s.metrics.SourceError(label)
	s.log.Warn("webhook: request refused", "source", label, "status", status, "reason", msg)
	resp := ErrorResponse{Error: msg, Invalid: len(bad), Events: bad}
	if len(bad) > maxListed {
		resp.Events = bad[:maxListed]
	}
	writeJSON(w, status, resp)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// An error here means the client went away; there is no one to tell.
	_ = json.NewEncoder(w).Encode(v)
}

// buildAll builds every item, spreading large batches over the CPUs:
// schema validation is most of a request's cost.
func (b builder) buildAll(items []item) ([]event.Envelope, []EventError) {
	envs := make([]event.Envelope, len(items))
	errs := make([]*EventError, len(items))
	do := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			env, id, reason := b.build(items[i].raw)
			if reason != "" {
				errs[i] = &EventError{Index: i, Line: items[i].line, ID: id, Reason: reason}
				continue
			}
			envs[i] = env
		}
	}
	workers := min(runtime.GOMAXPROCS(0), (len(items)+63)/64)
	if workers <= 1 {
		do(0, len(items))
	} else {
		var wg sync.WaitGroup
		chunk := (len(items) + workers - 1) / workers
		for lo := 0; lo < len(items); lo += chunk {
			wg.Go(func() { do(lo, min(lo+chunk, len(items))) })
		}
		wg.Wait()
	}
	var bad []EventError
	for _, e := range errs {
		if e != nil {
			bad = append(bad, *e)
		}
	}
	return envs, bad
}
