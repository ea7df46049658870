package rollup

import (
	"fmt"
	"time"

	"github.com/goccy/go-json"

	"github.com/earshot-dev/earshot/event"
)

// A table the sink fills: its columns and how one envelope becomes a row.
// The last two columns of every table are kafka_partition and kafka_offset,
// appended by the sink.
type table struct {
	name    string
	columns []string
	row     func(env event.Envelope) ([]any, error)
}

var mentionsTable = table{
	name: "mentions",
	columns: []string{"id", "source", "network", "kind", "url", "author_id", "author_handle", "author_followers",
		"title", "text", "lang", "country", "site", "rating", "likes", "shares", "comments", "reach",
		"sentiment", "sentiment_label", "brands", "brand_roles", "created_at", "collected_at", "enriched_at",
		"kafka_partition", "kafka_offset"},
	row: func(env event.Envelope) ([]any, error) {
		var em event.EnrichedMention
		if err := json.Unmarshal(env.Data, &em); err != nil {
			return nil, err
		}
		m := em.Mention
		var rating float64
		if m.Rating != nil {
			rating = *m.Rating
		}
		names := make([]string, len(em.Brands))
		roles := make([]string, len(em.Brands))
		for i, b := range em.Brands {
			names[i], roles[i] = b.Name, b.Role
		}
		return []any{env.ID, env.Source, m.Network, m.Kind, m.URL, m.Author.ID, m.Author.Handle, m.Author.Followers,
			m.Title, m.Text, em.Lang, m.Country, m.Site, float32(rating), m.Likes, m.Shares, m.Comments, em.Reach,
			float32(em.Sentiment.Score), em.Sentiment.Label, names, roles, m.CreatedAt, env.CollectedAt, em.EnrichedAt}, nil
	},
}

var postMetricsTable = table{
	name: "post_metrics",
	columns: []string{"id", "source", "network", "account", "post_id", "url", "campaign", "published_at", "observed_at",
		"impressions", "reach", "likes", "comments", "shares", "saves", "clicks", "video_views",
		"kafka_partition", "kafka_offset"},
	row: func(env event.Envelope) ([]any, error) {
		var p event.PostMetrics
		if err := json.Unmarshal(env.Data, &p); err != nil {
			return nil, err
		}
		return []any{env.ID, env.Source, p.Network, p.Account, p.PostID, p.URL, p.Campaign, p.PublishedAt, p.ObservedAt,
			p.Impressions, p.Reach, p.Likes, p.Comments, p.Shares, p.Saves, p.Clicks, p.VideoViews}, nil
	},
}

var audienceTable = table{
	name:    "audience_snapshots",
	columns: []string{"id", "source", "network", "account", "followers", "observed_at", "kafka_partition", "kafka_offset"},
	row: func(env event.Envelope) ([]any, error) {
		var a event.AudienceSnapshot
		if err := json.Unmarshal(env.Data, &a); err != nil {
			return nil, err
		}
		return []any{env.ID, env.Source, a.Network, a.Account, a.Followers, a.ObservedAt}, nil
	},
}

var conversionsTable = table{
	name: "conversions",
	columns: []string{"id", "source", "occurred_at", "type", "value", "currency", "utm_source", "utm_medium", "utm_campaign",
		"kafka_partition", "kafka_offset"},
	row: func(env event.Envelope) ([]any, error) {
		var c event.Conversion
		if err := json.Unmarshal(env.Data, &c); err != nil {
			return nil, err
		}
		return []any{env.ID, env.Source, c.OccurredAt, c.Type, c.Value, c.Currency, c.UTMSource, c.UTMMedium, c.UTMCampaign}, nil
	},
}

var adSpendTable = table{
	name: "ad_spend",
	columns: []string{"id", "source", "date", "network", "campaign", "spend", "currency", "impressions", "clicks",
		"kafka_partition", "kafka_offset"},
	row: func(env event.Envelope) ([]any, error) {
		var a event.AdSpend
		if err := json.Unmarshal(env.Data, &a); err != nil {
			return nil, err
		}
		if _, err := time.Parse(time.DateOnly, a.Date); err != nil {
			return nil, fmt.Errorf("date %q is not YYYY-MM-DD", a.Date)
		}
		return []any{env.ID, env.Source, a.Date, a.Network, a.Campaign, a.Spend, a.Currency, a.Impressions, a.Clicks}, nil
	},
}

// tableFor routes an envelope by its schema.
func tableFor(schema string) (*table, bool) {
	switch schema {
	case event.SchemaEnrichedMention:
		return &mentionsTable, true
	case event.SchemaPostMetrics:
		return &postMetricsTable, true
	case event.SchemaAudience:
		return &audienceTable, true
	case event.SchemaConversion:
		return &conversionsTable, true
	case event.SchemaAdSpend:
		return &adSpendTable, true
	}
	return nil, false
}

// Tables lists every table the sink writes, for tests and tools.
func Tables() []string {
	return []string{mentionsTable.name, postMetricsTable.name, audienceTable.name, conversionsTable.name, adSpendTable.name}
}
