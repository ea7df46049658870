package store

import (
	"context"
	"strings"
	"testing"

	"github.com/earshot-dev/earshot/schema"
)

func TestClusterRewrite(t *testing.T) {
	c := Cluster{Name: "earshot", Database: "earshot"}
	tables := map[string]bool{}
	tests := []struct {
		name string
		stmt string
		want []string
		err  string
	}{
		{"replacing table with a version column",
			"CREATE TABLE IF NOT EXISTS mentions\n(\n    id String,\n    enriched_at DateTime64(3, 'UTC')\n)\nENGINE = ReplacingMergeTree(enriched_at)\nPARTITION BY toYYYYMM(created_at)\nORDER BY (id)\nSETTINGS non_replicated_deduplication_window = 1000",
			[]string{
				"CREATE TABLE IF NOT EXISTS mentions_local ON CLUSTER 'earshot' (\n    id String,\n    enriched_at DateTime64(3, 'UTC')\n)\nENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/earshot/mentions_local', '{replica}', enriched_at)\nPARTITION BY toYYYYMM(created_at)\nORDER BY (id)\nSETTINGS non_replicated_deduplication_window = 1000",
				"CREATE TABLE IF NOT EXISTS mentions ON CLUSTER 'earshot' AS mentions_local ENGINE = Distributed('earshot', 'earshot', 'mentions_local', cityHash64(id))",
			}, ""},
		{"engine without arguments, key of several columns",
			"CREATE TABLE IF NOT EXISTS mentions_5m (bucket DateTime, brand String) ENGINE = AggregatingMergeTree ORDER BY (brand, bucket)",
			[]string{
				"CREATE TABLE IF NOT EXISTS mentions_5m_local ON CLUSTER 'earshot' (bucket DateTime, brand String) ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/earshot/mentions_5m_local', '{replica}') ORDER BY (brand, bucket)",
				"CREATE TABLE IF NOT EXISTS mentions_5m ON CLUSTER 'earshot' AS mentions_5m_local ENGINE = Distributed('earshot', 'earshot', 'mentions_5m_local', cityHash64(brand, bucket))",
			}, ""},
		{"adding columns alters the local and the Distributed table",
			"ALTER TABLE mentions\n    ADD COLUMN IF NOT EXISTS intent String",
			[]string{
				"ALTER TABLE mentions_local ON CLUSTER 'earshot' ADD COLUMN IF NOT EXISTS intent String",
				"ALTER TABLE mentions ON CLUSTER 'earshot' ADD COLUMN IF NOT EXISTS intent String",
			}, ""},
		{"TTL is the local table's only",
			"ALTER TABLE mentions MODIFY TTL toDateTime(created_at) + INTERVAL 365 DAY",
			[]string{"ALTER TABLE mentions_local ON CLUSTER 'earshot' MODIFY TTL toDateTime(created_at) + INTERVAL 365 DAY"}, ""},
		{"a view reads and writes local tables",
			"CREATE MATERIALIZED VIEW IF NOT EXISTS mentions_5m_mv TO mentions_5m AS\nSELECT brand, countState() AS n FROM mentions ARRAY JOIN brands AS brand GROUP BY brand",
			[]string{"CREATE MATERIALIZED VIEW IF NOT EXISTS mentions_5m_mv ON CLUSTER 'earshot' TO mentions_5m_local AS SELECT brand, countState() AS n FROM mentions_local ARRAY JOIN brands AS brand GROUP BY brand"}, ""},
		{"a backfill goes through the Distributed tables",
			"INSERT INTO mentions_5m SELECT brand FROM mentions FINAL",
			[]string{"INSERT INTO mentions_5m SELECT brand FROM mentions FINAL"}, ""},
		{"unknown table", "ALTER TABLE nope ADD COLUMN x String", nil, "does not create that table"},
		{"not a MergeTree", "CREATE TABLE IF NOT EXISTS m (x String) ENGINE = Memory", nil, "needs a *MergeTree engine"},
		{"unknown statement", "OPTIMIZE TABLE mentions FINAL", nil, "add a rule"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.Rewrite(tt.stmt, tables)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, "\n;\n") != strings.Join(tt.want, "\n;\n") {
				t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n;\n"), strings.Join(tt.want, "\n;\n"))
			}
		})
	}
}

// TestClusterSchemaParses rewrites earshot's real migrations for a cluster
// and has the engine's own parser (formatQuery) read every statement, so
// the cluster DDL is known to be valid ClickHouse SQL without a cluster.
func TestClusterSchemaParses(t *testing.T) {
	stmts, err := ClusterSchema(schema.Migrations, Cluster{Name: "earshot", Database: "earshot"})
	if err != nil {
		t.Fatal(err)
	}
	st := embeddedStore(t)
	// The check must be able to fail: formatQuery refuses broken DDL.
	if _, err := st.Query(context.Background(), "SELECT formatQuery("+Quote("CREATE TABLE t ON CLUSTER 'c' (x String) ENGINE = ReplicatedMergeTree('/p', ORDER BY x")+")"); err == nil {
		t.Fatal("formatQuery accepted broken DDL; this test would prove nothing")
	}
	var tables, distributed int
	for _, s := range stmts {
		if _, err := st.Query(context.Background(), "SELECT formatQuery("+Quote(s)+")"); err != nil {
			t.Errorf("the engine cannot parse\n%s\n: %v", s, err)
		}
		if strings.Contains(s, "ENGINE = Replicated") {
			tables++
		}
		if strings.Contains(s, "ENGINE = Distributed") {
			distributed++
		}
		if strings.HasPrefix(s, "CREATE") && !strings.Contains(s, " ON CLUSTER 'earshot' ") {
			t.Errorf("not created on the cluster: %.100s", s)
		}
	}
	if tables == 0 || tables != distributed {
		t.Errorf("%d replicated tables, %d Distributed tables: want one of each per table", tables, distributed)
	}
}
