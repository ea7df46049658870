package reddit

import (
	"cmp"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/earshot-dev/earshot/ingest"
)

// Config is one Reddit collector: an app's credentials and the searches
// it runs.
type Config struct {
	// Name is unique among collectors: it labels metrics and logs and
	// prefixes checkpoint keys.
	Name string `koanf:"name"`
	// ClientID and ClientSecret are a Reddit app's credentials
	// (https://www.reddit.com/prefs/apps, type "script" or "web app").
	ClientID     string `koanf:"client_id"`
	ClientSecret string `koanf:"client_secret"`
	// Queries are Reddit search expressions, each searched on its own.
	Queries []string `koanf:"queries"`
	// Subreddits restricts the searches to these communities; empty
	// searches all of Reddit.
	Subreddits []string `koanf:"subreddits"`
	// Comments turns collecting the comments of matching posts on or off
	// (default on).
	Comments *bool `koanf:"comments"`
	// CommentWindow is how long after a post was created its comments are
	// still followed (default 72h).
	CommentWindow time.Duration `koanf:"comment_window"`
	// MaxThreads caps how many posts per query are followed for comments,
	// newest first (default 100).
	MaxThreads int `koanf:"max_threads"`
	// Interval between polls (default 5m).
	Interval time.Duration `koanf:"interval"`
	// RequestsPerMinute is this collector's request budget (default 60;
	// Reddit allows an OAuth client 100 per minute over 10 minutes).
	RequestsPerMinute float64 `koanf:"requests_per_minute"`
	// Backfill is how far back a first run reaches (default: the
	// pipeline's backfill; 0 there too means the first page only).
	Backfill time.Duration `koanf:"backfill"`
	// UserAgent overrides the pipeline's User-Agent. Reddit asks for
	// "<platform>:<app ID>:<version> (by /u/<username>)".
	UserAgent string `koanf:"user_agent"`
	// BaseURL is the OAuth API (default https://oauth.reddit.com).
	BaseURL string `koanf:"base_url"`
	// AuthURL is the token endpoint (default
	// https://www.reddit.com/api/v1/access_token).
	AuthURL string `koanf:"auth_url"`
}

// Defaults.
const (
	DefaultBaseURL           = "https://oauth.reddit.com"
	DefaultAuthURL           = "https://www.reddit.com/api/v1/access_token"
	DefaultInterval          = 5 * time.Minute
	DefaultRequestsPerMinute = 60
	DefaultCommentWindow     = 72 * time.Hour
	DefaultMaxThreads        = 100
)

var subredditName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_]{1,20}$`)

// Validate reports every invalid setting.
func (c Config) Validate() []ingest.Problem {
	var ps []ingest.Problem
	add := func(key string, val any, fix string, args ...any) {
		ps = append(ps, ingest.Problem{Key: key, Value: val, Fix: fmt.Sprintf(fix, args...)})
	}
	if p, ok := ingest.CheckName(c.Name, "reddit-acme"); !ok {
		ps = append(ps, p)
	}
	if strings.TrimSpace(c.ClientID) == "" {
		add("client_id", `""`, "create an app at https://www.reddit.com/prefs/apps and copy the id shown under its name")
	}
	if strings.TrimSpace(c.ClientSecret) == "" {
		add("client_secret", `""`, "copy the app's secret from https://www.reddit.com/prefs/apps")
	}
	if len(c.Queries) == 0 {
		add("queries", "[]", "add at least one search, e.g. queries: [\"acme OR \\\"acme corp\\\"\"]")
	}
	for i, q := range c.Queries {
		switch {
		case strings.TrimSpace(q) == "":
			add(fmt.Sprintf("queries[%d]", i), q, "remove the empty query or write a search")
		case len(q) > 512:
			add(fmt.Sprintf("queries[%d]", i), q[:40]+"…", "Reddit searches are at most 512 characters: split the query")
		}
	}
	for i, s := range c.Subreddits {
		if !subredditName.MatchString(s) {
			add(fmt.Sprintf("subreddits[%d]", i), s, "write the community's name without r/, e.g. golang")
		}
	}
	if c.CommentWindow < 0 {
		add("comment_window", c.CommentWindow, "use a positive duration such as 72h, or leave it out for the default")
	}
	if c.MaxThreads < 0 {
		add("max_threads", c.MaxThreads, "use a positive number, or comments: false to collect no comments")
	}
	if c.Interval < 0 {
		add("interval", c.Interval, "use a positive duration such as 5m, or leave it out for the default")
	}
	if c.RequestsPerMinute < 0 {
		add("requests_per_minute", c.RequestsPerMinute, "use a positive budget such as 60 (Reddit allows 100 per OAuth client)")
	}
	if c.Backfill < 0 {
		add("backfill", c.Backfill, "use a positive duration such as 168h, or leave it out for the pipeline's default")
	}
	for _, u := range []struct{ key, val, example string }{{"base_url", c.BaseURL, DefaultBaseURL}, {"auth_url", c.AuthURL, DefaultAuthURL}} {
		if u.val == "" {
			continue
		}
		if p, ok := ingest.CheckBaseURL(u.key, u.val, u.example); !ok {
			ps = append(ps, p)
		}
	}
	return ps
}

// withDefaults fills what the user left out.
func (c Config) withDefaults(pipelineBackfill time.Duration) Config {
	c.BaseURL = strings.TrimRight(cmp.Or(c.BaseURL, DefaultBaseURL), "/")
	c.AuthURL = cmp.Or(c.AuthURL, DefaultAuthURL)
	c.Interval = cmp.Or(c.Interval, DefaultInterval)
	c.RequestsPerMinute = cmp.Or(c.RequestsPerMinute, DefaultRequestsPerMinute)
	c.CommentWindow = cmp.Or(c.CommentWindow, DefaultCommentWindow)
	c.MaxThreads = cmp.Or(c.MaxThreads, DefaultMaxThreads)
	c.Backfill = cmp.Or(c.Backfill, pipelineBackfill)
	if c.Comments == nil {
		on := true
		c.Comments = &on
	}
	return c
}

// scope is what a query searches: all of Reddit or a multireddit of the
// configured subreddits. It is part of the checkpoint key, so changing
// the subreddits starts a fresh backfill rather than trusting a cursor
// that was kept for another scope.
func (c Config) scope() string {
	if len(c.Subreddits) == 0 {
		return ""
	}
	return "r/" + strings.Join(c.Subreddits, "+")
}
