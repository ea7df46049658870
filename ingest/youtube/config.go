package youtube

import (
	"cmp"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/earshot-dev/earshot/ingest"
)

// Config is one YouTube collector: an API key, the own channel and the
// videos to watch.
type Config struct {
	// Name is unique among collectors: it labels metrics and logs and
	// prefixes checkpoint keys.
	Name string `koanf:"name"`
	// APIKey is a YouTube Data API v3 key from the Google Cloud console.
	APIKey string `koanf:"api_key"`
	// ChannelID is the own channel (UC…): its subscribers become audience
	// snapshots, its recent uploads post metrics, and every comment on
	// its videos a mention.
	ChannelID string `koanf:"channel_id"`
	// Account names the own channel in metrics and audience rows
	// (default: the channel id).
	Account string `koanf:"account"`
	// Videos are other videos (11-character ids) whose comments are
	// collected, e.g. a competitor's launch or a review of the product.
	Videos []string `koanf:"videos"`
	// Campaign tags every own video's metrics; when empty, the
	// utm_campaign of the first link in the video's description does.
	Campaign string `koanf:"campaign"`
	// MaxVideos caps how many recent uploads are observed per poll
	// (default 50: one videos.list call).
	MaxVideos int `koanf:"max_videos"`
	// VideoWindow is how long after upload a video's metrics are still
	// observed (default 2160h, 90 days).
	VideoWindow time.Duration `koanf:"video_window"`
	// Interval between polls (default 15m). Each poll costs about
	// 3 + (comment pages) quota units of the default 10,000 a day.
	Interval time.Duration `koanf:"interval"`
	// RequestsPerMinute is this collector's request budget (default 60).
	RequestsPerMinute float64 `koanf:"requests_per_minute"`
	// Backfill is how far back a first run reaches for comments
	// (default: the pipeline's backfill; 0 there too: the first page).
	Backfill time.Duration `koanf:"backfill"`
	// BaseURL is the API root (default https://www.googleapis.com/youtube/v3).
	BaseURL string `koanf:"base_url"`
}

// Defaults.
const (
	DefaultBaseURL           = "https://www.googleapis.com/youtube/v3"
	DefaultInterval          = 15 * time.Minute
	DefaultRequestsPerMinute = 60
	DefaultMaxVideos         = 50
	DefaultVideoWindow       = 90 * 24 * time.Hour
)

var (
	channelID = regexp.MustCompile(`^UC[0-9A-Za-z_-]{22}$`)
	videoID   = regexp.MustCompile(`^[0-9A-Za-z_-]{11}$`)
)

// Validate reports every invalid setting.
func (c Config) Validate() []ingest.Problem {
	var ps []ingest.Problem
	add := func(key string, val any, fix string, args ...any) {
		ps = append(ps, ingest.Problem{Key: key, Value: val, Fix: fmt.Sprintf(fix, args...)})
	}
	if p, ok := ingest.CheckName(c.Name, "youtube-acme"); !ok {
		ps = append(ps, p)
	}
	if strings.TrimSpace(c.APIKey) == "" {
		add("api_key", `""`, "create an API key for the YouTube Data API v3 in the Google Cloud console (APIs & Services → Credentials)")
	}
	if c.ChannelID == "" && len(c.Videos) == 0 {
		add("channel_id", `""`, "set the own channel's id (UC…, from youtube.com/account_advanced) or list videos to watch")
	}
	if c.ChannelID != "" && !channelID.MatchString(c.ChannelID) {
		add("channel_id", c.ChannelID, "use the 24-character channel id starting with UC (youtube.com/account_advanced), not the @handle or URL")
	}
	for i, v := range c.Videos {
		if !videoID.MatchString(v) {
			add(fmt.Sprintf("videos[%d]", i), v, "use the 11-character video id, the v=… part of a watch URL")
		}
	}
	if utf8.RuneCountInString(c.Campaign) > ingest.MaxCampaign {
		add("campaign", ingest.Truncate(c.Campaign, 40)+"…", "use a campaign name of at most %d characters", ingest.MaxCampaign)
	}
	if c.MaxVideos < 0 {
		add("max_videos", c.MaxVideos, "use a positive number such as 50, or leave it out")
	}
	if c.VideoWindow < 0 {
		add("video_window", c.VideoWindow, "use a positive duration such as 2160h, or leave it out")
	}
	if c.Interval < 0 {
		add("interval", c.Interval, "use a positive duration such as 15m, or leave it out for the default")
	}
	if c.RequestsPerMinute < 0 {
		add("requests_per_minute", c.RequestsPerMinute, "use a positive budget such as 60")
	}
	if c.Backfill < 0 {
		add("backfill", c.Backfill, "use a positive duration such as 168h, or leave it out for the pipeline's default")
	}
	if c.BaseURL != "" {
		if p, ok := ingest.CheckBaseURL("base_url", c.BaseURL, DefaultBaseURL); !ok {
			ps = append(ps, p)
		}
	}
	return ps
}

func (c Config) withDefaults(pipelineBackfill time.Duration) Config {
	c.BaseURL = strings.TrimRight(cmp.Or(c.BaseURL, DefaultBaseURL), "/")
	c.Account = cmp.Or(c.Account, c.ChannelID)
	c.Interval = cmp.Or(c.Interval, DefaultInterval)
	c.RequestsPerMinute = cmp.Or(c.RequestsPerMinute, DefaultRequestsPerMinute)
	c.MaxVideos = cmp.Or(c.MaxVideos, DefaultMaxVideos)
	c.VideoWindow = cmp.Or(c.VideoWindow, DefaultVideoWindow)
	c.Backfill = cmp.Or(c.Backfill, pipelineBackfill)
	return c
}
