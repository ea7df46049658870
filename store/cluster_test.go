package store

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/earshot-dev/earshot/schema"
)

func TestClusterRewrite(t *testing.T) {
	c := Cluster{Name: "earshot", Database: "earshot"}
	// The cases run in order through one ClusterTables, as a migration's
	// statements do: later cases see what earlier ones created and dropped.
	var tables ClusterTables
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
		{"a backfill goes through the Distributed tables and waits for the shards",
			"INSERT INTO mentions_5m SELECT brand FROM mentions FINAL",
			[]string{"INSERT INTO mentions_5m SETTINGS insert_distributed_sync = 1 SELECT brand FROM mentions FINAL"}, ""},
		{"a backfill's own settings are kept",
			"INSERT INTO mentions_5m\nSETTINGS insert_deduplication_token = '0007/x'\nSELECT brand FROM mentions FINAL",
			[]string{"INSERT INTO mentions_5m\nSETTINGS insert_deduplication_token = '0007/x', insert_distributed_sync = 1\nSELECT brand FROM mentions FINAL"}, ""},
		{"a backfill that already chose how to insert is left alone",
			"INSERT INTO mentions_5m SETTINGS distributed_foreground_insert = 0 SELECT brand FROM mentions",
			[]string{"INSERT INTO mentions_5m SETTINGS distributed_foreground_insert = 0 SELECT brand FROM mentions"}, ""},

		// 0010's rebuild of mentions with a new sorting key, statement by statement.
		{"dropping a view drops it on every node",
			"DROP VIEW IF EXISTS mentions_5m_mv",
			[]string{"DROP VIEW IF EXISTS mentions_5m_mv ON CLUSTER 'earshot'"}, ""},
		{"dropping a table the schema may have half made drops both halves",
			"DROP TABLE IF EXISTS mentions_by_time",
			[]string{
				"DROP TABLE IF EXISTS mentions_by_time ON CLUSTER 'earshot' SYNC",
				"DROP TABLE IF EXISTS mentions_by_time_local ON CLUSTER 'earshot' SYNC",
			}, ""},
		{"CREATE TABLE … AS copies the local table's columns, replicates under a path of its own and shards by its own key",
			"CREATE TABLE mentions_by_time AS mentions\nENGINE = ReplacingMergeTree(enriched_at)\nPARTITION BY toYYYYMM(created_at)\nORDER BY (toStartOfHour(created_at), id)\nSETTINGS non_replicated_deduplication_window = 1000",
			[]string{
				"CREATE TABLE mentions_by_time_local ON CLUSTER 'earshot' AS mentions_local ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/earshot/{uuid}', '{replica}', enriched_at)\nPARTITION BY toYYYYMM(created_at)\nORDER BY (toStartOfHour(created_at), id)\nSETTINGS non_replicated_deduplication_window = 1000",
				"CREATE TABLE IF NOT EXISTS mentions_by_time ON CLUSTER 'earshot' AS mentions_by_time_local ENGINE = Distributed('earshot', 'earshot', 'mentions_by_time_local', cityHash64(toStartOfHour(created_at), id))",
			}, ""},
		{"creating a table twice is the migration's bug",
			"CREATE TABLE mentions_by_time AS mentions ENGINE = MergeTree ORDER BY id", nil, "already creates it"},
		{"exchange swaps the local tables and the sharding keys of the Distributed tables",
			"EXCHANGE TABLES mentions AND mentions_by_time",
			[]string{
				"EXCHANGE TABLES mentions_local AND mentions_by_time_local ON CLUSTER 'earshot'",
				"CREATE OR REPLACE TABLE mentions ON CLUSTER 'earshot' AS mentions_local ENGINE = Distributed('earshot', 'earshot', 'mentions_local', cityHash64(toStartOfHour(created_at), id))",
				"CREATE OR REPLACE TABLE mentions_by_time ON CLUSTER 'earshot' AS mentions_by_time_local ENGINE = Distributed('earshot', 'earshot', 'mentions_by_time_local', cityHash64(id))",
			}, ""},
		{"a drop without IF EXISTS is emitted with it: a replay may find it half dropped",
			"DROP TABLE mentions_by_time",
			[]string{
				"DROP TABLE IF EXISTS mentions_by_time ON CLUSTER 'earshot' SYNC",
				"DROP TABLE IF EXISTS mentions_by_time_local ON CLUSTER 'earshot' SYNC",
			}, ""},
		{"a dropped table is gone",
			"ALTER TABLE mentions_by_time ADD COLUMN x String", nil, "does not create that table"},
		{"the exchanged table keeps its name",
			"ALTER TABLE mentions ADD COLUMN IF NOT EXISTS campaigns Array(String)",
			[]string{
				"ALTER TABLE mentions_local ON CLUSTER 'earshot' ADD COLUMN IF NOT EXISTS campaigns Array(String)",
				"ALTER TABLE mentions ON CLUSTER 'earshot' ADD COLUMN IF NOT EXISTS campaigns Array(String)",
			}, ""},
		{"the staging name can be used again: a copy's path is its own",
			"CREATE TABLE IF NOT EXISTS mentions_by_time AS mentions ENGINE = ReplacingMergeTree ORDER BY (id)",
			[]string{
				"CREATE TABLE IF NOT EXISTS mentions_by_time_local ON CLUSTER 'earshot' AS mentions_local ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/earshot/{uuid}', '{replica}') ORDER BY (id)",
				"CREATE TABLE IF NOT EXISTS mentions_by_time ON CLUSTER 'earshot' AS mentions_by_time_local ENGINE = Distributed('earshot', 'earshot', 'mentions_by_time_local', cityHash64(id))",
			}, ""},

		// Exchanging tables made from column lists: their paths are named
		// after them, and an exchange leaves each under the other's name.
		{"first of two tables", "CREATE TABLE IF NOT EXISTS t1 (id String) ENGINE = MergeTree ORDER BY id",
			[]string{
				"CREATE TABLE IF NOT EXISTS t1_local ON CLUSTER 'earshot' (id String) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/earshot/t1_local', '{replica}') ORDER BY id",
				"CREATE TABLE IF NOT EXISTS t1 ON CLUSTER 'earshot' AS t1_local ENGINE = Distributed('earshot', 'earshot', 't1_local', cityHash64(id))",
			}, ""},
		{"second of two tables", "CREATE TABLE IF NOT EXISTS t2 (id String, n UInt8) ENGINE = MergeTree ORDER BY (n, id)",
			[]string{
				"CREATE TABLE IF NOT EXISTS t2_local ON CLUSTER 'earshot' (id String, n UInt8) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/earshot/t2_local', '{replica}') ORDER BY (n, id)",
				"CREATE TABLE IF NOT EXISTS t2 ON CLUSTER 'earshot' AS t2_local ENGINE = Distributed('earshot', 'earshot', 't2_local', cityHash64(n, id))",
			}, ""},
		{"exchange them", "EXCHANGE TABLES t1 AND t2",
			[]string{
				"EXCHANGE TABLES t1_local AND t2_local ON CLUSTER 'earshot'",
				"CREATE OR REPLACE TABLE t1 ON CLUSTER 'earshot' AS t1_local ENGINE = Distributed('earshot', 'earshot', 't1_local', cityHash64(n, id))",
				"CREATE OR REPLACE TABLE t2 ON CLUSTER 'earshot' AS t2_local ENGINE = Distributed('earshot', 'earshot', 't2_local', cityHash64(id))",
			}, ""},
		{"drop the second", "DROP TABLE t2",
			[]string{
				"DROP TABLE IF EXISTS t2 ON CLUSTER 'earshot' SYNC",
				"DROP TABLE IF EXISTS t2_local ON CLUSTER 'earshot' SYNC",
			}, ""},
		{"its path is held by the first", "CREATE TABLE t2 (id String) ENGINE = MergeTree ORDER BY id", nil, "still used by t1_local"},
		{"dropping the first frees it", "DROP TABLE t1",
			[]string{
				"DROP TABLE IF EXISTS t1 ON CLUSTER 'earshot' SYNC",
				"DROP TABLE IF EXISTS t1_local ON CLUSTER 'earshot' SYNC",
			}, ""},
		{"and the second can be made again", "CREATE TABLE t2 (id String) ENGINE = MergeTree ORDER BY id",
			[]string{
				"CREATE TABLE IF NOT EXISTS t2_local ON CLUSTER 'earshot' (id String) ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/earshot/t2_local', '{replica}') ORDER BY id",
				"CREATE TABLE IF NOT EXISTS t2 ON CLUSTER 'earshot' AS t2_local ENGINE = Distributed('earshot', 'earshot', 't2_local', cityHash64(id))",
			}, ""},

		// Drop and re-create one table with a new key in one migration.
		{"drop a table to change its key",
			"DROP TABLE IF EXISTS mentions_5m",
			[]string{
				"DROP TABLE IF EXISTS mentions_5m ON CLUSTER 'earshot' SYNC",
				"DROP TABLE IF EXISTS mentions_5m_local ON CLUSTER 'earshot' SYNC",
			}, ""},
		{"no view can write to the dropped table",
			"CREATE MATERIALIZED VIEW IF NOT EXISTS mentions_5m_mv TO mentions_5m AS SELECT brand FROM mentions", nil, "does not create"},
		{"the re-created table shards by its new key",
			"CREATE TABLE IF NOT EXISTS mentions_5m (bucket DateTime, brand String, campaign String) ENGINE = AggregatingMergeTree ORDER BY (brand, campaign, bucket)",
			[]string{
				"CREATE TABLE IF NOT EXISTS mentions_5m_local ON CLUSTER 'earshot' (bucket DateTime, brand String, campaign String) ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/earshot/mentions_5m_local', '{replica}') ORDER BY (brand, campaign, bucket)",
				"CREATE TABLE IF NOT EXISTS mentions_5m ON CLUSTER 'earshot' AS mentions_5m_local ENGINE = Distributed('earshot', 'earshot', 'mentions_5m_local', cityHash64(brand, campaign, bucket))",
			}, ""},
		{"creating an existing table IF NOT EXISTS keeps its key",
			"CREATE TABLE IF NOT EXISTS mentions_5m (bucket DateTime) ENGINE = AggregatingMergeTree ORDER BY bucket",
			[]string{
				"CREATE TABLE IF NOT EXISTS mentions_5m_local ON CLUSTER 'earshot' (bucket DateTime) ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/earshot/mentions_5m_local', '{replica}') ORDER BY bucket",
				"CREATE TABLE IF NOT EXISTS mentions_5m ON CLUSTER 'earshot' AS mentions_5m_local ENGINE = Distributed('earshot', 'earshot', 'mentions_5m_local', cityHash64(bucket))",
			}, ""},
		{"the new table's view",
			"CREATE MATERIALIZED VIEW IF NOT EXISTS mentions_5m_mv TO mentions_5m AS SELECT brand FROM mentions",
			[]string{"CREATE MATERIALIZED VIEW IF NOT EXISTS mentions_5m_mv ON CLUSTER 'earshot' TO mentions_5m_local AS SELECT brand FROM mentions_local"}, ""},
		{"DROP TABLE of a view drops the view",
			"DROP TABLE mentions_5m_mv",
			[]string{"DROP VIEW IF EXISTS mentions_5m_mv ON CLUSTER 'earshot'"}, ""},

		{"SAMPLE BY survives, a function call is a key",
			"CREATE TABLE IF NOT EXISTS author_reach_monthly (month Date, author UInt64) ENGINE = AggregatingMergeTree\nPARTITION BY toYYYYMM(month)\nORDER BY (author)\nSAMPLE BY author\nSETTINGS non_replicated_deduplication_window = 1000",
			[]string{
				"CREATE TABLE IF NOT EXISTS author_reach_monthly_local ON CLUSTER 'earshot' (month Date, author UInt64) ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/earshot/author_reach_monthly_local', '{replica}')\nPARTITION BY toYYYYMM(month)\nORDER BY (author)\nSAMPLE BY author\nSETTINGS non_replicated_deduplication_window = 1000",
				"CREATE TABLE IF NOT EXISTS author_reach_monthly ON CLUSTER 'earshot' AS author_reach_monthly_local ENGINE = Distributed('earshot', 'earshot', 'author_reach_monthly_local', cityHash64(author))",
			}, ""},
		{"an unparenthesised function call is a key",
			"CREATE TABLE IF NOT EXISTS daily (ts DateTime, v String) ENGINE = ReplacingMergeTree(ts) ORDER BY toStartOfDay(ts) SETTINGS index_granularity = 8192",
			[]string{
				"CREATE TABLE IF NOT EXISTS daily_local ON CLUSTER 'earshot' (ts DateTime, v String) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/earshot/daily_local', '{replica}', ts) ORDER BY toStartOfDay(ts) SETTINGS index_granularity = 8192",
				"CREATE TABLE IF NOT EXISTS daily ON CLUSTER 'earshot' AS daily_local ENGINE = Distributed('earshot', 'earshot', 'daily_local', cityHash64(toStartOfDay(ts)))",
			}, ""},
		{"no key to shard by", "CREATE TABLE IF NOT EXISTS k (x String) ENGINE = MergeTree ORDER BY tuple()", nil, "no key to shard by"},
		{"a copy of a table the schema does not create", "CREATE TABLE x AS nope ENGINE = MergeTree ORDER BY id", nil, "does not create nope"},
		{"a copy without its own engine would share the replication path", "CREATE TABLE x AS mentions", nil, "give the copy its own ENGINE"},
		{"exchange with an unknown table", "EXCHANGE TABLES mentions AND nope", nil, "does not create nope"},
		{"drop an unknown table", "DROP TABLE nope", nil, "does not create that table"},
		{"drop an unknown view", "DROP VIEW nope_mv", nil, "does not create that view"},
		{"unknown table", "ALTER TABLE nope ADD COLUMN x String", nil, "does not create that table"},
		{"not a MergeTree", "CREATE TABLE IF NOT EXISTS m (x String) ENGINE = Memory", nil, "needs a *MergeTree engine"},
		{"unknown statement", "OPTIMIZE TABLE mentions FINAL", nil, "add a rule"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.Rewrite(tt.stmt, &tables)
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
	// Every replicated local table has a Distributed table over it, and
	// every Distributed table fronts one the schema replicates.
	reLocal := regexp.MustCompile(`(?s)^CREATE TABLE (?:IF NOT EXISTS )?(\w+) ON CLUSTER .*ENGINE = Replicated`)
	reDist := regexp.MustCompile(`ENGINE = Distributed\('earshot', 'earshot', '(\w+)'`)
	var locals, fronted []string
	for _, s := range stmts {
		if _, err := st.Query(context.Background(), "SELECT formatQuery("+Quote(s)+")"); err != nil {
			t.Errorf("the engine cannot parse\n%s\n: %v", s, err)
		}
		if m := reLocal.FindStringSubmatch(s); m != nil {
			locals = append(locals, m[1])
		}
		if m := reDist.FindStringSubmatch(s); m != nil {
			fronted = append(fronted, m[1])
		}
		// Backfills are the only statements that run on one node.
		if !strings.HasPrefix(s, "INSERT") && !strings.Contains(s, " ON CLUSTER 'earshot'") {
			t.Errorf("not run on the cluster: %.100s", s)
		}
	}
	slices.Sort(locals)
	slices.Sort(fronted)
	locals, fronted = slices.Compact(locals), slices.Compact(fronted)
	if len(locals) == 0 || !slices.Equal(locals, fronted) {
		t.Errorf("replicated local tables %v, Distributed tables over %v: want one of each per table", locals, fronted)
	}
}

// TestClusterSchemaState checks what the real migrations leave behind on a
// cluster: after 0010, mentions' Distributed table shards by the new key,
// its local table replicates under the path the copy was made with, and
// the staging table is gone.
func TestClusterSchemaState(t *testing.T) {
	migs, err := readMigrations(schema.Migrations)
	if err != nil {
		t.Fatal(err)
	}
	c := Cluster{Name: "earshot", Database: "earshot"}
	var tables ClusterTables
	for _, m := range migs {
		for _, stmt := range m.statements {
			if _, err := c.Rewrite(stmt, &tables); err != nil {
				t.Fatalf("%s: %v", m.file, err)
			}
		}
	}
	want := map[string]clusterTable{
		"mentions":            {"toStartOfHour(created_at), id", "/clickhouse/tables/{shard}/earshot/{uuid}"},
		"mention_terms_daily": {"brand, kind, campaign, day, network, term", "/clickhouse/tables/{shard}/earshot/mention_terms_daily_local"},
		"mentions_5m":         {"brand, network, bucket, role", "/clickhouse/tables/{shard}/earshot/mentions_5m_local"},
	}
	for name, w := range want {
		if got, ok := tables.tables[name]; !ok || got != w {
			t.Errorf("%s: got %+v (known %v), want %+v", name, got, ok, w)
		}
	}
	if !tables.has("author_reach_monthly") {
		t.Error("author_reach_monthly missing after 0010")
	}
	if tables.has("mentions_by_time") {
		t.Error("mentions_by_time survived 0010")
	}
	for _, v := range []string{"mentions_5m_mv", "mention_terms_daily_mv", "author_reach_monthly_mv"} {
		if !tables.views[v] {
			t.Errorf("view %s missing after 0010", v)
		}
	}
}

// FuzzClusterRewrite feeds Rewrite arbitrary statements after a small
// schema: it must never panic, and whatever it emits must run on the
// whole cluster (backfills aside).
func FuzzClusterRewrite(f *testing.F) {
	migs, err := readMigrations(schema.Migrations)
	if err != nil {
		f.Fatal(err)
	}
	for _, m := range migs {
		for _, s := range m.statements {
			f.Add(s)
		}
	}
	for _, s := range []string{
		"EXCHANGE TABLES mentions AND copy", "DROP TABLE copy SYNC", "CREATE TABLE x AS mentions ENGINE = MergeTree ORDER BY (",
		"CREATE TABLE x (a String) ENGINE = MergeTree( ORDER BY a", "CREATE TABLE x (a String) ENGINE = MergeTree ORDER BY ('a)', a)",
		"INSERT INTO mentions SETTINGS x = 'SELECT' SELECT 1",
	} {
		f.Add(s)
	}
	c := Cluster{Name: "earshot", Database: "earshot"}
	f.Fuzz(func(t *testing.T, stmt string) {
		var tables ClusterTables
		for _, s := range []string{
			"CREATE TABLE IF NOT EXISTS mentions (id String, created_at DateTime) ENGINE = ReplacingMergeTree ORDER BY (id)",
			"CREATE TABLE copy AS mentions ENGINE = ReplacingMergeTree ORDER BY (toStartOfHour(created_at), id)",
		} {
			if _, err := c.Rewrite(s, &tables); err != nil {
				t.Fatal(err)
			}
		}
		out, err := c.Rewrite(stmt, &tables)
		if err != nil {
			return
		}
		for _, s := range out {
			if !strings.HasPrefix(s, "INSERT") && !strings.Contains(s, " ON CLUSTER 'earshot'") {
				t.Errorf("%q became %q, which does not run on the cluster", stmt, s)
			}
		}
	})
}
