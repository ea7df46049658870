package mastodon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-json"

	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/ingest/fetch"
)

type streamKind int

const (
	streamUp     streamKind = iota // connected: fill the gap by REST
	streamDown                     // disconnected: polling takes over
	streamUpdate                   // a status arrived
)

// streamMsg goes from a stream's goroutine to Run's loop, which alone
// publishes and moves cursors, so neither needs a lock.
type streamMsg struct {
	tag  string
	kind streamKind
	data []byte
	url  string
}

// streamingBase is where the streaming API is: the configured URL, else
// what the instance announces (large instances run it on a host of their
// own), else the instance itself.
func (s *Source) streamingBase(ctx context.Context, pub ingest.Publisher) string {
	if s.cfg.StreamingURL != "" {
		return s.cfg.StreamingURL
	}
	var info instanceInfo
	if _, err := s.getJSON(ctx, pub, s.endpoint("/api/v2/instance", nil), &info); err != nil {
		s.log.Warn("cannot ask where the streaming API is; trying the instance itself", "err", err)
		return s.cfg.Instance
	}
	u, err := url.Parse(info.Configuration.URLs.Streaming)
	if err != nil || u.Host == "" {
		return s.cfg.Instance
	}
	switch u.Scheme {
	case "wss", "https":
		u.Scheme = "https"
	case "ws", "http":
		u.Scheme = "http"
	default:
		return s.cfg.Instance
	}
	return strings.TrimRight(u.String(), "/")
}

// followTag keeps a hashtag's stream open until ctx ends, reconnecting
// with jittered exponential backoff.
func (s *Source) followTag(ctx context.Context, base, tag string, out chan<- streamMsg) {
	u := base + "/api/v1/streaming/hashtag?" + url.Values{"tag": {tag}}.Encode()
	wait := s.reconnectBase
	for ctx.Err() == nil {
		n, err := s.streamOnce(ctx, u, tag, out)
		if ctx.Err() != nil {
			return
		}
		if !send(ctx, out, streamMsg{tag: tag, kind: streamDown}) {
			return
		}
		if n > 0 {
			// The connection worked: a drop after it is news, not a
			// reason to wait long.
			wait = s.reconnectBase
		}
		d := wait/2 + time.Duration(rand.Int64N(int64(wait/2)+1))
		s.log.Warn("stream ended; reconnecting", "tag", tag, "statuses", n, "err", err, "in", d)
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		wait = min(wait*2, s.reconnectMax)
	}
}

var errIdle = errors.New("stream silent for too long")

// streamOnce reads one connection until it ends, and returns how many
// statuses it delivered.
func (s *Source) streamOnce(ctx context.Context, u, tag string, out chan<- streamMsg) (int, error) {
	cctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	req, err := http.NewRequestWithContext(cctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, fmt.Errorf("stream request: %w", err)
	}
	req.Header = s.header()
	req.Header.Set("Accept", "text/event-stream")
	ua := s.deps.Fetch.UserAgent
	if ua == "" {
		ua = fetch.DefaultUserAgent
	}
	req.Header.Set("User-Agent", ua)
	resp, err := s.stream.Do(req)
	if err != nil {
		s.deps.Metrics.SourceRequest(s.cfg.Name, "error")
		s.deps.Metrics.SourceError(s.cfg.Name)
		return 0, fmt.Errorf("connect %s: %w", u, err)
	}
	defer resp.Body.Close()
	s.deps.Metrics.SourceRequest(s.cfg.Name, strconv.Itoa(resp.StatusCode))
	if resp.StatusCode != http.StatusOK {
		s.deps.Metrics.SourceError(s.cfg.Name)
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		return 0, &fetch.StatusError{URL: u, Code: resp.StatusCode, Body: strings.TrimSpace(string(snippet))}
	}
	if !send(ctx, out, streamMsg{tag: tag, kind: streamUp}) {
		return 0, nil
	}
	idle := time.AfterFunc(s.idleTimeout, func() { cancel(errIdle) })
	defer idle.Stop()
	rd := newSSEReader(resp.Body, func() { idle.Reset(s.idleTimeout) })
	n := 0
	for {
		ev, err := rd.Next()
		if err != nil {
			if cause := context.Cause(cctx); cause != nil && ctx.Err() == nil {
				err = cause
			}
			return n, err
		}
		// delete and status.update are left alone: a mention once
		// collected stays, as it does when polling.
		if ev.Name != "update" {
			continue
		}
		n++
		if !send(ctx, out, streamMsg{tag: tag, kind: streamUpdate, data: ev.Data, url: u}) {
			return n, nil
		}
	}
}

func send(ctx context.Context, out chan<- streamMsg, m streamMsg) bool {
	select {
	case out <- m:
		return true
	case <-ctx.Done():
		return false
	}
}

// onStream handles a stream message in Run's loop. A hashtag is covered
// by its stream once the stream is up and the gap since the cursor is
// filled; only then do streamed statuses move the cursor, so a failed
// fill or publish leaves the cursor where polling can pick up from.
func (r *run) onStream(ctx context.Context, m streamMsg) {
	key := r.key("tag", m.tag)
	switch m.kind {
	case streamUp:
		r.up[m.tag] = true
		r.fill(ctx, m.tag)
	case streamDown:
		r.up[m.tag] = false
		r.covered[m.tag] = false
	case streamUpdate:
		if !json.Valid(m.data) {
			r.deps.Metrics.SourceError(r.cfg.Name)
			r.reject(ctx, r.pub, m.url, m.data, "malformed", "stream update is not JSON")
			return
		}
		sts, _ := r.statuses(ctx, r.pub, m.url, []json.RawMessage{m.data})
		if err := r.publish(ctx, sts); err != nil {
			if ctx.Err() == nil {
				r.deps.Metrics.SourceError(r.cfg.Name)
				r.log.Warn("publishing a streamed status failed; polling will fetch it", "tag", m.tag, "err", err)
				r.covered[m.tag] = false
			}
			return
		}
		if r.covered[m.tag] && len(sts) > 0 {
			if err := r.advance(ctx, key, sts[0].ID); err != nil && ctx.Err() == nil {
				r.log.Warn("saving checkpoint failed", "tag", m.tag, "err", err)
				r.covered[m.tag] = false
			}
		}
	}
}

// fill polls a hashtag whose stream is up; success hands it to the stream.
func (r *run) fill(ctx context.Context, tag string) {
	if err := r.pollTag(ctx, tag); err != nil {
		if ctx.Err() == nil {
			r.deps.Metrics.SourceError(r.cfg.Name)
			r.log.Warn("filling the gap before the stream failed; polling until it works", "tag", tag, "err", err)
		}
		return
	}
	r.covered[tag] = true
}
