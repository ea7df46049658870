package rollup

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/store"
)

func TestRetentionValidate(t *testing.T) {
	tests := []struct {
		name string
		r    Retention
		keys []string
	}{
		{"forever", Retention{}, nil},
		{"typical", Retention{MentionsDays: 400, MetricsDays: 730, BusinessDays: 730, RollupsDays: 1825}, nil},
		{"negative", Retention{MentionsDays: -1}, []string{"mentions_days"}},
		{"too short", Retention{MetricsDays: 1, RollupsDays: 1}, []string{"metrics_days", "rollups_days"}},
		{"business under two months", Retention{BusinessDays: 31}, []string{"business_days"}},
		{"business two months", Retention{BusinessDays: 62}, nil},
		{"a century and a day", Retention{MentionsDays: 36501}, []string{"mentions_days"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var keys []string
			for _, p := range tt.r.Validate() {
				keys = append(keys, p.Key)
				if p.Fix == "" {
					t.Errorf("%s: no fix given", p.Key)
				}
			}
			if !slices.Equal(keys, tt.keys) {
				t.Errorf("problems with %v, want %v", keys, tt.keys)
			}
		})
	}
}

func TestTableTTL(t *testing.T) {
	tests := map[string]string{
		"ReplacingMergeTree(enriched_at) PARTITION BY toYYYYMM(created_at) ORDER BY id SETTINGS index_granularity = 8192": "",
		"MergeTree ORDER BY id TTL toDateTime(created_at) + toIntervalDay(30) SETTINGS index_granularity = 8192":          "toDateTime(created_at) + toIntervalDay(30)",
		"MergeTree ORDER BY id TTL day + toIntervalDay(7)":                                                                "day + toIntervalDay(7)",
	}
	for in, want := range tests {
		if got := tableTTL(in); got != want {
			t.Errorf("tableTTL(%q) = %q, want %q", in, got, want)
		}
	}
}

func engineFull(t *testing.T, table string) string {
	t.Helper()
	res, err := testStore.Query(context.Background(), "SELECT engine_full FROM system.tables WHERE database = currentDatabase() AND name = '"+table+"'")
	if err != nil || len(res.Rows) != 1 {
		t.Fatalf("engine_full of %s: %v %v", table, res, err)
	}
	return res.Rows[0][0]
}

func TestApplyRetention(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	// The test store is shared: leave no TTL behind to eat other tests' rows.
	t.Cleanup(func() {
		if _, err := ApplyRetention(ctx, testStore, Retention{}, "", log); err != nil {
			t.Error(err)
		}
	})
	all := make([]string, 0, len(retentionTables()))
	for _, rt := range retentionTables() {
		all = append(all, rt.table)
	}
	steps := []struct {
		name    string
		r       Retention
		changed []string
	}{
		{"start clean", Retention{}, nil},
		{"set every group", Retention{MentionsDays: 30, MetricsDays: 90, BusinessDays: 400, RollupsDays: 800}, all},
		{"same again changes nothing", Retention{MentionsDays: 30, MetricsDays: 90, BusinessDays: 400, RollupsDays: 800}, nil},
		{"one group changes", Retention{MentionsDays: 31, MetricsDays: 90, BusinessDays: 400, RollupsDays: 800}, []string{"mentions", "author_reach_monthly", "care_queue"}},
		{"back to forever", Retention{}, all},
		{"forever again changes nothing", Retention{}, nil},
	}
	for _, s := range steps {
		changed, err := ApplyRetention(ctx, testStore, s.r, "", log)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if !slices.Equal(changed, s.changed) {
			t.Errorf("%s: changed %v, want %v", s.name, changed, s.changed)
		}
	}
	if _, err := ApplyRetention(ctx, testStore, Retention{BusinessDays: 5}, "", log); err == nil || !strings.Contains(err.Error(), "retention.business_days") {
		t.Errorf("an invalid retention was applied: %v", err)
	}

	t.Run("expired rows go", func(t *testing.T) {
		truncate(t, "mentions", "mentions_hourly")
		now := time.Now().UTC()
		insertMention := func(id string, at time.Time, offset uint64) {
			em := event.EnrichedMention{Mention: event.Mention{Network: "x", NativeID: id, Kind: event.KindPost,
				Author: event.Author{ID: "a"}, Text: "t", CreatedAt: at}, Sentiment: event.Sentiment{Label: event.Neutral},
				Brands: []event.BrandMatch{}, EnrichedAt: at}
			env, err := event.Wrap(event.SchemaEnrichedMention, "x:"+id, "x", at, em)
			if err != nil {
				t.Fatal(err)
			}
			row, err := mentionsTable.row(env)
			if err != nil {
				t.Fatal(err)
			}
			if err := testStore.Insert(ctx, "mentions", mentionsTable.columns, [][]any{append(row, uint16(0), offset)}, ""); err != nil {
				t.Fatal(err)
			}
		}
		insertMention("old", now.AddDate(0, 0, -40), 0)
		insertMention("new", now.AddDate(0, 0, -20), 1)
		if _, err := ApplyRetention(ctx, testStore, Retention{MentionsDays: 30}, "", log); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(engineFull(t, "mentions"), "TTL toDateTime(created_at) + toIntervalDay(30)") {
			t.Fatalf("mentions has no TTL: %s", engineFull(t, "mentions"))
		}
		if err := testStore.Exec(ctx, "OPTIMIZE TABLE mentions FINAL"); err != nil {
			t.Fatal(err)
		}
		assertLines(t, "mentions left", lines(t, "SELECT native_id FROM mentions ORDER BY native_id"), []string{"new"})
	})
}

// tableTTL never panics, returns a piece of its input without the
// SETTINGS clause, and finds nothing where there is no TTL clause.
func FuzzTableTTL(f *testing.F) {
	f.Add("MergeTree ORDER BY id TTL toDateTime(created_at) + toIntervalDay(30) SETTINGS index_granularity = 8192")
	f.Add("ReplacingMergeTree(enriched_at) ORDER BY id")
	f.Add(" TTL  SETTINGS ")
	f.Fuzz(func(t *testing.T, engine string) {
		got := tableTTL(engine)
		if !strings.Contains(engine, got) {
			t.Fatalf("tableTTL(%q) = %q, not part of the input", engine, got)
		}
		if strings.Contains(got, " SETTINGS ") {
			t.Fatalf("tableTTL(%q) = %q keeps SETTINGS", engine, got)
		}
		if !strings.Contains(engine, " TTL ") && got != "" {
			t.Fatalf("tableTTL(%q) = %q without a TTL clause", engine, got)
		}
	})
}

// clusterNode stands in for one node of a cluster, the one part of cluster
// mode that cannot run here: its tables are the single-node ones under
// their T_local names, and the statements sent to it are recorded (and
// parsed by the real engine) instead of run on every node.
type clusterNode struct {
	t     *testing.T
	execs []string
}

func (n *clusterNode) Query(ctx context.Context, q string) (*store.Result, error) {
	res, err := testStore.Query(ctx, q)
	if err != nil || !strings.Contains(q, "system.tables") {
		return res, err
	}
	for _, row := range res.Rows {
		row[0] += store.LocalSuffix
	}
	return res, nil
}

func (n *clusterNode) Exec(ctx context.Context, q string) error {
	if _, err := testStore.Query(ctx, "SELECT formatQuery("+store.Quote(q)+")"); err != nil {
		n.t.Errorf("not valid ClickHouse: %s: %v", q, err)
	}
	n.execs = append(n.execs, q)
	return nil
}

func TestApplyRetentionOnCluster(t *testing.T) {
	node := &clusterNode{t: t}
	r := Retention{MentionsDays: 30, MetricsDays: 90, BusinessDays: 400, RollupsDays: 800}
	changed, err := ApplyRetention(context.Background(), node, r, "earshot", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if len(changed) != len(retentionTables()) || len(node.execs) != len(changed) {
		t.Fatalf("changed %v with %d statements, want every one of %d tables", changed, len(node.execs), len(retentionTables()))
	}
	for i, rt := range retentionTables() {
		want := fmt.Sprintf("ALTER TABLE %s_local ON CLUSTER 'earshot' MODIFY TTL %s + toIntervalDay(%d)", rt.table, rt.from, rt.days(r))
		if node.execs[i] != want {
			t.Errorf("statement %d: %s\nwant %s", i, node.execs[i], want)
		}
	}
}
