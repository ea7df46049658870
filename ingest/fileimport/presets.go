package fileimport

import (
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"
)

// The presets read the files the platforms' own export buttons produce.
// Headers are matched case-insensitively, and a field may have several
// candidate headers because the platforms rename columns now and then
// (Meta's "Impressions" became "Views" in 2025; LinkedIn's "Update title"
// became "Post title").

func presets() map[string]*Spec {
	list := []*Spec{
		metaPosts("facebook-posts", "facebook", "Meta Business Suite / Facebook Insights → Content → Export data (posts, CSV)",
			map[field][]string{
				fAccount: {"Page ID", "Page name"}, fLikes: {"Reactions"}, fClicks: {"Total clicks", "Link clicks"},
				fVideoViews: {"3-second video views"}, fText: {"Description", "Title"},
			}),
		metaPosts("instagram-posts", "instagram", "Meta Business Suite / Instagram Insights → Content → Export data (posts, CSV)",
			map[field][]string{
				fAccount: {"Account username", "Account ID", "Account name"}, fLikes: {"Likes"}, fSaves: {"Saves"},
				fVideoViews: {"Plays"}, fText: {"Description"},
			}),
		{
			Name: "linkedin-updates", Kind: PostMetrics,
			Doc: "LinkedIn page analytics → Content → Export (the 'All posts' sheet saved as CSV; give --account, the export names no page)",
			cols: cols(map[field][]string{
				fPostID: {"Post link", "Update link"}, fURL: {"Post link", "Update link"}, fText: {"Post title", "Update title"},
				fPublishedAt: {"Created date"}, fImpressions: {"Impressions"}, fClicks: {"Clicks"}, fLikes: {"Likes", "Reactions"},
				fComments: {"Comments"}, fShares: {"Reposts", "Shares"}, fVideoViews: {"Video views"},
				fCampaign: {"Campaign name"},
			}),
			values: vals(map[field]string{fNetwork: "linkedin"}), layouts: []string{"01/02/2006", "1/2/2006", "2006-01-02"},
			derive: func(_ *Spec, v *rowValues) { v.set(fPostID, linkedInURN(v.get(fPostID))) },
		},
		{
			Name: "x-tweets", Kind: PostMetrics,
			Doc: "X (Twitter) analytics → Tweets → Export data (tweet activity CSV)",
			cols: cols(map[field][]string{
				fPostID: {"Tweet id", "Post id"}, fURL: {"Tweet permalink", "Post Link"}, fText: {"Tweet text", "Post text"},
				fPublishedAt: {"time", "Date"}, fImpressions: {"impressions"}, fLikes: {"likes"}, fComments: {"replies"},
				fShares: {"retweets", "Reposts"}, fClicks: {"url clicks"}, fVideoViews: {"media views"},
			}),
			values:  vals(map[field]string{fNetwork: "x"}),
			derived: []field{fAccount},
			layouts: []string{"2006-01-02 15:04 -0700", "2006-01-02 15:04:05 -0700", "2006-01-02 15:04", "Mon, Jan 02, 2006", "2006-01-02"},
			derive: func(s *Spec, v *rowValues) {
				if !v.has(fAccount) && s.values[fAccount] == "" {
					v.set(fAccount, xHandle(v.get(fURL)))
				}
			},
		},
		{
			Name: "google-ads", Kind: AdSpend,
			Doc: "Google Ads → Campaigns → Download (CSV) with the Day segment",
			cols: cols(map[field][]string{
				fDate: {"Day", "Date"}, fCampaign: {"Campaign"}, fSpend: {"Cost"}, fCurrency: {"Currency code", "Currency"},
				fImpressions: {"Impr.", "Impressions"}, fClicks: {"Clicks"}, fAccount: {"Account", "Customer ID"},
			}),
			values:  vals(map[field]string{fNetwork: "google"}),
			layouts: []string{"2006-01-02", "Mon, Jan 2, 2006", "Jan 2, 2006", "1/2/2006"},
			skip:    []string{"Total:", "Total :"},
		},
		{
			Name: "meta-ads", Kind: AdSpend,
			Doc: "Meta Ads Manager → Reports → Export table data (CSV) with Breakdown → By time → Day",
			cols: cols(map[field][]string{
				fDate: {"Day", "Reporting starts"}, fDateEnd: {"Reporting ends"}, fCampaign: {"Campaign name"},
				fSpend: {"Amount spent"}, fCurrency: {"Currency"}, fImpressions: {"Impressions"},
				fClicks: {"Link clicks", "Clicks (all)"}, fAccount: {"Account ID", "Account name"},
			}),
			values:         vals(map[field]string{fNetwork: "facebook"}),
			layouts:        []string{"2006-01-02"},
			skipIfEmpty:    []field{fCampaign},
			currencyHeader: regexp.MustCompile(`^amount spent \(([a-z]{3})\)$`),
		},
		{
			Name: "ga4-conversions", Kind: Conversions,
			Doc: "Google Analytics 4 → Reports or Explore → Download CSV, with Date and session source, medium and campaign",
			cols: cols(map[field][]string{
				fOccurredAt: {"Date"}, fUTMSource: {"Session source", "First user source", "Source"},
				fUTMMedium:       {"Session medium", "First user medium", "Medium"},
				fUTMCampaign:     {"Session campaign", "Session campaign name", "First user campaign", "Campaign"},
				fUTMSourceMedium: {"Session source / medium", "First user source / medium", "Source / medium"},
				fCount:           {"Key events", "Conversions"}, fValue: {"Total revenue", "Purchase revenue"},
				fType: {"Event name"},
			}),
			values:  vals(map[field]string{fType: "key_event"}),
			layouts: []string{"20060102", "2006-01-02"},
			comment: '#',
			skip:    []string{"Grand total", "Totals"},
		},
	}
	out := make(map[string]*Spec, len(list))
	for _, s := range list {
		if s.loc == nil {
			s.loc = time.UTC
		}
		if s.decimal == 0 {
			s.decimal = '.'
		}
		out[s.Name] = s
	}
	return out
}

// metaPosts is the Meta Business Suite post export, shared by Facebook
// and Instagram with a few columns of their own.
func metaPosts(name, network, doc string, own map[field][]string) *Spec {
	c := map[field][]string{
		fPostID: {"Post ID"}, fURL: {"Permalink"}, fPublishedAt: {"Publish time"},
		fImpressions: {"Impressions", "Views"}, fReach: {"Reach"}, fComments: {"Comments"}, fShares: {"Shares"},
	}
	for f, hs := range own {
		c[f] = hs
	}
	return &Spec{
		Name: name, Kind: PostMetrics, Doc: doc, cols: cols(c),
		values:  vals(map[field]string{fNetwork: network}),
		layouts: []string{"01/02/2006 15:04", "1/2/2006 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05-0700", time.RFC3339},
	}
}

func cols(m map[field][]string) [numFields][]string {
	var out [numFields][]string
	for f, hs := range m {
		for _, h := range hs {
			out[f] = append(out[f], normHeader(h))
		}
	}
	return out
}

func vals(m map[field]string) [numFields]string {
	var out [numFields]string
	for f, v := range m {
		out[f] = v
	}
	return out
}

// PresetNames lists the built-in presets, of one kind or ("") all.
func PresetNames(k Kind) []string {
	var names []string
	for n, s := range presets() {
		if k == "" || s.Kind == k {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// PresetDoc says which export a preset reads.
func PresetDoc(name string) (Kind, string) {
	s := presets()[name]
	if s == nil {
		return "", ""
	}
	return s.Kind, s.Doc
}

var urnPattern = regexp.MustCompile(`urn:li:[a-zA-Z]+:[0-9]+`)

// linkedInURN reads the post's URN from its link: the link may carry
// tracking parameters, the URN does not change.
func linkedInURN(link string) string {
	if u, err := url.PathUnescape(link); err == nil {
		link = u
	}
	if m := urnPattern.FindString(link); m != "" {
		return m
	}
	return link
}

// xHandle reads the account from a tweet permalink
// (https://twitter.com/<handle>/status/<id>).
func xHandle(permalink string) string {
	u, err := url.Parse(strings.TrimSpace(permalink))
	if err != nil {
		return ""
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) >= 3 && parts[1] == "status" && parts[0] != "i" {
		return parts[0]
	}
	return ""
}
