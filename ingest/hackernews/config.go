package hackernews

import (
	"fmt"
	"strings"
	"time"

	"github.com/earshot-dev/earshot/ingest"
)

// Defaults for settings left empty.
const (
	DefaultBaseURL           = "https://hn.algolia.com/api/v1"
	DefaultInterval          = 5 * time.Minute
	DefaultRequestsPerMinute = 60 // Algolia allows 10,000 an hour per IP
	DefaultBackfill          = 7 * 24 * time.Hour
	DefaultHitsPerPage       = 100
	maxHitsPerPage           = 1000
)

// Config is a set of Hacker News searches: stories and comments that
// mention each query, through the public Algolia HN Search API.
type Config struct {
	// Name labels the source in metrics and logs and prefixes its
	// checkpoints; unique among all sources.
	Name string `koanf:"name"`
	// Queries are full-text searches, e.g. a brand and its product names;
	// each has its own checkpoint.
	Queries []string `koanf:"queries"`
	// Interval between polls; default 5m.
	Interval time.Duration `koanf:"interval"`
	// RequestsPerMinute is the request budget; default 60.
	RequestsPerMinute float64 `koanf:"requests_per_minute"`
	// Backfill is how far back a query's first run reaches; default the
	// pipeline's backfill, else 7 days.
	Backfill time.Duration `koanf:"backfill"`
	// HitsPerPage is the page size asked for (1–1000); default 100.
	HitsPerPage int `koanf:"hits_per_page"`
	// BaseURL is the API root; default https://hn.algolia.com/api/v1. Set
	// it for a proxy or a test server.
	BaseURL string `koanf:"base_url"`
}

// Validate reports every setting that cannot work.
func (c Config) Validate() []ingest.Problem {
	var ps []ingest.Problem
	add := func(key string, val any, fix string) {
		ps = append(ps, ingest.Problem{Key: key, Value: val, Fix: fix})
	}
	if p, ok := ingest.CheckName(c.Name, "hn"); !ok {
		ps = append(ps, p)
	}
	if len(c.Queries) == 0 {
		add("queries", "[]", "list at least one search, e.g. [acme, \"acme rocket\"]")
	}
	seen := map[string]bool{}
	for i, q := range c.Queries {
		switch {
		case strings.TrimSpace(q) == "":
			add(fmt.Sprintf("queries[%d]", i), q, "remove the empty query or write what to search for")
		case seen[q]:
			add(fmt.Sprintf("queries[%d]", i), q, "remove the duplicate: each query is searched once")
		}
		seen[q] = true
	}
	if c.BaseURL != "" {
		if p, ok := ingest.CheckBaseURL("base_url", c.BaseURL, DefaultBaseURL); !ok {
			ps = append(ps, p)
		}
	}
	if c.Interval < 0 || (c.Interval > 0 && c.Interval < 30*time.Second) {
		add("interval", c.Interval.String(), "use 30s or more, or leave empty for 5m")
	}
	if c.RequestsPerMinute < 0 {
		add("requests_per_minute", c.RequestsPerMinute, "use a positive budget such as 60, or leave empty for the default")
	}
	if c.Backfill < 0 {
		add("backfill", c.Backfill.String(), "use a positive duration such as 168h, or leave empty")
	}
	if c.HitsPerPage < 0 || c.HitsPerPage > maxHitsPerPage {
		add("hits_per_page", c.HitsPerPage, "use 1 to 1000, or leave empty for 100")
	}
	return ps
}

func (c Config) withDefaults(pipelineBackfill time.Duration) Config {
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
	if c.HitsPerPage <= 0 {
		c.HitsPerPage = DefaultHitsPerPage
	}
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	return c
}
