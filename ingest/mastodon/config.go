package mastodon

import (
	"cmp"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/earshot-dev/earshot/ingest"
)

// Config is one Mastodon instance to collect from: an entry of the
// sources.mastodon list.
type Config struct {
	// Name labels the collector in metrics, logs and checkpoints; unique.
	Name string `koanf:"name"`
	// Instance is the server's base URL, e.g. https://mastodon.social; a
	// proxy or a self-hosted server works the same way.
	Instance string `koanf:"instance"`
	// AccessToken is an optional user or app token (scopes read:statuses,
	// read:search, read:accounts). Full-text search needs one on most
	// instances; hashtags and the own account do not.
	AccessToken string `koanf:"access_token"`
	// Hashtags are collected from the public hashtag timelines, without '#'.
	Hashtags []string `koanf:"hashtags"`
	// Queries are full-text searches of statuses; they need AccessToken.
	Queries []string `koanf:"queries"`
	// Stream follows the hashtags live over the streaming API instead of
	// polling them; polling resumes while a stream is down.
	Stream bool `koanf:"stream"`
	// StreamingURL overrides where the streaming API is; by default it is
	// what the instance announces in /api/v2/instance, else Instance.
	StreamingURL string `koanf:"streaming_url"`
	// Account is the own account (user or user@domain) whose followers
	// and post metrics are collected.
	Account string `koanf:"account"`
	// Campaign labels the own posts' metrics; when empty, each post's
	// first link's utm_campaign is used.
	Campaign string `koanf:"campaign"`
	// Interval between polls; default 5m.
	Interval time.Duration `koanf:"interval"`
	// RequestsPerMinute is this collector's request budget; default 30
	// (Mastodon allows 300 per 5 minutes per token or IP).
	RequestsPerMinute float64 `koanf:"requests_per_minute"`
	// Backfill is how far back a first run reaches; default the
	// pipeline's backfill.
	Backfill time.Duration `koanf:"backfill"`
	// PostsWindow is how old an own post may be and still have its
	// metrics observed; default 30 days.
	PostsWindow time.Duration `koanf:"posts_window"`
}

const (
	defaultInterval    = 5 * time.Minute
	defaultRPM         = 30
	defaultPostsWindow = 30 * 24 * time.Hour
	fallbackBackfill   = 24 * time.Hour
)

// Validate reports every setting that cannot work, with what to do.
func (c Config) Validate() []ingest.Problem {
	var ps []ingest.Problem
	add := func(key string, v any, fix string) { ps = append(ps, ingest.Problem{Key: key, Value: v, Fix: fix}) }
	if p, ok := ingest.CheckName(c.Name, "mastodon-social"); !ok {
		ps = append(ps, p)
	}
	if c.Instance == "" {
		add("instance", c.Instance, "set the instance's base URL, e.g. https://mastodon.social")
	} else if p, ok := ingest.CheckBaseURL("instance", c.Instance, "https://mastodon.social"); !ok {
		ps = append(ps, p)
	}
	if c.StreamingURL != "" {
		if p, ok := ingest.CheckBaseURL("streaming_url", c.StreamingURL, "https://streaming.mastodon.social"); !ok {
			ps = append(ps, p)
		}
	}
	for i, h := range c.Hashtags {
		if !validHashtag(strings.TrimPrefix(h, "#")) {
			add(fmt.Sprintf("hashtags[%d]", i), h, "a hashtag is letters, digits and '_' (the leading '#' is optional), e.g. acme")
		}
	}
	for i, q := range c.Queries {
		if strings.TrimSpace(q) == "" {
			add(fmt.Sprintf("queries[%d]", i), q, "remove the empty query or write the words to search for")
		}
	}
	if len(c.Queries) > 0 && c.AccessToken == "" {
		add("access_token", "", "full-text search needs an access token with the read:search scope (Preferences → Development → New application); set access_token or remove queries and collect hashtags only")
	}
	if c.Stream && len(c.Hashtags) == 0 {
		add("stream", c.Stream, "streaming follows hashtags: list some under hashtags or set stream: false")
	}
	if c.Account != "" && !validAcct(c.Account) {
		add("account", c.Account, "write the own account as user or user@domain, without the leading '@'")
	}
	if len(c.Hashtags) == 0 && len(c.Queries) == 0 && c.Account == "" {
		add("hashtags", nil, "nothing to collect: list hashtags, queries or an own account")
	}
	if c.Interval < 0 {
		add("interval", c.Interval, "use a positive duration such as 5m, or leave it out for the default 5m")
	}
	if c.RequestsPerMinute < 0 {
		add("requests_per_minute", c.RequestsPerMinute, "use a positive budget such as 30, or leave it out for the default")
	}
	if c.Backfill < 0 {
		add("backfill", c.Backfill, "use a positive duration such as 72h, or leave it out for the pipeline's default")
	}
	if c.PostsWindow < 0 {
		add("posts_window", c.PostsWindow, "use a positive duration such as 720h, or leave it out for 30 days")
	}
	return ps
}

func validHashtag(h string) bool {
	if h == "" {
		return false
	}
	for _, r := range h {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && !unicode.Is(unicode.Mn, r) {
			return false
		}
	}
	return true
}

var acctPattern = regexp.MustCompile(`^[A-Za-z0-9_]+(@[A-Za-z0-9.-]+)?$`)

func validAcct(a string) bool { return acctPattern.MatchString(a) }

// withDefaults fills what the entry left out.
func (c Config) withDefaults(deps ingest.Deps) Config {
	c.Instance = strings.TrimRight(c.Instance, "/")
	c.StreamingURL = strings.TrimRight(c.StreamingURL, "/")
	tags := make([]string, len(c.Hashtags))
	for i, h := range c.Hashtags {
		tags[i] = strings.TrimPrefix(h, "#")
	}
	c.Hashtags = tags
	c.Interval = cmp.Or(c.Interval, defaultInterval)
	c.RequestsPerMinute = cmp.Or(c.RequestsPerMinute, defaultRPM)
	c.Backfill = cmp.Or(c.Backfill, deps.Backfill, fallbackBackfill)
	c.PostsWindow = cmp.Or(c.PostsWindow, defaultPostsWindow)
	return c
}
