package dashboards

import (
	"context"
	"regexp"
	"strings"
	"testing"
)

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
		for _, q := range df.dash.queries() {
			{
				for _, m := range timeMacroUse.FindAllStringSubmatch(q, -1) {
					macro, col := m[1], m[2]
					if i := strings.LastIndex(col, "."); i >= 0 {
						col = col[i+1:]
					}
					res, err := engine.Query(ctx, "SELECT DISTINCT type FROM system.columns WHERE database = currentDatabase() AND name = '"+col+"'")
					if err != nil {
						t.Fatal(err)
					}
					if len(res.Rows) == 0 {
						t.Errorf("%s: $__%s(%s): no column %s in the schema", df.name, macro, col, col)
					}
					for _, r := range res.Rows {
						typ := r[0]
						if inner, ok := strings.CutPrefix(typ, "Nullable("); ok {
							typ = strings.TrimSuffix(inner, ")")
						}
						if !macroColumnTypes[macro].MatchString(typ) {
							t.Errorf("%s: $__%s(%s) on a %s column; use %s", df.name, macro, col, typ, macroFor(typ))
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
