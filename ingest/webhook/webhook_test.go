package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest/ingesttest"
)

// TestAcceptedBatchesReachKafka posts every body shape the receiver takes
// and reads the raw topics back: exact counts, valid envelopes, ids kept.
func TestAcceptedBatchesReachKafka(t *testing.T) {
	conversions := `[{"id":"order-1001","occurred_at":"2026-11-20T09:30:00Z","type":"purchase","value":49.9,"currency":"EUR","utm_source":"instagram","utm_medium":"social","utm_campaign":"winter"},
	{"id":1002,"occurred_at":"2026-11-20T10:00:00Z","type":"signup","utm_source":"newsletter"}]`
	tests := []struct {
		name        string
		body        func(t testing.TB) []byte
		contentType string
		query       string
		want        [4]int // mentions, metrics, business, dead letters
		wantIDs     []string
	}{
		{"json array of every kind", func(t testing.TB) []byte { return jsonArray(t, allKinds(t)) }, "application/json", "", [4]int{1, 2, 2, 0},
			[]string{"shop:review-1", "shop:post-1", "shop:aud-1", "shop:order-1", "shop:spend-1"}},
		{"single object", func(t testing.TB) []byte { b, _ := json.Marshal(allKinds(t)[3]); return b }, "application/json", "", [4]int{0, 0, 1, 0},
			[]string{"shop:order-1"}},
		{"ndjson of 1000", func(t testing.TB) []byte { return ndjson(t, mentions(t, 1000)) }, "application/x-ndjson", "", [4]int{1000, 0, 0, 0}, nil},
		{"bare conversions", func(testing.TB) []byte { return []byte(conversions) }, "application/json", "?schema=conversion", [4]int{0, 0, 2, 0},
			[]string{"shop:order-1001", "shop:1002"}},
		{"bare ad spend as ndjson", func(testing.TB) []byte {
			return []byte("{\"id\":\"g-1\",\"date\":\"2026-11-19\",\"network\":\"google\",\"campaign\":\"winter\",\"spend\":10,\"currency\":\"USD\"}\n\n{\"id\":\"g-2\",\"date\":\"2026-11-19\",\"network\":\"google\",\"campaign\":\"brand\",\"spend\":3.5,\"currency\":\"USD\"}\n")
		}, "application/x-ndjson; charset=utf-8", "?schema=ad_spend", [4]int{0, 0, 2, 0}, []string{"shop:g-1", "shop:g-2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := ingesttest.NewHarness(t)
			k := newKafka(t, h.Metrics)
			s := newTestSource(t, testConfig(), h)
			srv := httptest.NewServer(s.Handler(k.pub))
			defer srv.Close()

			body := tc.body(t)
			status, resp := do(t, signedRequest(t, srv.URL+"/v1/events/shop"+tc.query, testSecret, body, tc.contentType, time.Now()))
			total := tc.want[0] + tc.want[1] + tc.want[2]
			if status != http.StatusOK || string(resp) != fmt.Sprintf("{\"accepted\":%d}\n", total) {
				t.Fatalf("got %d %s, want 200 accepted %d", status, resp, total)
			}
			if got := k.counts(t); got != tc.want {
				t.Errorf("topic counts (mentions, metrics, business, dead letters) = %v, want %v", got, tc.want)
			}
			var ids []string
			for _, topic := range []string{k.topics.Mentions, k.topics.Metrics, k.topics.Business} {
				for _, env := range k.read(t, topic) {
					ids = append(ids, env.ID)
					if env.Source != testSender {
						t.Errorf("event %s has source %q, want %q", env.ID, env.Source, testSender)
					}
				}
			}
			for _, want := range tc.wantIDs {
				if !contains(ids, want) {
					t.Errorf("event %s missing; got %v", want, ids)
				}
			}
			if !h.PolledOK(testSender) {
				t.Error("no successful delivery recorded for the sender")
			}
			if got := testutil.ToFloat64(h.Metrics.SourceEvents.WithLabelValues(testSender, event.SchemaConversion)); tc.name == "bare conversions" && got != 2 {
				t.Errorf("source_events_total{conversion} = %v, want 2", got)
			}
		})
	}
}

// TestBarePayloadKeepsData checks a bare payload becomes an envelope with
// the payload as data, minus the id that became the event id.
func TestBarePayloadKeepsData(t *testing.T) {
	rec := ingesttest.NewRecorder(t)
	s := newTestSource(t, testConfig(), ingesttest.NewHarness(t))
	srv := httptest.NewServer(s.Handler(rec))
	defer srv.Close()
	body := []byte(`{"id":"a-7","network":"instagram","account":"acme","followers":10450,"observed_at":"2026-11-20T00:00:00Z"}`)
	status, resp := do(t, signedRequest(t, srv.URL+"/v1/events/shop?schema=audience", testSecret, body, "application/json", time.Now()))
	if status != http.StatusOK {
		t.Fatalf("got %d %s", status, resp)
	}
	envs := rec.Envelopes()
	if len(envs) != 1 {
		t.Fatalf("published %d envelopes, want 1", len(envs))
	}
	env := envs[0]
	var a event.AudienceSnapshot
	if err := env.Decode(&a); err != nil {
		t.Fatal(err)
	}
	if env.ID != "shop:a-7" || env.Schema != event.SchemaAudience || a.Followers != 10450 || a.Account != "acme" {
		t.Errorf("got %+v / %+v", env, a)
	}
	if bytes.Contains(env.Data, []byte(`"id"`)) {
		t.Errorf("data still carries the id: %s", env.Data)
	}
	raw, _ := env.Encode()
	if err := ingesttest.Validator(t).Validate(raw); err != nil {
		t.Error(err)
	}
}

// TestRefusedRequestsPublishNothing covers every way a request is turned
// away: each gets its status and a JSON error, and no event reaches Kafka.
func TestRefusedRequestsPublishNothing(t *testing.T) {
	good := func(t testing.TB) []byte { return jsonArray(t, allKinds(t)) }
	sign := func(body []byte, ts time.Time, secret string) map[string]string {
		return map[string]string{HeaderTimestamp: strconv.FormatInt(ts.Unix(), 10), HeaderSignature: Sign(secret, ts, body)}
	}
	tests := []struct {
		name       string
		path       string
		body       func(t testing.TB) []byte
		headers    func(body []byte) map[string]string
		status     int
		errPart    string
		badIndexes []int
	}{
		{"wrong secret", "/v1/events/shop", good, func(b []byte) map[string]string { return sign(b, time.Now(), "not-the-secret-at-all") },
			http.StatusUnauthorized, "signature does not match", nil},
		{"other sender's secret", "/v1/events/shop", good, func(b []byte) map[string]string { return sign(b, time.Now(), "another-secret-of-enough-length") },
			http.StatusUnauthorized, "signature does not match", nil},
		{"tampered body", "/v1/events/shop", good, func(b []byte) map[string]string { return sign(append([]byte(" "), b...), time.Now(), testSecret) },
			http.StatusUnauthorized, "signature does not match", nil},
		{"stale timestamp", "/v1/events/shop", good, func(b []byte) map[string]string { return sign(b, time.Now().Add(-6*time.Minute), testSecret) },
			http.StatusUnauthorized, "replay window", nil},
		{"timestamp from the future", "/v1/events/shop", good, func(b []byte) map[string]string { return sign(b, time.Now().Add(6*time.Minute), testSecret) },
			http.StatusUnauthorized, "replay window", nil},
		{"timestamp not signed with the body", "/v1/events/shop", good, func(b []byte) map[string]string {
			h := sign(b, time.Now().Add(-time.Minute), testSecret)
			h[HeaderTimestamp] = strconv.FormatInt(time.Now().Unix(), 10)
			return h
		}, http.StatusUnauthorized, "signature does not match", nil},
		{"no signature", "/v1/events/shop", good, func([]byte) map[string]string {
			return map[string]string{HeaderTimestamp: strconv.FormatInt(time.Now().Unix(), 10)}
		}, http.StatusUnauthorized, "missing X-Earshot-Signature", nil},
		{"no timestamp", "/v1/events/shop", good, func([]byte) map[string]string { return map[string]string{HeaderSignature: "sha256=00"} },
			http.StatusUnauthorized, "missing X-Earshot-Timestamp", nil},
		{"signature without prefix", "/v1/events/shop", good, func(b []byte) map[string]string {
			h := sign(b, time.Now(), testSecret)
			h[HeaderSignature] = strings.TrimPrefix(h[HeaderSignature], "sha256=")
			return h
		}, http.StatusUnauthorized, "must start with", nil},
		{"unknown source", "/v1/events/nobody", good, func(b []byte) map[string]string { return sign(b, time.Now(), testSecret) },
			http.StatusNotFound, `unknown source "nobody"`, nil},
		{"oversized body", "/v1/events/shop", func(t testing.TB) []byte { return ndjson(t, mentions(t, 4000)) },
			func(b []byte) map[string]string { return sign(b, time.Now(), testSecret) }, http.StatusRequestEntityTooLarge, "limit", nil},
		{"malformed json", "/v1/events/shop", func(testing.TB) []byte { return []byte(`[{"schema":`) },
			func(b []byte) map[string]string { return sign(b, time.Now(), testSecret) }, http.StatusBadRequest, "not a JSON array", nil},
		{"two objects without ndjson", "/v1/events/shop", func(testing.TB) []byte { return []byte(`{"a":1} {"b":2}`) },
			func(b []byte) map[string]string { return sign(b, time.Now(), testSecret) }, http.StatusBadRequest, "application/x-ndjson", nil},
		{"unknown schema parameter", "/v1/events/shop?schema=tweet", good, func(b []byte) map[string]string { return sign(b, time.Now(), testSecret) },
			http.StatusBadRequest, `unknown schema "tweet"`, nil},
		{"partially invalid batch", "/v1/events/shop", func(t testing.TB) []byte {
			envs := allKinds(t)
			var m event.Mention
			envs[0].Decode(&m)
			m.Kind = "tweet"
			envs[0] = envelope(t, event.SchemaMention, "shop:review-1", m)
			envs[4] = envelope(t, event.SchemaAdSpend, "shop:spend-1", event.AdSpend{Date: "2026-11-19", Network: "Facebook Ads", Campaign: "winter", Spend: -3, Currency: "eur"})
			return jsonArray(t, envs)
		}, func(b []byte) map[string]string { return sign(b, time.Now(), testSecret) }, http.StatusUnprocessableEntity, "2 of 5 events are invalid", []int{0, 4}},
		{"envelope of another source", "/v1/events/shop", func(t testing.TB) []byte {
			env := allKinds(t)[1]
			env.Source = "crm"
			return jsonArray(t, []event.Envelope{allKinds(t)[0], env})
		}, func(b []byte) map[string]string { return sign(b, time.Now(), testSecret) }, http.StatusUnprocessableEntity, "1 of 2", []int{1}},
		{"enriched mention from outside", "/v1/events/shop", func(t testing.TB) []byte {
			env := envelope(t, event.SchemaEnrichedMention, "shop:x", event.EnrichedMention{Mention: mention(1), Lang: "en",
				Sentiment: event.Sentiment{Score: 0.5, Label: event.Positive}, Brands: []event.BrandMatch{}, EnrichedAt: fixedTime})
			return jsonArray(t, []event.Envelope{env})
		}, func(b []byte) map[string]string { return sign(b, time.Now(), testSecret) }, http.StatusUnprocessableEntity, "1 of 1", []int{0}},
		{"bare payload without id", "/v1/events/shop?schema=conversion", func(testing.TB) []byte {
			return []byte(`[{"id":"o1","occurred_at":"2026-11-20T09:30:00Z","type":"purchase"},{"occurred_at":"2026-11-20T09:30:00Z","type":"purchase"}]`)
		}, func(b []byte) map[string]string { return sign(b, time.Now(), testSecret) }, http.StatusUnprocessableEntity, "1 of 2", []int{1}},
		{"bad ndjson line", "/v1/events/shop", func(t testing.TB) []byte {
			return append(ndjson(t, mentions(t, 3)), []byte("{not json\n")...)
		}, func(b []byte) map[string]string { return sign(b, time.Now(), testSecret) }, http.StatusUnprocessableEntity, "1 of 4", []int{3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := ingesttest.NewHarness(t)
			k := newKafka(t, h.Metrics)
			s := newTestSource(t, testConfig(), h)
			srv := httptest.NewServer(s.Handler(k.pub))
			defer srv.Close()

			body := tc.body(t)
			req, err := http.NewRequest(http.MethodPost, srv.URL+tc.path, bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			ct := "application/json"
			if tc.name == "bad ndjson line" {
				ct = "application/x-ndjson"
			}
			req.Header.Set("Content-Type", ct)
			for name, v := range tc.headers(body) {
				req.Header.Set(name, v)
			}
			status, resp := do(t, req)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %s", status, tc.status, resp)
			}
			var er ErrorResponse
			if err := json.Unmarshal(resp, &er); err != nil {
				t.Fatalf("error body is not JSON: %v: %s", err, resp)
			}
			if !strings.Contains(er.Error, tc.errPart) {
				t.Errorf("error %q does not say %q", er.Error, tc.errPart)
			}
			var idx []int
			for _, e := range er.Events {
				idx = append(idx, e.Index)
				if e.Reason == "" {
					t.Errorf("event %d refused without a reason", e.Index)
				}
			}
			if fmt.Sprint(idx) != fmt.Sprint(tc.badIndexes) || er.Invalid != len(tc.badIndexes) {
				t.Errorf("bad events %v (invalid=%d), want %v", idx, er.Invalid, tc.badIndexes)
			}
			if got := k.counts(t); got != [4]int{} {
				t.Errorf("refused request left events behind: %v", got)
			}
			label := testSender
			if tc.status == http.StatusNotFound {
				label = "webhook"
			}
			if got := h.Errors(label); got != 1 {
				t.Errorf("source_errors_total{%s} = %v, want 1", label, got)
			}
		})
	}
}

// TestInvalidEventsAreNamed checks the report of a refused batch names
// each bad event by index, NDJSON line and id.
func TestInvalidEventsAreNamed(t *testing.T) {
	s := newTestSource(t, testConfig(), ingesttest.NewHarness(t))
	srv := httptest.NewServer(s.Handler(ingesttest.NewRecorder(t)))
	defer srv.Close()
	body := ndjson(t, mentions(t, 2))
	body = append(body, []byte("\n{\"schema\":\"earshot/mention/v1\",\"id\":\"shop:r-bad\",\"source\":\"shop\",\"collected_at\":\"2026-11-20T09:30:00Z\",\"data\":{\"network\":\"x\"}}\n")...)
	status, resp := do(t, signedRequest(t, srv.URL+"/v1/events/shop", testSecret, body, "application/x-ndjson", time.Now()))
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("got %d %s", status, resp)
	}
	var er ErrorResponse
	json.Unmarshal(resp, &er)
	if len(er.Events) != 1 {
		t.Fatalf("got %+v", er)
	}
	e := er.Events[0]
	if e.Index != 2 || e.Line != 4 || e.ID != "shop:r-bad" || !strings.Contains(e.Reason, "native_id") {
		t.Errorf("got %+v, want index 2, line 4, id shop:r-bad and a reason naming the missing fields", e)
	}
}

// TestManyInvalidEventsListedUpToLimit keeps the answer bounded.
func TestManyInvalidEventsListedUpToLimit(t *testing.T) {
	s := newTestSource(t, testConfig(), ingesttest.NewHarness(t))
	srv := httptest.NewServer(s.Handler(ingesttest.NewRecorder(t)))
	defer srv.Close()
	body := bytes.Repeat([]byte("{\"schema\":\"nope\"}\n"), 500)
	status, resp := do(t, signedRequest(t, srv.URL+"/v1/events/shop", testSecret, body, "application/x-ndjson", time.Now()))
	var er ErrorResponse
	json.Unmarshal(resp, &er)
	if status != http.StatusUnprocessableEntity || er.Invalid != 500 || len(er.Events) != maxListed {
		t.Errorf("got %d, invalid=%d, listed=%d; want 422, 500, %d", status, er.Invalid, len(er.Events), maxListed)
	}
}

// TestOversizedChunkedBody refuses a body with no Content-Length once it
// grows past the limit.
func TestOversizedChunkedBody(t *testing.T) {
	c := testConfig()
	c.MaxBody = 1000
	s := newTestSource(t, c, ingesttest.NewHarness(t))
	rec := ingesttest.NewRecorder(t)
	srv := httptest.NewServer(s.Handler(rec))
	defer srv.Close()
	body := ndjson(t, mentions(t, 10))
	req := signedRequest(t, srv.URL+"/v1/events/shop", testSecret, body, "application/x-ndjson", time.Now())
	req.Body = io.NopCloser(struct{ io.Reader }{bytes.NewReader(body)}) // hides the length: sent chunked
	req.ContentLength = -1
	status, resp := do(t, req)
	if status != http.StatusRequestEntityTooLarge {
		t.Fatalf("got %d %s, want 413", status, resp)
	}
	if len(rec.Envelopes()) != 0 {
		t.Error("oversized body was published")
	}
}

// TestPublishFailureIs503 tells the sender to retry when Kafka did not
// take the batch.
func TestPublishFailureIs503(t *testing.T) {
	h := ingesttest.NewHarness(t)
	s := newTestSource(t, testConfig(), h)
	down := ingesttest.NewRecorder(t)
	down.Fail(fmt.Errorf("broker down"))
	srv := httptest.NewServer(s.Handler(down))
	defer srv.Close()
	resp, err := http.DefaultClient.Do(signedRequest(t, srv.URL+"/v1/events/shop", testSecret, jsonArray(t, allKinds(t)), "application/json", time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("got %d, Retry-After %q; want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if got := h.Errors(testSender); got != 1 {
		t.Errorf("source_errors_total = %v, want 1", got)
	}
}

// TestRunServesUntilCancelled runs the receiver on its own listener, posts
// a batch through it, then stops it: Run returns nil and the port closes.
func TestRunServesUntilCancelled(t *testing.T) {
	h := ingesttest.NewHarness(t)
	k := newKafka(t, h.Metrics)
	s := newTestSource(t, testConfig(), h)
	addrs := make(chan net.Addr, 1)
	s.listening = addrs
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, k.pub) }()
	var addr net.Addr
	select {
	case addr = <-addrs:
	case err := <-done:
		t.Fatalf("Run: %v", err)
	}
	base := "http://" + addr.String()

	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("healthz: %d", resp.StatusCode)
	}
	status, body := do(t, signedRequest(t, base+"/v1/events/shop", testSecret, ndjson(t, mentions(t, 250)), "application/x-ndjson", time.Now()))
	if status != http.StatusOK {
		t.Fatalf("got %d %s", status, body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run returned %v after cancel, want nil", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("receiver still answers after Run returned")
	}
	if got := len(k.read(t, k.topics.Mentions)); got != 250 {
		t.Errorf("mentions on the topic = %d, want 250", got)
	}
}

// TestRunFailsOnBusyPort reports a listen error instead of hanging.
func TestRunFailsOnBusyPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c := testConfig()
	c.Listen = ln.Addr().String()
	s := newTestSource(t, c, ingesttest.NewHarness(t))
	if err := s.Run(context.Background(), ingesttest.NewRecorder(t)); err == nil || !strings.Contains(err.Error(), "listen") {
		t.Errorf("Run on a busy port: %v", err)
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
