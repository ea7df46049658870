package bluesky

import (
	"cmp"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/earshot-dev/earshot/ingest"
)

// Config is one Bluesky collector: an entry of the sources.bluesky list.
type Config struct {
	// Name labels the collector in metrics, logs and checkpoints; unique.
	Name string `koanf:"name"`
	// BaseURL is the AppView answering unauthenticated reads; default
	// https://public.api.bsky.app. A proxy or another AppView works too.
	BaseURL string `koanf:"base_url"`
	// PDSURL is where a session is created when Identifier is set; default
	// https://bsky.social. Authenticated reads go to the account's own PDS,
	// which the session names, and it proxies them to the AppView.
	PDSURL string `koanf:"pds_url"`
	// Identifier and AppPassword log in (Settings → App passwords). Search
	// may need them: the public AppView can refuse unauthenticated search
	// or its later pages.
	Identifier  string `koanf:"identifier"`
	AppPassword string `koanf:"app_password"`
	// Queries are post searches (app.bsky.feed.searchPosts syntax).
	Queries []string `koanf:"queries"`
	// Actor is the own account (handle or DID) whose followers and post
	// metrics are collected.
	Actor string `koanf:"actor"`
	// Campaign labels the own posts' metrics; when empty, each post's
	// first link's utm_campaign is used.
	Campaign string `koanf:"campaign"`
	// AuthorFollowers looks up the follower count of mention authors
	// (app.bsky.actor.getProfiles, one request per 25 new authors), which
	// reach is computed from; default true.
	AuthorFollowers *bool `koanf:"author_followers"`
	// Interval between polls; default 5m.
	Interval time.Duration `koanf:"interval"`
	// RequestsPerMinute is this collector's request budget; default 60
	// (the AppView allows 3000 per 5 minutes per IP).
	RequestsPerMinute float64 `koanf:"requests_per_minute"`
	// Backfill is how far back a first run reaches; default the
	// pipeline's backfill.
	Backfill time.Duration `koanf:"backfill"`
	// PostsWindow is how old an own post may be and still have its
	// metrics observed; default 30 days.
	PostsWindow time.Duration `koanf:"posts_window"`
}

const (
	defaultBaseURL     = "https://public.api.bsky.app"
	defaultPDSURL      = "https://bsky.social"
	defaultInterval    = 5 * time.Minute
	defaultRPM         = 60
	defaultPostsWindow = 30 * 24 * time.Hour
	fallbackBackfill   = 24 * time.Hour
)

var (
	handlePattern = regexp.MustCompile(`^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)
	didPattern    = regexp.MustCompile(`^did:[a-z]+:[A-Za-z0-9._:%-]+$`)
)

// Validate reports every setting that cannot work, with what to do.
func (c Config) Validate() []ingest.Problem {
	var ps []ingest.Problem
	add := func(key string, v any, fix string) { ps = append(ps, ingest.Problem{Key: key, Value: v, Fix: fix}) }
	if p, ok := ingest.CheckName(c.Name, "bluesky"); !ok {
		ps = append(ps, p)
	}
	for _, u := range []struct{ key, v, example string }{{"base_url", c.BaseURL, defaultBaseURL}, {"pds_url", c.PDSURL, defaultPDSURL}} {
		if u.v == "" {
			continue
		}
		if p, ok := ingest.CheckBaseURL(u.key, u.v, u.example); !ok {
			ps = append(ps, p)
		}
	}
	switch {
	case c.Identifier != "" && c.AppPassword == "":
		add("app_password", "", "create an app password (Settings → Privacy and security → App passwords) and set app_password, or remove identifier to read without logging in")
	case c.Identifier == "" && c.AppPassword != "":
		add("identifier", "", "set identifier to the handle or email the app password belongs to")
	}
	if c.Identifier != "" && strings.HasPrefix(c.Identifier, "@") {
		add("identifier", c.Identifier, "write the handle without the leading '@', e.g. acme.bsky.social")
	}
	for i, q := range c.Queries {
		if strings.TrimSpace(q) == "" {
			add(fmt.Sprintf("queries[%d]", i), q, "remove the empty query or write what to search for")
		}
	}
	if c.Actor != "" && !handlePattern.MatchString(c.Actor) && !didPattern.MatchString(c.Actor) {
		add("actor", c.Actor, "write the own account as a handle (acme.bsky.social, without '@') or a DID (did:plc:…)")
	}
	if len(c.Queries) == 0 && c.Actor == "" {
		add("queries", nil, "nothing to collect: list queries or set the own account under actor")
	}
	if c.Interval < 0 {
		add("interval", c.Interval, "use a positive duration such as 5m, or leave it out for the default 5m")
	}
	if c.RequestsPerMinute < 0 {
		add("requests_per_minute", c.RequestsPerMinute, "use a positive budget such as 60, or leave it out for the default")
	}
	if c.Backfill < 0 {
		add("backfill", c.Backfill, "use a positive duration such as 72h, or leave it out for the pipeline's default")
	}
	if c.PostsWindow < 0 {
		add("posts_window", c.PostsWindow, "use a positive duration such as 720h, or leave it out for 30 days")
	}
	return ps
}

// withDefaults fills what the entry left out.
func (c Config) withDefaults(deps ingest.Deps) Config {
	c.BaseURL = strings.TrimRight(cmp.Or(c.BaseURL, defaultBaseURL), "/")
	c.PDSURL = strings.TrimRight(cmp.Or(c.PDSURL, defaultPDSURL), "/")
	if c.AuthorFollowers == nil {
		yes := true
		c.AuthorFollowers = &yes
	}
	c.Interval = cmp.Or(c.Interval, defaultInterval)
	c.RequestsPerMinute = cmp.Or(c.RequestsPerMinute, defaultRPM)
	c.Backfill = cmp.Or(c.Backfill, deps.Backfill, fallbackBackfill)
	c.PostsWindow = cmp.Or(c.PostsWindow, defaultPostsWindow)
	return c
}
