package dashboards

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/earshot-dev/earshot/schema"
	"github.com/earshot-dev/earshot/store"
)

// The one embedded engine of this test binary (libchdb allows one per
// process), opened, migrated and seeded by TestMain.
var engine store.Store

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	dir, err := os.MkdirTemp("", "earshot-dashboards-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "dashboards test:", err)
		return 1
	}
	defer os.RemoveAll(dir)

	st, err := store.Open(ctx, store.Config{DataDir: dir}, log)
	if err != nil {
		// Never a skip: without the engine the panel queries are untested.
		fmt.Fprintf(os.Stderr, "dashboards test: the panel queries run on the embedded ClickHouse engine, which did not open: %v\n", err)
		if errors.Is(err, store.ErrLibraryMissing) {
			fmt.Fprintln(os.Stderr, "dashboards test: install it with scripts/install-libchdb.sh (or set CHDB_LIB_PATH)")
		}
		return 1
	}
	defer st.Close()
	if _, err := store.Migrate(ctx, st, schema.Migrations, log); err != nil {
		fmt.Fprintln(os.Stderr, "dashboards test: migrate:", err)
		return 1
	}
	if err := seed(ctx, st); err != nil {
		fmt.Fprintln(os.Stderr, "dashboards test: seed:", err)
		return 1
	}
	engine = st
	return m.Run()
}

// ---------------------------------------------------------------------------
// Dashboard JSON model: only the fields the tests look at.

type dsRef struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type gridPos struct {
	X *int `json:"x"`
	Y *int `json:"y"`
	W *int `json:"w"`
	H *int `json:"h"`
}

type target struct {
	RefID      string `json:"refId"`
	Datasource *dsRef `json:"datasource"`
	EditorType string `json:"editorType"`
	QueryType  string `json:"queryType"`
	Format     *int   `json:"format"`
	RawSQL     string `json:"rawSql"`
}

type panel struct {
	ID         *int     `json:"id"`
	Type       string   `json:"type"`
	Title      string   `json:"title"`
	Datasource *dsRef   `json:"datasource"`
	GridPos    *gridPos `json:"gridPos"`
	Targets    []target `json:"targets"`
	Panels     []panel  `json:"panels"` // a collapsed row's panels
}

type variable struct {
	Name       string          `json:"name"`
	Type       string          `json:"type"`
	Datasource *dsRef          `json:"datasource"`
	Query      json.RawMessage `json:"query"`
	Multi      bool            `json:"multi"`
	IncludeAll bool            `json:"includeAll"`
	AllValue   *string         `json:"allValue"`
}

// sql is the variable's query: the plugin stores {"rawSql": …}; older
// dashboards store a plain string.
func (v variable) sql() string {
	var s string
	if json.Unmarshal(v.Query, &s) == nil {
		return s
	}
	var q struct {
		RawSQL string `json:"rawSql"`
	}
	_ = json.Unmarshal(v.Query, &q)
	return q.RawSQL
}

type dashboard struct {
	UID           string `json:"uid"`
	Title         string `json:"title"`
	SchemaVersion int    `json:"schemaVersion"`
	Panels        []panel
	Templating    struct {
		List []variable `json:"list"`
	} `json:"templating"`
	Annotations struct {
		List []struct {
			Name   string `json:"name"`
			Target struct {
				RawSQL string `json:"rawSql"`
			} `json:"target"`
		} `json:"list"`
	} `json:"annotations"`
}

// allPanels flattens rows.
func (d dashboard) allPanels() []panel {
	var out []panel
	var walk func([]panel)
	walk = func(ps []panel) {
		for _, p := range ps {
			out = append(out, p)
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	return out
}

type dashboardFile struct {
	name string
	dash dashboard
}

func loadDashboards(t *testing.T) []dashboardFile {
	t.Helper()
	names, err := fs.Glob(Files, "json/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("no dashboards embedded under json/")
	}
	var out []dashboardFile
	for _, name := range names {
		b, err := fs.ReadFile(Files, name)
		if err != nil {
			t.Fatal(err)
		}
		var d dashboard
		dec := json.NewDecoder(strings.NewReader(string(b)))
		if err := dec.Decode(&d); err != nil {
			t.Fatalf("%s: not valid dashboard JSON: %v", name, err)
		}
		out = append(out, dashboardFile{name: name, dash: d})
	}
	return out
}

// ---------------------------------------------------------------------------
// Provisioning.

func readYAML(t *testing.T, name string, v any) {
	t.Helper()
	b, err := fs.ReadFile(Files, name)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func TestEmbeddedFiles(t *testing.T) {
	for _, name := range []string{
		"provisioning/datasources/clickhouse.yaml",
		"provisioning/dashboards/earshot.yaml",
		"json/overview.json",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := fs.Stat(Files, name); err != nil {
				t.Errorf("not embedded: %v", err)
			}
		})
	}
}

func TestDatasourceProvisioning(t *testing.T) {
	var f DatasourceFile
	readYAML(t, "provisioning/datasources/clickhouse.yaml", &f)
	if f.APIVersion != 1 {
		t.Errorf("apiVersion = %d, want 1", f.APIVersion)
	}
	if len(f.Datasources) != 1 {
		t.Fatalf("want exactly one data source, got %d", len(f.Datasources))
	}
	ds := f.Datasources[0]
	checks := []struct {
		field     string
		got, want any
	}{
		{"uid", ds.UID, DatasourceUID},
		{"type", ds.Type, DatasourceType},
		{"jsonData.protocol", ds.JSONData["protocol"], "native"},
		{"jsonData.port", ds.JSONData["port"], 9000},
		{"jsonData.defaultDatabase", ds.JSONData["defaultDatabase"], store.DefaultDatabase},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.field, c.got, c.want)
		}
	}
	if h, _ := ds.JSONData["host"].(string); h == "" {
		t.Error("jsonData.host is empty")
	}
	// Credentials come from the environment, never from the file.
	if u, _ := ds.JSONData["username"].(string); !strings.HasPrefix(u, "$") {
		t.Errorf("jsonData.username = %q, want an environment reference", u)
	}
	if p, _ := ds.SecureJSONData["password"].(string); !strings.HasPrefix(p, "$") {
		t.Errorf("secureJsonData.password = %q, want an environment reference", p)
	}
}

func TestDashboardProvider(t *testing.T) {
	var f ProviderFile
	readYAML(t, "provisioning/dashboards/earshot.yaml", &f)
	if f.APIVersion != 1 {
		t.Errorf("apiVersion = %d, want 1", f.APIVersion)
	}
	if len(f.Providers) == 0 {
		t.Fatal("no providers")
	}
	for _, p := range f.Providers {
		if p.Type != "file" {
			t.Errorf("provider %q: type = %q, want file", p.Name, p.Type)
		}
		if !path.IsAbs(p.Options.Path) {
			t.Errorf("provider %q: options.path = %q, want an absolute path", p.Name, p.Options.Path)
		}
	}
}

// ---------------------------------------------------------------------------
// Dashboard structure.

func TestDashboardStructure(t *testing.T) {
	uids := map[string]string{}
	for _, df := range loadDashboards(t) {
		t.Run(df.name, func(t *testing.T) {
			d := df.dash
			if d.UID == "" || d.Title == "" {
				t.Errorf("uid %q / title %q: both are required", d.UID, d.Title)
			}
			if other, dup := uids[d.UID]; dup {
				t.Errorf("uid %q also used by %s", d.UID, other)
			}
			uids[d.UID] = df.name
			if d.SchemaVersion < 36 {
				t.Errorf("schemaVersion = %d, want ≥ 36 (data source references as {type, uid})", d.SchemaVersion)
			}

			ids := map[int]string{}
			type rect struct {
				title      string
				x, y, w, h int
			}
			var rects []rect
			for _, p := range d.allPanels() {
				if p.ID == nil {
					t.Errorf("panel %q has no id", p.Title)
				} else {
					if other, dup := ids[*p.ID]; dup {
						t.Errorf("panel %q: id %d also used by %q", p.Title, *p.ID, other)
					}
					ids[*p.ID] = p.Title
				}
				g := p.GridPos
				if g == nil || g.X == nil || g.Y == nil || g.W == nil || g.H == nil {
					t.Errorf("panel %q: gridPos needs x, y, w and h", p.Title)
				} else {
					if *g.W <= 0 || *g.H <= 0 || *g.X < 0 || *g.Y < 0 || *g.X+*g.W > 24 {
						t.Errorf("panel %q: gridPos %d,%d %dx%d is outside the 24-column grid", p.Title, *g.X, *g.Y, *g.W, *g.H)
					}
					rects = append(rects, rect{p.Title, *g.X, *g.Y, *g.W, *g.H})
				}
				if p.Type == "row" {
					continue
				}
				if p.Title == "" {
					t.Errorf("panel %d has no title", deref(p.ID))
				}
				checkDatasource(t, fmt.Sprintf("panel %q", p.Title), p.Datasource)
				if len(p.Targets) == 0 {
					t.Errorf("panel %q has no targets", p.Title)
				}
				refs := map[string]bool{}
				for _, tg := range p.Targets {
					where := fmt.Sprintf("panel %q target %q", p.Title, tg.RefID)
					if tg.RefID == "" || refs[tg.RefID] {
						t.Errorf("%s: refId must be set and unique in the panel", where)
					}
					refs[tg.RefID] = true
					checkDatasource(t, where, tg.Datasource)
					checkTarget(t, where, p.Type, tg)
				}
			}
			for i, a := range rects {
				for _, b := range rects[i+1:] {
					if a.x < b.x+b.w && b.x < a.x+a.w && a.y < b.y+b.h && b.y < a.y+a.h {
						t.Errorf("panels %q and %q overlap", a.title, b.title)
					}
				}
			}

			names := map[string]bool{}
			for _, v := range d.Templating.List {
				if names[v.Name] {
					t.Errorf("template variable %q defined twice", v.Name)
				}
				names[v.Name] = true
				if v.Type != "query" {
					continue
				}
				checkDatasource(t, "variable "+v.Name, v.Datasource)
				if strings.TrimSpace(v.sql()) == "" {
					t.Errorf("variable %q has no query", v.Name)
				}
			}
			for _, want := range []string{"brand", "network"} {
				if !names[want] {
					t.Errorf("template variable %q missing", want)
				}
			}
		})
	}
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

func checkDatasource(t *testing.T, where string, ds *dsRef) {
	t.Helper()
	switch {
	case ds == nil:
		t.Errorf("%s: no datasource", where)
	case ds.Type != DatasourceType || ds.UID != DatasourceUID:
		t.Errorf("%s: datasource = {%q, %q}, want the provisioned {%q, %q}", where, ds.Type, ds.UID, DatasourceType, DatasourceUID)
	}
}

// checkTarget checks the plugin's query fields: SQL editor, and a query type
// and format that agree (format 0 = time series, 1 = table).
func checkTarget(t *testing.T, where, panelType string, tg target) {
	t.Helper()
	if tg.EditorType != "sql" {
		t.Errorf("%s: editorType = %q, want sql", where, tg.EditorType)
	}
	if strings.TrimSpace(tg.RawSQL) == "" {
		t.Errorf("%s: rawSql is empty", where)
	}
	wantFormat := map[string]int{"timeseries": 0, "table": 1}
	f, ok := wantFormat[tg.QueryType]
	switch {
	case !ok:
		t.Errorf("%s: queryType = %q, want timeseries or table", where, tg.QueryType)
	case tg.Format == nil || *tg.Format != f:
		t.Errorf("%s: format = %v, want %d for queryType %q", where, tg.Format, f, tg.QueryType)
	}
	if panelType == "timeseries" && tg.QueryType != "timeseries" {
		t.Errorf("%s: a timeseries panel needs queryType timeseries", where)
	}
}

// ---------------------------------------------------------------------------
// Macro and variable expansion, as Grafana and the ClickHouse plugin do it:
// first $__conditionalAll (plugin front end), then template variables
// (Grafana), then the plugin's $__ macros (plugin back end).

// selection is the value of a template variable: All, or some values.
type selection struct {
	all    bool
	values []string
}

type expansion struct {
	from, to time.Time
	interval time.Duration
	vars     map[string]selection
	// options are each variable's values, as its query returned them; "All"
	// without an allValue expands to these.
	options map[string][]string
}

func (e expansion) expand(sql string) (string, error) {
	out, err := e.conditionalAll(sql)
	if err != nil {
		return "", err
	}
	if out, err = e.variables(out); err != nil {
		return "", err
	}
	if out, err = e.macros(out); err != nil {
		return "", err
	}
	if strings.Contains(out, "$") {
		return "", fmt.Errorf("unexpanded $ left in %q", out)
	}
	return out, nil
}

const conditionalAll = "$__conditionalAll("

// conditionalAll replaces $__conditionalAll(condition, $var) by 1=1 when var
// is All, else by condition.
func (e expansion) conditionalAll(sql string) (string, error) {
	for {
		i := strings.Index(sql, conditionalAll)
		if i < 0 {
			return sql, nil
		}
		args, end, err := macroArgs(sql, i+len(conditionalAll)-1)
		if err != nil {
			return "", err
		}
		if len(args) != 2 {
			return "", fmt.Errorf("$__conditionalAll wants 2 arguments, got %d", len(args))
		}
		ref := strings.TrimSpace(args[1])
		m := regexp.MustCompile(`^\$(?:\{(\w+)\}|(\w+))$`).FindStringSubmatch(ref)
		if m == nil {
			return "", fmt.Errorf("$__conditionalAll: second argument %q must be a plain $variable", ref)
		}
		name := m[1] + m[2]
		sel, ok := e.vars[name]
		if !ok {
			return "", fmt.Errorf("$__conditionalAll: unknown variable %q", name)
		}
		repl := strings.TrimSpace(args[0])
		if sel.all {
			repl = "1=1"
		}
		sql = sql[:i] + repl + sql[end:]
	}
}

// macroArgs splits the parenthesised, comma-separated arguments starting at
// sql[open] == '(' and returns them with the index just past ')'. Nested
// brackets and quoted strings are kept whole.
func macroArgs(sql string, open int) ([]string, int, error) {
	depth, start := 0, open+1
	var args []string
	var quote byte
	for i := open; i < len(sql); i++ {
		c := sql[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"' || c == '`':
			quote = c
		case c == '(' || c == '[':
			depth++
		case c == ')' || c == ']':
			depth--
			if depth == 0 {
				return append(args, sql[start:i]), i + 1, nil
			}
		case c == ',' && depth == 1:
			args = append(args, sql[start:i])
			start = i + 1
		}
	}
	return nil, 0, fmt.Errorf("unbalanced brackets after %q", sql[:open])
}

var varRef = regexp.MustCompile(`\$\{(\w+)(?::(\w+))?\}|\$(\w+)`)

// variables expands ${name:format}, ${name} and $name, leaving $__ macros.
func (e expansion) variables(sql string) (string, error) {
	var firstErr error
	out := varRef.ReplaceAllStringFunc(sql, func(ref string) string {
		m := varRef.FindStringSubmatch(ref)
		name, format := m[1]+m[3], m[2]
		if strings.HasPrefix(name, "__") {
			return ref
		}
		sel, ok := e.vars[name]
		if !ok {
			firstErr = cmpErr(firstErr, fmt.Errorf("unknown template variable %q", name))
			return ref
		}
		values := sel.values
		if sel.all {
			values = e.options[name]
		}
		s, err := formatValues(values, format)
		if err != nil {
			firstErr = cmpErr(firstErr, fmt.Errorf("%s: %w", ref, err))
			return ref
		}
		return s
	})
	return out, firstErr
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// formatValues applies one of Grafana's variable formats.
func formatValues(values []string, format string) (string, error) {
	if len(values) == 0 {
		return "", errors.New("no values")
	}
	quoted := func(escape func(string) string) string {
		q := make([]string, len(values))
		for i, v := range values {
			q[i] = "'" + escape(v) + "'"
		}
		return strings.Join(q, ",")
	}
	switch format {
	case "singlequote":
		return quoted(strings.NewReplacer(`'`, `\'`).Replace), nil
	case "sqlstring":
		return quoted(strings.NewReplacer(`'`, `''`).Replace), nil
	case "csv", "raw":
		return strings.Join(values, ","), nil
	case "":
		return "", errors.New("give a format (${var:singlequote}): the default one is not safe SQL")
	default:
		return "", fmt.Errorf("format %q not supported by this test", format)
	}
}

var pluginMacro = regexp.MustCompile(`\$__(\w+)(?:\(([^()]*)\))?`)

// macros expands the plugin's back-end macros with the time range and interval.
func (e expansion) macros(sql string) (string, error) {
	dateTime := func(t time.Time) string { return fmt.Sprintf("toDateTime(%d)", t.Unix()) }
	dateTime64 := func(t time.Time) string { return fmt.Sprintf("fromUnixTimestamp64Milli(%d)", t.UnixMilli()) }
	date := func(t time.Time) string { return fmt.Sprintf("toDate('%s')", t.UTC().Format("2006-01-02")) }
	between := func(col string, conv func(time.Time) string) string {
		return fmt.Sprintf("%s >= %s AND %s <= %s", col, conv(e.from), col, conv(e.to))
	}
	seconds := max(int(e.interval.Seconds()), 1)
	millis := max(int(e.interval.Milliseconds()), 1)

	var firstErr error
	out := pluginMacro.ReplaceAllStringFunc(sql, func(ref string) string {
		m := pluginMacro.FindStringSubmatch(ref)
		name, arg := m[1], strings.TrimSpace(m[2])
		hasArg := strings.Contains(ref, "(")
		withArg := map[string]func(string) string{
			"timeFilter":    func(c string) string { return between(c, dateTime) },
			"timeFilter_ms": func(c string) string { return between(c, dateTime64) },
			"dateFilter":    func(c string) string { return between(c, date) },
			"timeInterval": func(c string) string {
				return fmt.Sprintf("toStartOfInterval(toDateTime(%s), INTERVAL %d second)", c, seconds)
			},
			"timeInterval_ms": func(c string) string {
				return fmt.Sprintf("toStartOfInterval(toDateTime64(%s, 3), INTERVAL %d millisecond)", c, millis)
			},
		}
		bare := map[string]string{
			"fromTime":    dateTime(e.from),
			"toTime":      dateTime(e.to),
			"fromTime_ms": dateTime64(e.from),
			"toTime_ms":   dateTime64(e.to),
			"interval_s":  strconv.Itoa(seconds),
		}
		if f, ok := withArg[name]; ok && hasArg && arg != "" {
			return f(arg)
		}
		if s, ok := bare[name]; ok && !hasArg {
			return s
		}
		firstErr = cmpErr(firstErr, fmt.Errorf("macro %s is not supported by this test (or has the wrong arguments)", ref))
		return ref
	})
	return out, firstErr
}

func TestExpansion(t *testing.T) {
	e := expansion{
		from:     time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		to:       time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC),
		interval: 90 * time.Second,
		vars: map[string]selection{
			"brand":   {values: []string{"Acme", "O'Reilly"}},
			"network": {all: true},
		},
		options: map[string][]string{"network": {"bluesky", "mastodon"}},
	}
	tests := []struct {
		name, in, want string
		wantErr        bool
	}{
		{"time filter", "WHERE $__timeFilter(hour)", "WHERE hour >= toDateTime(1793491200) AND hour <= toDateTime(1793577600)", false},
		{"time filter ms", "$__timeFilter_ms(created_at)", "created_at >= fromUnixTimestamp64Milli(1793491200000) AND created_at <= fromUnixTimestamp64Milli(1793577600000)", false},
		{"date filter", "$__dateFilter(day)", "day >= toDate('2026-11-01') AND day <= toDate('2026-11-02')", false},
		{"bare macros", "$__fromTime, $__toTime_ms, $__interval_s", "toDateTime(1793491200), fromUnixTimestamp64Milli(1793577600000), 90", false},
		{"time interval", "$__timeInterval(hour)", "toStartOfInterval(toDateTime(hour), INTERVAL 90 second)", false},
		{"singlequote escapes", "brand IN (${brand:singlequote})", `brand IN ('Acme','O\'Reilly')`, false},
		{"sqlstring escapes", "${brand:sqlstring}", `'Acme','O''Reilly'`, false},
		{"all expands to options", "${network:singlequote}", "'bluesky','mastodon'", false},
		{"conditionalAll kept", "$__conditionalAll(hasAny(brands, [${brand:singlequote}]), $brand)", `hasAny(brands, ['Acme','O\'Reilly'])`, false},
		{"conditionalAll dropped", "a AND $__conditionalAll(network IN (${network:singlequote}), ${network}) AND b", "a AND 1=1 AND b", false},
		{"default format refused", "brand IN ($brand)", "", true},
		{"unknown variable", "${nope:singlequote}", "", true},
		{"unknown macro", "$__timeGroup(hour, 1h)", "", true},
		{"macro missing argument", "$__timeFilter()", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := e.expand(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("expand(%q) = %q, want an error", tc.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("expand(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("expand(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}

// ---------------------------------------------------------------------------
// Test data. Three brands on two networks, in a range the queries use
// (2026-11-01 … 2026-11-08), plus rows that FINAL or the time filter must
// drop.

var (
	rangeFrom = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	rangeTo   = time.Date(2026, 11, 8, 0, 0, 0, 0, time.UTC)
	computed  = time.Date(2026, 11, 9, 0, 0, 0, 0, time.UTC)

	brands   = []string{"Acme", "Globex", "O'Reilly Auto"} // a quote, to prove the escaping
	roles    = map[string]string{"Acme": "own", "Globex": "competitor", "O'Reilly Auto": "competitor"}
	networks = []string{"bluesky", "mastodon"}
	hours    = []time.Time{
		time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 3, 15, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 5, 8, 0, 0, 0, time.UTC),
	}
)

// hourly is the rollup row for brand b, network n, hour h.
type hourly struct{ mentions, positive, neutral, negative, potentialReach uint64 }

func hourlyRow(b, n, h int) hourly {
	m := uint64(10*(b+1) + 3*n + h)
	pos, neg := m/2, m/5
	return hourly{m, pos, m - pos - neg, neg, m * 100}
}

// sovMentions is a brand's mentions on one day in share_of_voice_daily.
func sovMentions(b, day int) uint64 { return uint64(20*(b+1) + day) }

// A mention: the same author twice for Acme (unique reach counts once), one
// mention of two brands, and one id collected twice (FINAL keeps one).
type mention struct {
	id, network, author string
	followers           uint64
	brands              []string
	at                  time.Time
	enriched            time.Time
}

var mentionRows = []mention{
	{"bluesky:1", "bluesky", "a1", 1000, []string{"Acme"}, hours[0], computed},
	{"bluesky:2", "bluesky", "a1", 1000, []string{"Acme"}, hours[1], computed},
	{"mastodon:3", "mastodon", "a2", 500, []string{"Acme"}, hours[1], computed},
	{"bluesky:4", "bluesky", "a3", 200, []string{"Acme", "Globex"}, hours[2], computed},
	{"mastodon:5", "mastodon", "a4", 300, []string{"Globex"}, hours[0], computed},
	{"bluesky:6", "bluesky", "a5", 50, []string{"O'Reilly Auto"}, hours[2], computed},
	{"mastodon:7", "mastodon", "a6", 70, []string{"O'Reilly Auto"}, hours[1], computed},
	{"bluesky:8", "bluesky", "a7", 80, []string{"Globex"}, hours[1], computed},
}

func seed(ctx context.Context, st store.Store) error {
	hourlyCols := []string{"hour", "brand", "role", "network", "mentions", "unique_authors", "potential_reach",
		"unique_reach", "engagement", "positive", "neutral", "negative", "computed_at"}
	var rows [][]any
	for b, brand := range brands {
		for n, network := range networks {
			for h, hour := range hours {
				r := hourlyRow(b, n, h)
				rows = append(rows, []any{hour, brand, roles[brand], network, r.mentions, r.mentions / 2, r.potentialReach,
					r.potentialReach / 2, r.mentions * 3, r.positive, r.neutral, r.negative, computed})
			}
		}
	}
	// A stale version of one row (older computed_at, separate part) and a
	// row outside the range: neither may count.
	stale := [][]any{
		{hours[0], "Acme", "own", "bluesky", uint64(999), uint64(1), uint64(99900), uint64(1), uint64(1), uint64(999), uint64(0), uint64(0), computed.Add(-time.Hour)},
		{rangeFrom.Add(-72 * time.Hour), "Acme", "own", "bluesky", uint64(5000), uint64(1), uint64(1), uint64(1), uint64(1), uint64(0), uint64(0), uint64(5000), computed},
	}
	if err := st.Insert(ctx, "mentions_hourly", hourlyCols, stale, ""); err != nil {
		return fmt.Errorf("mentions_hourly: %w", err)
	}
	if err := st.Insert(ctx, "mentions_hourly", hourlyCols, rows, ""); err != nil {
		return fmt.Errorf("mentions_hourly: %w", err)
	}

	sovCols := []string{"day", "brand", "role", "network", "mentions", "reach", "engagement",
		"total_mentions", "total_reach", "total_engagement", "sov_mentions", "sov_reach", "sov_engagement", "computed_at"}
	rows = nil
	for day := range 3 {
		d := hours[day].Format("2006-01-02")
		var total uint64
		for b := range brands {
			total += sovMentions(b, day)
		}
		for _, network := range append([]string{"all"}, networks...) {
			for b, brand := range brands {
				m := sovMentions(b, day)
				share := float64(m) / float64(total)
				rows = append(rows, []any{d, brand, roles[brand], network, m, m * 10, m * 2, total, total * 10, total * 2,
					share, share, share, computed})
			}
		}
	}
	if err := st.Insert(ctx, "share_of_voice_daily", sovCols, rows, ""); err != nil {
		return fmt.Errorf("share_of_voice_daily: %w", err)
	}

	mentionCols := []string{"id", "source", "network", "kind", "url", "author_id", "author_handle", "author_followers",
		"text", "sentiment", "sentiment_label", "brands", "brand_roles", "created_at", "collected_at", "enriched_at"}
	rows = nil
	for _, m := range mentionRows {
		var mroles []string
		for _, b := range m.brands {
			mroles = append(mroles, roles[b])
		}
		rows = append(rows, []any{m.id, m.network, m.network, "post", "https://example.test/" + m.id, m.author, "@" + m.author,
			m.followers, "text of " + m.id, float32(0.5), "positive", m.brands, mroles, m.at, m.at, m.enriched})
	}
	// An older enrichment of bluesky:1, in its own part: FINAL drops it.
	old := []any{"bluesky:1", "bluesky", "bluesky", "post", "https://example.test/bluesky:1", "a1", "@a1", uint64(1000),
		"stale text", float32(-0.5), "negative", []string{"Acme"}, []string{"own"}, hours[0], hours[0], computed.Add(-time.Hour)}
	if err := st.Insert(ctx, "mentions", mentionCols, [][]any{old}, ""); err != nil {
		return fmt.Errorf("mentions: %w", err)
	}
	if err := st.Insert(ctx, "mentions", mentionCols, rows, ""); err != nil {
		return fmt.Errorf("mentions: %w", err)
	}
	return nil
}

// ---------------------------------------------------------------------------
// Running the queries.

// scenario is one choice of template variable values and interval.
type scenario struct {
	name     string
	interval time.Duration
	brand    []string // nil = All
	network  []string // nil = All
}

var scenarios = []scenario{
	{name: "all brands, all networks", interval: 10 * time.Minute},
	{name: "one brand, one network", interval: 2 * time.Hour, brand: []string{"Acme"}, network: []string{"mastodon"}},
	{name: "two brands, one with a quote", interval: 30 * time.Minute, brand: []string{"Globex", "O'Reilly Auto"}},
}

func sel(values []string) selection {
	return selection{all: values == nil, values: values}
}

func TestQueriesRunOnEngine(t *testing.T) {
	ctx := context.Background()
	for _, df := range loadDashboards(t) {
		d := df.dash
		t.Run(df.name, func(t *testing.T) {
			for _, sc := range scenarios {
				t.Run(sc.name, func(t *testing.T) {
					e := expansion{
						from: rangeFrom, to: rangeTo, interval: sc.interval,
						vars:    map[string]selection{"brand": sel(sc.brand), "network": sel(sc.network)},
						options: map[string][]string{},
					}
					// Variables first: their rows are what "All" expands to.
					for _, v := range d.Templating.List {
						if v.Type != "query" {
							continue
						}
						res := runQuery(ctx, t, e, "variable "+v.Name, v.sql())
						if res == nil {
							continue
						}
						if len(res.Rows) == 0 {
							t.Errorf("variable %s: no options", v.Name)
						}
						for _, r := range res.Rows {
							e.options[v.Name] = append(e.options[v.Name], r[0])
						}
						if _, ok := e.vars[v.Name]; !ok {
							e.vars[v.Name] = selection{all: true}
						}
					}
					// Annotation queries must run; the seed has no alerts, so
					// no rows is the right answer.
					for _, an := range d.Annotations.List {
						if an.Target.RawSQL != "" {
							res := runQuery(ctx, t, e, "annotation "+an.Name, an.Target.RawSQL)
							if res != nil && (len(res.Columns) < 3 || res.Columns[0] != "time" || res.Columns[2] != "text") {
								t.Errorf("annotation %s: columns %v, want time, timeEnd, text, tags", an.Name, res.Columns)
							}
						}
					}
					for _, p := range d.allPanels() {
						for _, tg := range p.Targets {
							where := fmt.Sprintf("panel %q target %s", p.Title, tg.RefID)
							res := runQuery(ctx, t, e, where, tg.RawSQL)
							if res == nil {
								continue
							}
							if len(res.Rows) == 0 {
								t.Errorf("%s: no rows, though every brand has data on every network in the range", where)
							}
							if tg.QueryType == "timeseries" && (len(res.Columns) == 0 || res.Columns[0] != "time") {
								t.Errorf("%s: a time series query must return a first column named time, got %v", where, res.Columns)
							}
							if check, ok := valueChecks[p.Title]; ok {
								check(t, sc, res)
							}
						}
					}
				})
			}
		})
	}
}

// TestVariableOptions checks the template variables list what was seeded.
func TestVariableOptions(t *testing.T) {
	want := map[string][]string{"brand": brands, "network": networks}
	for _, df := range loadDashboards(t) {
		for _, v := range df.dash.Templating.List {
			w, ok := want[v.Name]
			if !ok {
				continue
			}
			e := expansion{from: rangeFrom, to: rangeTo, interval: time.Minute}
			res := runQuery(context.Background(), t, e, "variable "+v.Name, v.sql())
			if res == nil {
				continue
			}
			var got []string
			for _, r := range res.Rows {
				got = append(got, r[0])
			}
			slices.Sort(got)
			if !slices.Equal(got, w) {
				t.Errorf("%s: variable %s lists %q, want %q", df.name, v.Name, got, w)
			}
		}
	}
}

func runQuery(ctx context.Context, t *testing.T, e expansion, where, raw string) *store.Result {
	t.Helper()
	sql, err := e.expand(raw)
	if err != nil {
		t.Errorf("%s: %v", where, err)
		return nil
	}
	res, err := engine.Query(ctx, sql)
	if err != nil {
		t.Errorf("%s: query failed: %v\n%s", where, err, sql)
		return nil
	}
	return res
}

// macroColumnTypes says which column types each time-range macro is made
// for: $__timeFilter compares whole seconds (DateTime), $__timeFilter_ms
// milliseconds (DateTime64), $__dateFilter whole days (Date). ClickHouse
// runs the wrong pairing too, silently cutting the range at the wrong place.
var macroColumnTypes = map[string]*regexp.Regexp{
	"timeFilter":    regexp.MustCompile(`^DateTime(\(.*\))?$`),
	"timeFilter_ms": regexp.MustCompile(`^DateTime64\(`),
	"dateFilter":    regexp.MustCompile(`^Date(32)?$`),
}

var timeMacroUse = regexp.MustCompile(`\$__(timeFilter_ms|timeFilter|dateFilter)\(\s*([\w.]+)\s*\)`)

func TestMacrosMatchColumnTypes(t *testing.T) {
	ctx := context.Background()
	for _, df := range loadDashboards(t) {
		for _, p := range df.dash.allPanels() {
			for _, tg := range p.Targets {
				for _, m := range timeMacroUse.FindAllStringSubmatch(tg.RawSQL, -1) {
					macro, col := m[1], m[2]
					if i := strings.LastIndex(col, "."); i >= 0 {
						col = col[i+1:]
					}
					res, err := engine.Query(ctx, "SELECT DISTINCT type FROM system.columns WHERE database = currentDatabase() AND name = '"+col+"'")
					if err != nil {
						t.Fatal(err)
					}
					if len(res.Rows) == 0 {
						t.Errorf("%s panel %q: $__%s(%s): no column %s in the schema", df.name, p.Title, macro, col, col)
					}
					for _, r := range res.Rows {
						typ := r[0]
						if inner, ok := strings.CutPrefix(typ, "Nullable("); ok {
							typ = strings.TrimSuffix(inner, ")")
						}
						if !macroColumnTypes[macro].MatchString(typ) {
							t.Errorf("%s panel %q: $__%s(%s) on a %s column; use %s", df.name, p.Title, macro, col, typ, macroFor(typ))
						}
					}
				}
			}
		}
	}
}

// macroFor names the time-range macro for a column type.
func macroFor(typ string) string {
	for _, m := range []string{"timeFilter_ms", "dateFilter", "timeFilter"} {
		if macroColumnTypes[m].MatchString(typ) {
			return "$__" + m
		}
	}
	return "no time macro"
}

// ---------------------------------------------------------------------------
// Values: the numbers some panels show, computed independently from the seed.

var valueChecks = map[string]func(*testing.T, scenario, *store.Result){
	"Mentions per brand": func(t *testing.T, sc scenario, res *store.Result) {
		got := sumBy(t, res, "brand", "mentions")
		for b, brand := range brands {
			if !selected(sc.brand, brand) {
				if _, ok := got[brand]; ok {
					t.Errorf("Mentions per brand: %s is not selected but has a series", brand)
				}
				continue
			}
			var want float64
			for n, network := range networks {
				if selected(sc.network, network) {
					for h := range hours {
						want += float64(hourlyRow(b, n, h).mentions)
					}
				}
			}
			if got[brand] != want {
				t.Errorf("Mentions per brand: %s totals %v, want %v (FINAL, time filter)", brand, got[brand], want)
			}
		}
	},
	"Share of voice (mentions)": func(t *testing.T, sc scenario, res *store.Result) {
		got := sumBy(t, res, "brand", "share_of_voice")
		var total float64
		for b := range brands {
			for day := range 3 {
				total += float64(sovMentions(b, day))
			}
		}
		for b, brand := range brands {
			if !selected(sc.brand, brand) {
				continue
			}
			var m float64
			for day := range 3 {
				m += float64(sovMentions(b, day))
			}
			want := math.Round(1000*m/total) / 10
			if got[brand] != want {
				t.Errorf("Share of voice: %s = %v%%, want %v%%", brand, got[brand], want)
			}
		}
	},
	"Net sentiment per brand": func(t *testing.T, sc scenario, res *store.Result) {
		got := sumBy(t, res, "brand", "net_sentiment")
		for b, brand := range brands {
			if !selected(sc.brand, brand) {
				continue
			}
			var pos, neg, all float64
			for n, network := range networks {
				if selected(sc.network, network) {
					for h := range hours {
						r := hourlyRow(b, n, h)
						pos, neg, all = pos+float64(r.positive), neg+float64(r.negative), all+float64(r.mentions)
					}
				}
			}
			want := math.Round(1000*(pos-neg)/all) / 10
			if got[brand] != want {
				t.Errorf("Net sentiment: %s = %v, want %v", brand, got[brand], want)
			}
		}
	},
	"Potential and unique reach per brand": func(t *testing.T, sc scenario, res *store.Result) {
		got := sumBy(t, res, "brand", "unique_reach")
		for _, brand := range brands {
			if !selected(sc.brand, brand) {
				continue
			}
			authors := map[string]uint64{}
			for _, m := range mentionRows {
				if slices.Contains(m.brands, brand) && selected(sc.network, m.network) {
					authors[m.network+"/"+m.author] = m.followers
				}
			}
			var want float64
			for _, f := range authors {
				want += float64(f)
			}
			if got[brand] != want {
				t.Errorf("Unique reach: %s = %v, want %v (each author once)", brand, got[brand], want)
			}
		}
	},
	"Latest mentions": func(t *testing.T, sc scenario, res *store.Result) {
		want := 0
		for _, m := range mentionRows {
			if selected(sc.network, m.network) && slices.ContainsFunc(m.brands, func(b string) bool { return selected(sc.brand, b) }) {
				want++
			}
		}
		if len(res.Rows) != want {
			t.Errorf("Latest mentions: %d rows, want %d (one per mention id)", len(res.Rows), want)
		}
		if i := slices.Index(res.Columns, "text"); i >= 0 {
			for _, r := range res.Rows {
				if r[i] == "stale text" {
					t.Error("Latest mentions shows a superseded version of a mention (FINAL missing?)")
				}
			}
		}
	},
}

func selected(values []string, v string) bool {
	return values == nil || slices.Contains(values, v)
}

// sumBy adds column val per value of column key.
func sumBy(t *testing.T, res *store.Result, key, val string) map[string]float64 {
	t.Helper()
	k, v := slices.Index(res.Columns, key), slices.Index(res.Columns, val)
	if k < 0 || v < 0 {
		t.Fatalf("want columns %q and %q, got %v", key, val, res.Columns)
	}
	out := map[string]float64{}
	for _, r := range res.Rows {
		f, err := strconv.ParseFloat(r[v], 64)
		if err != nil {
			t.Fatalf("column %s: %q is not a number", val, r[v])
		}
		out[r[k]] += f
	}
	return out
}
