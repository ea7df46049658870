package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Slack posts to a Slack incoming webhook: Block Kit blocks for people,
// and the summary as the text fallback that notifications and screen
// readers use.
type Slack struct {
	// WebhookURL is the incoming webhook's URL. It is a credential.
	WebhookURL string
	Client     *http.Client
}

// Name implements Notifier.
func (s Slack) Name() string { return "slack" }

// Notify implements Notifier.
func (s Slack) Notify(ctx context.Context, a Alert) error {
	body, err := json.Marshal(slackMessage(a))
	if err != nil {
		return Permanent(fmt.Errorf("slack: encode alert %s: %w", a.GroupKey, err))
	}
	h := http.Header{"Content-Type": {"application/json"}}
	return post(ctx, s.Client, "slack", s.WebhookURL, hostOnly(s.WebhookURL), body, h)
}

// Limits from Slack's Block Kit reference.
const (
	slackHeaderMax  = 150
	slackSectionMax = 3000
	slackFieldMax   = 2000
	slackButtonMax  = 75
)

type slackText struct {
	Type string `json:"type"` // plain_text | mrkdwn
	Text string `json:"text"`
}

type slackBlock struct {
	Type     string         `json:"type"`
	Text     *slackText     `json:"text,omitempty"`
	Fields   []slackText    `json:"fields,omitempty"`
	Elements []slackElement `json:"elements,omitempty"`
}

// slackElement is a context text or an actions button.
type slackElement struct {
	Type     string `json:"type"`
	Text     any    `json:"text,omitempty"`
	URL      string `json:"url,omitempty"`
	ActionID string `json:"action_id,omitempty"`
	Style    string `json:"style,omitempty"`
}

type slackPayload struct {
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks"`
}

func plain(s string, n int) *slackText { return &slackText{Type: "plain_text", Text: clip(s, n)} }
func mrkdwn(s string) slackText        { return slackText{Type: "mrkdwn", Text: s} }

// slackEscape escapes the three characters mrkdwn treats as control.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func slackMessage(a Alert) slackPayload {
	summary := slackEscape(a.Summary())
	blocks := []slackBlock{
		{Type: "header", Text: plain(a.Title(), slackHeaderMax)},
		{Type: "section", Text: &slackText{Type: "mrkdwn", Text: summary}},
	}
	fields := []slackText{
		mrkdwn("*Observed*\n" + a.value(a.Observed)),
		mrkdwn(fmt.Sprintf("*Expected*\n%s (score %.2f)", a.value(a.Expected), a.Score)),
		mrkdwn("*Window*\n" + a.timeRange()),
		mrkdwn("*State*\n" + a.State),
	}
	if a.Sentiment.Total() > 0 {
		fields = append(fields, mrkdwn("*Sentiment*\n"+a.Sentiment.String()))
	}
	if len(a.TopNetworks) > 0 {
		fields = append(fields, mrkdwn("*Top networks*\n"+slackEscape(clip(joinCounts(a.TopNetworks), slackFieldMax-20))))
	}
	blocks = append(blocks, slackBlock{Type: "section", Fields: fields})
	if ms := a.topMentions(); len(ms) > 0 {
		blocks = append(blocks, slackBlock{Type: "section", Text: &slackText{Type: "mrkdwn", Text: slackMentions(ms)}})
	}
	if len(a.TopTerms) > 0 {
		terms := slackEscape(clip(strings.Join(a.TopTerms, ", "), slackSectionMax-20))
		blocks = append(blocks, slackBlock{Type: "context", Elements: []slackElement{{Type: "mrkdwn", Text: "*Top terms:* " + terms}}})
	}
	if a.DashboardURL != "" {
		blocks = append(blocks, slackBlock{Type: "actions", Elements: []slackElement{{
			Type:     "button",
			Text:     plain("Open dashboard", slackButtonMax),
			URL:      a.DashboardURL,
			ActionID: "earshot_dashboard",
			Style:    "primary",
		}}})
	}
	return slackPayload{Text: a.Summary(), Blocks: blocks}
}

// slackMentions lists the top mentions, each linked to the post. Each
// line is clipped so five of them stay inside one section's limit.
func slackMentions(ms []Mention) string {
	var b strings.Builder
	b.WriteString("*Top mentions by reach*")
	per := slackSectionMax/len(ms) - 200
	for _, m := range ms {
		who := slackEscape(m.Author + " on " + m.Network)
		if m.URL != "" {
			// A URL's own '|' or '>' would end the link early.
			who = fmt.Sprintf("<%s|%s>", strings.NewReplacer("|", "%7C", ">", "%3E").Replace(m.URL), who)
		}
		fmt.Fprintf(&b, "\n• %s (reach %s): %s", who, compact(float64(m.Reach)), slackEscape(clip(m.Text, per)))
	}
	return b.String()
}
