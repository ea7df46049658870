package main

import (
	"slices"
	"strings"
)

// listening answers "what are people saying about the brand?": volume and
// sentiment over time, the mentions that reach most people, what they talk
// about (hashtags, terms), in which languages and where.
func listening() *dashboard {
	d := newDashboard("earshot-listening", "earshot — listening",
		"Mentions of one brand: volume and sentiment over time, the mentions with the largest reach, top hashtags and terms, languages and sources.",
		"now-7d", "social-listening")
	d.Templating.List = []variable{
		brandVariable(),
		networkVariable(mentionNetworks),
		// From the terms table (a few thousand rows a day) rather than
		// mentions: every mention of a brand has a language and a source
		// there, under each of its campaigns.
		campaignVariable(`
			SELECT DISTINCT campaign
			FROM mention_terms_daily
			WHERE day >= toDate($__fromTime) AND day <= toDate($__toTime)
			  AND campaign != ''
			ORDER BY campaign`, refreshOnTimeRange),
	}
	// Panels over mentions read the fact table (text, links); the campaign
	// filter applies there and in mention_terms_daily: the hourly rollup
	// has no campaign. The top mentions are found in two steps: the 200
	// candidates from each item's first version (recollected = 0, one row
	// per item, no FINAL, so only the sort columns are read), then the
	// latest version of those through FINAL, which reads only their hours.
	// A mention whose followers grew by enough between versions to enter
	// the top 50 from below the top 200 would be missed.
	mentionsWhere := `$__timeFilter_ms(created_at)
		  AND ` + hasBrand + `
		  AND ` + networkFilter + `
		  AND ` + campaignsFilter

	l := d.layout()
	l.add(timeseries("Mentions over time", "Mentions of the brand per time bucket and network (mentions_hourly).", "short", `
		SELECT
		  $__timeInterval(hour) AS time,
		  network,
		  sum(mentions) AS mentions
		FROM mentions_hourly FINAL
		WHERE $__timeFilter(hour)
		  AND network != 'all'
		  AND `+inBrand+`
		  AND `+networkFilter+`
		GROUP BY time, network
		ORDER BY time, network`).stacked(true), 12, 8)
	sent := timeseries("Sentiment over time", "Positive, neutral and negative mentions of the brand per time bucket (mentions_hourly).", "short", `
		SELECT
		  $__timeInterval(hour) AS time,
		  sum(positive) AS positive,
		  sum(neutral) AS neutral,
		  sum(negative) AS negative
		FROM mentions_hourly FINAL
		WHERE $__timeFilter(hour)
		  AND network != 'all'
		  AND `+inBrand+`
		  AND `+networkFilter+`
		GROUP BY time
		ORDER BY time`).stacked(true)
	for name, color := range map[string]string{"positive": "green", "neutral": "text", "negative": "red"} {
		sent.FieldConfig.Overrides = append(sent.FieldConfig.Overrides, override{
			Matcher:    matcher{ID: "byName", Options: name},
			Properties: []property{{ID: "color", Value: defaults("mode", "fixed", "fixedColor", color)}},
		})
	}
	sortOverrides(sent)
	l.add(sent, 12, 8)

	l.add(timeseries("Net sentiment over time", "(positive − negative) ÷ all × 100 per time bucket, from sums (never an average of hourly values).", "none", `
		SELECT
		  $__timeInterval(hour) AS time,
		  round(100 * (toInt64(sum(positive)) - toInt64(sum(negative))) / nullIf(sum(mentions), 0), 1) AS net_sentiment
		FROM mentions_hourly FINAL
		WHERE $__timeFilter(hour)
		  AND network != 'all'
		  AND `+inBrand+`
		  AND `+networkFilter+`
		GROUP BY time
		ORDER BY time`), 12, 7)
	l.add(pieChart("Languages", "Mentions of the brand per language ('unknown' when the enricher could not tell).", "mentions",
		topTerms("term AS language", "language", termLanguage, 12)), 6, 7)
	l.add(barGauge("Sources", "Mentions of the brand per collector (source) and network.", "short", "mentions",
		topTerms("concat(term, ' / ', network) AS source", "source", termSource, 15)), 6, 7)

	l.add(table("Top mentions by reach", "The brand's mentions with the largest potential reach (author followers), with their engagement.", `
		SELECT
		  created_at AS time,
		  network,
		  author_handle AS author,
		  author_followers AS reach,
		  likes + shares + comments AS engagement,
		  sentiment_label AS sentiment,
		  text,
		  url
		FROM mentions FINAL
		WHERE (toStartOfHour(created_at), created_at) IN
		(
		  SELECT toStartOfHour(created_at), created_at
		  FROM mentions
		  WHERE `+mentionsWhere+`
		    AND recollected = 0
		  ORDER BY author_followers DESC, created_at DESC
		  LIMIT 200
		)
		  AND `+mentionsWhere+`
		ORDER BY author_followers DESC, created_at DESC
		LIMIT 50`).sentimentColors("sentiment").withLink("url", "Open mention"), 24, 10)

	l.add(barGauge("Top hashtags", "Hashtags in the brand's mentions, by the number of mentions using them.", "short", "mentions",
		topTerms("term AS hashtag", "hashtag", termHashtag, 20)), 8, 10)
	l.add(barGauge("Top terms", "Keywords the enricher extracted from the brand's mentions, by the number of mentions using them.", "short", "mentions",
		topTerms("term", "term", termKeyword, 20)), 8, 10)
	l.add(table("Top hashtags by sentiment", "Hashtags of the brand's mentions with their net sentiment: which conversations are good or bad news.",
		topTerms("term AS hashtag", "hashtag", termHashtag, 20,
			"round(100 * (toInt64(sum(pos)) - toInt64(sum(neg))) / sum(n), 1) AS net_sentiment")), 8, 10)
	return d
}

// sortOverrides orders overrides by field name: they come from a map, and
// the output must not change from run to run.
func sortOverrides(p *panel) {
	slices.SortFunc(p.FieldConfig.Overrides, func(a, b override) int {
		return strings.Compare(a.Matcher.Options, b.Matcher.Options)
	})
}
