package reddit

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/earshot-dev/earshot/ingest"
)

func TestValidate(t *testing.T) {
	good := Config{Name: "reddit-acme", ClientID: "id", ClientSecret: "secret", Queries: []string{"acme"}}
	tests := []struct {
		name   string
		change func(*Config)
		keys   []string // keys of the problems expected, in order
	}{
		{"valid", func(*Config) {}, nil},
		{"valid with everything", func(c *Config) {
			c.Subreddits = []string{"golang", "BuyItForLife"}
			c.BaseURL, c.AuthURL = "http://127.0.0.1:8080", "https://proxy.example/token"
			c.Interval, c.Backfill, c.CommentWindow, c.MaxThreads, c.RequestsPerMinute = time.Minute, time.Hour, time.Hour, 10, 30
		}, nil},
		{"missing credentials", func(c *Config) { c.ClientID, c.ClientSecret = "", " " }, []string{"client_id", "client_secret"}},
		{"no name", func(c *Config) { c.Name = "" }, []string{"name"}},
		{"name with a slash", func(c *Config) { c.Name = "reddit/acme" }, []string{"name"}},
		{"no queries", func(c *Config) { c.Queries = nil }, []string{"queries"}},
		{"empty and long queries", func(c *Config) { c.Queries = []string{"acme", " ", strings.Repeat("a", 513)} }, []string{"queries[1]", "queries[2]"}},
		{"subreddit with r/", func(c *Config) { c.Subreddits = []string{"golang", "r/acme"} }, []string{"subreddits[1]"}},
		{"bad URLs", func(c *Config) { c.BaseURL, c.AuthURL = "oauth.reddit.com", "ftp://x" }, []string{"base_url", "auth_url"}},
		{"negative numbers", func(c *Config) {
			c.Interval, c.Backfill, c.CommentWindow, c.MaxThreads, c.RequestsPerMinute = -1, -1, -1, -1, -1
		}, []string{"comment_window", "max_threads", "interval", "requests_per_minute", "backfill"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.change(&c)
			ps := c.Validate()
			var keys []string
			for _, p := range ps {
				keys = append(keys, p.Key)
				if p.Fix == "" {
					t.Errorf("%s: no fix", p.Key)
				}
			}
			if !slices.Equal(keys, tt.keys) {
				t.Errorf("problems %+v, want keys %v", ps, tt.keys)
			}
			_, err := New(c, ingest.Deps{Checkpoints: nil})
			if err == nil {
				t.Error("New without a checkpoint store succeeded")
			}
		})
	}
}
