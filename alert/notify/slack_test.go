package notify

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

// The Block Kit shape Slack documents, as far as this test reads it.
type slackGot struct {
	Text   string `json:"text"`
	Blocks []struct {
		Type string `json:"type"`
		Text *struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"text"`
		Fields []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"fields"`
		Elements []map[string]any `json:"elements"`
	} `json:"blocks"`
}

func TestSlack(t *testing.T) {
	rec, srv := serve(t)
	a := sample()
	s := Slack{WebhookURL: srv.URL + "/services/T000/B000/XXXX"}
	if err := s.Notify(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	req := rec.only(t)
	if req.Method != http.MethodPost || req.Path != "/services/T000/B000/XXXX" || req.Header.Get("Content-Type") != "application/json" {
		t.Errorf("got %s %s (%s), want a JSON POST to the webhook path", req.Method, req.Path, req.Header.Get("Content-Type"))
	}
	var got slackGot
	if err := json.Unmarshal(req.Body, &got); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, req.Body)
	}
	if got.Text != a.Summary() {
		t.Errorf("text fallback = %q, want the summary %q", got.Text, a.Summary())
	}
	types := make([]string, len(got.Blocks))
	for i, b := range got.Blocks {
		types[i] = b.Type
	}
	if want := "header section section section context actions"; strings.Join(types, " ") != want {
		t.Fatalf("block types %v, want %s", types, want)
	}
	header := got.Blocks[0].Text
	if header.Type != "plain_text" || header.Text != "Acme: mention spike (1h)" || utf8.RuneCountInString(header.Text) > slackHeaderMax {
		t.Errorf("header = %+v", header)
	}
	if s := got.Blocks[1].Text; s.Type != "mrkdwn" || !strings.Contains(s.Text, "412 mentions") {
		t.Errorf("summary section = %+v", s)
	}
	fields := got.Blocks[2].Fields
	if len(fields) < 4 || len(fields) > 10 {
		t.Fatalf("%d fields, want 4 to 10 (Slack's limit)", len(fields))
	}
	for _, f := range fields {
		if f.Type != "mrkdwn" || !strings.HasPrefix(f.Text, "*") {
			t.Errorf("field %+v: want a bold-labelled mrkdwn field", f)
		}
	}
	list := got.Blocks[3].Text.Text
	for _, want := range []string{
		"<https://x.com/bigvoice/status/1|@bigvoice on x>",
		"(reach 120k)",
		"&lt;again&gt; &amp; nobody", // mrkdwn control characters escaped
		"<https://reddit.com/r/acme/1|u/angry on reddit>",
	} {
		if !strings.Contains(list, want) {
			t.Errorf("mentions section lacks %q:\n%s", want, list)
		}
	}
	if el := got.Blocks[4].Elements[0]; el["type"] != "mrkdwn" || !strings.Contains(el["text"].(string), "#acmedown") {
		t.Errorf("terms context = %v", el)
	}
	button := got.Blocks[5].Elements[0]
	text, _ := button["text"].(map[string]any)
	if button["type"] != "button" || button["url"] != a.DashboardURL || text["type"] != "plain_text" || button["action_id"] == "" {
		t.Errorf("dashboard button = %v", button)
	}
}

func TestSlackLeavesOutWhatIsMissing(t *testing.T) {
	rec, srv := serve(t)
	a := Alert{GroupKey: "g", State: StateResolved, Brand: "Acme", Metric: MetricMentions, Window: "5m", Start: t0, End: t1, Observed: 20, Expected: 18}
	if err := (Slack{WebhookURL: srv.URL}).Notify(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	var got slackGot
	if err := json.Unmarshal(rec.only(t).Body, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Blocks) != 3 {
		t.Errorf("%d blocks, want header, summary and fields only", len(got.Blocks))
	}
	if got.Blocks[0].Text.Text != "Resolved: Acme: mention spike (5m)" {
		t.Errorf("header %q", got.Blocks[0].Text.Text)
	}
}

// A webhook URL is a credential: a failed delivery must not log it.
func TestSlackErrorsHideTheWebhookURL(t *testing.T) {
	tests := []struct {
		name   string
		script func(http.ResponseWriter)
	}{
		{"refused", nil},
		{"404 no_service", status(http.StatusNotFound)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, srv := serve(t, tt.script)
			url := srv.URL + "/services/T000/B000/SECRETTOKEN"
			if tt.script == nil {
				srv.Close()
			}
			err := (Slack{WebhookURL: url}).Notify(context.Background(), sample())
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), "SECRETTOKEN") {
				t.Errorf("error shows the webhook URL: %v", err)
			}
			var se *StatusError
			if tt.script != nil && (!errors.As(err, &se) || se.Code != http.StatusNotFound || se.Temporary()) {
				t.Errorf("error %v: want a permanent *StatusError 404", err)
			}
		})
	}
}
