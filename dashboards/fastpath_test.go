package dashboards

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The term panels add whole days from mention_terms_daily to the partial
// days read from mentions. Over ranges that cut days in every way, and
// under every kind of campaign selection, they must count exactly what a
// direct count over the fixture's mentions gives.
func TestTermPanelsMatchMentions(t *testing.T) {
	ctx := context.Background()
	at := func(day, h, m int) time.Time { return time.Date(2026, 11, day, h, m, 0, 0, time.UTC) }
	ranges := []struct {
		name     string
		from, to time.Time
	}{
		{"whole days", rangeFrom, rangeTo},
		{"cut at both ends", at(2, 10, 30), at(5, 8, 0)},
		{"first day only partly", at(2, 9, 0), rangeTo},
		{"inside one day", at(3, 12, 0), at(3, 18, 0)},
		{"one exact day", at(3, 0, 0), at(4, 0, 0)},
		{"from before the data", at(1, 0, 0).Add(-36 * time.Hour), at(5, 7, 59)},
	}
	campaigns := []selection{{all: true}, {values: []string{"spring"}}, {values: []string{"spring", "launch"}}}
	networkSel := []selection{{all: true}, {values: []string{"bluesky"}}}

	// label returns the panel's labels for a mention (each once) under a
	// panel title.
	labels := map[string]func(m mention) []string{
		"Languages": func(m mention) []string {
			if m.lang == "" {
				return []string{"unknown"}
			}
			return []string{m.lang}
		},
		"Sources":                   func(m mention) []string { return []string{m.network + " / " + m.network} },
		"Top hashtags":              func(m mention) []string { return distinct(m.hashtags) },
		"Top terms":                 func(m mention) []string { return distinct(m.keywords) },
		"Top hashtags by sentiment": func(m mention) []string { return distinct(m.hashtags) },
	}
	var d *dashboard
	for _, df := range loadDashboards(t) {
		if df.dash.UID == "earshot-listening" {
			d = &df.dash
		}
	}
	if d == nil {
		t.Fatal("no listening dashboard")
	}
	checked := 0
	for _, p := range d.allPanels() {
		label, ok := labels[p.Title]
		if !ok {
			continue
		}
		checked++
		for _, rg := range ranges {
			for _, cs := range campaigns {
				for _, ns := range networkSel {
					name := fmt.Sprintf("%s/%s/campaign %v/network %v", p.Title, rg.name, cs.values, ns.values)
					e := expansion{from: rg.from, to: rg.to, interval: time.Hour,
						vars:    map[string]selection{"brand": {values: []string{"Acme"}}, "network": ns, "campaign": cs},
						options: map[string][]string{"network": networks, "campaign": {"launch", "spring"}}}
					res := runQuery(ctx, t, e, name, p.Targets[0].RawSQL)
					if res == nil {
						continue
					}
					got := map[string]float64{}
					key := res.Columns[0]
					for k, v := range sumBy(t, res, key, "mentions") {
						got[k] = v
					}
					want := map[string]float64{}
					for _, m := range mentionRows {
						if !slices.Contains(m.brands, "Acme") || m.at.Before(rg.from) || m.at.After(rg.to) || !selected(ns, m.network) {
							continue
						}
						times := 1
						if !cs.all {
							times = 0
							for _, c := range distinct(m.campaigns) {
								if slices.Contains(cs.values, c) {
									times++
								}
							}
						}
						for _, l := range label(m) {
							if times > 0 {
								want[l] += float64(times)
							}
						}
					}
					if !maps.Equal(got, want) {
						t.Errorf("%s: got %v, want %v", name, got, want)
					}
				}
			}
		}
	}
	if checked != len(labels) {
		t.Errorf("checked %d term panels, want %d (renamed?)", checked, len(labels))
	}
}

func distinct(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}

// Unique reach comes from author_reach_monthly: exactly while the months
// hold few author rows, from a 1/16 sample of author hashes (scaled by 16)
// when they hold many. Both branches are checked against the fixture, over
// ranges that touch some days only (a day counts whole).
func TestUniqueReach(t *testing.T) {
	ctx := context.Background()
	var raw string
	for _, df := range loadDashboards(t) {
		for _, p := range df.dash.allPanels() {
			if df.dash.UID == "earshot-overview" && p.Title == "Potential and unique reach per brand" {
				raw = p.Targets[0].RawSQL
			}
		}
	}
	const threshold = ") > 300000)"
	if strings.Count(raw, threshold) != 2 {
		t.Fatalf("the panel no longer switches at 300000 author rows:\n%s", raw)
	}
	sampled := strings.ReplaceAll(raw, threshold, ") > 0)")

	// Which authors the sample holds: the smallest sixteenth of the hash range.
	hashes := map[string]uint64{}
	for _, m := range mentionRows {
		res, err := engine.Query(ctx, "SELECT cityHash64("+quoteSQL(m.author)+")")
		if err != nil {
			t.Fatal(err)
		}
		h, err := strconv.ParseUint(res.Rows[0][0], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		hashes[m.author] = h
	}
	inSample := 0
	for _, h := range hashes {
		if h < 1<<60 {
			inSample++
		}
	}
	if inSample == 0 || inSample == len(hashes) {
		t.Fatalf("%d of %d fixture authors fall in the sample: the sampled branch would not be tested", inSample, len(hashes))
	}

	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
	ranges := []struct {
		name     string
		from, to time.Time
	}{
		{"whole range", rangeFrom, rangeTo},
		// Potential reach comes from the hourly rollup, which has rows at
		// 11-03 15h and 11-05 8h: each range holds one, so the brands show.
		{"part of 11-03 only", day(3).Add(14*time.Hour + 30*time.Minute), day(3).Add(15*time.Hour + 30*time.Minute)},
		{"11-04 to 11-05", day(4), day(5).Add(9 * time.Hour)},
	}
	for _, rg := range ranges {
		for _, branch := range []struct {
			name   string
			sql    string
			sample bool
		}{{"exact", raw, false}, {"sampled", sampled, true}} {
			name := rg.name + "/" + branch.name
			e := expansion{from: rg.from, to: rg.to, interval: time.Hour,
				vars:    map[string]selection{"brand": {values: []string{"Acme"}}, "competitors": {all: true}, "network": {all: true}},
				options: map[string][]string{"competitors": {"Globex", "O'Reilly Auto"}, "network": networks}}
			res := runQuery(ctx, t, e, name, branch.sql)
			if res == nil {
				continue
			}
			got := sumBy(t, res, "brand", "unique_reach")
			for _, brand := range brands {
				authors := map[string]uint64{}
				first, last := day(rg.from.Day()), day(rg.to.Day()).Add(24*time.Hour)
				for _, m := range mentionRows {
					if !slices.Contains(m.brands, brand) || m.at.Before(first) || !m.at.Before(last) {
						continue
					}
					if branch.sample && hashes[m.author] >= 1<<60 {
						continue
					}
					k := m.network + "/" + m.author
					authors[k] = max(authors[k], m.followers)
				}
				var want float64
				for _, f := range authors {
					want += float64(f)
				}
				if branch.sample {
					want *= 16
				}
				if got[brand] != want {
					t.Errorf("%s: unique reach of %s = %v, want %v", name, brand, got[brand], want)
				}
			}
		}
	}
}

func quoteSQL(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
}

// seedZed adds 300 mentions of a brand no other test uses, in December
// (outside every other test's range), one every 577 s (two days), a third of them also
// naming Yak; every tenth was enriched again (a later, recollected
// version with more likes), and mention 7's later version no longer names
// either brand.
func seedZed(ctx context.Context, t *testing.T) (from, to time.Time) {
	t.Helper()
	stmts := []string{
		`INSERT INTO mentions (id, source, network, url, author_id, author_handle, author_followers, text, brands, brand_roles,
		  created_at, collected_at, enriched_at, likes, sentiment_label, recollected)
		SELECT concat('bluesky:z', toString(number)), 'bluesky', 'bluesky', concat('https://example.test/z', toString(number)),
		  concat('z', toString(number % 37)), concat('@z', toString(number % 37)), (number * 7919) % 100000, concat('zed ', toString(number)),
		  if(number % 3 = 0, ['Zed', 'Yak'], ['Zed']), if(number % 3 = 0, ['own', 'competitor'], ['own']),
		  at, at, at, number % 5, 'neutral', 0
		FROM (SELECT number, toDateTime64('2026-12-03 00:00:00', 3, 'UTC') + toIntervalSecond(number * 577) AS at FROM numbers(300))`,
		`INSERT INTO mentions (id, source, network, url, author_id, author_handle, author_followers, text, brands, brand_roles,
		  created_at, collected_at, enriched_at, likes, sentiment_label, recollected)
		SELECT concat('bluesky:z', toString(number)), 'bluesky', 'bluesky', concat('https://example.test/z', toString(number)),
		  concat('z', toString(number % 37)), concat('@z', toString(number % 37)), (number * 7919) % 100000 + 1, concat('zed ', toString(number), ' again'),
		  if(number = 7, [], if(number % 3 = 0, ['Zed', 'Yak'], ['Zed'])), if(number = 7, [], if(number % 3 = 0, ['own', 'competitor'], ['own'])),
		  at, at, at + INTERVAL 1 HOUR, 100 + number % 5, 'positive', 1
		FROM (SELECT number, toDateTime64('2026-12-03 00:00:00', 3, 'UTC') + toIntervalSecond(number * 577) AS at FROM numbers(300))
		WHERE number % 10 = 0 OR number = 7`,
	}
	for _, s := range stmts {
		if err := engine.Exec(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, tbl := range []string{"mentions", "mentions_5m", "mention_terms_daily", "author_reach_monthly", "care_queue"} {
			col := map[string]string{"mentions_5m": "brand", "mention_terms_daily": "brand", "author_reach_monthly": "brand"}[tbl]
			cond := "has(brands, 'Zed') OR has(brands, 'Yak') OR startsWith(id, 'bluesky:z')"
			if col != "" {
				cond = col + " IN ('Zed', 'Yak')"
			}
			if err := engine.Exec(context.Background(), "ALTER TABLE "+tbl+" DELETE WHERE "+cond+" SETTINGS mutations_sync = 2"); err != nil {
				t.Error(err)
			}
		}
	})
	return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)
}

// The row panels find their rows in two steps (a bound from mentions_5m;
// candidates from first versions); over ranges that mix whole and partial
// days they must show what one query over mentions FINAL shows.
func TestRowPanelsMatchFinal(t *testing.T) {
	ctx := context.Background()
	from, to := seedZed(ctx, t)
	e := expansion{from: from, to: to, interval: time.Hour,
		vars: map[string]selection{"brand": {values: []string{"Zed"}}, "competitors": {values: []string{"Yak"}},
			"network": {all: true}, "campaign": {all: true}},
		options: map[string][]string{"network": networks, "campaign": {"launch", "spring"}}}
	at := func(day, h, m int) time.Time { return time.Date(2026, 12, day, h, m, 0, 0, time.UTC) }
	ranges := []struct {
		name     string
		from, to time.Time
	}{
		{"whole days", from, to},
		{"a whole day between two partial ones", at(3, 12, 0), at(5, 0, 3)},
		{"inside one day", at(4, 2, 0), at(4, 20, 0)},
	}
	panels := []struct {
		uid, title, direct string
		limit              int
	}{
		{"earshot-overview", "Latest mentions", "hasAny(brands, ['Zed', 'Yak']) ORDER BY created_at DESC LIMIT 100", 100},
		{"earshot-listening", "Top mentions by reach", "has(brands, 'Zed') ORDER BY author_followers DESC, created_at DESC LIMIT 50", 50},
	}
	for _, rg := range ranges {
		for _, pn := range panels {
			name := pn.title + "/" + rg.name
			var raw string
			for _, df := range loadDashboards(t) {
				for _, p := range df.dash.allPanels() {
					if df.dash.UID == pn.uid && p.Title == pn.title {
						raw = p.Targets[0].RawSQL
					}
				}
			}
			re := e
			re.from, re.to = rg.from, rg.to
			res := runQuery(ctx, t, re, name, raw)
			if res == nil {
				continue
			}
			want, err := engine.Query(ctx, fmt.Sprintf("SELECT url FROM mentions FINAL WHERE created_at >= fromUnixTimestamp64Milli(%d) AND created_at <= fromUnixTimestamp64Milli(%d) AND %s",
				rg.from.UnixMilli(), rg.to.UnixMilli(), pn.direct))
			if err != nil {
				t.Fatal(err)
			}
			var wantURLs []string
			for _, r := range want.Rows {
				wantURLs = append(wantURLs, r[0])
			}
			if len(wantURLs) < pn.limit/2 {
				t.Fatalf("%s: the direct query finds only %d rows: the test data no longer fills the panel", name, len(wantURLs))
			}
			if got := col(t, res, "url"); !slices.Equal(got, wantURLs) {
				t.Errorf("%s: %d rows\n%v\nwant %d\n%v", name, len(got), got, len(wantURLs), wantURLs)
			}
			if slices.Contains(col(t, res, "url"), "https://example.test/z7") {
				t.Errorf("%s shows z7, whose latest version names no compared brand", name)
			}
		}
	}

	// Over the whole range the bound must cut, and not past the 100th
	// newest mention (z200, at 200 × 577 s = 12-04 08:03:20): 100 mentions
	// × 2 brands = 200 view counts at 1⅓ per mention reach back about 150
	// mentions, to about 12-04 00:00.
	bound, err := e.expand("SELECT " + newestBucketsSQL(t))
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Query(ctx, bound)
	if err != nil {
		t.Fatalf("%v\n%s", err, bound)
	}
	if got := res.Rows[0][0]; got < "2026-12-03 22:00:00" || got > "2026-12-04 08:03:20" {
		t.Errorf("newest buckets start at %s, want between 12-03 22:00 and 12-04 08:03:20", got)
	}
}

// newestBucketsSQL is the bound subquery of the Latest mentions panel.
func newestBucketsSQL(t *testing.T) string {
	for _, df := range loadDashboards(t) {
		for _, p := range df.dash.allPanels() {
			if df.dash.UID == "earshot-overview" && p.Title == "Latest mentions" {
				q := p.Targets[0].RawSQL
				i := strings.Index(q, "created_at >= (")
				if i < 0 {
					t.Fatal("Latest mentions has no bound")
				}
				open := i + len("created_at >= ")
				depth := 0
				for j := open; j < len(q); j++ {
					switch q[j] {
					case '(':
						depth++
					case ')':
						depth--
						if depth == 0 {
							return q[open : j+1]
						}
					}
				}
			}
		}
	}
	t.Fatal("no Latest mentions panel")
	return ""
}
