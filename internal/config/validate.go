package config

import (
	"fmt"
	"github.com/earshot-dev/earshot/enrich/query"
	"net"
	"slices"
	"strings"
)

// Validate checks every setting and returns all problems found.
func (c Config) Validate() Problems {
	var ps Problems
	add := func(key string, val any, fix string, args ...any) {
		ps = append(ps, Problem{Key: key, Value: val, Fix: fmt.Sprintf(fix, args...)})
	}
	if strings.TrimSpace(c.DataDir) == "" {
		add("data_dir", `""`, "set a directory for the embedded broker, engine and state, e.g. ./data")
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.Log.Level) {
		add("log.level", c.Log.Level, "use one of debug, info, warn, error")
	}
	if !slices.Contains([]string{"auto", "json", "text"}, c.Log.Format) {
		add("log.format", c.Log.Format, "use auto (JSON when not a terminal), json or text")
	}
	if c.HTTP.Listen != "" {
		if _, _, err := net.SplitHostPort(c.HTTP.Listen); err != nil {
			add("http.listen", c.HTTP.Listen, "use host:port such as 127.0.0.1:9464, or empty to turn the endpoint off")
		}
	}
	for i, b := range c.Kafka.Brokers {
		if _, _, err := net.SplitHostPort(b); err != nil {
			add(fmt.Sprintf("kafka.brokers[%d]", i), b, "use host:port such as kafka:9092, or no brokers for the embedded broker")
		}
	}
	if c.Kafka.Partitions < 1 {
		add("kafka.partitions", c.Kafka.Partitions, "use 1 or more; 6 lets up to six consumers share a topic")
	}
	if c.Kafka.ReplicationFactor < 1 {
		add("kafka.replication_factor", c.Kafka.ReplicationFactor, "use 1 for one broker, 3 for a production cluster")
	}
	if c.Kafka.Embedded() && c.Kafka.ReplicationFactor != 1 {
		add("kafka.replication_factor", c.Kafka.ReplicationFactor, "the embedded broker is one node: use 1, or configure kafka.brokers")
	}
	if c.Kafka.EmbeddedPort < 0 || c.Kafka.EmbeddedPort > 65535 {
		add("kafka.embedded_port", c.Kafka.EmbeddedPort, "use 0 (any free port) or a port number")
	}
	if strings.ContainsAny(c.Kafka.TopicPrefix, " /\\,:") {
		add("kafka.topic_prefix", c.Kafka.TopicPrefix, "Kafka topic names allow letters, digits, '.', '_' and '-' only")
	}
	for i, a := range c.ClickHouse.Addrs {
		if _, _, err := net.SplitHostPort(a); err != nil {
			add(fmt.Sprintf("clickhouse.addrs[%d]", i), a, "use host:port of the native protocol such as clickhouse:9000, or no addrs for the embedded engine")
		}
	}
	if c.ClickHouse.Cluster != "" && c.ClickHouse.Embedded() {
		add("clickhouse.cluster", c.ClickHouse.Cluster, "the embedded engine is one node: set clickhouse.addrs to the cluster's servers, or leave cluster empty")
	}
	if c.ClickHouse.Cluster != "" && !identifier(c.ClickHouse.Cluster) {
		add("clickhouse.cluster", c.ClickHouse.Cluster, "use the cluster's name from the servers' remote_servers (letters, digits, '_')")
	}
	if !identifier(c.ClickHouse.Database) {
		add("clickhouse.database", c.ClickHouse.Database, "use letters, digits and '_' only, e.g. earshot")
	}
	c.validateBrands(add)
	if c.Synthetic.Enabled {
		if c.Synthetic.Rate <= 0 {
			add("synthetic.rate", c.Synthetic.Rate, "use mentions per second above 0, e.g. 50")
		}
		if c.Synthetic.SpikeFactor < 1 {
			add("synthetic.spike_factor", c.Synthetic.SpikeFactor, "use 1 (no spike) or more, e.g. 5")
		}
		if c.Synthetic.SpikeAfter < 0 || c.Synthetic.SpikeFor < 0 {
			add("synthetic.spike_after", c.Synthetic.SpikeAfter, "spike_after and spike_for must not be negative")
		}
	}
	c.Sources.validate(add)
	for _, p := range c.Alerts.Validate() {
		add("alerts."+p.Key, p.Value, "%s", p.Fix)
	}
	for _, p := range c.Enrich.Validate() {
		add("enrich."+p.Key, p.Value, "%s", p.Fix)
	}
	for _, p := range c.Retention.Validate() {
		add("retention."+p.Key, p.Value, "%s", p.Fix)
	}
	for _, p := range c.Report.Validate() {
		add("report."+p.Key, p.Value, "%s", p.Fix)
	}
	if len(c.Enrich.Languages) == 0 {
		add("enrich.languages", "[]", "list the ISO 639-1 codes to detect, e.g. [en, id]")
	}
	for i, l := range c.Enrich.Languages {
		if len(l) != 2 || strings.ToLower(l) != l {
			add(fmt.Sprintf("enrich.languages[%d]", i), l, "use two-letter lower-case ISO 639-1 codes such as en or id")
		}
	}
	if c.Sink.BatchSize < 1 || c.Sink.BatchSize > 1_000_000 {
		add("sink.batch_size", c.Sink.BatchSize, "use 1 to 1000000 rows; 10000–100000 is fastest")
	}
	if c.Sink.FlushInterval <= 0 {
		add("sink.flush_interval", c.Sink.FlushInterval, "use a duration above 0 such as 1s")
	}
	if c.Rollup.Interval <= 0 {
		add("rollup.interval", c.Rollup.Interval, "use a duration above 0 such as 1m")
	}
	if c.Rollup.MonthlyCost < 0 {
		add("rollup.monthly_cost", c.Rollup.MonthlyCost, "use the monthly tool and staff cost, 0 or more")
	}
	if len(c.Rollup.Currency) != 3 || strings.ToUpper(c.Rollup.Currency) != c.Rollup.Currency {
		add("rollup.currency", c.Rollup.Currency, "use an ISO 4217 code such as USD, EUR or IDR")
	}
	if c.Rollup.Lookback < 0 {
		add("rollup.lookback", c.Rollup.Lookback, "use a duration such as 3h: how far back each run recomputes")
	}
	return ps
}

func (c Config) validateBrands(add func(key string, val any, fix string, args ...any)) {
	if len(c.Brands) == 0 {
		add("brands", "[]", "name at least one brand with role own and its keywords")
	}
	seen := map[string]bool{}
	own := 0
	for i, b := range c.Brands {
		key := fmt.Sprintf("brands[%d]", i)
		name := strings.TrimSpace(b.Name)
		switch {
		case name == "":
			add(key+".name", `""`, "give every brand a name")
		case seen[strings.ToLower(name)]:
			add(key+".name", b.Name, "brand names must be unique")
		}
		seen[strings.ToLower(name)] = true
		switch b.Role {
		case "own":
			own++
		case "competitor":
		default:
			add(key+".role", b.Role, "use own or competitor")
		}
		if strings.TrimSpace(b.Query) != "" {
			if _, err := query.Parse(b.Query); err != nil {
				add(key+".query", b.Query, "%v (check it with: earshot query check '…')", err)
			}
		} else if len(b.Keywords) == 0 {
			add(key+".keywords", "[]", "list at least one keyword, hashtag or @handle that names %s, or write a query", name)
		}
		for j, kw := range b.Keywords {
			if strings.TrimSpace(kw) == "" {
				add(fmt.Sprintf("%s.keywords[%d]", key, j), `""`, "remove the empty keyword")
			}
		}
	}
	if len(c.Brands) > 0 && own == 0 {
		add("brands", len(c.Brands), "mark your own brand with role: own; share of voice is measured against it")
	}
}

func identifier(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
