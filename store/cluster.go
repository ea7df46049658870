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

// ClusterTables is what Rewrite has learnt from the statements before the
// one it rewrites: the tables and views the schema has created so far.
// The zero value is an empty schema. Rewrite every migration in order
// through one ClusterTables, applied or not, so it describes the cluster
// as the migrations leave it.
type ClusterTables struct {
	tables map[string]clusterTable // by the name readers use: the Distributed table
	views  map[string]bool
}

type clusterTable struct {
	// shardKey is what the Distributed table hashes to pick a shard: the
	// sorting key of the table whose rows T_local holds. It follows the
	// rows, not the name: EXCHANGE TABLES swaps it.
	shardKey string
	// path is the Keeper path T_local's replicas registered under when it
	// was created. A replicated table keeps its path for life, so after an
	// EXCHANGE a path named after a table belongs to the other one.
	path string
}

func (t *ClusterTables) has(name string) bool {
	_, ok := t.tables[name]
	return ok
}

func (t *ClusterTables) set(name string, ct clusterTable) {
	if t.tables == nil {
		t.tables = map[string]clusterTable{}
	}
	t.tables[name] = ct
}

func (t *ClusterTables) addView(name string) {
	if t.views == nil {
		t.views = map[string]bool{}
	}
	t.views[name] = true
}

// pathOwner names the table whose local table replicates under path, if any.
func (t *ClusterTables) pathOwner(path string) (string, bool) {
	for name, ct := range t.tables {
		if ct.path == path {
			return name, true
		}
	}
	return "", false
}

const ident = `[A-Za-z_][A-Za-z0-9_]*`

var (
	reCreateTable = regexp.MustCompile(`(?is)^CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?(` + ident + `)(?:\s+AS\s+(` + ident + `))?\s*(.*)$`)
	reEngine      = regexp.MustCompile(`(?is)\bENGINE\s*=\s*([A-Za-z]*MergeTree)\b`)
	reOrderBy     = regexp.MustCompile(`(?is)\bORDER\s+BY\s+`)
	reKeyName     = regexp.MustCompile(`^` + ident)
	reAlter       = regexp.MustCompile(`(?is)^ALTER\s+TABLE\s+(` + ident + `)\s+(.*)$`)
	reColumnAlter = regexp.MustCompile(`(?i)^\s*(ADD|DROP|MODIFY|RENAME|COMMENT)\s+COLUMN\b`)
	reCreateView  = regexp.MustCompile(`(?is)^CREATE\s+MATERIALIZED\s+VIEW\s+(IF\s+NOT\s+EXISTS\s+)?(` + ident + `)\s+TO\s+(` + ident + `)\s+AS\s+(.*)$`)
	reFromTable   = regexp.MustCompile(`(?i)\b(FROM|JOIN)\s+(` + ident + `)\b`)
	reInsert      = regexp.MustCompile(`(?is)^INSERT\s+INTO\s`)
	reInsertSel   = regexp.MustCompile(`(?is)^(INSERT\s+INTO\s+` + ident + `(?:\s*\([^)]*\))?)(\s+SETTINGS\s+.*?)?(\s+(?:SELECT|WITH)\b.*)$`)
	reSyncSetting = regexp.MustCompile(`(?i)\b(insert_distributed_sync|distributed_foreground_insert)\b`)
	reDrop        = regexp.MustCompile(`(?is)^DROP\s+(TABLE|VIEW)\s+(IF\s+EXISTS\s+)?(` + ident + `)(\s+SYNC)?$`)
	reExchange    = regexp.MustCompile(`(?is)^EXCHANGE\s+TABLES\s+(` + ident + `)\s+AND\s+(` + ident + `)$`)
)

// Rewrite turns one single-node statement into its cluster form. tables
// is what the statements before this one created; Rewrite updates it with
// what stmt creates, drops or exchanges, so a view's FROM can be pointed
// at the local tables and a Distributed table shards by the right key.
//
// A failed migration is replayed from its first statement, and one
// single-node statement here becomes several ON CLUSTER statements that
// can each fail on some node, so every emitted statement tolerates being
// run again (IF EXISTS, IF NOT EXISTS, OR REPLACE) — except EXCHANGE,
// which ClickHouse cannot make idempotent.
func (c Cluster) Rewrite(stmt string, tables *ClusterTables) ([]string, error) {
	stmt = strings.TrimSpace(stmt)
	switch {
	case reCreateTable.MatchString(stmt):
		return c.createTable(stmt, tables)
	case reCreateView.MatchString(stmt):
		return c.createView(stmt, tables)
	case reAlter.MatchString(stmt):
		m := reAlter.FindStringSubmatch(stmt)
		name, rest := m[1], m[2]
		if !tables.has(name) {
			return nil, fmt.Errorf("ALTER TABLE %s: the schema does not create that table", name)
		}
		out := []string{fmt.Sprintf("ALTER TABLE %s ON CLUSTER %s %s", name+LocalSuffix, c.quotedName(), rest)}
		// The Distributed table must know a column to let it through.
		if reColumnAlter.MatchString(rest) {
			out = append(out, fmt.Sprintf("ALTER TABLE %s ON CLUSTER %s %s", name, c.quotedName(), rest))
		}
		return out, nil
	case reInsert.MatchString(stmt):
		return []string{insertSync(stmt)}, nil
	case reDrop.MatchString(stmt):
		return c.drop(stmt, tables)
	case reExchange.MatchString(stmt):
		return c.exchange(stmt, tables)
	}
	return nil, fmt.Errorf("cluster mode does not know how to run this statement on a cluster; "+
		"add a rule to store.Cluster.Rewrite: %.80s", stmt)
}

// createTable handles both CREATE TABLE t (columns) ENGINE = … and
// CREATE TABLE t AS other ENGINE = … (columns copied from other).
func (c Cluster) createTable(stmt string, tables *ClusterTables) ([]string, error) {
	m := reCreateTable.FindStringSubmatch(stmt)
	ifNotExists, name, from, body := m[1] != "", m[2], m[3], m[4]
	prefix := "" // what goes between the local table's name and its ENGINE
	if from != "" {
		if !tables.has(from) {
			return nil, fmt.Errorf("CREATE TABLE %s AS %s: the schema does not create %s", name, from, from)
		}
		prefix = "AS " + from + LocalSuffix + " "
	} else if !strings.HasPrefix(body, "(") {
		return nil, fmt.Errorf("CREATE TABLE %s: cluster mode needs a column list or AS <table> before the ENGINE", name)
	}
	eng, err := engineClause(body)
	if err != nil && from != "" && !strings.Contains(strings.ToUpper(body), "ENGINE") {
		// Without its own ENGINE a copy takes from_local's, replication
		// path included, and would join from's replicas.
		return nil, fmt.Errorf("CREATE TABLE %s AS %s: give the copy its own ENGINE = …MergeTree clause; "+
			"in cluster mode it would otherwise share %s%s's replication path", name, from, from, LocalSuffix)
	}
	if err != nil {
		return nil, fmt.Errorf("table %s: %w", name, err)
	}
	if from != "" && eng.start != 0 {
		return nil, fmt.Errorf("table %s: cluster mode expects ENGINE right after AS %s", name, from)
	}
	key, err := sortingKey(body[eng.end:])
	if err != nil {
		return nil, fmt.Errorf("table %s: %w", name, err)
	}

	local := name + LocalSuffix
	// A table replicates under a path named after it, so a replayed or
	// half-failed CREATE on some nodes joins the replicas the others made.
	// A copy is made to be exchanged into place, after which its path
	// would be held by the other name's table for good: a replay of the
	// migration (which drops and makes the copy again) would then find its
	// path taken and fail with REPLICA_ALREADY_EXISTS every time. So a copy
	// replicates under a path of its own creation instead ({uuid}: ON
	// CLUSTER gives every node the same table UUID), which EXCHANGE carries
	// along with the table.
	path := fmt.Sprintf("/clickhouse/tables/{shard}/%s/%s", c.Database, local)
	createLocal := "CREATE TABLE IF NOT EXISTS"
	if from != "" {
		path = fmt.Sprintf("/clickhouse/tables/{shard}/%s/{uuid}", c.Database)
		// A second CREATE of a copy would get another UUID, hence other
		// replicas: only a migration that drops the copy first may run it
		// again, as the single-node statement says.
		if !ifNotExists {
			createLocal = "CREATE TABLE"
		}
	}
	known := tables.has(name)
	switch {
	case known && !ifNotExists:
		return nil, fmt.Errorf("CREATE TABLE %s: an earlier statement already creates it; drop it first or write CREATE TABLE IF NOT EXISTS", name)
	case !known:
		if owner, taken := tables.pathOwner(path); taken && from == "" {
			return nil, fmt.Errorf("CREATE TABLE %s: its replication path %s is still used by %s%s, "+
				"which took it over in an EXCHANGE (a replicated table keeps the path it was created with); "+
				"give the new table another name, or make the table that is exchanged a copy (CREATE TABLE … AS …)",
				name, path, owner, LocalSuffix)
		}
		// An existing table keeps its key and path: IF NOT EXISTS makes
		// this CREATE a no-op on the cluster too.
		tables.set(name, clusterTable{shardKey: key, path: path})
	}

	replArgs := fmt.Sprintf("'%s', '{replica}'", path)
	if eng.args != "" {
		replArgs += ", " + eng.args
	}
	localBody := prefix + body[:eng.start] + "ENGINE = Replicated" + eng.engine + "(" + replArgs + ")" + body[eng.end:]
	return []string{
		fmt.Sprintf("%s %s ON CLUSTER %s %s", createLocal, local, c.quotedName(), localBody),
		// Sharding by the sorting key keeps every version of a row on one
		// shard, where ReplacingMergeTree and FINAL can see them together.
		"CREATE TABLE IF NOT EXISTS " + c.distributed(name, key),
	}, nil
}

// distributed is the part of a CREATE of the Distributed table name after
// "CREATE TABLE [IF NOT EXISTS]".
func (c Cluster) distributed(name, key string) string {
	local := name + LocalSuffix
	return fmt.Sprintf("%s ON CLUSTER %s AS %s ENGINE = Distributed(%s, %s, %s, cityHash64(%s))",
		name, c.quotedName(), local, c.quotedName(), Quote(c.Database), Quote(local), key)
}

func (c Cluster) createView(stmt string, tables *ClusterTables) ([]string, error) {
	m := reCreateView.FindStringSubmatch(stmt)
	name, target, sel := m[2], m[3], m[4]
	if !tables.has(target) {
		return nil, fmt.Errorf("view %s writes to %s, which the schema does not create", name, target)
	}
	// A view fires on inserts into the local table of the node that
	// receives the block, so it must read and write local tables.
	sel = reFromTable.ReplaceAllStringFunc(sel, func(s string) string {
		p := reFromTable.FindStringSubmatch(s)
		if tables.has(p[2]) {
			return p[1] + " " + p[2] + LocalSuffix
		}
		return s
	})
	tables.addView(name)
	return []string{fmt.Sprintf("CREATE MATERIALIZED VIEW IF NOT EXISTS %s ON CLUSTER %s TO %s AS %s",
		name, c.quotedName(), target+LocalSuffix, sel)}, nil
}

// drop removes a view from every node, or a table's Distributed table and
// then its local tables. Both are emitted with IF EXISTS whatever the
// migration says: a replay may find them half dropped.
func (c Cluster) drop(stmt string, tables *ClusterTables) ([]string, error) {
	m := reDrop.FindStringSubmatch(stmt)
	kind, ifExists, name := strings.ToUpper(m[1]), m[2] != "", m[3]
	if kind == "VIEW" || tables.views[name] {
		if !ifExists && !tables.views[name] {
			return nil, fmt.Errorf("DROP VIEW %s: the schema does not create that view", name)
		}
		delete(tables.views, name)
		return []string{fmt.Sprintf("DROP VIEW IF EXISTS %s ON CLUSTER %s", name, c.quotedName())}, nil
	}
	// DROP TABLE IF EXISTS of a table the schema does not know is still
	// rewritten in full: a crashed earlier run of this migration may have
	// created it on the cluster (0010 starts by dropping its half-made copy).
	if !ifExists && !tables.has(name) {
		return nil, fmt.Errorf("DROP TABLE %s: the schema does not create that table", name)
	}
	delete(tables.tables, name)
	// SYNC: in an Atomic database a plain DROP frees the table (and its
	// replicas' Keeper path) only minutes later, and a CREATE of the same
	// name in the same migration would fail with REPLICA_ALREADY_EXISTS.
	return []string{
		fmt.Sprintf("DROP TABLE IF EXISTS %s ON CLUSTER %s SYNC", name, c.quotedName()),
		fmt.Sprintf("DROP TABLE IF EXISTS %s ON CLUSTER %s SYNC", name+LocalSuffix, c.quotedName()),
	}, nil
}

// exchange swaps the data of two tables: their local tables, where the
// rows are. Each Distributed table names its local table, so it now reads
// the other's rows, but it would still route inserts by its own sorting
// key while the rows it reaches were sharded by the other's: an item
// inserted again would land on another shard than its first version and
// FINAL would not collapse them. So both Distributed tables are replaced
// with the sharding key (and columns) of the rows they now front.
//
// The local tables keep their Keeper paths (a replicated table's path is
// fixed at creation). A copy's path holds its UUID, which moves with it;
// two tables made from column lists end up each under a path named after
// the other: ClusterTables tracks that, and a later CREATE that would
// reuse a taken path is refused rather than failing on the cluster.
//
// CREATE OR REPLACE rather than DROP + CREATE: the Distributed table is
// never missing, and a replay from the top (the migration's own statements
// read the Distributed tables) finds it in place. The EXCHANGE itself
// cannot be made idempotent: the single-node migration must not run it
// twice on a replay (0010 drops its copy first).
func (c Cluster) exchange(stmt string, tables *ClusterTables) ([]string, error) {
	m := reExchange.FindStringSubmatch(stmt)
	a, b := m[1], m[2]
	for _, n := range []string{a, b} {
		if !tables.has(n) {
			return nil, fmt.Errorf("EXCHANGE TABLES %s AND %s: the schema does not create %s", a, b, n)
		}
	}
	ta, tb := tables.tables[a], tables.tables[b]
	tables.set(a, tb)
	tables.set(b, ta)
	return []string{
		fmt.Sprintf("EXCHANGE TABLES %s AND %s ON CLUSTER %s", a+LocalSuffix, b+LocalSuffix, c.quotedName()),
		"CREATE OR REPLACE TABLE " + c.distributed(a, tb.shardKey),
		"CREATE OR REPLACE TABLE " + c.distributed(b, ta.shardKey),
	}, nil
}

// insertSync makes an INSERT … SELECT wait until every shard has its rows.
// A Distributed table otherwise queues them on the node that ran the
// query and sends them later, by table name: a migration that exchanges
// or drops tables right after its backfill would send them to the wrong
// table or lose them, and one recorded as applied would not yet hold them.
func insertSync(stmt string) string {
	m := reInsertSel.FindStringSubmatch(stmt)
	if m == nil || reSyncSetting.MatchString(m[2]) {
		return stmt
	}
	if m[2] == "" {
		return m[1] + " SETTINGS insert_distributed_sync = 1" + m[3]
	}
	return m[1] + m[2] + ", insert_distributed_sync = 1" + m[3]
}

// engine is the ENGINE = …MergeTree(…) clause of a CREATE TABLE body.
type engine struct {
	start, end int    // the clause's span in the body
	engine     string // e.g. ReplacingMergeTree
	args       string // what its parentheses hold, trimmed; "" without any
}

func engineClause(body string) (engine, error) {
	loc := reEngine.FindStringSubmatchIndex(body)
	if loc == nil {
		return engine{}, fmt.Errorf("cluster mode needs a *MergeTree engine to replicate")
	}
	e := engine{start: loc[0], end: loc[1], engine: body[loc[2]:loc[3]]}
	rest := strings.TrimLeft(body[loc[1]:], " \t\r\n")
	if strings.HasPrefix(rest, "(") {
		open := len(body) - len(rest)
		end := closingParen(body, open)
		if end < 0 {
			return engine{}, fmt.Errorf("the arguments of ENGINE = %s have no closing parenthesis", e.engine)
		}
		e.args = strings.TrimSpace(body[open+1 : end-1])
		e.end = end
	}
	return e, nil
}

// sortingKey returns the expressions of the ORDER BY clause in s, without
// the tuple's parentheses: the arguments of cityHash64 for the sharding key.
func sortingKey(s string) (string, error) {
	loc := reOrderBy.FindStringIndex(s)
	if loc == nil {
		return "", fmt.Errorf("no ORDER BY to shard by")
	}
	rest := s[loc[1]:]
	var key string
	if strings.HasPrefix(rest, "(") {
		end := closingParen(rest, 0)
		if end < 0 {
			return "", fmt.Errorf("ORDER BY has no closing parenthesis")
		}
		key = rest[1 : end-1]
	} else {
		name := reKeyName.FindString(rest)
		key = name
		// A single function call, such as toStartOfDay(ts).
		if strings.HasPrefix(rest[len(name):], "(") {
			if end := closingParen(rest, len(name)); end > 0 {
				key = rest[:end]
			}
		}
	}
	key = strings.TrimSpace(key)
	if key == "" || strings.EqualFold(strings.ReplaceAll(key, " ", ""), "tuple()") {
		return "", fmt.Errorf("ORDER BY %q gives no key to shard by: sort the table by the columns that identify a row", key)
	}
	return key, nil
}

// closingParen returns the index just past the parenthesis that closes the
// one at s[open], skipping quoted strings and identifiers; -1 if none does.
func closingParen(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch ch := s[i]; ch {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i + 1
			}
		case '\'', '"', '`':
			for i++; i < len(s) && s[i] != ch; i++ {
				if s[i] == '\\' {
					i++
				}
			}
		}
	}
	return -1
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
	var tables ClusterTables
	var out []string
	for _, m := range migs {
		for _, stmt := range m.statements {
			r, err := c.Rewrite(stmt, &tables)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", m.file, err)
			}
			out = append(out, r...)
		}
	}
	return out, nil
}
