package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// AlertName is the alertname label of every earshot spike alert, for
// Alertmanager routes and silences.
const AlertName = "EarshotMentionSpike"

// DefaultHold is how long Alertmanager keeps an unresolved alert firing
// without hearing from us. Without endsAt it would resolve the alert after
// its resolve_timeout (5m by default) while the spike is still going on,
// since earshot notifies on changes, not every evaluation.
const DefaultHold = time.Hour

// Alertmanager posts to Prometheus Alertmanager's API v2
// (POST /api/v2/alerts). Labels stay the same from firing to resolution,
// since Alertmanager identifies an alert by them.
type Alertmanager struct {
	// URL is Alertmanager's base URL, e.g. http://alertmanager:9093.
	URL string
	// Severity is the severity label; default "warning".
	Severity string
	// Hold is the endsAt horizon of an unresolved alert; default DefaultHold.
	Hold   time.Duration
	Client *http.Client

	now func() time.Time // for tests; time.Now when nil
}

// Name implements Notifier.
func (m Alertmanager) Name() string { return "alertmanager" }

// postableAlert is the API v2 postableAlert object.
type postableAlert struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	StartsAt     time.Time         `json:"startsAt,omitzero"`
	EndsAt       time.Time         `json:"endsAt,omitzero"`
	GeneratorURL string            `json:"generatorURL,omitempty"`
}

// Notify implements Notifier.
func (m Alertmanager) Notify(ctx context.Context, a Alert) error {
	body, err := json.Marshal([]postableAlert{m.postable(a)})
	if err != nil {
		return Permanent(fmt.Errorf("alertmanager: encode alert %s: %w", a.GroupKey, err))
	}
	h := http.Header{"Content-Type": {"application/json"}}
	target := alertsURL(m.URL)
	return post(ctx, m.Client, "alertmanager", target, redactedURL(target), body, h)
}

func (m Alertmanager) postable(a Alert) postableAlert {
	now := time.Now
	if m.now != nil {
		now = m.now
	}
	severity := m.Severity
	if severity == "" {
		severity = "warning"
	}
	hold := m.Hold
	if hold <= 0 {
		hold = DefaultHold
	}
	p := postableAlert{
		Labels: map[string]string{
			"alertname": AlertName,
			"brand":     a.Brand,
			"metric":    a.Metric,
			"window":    a.Window,
			"severity":  severity,
		},
		Annotations: map[string]string{
			"summary":     a.Summary(),
			"description": a.Text(),
		},
		StartsAt:     a.Start.UTC(),
		GeneratorURL: a.DashboardURL,
	}
	if a.DashboardURL != "" {
		p.Annotations["dashboard"] = a.DashboardURL
	}
	end := a.End
	if end.IsZero() {
		end = now()
	}
	if a.State == StateResolved {
		p.EndsAt = end.UTC()
	} else {
		p.EndsAt = now().Add(hold).UTC()
	}
	// Alertmanager refuses an alert that ends before it starts.
	if !p.StartsAt.IsZero() && p.EndsAt.Before(p.StartsAt) {
		p.EndsAt = p.StartsAt
	}
	return p
}

// alertsURL appends the API path to a base URL, leaving a URL that
// already names it alone.
func alertsURL(base string) string {
	base = strings.TrimRight(base, "/")
	if strings.HasSuffix(base, "/api/v2/alerts") {
		return base
	}
	return base + "/api/v2/alerts"
}
