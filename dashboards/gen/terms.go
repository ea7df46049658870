package main

import (
	"strconv"
	"strings"
)

// Term panels (languages, sources, hashtags, keywords) read the whole UTC
// days of the range from mention_terms_daily, which the view keeps per
// day, and only the rest — the partial first and last day, or all of a
// range shorter than a day — from mentions. Thirty days at 10M mentions
// then read a few thousand aggregated rows plus two partial days instead
// of every mention (docs/metrics.md: the view counts an item collected
// twice twice, the mentions part does not).
const (
	// The first whole day of the range, and the day the range ends in,
	// which is never whole: Grafana's ranges end at "now" or at 23:59:59.999.
	fullDaysFrom = "(toDate($__fromTime) + (toStartOfDay($__fromTime) != $__fromTime))"
	fullDaysTo   = "toDate($__toTime)"

	// isAllCampaigns is true when the campaign variable is All.
	isAllCampaigns = "$__conditionalAll(0, $campaign)"
)

// termKind is one kind of mention_terms_daily term with how the same term
// reads off a mention: factJoin is an ARRAY JOIN expression for the kinds a
// mention has several of, else factTerm is a scalar expression.
type termKind struct {
	kind, factJoin, factTerm string
}

var (
	termLanguage = termKind{kind: "lang", factTerm: "if(lang = '', 'unknown', toString(lang))"}
	termSource   = termKind{kind: "source", factTerm: "toString(source)"}
	termHashtag  = termKind{kind: "hashtag", factJoin: "arrayDistinct(hashtags)"}
	termKeyword  = termKind{kind: "keyword", factJoin: "arrayDistinct(keywords)"}
)

// termCounts is a subquery with one row per term and network of the
// brand's mentions in the range: term, network, n (mentions), pos and neg
// (positive and negative mentions); group its rows by term. With some
// campaigns selected, a mention counts once for each selected campaign it
// belongs to, as in mention_terms_daily (whose rows for the empty
// campaign count every mention once: All reads those).
func termCounts(k termKind) string {
	term, join := k.factTerm+" AS term", ""
	if k.factJoin != "" {
		term, join = "term", "\n\t\t\t  ARRAY JOIN "+k.factJoin+" AS term"
	}
	q := `
			SELECT term, network, countMerge(mentions) AS n, sumMerge(positive) AS pos, sumMerge(negative) AS neg
			FROM mention_terms_daily
			WHERE brand IN (${brand:singlequote})
			  AND kind = '{KIND}'
			  AND has(if({ALL}, [''], [${campaign:singlequote}]), campaign)
			  AND day >= {FROM} AND day < {TO}
			  AND ` + networkFilter + `
			GROUP BY term, network
			UNION ALL
			SELECT {TERM}, network, count() AS n,
			  countIf(sentiment_label = 'positive') AS pos, countIf(sentiment_label = 'negative') AS neg
			FROM mentions FINAL
			  ARRAY JOIN if({ALL}, [''], arrayIntersect(campaigns, [${campaign:singlequote}])) AS campaign{JOIN}
			WHERE $__timeFilter_ms(created_at)
			  AND NOT (created_at >= toDateTime({FROM}) AND created_at < toDateTime({TO}))
			  AND ` + hasBrand + `
			  AND ` + networkFilter + `
			GROUP BY term, network`
	return strings.NewReplacer("{KIND}", k.kind, "{ALL}", isAllCampaigns, "{FROM}", fullDaysFrom, "{TO}", fullDaysTo,
		"{TERM}", term, "{JOIN}", join).Replace(q)
}

// topTerms is a term panel's query: label (an expression over term and
// network, named alias) with its mentions and any extra columns computed
// from n, pos and neg, largest first.
func topTerms(label, alias string, k termKind, limit int, extra ...string) string {
	cols := label + ",\n\t\t  sum(n) AS mentions"
	for _, e := range extra {
		cols += ",\n\t\t  " + e
	}
	return `
		SELECT
		  ` + cols + `
		FROM
		(` + termCounts(k) + `
		)
		GROUP BY ` + alias + `
		ORDER BY mentions DESC, ` + alias + `
		LIMIT ` + strconv.Itoa(limit)
}
