// Package fileimport turns platform exports and hand-made files (CSV or
// JSONL) into earshot events: own-post metrics, audience snapshots,
// conversions, ad spend and mentions. Built-in presets know the columns
// of the common exports (Meta Business Suite, LinkedIn, X analytics,
// Google Ads, Meta Ads Manager, GA4); custom mappings name the columns of
// any other file. Every row gets a stable id from its natural key, so
// importing a file twice counts nothing twice.
package fileimport

import (
	"fmt"
	"slices"
	"strings"

	"github.com/earshot-dev/earshot/event"
)

// Kind is what a file holds.
type Kind string

// The kinds of file an import takes.
const (
	PostMetrics Kind = "post-metrics"
	Audience    Kind = "audience"
	Conversions Kind = "conversions"
	AdSpend     Kind = "ad-spend"
	Mentions    Kind = "mentions"
)

// Kinds lists every kind, for help texts.
var Kinds = []Kind{PostMetrics, Audience, Conversions, AdSpend, Mentions}

// ParseKind reads a --kind value.
func ParseKind(s string) (Kind, error) {
	k := Kind(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(Kinds, k) {
		return k, nil
	}
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = string(k)
	}
	return "", fmt.Errorf("unknown kind %q: use one of %s", s, strings.Join(names, ", "))
}

// Schema is the event schema rows of the kind become.
func (k Kind) Schema() string {
	switch k {
	case PostMetrics:
		return event.SchemaPostMetrics
	case Audience:
		return event.SchemaAudience
	case Conversions:
		return event.SchemaConversion
	case AdSpend:
		return event.SchemaAdSpend
	}
	return event.SchemaMention
}

// Noun names n events of the kind in a summary line.
func (k Kind) Noun(n int) string {
	one := map[Kind][2]string{
		PostMetrics: {"post metrics", "post metrics"},
		Audience:    {"audience snapshot", "audience snapshots"},
		Conversions: {"conversion", "conversions"},
		AdSpend:     {"ad spend row", "ad spend rows"},
		Mentions:    {"mention", "mentions"},
	}[k]
	if n == 1 {
		return one[0]
	}
	return one[1]
}

// field is one value a row can carry: an event field, or a helper such as
// the text a post's campaign is read from.
type field int

const (
	fID field = iota // the row's own id (an order number): the natural key when given
	fNetwork
	fAccount
	fPostID
	fURL
	fCampaign
	fPublishedAt
	fObservedAt
	fImpressions
	fReach
	fLikes
	fComments
	fShares
	fSaves
	fClicks
	fVideoViews
	fText
	fFollowers
	fOccurredAt
	fType
	fValue
	fCurrency
	fUTMSource
	fUTMMedium
	fUTMCampaign
	fUTMSourceMedium
	fCount
	fDate
	fDateEnd
	fSpend
	fNativeID
	fKind
	fAuthorID
	fAuthorHandle
	fAuthorName
	fAuthorFollowers
	fTitle
	fLang
	fCountry
	fSite
	fRating
	fParentID
	fCreatedAt
	numFields
)

var fieldNames = [numFields]string{
	"id", "network", "account", "post_id", "url", "campaign", "published_at", "observed_at",
	"impressions", "reach", "likes", "comments", "shares", "saves", "clicks", "video_views", "text",
	"followers", "occurred_at", "type", "value", "currency", "utm_source", "utm_medium", "utm_campaign",
	"utm_source_medium", "count", "date", "date_end", "spend", "native_id", "kind", "author_id",
	"author_handle", "author_name", "author_followers", "title", "lang", "country", "site", "rating",
	"parent_id", "created_at",
}

func (f field) String() string { return fieldNames[f] }

func fieldByName(name string) (field, bool) {
	for i, n := range fieldNames {
		if n == name {
			return field(i), true
		}
	}
	return 0, false
}

// kindFields says which fields a kind takes and which of them a row must
// have.
var kindFields = map[Kind]struct{ required, optional []field }{
	PostMetrics: {
		required: []field{fNetwork, fAccount, fPostID, fPublishedAt},
		optional: []field{fID, fURL, fCampaign, fObservedAt, fImpressions, fReach, fLikes, fComments, fShares, fSaves, fClicks, fVideoViews, fText},
	},
	Audience: {
		required: []field{fNetwork, fAccount, fFollowers},
		optional: []field{fID, fObservedAt},
	},
	Conversions: {
		required: []field{fOccurredAt, fType},
		optional: []field{fID, fValue, fCurrency, fUTMSource, fUTMMedium, fUTMCampaign, fUTMSourceMedium, fCount},
	},
	AdSpend: {
		required: []field{fDate, fNetwork, fCampaign, fSpend, fCurrency},
		optional: []field{fID, fAccount, fDateEnd, fImpressions, fClicks},
	},
	Mentions: {
		required: []field{fNetwork, fNativeID, fKind, fAuthorID, fText, fCreatedAt},
		optional: []field{fID, fURL, fAuthorHandle, fAuthorName, fAuthorFollowers, fTitle, fLang, fCountry, fSite, fRating, fParentID, fLikes, fShares, fComments},
	},
}

func (k Kind) takes(f field) bool {
	kf := kindFields[k]
	return slices.Contains(kf.required, f) || slices.Contains(kf.optional, f)
}

// FieldNames lists the fields a kind takes, required ones first, for
// error messages and docs.
func (k Kind) FieldNames() (required, optional []string) {
	kf := kindFields[k]
	for _, f := range kf.required {
		required = append(required, f.String())
	}
	for _, f := range kf.optional {
		optional = append(optional, f.String())
	}
	return required, optional
}
