package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/earshot-dev/earshot/dashboards"
	"github.com/earshot-dev/earshot/internal/config"
)

// These tests keep docker-compose.yml, the Prometheus config and the Grafana
// provisioning consistent with each other and with the CLI: a renamed
// subcommand or flag, a moved file or a changed port fails here rather than
// in someone's `docker compose up`.

// repoRoot is where docker-compose.yml lives, relative to this package.
const repoRoot = "../.."

// ---------------------------------------------------------------------------
// The parts of the compose file the tests read.

type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Image       string         `yaml:"image"`
	Build       any            `yaml:"build"`
	Command     words          `yaml:"command"`
	Environment environment    `yaml:"environment"`
	Volumes     []mount        `yaml:"volumes"`
	Ports       []portMapping  `yaml:"ports"`
	Expose      []any          `yaml:"expose"`
	DependsOn   dependsOn      `yaml:"depends_on"`
	Restart     string         `yaml:"restart"`
	Healthcheck map[string]any `yaml:"healthcheck"`
}

// isEarshot tells the services built from this repository's Dockerfile.
func (s composeService) isEarshot() bool { return s.Build != nil }

// words is a command: a list, or a string split on spaces.
type words []string

func (w *words) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*w = strings.Fields(n.Value)
		return nil
	}
	var l []string
	if err := n.Decode(&l); err != nil {
		return err
	}
	*w = l
	return nil
}

// environment is a mapping or a list of KEY=VALUE.
type environment map[string]string

func (e *environment) UnmarshalYAML(n *yaml.Node) error {
	*e = environment{}
	if n.Kind == yaml.SequenceNode {
		var l []string
		if err := n.Decode(&l); err != nil {
			return err
		}
		for _, kv := range l {
			k, v, _ := strings.Cut(kv, "=")
			(*e)[k] = interpolate(v)
		}
		return nil
	}
	var m map[string]any
	if err := n.Decode(&m); err != nil {
		return err
	}
	for k, v := range m {
		(*e)[k] = interpolate(fmt.Sprint(v))
	}
	return nil
}

var composeVar = regexp.MustCompile(`\$\$|\$\{(\w+)(?::?-([^}]*))?\}`)

// interpolate substitutes ${VAR} and ${VAR:-default} from the test's
// environment, as docker-compose does; $$ is a literal $ for the container.
func interpolate(s string) string {
	return composeVar.ReplaceAllStringFunc(s, func(ref string) string {
		if ref == "$$" {
			return "$"
		}
		m := composeVar.FindStringSubmatch(ref)
		if v, ok := os.LookupEnv(m[1]); ok && v != "" {
			return v
		}
		return m[2]
	})
}

// mount is a volumes entry, short ("src:dst[:ro]") or long syntax.
type mount struct {
	Source, Target string
}

// bind tells a host path from a named volume.
func (m mount) bind() bool {
	return strings.HasPrefix(m.Source, ".") || strings.HasPrefix(m.Source, "/") || strings.HasPrefix(m.Source, "~")
}

func (m *mount) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		parts := strings.Split(n.Value, ":")
		if len(parts) < 2 {
			return fmt.Errorf("line %d: volume %q has no target", n.Line, n.Value)
		}
		m.Source, m.Target = parts[0], parts[1]
		return nil
	}
	var l struct {
		Source string `yaml:"source"`
		Target string `yaml:"target"`
	}
	if err := n.Decode(&l); err != nil {
		return err
	}
	m.Source, m.Target = l.Source, l.Target
	return nil
}

// portMapping is a ports entry; only the container side matters here.
type portMapping struct{ Container string }

func (p *portMapping) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		s := n.Value
		if i := strings.LastIndex(s, ":"); i >= 0 {
			s = s[i+1:]
		}
		p.Container, _, _ = strings.Cut(s, "/")
		return nil
	}
	var l struct {
		Target any `yaml:"target"`
	}
	if err := n.Decode(&l); err != nil {
		return err
	}
	p.Container = fmt.Sprint(l.Target)
	return nil
}

// dependsOn maps a service to its condition ("service_started" for the list form).
type dependsOn map[string]string

func (d *dependsOn) UnmarshalYAML(n *yaml.Node) error {
	*d = dependsOn{}
	if n.Kind == yaml.SequenceNode {
		var l []string
		if err := n.Decode(&l); err != nil {
			return err
		}
		for _, s := range l {
			(*d)[s] = "service_started"
		}
		return nil
	}
	var m map[string]struct {
		Condition string `yaml:"condition"`
	}
	if err := n.Decode(&m); err != nil {
		return err
	}
	for k, v := range m {
		(*d)[k] = v.Condition
	}
	return nil
}

func loadCompose(t *testing.T) composeFile {
	t.Helper()
	var c composeFile
	readYAMLFile(t, filepath.Join(repoRoot, "docker-compose.yml"), &c)
	if len(c.Services) == 0 {
		t.Fatal("docker-compose.yml has no services")
	}
	return c
}

func readYAMLFile(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// earshotServices lists the services built from the Dockerfile, sorted.
func (c composeFile) earshotServices() []string {
	var out []string
	for name, s := range c.Services {
		if s.isEarshot() {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// oneShot tells services others wait for to complete (migrate): they exit,
// so nothing scrapes them.
func (c composeFile) oneShot(name string) bool {
	for _, s := range c.Services {
		if s.DependsOn[name] == "service_completed_successfully" {
			return true
		}
	}
	return false
}

// serviceByImage returns the one service whose image starts with prefix.
func (c composeFile) serviceByImage(t *testing.T, prefix string) (string, composeService) {
	t.Helper()
	var found []string
	for name, s := range c.Services {
		if strings.HasPrefix(s.Image, prefix) {
			found = append(found, name)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one service with image %s*, found %v", prefix, found)
	}
	return found[0], c.Services[found[0]]
}

// containerPorts are the ports a service listens on inside the network.
func (s composeService) containerPorts() []string {
	var out []string
	for _, p := range s.Ports {
		out = append(out, p.Container)
	}
	for _, e := range s.Expose {
		out = append(out, fmt.Sprint(e))
	}
	return out
}

// mountSource is the host path mounted at target, "" if none.
func (s composeService) mountSource(target string) string {
	for _, m := range s.Volumes {
		if m.bind() && path.Clean(m.Target) == path.Clean(target) {
			return m.Source
		}
	}
	return ""
}

// ---------------------------------------------------------------------------
// The earshot stages.

func TestComposeEarshotCommands(t *testing.T) {
	c := loadCompose(t)
	names := c.earshotServices()
	if len(names) == 0 {
		t.Fatal("no service is built from the Dockerfile")
	}
	for _, name := range names {
		svc := c.Services[name]
		t.Run(name, func(t *testing.T) {
			args := []string(svc.Command)
			if len(args) == 0 {
				t.Fatal("no command: the image's entrypoint needs a subcommand")
			}
			if args[0] != name {
				t.Errorf("command %q: the service should be named after its subcommand", args[0])
			}
			root := newRootCmd()
			cmd, rest, err := root.Find(args)
			if err != nil {
				t.Fatalf("command %q: %v", args, err)
			}
			if cmd == root || cmd.Name() != args[0] {
				t.Fatalf("command %q: %q is not a subcommand of %s", args, args[0], root.Name())
			}
			for _, arg := range rest {
				flagName, short, ok := flagOf(arg)
				if !ok {
					continue
				}
				if short {
					if cmd.Flags().ShorthandLookup(flagName) == nil && cmd.InheritedFlags().ShorthandLookup(flagName) == nil {
						t.Errorf("flag -%s does not exist on %q", flagName, cmd.CommandPath())
					}
					continue
				}
				if cmd.Flags().Lookup(flagName) == nil && cmd.Flag(flagName) == nil {
					t.Errorf("flag --%s does not exist on %q", flagName, cmd.CommandPath())
				}
			}
			if err := cmd.ParseFlags(rest); err != nil {
				t.Errorf("flags %q do not parse: %v", rest, err)
			}
			// The config file the command names is mounted into the container.
			if cfg := flagValue(args, "config"); cfg == "" {
				t.Error("command has no --config")
			} else if src := svc.mountSource(cfg); src == "" {
				t.Errorf("--config %s: nothing is mounted there", cfg)
			}
		})
	}
}

// flagOf returns the name of the flag arg spells ("--name", "--name=v", or
// "-n" with short set); ok is false for a non-flag argument.
func flagOf(arg string) (name string, short, ok bool) {
	switch {
	case arg == "--" || arg == "-" || !strings.HasPrefix(arg, "-"):
		return "", false, false
	case strings.HasPrefix(arg, "--"):
		name, _, _ = strings.Cut(arg[2:], "=")
		return name, false, true
	default:
		return arg[1:2], true, true
	}
}

// flagValue returns the value of --name in args ("--name v" or "--name=v").
func flagValue(args []string, name string) string {
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, "--"+name+"="); ok {
			return v
		}
		if a == "--"+name && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

func TestComposeEarshotEnvironment(t *testing.T) {
	c := loadCompose(t)
	kafka, _ := c.serviceByImage(t, "apache/kafka")
	clickhouse, chSvc := c.serviceByImage(t, "clickhouse/clickhouse-server")
	for _, name := range c.earshotServices() {
		svc := c.Services[name]
		t.Run(name, func(t *testing.T) {
			env := svc.Environment
			addrs := []struct {
				key, service, port string
			}{
				{"EARSHOT_KAFKA__BROKERS", kafka, "9092"},
				{"EARSHOT_CLICKHOUSE__ADDRS", clickhouse, "9000"},
			}
			for _, a := range addrs {
				host, port, err := net.SplitHostPort(env[a.key])
				if err != nil || host != a.service || port != a.port {
					t.Errorf("%s = %q, want %s:%s", a.key, env[a.key], a.service, a.port)
				}
			}
			if !slices.Contains(chSvc.containerPorts(), "9000") {
				t.Errorf("service %s does not listen on the native port 9000", clickhouse)
			}
			if _, _, err := net.SplitHostPort(env["EARSHOT_HTTP__LISTEN"]); err != nil {
				t.Errorf("EARSHOT_HTTP__LISTEN = %q: %v", env["EARSHOT_HTTP__LISTEN"], err)
			}
			if d := env["EARSHOT_DATA_DIR"]; !path.IsAbs(d) {
				t.Errorf("EARSHOT_DATA_DIR = %q, want an absolute path", d)
			}

			// Start order: the servers are healthy, and the schema is in
			// place before any stage runs.
			for _, dep := range []string{kafka, clickhouse} {
				if got := svc.DependsOn[dep]; got != "service_healthy" {
					t.Errorf("depends_on %s: condition %q, want service_healthy", dep, got)
				}
				if c.Services[dep].Healthcheck == nil {
					t.Errorf("%s has no healthcheck to wait for", dep)
				}
			}
			if c.oneShot(name) {
				if svc.Restart != "no" && svc.Restart != "on-failure" {
					t.Errorf("one-shot service restarts %q: it would run again after it exits", svc.Restart)
				}
				return
			}
			var waits []string
			for dep, cond := range svc.DependsOn {
				if cond == "service_completed_successfully" && c.Services[dep].isEarshot() {
					waits = append(waits, dep)
				}
			}
			if len(waits) == 0 {
				t.Error("does not wait for migrate (depends_on … condition: service_completed_successfully)")
			}
			for _, dep := range waits {
				if c.Services[dep].Command[0] != "migrate" {
					t.Errorf("waits for %s, whose command is not migrate", dep)
				}
			}
		})
	}
}

// TestComposeEnvironmentLoadsConfig loads each stage's configuration the way
// the container will: the mounted file (when the repository has it) plus the
// service's environment. An unknown EARSHOT_ key or a bad value fails here.
func TestComposeEnvironmentLoadsConfig(t *testing.T) {
	c := loadCompose(t)
	for _, name := range c.earshotServices() {
		svc := c.Services[name]
		t.Run(name, func(t *testing.T) {
			var environ []string
			for k, v := range svc.Environment {
				environ = append(environ, k+"="+v)
			}
			file := ""
			if src := svc.mountSource(flagValue(svc.Command, "config")); src != "" {
				if _, err := os.Stat(filepath.Join(repoRoot, src)); err == nil {
					file = filepath.Join(repoRoot, src)
				}
			}
			cfg, err := config.Load(file, func() []string { return environ })
			if err != nil {
				t.Fatalf("configuration of %s does not load: %v", name, err)
			}
			want := []struct {
				key       string
				got, want any
			}{
				{"kafka.brokers", strings.Join(cfg.Kafka.Brokers, ","), svc.Environment["EARSHOT_KAFKA__BROKERS"]},
				{"clickhouse.addrs", strings.Join(cfg.ClickHouse.Addrs, ","), svc.Environment["EARSHOT_CLICKHOUSE__ADDRS"]},
				{"http.listen", cfg.HTTP.Listen, svc.Environment["EARSHOT_HTTP__LISTEN"]},
				{"data_dir", cfg.DataDir, svc.Environment["EARSHOT_DATA_DIR"]},
			}
			for _, w := range want {
				if w.got != w.want {
					t.Errorf("%s = %q, want %q from the environment", w.key, w.got, w.want)
				}
			}
			if cfg.Kafka.Embedded() {
				t.Error("the stage would run on the embedded broker: a compose stage must use the kafka service")
			}
		})
	}
}

// ---------------------------------------------------------------------------
// Files and volumes.

func TestComposeMountsExist(t *testing.T) {
	c := loadCompose(t)
	for name, svc := range c.Services {
		for _, m := range svc.Volumes {
			t.Run(name+" "+m.Target, func(t *testing.T) {
				if !m.bind() {
					if _, ok := c.Volumes[m.Source]; !ok {
						t.Errorf("named volume %q is not declared under volumes:", m.Source)
					}
					return
				}
				if filepath.IsAbs(m.Source) || strings.HasPrefix(m.Source, "~") || strings.HasPrefix(m.Source, "..") {
					t.Errorf("host path %q is outside the repository", m.Source)
					return
				}
				if _, err := os.Stat(filepath.Join(repoRoot, m.Source)); err != nil {
					t.Errorf("host path %q does not exist in the repository: %v", m.Source, err)
				}
			})
		}
	}
}

// ---------------------------------------------------------------------------
// Prometheus.

type prometheusConfig struct {
	ScrapeConfigs []struct {
		JobName       string `yaml:"job_name"`
		StaticConfigs []struct {
			Targets []string `yaml:"targets"`
		} `yaml:"static_configs"`
	} `yaml:"scrape_configs"`
}

func TestPrometheusScrapesServices(t *testing.T) {
	c := loadCompose(t)
	promName, promSvc := c.serviceByImage(t, "prom/prometheus")
	src := promSvc.mountSource("/etc/prometheus/prometheus.yml")
	if src == "" {
		t.Fatalf("%s: nothing mounted at /etc/prometheus/prometheus.yml", promName)
	}
	var cfg prometheusConfig
	readYAMLFile(t, filepath.Join(repoRoot, src), &cfg)

	scraped := map[string]bool{}
	for _, sc := range cfg.ScrapeConfigs {
		for _, st := range sc.StaticConfigs {
			for _, target := range st.Targets {
				t.Run(sc.JobName+" "+target, func(t *testing.T) {
					host, port, err := net.SplitHostPort(target)
					if err != nil {
						t.Fatalf("target %q: %v", target, err)
					}
					if host == "localhost" || host == "127.0.0.1" {
						// Only Prometheus itself is local to the Prometheus container.
						if !slices.Contains(promSvc.containerPorts(), port) {
							t.Errorf("target %q: %s does not listen on %s", target, promName, port)
						}
						scraped[promName] = true
						return
					}
					svc, ok := c.Services[host]
					if !ok {
						t.Fatalf("target %q: no service %q in docker-compose.yml", target, host)
					}
					_, listen, err := net.SplitHostPort(svc.Environment["EARSHOT_HTTP__LISTEN"])
					if err != nil {
						t.Fatalf("target %q: service %s has no usable EARSHOT_HTTP__LISTEN: %v", target, host, err)
					}
					if port != listen {
						t.Errorf("target %q: %s listens on %s", target, host, listen)
					}
					if c.oneShot(host) {
						t.Errorf("target %q: %s runs once and exits", target, host)
					}
					scraped[host] = true
				})
			}
		}
	}
	want := []string{promName}
	for _, name := range c.earshotServices() {
		if !c.oneShot(name) {
			want = append(want, name)
		}
	}
	for _, name := range want {
		if !scraped[name] {
			t.Errorf("service %s is not scraped", name)
		}
	}
}

// ---------------------------------------------------------------------------
// Grafana.

// provisioningFiles returns the YAML files of the host directory mounted at
// target in the Grafana service.
func provisioningFiles(t *testing.T, svc composeService, target string) []string {
	t.Helper()
	src := svc.mountSource(target)
	if src == "" {
		t.Fatalf("grafana: nothing mounted at %s", target)
	}
	var out []string
	for _, pattern := range []string{"*.yaml", "*.yml"} {
		m, err := filepath.Glob(filepath.Join(repoRoot, src, pattern))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m...)
	}
	if len(out) == 0 {
		t.Fatalf("grafana: no provisioning files in %s", src)
	}
	return out
}

var envRef = regexp.MustCompile(`\$\{?(\w+)\}?`)

func TestGrafanaDatasourceProvisioning(t *testing.T) {
	c := loadCompose(t)
	_, grafana := c.serviceByImage(t, "grafana/grafana")
	chName, chSvc := c.serviceByImage(t, "clickhouse/clickhouse-server")
	plugins := strings.Split(grafana.Environment["GF_INSTALL_PLUGINS"], ",")

	found := 0
	for _, file := range provisioningFiles(t, grafana, "/etc/grafana/provisioning/datasources") {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var f dashboards.DatasourceFile
		readYAMLFile(t, file, &f)
		for _, ds := range f.Datasources {
			if ds.Type != "grafana-clickhouse-datasource" {
				continue
			}
			found++
			t.Run(ds.Name, func(t *testing.T) {
				if !slices.Contains(plugins, ds.Type) {
					t.Errorf("GF_INSTALL_PLUGINS = %q does not install %s", grafana.Environment["GF_INSTALL_PLUGINS"], ds.Type)
				}
				if host := fmt.Sprint(ds.JSONData["host"]); host != chName {
					t.Errorf("jsonData.host = %q, want the compose service %q", host, chName)
				}
				port := fmt.Sprint(ds.JSONData["port"])
				if port != "9000" || ds.JSONData["protocol"] != "native" {
					t.Errorf("jsonData port %s protocol %v, want the native protocol on 9000", port, ds.JSONData["protocol"])
				}
				if !slices.Contains(chSvc.containerPorts(), port) {
					t.Errorf("service %s does not listen on %s", chName, port)
				}
				if db := fmt.Sprint(ds.JSONData["defaultDatabase"]); db != chSvc.Environment["CLICKHOUSE_DB"] {
					t.Errorf("jsonData.defaultDatabase = %q, but %s creates database %q", db, chName, chSvc.Environment["CLICKHOUSE_DB"])
				}
			})
		}
		// Grafana has no default syntax: every $VAR must be set in its environment.
		var values any
		if err := yaml.Unmarshal(raw, &values); err != nil {
			t.Fatal(err)
		}
		for _, s := range stringsIn(values) {
			for _, m := range envRef.FindAllStringSubmatch(s, -1) {
				if _, ok := grafana.Environment[m[1]]; !ok {
					t.Errorf("%s uses $%s, which the grafana service does not set", filepath.Base(file), m[1])
				}
			}
		}
	}
	if found == 0 {
		t.Error("no grafana-clickhouse-datasource is provisioned")
	}
}

// stringsIn returns every string value in a decoded YAML document.
func stringsIn(v any) []string {
	var out []string
	switch v := v.(type) {
	case string:
		out = append(out, v)
	case []any:
		for _, e := range v {
			out = append(out, stringsIn(e)...)
		}
	case map[string]any:
		for _, e := range v {
			out = append(out, stringsIn(e)...)
		}
	}
	return out
}

func TestGrafanaDashboardProvider(t *testing.T) {
	c := loadCompose(t)
	_, grafana := c.serviceByImage(t, "grafana/grafana")
	for _, file := range provisioningFiles(t, grafana, "/etc/grafana/provisioning/dashboards") {
		var f dashboards.ProviderFile
		readYAMLFile(t, file, &f)
		if len(f.Providers) == 0 {
			t.Errorf("%s: no providers", file)
		}
		for _, p := range f.Providers {
			t.Run(p.Name, func(t *testing.T) {
				if p.Type != "file" {
					t.Skipf("provider type %q reads no files", p.Type)
				}
				src := grafana.mountSource(p.Options.Path)
				if src == "" {
					t.Fatalf("options.path %q: nothing is mounted there in the grafana service", p.Options.Path)
				}
				dashboards, err := filepath.Glob(filepath.Join(repoRoot, src, "*.json"))
				if err != nil || len(dashboards) == 0 {
					t.Errorf("options.path %q is %s, which holds no dashboards (%v)", p.Options.Path, src, err)
				}
				if home := grafana.Environment["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]; home != "" {
					if rel, ok := strings.CutPrefix(home, path.Clean(p.Options.Path)+"/"); ok {
						if _, err := os.Stat(filepath.Join(repoRoot, src, rel)); err != nil {
							t.Errorf("home dashboard %s: %v", home, err)
						}
					}
				}
			})
		}
	}
}

// ---------------------------------------------------------------------------
// docker-compose's own validation.

func TestDockerComposeConfig(t *testing.T) {
	bin, err := exec.LookPath("docker-compose")
	if err != nil {
		// Not a skip: CI installs it, and without it the file is unchecked.
		t.Fatalf("docker-compose is not on PATH (apt-get install docker-compose): %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-f", "docker-compose.yml", "config", "-q")
	cmd.Dir = repoRoot
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			t.Fatalf("docker-compose config rejects docker-compose.yml:\n%s", out.String())
		}
		t.Fatalf("docker-compose config: %v\n%s", err, out.String())
	}
}

// ---------------------------------------------------------------------------
// The helpers above.

func TestComposeHelpers(t *testing.T) {
	t.Setenv("EARSHOT_TEST_SET", "from-env")
	flag := func(arg string) string {
		name, short, ok := flagOf(arg)
		return fmt.Sprintf("%s %v %v", name, short, ok)
	}
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"long flag", flag("--config"), "config false true"},
		{"long flag with value", flag("--config=/x"), "config false true"},
		{"short flag", flag("-c"), "c true true"},
		{"not a flag", flag("/etc/earshot/earshot.yaml"), " false false"},
		{"end of flags", flag("--"), " false false"},
		{"flag value, separate", flagValue([]string{"x", "--config", "/a"}, "config"), "/a"},
		{"flag value, joined", flagValue([]string{"x", "--config=/b"}, "config"), "/b"},
		{"flag value, absent", flagValue([]string{"x", "--configx", "/c"}, "config"), ""},
		{"default used", interpolate("${EARSHOT_TEST_UNSET:-dflt}"), "dflt"},
		{"environment wins", interpolate("${EARSHOT_TEST_SET:-dflt}"), "from-env"},
		{"no default", interpolate("a${EARSHOT_TEST_UNSET}b"), "ab"},
		{"escaped dollar", interpolate("$${X}"), "${X}"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
}
