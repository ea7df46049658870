package youtube

import (
	"slices"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	good := Config{Name: "youtube-acme", APIKey: "AIza-key", ChannelID: "UCacmeAcmeAcmeAcmeAcme00"}
	tests := []struct {
		name   string
		change func(*Config)
		keys   []string
	}{
		{"valid", func(*Config) {}, nil},
		{"only watched videos", func(c *Config) { c.ChannelID, c.Videos = "", []string{"dQw4w9WgXcQ"} }, nil},
		{"valid with everything", func(c *Config) {
			c.Videos, c.Campaign, c.Account, c.BaseURL = []string{"dQw4w9WgXcQ"}, "always-on", "acme", "http://127.0.0.1:9000/youtube/v3"
			c.MaxVideos, c.VideoWindow, c.Interval, c.Backfill, c.RequestsPerMinute = 10, time.Hour, time.Minute, time.Hour, 30
		}, nil},
		{"no API key", func(c *Config) { c.APIKey = " " }, []string{"api_key"}},
		{"no name", func(c *Config) { c.Name = "" }, []string{"name"}},
		{"nothing to collect", func(c *Config) { c.ChannelID = "" }, []string{"channel_id"}},
		{"handle instead of channel id", func(c *Config) { c.ChannelID = "@acme" }, []string{"channel_id"}},
		{"watch URL instead of video id", func(c *Config) {
			c.Videos = []string{"dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"}
		}, []string{"videos[1]"}},
		{"bad base URL", func(c *Config) { c.BaseURL = "www.googleapis.com/youtube/v3" }, []string{"base_url"}},
		{"negative numbers", func(c *Config) {
			c.MaxVideos, c.VideoWindow, c.Interval, c.RequestsPerMinute, c.Backfill = -1, -1, -1, -1, -1
		}, []string{"max_videos", "video_window", "interval", "requests_per_minute", "backfill"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.change(&c)
			var keys []string
			for _, p := range c.Validate() {
				keys = append(keys, p.Key)
				if p.Fix == "" {
					t.Errorf("%s: no fix", p.Key)
				}
				if p.Value == c.APIKey && c.APIKey != "" {
					t.Errorf("%s shows the API key", p.Key)
				}
			}
			if !slices.Equal(keys, tt.keys) {
				t.Errorf("problem keys %v, want %v", keys, tt.keys)
			}
		})
	}
}
