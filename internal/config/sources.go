package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/earshot-dev/earshot/ingest"
	"github.com/earshot-dev/earshot/ingest/appstore"
	"github.com/earshot-dev/earshot/ingest/bluesky"
	"github.com/earshot-dev/earshot/ingest/fetch"
	"github.com/earshot-dev/earshot/ingest/fileimport"
	"github.com/earshot-dev/earshot/ingest/hackernews"
	"github.com/earshot-dev/earshot/ingest/mastodon"
	"github.com/earshot-dev/earshot/ingest/reddit"
	"github.com/earshot-dev/earshot/ingest/rss"
	"github.com/earshot-dev/earshot/ingest/webhook"
	"github.com/earshot-dev/earshot/ingest/youtube"
)

// Sources are the real collectors. Each list entry is one collector with
// a unique name; each collector package documents and validates its own
// settings.
type Sources struct {
	UserAgent  string              `koanf:"user_agent"` // sent with every request
	Backfill   time.Duration       `koanf:"backfill"`   // how far back a first run reaches
	RSS        []rss.Config        `koanf:"rss"`
	AppStore   []appstore.Config   `koanf:"appstore"`
	HackerNews []hackernews.Config `koanf:"hackernews"`
	Mastodon   []mastodon.Config   `koanf:"mastodon"`
	Bluesky    []bluesky.Config    `koanf:"bluesky"`
	Reddit     []reddit.Config     `koanf:"reddit"`
	YouTube    []youtube.Config    `koanf:"youtube"`
	Webhook    []webhook.Config    `koanf:"webhook"`
	Import     fileimport.Config   `koanf:"import"`
}

func defaultSources() Sources {
	return Sources{UserAgent: fetch.DefaultUserAgent, Backfill: 7 * 24 * time.Hour}
}

// validator is what every collector configuration offers.
type validator interface{ Validate() []ingest.Problem }

func validateList[C validator](key string, list []C, name func(C) string, names map[string]string, add func(key string, val any, fix string, args ...any)) {
	for i, c := range list {
		at := fmt.Sprintf("sources.%s[%d]", key, i)
		for _, p := range c.Validate() {
			add(at+"."+p.Key, p.Value, "%s", p.Fix)
		}
		n := strings.TrimSpace(name(c))
		if prev, dup := names[n]; dup && n != "" {
			add(at+".name", n, "collector names must be unique: %s has it too (names key checkpoints and metrics)", prev)
		}
		names[n] = at
	}
}

func (s Sources) validate(add func(key string, val any, fix string, args ...any)) {
	if strings.TrimSpace(s.UserAgent) == "" {
		add("sources.user_agent", `""`, "name earshot and a contact, e.g. %q: platforms block anonymous clients", fetch.DefaultUserAgent)
	}
	if s.Backfill < 0 {
		add("sources.backfill", s.Backfill, "use a duration such as 168h (how far back a collector's first run reaches)")
	}
	names := map[string]string{"synthetic": "the synthetic collector"}
	validateList("rss", s.RSS, func(c rss.Config) string { return c.Name }, names, add)
	validateList("appstore", s.AppStore, func(c appstore.Config) string { return c.Name }, names, add)
	validateList("hackernews", s.HackerNews, func(c hackernews.Config) string { return c.Name }, names, add)
	validateList("mastodon", s.Mastodon, func(c mastodon.Config) string { return c.Name }, names, add)
	validateList("bluesky", s.Bluesky, func(c bluesky.Config) string { return c.Name }, names, add)
	validateList("reddit", s.Reddit, func(c reddit.Config) string { return c.Name }, names, add)
	validateList("youtube", s.YouTube, func(c youtube.Config) string { return c.Name }, names, add)
	validateList("webhook", s.Webhook, func(c webhook.Config) string { return c.Name }, names, add)
	for _, p := range s.Import.Validate() {
		add("sources.import."+p.Key, p.Value, "%s", p.Fix)
	}
}
