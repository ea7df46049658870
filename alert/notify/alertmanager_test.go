package notify

import (
	"context"
	"encoding/json"
	"maps"
	"testing"
	"time"
)

// amAlert is API v2's postableAlert.
type amAlert struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     *time.Time        `json:"startsAt"`
	EndsAt       *time.Time        `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
}

func TestAlertmanager(t *testing.T) {
	now := t1.Add(2 * time.Minute)
	tests := []struct {
		name     string
		base     string
		state    string
		severity string
		wantEnd  time.Time
		wantSev  string
	}{
		{"firing holds for an hour", "", StateFiring, "", now.Add(DefaultHold), "warning"},
		{"updated", "/", StateUpdated, "critical", now.Add(DefaultHold), "critical"},
		{"resolved ends at the episode end", "/api/v2/alerts", StateResolved, "", t1, "warning"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, srv := serve(t)
			a := sample()
			a.State = tt.state
			m := Alertmanager{URL: srv.URL + tt.base, Severity: tt.severity, now: func() time.Time { return now }}
			if err := m.Notify(context.Background(), a); err != nil {
				t.Fatal(err)
			}
			req := rec.only(t)
			if req.Path != "/api/v2/alerts" || req.Header.Get("Content-Type") != "application/json" {
				t.Errorf("got %s %s (%s), want POST /api/v2/alerts JSON", req.Method, req.Path, req.Header.Get("Content-Type"))
			}
			var got []amAlert
			if err := json.Unmarshal(req.Body, &got); err != nil || len(got) != 1 {
				t.Fatalf("body %s: want a JSON array of one postableAlert (%v)", req.Body, err)
			}
			p := got[0]
			wantLabels := map[string]string{
				"alertname": "EarshotMentionSpike", "brand": "Acme", "metric": "mentions", "window": "1h", "severity": tt.wantSev,
			}
			if !maps.Equal(p.Labels, wantLabels) {
				t.Errorf("labels %v, want %v", p.Labels, wantLabels)
			}
			if p.Annotations["summary"] != a.Summary() || p.Annotations["description"] != a.Text() || p.Annotations["dashboard"] != a.DashboardURL {
				t.Errorf("annotations %v", p.Annotations)
			}
			if p.GeneratorURL != a.DashboardURL {
				t.Errorf("generatorURL %q", p.GeneratorURL)
			}
			if p.StartsAt == nil || !p.StartsAt.Equal(t0) {
				t.Errorf("startsAt %v, want %v", p.StartsAt, t0)
			}
			if p.EndsAt == nil || !p.EndsAt.Equal(tt.wantEnd) {
				t.Errorf("endsAt %v, want %v", p.EndsAt, tt.wantEnd)
			}
		})
	}
}

// Alertmanager refuses an alert whose end precedes its start.
func TestAlertmanagerNeverEndsBeforeStart(t *testing.T) {
	a := sample()
	a.State = StateResolved
	a.End = t0.Add(-time.Minute)
	p := Alertmanager{}.postable(a)
	if p.EndsAt.Before(p.StartsAt) {
		t.Errorf("endsAt %v before startsAt %v", p.EndsAt, p.StartsAt)
	}
}
