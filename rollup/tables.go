package rollup

import (
	"fmt"
	"slices"
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

// Where the sink finds a mention row's id and created_at.
var (
	mentionIDCol      = slices.Index(mentionsTable.columns, "id")
	mentionCreatedCol = slices.Index(mentionsTable.columns, "created_at")
)

var mentionsTable = table{
	name: "mentions",
	columns: []string{"id", "source", "network", "kind", "url", "author_id", "author_handle", "author_followers",
		"title", "text", "lang", "country", "site", "rating", "likes", "shares", "comments", "reach",
		"sentiment", "sentiment_label", "brands", "brand_roles", "created_at", "collected_at", "enriched_at",
		"native_id", "parent_id", "brand_sentiments", "topics", "campaigns", "intent", "needs_response", "crisis",
		"own_author", "hashtags", "handles", "links", "link_domains", "utm_campaigns", "emojis", "keywords",
		"entities", "entity_labels", "dup_cluster", "dup_kind", "spam_score", "reach_basis",
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
		// []float64: the store encodes no []float32; the column is Float32.
		brandSent := make([]float64, len(em.Brands))
		for i, b := range em.Brands {
			names[i], roles[i] = b.Name, b.Role
			brandSent[i] = em.Sentiment.Score
			if b.Sentiment != nil {
				brandSent[i] = b.Sentiment.Score
			}
		}
		links := make([]string, len(em.Links))
		domains := make([]string, len(em.Links))
		var utmCampaigns []string
		for i, l := range em.Links {
			links[i], domains[i] = l.URL, l.Domain
			if l.UTMCampaign != "" {
				utmCampaigns = append(utmCampaigns, l.UTMCampaign)
			}
		}
		entities := make([]string, len(em.Entities))
		labels := make([]string, len(em.Entities))
		for i, e := range em.Entities {
			entities[i], labels[i] = e.Text, e.Label
		}
		var dupCluster, dupKind string
		if em.Duplicate != nil {
			dupCluster, dupKind = em.Duplicate.Cluster, em.Duplicate.Kind
		}
		return []any{env.ID, env.Source, m.Network, m.Kind, m.URL, m.Author.ID, m.Author.Handle, m.Author.Followers,
			m.Title, m.Text, em.Lang, m.Country, m.Site, float32(rating), m.Likes, m.Shares, m.Comments, em.Reach,
			float32(em.Sentiment.Score), em.Sentiment.Label, names, roles, m.CreatedAt, env.CollectedAt, em.EnrichedAt,
			m.NativeID, m.ParentID, brandSent, nonNil(em.Topics), nonNil(em.Campaigns), em.Intent, boolU8(em.NeedsResponse),
			nonNil(em.Crisis), boolU8(em.OwnAuthor), nonNil(em.Hashtags), nonNil(em.Handles), links, domains,
			nonNil(utmCampaigns), nonNil(em.Emojis), nonNil(em.Keywords), entities, labels, dupCluster, dupKind,
			float32(em.SpamScore), em.ReachBasis}, nil
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

// nonNil gives array columns an empty array rather than a nil slice, which
// not every driver accepts.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func boolU8(b bool) uint8 {
	if b {
		return 1
	}
	return 0
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
