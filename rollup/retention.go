package rollup

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/store"
)

// Retention is the retention section of the configuration: how many days
// each group of tables keeps its rows, by the time the row is about. 0
// keeps them forever. ClickHouse drops expired rows in the background
// (TTL), so a row can outlive its day by some hours.
type Retention struct {
	MentionsDays int `koanf:"mentions_days"` // mentions
	MetricsDays  int `koanf:"metrics_days"`  // post_metrics, audience_snapshots
	BusinessDays int `koanf:"business_days"` // conversions, ad_spend
	RollupsDays  int `koanf:"rollups_days"`  // every table the rollup job and the views write
}

// The least a group may keep. Business facts feed roi_monthly, which every
// run rebuilds for the whole month from the facts: a shorter retention
// would let a month's ROI lose its first days. audience_daily reads the day
// before its window. 36500 days is a century: a larger number is a typo.
const (
	minRetentionDays         = 2
	minBusinessRetentionDays = 62
	maxRetentionDays         = 36500
)

// Validate reports every setting that cannot work; keys are relative to
// the retention section.
func (r Retention) Validate() []ingest.Problem {
	var ps []ingest.Problem
	check := func(key string, days, least int) {
		switch {
		case days < 0 || days > maxRetentionDays:
			ps = append(ps, ingest.Problem{Key: key, Value: days, Fix: fmt.Sprintf("use a number of days from %d to %d, or 0 to keep rows forever", least, maxRetentionDays)})
		case days > 0 && days < least:
			ps = append(ps, ingest.Problem{Key: key, Value: days, Fix: fmt.Sprintf("use %d days or more, or 0 to keep rows forever", least)})
		}
	}
	check("mentions_days", r.MentionsDays, minRetentionDays)
	check("metrics_days", r.MetricsDays, minRetentionDays)
	check("business_days", r.BusinessDays, minBusinessRetentionDays)
	check("rollups_days", r.RollupsDays, minRetentionDays)
	return ps
}

// retentionTable is one table under retention: the group's days and the
// expression its TTL counts from, written as ClickHouse prints it back in
// system.tables, so an unchanged setting is recognised and left alone.
type retentionTable struct {
	table string
	days  func(Retention) int
	from  string
}

func retentionTables() []retentionTable {
	mentions := func(r Retention) int { return r.MentionsDays }
	metrics := func(r Retention) int { return r.MetricsDays }
	business := func(r Retention) int { return r.BusinessDays }
	rollups := func(r Retention) int { return r.RollupsDays }
	return []retentionTable{
		{"mentions", mentions, "toDateTime(created_at)"},
		{"post_metrics", metrics, "toDateTime(observed_at)"},
		{"audience_snapshots", metrics, "toDateTime(observed_at)"},
		{"conversions", business, "toDateTime(occurred_at)"},
		{"ad_spend", business, "date"},
		{"mentions_hourly", rollups, "hour"},
		{"share_of_voice_daily", rollups, "day"},
		{"post_engagement_daily", rollups, "day"},
		{"audience_daily", rollups, "day"},
		{"conversions_daily", rollups, "day"},
		{"ad_spend_daily", rollups, "day"},
		{"roi_monthly", rollups, "month"},
		{"mentions_5m", rollups, "bucket"},
		{"mention_terms_daily", rollups, "day"},
		// Keyed by a hash of each author: kept as long as mentions are,
		// counted from the month's last day.
		{"author_reach_monthly", mentions, "toLastDayOfMonth(month)"},
		{"care_queue", mentions, "toDateTime(created_at)"},
	}
}

// Querier is the part of the store retention and erasure need.
type Querier interface {
	Execer
	Query(ctx context.Context, query string) (*store.Result, error)
}

// ApplyRetention sets or removes each table's TTL to match r, and leaves a
// table whose TTL already matches alone, so running it at every start
// costs a read of system.tables. It returns the tables it changed. A
// changed TTL applies to existing rows in the background (ClickHouse
// materializes it as a mutation); start-up does not wait for that.
//
// With cluster set (clickhouse.cluster), the rows live in each node's
// T_local tables, so that is where the TTLs go, ON CLUSTER; the node st
// talks to tells what they are now.
func ApplyRetention(ctx context.Context, st Querier, r Retention, cluster string, log *slog.Logger) ([]string, error) {
	if ps := r.Validate(); len(ps) > 0 {
		return nil, fmt.Errorf("retention.%s = %v: %s", ps[0].Key, ps[0].Value, ps[0].Fix)
	}
	res, err := st.Query(ctx, "SELECT name, engine_full FROM system.tables WHERE database = currentDatabase()")
	if err != nil {
		return nil, fmt.Errorf("retention: read table definitions: %w", err)
	}
	current := map[string]string{}
	for _, row := range res.Rows {
		current[row[0]] = tableTTL(row[1])
	}
	name, onCluster := func(t string) string { return t }, ""
	if cluster != "" {
		name = func(t string) string { return t + store.LocalSuffix }
		onCluster = " ON CLUSTER " + store.Quote(cluster)
	}
	var changed []string
	for _, t := range retentionTables() {
		have, ok := current[name(t.table)]
		if !ok {
			return changed, fmt.Errorf("retention: table %s does not exist: run 'earshot migrate' first", name(t.table))
		}
		days := t.days(r)
		want := ""
		if days > 0 {
			want = fmt.Sprintf("%s + toIntervalDay(%d)", t.from, days)
		}
		if squash(have) == squash(want) {
			continue
		}
		q := "ALTER TABLE " + name(t.table) + onCluster + " REMOVE TTL"
		if want != "" {
			q = "ALTER TABLE " + name(t.table) + onCluster + " MODIFY TTL " + want
		}
		if err := st.Exec(ctx, q); err != nil {
			return changed, fmt.Errorf("retention: %s: %w", t.table, err)
		}
		log.Info("retention changed", "table", t.table, "days", days, "was", have)
		changed = append(changed, t.table)
	}
	return changed, nil
}

// tableTTL cuts the table TTL out of system.tables.engine_full, which
// prints it between the ORDER BY/PRIMARY KEY/SAMPLE clauses and SETTINGS.
func tableTTL(engineFull string) string {
	i := strings.Index(engineFull, " TTL ")
	if i < 0 {
		return ""
	}
	ttl := engineFull[i+len(" TTL "):]
	if j := strings.Index(ttl, " SETTINGS "); j >= 0 {
		ttl = ttl[:j]
	}
	return strings.TrimSpace(ttl)
}

func squash(s string) string { return strings.Join(strings.Fields(s), "") }
