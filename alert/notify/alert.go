// Package notify delivers spike alerts to the people on duty: Slack,
// a signed generic webhook, email over SMTP and Prometheus Alertmanager.
// Every channel gets the same Alert, which says what the spike is about
// (cause, top sources, top terms, sentiment) rather than a bare number.
package notify

import (
	"time"
)

// Alert states: one spike is one alert, first firing, then updated while
// it grows or changes, then resolved.
const (
	StateFiring   = "firing"
	StateUpdated  = "updated"
	StateResolved = "resolved"
)

// Metrics an alert can be about.
const (
	MetricMentions     = "mentions"
	MetricNegative     = "negative"
	MetricReach        = "reach"
	MetricShareOfVoice = "share_of_voice"
)

// Alert is what one notification says about one spike.
type Alert struct {
	// GroupKey is stable for one brand, metric, window and episode start,
	// so receivers can fold firing, updates and resolution into one item.
	GroupKey string `json:"group_key"`
	State    string `json:"state"`
	Brand    string `json:"brand"`
	Metric   string `json:"metric"`
	// Window is the bucket the counts cover, as a Go duration ("5m", "1h").
	Window string    `json:"window"`
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	// Observed and Expected are counts for mentions and negative, summed
	// author followers for reach, and fractions in [0,1] for share of
	// voice. Score is the detector's confidence in [0,1].
	Observed     float64   `json:"observed"`
	Expected     float64   `json:"expected"`
	Score        float64   `json:"score"`
	Sentiment    Sentiment `json:"sentiment"`
	TopMentions  []Mention `json:"top_mentions"`
	TopTerms     []string  `json:"top_terms"`
	TopNetworks  []Count   `json:"top_networks"`
	DashboardURL string    `json:"dashboard_url,omitempty"`
}

// Sentiment splits the window's mentions; NegativeBefore is the negative
// share (0..1) of the baseline, so a reader sees whether the mood changed.
type Sentiment struct {
	Positive       int     `json:"positive"`
	Neutral        int     `json:"neutral"`
	Negative       int     `json:"negative"`
	NegativeBefore float64 `json:"negative_before"`
}

// Total is the number of mentions with a sentiment.
func (s Sentiment) Total() int { return s.Positive + s.Neutral + s.Negative }

// NegativeShare is the negative fraction now, 0 when nothing was scored.
func (s Sentiment) NegativeShare() float64 {
	if s.Total() == 0 {
		return 0
	}
	return float64(s.Negative) / float64(s.Total())
}

// Mention is one of the posts driving the spike, the highest-reach first.
type Mention struct {
	Network string `json:"network"`
	Author  string `json:"author"`
	Text    string `json:"text"`
	URL     string `json:"url"`
	Reach   uint64 `json:"reach"`
}

// Count is a name with how many mentions it had.
type Count struct {
	Name string `json:"name"`
	N    int    `json:"n"`
}

// MaxTopMentions is how many mentions an alert shows: enough to see the
// cause, few enough to read on a phone.
const MaxTopMentions = 5

// topMentions caps the list so a detector that passes more does not blow
// up a Slack message or an email.
func (a Alert) topMentions() []Mention {
	if len(a.TopMentions) > MaxTopMentions {
		return a.TopMentions[:MaxTopMentions]
	}
	return a.TopMentions
}

// withLists gives empty lists instead of nil ones, so JSON receivers get
// [] rather than null and need no special case.
func (a Alert) withLists() Alert {
	if a.TopMentions == nil {
		a.TopMentions = []Mention{}
	}
	a.TopMentions = a.topMentions()
	if a.TopTerms == nil {
		a.TopTerms = []string{}
	}
	if a.TopNetworks == nil {
		a.TopNetworks = []Count{}
	}
	return a
}
