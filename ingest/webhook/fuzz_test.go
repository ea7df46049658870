package webhook

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/ingest/ingesttest"
)

// FuzzHandler feeds arbitrary bodies, correctly signed, through the
// receiver: whatever a sender posts, the answer is never a 5xx and never
// a panic; a 200 publishes exactly the accepted events, each valid, and a
// refusal publishes nothing.
func FuzzHandler(f *testing.F) {
	f.Add([]byte(jsonArray(f, allKinds(f))), false, "")
	f.Add([]byte(ndjson(f, mentions(f, 3))), true, "")
	f.Add([]byte(`{"id":"1","occurred_at":"2026-11-20T09:30:00Z","type":"purchase"}`), false, "conversion")
	f.Add([]byte(`[{"id":1e400}]`), false, "audience")
	f.Add([]byte(`{"schema":"earshot/mention/v1","id":"shop:1","source":"shop","collected_at":"2026-11-20T09:30:00Z","data":{}}`), false, "")
	f.Add([]byte("\n\n{}\n[]\nnull\n"), true, "mention")
	f.Add([]byte(`[null, 1, "x", {"data":[]}]`), false, "")
	f.Add([]byte{0xff, 0xfe, '{'}, true, "ad_spend")
	s := newQuietSource(f, testConfig(), ingesttest.NewHarness(f).Deps())
	f.Fuzz(func(t *testing.T, body []byte, nd bool, schema string) {
		rec := ingesttest.NewRecorder(t)
		h := s.Handler(rec)
		ct := "application/json"
		if nd {
			ct = "application/x-ndjson"
		}
		target := "http://receiver/v1/events/shop"
		if schema != "" {
			target += "?schema=" + url.QueryEscape(schema)
		}
		req := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(body))
		ts := time.Now()
		req.Header.Set("Content-Type", ct)
		req.Header.Set(HeaderTimestamp, formatUnix(ts))
		req.Header.Set(HeaderSignature, Sign(testSecret, ts, body))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)

		if w.Code >= 500 {
			t.Fatalf("status %d for %q: %s", w.Code, body, w.Body)
		}
		published := rec.Envelopes()
		if w.Code != http.StatusOK {
			if len(published) != 0 {
				t.Fatalf("status %d but %d events published", w.Code, len(published))
			}
			var er ErrorResponse
			if err := json.Unmarshal(w.Body.Bytes(), &er); err != nil || er.Error == "" {
				t.Fatalf("status %d without a JSON error: %s", w.Code, w.Body)
			}
			return
		}
		var ar AcceptedResponse
		if err := json.Unmarshal(w.Body.Bytes(), &ar); err != nil || ar.Accepted != len(published) || ar.Accepted == 0 {
			t.Fatalf("200 %s but %d published", w.Body, len(published))
		}
		for _, env := range published {
			raw, err := env.Encode()
			if err != nil {
				t.Fatal(err)
			}
			if err := ingesttest.Validator(t).Validate(raw); err != nil {
				t.Fatalf("published an invalid envelope: %v\n%s", err, raw)
			}
			if env.Source != testSender {
				t.Fatalf("published source %q", env.Source)
			}
		}
	})
}

func formatUnix(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }
