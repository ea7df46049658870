package dashboards

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

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
	start := open + 1
	var closers []byte // the bracket each open one needs, innermost last
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
		case c == '(':
			closers = append(closers, ')')
		case c == '[':
			closers = append(closers, ']')
		case c == ')' || c == ']':
			if len(closers) == 0 || closers[len(closers)-1] != c {
				return nil, 0, fmt.Errorf("%q at %d does not close the last open bracket", c, i)
			}
			closers = closers[:len(closers)-1]
			if len(closers) == 0 {
				return append(args, sql[start:i]), i + 1, nil
			}
		case c == ',' && len(closers) == 1:
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

// FuzzMacroArgs: the argument splitter never panics, and what it returns
// lies inside the input.
func FuzzMacroArgs(f *testing.F) {
	for _, s := range []string{"(a, b)", "(f(x, y), 'q,)')", "([1, 2], $v)", "((", "(`a`)", `('\'', b)`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !strings.HasPrefix(s, "(") {
			return
		}
		args, end, err := macroArgs(s, 0)
		if err != nil {
			return
		}
		if end < 2 || end > len(s) || s[end-1] != ')' {
			t.Fatalf("macroArgs(%q): end %d", s, end)
		}
		if got := strings.Join(args, ","); got != s[1:end-1] {
			t.Fatalf("macroArgs(%q): args %q do not rebuild %q", s, args, s[1:end-1])
		}
	})
}

// FuzzExpand: expansion of arbitrary SQL never panics.
func FuzzExpand(f *testing.F) {
	for _, s := range []string{"$__timeFilter(t)", "$__conditionalAll(a IN (${v:singlequote}), $v)", "${v:csv} $__fromTime", "$__conditionalAll(", "$"} {
		f.Add(s)
	}
	e := expansion{
		from: time.Unix(0, 0), to: time.Unix(3600, 0), interval: time.Minute,
		vars:    map[string]selection{"v": {values: []string{"x'y"}}, "w": {all: true}},
		options: map[string][]string{"w": {"a", "b"}},
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = e.expand(s)
	})
}
