package deploy

import (
	"bytes"
	"context"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.yaml.in/yaml/v3"

	"github.com/earshot-dev/earshot/internal/telemetry"
)

const (
	rulesDir    = "prometheus/rules"
	rulesGlob   = "*.rules.yml"
	ruleTests   = "*_test.yml"
	composeFile = "../docker-compose.yml"
	promConfig  = "prometheus/prometheus.yml"
)

type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []rule `yaml:"rules"`
	} `yaml:"groups"`
}

type rule struct {
	Alert       string            `yaml:"alert"`
	Record      string            `yaml:"record"`
	Expr        string            `yaml:"expr"`
	For         string            `yaml:"for"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

type ruleTestFile struct {
	RuleFiles []string `yaml:"rule_files"`
	Tests     []struct {
		Name          string `yaml:"name"`
		AlertRuleTest []struct {
			EvalTime  string `yaml:"eval_time"`
			Alertname string `yaml:"alertname"`
			ExpAlerts []any  `yaml:"exp_alerts"`
		} `yaml:"alert_rule_test"`
	} `yaml:"tests"`
}

// promtool returns the path of promtool. A missing promtool fails rather
// than skips: without it the rules are not checked at all.
func promtool(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("promtool")
	if err != nil {
		t.Fatalf("promtool is not on PATH; install Debian's prometheus package (apt-get install -y prometheus): %v", err)
	}
	return bin
}

func glob(t *testing.T, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(rulesDir, pattern))
	if err != nil {
		t.Fatalf("glob %s: %v", pattern, err)
	}
	if len(files) == 0 {
		t.Fatalf("no %s in %s", pattern, rulesDir)
	}
	return files
}

func readYAML(t *testing.T, file string, v any) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("read %s: %v", file, err)
	}
	if err := yaml.Unmarshal(raw, v); err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}
}

func alertingRules(t *testing.T) map[string]rule {
	t.Helper()
	rules := map[string]rule{}
	for _, file := range glob(t, rulesGlob) {
		var f ruleFile
		readYAML(t, file, &f)
		for _, g := range f.Groups {
			for _, r := range g.Rules {
				if r.Alert == "" {
					continue
				}
				if _, dup := rules[r.Alert]; dup {
					t.Errorf("%s: alert %s is defined twice", file, r.Alert)
				}
				rules[r.Alert] = r
			}
		}
	}
	if len(rules) == 0 {
		t.Fatal("no alerting rules")
	}
	return rules
}

func runPromtool(t *testing.T, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, promtool(t), args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("promtool %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
}

func TestPromtoolCheckRules(t *testing.T) {
	runPromtool(t, append([]string{"check", "rules"}, glob(t, rulesGlob)...)...)
}

func TestPromtoolTestRules(t *testing.T) {
	runPromtool(t, append([]string{"test", "rules"}, glob(t, ruleTests)...)...)
}

// TestRulesDirectory keeps every file in the directory either a rule file
// Prometheus loads or a unit test it does not: anything else would be
// silently ignored by both.
func TestRulesDirectory(t *testing.T) {
	entries, err := os.ReadDir(rulesDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		rules, _ := path.Match(rulesGlob, name)
		tests, _ := path.Match(ruleTests, name)
		if rules == tests {
			t.Errorf("%s: name it %s (rules) or %s (promtool tests)", name, rulesGlob, ruleTests)
		}
	}
}

// TestRulesAreActionable checks what promtool does not: every alert waits
// before firing, can be routed by severity, and tells its reader what to do.
func TestRulesAreActionable(t *testing.T) {
	severities := []string{"warning", "critical"}
	for name, r := range alertingRules(t) {
		t.Run(name, func(t *testing.T) {
			if d, err := time.ParseDuration(r.For); err != nil || d <= 0 {
				t.Errorf("for: %q, want a duration above zero so a blip does not page", r.For)
			}
			if s := r.Labels["severity"]; !slices.Contains(severities, s) {
				t.Errorf("severity %q, want one of %v", s, severities)
			}
			for _, a := range []string{"summary", "description"} {
				if strings.TrimSpace(r.Annotations[a]) == "" {
					t.Errorf("no %s annotation", a)
				}
			}
			if !strings.HasPrefix(name, "Earshot") {
				t.Errorf("name %s: start it with Earshot so it is found among other alerts", name)
			}
		})
	}
}

// TestRulesAreUnitTested requires, for each alert, one evaluation where it
// fires and one where it must not.
func TestRulesAreUnitTested(t *testing.T) {
	firing, silent := map[string]bool{}, map[string]bool{}
	for _, file := range glob(t, ruleTests) {
		var f ruleTestFile
		readYAML(t, file, &f)
		for _, rf := range f.RuleFiles {
			if ok, _ := path.Match(rulesGlob, path.Base(rf)); !ok {
				t.Errorf("%s: rule_files names %s, which Prometheus does not load", file, rf)
			}
		}
		for _, tc := range f.Tests {
			for _, at := range tc.AlertRuleTest {
				if len(at.ExpAlerts) > 0 {
					firing[at.Alertname] = true
				} else {
					silent[at.Alertname] = true
				}
			}
		}
	}
	rules := alertingRules(t)
	for _, name := range slices.Sorted(maps.Keys(rules)) {
		if !firing[name] {
			t.Errorf("%s: no promtool test where it fires", name)
		}
		if !silent[name] {
			t.Errorf("%s: no promtool test where it must not fire (exp_alerts: [])", name)
		}
	}
	for name := range firing {
		if _, ok := rules[name]; !ok {
			t.Errorf("promtool tests expect alert %s, which no rule defines", name)
		}
	}
}

// exportedMetrics returns the metric family names earshot exports, by
// touching every instrument once so each family has a series to gather.
func exportedMetrics(t *testing.T) map[string]bool {
	t.Helper()
	reg := prometheus.NewRegistry()
	m := telemetry.New(reg)
	m.In("s", "t", 1)
	m.Out("s", "t", 1)
	m.Dead("s", "r")
	m.Batch("s", 1)
	m.Inserted("t", 1, time.Millisecond)
	m.Lag("g", "t", "0", 1)
	m.SourceRequest("s", "200")
	m.SourceEvent("s", "x", 1)
	m.SourceOK("s", time.Unix(0, 0))
	m.SourceError("s")
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	names := map[string]bool{}
	for _, f := range families {
		names[f.GetName()] = true
	}
	return names
}

var metricRef = regexp.MustCompile(`\bearshot_[a-z0-9_]+`)

// TestRulesUseExportedMetrics fails when a rule names a metric earshot does
// not export: after a rename the rule would otherwise never fire.
func TestRulesUseExportedMetrics(t *testing.T) {
	exported := exportedMetrics(t)
	for name, r := range alertingRules(t) {
		for _, ref := range metricRef.FindAllString(r.Expr, -1) {
			family := ref
			for _, suffix := range []string{"_bucket", "_sum", "_count"} {
				if base, ok := strings.CutSuffix(ref, suffix); ok && exported[base] {
					family = base
				}
			}
			if !exported[family] {
				t.Errorf("%s uses %s, which internal/telemetry does not export", name, ref)
			}
		}
	}
}

// TestPrometheusLoadsRules follows rule_files through the compose mount of
// the prometheus service back to this repository: the glob must reach every
// rule file and no promtool test file.
func TestPrometheusLoadsRules(t *testing.T) {
	var compose struct {
		Services map[string]struct {
			Image   string   `yaml:"image"`
			Volumes []string `yaml:"volumes"`
		} `yaml:"services"`
	}
	readYAML(t, composeFile, &compose)
	var mounts []string
	for _, svc := range compose.Services {
		if strings.HasPrefix(svc.Image, "prom/prometheus") {
			mounts = svc.Volumes
		}
	}
	if mounts == nil {
		t.Fatal("docker-compose.yml has no prom/prometheus service with volumes")
	}
	var cfg struct {
		RuleFiles []string `yaml:"rule_files"`
	}
	readYAML(t, promConfig, &cfg)
	if len(cfg.RuleFiles) == 0 {
		t.Fatalf("%s has no rule_files", promConfig)
	}

	loaded := map[string]bool{}
	for _, pattern := range cfg.RuleFiles {
		host := hostPath(mounts, pattern)
		if host == "" {
			t.Errorf("rule_files %s: nothing is mounted there in the prometheus service", pattern)
			continue
		}
		files, err := filepath.Glob(filepath.Join("..", host))
		if err != nil {
			t.Fatalf("rule_files %s: %v", pattern, err)
		}
		for _, f := range files {
			loaded[abs(t, f)] = true
		}
	}
	for _, f := range glob(t, rulesGlob) {
		if !loaded[abs(t, f)] {
			t.Errorf("%s is not loaded by Prometheus (rule_files %v)", f, cfg.RuleFiles)
		}
	}
	for _, f := range glob(t, ruleTests) {
		if loaded[abs(t, f)] {
			t.Errorf("%s is a promtool test, but Prometheus would load it as rules", f)
		}
	}
}

func abs(t *testing.T, file string) string {
	t.Helper()
	a, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// hostPath maps a path inside the container to the repository path mounted
// there ("./src:/target[:ro]" short syntax), or "" when none is.
func hostPath(mounts []string, target string) string {
	for _, m := range mounts {
		parts := strings.Split(m, ":")
		if len(parts) < 2 || !strings.HasPrefix(parts[0], ".") {
			continue
		}
		src, dst := parts[0], path.Clean(parts[1])
		if target == dst {
			return src
		}
		if rest, ok := strings.CutPrefix(target, dst+"/"); ok {
			return path.Join(src, rest)
		}
	}
	return ""
}

func TestHostPath(t *testing.T) {
	mounts := []string{
		"./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro",
		"./deploy/prometheus/rules:/etc/prometheus/rules:ro",
		"prometheus-data:/prometheus",
	}
	tests := []struct {
		target, want string
	}{
		{"/etc/prometheus/prometheus.yml", "./deploy/prometheus/prometheus.yml"},
		{"/etc/prometheus/rules/*.rules.yml", "deploy/prometheus/rules/*.rules.yml"},
		{"/etc/prometheus/rulesx/a.yml", ""},
		{"/prometheus/data", ""},
		{"/elsewhere", ""},
	}
	for _, tc := range tests {
		t.Run(tc.target, func(t *testing.T) {
			if got := hostPath(mounts, tc.target); got != tc.want {
				t.Errorf("hostPath(%q) = %q, want %q", tc.target, got, tc.want)
			}
		})
	}
}
