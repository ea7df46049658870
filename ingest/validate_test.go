package ingest

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"reddit-acme", true},
		{"masto_test.2", true},
		{"A", true},
		{strings.Repeat("x", MaxNameLen), true},
		{"", false},
		{"my masto", false},
		{"reddit/acme", false},
		{"café", false},
		{strings.Repeat("x", MaxNameLen+1), false},
	}
	for _, tt := range tests {
		p, ok := CheckName(tt.name, "reddit-acme")
		if ok != tt.ok {
			t.Errorf("CheckName(%q) ok = %v, want %v", tt.name, ok, tt.ok)
		}
		if ok && p != (Problem{}) {
			t.Errorf("CheckName(%q) = %+v with ok", tt.name, p)
		}
		if !ok && (p.Key != "name" || p.Value != tt.name || !strings.Contains(p.Fix, "e.g. reddit-acme")) {
			t.Errorf("CheckName(%q) = %+v, want a name problem with the example", tt.name, p)
		}
	}
}

func TestCheckBaseURL(t *testing.T) {
	tests := []struct {
		raw string
		ok  bool
		fix string // part of the fix when not ok
		val string // the problem's value when not raw
	}{
		{"https://mastodon.social", true, "", ""},
		{"http://127.0.0.1:8080/youtube/v3", true, "", ""},
		{"https://proxy.example/api/", true, "", ""},
		{"", false, "absolute", ""},
		{"mastodon.social", false, "absolute", ""},
		{"ftp://x.example", false, "absolute", ""},
		{"wss://streaming.example", false, "absolute", ""},
		{"https://", false, "absolute", ""},
		{"https://m.example/?x=1", false, "bare", ""},
		{"https://m.example/#top", false, "bare", ""},
		{"https://user:pass@m.example", false, "bare", "https://user:xxxxx@m.example"},
	}
	for _, tt := range tests {
		p, ok := CheckBaseURL("base_url", tt.raw, "https://api.example")
		if ok != tt.ok {
			t.Errorf("CheckBaseURL(%q) ok = %v, want %v", tt.raw, ok, tt.ok)
			continue
		}
		val := tt.raw
		if tt.val != "" {
			val = tt.val
		}
		if !ok && (p.Key != "base_url" || p.Value != val || !strings.Contains(p.Fix, tt.fix)) {
			t.Errorf("CheckBaseURL(%q) = %+v, want a base_url problem saying %q", tt.raw, p, tt.fix)
		}
	}
	if p, _ := CheckBaseURL("instance", "x", "https://mastodon.social"); !strings.Contains(p.Fix, "https://mastodon.social") {
		t.Errorf("fix %q does not give the example", p.Fix)
	}

}

func TestInvalidConfig(t *testing.T) {
	tests := []struct {
		name string
		ps   []Problem
		want string
	}{
		{"one", []Problem{{Key: "api_key", Value: `""`, Fix: "create a key"}}, `youtube "one": api_key = "": create a key`},
		{"", []Problem{{Key: "name", Value: "", Fix: "name it"}, {Key: "interval", Value: -1, Fix: "use 5m"}},
			`youtube "": name = : name it; interval = -1: use 5m`},
	}
	for _, tt := range tests {
		err := InvalidConfig("youtube", tt.name, tt.ps)
		if err == nil || err.Error() != tt.want {
			t.Errorf("InvalidConfig = %v, want %s", err, tt.want)
		}
		if errors.Unwrap(err) != nil {
			t.Errorf("InvalidConfig wraps %v", errors.Unwrap(err))
		}
	}
}

func TestConfigError(t *testing.T) {
	interval := Problem{Key: "interval", Value: "1s", Fix: "use 1m or more"}
	budget := Problem{Key: "requests_per_minute", Value: -1, Fix: "use a positive budget"}
	appID := Problem{Key: "app_id", Value: "abc", Fix: "use the numeric id"}
	tests := []struct {
		name   string
		ps     []Problem
		policy []string
		want   string // "" for no error
	}{
		{"no problems", nil, []string{"interval"}, ""},
		{"policy only", []Problem{interval, budget}, []string{"interval", "requests_per_minute"}, ""},
		{"no policy keys", []Problem{interval}, nil, `appstore "x": interval = 1s: use 1m or more`},
		{"policy left out", []Problem{interval, appID, budget}, []string{"interval", "requests_per_minute"},
			`appstore "x": app_id = abc: use the numeric id`},
		{"policy key not met", []Problem{budget, appID}, []string{"interval"},
			`appstore "x": requests_per_minute = -1: use a positive budget; app_id = abc: use the numeric id`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := append([]Problem(nil), tt.ps...)
			err := ConfigError("appstore", "x", ps, tt.policy...)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("ConfigError = %v, want nil", err)
			case tt.want != "" && (err == nil || err.Error() != tt.want):
				t.Errorf("ConfigError = %v, want %s", err, tt.want)
			}
			for i := range tt.ps {
				if ps[i] != tt.ps[i] {
					t.Errorf("ConfigError changed its argument: %v, was %v", ps, tt.ps)
				}
			}
		})
	}
}
