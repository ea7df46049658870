package dashboards

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/internal/telemetry"
)

// exported returns the metric families an earshot process serves, with
// their label names, by registering the real collectors and recording one
// sample of each instrument.
func exported(t *testing.T) map[string][]string {
	t.Helper()
	reg := telemetry.NewRegistry()
	m := telemetry.New(reg)
	m.In("sink", "earshot.enriched.mentions", 1)
	m.Out("sink", "mentions", 1)
	m.Dead("enrich", "schema")
	m.Batch("sink", 10)
	m.Inserted("mentions", 10, time.Millisecond)
	m.Lag("earshot-sink", "earshot.enriched.mentions", "0", 3)
	m.SourceRequest("rss", "200")
	m.SourceEvent("rss", "earshot/mention/v1", 1)
	m.SourceOK("rss", time.Now())
	m.SourceError("rss")
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, f := range families {
		labels := []string{}
		for _, mt := range f.GetMetric() {
			for _, lp := range mt.GetLabel() {
				if !slices.Contains(labels, lp.GetName()) {
					labels = append(labels, lp.GetName())
				}
			}
		}
		out[f.GetName()] = labels
		if f.GetType().String() == "HISTOGRAM" {
			for _, suffix := range []string{"_bucket", "_sum", "_count"} {
				l := labels
				if suffix == "_bucket" {
					l = append(slices.Clone(labels), "le")
				}
				out[f.GetName()+suffix] = l
			}
		}
	}
	// Prometheus adds up and every target's labels itself
	// (deploy/prometheus/prometheus.yml: job, instance, stage).
	out["up"] = nil
	return out
}

// targetLabels are the labels Prometheus attaches to every scraped series.
var targetLabels = []string{"job", "instance", "stage"}

// promqlRef is what an expression refers to: metric names, and the label
// names of its by/without/on/ignoring clauses and matchers.
type promqlRef struct {
	metrics, labels []string
}

// promqlNames lexes just enough PromQL for this: identifiers not followed
// by "(" are metric names, those inside {…} before an operator and inside
// by(…) are label names; strings, durations and $variables are skipped.
func promqlNames(expr string) (promqlRef, error) {
	var r promqlRef
	ident := func(c byte) bool {
		return c == '_' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	keywords := []string{"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset"}
	labelList := false // inside by (…) and friends
	inBraces := false
	for i := 0; i < len(expr); {
		c := expr[i]
		switch {
		case c == '"' || c == '\'' || c == '`':
			j := i + 1
			for j < len(expr) && expr[j] != c {
				if expr[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(expr) {
				return r, fmt.Errorf("unterminated string in %q", expr)
			}
			i = j + 1
		case c == '[':
			j := strings.IndexByte(expr[i:], ']')
			if j < 0 {
				return r, fmt.Errorf("unterminated range in %q", expr)
			}
			i += j + 1
		case c == '{':
			inBraces = true
			i++
		case c == '}':
			inBraces = false
			i++
		case c == ')':
			labelList = false
			i++
		case c == '$':
			i++
			for i < len(expr) && ident(expr[i]) {
				i++
			}
		case ident(c) && !(c >= '0' && c <= '9'):
			j := i
			for j < len(expr) && ident(expr[j]) {
				j++
			}
			word := expr[i:j]
			k := j
			for k < len(expr) && expr[k] == ' ' {
				k++
			}
			next := byte(0)
			if k < len(expr) {
				next = expr[k]
			}
			switch {
			case inBraces || labelList:
				r.labels = append(r.labels, word)
			case slices.Contains(keywords, word):
				if next == '(' {
					labelList = true
					k++
				}
				j = k
			case next == '(' || grouping.MatchString(expr[k:]):
				// a function, or an aggregation with its grouping first
			default:
				r.metrics = append(r.metrics, word)
			}
			i = j
		case c >= '0' && c <= '9':
			for i < len(expr) && (ident(expr[i]) || expr[i] == '.') {
				i++
			}
		default:
			i++
		}
	}
	return r, nil
}

// grouping is an aggregation's by/without clause written before its
// argument: sum by (a) (x).
var grouping = regexp.MustCompile(`^(by|without)\s*\(`)

func TestPromqlNames(t *testing.T) {
	tests := []struct {
		expr            string
		metrics, labels []string
	}{
		{`sum by (stage, topic) (rate(earshot_events_in_total[$__rate_interval]))`, []string{"earshot_events_in_total"}, []string{"stage", "topic"}},
		{`histogram_quantile(0.99, sum by (le) (rate(x_bucket{table="a b"}[5m])))`, []string{"x_bucket"}, []string{"le", "table"}},
		{`time() - max by (source) (y)`, []string{"y"}, []string{"source"}},
		{`sum without(a) (bytes_total) + sum(byte_count)`, []string{"bytes_total", "byte_count"}, []string{"a"}},
		{`up{job="earshot"} and on (instance) z > 0.5`, []string{"up", "z"}, []string{"job", "instance"}},
	}
	for _, tc := range tests {
		got, err := promqlNames(tc.expr)
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		if !slices.Equal(got.metrics, tc.metrics) || !slices.Equal(got.labels, tc.labels) {
			t.Errorf("%s: metrics %v labels %v, want %v %v", tc.expr, got.metrics, got.labels, tc.metrics, tc.labels)
		}
	}
}

// TestPrometheusPanelsUseExportedMetrics: every metric a Prometheus panel
// queries is one earshot registers, and every label it groups or filters
// by is one that metric (or the scrape) has.
func TestPrometheusPanelsUseExportedMetrics(t *testing.T) {
	metrics := exported(t)
	n := 0
	for _, df := range loadDashboards(t) {
		for _, p := range df.dash.allPanels() {
			for _, tg := range p.Targets {
				if !isPrometheus(tg.Datasource) {
					continue
				}
				n++
				where := fmt.Sprintf("%s panel %q target %s", df.name, p.Title, tg.RefID)
				ref, err := promqlNames(tg.Expr)
				if err != nil {
					t.Errorf("%s: %v", where, err)
					continue
				}
				if len(ref.metrics) == 0 {
					t.Errorf("%s: %q queries no metric", where, tg.Expr)
				}
				var labels []string
				for _, m := range ref.metrics {
					l, ok := metrics[m]
					if !ok {
						t.Errorf("%s: metric %s is not exported by earshot (internal/telemetry)", where, m)
					}
					labels = append(labels, l...)
				}
				for _, l := range ref.labels {
					if !slices.Contains(labels, l) && !slices.Contains(targetLabels, l) {
						t.Errorf("%s: label %q is on none of %v", where, l, ref.metrics)
					}
				}
			}
		}
	}
	if n == 0 {
		t.Error("no Prometheus panels: the pipeline-health dashboard is missing")
	}
	// The instruments the pipeline-health dashboard exists for.
	var all string
	for _, df := range loadDashboards(t) {
		for _, q := range df.dash.queries() {
			all += q + "\n"
		}
	}
	for _, m := range []string{"earshot_events_in_total", "earshot_consumer_lag_messages", "earshot_dead_letters_total", "earshot_insert_duration_seconds_bucket"} {
		if !strings.Contains(all, m) {
			t.Errorf("no panel shows %s", m)
		}
	}
}

// FuzzPromqlNames: the lexer never panics or loops on any input.
func FuzzPromqlNames(f *testing.F) {
	for _, s := range []string{`sum by (a) (rate(x[5m]))`, `up{job="e\"x"}`, `a[`, `"`, `time() - $__v`, `1.5e3 + b`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = promqlNames(s)
	})
}
