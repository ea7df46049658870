package store

import (
	"fmt"
	"io/fs"
	"regexp"
	"strings"
)

// Cluster rewrites the single-node schema for a sharded, replicated
// ClickHouse cluster: every table T becomes a ReplicatedXMergeTree table
// T_local on each node plus a Distributed table T over them, all created
// ON CLUSTER. Readers and writers keep using T: inserts into T are routed
// to a shard by the hash of the table's sorting key, so every version of
// a row lands on the same shard and ReplacingMergeTree … FINAL still
// collapses them; SELECTs from T fan out to every shard.
type Cluster struct {
	Name     string // the cluster as named in the servers' remote_servers
	Database string // the database the tables live in
}

// LocalSuffix names the per-node table behind each Distributed table.
const LocalSuffix = "_local"

var (
	reCreateTable = regexp.MustCompile(`(?is)^CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(\(.*)$`)
	reEngine      = regexp.MustCompile(`(?is)\bENGINE\s*=\s*([A-Za-z]*MergeTree)\b(\s*\(([^)]*)\))?`)
	reOrderBy     = regexp.MustCompile(`(?is)\bORDER\s+BY\s+(\([^)]*\)|[A-Za-z_][A-Za-z0-9_]*)`)
	reAlter       = regexp.MustCompile(`(?is)^ALTER\s+TABLE\s+([A-Za-z_][A-Za-z0-9_]*)\s+(.*)$`)
	reColumnAlter = regexp.MustCompile(`(?i)^\s*(ADD|DROP|MODIFY|RENAME|COMMENT)\s+COLUMN\b`)
	reCreateView  = regexp.MustCompile(`(?is)^CREATE\s+MATERIALIZED\s+VIEW\s+(IF\s+NOT\s+EXISTS\s+)?([A-Za-z_][A-Za-z0-9_]*)\s+TO\s+([A-Za-z_][A-Za-z0-9_]*)\s+AS\s+(.*)$`)
	reFromTable   = regexp.MustCompile(`(?i)\b(FROM|JOIN)\s+([A-Za-z_][A-Za-z0-9_]*)\b`)
	reInsert      = regexp.MustCompile(`(?is)^INSERT\s+INTO\s`)
)

// Rewrite turns one single-node statement into its cluster form. tables
// are the tables created by the schema so far (Rewrite adds the ones stmt
// creates), so a view's FROM can be pointed at the local tables.
func (c Cluster) Rewrite(stmt string, tables map[string]bool) ([]string, error) {
	stmt = strings.TrimSpace(stmt)
	switch {
	case reCreateTable.MatchString(stmt):
		return c.createTable(stmt, tables)
	case reCreateView.MatchString(stmt):
		m := reCreateView.FindStringSubmatch(stmt)
		name, target, sel := m[2], m[3], m[4]
		if !tables[target] {
			return nil, fmt.Errorf("view %s writes to %s, which the schema does not create", name, target)
		}
		// A view fires on inserts into the local table of the node that
		// receives the block, so it must read and write local tables.
		sel = reFromTable.ReplaceAllStringFunc(sel, func(s string) string {
			p := reFromTable.FindStringSubmatch(s)
			if tables[p[2]] {
				return p[1] + " " + p[2] + LocalSuffix
			}
			return s
		})
		return []string{fmt.Sprintf("CREATE MATERIALIZED VIEW IF NOT EXISTS %s ON CLUSTER %s TO %s AS %s",
			name, c.quotedName(), target+LocalSuffix, sel)}, nil
	case reAlter.MatchString(stmt):
		m := reAlter.FindStringSubmatch(stmt)
		name, rest := m[1], m[2]
		if !tables[name] {
			return nil, fmt.Errorf("ALTER TABLE %s: the schema does not create that table", name)
		}
		out := []string{fmt.Sprintf("ALTER TABLE %s ON CLUSTER %s %s", name+LocalSuffix, c.quotedName(), rest)}
		// The Distributed table must know a column to let it through.
		if reColumnAlter.MatchString(rest) {
			out = append(out, fmt.Sprintf("ALTER TABLE %s ON CLUSTER %s %s", name, c.quotedName(), rest))
		}
		return out, nil
	case reInsert.MatchString(stmt):
		// Backfills insert into the Distributed table, which shards the
		// rows, and read from Distributed tables, which see every shard.
		return []string{stmt}, nil
	}
	return nil, fmt.Errorf("cluster mode does not know how to run this statement on a cluster; "+
		"add a rule to store.Cluster.Rewrite: %.80s", stmt)
}

func (c Cluster) createTable(stmt string, tables map[string]bool) ([]string, error) {
	m := reCreateTable.FindStringSubmatch(stmt)
	name, body := m[2], m[3]
	eng := reEngine.FindStringSubmatchIndex(body)
	if eng == nil {
		return nil, fmt.Errorf("table %s: cluster mode needs a *MergeTree engine to replicate", name)
	}
	engine := body[eng[2]:eng[3]]
	var args string
	if eng[6] >= 0 {
		args = strings.TrimSpace(body[eng[6]:eng[7]])
	}
	ord := reOrderBy.FindStringSubmatch(body[eng[1]:])
	if ord == nil {
		return nil, fmt.Errorf("table %s: no ORDER BY to shard by", name)
	}
	key := strings.TrimSuffix(strings.TrimPrefix(ord[1], "("), ")")

	local := name + LocalSuffix
	replArgs := fmt.Sprintf("'/clickhouse/tables/{shard}/%s/%s', '{replica}'", c.Database, local)
	if args != "" {
		replArgs += ", " + args
	}
	localBody := body[:eng[0]] + "ENGINE = Replicated" + engine + "(" + replArgs + ")" + body[eng[1]:]
	tables[name] = true
	return []string{
		fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s ON CLUSTER %s %s", local, c.quotedName(), localBody),
		// Sharding by the sorting key keeps every version of a row on one
		// shard, where ReplacingMergeTree and FINAL can see them together.
		fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s ON CLUSTER %s AS %s ENGINE = Distributed(%s, %s, %s, cityHash64(%s))",
			name, c.quotedName(), local, c.quotedName(), Quote(c.Database), Quote(local), key),
	}, nil
}

func (c Cluster) quotedName() string { return Quote(c.Name) }

// migrationsDDL is the schema_migrations table in cluster mode: one
// replicated table shared by every node of every shard (no {shard} in its
// path), so any node knows what has been applied.
func (c Cluster) migrationsDDL(table string) string {
	return fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s ON CLUSTER %s (version String, checksum String, applied_at DateTime) "+
		"ENGINE = ReplicatedMergeTree('/clickhouse/tables/%s/%s', '{replica}') ORDER BY version",
		table, c.quotedName(), c.Database, migrationsTable)
}

// ClusterSchema returns every statement of the migrations in fsys in
// its cluster form, in order: what MigrateCluster runs on an empty
// cluster. 'earshot migrate --print' shows it for review.
func ClusterSchema(fsys fs.FS, c Cluster) ([]string, error) {
	migs, err := readMigrations(fsys)
	if err != nil {
		return nil, err
	}
	tables := map[string]bool{}
	var out []string
	for _, m := range migs {
		for _, stmt := range m.statements {
			r, err := c.Rewrite(stmt, tables)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", m.file, err)
			}
			out = append(out, r...)
		}
	}
	return out, nil
}
