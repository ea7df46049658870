package webhook

import (
	"fmt"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/earshot-dev/earshot/ingest"
)

// Defaults for settings left at zero.
const (
	DefaultMaxBody   = 10 << 20
	DefaultTolerance = 5 * time.Minute
	// MinSecretLen keeps secrets out of brute-force reach: 16 random
	// characters are well over 64 bits.
	MinSecretLen = 16
)

// Config is one webhook receiver: an HTTP listener that takes events
// pushed by other systems (a shop, a CRM, a script) and publishes them.
// An empty Listen turns it off.
type Config struct {
	// Name labels the receiver in metrics and logs (Source.Name).
	Name string `koanf:"name"`
	// Listen is the host:port to serve on, e.g. ":8088". Empty: off.
	Listen string `koanf:"listen"`
	// MaxBody caps a request body ("10MiB", "512KiB" or bytes); a larger
	// one is refused with 413. Default 10 MiB.
	MaxBody ByteSize `koanf:"max_body"`
	// Tolerance is the replay window: a request whose signed timestamp is
	// further than this from the receiver's clock is refused. Default 5m.
	Tolerance time.Duration `koanf:"tolerance"`
	// Senders are the systems allowed to post, each with its own secret.
	Senders []Sender `koanf:"sources"`
}

// Sender is one system allowed to post to /v1/events/{name}. Its name
// becomes the envelope source and the prefix of ids built from bare
// payloads, so it follows the event id rules.
type Sender struct {
	Name string `koanf:"name"`
	// Secret signs the sender's requests (HMAC-SHA256). Prefer SecretEnv
	// so the secret stays out of the configuration file.
	Secret string `koanf:"secret"`
	// SecretEnv names an environment variable holding the secret.
	SecretEnv string `koanf:"secret_env"`
}

// Enabled reports whether the receiver should run.
func (c Config) Enabled() bool { return c.Listen != "" }

// withDefaults fills settings left at zero.
func (c Config) withDefaults() Config {
	if c.MaxBody == 0 {
		c.MaxBody = DefaultMaxBody
	}
	if c.Tolerance == 0 {
		c.Tolerance = DefaultTolerance
	}
	return c
}

var namePattern = regexp.MustCompile(`^[a-z0-9_.-]+$`)

// secret returns the sender's secret, read from the environment when
// SecretEnv is set.
func (s Sender) secret() string {
	if s.SecretEnv != "" {
		return os.Getenv(s.SecretEnv)
	}
	return s.Secret
}

// Validate reports every invalid setting. A disabled receiver has none.
func (c Config) Validate() []ingest.Problem {
	if !c.Enabled() {
		return nil
	}
	var ps []ingest.Problem
	add := func(key string, val any, fix string) {
		ps = append(ps, ingest.Problem{Key: key, Value: val, Fix: fix})
	}
	if !namePattern.MatchString(c.Name) {
		add("name", c.Name, "name the receiver with lower-case letters, digits, '.', '_' or '-', e.g. webhook")
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		add("listen", c.Listen, "use host:port such as :8088 or 127.0.0.1:8088, or leave it empty to turn the receiver off")
	}
	if c.MaxBody < 0 || c.MaxBody > 1<<30 {
		add("max_body", c.MaxBody, "use a size up to 1GiB such as 10MiB (0 means the default, 10MiB)")
	}
	if c.Tolerance < 0 || c.Tolerance > 24*time.Hour {
		add("tolerance", c.Tolerance, "use a duration up to 24h such as 5m (0 means the default, 5m)")
	}
	if len(c.Senders) == 0 {
		add("sources", "[]", "list at least one sender: sources: [{name: shop, secret_env: WEBHOOK_SHOP_SECRET}]")
	}
	seen := map[string]bool{}
	for i, s := range c.Senders {
		key := fmt.Sprintf("sources[%d]", i)
		switch {
		case !namePattern.MatchString(s.Name):
			add(key+".name", s.Name, "name the sender with lower-case letters, digits, '.', '_' or '-', e.g. shop; it becomes the event source and the URL path /v1/events/<name>")
		case seen[s.Name]:
			add(key+".name", s.Name, "sender names must be unique: each gets its own URL and secret")
		}
		seen[s.Name] = true
		switch {
		case s.Secret != "" && s.SecretEnv != "":
			add(key+".secret", "(set)", "set either secret or secret_env, not both")
		case strings.HasPrefix(s.SecretEnv, "EARSHOT_"):
			add(key+".secret_env", s.SecretEnv, "EARSHOT_ variables are configuration keys and this one names none: pick another name, e.g. WEBHOOK_SHOP_SECRET")
		case s.SecretEnv != "":
			v, ok := os.LookupEnv(s.SecretEnv)
			if !ok {
				add(key+".secret_env", s.SecretEnv, "this environment variable is not set: export it with the sender's secret (at least 16 characters, e.g. from 'openssl rand -hex 32')")
			} else if len(v) < MinSecretLen {
				add(key+".secret_env", s.SecretEnv, fmt.Sprintf("the secret in this variable has %d characters: use at least %d random ones, e.g. from 'openssl rand -hex 32'", len(v), MinSecretLen))
			}
		case s.Secret == "":
			add(key+".secret", `""`, "set secret_env to the name of an environment variable holding the secret (or secret itself); generate one with 'openssl rand -hex 32'")
		case len(s.Secret) < MinSecretLen:
			add(key+".secret", "(too short)", fmt.Sprintf("use at least %d random characters, e.g. from 'openssl rand -hex 32'", MinSecretLen))
		}
	}
	return ps
}

// ByteSize is a size in bytes that configuration files may write as
// "10MiB", "512KiB", "1MB" or a plain number.
type ByteSize int64

var sizeUnits = []struct {
	suffix string
	mult   int64
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30},
	{"kb", 1000}, {"mb", 1000 * 1000}, {"gb", 1000 * 1000 * 1000},
	{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"b", 1},
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (b *ByteSize) UnmarshalText(text []byte) error {
	s := strings.ToLower(strings.TrimSpace(string(text)))
	mult := int64(1)
	for _, u := range sizeUnits {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return fmt.Errorf("size %q: use a number of bytes or a number with KiB, MiB or GiB, e.g. 10MiB", text)
	}
	*b = ByteSize(n * mult)
	return nil
}

// String prints the size in the largest binary unit that divides it.
func (b ByteSize) String() string {
	switch {
	case b != 0 && b%(1<<30) == 0:
		return fmt.Sprintf("%dGiB", b>>30)
	case b != 0 && b%(1<<20) == 0:
		return fmt.Sprintf("%dMiB", b>>20)
	case b != 0 && b%(1<<10) == 0:
		return fmt.Sprintf("%dKiB", b>>10)
	}
	return strconv.FormatInt(int64(b), 10)
}
