package notify

import (
	"strings"
	"testing"
)

func TestSummary(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Alert)
		want string
	}{
		{"mentions per hour", func(*Alert) {},
			"Acme: 412 mentions in the last hour, 5.1× the usual 80 (negative 62%, usually 18%)"},
		{"5 minute window, no sentiment", func(a *Alert) { a.Window = "5m"; a.Sentiment = Sentiment{} },
			"Acme: 412 mentions in the last 5 minutes, 5.1× the usual 80"},
		{"negative", func(a *Alert) { a.Metric = MetricNegative; a.Observed, a.Expected = 256, 14 },
			"Acme: 256 negative mentions in the last hour, 18.3× the usual 14 (negative 62%, usually 18%)"},
		{"reach", func(a *Alert) {
			a.Metric = MetricReach
			a.Observed, a.Expected = 1_240_000, 200_000
			a.Sentiment = Sentiment{}
		},
			"Acme: reach 1.2M in the last hour, 6.2× the usual 200k"},
		{"share of voice drop", func(a *Alert) {
			a.Metric = MetricShareOfVoice
			a.Observed, a.Expected = 0.12, 0.31
			a.Sentiment = Sentiment{}
		},
			"Acme: share of voice 12% in the last hour, down from the usual 31%"},
		{"no baseline", func(a *Alert) { a.Expected = 0; a.Sentiment = Sentiment{} },
			"Acme: 412 mentions in the last hour, usually none"},
		{"one mention, day window", func(a *Alert) { a.Observed, a.Expected, a.Window = 1, 0.5, "24h"; a.Sentiment = Sentiment{} },
			"Acme: 1 mention in the last day, 2.0× the usual 1"},
		{"updated", func(a *Alert) { a.State = StateUpdated },
			"Update: Acme: 412 mentions in the last hour, 5.1× the usual 80 (negative 62%, usually 18%)"},
		{"resolved", func(a *Alert) { a.State = StateResolved; a.Sentiment = Sentiment{} },
			"Resolved: Acme: 412 mentions in the last hour, 5.1× the usual 80"},
		{"unparsable window", func(a *Alert) { a.Window = "week"; a.Sentiment = Sentiment{} },
			"Acme: 412 mentions in the last week, 5.1× the usual 80"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := sample()
			tt.edit(&a)
			if got := a.Summary(); got != tt.want {
				t.Errorf("Summary()\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestText(t *testing.T) {
	a := sample()
	a.TopMentions = append(a.TopMentions, a.TopMentions...)
	a.TopMentions = append(a.TopMentions, a.TopMentions...) // 8: more than shown
	text := a.Text()
	for _, want := range []string{
		a.Summary() + "\n",
		"Window:       2026-11-03 14:00–15:00 UTC (1h buckets)",
		"Observed:     412 (expected 80, score 0.97)",
		"Sentiment:    100 positive, 56 neutral, 256 negative (62% negative, usually 18%)",
		"Top terms:    #acmedown, outage, checkout",
		"Top networks: x 300, reddit 80, mastodon 32",
		"1. @bigvoice on x (reach 120k): Acme's checkout",
		"   https://x.com/bigvoice/status/1",
		"Dashboard: " + a.DashboardURL,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("Text() lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "6. ") {
		t.Errorf("Text() lists more than %d mentions:\n%s", MaxTopMentions, text)
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"line\nbreaks  and\tspaces", 40, "line breaks and spaces"},
		{"ünïcödé text here", 6, "ünïcö…"},
	}
	for _, tt := range tests {
		if got := clip(tt.in, tt.n); got != tt.want {
			t.Errorf("clip(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
