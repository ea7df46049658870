package notify

import (
	"context"
	"strings"
	"testing"
)

func TestChannelValidate(t *testing.T) {
	off := false
	email := ChannelConfig{Name: "mail", Type: TypeEmail, Host: "smtp.example.com", From: "earshot@example.com", To: []string{"oncall@example.com"}}
	tests := []struct {
		name     string
		c        ChannelConfig
		wantKeys []string
	}{
		{"slack ok", ChannelConfig{Name: "oncall", Type: TypeSlack, URL: "https://hooks.slack.com/services/T/B/X"}, nil},
		{"slack without URL", ChannelConfig{Name: "oncall", Type: TypeSlack}, []string{"url"}},
		{"webhook short secret", ChannelConfig{Name: "hook", Type: TypeWebhook, URL: "https://example.com/h", Secret: "short"}, []string{"secret"}},
		{"alertmanager relative URL", ChannelConfig{Name: "am", Type: TypeAlertmanager, URL: "alertmanager:9093"}, []string{"url"}},
		{"email ok", email, nil},
		{"email missing everything", ChannelConfig{Name: "mail", Type: TypeEmail}, []string{"host", "from", "to"}},
		{"email bad recipient", func() ChannelConfig { c := email; c.To = []string{"ok@example.com", "nope"}; return c }(), []string{"to[1]"}},
		{"email password in clear", func() ChannelConfig {
			c := email
			c.Username, c.Password, c.StartTLS = "u", "p", &off
			return c
		}(), []string{"starttls"}},
		{"unknown type, bad name", ChannelConfig{Name: "on call", Type: "pager"}, []string{"name", "type"}},
		{"bad retry settings", ChannelConfig{Name: "am", Type: TypeAlertmanager, URL: "http://am:9093", Attempts: 99, Backoff: -1}, []string{"attempts", "backoff"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var keys []string
			for _, p := range tt.c.Validate() {
				keys = append(keys, p.Key)
				if p.Fix == "" {
					t.Errorf("problem %s has no fix", p.Key)
				}
			}
			if strings.Join(keys, ",") != strings.Join(tt.wantKeys, ",") {
				t.Errorf("problems at %v, want %v", keys, tt.wantKeys)
			}
		})
	}
}

func TestValidateHidesSecrets(t *testing.T) {
	c := Config{Channels: []ChannelConfig{
		{Name: "hook", Type: TypeWebhook, URL: "https://example.com/h", Secret: "tooshort"},
		{Name: "hook", Type: TypeSlack, URL: "hooks.slack.com/services/T/B/SECRETTOKEN"},
	}}
	ps := c.Validate()
	var keys []string
	for _, p := range ps {
		keys = append(keys, p.Key)
		if s, _ := p.Value.(string); strings.Contains(s, "tooshort") || strings.Contains(s, "SECRETTOKEN") {
			t.Errorf("%s shows the secret: %v", p.Key, p.Value)
		}
	}
	if want := "channels[0].secret,channels[1].url,channels[1].name"; strings.Join(keys, ",") != want {
		t.Errorf("problems at %v, want %s", keys, want)
	}
}

func TestBuild(t *testing.T) {
	rec, srv := serve(t, status(500), status(200))
	n, err := Build(ChannelConfig{Name: "team-hook", Type: TypeWebhook, URL: srv.URL, Secret: "0123456789abcdef", Backoff: 1})
	if err != nil {
		t.Fatal(err)
	}
	if n.Name() != "team-hook" {
		t.Errorf("Name() = %q, want the channel's name", n.Name())
	}
	if err := n.Notify(context.Background(), sample()); err != nil {
		t.Fatalf("built notifier does not retry a 500: %v", err)
	}
	if len(rec.requests()) != 2 {
		t.Errorf("%d requests, want 2", len(rec.requests()))
	}
	for _, typ := range []string{TypeSlack, TypeAlertmanager} {
		if _, err := Build(ChannelConfig{Name: typ, Type: typ, URL: "http://localhost:1"}); err != nil {
			t.Errorf("Build %s: %v", typ, err)
		}
	}
	if _, err := Build(ChannelConfig{Name: "x", Type: "pager"}); err == nil || !strings.Contains(err.Error(), "type = pager") {
		t.Errorf("Build of a bad config: error %v, want one naming the bad key", err)
	}
}
