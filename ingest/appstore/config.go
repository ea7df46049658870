package appstore

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/earshot-dev/earshot/ingest"
)

// Defaults for settings left empty.
const (
	DefaultBaseURL           = "https://itunes.apple.com"
	DefaultInterval          = time.Hour
	DefaultRequestsPerMinute = 20
	DefaultBackfill          = 30 * 24 * time.Hour
	// MaxPages is as deep as Apple's feed goes: 10 pages of 50 reviews.
	MaxPages = 10
)

// Config is one app's reviews in one or more App Store countries.
type Config struct {
	// Name labels the source in metrics and logs and prefixes its
	// checkpoints; unique among all sources.
	Name string `koanf:"name"`
	// AppID is the numeric App Store id (the digits after "id" in the
	// app's apps.apple.com URL).
	AppID string `koanf:"app_id"`
	// Countries are the storefronts to read, as ISO 3166 alpha-2 codes;
	// default us. Each storefront has its own reviews.
	Countries []string `koanf:"countries"`
	// Interval between polls; default 1h (the feed updates slowly).
	Interval time.Duration `koanf:"interval"`
	// RequestsPerMinute is the request budget; default 20.
	RequestsPerMinute float64 `koanf:"requests_per_minute"`
	// Backfill is how far back the first run reads (at most the feed's
	// 500 newest reviews); default the pipeline's backfill, else 30 days.
	Backfill time.Duration `koanf:"backfill"`
	// MaxPages caps the pages read per poll (1–10); default 10.
	MaxPages int `koanf:"max_pages"`
	// BaseURL is where the feed is served; default https://itunes.apple.com.
	// Set it for a proxy or a test server.
	BaseURL string `koanf:"base_url"`
}

var (
	appID   = regexp.MustCompile(`^[0-9]{1,20}$`)
	country = regexp.MustCompile(`^[a-z]{2}$`)
)

// Validate reports every setting that cannot work.
func (c Config) Validate() []ingest.Problem {
	var ps []ingest.Problem
	add := func(key string, val any, fix string) {
		ps = append(ps, ingest.Problem{Key: key, Value: val, Fix: fix})
	}
	if p, ok := ingest.CheckName(c.Name, "acme-ios"); !ok {
		ps = append(ps, p)
	}
	if !appID.MatchString(c.AppID) {
		add("app_id", c.AppID, "set the app's numeric id, the digits after 'id' in its apps.apple.com URL, e.g. 284882215")
	}
	for i, cc := range c.Countries {
		if !country.MatchString(cc) {
			add(fmt.Sprintf("countries[%d]", i), cc, "use a lower-case two-letter store country code such as us, gb or id")
		}
	}
	if c.BaseURL != "" {
		if p, ok := ingest.CheckBaseURL("base_url", c.BaseURL, DefaultBaseURL); !ok {
			ps = append(ps, p)
		}
	}
	if c.Interval < 0 || (c.Interval > 0 && c.Interval < time.Minute) {
		add("interval", c.Interval.String(), "use 1m or more, or leave empty for 1h")
	}
	if c.RequestsPerMinute < 0 {
		add("requests_per_minute", c.RequestsPerMinute, "use a positive budget such as 20, or leave empty for the default")
	}
	if c.Backfill < 0 {
		add("backfill", c.Backfill.String(), "use a positive duration such as 720h, or leave empty")
	}
	if c.MaxPages < 0 || c.MaxPages > MaxPages {
		add("max_pages", c.MaxPages, "use 1 to 10 (Apple serves no more), or leave empty for 10")
	}
	return ps
}

func (c Config) withDefaults(pipelineBackfill time.Duration) Config {
	if len(c.Countries) == 0 {
		c.Countries = []string{"us"}
	}
	if c.Interval <= 0 {
		c.Interval = DefaultInterval
	}
	if c.RequestsPerMinute <= 0 {
		c.RequestsPerMinute = DefaultRequestsPerMinute
	}
	if c.Backfill <= 0 {
		c.Backfill = pipelineBackfill
	}
	if c.Backfill <= 0 {
		c.Backfill = DefaultBackfill
	}
	if c.MaxPages <= 0 {
		c.MaxPages = MaxPages
	}
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	return c
}
