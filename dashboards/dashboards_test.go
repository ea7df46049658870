package dashboards

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path"
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
	Expr       string `json:"expr"` // Prometheus
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

func loadDashboards(t testing.TB) []dashboardFile {
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
		"provisioning/datasources/prometheus.yaml",
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

// TestPrometheusDatasourceProvisioning: the pipeline-health dashboard reads
// the prometheus service of docker-compose.yml through this data source.
func TestPrometheusDatasourceProvisioning(t *testing.T) {
	var f DatasourceFile
	readYAML(t, "provisioning/datasources/prometheus.yaml", &f)
	if f.APIVersion != 1 {
		t.Errorf("apiVersion = %d, want 1", f.APIVersion)
	}
	if len(f.Datasources) != 1 {
		t.Fatalf("want exactly one data source, got %d", len(f.Datasources))
	}
	ds := f.Datasources[0]
	if ds.UID != PrometheusUID || ds.Type != PrometheusType {
		t.Errorf("uid/type = %q/%q, want %q/%q", ds.UID, ds.Type, PrometheusUID, PrometheusType)
	}
	if ds.URL != "http://prometheus:9090" {
		t.Errorf("url = %q, want http://prometheus:9090 (the prometheus service of docker-compose.yml)", ds.URL)
	}
	if ds.IsDefault {
		t.Error("isDefault: only the ClickHouse data source may be the default")
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
					if p.Datasource != nil && tg.Datasource != nil && *tg.Datasource != *p.Datasource {
						t.Errorf("%s: datasource %v differs from the panel's %v", where, *tg.Datasource, *p.Datasource)
					}
					if isPrometheus(tg.Datasource) {
						if strings.TrimSpace(tg.Expr) == "" || tg.RawSQL != "" {
							t.Errorf("%s: a Prometheus query needs expr and no rawSql", where)
						}
						continue
					}
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
			// Every variable a query uses is defined, and every defined one
			// is used: a filter that filters nothing misleads.
			used := map[string]bool{}
			for _, q := range d.queries() {
				for _, m := range varRef.FindAllStringSubmatch(q, -1) {
					if name := m[1] + m[3]; !strings.HasPrefix(name, "__") {
						used[name] = true
						if !names[name] {
							t.Errorf("a query uses $%s, which is not a template variable", name)
						}
					}
				}
			}
			for name := range names {
				if !used[name] {
					t.Errorf("template variable %q is used by no query", name)
				}
			}
			if d.hasClickHouse() && !names["network"] {
				t.Error("template variable network missing")
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

// checkDatasource: a reference to one of the provisioned data sources.
func checkDatasource(t *testing.T, where string, ds *dsRef) {
	t.Helper()
	switch {
	case ds == nil:
		t.Errorf("%s: no datasource", where)
	case isPrometheus(ds):
	case ds.Type != DatasourceType || ds.UID != DatasourceUID:
		t.Errorf("%s: datasource = {%q, %q}, want the provisioned {%q, %q} or {%q, %q}", where, ds.Type, ds.UID,
			DatasourceType, DatasourceUID, PrometheusType, PrometheusUID)
	}
}

func isPrometheus(ds *dsRef) bool {
	return ds != nil && ds.Type == PrometheusType && ds.UID == PrometheusUID
}

func isClickHouse(ds *dsRef) bool {
	return ds != nil && ds.Type == DatasourceType && ds.UID == DatasourceUID
}

// queries returns every SQL and PromQL text of the dashboard.
func (d dashboard) queries() []string {
	var out []string
	for _, v := range d.Templating.List {
		out = append(out, v.sql())
	}
	for _, a := range d.Annotations.List {
		out = append(out, a.Target.RawSQL)
	}
	for _, p := range d.allPanels() {
		for _, tg := range p.Targets {
			out = append(out, tg.RawSQL, tg.Expr)
		}
	}
	return out
}

func (d dashboard) hasClickHouse() bool {
	for _, p := range d.allPanels() {
		if isClickHouse(p.Datasource) {
			return true
		}
	}
	return false
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
