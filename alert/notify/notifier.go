package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Notifier delivers alerts to one channel.
type Notifier interface {
	// Name labels the channel in logs and the delivery log.
	Name() string
	// Notify delivers a; it returns once the receiver accepted it.
	Notify(ctx context.Context, a Alert) error
}

// DefaultTimeout bounds one delivery attempt when no Client is given.
const DefaultTimeout = 15 * time.Second

// userAgent names earshot to receivers, whose logs then say who called.
const userAgent = "earshot-alerts/0.1 (+https://github.com/earshot-dev/earshot)"

// StatusError is a receiver's non-2xx answer. Retrying retries 429 and
// 5xx, honouring RetryAfter, and gives up on other 4xx: the request
// itself is wrong and sending it again will not help.
type StatusError struct {
	Channel    string
	Code       int
	Body       string // the start of the answer, which usually says why
	RetryAfter time.Duration
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("%s answered %d %s", e.Channel, e.Code, http.StatusText(e.Code))
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// Temporary reports whether trying again later may succeed.
func (e *StatusError) Temporary() bool {
	return e.Code == http.StatusTooManyRequests || e.Code >= 500
}

// permanentError marks a failure no retry can fix (bad config, an alert
// that cannot be encoded, an SMTP 5xx).
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as not worth retrying.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// httpClient returns c, or one with DefaultTimeout.
func httpClient(c *http.Client) *http.Client {
	if c != nil {
		return c
	}
	return &http.Client{Timeout: DefaultTimeout}
}

// post sends body and turns anything but a 2xx into a *StatusError.
// shownURL replaces the URL in transport errors: a Slack webhook URL is
// a credential and must not end up in logs.
func post(ctx context.Context, c *http.Client, channel, target, shownURL string, body []byte, h http.Header) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return Permanent(fmt.Errorf("%s: build request for %s: %w", channel, shownURL, redact(err, shownURL)))
	}
	for k, vs := range h {
		req.Header[k] = vs
	}
	req.Header.Set("User-Agent", userAgent)
	resp, err := httpClient(c).Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", channel, redact(err, shownURL))
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	// Drain a little more so the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	return &StatusError{
		Channel:    channel,
		Code:       resp.StatusCode,
		Body:       strings.TrimSpace(string(snippet)),
		RetryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now()),
	}
}

// redact swaps the request URL of a *url.Error for shown.
func redact(err error, shown string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return &url.Error{Op: ue.Op, URL: shown, Err: ue.Err}
	}
	return err
}

// retryAfter reads Retry-After as seconds or an HTTP date; 0 when absent.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		return max(time.Duration(s)*time.Second, 0)
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

// hostOnly shows a URL as scheme://host/…, for URLs that are secrets.
func hostOnly(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(webhook URL)"
	}
	return u.Scheme + "://" + u.Host + "/…"
}

// redactedURL hides a URL's password, so it stays out of errors.
func redactedURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}

// timeoutClient is a client with the given per-request timeout, or nil
// (DefaultTimeout) when it is zero.
func timeoutClient(d time.Duration) *http.Client {
	if d <= 0 {
		return nil
	}
	return &http.Client{Timeout: d}
}
