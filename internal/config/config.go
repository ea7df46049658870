// Package config loads earshot.yaml, applies EARSHOT_* environment
// overrides and validates the result, naming the key, the bad value and the
// fix for every problem it finds.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"

	"github.com/earshot-dev/earshot/alert"
	"github.com/earshot-dev/earshot/enrich"
	"github.com/earshot-dev/earshot/report"
	"github.com/earshot-dev/earshot/rollup"
	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/env/v2"
	"github.com/knadh/koanf/providers/rawbytes"
	"github.com/knadh/koanf/providers/structs"
	"github.com/knadh/koanf/v2"
)

// Config is the whole of earshot's configuration.
type Config struct {
	DataDir    string           `koanf:"data_dir"`
	Log        Log              `koanf:"log"`
	HTTP       HTTP             `koanf:"http"`
	Kafka      Kafka            `koanf:"kafka"`
	ClickHouse ClickHouse       `koanf:"clickhouse"`
	Brands     []Brand          `koanf:"brands"`
	Synthetic  Synthetic        `koanf:"synthetic"`
	Sources    Sources          `koanf:"sources"`
	Alerts     alert.Config     `koanf:"alerts"`
	Enrich     enrich.Config    `koanf:"enrich"`
	Sink       Sink             `koanf:"sink"`
	Rollup     Rollup           `koanf:"rollup"`
	Retention  rollup.Retention `koanf:"retention"`
	Report     report.Config    `koanf:"report"`
}

// Log sets the logger.
type Log struct {
	Level  string `koanf:"level"`  // debug | info | warn | error
	Format string `koanf:"format"` // auto | json | text
}

// HTTP is the metrics and health endpoint.
type HTTP struct {
	Listen string `koanf:"listen"` // empty disables it
}

// Kafka selects the broker. No brokers means the embedded one.
type Kafka struct {
	Brokers           []string `koanf:"brokers"`
	TopicPrefix       string   `koanf:"topic_prefix"`
	Partitions        int      `koanf:"partitions"`
	ReplicationFactor int      `koanf:"replication_factor"`
	EmbeddedPort      int      `koanf:"embedded_port"`
}

// ClickHouse selects the engine. No addrs means the embedded one.
type ClickHouse struct {
	Addrs    []string `koanf:"addrs"`
	Database string   `koanf:"database"`
	Username string   `koanf:"username"`
	Password string   `koanf:"password"`
	LibPath  string   `koanf:"lib_path"`
	// Cluster, when set, creates the schema ON CLUSTER: replicated local
	// tables behind Distributed tables (docs/scaling.md).
	Cluster string `koanf:"cluster"`
}

// Brand is a named listening query: the own brand or a competitor.
type Brand struct {
	Name     string   `koanf:"name"`
	Role     string   `koanf:"role"`
	Keywords []string `koanf:"keywords"` // any of them names the brand
	Query    string   `koanf:"query"`    // a listening query; replaces keywords
}

// Synthetic configures the demo collector.
type Synthetic struct {
	Enabled     bool          `koanf:"enabled"`
	Rate        float64       `koanf:"rate"`         // mentions per second
	Seed        int64         `koanf:"seed"`         // same seed, same stream
	SpikeAfter  time.Duration `koanf:"spike_after"`  // when the injected spike starts
	SpikeFor    time.Duration `koanf:"spike_for"`    // how long it lasts
	SpikeFactor float64       `koanf:"spike_factor"` // rate multiplier during the spike
}

// Sink configures the Kafka→ClickHouse sink.
type Sink struct {
	BatchSize     int           `koanf:"batch_size"`
	FlushInterval time.Duration `koanf:"flush_interval"`
}

// Rollup configures the rollup job.
type Rollup struct {
	Interval    time.Duration `koanf:"interval"`     // how often recent windows are recomputed
	Lookback    time.Duration `koanf:"lookback"`     // how far back each run recomputes
	MonthlyCost float64       `koanf:"monthly_cost"` // tool and staff cost per month, for ROI
	Currency    string        `koanf:"currency"`     // currency of monthly_cost (ISO 4217)
}

// Embedded reports whether the broker is the in-process one.
func (k Kafka) Embedded() bool { return len(k.Brokers) == 0 }

// Embedded reports whether the engine is the in-process one.
func (c ClickHouse) Embedded() bool { return len(c.Addrs) == 0 }

// Topic returns the full name of a topic suffix such as "raw.mentions".
func (k Kafka) Topic(suffix string) string { return k.TopicPrefix + suffix }

// Default returns the configuration used when no file is given: the demo
// brands on the embedded broker and engine.
func Default() Config {
	return Config{
		DataDir: "./data",
		Log:     Log{Level: "info", Format: "auto"},
		HTTP:    HTTP{Listen: "127.0.0.1:9464"},
		Kafka:   Kafka{TopicPrefix: "earshot.", Partitions: 6, ReplicationFactor: 1},
		ClickHouse: ClickHouse{
			Database: "earshot",
			Username: "default",
		},
		Brands: []Brand{
			{Name: "Acme", Role: "own", Keywords: []string{"acme", "acme corp", "#acme", "@acmehq"}},
			{Name: "Globex", Role: "competitor", Keywords: []string{"globex", "#globex", "@globex"}},
			{Name: "Initech", Role: "competitor", Keywords: []string{"initech", "#initech", "@initech"}},
			{Name: "Umbrella", Role: "competitor", Keywords: []string{"umbrella corp", "#umbrellacorp", "@umbrellacorp"}},
		},
		Synthetic: Synthetic{
			Enabled: true, Rate: 50, Seed: 1,
			SpikeAfter: 30 * time.Second, SpikeFor: 10 * time.Second, SpikeFactor: 5,
		},
		Sources: defaultSources(),
		Alerts:  alert.DefaultConfig(),
		Enrich:  enrich.DefaultConfig(),
		Sink:    Sink{BatchSize: 20000, FlushInterval: time.Second},
		Rollup:  Rollup{Interval: 15 * time.Second, Lookback: 3 * time.Hour, Currency: "USD"},
		Report:  report.DefaultConfig(),
	}
}

// EnvPrefix starts every override variable. A double underscore separates
// levels so keys keep their own underscores: EARSHOT_KAFKA__TOPIC_PREFIX
// sets kafka.topic_prefix. Lists are comma-separated.
const EnvPrefix = "EARSHOT_"

// Load reads path (optional: "" means defaults only), applies environment
// overrides from environ (os.Environ when nil) and validates.
func Load(path string, environ func() []string) (Config, error) {
	k := koanf.New(".")
	if err := k.Load(structs.Provider(Default(), "koanf"), nil); err != nil {
		return Config{}, fmt.Errorf("load defaults: %w", err)
	}
	var lines lineIndex
	if path != "" {
		raw, err := os.ReadFile(path)
		if err != nil {
			return Config{}, fmt.Errorf("read config: %w (run 'earshot init' to write an example)", err)
		}
		if environ == nil {
			environ = os.Environ
		}
		if raw, err = expandEnv(path, raw, environ()); err != nil {
			return Config{}, err
		}
		lines = indexLines(raw)
		// Lists in the file replace the defaults rather than merging into them.
		for _, key := range []string{"brands", "kafka.brokers", "clickhouse.addrs", "enrich.languages",
			"sources.rss", "sources.appstore", "sources.hackernews", "sources.mastodon", "sources.bluesky",
			"sources.reddit", "sources.youtube", "sources.webhook",
			"alerts.windows", "alerts.metrics", "alerts.channels",
			"enrich.steps", "enrich.topics", "enrich.campaigns", "enrich.crisis", "enrich.own_handles",
			"enrich.exclude.authors", "enrich.exclude.domains", "enrich.reach.sites",
			"report.formats", "report.email.to"} {
			if lines.has(key) {
				k.Delete(key)
			}
		}
		if err := k.Load(rawbytes.Provider(raw), yaml.Parser()); err != nil {
			return Config{}, fmt.Errorf("%s: %w", path, err)
		}
	}
	if environ == nil {
		environ = os.Environ
	}
	if err := checkEnv(environ()); err != nil {
		return Config{}, err
	}
	if err := k.Load(env.Provider(".", env.Opt{
		Prefix:        EnvPrefix,
		EnvironFunc:   environ,
		TransformFunc: envKey,
	}), nil); err != nil {
		return Config{}, fmt.Errorf("read %s* environment: %w", EnvPrefix, err)
	}

	var c Config
	err := k.UnmarshalWithConf("", &c, koanf.UnmarshalConf{DecoderConfig: &mapstructure.DecoderConfig{
		DecodeHook: mapstructure.ComposeDecodeHookFunc(
			mapstructure.StringToTimeDurationHookFunc(),
			mapstructure.StringToSliceHookFunc(","),
			mapstructure.TextUnmarshallerHookFunc(),
		),
		ErrorUnused:      true,
		WeaklyTypedInput: true,
		Result:           &c,
	}})
	if err != nil {
		return Config{}, fmt.Errorf("%s: %w (check the key names and value types against 'earshot init')", where(path), err)
	}
	// An empty list in YAML and an absent key mean the same: embedded mode.
	if len(c.Kafka.Brokers) == 0 {
		c.Kafka.Brokers = nil
	}
	if len(c.ClickHouse.Addrs) == 0 {
		c.ClickHouse.Addrs = nil
	}
	if errs := c.Validate(); len(errs) > 0 {
		return Config{}, errs.in(path, lines)
	}
	return c, nil
}

// checkEnv names an EARSHOT_ variable that sets no known key: a typo in a
// deployment's environment would otherwise go unnoticed.
func checkEnv(environ []string) error {
	known := map[string]bool{}
	var walk func(prefix string, t reflect.Type)
	walk = func(prefix string, t reflect.Type) {
		for f := range t.Fields() {
			key := prefix + f.Tag.Get("koanf")
			known[key] = true
			if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeFor[time.Duration]() {
				walk(key+".", f.Type)
			}
		}
	}
	walk("", reflect.TypeFor[Config]())
	for _, kv := range environ {
		name, value, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, EnvPrefix) {
			continue
		}
		if key, _ := envKey(name, value); !known[key] {
			return fmt.Errorf("environment variable %s sets %q, which is not a configuration key: fix the name (levels are separated by __, e.g. EARSHOT_KAFKA__BROKERS) or unset it", name, key)
		}
	}
	return nil
}

// envRef is a ${NAME} reference in the configuration file: secrets such as
// API keys stay in the environment (or a secret store that fills it)
// instead of the file.
var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expandEnv replaces every ${NAME} in the file with the variable's value.
// An unset variable is an error naming its line: an empty API key would
// only fail later, far from its cause.
func expandEnv(path string, raw []byte, environ []string) ([]byte, error) {
	vars := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vars[k] = v
		}
	}
	var missing []string
	lines := bytes.SplitAfter(raw, []byte("\n"))
	for i, line := range lines {
		if bytes.HasPrefix(bytes.TrimSpace(line), []byte("#")) {
			continue // a commented-out example may name a variable nobody set
		}
		lines[i] = envRef.ReplaceAllFunc(line, func(ref []byte) []byte {
			name := string(envRef.FindSubmatch(ref)[1])
			v, ok := vars[name]
			if !ok {
				missing = append(missing, fmt.Sprintf("line %d: ${%s}", i+1, name))
			}
			return []byte(v)
		})
	}
	out := bytes.Join(lines, nil)
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s refers to unset environment variables: %s (set them, or write the values in the file)", path, strings.Join(missing, ", "))
	}
	return out, nil
}

func envKey(k, v string) (string, any) {
	k = strings.ToLower(strings.TrimPrefix(k, EnvPrefix))
	k = strings.ReplaceAll(k, "__", ".")
	if strings.Contains(v, ",") {
		return k, strings.Split(v, ",")
	}
	return k, v
}

func where(path string) string {
	if path == "" {
		return "configuration"
	}
	return path
}

// Problem is one invalid setting.
type Problem struct {
	Key   string
	Value any
	Fix   string
}

// Problems are all invalid settings found at once, so a person fixes the
// file in one go instead of one error per run.
type Problems []Problem

func (ps Problems) Error() string { return ps.in("", nil).Error() }

func (ps Problems) in(path string, lines lineIndex) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s has %d problem(s):", where(path), len(ps))
	for _, p := range ps {
		loc := p.Key
		if n := lines.line(p.Key); n > 0 {
			loc = fmt.Sprintf("line %d: %s", n, p.Key)
		}
		fmt.Fprintf(&b, "\n  %s = %v: %s", loc, p.Value, p.Fix)
	}
	return errors.New(b.String())
}
