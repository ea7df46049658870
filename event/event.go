// Package event defines earshot's domain events and the versioned JSON
// envelope every topic carries. Stages meet only here and at Kafka topics.
package event

import (
	"encoding/json"
	"fmt"
	"time"

	gojson "github.com/goccy/go-json"
)

// Schema names, one per event kind and version. The name travels in the
// envelope so a reader can tell what data holds before decoding it.
const (
	SchemaMention         = "earshot/mention/v1"
	SchemaPostMetrics     = "earshot/post_metrics/v1"
	SchemaAudience        = "earshot/audience/v1"
	SchemaConversion      = "earshot/conversion/v1"
	SchemaAdSpend         = "earshot/ad_spend/v1"
	SchemaEnrichedMention = "earshot/enriched_mention/v1"
)

// Envelope wraps every message. ID is "source:native_id": stable across
// re-collection, so it serves as the Kafka key and the dedup key.
type Envelope struct {
	Schema      string          `json:"schema"`
	ID          string          `json:"id"`
	Source      string          `json:"source"`
	CollectedAt time.Time       `json:"collected_at"`
	Data        json.RawMessage `json:"data"`

	// checked is set by Validator.Parse and Validator.Check, so a
	// publisher does not validate twice what its caller just validated
	// (schema validation is most of the cost of publishing).
	checked bool
}

// Checked reports whether the envelope passed Validator.Parse or
// Validator.Check. An envelope changed after that must be checked again.
func (e Envelope) Checked() bool { return e.checked }

// Author is who wrote a mention.
type Author struct {
	ID        string `json:"id"`
	Handle    string `json:"handle,omitempty"`
	Name      string `json:"name,omitempty"`
	Followers uint64 `json:"followers,omitempty"`
}

// Mention kinds.
const (
	KindPost    = "post"
	KindComment = "comment"
	KindReply   = "reply"
	KindArticle = "article"
	KindReview  = "review"
)

// Mention is a post, comment, reply, article or review that may mention a
// brand. Counters are what the platform reported at collection time.
type Mention struct {
	Network   string    `json:"network"`
	NativeID  string    `json:"native_id"`
	Kind      string    `json:"kind"`
	URL       string    `json:"url,omitempty"`
	Author    Author    `json:"author"`
	Title     string    `json:"title,omitempty"`
	Text      string    `json:"text"`
	Lang      string    `json:"lang,omitempty"`
	Country   string    `json:"country,omitempty"`
	Site      string    `json:"site,omitempty"`
	Rating    *float64  `json:"rating,omitempty"`
	ParentID  string    `json:"parent_id,omitempty"`
	Likes     uint64    `json:"likes,omitempty"`
	Shares    uint64    `json:"shares,omitempty"`
	Comments  uint64    `json:"comments,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// PostMetrics is one observation of an own post's counters. Later
// observations of the same post replace earlier ones downstream.
type PostMetrics struct {
	Network     string    `json:"network"`
	Account     string    `json:"account"`
	PostID      string    `json:"post_id"`
	URL         string    `json:"url,omitempty"`
	Campaign    string    `json:"campaign,omitempty"`
	PublishedAt time.Time `json:"published_at"`
	ObservedAt  time.Time `json:"observed_at"`
	Impressions uint64    `json:"impressions"`
	Reach       uint64    `json:"reach"`
	Likes       uint64    `json:"likes"`
	Comments    uint64    `json:"comments"`
	Shares      uint64    `json:"shares"`
	Saves       uint64    `json:"saves"`
	Clicks      uint64    `json:"clicks"`
	VideoViews  uint64    `json:"video_views"`
}

// AudienceSnapshot is the follower count of one own account at one moment.
type AudienceSnapshot struct {
	Network    string    `json:"network"`
	Account    string    `json:"account"`
	Followers  uint64    `json:"followers"`
	ObservedAt time.Time `json:"observed_at"`
}

// Conversion is a website or CRM conversion, attributed by its UTM tags.
type Conversion struct {
	OccurredAt  time.Time `json:"occurred_at"`
	Type        string    `json:"type"`
	Value       float64   `json:"value"`
	Currency    string    `json:"currency,omitempty"`
	UTMSource   string    `json:"utm_source,omitempty"`
	UTMMedium   string    `json:"utm_medium,omitempty"`
	UTMCampaign string    `json:"utm_campaign,omitempty"`
}

// AdSpend is what one campaign cost on one network on one day.
type AdSpend struct {
	Date        string  `json:"date"` // YYYY-MM-DD, in the ad account's time zone
	Network     string  `json:"network"`
	Campaign    string  `json:"campaign"`
	Spend       float64 `json:"spend"`
	Currency    string  `json:"currency"`
	Impressions uint64  `json:"impressions,omitempty"`
	Clicks      uint64  `json:"clicks,omitempty"`
}

// Sentiment labels.
const (
	Positive = "positive"
	Neutral  = "neutral"
	Negative = "negative"
)

// Sentiment is a score in [-1, 1] and its label.
type Sentiment struct {
	Score float64 `json:"score"`
	Label string  `json:"label"`
}

// Brand roles.
const (
	RoleOwn        = "own"
	RoleCompetitor = "competitor"
)

// BrandMatch names a brand's listening query that matched a mention.
// Sentiment is that of the sentences naming the brand: a post can praise
// one brand and attack another. Nil when no sentiment step ran.
type BrandMatch struct {
	Name      string     `json:"name"`
	Role      string     `json:"role"`
	Sentiment *Sentiment `json:"sentiment,omitempty"`
}

// Intents.
const (
	IntentComplaint = "complaint"
	IntentQuestion  = "question"
	IntentPraise    = "praise"
	IntentPurchase  = "purchase_intent"
	IntentOther     = "other"
)

// Link is a URL found in a mention, with its host and UTM tags.
type Link struct {
	URL         string `json:"url"`
	Domain      string `json:"domain"`
	UTMSource   string `json:"utm_source,omitempty"`
	UTMMedium   string `json:"utm_medium,omitempty"`
	UTMCampaign string `json:"utm_campaign,omitempty"`
}

// Entity is a named entity found in a mention.
type Entity struct {
	Text  string `json:"text"`
	Label string `json:"label"` // PERSON, GPE, ORG … as the tagger names them
}

// Duplicate kinds.
const (
	DupExact = "exact"
	DupNear  = "near"
)

// Duplicate says a mention repeats an earlier one: Cluster is the event id
// of the first mention of its cluster. Duplicates are kept and marked, not
// dropped, so analysts can count stories or mentions as they need.
type Duplicate struct {
	Cluster string `json:"cluster"`
	Kind    string `json:"kind"`
}

// Reach bases: where potential reach came from.
const (
	ReachFollowers  = "followers"
	ReachSiteVisits = "site_visits"
)

// EnrichedMention is a mention with the enricher's tags. Everything after
// Brands is filled by optional steps and absent when its step is off.
type EnrichedMention struct {
	Mention   Mention      `json:"mention"`
	Lang      string       `json:"lang"`
	Sentiment Sentiment    `json:"sentiment"`
	Brands    []BrandMatch `json:"brands"`
	Topics    []string     `json:"topics,omitempty"`    // topic queries that matched
	Campaigns []string     `json:"campaigns,omitempty"` // campaign queries that matched

	Intent        string   `json:"intent,omitempty"`
	NeedsResponse bool     `json:"needs_response,omitempty"` // a complaint or question to the own brand
	Crisis        []string `json:"crisis,omitempty"`         // configured crisis terms found
	OwnAuthor     bool     `json:"own_author,omitempty"`     // written by one of the own accounts

	Hashtags []string `json:"hashtags,omitempty"` // lower case, without '#'
	Handles  []string `json:"handles,omitempty"`  // lower case, without '@'
	Links    []Link   `json:"links,omitempty"`
	Emojis   []string `json:"emojis,omitempty"`
	Keywords []string `json:"keywords,omitempty"`
	Entities []Entity `json:"entities,omitempty"`

	Duplicate *Duplicate `json:"duplicate,omitempty"`
	SpamScore float64    `json:"spam_score,omitempty"` // 0 (clean) to 1 (certainly spam or a bot)

	Reach      uint64    `json:"reach"`
	ReachBasis string    `json:"reach_basis,omitempty"` // followers | site_visits
	EnrichedAt time.Time `json:"enriched_at"`
}

// ID builds the stable event id of an item from its source and native id.
func ID(source, nativeID string) string { return source + ":" + nativeID }

// Wrap marshals data into an envelope.
func Wrap(schema, id, source string, collectedAt time.Time, data any) (Envelope, error) {
	raw, err := gojson.Marshal(data)
	if err != nil {
		return Envelope{}, fmt.Errorf("encode %s %s: %w", schema, id, err)
	}
	return Envelope{Schema: schema, ID: id, Source: source, CollectedAt: collectedAt.UTC(), Data: raw}, nil
}

// Encode marshals an envelope to its wire form. Data is written as it is
// when it is compact JSON already (what Wrap makes), rather than compacted
// again by the JSON encoder, which was a third of a producer's CPU time.
func (e Envelope) Encode() ([]byte, error) {
	at, err := e.CollectedAt.MarshalJSON()
	if err != nil || len(e.Data) == 0 || !compact(e.Data) {
		b, err := json.Marshal(e)
		if err != nil {
			return nil, fmt.Errorf("encode envelope %s: %w", e.ID, err)
		}
		return b, nil
	}
	b := make([]byte, 0, len(e.Data)+len(e.Schema)+len(e.ID)+len(e.Source)+80)
	b = append(b, `{"schema":`...)
	b = appendString(b, e.Schema)
	b = append(b, `,"id":`...)
	b = appendString(b, e.ID)
	b = append(b, `,"source":`...)
	b = appendString(b, e.Source)
	b = append(b, `,"collected_at":`...)
	b = append(b, at...)
	b = append(b, `,"data":`...)
	b = append(b, e.Data...)
	return append(b, '}'), nil
}

// compact reports whether raw is a JSON object that encoding/json would
// copy unchanged: it starts with '{' and holds no insignificant
// whitespace outside strings. Validity is the producer's: Wrap marshalled
// it, and Validator.Parse checked it.
func compact(raw []byte) bool {
	if raw[0] != '{' {
		return false
	}
	inString, escaped := false, false
	for _, c := range raw {
		switch {
		case escaped:
			escaped = false
		case inString:
			if c == '\\' {
				escaped = true
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == ' ' || c == '\n' || c == '\t' || c == '\r':
			return false
		}
	}
	return !inString
}

// appendString appends s as a JSON string, exactly as encoding/json
// writes it (HTML-safe escapes, invalid UTF-8 replaced).
func appendString(b []byte, s string) []byte {
	simple := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			simple = false
			break
		}
	}
	if simple {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	q, _ := json.Marshal(s) // a string always marshals
	return append(b, q...)
}

// Decode unmarshals e.Data into v, which must match e.Schema.
func (e Envelope) Decode(v any) error {
	if err := json.Unmarshal(e.Data, v); err != nil {
		return fmt.Errorf("decode %s %s: %w", e.Schema, e.ID, err)
	}
	return nil
}
