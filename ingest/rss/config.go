package rss

import (
	"net/url"
	"regexp"
	"slices"
	"time"

	"github.com/earshot-dev/earshot/event"
	"github.com/earshot-dev/earshot/ingest"
)

// Defaults for settings left empty.
const (
	DefaultInterval          = 15 * time.Minute
	DefaultRequestsPerMinute = 10
	DefaultNetwork           = "news"
)

// Config is one feed: RSS 0.9x/1.0/2.0, Atom or JSON Feed, e.g. a news
// site, a blog, a review site, a Google Alerts feed, a Reddit search feed or
// a YouTube channel feed.
type Config struct {
	// Name labels the source in metrics and logs and prefixes its
	// checkpoint; unique among all sources.
	Name string `koanf:"name"`
	// URL of the feed. A self-hosted or proxied feed is just another URL.
	URL string `koanf:"url"`
	// Kind of mention each item becomes: article (default), review or post.
	Kind string `koanf:"kind"`
	// Network the items are counted under: news (default), web, blog, …
	Network string `koanf:"network"`
	// Interval between polls; default 15m.
	Interval time.Duration `koanf:"interval"`
	// RequestsPerMinute is this feed's request budget; default 10.
	RequestsPerMinute float64 `koanf:"requests_per_minute"`
}

var networkName = regexp.MustCompile(`^[a-z0-9_.-]{1,64}$`)

// Validate reports every setting that cannot work.
func (c Config) Validate() []ingest.Problem {
	var ps []ingest.Problem
	add := func(key string, val any, fix string) {
		ps = append(ps, ingest.Problem{Key: key, Value: val, Fix: fix})
	}
	if p, ok := ingest.CheckName(c.Name, "techcrunch"); !ok {
		ps = append(ps, p)
	}
	if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		add("url", c.URL, "set the feed's absolute http(s) URL, e.g. https://example.com/feed.xml")
	}
	if c.Kind != "" && !slices.Contains([]string{event.KindArticle, event.KindReview, event.KindPost}, c.Kind) {
		add("kind", c.Kind, "use article (default), review or post")
	}
	if c.Network != "" && !networkName.MatchString(c.Network) {
		add("network", c.Network, "use lower-case letters, digits, '_', '.' or '-', e.g. news or web")
	}
	if c.Interval < 0 || (c.Interval > 0 && c.Interval < time.Minute) {
		add("interval", c.Interval.String(), "use 1m or more (feeds rarely change faster), or leave empty for 15m")
	}
	if c.RequestsPerMinute < 0 {
		add("requests_per_minute", c.RequestsPerMinute, "use a positive budget such as 10, or leave empty for the default")
	}
	return ps
}

// withDefaults fills the settings left empty.
func (c Config) withDefaults() Config {
	if c.Kind == "" {
		c.Kind = event.KindArticle
	}
	if c.Network == "" {
		c.Network = DefaultNetwork
	}
	if c.Interval <= 0 {
		c.Interval = DefaultInterval
	}
	if c.RequestsPerMinute <= 0 {
		c.RequestsPerMinute = DefaultRequestsPerMinute
	}
	return c
}
