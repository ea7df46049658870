package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/earshot-dev/earshot/ingest/webhook"
)

// Webhook POSTs the alert as JSON, signed the way earshot's own webhook
// receiver checks requests: X-Earshot-Timestamp holds unix seconds and
// X-Earshot-Signature "sha256=" + hex HMAC-SHA256 of "<timestamp>.<body>".
// The timestamp is signed too, so a receiver can refuse replays.
type Webhook struct {
	URL string
	// Secret signs requests; empty sends them unsigned.
	Secret string
	Client *http.Client

	now func() time.Time // for tests; time.Now when nil
}

// Name implements Notifier.
func (w Webhook) Name() string { return "webhook" }

// Notify implements Notifier.
func (w Webhook) Notify(ctx context.Context, a Alert) error {
	body, err := json.Marshal(a.withLists())
	if err != nil {
		return Permanent(fmt.Errorf("webhook: encode alert %s: %w", a.GroupKey, err))
	}
	now := time.Now
	if w.now != nil {
		now = w.now
	}
	// The state is in the key: a receiver deduplicating on it still sees
	// the update and the resolution of an alert it already has.
	h := http.Header{
		"Content-Type":    {"application/json"},
		"Idempotency-Key": {a.GroupKey + ":" + a.State + ":" + strconv.FormatInt(a.End.Unix(), 10)},
	}
	if w.Secret != "" {
		ts := now()
		h.Set(webhook.HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
		h.Set(webhook.HeaderSignature, webhook.Sign(w.Secret, ts, body))
	}
	return post(ctx, w.Client, "webhook", w.URL, redactedURL(w.URL), body, h)
}
