package notify

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Summary is the alert in one line, e.g. "Acme: 412 mentions in the last
// hour, 5.1× the usual 80 (negative 62%, usually 18%)". Updates and
// resolutions say so first, since the line is also an email subject.
func (a Alert) Summary() string {
	var b strings.Builder
	switch a.State {
	case StateResolved:
		b.WriteString("Resolved: ")
	case StateUpdated:
		b.WriteString("Update: ")
	}
	fmt.Fprintf(&b, "%s: %s in %s, %s", a.Brand, a.observedPhrase(), windowPhrase(a.Window), a.comparison())
	if s := a.Sentiment; s.Total() > 0 {
		fmt.Fprintf(&b, " (negative %s, usually %s)", percent(s.NegativeShare()), percent(s.NegativeBefore))
	}
	return b.String()
}

// Title is a short heading: what spiked, for whom, in which window.
func (a Alert) Title() string {
	what := map[string]string{
		MetricMentions:     "mention spike",
		MetricNegative:     "negative mention spike",
		MetricReach:        "reach spike",
		MetricShareOfVoice: "share of voice drop",
	}[a.Metric]
	if what == "" {
		what = a.Metric + " anomaly"
	}
	title := fmt.Sprintf("%s: %s (%s)", a.Brand, what, a.Window)
	if a.State == StateResolved {
		return "Resolved: " + title
	}
	return title
}

func (a Alert) observedPhrase() string {
	switch a.Metric {
	case MetricMentions:
		return plural(a.Observed, "mention")
	case MetricNegative:
		return plural(a.Observed, "negative mention")
	case MetricReach:
		return "reach " + compact(a.Observed)
	case MetricShareOfVoice:
		return "share of voice " + percent(a.Observed)
	}
	return a.Metric + " " + compact(a.Observed)
}

func (a Alert) value(v float64) string {
	switch a.Metric {
	case MetricShareOfVoice:
		return percent(v)
	case MetricReach:
		return compact(v)
	}
	return count(v)
}

// comparison puts the observed value against the baseline. A drop reads
// "down from" because "0.4× the usual" is hard to take in at a glance.
func (a Alert) comparison() string {
	usual := a.value(a.Expected)
	switch {
	case a.Expected <= 0:
		return "usually none"
	case a.Observed < a.Expected:
		return "down from the usual " + usual
	}
	return fmt.Sprintf("%s× the usual %s", strconv.FormatFloat(a.Observed/a.Expected, 'f', 1, 64), usual)
}

// windowPhrase turns "1h" into "the last hour" and "5m" into "the last 5
// minutes"; anything else is shown as given.
func windowPhrase(w string) string {
	d, err := time.ParseDuration(w)
	if err != nil || d <= 0 {
		return "the last " + w
	}
	unit := func(n int64, one string) string {
		if n == 1 {
			return "the last " + one
		}
		return fmt.Sprintf("the last %d %ss", n, one)
	}
	switch {
	case d%(24*time.Hour) == 0:
		return unit(int64(d/(24*time.Hour)), "day")
	case d%time.Hour == 0:
		return unit(int64(d/time.Hour), "hour")
	case d%time.Minute == 0:
		return unit(int64(d/time.Minute), "minute")
	}
	return "the last " + d.String()
}

func count(v float64) string { return strconv.FormatFloat(math.Round(v), 'f', 0, 64) }

func plural(v float64, noun string) string {
	if math.Round(v) == 1 {
		return "1 " + noun
	}
	return count(v) + " " + noun + "s"
}

func percent(f float64) string { return count(f*100) + "%" }

// compact writes large numbers the way people say them: 1.2M, 48k.
func compact(v float64) string {
	abs := math.Abs(v)
	for _, u := range []struct {
		div    float64
		suffix string
	}{{1e9, "B"}, {1e6, "M"}, {1e3, "k"}} {
		if abs >= u.div {
			s := strconv.FormatFloat(v/u.div, 'f', 1, 64)
			return strings.TrimSuffix(s, ".0") + u.suffix
		}
	}
	return count(v)
}

// clip shortens s to at most n runes, marking the cut with an ellipsis,
// and folds its whitespace so a post's line breaks do not break layouts.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// timeRange writes the alert's window in UTC, the date once.
func (a Alert) timeRange() string {
	s, e := a.Start.UTC(), a.End.UTC()
	if s.IsZero() {
		return e.Format("2006-01-02 15:04 UTC")
	}
	if s.YearDay() == e.YearDay() && s.Year() == e.Year() {
		return s.Format("2006-01-02 15:04") + "–" + e.Format("15:04 UTC")
	}
	return s.Format("2006-01-02 15:04") + " – " + e.Format("2006-01-02 15:04 UTC")
}

func (s Sentiment) String() string {
	return fmt.Sprintf("%d positive, %d neutral, %d negative (%s negative, usually %s)",
		s.Positive, s.Neutral, s.Negative, percent(s.NegativeShare()), percent(s.NegativeBefore))
}

func joinCounts(cs []Count) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = fmt.Sprintf("%s %d", c.Name, c.N)
	}
	return strings.Join(parts, ", ")
}

// Text is the alert as plain text, for email and any channel without
// formatting.
func (a Alert) Text() string {
	var b strings.Builder
	line := func(label, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%-13s %s\n", label+":", v)
		}
	}
	b.WriteString(a.Summary() + "\n\n")
	line("State", a.State)
	line("Window", fmt.Sprintf("%s (%s buckets)", a.timeRange(), a.Window))
	line("Observed", fmt.Sprintf("%s (expected %s, score %.2f)", a.value(a.Observed), a.value(a.Expected), a.Score))
	if a.Sentiment.Total() > 0 {
		line("Sentiment", a.Sentiment.String())
	}
	line("Top terms", strings.Join(a.TopTerms, ", "))
	line("Top networks", joinCounts(a.TopNetworks))
	if ms := a.topMentions(); len(ms) > 0 {
		b.WriteString("\nTop mentions by reach:\n")
		for i, m := range ms {
			fmt.Fprintf(&b, "%d. %s on %s (reach %s): %s\n", i+1, m.Author, m.Network, compact(float64(m.Reach)), clip(m.Text, 200))
			if m.URL != "" {
				fmt.Fprintf(&b, "   %s\n", m.URL)
			}
		}
	}
	if a.DashboardURL != "" {
		fmt.Fprintf(&b, "\nDashboard: %s\n", a.DashboardURL)
	}
	return b.String()
}
