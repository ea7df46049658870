// Package fetch is the HTTP client every polling collector uses. It
// carries what platforms expect of a well-behaved client: a descriptive
// User-Agent, a request budget, and backing off on 429 and 5xx answers as
// Retry-After and X-RateLimit-* headers say, with jittered exponential
// backoff when they say nothing.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/goccy/go-json"
	"golang.org/x/time/rate"

	"github.com/earshot-dev/earshot/internal/telemetry"
)

// DefaultUserAgent names earshot and where to learn about it, as API
// terms (Reddit's, Mastodon instances') ask.
const DefaultUserAgent = "earshot/0.1 (social listening; +https://github.com/earshot-dev/earshot)"

// Options configure a Client.
type Options struct {
	UserAgent         string        // default DefaultUserAgent
	RequestsPerMinute float64       // request budget; 0 = unlimited
	Timeout           time.Duration // per request; default 30 s
	MaxRetries        int           // on 429, 5xx and transport errors; default 4
	BaseBackoff       time.Duration // first backoff without a server hint; default 1 s
	MaxBackoff        time.Duration // cap on any single wait; default 5 min
	MaxBody           int64         // largest body read; default 32 MiB
	Transport         http.RoundTripper
	Metrics           *telemetry.Metrics
	Log               *slog.Logger
}

// Client sends requests for one source. It is safe for concurrent use;
// concurrent requests share the budget and any pause the server asked for.
type Client struct {
	source  string
	opts    Options
	http    *http.Client
	limiter *rate.Limiter
	now     func() time.Time

	mu sync.Mutex
	// The server said no requests until then (X-RateLimit-Remaining: 0).
	pausedUntil time.Time
}

// New returns a client for the named source.
func New(source string, o Options) *Client {
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.MaxRetries <= 0 {
		o.MaxRetries = 4
	}
	if o.BaseBackoff <= 0 {
		o.BaseBackoff = time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 5 * time.Minute
	}
	if o.MaxBody <= 0 {
		o.MaxBody = 32 << 20
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	c := &Client{source: source, opts: o, now: time.Now,
		http: &http.Client{Timeout: o.Timeout, Transport: o.Transport}}
	if o.RequestsPerMinute > 0 {
		c.limiter = rate.NewLimiter(rate.Limit(o.RequestsPerMinute/60), 1)
	}
	return c
}

// StatusError is a non-2xx answer that retrying did not fix.
type StatusError struct {
	Method string
	URL    string
	Code   int
	Body   string // the first KiB, for the log and the dead letter
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: HTTP %d: %s", e.Method, e.URL, e.Code, e.Body)
}

// MalformedError is a 2xx answer whose body is not what the API documents.
type MalformedError struct {
	URL  string
	Body []byte
	Err  error
}

func (e *MalformedError) Error() string { return fmt.Sprintf("%s: malformed body: %v", e.URL, e.Err) }
func (e *MalformedError) Unwrap() error { return e.Err }

// Do sends req (its context bounds everything, waits included), retrying
// on 429, 5xx and transport errors. A request with a body must have
// GetBody set (http.NewRequest does for in-memory bodies). The caller
// closes the returned body; for a non-2xx answer Do returns *StatusError.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	req.Header.Set("User-Agent", c.opts.UserAgent)
	for attempt := 0; ; attempt++ {
		if err := c.wait(ctx); err != nil {
			return nil, err
		}
		if attempt > 0 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, fmt.Errorf("%s %s: rewind body: %w", req.Method, req.URL, err)
			}
			req.Body = body
		}
		resp, err := c.http.Do(req)
		if err != nil {
			c.opts.Metrics.SourceRequest(c.source, "error")
			if ctx.Err() != nil || attempt >= c.opts.MaxRetries {
				return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL, err)
			}
			if err := c.sleep(ctx, c.backoff(attempt), "transport error", err); err != nil {
				return nil, err
			}
			continue
		}
		c.opts.Metrics.SourceRequest(c.source, strconv.Itoa(resp.StatusCode))
		c.notePause(resp.Header)
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			return resp, nil
		}
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		resp.Body.Close()
		retry := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500
		if !retry || attempt >= c.opts.MaxRetries {
			return nil, &StatusError{Method: req.Method, URL: req.URL.String(), Code: resp.StatusCode, Body: strings.TrimSpace(string(snippet))}
		}
		d, hinted := c.hint(resp.Header)
		if !hinted {
			d = c.backoff(attempt)
		}
		if err := c.sleep(ctx, d, "HTTP "+strconv.Itoa(resp.StatusCode), nil); err != nil {
			return nil, err
		}
	}
}

// GetJSON fetches url and decodes a 2xx JSON body into v. A body that
// does not decode comes back as *MalformedError with the raw bytes.
func (c *Client) GetJSON(ctx context.Context, url string, header http.Header, v any) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := c.ReadBody(resp)
	if err != nil {
		return resp, err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return resp, &MalformedError{URL: url, Body: body, Err: err}
	}
	return resp, nil
}

// ReadBody reads a response body up to the client's size limit.
func (c *Client) ReadBody(resp *http.Response) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.opts.MaxBody+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", resp.Request.URL, err)
	}
	if int64(len(body)) > c.opts.MaxBody {
		return nil, &MalformedError{URL: resp.Request.URL.String(), Body: body[:1024], Err: fmt.Errorf("body larger than %d bytes", c.opts.MaxBody)}
	}
	return body, nil
}

// wait spends the request budget and honours a pause the server asked for.
func (c *Client) wait(ctx context.Context) error {
	c.mu.Lock()
	until := c.pausedUntil
	c.mu.Unlock()
	if d := until.Sub(c.now()); d > 0 {
		if err := c.sleep(ctx, min(d, c.opts.MaxBackoff), "rate limit exhausted", nil); err != nil {
			return err
		}
	}
	if c.limiter != nil {
		if err := c.limiter.Wait(ctx); err != nil {
			return fmt.Errorf("%s request budget: %w", c.source, err)
		}
	}
	return nil
}

// notePause remembers X-RateLimit-Remaining: 0 so the next request waits
// for the reset instead of drawing a 429.
func (c *Client) notePause(h http.Header) {
	if rem := firstHeader(h, "X-RateLimit-Remaining", "RateLimit-Remaining"); rem != "" {
		if n, err := strconv.ParseFloat(rem, 64); err == nil && n < 1 {
			if d, ok := c.resetIn(h); ok {
				c.mu.Lock()
				c.pausedUntil = c.now().Add(d)
				c.mu.Unlock()
			}
		}
	}
}

// hint reads how long the server wants us to wait: Retry-After (seconds
// or an HTTP date), else X-RateLimit-Reset.
func (c *Client) hint(h http.Header) (time.Duration, bool) {
	if ra := h.Get("Retry-After"); ra != "" {
		if s, err := strconv.Atoi(strings.TrimSpace(ra)); err == nil && s >= 0 {
			return c.capped(time.Duration(s) * time.Second), true
		}
		if t, err := http.ParseTime(ra); err == nil {
			return c.capped(t.Sub(c.now())), true
		}
	}
	if d, ok := c.resetIn(h); ok {
		return c.capped(d), true
	}
	return 0, false
}

// resetIn reads X-RateLimit-Reset, which platforms send either as Unix
// seconds (GitHub, Mastodon sends an ISO time) or as seconds to go
// (Reddit): values above a day's worth of seconds are taken as epochs.
func (c *Client) resetIn(h http.Header) (time.Duration, bool) {
	v := firstHeader(h, "X-RateLimit-Reset", "RateLimit-Reset")
	if v == "" {
		return 0, false
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return max(t.Sub(c.now()), 0), true
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 {
		return 0, false
	}
	if f > 86400 {
		return max(time.Unix(int64(f), 0).Sub(c.now()), 0), true
	}
	return time.Duration(f * float64(time.Second)), true
}

func firstHeader(h http.Header, names ...string) string {
	for _, n := range names {
		if v := h.Get(n); v != "" {
			return v
		}
	}
	return ""
}

func (c *Client) capped(d time.Duration) time.Duration { return max(0, min(d, c.opts.MaxBackoff)) }

// backoff is "full jitter" exponential backoff: uniform in [0, base·2^n].
func (c *Client) backoff(attempt int) time.Duration {
	ceiling := c.capped(c.opts.BaseBackoff << min(attempt, 20))
	return time.Duration(rand.Int64N(int64(ceiling) + 1))
}

func (c *Client) sleep(ctx context.Context, d time.Duration, why string, cause error) error {
	c.opts.Log.Debug("backing off", "source", c.source, "for", d, "why", why, "err", cause)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return fmt.Errorf("%s: %w", c.source, ctx.Err())
	case <-t.C:
		return nil
	}
}

// IsMalformed reports whether err is a malformed answer from a platform,
// which a collector dead-letters and skips rather than retrying forever.
func IsMalformed(err error) bool {
	var m *MalformedError
	return errors.As(err, &m)
}
