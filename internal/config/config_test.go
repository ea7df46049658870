package config

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func noEnv() []string { return nil }

func write(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "earshot.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExampleEqualsDefault(t *testing.T) {
	got, err := Load(write(t, string(Example)), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	// %+v prints a nil and an empty list alike, which is the equality
	// that matters here.
	if want := Default(); fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Fatalf("example.yaml and Default() differ:\n got %+v\nwant %+v", got, want)
	}
}

func TestLoadDefaultsOnly(t *testing.T) {
	c, err := Load("", noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Kafka.Embedded() || !c.ClickHouse.Embedded() {
		t.Fatal("no addresses must mean embedded mode")
	}
}

func TestEnvOverrides(t *testing.T) {
	env := func() []string {
		return []string{
			"EARSHOT_KAFKA__BROKERS=k1:9092,k2:9092",
			"EARSHOT_KAFKA__TOPIC_PREFIX=prod.",
			"EARSHOT_CLICKHOUSE__ADDRS=ch:9000",
			"EARSHOT_SINK__FLUSH_INTERVAL=250ms",
			"EARSHOT_DATA_DIR=/var/lib/earshot",
			"EARSHOT_SYNTHETIC__RATE=2000",
			"OTHER_VAR=ignored",
		}
	}
	c, err := Load("", env)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.Kafka.Brokers, []string{"k1:9092", "k2:9092"}) || c.Kafka.TopicPrefix != "prod." {
		t.Fatalf("kafka = %+v", c.Kafka)
	}
	if c.ClickHouse.Embedded() || c.ClickHouse.Addrs[0] != "ch:9000" {
		t.Fatalf("clickhouse = %+v", c.ClickHouse)
	}
	if c.Sink.FlushInterval != 250*time.Millisecond || c.DataDir != "/var/lib/earshot" || c.Synthetic.Rate != 2000 {
		t.Fatalf("got %+v", c)
	}
}

func TestFileListsReplaceDefaults(t *testing.T) {
	c, err := Load(write(t, "brands:\n  - name: Solo\n    role: own\n    keywords: [solo]\n"), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Brands) != 1 || c.Brands[0].Name != "Solo" {
		t.Fatalf("brands = %+v", c.Brands)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		env  []string
		want []string // all must appear in the error
	}{
		{"unknown key", "kafak:\n  brokers: []\n", nil, []string{"kafak"}},
		{"bad partitions with line", "data_dir: ./d\nkafka:\n  partitions: 0\n", nil,
			[]string{"line 3: kafka.partitions = 0", "use 1 or more"}},
		{"bad role", "brands:\n  - name: A\n    role: own\n    keywords: [a]\n  - name: B\n    role: rival\n    keywords: [b]\n", nil,
			[]string{"line 6: brands[1].role = rival", "use own or competitor"}},
		{"bad brand query", "brands:\n  - name: A\n    role: own\n    query: (acme OR\n", nil, []string{"line 4: brands[0].query", "column", "earshot query check"}},
		{"no own brand", "brands:\n  - name: B\n    role: competitor\n    keywords: [b]\n", nil, []string{"role: own"}},
		{"bad broker from env", "", []string{"EARSHOT_KAFKA__BROKERS=nohostport"}, []string{"kafka.brokers[0] = nohostport", "host:port"}},
		{"bad duration", "sink:\n  flush_interval: soon\n", nil, []string{"flush_interval"}},
		{"several problems at once", "kafka:\n  partitions: -1\nsink:\n  batch_size: 0\n", nil,
			[]string{"2 problem(s)", "kafka.partitions", "sink.batch_size"}},
		{"unknown env var", "", []string{"EARSHOT_KAFKA__BROKER=k:9092"}, []string{"EARSHOT_KAFKA__BROKER", `"kafka.broker"`, "not a configuration key"}},
		{"replication on embedded", "kafka:\n  replication_factor: 3\n", nil, []string{"embedded broker is one node"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.yaml != "" {
				path = write(t, tt.yaml)
			}
			_, err := Load(path, func() []string { return tt.env })
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestFileEnvReferences(t *testing.T) {
	body := "clickhouse:\n  password: ${CH_PASS}\n  username: user-${CH_USER}\n  # database: ${NOT_SET_BUT_COMMENTED}\n"
	c, err := Load(write(t, body), func() []string { return []string{"CH_PASS=s3cr$t", "CH_USER=ops"} })
	if err != nil {
		t.Fatal(err)
	}
	if c.ClickHouse.Password != "s3cr$t" || c.ClickHouse.Username != "user-ops" {
		t.Fatalf("got %+v", c.ClickHouse)
	}
	_, err = Load(write(t, body), noEnv)
	if err == nil || !strings.Contains(err.Error(), "line 2: ${CH_PASS}") || !strings.Contains(err.Error(), "line 3: ${CH_USER}") {
		t.Fatalf("err = %v, want both unset variables with their lines", err)
	}
}

func TestMissingFileSaysInit(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"), noEnv)
	if err == nil || !strings.Contains(err.Error(), "earshot init") {
		t.Fatalf("err = %v", err)
	}
}
