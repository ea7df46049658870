package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"testing"
	"time"
)

func TestWebhookSignsTheBody(t *testing.T) {
	const secret = "0123456789abcdef-secret"
	now := time.Unix(1793718060, 0)
	rec, srv := serve(t)
	a := sample()
	w := Webhook{URL: srv.URL + "/hooks/earshot", Secret: secret, now: func() time.Time { return now }}
	if err := w.Notify(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	req := rec.only(t)
	if req.Path != "/hooks/earshot" || req.Header.Get("Content-Type") != "application/json" {
		t.Errorf("got %s (%s)", req.Path, req.Header.Get("Content-Type"))
	}
	ts := req.Header.Get("X-Earshot-Timestamp")
	if ts != strconv.FormatInt(now.Unix(), 10) {
		t.Errorf("X-Earshot-Timestamp = %q, want %d", ts, now.Unix())
	}
	// Verify independently of the receiver's code: the scheme is the
	// contract, not the function.
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "." + string(req.Body)))
	if want := "sha256=" + hex.EncodeToString(m.Sum(nil)); req.Header.Get("X-Earshot-Signature") != want {
		t.Errorf("X-Earshot-Signature = %q, want %q", req.Header.Get("X-Earshot-Signature"), want)
	}
	if key := req.Header.Get("Idempotency-Key"); key != a.GroupKey+":firing:"+strconv.FormatInt(t1.Unix(), 10) {
		t.Errorf("Idempotency-Key = %q", key)
	}
	var got Alert
	if err := json.Unmarshal(req.Body, &got); err != nil {
		t.Fatalf("body is not an Alert: %v", err)
	}
	if got.GroupKey != a.GroupKey || got.Observed != a.Observed || !got.Start.Equal(a.Start) ||
		len(got.TopMentions) != 2 || got.TopMentions[0].Reach != 120000 || got.Sentiment != a.Sentiment {
		t.Errorf("decoded alert %+v differs from the sent %+v", got, a)
	}
	var raw map[string]any
	if err := json.Unmarshal(req.Body, &raw); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"group_key", "state", "brand", "metric", "window", "start", "end", "observed", "expected", "score", "sentiment", "top_mentions", "top_terms", "top_networks", "dashboard_url"} {
		if _, ok := raw[key]; !ok {
			t.Errorf("JSON lacks %q", key)
		}
	}
}

func TestWebhookWithoutSecretOrLists(t *testing.T) {
	rec, srv := serve(t)
	a := Alert{GroupKey: "g", State: StateFiring, Brand: "Acme", Metric: MetricMentions, Window: "5m"}
	if err := (Webhook{URL: srv.URL}).Notify(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	req := rec.only(t)
	if req.Header.Get("X-Earshot-Signature") != "" || req.Header.Get("X-Earshot-Timestamp") != "" {
		t.Errorf("unsigned webhook sent signature headers: %v", req.Header)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(req.Body, &raw); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"top_mentions", "top_terms", "top_networks"} {
		if string(raw[key]) != "[]" {
			t.Errorf("%s = %s, want []", key, raw[key])
		}
	}
}
