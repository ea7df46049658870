package webhook

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"
)

func TestValidate(t *testing.T) {
	t.Setenv("WEBHOOK_TEST_SECRET", "0123456789abcdef0123")
	t.Setenv("WEBHOOK_SHORT_SECRET", "short")
	ok := func() Config {
		return Config{Name: "webhook", Listen: ":8088", Senders: []Sender{{Name: "shop", SecretEnv: "WEBHOOK_TEST_SECRET"}}}
	}
	tests := []struct {
		name   string
		change func(*Config)
		keys   []string // problem keys, in order
	}{
		{"valid", func(*Config) {}, nil},
		{"off", func(c *Config) { *c = Config{} }, nil},
		{"bad name", func(c *Config) { c.Name = "Web Hook" }, []string{"name"}},
		{"bad listen", func(c *Config) { c.Listen = "8088" }, []string{"listen"}},
		{"negative max_body", func(c *Config) { c.MaxBody = -1 }, []string{"max_body"}},
		{"huge tolerance", func(c *Config) { c.Tolerance = 48 * time.Hour }, []string{"tolerance"}},
		{"no senders", func(c *Config) { c.Senders = nil }, []string{"sources"}},
		{"sender name with colon", func(c *Config) { c.Senders[0].Name = "shop:eu" }, []string{"sources[0].name"}},
		{"duplicate sender", func(c *Config) { c.Senders = append(c.Senders, c.Senders[0]) }, []string{"sources[1].name"}},
		{"no secret", func(c *Config) { c.Senders[0].SecretEnv = "" }, []string{"sources[0].secret"}},
		{"short secret", func(c *Config) { c.Senders[0] = Sender{Name: "shop", Secret: "abc"} }, []string{"sources[0].secret"}},
		{"both secrets", func(c *Config) { c.Senders[0].Secret = "0123456789abcdef0123" }, []string{"sources[0].secret"}},
		{"unset env", func(c *Config) { c.Senders[0].SecretEnv = "WEBHOOK_NOT_SET_ANYWHERE" }, []string{"sources[0].secret_env"}},
		{"short env secret", func(c *Config) { c.Senders[0].SecretEnv = "WEBHOOK_SHORT_SECRET" }, []string{"sources[0].secret_env"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := ok()
			tc.change(&c)
			var keys []string
			for _, p := range c.Validate() {
				keys = append(keys, p.Key)
				if p.Fix == "" {
					t.Errorf("problem %s has no fix", p.Key)
				}
				if s, isStr := p.Value.(string); isStr && strings.Contains(s, "0123456789abcdef") {
					t.Errorf("problem %s shows the secret", p.Key)
				}
			}
			if strings.Join(keys, ",") != strings.Join(tc.keys, ",") {
				t.Errorf("problems %v, want %v", keys, tc.keys)
			}
		})
	}
}

// TestConfigFromYAML decodes a configuration section the way the loader
// does (koanf, mapstructure, text unmarshalers).
func TestConfigFromYAML(t *testing.T) {
	t.Setenv("WEBHOOK_SHOP_SECRET", "0123456789abcdef0123")
	src := `
name: webhook
listen: 127.0.0.1:8088
max_body: 2MiB
tolerance: 2m
sources:
  - name: shop
    secret_env: WEBHOOK_SHOP_SECRET
`
	path := filepath.Join(t.TempDir(), "webhook.yaml")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	k := koanf.New(".")
	if err := k.Load(file.Provider(path), yaml.Parser()); err != nil {
		t.Fatal(err)
	}
	var c Config
	err := k.UnmarshalWithConf("", &c, koanf.UnmarshalConf{DecoderConfig: &mapstructure.DecoderConfig{
		DecodeHook:  mapstructure.ComposeDecodeHookFunc(mapstructure.StringToTimeDurationHookFunc(), mapstructure.TextUnmarshallerHookFunc()),
		ErrorUnused: true, WeaklyTypedInput: true, Result: &c,
	}})
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxBody != 2<<20 || c.Tolerance != 2*time.Minute || len(c.Senders) != 1 || c.Senders[0].SecretEnv != "WEBHOOK_SHOP_SECRET" {
		t.Errorf("decoded %+v", c)
	}
	if ps := c.Validate(); len(ps) > 0 {
		t.Errorf("problems: %+v", ps)
	}
}

func TestByteSize(t *testing.T) {
	tests := []struct {
		in   string
		want ByteSize
		err  bool
	}{
		{"10MiB", 10 << 20, false}, {"512 KiB", 512 << 10, false}, {"1GiB", 1 << 30, false},
		{"1MB", 1_000_000, false}, {"2048", 2048, false}, {"3k", 3 << 10, false}, {"7b", 7, false},
		{"", 0, true}, {"MiB", 0, true}, {"-1", 0, true}, {"1.5MiB", 0, true}, {"99999999999999GiB", 0, true},
	}
	for _, tc := range tests {
		var b ByteSize
		err := b.UnmarshalText([]byte(tc.in))
		if (err != nil) != tc.err || (!tc.err && b != tc.want) {
			t.Errorf("%q: got %d, %v; want %d, err %v", tc.in, b, err, tc.want, tc.err)
		}
	}
	if s := ByteSize(10 << 20).String(); s != "10MiB" {
		t.Errorf("String = %s", s)
	}
}

func TestSignVerify(t *testing.T) {
	now := time.Unix(1_790_000_000, 0)
	body := []byte(`{"a":1}`)
	sig := Sign("k", now, body)
	// The documented construction, computed independently (Python's
	// hmac): HMAC-SHA256 of `1790000000.{"a":1}` under key "k".
	if want := "sha256=eb8290e330bf8401069d994986a056a9d691bb03abb211cc05e995e253327926"; sig != want {
		t.Fatalf("Sign = %s, want %s", sig, want)
	}
	if err := verify("k", "1790000000", sig, body, now, time.Minute); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ ts, sig string }{
		{"1790000000", "sha256=zz"},
		{"1790000000", Sign("k2", now, body)},
		{"9223372036854775807", sig},
		{"-9223372036854775808", sig},
		{"1790000000.5", sig},
	} {
		if err := verify("k", tc.ts, tc.sig, body, now, time.Minute); err == nil {
			t.Errorf("ts %s sig %s accepted", tc.ts, tc.sig)
		}
	}
}

// FuzzByteSize: any text either parses to a non-negative size that prints
// and parses back to itself, or is refused; never a panic.
func FuzzByteSize(f *testing.F) {
	for _, s := range []string{"10MiB", "1.5GiB", "-1", "9223372036854775807", "3 kb", "b", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b ByteSize
		if err := b.UnmarshalText([]byte(s)); err != nil {
			return
		}
		if b < 0 {
			t.Fatalf("%q parsed to %d", s, b)
		}
		var back ByteSize
		if err := back.UnmarshalText([]byte(b.String())); err != nil || back != b {
			t.Fatalf("%q → %d → %q → %d, %v", s, b, b.String(), back, err)
		}
	})
}
