package main

import "strings"

// tag is on every earshot dashboard; the dashboard links list them by it.
const tag = "earshot"

// newDashboard starts a dashboard with earshot's common settings: UTC, a
// shared crosshair, links to the other dashboards (keeping time and
// variables) and the built-in annotations.
func newDashboard(uid, title, description, from string, extraTags ...string) *dashboard {
	return &dashboard{
		UID:           uid,
		Title:         title,
		Description:   description,
		Tags:          append([]string{tag}, extraTags...),
		Timezone:      "utc",
		Editable:      true,
		GraphTooltip:  1,
		SchemaVersion: schemaVersion,
		Version:       1,
		Refresh:       "5m",
		Time:          timeRange{From: from, To: "now"},
		Links: []link{{
			Title: "earshot", Type: "dashboards", Tags: []string{tag},
			AsDropdown: true, IncludeVars: true, KeepTime: true,
		}},
		Annotations: annotations{List: []annotation{builtInAnnotation}},
		Templating:  templating{List: []variable{}},
	}
}

// layout places panels left to right on Grafana's 24-column grid, wrapping
// to a new line when a panel does not fit, and numbers them.
type layout struct {
	d          *dashboard
	x, y, rowH int
	nextID     int
}

func (d *dashboard) layout() *layout { return &layout{d: d, nextID: 1} }

func (l *layout) add(p *panel, w, h int) *panel {
	if l.x+w > 24 {
		l.newLine()
	}
	p.ID = l.nextID
	l.nextID++
	p.GridPos = gridPos{X: l.x, Y: l.y, W: w, H: h}
	l.x += w
	l.rowH = max(l.rowH, h)
	l.d.Panels = append(l.d.Panels, p)
	return p
}

func (l *layout) newLine() {
	l.x, l.y, l.rowH = 0, l.y+l.rowH, 0
}

// row adds a full-width row header.
func (l *layout) row(title string) {
	if l.x > 0 {
		l.newLine()
	}
	collapsed := false
	l.add(&panel{Type: "row", Title: title, Collapsed: &collapsed, Panels: []*panel{}}, 24, 1)
	l.newLine()
}

// sql trims the indentation the Go source gives multi-line queries, so the
// JSON holds them as someone would type them in the query editor.
func sql(s string) string {
	lines := strings.Split(strings.Trim(s, "\n"), "\n")
	indent := -1
	for _, line := range lines {
		if strings.TrimSpace(line) == "" {
			continue
		}
		n := len(line) - len(strings.TrimLeft(line, "\t"))
		if indent < 0 || n < indent {
			indent = n
		}
	}
	for i, line := range lines {
		if indent > 0 && len(line) >= indent {
			line = line[indent:]
		}
		lines[i] = strings.ReplaceAll(strings.TrimRight(line, " \t"), "\t", "  ")
	}
	return strings.Join(lines, "\n")
}

// finalSetting lets FINAL deduplicate each partition on its own instead of
// merging rows across the whole table: measured 2-3× faster on 1M
// mentions. It is only correct when all versions of a row share a
// partition. That holds for every rollup table, whose partition column is
// part of the key. On mentions and care_queue (partition: month of
// created_at) it holds because every version of a mention carries the
// created_at the source gave it, which their sort key relies on too.
const finalSetting = "SETTINGS do_not_merge_across_partitions_select_final = 1"

// withFinalSetting appends finalSetting to queries that read the mentions
// fact table or its care_queue copy, the tables large enough for it to
// matter.
func withFinalSetting(q string) string {
	if strings.Contains(q, "FROM mentions FINAL") || strings.Contains(q, "FROM care_queue FINAL") {
		return q + "\n" + finalSetting
	}
	return q
}

// ---------------------------------------------------------------------------
// Panels.

func defaults(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

func timeseries(title, description, unit, query string) *panel {
	return &panel{
		Type: "timeseries", Title: title, Description: description, Datasource: clickhouse,
		FieldConfig: &fieldConfig{Defaults: defaults(
			"unit", unit,
			"custom", defaults("drawStyle", "line", "lineWidth", 2, "fillOpacity", 10, "showPoints", "never", "spanNulls", false),
		), Overrides: []override{}},
		Options: defaults(
			"legend", defaults("displayMode", "table", "placement", "bottom", "calcs", []string{"sum"}),
			"tooltip", defaults("mode", "multi", "sort", "desc"),
		),
		Targets: []target{sqlTarget("A", "timeseries", sql(query))},
	}
}

// stacked turns a time series panel into stacked bars (counts per bucket).
func (p *panel) stacked(bars bool) *panel {
	c := p.FieldConfig.Defaults["custom"].(map[string]any)
	c["stacking"] = defaults("mode", "normal", "group", "A")
	if bars {
		c["drawStyle"] = "bars"
		c["fillOpacity"] = 80
	}
	return p
}

// stat shows one number per field the query returns; kpi panels return the
// value and its change against the previous period of the same length.
func stat(title, description, unit, query string) *panel {
	return &panel{
		Type: "stat", Title: title, Description: description, Datasource: clickhouse,
		FieldConfig: &fieldConfig{Defaults: defaults(
			"unit", unit,
			"color", defaults("mode", "fixed", "fixedColor", "blue"),
		), Overrides: []override{}},
		Options: defaults(
			"reduceOptions", defaults("values", false, "calcs", []string{"lastNotNull"}, "fields", ""),
			"orientation", "horizontal",
			"textMode", "value_and_name",
			"colorMode", "value",
			"graphMode", "none",
			"justifyMode", "auto",
		),
		Targets: []target{sqlTarget("A", "table", sql(query))},
	}
}

// kpi is a stat whose query returns a value and a change column; the change
// is green when it goes the good way.
func kpi(title, description, unit, changeField, changeUnit, query string) *panel {
	p := stat(title, description, unit, query)
	p.FieldConfig.Overrides = append(p.FieldConfig.Overrides, override{
		Matcher: matcher{ID: "byName", Options: changeField},
		Properties: []property{
			{ID: "unit", Value: changeUnit},
			{ID: "displayName", Value: "vs previous period"},
			{ID: "color", Value: defaults("mode", "thresholds")},
			{ID: "thresholds", Value: defaults("mode", "absolute", "steps", []any{
				defaults("color", "red", "value", nil),
				defaults("color", "green", "value", 0),
			})},
		},
	})
	return p
}

func table(title, description, query string) *panel {
	return &panel{
		Type: "table", Title: title, Description: description, Datasource: clickhouse,
		FieldConfig: &fieldConfig{Defaults: defaults(
			"custom", defaults("align", "auto", "cellOptions", defaults("type", "auto"), "filterable", true),
		), Overrides: []override{}},
		Options: defaults(
			"showHeader", true,
			"cellHeight", "sm",
			"footer", defaults("show", false, "reducer", []string{"sum"}, "fields", ""),
		),
		Targets: []target{sqlTarget("A", "table", sql(query))},
	}
}

// withLink makes a column of URLs clickable.
func (p *panel) withLink(column, title string) *panel {
	p.FieldConfig.Overrides = append(p.FieldConfig.Overrides, override{
		Matcher: matcher{ID: "byName", Options: column},
		Properties: []property{{ID: "links", Value: []any{
			defaults("title", title, "url", "${__value.raw}", "targetBlank", true),
		}}},
	})
	return p
}

// withUnit sets the unit of one column.
func (p *panel) withUnit(column, unit string) *panel {
	p.FieldConfig.Overrides = append(p.FieldConfig.Overrides, override{
		Matcher:    matcher{ID: "byName", Options: column},
		Properties: []property{{ID: "unit", Value: unit}},
	})
	return p
}

// sentimentColors colours a sentiment label column.
func (p *panel) sentimentColors(column string) *panel {
	p.FieldConfig.Overrides = append(p.FieldConfig.Overrides, override{
		Matcher: matcher{ID: "byName", Options: column},
		Properties: []property{
			{ID: "custom.width", Value: 100},
			{ID: "custom.cellOptions", Value: defaults("type", "color-text")},
			{ID: "mappings", Value: []any{defaults("type", "value", "options", defaults(
				"positive", defaults("color", "green", "index", 0),
				"neutral", defaults("color", "text", "index", 1),
				"negative", defaults("color", "red", "index", 2),
			))}},
		},
	})
	return p
}

func barGauge(title, description, unit, field, query string) *panel {
	return &panel{
		Type: "bargauge", Title: title, Description: description, Datasource: clickhouse,
		FieldConfig: &fieldConfig{Defaults: defaults(
			"unit", unit,
			"min", 0,
			"color", defaults("mode", "palette-classic"),
		), Overrides: []override{}},
		Options: defaults(
			"orientation", "horizontal",
			"displayMode", "gradient",
			"showUnfilled", true,
			"reduceOptions", defaults("values", true, "calcs", []string{}, "fields", "/^"+field+"$/"),
		),
		Targets: []target{sqlTarget("A", "table", sql(query))},
	}
}

// barChart draws one group of bars per value of xField.
func barChart(title, description, unit, xField, query string) *panel {
	return &panel{
		Type: "barchart", Title: title, Description: description, Datasource: clickhouse,
		FieldConfig: &fieldConfig{Defaults: defaults(
			"unit", unit,
			"min", 0,
			"color", defaults("mode", "palette-classic"),
			"custom", defaults("fillOpacity", 80, "lineWidth", 1),
		), Overrides: []override{}},
		Options: defaults(
			"orientation", "horizontal",
			"xField", xField,
			"groupWidth", 0.7,
			"barWidth", 0.9,
			"showValue", "auto",
			"stacking", "none",
			"legend", defaults("displayMode", "list", "placement", "bottom", "calcs", []string{}),
			"tooltip", defaults("mode", "multi", "sort", "none"),
		),
		Targets: []target{sqlTarget("A", "table", sql(query))},
	}
}

// matrix pivots a long (row, column, value) result into one column per
// value of columnField, which bar charts need for grouped bars. The pivot
// renames the row column ("network\brand"), so the chart's x field is left
// to Grafana, which takes the first text column.
func (p *panel) matrix(rowField, columnField, valueField string) *panel {
	delete(p.Options, "xField")
	p.Transformations = append(p.Transformations, transformation{ID: "groupingToMatrix", Options: defaults(
		"rowField", rowField, "columnField", columnField, "valueField", valueField, "emptyValue", "zero",
	)})
	return p
}

func pieChart(title, description, field, query string) *panel {
	return &panel{
		Type: "piechart", Title: title, Description: description, Datasource: clickhouse,
		FieldConfig: &fieldConfig{Defaults: defaults(
			"unit", "short",
			"color", defaults("mode", "palette-classic"),
		), Overrides: []override{}},
		Options: defaults(
			"pieType", "donut",
			"displayLabels", []string{"name", "percent"},
			"legend", defaults("displayMode", "table", "placement", "right", "values", []string{"value", "percent"}),
			"reduceOptions", defaults("values", true, "calcs", []string{}, "fields", "/^"+field+"$/"),
			"tooltip", defaults("mode", "single", "sort", "none"),
		),
		Targets: []target{sqlTarget("A", "table", sql(query))},
	}
}

// promTimeseries is a time series panel over Prometheus queries.
func promTimeseries(title, description, unit string, targets ...target) *panel {
	p := timeseries(title, description, unit, "")
	p.Datasource = prometheus
	p.Targets = targets
	p.Options["legend"] = defaults("displayMode", "table", "placement", "bottom", "calcs", []string{"mean", "max"})
	return p
}

func promStat(title, description, unit string, t target) *panel {
	p := stat(title, description, unit, "")
	p.Datasource = prometheus
	t.Range, t.Instant = false, true
	p.Targets = []target{t}
	p.Options["reduceOptions"] = defaults("values", false, "calcs", []string{"lastNotNull"}, "fields", "")
	return p
}

// ---------------------------------------------------------------------------
// Template variables. Every filter a panel applies goes through one of
// these, in the form the ClickHouse plugin documents: a multi-value
// variable as IN (${v:singlequote}), and $__conditionalAll so that "All"
// drops the condition instead of listing every value.

func queryVariable(name, label, description, query string, multi bool, refresh int) variable {
	q := withFinalSetting(sql(query))
	v := variable{
		Name: name, Label: label, Description: description, Type: "query", Datasource: clickhouse,
		Definition: q, Query: variableQuery{EditorType: "sql", RawSQL: q},
		Multi: multi, IncludeAll: multi, Options: []any{}, Refresh: refresh, Sort: 0,
	}
	if multi {
		v.Current = &current{Selected: true, Text: []string{"All"}, Value: []string{"$__all"}}
	}
	return v
}

// brandVariable lists own brands first: with no saved selection Grafana
// picks the first option, so the dashboard opens on the own brand.
func brandVariable() variable {
	return queryVariable("brand", "Brand", "The brand the dashboard is about; the own brand comes first.", `
		SELECT brand
		FROM mentions_hourly FINAL
		GROUP BY brand
		ORDER BY max(role = 'own') DESC, brand`, false, refreshOnLoad)
}

func competitorsVariable() variable {
	return queryVariable("competitors", "Competitors", "Competitors to compare the brand with.", `
		SELECT DISTINCT brand
		FROM mentions_hourly FINAL
		WHERE role = 'competitor'
		ORDER BY brand`, true, refreshOnLoad)
}

func networkVariable(query string) variable {
	return queryVariable("network", "Network", "", query, true, refreshOnLoad)
}

const mentionNetworks = `
	SELECT DISTINCT network
	FROM mentions_hourly FINAL
	WHERE network != 'all'
	ORDER BY network`

func campaignVariable(query string, refresh int) variable {
	return queryVariable("campaign", "Campaign", "", query, true, refresh)
}

// Filter fragments, one per variable.
const (
	// The brand and the chosen competitors. A trailing comma (no
	// competitors configured) is valid ClickHouse.
	inCompared      = "brand IN (${brand:singlequote}, ${competitors:singlequote})"
	hasCompared     = "hasAny(brands, [${brand:singlequote}, ${competitors:singlequote}])"
	inBrand         = "brand IN (${brand:singlequote})"
	hasBrand        = "has(brands, ${brand:singlequote})"
	networkFilter   = "$__conditionalAll(network IN (${network:singlequote}), $network)"
	campaignFilter  = "$__conditionalAll(campaign IN (${campaign:singlequote}), $campaign)"
	campaignsFilter = "$__conditionalAll(hasAny(campaigns, [${campaign:singlequote}]), $campaign)"

	// The start of the previous period, as long as the selected one and
	// ending where it starts.
	previousFrom = "$__fromTime - toIntervalSecond(dateDiff('second', $__fromTime, $__toTime))"
)
