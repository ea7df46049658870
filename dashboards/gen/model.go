package main

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/earshot-dev/earshot/dashboards"
)

// The subset of Grafana's dashboard JSON model (schemaVersion 39) that
// earshot's dashboards use. Plain structs rather than grafana-foundation-sdk:
// the SDK has no ClickHouse query type, its builders emit every default field
// (noisy diffs in the committed JSON), and these few types keep the output
// under our control, field order included.

// schemaVersion is the dashboard schema Grafana 10.4+ reads without migrating.
const schemaVersion = 39

type datasourceRef struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

var (
	clickhouse = &datasourceRef{Type: dashboards.DatasourceType, UID: dashboards.DatasourceUID}
	prometheus = &datasourceRef{Type: dashboards.PrometheusType, UID: dashboards.PrometheusUID}
)

type dashboard struct {
	UID                  string      `json:"uid"`
	Title                string      `json:"title"`
	Description          string      `json:"description"`
	Tags                 []string    `json:"tags"`
	Timezone             string      `json:"timezone"`
	Editable             bool        `json:"editable"`
	GraphTooltip         int         `json:"graphTooltip"`
	LiveNow              bool        `json:"liveNow"`
	FiscalYearStartMonth int         `json:"fiscalYearStartMonth"`
	SchemaVersion        int         `json:"schemaVersion"`
	Version              int         `json:"version"`
	Refresh              string      `json:"refresh"`
	Time                 timeRange   `json:"time"`
	Timepicker           struct{}    `json:"timepicker"`
	Links                []link      `json:"links"`
	Annotations          annotations `json:"annotations"`
	Templating           templating  `json:"templating"`
	Panels               []*panel    `json:"panels"`
}

type timeRange struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// link is a dashboard link: the other earshot dashboards, by tag.
type link struct {
	Title       string   `json:"title"`
	Type        string   `json:"type"`
	Tags        []string `json:"tags"`
	AsDropdown  bool     `json:"asDropdown"`
	IncludeVars bool     `json:"includeVars"`
	KeepTime    bool     `json:"keepTime"`
}

type annotations struct {
	List []annotation `json:"list"`
}

type annotation struct {
	BuiltIn    int            `json:"builtIn,omitempty"`
	Name       string         `json:"name"`
	Enable     bool           `json:"enable"`
	Hide       bool           `json:"hide,omitempty"`
	IconColor  string         `json:"iconColor"`
	Type       string         `json:"type,omitempty"`
	Datasource *datasourceRef `json:"datasource"`
	Target     *target        `json:"target,omitempty"`
}

// builtInAnnotation is the "Annotations & Alerts" entry Grafana adds to
// every dashboard; writing it keeps Grafana from changing the JSON on load.
var builtInAnnotation = annotation{
	BuiltIn:    1,
	Name:       "Annotations & Alerts",
	Enable:     true,
	Hide:       true,
	IconColor:  "rgba(0, 211, 255, 1)",
	Type:       "dashboard",
	Datasource: &datasourceRef{Type: "grafana", UID: "-- Grafana --"},
}

type templating struct {
	List []variable `json:"list"`
}

// variable is a query template variable on the ClickHouse data source.
type variable struct {
	Name        string         `json:"name"`
	Label       string         `json:"label"`
	Description string         `json:"description,omitempty"`
	Type        string         `json:"type"`
	Datasource  *datasourceRef `json:"datasource"`
	Definition  string         `json:"definition"`
	Query       variableQuery  `json:"query"`
	Multi       bool           `json:"multi"`
	IncludeAll  bool           `json:"includeAll"`
	Current     *current       `json:"current,omitempty"`
	Options     []any          `json:"options"`
	Refresh     int            `json:"refresh"`
	Regex       string         `json:"regex"`
	Sort        int            `json:"sort"`
	Hide        int            `json:"hide"`
	SkipURLSync bool           `json:"skipUrlSync"`
}

type variableQuery struct {
	EditorType string `json:"editorType"`
	RawSQL     string `json:"rawSql"`
}

type current struct {
	Selected bool     `json:"selected"`
	Text     []string `json:"text"`
	Value    []string `json:"value"`
}

// Variable refresh: 1 on dashboard load, 2 when the time range changes.
const (
	refreshOnLoad      = 1
	refreshOnTimeRange = 2
)

type gridPos struct {
	X int `json:"x"`
	Y int `json:"y"`
	W int `json:"w"`
	H int `json:"h"`
}

type panel struct {
	ID              int              `json:"id"`
	Type            string           `json:"type"`
	Title           string           `json:"title"`
	Description     string           `json:"description,omitempty"`
	Datasource      *datasourceRef   `json:"datasource,omitempty"`
	GridPos         gridPos          `json:"gridPos"`
	Collapsed       *bool            `json:"collapsed,omitempty"`
	FieldConfig     *fieldConfig     `json:"fieldConfig,omitempty"`
	Options         map[string]any   `json:"options,omitempty"`
	Transformations []transformation `json:"transformations,omitempty"`
	Targets         []target         `json:"targets,omitempty"`
	Panels          []*panel         `json:"panels,omitempty"`
}

type fieldConfig struct {
	Defaults  map[string]any `json:"defaults"`
	Overrides []override     `json:"overrides"`
}

type override struct {
	Matcher    matcher    `json:"matcher"`
	Properties []property `json:"properties"`
}

type matcher struct {
	ID      string `json:"id"`
	Options string `json:"options"`
}

type property struct {
	ID    string `json:"id"`
	Value any    `json:"value"`
}

type transformation struct {
	ID      string         `json:"id"`
	Options map[string]any `json:"options"`
}

// target is one query of a panel: ClickHouse (editorType sql, rawSql) or
// Prometheus (expr). Fields of the other kind stay empty and are omitted.
type target struct {
	RefID      string         `json:"refId"`
	Datasource *datasourceRef `json:"datasource"`
	// grafana-clickhouse-datasource: format 0 = time series, 1 = table.
	EditorType string `json:"editorType,omitempty"`
	QueryType  string `json:"queryType,omitempty"`
	Format     *int   `json:"format,omitempty"`
	RawSQL     string `json:"rawSql,omitempty"`
	// Prometheus.
	Expr         string `json:"expr,omitempty"`
	LegendFormat string `json:"legendFormat,omitempty"`
	Range        bool   `json:"range,omitempty"`
	Instant      bool   `json:"instant,omitempty"`
}

const (
	formatTimeSeries = 0
	formatTable      = 1
)

func sqlTarget(refID, queryType, sql string) target {
	sql = withFinalSetting(sql)
	f := formatTable
	if queryType == "timeseries" {
		f = formatTimeSeries
	}
	return target{RefID: refID, Datasource: clickhouse, EditorType: "sql", QueryType: queryType, Format: &f, RawSQL: sql}
}

func promTarget(refID, expr, legend string) target {
	return target{RefID: refID, Datasource: prometheus, Expr: expr, LegendFormat: legend, Range: true}
}

// render is the committed form of a dashboard: two-space indented JSON with
// a trailing newline, HTML characters left alone (SQL has < and >).
func render(d *dashboard) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, fmt.Errorf("dashboard %s: %w", d.UID, err)
	}
	return buf.Bytes(), nil
}
