package main

import "fmt"

// shareOfVoice answers "how much of the conversation is ours?", by
// mentions, by reach and by engagement, over time and per network. The
// share is the brand's part of the brand plus the selected competitors,
// computed from the sums in share_of_voice_daily, never from stored daily
// shares.
func shareOfVoice() *dashboard {
	d := newDashboard("earshot-share-of-voice", "earshot — share of voice",
		"Share of voice of the brand and its competitors, by mentions, by reach and by engagement: over time, per network, and in total.",
		"now-30d", "social-listening")
	d.Templating.List = []variable{brandVariable(), competitorsVariable(), networkVariable(mentionNetworks)}

	measures := []struct{ column, label string }{
		{"mentions", "mentions"},
		{"reach", "reach"},
		{"engagement", "engagement"},
	}
	l := d.layout()
	for _, m := range measures {
		p := timeseries("Share of voice over time — "+m.label,
			fmt.Sprintf("Each brand's %[1]s ÷ %[1]s of the brand and the selected competitors, per day (share_of_voice_daily).", m.label),
			"percent", fmt.Sprintf(`
			SELECT
			  toDateTime(day) AS time,
			  brand,
			  round(100 * sum(%[1]s) / nullIf(sum(sum(%[1]s)) OVER (PARTITION BY day), 0), 1) AS share
			FROM share_of_voice_daily FINAL
			WHERE $__dateFilter(day)
			  AND network != 'all'
			  AND %[2]s
			  AND %[3]s
			GROUP BY day, brand
			ORDER BY time, brand`, m.column, inCompared, networkFilter))
		p.FieldConfig.Defaults["displayName"] = "${__field.labels.brand}"
		p.FieldConfig.Defaults["max"] = 100
		p.stacked(false)
		c := p.FieldConfig.Defaults["custom"].(map[string]any)
		c["fillOpacity"] = 60
		l.add(p, 8, 9)
	}
	for _, m := range measures {
		p := barChart("Share of voice by network — "+m.label,
			fmt.Sprintf("Each brand's share of the %s on each network over the range.", m.label),
			"percent", "network", fmt.Sprintf(`
			SELECT
			  network,
			  brand,
			  round(100 * sum(%[1]s) / nullIf(sum(sum(%[1]s)) OVER (PARTITION BY network), 0), 1) AS share
			FROM share_of_voice_daily FINAL
			WHERE $__dateFilter(day)
			  AND network != 'all'
			  AND %[2]s
			  AND %[3]s
			GROUP BY network, brand
			ORDER BY network, brand`, m.column, inCompared, networkFilter)).matrix("network", "brand", "share")
		l.add(p, 8, 9)
	}
	l.add(table("Share of voice summary", "Totals over the range and the three shares of voice, per brand.", `
		SELECT
		  brand,
		  role,
		  mentions,
		  round(100 * mentions / nullIf(sum(mentions) OVER (), 0), 1) AS sov_mentions,
		  reach,
		  round(100 * reach / nullIf(sum(reach) OVER (), 0), 1) AS sov_reach,
		  engagement,
		  round(100 * engagement / nullIf(sum(engagement) OVER (), 0), 1) AS sov_engagement
		FROM
		(
		  SELECT
		    brand,
		    any(role) AS role,
		    sum(mentions) AS mentions,
		    sum(reach) AS reach,
		    sum(engagement) AS engagement
		  FROM share_of_voice_daily FINAL
		  WHERE $__dateFilter(day)
		    AND network != 'all'
		    AND `+inCompared+`
		    AND `+networkFilter+`
		  GROUP BY brand
		)
		ORDER BY sov_mentions DESC, brand`).withUnit("sov_mentions", "percent").withUnit("sov_reach", "percent").withUnit("sov_engagement", "percent"), 24, 8)
	return d
}
