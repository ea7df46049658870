package notify

import (
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/earshot-dev/earshot/ingest"
)

// Channel types.
const (
	TypeSlack        = "slack"
	TypeWebhook      = "webhook"
	TypeEmail        = "email"
	TypeAlertmanager = "alertmanager"
)

// Config is the alerts' channels: list.
type Config struct {
	Channels []ChannelConfig `koanf:"channels"`
}

// ChannelConfig is one place alerts go. Which fields matter depends on
// Type; secrets can come from the environment with ${VAR} in the file.
type ChannelConfig struct {
	// Name identifies the channel in logs, the delivery log and
	// 'earshot alert test --channel'.
	Name string `koanf:"name"`
	Type string `koanf:"type"` // slack | webhook | email | alertmanager
	// URL is the Slack incoming webhook URL, the webhook's endpoint or
	// Alertmanager's base URL.
	URL string `koanf:"url"`
	// Secret signs webhook requests (HMAC-SHA256).
	Secret string `koanf:"secret"`
	// Severity is Alertmanager's severity label; default warning.
	Severity string `koanf:"severity"`

	// SMTP, for type email.
	Host     string   `koanf:"host"`
	Port     int      `koanf:"port"`
	Username string   `koanf:"username"`
	Password string   `koanf:"password"`
	From     string   `koanf:"from"`
	To       []string `koanf:"to"`
	StartTLS *bool    `koanf:"starttls"` // default true

	// Delivery.
	Timeout  time.Duration `koanf:"timeout"`  // per attempt; default 15s
	Attempts int           `koanf:"attempts"` // default 4
	Backoff  time.Duration `koanf:"backoff"`  // first backoff; default 1s
}

// MinSecretLen matches what earshot's own webhook receiver demands.
const MinSecretLen = 16

var channelName = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// Validate reports every invalid setting of the channel list; keys are
// relative to the list ("channels[0].url").
func (c Config) Validate() []ingest.Problem {
	var ps []ingest.Problem
	seen := map[string]bool{}
	for i, ch := range c.Channels {
		prefix := fmt.Sprintf("channels[%d].", i)
		for _, p := range ch.Validate() {
			p.Key = prefix + p.Key
			ps = append(ps, p)
		}
		if seen[ch.Name] && ch.Name != "" {
			ps = append(ps, ingest.Problem{Key: prefix + "name", Value: ch.Name, Fix: "channel names must be unique"})
		}
		seen[ch.Name] = true
	}
	return ps
}

// Validate reports every invalid setting of one channel. Secret values
// are never echoed.
func (c ChannelConfig) Validate() []ingest.Problem {
	var ps []ingest.Problem
	add := func(key string, val any, fix string) { ps = append(ps, ingest.Problem{Key: key, Value: val, Fix: fix}) }
	if !channelName.MatchString(c.Name) {
		add("name", c.Name, "name the channel with 1 to 64 letters, digits, '_', '.' or '-', e.g. oncall-slack")
	}
	switch c.Type {
	case TypeSlack:
		if ok := httpURL(c.URL); !ok {
			add("url", hidden(c.URL), "use the incoming webhook URL Slack gave you, https://hooks.slack.com/services/…; keep it out of the file with url: ${SLACK_WEBHOOK_URL}")
		}
	case TypeWebhook:
		if !httpURL(c.URL) {
			add("url", redactedURL(c.URL), "use an absolute http(s) URL such as https://example.com/hooks/earshot")
		}
		if c.Secret != "" && len(c.Secret) < MinSecretLen {
			add("secret", hidden(c.Secret), fmt.Sprintf("use a random secret of at least %d characters, e.g. from openssl rand -hex 32", MinSecretLen))
		}
	case TypeAlertmanager:
		if !httpURL(c.URL) {
			add("url", redactedURL(c.URL), "use Alertmanager's base URL such as http://alertmanager:9093")
		}
	case TypeEmail:
		ps = append(ps, c.validateEmail()...)
	default:
		add("type", c.Type, "use slack, webhook, email or alertmanager")
	}
	if c.Timeout < 0 {
		add("timeout", c.Timeout, "use a duration such as 15s, or leave it out")
	}
	if c.Attempts < 0 || c.Attempts > 20 {
		add("attempts", c.Attempts, "use 1 to 20 tries, or leave it out for 4")
	}
	if c.Backoff < 0 {
		add("backoff", c.Backoff, "use a duration such as 1s, or leave it out")
	}
	return ps
}

func (c ChannelConfig) validateEmail() []ingest.Problem {
	var ps []ingest.Problem
	add := func(key string, val any, fix string) { ps = append(ps, ingest.Problem{Key: key, Value: val, Fix: fix}) }
	if strings.TrimSpace(c.Host) == "" {
		add("host", `""`, "name the SMTP server, e.g. smtp.example.com")
	}
	if c.Port < 0 || c.Port > 65535 {
		add("port", c.Port, "use the SMTP submission port, usually 587, or leave it out")
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		add("from", c.From, "use one address such as earshot@example.com or \"earshot <earshot@example.com>\"")
	}
	if len(c.To) == 0 {
		add("to", "[]", "list at least one recipient")
	}
	for i, to := range c.To {
		if _, err := mail.ParseAddress(to); err != nil {
			add(fmt.Sprintf("to[%d]", i), to, "use one address per entry, such as oncall@example.com")
		}
	}
	if c.Username != "" && c.Password == "" {
		add("password", `""`, "set the SMTP password, e.g. password: ${SMTP_PASSWORD}, or drop the username")
	}
	if c.Username != "" && !c.startTLS() && !isLocal(c.Host) {
		add("starttls", false, "keep starttls on: the password would cross the network in clear, and earshot refuses to send it")
	}
	return ps
}

func (c ChannelConfig) startTLS() bool { return c.StartTLS == nil || *c.StartTLS }

func isLocal(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

func httpURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// hidden stands in for a secret in a problem report.
func hidden(secret string) string {
	if secret == "" {
		return `""`
	}
	return "(hidden)"
}

// Build returns the channel's notifier, retrying as configured and named
// after the channel.
func Build(c ChannelConfig) (Notifier, error) {
	if ps := c.Validate(); len(ps) > 0 {
		return nil, ingest.InvalidConfig("alert channel", c.Name, ps)
	}
	var n Notifier
	switch c.Type {
	case TypeSlack:
		n = Slack{WebhookURL: c.URL, Client: timeoutClient(c.Timeout)}
	case TypeWebhook:
		n = Webhook{URL: c.URL, Secret: c.Secret, Client: timeoutClient(c.Timeout)}
	case TypeAlertmanager:
		n = Alertmanager{URL: c.URL, Severity: c.Severity, Client: timeoutClient(c.Timeout)}
	case TypeEmail:
		n = Email{Host: c.Host, Port: c.Port, Username: c.Username, Password: c.Password,
			From: c.From, To: c.To, StartTLS: c.startTLS(), Timeout: c.Timeout}
	}
	return named{Retrying{Notifier: n, Attempts: c.Attempts, Base: c.Backoff}, c.Name}, nil
}

// named labels a notifier with its channel's name, which is what an
// operator wrote in the config and looks for in logs.
type named struct {
	Notifier
	name string
}

func (n named) Name() string { return n.name }
